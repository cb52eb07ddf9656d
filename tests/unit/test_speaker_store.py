"""The speaker index kept in the library (Store, schema m008): right after every write, people's merges and
splits kept across re-analysis, the filters."""

from __future__ import annotations

import pytest

from reader.ingest.article import ParsedArticle
from reader.model import Analysis, Decision, Entity, Quote, QuoteFilter
from reader.speakers import build_index, store_appearances
from reader.store import NotFoundError, Store, StoreError


def _analysis(text: str, speaker: str | None, words: str, mention: str | None = None, names=()) -> Analysis:
    mention = mention or speaker
    start = text.index(words)
    entities, m_start, m_end = [], None, None
    if mention:
        m_start = text.index(mention, start + len(words))
        m_end = m_start + len(mention)
        entities.append(Entity(m_start, m_end, "PERSON", mention, speaker))
    for name in names:
        i = text.index(name, start + len(words))
        entities.append(Entity(i, i + len(name), "PERSON", name, name))
    quote = Quote(start, start + len(words), words, speaker, m_start, m_end, "said", m_start, m_end)
    return Analysis(entities, [quote], "test")


def _add(store: Store, speaker: str | None, words: str, date="2016-10-01", mention=None, names=(), outlet=None,
         source="https://www.cnn.com/a") -> int:
    mention = mention or speaker
    text = f"Opening line. “{words},” {mention or 'a spokesperson'} said." + "".join(f" {n} was there." for n in names)
    meta = {"outlet": outlet} if outlet else {}
    article_id, _ = store.add_article(
        ParsedArticle(text, f"On {words[:20]}", date=date, source=source, meta=meta),
        _analysis(text, speaker, words, mention, names),
    )
    return article_id


def _names(store: Store, filters: QuoteFilter | None = None) -> list[tuple[str, int]]:
    return sorted((s.name, s.quotes) for s in store.speaker_index(filters))


def test_a_speaker_is_in_the_index_right_after_the_article_is_added():
    store = Store()
    assert store.speaker_index() == []
    article = _add(store, "Hillary Clinton", "We will win this election together")
    [hillary] = store.speaker_index()
    assert (hillary.name, hillary.kind, hillary.quotes, hillary.articles, hillary.first, hillary.outlet_names) == (
        "Hillary Clinton", "person", 1, 1, "2016-10-01", ("cnn.com",))
    [quote] = store.speaker_quotes(hillary.id)
    assert (quote.article_id, quote.text, quote.status) == (article, "We will win this election together", "machine")
    assert quote.sentence == "“We will win this election together,” Hillary Clinton said."
    assert quote.title.startswith("On We will win")


def test_reanalysis_replaces_the_quotations_not_adds_to_them():
    store = Store()
    article = _add(store, "Hillary Clinton", "We will win this election together")
    text = store.get_article_text(article)
    store.set_analysis(article, _analysis(text, "Hillary Clinton", "We will win this election together"))
    assert _names(store) == [("Hillary Clinton", 1)]
    store.set_analysis(article, Analysis([], [], "test2"))
    assert _names(store) == []


def test_a_decision_changes_the_speaker_and_taking_it_back_restores_it():
    store = Store()
    article = _add(store, "Donald Trump", "We will win this election together")
    _add(store, "Mike Pence", "Something else altogether was said here")
    [quote] = store.get_article(article).quotes
    decision = store.set_decision(Decision(article, "quote", quote.start, quote.end, "corrected", "ann", speaker="Mike Pence"))
    assert _names(store) == [("Mike Pence", 2)]
    pence = store.get_speaker("Mike Pence")
    assert pence.machine == 1 and [q.status for q in store.speaker_quotes(pence.id)] == ["corrected", "machine"]
    store.delete_decision(decision)
    assert _names(store) == [("Donald Trump", 1), ("Mike Pence", 1)]
    store.set_decision(Decision(article, "quote", quote.start, quote.end, "rejected", "ann"))
    assert _names(store) == [("Mike Pence", 1)]


def _clintons(store: Store) -> None:
    _add(store, "Hillary Clinton", "one two three four five", date="2016-10-01")
    _add(store, "Hillary Rodham Clinton", "six seven eight nine ten", date="2016-10-02")
    _add(store, "Hillary Clinton", "a b c d e f", date="2016-10-03", mention="Mrs. Clinton")
    _add(store, "Clinton", "g h i j k l", date="2016-10-04", names=("Hillary Clinton",))
    _add(store, "Bill Clinton", "m n o p q r", date="2016-10-05")
    _add(store, "Bill Clinton", "s t u v w x", date="2016-10-06", mention="Mr. Bill Clinton")


def test_the_clinton_case_in_the_library():
    store = Store()
    _clintons(store)
    assert _names(store) == [("Bill Clinton", 2), ("Hillary Clinton", 4)]
    assert set(store.get_speaker("Hillary Clinton").variants) == {"Hillary Clinton", "Hillary Rodham Clinton", "Clinton"}
    assert store.get_speaker("hillary rodham clinton").name == "Hillary Clinton"  # a name they go by finds them


