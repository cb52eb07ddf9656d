"""What keeps `reader` quick to its first screen: modules left unloaded, work left until after the paint.

Timings are measured in benchmarks/; these tests pin the behaviour they rely on.
"""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest
from click.testing import CliRunner
from textual.app import App

from reader import startup
from reader.app import ReaderApp
from reader.cli import cli
from reader.store import Store
from reader.widgets.notes_panel import NoteEditor, NotesPanel


@pytest.fixture
def paused_gc():
    """Garbage collection paused as `reader` starts; restored (and unfrozen) afterwards."""
    startup.pause()
    yield
    startup.resume()
    gc.unfreeze()
    gc.enable()


def test_opening_the_library_imports_neither_numpy_nor_the_analysis(library):
    """sqlite-utils would import numpy (50 ms); the analysis rules are needed only to analyse."""
    path, article_id = library
    script = f"""
import asyncio, sys
from reader.app import ReaderApp
from reader.ingest.batch import import_files
from reader.store import Store
store = Store({str(path)!r})
import_files(store, [], 5_000_000)
async def main():
    async with ReaderApp(store, user="t", article_ids=[{article_id}]).run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "1")
asyncio.run(main())
loaded = [name for name in ("numpy", "reader.analysis", "sqlite_utils") if name in sys.modules]
print(loaded)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "['sqlite_utils']"


def test_numpy_is_hidden_only_while_sqlite_utils_loads():
    script = "import reader.store, sys; assert 'numpy' not in sys.modules; import numpy; print(numpy.__name__)"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "numpy"


async def test_the_app_resumes_garbage_collection_once_it_has_painted(library, paused_gc):
    path, article_id = library
    assert not gc.isenabled()
    app = ReaderApp(Store(path), user="t", article_ids=[article_id])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert gc.isenabled()


def test_commands_other_than_the_app_collect_garbage(tmp_path, paused_gc):
    Store(tmp_path / "r.db").close()
    result = CliRunner().invoke(cli, ["list", "--db", str(tmp_path / "r.db")])
    assert result.exit_code == 0, result.output
    assert gc.isenabled()


async def test_the_panel_is_built_after_the_first_paint():
    """The panel's widgets (a third of the screen's) are left out of the first screen, then mounted."""

    class One(App):
        def compose(self):
            yield NotesPanel(build=False)

    async with One().run_test() as pilot:
        panel = pilot.app.query_one(NotesPanel)
        assert not panel.children
        await panel.build()
        assert panel.query_one(NoteEditor).border_title == "note (a)"


async def test_a_note_can_be_written_at_once_on_a_narrow_terminal(library):
    path, article_id = library
    app = ReaderApp(Store(path), user="t", article_ids=[article_id])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a", "o", "k", "escape")
        await pilot.pause()
    assert [a.note for a in Store(path).annotations(article_id)] == ["ok"]


async def test_a_wide_panel_catches_up_once_built(library, seed_analysis):
    """At 120 columns the panel shows from the start: built after the first paint, it shows the target and lists."""
    from textual.widgets import OptionList, Static

    path, article_id = library
    app = ReaderApp(Store(path), user="t", article_ids=[article_id])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(NotesPanel)
        await panel.build()
        await pilot.pause()
        assert "Alec Baldwin" in str(panel.query_one("#target-title", Static).render())
        assert panel.query_one("#entities", OptionList).option_count > 0
