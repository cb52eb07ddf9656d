"""Adjudication from the command line: `reader adjudicate --list`, its refusals, `reader agreement --against
adjudicated` (table, CSV, JSON), and the adjudicated layer in `reader export --author adjudicated` and `--articles`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader import adjudication as adj
from reader.cli import cli
from reader.ingest.article import ParsedArticle
from reader.model import ADJUDICATED, Analysis
from reader.store import Store

TEXT = "The mayor said the bridge would reopen in May. Critics were not convinced by the promise at all."
PAIR = ("ana", "ben")


def run(path: Path, *args: str, user: str = "carol"):
    return CliRunner().invoke(cli, [*args, "--db", str(path), "--user", user])


def mark(store, article_id, coder, phrase, *tags):
    start = TEXT.index(phrase)
    store.create_annotation(article_id, start, start + len(phrase), coder, tags)


@pytest.fixture
def library(tmp_path) -> Path:
    """Two articles coded by ana and ben: tone differs on the first; 'Critics' agreed; 'the promise' ana's only."""
    path = tmp_path / "reader.db"
    store = Store(path)
    ids = [store.add_article(ParsedArticle(text=f"{TEXT} Part {i}.", title=f"Part {i}"), Analysis([], [], "test"))[0]
           for i in range(2)]
    store.save_variable("tone", "categorical", values=[("negative", None), ("neutral", None)])
    for article_id in ids:
        for coder in PAIR:
            store.set_code(article_id, "tone", coder, "negative" if coder == "ana" or article_id != ids[0] else "neutral")
            mark(store, article_id, coder, "Critics", "actor")
        mark(store, article_id, "ana", "the promise", "framing")
    store.create_assignment(PAIR, ids, name="pilot", seed=3)
    store.close()
    return path


def test_refused_while_the_assignment_is_open_then_listed_once_closed(library):
    result = run(library, "adjudicate")
    assert result.exit_code == 1 and "is open: close it first (reader assign --close)" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert run(library, "assign", "--close").exit_code == 0
    result = run(library, "adjudicate", "--list")
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3  # tone on the first article; 'the promise' on both
    assert "variable:tone  different values  |  ana: negative  |  ben: neutral  |  not settled" in lines[0]
    assert all("only ana marked" in line for line in lines[1:])
    assert "3 disagreements between ana and ben, 3 not settled" in result.stderr
    bad = run(library, "adjudicate", "--coders", "ana,zoe")
    assert bad.exit_code == 1 and "'zoe' is not a coder of assignment 'pilot'" in bad.output


def _adjudicate(path: Path) -> None:
    """What the screen does: agreed items copied, then ben's tone, ana's span on the first article only."""
    store = Store(path)
    assignment = store.find_last_assignment()
    adj.settle_agreed(store, assignment, PAIR, "carol")
    items = adj.items(store, assignment, PAIR)
    adj.settle(store, assignment.id, items[0], "b", "carol")  # tone: neutral
    adj.settle(store, assignment.id, items[1], "a", "carol")  # the promise, first article
    store.close()


def test_agreement_against_the_adjudicated_layer(library):
    assert run(library, "assign", "--close").exit_code == 0
    result = run(library, "agreement", "--against", "adjudicated")
    assert result.exit_code == 1 and "nothing of assignment 'pilot' is adjudicated yet (reader adjudicate)" in result.output
    _adjudicate(library)
    table = run(library, "agreement", "--against", "adjudicated")
    assert table.exit_code == 0, table.output
    assert "2 of 2 articles adjudicated, 1 disagreement not settled yet" in table.output
    rows = list(csv.DictReader(io.StringIO(run(library, "agreement", "--against", "adjudicated", "--format", "csv").stdout)))
    tone = {r["coders"]: r for r in rows if r["section"] == "variable"}
    assert set(tone) == {"adjudicated + ana", "adjudicated + ben"}  # each coder against the layer, never pooled
    assert float(tone["adjudicated + ben"]["agreement"]) == 1.0
    assert float(tone["adjudicated + ana"]["agreement"]) == 0.5
    figures = json.loads(run(library, "agreement", "--against", "adjudicated", "--format", "json").stdout)["figures"]
    framing = [f for f in figures if f["section"] == "span" and f["subject"] == "framing" and f["match"] == "exact"]
    assert {tuple(f["coders"]): f["recall"] for f in framing} == {("adjudicated", "ana"): 1.0, ("adjudicated", "ben"): 0.0}
    plain = run(library, "agreement", "--format", "csv").stdout  # the coders' own agreement leaves the layer out
    assert "adjudicated" not in plain
    both = run(library, "agreement", "--against", "adjudicated", "--matrix", "tone", "-o", str(library.parent / "m.csv"))
    assert both.exit_code == 1 and "leave out --against" in both.output


def test_the_layer_is_exported_by_author_and_per_article(library):
    assert run(library, "assign", "--close").exit_code == 0
    _adjudicate(library)
    rows = list(csv.DictReader(io.StringIO(run(library, "export", "--author", ADJUDICATED).stdout)))
    assert {r["author"] for r in rows} == {ADJUDICATED}
    assert sorted((r["article_id"], r["text"], r["tags"]) for r in rows) == [
        ("1", "Critics", "actor"), ("1", "the promise", "framing"), ("2", "Critics", "actor")]
    articles = list(csv.DictReader(io.StringIO(run(library, "export", "--articles").stdout)))
    layer = {r["article_id"]: r["tone"] for r in articles if r["coder"] == ADJUDICATED}
    assert layer == {"1": "neutral", "2": "negative"}  # settled on the first, agreed (copied) on the second
    only = list(csv.DictReader(io.StringIO(run(library, "export", "--articles", "--author", ADJUDICATED).stdout)))
    assert {r["coder"] for r in only} == {ADJUDICATED}


def test_against_a_coder_compares_the_others_with_them(library):
    """--against names any layer: against a coder of the sample, the other coder is compared with them."""
    result = run(library, "agreement", "--against", "ana", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["coders"], r["units"]) for r in rows if r["section"] == "variable"] == [("ana + ben", "2")]
    actor = [r for r in rows if r["section"] == "tag" and r["subject"] == "actor"]
    assert [(r["coders"], r["n_coders"]) for r in actor] == [("ana + ben", "2")]  # ana codes every article (none adjudicated)
    assert float(actor[0]["alpha"]) == 1.0


def test_the_reader_is_not_opened_as_the_adjudicated_layer(tmp_path):
    """Edits made as 'adjudicated' in the reader would change the gold layer with no record of who did it."""
    from click.testing import CliRunner

    from reader.cli import cli

    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "r.db"), "--user", "adjudicated"])
    assert result.exit_code == 1
    assert "is the adjudicated layer's name, not a person" in result.output
