"""Agreement from annotations made in a store by two coders: perfect, none, one coder missing an article.

Until assignments are stored, which articles each coder coded is given here by hand, as the
assignment table will give it; the spans come from the store's annotations, one per tag.
"""

from __future__ import annotations

import pytest

from reader.agreement import CodedArticle, span_scores, spans_from_annotations, tag_agreement
from reader.ingest.files import parse_article
from reader.store import Store

FIRST = "The mayor said the bridge would reopen in May. Critics were not convinced by the promise at all."
SECOND = "Police said the road was closed after the crash. A spokesperson declined to say when it would open."


@pytest.fixture
def library():
    store = Store()
    first, _ = store.add_article(parse_article(FIRST.encode(), "first.txt"))
    second, _ = store.add_article(parse_article(SECOND.encode(), "second.txt"))
    yield store, first, second
    store.close()


def mark(store, article_id, coder, phrase, *tags):
    text = store.get_article_text(article_id)
    start = text.index(phrase)
    store.create_annotation(article_id, start, start + len(phrase), coder, tags)


def sample(store, coded):
    """CodedArticle records (coded: article id -> coders) and every annotation as spans."""
    articles = [CodedArticle(a, len(store.get_article_text(a)), frozenset(c)) for a, c in coded.items()]
    spans = [s for a in coded for s in spans_from_annotations(store.annotations(a))]
    return articles, spans


def by_tag(articles, spans):
    return {r.subject: r.result for r in tag_agreement(articles, spans)}


def test_perfect_agreement(library):
    store, first, second = library
    for coder in ("ana", "ben"):
        mark(store, first, coder, "the bridge would reopen in May", "claim")
        mark(store, first, coder, "Critics", "actor", "source")
        mark(store, second, coder, "Police", "source")
    articles, spans = sample(store, {first: {"ana", "ben"}, second: {"ana", "ben"}})
    results = by_tag(articles, spans)
    assert set(results) == {"actor", "claim", "source"}
    assert all(r.alpha == 1.0 for r in results.values())
    assert all(s.f1 == 1.0 for s in span_scores(articles, spans))


def test_no_agreement(library):
    store, first, second = library
    mark(store, first, "ana", "the bridge would reopen in May", "claim")
    mark(store, first, "ben", "Critics were not convinced", "claim")
    mark(store, second, "ana", "the road was closed", "claim")
    articles, spans = sample(store, {first: {"ana", "ben"}, second: {"ana", "ben"}})
    claim = by_tag(articles, spans)["claim"]
    assert claim.alpha < 0
    scores = [s for s in span_scores(articles, spans) if s.tag == "claim"]
    assert [s.f1 for s in scores] == [0.0, 0.0]  # exact and overlap


def test_one_coder_missing_an_article(library):
    store, first, second = library
    mark(store, first, "ana", "the bridge would reopen in May", "claim")
    mark(store, first, "ben", "bridge would reopen in May", "claim")
    mark(store, second, "ana", "the road was closed", "claim")  # ben has not coded the second article
    articles, spans = sample(store, {first: {"ana", "ben"}, second: {"ana"}})
    claim = by_tag(articles, spans)["claim"]
    only_first = by_tag(*sample(store, {first: {"ana", "ben"}}))["claim"]
    assert claim.alpha == only_first.alpha and 0.8 < claim.alpha < 1.0
    assert claim.units == len(FIRST) and claim.note == "1 article"
    (exact,) = [s for s in span_scores(articles, spans) if s.match == "exact"]
    assert (exact.articles, exact.spans_a, exact.spans_b) == (1, 1, 1)
    # Counting ben's missing article as "marked nothing" would be wrong, and would show.
    assert by_tag(*sample(store, {first: {"ana", "ben"}, second: {"ana", "ben"}}))["claim"].alpha < claim.alpha
