"""Machine highlights as people corrected them: decisions applied, checked counts, speaker candidates.

No Textual. What the app shows, the panel's lists and the exports all take highlights through
`apply_decisions`, so what leaves reader is what a person decided.

A decision applies to the machine highlight of its kind whose span is the decision's, or, after a
re-analysis moved the span, the one that covers at least half of the longer of the two (the rule
the benchmarks use to match quotations). When several people decided on one highlight, the latest
decision shows (one author's only, when `apply_decisions` is given their decisions only).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Iterable, Sequence

from reader.model import Decision, Entity, Quote

PEOPLE_AND_ORGANISATIONS = ("PERSON", "ORG")


def overlap_matches(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """True when the two spans overlap over at least half of the longer."""
    overlap = min(a_end, b_end) - max(a_start, b_start)
    return overlap > 0 and 2 * overlap >= max(a_end - a_start, b_end - b_start)


def _latest(decisions: Iterable[Decision], kind: str) -> dict[tuple[int, int], Decision]:
    latest: dict[tuple[int, int], Decision] = {}
    for decision in decisions:  # oldest first: a later one replaces an earlier one
        if decision.kind == kind:
            latest[(decision.start, decision.end)] = decision
    return latest


def _decision_for(start: int, end: int, decided: dict[tuple[int, int], Decision], used: set) -> Decision | None:
    exact = decided.get((start, end))
    if exact is not None:
        used.add((start, end))
        return exact
    for span, decision in decided.items():
        if span not in used and not decision.added and overlap_matches(start, end, *span):
            used.add(span)
            return decision
    return None


def apply_decisions(
    text: str, entities: Sequence[Entity], quotes: Sequence[Quote], decisions: Iterable[Decision],
    pairs: dict | None = None,
) -> tuple[list[Entity], list[Quote]]:
    """The highlights as corrected: rejected ones gone, corrected ones changed, added quotations in,
    each with its status (machine, confirmed, corrected).

    `pairs`, if given, is filled with each decided machine highlight's (kind, start, end) and what
    became of it (with status "rejected" if rejected), and with ("added", start, end) for each quotation a
    person added."""
    pairs = {} if pairs is None else pairs
    decisions = list(decisions)
    if not decisions:  # most articles: nothing to apply (24,000 lookups on a 1 MB article's first paint)
        return list(entities), sorted(quotes, key=lambda q: (q.start, q.end))
    on_entities, on_quotes = _latest(decisions, "entity"), _latest(decisions, "quote")

    def corrected(kind: str, items: Sequence[Any], on: dict, correct: Callable[[Any, Decision], Any], used: set) -> list:
        """`items` as decided: unchanged, corrected, or (rejected) left out and kept in `pairs`;
        the decided spans that applied go into `used`."""
        shown = []
        for item in items:
            decision = _decision_for(item.start, item.end, on, used)
            if decision is None:
                shown.append(item)
                continue
            if decision.status != "rejected":
                shown.append(correct(item, decision))
                pairs[(kind, item.start, item.end)] = shown[-1]
            else:
                pairs[(kind, item.start, item.end)] = dataclasses.replace(item, status="rejected", decided_by=decision.author)
        return shown

    def corrected_entity(entity: Entity, decision: Decision) -> Entity:
        canonical = entity.canonical if decision.canonical is None else (decision.canonical or None)
        return dataclasses.replace(entity, label=decision.label or entity.label, canonical=canonical, status=decision.status,
                                   decided_by=decision.author)

    shown_entities: list[Entity] = corrected("entity", entities, on_entities, corrected_entity, set())
    used: set = set()
    shown_quotes: list[Quote] = corrected("quote", quotes, on_quotes, lambda q, d: _corrected_quote(text, q, d), used)
    for span, decision in on_quotes.items():
        if decision.added and decision.status != "rejected" and span not in used:
            start, end = decision.new_start or decision.start, decision.new_end or decision.end
            if 0 <= start < end <= len(text):
                shown_quotes.append(Quote(start, end, text[start:end], decision.speaker or None, status=decision.status,
                                          decided_by=decision.author, added=True))
                pairs[("added", start, end)] = shown_quotes[-1]
    shown_quotes.sort(key=lambda q: (q.start, q.end))
    return shown_entities, shown_quotes


def _corrected_quote(text: str, quote: Quote, decision: Decision) -> Quote:
    changes: dict[str, object] = {"status": decision.status, "decided_by": decision.author}
    if decision.speaker is not None and (decision.speaker or None) != quote.speaker:  # "" clears the speaker
        # The machine's mention, source and cue were the words that made its attribution: they do not
        # attribute the quotation to the person's speaker, so they go with the machine's name.
        changes.update(speaker=decision.speaker or None, speaker_start=None, speaker_end=None,
                       source_start=None, source_end=None, cue=None, cue_start=None, cue_end=None)
    if decision.new_start is not None and decision.new_end is not None and 0 <= decision.new_start < decision.new_end <= len(text):
        changes.update(start=decision.new_start, end=decision.new_end, text=text[decision.new_start : decision.new_end])
    return dataclasses.replace(quote, **changes)


def checked(quotes: Sequence[Quote], entities: Sequence[Entity] = ()) -> dict[str, tuple[int, int]]:
    """How many of the article's quotations, speakers and entities a person has checked: (checked, all)."""
    speakers = [q for q in quotes if q.speaker]
    return {
        "quotations": (sum(q.status != "machine" for q in quotes), len(quotes)),
        "speakers": (sum(q.status != "machine" for q in speakers), len(speakers)),
        "entities": (sum(e.status != "machine" for e in entities), len(entities)),
    }


def speaker_candidates(entities: Sequence[Entity], near: int) -> list[str]:
    """The article's people and organisations as speakers to choose from, the nearest mention first."""
    best: dict[str, int] = {}
    for entity in entities:
        if entity.label in PEOPLE_AND_ORGANISATIONS:
            distance = abs(entity.start - near)
            name = entity.name
            if name not in best or distance < best[name]:
                best[name] = distance
    return sorted(best, key=lambda name: (best[name], name))
