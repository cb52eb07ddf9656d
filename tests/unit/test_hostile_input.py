"""Nothing let in: escape sequences in articles, notes, titles and file names never reach the terminal.

The app is checked on what it would write to the terminal (the compositor's output for the screen):
besides Textual's own colour and cursor sequences, no escape or control character may be in it.
The command line is checked on its output, and on a real terminal (a pty) where colour is on.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.app import ReaderApp
from reader.cli import cli
from reader.ingest.article import ArticleError
from reader.ingest.files import parse_article, read_article
from reader.model import Analysis, Entity, Quote
from reader.store import Store
from reader.widgets.notes_panel import NoteEditor

READER_BIN = Path(sys.executable).parent / "reader"

# Set the window title, clear the screen, write the clipboard (OSC 52), an 8-bit CSI, a DCS,
# a right-to-left override, and Rich/Textual markup that would make a hyperlink.
EVIL = "\x1b]0;PWNED\x07\x1b[2J\x1b]52;c;cHduZWQ=\x07\x9b31m\x1bP+q\x1b\\\u202e[link=https://evil.example]x[/link]"
EVIL_NAME = EVIL.replace("/", "|")  # as a file name
TEXTUAL_OWN = re.compile(r"\x1b\[[0-9;]*[mH]")  # the colours and cursor moves Textual itself writes
FORBIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def assert_inert(output: str, where: str) -> None:
    """Nothing in `output` but Textual's own sequences may act on the terminal."""
    rest = TEXTUAL_OWN.sub("", output)
    found = sorted({f"U+{ord(c):04X}" for c in FORBIDDEN.findall(rest)})
    assert not found, f"{where}: control characters reach the terminal: {found}"


def terminal_output(app: ReaderApp) -> str:
    """What the app would write to the terminal to draw its screen now."""
    return app.screen._compositor.render_update(full=True).render_segments(app.console)  # noqa: SLF001


def hostile_library(tmp_path: Path) -> tuple[Path, int, str]:
    path = tmp_path / "reader.db"
    text = f"Title: Headline {EVIL} here\nSource: {EVIL}\n\nThe mayor {EVIL} said: “We will {EVIL} reopen it.” Then {EVIL} left.\n"
    store = Store(path)
    parsed = parse_article(text.encode(), "evil.txt")
    mayor = parsed.text.index("The mayor")
    quote = parsed.text.index("We will")
    quote_end = parsed.text.index("”")
    analysis = Analysis(
        entities=[Entity(mayor, mayor + 9 + len(EVIL) + 1, "PERSON" + EVIL, parsed.text[mayor : mayor + 10 + len(EVIL)])],
        quotes=[Quote(quote, quote_end, parsed.text[quote:quote_end], "Mayor" + EVIL, mayor, mayor + 9, "said")],
        analyser="hand-made",
    )
    article_id, _ = store.add_article(parsed, analysis)
    tag = store.ensure_tag("claim" + EVIL, description="desc" + EVIL)
    store.update_tag(tag.id, quick_key="8")
    start = parsed.text.index("Then")
    store.create_annotation(article_id, start, start + 4, "author" + EVIL, tags=["claim" + EVIL], note="note " + EVIL)
    store.close()
    return path, article_id, parsed.text


async def test_escape_sequences_are_inert_everywhere_in_the_app(tmp_path):
    path, article_id, text = hostile_library(tmp_path)
    app = ReaderApp(Store(path), user="me", article_ids=[article_id])
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        screen = app.screen
        await pilot.pause()
        output = terminal_output(app)
        assert_inert(output, "article and its title")
        assert "␛]0;PWNED␇" in output  # shown, as symbols

        screen.view.move_to(text.index("Then"))  # the annotation: its tags, author and note in the panel
        await pilot.pause()
        assert_inert(terminal_output(app), "annotation in the panel and status line")
        await pilot.press("a")  # the note being edited
        assert isinstance(app.focused, NoteEditor)
        await pilot.pause()
        output = terminal_output(app)
        assert_inert(output, "note editor")
        assert "PWNED" in output
        await pilot.press("escape")

        screen.view.move_to(text.index("The mayor"))  # an entity and a quotation's speaker
        await pilot.pause()
        assert_inert(terminal_output(app), "entity in the status line")
        for tab in ("tab-entities", "tab-quotes"):
            screen.panel.query_one("TabbedContent").active = tab
            await pilot.pause()
            assert_inert(terminal_output(app), tab)

        await pilot.press("slash")
        screen.query_one("#search").value = "pasted " + EVIL  # a paste into the search field
        await pilot.pause()
        assert_inert(terminal_output(app), "search field")
        await pilot.press("escape")

        await pilot.press("t")  # the tag prompt lists the codebook
        await pilot.pause()
        assert_inert(terminal_output(app), "tag prompt")
        await pilot.press("escape")

        await pilot.press("c")  # the codebook
        await pilot.pause()
        assert_inert(terminal_output(app), "codebook")
        await pilot.press("escape")

        await pilot.press("o")  # the library list, then a search in it
        await pilot.pause()
        output = terminal_output(app)
        assert_inert(output, "library")
        assert "[link=" in output  # markup in a title is shown as it is
        await pilot.press("slash", *"mayor")
        await pilot.pause(0.3)
        assert_inert(terminal_output(app), "library search results")

        app.screen.import_paths(str(tmp_path / f"missing {EVIL_NAME}.txt"))  # an error naming a file
        await app.workers.wait_for_complete()
        await pilot.pause()
        output = terminal_output(app)
        assert "no such file" in output
        assert_inert(output, "notification")


