"""The README is the user's manual: it must name every key and every command."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from reader.cli import cli
from reader.keys import HELP, markdown_table

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_readme_lists_every_key_with_its_meaning():
    """The README's table is the one made from the bindings (regenerate it with `python -m reader.keys`)."""
    assert markdown_table() in README
    for _, rows in HELP:
        for _, meaning in rows:
            assert meaning in README, meaning


def test_readme_documents_every_command():
    for name, command in cli.commands.items():
        if name == "open":
            continue
        assert f"reader {name}" in README, name
        assert CliRunner().invoke(cli, [name, "--help"]).exit_code == 0


def test_help_screen_keys_are_bound():
    """Each key the help lists is a real binding of the reader or its article view."""
    from reader.screens.reader_screen import ReaderScreen
    from reader.widgets.article_view import ArticleView

    bound = set()
    for binding in ReaderScreen.BINDINGS + ArticleView.BINDINGS:
        bound.update(binding.key.split(","))
    for key in ("j", "k", "w", "b", "g", "G", "v", "t", "a", "x", "u", "ctrl+r", "n", "N", "tab", "p", "o", "c", "e", "q",
                "right_curly_bracket", "left_curly_bracket", "right_square_bracket", "left_square_bracket",
                "right_parenthesis", "left_parenthesis", "slash", "question_mark", "space", "pagedown", "pageup", "1", "9"):
        assert key in bound, key


def test_a_keymap_in_the_config_moves_a_key_everywhere(tmp_path, monkeypatch):
    """[keymap] in config.toml rebinds by id: the help and the README table follow, and a bad id is one line."""
    from reader import config
    from reader.errors import ReaderError
    from reader.screens.help import keys_table

    path = tmp_path / "config.toml"
    monkeypatch.setenv("READER_CONFIG", str(path))
    path.write_text('[keymap]\nnote = "n"\nmatch_next = "ctrl+n"\n')
    config._file_settings.cache_clear()
    keymap = config.keymap()
    assert keymap == {"note": "n", "match_next": "ctrl+n"}
    assert "| `n` | write the target's note in the panel | note |" in markdown_table(keymap)
    from rich.console import Console

    console = Console(width=120, record=True)
    console.print(keys_table(keymap))
    assert "/  ctrl+n N" in console.export_text()
    path.write_text('[keymap]\nnotes = "n"\n')
    config._file_settings.cache_clear()
    try:
        config.keymap()
    except ReaderError as exc:
        assert "names no key of reader: 'notes'" in str(exc) and "\n" not in str(exc)
    else:
        raise AssertionError("an unknown id was accepted")
