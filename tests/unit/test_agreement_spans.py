"""Span tags: alpha over characters, its relation to Krippendorff's uα, and pairwise P/R/F1."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from reader.agreement import ALL_TAGS, CodedArticle, Span, span_scores, tag_agreement, tag_reliability

BOTH = frozenset({"ana", "ben"})


def alpha_of(articles, spans, tag="claim", **kw):
    return tag_reliability(articles, spans, tag, **kw)


def test_identical_annotations_agree_perfectly():
    articles = [CodedArticle(1, 100, BOTH), CodedArticle(2, 60, BOTH)]
    spans = [Span(1, 10, 30, "claim", c) for c in BOTH] + [Span(2, 0, 5, "claim", c) for c in BOTH]
    result = alpha_of(articles, spans)
    assert result.alpha == 1.0
    assert (result.units, result.coders, result.pairable) == (160, 2, 320)
    assert result.note == "2 articles"


def test_a_span_one_coder_adds_lowers_agreement():
    articles = [CodedArticle(1, 100, BOTH)]
    same = [Span(1, 10, 30, "claim", c) for c in BOTH]
    extra = [*same, Span(1, 50, 60, "claim", "ana")]
    assert alpha_of(articles, extra).alpha < alpha_of(articles, same).alpha == 1.0


def test_a_span_only_one_coder_marked_is_disagreement_not_missing():
    articles = [CodedArticle(1, 100, BOTH)]
    result = alpha_of(articles, [Span(1, 10, 20, "claim", "ana")])
    # Every character is compared (ben's are "not tagged"), so alpha is just below 0, not 1 or
    # undefined: 1 - (n - 1) * (o_01 + o_10) / (2 * n_0 * n_1), n = 200 values, 10 of them "tagged".
    assert result.units == 100 and result.pairable == 200
    assert result.alpha == pytest.approx(1 - 199 * 20 / (2 * 190 * 10))
    assert result.agreement == pytest.approx(0.9)


def test_an_article_a_coder_did_not_code_is_missing_for_that_coder():
    coded_by_both = [CodedArticle(1, 100, BOTH)]
    spans = [Span(1, 10, 30, "claim", "ana"), Span(1, 12, 30, "claim", "ben")]
    base = alpha_of(coded_by_both, spans)
    # Article 2 was coded by ana only: her span there is neither agreement nor disagreement.
    with_ana_only = [*coded_by_both, CodedArticle(2, 80, {"ana"})]
    result = alpha_of(with_ana_only, [*spans, Span(2, 0, 40, "claim", "ana")])
    assert result.alpha == base.alpha
    assert result.units == 100 and result.note == "1 article"
    # Had ben coded it (and marked nothing), the same span is disagreement.
    coded = [*coded_by_both, CodedArticle(2, 80, BOTH)]
    assert alpha_of(coded, [*spans, Span(2, 0, 40, "claim", "ana")]).alpha < base.alpha


def test_overlapping_spans_of_one_coder_merge():
    articles = [CodedArticle(1, 100, BOTH)]
    one = [Span(1, 10, 30, "claim", "ana"), Span(1, 10, 30, "claim", "ben")]
    split = [Span(1, 10, 20, "claim", "ana"), Span(1, 15, 30, "claim", "ana"), Span(1, 10, 30, "claim", "ben")]
    assert alpha_of(articles, split).alpha == alpha_of(articles, one).alpha == 1.0


def test_tags_are_separate_and_unused_tags_are_undefined():
    articles = [CodedArticle(1, 100, BOTH)]
    spans = [Span(1, 10, 30, "claim", c) for c in BOTH] + [Span(1, 10, 30, "fact", "ana")]
    rows = {r.subject: r.result for r in tag_agreement(articles, spans, tags=["claim", "fact", "opinion"])}
    assert rows["claim"].alpha == 1.0
    assert rows["fact"].alpha < 0.1
    assert rows["opinion"].alpha is None and "no coder marked this tag" in rows["opinion"].note
    assert [r.subject for r in tag_agreement(articles, spans)] == ["claim", "fact"]


def test_every_character_marked_by_everyone_is_undefined():
    articles = [CodedArticle(1, 10, BOTH)]
    result = alpha_of(articles, [Span(1, 0, 10, "claim", c) for c in BOTH])
    assert result.alpha is None and "every character" in result.note


def test_nothing_to_compare_when_no_article_has_two_coders():
    result = alpha_of([CodedArticle(1, 10, {"ana"})], [Span(1, 0, 5, "claim", "ana")])
    assert result.alpha is None and result.units == 0 and "two of these coders" in result.note


def test_pairs_of_coders():
    three = frozenset({"ana", "ben", "cy"})
    articles = [CodedArticle(1, 100, three)]
    spans = [Span(1, 10, 30, "claim", "ana"), Span(1, 10, 30, "claim", "ben"), Span(1, 50, 70, "claim", "cy")]
    rows = tag_agreement(articles, spans)
    assert [r.coders for r in rows] == [("ana", "ben", "cy"), ("ana", "ben"), ("ana", "cy"), ("ben", "cy")]
    assert rows[1].result.alpha == 1.0
    assert rows[2].result.alpha < 0 and rows[3].result.alpha < 0
    assert len(tag_agreement(articles, spans, pairwise=False)) == 1


def test_bad_spans_are_errors_not_silently_dropped():
    articles = [CodedArticle(1, 100, BOTH)]
    with pytest.raises(ValueError, match="not in the sample"):
        tag_agreement(articles, [Span(2, 0, 5, "claim", "ana")])
    with pytest.raises(ValueError, match="not listed as one of its coders"):
        tag_agreement(articles, [Span(1, 0, 5, "claim", "cy")])
    with pytest.raises(ValueError, match="not inside"):
        tag_agreement(articles, [Span(1, 90, 101, "claim", "ana")])
    with pytest.raises(ValueError, match="not inside"):
        tag_agreement(articles, [Span(1, 5, 5, "claim", "ana")])
    with pytest.raises(ValueError, match="twice"):
        tag_agreement([*articles, CodedArticle(1, 100, BOTH)], [])


def test_bootstrap_over_articles_is_seeded():
    articles = [CodedArticle(i, 200, BOTH) for i in range(6)]
    spans = []
    for i in range(6):
        spans += [Span(i, 10, 50, "claim", "ana"), Span(i, 10 + 5 * i, 50, "claim", "ben")]
    a = alpha_of(articles, spans, bootstrap=200, seed=3)
    b = alpha_of(articles, spans, bootstrap=200, seed=3)
    assert a.interval == b.interval and a.resamples == 200
    assert a.ci_low <= a.alpha <= a.ci_high
    assert alpha_of(articles, spans).interval is None  # off by default


# -- relation to Krippendorff's unitizing alpha ----------------------------------------


def reference_u_alpha(articles, spans, tag):
    """Krippendorff's uα for one tag against its gaps, written from the published definition
    (Krippendorff, Mathet, Bouvry & Widlöcher 2016; Krippendorff 2019, section 12.6) as a test
    oracle: observed coincidences are lengths of intersections of the coders' segments, and the
    expected coincidences leave out, for a marked segment, all pairs within it (length squared),
    for a gap only each character's pair with itself (its length). Every coder codes every article.
    """
    coders = sorted({c for a in articles for c in a.coders})
    m = len(coders)
    observed = [[0.0, 0.0], [0.0, 0.0]]
    correction = [0.0, 0.0]
    for article in articles:
        partition = {}
        for coder in coders:
            inside = [False] * article.length
            for s in spans:
                if s.article_id == article.article_id and s.coder == coder and s.tag == tag:
                    inside[s.start:s.end] = [True] * (s.end - s.start)
            segments, start = [], 0
            for i in range(1, article.length + 1):
                if i == article.length or inside[i] != inside[start]:
                    segments.append((start, i, int(inside[start])))
                    start = i
            partition[coder] = segments
            for s, e, v in segments:
                correction[v] += (e - s) ** 2 if v else (e - s)
        for a in coders:
            for b in coders:
                if a == b:
                    continue
                for s1, e1, v1 in partition[a]:
                    for s2, e2, v2 in partition[b]:
                        observed[v1][v2] += max(0, min(e1, e2) - max(s1, s2)) / (m - 1)
    total = sum(map(sum, observed))
    row = [sum(r) for r in observed]
    denominator = total**2 - sum(correction)
    expected_diagonal = [total * (row[v] ** 2 - correction[v]) / denominator for v in (0, 1)]
    disagreement_observed = total - observed[0][0] - observed[1][1]
    disagreement_expected = total - sum(expected_diagonal)
    return 1 - disagreement_observed / disagreement_expected


def test_equals_u_alpha_when_every_span_is_one_character():
    # With one-character spans, "pairs within a span" are just each character with itself,
    # so uα's expected disagreement is the character alpha's: the two coincide exactly.
    articles = [CodedArticle(1, 60, BOTH), CodedArticle(2, 40, BOTH)]
    spans = [Span(1, p, p + 1, "claim", "ana") for p in (3, 9, 20, 41)]
    spans += [Span(1, p, p + 1, "claim", "ben") for p in (3, 9, 22, 50)]
    spans += [Span(2, p, p + 1, "claim", "ana") for p in (0, 30)]
    spans += [Span(2, p, p + 1, "claim", "ben") for p in (0, 31, 38)]
    assert alpha_of(articles, spans).alpha == pytest.approx(reference_u_alpha(articles, spans, "claim"), abs=1e-12)


def test_close_to_u_alpha_on_article_sized_texts():
    # News-sized texts, sentence-sized spans: the two expected disagreements differ by
    # about sum(span length ** 2) / total ** 2, here well under 1%.
    articles = [CodedArticle(i, 3000, BOTH) for i in range(3)]
    spans = []
    for i in range(3):
        spans += [Span(i, 100, 250, "claim", "ana"), Span(i, 120, 250, "claim", "ben")]
        spans += [Span(i, 900, 1000, "claim", "ana"), Span(i, 1500, 1580, "claim", "ben")]
        spans += [Span(i, 2000, 2300, "claim", "ana"), Span(i, 2010, 2290, "claim", "ben")]
    mine, theirs = alpha_of(articles, spans).alpha, reference_u_alpha(articles, spans, "claim")
    assert abs(mine - theirs) < 0.01
    assert 0.5 < mine < 0.9


# -- pairwise precision, recall, F1 ----------------------------------------------------------


def score(scores, tag, match):
    (found,) = [s for s in scores if s.tag == tag and s.match == match]
    return found


def test_exact_and_overlap_scores():
    articles = [CodedArticle(1, 200, BOTH), CodedArticle(2, 100, {"ana"})]
    spans = [
        Span(1, 0, 10, "claim", "ana"), Span(1, 0, 10, "claim", "ben"),    # exact
        Span(1, 20, 40, "claim", "ana"), Span(1, 25, 45, "claim", "ben"),  # overlap only
        Span(1, 60, 70, "claim", "ana"),                                    # ana only
        Span(1, 80, 90, "fact", "ben"),                                     # ben only, other tag
        Span(2, 0, 10, "claim", "ana"),                                     # article ben did not code
    ]
    scores = span_scores(articles, spans)
    exact = score(scores, "claim", "exact")
    assert (exact.articles, exact.spans_a, exact.spans_b, exact.matched_a, exact.matched_b) == (1, 3, 2, 1, 1)
    assert exact.precision == pytest.approx(1 / 2) and exact.recall == pytest.approx(1 / 3)
    assert exact.f1 == pytest.approx(0.4)
    overlap = score(scores, "claim", "overlap")
    assert (overlap.precision, overlap.recall) == (1.0, pytest.approx(2 / 3))
    fact = score(scores, "fact", "exact")
    assert (fact.precision, fact.recall, fact.f1) == (0.0, None, 0.0)
    pooled = score(scores, ALL_TAGS, "exact")
    assert (pooled.spans_a, pooled.spans_b, pooled.matched_a) == (3, 3, 1)


def test_one_span_overlapping_two_counts_once_on_each_side():
    articles = [CodedArticle(1, 100, BOTH)]
    spans = [Span(1, 0, 50, "claim", "ana"), Span(1, 0, 10, "claim", "ben"), Span(1, 20, 30, "claim", "ben")]
    s = score(span_scores(articles, spans), "claim", "overlap")
    assert (s.matched_a, s.matched_b, s.precision, s.recall) == (1, 2, 1.0, 1.0)


def test_f1_is_symmetric_and_undefined_without_spans():
    articles = [CodedArticle(1, 100, {"ana", "zed"})]
    spans = [Span(1, 0, 10, "claim", "ana"), Span(1, 0, 10, "claim", "zed"), Span(1, 40, 50, "claim", "zed")]
    s = score(span_scores(articles, spans), "claim", "exact")
    flipped = [Span(a.article_id, a.start, a.end, a.tag, {"ana": "zed", "zed": "ana"}[a.coder]) for a in spans]
    t = score(span_scores(articles, flipped), "claim", "exact")
    assert (s.precision, s.recall) == (t.recall, t.precision) and s.f1 == t.f1
    empty = score(span_scores(articles, spans, tags=["claim", "opinion"]), "opinion", "exact")
    assert (empty.precision, empty.recall, empty.f1) == (None, None, None)


# -- properties ----------------------------------------------------------------------------------


@st.composite
def annotations(draw):
    """A few articles, each with non-empty, non-covering spans, as one coder's annotations."""
    n_articles = draw(st.integers(1, 3))
    articles, spans = [], []
    for a in range(n_articles):
        length = draw(st.integers(20, 300))
        articles.append(CodedArticle(a, length, BOTH))
        for _ in range(draw(st.integers(0, 4))):
            start = draw(st.integers(0, length - 2))
            end = draw(st.integers(start + 1, min(length, start + 60)))
            spans.append((a, start, end, draw(st.sampled_from(["claim", "fact"]))))
    return articles, spans