def test_a_persons_merge_is_kept_across_reanalysis_and_undone():
    store = Store()
    _add(store, "Hillary Clinton", "one two three four five")
    _add(store, "Bill Clinton", "six seven eight nine ten")
    clinton = _add(store, "Clinton", "a b c d e f")  # either of them: left apart
    assert _names(store) == [("Bill Clinton", 1), ("Clinton", 1), ("Hillary Clinton", 1)]
    merge = store.decide_speakers("merge", "Clinton", "Hillary Clinton", "ann")
    assert _names(store) == [("Bill Clinton", 1), ("Hillary Clinton", 2)]

    text = store.get_article_text(clinton)
    store.set_analysis(clinton, _analysis(text, "Clinton", "a b c d e f"))  # what `reader reanalyze` does
    assert _names(store) == [("Bill Clinton", 1), ("Hillary Clinton", 2)]
    reopened = [(s.name, len(s.quotes)) for s in build_index(store_appearances(store), store.speaker_decisions())]
    assert sorted(reopened) == _names(store)  # the kept index is the one computed from every quotation

    store.delete_speaker_decision(merge.id)
    assert _names(store) == [("Bill Clinton", 1), ("Clinton", 1), ("Hillary Clinton", 1)]
    with pytest.raises(NotFoundError):
        store.delete_speaker_decision(merge.id)


def test_a_split_takes_a_name_off_the_speaker_it_was_merged_into():
    store = Store()
    _add(store, "Hillary Clinton", "one two three four five")
    _add(store, "Clinton", "a b c d e f")
    _add(store, "Clinton", "g h i j k l", mention="Mr. Clinton")
    assert _names(store) == [("Hillary Clinton", 3)]
    store.decide_speakers("split", "Clinton", None, "ann")
    assert _names(store) == [("Clinton", 2), ("Hillary Clinton", 1)]  # titles aside: "Mr. Clinton" too
    store.decide_speakers("merge", "Clinton", "Hillary Clinton", "ann")  # the later decision wins
    assert _names(store) == [("Hillary Clinton", 3)]


def test_decisions_that_make_no_sense_are_refused_in_one_line():
    store = Store()
    for args in (("merge", "A", None), ("merge", "A", "a"), ("split", " ", None), ("join", "A", "B")):
        with pytest.raises(StoreError):
            store.decide_speakers(*args, "ann")


def test_filters_dates_outlet_checked_tag_and_words():
    store = Store()
    a = _add(store, "Hillary Clinton", "We will fight for the economy every day", date="2016-09-30", outlet="The Times")
    _add(store, "Hillary Clinton", "Emails are not the story here at all", date="2016-10-05")
    _add(store, "Bill Clinton", "The economy was strong in the nineties", date="2016-10-02")
    [quote] = store.get_article(a).quotes
    store.set_decision(Decision(a, "quote", quote.start, quote.end, "confirmed", "ann"))
    annotation = store.create_annotation(a, quote.start, quote.start + 7, "ann", tags=["claim"])
    assert annotation.tags == ["claim"]

    assert _names(store, QuoteFilter(since="2016-10-01")) == [("Bill Clinton", 1), ("Hillary Clinton", 1)]
    assert _names(store, QuoteFilter(until="2016-10-01")) == [("Hillary Clinton", 1)]
    assert _names(store, QuoteFilter(outlet="the times")) == [("Hillary Clinton", 1)]
    assert _names(store, QuoteFilter(checked=True)) == [("Hillary Clinton", 1)]
    assert _names(store, QuoteFilter(tag="Claim")) == [("Hillary Clinton", 1)]
    assert _names(store, QuoteFilter(search="econ")) == [("Bill Clinton", 1), ("Hillary Clinton", 1)]
    assert _names(store, QuoteFilter(search="emails story")) == [("Hillary Clinton", 1)]
    hillary = store.get_speaker("Hillary Clinton")
    assert [q.day for q in store.speaker_quotes(hillary.id, QuoteFilter(search="economy"))] == ["2016-09-30"]
    assert store.speaker_quotes(hillary.id, QuoteFilter(since="2017-01-01")) == []


def test_a_library_from_before_the_index_is_indexed_on_the_first_look(tmp_path):
    path = tmp_path / "lib.db"
    store = Store(path)
    _clintons(store)
    expected = _names(store)
    # As the migration leaves a library made before it: no rows yet, every article with quotations queued.
    store.db.executescript(
        "DELETE FROM speaker_quotes; DELETE FROM speakers; INSERT INTO speaker_queue SELECT id FROM articles;"
    )
    store.close()
    again = Store(path)
    assert _names(again) == expected
    assert again.db.execute("SELECT count(*) FROM speaker_queue").fetchone()[0] == 0


def test_the_kept_index_is_the_one_computed_from_every_quotation():
    store = Store()
    _clintons(store)
    for n in range(12):
        _add(store, ["Reuters", "Mrs. Clinton", "Hillary Rodham Clinton", None][n % 4], f"words number {n} of many here",
             date=f"2016-11-{n + 1:02d}", mention="Mrs. Clinton" if n % 4 == 1 else None)
    computed = build_index(store_appearances(store))
    kept = store.speaker_index()
    assert [(s.name, s.kind, len(s.quotes), s.articles, s.first, s.last) for s in computed] == [
        (s.name, s.kind, s.quotes, s.articles, s.first, s.last) for s in kept]
