"""The one colour vocabulary of tags: what the codebook form, the codebook import and the drawing accept.

Tags are drawn by Rich (a chip is the style "bold reverse COLOUR"), so a tag's colour is exactly what
Rich's `Color.parse` reads: its names (red, bright_red, gold1, grey50, ...), `#rrggbb`, `rgb(r,g,b)` and
`color(n)`. `#rgb` is taken as `#rrggbb`. Every colour is stored in one spelling (lower case, `rgb(...)`
as `#rrggbb`) so that it is one word in a style. CSS-only forms such as `hsl(...)` or `rebeccapurple`,
which Textual's parser knows and Rich's does not, are refused with one line; they once crashed every
screen that showed the tag. A colour another program wrote into the library is drawn as FALLBACK.

Headless: no Textual.
"""

from __future__ import annotations

import re
from typing import Any

from reader.errors import ReaderError

FALLBACK = "yellow"  # how a tag whose stored colour cannot be drawn is drawn
_SHORT_HEX = re.compile(r"#([0-9a-f])([0-9a-f])([0-9a-f])")
MAX_COLOUR_CHARS = 64


class ColourError(ReaderError, ValueError):
    """Not a colour reader can draw; the message is one line for the user."""


def parse_colour(value: str) -> str:
    """`value` as a colour in its one stored spelling; ColourError saying why not."""
    from rich.color import Color, ColorParseError, ColorType

    if not isinstance(value, str):
        raise ColourError(f"a colour is text, not {type(value).__name__}")
    text = value.strip().lower()
    if not text:
        raise ColourError("a colour cannot be empty")
    short = _SHORT_HEX.fullmatch(text)
    if short:
        text = "#" + "".join(digit * 2 for digit in short.groups())
    try:
        if len(text) > MAX_COLOUR_CHARS:
            raise ColorParseError(text)
        colour = Color.parse(text)
    except ColorParseError:
        shown = value.strip()[:30]
        if shown.lower().startswith(("hsl", "hsv", "hwb", "lab", "lch")):
            raise ColourError(f"{shown!r}: hsl() and other CSS forms are not supported; use a name or #rrggbb") from None
        raise ColourError(
            f"{shown!r} is not a colour (use a name such as 'cyan', 'bright_red' or 'gold1', or '#00ffff')"
        ) from None
    if colour.type == ColorType.TRUECOLOR and colour.triplet is not None:
        return colour.triplet.hex
    return colour.name


def is_colour(value: Any) -> bool:
    try:
        parse_colour(value)
    except ColourError:
        return False
    return True


def drawable(value: Any, fallback: str = FALLBACK) -> str:
    """A colour fit for a Rich style: `value` if it is one (in its stored spelling), else `fallback`."""
    try:
        return parse_colour(value)
    except ColourError:
        return fallback
