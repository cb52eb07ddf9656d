"""Cleaning up the entities spaCy finds."""

from __future__ import annotations

from typing import Any, Iterable

from reader.model import Entity

# Marks that never belong at the edge of a name.
_EDGE = " \t\n\"“”„«»‘’'()[]{},;:!?—–-"


def clean_entities(text: str, spans: Iterable[Any]) -> list[Entity]:
    """Entities from spaCy spans, with quotation marks and stray punctuation trimmed from their edges."""
    entities = []
    for span in spans:
        start, end = span.start_char, span.end_char
        while start < end and text[start] in _EDGE:
            start += 1
        while end > start and text[end - 1] in _EDGE:
            end -= 1
        if end > start:
            entities.append(Entity(start, end, span.label_, text[start:end]))
    return entities
