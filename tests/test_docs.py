"""The README is the user's manual: it must name every key and every command."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from reader.cli import cli
from reader.keys import KEYS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_readme_lists_every_key_with_its_meaning():
    for _, keys in KEYS:
        for _, meaning in keys:
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
