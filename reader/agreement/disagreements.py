"""What two coders of an article did differently, item by item, in article order: what adjudication walks.

Headless: plain records in (reader's model types), items out. An item is one thing the
adjudicated layer must settle:

- a variable: each coder's value (None: left blank);
- a span: a run of overlapping annotations of either coder (their tagged annotations only:
  an annotation without a tag marks nothing, as in agreement); the coders agree when they
  marked the same extents with the same tags;
- a quotation or an entity: each coder's decision on the machine's highlight (None: they left it
  as the machine found it), compared by what it makes of the highlight (a quotation or not, its
  extent and its speaker, names compared as `reader.agreement.quotes` does; an entity or not, its
  kind and its link). A quotation only one coder added is the other's "no quotation".

Agreed items are listed too (`what` is ""): the adjudicated layer copies them, so it is complete.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from reader.agreement.quotes import normalise_speaker
from reader.model import Annotation, ArticleCode, Decision, Entity, Quote, Variable

KINDS = ("variable", "span", "quote", "entity")


@dataclass(frozen=True)
class Item:
    """One item of an article for two coders: their versions, and what differs ("" when they agree).

    `versions` are coder A's and B's: a value (variable), a tuple of annotations (span), a
    decision or None (quote, entity). `start`/`end`: where it is in the text (0, 0 for a variable).
    """

    article_id: int
    kind: str
    key: str
    start: int
    end: int
    coders: tuple[str, str]
    versions: tuple[Any, Any]
    what: str = ""
    machine: Quote | Entity | None = None  # the machine's highlight a decision is on (None: an added quotation)

    @property
    def agreed(self) -> bool:
        return not self.what


def _value_key(value: Any) -> Any:
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, list):
        return tuple(sorted(str(v) for v in value))
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


def _extents(annotations: Iterable[Annotation]) -> dict[tuple[int, int], frozenset[str]]:
    """A coder's tagged extents: (start, end) -> the tags on it (two annotations on one extent pool their tags)."""
    found: dict[tuple[int, int], set[str]] = defaultdict(set)
    for a in annotations:
        found[(a.start, a.end)].update(t.casefold() for t in a.tags)
    return {span: frozenset(tags) for span, tags in found.items()}


def _clusters(annotations: Sequence[Annotation]) -> list[list[Annotation]]:
    """Annotations in runs of overlapping ones, in text order."""
    runs: list[list[Annotation]] = []
    end = -1
    for a in sorted(annotations, key=lambda a: (a.start, a.end, a.id)):
        if runs and a.start < end:
            runs[-1].append(a)
            end = max(end, a.end)
        else:
            runs.append([a])
            end = a.end
    return runs


def _span_items(article_id: int, coders: tuple[str, str], annotations: Iterable[Annotation]) -> list[Item]:
    a_name, b_name = coders
    tagged = [a for a in annotations if a.author in coders and a.tags]
    items = []
    for run in _clusters(tagged):
        mine = tuple(x for x in run if x.author == a_name)
        theirs = tuple(x for x in run if x.author == b_name)
        a_extents, b_extents = _extents(mine), _extents(theirs)
        if a_extents == b_extents:
            what = ""
        elif not theirs:
            what = f"only {a_name} marked"
        elif not mine:
            what = f"only {b_name} marked"
        elif set(a_extents) == set(b_extents):
            what = "different tags"
        else:
            what = "different extents"
        start, end = min(x.start for x in run), max(x.end for x in run)
        items.append(Item(article_id, "span", f"span:{start}-{end}", start, end, coders, (mine, theirs), what))
    return items


def quote_state(decision: Decision | None, machine: Quote | None) -> tuple | None:
    """What a decision makes of a quotation: None (not one), else (start, end, speaker as compared)."""
    if decision is None:
        if machine is None:
            return None
        return machine.start, machine.end, normalise_speaker(machine.speaker)
    if decision.status == "rejected":
        return None
    start = decision.new_start if decision.new_start is not None else decision.start
    end = decision.new_end if decision.new_end is not None else decision.end
    if decision.speaker is not None:
        speaker = decision.speaker or None  # "" cleared it
    else:
        speaker = machine.speaker if machine is not None else None
    return start, end, normalise_speaker(speaker)


def entity_state(decision: Decision | None, machine: Entity) -> tuple | None:
    """What a decision makes of an entity: None (not one), else (kind, the entity it is linked to)."""
    if decision is not None and decision.status == "rejected":
        return None
    label = decision.label if decision is not None and decision.label else machine.label
    canonical = machine.canonical
    if decision is not None and decision.canonical is not None:
        canonical = decision.canonical or None
    return label, canonical


