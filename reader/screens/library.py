"""The library: every article, full-text search over articles and notes, adding files.

The table reads only the rows on screen (widgets/article_table.py): the screen holds the
articles' ids (8 bytes each) or a search's matches, never the rows themselves.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
from typing import TYPE_CHECKING

from array import array

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from reader.errors import ReaderError
from reader.model import ArticleListing
from reader.text.inert import one_line, plural
from reader.widgets.article_table import ArticleTable
from reader.widgets.inert import InertInput

if TYPE_CHECKING:
    from reader.app import ReaderApp
    from reader.store import LibraryMatches, Store


SEARCH_IN_ONE_FRAME_S = 0.05  # how long a letter typed waits for its matches, to be drawn in one frame with them


class SearchBox(InertInput):
    """The search field: each letter searches at once, in the key's own frame when it can.

    Textual draws the letter in the frame after the key; the screen's Input.Changed handler
    runs after that frame is scheduled, so matches found there come a frame later (16-40 ms).
    Here the search starts as the value changes and the key waits for it up to
    SEARCH_IN_ONE_FRAME_S (at 100,000 articles it takes 2-30 ms): the letter and its matches
    are drawn together. A slower search (another thread holding the library) finishes in
    the background and its matches follow.

    Textual's Input also sets its virtual size on every letter, which lays out the whole
    screen again (10 ms, and every widget drawn again); its size never changes here, so it
    is set without a layout.

    Down leaves the box for the list, on its first row: the key that moves the focus does not
    also move the cursor (it once landed on the second row).
    """

    BINDINGS = [Binding("down", "screen.to_list", "To the list", show=False, id="library_to_list")]

    def _watch_value(self, value: str) -> None:
        self.set_reactive(Input.virtual_size, Size(self.content_width, 1))
        screen = self.screen
        if isinstance(screen, LibraryScreen):
            screen.search_now(value)
        super()._watch_value(value)


class AllArticles:
    """Every article, newest first: date, counts and title.

    Opened with the count and the first page's ids only (3 ms at 100,000 articles), so the
    first screen does not wait for every id (45 ms, far more on a busy machine); the rest
    are read in the background (`load`), or at once if a row past them is wanted first.
    """

    row_height = 1
    columns = (("date", 10, "left"), ("words", 6, "right"), ("ents", 5, "right"), ("quotes", 6, "right"),
               ("annots", 6, "right"), ("notes", 5, "right"), ("title", 0, "left"))
    FIRST = 256  # ids read before the first screen

    def __init__(self, store: Store):
        self.store = store
        self.count = store.count_articles()
        self.ids = store.article_ids(self.FIRST)
        self.complete = len(self.ids) >= self.count
        self._marks_assigned(store)

    def _marks_assigned(self, store: Store) -> None:
        """While the user has articles to code blind, a column "mine": k/K variables coded (or "yes") on each."""
        self.mine = bool(store.viewer and store.assigned(store.viewer))
        self.variables = len(store.variables()) if self.mine else 0
        if self.mine:
            self.columns = (*self.columns[:-1], ("mine", 5, "right"), self.columns[-1])

    def load(self) -> None:
        """Read every id (in a worker thread)."""
        if not self.complete:
            ids = self.store.article_ids()
            self.ids, self.count, self.complete = ids, len(ids), True

    def __len__(self) -> int:
        return self.count

    def fetch(self, start: int, count: int) -> list[tuple[str, list[list[str]]]]:
        if start + count > len(self.ids):
            self.load()
        ids = self.ids[start : start + count]
        rows, damaged = _rows_one_by_one_if_damaged(self.store.library_rows, ids)
        out = []
        for article_id in ids:
            row = rows.get(article_id)
            if article_id in damaged:  # another program wrote something reader cannot show: one line, in its row
                out.append((f"{article_id}:", [["", "", "", "", "", "", one_line(damaged[article_id])]]))
                continue
            if row is None:  # deleted meanwhile
                out.append((f"{article_id}:", [["", "", "", "", "", "", "(no longer in the library)"]]))
                continue
            analysed = row.analyser is not None
            out.append((f"{article_id}:", [[
                one_line(row.date or ""), str(row.word_count),
                str(row.entities) if analysed else "-", str(row.quotes) if analysed else "-",
                str(row.annotations), str(row.notes), one_line(row.title),
            ]]))
        if self.mine:
            for key, [cells] in out:
                cells.insert(6, self._mine_cell(rows.get(int(key[:-1]))))
        return out

    def _mine_cell(self, row: ArticleListing | None) -> str:
        if row is None or not row.assigned:
            return ""
        return f"{row.variables_coded}/{self.variables}" if self.variables else "yes"


class AssignedArticles(AllArticles):
    """The articles the user codes in the open assignment, newest first (m in the library)."""

    def __init__(self, store: Store):
        self.store = store
        self.ids = array("q", reversed(store.assigned(store.viewer))) if store.viewer else array("q")
        self.count, self.complete = len(self.ids), True
        self._marks_assigned(store)

    def load(self) -> None:
        pass


def _rows_one_by_one_if_damaged(read, ids) -> tuple[dict[int, ArticleListing], dict[int, str]]:
    """`read(ids)`; if a row is damaged (a StoreError), each row read alone, the damaged ones with their one line."""
    try:
        return read(ids), {}
    except ReaderError:
        rows: dict[int, dict] = {}
        damaged: dict[int, str] = {}
        for article_id in ids:
            try:
                rows.update(read([article_id]))
            except ReaderError as exc:
                damaged[article_id] = str(exc)
        return rows, damaged


class Matches:
    """A search's matches: notes first, then articles, each a title and a snippet."""

    row_height = 2
    page_rows = 16  # a snippet reads its article's text (10 ms for 24): a page is about a screenful, not 64
    columns = (("", 4, "left"), ("match", 0, "left"))

    def __init__(self, store: Store, matches: LibraryMatches):
        self.store, self.matches = store, matches

    def __len__(self) -> int:
        return len(self.matches)

    def fetch(self, start: int, count: int) -> list[tuple[str, list[list[str]]]]:
        out = []
        try:
            rows = self.store.match_rows(self.matches, start, count)
        except ReaderError as exc:  # damaged data another program wrote: one line where the matches would be
            return [(f"damaged:{start}", [["", one_line(str(exc))], ["", ""]])]
        for n, hit in enumerate(rows, start=start):
            where = "note" if hit.kind == "annotation" else ""
            snippet = " ".join(hit.snippet.split())
            out.append((f"{hit.article_id}:{hit.annotation_id or ''}:{n}",
                        [[where, one_line(hit.title)], ["", one_line(snippet)]]))
        return out


