"""Krippendorff's alpha for reliability data, computed by the `krippendorff` package.

This module never computes the coefficient itself: it turns reliability data into
the package's `value_counts` (units x values) and calls `krippendorff.alpha`. What it
adds is what a report needs around the coefficient: which units are pairable, how
many values, the observed percent agreement, a seeded bootstrap interval, and a
plain reason when alpha is undefined instead of a NaN or an exception.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from numbers import Real
from typing import Any

import krippendorff
import numpy as np

from reader.agreement.data import Coding, Unit, Variable

RELIABLE = 0.800
"""Krippendorff's (2004, 241) minimum for relying on a variable."""
TENTATIVE = 0.667
"""His minimum for tentative conclusions; below it, do not rely on the variable."""

DEFAULT_BOOTSTRAP = 1000
"""Resamples for the 95% interval: enough for a stable 2.5th and 97.5th percentile."""

Table = Mapping[Unit, Mapping[str, Any]]
"""Reliability data: unit -> coder -> value (None or absent: missing)."""


@dataclass(frozen=True)
class Reliability:
    """Krippendorff's alpha and what it was computed from.

    `alpha` is None when it is undefined, with the reason in `note`: no unit has
    values from two coders, or every pairable value is the same (no variation, so
    no disagreement could be expected by chance; agreement is then 100% but says
    nothing about reliability). `units` are the pairable units (values from at least
    two coders); units with one value cannot be compared and are left out, as alpha
    prescribes. `pairable` is the number of values in those units. `agreement` is
    the observed percent agreement (a share, 0..1): of all pairs of values within a
    unit, the share that are identical. `ci_low`/`ci_high` are the 2.5th and 97.5th
    percentiles of alpha over `resamples` bootstrap samples (units drawn with
    replacement, seeded by `seed`); None when there are fewer than two pairable
    units (or clusters) or no bootstrap was asked for. `below_tentative` and
    `below_reliable` are the shares of those samples with alpha below 0.667 and
    0.800: Krippendorff's q, the probability of failing to reach that minimum.
    """

    alpha: float | None
    level: str
    units: int
    coders: int
    pairable: int
    agreement: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    resamples: int = 0
    seed: int | None = None
    note: str = ""
    below_tentative: float | None = None
    below_reliable: float | None = None

    @property
    def interval(self) -> tuple[float, float] | None:
        return None if self.ci_low is None or self.ci_high is None else (self.ci_low, self.ci_high)


@dataclass(frozen=True)
class Agreement:
    """One line of a report: alpha for one subject among some coders.

    `kind` is "variable", "tag" or "quotation"; `subject` the variable's name
    ("topic", or "actors: police" for one option of a multi-choice variable), the
    tag's name, or for quotations "is a quotation" / "speaker". `coders` are all the
    coders of the subject (the overall line) or two of them (a pair's line). `unit`
    says what one unit is: "article", "character" or "quotation".
    """

    kind: str
    subject: str
    coders: tuple[str, ...]
    unit: str
    result: Reliability


# -- the core: reliability data -> Reliability ------------------------------------


def reliability(
    table: Table,
    level: str = "nominal",
    *,
    values: Sequence[Any] = (),
    bootstrap: int = DEFAULT_BOOTSTRAP,
    seed: int = 0,
) -> Reliability:
    """Krippendorff's alpha of `table` (unit -> coder -> value) at `level`.

    `level` is "nominal", "ordinal", "interval" or "ratio". `values`: for ordinal,
    every value in order (required); for nominal, the allowed values (optional).
    Raises ValueError for a value the level cannot take (a value outside `values`,
    a non-number for interval or ratio, a negative number for ratio).
    """
    rows = [[v for v in coded.values() if v is not None] for coded in table.values()]
    pairable_units = [(unit, coded) for (unit, coded), r in zip(table.items(), rows) if len(r) >= 2]
    domain, index = _domain(level, [v for r in rows for v in r], values)
    coders = {c for _, coded in pairable_units for c, v in coded.items() if v is not None}
    counts = np.zeros((len(pairable_units), max(len(domain), 1)), dtype=np.int64)
    for i, (_, coded) in enumerate(pairable_units):
        for v in coded.values():
            if v is not None:
                counts[i, index[_key(v)]] += 1
    return _reliability(counts, domain, level, coders=len(coders), bootstrap=bootstrap, seed=seed)


