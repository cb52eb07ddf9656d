"""The speaker index: the library's speakers (type to filter), one speaker's quotations, enter opens the article there.

The index is kept in the library as it changes (Store.speaker_index); opening it reads the speakers'
rows, in a thread. ctrl+f filters the quotations counted (dates, outlet, tag, checked, words said);
ctrl+g merges the selected speaker into another and ctrl+t splits a name off it, ctrl+z takes the
last of these back. The decisions are the store's (kept across re-analysis).
"""

from __future__ import annotations

from array import array
from typing import TYPE_CHECKING, Any, Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from reader.commands import SpeakerCommands
from reader.errors import ReaderError
from reader.model import Appearance, QuoteFilter, SpeakerSummary
from reader.screens.prompts import Prompt
from reader.speakers import FILTER_HELP, Repeat, filter_text, group_repeats, parse_filter, word_diff
from reader.text.inert import excerpt, one_line, plural
from reader.widgets.inert import InertInput
from reader.widgets.article_table import ArticleTable

if TYPE_CHECKING:
    from reader.app import ReaderApp

# The index's columns after the name (whose width is what the terminal leaves, at least NAME_MIN): (header, width,
# justify); the last takes the rest. 80 columns leave the name 19.
SPEAKER_COLUMNS = (("kind", 7, "left"), ("quotes", 6, "right"), ("art.", 4, "right"), ("out.", 4, "right"),
                   ("unver.", 6, "right"), ("first", 10, "left"), ("last", 10, "left"))
NAME_MIN = 16
KIND_SHOWN = {"organisation": "org"}
QUOTE_COLUMNS = (("date", 10, "left"), ("outlet", 14, "left"), ("status", 9, "left"), ("repeated", 8, "left"),
                 ("quotation", 0, "left"))
# What ctrl+o sorts the index by, in turn: (column, key of a speaker), the most quoted first to begin with.
SORTS: tuple[tuple[str, Callable[[SpeakerSummary], Any]], ...] = (
    ("quotes", lambda s: (-s.quotes, s.name.casefold())),
    ("name", lambda s: s.name.casefold()),
    ("kind", lambda s: (s.kind, -s.quotes)),
    ("articles", lambda s: (-s.articles, -s.quotes)),
    ("outlets", lambda s: (-s.outlets, -s.quotes)),
    ("first", lambda s: (s.first or "9999", -s.quotes)),
    ("last", lambda s: ("" if s.last is None else "".join(chr(0x10FFFF - ord(c)) for c in s.last), -s.quotes)),
    ("unverified", lambda s: (-s.unverified, -s.quotes)),
)
SENTENCE_SHOWN = 300  # characters of the sentence around a quotation shown below the list (three lines at 100 columns)
MERGE_CHOICES = 2000  # the most quoted speakers offered to merge into (any other can be typed in full)
# A changed wording: put-in words underlined, left-out ones struck through, both marked for NO_COLOR.
DIFF_STYLES = {"+": "underline bold", "-": "strike dim"}


def _cell(value: object) -> str:
    return one_line("" if value is None else str(value))


class _Rows:
    """Rows held in memory for an ArticleTable (which draws only those on screen): 10,000 speakers at once."""

    row_height = 1

    def __init__(self, columns: tuple[tuple[str, int, str], ...], rows: list[list[str]]):
        self.columns = columns
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def fetch(self, start: int, count: int) -> list[tuple[str, list[list[str]]]]:
        return [(str(start + n), [row]) for n, row in enumerate(self.rows[start : start + count])]


