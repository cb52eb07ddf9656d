"""`reader speakers` and `reader quotes`: a person's merges and splits from the command line, the filters, one-line errors."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from reader.cli import cli
from reader.ingest.article import ParsedArticle
from reader.model import Analysis, Decision, Entity, Quote
from reader.store import Store


def _library(tmp_path):
    path = tmp_path / "reader.db"
    store = Store(path)
    said = [("Hillary Clinton", "We will keep working for every family in this country", "2016-10-01", "cnn.com"),
            ("Bill Clinton", "The economy was strong and growing in the nineties", "2016-10-02", "cnn.com"),
            ("Clinton", "Nobody should have to choose between rent and medicine", "2016-10-03", "foxnews.com")]
    for n, (speaker, words, date, outlet) in enumerate(said):
        text = f"Line {n}.\n\n“{words},” {speaker} said."
        start, mention = text.index(words), text.index(speaker, text.index(words) + len(words))
        article_id, _ = store.add_article(
            ParsedArticle(text, f"Story {n}", date=date, source=f"https://www.{outlet}/{n}"),
            Analysis([Entity(mention, mention + len(speaker), "PERSON", speaker, speaker)],
                     [Quote(start, start + len(words), words, speaker, mention, mention + len(speaker), "said",
                            mention, mention + len(speaker))], "test"),
        )
        if n == 0:
            store.set_decision(Decision(article_id, "quote", start, start + len(words), "confirmed", "ann"))
            store.create_annotation(article_id, start, start + 7, "ann", tags=["claim"])
    store.close()
    return path


def _run(path, *args):
    return CliRunner().invoke(cli, [*args, "--db", str(path)])


def _names(path, *args) -> list[tuple[str, int]]:
    result = _run(path, "speakers", "--json", *args)
    assert result.exit_code == 0, result.output
    return [(r["name"], r["quotes"]) for r in map(json.loads, result.output.splitlines())]


def test_merge_into_split_and_undo_from_the_command_line(tmp_path):
    path = _library(tmp_path)
    assert sorted(_names(path)) == [("Bill Clinton", 1), ("Clinton", 1), ("Hillary Clinton", 1)]
    result = _run(path, "speakers", "--merge", "clinton", "--into", "Hillary Clinton", "--user", "ann")
    assert result.exit_code == 0 and result.output.strip() == "'Clinton' is now 'Hillary Clinton': 2 quotations."
    assert sorted(_names(path)) == [("Bill Clinton", 1), ("Hillary Clinton", 2)]
    assert _run(path, "speakers", "--decisions").output.split("\t")[2:] == ["ann", "merge 'Clinton' into 'Hillary Clinton'\n"]
    result = _run(path, "speakers", "--split", "Clinton")
    assert result.exit_code == 0 and "a speaker of their own: 1 quotation" in result.output
    assert sorted(_names(path)) == [("Bill Clinton", 1), ("Clinton", 1), ("Hillary Clinton", 1)]
    assert _run(path, "speakers", "--undo").output.strip() == "Took back the split of 'Clinton'."
    assert sorted(_names(path)) == [("Bill Clinton", 1), ("Hillary Clinton", 2)]
    result = _run(path, "quotes", "--speaker", "Hillary Clinton")
    assert [r["date"] for r in csv.DictReader(io.StringIO(result.output))] == ["2016-10-01", "2016-10-03"]


def test_filters_on_both_commands(tmp_path):
    path = _library(tmp_path)
    assert _names(path, "--outlet", "foxnews.com") == [("Clinton", 1)]
    assert _names(path, "--checked") == [("Hillary Clinton", 1)]
    assert _names(path, "--tag", "claim") == [("Hillary Clinton", 1)]
    assert _names(path, "--until", "2016-10-01") == [("Hillary Clinton", 1)]
    assert sorted(_names(path, "--search", "econ")) == [("Bill Clinton", 1)]
    result = _run(path, "quotes", "--speaker", "Bill Clinton", "--since", "2016-10-02", "--until", "2016-10-02",
                  "--search", "nineties", "--format", "jsonl")
    [row] = [json.loads(line) for line in result.output.splitlines()]
    assert row["sentence"] == "“The economy was strong and growing in the nineties,” Bill Clinton said."
    result = _run(path, "quotes", "--speaker", "Bill Clinton", "--outlet", "foxnews.com")
    assert result.exit_code == 0 and result.output.splitlines()[1:] == []  # the header, no rows


def test_mistakes_are_one_line_and_change_nothing(tmp_path):
    path = _library(tmp_path)
    for args, message in (
        (["speakers", "--merge", "Nobody", "--into", "Bill Clinton"], "no speaker called 'Nobody'"),
        (["speakers", "--merge", "Clinton"], "needs --into"),
        (["speakers", "--merge", "Bill Clinton", "--into", "bill clinton"], "one speaker already"),
        (["speakers", "--split", "Nobody"], "no speaker goes by 'Nobody'"),
        (["speakers", "--undo"], "no merge or split to take back"),
        (["speakers", "--split", "Clinton", "--undo"], "one of --merge/--into, --split, --undo, --decisions"),
        (["speakers", "--tag", "nosuchtag"], "no tag called 'nosuchtag'"),
        (["speakers", "--until", "later"], "--until 'later' is not a date"),
        (["quotes", "--speaker", "Bill Clinton", "--search", "  "], "--search needs words"),
    ):
        result = _run(path, *args)
        assert result.exit_code == 1 and message in result.output and len(result.output.strip().splitlines()) == 1, (args, result.output)
    assert Store(path).speaker_decisions() == []