class LibraryScreen(Screen):
    """Articles in a table; type to search; enter opens."""

    BINDINGS = [
        Binding("enter", "open", "Open", priority=False, id="library_open"),
        Binding("slash", "focus_search", "Search", id="library_search"),
        Binding("a", "add", "Add files", id="library_add"),
        Binding("S", "speakers", "Speakers", id="library_speakers"),
        Binding("m", "mine", "Mine", id="library_mine"),
        Binding("escape", "back", "Back", id="library_back"),
        Binding("question_mark", "help", "Help", id="library_help"),
        Binding("q", "app.quit", "Quit", id="library_quit"),
    ]

    def __init__(self, mine: bool = False) -> None:
        super().__init__()
        self._all: AllArticles | None = None
        self._searcher = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="library-search")
        self._pending: tuple[str, concurrent.futures.Future] | None = None
        self._shown = ""  # the query whose matches are on screen ("" for every article)
        self._blind = ""  # the title's words on the open assignment (reader/blinding.py)
        self._only_mine = mine  # m: the articles assigned to the user only

    def on_unmount(self) -> None:
        self._searcher.shutdown(wait=False, cancel_futures=True)

    @property
    def reader(self) -> ReaderApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static("Library", id="library-title")
        yield SearchBox(placeholder="/ search articles and notes", id="library-search")
        yield ArticleTable(id="articles")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(ArticleTable)
        table.focus()
        from reader.blinding import library_line

        self._blind = library_line(self.reader.store)
        if self._only_mine and not self._has_assigned():
            self._only_mine = False
        self._all = AllArticles(self.reader.store)
        self._show_all_now()
        self.call_after_refresh(lambda: self._load_ids(self._all))  # after the first screen is out, not competing with it

    @work(thread=True, exclusive=True, group="library-ids")
    def _load_ids(self, articles: AllArticles) -> None:
        count = articles.count
        articles.load()
        if articles.count != count and articles is self._all:  # added or deleted meanwhile
            self.app.call_from_thread(self._refresh_all)

    def _refresh_all(self) -> None:
        if not self.query_one("#library-search", Input).value.strip():
            self._show_all_now()

    async def show_all(self, reload: bool = False) -> None:
        """Every article (their ids read again if `reload`: after an import, say)."""
        if reload or self._all is None:
            store = self.reader.store
            self._all = AllArticles(store)
            await asyncio.to_thread(self._all.load)
        if not self.query_one("#library-search", Input).value.strip():
            self._show_all_now()

    def search_now(self, value: str) -> None:
        """Start searching for `value`; show its matches before returning if they come within SEARCH_IN_ONE_FRAME_S."""
        query = value.strip()
        if not query:
            self._pending = None
            if self._all is not None:
                self._show_all_now()
            return
        self._pending = (query, self._searcher.submit(self.reader.store.search_library, query))
        with contextlib.suppress(concurrent.futures.TimeoutError, ReaderError):
            self._pending[1].result(timeout=SEARCH_IN_ONE_FRAME_S)
        if self._pending[1].done():
            self._show_matches(*self._pending)

    @on(Input.Changed, "#library-search")
    async def _search(self, event: Input.Changed) -> None:
        """Matches that did not come in the key's frame (see SearchBox), once they come."""
        search = self.query_one("#library-search", Input)
        if event.value != search.value:
            return  # a newer letter is on its way
        if not event.value.strip() and self._all is None:
            await self.show_all()
            return
        pending = self._pending
        if pending is None or pending[0] == self._shown:
            return
        await asyncio.wrap_future(pending[1]) if not pending[1].done() else None
        if self._pending is pending:
            self._show_matches(*pending)

    def _show_all_now(self) -> None:
        assert self._all is not None
        self._shown = ""
        shown = AssignedArticles(self.reader.store) if self._only_mine else self._all
        self.query_one(ArticleTable).show(shown)
        count = plural(len(shown), "article") + (" assigned to you" if self._only_mine else "")
        title = " · ".join(part for part in ("Library", count, self._blind) if part)
        self.query_one("#library-title", Static).update(Text(title), layout=False)

    def _has_assigned(self) -> bool:
        """Whether the open assignment gives the user articles; if not, they are told so."""
        store = self.reader.store
        if store.viewer and store.assigned(store.viewer):
            return True
        self.notify(f"No articles are assigned to {self.reader.user} (reader assign --coders … gives them).", timeout=4)
        return False

    def show_mine(self) -> None:
        """Only the articles assigned to the user (what m toggles)."""
        if not self._only_mine:
            self.action_mine()

    def action_mine(self) -> None:
        """m: only the articles assigned to the user in the open assignment, or every article again."""
        if not self._only_mine and not self._has_assigned():
            return
        self._only_mine = not self._only_mine
        search = self.query_one("#library-search", Input)
        if search.value:
            search.value = ""  # the list of one's articles, not a search within it
        if self._all is not None:
            self._show_all_now()

    def _show_matches(self, query: str, future: concurrent.futures.Future) -> None:
        try:
            matches = future.result()
        except ReaderError as exc:
            self.notify(str(exc), severity="error")
            return
        self._shown = query
        store = self.reader.store
        self.query_one(ArticleTable).show(Matches(store, matches))
        self.query_one("#library-title", Static).update(
            Text(f"Library · {plural(len(matches), 'match', 'matches')} for “{one_line(query)}”"), layout=False
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

    def action_speakers(self) -> None:
        from reader.screens.speakers import SpeakerIndexScreen

        self.app.push_screen(SpeakerIndexScreen())

    def action_help(self) -> None:
        from reader.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_to_list(self) -> None:
        """From the search box to the list, its first row selected (enter opens it)."""
        table = self.query_one(ArticleTable)
        table.move_cursor(row=0)
        table.focus()

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
        self.app.call_from_thread(self.run_worker, self.show_all(reload=True))