class _QuoteRows:
    """A speaker's quotations for an ArticleTable: their ids held, their rows read from the store a page at a time
    as they are shown (the most quoted speaker of 20,000 articles has 10,600)."""

    row_height = 1
    columns = QUOTE_COLUMNS
    page_rows = 64

    def __init__(self, store: Any, ids: array, repeat_of: dict[tuple[int, int], Repeat]):
        self.store, self.ids, self.repeat_of = store, ids, repeat_of
        self._read: dict[int, Appearance] = {}  # row -> quotation, as read

    def __len__(self) -> int:
        return len(self.ids)

    def appearance(self, row: int) -> Appearance | None:
        if not 0 <= row < len(self.ids):
            return None
        if row not in self._read:
            self._fetch_rows(row - row % self.page_rows, self.page_rows)
        return self._read.get(row)

    def _fetch_rows(self, start: int, count: int) -> None:
        ids = self.ids[start : start + count]
        found = self.store.speaker_quotes_by_id(ids)
        for n, quote_id in enumerate(ids):
            if quote_id in found:  # else gone meanwhile (another session re-analysed the article)
                self._read[start + n] = found[quote_id]

    def fetch(self, start: int, count: int) -> list[tuple[str, list[list[str]]]]:
        out = []
        for row in range(start, min(start + count, len(self.ids))):
            q = self.appearance(row)
            if q is None:
                out.append((str(row), [["", "", "", "", "(no longer in the library)"]]))
                continue
            repeat = self.repeat_of.get((q.article_id, q.start))
            seen = ""
            if repeat is not None:  # "3× first": the same words in 3 articles, this the earliest
                seen = f"{len({a.article_id for a in repeat.appearances})}×" + (" first" if repeat.earliest == q else "")
            out.append((str(row), [[_cell(v) for v in (q.day, q.outlet or "", q.status, seen, excerpt(q.text, 200))]]))
        return out


def _filter_prompt(screen: Screen, filters: QuoteFilter, done: Callable[[QuoteFilter], None]) -> None:
    """Ask for the quotations' filter (see reader.speakers.parse_filter); a mistake is a message, nothing changes."""

    def chosen(typed: str | None) -> None:
        if typed is None:
            return
        try:
            done(parse_filter(typed))
        except ValueError as exc:
            screen.notify(f"Not a filter: {exc}", severity="error")

    screen.app.push_screen(FilterPrompt(filters), chosen)


class FilterPrompt(Prompt):
    """The quotations' filter as one line; enter with nothing typed shows every quotation again."""

    def __init__(self, filters: QuoteFilter) -> None:
        super().__init__("filter the quotations", placeholder=FILTER_HELP,
                         hint=f"{FILTER_HELP} · empty: every quotation · escape: cancel", value=filter_text(filters),
                         empty=True)