def _highlight_items(
    article_id: int, coders: tuple[str, str], decisions: Iterable[Decision],
    entities: Sequence[Entity], quotes: Sequence[Quote],
) -> list[Item]:
    a_name, b_name = coders
    machine_quotes = {(q.start, q.end): q for q in quotes}
    machine_entities = {(e.start, e.end): e for e in entities}
    decided: dict[tuple[str, int, int], dict[str, Decision]] = defaultdict(dict)
    for d in decisions:
        if d.author in coders:
            decided[(d.kind, d.start, d.end)][d.author] = d
    items = []
    for (kind, start, end), by in decided.items():
        mine, theirs = by.get(a_name), by.get(b_name)
        if kind == "quote":
            machine = machine_quotes.get((start, end))
            if machine is None and not any(d.added for d in by.values()):
                continue  # the machine no longer finds that quotation
            a_state, b_state = quote_state(mine, machine), quote_state(theirs, machine)
            if a_state == b_state:
                what = ""
            elif a_state is None or b_state is None:
                what = "added by one coder" if machine is None else "a quotation or not"
            elif a_state[:2] != b_state[:2]:
                what = "different extents" if a_state[2] == b_state[2] else "different extents and speakers"
            else:
                what = "different speakers"
        elif kind == "entity":
            machine = machine_entities.get((start, end))
            if machine is None:
                continue
            a_state, b_state = entity_state(mine, machine), entity_state(theirs, machine)
            if a_state == b_state:
                what = ""
            elif a_state is None or b_state is None:
                what = "an entity or not"
            elif a_state[0] != b_state[0]:
                what = "different kinds"
            else:
                what = "different links"
        else:
            continue
        items.append(Item(article_id, kind, f"{kind}:{start}-{end}", start, end, coders, (mine, theirs), what, machine))
    return items


def article_items(
    article_id: int,
    coders: tuple[str, str],
    *,
    variables: Sequence[Variable] = (),
    codes: Iterable[ArticleCode] = (),
    annotations: Iterable[Annotation] = (),
    decisions: Iterable[Decision] = (),
    entities: Sequence[Entity] = (),
    quotes: Sequence[Quote] = (),
) -> list[Item]:
    """Every item of one article for the two coders, agreed or not: its variables first (in codebook order),
    then its spans and highlights in text order. A variable neither coder coded, and a highlight neither
    decided on, is no item."""
    if len(coders) != 2 or coders[0] == coders[1]:
        raise ValueError("adjudication compares two different coders")
    a_name, b_name = coders
    values: dict[str, dict[str, Any]] = defaultdict(dict)
    for code in codes:
        if code.author in coders:
            values[code.variable.casefold()][code.author] = code.value
    items = []
    for variable in variables:
        coded = values.get(variable.name.casefold(), {})
        mine, theirs = coded.get(a_name), coded.get(b_name)
        a_key, b_key = _value_key(mine), _value_key(theirs)
        if a_key is None and b_key is None:
            continue
        if a_key == b_key:
            what = ""
        elif b_key is None:
            what = f"only {a_name} coded"
        elif a_key is None:
            what = f"only {b_name} coded"
        else:
            what = "different values"
        items.append(Item(article_id, "variable", f"variable:{variable.name}", 0, 0, coders, (mine, theirs), what))
    rest = _span_items(article_id, coders, annotations) + _highlight_items(article_id, coders, decisions, entities, quotes)
    rest.sort(key=lambda i: (i.start, i.end, KINDS.index(i.kind)))
    return items + rest


def disagreements(items: Iterable[Item]) -> list[Item]:
    """The items the coders did not agree on, in the order given."""
    return [i for i in items if not i.agreed]


# -- each version in words, for the screen -------------------------------------------------------


def _excerpt(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def describe_version(item: Item, version: Any) -> str:
    """One coder's version of an item in a few words: "negative", "claim, source «the bridge …»", "not a quotation"."""
    if item.kind == "variable":
        if _value_key(version) is None:
            return "(blank)"
        return ", ".join(map(str, version)) if isinstance(version, list) else str(version)
    if item.kind == "span":
        if not version:
            return "(not marked)"
        return "; ".join(
            f"{', '.join(a.tags)} «{_excerpt(a.exact)}»" + (" + note" if a.note.strip() else "") for a in version
        )
    if item.kind == "quote":
        state = quote_state(version, item.machine)  # type: ignore[arg-type]
        if state is None:
            return "not a quotation"
        speaker = version.speaker if version is not None and version.speaker is not None else (
            item.machine.speaker if item.machine is not None else None  # type: ignore[union-attr]
        )
        told = f"quotation, speaker {speaker}" if speaker else "quotation, no speaker"
        if (state[0], state[1]) != (item.start, item.end):
            told += f", extent {state[0]}-{state[1]}"
        return told + (" (as the machine found it)" if version is None else "")
    state = entity_state(version, item.machine)  # type: ignore[arg-type]
    if state is None:
        return "not an entity"
    label, canonical = state
    return f"{label}" + (f", is {canonical}" if canonical else "") + (" (as the machine found it)" if version is None else "")
