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

import functools
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


# ---------------------------------------------------------------- how a tag's colour is drawn

TINT = 0.45  # how much of the tag's colour an annotation's background takes (the rest is the view's background)
_SYSTEMS = {"standard": "standard", "windows": "standard", "256": "256", "truecolor": "truecolor"}


def colour_system(name: str | None) -> str:
    """"standard" (16 colours), "256" or "truecolor" for a Rich console's `color_system` (None: truecolor,
    as a screenshot is drawn)."""
    return _SYSTEMS.get(name or "truecolor", "truecolor")


@functools.lru_cache(maxsize=1024)  # drawn per line: one parse per colour
def tag_rgb(value: Any) -> tuple[int, int, int]:
    """The RGB a tag's colour stands for, the same in the codebook, the article, the panel and REFI-QDA:
    the 16 ANSI names as Rich's default terminal theme has them (`red` #800000, `bright_red` #ff0000;
    Textual's own ANSI theme gives red, magenta, bright_red and bright_magenta one pink), 256-colour
    names as xterm's palette, hex as written. A colour that cannot be drawn is FALLBACK."""
    from rich.color import Color

    return tuple(Color.parse(drawable(value)).get_truecolor())  # type: ignore[return-value]


def _standard_number(value: Any) -> int:
    from rich.color import Color, ColorSystem, ColorType

    colour = Color.parse(drawable(value))
    if colour.type == ColorType.STANDARD and colour.number is not None:
        return colour.number  # a name of the 16: the terminal's own colour of that name
    return Color.from_triplet(colour.get_truecolor()).downgrade(ColorSystem.STANDARD).number or 0


def on_system(rgb: tuple[int, int, int], system: str) -> tuple[int, int, int]:
    """`rgb` as a terminal of `system` shows it: the nearest of the 256 colours, or of the 16 (their RGB as
    Rich matches them), or itself."""
    from rich._palettes import EIGHT_BIT_PALETTE, STANDARD_PALETTE
    from rich.color import Color, ColorSystem

    if system == "truecolor":
        return rgb
    colour = Color.from_rgb(*rgb)
    if system == "256":
        return tuple(EIGHT_BIT_PALETTE[colour.downgrade(ColorSystem.EIGHT_BIT).number])  # type: ignore[return-value]
    return tuple(STANDARD_PALETTE[colour.downgrade(ColorSystem.STANDARD).number])  # type: ignore[return-value]


@functools.lru_cache(maxsize=1024)  # drawn per line: one parse per colour
def chip_rgb(value: Any, system: str) -> tuple[int, int, int]:
    """The RGB of a tag's chip (the codebook, the tag prompt, the panel) on a terminal of `system`. In 16
    colours a name of the 16 is its own colour there, so the nine default tags stay nine colours."""
    from rich._palettes import STANDARD_PALETTE

    if system == "standard":
        return tuple(STANDARD_PALETTE[_standard_number(value)])  # type: ignore[return-value]
    return on_system(tag_rgb(value), system)


@functools.lru_cache(maxsize=1024)  # drawn per line: one parse per colour
def tint_rgb(value: Any, background: tuple[int, int, int], system: str) -> tuple[tuple[int, int, int], tuple[int, int, int] | None]:
    """(background, foreground or None to keep the text's) of an annotation tagged with colour `value`.

    With 256 colours or more: the tag's colour blended TINT into the view's `background`, as the
    terminal shows it. In 16 colours a blend falls back to black or grey for every tag, so the
    annotation takes the chip's colour itself, with black or white text, whichever reads better.
    """
    if system == "standard":
        colour = chip_rgb(value, system)
        light = 0.299 * colour[0] + 0.587 * colour[1] + 0.114 * colour[2] > 128
        return colour, ((0, 0, 0) if light else (255, 255, 255))
    red, green, blue = tag_rgb(value)
    mixed = tuple(round(b + (c - b) * TINT) for b, c in zip(background, (red, green, blue)))
    return on_system(mixed, system), None  # type: ignore[arg-type]


@functools.lru_cache(maxsize=1024)  # drawn per line: one parse per colour
def chip_style(value: Any, system: str) -> str:
    """A Rich style for a tag's name as a chip: bold, in the tag's colour (as a background)."""
    red, green, blue = chip_rgb(value, system)
    light = 0.299 * red + 0.587 * green + 0.114 * blue > 128
    return f"bold {'#000000' if light else '#ffffff'} on #{red:02x}{green:02x}{blue:02x}"
