"""Nothing lost: SIGKILL right after the screen shows a change, sessions writing at once, a busy or full database.

The apps here run without spaCy (the seed's analysis is made by hand) and, where they must be killed,
in a subprocess.
"""

from __future__ import annotations

import csv
import io
import os
import select
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from annotated_seed import seed
from pilot_helpers import make_library, notifications, wait_until

import reader.screens.reader_screen as reader_screen
import reader.store as store_module
from reader.app import ReaderApp
from reader.interchange.cells import restore
from reader.store import Store, StoreError
from reader.widgets.notes_panel import NoteEditor

READER_BIN = Path(sys.executable).parent / "reader"


def stored_note(path: Path, annotation_id: int) -> str | None:
    store = Store(path)
    try:
        annotation = store.find_annotation(annotation_id)
        return annotation.note if annotation else None
    finally:
        store.close()


# ---------------------------------------------------------------- SIGKILL right after the screen shows it

_SESSION = """
import asyncio, sys
from reader.app import ReaderApp
from reader.store import Store
from reader.widgets.notes_panel import NoteEditor

path, article_id, action, word, note = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
if action == "typed":  # a busy machine: the saving worker is slow to run; the key's own save is not
    import time
    real_set_note = Store.set_note
    def set_note(self, annotation_id, note, expected=None, wait=True):
        if wait:
            time.sleep(1)
        return real_set_note(self, annotation_id, note, expected, wait)
    Store.set_note = set_note

async def main():
    app = ReaderApp(Store(path), user="killed", article_ids=[article_id])
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.screen.view
        await pilot.pause()
        view.move_to(view.text.index(word))
        if action == "tag":
            await pilot.press("3")  # evidence
            def shown():
                annotation = view.highlights.annotation_at(view.cursor)
                return annotation is not None and "evidence" in annotation.tags
        else:
            await pilot.press("a", *note)
            editor = app.screen.query_one(NoteEditor)
            def shown():  # "typed": the text is in the editor, not yet said to be saved
                return editor.text == note and (action == "typed" or str(editor.border_subtitle) == "saved")
        while not shown():
            await pilot.pause(0.01)
        print("shown", flush=True)
        await asyncio.sleep(120)

asyncio.run(main())
"""


