"""The speaker index (reader/speakers.py): names merged across articles, repeated quotations grouped."""

from __future__ import annotations

from reader.model import Article, Decision, Entity, Quote
from reader.speakers import appearances, build_index, find_speaker, group_repeats, name_words, outlet_of, repeats_of


def _article(article_id, speaker, words="We will win this election together", date="2016-10-01", source=None,
             names=(), label="PERSON", mention=None, outlet_source="https://www.example.com/a"):
    mention = mention if mention is not None else speaker or ""
    text = f"“{words},” {mention} said."
    start, end = 1, 1 + len(words)
    m_start = text.index(mention) if mention else None
    entities = []
    if mention and label:
        entities.append(Entity(m_start, m_start + len(mention), label, mention, speaker))
    tail = ""
    for name in names:
        tail += f" {name} was there."
    text += tail
    for name in names:
        i = text.index(name, end + 3)
        entities.append(Entity(i, i + len(name), "PERSON", name, name))
    quote = Quote(start, end, words, speaker, m_start, m_start + len(mention) if mention else None, "said",
                  m_start, m_start + len(mention) if mention else None)
    return Article(article_id, f"Article {article_id}", text, date=date, source=source or outlet_source,
                   entities=entities, quotes=[quote])


def _index(*articles, decisions=None):
    items = []
    for article in articles:
        items.extend(appearances(article, (decisions or {}).get(article.id, ())))
    return build_index(items), items


def test_titles_and_possessives_are_not_the_name():
    assert name_words("Mrs. Clinton's") == ["Clinton"]
    assert name_words("Sen. Elizabeth Warren") == ["Elizabeth", "Warren"]
    assert name_words("President") == ["President"]


def test_the_clinton_case():
    speakers, _ = _index(
        _article(1, "Hillary Clinton", words="one two three four five"),
        _article(2, "Hillary Clinton", words="six seven eight nine ten"),
        _article(3, "Hillary Rodham Clinton", words="a b c d e f"),
        _article(4, "Mrs. Clinton", mention="Mrs. Clinton", words="g h i j k l"),
        _article(5, "Clinton", words="m n o p q r", names=("Hillary Clinton",)),
        _article(6, "Bill Clinton", words="s t u v w x"),
        _article(7, "Mr. Bill Clinton", mention="Mr. Bill Clinton", words="y z aa bb cc"),
    )
    hillary = find_speaker(speakers, "Hillary Clinton")
    assert hillary is not None and hillary.kind == "person"
    assert sorted(q.article_id for q in hillary.quotes) == [1, 2, 3, 4, 5]  # "Mrs.": not Bill, titled "Mr." elsewhere
    bill = find_speaker(speakers, "Bill Clinton")
    assert sorted(q.article_id for q in bill.quotes) == [6, 7]
    assert find_speaker(speakers, "Hillary Rodham Clinton") is hillary  # a variant finds its speaker


def test_a_short_form_that_could_be_either_stays_apart():
    speakers, _ = _index(_article(1, "Hillary Clinton"), _article(2, "Bill Clinton"), _article(3, "Clinton"))
    assert sorted(s.name for s in speakers) == ["Bill Clinton", "Clinton", "Hillary Clinton"]


def test_a_short_form_joins_the_only_full_name():
    speakers, _ = _index(_article(1, "Hillary Clinton"), _article(2, "Clinton"), _article(3, "Mrs. Clinton", mention="Mrs. Clinton"))
    assert [(s.name, len(s.quotes), s.articles) for s in speakers] == [("Hillary Clinton", 3, 3)]


def test_kinds_counts_outlets_dates_and_unverified():
    speakers, _ = _index(
        _article(1, "Reuters", label="ORG", date="2016-10-02", outlet_source="https://www.nytimes.com/x"),
        _article(2, "Reuters", label="ORG", date="2016-09-30", outlet_source="https://bbc.co.uk/y"),
        _article(3, None, mention="a spokesperson", label=None),
        decisions={1: [Decision(1, "quote", 1, 35, "confirmed", "ann")]},
    )
    reuters = find_speaker(speakers, "Reuters")
    assert reuters.kind == "organisation"
    assert reuters.summary()["outlets"] == 2 and reuters.outlets == ["bbc.co.uk", "nytimes.com"]
    assert (reuters.first, reuters.last) == ("2016-09-30", "2016-10-02")
    assert reuters.unverified == 0.5
    unnamed = find_speaker(speakers, "a spokesperson")
    assert unnamed.kind == "unnamed"


