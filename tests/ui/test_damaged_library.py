"""Whatever another program wrote into the library, the app shows one line and keeps running.

The audit's faults: one flipped byte inside an article's text passed quick_check and integrity_check
and the app died with a traceback when the article opened; a BLOB in a note, or a colour only
Textual knows (hsl(...)) written by another tool, did the same; the codebook form accepted
colours Rich cannot draw (crashing every screen that showed the tag) and refused bright_red.
"""

from __future__ import annotations

import sqlite3

from annotated_seed import seed
from pilot_helpers import make_library, notifications, wait_until

from reader.app import ReaderApp
from reader.screens.codebook import CodebookScreen
from reader.screens.library import LibraryScreen
from reader.store import Store


def damage(path, sql: str, *params) -> None:
    conn = sqlite3.connect(path)
    conn.execute(sql, params)
    conn.commit()
    conn.close()


def annotate(path, article_id: int, tags=("claim",)) -> int:
    store = Store(path)
    text = seed().text
    start = text.index("dinner")
    annotation = store.create_annotation(article_id, start, start + 6, "tester", tags=list(tags), note="mine")
    store.close()
    return annotation.id


async def opened_with_one_line(app: ReaderApp, what: str) -> list[str]:
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: any(what in n for n in notifications(app)), what)
        messages = [n for n in notifications(app) if what in n]
        assert all("\n" not in n for n in messages)
        await wait_until(pilot, lambda: isinstance(app.screen, LibraryScreen), "the library shown instead")
        await pilot.press("q")
    return messages


async def test_a_flipped_byte_in_an_articles_text_is_one_line_and_the_app_keeps_running(tmp_path):
    path, article_id = make_library(tmp_path)
    data = bytearray(seed().text.encode())
    data[100] = 0xFF  # not UTF-8: passes quick_check and integrity_check
    damage(path, "UPDATE articles SET text = CAST(? AS TEXT) WHERE id = ?", bytes(data), article_id)
    app = ReaderApp(Store(path), user="tester", article_ids=[article_id])
    [message] = await opened_with_one_line(app, "cannot be opened")
    assert "not valid UTF-8" in message and len(message) < 300  # the damaged text itself is not quoted


async def test_a_blob_in_a_note_is_one_line_and_the_app_keeps_running(tmp_path):
    path, article_id = make_library(tmp_path)
    annotation_id = annotate(path, article_id)
    damage(path, "UPDATE annotations SET note = ? WHERE id = ?", b"\x00\xff\xfe", annotation_id)
    app = ReaderApp(Store(path), user="tester", article_ids=[article_id])
    [message] = await opened_with_one_line(app, "cannot be opened")
    assert f"the note of annotation {annotation_id} holds binary data" in message


async def test_a_colour_another_tool_wrote_is_drawn_and_the_app_keeps_running(tmp_path):
    path, article_id = make_library(tmp_path)
    annotate(path, article_id, tags=("claim", "evidence"))
    damage(path, "UPDATE tags SET colour = 'hsl(120, 100%, 50%)' WHERE name = 'claim'")
    damage(path, "UPDATE tags SET colour = ? WHERE name = 'evidence'", b"\x00\x01")
    app = ReaderApp(Store(path), user="tester", article_ids=[article_id])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.has_article, "the article opened")
        await pilot.press("n")  # the notes panel with the tag chips
        await pilot.pause(0.2)
        await pilot.press("escape", "t")  # the tag prompt shows every tag
        await pilot.pause(0.2)
        await pilot.press("escape", "c")  # the codebook
        await wait_until(pilot, lambda: isinstance(app.screen, CodebookScreen), "the codebook shown")
        await pilot.pause(0.2)
        await pilot.press("escape")
        await pilot.pause(0.1)
    assert app.return_code in (0, None)


async def _save_colour(pilot, app: ReaderApp, colour: str) -> None:
    await pilot.press("c")
    await wait_until(pilot, lambda: isinstance(app.screen, CodebookScreen), "the codebook shown")
    await pilot.press("n")
    await pilot.pause(0.2)
    await pilot.press(*f"t{len(colour)}", "tab", "tab")
    app.screen.query_one("#colour").value = colour
    await pilot.press("enter")
    await pilot.pause(0.3)


async def test_the_codebook_form_takes_the_colours_rich_draws_and_refuses_the_rest(tmp_path):
    path, article_id = make_library(tmp_path)
    for colour, stored in (("bright_red", "bright_red"), ("#abc", "#aabbcc"), ("rebeccapurple", None), ("hsl(1, 2%, 3%)", None)):
        app = ReaderApp(Store(path), user="tester", article_ids=[article_id])
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: app.has_article, "the article opened")
            await _save_colour(pilot, app, colour)
            if stored is None:
                assert any("Unknown colour" in n for n in notifications(app)), colour
                await pilot.press("escape")
            await pilot.pause(0.2)
        store = Store(path)
        tag = store.find_tag(f"t{len(colour)}")
        store.close()
        assert (tag.colour if tag else None) == stored, colour


async def test_the_default_tags_can_be_saved_unchanged(tmp_path):
    path, article_id = make_library(tmp_path)
    app = ReaderApp(Store(path), user="tester", article_ids=[article_id])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.has_article, "the article opened")
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, CodebookScreen), "the codebook shown")
        await pilot.press("G")  # "important", bright_red, is the last default tag
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.screen.query_one("#colour").value == "bright_red"
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert not any("Unknown colour" in n for n in notifications(app))


async def test_a_blob_title_is_one_line_in_the_library_and_the_app_keeps_running(tmp_path):
    path, article_id = make_library(tmp_path)
    damage(path, "UPDATE articles SET title = ? WHERE id = ?", b"\x00\xff", article_id)
    app = ReaderApp(Store(path), user="tester")
    async with app.run_test(size=(160, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, LibraryScreen), "the library shown")
        await pilot.pause(0.3)
        assert "damaged" in app.export_screenshot()  # the damaged row says so, in one line; the app runs on
        await pilot.press("q")


def test_the_cli_says_one_line_for_a_blob_title(tmp_path):
    from click.testing import CliRunner

    from reader.cli import cli

    path, article_id = make_library(tmp_path)
    damage(path, "UPDATE articles SET title = ? WHERE id = ?", b"\x00\xff", article_id)
    for args in (["list"], ["list", "--json"], ["search", "baldwin"]):
        result = CliRunner().invoke(cli, [*args, "--db", str(path)])
        assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "damaged data" in result.stderr, args
