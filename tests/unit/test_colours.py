"""One colour vocabulary for tags: what Rich draws. The audit found the codebook form accepted
Textual's colours (#abc, rebeccapurple, hsl()) that Rich cannot draw, and refused bright_red."""

from __future__ import annotations

import pytest
from rich.style import Style

from reader.colours import FALLBACK, ColourError, drawable, parse_colour
from reader.schema import DEFAULT_TAGS
from reader.store import NEW_TAG_COLOURS


@pytest.mark.parametrize(
    "given, stored",
    [("bright_red", "bright_red"), ("gold1", "gold1"), ("#abc", "#aabbcc"), ("#AABBCC", "#aabbcc"),
     (" Red ", "red"), ("rgb(1, 2, 3)", "#010203"), ("color(5)", "color(5)"), ("grey50", "grey50")],
)
def test_every_colour_rich_knows_is_accepted_in_one_spelling(given, stored):
    assert parse_colour(given) == stored
    Style.parse(f"bold reverse {stored}")  # drawable as a chip


@pytest.mark.parametrize("given", ["rebeccapurple", "hsl(0, 50%, 50%)", "", "red on blue", "#abcd", "x" * 1000])
def test_what_rich_cannot_draw_is_refused_in_one_line(given):
    with pytest.raises(ColourError) as caught:
        parse_colour(given)
    assert "\n" not in str(caught.value) and len(str(caught.value)) < 200


def test_hsl_is_refused_saying_why():
    with pytest.raises(ColourError, match="hsl"):
        parse_colour("hsl(120, 100%, 50%)")


def test_the_default_and_new_tag_colours_are_all_in_the_vocabulary():
    for colour in [c for _, _, c, _ in DEFAULT_TAGS] + list(NEW_TAG_COLOURS):
        assert parse_colour(colour) == colour


@pytest.mark.parametrize("bad", ["hsl(1,2%,3%)", b"\x00\x01", None, 7, "rebeccapurple"])
def test_a_colour_another_tool_wrote_is_drawn_as_the_fallback(bad):
    assert drawable(bad) == FALLBACK
