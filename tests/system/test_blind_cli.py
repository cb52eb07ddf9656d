"""Blind coding from the command line: what `reader export`, `list`, `search` and `agreement` give a coder
while an assignment is open, and everyone once it is closed."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.cli import cli
from reader.ingest.article import ParsedArticle
from reader.model import Analysis, Decision, Quote
from reader.store import Store

TEXT = 'The mayor spoke. "We will build it," said Mayor Jane Roe on Monday. Critics disagreed.'
START, END = TEXT.index("We will"), TEXT.index(',"')


def run(path: Path, user: str, *args: str):
    return CliRunner().invoke(cli, [*args, "--db", str(path), "--user", user], catch_exceptions=False)


@pytest.fixture
def library(tmp_path) -> tuple[Path, int, int]:
    """Two articles, both annotated, coded and verified by ana and by ben; the first is the sample."""
    path = tmp_path / "reader.db"
    store = Store(path)
    ids = []
    for n in range(2):
        quote = Quote(START, END, TEXT[START:END], speaker="Jane Roe")
        article_id, _ = store.add_article(ParsedArticle(text=f"{TEXT} Article {n}.", title=f"Article {n}"),
                                          Analysis([], [quote], "test"))
        ids.append(article_id)
    store.save_variable("tone", "categorical", values=[("negative", None), ("positive", None)])
    for article_id in ids:
        for coder, tone, speaker in (("ana", "negative", "Ana's speaker"), ("ben", "positive", "Ben's speaker")):
            store.create_annotation(article_id, 4, 9, coder, ["claim"], note=f"{coder}'s private note")
            store.set_code(article_id, "tone", coder, tone)
            store.set_decision(Decision(article_id, "quote", START, END, "corrected", coder, speaker=speaker))
    store.create_assignment(["ana", "ben"], [ids[0]])
    store.close()
    return path, ids[0], ids[1]


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_a_coders_export_during_an_open_assignment_holds_only_their_work_on_the_sample(library):
    path, sample, other = library
    result = run(path, "ben", "export", "--include-highlights")
    assert result.exit_code == 0
    rows = _rows(result.stdout)
    annotations = {(int(r["article_id"]), r["author"]) for r in rows if r["kind"] == "annotation"}
    assert annotations == {(sample, "ben"), (other, "ana"), (other, "ben")}
    assert "ana's private note" not in {r["note"] for r in rows if int(r["article_id"]) == sample}
    speakers = {r["quote_speaker"] for r in rows if r["kind"] == "quote" and int(r["article_id"]) == sample}
    assert speakers == {"Ben's speaker"}  # his correction of the quotation, never ana's
    assert "is open" in result.stderr and "only ben's work" in result.stderr


def test_the_per_article_export_and_a_named_author_reveal_nothing_either(library):
    path, sample, _ = library
    per_article = [json.loads(line) for line in run(path, "ben", "export", "--articles", "--format", "jsonl").stdout.splitlines()]
    assert [(r["article_id"], r["coder"], r["codes"]) for r in per_article if r["article_id"] == sample] == [
        (sample, "ben", {"tone": "positive"})]
    asked = _rows(run(path, "ben", "export", "--author", "ana", "--article", str(sample)).stdout)
    assert asked == []


def test_list_and_search_count_and_find_only_the_coders_own_notes_on_the_sample(library):
    path, sample, other = library
    listed = {r["id"]: r for r in map(json.loads, run(path, "ben", "list", "--json").stdout.splitlines())}
    assert (listed[sample]["annotations"], listed[sample]["notes"]) == (1, 1)
    assert listed[other]["annotations"] == 2
    found = run(path, "ben", "search", "ana's private").stdout
    assert f"article {other}," in found and f"article {sample}," not in found


def test_agreement_is_refused_to_a_coder_while_open_and_everything_shows_once_closed(library):
    path, sample, _ = library
    refused = run(path, "ana", "agreement")
    assert refused.exit_code == 1 and "open assignment" in refused.output and "Traceback" not in refused.output
    assert run(path, "lead", "agreement").exit_code == 0  # someone who does not code it
    assert run(path, "lead", "assign", "--close").exit_code == 0
    after = run(path, "ben", "export")
    assert {r["author"] for r in _rows(after.stdout) if int(r["article_id"]) == sample} == {"ana", "ben"}
    assert "is open" not in after.stderr
    assert run(path, "ana", "agreement").exit_code == 0


def test_the_speaker_index_leaves_the_sample_out_while_coding_is_blind(library):
    """The index's quotations carry every coder's decisions: on the sample they would show ana's to ben."""
    path, sample, other = library
    result = CliRunner().invoke(cli, ["speakers", "--json", "--db", str(path), "--user", "ben"])
    assert result.exit_code == 0
    assert "Blind coding: the speaker index leaves out the open assignment's 1 article" in result.stderr
    blind = {row["name"]: row["quotes"] for row in map(json.loads, result.stdout.splitlines())}
    quotes = CliRunner().invoke(cli, ["quotes", "--speaker", "Ben's speaker", "--format", "jsonl", "--db", str(path),
                                      "--user", "ben"])
    assert {json.loads(line)["article_id"] for line in quotes.stdout.splitlines()} == {other}
    assert run(path, "lead", "assign", "--close").exit_code == 0
    result = CliRunner().invoke(cli, ["speakers", "--json", "--db", str(path), "--user", "ben"])
    assert "Blind coding" not in result.stderr
    after = {row["name"]: row["quotes"] for row in map(json.loads, result.stdout.splitlines())}
    assert sum(after.values()) == sum(blind.values()) + 1  # the sample's quotation is back


def test_the_list_of_disagreements_is_refused_to_a_coder_while_open(library):
    """reader adjudicate --list printed ana's codes, spans and speakers to ben (found by review)."""
    path, _, _ = library
    result = run(path, "ben", "adjudicate", "--list")
    assert result.exit_code == 1
    assert "ben codes in the open assignment" in result.output and "Ana" not in result.output
    assert run(path, "lead", "adjudicate", "--list").exit_code == 0  # someone who does not code it may look
