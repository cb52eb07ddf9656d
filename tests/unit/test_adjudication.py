"""Adjudication without a screen: the disagreements of two coders in article order, and the adjudicated layer
built from them (take A, take B, take both, agreed items copied, undo), recorded with who decided."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader import adjudication as adj
from reader.agreement.disagreements import (
    article_items,
    describe_version,
    disagreements,
)
from reader.errors import ReaderError
from reader.ingest.files import parse_article
from reader.model import (
    ADJUDICATED,
    Analysis,
    Annotation,
    ArticleCode,
    Decision,
    Quote,
    VariableValue,
)
from reader.store import Store

TEXT = ('The mayor said "the bridge would reopen in May." Critics were not convinced by the promise at all. '
        'Residents said the works had taken too long.')
PAIR = ("ana", "ben")


@pytest.fixture
def store():
    store = Store()
    yield store
    store.close()


def at(phrase: str) -> tuple[int, int]:
    start = TEXT.index(phrase)
    return start, start + len(phrase)


def mark(store, article_id, coder, phrase, *tags, note=""):
    start, end = at(phrase)
    return store.create_annotation(article_id, start, end, coder, tags, note)


@pytest.fixture
def sample(store):
    """One article coded by ana and ben, closed: tone differs, a span each, a span both, a quotation's speaker."""
    q_start, q_end = at("the bridge would reopen in May.")
    quote = Quote(q_start, q_end, TEXT[q_start:q_end], "mayor")
    article_id, _ = store.add_article(parse_article(TEXT.encode(), "a.txt"), Analysis([], [quote], "hand"))
    store.save_variable("tone", "categorical", values=[VariableValue("negative"), VariableValue("neutral")])
    store.save_variable("topics", "multi", values=[VariableValue("transport"), VariableValue("politics")])
    store.set_code(article_id, "tone", "ana", "negative")
    store.set_code(article_id, "tone", "ben", "neutral")
    store.set_code(article_id, "topics", "ana", ["transport"])
    store.set_code(article_id, "topics", "ben", ["transport"])
    mark(store, article_id, "ana", "Critics", "actor")
    mark(store, article_id, "ben", "Critics", "actor")  # agreed
    mark(store, article_id, "ana", "the promise", "framing", note="a loaded word")  # only ana
    mark(store, article_id, "ben", "Residents", "source")  # only ben
    store.set_decision(Decision(article_id, "quote", q_start, q_end, "corrected", "ana", speaker="The mayor"))
    store.set_decision(Decision(article_id, "quote", q_start, q_end, "corrected", "ben", speaker="Critics"))
    assignment = store.create_assignment(PAIR, [article_id], name="pilot", seed=1)
    store.close_assignment()
    return store.get_assignment(assignment.id), article_id


def test_disagreements_in_article_order_and_what_each_is(sample, store):
    assignment, article_id = sample
    found = adj.items(store, assignment, PAIR)
    assert [(i.kind, i.what) for i in found] == [
        ("variable", "different values"),
        ("quote", "different speakers"),
        ("span", "only ana marked"),
        ("span", "only ben marked"),
    ]
    assert [i.start for i in found[1:]] == sorted(i.start for i in found[1:])
    everything = adj.items(store, assignment, PAIR, agreed=True)
    assert {(i.key, i.agreed) for i in everything} >= {("variable:topics", True), (f"span:{at('Critics')[0]}-{at('Critics')[1]}", True)}


def test_same_span_different_tags_and_different_extents():
    def ann(id_, coder, phrase, *tags):
        s, e = at(phrase)
        return Annotation(id_, 1, s, e, TEXT[s:e], author=coder, tags=list(tags))

    tags = article_items(1, PAIR, annotations=[ann(1, "ana", "Critics", "actor"), ann(2, "ben", "Critics", "source")])
    assert [i.what for i in tags] == ["different tags"]
    extents = article_items(1, PAIR, annotations=[ann(1, "ana", "the bridge would reopen", "claim"),
                                                  ann(2, "ben", "bridge would reopen in May", "claim")])
    assert [i.what for i in extents] == ["different extents"]  # one item: the overlapping spans of both
    assert len(extents[0].versions[0]) == len(extents[0].versions[1]) == 1
    untagged = article_items(1, PAIR, annotations=[ann(1, "ana", "Critics")])
    assert untagged == []  # an annotation without a tag marks nothing, as in agreement


