"""The inputs of `reader.agreement`, read from the store for an assignment's articles and coders.

No Textual. The agreement package itself never sees the store: this module turns the
store's records into its plain types (docs/reliability.md says what each figure is).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

from reader import agreement as ag
from reader.errors import ReaderError
from reader.model import ADJUDICATED, Assignment
from reader.text.inert import plural

LEVELS = {
    "categorical": "nominal",
    "ordinal": "ordinal",
    "number": "interval",
    "multi": "multi",
}
"""A codebook variable's kind -> its level of measurement; text variables are not compared."""


@dataclass
class Inputs:
    """Everything `build_report` takes, plus what was left out and why (one line each)."""

    variables: list[ag.Variable] = field(default_factory=list)
    codings: list[ag.Coding] = field(default_factory=list)
    articles: list[ag.CodedArticle] = field(default_factory=list)
    spans: list[ag.Span] = field(default_factory=list)
    decisions: list[ag.QuoteDecision] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def report(self, seed: int = 0) -> ag.Report:
        return ag.build_report(
            variables=self.variables,
            codings=self.codings,
            articles=self.articles,
            spans=self.spans,
            decisions=self.decisions,
            tags=None,
            seed=seed,  # the tags some coder used
        )


def sample_size(spec: str, library: int) -> int:
    """`--sample` as a number of articles: a count ("20") or a share of the library ("10%", at least one)."""
    text = spec.strip()
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*%", text)
    if match:
        share = float(match.group(1))
        if not 0 < share <= 100:
            raise ReaderError(
                f"--sample {spec}: a share is more than 0% and at most 100%"
            )
        return max(1, round(library * share / 100))
    if not text.isdigit() or int(text) < 1:
        raise ReaderError(
            f"--sample {spec}: give a number of articles (20) or a share of the library (10%)"
        )
    count = int(text)
    if count > library:
        raise ReaderError(f"--sample {count}: the library has only {plural(library, 'article')}")
    return count


def draw_sample(article_ids: list[int], count: int, seed: int) -> list[int]:
    """`count` of the articles, drawn at random with `seed` (the same library and seed give the same sample)."""
    return sorted(random.Random(seed).sample(sorted(article_ids), count))


def agreement_variable(variable: Any) -> ag.Variable | None:
    """The agreement package's variable for a codebook variable, None for a text one."""
    level = LEVELS.get(variable.kind)
    if level is None:
        return None
    values = (
        tuple(v.value for v in variable.values)
        if level in ("nominal", "ordinal", "multi")
        else ()
    )
    return ag.Variable(variable.name, level, values)  # type: ignore[arg-type]


def inputs(store: Any, assignment: Assignment, reference: str | None = None) -> Inputs:
    """The agreement inputs of `assignment`: its coders' work on its articles, nothing else.

    With `reference`, that author's work too; the adjudicated layer counts as a coder of the articles
    where any item was settled (an article not adjudicated yet is missing for it, not a disagreement).
    """
    coders = set(assignment.coders)
    settled: set[int] | None = None
    if reference is not None:
        coders.add(reference)
        if reference == ADJUDICATED:
            settled = {a.article_id for a in store.adjudications(assignment.id)}
    out = Inputs()
    by_name: dict[str, ag.Variable] = {}
    for variable in store.variables():
        converted = agreement_variable(variable)
        if converted is None:
            out.skipped.append(f"variable '{variable.name}' is text: not compared")
            continue
        by_name[variable.name.casefold()] = converted
        out.variables.append(converted)
    for article_id in assignment.article_ids:
        article = store.get_article(article_id)
        who = coders & set(store.coders(article_id))
        if settled is not None and article_id not in settled:
            who.discard(ADJUDICATED)
        out.articles.append(
            ag.CodedArticle(article_id, len(article.text), frozenset(who))
        )
        for code in store.article_codes(article_id):
            variable = by_name.get(code.variable.casefold())
            if variable is None or code.author not in coders:
                continue
            value = code.value
            if variable.level == "multi":
                value = frozenset(value) if isinstance(value, list) else None
            out.codings.append(ag.Coding(variable.name, article_id, code.author, value))
        annotations = [a for a in store.annotations(article_id) if a.author in coders]
        out.spans += ag.spans_from_annotations(annotations)
        machine = {(q.start, q.end): q for q in article.quotes}
        for decision in store.decisions(article_id):
            if decision.kind != "quote" or decision.author not in coders:
                continue
            quote = machine.get((decision.start, decision.end))
            if quote is None and not decision.added:
                continue  # the machine no longer finds that quotation
            if decision.speaker is None:
                speaker = quote.speaker if quote is not None else None
            else:
                speaker = (
                    decision.speaker or None
                )  # "" cleared it: no speaker can be named
            out.decisions.append(
                ag.QuoteDecision(
                    f"{article_id}:{decision.start}-{decision.end}",
                    decision.author,
                    decision.status != "rejected",
                    speaker,
                )
            )
    return out
