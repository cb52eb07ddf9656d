"""What is highlighted where (entities, quotations, speakers, annotations by offset), and the target of a tag.

Pure logic: answers "what overlaps these characters" and "what is next" quickly
enough to run on every key press, even with thousands of highlights.
"""

from __future__ import annotations

import bisect
import operator
from dataclasses import dataclass
from typing import NamedTuple, Sequence

from reader.model import Annotation, Entity, Quote


class Mark(NamedTuple):
    """A highlighted span on one layer; `item` is the Entity, Quote or Annotation behind it.

    A named tuple: a long article makes tens of thousands of them when it opens.
    """

    start: int
    end: int
    layer: str  # "quote" | "speaker" | "entity" | "annotation"
    item: object


_BY_SPAN = operator.itemgetter(0, 1)


class _SpanList:
    """Spans sorted by start, with the longest length kept for overlap queries."""

    def __init__(self, marks: list[Mark]):
        self.marks = sorted(marks, key=_BY_SPAN)
        self.starts = [m.start for m in self.marks]
        self.longest = max((m.end - m.start for m in self.marks), default=0)

    def overlapping(self, start: int, end: int) -> list[Mark]:
        lo = bisect.bisect_left(self.starts, start - self.longest)
        hi = bisect.bisect_left(self.starts, end)
        return [m for m in self.marks[lo:hi] if m.end > start and m.start < end]

    def containing(self, offset: int) -> list[Mark]:
        return self.overlapping(offset, offset + 1)

    def next_start(self, offset: int) -> Mark | None:
        index = bisect.bisect_right(self.starts, offset)
        return self.marks[index] if index < len(self.marks) else None

    def previous_start(self, offset: int) -> Mark | None:
        index = bisect.bisect_left(self.starts, offset) - 1
        return self.marks[index] if index >= 0 else None


class Highlights:
    """The article's machine highlights and the user's annotations, indexed by offset."""

    def __init__(self, entities: Sequence[Entity], quotes: Sequence[Quote], annotations: Sequence[Annotation] = ()):
        self.entities = _SpanList([Mark(e.start, e.end, "entity", e) for e in entities])
        self.quotes = _SpanList([Mark(q.start, q.end, "quote", q) for q in quotes])
        self.speakers = _SpanList(
            [
                Mark(q.speaker_start, q.speaker_end, "speaker", q)
                for q in quotes
                if q.speaker_start is not None and q.speaker_end is not None
            ]
        )
        self.machine = _SpanList(self.entities.marks + self.quotes.marks)
        self.set_annotations(annotations)

    def set_annotations(self, annotations: Sequence[Annotation]) -> None:
        self.annotations = _SpanList([Mark(a.start, a.end, "annotation", a) for a in annotations])

    def overlapping(self, start: int, end: int) -> list[Mark]:
        """Every mark touching text[start:end], bottom layer first."""
        return (
            self.quotes.overlapping(start, end)
            + self.speakers.overlapping(start, end)
            + self.entities.overlapping(start, end)
            + self.annotations.overlapping(start, end)
        )

    def entity_at(self, offset: int) -> Entity | None:
        marks = self.entities.containing(offset)
        return min(marks, key=lambda m: m.end - m.start).item if marks else None  # type: ignore[return-value]

    def quote_at(self, offset: int) -> Quote | None:
        marks = self.quotes.containing(offset)
        return marks[-1].item if marks else None  # type: ignore[return-value]

    def annotation_at(self, offset: int) -> Annotation | None:
        """The smallest annotation under `offset` (the innermost when they nest)."""
        marks = self.annotations.containing(offset)
        return min(marks, key=lambda m: m.end - m.start).item if marks else None  # type: ignore[return-value]

    def annotation_with_span(self, start: int, end: int) -> Annotation | None:
        for mark in self.annotations.overlapping(start, end):
            if mark.start == start and mark.end == end:
                return mark.item  # type: ignore[return-value]
        return None


@dataclass(frozen=True)
class Target:
    """What a tag or note applies to: a selection, annotation, quotation, entity or word."""

    kind: str  # "selection" | "annotation" | "quote" | "entity" | "word"
    start: int
    end: int
    annotation: Annotation | None = None
    entity: Entity | None = None
    quote: Quote | None = None