class SpeakerIndexScreen(Screen):
    """Every speaker of the library, the most quoted first (ctrl+o sorts by another column); typing filters by
    name, enter shows their quotations."""

    COMMANDS = {SpeakerCommands}
    BINDINGS = [
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
        Binding("pagedown", "move(10)", "Page down", show=False),
        Binding("pageup", "move(-10)", "Page up", show=False),
        Binding("ctrl+o", "sort", "Sort", id="speakers_sort"),
        Binding("ctrl+f", "filter", "Filter", id="speakers_filter"),
        Binding("ctrl+g", "merge", "Merge", id="speakers_merge"),
        Binding("ctrl+t", "split", "Split", id="speakers_split"),
        Binding("ctrl+z", "undo", "Undo", id="speakers_undo"),
        Binding("escape", "back", "Back", id="speakers_back"),
    ]

    def __init__(self, filters: QuoteFilter | None = None) -> None:
        super().__init__()
        self.speakers: list[SpeakerSummary] = []
        self.shown: list[SpeakerSummary] = []
        self.sort = 0  # an index into SORTS
        self.filters = filters or QuoteFilter()
        self.loaded = False
        self.hidden = 0  # articles the index leaves out while the user codes blind
        self.decided: list[int] = []  # this session's merges and splits, the last first to take back
        self._keep: str | None = None  # the speaker to keep the cursor on after a reload

    @property
    def reader(self) -> ReaderApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static("Speakers (reading the library…)", id="speakers-title")
        yield InertInput(placeholder="type to filter speakers; enter shows their quotations", id="speakers-filter")
        yield ArticleTable(id="speakers-table")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#speakers-filter", Input).focus()
        self.reload()

    def on_resize(self) -> None:
        if self.loaded:
            self._show(self.query_one("#speakers-filter", Input).value)

    def reload(self, keep: str | None = None) -> None:
        """Read the index again (after a merge, a split or a new filter), the cursor on `keep` if shown."""
        self._keep = keep
        self._load(self.filters)

    @work(thread=True, exclusive=True, group="speaker-index")
    def _load(self, filters: QuoteFilter) -> None:
        try:
            speakers = self.reader.store.speaker_index(filters)
            hidden = self.reader.store.speaker_index_hidden()
        except ReaderError as exc:
            self.app.call_from_thread(self.notify, f"The speaker index failed: {exc}", severity="error", timeout=10)
            return
        self.app.call_from_thread(self._loaded, speakers, hidden)

    def _loaded(self, speakers: list[SpeakerSummary], hidden: int = 0) -> None:
        self.speakers = speakers
        self.hidden = hidden
        self.loaded = True
        self._show(self.query_one("#speakers-filter", Input).value)

    @property
    def selected(self) -> SpeakerSummary | None:
        table = self.query_one("#speakers-table", ArticleTable)
        return self.shown[table.cursor_row] if self.shown and table.row_count else None

    def _show(self, query: str) -> None:
        wanted = query.casefold().strip()
        column, key = SORTS[self.sort]
        keep = self._keep or (self.selected.name if self.selected else None)
        self._keep = None
        self.shown = sorted(
            (s for s in self.speakers
             if not wanted or wanted in s.name.casefold() or any(wanted in v.casefold() for v in s.variants)),
            key=key,
        )
        table = self.query_one("#speakers-table", ArticleTable)
        fixed = 1 + sum(width + 2 for _, width, _ in SPEAKER_COLUMNS)
        name_width = max(NAME_MIN, (table.size.width or self.app.size.width) - fixed - 2)
        table.show(_Rows((("name", name_width, "left"), *SPEAKER_COLUMNS), [
            [_cell(v) for v in (speaker.name, KIND_SHOWN.get(speaker.kind, speaker.kind), speaker.quotes, speaker.articles,
                                speaker.outlets, f"{speaker.unverified:.0%}", speaker.first, speaker.last)]
            for speaker in self.shown
        ]))
        names = [s.name for s in self.shown]
        if keep in names:
            table.move_cursor(row=names.index(keep))
        title = f"Speakers: {plural(len(self.shown), 'speaker')}"
        if wanted:
            title += f" of {len(self.speakers)} matching “{one_line(query.strip())}”"
        if self.filters:
            title += f" · quotations {one_line(self.filters.describe())}"
        title += f", by {column} (ctrl+o: sort by another column)"
        if self.hidden:
            title += f" · blind: the open assignment's {plural(self.hidden, 'article')} left out"
        self.query_one("#speakers-title", Static).update(Text(title))

    @on(Input.Changed, "#speakers-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._show(event.value)

    @on(Input.Submitted, "#speakers-filter")
    def _submitted(self) -> None:
        self.action_open()

    @on(ArticleTable.Selected)
    def _selected(self) -> None:
        self.action_open()

    def action_move(self, rows: int) -> None:
        table = self.query_one("#speakers-table", ArticleTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + rows)))

    def action_sort(self) -> None:
        self.sort = (self.sort + 1) % len(SORTS)
        self._show(self.query_one("#speakers-filter", Input).value)

    def action_filter(self) -> None:
        def apply(filters: QuoteFilter) -> None:
            self.filters = filters
            self.reload()

        _filter_prompt(self, self.filters, apply)

    def action_open(self) -> None:
        if self.selected is not None:
            self.app.push_screen(SpeakerQuotesScreen(self.selected, self.filters))

    def action_merge(self) -> None:
        """Merge the selected speaker into another: choose one (type to filter) or type a name."""
        from reader.screens.prompts import ChoicePrompt

        speaker = self.selected
        if speaker is None:
            return
        others = [s.name for s in sorted(self.speakers, key=SORTS[0][1]) if s.id != speaker.id][:MERGE_CHOICES]

        def chosen(into: str | None) -> None:
            if into:
                self.decide("merge", speaker.name, into)

        self.app.push_screen(
            ChoicePrompt(f"“{excerpt(speaker.name, 40)}” is", others,
                         hint="the speaker they are · enter: merge · escape: cancel"), chosen,
        )

    def action_split(self) -> None:
        """Split a name the selected speaker goes by off into a speaker of its own."""
        from reader.screens.prompts import ChoicePrompt

        speaker = self.selected
        if speaker is None:
            return
        names = [v for v in speaker.variants if " ".join(v.split()).casefold() != speaker.name.casefold()]
        if not names:
            self.notify(f"“{one_line(speaker.name)}” goes by no other name: nothing to split off")
            return

        def chosen(name: str | None) -> None:
            if name:
                self.decide("split", name, None)

        self.app.push_screen(
            ChoicePrompt(f"split off “{excerpt(speaker.name, 30)}”", names, free=False,
                         hint="a name they go by, to be a speaker of its own · enter: split · escape: cancel"), chosen,
        )

    def decide(self, action: str, name: str, into: str | None) -> None:
        """Store a merge or split, say what it did, and show the index again."""
        try:
            decision = self.reader.store.decide_speakers(action, name, into, self.reader.user)
        except ReaderError as exc:
            self.notify(f"Not changed: {exc}", severity="error")
            return
        self.decided.append(decision.id)
        if action == "merge":
            self.notify(f"“{one_line(name)}” is now “{one_line(into or '')}” (ctrl+z takes it back)")
        else:
            self.notify(f"“{one_line(name)}” is a speaker of their own (ctrl+z takes it back)")
        self.reload(keep=into if action == "merge" else name)

    def action_undo(self) -> None:
        if not self.decided:
            self.notify("No merge or split of this session to take back ('reader speakers --undo' takes back any)")
            return
        try:
            self.reader.store.delete_speaker_decision(self.decided.pop())
        except ReaderError as exc:
            self.notify(f"Not taken back: {exc}", severity="error")
            return
        self.notify("Taken back")
        self.reload()

    def action_back(self) -> None:
        search = self.query_one("#speakers-filter", Input)
        if search.value:
            search.value = ""
            return
        self.app.pop_screen()