def _reliability(
    counts: np.ndarray,
    domain: Sequence[Any],
    level: str,
    *,
    coders: int,
    bootstrap: int,
    seed: int,
    groups: np.ndarray | None = None,
) -> Reliability:
    """Alpha from `counts` (pairable units x values), with the figures around it.

    `groups` (one cluster id per row) makes the bootstrap draw clusters, not rows:
    for characters, whole articles, because neighbouring characters are not
    independent.
    """
    per_unit = counts.sum(axis=1)
    keep = per_unit >= 2
    if groups is not None:
        groups = groups[keep]
    counts, per_unit = counts[keep], per_unit[keep]
    units, pairable = int(counts.shape[0]), int(per_unit.sum())
    base = {"level": level, "units": units, "coders": coders, "pairable": pairable}
    if units == 0:
        return Reliability(alpha=None, agreement=None, note="no unit has values from two coders", **base)
    agreeing = float((counts * (counts - 1)).sum())
    agreement = agreeing / float((per_unit * (per_unit - 1)).sum())
    used = counts.sum(axis=0) > 0
    if used.sum() < 2:
        only = domain[int(np.flatnonzero(used)[0])] if len(domain) else None
        return Reliability(
            alpha=None,
            agreement=agreement,
            note=f"undefined: every pairable value is {_show(only)} (no variation)",
            **base,
        )
    counts, domain_array = counts[:, used], _domain_array(level, [d for d, u in zip(domain, used) if u])
    value = _alpha(counts, domain_array, level)
    ci_low = ci_high = below_tentative = below_reliable = None
    resamples = 0
    n_clusters = units if groups is None else len(np.unique(groups))
    if bootstrap > 0 and n_clusters >= 2:
        samples = _bootstrap(counts, domain_array, level, bootstrap, seed, groups)
        resamples = len(samples)
        if resamples:
            ci_low, ci_high = (float(x) for x in np.percentile(samples, [2.5, 97.5]))
            below_tentative = sum(x < TENTATIVE for x in samples) / resamples
            below_reliable = sum(x < RELIABLE for x in samples) / resamples
    return Reliability(
        alpha=value,
        agreement=agreement,
        ci_low=ci_low,
        ci_high=ci_high,
        resamples=resamples,
        seed=seed if bootstrap > 0 else None,
        below_tentative=below_tentative,
        below_reliable=below_reliable,
        **base,
    )


def _alpha(counts: np.ndarray, domain: np.ndarray, level: str) -> float | None:
    """The package's alpha, or None where it is 0/0 (a resample with no variation)."""
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            value = float(krippendorff.alpha(value_counts=counts, value_domain=domain, level_of_measurement=level))
        except ValueError:  # fewer than two values, or no pairable unit, in this sample
            return None
    return value if math.isfinite(value) else None


def _bootstrap(
    counts: np.ndarray,
    domain: np.ndarray,
    level: str,
    resamples: int,
    seed: int,
    groups: np.ndarray | None,
) -> list[float]:
    """Alpha over `resamples` samples of units (or of `groups`) drawn with replacement.

    Samples in which alpha is undefined (all values alike) are left out; the count
    of those kept is reported as `Reliability.resamples`.
    """
    rng = np.random.default_rng(seed)
    if groups is None:
        members = None
        n = counts.shape[0]
    else:
        labels, inverse = np.unique(groups, return_inverse=True)
        members = [np.flatnonzero(inverse == i) for i in range(len(labels))]
        n = len(labels)
    out = []
    for _ in range(resamples):
        draw = rng.integers(0, n, size=n)
        rows = draw if members is None else np.concatenate([members[i] for i in draw])
        value = _alpha(counts[rows], domain, level)
        if value is not None:
            out.append(value)
    return out


# -- values and their domain -------------------------------------------------------


def _show(value: Any) -> str:
    """A value as a note shows it: yes/no for booleans."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return repr(value)


def _key(value: Any) -> Hashable:
    """A dict key that keeps True apart from 1 and 1.0 apart from "1"."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, Real):
        return ("number", float(value))
    return (type(value).__name__, value)


def _domain(level: str, seen: Iterable[Any], values: Sequence[Any]) -> tuple[list[Any], dict[Hashable, int]]:
    """The values in the order alpha needs, and each value's column."""
    seen = list(seen)
    if level == "nominal":
        if values:
            allowed = {_key(v) for v in values}
            for v in seen:
                if _key(v) not in allowed:
                    raise ValueError(f"value {v!r} is not one of the variable's values")
            domain = list(values)
        else:
            domain = list({_key(v): v for v in seen}.values())
    elif level == "ordinal":
        if not values:
            raise ValueError("an ordinal variable needs its values in order")
        allowed = {_key(v) for v in values}
        for v in seen:
            if _key(v) not in allowed:
                raise ValueError(f"value {v!r} is not one of the ordinal values {list(values)!r}")
        domain = list(values)
    elif level in ("interval", "ratio"):
        for v in seen:
            if isinstance(v, bool) or not isinstance(v, Real) or not math.isfinite(float(v)):
                raise ValueError(f"value {v!r} is not a number, as {level} values must be")
            if level == "ratio" and v < 0:
                raise ValueError(f"value {v!r} is negative; ratio values are >= 0")
        domain = sorted({float(v) for v in seen})
    else:
        raise ValueError(f"level {level!r} is not nominal, ordinal, interval or ratio")
    return domain, {_key(v): i for i, v in enumerate(domain)}


