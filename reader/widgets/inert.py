"""Widgets that draw what the user or a file typed into them with control characters made inert.

Textual passes text such as ESC ] 52 ; … (a clipboard write) through to the terminal as it is;
these draw each control character as a visible symbol instead (see `reader.text.inert`).
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Input

from reader.text.inert import inert


def inert_strip(strip: Strip) -> Strip:
    """`strip` with the control characters in its text shown as symbols (cut to its width)."""
    changed = False
    segments = []
    for segment in strip:
        text = segment.text if segment.control else inert(segment.text)
        changed = changed or text != segment.text
        segments.append(Segment(text, segment.style, segment.control) if text != segment.text else segment)
    return Strip(segments).crop(0, strip.cell_length) if changed else strip


class InertLines:
    """Mixin for a widget drawn line by line (Input, TextArea): its lines are drawn inert."""

    def render_line(self, y: int) -> Strip:
        return inert_strip(super().render_line(y))  # type: ignore[misc]


class InertInput(InertLines, Input):
    """A one-line input whose value, pasted or loaded, is drawn inert."""
