"""The agreement report (table, CSV, JSON), the reliability data matrices, and import hygiene."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from test_agreement_alpha import KRIPPENDORFF_2011, WIKIPEDIA, codings

from reader.agreement import (
    CodedArticle,
    Coding,
    QuoteDecision,
    Span,
    Variable,
    build_report,
    legend_csv,
    matrix_csv,
    quotation_matrix,
    render_csv,
    render_json,
    render_table,
    variable_agreement,
    variable_matrices,
    verdict,
)
from reader.agreement.report import CSV_COLUMNS

ROOT = Path(__file__).resolve().parents[2]


def sample_report(**kw):
    rows = codings(WIKIPEDIA, "tone")  # alpha 0.691 (nominal): tentative only
    rows += codings({"A": ["x", "y", "x", "y"], "B": ["x", "y", "x", "y"]}, "topic")  # 1.0
    rows += codings({"A": ["x", "y", "x", "y"], "B": ["y", "x", "y", "x"]}, "frame")  # below 0
    rows += codings({"A": ["x", "x"], "B": ["x", "x"]}, "flat")  # undefined
    articles = [CodedArticle(1, 100, {"A", "B"})]
    spans = [Span(1, 10, 30, "claim", "A"), Span(1, 12, 30, "claim", "B")]
    decisions = [QuoteDecision(q, c, q != 3 or c == "A", "X") for q in range(1, 5) for c in ("A", "B")]
    variables = [Variable("tone"), Variable("topic"), Variable("frame"), Variable("flat")]
    return build_report(
        variables=variables, codings=rows, articles=articles, spans=spans, decisions=decisions, pairwise=False, **kw
    )


def test_verdicts():
    assert [verdict(x) for x in (None, 0.5, 0.667, 0.7, 0.8, 1.0)] == [
        "undefined", "below 0.667", "below 0.800", "below 0.800", "", ""]


def test_table_flags_figures_below_the_thresholds():
    table = render_table(sample_report(bootstrap=100))
    lines = {line.split()[0]: line for line in table.splitlines() if line.split()}
    assert "0.691" in lines["tone"] and "below 0.800" in lines["tone"]
    assert "1.000" in lines["topic"] and "below" not in lines["topic"]
    assert "below 0.667" in lines["frame"]
    assert "undefined" in lines["flat"] and "no variation" in lines["flat"]
    assert "claim" in lines and "[" not in lines["claim"]  # no interval for tags unless asked
    for title in ("Article variables", "Span tags: alpha over characters", "Quotations", "precision"):
        assert title in table
    assert "100 resamples of units, seed 0" in table


def test_table_of_nothing():
    assert "Nothing to compare" in render_table(build_report())


def test_csv_has_one_row_per_figure():
    report = sample_report(bootstrap=0)
    rows = list(csv.DictReader(io.StringIO(render_csv(report))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == len(report.agreements) + len(report.span_scores)
    tone = rows[0]
    assert (tone["section"], tone["subject"], tone["coders"], tone["flag"]) == ("variable", "tone", "A + B + C", "below 0.800")
    assert round(float(tone["alpha"]), 3) == 0.691 and tone["ci_low"] == ""
    frame = next(r for r in rows if r["subject"] == "frame")
    assert float(frame["alpha"]) <= 0  # negative numbers stay numbers
    assert {r["section"] for r in rows} == {"variable", "tag", "quotation", "span"}


def test_json_is_the_same_figures():
    report = sample_report(bootstrap=50, seed=4)
    data = json.loads(render_json(report))
    assert data["version"] == 1 and data["thresholds"] == {"reliable": 0.8, "tentative": 0.667}
    assert data["bootstrap"] == {"resamples": 50, "tag_resamples": 0, "seed": 4}
    tone = data["figures"][0]
    assert tone["coders"] == ["A", "B", "C"] and tone["resamples"] == 50
    assert tone["ci_low"] <= tone["alpha"] <= tone["ci_high"]
    assert len(data["figures"]) == len(report.agreements) + len(report.span_scores)


def test_user_text_cannot_reach_the_terminal_or_run_in_a_spreadsheet():
    rows = codings({"=cmd\x1b[2J": ["a", "b"], "ben\u202e": ["a", "b"]}, "topic\x9b")
    report = build_report(variables=[Variable("topic\x9b")], codings=rows, bootstrap=0)
    table = render_table(report)
    assert "\x1b" not in table and "\x9b" not in table and "\u202e" not in table
    text = render_json(report)
    assert "\x9b" not in text and "\u202e" not in text and json.loads(text)["figures"][0]["subject"] == "topic\x9b"
    (row,) = csv.DictReader(io.StringIO(render_csv(report)))
    assert row["coders"].startswith("'=")


@pytest.mark.parametrize(
    "data, variable",
    [
        (WIKIPEDIA, Variable("v", "nominal")),
        (WIKIPEDIA, Variable("v", "interval")),
        (KRIPPENDORFF_2011, Variable("v", "ordinal", (1, 2, 3, 4, 5))),
    ],
)
def test_matrix_csv_gives_the_same_alpha_elsewhere(data, variable):
    rows = codings(data)
    (matrix,) = variable_matrices(variable, rows, numeric=True)
    parsed = list(csv.reader(io.StringIO(matrix_csv(matrix))))
    assert parsed[0] == ["unit", *sorted(data)]
    # What R or SPSS would do with the file: a units x coders table, blanks missing.
    values = np.array([[float(c) if c else np.nan for c in r[1:]] for r in parsed[1:]])
    theirs = krippendorff.alpha(reliability_data=values.T, level_of_measurement=variable.level)
    ours = variable_agreement(variable, rows, pairwise=False, bootstrap=0)[0].result.alpha
    assert theirs == pytest.approx(ours)
    assert len(parsed) - 1 == len({c.unit for c in rows})


def test_matrix_codes_and_legend():
    rows = codings({"ana": ["low", "high", None, "mid"], "ben": ["low", "mid", "high", None]})
    (matrix,) = variable_matrices(Variable("v", "ordinal", ("low", "mid", "high")), rows, numeric=True)
    assert matrix.cells == [[1, 1], [3, 2], [None, 3], [2, None]]
    assert legend_csv(matrix) == "code,value\r\n1,low\r\n2,mid\r\n3,high\r\n"
    (plain,) = variable_matrices(Variable("v", "ordinal", ("low", "mid", "high")), rows)
    assert "high,mid" in matrix_csv(plain) and legend_csv(plain) == ""
    multi = variable_matrices(
        Variable("actors", "multi", ("police", "court")), [Coding("actors", 1, "ana", {"police"}), Coding("actors", 1, "ben", ())]
    )
    assert [m.name for m in multi] == ["actors: police", "actors: court"]
    assert matrix_csv(multi[0]) == "unit,ana,ben\r\n1,1,0\r\n"


def test_quotation_matrices():
    decisions = [QuoteDecision(1, "ana", True, "Sommer"), QuoteDecision(1, "ben", False),
                 QuoteDecision(2, "ana", True, None), QuoteDecision(2, "ben", True, "X")]
    assert matrix_csv(quotation_matrix(decisions)) == "unit,ana,ben\r\n1,1,0\r\n2,1,1\r\n"
    assert matrix_csv(quotation_matrix(decisions, "speaker")) == "unit,ana,ben\r\n1,sommer,\r\n2,(no speaker),x\r\n"
    with pytest.raises(ValueError):
        quotation_matrix(decisions, "tone")


def test_headless_no_textual_no_spacy_no_store():
    code = (
        "import sys, reader.agreement as a; "
        "a.render_table(a.build_report(articles=[a.CodedArticle(1, 5, {'x', 'y'})])); "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'spacy', 'sqlite_utils', 'click') "
        "or m in ('reader.store', 'reader.app', 'reader.cli')); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def worked_example():
    """The worked example of docs/reliability.md."""
    tone = Variable("tone", "ordinal", ("negative", "neutral", "positive"))
    table = {
        ("tone", "ana"): ["negative", "neutral", "neutral", "positive", "negative", "neutral", "positive", "neutral"],
        ("tone", "ben"): ["negative", "neutral", "positive", "positive", "negative", "negative", "positive", None],
        ("topic", "ana"): ["politics", "economy", "crime", "politics", "economy", "crime", "politics", "crime"],
        ("topic", "ben"): ["politics", "economy", "crime", "politics", "politics", "crime", "politics", "crime"],
    }
    rows = [
        Coding(variable, unit, coder, value)
        for (variable, coder), values in table.items()
        for unit, value in enumerate(values, start=1)
        if value is not None
    ]
    articles = [CodedArticle(1, 400, {"ana", "ben"}), CodedArticle(2, 300, {"ana", "ben"}), CodedArticle(3, 250, {"ana"})]
    spans = [
        Span(1, 40, 120, "claim", "ana"), Span(1, 200, 260, "claim", "ana"), Span(1, 48, 120, "claim", "ben"),
        Span(2, 10, 90, "claim", "ana"), Span(2, 10, 90, "claim", "ben"), Span(2, 150, 180, "claim", "ben"),
        Span(3, 0, 50, "claim", "ana"),
    ]
    decisions = [
        QuoteDecision(1, "ana", True, "Mary Sommer"), QuoteDecision(1, "ben", True, "Mary Sommer"),
        QuoteDecision(2, "ana", True, "Alec Baldwin"), QuoteDecision(2, "ben", True, "Baldwin's lawyer"),
        QuoteDecision(3, "ana", False), QuoteDecision(3, "ben", False),
        QuoteDecision(4, "ana", True, None), QuoteDecision(4, "ben", False),
        QuoteDecision(5, "ana", True, "the judge"), QuoteDecision(5, "ben", True, "The judge"),
    ]
    return build_report(variables=[tone, Variable("topic")], codings=rows, articles=articles, spans=spans,
                        decisions=decisions)


def test_the_documented_worked_example_is_what_reader_prints():
    doc = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
    table = render_table(worked_example())
    shown = [line for line in table.splitlines() if line.strip() and not line.startswith(("alpha >=", "95% interval"))]
    for line in shown:
        assert line in doc, line


def test_each_coder_against_the_adjudicated_layer():
    from reader.agreement import against_reference

    rows = codings({"ana": ["a", "b", "a", "b"], "ben": ["a", "b", "b", "a"], "adjudicated": ["a", "b", "a", "b"]}, "v")
    everyone = frozenset({"ana", "ben", "adjudicated"})
    articles = [CodedArticle(1, 100, everyone)]
    spans = [Span(1, 0, 10, "claim", "ana"), Span(1, 0, 10, "claim", "adjudicated"), Span(1, 50, 60, "claim", "ben")]
    report = against_reference("adjudicated", variables=[Variable("v")], codings=rows, articles=articles,
                               spans=spans, bootstrap=0)
    assert [(a.kind, a.subject, a.coders) for a in report.agreements] == [
        ("variable", "v", ("adjudicated", "ana")), ("variable", "v", ("adjudicated", "ben")),
        ("tag", "claim", ("adjudicated", "ana")), ("tag", "claim", ("adjudicated", "ben")),
    ]
    assert report.agreements[0].result.alpha == 1.0 and report.agreements[1].result.alpha < 0.667
    assert {(s.coder_a, s.coder_b, s.f1) for s in report.span_scores if s.match == "exact"} == {
        ("adjudicated", "ana", 1.0), ("adjudicated", "ben", 0.0)}
    assert "adjudicated + ana" in render_table(report)