# ---------------------------------------------------------------- the command line


def cli_run(*args: str):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def test_cli_output_is_inert(tmp_path):
    path, _, _ = hostile_library(tmp_path)
    for args in (["list"], ["search", "mayor"], ["search", "note"]):
        result = cli_run(*args, "--db", path)
        assert result.exit_code == 0, result.output
        output = result.stdout
        if args == ["list"]:  # piped, the fields are tab-separated: eight on the one line, whatever the title holds
            assert [line.count("\t") for line in output.splitlines()] == [7]
            output = output.replace("\t", " ")
        assert_inert(output.replace("\n", ""), " ".join(args))
        assert "␛" in result.stdout
    result = cli_run("list", "--json", "--db", path)
    assert_inert(result.stdout.replace("\n", ""), "list --json")
    assert json.loads(result.stdout)["title"].startswith("Headline \x1b]0;PWNED")  # the data itself is kept


def test_cli_error_messages_show_file_names_inert(tmp_path):
    db = tmp_path / "reader.db"
    names = [tmp_path / f"gone {EVIL_NAME}.txt", tmp_path / "two\nlines.txt"]
    result = cli_run("add", "--no-analysis", *names, "--db", db)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith("reader: ") for line in lines)
    assert_inert(result.stderr.replace("\n", ""), "add errors")
    assert "two␤lines.txt" in result.stderr
    bad_db = tmp_path / f"db {EVIL_NAME}.db"
    bad_db.write_bytes(b"not a database")
    result = cli_run("list", "--db", bad_db)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert_inert(result.stderr.replace("\n", ""), "database error")


def run_on_a_terminal(*args: str) -> str:
    """Run reader with its output on a pty (a real terminal: colour on) and return what it wrote."""
    controller, terminal = pty.openpty()
    env = dict(os.environ, COLUMNS="120", LINES="40", TERM="xterm-256color")
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([str(READER_BIN), *args], stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal, env=env)
    os.close(terminal)
    chunks = []
    while True:
        ready, _, _ = select.select([controller], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(controller, 65536)
        except OSError:  # the terminal closed
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(controller)
    return b"".join(chunks).decode("utf-8", "replace")


def test_cli_on_a_terminal_sends_no_escape_sequence_from_the_data(tmp_path):
    path, _, _ = hostile_library(tmp_path)
    listing = run_on_a_terminal("list", "--db", str(path))
    assert "PWNED" in listing
    assert_inert(listing.replace("\r\n", ""), "list on a terminal")
    exported = run_on_a_terminal("export", "--db", str(path))
    assert "note ␛]0;PWNED␇" in exported
    assert_inert(exported.replace("\r\n", ""), "export on a terminal")


def test_export_to_a_file_keeps_the_text_exactly(tmp_path):
    path, article_id, text = hostile_library(tmp_path)
    out = tmp_path / "out.jsonl"
    assert cli_run("export", "--format", "jsonl", "--db", path, "-o", out).exit_code == 0
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [b["value"] for b in record["body"]] == ["claim" + EVIL, "note " + EVIL]
    quote, position = record["target"]["selector"]
    assert quote["exact"] == text[position["start"] : position["end"]] == "Then"


# ---------------------------------------------------------------- huge input


def test_fifty_megabyte_file_is_refused_without_being_read(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB to read, nothing on disk
    tracemalloc.start()
    try:
        with pytest.raises(ArticleError) as info:
            read_article(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "52,428,800 bytes is too large" in str(info.value)
    assert peak < 1_000_000  # the file was not read into memory
    result = cli_run("add", "--no-analysis", path, "--db", tmp_path / "r.db")
    assert result.exit_code == 1 and "too large" in result.stderr and result.stderr.count("\n") == 1


def test_a_file_growing_past_the_limit_is_read_no_further(tmp_path, monkeypatch):
    """The size is checked on what is read, too: a file may grow after it was measured."""
    import reader.ingest.files

    path = tmp_path / "growing.txt"
    path.write_bytes(b"word " * 1000)
    real_stat = Path.stat

    def small_stat(self, *args, **kwargs):  # as if measured before it grew
        result = real_stat(self, *args, **kwargs)
        return os.stat_result((result.st_mode, *result[1:6], 10, *result[7:]))

    monkeypatch.setattr(reader.ingest.files.Path, "stat", small_stat)
    with pytest.raises(ArticleError, match="more than 1,000 bytes is too large"):
        read_article(path, max_bytes=1_000)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_is_refused_not_read_forever(tmp_path):
    result = cli_run("add", "--no-analysis", "/dev/zero", "--db", tmp_path / "r.db")
    assert result.exit_code == 1 and "/dev/zero: not a regular file" in result.stderr
