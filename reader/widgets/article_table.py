"""A table of any number of rows that reads only the rows on screen: the library at 100,000 articles.

Textual's DataTable holds every row as widgets' data and lays them all out: 20,000 articles
took 5.7 s to first paint. This is a Line API `ScrollView` over a `RowSource`, which it asks
for a page of rows when a line of that page is first drawn (a page of 64 rows is one indexed
query of about a millisecond); pages are kept in a small LRU cache, so memory does not grow
with the library. The header stays on the first line; the cursor is a row index.
"""

from __future__ import annotations

from typing import Protocol, Sequence

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

PAGE_ROWS = 64  # rows read at a time
GAP = "  "  # between columns


class Row(Protocol):
    key: str
    lines: Sequence[Sequence[str]]


class RowSource(Protocol):
    """What the table shows: a length, and rows read by position (their cells already inert text)."""

    row_height: int
    columns: Sequence[tuple[str, int, str]]  # (header, width, "left" or "right"); the last column takes the rest

    def __len__(self) -> int: ...

    def fetch(self, start: int, count: int) -> list[tuple[str, list[list[str]]]]:
        """Rows start..start+count as (key, lines), each line its cells."""
        ...


class EmptySource:
    row_height = 1
    columns: Sequence[tuple[str, int, str]] = (("", 0, "left"),)

    def __len__(self) -> int:
        return 0

    def fetch(self, start: int, count: int) -> list[tuple[str, list[list[str]]]]:
        return []


