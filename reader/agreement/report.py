"""An agreement report: every figure in one object, as a text table, CSV or JSON,
and the reliability data matrices (units x coders) for R's irr or SPSS's KALPHA.

The thresholds are Krippendorff's (Content Analysis, 2004, 241): rely on variables
with alpha >= 0.800; between 0.667 and 0.800, draw tentative conclusions only;
below 0.667, do not rely on the variable. The table says so next to each figure.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from rich.cells import cell_len

from reader.agreement.alpha import (
    DEFAULT_BOOTSTRAP,
    RELIABLE,
    TENTATIVE,
    Agreement,
    _key,
    coding_table,
    expand_multi_choice,
    variable_agreement,
)
from reader.agreement.data import (
    CodedArticle,
    Coding,
    QuoteDecision,
    Span,
    Unit,
    Variable,
)
from reader.agreement.quotes import IS_QUOTE, SPEAKER, quote_agreement, quote_tables
from reader.agreement.spans import ALL_TAGS, SpanScore, span_scores
from reader.agreement.unitized import tag_agreement
from reader.text.inert import one_line

REPORT_VERSION = 1
"""Bumped when a JSON field or CSV column is renamed or removed (adding one does not)."""


def verdict(alpha: float | None) -> str:
    """"" at or above 0.800; else what the figure falls short of."""
    if alpha is None:
        return "undefined"
    if alpha < TENTATIVE:
        return "below 0.667"
    if alpha < RELIABLE:
        return "below 0.800"
    return ""


@dataclass(frozen=True)
class Report:
    """Everything `build_report` computed, in a fixed order.

    `agreements`: variables (in the order given), then tags, then quotations; each
    subject's overall line first, then its pairs. `span_scores`: pairwise
    precision, recall and F1. `bootstrap`/`tag_bootstrap`: resamples asked for;
    `seed`: the bootstrap's seed.
    """

    agreements: list[Agreement] = field(default_factory=list)
    span_scores: list[SpanScore] = field(default_factory=list)
    bootstrap: int = DEFAULT_BOOTSTRAP
    tag_bootstrap: int = 0
    seed: int = 0

    def of(self, kind: str) -> list[Agreement]:
        return [a for a in self.agreements if a.kind == kind]


def build_report(
    *,
    variables: Sequence[Variable] = (),
    codings: Iterable[Coding] = (),
    articles: Iterable[CodedArticle] = (),
    spans: Iterable[Span] = (),
    decisions: Iterable[QuoteDecision] = (),
    tags: Sequence[str] | None = None,
    pairwise: bool = True,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    tag_bootstrap: int = 0,
    seed: int = 0,
) -> Report:
    """Every figure for a reliability sample.

    `codings` are of `variables`; `articles` and `spans` give the tags (`tags`
    defaults to those used, give the codebook's to list every tag); `decisions`
    the quotations. Parts without data are simply absent from the report.
    """
    codings = list(codings)
    articles = list(articles)
    spans = list(spans)
    agreements: list[Agreement] = []
    for variable in variables:
        agreements += variable_agreement(variable, codings, pairwise=pairwise, bootstrap=bootstrap, seed=seed)
    scores: list[SpanScore] = []
    if articles:
        agreements += tag_agreement(articles, spans, tags=tags, pairwise=pairwise, bootstrap=tag_bootstrap, seed=seed)
        scores = span_scores(articles, spans, tags=tags)
    decisions = list(decisions)
    if decisions:
        agreements += quote_agreement(decisions, pairwise=pairwise, bootstrap=bootstrap, seed=seed)
    return Report(agreements, scores, bootstrap=bootstrap, tag_bootstrap=tag_bootstrap, seed=seed)


def against_reference(
    reference: str,
    *,
    variables: Sequence[Variable] = (),
    codings: Iterable[Coding] = (),
    articles: Iterable[CodedArticle] = (),
    spans: Iterable[Span] = (),
    decisions: Iterable[QuoteDecision] = (),
    tags: Sequence[str] | None = None,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    tag_bootstrap: int = 0,
    seed: int = 0,
) -> Report:
    """Each coder's agreement with a reference layer (the adjudicated one), for coder training.

    The reference is treated as one more coder, but it is never pooled with the coders:
    the report holds one line per (coder, reference) pair and subject, and span scores
    with the reference as A (recall: share of the reference's spans the coder marked).
    """
    codings, articles, spans, decisions = list(codings), list(articles), list(spans), list(decisions)
    everyone = {c.coder for c in codings} | {c for a in articles for c in a.coders} | {d.coder for d in decisions}
    coders = sorted(everyone - {reference})
    agreements: list[Agreement] = []
    scores: list[SpanScore] = []
    for coder in coders:
        pair = {coder, reference}
        part = build_report(
            variables=variables,
            codings=[c for c in codings if c.coder in pair],
            articles=[CodedArticle(a.article_id, a.length, a.coders & pair) for a in articles],
            spans=[s for s in spans if s.coder in pair],
            decisions=[d for d in decisions if d.coder in pair],
            tags=tags,
            pairwise=False,
            bootstrap=bootstrap,
            tag_bootstrap=tag_bootstrap,
            seed=seed,
        )
        agreements += part.agreements
        for s in part.span_scores:
            if s.coder_a != reference:  # put the reference first: it is what the coder is scored against
                s = SpanScore(s.tag, s.coder_b, s.coder_a, s.match, s.articles, s.spans_b, s.spans_a,
                              s.matched_b, s.matched_a, s.recall, s.precision, s.f1)
            scores.append(s)
    kinds = {"variable": 0, "tag": 1, "quotation": 2}
    subjects: dict[tuple[str, str], int] = {}
    for a in agreements:
        subjects.setdefault((a.kind, a.subject), len(subjects))
    agreements.sort(key=lambda a: (kinds[a.kind], subjects[(a.kind, a.subject)]))  # stable: coders stay alphabetical
    scores.sort(key=lambda s: (s.match, s.tag == ALL_TAGS, s.tag))
    return Report(agreements, scores, bootstrap=bootstrap, tag_bootstrap=tag_bootstrap, seed=seed)


# -- rendering: the table -------------------------------------------------------------


def _number(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _interval(low: float | None, high: float | None) -> str:
    return "–" if low is None or high is None else f"[{low:.3f}, {high:.3f}]"


def _coders(coders: Sequence[str]) -> str:
    return " + ".join(coders) if coders else "–"


def _grid(header: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> list[str]:
    """Columns padded to the widest cell (in terminal cells), numbers right-aligned."""
    rows = [[one_line(c) for c in row] for row in rows]
    widths = [max(cell_len(r[i]) for r in [list(header), *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        parts = []
        for i, c in enumerate(cells):
            pad = " " * (widths[i] - cell_len(c))
            parts.append(pad + c if i in right else c + pad)
        return "  ".join(parts).rstrip()

    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]


_ALPHA_HEADER = ("coders", "alpha", "95% interval", "units", "n coders", "values", "agree", "note")


def _alpha_rows(agreements: Sequence[Agreement], first: str) -> tuple[list[str], list[list[str]]]:
    header = [first, "level", *_ALPHA_HEADER]
    rows = []
    for a in agreements:
        r = a.result
        note = "; ".join(x for x in (verdict(r.alpha) if r.alpha is not None else "", r.note) if x)
        rows.append(
            [
                a.subject,
                r.level,
                _coders(a.coders),
                _number(r.alpha),
                _interval(r.ci_low, r.ci_high),
                f"{r.units:,}",
                str(r.coders),
                f"{r.pairable:,}",
                _percent(r.agreement),
                note,
            ]
        )
    return header, rows


def render_table(report: Report) -> str:
    """The report as text for a terminal: one section per kind of figure, flags in the last column."""
    out: list[str] = []
    right = {3, 5, 6, 7, 8}
    sections = (
        ("variable", "variable", "Article variables: Krippendorff's alpha, unit = article"),
        ("tag", "tag", "Span tags: alpha over characters (each character in or out of the tag), unit = character"),
        ("quotation", "quotation", "Quotations: alpha, unit = machine quotation"),
    )
    for kind, first, title in sections:
        rows = report.of(kind)
        if not rows:
            continue
        header, cells = _alpha_rows(rows, first)
        out += [title, "", *_grid(header, cells, right), ""]
    if report.span_scores:
        header = ["tag", "coders (A + B)", "match", "A spans", "B spans", "precision", "recall", "F1"]
        cells = [
            [
                s.tag,
                _coders((s.coder_a, s.coder_b)),
                s.match,
                f"{s.spans_a:,}",
                f"{s.spans_b:,}",
                _number(s.precision),
                _number(s.recall),
                _number(s.f1),
            ]
            for s in report.span_scores
        ]
        out += [
            "Span tags: B's spans against A's (precision = share of B's spans A has, recall = share of A's spans B has)",
            "",
            *_grid(header, cells, {3, 4, 5, 6, 7}),
            "",
        ]
    if not out:
        return "Nothing to compare: no codings, spans or quotation decisions.\n"
    intervals = []
    if any(a.kind != "tag" for a in report.agreements) and report.bootstrap:
        intervals.append(f"{report.bootstrap:,} resamples of units")
    if report.of("tag") and report.tag_bootstrap:
        intervals.append(f"{report.tag_bootstrap:,} resamples of articles for tags")
    out.append(
        "alpha >= 0.800: reliable; below 0.800: tentative conclusions only; below 0.667: do not rely on it. "
        "units: units with values from two or more coders; values: their values; agree: share of identical "
        "pairs of values."
    )
    if intervals:
        out.append(f"95% interval: percentile bootstrap, {', '.join(intervals)}, seed {report.seed}.")
    else:
        out.append("95% interval: not computed (no bootstrap asked for).")
    return "\n".join(out) + "\n"


# -- rendering: CSV and JSON ------------------------------------------------------------

CSV_COLUMNS: tuple[str, ...] = (
    "section",
    "subject",
    "coders",
    "unit",
    "level",
    "alpha",
    "ci_low",
    "ci_high",
    "resamples",
    "units",
    "n_coders",
    "pairable",
    "agreement",
    "flag",
    "note",
    "below_tentative",
    "below_reliable",
    "coder_a",
    "coder_b",
    "match",
    "articles",
    "spans_a",
    "spans_b",
    "matched_a",
    "matched_b",
    "precision",
    "recall",
    "f1",
)
"""One row per figure; "section" is variable, tag, quotation or span (precision/recall/F1).
Cells that do not apply to a row's section are empty. Add columns at the end only."""

_NEEDS_ESCAPE = ("=", "+", "-", "@", "\t", "\r", "'")


def _text_cell(value: str) -> str:
    """A text cell a spreadsheet will not run as a formula (OWASP), as reader's export does."""
    return "'" + value if value.startswith(_NEEDS_ESCAPE) else value


def _agreement_record(a: Agreement) -> dict[str, Any]:
    r = a.result
    return {
        "section": a.kind,
        "subject": a.subject,
        "coders": list(a.coders),
        "unit": a.unit,
        "level": r.level,
        "alpha": r.alpha,
        "ci_low": r.ci_low,
        "ci_high": r.ci_high,
        "resamples": r.resamples,
        "units": r.units,
        "n_coders": r.coders,
        "pairable": r.pairable,
        "agreement": r.agreement,
        "flag": verdict(r.alpha),
        "note": r.note,
        "below_tentative": r.below_tentative,
        "below_reliable": r.below_reliable,
    }


def _score_record(s: SpanScore) -> dict[str, Any]:
    record = {"section": "span", "subject": s.tag, "coders": [s.coder_a, s.coder_b]}
    record.update({k: v for k, v in asdict(s).items() if k != "tag"})
    return record


def records(report: Report) -> list[dict[str, Any]]:
    """Every figure as a flat dict (the rows of the CSV and of the JSON's "figures")."""
    return [*(_agreement_record(a) for a in report.agreements), *(_score_record(s) for s in report.span_scores)]


def render_csv(report: Report) -> str:
    """The report as CSV with `CSV_COLUMNS`; coders joined by " + "."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for record in records(report):
        row = []
        for column in CSV_COLUMNS:
            value = record.get(column)
            if column == "coders":
                value = " + ".join(value)
            if value is None:
                row.append("")
            elif isinstance(value, str):
                row.append(_text_cell(value))
            else:
                row.append(repr(value) if isinstance(value, float) else value)
        writer.writerow(row)
    return buffer.getvalue()


# Characters json.dumps leaves raw that terminals or line-based readers treat as commands or line breaks.
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def to_dict(report: Report) -> dict[str, Any]:
    """The report as plain data (what `render_json` writes)."""
    return {
        "version": REPORT_VERSION,
        "thresholds": {"reliable": RELIABLE, "tentative": TENTATIVE},
        "bootstrap": {"resamples": report.bootstrap, "tag_resamples": report.tag_bootstrap, "seed": report.seed},
        "figures": records(report),
    }


def render_json(report: Report) -> str:
    """The report as indented JSON; no control or bidi character is left raw."""
    text = json.dumps(to_dict(report), ensure_ascii=False, indent=2)
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


# -- reliability data matrices -----------------------------------------------------------


@dataclass(frozen=True)
class Matrix:
    """Reliability data as units x coders, the layout of SPSS's KALPHA and R's irr (transpose for kripp.alpha).

    `cells[i][j]` is coder `coders[j]`'s value for `units[i]`, None if missing.
    `legend` maps each numeric code to the value it stands for when the matrix was
    made with numeric codes (empty otherwise).
    """

    name: str
    level: str
    units: list[Unit]
    coders: list[str]
    cells: list[list[Any]]
    legend: dict[Any, Any] = field(default_factory=dict)


def _sorted(items: Iterable[Any]) -> list[Any]:
    items = list(items)
    try:
        return sorted(items)
    except TypeError:
        return items


def _matrix(name: str, level: str, table: dict[Unit, dict[str, Any]], numeric: bool, order: Sequence[Any]) -> Matrix:
    units = _sorted(table)
    coders = sorted({c for coded in table.values() for c, v in coded.items() if v is not None})
    legend: dict[Any, Any] = {}
    code: dict[Any, Any] = {}
    if numeric and level in ("nominal", "ordinal"):
        seen = {_key(v): v for coded in table.values() for v in coded.values() if v is not None}
        values = list(order) if order else _sorted(seen.values())
        if values and all(isinstance(v, bool) for v in values):
            code = {_key(v): int(v) for v in values}
        else:
            code = {_key(v): i for i, v in enumerate(values, start=1)}
        for key, value in seen.items():
            if key not in code:
                code[key] = len(code) + 1
                values.append(value)
        legend = {code[_key(v)]: v for v in values}
    cells = []
    for unit in units:
        row = []
        for coder in coders:
            value = table[unit].get(coder)
            row.append(None if value is None else code.get(_key(value), value))
        cells.append(row)
    return Matrix(name, level, units, coders, cells, legend)


def variable_matrices(variable: Variable, codings: Iterable[Coding], *, numeric: bool = False) -> list[Matrix]:
    """The reliability data matrix of a variable (of each option, for a multi-choice variable).

    `numeric` replaces nominal and ordinal values by codes (ordinal: ranks 1..k in
    the variable's order; nominal: 1..k in the variable's order, else sorted; yes/no:
    1/0), for software that wants numbers; `Matrix.legend` says what each code means.
    """
    if variable.level == "multi":
        return [
            _matrix(v.name, "nominal", coding_table(v, c), numeric, v.values)
            for v, c in expand_multi_choice(variable, codings)
        ]
    return [_matrix(variable.name, variable.level, coding_table(variable, codings), numeric, variable.values)]


def quotation_matrix(decisions: Iterable[QuoteDecision], subject: str = IS_QUOTE, *, numeric: bool = False) -> Matrix:
    """The reliability data matrix of "is a quotation" (yes/no) or "speaker" (see `reader.agreement.quotes`)."""
    is_quote, speaker = quote_tables(decisions)
    if subject == IS_QUOTE:
        return _matrix(IS_QUOTE, "nominal", is_quote, numeric, (False, True))
    if subject == SPEAKER:
        return _matrix(SPEAKER, "nominal", {u: c for u, c in speaker.items() if c}, numeric, ())
    raise ValueError(f"subject is {IS_QUOTE!r} or {SPEAKER!r}, not {subject!r}")


def _matrix_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        return _text_cell(value)
    return value


def matrix_csv(matrix: Matrix) -> str:
    """A matrix as CSV: a "unit" column, then one column per coder; a missing value is an empty cell.

    R: `d <- read.csv(f); irr::kripp.alpha(t(as.matrix(d[-1])), "nominal")`.
    SPSS: read it with GET DATA, then `KALPHA judges = <coders> /level = 1.`
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["unit", *(_text_cell(c) for c in matrix.coders)])
    for unit, row in zip(matrix.units, matrix.cells):
        writer.writerow([_matrix_cell(unit), *(_matrix_cell(v) for v in row)])
    return buffer.getvalue()


def legend_csv(matrix: Matrix) -> str:
    """What each numeric code of a matrix stands for: "code,value" rows (empty without codes)."""
    if not matrix.legend:
        return ""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["code", "value"])
    for code, value in matrix.legend.items():
        writer.writerow([code, _matrix_cell(value) if not isinstance(value, bool) else str(value).lower()])
    return buffer.getvalue()
