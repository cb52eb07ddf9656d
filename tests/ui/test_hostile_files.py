"""Adding a hostile file from the app's "add files" leaves the screen free and `q` working.

The audit: a Markdown file of `**a ` repeated froze the UI (the regular expressions held the GIL in
the import thread) and `q` did not quit (the interpreter joined the import's thread at exit).
"""

from __future__ import annotations

import threading
import time

from pilot_helpers import make_library, notifications, wait_until

import reader.ingest.batch as batch
from reader.app import ReaderApp
from reader.screens.library import LibraryScreen
from reader.store import Store


async def test_adding_hostile_markdown_keeps_the_screen_free(tmp_path, monkeypatch):
    path, article_id = make_library(tmp_path)
    hostile = tmp_path / "hostile.md"
    hostile.write_text("**a " * 16_000 + "\n\nend", encoding="utf-8")
    threads: list[threading.Thread] = []
    real = batch.import_files

    def import_files(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(batch, "import_files", import_files)
    app = ReaderApp(Store(path), user="tester", article_ids=[article_id])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, LibraryScreen), "the library shown")
        await pilot.press("a")
        await pilot.pause(0.2)
        app.screen.query_one("Input").value = str(hostile)
        started = time.monotonic()
        await pilot.press("enter")
        await wait_until(pilot, lambda: any("1 added" in n for n in notifications(app)), "the file imported")
        assert time.monotonic() - started < 15
    [thread] = threads
    assert thread is not threading.main_thread() and thread.daemon  # never the UI thread; never holds up quitting