def test_a_variable_only_one_coder_coded_and_case_of_names():
    codes = [ArticleCode(1, "Tone", "ana", "negative")]
    from reader.model import Variable

    found = article_items(1, PAIR, variables=[Variable(1, "tone", "categorical")], codes=codes)
    assert [(i.what, i.versions) for i in found] == [("only ana coded", ("negative", None))]
    assert describe_version(found[0], None) == "(blank)"


def test_quotation_decisions_compared_by_what_they_make_of_it():
    quote = Quote(10, 20, "x" * 10, "Mary Sommer")
    same = [Decision(1, "quote", 10, 20, "confirmed", "ana"),
            Decision(1, "quote", 10, 20, "corrected", "ben", speaker="mary  SOMMER")]
    assert disagreements(article_items(1, PAIR, decisions=same, quotes=[quote])) == []
    rejected = [Decision(1, "quote", 10, 20, "rejected", "ana")]  # ben left it as the machine found it
    found = article_items(1, PAIR, decisions=rejected, quotes=[quote])
    assert [i.what for i in found] == ["a quotation or not"]
    assert describe_version(found[0], found[0].versions[1]) == "quotation, speaker Mary Sommer (as the machine found it)"
    added = [Decision(1, "quote", 30, 40, "corrected", "ben", added=True, speaker="Ana")]
    assert [i.what for i in article_items(1, PAIR, decisions=added, quotes=[quote])] == ["added by one coder"]


def test_take_a_take_b_take_both_and_undo(sample, store):
    assignment, article_id = sample
    tone, quote, only_ana, only_ben = adj.items(store, assignment, PAIR)
    adj.settle(store, assignment.id, tone, "b", "carol")
    assert store.article_codes(article_id, ADJUDICATED)[0].value == "neutral"
    adj.settle(store, assignment.id, quote, "a", "carol")
    decision = store.decisions(article_id, ADJUDICATED)[0]
    assert (decision.speaker, decision.status) == ("The mayor", "corrected")
    adj.settle(store, assignment.id, only_ana, "a", "carol")
    change = adj.settle(store, assignment.id, only_ben, "b", "carol")
    layer = [(a.exact, a.tags, a.note) for a in store.annotations(article_id) if a.author == ADJUDICATED]
    assert layer == [("the promise", ["framing"], "a loaded word"), ("Residents", ["source"], "")]
    record = store.find_adjudication(assignment.id, article_id, only_ben.key)
    assert (record.choice, record.coder, record.decided_by) == ("b", "ben", "carol") and record.decided_at
    adj.undo(store, change)
    assert [a.exact for a in store.annotations(article_id) if a.author == ADJUDICATED] == ["the promise"]
    assert store.find_adjudication(assignment.id, article_id, only_ben.key) is None
    # taking a different version replaces the first, and undo brings the first back with its record
    change = adj.settle(store, assignment.id, only_ana, "b", "dan")
    assert [a.exact for a in store.annotations(article_id) if a.author == ADJUDICATED] == []
    adj.undo(store, change)
    assert [a.exact for a in store.annotations(article_id) if a.author == ADJUDICATED] == ["the promise"]
    assert store.find_adjudication(assignment.id, article_id, only_ana.key).decided_by == "carol"


def test_take_both(sample, store):
    assignment, article_id = sample
    s, e = at("Critics")
    store.create_annotation(article_id, s, e, "ana", ["source"])  # now ana: actor + source, ben: actor
    store.set_code(article_id, "topics", "ben", ["politics"])
    items = {i.key: i for i in adj.items(store, assignment, PAIR)}
    adj.settle(store, assignment.id, items[f"span:{s}-{e}"], "both", "carol")
    layer = [a for a in store.annotations(article_id) if a.author == ADJUDICATED]
    assert [(a.exact, sorted(a.tags)) for a in layer] == [("Critics", ["actor", "source"])]
    adj.settle(store, assignment.id, items["variable:topics"], "both", "carol")
    assert store.article_codes(article_id, ADJUDICATED)[0].value == ["transport", "politics"]
    with pytest.raises(ReaderError, match="one value"):
        adj.settle(store, assignment.id, items["variable:tone"], "both", "carol")
    assert store.find_adjudication(assignment.id, article_id, "variable:tone") is None  # nothing half-written


def test_agreed_items_are_copied_once_so_the_layer_is_complete(sample, store):
    assignment, article_id = sample
    assert adj.settle_agreed(store, assignment, PAIR, "carol") == 2  # topics, Critics
    assert adj.settle_agreed(store, assignment, PAIR, "carol") == 0
    assert [a.exact for a in store.annotations(article_id) if a.author == ADJUDICATED] == ["Critics"]
    assert store.article_codes(article_id, ADJUDICATED)[0].value == ["transport"]
    records = store.adjudications(assignment.id)
    assert {r.choice for r in records} == {"agreed"}
    assert len(adj.unsettled(store, assignment, PAIR)) == 4


