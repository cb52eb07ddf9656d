"""The adjudicated layer of an assignment: its items read from the store, each settled by taking a coder's version,
both, or an edit, and undone.

No Textual. The layer is ordinary annotations, article codes and decisions whose author is
`ADJUDICATED`, so every export, search and the agreement read it as they read a coder; the store's
adjudications table records, per item, how it was settled, whose version, who decided and when.
Items the coders agreed on are copied into the layer as "agreed" (`settle_agreed`), so the layer is
complete: every variable, span and decision either coder made is settled in it once every disagreement is.
Each write is one transaction; `settle` and `begin_edit` return an `Undo` that puts the item back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from reader.agreement.disagreements import (
    Item,
    article_items,
    describe_version,
    disagreements,
)
from reader.errors import ReaderError
from reader.model import ADJUDICATED, Adjudication, Annotation, Assignment, Decision

__all__ = ["ADJUDICATED", "Undo", "begin_edit", "check_ready", "describe_layer", "describe_version", "finish_edit", "items", "layer_of",
           "pair_of", "set_reading", "settle", "settle_agreed", "toggle_tag", "undo", "unsettled"]


def pair_of(assignment: Assignment, coders: Iterable[str] = ()) -> tuple[str, str]:
    """The two coders adjudication compares: `coders` if given (two of the assignment's), else its first two."""
    chosen = [c.strip() for c in coders if c.strip()]
    if not chosen:
        if len(assignment.coders) < 2:
            raise ReaderError(f"assignment '{assignment.name}' has fewer than two coders: nothing to adjudicate")
        return assignment.coders[0], assignment.coders[1]
    if len(chosen) != 2 or chosen[0] == chosen[1]:
        raise ReaderError("--coders names the two coders to adjudicate between (ana,ben)")
    unknown = [c for c in chosen if c not in assignment.coders]
    if unknown:
        raise ReaderError(f"'{unknown[0]}' is not a coder of assignment '{assignment.name}' ({', '.join(assignment.coders)})")
    return chosen[0], chosen[1]


def check_ready(assignment: Assignment, user: str) -> None:
    """Refuse (one line) to adjudicate an open assignment, or as the layer's own author."""
    if assignment.is_open:
        raise ReaderError(
            f"assignment '{assignment.name}' is open: close it first (reader assign --close), so no coder sees another's work"
        )
    if user == ADJUDICATED:
        raise ReaderError(f"'{ADJUDICATED}' is the layer's name, not a person: adjudicate under your own --user")


def article_items_from_store(store: Any, article_id: int, pair: tuple[str, str]) -> list[Item]:
    article = store.get_article(article_id)
    return article_items(
        article_id, pair,
        variables=store.variables(),
        codes=store.article_codes(article_id),
        annotations=store.annotations(article_id),
        decisions=store.decisions(article_id),
        entities=article.entities,
        quotes=article.quotes,
    )


def items(store: Any, assignment: Assignment, pair: tuple[str, str], agreed: bool = False) -> list[Item]:
    """The disagreements of the assignment between the pair, in article order (with `agreed`, every item)."""
    found: list[Item] = []
    for article_id in assignment.article_ids:
        article = article_items_from_store(store, article_id, pair)
        found += article if agreed else disagreements(article)
    return found


# -- the layer's state of one item -----------------------------------------------------------------------


@dataclass(frozen=True)
class Undo:
    """What the layer and the record held for an item before a change: putting them back undoes it."""

    assignment_id: int
    item: Item
    layer: Any  # an ArticleCode or None (variable), a tuple of annotations (span), a Decision or None
    record: Adjudication | None


def _variable(item: Item) -> str:
    return item.key.split(":", 1)[1]


def _anchor(item: Item) -> tuple[int, int]:
    start, end = item.key.split(":", 1)[1].split("-")
    return int(start), int(end)


def _layer(store: Any, item: Item) -> Any:
    if item.kind == "variable":
        name = _variable(item).casefold()
        return next((c for c in store.article_codes(item.article_id, ADJUDICATED) if c.variable.casefold() == name), None)
    if item.kind == "span":
        return tuple(a for a in store.annotations(item.article_id)
                     if a.author == ADJUDICATED and a.start < item.end and a.end > item.start)
    start, end = _anchor(item)
    return next((d for d in store.decisions(item.article_id, ADJUDICATED)
                 if (d.kind, d.start, d.end) == (item.kind, start, end)), None)


def _put(store: Any, item: Item, layer: Any) -> None:
    """Make the layer hold `layer` for the item (the form `_layer` returns; annotations keep their ids)."""
    if item.kind == "variable":
        store.set_code(item.article_id, _variable(item), ADJUDICATED, None if layer is None else layer.value)
        return
    if item.kind == "span":
        for current in _layer(store, item):
            store.delete_annotation(current.id)
        for annotation in layer:
            store.restore_annotation(annotation)
        return
    start, end = _anchor(item)
    store.delete_decision(Decision(item.article_id, item.kind, start, end, "confirmed", ADJUDICATED))
    if layer is not None:
        store.set_decision(layer)


def undo(store: Any, change: Undo) -> None:
    """Put the item back as it was before the change (layer and record), in one transaction."""
    item = change.item
    with store.transaction():
        _put(store, item, change.layer)
        if change.record is None:
            store.delete_adjudication(change.assignment_id, item.article_id, item.key)
        else:
            store.set_adjudication(change.record)


# -- settling an item ---------------------------------------------------------------------------------------


def _joined_notes(annotations: Iterable[Annotation]) -> str:
    notes = list(dict.fromkeys(a.note.strip() for a in annotations if a.note.strip()))
    return "\n".join(notes)


def _span_copies(versions: Iterable[tuple[Annotation, ...]]) -> list[tuple[int, int, list[str], str]]:
    """(start, end, tags, note) of the layer's annotations: one per extent, tags pooled in first-seen order."""
    by_extent: dict[tuple[int, int], list[Annotation]] = {}
    for version in versions:
        for a in version:
            by_extent.setdefault((a.start, a.end), []).append(a)
    copies = []
    for (start, end), group in sorted(by_extent.items()):
        tags = list(dict.fromkeys(t for a in group for t in a.tags))
        copies.append((start, end, tags, _joined_notes(group)))
    return copies


def _write(store: Any, item: Item, choice: str) -> None:
    """Write the chosen version(s) of the item into the layer, replacing what it held for the item."""
    # Agreed spans have the same extents and tags: both versions are copied so both coders' notes are kept.
    agreed = list(item.versions) if item.kind == "span" else [item.versions[0]]
    chosen = {"a": [item.versions[0]], "b": [item.versions[1]], "both": list(item.versions), "agreed": agreed}[choice]
    if item.kind == "variable":
        if choice == "both":
            values = [v for v in chosen if v not in (None, "", [])]
            if all(isinstance(v, list) for v in values):
                value: Any = list(dict.fromkeys(x for v in values for x in v))
            elif len({repr(v) for v in values}) <= 1:
                value = values[0] if values else None
            else:
                raise ReaderError("a variable holds one value: take A or B, or edit it (both is for multi-choice variables)")
        else:
            value = chosen[0]
        store.set_code(item.article_id, _variable(item), ADJUDICATED, value)
        return
    if item.kind == "span":
        for current in _layer(store, item):
            store.delete_annotation(current.id)
        for start, end, tags, note in _span_copies(chosen):
            store.create_annotation(item.article_id, start, end, ADJUDICATED, tags, note)
        return
    if choice == "both":  # the coders' readings differ, and a highlight has one
        raise ReaderError(f"a {'quotation' if item.kind == 'quote' else 'entity'} has one reading: take A or B, or edit it")
    decision = chosen[0]
    start, end = _anchor(item)
    store.delete_decision(Decision(item.article_id, item.kind, start, end, "confirmed", ADJUDICATED))
    if decision is not None:
        store.set_decision(dataclasses.replace(decision, author=ADJUDICATED, decided_at=""))
    elif item.machine is not None:  # the coder left the machine's reading: the layer says so explicitly
        store.set_decision(Decision(item.article_id, item.kind, start, end, "confirmed", ADJUDICATED))


def settle(store: Any, assignment_id: int, item: Item, choice: str, by: str) -> Undo:
    """Settle the item with coder A's version ("a"), B's ("b"), both ("both"), or as agreed ("agreed")."""
    if choice not in ("a", "b", "both", "agreed"):
        raise ValueError(f"not a choice: {choice!r}")
    with store.transaction():
        before = Undo(assignment_id, item, _layer(store, item), store.find_adjudication(assignment_id, item.article_id, item.key))
        _write(store, item, choice)
        coder = {"a": item.coders[0], "b": item.coders[1]}.get(choice)
        store.set_adjudication(Adjudication(assignment_id, item.article_id, item.key, choice, by, coder=coder))
    return before


def begin_edit(store: Any, assignment_id: int, item: Item) -> Undo:
    """Before the adjudicator edits the item's layer by hand: what undoing the edit puts back."""
    return Undo(assignment_id, item, _layer(store, item), store.find_adjudication(assignment_id, item.article_id, item.key))


def finish_edit(store: Any, change: Undo, by: str) -> None:
    """The item's layer was edited by hand: record it as settled by an edit."""
    item = change.item
    store.set_adjudication(Adjudication(change.assignment_id, item.article_id, item.key, "edit", by))


def settle_agreed(store: Any, assignment: Assignment, pair: tuple[str, str], by: str) -> int:
    """Copy every agreed item not yet settled into the layer ("agreed"); returns how many were copied."""
    count = 0
    with store.transaction():
        settled = {(a.article_id, a.item) for a in store.adjudications(assignment.id)}
        for item in items(store, assignment, pair, agreed=True):
            if item.agreed and (item.article_id, item.key) not in settled:
                _write(store, item, "agreed")
                store.set_adjudication(Adjudication(assignment.id, item.article_id, item.key, "agreed", by))
                count += 1
    return count


def layer_of(store: Any, item: Item) -> Any:
    """What the adjudicated layer holds for the item now (see `Undo.layer`)."""
    return _layer(store, item)


def describe_layer(item: Item, layer: Any) -> str:
    """The layer's version of the item in words, as a coder's is described."""
    if item.kind == "variable":
        return describe_version(item, None if layer is None else layer.value)
    return describe_version(item, layer)


def unsettled(store: Any, assignment: Assignment, pair: tuple[str, str]) -> list[Item]:
    """The disagreements no one has settled yet."""
    settled = {(a.article_id, a.item) for a in store.adjudications(assignment.id)}
    return [i for i in items(store, assignment, pair) if (i.article_id, i.key) not in settled]



# -- edits by hand, on the layer (the screen wraps each in begin_edit / finish_edit) -------------------------


def toggle_tag(store: Any, article_id: int, start: int, end: int, name: str) -> None:
    """Add tag `name` to the layer's annotation on [start, end), making it if need be, or take it off
    (the reading screen's rule: the last tag of an annotation without a note takes the annotation with it)."""
    current = next((a for a in store.annotations(article_id)
                    if a.author == ADJUDICATED and (a.start, a.end) == (start, end)), None)
    if current is None:
        store.create_annotation(article_id, start, end, ADJUDICATED, [name])
    elif name.casefold() not in (t.casefold() for t in current.tags):
        store.add_tag(current.id, name)
    elif len(current.tags) == 1 and not current.note.strip():
        store.delete_annotation(current.id)
    else:
        store.remove_tag(current.id, name)


def set_reading(store: Any, item: Item, status: str, **changes: Any) -> None:
    """The layer's own reading of a quotation or entity item: `status` confirmed, corrected or rejected, with
    `changes` (speaker=, label=) as a coder's decision has them."""
    start, end = _anchor(item)
    added = any(v is not None and v.added for v in item.versions)
    decision = Decision(item.article_id, item.kind, start, end, status, ADJUDICATED, added=added, **changes)
    with store.transaction():
        store.delete_decision(decision)
        store.set_decision(decision)