@settings(max_examples=50, deadline=None)
@given(data=annotations())
def test_identical_annotations_always_agree(data):
    articles, marks = data
    spans = [Span(a, s, e, t, c) for a, s, e, t in marks for c in BOTH]
    for row in tag_agreement(articles, spans):
        if row.result.alpha is not None:
            assert row.result.alpha == pytest.approx(1.0)
        else:
            assert "every character" in row.result.note
    for s in span_scores(articles, spans):
        assert s.f1 in (None, 1.0)


@settings(max_examples=50, deadline=None)
@given(data=annotations(), where=st.data())
def test_a_span_one_coder_adds_always_lowers_alpha(data, where):
    articles, marks = data
    spans = [Span(a, s, e, "claim", c) for a, s, e, _ in marks for c in BOTH]
    article = where.draw(st.sampled_from(articles))
    taken = {p for s in spans if s.article_id == article.article_id for p in range(s.start, s.end)}
    free = [p for p in range(article.length) if p not in taken]
    assume(free)
    start = where.draw(st.sampled_from(free))
    extra = Span(article.article_id, start, start + 1, "claim", "ana")
    before = alpha_of(articles, spans)
    after = alpha_of(articles, [*spans, extra])
    assert after.alpha is not None and after.alpha < 1.0
    if before.alpha is not None:
        assert after.alpha < before.alpha
    exact = score(span_scores(articles, [*spans, extra]), "claim", "exact")
    assert exact.f1 < 1.0