def test_outlet_from_the_import_else_the_domain():
    assert outlet_of("https://www.theguardian.com/a", None) == "theguardian.com"
    assert outlet_of("https://www.theguardian.com/a", "The Guardian") == "The Guardian"
    assert outlet_of("/tmp/a.txt", None) is None


def test_the_corrected_speaker_wins_over_the_machines():
    article = _article(1, "Donald Trump")
    decision = Decision(1, "quote", 1, 1 + len("We will win this election together"), "corrected", "ann", speaker="Mike Pence")
    speakers, _ = _index(article, decisions={1: [decision]})
    assert [(s.name, s.quotes[0].status) for s in speakers] == [("Mike Pence", "corrected")]
    rejected = Decision(1, "quote", 1, 1 + len("We will win this election together"), "rejected", "ann")
    assert _index(article, decisions={1: [rejected]})[0] == []


def test_repeated_quotations_are_grouped_earliest_first():
    words = "The economy is stronger than it has ever been"
    speakers, items = _index(
        _article(1, "Donald Trump", words=words, date="2017-01-05", outlet_source="https://cnn.com/a"),
        _article(2, "Donald Trump", words=words + ".", date="2017-01-03", outlet_source="https://foxnews.com/a"),
        _article(3, "Donald Trump", words="The economy is stronger than it has ever been!!", date="2017-01-09",
                 outlet_source="https://nbcnews.com/a"),
        _article(4, "Donald Trump", words="Something else altogether was said here", date="2017-01-01"),
        _article(5, "Donald Trump", words="fake news", date="2017-01-01"),
        _article(6, "Donald Trump", words="fake news", date="2017-01-02"),
    )
    repeats = group_repeats(items)
    assert len(repeats) == 1
    assert [a.article_id for a in repeats[0].appearances] == [2, 1, 3]
    assert repeats[0].earliest.outlet == "foxnews.com"
    assert repeats[0].repeated_by == ["cnn.com", "nbcnews.com"]
    assert repeats_of(speakers[0], repeats) == repeats


def test_near_identical_wording_groups_but_a_different_sentence_does_not():
    a = _article(1, "X Y", words="We are going to build a great wall on the border")
    b = _article(2, "X Y", words="We're going to build a great wall on the border")
    c = _article(3, "X Y", words="We are going to build a great bridge over the river")
    _, items = _index(a, b, c)
    repeats = group_repeats(items)
    assert [[x.article_id for x in r.appearances] for r in repeats] == [[1, 2]]


def _library(tmp_path):
    from reader.ingest.article import ParsedArticle
    from reader.model import Analysis
    from reader.store import Store

    path = tmp_path / "lib.db"
    store = Store(path)
    ids = []
    for n, (speaker, date, meta, source) in enumerate([
        ("Hillary Clinton", "2016-10-01", {"outlet": "The Times", "external_id": "t-1"}, None),
        ("Mrs. Clinton", "2016-10-03", {}, "https://www.cnn.com/x"),
        ("Mr. Bill Clinton", "2016-10-02", {}, "https://www.cnn.com/y"),  # titled a man: "Mrs. Clinton" is not him
    ]):
        words = f"=We said it {n} times over and over"
        text = f"“{words},” {speaker} said."
        i = text.index(speaker)
        quote = Quote(1, 1 + len(words), words, speaker, i, i + len(speaker), "said", i, i + len(speaker))
        entity = Entity(i, i + len(speaker), "PERSON", speaker, speaker)
        article_id, _ = store.add_article(ParsedArticle(text, f"Article {n}", date=date, source=source, meta=meta),
                                          Analysis([entity], [quote], "test"))
        ids.append(article_id)
    store.set_decision(Decision(ids[0], "quote", 1, 1 + len("=We said it 0 times over and over"), "confirmed", "ann"))
    store.close()
    return path, ids


