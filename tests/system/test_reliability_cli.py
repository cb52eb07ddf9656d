"""Reliability samples and agreement from the command line, on a temporary library made in the test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader import agreement as ag
from reader.cli import cli
from reader.ingest.article import ParsedArticle
from reader.model import Analysis, Decision, Quote
from reader.store import Store

TEXT = 'The mayor spoke at length. "We will build it," said Mayor Jane Roe on Monday. Critics disagreed.'
QUOTE_START = TEXT.index("We will")
QUOTE_END = TEXT.index(',"')


def _library(tmp_path: Path, articles: int = 10) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "reader.db"
    store = Store(path)
    for i in range(articles):
        quote = Quote(
            QUOTE_START, QUOTE_END, TEXT[QUOTE_START:QUOTE_END], speaker="Jane Roe"
        )
        store.add_article(
            ParsedArticle(text=f"{TEXT} Article {i}.", title=f"Article {i}"),
            Analysis(entities=[], quotes=[quote], analyser="test"),
        )
    store.save_variable(
        "tone",
        "categorical",
        values=[("negative", None), ("neutral", None), ("positive", None)],
    )
    store.save_variable(
        "intensity", "ordinal", values=[("low", None), ("mid", None), ("high", None)]
    )
    store.save_variable("comment", "text")
    store.close()
    return path


def run(path: Path, *args: str):
    return CliRunner().invoke(cli, [*args, "--db", str(path)], catch_exceptions=False)


@pytest.fixture
def library(tmp_path) -> Path:
    return _library(tmp_path)


def _assign(path: Path, *extra: str) -> list[int]:
    result = run(
        path, "assign", "--coders", "ana,ben", "--sample", "4", "--seed", "7", *extra
    )
    assert result.exit_code == 0, result.output
    with _closing(Store(path)) as store:
        return list(store.find_open_assignment().article_ids)


class _closing:
    def __init__(self, store: Store):
        self.store = store

    def __enter__(self) -> Store:
        return self.store

    def __exit__(self, *exc: object) -> None:
        self.store.close()


def _code(
    path: Path,
    values: dict[str, list[str | None]],
    coders: tuple[str, ...] = ("ana", "ben"),
) -> None:
    """values[coder][i]: the tone that coder gives the i-th assigned article (None: not coded)."""
    with _closing(Store(path)) as store:
        ids = store.find_open_assignment().article_ids
        for coder in coders:
            for article_id, tone in zip(ids, values[coder]):
                if tone is not None:
                    store.set_code(article_id, "tone", coder, tone)


def _alpha(path: Path, subject: str) -> dict:
    result = run(path, "agreement", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    rows = [
        r
        for r in report["figures"]
        if r["subject"] == subject and r["section"] == "variable"
    ]
    assert rows, report
    return rows[0]


def test_the_sample_is_reproducible_with_a_seed(tmp_path):
    first = _library(tmp_path / "a")
    second = _library(tmp_path / "b")
    assert _assign(first) == _assign(second)
    with _closing(Store(first)) as store:
        assignment = store.find_open_assignment()
        assert (
            assignment.coders == ("ana", "ben")
            and assignment.seed == 7
            and len(assignment.article_ids) == 4
        )


def test_a_share_of_the_library(library):
    result = run(
        library, "assign", "--coders", "ana,ben", "--sample", "20%", "--seed", "1"
    )
    assert result.exit_code == 0, result.output
    assert "2 articles" in result.output


def test_an_open_assignment_is_refused_until_closed(library):
    _assign(library)
    again = run(library, "assign", "--coders", "ana,ben", "--sample", "3")
    assert again.exit_code == 1 and "close it first" in again.output
    replaced = run(
        library,
        "assign",
        "--close",
        "--coders",
        "ana,cy",
        "--sample",
        "3",
        "--seed",
        "2",
    )
    assert replaced.exit_code == 0, replaced.output
    assert "closed" in replaced.output
    with _closing(Store(library)) as store:
        assert [a.is_open for a in store.assignments()] == [False, True]
        assert store.find_open_assignment().coders == ("ana", "cy")
        assert store.assigned("ben") == [] and len(store.assigned("cy")) == 3
    bad = run(library, "assign", "--close", "--coders", "ana,ben", "--sample", "999")
    assert bad.exit_code == 1  # a bad new sample closes nothing
    with _closing(Store(library)) as store:
        assert store.find_open_assignment() is not None
    closed = run(library, "assign", "--close")
    assert closed.exit_code == 0 and "closed" in closed.output
    nothing = run(library, "assign", "--close")
    assert nothing.exit_code == 1 and nothing.output.count("\n") == 1


def test_list_counts_what_each_coder_has_coded(library):
    ids = _assign(library)
    with _closing(Store(library)) as store:
        store.set_code(ids[0], "tone", "ana", "neutral")
        store.create_annotation(ids[1], 0, 9, "ana", tags=["claim"])
        store.set_decision(
            Decision(ids[2], "quote", QUOTE_START, QUOTE_END, "confirmed", "ben")
        )
        store.set_code(ids[3], "tone", "cy", "neutral")  # not a coder of the sample
    result = run(library, "assign", "--list")
    assert result.exit_code == 0, result.output
    assert "  ana  2 of 4 coded" in result.output
    assert "  ben  1 of 4 coded" in result.output
    assert "cy" not in result.output.split("\n", 1)[1]


def test_coders_who_agree_perfectly_have_alpha_one(library):
    _assign(library)
    _code(
        library,
        {
            "ana": ["negative", "neutral", "positive", "neutral"],
            "ben": ["negative", "neutral", "positive", "neutral"],
        },
    )
    assert _alpha(library, "tone")["alpha"] == pytest.approx(1.0)


def test_no_variation_is_undefined_not_one(library):
    _assign(library)
    _code(library, {"ana": ["neutral"] * 4, "ben": ["neutral"] * 4})
    row = _alpha(library, "tone")
    assert row["alpha"] is None
    table = run(library, "agreement")
    assert table.exit_code == 0 and "undefined" in table.output


def test_disagreement_lowers_alpha_and_the_table_flags_it(library):
    _assign(library)
    _code(
        library,
        {
            "ana": ["negative", "neutral", "positive", "neutral"],
            "ben": ["negative", "positive", "negative", "neutral"],
        },
    )
    assert _alpha(library, "tone")["alpha"] < 0.667
    table = run(library, "agreement")
    assert "below 0.667" in table.output
    assert (
        "comment" in table.output and "text" in table.output
    )  # the text variable is said to be skipped


def test_a_coder_missing_an_article_is_missing_not_disagreement(library):
    _assign(library)
    _code(
        library,
        {
            "ana": ["negative", "neutral", "positive", "neutral"],
            "ben": ["negative", "neutral", "positive", None],
        },
    )
    row = _alpha(library, "tone")
    assert row["alpha"] == pytest.approx(1.0)
    assert row["units"] == 3


def test_spans_and_quotations_come_from_the_store(library):
    ids = _assign(library)
    with _closing(Store(library)) as store:
        for article_id in ids:
            for coder in ("ana", "ben"):
                store.create_annotation(article_id, 0, 9, coder, tags=["claim"])
                store.set_decision(
                    Decision(
                        article_id, "quote", QUOTE_START, QUOTE_END, "confirmed", coder
                    )
                )
        store.set_decision(
            Decision(ids[0], "quote", QUOTE_START, QUOTE_END, "rejected", "ben")
        )
        # ana keeps the machine's speaker (Jane Roe), ben names her the same way in other words
        store.set_decision(
            Decision(
                ids[1],
                "quote",
                QUOTE_START,
                QUOTE_END,
                "corrected",
                "ben",
                speaker="jane  ROE",
            )
        )
    result = run(library, "agreement", "--format", "json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)["figures"]
    assert {"tag", "quotation", "span"} <= {r["section"] for r in figures}
    claim = next(
        r for r in figures if r["section"] == "tag" and r["subject"] == "claim"
    )
    assert claim["alpha"] == pytest.approx(1.0)
    is_quote, speaker = (
        next(r for r in figures if r["section"] == "quotation" and r["subject"] == s)
        for s in (ag.IS_QUOTE, ag.SPEAKER)
    )
    assert is_quote["units"] == 4 and is_quote["agreement"] == pytest.approx(
        0.75
    )  # ben rejected one
    assert speaker["units"] == 3 and speaker["agreement"] == pytest.approx(
        1.0
    )  # only where both say "a quotation"


def test_the_matrix_of_a_variable(library, tmp_path):
    _assign(library)
    _code(
        library,
        {
            "ana": ["negative", "neutral", "positive", "neutral"],
            "ben": ["negative", None, "positive", "neutral"],
        },
    )
    out = tmp_path / "tone.csv"
    result = run(library, "agreement", "--matrix", "tone", "-o", str(out))
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    assert (
        lines[0] == "unit,ana,ben"
        and len(lines) == 5
        and lines[2].endswith(",neutral,")
    )


@pytest.mark.parametrize(
    "args",
    [
        ("agreement",),  # no assignment yet
        ("agreement", "--matrix", "nothing", "-o", "x.csv"),
        ("assign", "--coders", "ana", "--sample", "2"),
        ("assign", "--coders", "ana,ben", "--sample", "200"),
        ("assign", "--coders", "ana,ben", "--sample", "0%"),
        ("assign", "--coders", "ana,ben", "--sample", "many"),
        ("assign", "--coders", "ana,ben"),
        ("assign", "--list"),
        ("assign", "--list", "--close"),
        ("assign", "--close", "--coders", "ana,ben", "--sample", "-3"),
        ("assign",),
    ],
)
def test_bad_input_is_one_line(library, args):
    result = run(library, *args)
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and result.output.startswith("reader: "), (
        result.output
    )


def test_multi_choice_and_number_variables(library, tmp_path):
    ids = _assign(library)
    with _closing(Store(library)) as store:
        store.save_variable(
            "topics", "multi", values=[("economy", None), ("crime", None)]
        )
        store.save_variable("sources", "number")
        for i, article_id in enumerate(ids):
            for coder in ("ana", "ben"):
                store.set_code(
                    article_id,
                    "topics",
                    coder,
                    ["economy"] if i % 2 else ["economy", "crime"],
                )
                store.set_code(
                    article_id,
                    "sources",
                    coder,
                    i + (0.5 if coder == "ben" and i == 3 else 0),
                )
    figures = json.loads(run(library, "agreement", "--format", "json").stdout)[
        "figures"
    ]
    by_subject = {r["subject"]: r for r in figures if r["section"] == "variable"}
    assert by_subject["topics: crime"]["alpha"] == pytest.approx(1.0)
    assert (
        by_subject["sources"]["level"] == "interval"
        and 0.9 < by_subject["sources"]["alpha"] < 1.0
    )
    whole = run(
        library, "agreement", "--matrix", "topics", "-o", str(tmp_path / "t.csv")
    )
    assert (
        whole.exit_code == 1
        and "name one option" in whole.output
        and whole.output.count("\n") == 1
    )
    option = run(
        library, "agreement", "--matrix", "Topics: crime", "-o", str(tmp_path / "t.csv")
    )
    assert option.exit_code == 0, option.output
    assert (tmp_path / "t.csv").read_text().splitlines()[0] == "unit,ana,ben"


def test_the_table_names_the_assignment_and_the_store_reader_is_headless(library):
    import subprocess
    import sys

    _assign(library)
    run(library, "assign", "--close")
    table = run(library, "agreement")  # the last assignment, once closed
    assert table.exit_code == 0, table.output
    assert (
        table.stdout.startswith("Assignment 'sample ")
        and "(closed): 4 articles, coders ana, ben" in table.stdout
    )
    code = "import sys, reader.reliability; sys.exit(any(m.startswith('textual') for m in sys.modules))"
    assert (
        subprocess.run(
            [sys.executable, "-c", code], check=False, timeout=120
        ).returncode
        == 0
    )


def test_a_new_sample_is_fresh_articles_and_an_earlier_one_is_still_reachable(library):
    """A pilot round, then the study's round: the second draws articles of no earlier sample (their adjudicated
    layers stay apart), and agreement and adjudication reach the pilot by name (found by review)."""
    pilot = _assign(library, "--name", "pilot")
    _code(library, {"ana": ["negative"] * 4, "ben": ["negative", "negative", "positive", "positive"]})
    assert run(library, "assign", "--close").exit_code == 0
    study = _assign(library, "--name", "study")
    assert not set(pilot) & set(study)
    _code(library, {"ana": ["neutral"] * 4, "ben": ["neutral"] * 4})
    assert run(library, "assign", "--close").exit_code == 0
    last = json.loads(run(library, "agreement", "--format", "json").stdout)
    earlier = json.loads(run(library, "agreement", "--format", "json", "--assignment", "pilot").stdout)
    agree = {name: next(r["agreement"] for r in report["figures"] if r["subject"] == "tone")
             for name, report in (("study", last), ("pilot", earlier))}
    assert agree == {"study": 1.0, "pilot": 0.5}
    listed = run(library, "adjudicate", "--list", "--assignment", "pilot", "--user", "carol")
    assert listed.exit_code == 0 and "2 disagreements" in listed.output
    assert run(library, "assign", "--list", "--assignment", "pilot").stdout.startswith("pilot (closed")
    missing = CliRunner().invoke(cli, ["agreement", "--assignment", "nope", "--db", str(library)])
    assert missing.exit_code == 1 and "no assignment 'nope' (the last: 'pilot', 'study'" in missing.output
    too_many = CliRunner().invoke(cli, ["assign", "--coders", "ana,ben", "--sample", "3", "--db", str(library)])
    assert too_many.exit_code == 1 and "only 2 of the library's 10 are in no earlier sample" in too_many.output
