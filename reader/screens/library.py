"""The library: every article, full-text search over articles and notes, adding files."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from reader.errors import ReaderError
from reader.text.inert import one_line, plural
from reader.widgets.inert import InertInput
from reader.widgets.lists import VimDataTable

if TYPE_CHECKING:
    from reader.app import ReaderApp


class LibraryScreen(Screen):
    """Articles in a table; type to search; enter opens."""

    BINDINGS = [
        Binding("enter", "open", "Open", priority=False, id="library_open"),
        Binding("slash", "focus_search", "Search", id="library_search"),
        Binding("a", "add", "Add files", id="library_add"),
        Binding("escape", "back", "Back", id="library_back"),
        Binding("question_mark", "help", "Help", id="library_help"),
        Binding("q", "app.quit", "Quit", id="library_quit"),
    ]

    @property
    def reader(self) -> ReaderApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static("Library", id="library-title")
        yield InertInput(placeholder="/ search articles and notes", id="library-search")
        yield VimDataTable(id="articles", cursor_type="row", zebra_stripes=True)
        yield Footer()

    async def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("date", "notes", "words", "title")  # the counts before a long title, so they show
        await self.show_all()
        table.focus()

    async def show_all(self) -> None:
        try:
            rows = await asyncio.to_thread(self.reader.store.list_articles)
        except ReaderError as exc:  # damage another program wrote: one line, and the app keeps running
            self.notify(str(exc), severity="error", timeout=15)
            return
        table = self.query_one(DataTable)
        table.clear()
        for row in rows:
            table.add_row(
                Text(one_line(row["date"] or "")), str(row["annotations"]), str(row["word_count"]),
                Text(one_line(row["title"])), key=f"{row['id']}:",
            )
        self.query_one("#library-title", Static).update(f"Library · {plural(len(rows), 'article')}")

    @on(Input.Changed, "#library-search")
    async def _search(self, event: Input.Changed) -> None:
        query = event.value.strip()
        if not query:
            await self.show_all()
            return
        try:
            rows = await asyncio.to_thread(self.reader.store.search, query)
        except ReaderError as exc:
            self.notify(str(exc), severity="error")
            return
        table = self.query_one(DataTable)
        table.clear()
        for n, row in enumerate(rows):
            snippet = " ".join(row["snippet"].split())
            where = "note" if row["kind"] == "annotation" else ""
            cell = Text(f"{one_line(row['title'])}\n{one_line(snippet)}")
            table.add_row(where, "", "", cell, key=f"{row['article_id']}:{row['annotation_id'] or ''}:{n}", height=2)
        self.query_one("#library-title", Static).update(Text(f"Library · {plural(len(rows), 'match', 'matches')} for “{one_line(query)}”"))

    @on(Input.Submitted, "#library-search")
    def _search_done(self) -> None:
        """Enter in the search opens the first match (down arrow goes to the list to choose another)."""
        table = self.query_one(DataTable)
        table.focus()
        if table.row_count:
            table.move_cursor(row=0)
            self.action_open()

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
        article_id, _, annotation_id = key.partition(":")
        annotation = annotation_id.split(":")[0]
        self.reader.open_article(int(article_id), annotation_id=int(annotation) if annotation else None)

    def action_help(self) -> None:
        from reader.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_focus_search(self) -> None:
        self.query_one("#library-search", Input).focus()

    def action_back(self) -> None:
        search = self.query_one("#library-search", Input)
        if search.has_focus and search.value:
            search.value = ""
            return
        if self.reader.has_article:
            self.app.pop_screen()
        else:
            self.notify("Press q to quit, or enter to open an article.", timeout=3)

    def action_add(self) -> None:
        from reader.screens.prompts import Prompt, SuggestPath

        self.app.push_screen(
            Prompt(
                "add files",
                "paths to files or directories (.txt .md .html), → completes",
                "Files are imported, then analysed in the background. Quote a path with spaces.",
                suggester=SuggestPath(),
            ),
            self._add,
        )

    def _add(self, paths: str | None) -> None:
        if paths:
            self.import_paths(paths)

    @work(exclusive=True, group="import")
    async def import_paths(self, paths: str) -> None:
        """Import in a daemon thread (parsing is never on the UI thread, and `q` quits even mid-import)."""
        from reader.background import in_daemon_thread

        await in_daemon_thread(self._import_paths, paths, name="reader-import")

    def _import_paths(self, paths: str) -> None:
        import shlex
        from pathlib import Path

        from reader.ingest.batch import import_files
        from reader.paths import expand_path

        try:
            names = shlex.split(paths)
        except ValueError:
            names = [paths]  # an unmatched quote: the line is one path
        try:  # ~nouser/x is one line too
            report = import_files(self.reader.store, [expand_path(name) for name in names], self.reader.max_bytes)
        except (ReaderError, OSError) as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        for line in report.errors[:5]:
            self.app.call_from_thread(self.notify, line, severity="error", timeout=8)
        self.app.call_from_thread(
            self.notify, f"{len(report.added)} added, {len(report.duplicates)} already in the library.", timeout=4
        )
        self.app.call_from_thread(self.run_worker, self.show_all())
