"""The speaker index: the library's speakers (type to filter), one speaker's quotations, enter opens the article there.

The index is computed from every article when the screen opens (reader/speakers.py), in a thread:
nothing is stored yet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from reader.errors import ReaderError
from reader.speakers import Speaker, build_index, group_repeats, store_appearances
from reader.text.inert import excerpt, one_line, plural
from reader.widgets.inert import InertInput
from reader.widgets.lists import VimDataTable

if TYPE_CHECKING:
    from reader.app import ReaderApp

SPEAKER_COLUMNS = ("name", "kind", "quotes", "articles", "outlets", "first", "last", "unverified")
# What ctrl+o sorts the index by, in turn: (column, key of a speaker), the most quoted first to begin with.
SORTS: tuple[tuple[str, Callable[[Speaker], Any]], ...] = (
    ("quotes", lambda s: (-len(s.quotes), s.name.casefold())),
    ("name", lambda s: s.name.casefold()),
    ("kind", lambda s: (s.kind, -len(s.quotes))),
    ("articles", lambda s: (-s.articles, -len(s.quotes))),
    ("outlets", lambda s: (-len(s.outlets), -len(s.quotes))),
    ("first", lambda s: (s.first or "9999", -len(s.quotes))),
    ("last", lambda s: ("" if s.last is None else "".join(chr(0x10FFFF - ord(c)) for c in s.last), -len(s.quotes))),
    ("unverified", lambda s: (-s.unverified, -len(s.quotes))),
)
QUOTE_COLUMNS = ("date", "outlet", "status", "seen", "quotation", "article")


def _cell(value: object) -> Text:
    return Text(one_line("" if value is None else str(value)))


class SpeakerIndexScreen(Screen):
    """Every speaker of the library, the most quoted first (ctrl+o sorts by another column); typing filters by
    name, enter shows their quotations."""

    BINDINGS = [
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
        Binding("pagedown", "move(10)", "Page down", show=False),
        Binding("pageup", "move(-10)", "Page up", show=False),
        Binding("ctrl+o", "sort", "Sort", id="speakers_sort"),
        Binding("escape", "back", "Back", id="speakers_back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.speakers: list[Speaker] = []
        self.shown: list[Speaker] = []
        self.sort = 0  # an index into SORTS

    @property
    def reader(self) -> ReaderApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static("Speakers (reading the library…)", id="speakers-title")
        yield InertInput(placeholder="type to filter speakers; enter shows their quotations", id="speakers-filter")
        table = VimDataTable(id="speakers-table", cursor_type="row", zebra_stripes=True)
        table.add_columns(*SPEAKER_COLUMNS)
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#speakers-filter", Input).focus()
        self._load()

    @work(thread=True, exclusive=True, group="speaker-index")
    def _load(self) -> None:
        try:
            speakers = build_index(store_appearances(self.reader.store))
        except ReaderError as exc:
            self.app.call_from_thread(self.notify, f"The speaker index failed: {exc}", severity="error", timeout=10)
            return
        self.app.call_from_thread(self._loaded, speakers)

    def _loaded(self, speakers: list[Speaker]) -> None:
        self.speakers = speakers
        self._show(self.query_one("#speakers-filter", Input).value)

    def _show(self, query: str) -> None:
        wanted = query.casefold().strip()
        column, key = SORTS[self.sort]
        self.shown = sorted(
            (s for s in self.speakers
             if not wanted or wanted in s.name.casefold() or any(wanted in v.casefold() for v in s.variants)),
            key=key,
        )
        table = self.query_one("#speakers-table", VimDataTable)
        table.clear()
        for n, speaker in enumerate(self.shown):
            row = speaker.summary()
            table.add_row(
                *(_cell(v) for v in (row["name"], row["kind"], row["quotes"], row["articles"], row["outlets"],
                                     row["first"], row["last"], f"{row['unverified']:.0%}")),
                key=str(n),
            )
        title = f"Speakers: {plural(len(self.shown), 'speaker')}"
        if wanted:
            title += f" of {len(self.speakers)} matching “{one_line(query.strip())}”"
        title += f", by {column} (ctrl+o: sort by another column)"
        self.query_one("#speakers-title", Static).update(Text(title))

    @on(Input.Changed, "#speakers-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._show(event.value)

    @on(Input.Submitted, "#speakers-filter")
    def _submitted(self) -> None:
        self.action_open()

    @on(VimDataTable.RowSelected, "#speakers-table")
    def _selected(self) -> None:
        self.action_open()

    def action_move(self, rows: int) -> None:
        table = self.query_one("#speakers-table", VimDataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + rows)))

    def action_sort(self) -> None:
        self.sort = (self.sort + 1) % len(SORTS)
        self._show(self.query_one("#speakers-filter", Input).value)

    def action_open(self) -> None:
        table = self.query_one("#speakers-table", VimDataTable)
        if not self.shown or not table.row_count:
            return
        self.app.push_screen(SpeakerQuotesScreen(self.shown[table.cursor_row]))

    def action_back(self) -> None:
        search = self.query_one("#speakers-filter", Input)
        if search.value:
            search.value = ""
            return
        self.app.pop_screen()


class SpeakerQuotesScreen(Screen):
    """One speaker's quotations, oldest first; enter opens the article at the quotation."""

    BINDINGS = [
        Binding("enter", "open", "Open", priority=False, id="speaker_quote_open"),
        Binding("escape", "back", "Back", id="speaker_quotes_back"),
    ]

    def __init__(self, speaker: Speaker) -> None:
        super().__init__()
        self.speaker = speaker

    @property
    def reader(self) -> ReaderApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        s = self.speaker
        yield Static(
            Text(f"{one_line(s.name)} ({s.kind}): {plural(len(s.quotes), 'quotation')} in {plural(s.articles, 'article')}, "
                 f"{plural(len(s.outlets), 'outlet')}, {s.unverified:.0%} unverified"),
            id="speaker-title",
        )
        table = VimDataTable(id="speaker-quotes", cursor_type="row", zebra_stripes=True)
        table.add_columns(*QUOTE_COLUMNS)
        seen: dict[tuple[int, int], str] = {}
        for repeat in group_repeats(self.speaker.quotes):
            articles = len({a.article_id for a in repeat.appearances})
            for n, a in enumerate(repeat.appearances):
                seen[(a.article_id, a.start)] = f"{articles} articles" + (", first" if n == 0 else "")
        for n, q in enumerate(self.speaker.quotes):
            table.add_row(
                *(_cell(v) for v in (q.day, q.outlet or "", q.status, seen.get((q.article_id, q.start), ""),
                                     excerpt(q.text, 70), excerpt(q.title, 40))),
                key=str(n),
            )
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#speaker-quotes", VimDataTable).focus()

    @on(VimDataTable.RowSelected, "#speaker-quotes")
    def _selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        table = self.query_one("#speaker-quotes", VimDataTable)
        if not table.row_count:
            return
        quote = self.speaker.quotes[table.cursor_row]
        self.reader.open_article(quote.article_id, offset=quote.start)

    def action_back(self) -> None:
        self.app.pop_screen()
