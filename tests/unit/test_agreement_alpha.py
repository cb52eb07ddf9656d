"""Krippendorff's alpha of article variables: published values, edge cases, properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.agreement import (
    Coding,
    Variable,
    expand_multi_choice,
    reliability,
    variable_agreement,
)

N = None

# Wikipedia, "Krippendorff's alpha", A computational example: 3 coders, 15 units, gaps.
WIKIPEDIA = {
    "A": [N, N, N, N, N, 3, 4, 1, 2, 1, 1, 3, 3, N, 3],
    "B": [1, N, 2, 1, 3, 3, 4, 3, N, N, N, N, N, N, N],
    "C": [N, N, 2, 1, 3, 4, 4, N, 2, 1, 1, 3, 3, N, 4],
}

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
# 4 observers, 12 units, values 1..5, missing values.
KRIPPENDORFF_2011 = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    "C": [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
}


def codings(data: dict[str, list], variable: str = "v") -> list[Coding]:
    return [
        Coding(variable, unit + 1, coder, value)
        for coder, values in data.items()
        for unit, value in enumerate(values)
        if value is not None
    ]


def overall(variable: Variable, rows: list[Coding], **kw):
    return variable_agreement(variable, rows, pairwise=False, **kw)[0].result


@pytest.mark.parametrize("level, expected", [("nominal", 0.691), ("interval", 0.811)])
def test_wikipedia_worked_example(level, expected):
    result = overall(Variable("v", level), codings(WIKIPEDIA))
    assert round(result.alpha, 3) == expected
    # 12 of the 15 units have two or more values; 26 values in them (Wikipedia: n = 26).
    assert (result.units, result.coders, result.pairable) == (12, 3, 26)


@pytest.mark.parametrize("level, expected", [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)])
def test_krippendorff_2011_example(level, expected):
    variable = Variable("v", level, (1, 2, 3, 4, 5) if level == "ordinal" else ())
    result = overall(variable, codings(KRIPPENDORFF_2011))
    assert round(result.alpha, 3) == expected
    # Unit 12 has one value only: 11 pairable units, 40 pairable values (the paper's n = 40).
    assert (result.units, result.coders, result.pairable) == (11, 4, 40)


def test_ordinal_values_may_be_words_in_their_order():
    words = ("very low", "low", "mid", "high", "very high")
    data = {c: [N if v is None else words[v - 1] for v in values] for c, values in KRIPPENDORFF_2011.items()}
    assert round(overall(Variable("v", "ordinal", words), codings(data)).alpha, 3) == 0.815
    # The order matters: reversed it is the same (distances are symmetric), shuffled it is not.
    assert round(overall(Variable("v", "ordinal", words[::-1]), codings(data)).alpha, 3) == 0.815
    shuffled = ("mid", "very low", "very high", "low", "high")
    assert round(overall(Variable("v", "ordinal", shuffled), codings(data)).alpha, 3) != 0.815


def test_unused_ordinal_values_change_nothing():
    base = overall(Variable("v", "ordinal", (1, 2, 3, 4, 5)), codings(KRIPPENDORFF_2011)).alpha
    wider = overall(Variable("v", "ordinal", (0, 1, 2, 3, 4, 5, 6)), codings(KRIPPENDORFF_2011)).alpha
    assert wider == pytest.approx(base)


def test_ratio_level():
    # The package's own documented figure for the 2011 data at the ratio level.
    assert round(overall(Variable("v", "ratio"), codings(KRIPPENDORFF_2011)).alpha, 3) == 0.797


def test_percent_agreement_is_the_share_of_identical_pairs():
    rows = codings({"ana": [1, 1, 2, 2], "ben": [1, 2, 2, 2]})
    result = overall(Variable("v"), rows)
    assert result.agreement == pytest.approx(0.75)
    # Three coders: on a unit with 1, 1, 2 two of the 6 ordered pairs agree; with 2, 2, 2 all six.
    three = overall(Variable("v"), codings({"a": [1, 2], "b": [1, 2], "c": [2, 2]}))
    assert three.agreement == pytest.approx((2 + 6) / 12)


def test_perfect_agreement_with_variation_is_one():
    rows = codings({"ana": ["a", "b", "c", "a"], "ben": ["a", "b", "c", "a"]})
    result = overall(Variable("v"), rows)
    assert result.alpha == 1.0
    assert result.agreement == 1.0
    assert result.note == ""


def test_no_variation_is_undefined_not_one():
    result = overall(Variable("v"), codings({"ana": ["a", "a", "a"], "ben": ["a", "a", "a"]}))
    assert result.alpha is None
    assert result.agreement == 1.0
    assert "no variation" in result.note
    assert (result.ci_low, result.ci_high) == (None, None)


def test_no_pairable_unit_is_undefined():
    result = overall(Variable("v"), codings({"ana": ["a", N], "ben": [N, "b"]}))
    assert result.alpha is None
    assert result.units == 0
    assert "two coders" in result.note


def test_systematic_disagreement_is_below_zero():
    result = overall(Variable("v"), codings({"ana": ["a", "b"] * 5, "ben": ["b", "a"] * 5}))
    assert result.alpha < 0


def test_blank_value_is_missing_like_no_record():
    with_blank = [*codings({"ana": [1, 2, 3], "ben": [1, 2, 2]}), Coding("v", 9, "ana", None), Coding("v", 9, "ben", 3)]
    without = codings({"ana": [1, 2, 3], "ben": [1, 2, 2]}) + [Coding("v", 9, "ben", 3)]
    a, b = overall(Variable("v"), with_blank), overall(Variable("v"), without)
    assert a.alpha == b.alpha and a.units == b.units == 3


def test_other_variables_are_ignored():
    rows = codings(WIKIPEDIA, "v") + codings({"A": ["x", "y"], "B": ["y", "x"]}, "other")
    assert round(overall(Variable("v"), rows).alpha, 3) == 0.691


def test_bad_values_are_refused():
    with pytest.raises(ValueError, match="not a number"):
        overall(Variable("v", "interval"), codings({"a": [1, "two"], "b": [1, 2]}))
    with pytest.raises(ValueError, match="negative"):
        overall(Variable("v", "ratio"), codings({"a": [1, -2], "b": [1, 2]}))
    with pytest.raises(ValueError, match="not one of"):
        overall(Variable("v", "ordinal", ("low", "high")), codings({"a": ["low", "mid"], "b": ["low", "high"]}))
    with pytest.raises(ValueError, match="not one of"):
        overall(Variable("v", "nominal", ("x", "y")), codings({"a": ["x", "z"], "b": ["x", "y"]}))
    with pytest.raises(ValueError, match="twice"):
        overall(Variable("v"), [Coding("v", 1, "a", 1), Coding("v", 1, "a", 2)])
    with pytest.raises(ValueError, match="needs its values"):
        Variable("v", "ordinal")
    with pytest.raises(ValueError, match="level"):
        Variable("v", "fuzzy")


def test_bootstrap_is_seeded_and_brackets_alpha():
    rows = codings(KRIPPENDORFF_2011)
    a = overall(Variable("v", "interval"), rows, seed=7)
    b = overall(Variable("v", "interval"), rows, seed=7)
    c = overall(Variable("v", "interval"), rows, seed=8)
    assert (a.ci_low, a.ci_high) == (b.ci_low, b.ci_high)
    assert (a.ci_low, a.ci_high) != (c.ci_low, c.ci_high)
    assert a.ci_low <= a.alpha <= a.ci_high <= 1.0
    assert a.resamples == 1000 and a.seed == 7
    assert 0 <= a.below_tentative <= a.below_reliable <= 1
    none = overall(Variable("v", "interval"), rows, bootstrap=0)
    assert none.ci_low is None and none.resamples == 0 and none.seed is None
    assert none.alpha == a.alpha


def test_pairs_of_coders_follow_the_overall_line():
    rows = variable_agreement(Variable("v"), codings(WIKIPEDIA), bootstrap=0)
    assert [r.coders for r in rows] == [("A", "B", "C"), ("A", "B"), ("A", "C"), ("B", "C")]
    # A and B share units 6, 7 and 8 only: 3, 3 / 4, 4 / 1, 3.
    assert rows[1].result.units == 3
    assert rows[1].result.agreement == pytest.approx(2 / 3)
    two = variable_agreement(Variable("v"), codings({"x": [1, 2], "y": [1, 2]}), bootstrap=0)
    assert [r.coders for r in two] == [("x", "y")]


def test_multi_choice_is_one_yes_no_variable_per_option():
    variable = Variable("actors", "multi", ("police", "court", "army"))
    rows = [
        Coding("actors", 1, "ana", {"police", "court"}),
        Coding("actors", 1, "ben", ["police"]),
        Coding("actors", 2, "ana", ()),
        Coding("actors", 2, "ben", {"court"}),
        Coding("actors", 3, "ana", {"police"}),
        Coding("actors", 3, "ben", None),  # left blank: missing, not "none chosen"
    ]
    expanded = {v.name: c for v, c in expand_multi_choice(variable, rows)}
    assert list(expanded) == ["actors: police", "actors: court", "actors: army"]
    police = {(c.unit, c.coder): c.value for c in expanded["actors: police"]}
    assert police == {(1, "ana"): True, (1, "ben"): True, (2, "ana"): False, (2, "ben"): False,
                      (3, "ana"): True, (3, "ben"): None}
    results = {r.subject: r.result for r in variable_agreement(variable, rows, bootstrap=0)}
    assert results["actors: police"].alpha == 1.0
    assert results["actors: police"].units == 2
    assert results["actors: court"].agreement == 0.0
    assert results["actors: army"].alpha is None  # nobody chose it: no variation
    with pytest.raises(ValueError, match="not an option"):
        expand_multi_choice(variable, [Coding("actors", 1, "ana", {"navy"})])
    with pytest.raises(ValueError, match="collection"):
        expand_multi_choice(variable, [Coding("actors", 1, "ana", "police")])


# -- properties ----------------------------------------------------------------------------

values = st.integers(min_value=1, max_value=5)
levels = st.sampled_from(["nominal", "ordinal", "interval", "ratio"])


@st.composite
def reliability_data(draw, min_coders=2):
    n_coders = draw(st.integers(min_value=min_coders, max_value=5))
    n_units = draw(st.integers(min_value=2, max_value=15))
    coders = [f"c{i}" for i in range(n_coders)]
    table = {}
    for unit in range(n_units):
        table[unit] = {c: draw(st.one_of(st.none(), values)) for c in coders}
    return table


def _alpha(table, level):
    return reliability(table, level, values=(1, 2, 3, 4, 5), bootstrap=0).alpha


@settings(max_examples=60, deadline=None)
@given(truth=st.lists(values, min_size=2, max_size=20), n_coders=st.integers(2, 5), level=levels,
       data=st.data())
def test_alpha_is_one_when_coders_agree(truth, n_coders, level, data):
    if len(set(truth)) < 2:
        truth = [*truth, truth[0] % 5 + 1]
    # Some coders skip some units, but every unit keeps two values.
    table = {}
    for unit, value in enumerate(truth):
        skips = data.draw(st.sets(st.integers(0, n_coders - 1), max_size=n_coders - 2))
        table[unit] = {f"c{i}": None if i in skips else value for i in range(n_coders)}
    assert _alpha(table, level) == pytest.approx(1.0)


@settings(max_examples=60, deadline=None)
@given(table=reliability_data(), level=levels, data=st.data())
def test_alpha_does_not_depend_on_coder_or_unit_order(table, level, data):
    coders = sorted({c for coded in table.values() for c in coded})
    renamed = dict(zip(coders, data.draw(st.permutations([f"z{i}" for i in range(len(coders))]))))
    units = data.draw(st.permutations(list(table)))
    shuffled = {u: {renamed[c]: v for c, v in reversed(list(table[u].items()))} for u in units}
    a, b = _alpha(table, level), _alpha(shuffled, level)
    if a is None:
        assert b is None
    else:
        assert b == pytest.approx(a, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(table=reliability_data(), level=levels)
def test_alpha_is_at_most_one_and_defined_exactly_with_variation(table, level):
    result = reliability(table, level, values=(1, 2, 3, 4, 5), bootstrap=0)
    pairable = [[v for v in coded.values() if v is not None] for coded in table.values()]
    pairable = [p for p in pairable if len(p) >= 2]
    varied = len({v for p in pairable for v in p}) >= 2
    assert (result.alpha is not None) == varied
    if result.alpha is not None:
        assert result.alpha <= 1.0 + 1e-12
        assert not math.isnan(result.alpha)
    assert result.units == len(pairable)
    assert result.pairable == sum(len(p) for p in pairable)