class ArticleTable(ScrollView, can_focus=True):
    """Rows from a RowSource, drawn as they come on screen; enter (or a click on the cursor row) selects."""

    COMPONENT_CLASSES = {"article-table--header", "article-table--cursor", "article-table--dim"}
    DEFAULT_CSS = """
    ArticleTable { height: 1fr; }
    ArticleTable > .article-table--header { text-style: bold; color: $text-muted; }
    ArticleTable > .article-table--cursor { background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold; }
    ArticleTable:blur > .article-table--cursor { background: $block-cursor-blurred-background; text-style: none; }
    ArticleTable > .article-table--dim { color: $text-muted; }
    """
    BINDINGS = [
        Binding("j,down", "move(1)", "Down", show=False),
        Binding("k,up", "move(-1)", "Up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("g,home", "first", "First", show=False),
        Binding("G,end", "last", "Last", show=False),
        Binding("enter", "select", "Open", show=False),
    ]

    cursor_row: var[int] = var(0)

    class Selected(Message):
        """A row was chosen (enter, or a click on the cursor row)."""

        def __init__(self, table: ArticleTable, row: int, key: str) -> None:
            super().__init__()
            self.table, self.row, self.key = table, row, key

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source: RowSource = EmptySource()
        self._pages: LRUCache[int, list[tuple[str, list[list[str]]]]] = LRUCache(32)

    # ------------------------------------------------------------ content

    def show(self, source: RowSource) -> None:
        """Show `source` from its first row."""
        self.source = source
        self._pages.clear()
        self.set_reactive(ArticleTable.cursor_row, 0)
        self._update_virtual_size()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def refresh_rows(self) -> None:
        """Draw the rows again, read afresh from the source (whose rows changed), the cursor where it was."""
        self._pages.clear()
        self._update_virtual_size()
        self.refresh()

    @property
    def row_count(self) -> int:
        return len(self.source)

    def key_of(self, row: int) -> str | None:
        """The key of a row, or None past the end."""
        found = self._row(row)
        return found[0] if found else None

    def move_cursor(self, row: int) -> None:
        self.cursor_row = row

    def _update_virtual_size(self) -> None:
        """A new height; with the scrollbar showing before and after, without a layout of the screen.

        A layout per search letter drew every widget again (30 ms of a letter's 75 ms at 2,000
        articles); the scrollbar only needs its new proportions.
        """
        size = Size(self.size.width, 1 + len(self.source) * self.source.row_height)
        if size == self.virtual_size:
            return
        keeps_scrollbar = self.show_vertical_scrollbar and size.height > self.size.height
        if keeps_scrollbar and size.width == self.virtual_size.width:
            self.set_reactive(ArticleTable.virtual_size, size)
            self.vertical_scrollbar.window_virtual_size = size.height
        else:
            self.virtual_size = size

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self._scroll_to_cursor()

    def _row(self, row: int) -> tuple[str, list[list[str]]] | None:
        if not 0 <= row < len(self.source):
            return None
        size = getattr(self.source, "page_rows", PAGE_ROWS)
        page = row // size
        rows = self._pages.get(page)
        if rows is None:
            rows = self.source.fetch(page * size, size)
            self._pages[page] = rows
        index = row - page * size
        return rows[index] if index < len(rows) else None

    # ------------------------------------------------------------ cursor

    def validate_cursor_row(self, row: int) -> int:
        return max(0, min(row, len(self.source) - 1))

    def watch_cursor_row(self, old: int, new: int) -> None:
        if not self._scroll_to_cursor():
            self._refresh_row(old)
            self._refresh_row(new)

    @property
    def _body_height(self) -> int:
        return max(1, self.size.height - 1)

    def _scroll_to_cursor(self) -> bool:
        """Scroll so the cursor row is on screen; True if that scrolled (the whole table is redrawn)."""
        height = self.source.row_height
        top, bottom = self.cursor_row * height, self.cursor_row * height + height - 1
        y = self.scroll_offset.y
        if top < y:
            target = top
        elif bottom > y + self._body_height - 1:
            target = bottom - self._body_height + 1
        else:
            return False
        self.scroll_to(y=target, animate=False, immediate=True)
        self.refresh()
        return True

    def _refresh_row(self, row: int) -> None:
        height = self.source.row_height
        first = 1 + row * height - self.scroll_offset.y  # on screen, below the header
        if 0 <= row < len(self.source) and first + height > 1 and first < self.size.height:
            self.refresh_lines(1 + row * height, height)  # ScrollView's lines are virtual

    def action_move(self, delta: int) -> None:
        self.cursor_row += delta

    def action_page(self, direction: int) -> None:
        rows = max(1, self._body_height // self.source.row_height)
        self.cursor_row += direction * rows

    def action_first(self) -> None:
        self.cursor_row = 0

    def action_last(self) -> None:
        self.cursor_row = len(self.source) - 1

    def action_select(self) -> None:
        key = self.key_of(self.cursor_row)
        if key is not None:
            self.post_message(self.Selected(self, self.cursor_row, key))

    def on_click(self, event: events.Click) -> None:
        if event.y < 1:
            return
        row = (self.scroll_offset.y + event.y - 1) // self.source.row_height
        if row >= len(self.source):
            return
        if row == self.cursor_row:
            self.action_select()
        else:
            self.cursor_row = row

    # ------------------------------------------------------------ drawing

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y == 0:
            cells = [header for header, _, _ in self.source.columns]
            style = base + self.get_component_rich_style("article-table--header")
            return Strip([Segment(self._line(cells, width), style)]).crop_extend(0, width, style)
        index = self.scroll_offset.y + y - 1
        height = self.source.row_height
        row, part = divmod(index, height)
        found = self._row(row)
        if found is None:
            return Strip.blank(width, base)
        _, lines = found
        cells = lines[part] if part < len(lines) else []
        if row == self.cursor_row:
            style = base + self.get_component_rich_style("article-table--cursor")
        elif part > 0:
            style = base + self.get_component_rich_style("article-table--dim")
        else:
            style = base
        return Strip([Segment(self._line(cells, width), style)]).crop_extend(0, width, style)

    def _line(self, cells: Sequence[str], width: int) -> str:
        columns = self.source.columns
        out = [" "]
        used = 1
        for i, (_, column_width, justify) in enumerate(columns):
            cell = cells[i] if i < len(cells) else ""
            last = i == len(columns) - 1
            room = max(0, width - used) if last else column_width
            if cell_len(cell) > room:
                cell = set_cell_size(cell, max(0, room - 1)) + "…" if room else ""
            elif not last:
                pad = " " * (room - cell_len(cell))
                cell = pad + cell if justify == "right" else cell + pad
            out.append(cell)
            used += cell_len(cell)
            if not last:
                out.append(GAP)
                used += len(GAP)
        return "".join(out)
