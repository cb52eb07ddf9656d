"""Tags told apart by colour: the default tags' colours (and those `t` hands out) stay distinct as
chips and as an annotation's tint in 16 colours, 256 colours and truecolor.

Distance is CIE76 ΔE (Euclidean in CIE L*a*b*, D65). A ΔE of about 2.3 is just noticeable with the two
colours side by side; a tag's tint is seen alone, in running text, and has to be recognised, not
compared, so the minimum here is ΔE 15: about the difference of two neighbouring colours of a
categorical chart palette, and well above what the eye confuses at a glance (red and bright_red drawn
as one pink in the codebook, the fault this test was written for, are ΔE 0).
"""

from __future__ import annotations

import itertools

import pytest
from rich.style import Style

from reader.colours import chip_rgb, chip_style, tag_rgb, tint_rgb
from reader.schema import DEFAULT_TAGS
from reader.store import NEW_TAG_COLOURS

MIN_DELTA_E = 15.0
DEFAULTS = [colour for _, _, colour, _ in DEFAULT_TAGS]
BACKGROUNDS = {"dark": (18, 18, 18), "light": (255, 255, 255)}  # Textual's dark theme behind the article; a light one


def lab(rgb: tuple[int, int, int]) -> tuple[float, float, float]:
    def linear(c: float) -> float:
        c /= 255
        return ((c + 0.055) / 1.055) ** 2.4 if c > 0.04045 else c / 12.92

    r, g, b = (linear(c) for c in rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def delta_e(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    return sum((p - q) ** 2 for p, q in zip(lab(a), lab(b))) ** 0.5


def closest_pair(drawn: dict[str, tuple[int, int, int]]) -> tuple[float, str, str]:
    return min((delta_e(drawn[a], drawn[b]), a, b) for a, b in itertools.combinations(drawn, 2))


def test_delta_e_is_cie76():
    assert delta_e((255, 255, 255), (0, 0, 0)) == pytest.approx(100, abs=0.1)
    assert delta_e((255, 0, 0), (255, 0, 0)) == 0


@pytest.mark.parametrize("system", ["standard", "256", "truecolor"])
@pytest.mark.parametrize("background", sorted(BACKGROUNDS))
def test_the_default_tags_are_distinct_as_tints_and_chips(system, background):
    tints = {c: tint_rgb(c, BACKGROUNDS[background], system)[0] for c in DEFAULTS}
    chips = {c: chip_rgb(c, system) for c in DEFAULTS}
    for what, drawn in (("tint", tints), ("chip", chips)):
        distance, a, b = closest_pair(drawn)
        assert distance >= MIN_DELTA_E, f"{what}s of {a} and {b} are ΔE {distance:.1f} apart in {system} on {background}"


@pytest.mark.parametrize("system", ["256", "truecolor"])
@pytest.mark.parametrize("background", sorted(BACKGROUNDS))
def test_new_tags_colours_are_distinct_from_each_other_and_the_defaults(system, background):
    """In 16 colours there are not 19 to give: there the new tags' colours repeat (docs/export.md)."""
    colours = DEFAULTS + list(NEW_TAG_COLOURS)
    tints = {c: tint_rgb(c, BACKGROUNDS[background], system)[0] for c in colours}
    chips = {c: chip_rgb(c, system) for c in colours}
    for what, drawn in (("tint", tints), ("chip", chips)):
        distance, a, b = closest_pair(drawn)
        assert distance >= MIN_DELTA_E, f"{what}s of {a} and {b} are ΔE {distance:.1f} apart in {system} on {background}"


def test_in_16_colours_each_default_tag_is_its_own_terminal_colour_with_readable_text():
    from rich._palettes import STANDARD_PALETTE

    numbers = [STANDARD_PALETTE.match(chip_rgb(c, "standard")) for c in DEFAULTS]
    assert numbers == [3, 1, 2, 6, 5, 4, 13, 11, 9]  # yellow red green cyan magenta blue, then bright_*
    for colour in DEFAULTS:
        background, text = tint_rgb(colour, BACKGROUNDS["dark"], "standard")
        assert text is not None and delta_e(background, text) >= 40, colour


def test_red_magenta_and_their_bright_kin_are_four_chips():
    """The codebook once drew them as one pink (Textual's ANSI theme maps all four to #f4005f)."""
    for system in ("standard", "256", "truecolor"):
        backgrounds = {Style.parse(chip_style(c, system)).bgcolor.triplet for c in ("red", "magenta", "bright_red", "bright_magenta")}
        assert len(backgrounds) == 4, system


def test_colours_an_older_reader_gave_new_tags_still_draw_as_themselves():
    for colour in ("gold1", "orchid1", "chartreuse3"):
        assert tag_rgb(colour) != tag_rgb("yellow")  # not the fallback
        assert tint_rgb(colour, BACKGROUNDS["dark"], "truecolor")[0] != tint_rgb("yellow", BACKGROUNDS["dark"], "truecolor")[0]


def test_the_view_and_refi_qda_agree_on_a_names_rgb():
    from reader.interchange.qdpx import rgb

    for colour in DEFAULTS + list(NEW_TAG_COLOURS):
        assert rgb(colour) == "#{:02x}{:02x}{:02x}".format(*tag_rgb(colour))
