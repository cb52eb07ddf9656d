"""The article pane: wrapped text with highlights, a cursor and a selection.

Drawn with Textual's Line API: only visible lines are rendered, each from a
cache of strips that a key press invalidates line by line.

`cursor` and `anchor` are reactive: the screen watches them to update the
status line and the panel. A watcher runs at once, so everything a key changes
goes out in one frame; a message would arrive after the text's frame had gone,
and Textual draws the next frame 17-33 ms later.
"""

from __future__ import annotations

import re

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.colours import FALLBACK, colour_system, tint_rgb
from reader.model import Annotation, Article, Entity, Quote, Tag
from reader.text.highlights import Highlights, Target
from reader.text.inert import display_text, plural
from reader.text.wrap import (
    WrappedText,
    next_paragraph,
    next_word,
    previous_paragraph,
    previous_word,
    word_at,
)

MARGIN = 2
MAX_TEXT_WIDTH = 96

ENTITY_GROUPS = {
    "PERSON": "person",
    "ORG": "org",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
    "DATE": "time",
    "TIME": "time",
    "AGE": "time",
    "CARDINAL": "number",
    "ORDINAL": "number",
    "MONEY": "number",
    "PERCENT": "number",
    "QUANTITY": "number",
}


def entity_group(label: str) -> str:
    """The colour group of an entity label (person, org, place, group, time, number, other)."""
    return ENTITY_GROUPS.get(label, "other")


def _look(annotation: Annotation) -> tuple[int, int, int, tuple[str, ...]]:
    """What decides how an annotation is drawn (its note does not)."""
    return annotation.id, annotation.start, annotation.end, tuple(annotation.tags)