def kill_when_shown(path: Path, article_id: int, action: str, word: str, note: str = "") -> None:
    """Run a session that makes one change, and SIGKILL it the moment its screen shows the change."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _SESSION, str(path), str(article_id), action, word, note],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 90)
        line = proc.stdout.readline() if ready else ""
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        _, errors = proc.communicate(timeout=30)
    assert line == "shown\n", errors[-2000:]
    assert proc.returncode == -signal.SIGKILL


def test_a_change_on_screen_survives_sigkill(tmp_path):
    path, article_id = make_library(tmp_path)
    text = seed().text
    changes = [("tag", "celebrated", ""), ("note", "dismissal", "check the court record"),
               ("tag", "trial", ""), ("note", "dinner", "who was there?"), ("typed", "family", "killed as typed"),
               ("typed", "Mexico", "again")]
    for round_, (action, word, note) in enumerate(changes, 1):
        kill_when_shown(path, article_id, action, word, note)
        store = Store(path)  # what a restarted session finds
        found = {a.exact: a for a in store.annotations(article_id)}
        store.close()
        for done_action, done_word, done_note in changes[:round_]:
            assert done_word in found, (round_, done_word)
            annotation = found[done_word]
            assert text[annotation.start : annotation.end] == done_word
            if done_action == "tag":
                assert annotation.tags == ["evidence"]
            else:
                assert annotation.note == done_note


# ---------------------------------------------------------------- notes are written as they are typed


async def test_note_typed_then_quit_at_once_is_saved(tmp_path, monkeypatch):
    monkeypatch.setattr(reader_screen, "NOTE_SAVE_DELAY", 60.0)  # no pause in typing is needed to save
    path, article_id = make_library(tmp_path)
    app = ReaderApp(Store(path), user="me", article_ids=[article_id])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1", "a", *"typed, then quit", "ctrl+q")
        await pilot.pause()
        assert app._exit  # noqa: SLF001 - the app is quitting
        annotation_id = app.screen.panel.note_owner
    assert stored_note(path, annotation_id) == "typed, then quit"


async def test_note_is_written_without_waiting_for_a_pause(tmp_path, monkeypatch):
    monkeypatch.setattr(reader_screen, "NOTE_SAVE_DELAY", 60.0)
    monkeypatch.setattr(reader_screen, "LIVE_REFRESH_S", 60.0)  # nor the periodic retry
    path, article_id = make_library(tmp_path)
    app = ReaderApp(Store(path), user="me", article_ids=[article_id])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1", "a", *"no pause")
        editor = app.screen.query_one(NoteEditor)
        owner = app.screen.panel.note_owner
        await wait_until(pilot, lambda: str(editor.border_subtitle) == "saved", "the note says saved")
        assert stored_note(path, owner) == "no pause"
        assert app.focused is editor  # still typing


# ---------------------------------------------------------------- a busy database


def test_a_write_waits_out_another_session_holding_the_lock(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 50)
    path, article_id = make_library(tmp_path)
    store = Store(path)
    blocker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")  # held for many busy timeouts
    releaser = threading.Timer(0.5, blocker.rollback)
    releaser.start()
    annotation = store.create_annotation(article_id, 0, 4, "me", tags=["claim"], note="waited")
    releaser.join()
    assert store.find_annotation(annotation.id).note == "waited"
    store.close()
    blocker.close()


def test_a_write_that_cannot_get_the_lock_says_so_plainly(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 50)
    monkeypatch.setattr(store_module, "WRITE_PATIENCE_S", 0.3)
    path, article_id = make_library(tmp_path)
    store = Store(path)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    with pytest.raises(StoreError) as info:
        store.create_annotation(article_id, 0, 4, "me")
    message = str(info.value)
    assert "busy" in message and "nothing was saved" in message
    assert "database is locked" not in message and "\n" not in message
    blocker.rollback()
    assert store.annotations(article_id) == []
    store.close()


async def test_busy_library_keeps_the_note_on_screen_and_saves_it_later(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 50)
    monkeypatch.setattr(store_module, "WRITE_PATIENCE_S", 0.2)
    monkeypatch.setattr(reader_screen, "LIVE_REFRESH_S", 0.1)
    path, article_id = make_library(tmp_path)
    app = ReaderApp(Store(path), user="me", article_ids=[article_id])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        editor = app.screen.query_one(NoteEditor)
        blocker = sqlite3.connect(path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another session writing for a long time
        await pilot.press("2")  # a tag change that cannot be saved now
        await pilot.press("a", *"kept safe")
        await wait_until(pilot, lambda: str(editor.border_subtitle) == "NOT SAVED", "the note says not saved")
        await pilot.press("escape")  # leaving would lose it: the note stays open
        await pilot.pause(0.3)
        assert app.focused is editor and editor.text == "kept safe"
        messages = notifications(app)
        assert any("busy" in m for m in messages) and any("not saved" in m for m in messages)
        assert not any("locked" in m for m in messages)
        owner = app.screen.panel.note_owner
        assert stored_note(path, owner) == ""
        blocker.rollback()
        await wait_until(pilot, lambda: str(editor.border_subtitle) == "saved", "the note is saved once the lock is free")
        assert stored_note(path, owner) == "kept safe"
        assert app.screen.annotations[0].tags == ["claim"]  # the failed tag change shows as not made
        blocker.close()


# ---------------------------------------------------------------- a full disk


async def test_full_disk_keeps_the_note_on_screen_and_quit_asks_first(tmp_path, monkeypatch):
    monkeypatch.setattr(reader_screen, "LIVE_REFRESH_S", 0.1)
    path, article_id = make_library(tmp_path)
    app = ReaderApp(Store(path), user="me", article_ids=[article_id])
    long_note = "A long note pasted in. " * 1000
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1", "a")
        editor = app.screen.query_one(NoteEditor)
        owner = app.screen.panel.note_owner
        pages = app.store.db.execute("PRAGMA page_count").fetchone()[0]
        app.store.db.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full: no page more
        editor.insert(long_note)
        await wait_until(pilot, lambda: str(editor.border_subtitle) == "NOT SAVED", "the note says not saved")
        assert any("disk is full" in m for m in notifications(app))
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert app.focused is editor and editor.text == long_note
        app.screen.view.focus()  # away to the article, moving on: the unsaved note stays in the panel
        await pilot.press("w", "w", "j")
        assert editor.text == long_note and str(editor.border_subtitle) == "NOT SAVED"
        await pilot.press("ctrl+q")
        await pilot.pause(0.2)
        assert not app._exit  # noqa: SLF001 - quitting now would lose the note
        assert any("could not be saved" in m for m in notifications(app))
        assert editor.text == long_note
        app.store.db.execute("PRAGMA max_page_count = 1073741823")  # space again
        await wait_until(pilot, lambda: str(editor.border_subtitle) == "saved", "the note is saved once there is space")
        assert stored_note(path, owner) == long_note
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app._exit  # noqa: SLF001


# ---------------------------------------------------------------- other sessions


async def test_other_sessions_annotations_appear_live(tmp_path, monkeypatch):
    monkeypatch.setattr(reader_screen, "LIVE_REFRESH_S", 0.1)
    path, article_id = make_library(tmp_path)
    text = seed().text
    app = ReaderApp(Store(path), user="me", article_ids=[article_id])
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.screen.view
        colleague = Store(path)
        start = text.index("dismissal")
        theirs = colleague.create_annotation(article_id, start, start + 9, "colleague", tags=["source"], note="seen?")
        await wait_until(pilot, lambda: view.highlights.annotation_at(start) is not None, "their annotation appears")
        assert view.highlights.annotation_at(start).author == "colleague"
        assert any(a.id == theirs.id and a.note == "seen?" for a in app.screen.annotations)
        await pilot.press("1")  # mine, on the first word
        assert [a.author for a in colleague.annotations(article_id)] == ["me", "colleague"]
        colleague.delete_annotation(theirs.id)
        await wait_until(pilot, lambda: view.highlights.annotation_at(start) is None, "their deletion shows")
        colleague.close()


async def test_a_note_on_an_annotation_another_session_deleted_brings_it_back(tmp_path, monkeypatch):
    monkeypatch.setattr(reader_screen, "LIVE_REFRESH_S", 60)  # the deletion is not seen before the note is typed
    path, article_id = make_library(tmp_path)
    text = seed().text
    app = ReaderApp(Store(path), user="me", article_ids=[article_id])
    async with app.run_test(size=(120, 40)) as pilot:
        start = text.index("dismissal")
        app.screen.view.move_to(start)
        await pilot.press("1", "a")
        colleague = Store(path)
        [mine] = colleague.annotations(article_id)
        colleague.delete_annotation(mine.id)
        await pilot.press(*"keep me", "escape")
        await pilot.pause()
        [back] = colleague.annotations(article_id)
        assert (back.id, back.start, back.note, back.tags) == (mine.id, start, "keep me", mine.tags)
        colleague.delete_annotation(back.id)
        await pilot.press("2")  # tagging it again: its text is tagged anew
        await pilot.pause()
        [anew] = colleague.annotations(article_id)
        assert anew.start == start and len(anew.tags) == 1
        assert app.is_running
        colleague.close()


async def test_an_open_note_follows_another_session_until_typed_in(tmp_path, monkeypatch):
    monkeypatch.setattr(reader_screen, "LIVE_REFRESH_S", 0.1)
    path, article_id = make_library(tmp_path)
    app = ReaderApp(Store(path), user="me", article_ids=[article_id])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right_parenthesis", "1", "a")
        editor = app.screen.query_one(NoteEditor)
        colleague = Store(path)
        [annotation] = colleague.annotations(article_id)
        colleague.set_note(annotation.id, "AAA from A")
        await wait_until(pilot, lambda: editor.text == "AAA from A", "their note shows in the open editor")
        await pilot.press(*" and B")
        await wait_until(pilot, lambda: colleague.find_annotation(annotation.id).note == "AAA from A and B", "both kept")
        colleague.close()


async def test_a_note_typed_over_another_sessions_change_says_what_it_replaced(tmp_path, monkeypatch):
    monkeypatch.setattr(reader_screen, "LIVE_REFRESH_S", 60)  # their change is not seen before typing
    path, article_id = make_library(tmp_path)
    app = ReaderApp(Store(path), user="me", article_ids=[article_id])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right_parenthesis", "1", "a")
        colleague = Store(path)
        [annotation] = colleague.annotations(article_id)
        colleague.set_note(annotation.id, "A again")
        await pilot.press(*"from B")
        await pilot.pause()
        assert colleague.find_annotation(annotation.id).note == "from B"
        assert any("had changed this note to “A again”; yours replaced it" in m for m in notifications(app))
        colleague.close()


def test_a_note_changed_meanwhile_is_reported_by_the_store():
    store = Store(None)
    article_id, _ = store.add_article(seed())
    annotation = store.create_annotation(article_id, 0, 4, "me")
    assert store.set_note(annotation.id, "mine", expected="") is None
    store.set_note(annotation.id, "theirs")
    assert store.set_note(annotation.id, "mine again", expected="mine") == "theirs"


def test_changing_a_deleted_annotation_is_one_line():
    store = Store(None)
    with pytest.raises(store_module.AnnotationGone, match="annotation 7 was deleted"):
        store.set_note(7, "x")
    with pytest.raises(store_module.AnnotationGone):
        store.add_tag(7, "claim")


_WRITER = """
import sys, time
from reader.store import Store
path, article_id, k, start = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
while time.time() < start:
    time.sleep(0.001)