def test_an_edit_is_recorded_and_undone(sample, store):
    assignment, article_id = sample
    tone = adj.items(store, assignment, PAIR)[0]
    change = adj.begin_edit(store, assignment.id, tone)
    store.set_code(article_id, "tone", ADJUDICATED, "neutral")
    adj.finish_edit(store, change, "carol")
    assert store.find_adjudication(assignment.id, article_id, "variable:tone").choice == "edit"
    adj.undo(store, change)
    assert store.article_codes(article_id, ADJUDICATED) == []
    assert store.find_adjudication(assignment.id, article_id, "variable:tone") is None


def test_refused_while_open_or_as_the_layer(store, sample):
    assignment, _ = sample
    import dataclasses

    with pytest.raises(ReaderError, match="close it first"):
        adj.check_ready(dataclasses.replace(assignment, closed_at=None), "carol")
    with pytest.raises(ReaderError, match="your own --user"):
        adj.check_ready(assignment, ADJUDICATED)
    with pytest.raises(ReaderError, match="not a coder"):
        adj.pair_of(assignment, ["ana", "zoe"])
    assert adj.pair_of(assignment) == PAIR


def test_an_export_by_author_shows_the_highlights_as_that_author_decided(sample, store):
    assignment, article_id = sample
    quote = next(i for i in adj.items(store, assignment, PAIR) if i.kind == "quote")
    adj.settle(store, assignment.id, quote, "b", "carol")

    def speakers(*authors):
        rows = store.export_rows(authors=authors, include_highlights=True)
        return [r.quote_speaker for r in rows if r.kind == "quote"]

    assert speakers(ADJUDICATED) == ["Critics"]  # ben's reading, taken into the layer
    assert speakers("ana") == ["The mayor"]
    assert [r.kind for r in store.export_rows(tags=["actor"], include_highlights=True)] == ["annotation", "annotation"]


def test_both_is_refused_for_a_quotation_whose_readings_differ(sample, store):
    assignment, article_id = sample
    quote = next(i for i in adj.items(store, assignment, PAIR) if i.kind == "quote")
    with pytest.raises(ReaderError, match="one reading"):
        adj.settle(store, assignment.id, quote, "both", "carol")
    assert store.decisions(article_id, ADJUDICATED) == [] and store.adjudications(assignment.id) == []

_SPANS = st.lists(
    st.tuples(st.sampled_from(PAIR), st.integers(0, 40), st.integers(1, 8), st.sets(st.sampled_from("xyz"), max_size=2)),
    max_size=8,
)


def _annotations(spans):
    return [Annotation(i, 1, s, s + n, "w" * n, author=c, tags=sorted(t)) for i, (c, s, n, t) in enumerate(spans)]


@settings(max_examples=150, deadline=None)
@given(_SPANS)
def test_items_do_not_depend_on_which_coder_is_a(spans):
    """Swapping the coders swaps their versions and nothing else; items come in text order."""
    one = article_items(1, PAIR, annotations=_annotations(spans))
    other = article_items(1, PAIR[::-1], annotations=_annotations(spans))
    assert [(i.key, i.agreed) for i in one] == [(i.key, i.agreed) for i in other]
    assert [i.versions for i in one] == [i.versions[::-1] for i in other]
    assert [i.start for i in one] == sorted(i.start for i in one)


@settings(max_examples=100, deadline=None)
@given(_SPANS)
def test_coders_who_marked_the_same_agree_on_every_item(spans):
    same = [("ana", s, n, t) for _, s, n, t in spans] + [("ben", s, n, t) for _, s, n, t in spans]
    assert disagreements(article_items(1, PAIR, annotations=_annotations(same))) == []


def test_an_agreed_span_keeps_both_coders_notes_in_the_layer(sample, store):
    """Same words, same tags, two notes: the gold layer had ana's only (found by review)."""
    assignment, article_id = sample
    for a in store.annotations(article_id):
        if a.exact == "Critics":
            store.set_note(a.id, f"{a.author}'s reading")
    adj.settle_agreed(store, assignment, PAIR, "carol")
    [critics] = [a for a in store.annotations(article_id) if a.author == ADJUDICATED]
    assert critics.tags == ["actor"] and "ana's reading" in critics.note and "ben's reading" in critics.note