class ArticleView(ScrollView, can_focus=True):
    """The article text with entities, quotations and annotations highlighted."""

    COMPONENT_CLASSES = {
        "article--title",
        "article--meta",
        "article--cursor",
        "article--selection",
        "article--match",
        "article--quote",
        "article--speaker",
        "article--annotation",
        "article--person",
        "article--org",
        "article--place",
        "article--group",
        "article--time",
        "article--number",
        "article--other",
    }

    BINDINGS = [
        Binding("j,down", "move_line(1)", "Down", show=False, id="line_down"),
        Binding("k,up", "move_line(-1)", "Up", show=False, id="line_up"),
        Binding("w,right", "word(1)", "Next word", show=False, id="word_next"),
        Binding("b,left", "word(-1)", "Previous word", show=False, id="word_previous"),
        Binding("right_curly_bracket", "paragraph(1)", "Next paragraph", show=False, id="paragraph_next"),
        Binding("left_curly_bracket", "paragraph(-1)", "Previous paragraph", show=False, id="paragraph_previous"),
        Binding("g,home", "edge(0)", "Start", show=False, id="start"),
        Binding("G,end", "edge(1)", "End", show=False, id="end"),
        Binding("pagedown,space", "page(1)", "Page down", show=False, id="page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="page_up"),
        Binding("right_square_bracket", "highlight(1)", "Next highlight", id="highlight_next"),
        Binding("left_square_bracket", "highlight(-1)", "Previous highlight", show=False, id="highlight_previous"),
        Binding("right_parenthesis", "quotation(1)", "Next quote", id="quote_next"),
        Binding("left_parenthesis", "quotation(-1)", "Previous quote", show=False, id="quote_previous"),
        Binding("greater_than_sign", "unchecked(1)", "Next unchecked", show=False, id="unchecked_next"),
        Binding("less_than_sign", "unchecked(-1)", "Previous unchecked", show=False, id="unchecked_previous"),
        Binding("v", "select", "Select", show=False, id="select"),
        Binding("escape", "cancel", "Cancel", show=False, id="cancel"),
    ]

    cursor: var[int] = var(0)
    """The character offset under the cursor."""
    anchor: var[int | None] = var(None)
    """Where the selection started (None: no selection); it runs to the cursor."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None
        self.text = ""
        self._display = ""
        self.highlights = Highlights([], [])
        self.tag_colours: dict[str, str] = {}
        self.wrapped: WrappedText | None = None
        self._jumped: tuple[int, object] | None = None  # (offset, mark) of the highlight last jumped to
        self.codes_line = ""  # the article's codes, shown in the header
        self._header: list[tuple[str, str]] = []
        self.matches: list[tuple[int, int]] = []
        self._goal_column: int | None = None
        self._cache: LRUCache[int, Strip] = LRUCache(2048)
        self._virtual_size_seen: Size | None = None

    # ------------------------------------------------------------ content

    def load(self, article: Article, annotations: list[Annotation], tags: list[Tag]) -> None:
        """Show an article from the top."""
        self.article = article
        self.text = article.text
        self._display = display_text(article.text)
        self.highlights = Highlights(article.entities, article.quotes, annotations)
        self._jumped = None
        self.tag_colours = {t.name: t.colour for t in tags}
        self.cursor = 0
        self.anchor = None
        self.matches = []
        self._goal_column = None
        if not self.size.width:  # not laid out yet: on_resize wraps the text once, at the real width
            self.wrapped = None
            return
        self._relayout()
        self.scroll_to(0, 0, animate=False, immediate=True)

    def set_analysis(self, entities: list[Entity], quotes: list[Quote], analyser: str | None = None) -> None:
        """Show the article's analysis (made after it opened: the header no longer says "analysing…")."""
        annotations = [m.item for m in self.highlights.annotations.marks]
        self.highlights = Highlights(entities, quotes, annotations)  # type: ignore[arg-type]
        if self._jumped is not None:  # the highlight jumped to stays the target, as it now is
            offset, old = self._jumped
            layer = self.highlights.quotes if old.layer == "quote" else self.highlights.entities
            same = [m for m in layer.containing(old.start) if m.start == old.start]
            self._jumped = (offset, same[0]) if same else None
        if self.article is not None:
            self.article.entities, self.article.quotes = entities, quotes
            self.article.analyser = analyser or self.article.analyser
        self._invalidate()
        if self.wrapped is not None:
            self._relayout()

    def set_annotations(self, annotations: list[Annotation], tags: list[Tag]) -> None:
        """Show new annotations, redrawing only the lines whose highlighting changed."""
        before = {_look(m.item) for m in self.highlights.annotations.marks}  # type: ignore[arg-type]
        self.highlights.set_annotations(annotations)
        colours = {t.name: t.colour for t in tags}
        if colours != self.tag_colours:
            self.tag_colours = colours
            self._invalidate()
            return
        for _, start, end, _ in before ^ {_look(a) for a in annotations}:
            self._refresh_span(start, end)

    def set_matches(self, matches: list[tuple[int, int]]) -> None:
        self.matches = matches
        self._invalidate()

    # ------------------------------------------------------------ geometry

    @property
    def text_width(self) -> int:
        return max(10, min(MAX_TEXT_WIDTH, self.scrollable_content_region.width - 2 * MARGIN))

    def _text_width_with(self, scrollbar: bool) -> int:
        """The text's width once the vertical scrollbar is shown (or not)."""
        width = self.content_region.width - (self.styles.scrollbar_size_vertical if scrollbar else 0)
        return max(10, min(MAX_TEXT_WIDTH, width - 2 * MARGIN))

    def _relayout(self) -> None:
        # Wrap once, at the width the text will have: with a scrollbar if it cannot fit (a long
        # text: wrapping it twice would cost a 1 MB article 100 ms); a short one is tried without.
        height = self.content_region.height
        scrollbar = len(self._display) > self._text_width_with(False) * height
        while True:
            width = self._text_width_with(scrollbar)
            self.wrapped = WrappedText(self._display, width)  # measured as drawn: a control character takes a cell
            self._header = self._header_lines(width)
            if scrollbar or len(self._header) + len(self.wrapped) <= height:
                break
            scrollbar = True
        self.virtual_size = Size(width + 2 * MARGIN, len(self._header) + len(self.wrapped))
        self._cache.clear()
        self.refresh()

    def _header_lines(self, width: int) -> list[tuple[str, str]]:
        """The title (unless the text begins with it), then date, source and state, then a blank line."""
        if self.article is None:
            return []
        lines = []
        title = self.article.title
        if not self.text.startswith(title.rstrip("…")):  # a derived title is the text's own first line
            title = display_text(title).replace("\n", " ")
            title_layout = WrappedText(title, width)
            lines += [
                (title[title_layout.starts[i] : title_layout.ends[i]], "article--title") for i in range(len(title_layout))
            ]
        meta = " · ".join(
            part
            for part in (
                self.article.date or "no date",
                self.article.source or "",
                "" if self.article.analysed else "analysing…",
            )
            if part
        )
        codes = [(display_text(self.codes_line)[:width], "article--meta")] if self.codes_line else []
        return lines + [(display_text(meta)[:width], "article--meta"), *codes, ("", "article--meta")]

    def set_codes(self, line: str) -> None:
        """Show the article's codes (tone: negative · frame: conflict) under its date and source."""
        if line != self.codes_line:
            self.codes_line = line
            if self.wrapped is not None:
                self._relayout()

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        """Update the scrollbar only when this view's size or virtual size changed.

        Textual's ScrollView takes the compositor's size of the visible content for a new virtual
        size: here they always differ, so a layout pass anywhere (a note's height, the notes list,
        a notification) redrew this scrollbar a frame later: 1.6 KB and 20-30 ms more for a key.
        """
        if self.virtual_size == self._virtual_size_seen:
            virtual_size = self.virtual_size
        self._virtual_size_seen = self.virtual_size
        return super()._size_updated(size, virtual_size, container_size, layout)

    def on_resize(self, event: events.Resize) -> None:
        if self.wrapped is None or self.wrapped.width != self.text_width:
            self._relayout()
            self._scroll_to_cursor(center=True)

    def _invalidate(self) -> None:
        """Redraw all the text (not the scrollbar: that would take a frame of its own)."""
        self._cache.clear()
        self.refresh(self.size.region)

    def _refresh_span(self, start: int, end: int) -> None:
        """Redraw the lines holding text[start:end]."""
        if self.wrapped is None or not self.text:
            return
        first, last = self.screen_line_of(start), self.screen_line_of(max(start, end - 1))
        for line in range(first, last + 1):
            self._cache.discard(line)
        top = self.scroll_offset.y
        first, last = max(first, top), min(last, top + self.size.height - 1)
        if first <= last:
            self.refresh_lines(first, last - first + 1)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def screen_line_of(self, offset: int) -> int:
        assert self.wrapped is not None
        return len(self._header) + self.wrapped.line_of(offset)

    # ------------------------------------------------------------ rendering

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        strip = self._cache.get(index)
        if strip is None:
            strip = self._render_virtual_line(index)
            self._cache[index] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, self.rich_style).apply_offsets(scroll_x, index)

    def _render_virtual_line(self, index: int) -> Strip:
        base = self.rich_style
        margin = Segment(" " * MARGIN, base)
        if index < len(self._header):
            text, component = self._header[index]
            style = base + self.get_component_rich_style(component)
            return Strip([margin, Segment(text, style)])
        if self.wrapped is None or index - len(self._header) >= len(self.wrapped):
            return Strip([])
        line = index - len(self._header)
        start, end = self.wrapped.starts[line], self.wrapped.ends[line]
        return Strip([margin, *self._segments(start, end, base)])

    def _segments(self, start: int, end: int, base: Style) -> list[Segment]:
        layers = self._layers(start, end)
        points = {start, end}
        for a, b, _ in layers:
            points.add(max(start, a))
            points.add(min(end, b))
        edges = sorted(points)
        text = self._display
        segments = []
        for a, b in zip(edges, edges[1:]):
            style = base
            for s, e, layer_style in layers:
                if s <= a and e >= b:
                    style += layer_style
            segments.append(Segment(text[a:b], style))
        if not segments and start == end and self._cursor_on_empty(start):
            segments.append(Segment(" ", base + self.get_component_rich_style("article--cursor")))
        return segments

    def _cursor_on_empty(self, offset: int) -> bool:
        return self.cursor == offset and self.has_focus

    def _layers(self, start: int, end: int) -> list[tuple[int, int, Style]]:
        """(start, end, style) for every span touching the line, in drawing order."""
        style = self.get_component_rich_style
        layers: list[tuple[int, int, Style]] = []
        for mark in self.highlights.overlapping(start, end):
            if mark.layer == "entity":
                layer_style = style(f"article--{entity_group(mark.item.label)}")  # type: ignore[attr-defined]
            elif mark.layer == "annotation":
                layer_style = self._annotation_style(mark.item)  # type: ignore[arg-type]
            else:
                layer_style = style(f"article--{mark.layer}")
            layers.append((mark.start, mark.end, layer_style))
        for a, b in self.matches:
            if a < end and b > start:
                layers.append((a, b, style("article--match")))
        selection = self.selection
        if selection and selection[0] < end and selection[1] > start:
            layers.append((selection[0], selection[1], style("article--selection")))
        if start <= self.cursor < max(end, start + 1) and self.cursor < len(self.text):
            if self.has_focus or self.anchor is not None:
                layers.append((self.cursor, self.cursor + 1, style("article--cursor")))
        return layers

    def _annotation_style(self, annotation: Annotation) -> Style:
        base = self.get_component_rich_style("article--annotation")
        if not annotation.tags:
            return base
        colour = self.tag_colours.get(annotation.tags[0]) or FALLBACK
        bgcolor = self.rich_style.bgcolor
        background = tuple(bgcolor.get_truecolor()) if bgcolor is not None else (0, 0, 0)
        # One vocabulary with the codebook's chips (reader.colours), as this terminal's colours show it.
        tint, text = tint_rgb(colour, background, colour_system(self.app.console.color_system))  # type: ignore[arg-type]
        return base + Style(
            bgcolor=RichColor.from_rgb(*tint), color=RichColor.from_rgb(*text) if text is not None else None
        )

    # ------------------------------------------------------------ cursor and selection

    @property
    def selection(self) -> tuple[int, int] | None:
        if self.anchor is None:
            return None
        return min(self.anchor, self.cursor), max(self.anchor, self.cursor) + 1

    def target(self) -> Target | None:
        """The selection, else the annotation, entity or quotation under the cursor, else the word."""
        if not self.text:
            return None
        if self.selection:
            start, end = self.selection
            end = min(end, len(self.text))
            while end > start and self.text[end - 1].isspace():
                end -= 1
            while start < end and self.text[start].isspace():
                start += 1
            # Snap to whole words, as annotators expect: a selection never cuts a word.
            first, last = word_at(self.text, start), word_at(self.text, max(start, end - 1))
            if first is not None:
                start = min(start, first[0])
            if last is not None:
                end = max(end, last[1])
            if end > start:
                return Target("selection", start, end)
        at = self.cursor
        jumped = self._jumped
        if jumped is not None and jumped[0] == at:
            mark = jumped[1]
            annotation = self.highlights.annotation_with_span(mark.start, mark.end)
            if annotation is not None:
                return Target("annotation", annotation.start, annotation.end, annotation=annotation)
            if mark.layer == "quote":
                return Target("quote", mark.start, mark.end, quote=mark.item)
            if mark.layer == "entity":
                return Target("entity", mark.start, mark.end, entity=mark.item)
        annotation = self.highlights.annotation_at(at)
        if annotation is not None:
            return Target("annotation", annotation.start, annotation.end, annotation=annotation)
        entity = self.highlights.entity_at(at)
        if entity is not None:
            return Target("entity", entity.start, entity.end, entity=entity)
        quote = self.highlights.quote_at(at)
        if quote is not None:
            return Target("quote", quote.start, quote.end, quote=quote)
        word = word_at(self.text, at)
        if word is not None:
            return Target("word", *word)
        return None

    def move_to(self, offset: int, keep_column: bool = False, center: bool = False) -> None:
        """Put the cursor on `offset`, redrawing only the lines that change."""
        if not self.text:
            return
        offset = min(max(0, offset), len(self.text) - 1)
        if self.wrapped is None:  # before the first layout: on_resize scrolls to the cursor
            self.cursor = offset
            return
        old = self.cursor
        if not keep_column:
            self._goal_column = None
        self.cursor = offset
        lines = {self.screen_line_of(old), self.screen_line_of(offset)}
        if self.anchor is not None:
            low, high = sorted((old, offset))
            lines.update(range(self.screen_line_of(low), self.screen_line_of(high) + 1))
        for line in lines:
            self._cache.discard(line)
            self.refresh_line(line)
        self._scroll_to_cursor(center=center)

    def _scroll_to_cursor(self, center: bool = False) -> None:
        if self.wrapped is None or not self.text:
            return
        y = self.screen_line_of(self.cursor)
        height = self.scrollable_content_region.height
        top = self.scroll_offset.y
        if center and not (top <= y < top + height):
            self.scroll_to(y=max(0, y - height // 3), animate=False, immediate=True)
        elif y < top:
            self.scroll_to(y=y if y > len(self._header) else 0, animate=False, immediate=True)
        elif y >= top + height:
            self.scroll_to(y=y - height + 1, animate=False, immediate=True)

    def action_move_line(self, delta: int) -> None:
        if self.wrapped is None or not self.text:
            return
        line = self.wrapped.line_of(self.cursor)
        if self._goal_column is None:
            self._goal_column = self.wrapped.column_of(self.cursor)
        target = min(max(0, line + delta), len(self.wrapped) - 1)
        if target == line:
            return
        column = self._goal_column
        self.move_to(self.wrapped.offset_at(target, column), keep_column=True)

    def action_word(self, direction: int) -> None:
        self.move_to(next_word(self.text, self.cursor) if direction > 0 else previous_word(self.text, self.cursor))

    def action_paragraph(self, direction: int) -> None:
        move = next_paragraph if direction > 0 else previous_paragraph
        self.move_to(move(self.text, self.cursor))

    def action_edge(self, end: int) -> None:
        self.move_to(len(self.text) - 1 if end else 0)
        if not end:
            self.scroll_to(y=0, animate=False, immediate=True)

    def action_page(self, direction: int) -> None:
        if self.wrapped is None or not self.text:
            return
        height = max(1, self.scrollable_content_region.height - 1)
        line = self.wrapped.line_of(self.cursor)
        target = min(max(0, line + direction * height), len(self.wrapped) - 1)
        if self._goal_column is None:
            self._goal_column = self.wrapped.column_of(self.cursor)
        top = self.scroll_offset.y + direction * height
        self.scroll_to(y=max(0, top), animate=False, immediate=True)
        self.move_to(self.wrapped.offset_at(target, self._goal_column), keep_column=True)

    def action_highlight(self, direction: int) -> None:
        self._jump(self.highlights.machine, direction)

    def action_quotation(self, direction: int) -> None:
        self._jump(self.highlights.quotes, direction)

    def action_unchecked(self, direction: int) -> None:
        """To the next (previous) entity or quotation no person has checked yet."""
        marks = [m for m in self.highlights.machine.marks if getattr(m.item, "status", "machine") == "machine"]
        arrived = self._jumped is not None and self._jumped[0] == self.cursor  # the one here was jumped to: go on
        if direction > 0:
            mark = next((m for m in marks if m.start > self.cursor or (m.start == self.cursor and not arrived)), None)
        else:
            mark = next((m for m in reversed(marks) if m.start < self.cursor), None)
        if mark is None and marks:  # checked to the end: on from the other end, so one key verifies it all
            mark = marks[0] if direction > 0 else marks[-1]
            self.notify(f"From the {'top' if direction > 0 else 'end'}: {plural(len(marks), 'highlight')} left to check.",
                        timeout=3)
        if mark is None:
            self.notify("Every highlight is checked.", timeout=3)
            return
        self._go_to_mark(mark)

    def _jump(self, spans, direction: int) -> None:
        mark = spans.next_start(self.cursor) if direction > 0 else spans.previous_start(self.cursor)
        if mark is None:
            self.notify("No more highlights this way." if spans is self.highlights.machine else "No more quotations this way.", timeout=2)
            return
        self._go_to_mark(mark)

    def _go_to_mark(self, mark) -> None:
        """Move to a highlight, which is the target until the cursor moves on (a quotation that starts
        with an entity is the quotation, not the entity)."""
        self.move_to(mark.start, center=True)
        self._jumped = (mark.start, mark)
        self.mutate_reactive(ArticleView.cursor)  # the target changed, though the cursor may not have

    def action_select(self) -> None:
        if self.anchor is None:
            self.anchor = self.cursor
            self._refresh_span(self.cursor, self.cursor + 1)
        else:
            self.clear_selection()

    def action_cancel(self) -> None:
        if self.anchor is not None:
            self.clear_selection()
        elif self.matches:
            self.set_matches([])

    def clear_selection(self) -> None:
        if self.anchor is not None:
            start, end = self.selection  # type: ignore[misc]
            self.anchor = None
            self._refresh_span(start, end)

    # ------------------------------------------------------------ mouse and focus

    def on_click(self, event: events.Click) -> None:
        if self.wrapped is None or not self.text:
            return
        y = event.y + self.scroll_offset.y - len(self._header)
        if y < 0:
            return
        column = max(0, event.x + self.scroll_offset.x - MARGIN)
        self.move_to(self.wrapped.offset_at(y, column))

    def watch_has_focus(self, has_focus: bool) -> None:
        """Not Textual's restyle on focus: it takes 15 ms (for every component class), at start-up and
        on every tab, and this view looks the same either way but for its cursor."""

    def on_focus(self) -> None:
        self._refresh_cursor_line()

    def on_blur(self) -> None:
        self._refresh_cursor_line()

    def _refresh_cursor_line(self) -> None:
        if self.wrapped is not None and self.text:
            line = self.screen_line_of(self.cursor)
            self._cache.discard(line)
            self.refresh_line(line)

    # ------------------------------------------------------------ search

    def find_all(self, query: str) -> list[tuple[int, int]]:
        """Case-insensitive matches of `query` in the text."""
        if not query:
            return []
        pattern = re.compile(re.escape(query), re.IGNORECASE)
        return [m.span() for m in pattern.finditer(self.text)]

    def jump_to_match(self, direction: int) -> bool:
        if not self.matches:
            return False
        starts = [a for a, _ in self.matches]
        if direction > 0:
            following = [s for s in starts if s > self.cursor]
            offset = following[0] if following else starts[0]
        else:
            preceding = [s for s in starts if s < self.cursor]
            offset = preceding[-1] if preceding else starts[-1]
        self.move_to(offset, center=True)
        return True

