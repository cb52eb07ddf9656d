"""The library: every article, full-text search over articles and notes, adding files.

The table reads only the rows on screen (widgets/article_table.py): the screen holds the
articles' ids (8 bytes each) or a search's matches, never the rows themselves.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from reader.errors import ReaderError
from reader.text.inert import one_line, plural
from reader.widgets.article_table import ArticleTable
from reader.widgets.inert import InertInput

if TYPE_CHECKING:
    from array import array

    from reader.app import ReaderApp
    from reader.store import LibraryMatches, Store


class AllArticles:
    """Every article, newest first: date, counts and title."""

    row_height = 1
    columns = (("date", 10, "left"), ("words", 6, "right"), ("ents", 5, "right"), ("quotes", 6, "right"),
               ("annots", 6, "right"), ("notes", 5, "right"), ("title", 0, "left"))

    def __init__(self, store: Store, ids: array):
        self.store, self.ids = store, ids

    def __len__(self) -> int:
        return len(self.ids)

    def fetch(self, start: int, count: int) -> list[tuple[str, list[list[str]]]]:
        ids = self.ids[start : start + count]
        rows = self.store.library_rows(ids)
        out = []
        for article_id in ids:
            row = rows.get(article_id)
            if row is None:  # deleted meanwhile
                out.append((f"{article_id}:", [["", "", "", "", "", "", "(no longer in the library)"]]))
                continue
            analysed = row["analyser"] is not None
            out.append((f"{article_id}:", [[
                one_line(row["date"] or ""), str(row["word_count"]),
                str(row["entities"]) if analysed else "-", str(row["quotes"]) if analysed else "-",
                str(row["annotations"]), str(row["notes"]), one_line(row["title"]),
            ]]))
        return out


class Matches:
    """A search's matches: notes first, then articles, each a title and a snippet."""

    row_height = 2
    columns = (("", 4, "left"), ("match", 0, "left"))

    def __init__(self, store: Store, matches: LibraryMatches):
        self.store, self.matches = store, matches

    def __len__(self) -> int:
        return len(self.matches)

    def fetch(self, start: int, count: int) -> list[tuple[str, list[list[str]]]]:
        out = []
        for n, row in enumerate(self.store.match_rows(self.matches, start, count), start=start):
            where = "note" if row["kind"] == "annotation" else ""
            snippet = " ".join(row["snippet"].split())
            out.append((f"{row['article_id']}:{row['annotation_id'] or ''}:{n}",
                        [[where, one_line(row["title"])], ["", one_line(snippet)]]))
        return out


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

    def __init__(self) -> None:
        super().__init__()
        self._all: AllArticles | None = None

    @property
    def reader(self) -> ReaderApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static("Library", id="library-title")
        yield InertInput(placeholder="/ search articles and notes", id="library-search")
        yield ArticleTable(id="articles")
        yield Footer()

    async def on_mount(self) -> None:
        table = self.query_one(ArticleTable)
        table.focus()
        await self.show_all(reload=True)

    async def show_all(self, reload: bool = False) -> None:
        """Every article (their ids read again if `reload`: after an import, say)."""
        if reload or self._all is None:
            store = self.reader.store
            self._all = AllArticles(store, await asyncio.to_thread(store.article_ids))
        self.query_one(ArticleTable).show(self._all)
        self.query_one("#library-title", Static).update(f"Library · {plural(len(self._all), 'article')}")

    @on(Input.Changed, "#library-search")
    async def _search(self, event: Input.Changed) -> None:
        search = self.query_one("#library-search", Input)
        if event.value != search.value:
            return  # a newer letter is on its way: search for that instead
        query = event.value.strip()
        if not query:
            await self.show_all()
            return
        store = self.reader.store
        try:
            matches = await asyncio.to_thread(store.search_library, query)
        except ReaderError as exc:
            self.notify(str(exc), severity="error")
            return
        if search.value.strip() != query:
            return
        self.query_one(ArticleTable).show(Matches(store, matches))
        self.query_one("#library-title", Static).update(
            Text(f"Library · {plural(len(matches), 'match', 'matches')} for “{one_line(query)}”")
        )

    @on(Input.Submitted, "#library-search")
    def _search_done(self) -> None:
        """Enter in the search opens the first match (down arrow goes to the list to choose another)."""
        table = self.query_one(ArticleTable)
        table.focus()
        if table.row_count:
            table.move_cursor(row=0)
            self.action_open()

    @on(ArticleTable.Selected)
    def _selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        table = self.query_one(ArticleTable)
        key = table.key_of(table.cursor_row)
        if not key:
            return
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

    @work(thread=True, exclusive=True, group="import")
    def import_paths(self, paths: str) -> None:
        import shlex
        from pathlib import Path

        from reader.ingest.batch import import_files

        try:
            names = shlex.split(paths)
        except ValueError:
            names = [paths]  # an unmatched quote: the line is one path
        try:
            report = import_files(self.reader.store, [Path(name).expanduser() for name in names], self.reader.max_bytes)
        except ReaderError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        for line in report.errors[:5]:
            self.app.call_from_thread(self.notify, line, severity="error", timeout=8)
        self.app.call_from_thread(
            self.notify, f"{len(report.added)} added, {len(report.duplicates)} already in the library.", timeout=4
        )
        self.app.call_from_thread(self.run_worker, self.show_all(reload=True))
