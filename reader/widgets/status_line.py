"""The status line under the article: what is under the cursor."""

from __future__ import annotations

from typing import Sequence

from rich.text import Text
from textual.widget import Widget

from reader.editing.verify import checked
from reader.model import Entity, Quote
from reader.text.highlights import Highlights, Target
from reader.text.inert import excerpt, one_line


def checked_text(quotes: Sequence[Quote], entities: Sequence[Entity] = ()) -> str:
    """"checked 3/7 quotes · 2/5 speakers · 10/40 entities": how far a coder has verified the article."""
    if not quotes and not entities:
        return ""
    counts = checked(quotes, entities)
    (q, q_all), (s, s_all) = counts["quotations"], counts["speakers"]
    return f"checked {q}/{q_all} quotes · {s}/{s_all} speakers · {counts['entities'][0]}/{counts['entities'][1]} entities"


def describe(
    highlights: Highlights, cursor: int, selection: tuple[int, int] | None, length: int, target: Target | None,
    checked_line: str = "", text: str = "",
) -> Text:
    """The status line's text: the selection (as it will be stored, snapped to words), the entity and
    quotation under the cursor (with its status), the target's tags, the article's checked count, and how
    far into the article the cursor is."""
    status = Text(no_wrap=True, overflow="ellipsis")
    entity = highlights.entity_at(cursor)
    quote = highlights.quote_at(cursor)
    if selection:
        status.append(" SELECT ", style="bold reverse")
        status.append(f" {selection[1] - selection[0]} chars  ")
    if entity is not None:
        status.append(f"{one_line(entity.label)} ", style="bold")
        status.append(excerpt(entity.text, 30))
        if entity.canonical and entity.canonical != entity.text:
            status.append(f" → {excerpt(entity.canonical, 30)}", style="italic")
        if entity.status != "machine":
            status.append(f" ({entity.status})", style="italic")
        status.append("  ")
    if quote is not None:
        status.append("quote by ", style="italic")
        status.append(one_line(quote.speaker or "unknown speaker"), style="bold italic")
        source_start, source_end = getattr(quote, "source_start", None), getattr(quote, "source_end", None)
        source = text[source_start:source_end] if text and source_start is not None and source_end is not None else ""
        if source and source != quote.speaker:  # the words that made the attribution: "she", "the daily"
            status.append(f" via “{excerpt(source, 24)}”", style="italic")
        if quote.cue:
            status.append(f" · {excerpt(quote.cue, 20)}", style="italic")
        if quote.status != "machine":
            status.append(f" ({quote.status})", style="italic")
        status.append("  ")
    if target is not None and target.annotation is not None and target.annotation.tags:
        status.append("tags: " + one_line(", ".join(target.annotation.tags)), style="bold")
        status.append("  ")
    if checked_line:
        status.append(checked_line + "  ", style="dim")
    if length:
        percent = int(100 * cursor / max(1, length - 1))
        status.append(f"{percent}%", style="dim")
    return status


class StatusLine(Widget):
    """One line of text, redrawn without a layout pass (it runs on every key press)."""

    DEFAULT_CSS = "StatusLine { height: 1; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = Text()

    def show(self, text: Text) -> None:
        self._text = text
        self.refresh()

    def render(self) -> Text:
        return self._text