class SpeakerQuotesScreen(Screen):
    """One speaker's quotations, oldest first; below, the one under the cursor in its sentence, its status, and
    where else the same words appeared. Enter opens the article at the quotation."""

    COMMANDS = {SpeakerCommands}
    BINDINGS = [
        Binding("enter", "open", "Open", priority=False, id="speaker_quote_open"),
        Binding("ctrl+f", "filter", "Filter", id="speaker_quotes_filter"),
        Binding("escape", "back", "Back", id="speaker_quotes_back"),
    ]
    DEFAULT_CSS = """
    SpeakerQuotesScreen #speaker-quotes { height: 1fr; }
    SpeakerQuotesScreen #speaker-quote-detail { height: auto; max-height: 9; padding: 0 1; border-top: solid $primary; }
    """

    def __init__(self, speaker: SpeakerSummary, filters: QuoteFilter | None = None) -> None:
        super().__init__()
        self.speaker = speaker
        self.filters = filters or QuoteFilter()
        self.rows = _QuoteRows(None, array("q"), {})
        self.quotes: list[Appearance] = []  # every quotation, once the repeated ones are found
        self.repeats_found = False

    @property
    def reader(self) -> ReaderApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="speaker-title")
        yield ArticleTable(id="speaker-quotes")
        yield Static(id="speaker-quote-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#speaker-quotes", ArticleTable)
        table.focus()
        self.watch(table, "cursor_row", lambda _: self._detail(), init=False)
        self._fill()

    def _fill(self) -> None:
        """The quotations' ids at once, their rows as they are shown; the repeated ones found in a thread."""
        store = self.reader.store
        try:
            self.speaker = store.speaker_summary(self.speaker.id, self.filters)
            ids = store.speaker_quote_ids(self.speaker.id, self.filters)
        except ReaderError as exc:
            self.notify(f"The speaker's quotations failed: {exc}", severity="error", timeout=10)
            ids = array("q")
        self.rows = _QuoteRows(store, ids, {})
        self.quotes, self.repeats_found = [], False
        self._title()
        self.query_one("#speaker-quotes", ArticleTable).show(self.rows)
        self._detail()
        self._find_repeats(self.speaker.id, self.filters, self.rows)

    def _title(self) -> None:
        s = self.speaker
        title = (f"{one_line(s.name)} ({s.kind}): {plural(s.quotes, 'quotation')} in {plural(s.articles, 'article')}, "
                 f"{plural(s.outlets, 'outlet')}, {s.unverified:.0%} unverified")
        if self.filters:
            title += f" · {one_line(self.filters.describe())}"
        if not self.repeats_found and s.quotes > 1:
            title += " · finding repeated quotations…"
        self.query_one("#speaker-title", Static).update(Text(title))

    @work(thread=True, exclusive=True, group="speaker-repeats")
    def _find_repeats(self, speaker_id: int, filters: QuoteFilter, rows: _QuoteRows) -> None:
        """Every quotation of the speaker, grouped where the same words recur (0.4 s for 10,600 quotations)."""
        try:
            quotes = self.reader.store.speaker_quotes(speaker_id, filters)
        except ReaderError as exc:
            self.app.call_from_thread(self.notify, f"Repeated quotations not found: {exc}", severity="error")
            return
        repeat_of = {(a.article_id, a.start): r for r in group_repeats(quotes) for a in r.appearances}
        self.app.call_from_thread(self._repeats, rows, quotes, repeat_of)

    def _repeats(self, rows: _QuoteRows, quotes: list[Appearance], repeat_of: dict[tuple[int, int], Repeat]) -> None:
        if rows is not self.rows:  # a new filter meanwhile
            return
        rows.repeat_of = repeat_of
        self.quotes, self.repeats_found = quotes, True
        self._title()
        self.query_one("#speaker-quotes", ArticleTable).refresh_rows()
        self._detail()

    @property
    def current(self) -> Appearance | None:
        return self.rows.appearance(self.query_one("#speaker-quotes", ArticleTable).cursor_row)

    def _detail(self) -> None:
        self.query_one("#speaker-quote-detail", Static).update(self.detail_text())

    def detail_text(self) -> Text:
        """The quotation under the cursor: its sentence, status and article; the same words elsewhere."""
        q = self.current
        if q is None:
            return Text("No quotation" + (" kept by the filter (ctrl+f changes it)" if self.filters else ""))
        out = Text()
        out.append(excerpt(q.sentence or f"“{q.text}”", SENTENCE_SHOWN))
        out.append(f"\n{q.status} · {one_line(q.title)} · {q.day or 'no date'} · {one_line(q.outlet or 'no outlet')}", style="dim")
        repeat = self.rows.repeat_of.get((q.article_id, q.start))
        if repeat is not None:
            first = repeat.earliest
            others = len({a.article_id for a in repeat.appearances}) - 1
            if first == q:
                out.append(f"\nFirst said here; repeated in {plural(others, 'other article')}")
            else:
                out.append(f"\nFirst said {first.day or 'undated'} in {one_line(first.outlet or 'an unknown outlet')} "
                           f"(“{excerpt(first.title, 40)}”)")
            if repeat.repeated_by:
                out.append(f"; repeated by {one_line(', '.join(repeat.repeated_by))}")
            if first != q and " ".join(first.text.split()) != " ".join(q.text.split()):
                out.append("\nWording against the first: ")
                out.append_text(diff_rich(first.text, q.text))
        return out

    @on(ArticleTable.Selected)
    def _selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        quote = self.current
        if quote is not None:
            self.reader.open_article(quote.article_id, offset=quote.start)

    def action_filter(self) -> None:
        def apply(filters: QuoteFilter) -> None:
            self.filters = filters
            self._fill()

        _filter_prompt(self, self.filters, apply)

    def action_back(self) -> None:
        self.app.pop_screen()


def diff_rich(old: str, new: str) -> Text:
    """A changed wording, styled (put in: underlined, left out: struck through) and marked [+ +] / [- -]."""
    out = Text()
    for n, (op, words) in enumerate(word_diff(one_line(old), one_line(new))):
        if n:
            out.append(" ")
        if op == "=":
            out.append(words)
        else:
            out.append(f"[{op}{words}{op}]", style=DIFF_STYLES[op])
    return out
