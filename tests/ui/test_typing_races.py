"""What the user types is never lost to a race: another session writing, a slow reload, keys typed ahead.

The audit's data-loss faults: a reload of the article's annotations that started before the user's
last letters (or last tag) were saved put the older state back on screen; keys typed after `a` but
before the note editor had focus ran as commands.
"""

from __future__ import annotations

import threading
import time

from annotated_seed import seed
from pilot_helpers import make_library, notifications, wait_until
from textual import events

import reader.screens.reader_screen as reader_screen
from reader.app import ReaderApp
from reader.store import Store
from reader.widgets.notes_panel import NoteEditor

NOTE = "The judge read the statement twice, then paused; counsel objected at 10:42. Check the record, and ask the clerk by Friday."


def slow_reads(monkeypatch, app: ReaderApp, seconds: float) -> None:
    """The app's reload of annotations takes `seconds` (a busy machine), other sessions' reads do not."""
    store = app.store
    real = Store.annotations

    def annotations(self, article_id):
        rows = real(self, article_id)
        if self is store:
            time.sleep(seconds)
        return rows

    monkeypatch.setattr(Store, "annotations", annotations)


class Colleague(threading.Thread):
    """Another session that writes to the same article every `every` seconds until stopped."""

    def __init__(self, path, article_id: int, every: float = 0.05):
        super().__init__(daemon=True)
        self.path, self.article_id, self.every = path, article_id, every
        self.stop = threading.Event()
        self.writes = 0

    def run(self) -> None:
        store = Store(self.path)
        text = seed().text
        start = text.index("dinner")
        mine = store.create_annotation(self.article_id, start, start + 6, "colleague", tags=["source"])
        while not self.stop.wait(self.every):
            store.set_note(mine.id, f"colleague's note {self.writes}")
            self.writes += 1
        store.close()


def stored(path, article_id):
    store = Store(path)
    try:
        return [a for a in store.annotations(article_id) if a.author == "me"]
    finally:
        store.close()


async def test_a_long_note_typed_while_another_session_writes_keeps_every_letter(tmp_path, monkeypatch):
    monkeypatch.setattr(reader_screen, "LIVE_REFRESH_S", 0.05)
    monkeypatch.setattr(reader_screen, "NOTE_SAVE_DELAY", 0.05)
    path, article_id = make_library(tmp_path)
    app = ReaderApp(Store(path), user="me", article_ids=[article_id])
    colleague = Colleague(path, article_id)
    async with app.run_test(size=(120, 40)) as pilot:
        slow_reads(monkeypatch, app, 0.15)
        await pilot.press("right_parenthesis", "1", "a")
        editor = app.screen.query_one(NoteEditor)
        colleague.start()
        try:
            for letter in NOTE:
                await pilot.press(letter)
                if letter in " ,;.":
                    await pilot.pause(0.03)  # typing pauses: reloads land between letters
            await wait_until(pilot, lambda: colleague.writes >= 10, "the colleague wrote meanwhile")
        finally:
            colleague.stop.set()
            colleague.join()
        await pilot.pause(0.4)
        assert editor.text == NOTE
        assert not any("changed in another session" in n for n in notifications(app))
        await pilot.press("escape")
        await pilot.pause(0.2)
    [annotation] = stored(path, article_id)
    assert annotation.note == NOTE
    assert len(NOTE) >= 120


async def test_tag_then_note_at_once_land_on_one_annotation_while_reloads_are_slow(tmp_path, monkeypatch):
    monkeypatch.setattr(reader_screen, "LIVE_REFRESH_S", 0.05)
    path, article_id = make_library(tmp_path)
    text = seed().text
    app = ReaderApp(Store(path), user="me", article_ids=[article_id])
    colleague = Colleague(path, article_id, every=0.03)
    async with app.run_test(size=(120, 40)) as pilot:
        slow_reads(monkeypatch, app, 0.15)
        colleague.start()
        try:
            for word in ("celebrated", "dismissal", "trial"):
                app.screen.view.move_to(text.index(word))
                await pilot.pause(0.07)  # a reload is under way
                await pilot.press("2")
                # The tag shown before `a` (the pace of a person). Pressed in one burst, `a` (a priority
                # binding) can overtake the `2` still on its way up the widgets: see the closing note.
                await wait_until(pilot, lambda: any("fact-check" in a.tags and a.exact == word
                                                    for a in app.screen.annotations), "the tag is shown")
                await pilot.press("a", *word.upper(), "escape")
                await wait_until(pilot, lambda: app.focused is app.screen.view, "the note is closed")
        finally:
            colleague.stop.set()
            colleague.join()
        await pilot.pause(0.4)
    mine = stored(path, article_id)
    assert sorted((a.exact, a.note, tuple(a.tags)) for a in mine) == sorted(
        (word, word.upper(), ("fact-check",)) for word in ("celebrated", "dismissal", "trial")
    ), [(a.exact, a.note, a.tags) for a in mine]


def burst(app: ReaderApp, keys: str) -> None:
    """Keys as a fast typist (or a paste over SSH) sends them: all queued before the app handles the first."""
    for key in keys:
        name = {" ": "space", ".": "full_stop", ",": "comma"}.get(key, key)
        event = events.Key(name, key)
        event.set_sender(app)
        app._driver.send_message(event)  # noqa: SLF001 - as the terminal driver does


async def test_keys_typed_right_after_a_belong_to_the_note(tmp_path, monkeypatch):
    path, article_id = make_library(tmp_path)
    real_create = Store.create_annotation

    def slow_create(self, *args, **kwargs):  # a loaded machine: the note's annotation takes a while
        time.sleep(0.3)
        return real_create(self, *args, **kwargs)

    monkeypatch.setattr(Store, "create_annotation", slow_create)
    typed = "x1 t2, q3u."  # delete, tag, tag prompt, quit, undo: all letters of a note here
    app = ReaderApp(Store(path), user="me", article_ids=[article_id])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        burst(app, "a" + typed)
        editor = app.screen.query_one(NoteEditor)
        await wait_until(pilot, lambda: editor.text == typed, "every key typed ahead reached the note")
        assert app.is_running and app.focused is editor
        await pilot.press("escape")
        await pilot.pause(0.2)
    [annotation] = stored(path, article_id)
    assert annotation.note == typed and annotation.tags == []


async def test_keys_typed_ahead_reach_the_note_on_the_first_key_after_start(tmp_path):
    """The first `a` after the screen opens, before the notes panel is built, loses nothing either."""
    path, article_id = make_library(tmp_path)
    app = ReaderApp(Store(path), user="me", article_ids=[article_id])
    async with app.run_test(size=(120, 40)) as pilot:
        burst(app, "a" + "quick 1")
        await wait_until(pilot, lambda: app.screen.query(NoteEditor) and app.screen.query_one(NoteEditor).text == "quick 1",
                     "the keys reached the note")
        assert app.is_running


async def test_a_tag_key_then_a_in_one_burst_keeps_both(tmp_path):
    """`2` then `a` and a note sent at once: the tag is not overtaken by `a` (a priority binding)."""
    path, article_id = make_library(tmp_path)
    text = seed().text
    app = ReaderApp(Store(path), user="me", article_ids=[article_id])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.screen.view.move_to(text.index("trial"))
        await pilot.pause()
        burst(app, "2a" + "burst")
        editor = app.screen.query_one(NoteEditor)
        await wait_until(pilot, lambda: editor.text == "burst", "the note typed")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.focused is app.screen.view, "the note is closed")
    [annotation] = stored(path, article_id)
    assert (annotation.exact, annotation.note, annotation.tags) == ("trial", "burst", ["fact-check"])
