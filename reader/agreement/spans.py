"""Pairwise precision, recall and F1 between two coders' spans, as NLP reports agreement.

For a pair (A, B), A is taken as the reference: recall is the share of A's spans
that B found, precision the share of B's spans that A has. Swapping A and B swaps
precision and recall; F1 stays. Two matchings:

- exact: same article, same start, same end, same tag;
- overlap: same article and tag, sharing at least one character. Each span is
  counted once whether one or several spans of the other coder overlap it.

Only articles both coders coded are compared (an article one of them did not code is
missing, not disagreement); there, a span the other coder did not mark counts
against the pair.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from reader.agreement.data import CodedArticle, Span, Unit
from reader.agreement.unitized import check_spans

ALL_TAGS = "(all tags)"
MATCHES = ("exact", "overlap")


@dataclass(frozen=True)
class SpanScore:
    """How far coder B's spans match coder A's, for one tag (or `ALL_TAGS`, pooled).

    `matched_a`: A's spans that B matched; `matched_b`: B's spans that A matched.
    `precision` = matched_b / spans_b, `recall` = matched_a / spans_a, each None
    when its denominator is 0; `f1` their harmonic mean, 0.0 when one coder marked
    spans and the other none, None when neither marked any. `articles` is the
    number of articles both coded.
    """

    tag: str
    coder_a: str
    coder_b: str
    match: str
    articles: int
    spans_a: int
    spans_b: int
    matched_a: int
    matched_b: int
    precision: float | None
    recall: float | None
    f1: float | None


def _score(tag, a, b, match, articles, spans_a, spans_b, matched_a, matched_b) -> SpanScore:
    precision = matched_b / spans_b if spans_b else None
    recall = matched_a / spans_a if spans_a else None
    if spans_a == 0 and spans_b == 0:
        f1 = None
    elif not precision or not recall:
        f1 = 0.0
    else:
        f1 = 2 * precision * recall / (precision + recall)
    return SpanScore(tag, a, b, match, articles, spans_a, spans_b, matched_a, matched_b, precision, recall, f1)


def _matched(mine: list[tuple[int, int]], theirs: list[tuple[int, int]], match: str) -> int:
    """How many of `mine` have a counterpart in `theirs`."""
    if match == "exact":
        other = set(theirs)
        return sum(1 for s in mine if s in other)
    return sum(1 for start, end in mine if any(start < e and s < end for s, e in theirs))


def pair_scores(
    articles: Sequence[CodedArticle],
    spans: Sequence[Span],
    coder_a: str,
    coder_b: str,
    tags: Sequence[str],
) -> list[SpanScore]:
    """Exact and overlap scores of B against A, per tag and pooled over `tags`."""
    shared = [a.article_id for a in articles if coder_a in a.coders and coder_b in a.coders]
    shared_set = set(shared)
    wanted = set(tags)
    by_key: dict[tuple[str, str, Unit], set[tuple[int, int]]] = {}
    for s in spans:
        if s.article_id in shared_set and s.coder in (coder_a, coder_b) and s.tag in wanted:
            by_key.setdefault((s.coder, s.tag, s.article_id), set()).add((s.start, s.end))
    out = []
    for match in MATCHES:
        pooled = [0, 0, 0, 0]
        for tag in tags:
            totals = [0, 0, 0, 0]
            for article_id in shared:
                mine = sorted(by_key.get((coder_a, tag, article_id), ()))
                theirs = sorted(by_key.get((coder_b, tag, article_id), ()))
                totals[0] += len(mine)
                totals[1] += len(theirs)
                totals[2] += _matched(mine, theirs, match)
                totals[3] += _matched(theirs, mine, match)
            pooled = [p + t for p, t in zip(pooled, totals)]
            out.append(_score(tag, coder_a, coder_b, match, len(shared), *totals))
        if len(tags) > 1:
            out.append(_score(ALL_TAGS, coder_a, coder_b, match, len(shared), *pooled))
    return out


def span_scores(
    articles: Iterable[CodedArticle],
    spans: Iterable[Span],
    *,
    tags: Sequence[str] | None = None,
) -> list[SpanScore]:
    """Exact and overlap precision, recall and F1 for every pair of coders (alphabetical, first as reference)."""
    articles = list(articles)
    spans = check_spans(articles, spans)
    if tags is None:
        tags = sorted({s.tag for s in spans})
    coders = sorted({c for a in articles for c in a.coders})
    out = []
    for a, b in combinations(coders, 2):
        out += pair_scores(articles, spans, a, b, list(tags))
    return out