def test_store_appearances_and_the_cli(tmp_path):
    import csv
    import io
    import json

    from click.testing import CliRunner

    from reader.cli import cli
    from reader.speakers import store_appearances
    from reader.store import Store

    path, ids = _library(tmp_path)
    store = Store(path)
    speakers = build_index(store_appearances(store))
    store.close()
    hillary = find_speaker(speakers, "Hillary Clinton")
    assert [q.article_id for q in hillary.quotes] == [ids[0], ids[1]]
    assert hillary.outlets == ["The Times", "cnn.com"] and hillary.unverified == 0.5

    result = CliRunner().invoke(cli, ["speakers", "--json", "--db", str(path)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [(r["name"], r["quotes"], r["articles"], r["first"], r["last"]) for r in rows] == [
        ("Hillary Clinton", 2, 2, "2016-10-01", "2016-10-03"), ("Bill Clinton", 1, 1, "2016-10-02", "2016-10-02")]
    table = CliRunner().invoke(cli, ["speakers", "--db", str(path)])
    assert table.exit_code == 0 and table.output.splitlines()[0].split("\t")[0] == "Hillary Clinton"

    result = CliRunner().invoke(cli, ["quotes", "--speaker", "mrs. clinton", "--db", str(path)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["external_id"], r["outlet"], r["status"], r["source"], r["cue"]) for r in rows] == [
        ("t-1", "The Times", "confirmed", "Hillary Clinton", "said"), ("", "cnn.com", "machine", "Mrs. Clinton", "said")]
    assert rows[0]["quotation"].startswith("'=We said it")  # formula-safe
    result = CliRunner().invoke(cli, ["quotes", "--speaker", "Hillary Clinton", "--since", "2016-10-02",
                                      "--format", "jsonl", "--db", str(path)])
    assert [json.loads(line)["article_id"] for line in result.output.splitlines()] == [ids[1]]


def test_quotes_errors_are_one_line(tmp_path):
    from click.testing import CliRunner

    from reader.cli import cli

    path, _ = _library(tmp_path)
    for args, message in ((["--speaker", "Nobody"], "no speaker called 'Nobody'"),
                          (["--speaker", "Bill Clinton", "--since", "soon"], "is not a date")):
        result = CliRunner().invoke(cli, ["quotes", *args, "--db", str(path)])
        assert result.exit_code == 1 and message in result.output and len(result.output.strip().splitlines()) == 1
    result = CliRunner().invoke(cli, ["speakers", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1


def test_a_full_name_ending_with_a_more_quoted_full_name_is_them():
    speakers, _ = _index(_article(1, "Hillary Clinton"), _article(2, "Hillary Clinton"), _article(3, "Crooked Hillary Clinton"),
                         _article(4, "Bill de Blasio"))
    assert sorted((s.name, len(s.quotes)) for s in speakers) == [("Bill de Blasio", 1), ("Hillary Clinton", 3)]


def test_the_outlet_a_file_name_starts_with():
    assert outlet_of("/corpus/text/breitbart_2016-09-12_stealth-over-health.txt") == "breitbart"
    assert outlet_of("/corpus/notes.txt") is None


def test_the_sentence_around_a_quotation_keeps_its_attribution_and_a_titles_full_stop():
    from reader.speakers import sentence_around

    text = "Line 1.\n\nIt rained. Then “We will win.” she said. Mrs. Clinton said: “=We said it,” Mrs. Clinton said. After."
    i = text.index("We will")
    assert sentence_around(text, i, i + 12) == "Then “We will win.” she said."
    i = text.index("=We")
    assert sentence_around(text, i, i + 10) == "Mrs. Clinton said: “=We said it,” Mrs. Clinton said."
    i = text.index("Line")
    assert sentence_around(text, i, i + 4) == "Line 1."


def test_a_changed_wording_as_a_difference_readable_without_colour():
    from reader.speakers import diff_text, word_diff

    assert diff_text("We are going to build a great wall", "We're going to build a big wall") == (
        "[-We are-] [+We're+] going to build a [-great-] [+big+] wall")
    assert word_diff("same words", "same words") == [("=", "same words")]


def test_a_filter_as_typed():
    import pytest

    from reader.model import QuoteFilter
    from reader.speakers import filter_text, parse_filter

    typed = 'since:2016-10-01 until:2016-10-31 outlet:"The Times" tag:claim checked emails server'
    parsed = parse_filter(typed)
    assert parsed == QuoteFilter("2016-10-01", "2016-10-31", "The Times", "claim", True, "emails server")
    assert parse_filter(filter_text(parsed)) == parsed
    assert not parse_filter("  ")
    for bad, message in (("since:soon", "is not a date"), ('outlet:"The Times', "not closed")):
        with pytest.raises(ValueError, match=message):
            parse_filter(bad)


def test_repeats_are_found_among_many_quotations_by_either_end():
    words = "We are going to build a great wall on the border"
    import random

    vocabulary = "tax court vote health border trade school police climate budget war jobs family rent oil".split()
    items = [_article(n, "X Y", words=" ".join(random.Random(n).sample(vocabulary, 8))) for n in range(1, 300)]
    items += [_article(300, "X Y", words=words), _article(301, "X Y", words="We're going to build a great wall on the border")]
    _, appearances_ = _index(*items)
    repeats = group_repeats(appearances_)
    assert [[a.article_id for a in r.appearances] for r in repeats] == [[300, 301]]