store = Store(path)
for i in range(200):
    annotation = store.create_annotation(article_id, i, i + 5, f"writer {k}", tags=["claim", f"from {k}"])
    store.set_note(annotation.id, f"note {k}-{i}")
    time.sleep(0.005)  # a person's pace, roughly: the writers stay busy while the commands run
store.close()
"""


def test_sessions_add_and_export_at_once_lose_nothing(tmp_path):
    path, article_id = make_library(tmp_path)
    articles = tmp_path / "articles"
    articles.mkdir()
    for i in range(30):
        (articles / f"story{i:02}.txt").write_text(f"Story {i}. A council met on day {i} and said little.\n", encoding="utf-8")
    start = time.time() + 1.0
    runs = [[sys.executable, "-c", _WRITER, str(path), str(article_id), str(k), str(start)] for k in range(3)]
    runs.append([str(READER_BIN), "add", "--no-analysis", str(articles), "--db", str(path)])
    runs += [[str(READER_BIN), "export", "--db", str(path), "-o", str(tmp_path / f"export{n}.csv")] for n in range(2)]
    procs = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for args in runs]
    outputs = [p.communicate(timeout=180) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err[-2000:]
        assert "locked" not in out + err and "Traceback" not in err

    store = Store(path)
    text = store.get_article_text(article_id)
    mine = store.annotations(article_id)
    assert len(mine) == 600
    for k in range(3):
        notes = {a.note for a in mine if a.author == f"writer {k}"}
        assert notes == {f"note {k}-{i}" for i in range(200)}
    assert all(a.tags == ["claim", a.author.replace("writer", "from")] for a in mine)
    assert store.count_articles() == 31
    store.close()
    for n in range(2):
        rows = list(csv.DictReader(io.StringIO((tmp_path / f"export{n}.csv").read_text(encoding="utf-8"), newline="")))
        assert all(restore(row["text"]) == text[int(row["start"]) : int(row["end"])] for row in rows)


def test_opening_a_library_another_session_holds_waits_then_says_so_plainly(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 50)
    monkeypatch.setattr(store_module, "WRITE_PATIENCE_S", 0.3)
    path = tmp_path / "reader.db"
    path.touch()
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")  # another program holds the whole file: not even reading
    with pytest.raises(StoreError) as info:
        Store(path)
    message = str(info.value)
    assert "busy" in message and "locked" not in message and "\n" not in message
    threading.Timer(0.1, holder.rollback).start()  # held for a moment only: the open waits it out
    Store(path).close()
    holder.close()


async def test_saved_is_shown_only_when_the_store_holds_the_text_on_screen(tmp_path, monkeypatch):
    path, article_id = make_library(tmp_path)
    real_set_note = Store.set_note

    def slow_set_note(self, annotation_id, note, expected=None, wait=True):  # a slow disk: each save takes a while
        time.sleep(0.2)
        return real_set_note(self, annotation_id, note, expected, wait)

    monkeypatch.setattr(Store, "set_note", slow_set_note)
    app = ReaderApp(Store(path), user="me", article_ids=[article_id])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1", "a")
        editor = app.screen.query_one(NoteEditor)
        owner = app.screen.panel.note_owner
        for key in "slow":  # a key, a pause until it says saved, another key
            await pilot.press(key)
            if str(editor.border_subtitle) == "saved":
                assert stored_note(path, owner) == editor.text
            await wait_until(pilot, lambda: str(editor.border_subtitle) == "saved", "the note says saved")
            assert stored_note(path, owner) == editor.text


async def test_leaving_an_empty_note_while_the_library_is_busy_goes_on(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 50)
    monkeypatch.setattr(store_module, "WRITE_PATIENCE_S", 0.2)
    path, article_id = make_library(tmp_path)
    app = ReaderApp(Store(path), user="me", article_ids=[article_id])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")  # a note on the first word: its annotation is made at once
        blocker = sqlite3.connect(path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        await pilot.press("escape")  # nothing written: the empty annotation would go, but cannot now
        await pilot.pause(0.2)
        assert app.is_running and app.focused is app.screen.view
        assert any("busy" in m for m in notifications(app))
        blocker.rollback()
        blocker.close()
