"""Agreement on where a tag goes: alpha over the characters of the coded articles.

For one tag, every character of every article in the sample is a unit, and every
coder who coded the article gives it a value: 1 if the character lies inside one of
their spans with that tag, 0 if not. Nominal alpha of that reliability data is
computed by the `krippendorff` package. docs/reliability.md explains the figure and
how it relates to Krippendorff's unitizing alpha (uα): the observed disagreement is
uα's, the expected disagreement treats characters rather than whole spans as what
chance rearranges.

Consequences, on purpose:
- A span only one coder marked is that coder's 1 against the other's 0 on each of its
  characters: disagreement, never missing.
- An article a coder did not code (not in `CodedArticle.coders`) is missing for that
  coder: their values there are absent, not 0.
- Agreement is weighted by length: a 300-character quotation tagged by one coder only
  weighs ten times a 30-character phrase.
- A coder's overlapping or touching spans with the same tag merge (a character is
  inside or not).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import combinations

import numpy as np

from reader.agreement.alpha import Agreement, Reliability, _reliability
from reader.agreement.data import CodedArticle, Span, Unit


def check_spans(articles: Sequence[CodedArticle], spans: Iterable[Span]) -> list[Span]:
    """The spans, checked against the sample; raises ValueError on the first bad one.

    A span on an article outside the sample, by a coder not listed as having coded
    the article, or outside the article's text is an error rather than silently left
    out: a figure computed from part of the data must not look like the whole.
    """
    by_id: dict[Unit, CodedArticle] = {}
    for article in articles:
        if article.article_id in by_id:
            raise ValueError(f"article {article.article_id!r} is listed twice")
        by_id[article.article_id] = article
    out = []
    for span in spans:
        article = by_id.get(span.article_id)
        if article is None:
            raise ValueError(f"a span by {span.coder!r} is on article {span.article_id!r}, which is not in the sample")
        if span.coder not in article.coders:
            raise ValueError(
                f"{span.coder!r} marked article {span.article_id!r} but is not listed as one of its coders"
            )
        if not 0 <= span.start < span.end <= article.length:
            raise ValueError(
                f"span {span.start}-{span.end} by {span.coder!r} is not inside article "
                f"{span.article_id!r} (length {article.length})"
            )
        out.append(span)
    return out


def character_counts(
    articles: Sequence[CodedArticle],
    spans: Sequence[Span],
    tag: str,
    coders: Iterable[str] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """For one tag: (counts, groups), one row per character of an article coded by two or more coders.

    `counts[i]` is [coders who did not mark character i, coders who did];
    `groups[i]` is the index of its article in `articles`. `coders` limits the data to
    those coders (a pair's figure). Articles with fewer than two of them are left out:
    nothing there can be compared.
    """
    wanted = None if coders is None else set(coders)
    by_article: dict[Unit, dict[str, list[tuple[int, int]]]] = {}
    for span in spans:
        if span.tag == tag and (wanted is None or span.coder in wanted):
            by_article.setdefault(span.article_id, {}).setdefault(span.coder, []).append((span.start, span.end))
    blocks, groups = [], []
    for position, article in enumerate(articles):
        present = sorted(article.coders if wanted is None else article.coders & wanted)
        if len(present) < 2 or article.length == 0:
            continue
        marked = np.zeros(article.length, dtype=np.int64)
        for ranges in by_article.get(article.article_id, {}).values():
            inside = np.zeros(article.length, dtype=bool)
            for start, end in ranges:
                inside[start:end] = True
            marked += inside
        blocks.append(np.stack([len(present) - marked, marked], axis=1))
        groups.append(np.full(article.length, position))
    if not blocks:
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(blocks), np.concatenate(groups)


def tag_reliability(
    articles: Sequence[CodedArticle],
    spans: Sequence[Span],
    tag: str,
    coders: Iterable[str] | None = None,
    *,
    bootstrap: int = 0,
    seed: int = 0,
) -> Reliability:
    """Alpha over characters for one tag (see the module's docstring).

    The bootstrap, when asked for, draws whole articles with replacement, since
    neighbouring characters are anything but independent. It is off by default:
    each resample is one alpha over every character (about 10 ms per 100,000
    characters here), so 1,000 of them take seconds per tag.
    """
    counts, groups = character_counts(articles, spans, tag, coders)
    wanted = None if coders is None else set(coders)
    compared = [articles[i] for i in np.unique(groups)]
    n_coders = len({c for a in compared for c in (a.coders if wanted is None else a.coders & wanted)})
    n_articles = len(compared)
    result = _reliability(
        counts, [False, True], "nominal", coders=n_coders, bootstrap=bootstrap, seed=seed, groups=groups
    )
    note = result.note
    if result.alpha is None and result.units:
        marked = int(counts[:, 1].sum())
        note = "undefined: no coder marked this tag" if marked == 0 else "undefined: every coder marked every character"
    elif result.units == 0:
        note = "no article was coded by two of these coders"
    where = f"{n_articles} article{'s' if n_articles != 1 else ''}"
    return Reliability(**{**result.__dict__, "note": f"{where}; {note}" if note else where})


def tag_agreement(
    articles: Iterable[CodedArticle],
    spans: Iterable[Span],
    *,
    tags: Sequence[str] | None = None,
    pairwise: bool = True,
    bootstrap: int = 0,
    seed: int = 0,
) -> list[Agreement]:
    """Per tag: alpha over characters among all coders, then per pair of coders (three or more coders).

    `tags` defaults to every tag a span has, sorted; give the codebook's tags to list
    unused ones too (their alpha is undefined, and says so).
    """
    articles = list(articles)
    spans = check_spans(articles, spans)
    if tags is None:
        tags = sorted({s.tag for s in spans})
    everyone = sorted({c for a in articles for c in a.coders})
    scopes: list[tuple[str, ...]] = [tuple(everyone)]
    if pairwise and len(everyone) > 2:
        scopes += list(combinations(everyone, 2))
    out = []
    for tag in tags:
        for scope in scopes:
            out.append(
                Agreement(
                    kind="tag",
                    subject=tag,
                    coders=scope,
                    unit="character",
                    result=tag_reliability(
                        articles, spans, tag, None if len(scope) == len(everyone) else scope,
                        bootstrap=bootstrap, seed=seed,
                    ),
                )
            )
    return out