def _domain_array(level: str, domain: Sequence[Any]) -> np.ndarray:
    """What the package is given as `value_domain`.

    Nominal and ordinal distances depend only on which column a value is in (ordinal
    on the columns' order and marginal counts), so the columns' positions are given;
    interval and ratio distances need the numbers themselves.
    """
    if level in ("interval", "ratio"):
        return np.asarray(domain, dtype=float)
    return np.arange(len(domain))


# -- article variables -------------------------------------------------------------


def coding_table(variable: Variable, codings: Iterable[Coding]) -> dict[Unit, dict[str, Any]]:
    """Reliability data of one variable: unit -> coder -> value, from its codings.

    Raises ValueError when a coder coded a unit twice.
    """
    table: dict[Unit, dict[str, Any]] = {}
    for coding in codings:
        if coding.variable != variable.name:
            continue
        by_coder = table.setdefault(coding.unit, {})
        if coding.coder in by_coder:
            raise ValueError(f"{coding.coder!r} coded {variable.name!r} of unit {coding.unit!r} twice")
        by_coder[coding.coder] = coding.value
    return table


def expand_multi_choice(variable: Variable, codings: Iterable[Coding]) -> list[tuple[Variable, list[Coding]]]:
    """A multi-choice variable as one nominal yes/no variable per option.

    Option variables are named "<variable>: <option>" with values (False, True): a
    coder who coded the unit and chose the option says True, one who coded it and
    did not choose it says False, one who left the variable blank (None) is missing.
    """
    if variable.level != "multi":
        raise ValueError(f"variable {variable.name!r} is {variable.level}, not multi-choice")
    options = {_key(o): o for o in variable.values}
    mine = [c for c in codings if c.variable == variable.name]
    chosen: list[tuple[Coding, set[Hashable] | None]] = []
    for coding in mine:
        if coding.value is None:
            chosen.append((coding, None))
            continue
        if isinstance(coding.value, (str, bytes)) or not isinstance(coding.value, Iterable):
            raise ValueError(f"a multi-choice value is a collection of options, not {coding.value!r}")  # noqa: TRY004 (bad data, like every other)
        picked = {_key(o) for o in coding.value}
        for key in picked - options.keys():
            raise ValueError(f"{key[1]!r} is not an option of {variable.name!r}")
        chosen.append((coding, picked))
    out = []
    for key, option in options.items():
        option_variable = Variable(f"{variable.name}: {option}", "nominal", (False, True))
        out.append(
            (
                option_variable,
                [
                    Coding(option_variable.name, c.unit, c.coder, None if picked is None else key in picked)
                    for c, picked in chosen
                ],
            )
        )
    return out


def scopes(table: Table) -> list[tuple[tuple[str, ...], Table]]:
    """The overall reliability data, then each pair of coders' (when there are three or more).

    With two coders the pair is the whole, so it is listed once.
    """
    coders = sorted({c for coded in table.values() for c, v in coded.items() if v is not None})
    out: list[tuple[tuple[str, ...], Table]] = [(tuple(coders), table)]
    if len(coders) > 2:
        for pair in combinations(coders, 2):
            out.append((pair, {u: {c: coded[c] for c in pair if c in coded} for u, coded in table.items()}))
    return out


def variable_agreement(
    variable: Variable,
    codings: Iterable[Coding],
    *,
    pairwise: bool = True,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    seed: int = 0,
) -> list[Agreement]:
    """Alpha of one article variable at its level, overall and (if `pairwise`) per pair of coders.

    `codings` may hold other variables' codings; they are skipped. A multi-choice
    variable gives one line per option (see `expand_multi_choice`).
    """
    if variable.level == "multi":
        out = []
        for option_variable, option_codings in expand_multi_choice(variable, codings):
            out += variable_agreement(
                option_variable, option_codings, pairwise=pairwise, bootstrap=bootstrap, seed=seed
            )
        return out
    table = coding_table(variable, codings)
    chosen = scopes(table) if pairwise else scopes(table)[:1]
    return [
        Agreement(
            kind="variable",
            subject=variable.name,
            coders=coders,
            unit="article",
            result=reliability(sub, variable.level, values=variable.values, bootstrap=bootstrap, seed=seed),
        )
        for coders, sub in chosen
    ]
