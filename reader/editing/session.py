"""Editing one article's annotations without a screen: the tag rules, undo and redo, stale reads.

Shared by every screen that edits annotations (reading, and next verification and adjudication).
Store calls run in a thread (`asyncio.to_thread`); the session's own state changes on the caller's
event loop, so a screen can show each change in the frame of the key that made it.

The rules:
- tagging a target with no annotation makes one; removing the last tag of an annotation without a
  note deletes it; an annotation opened for a note that was never written goes quietly;
- a person's keys change their own annotations only: on another person's annotation, a tag or a note
  goes on an annotation of their own over the same words, and delete is refused (`own`);
- every change is undoable: the undo stack holds (before, after) states, None for "no annotation";
- a read of the annotations that overlapped a write of this session may hold the state from before
  it (a letter of the note, a tag just made); it is not shown, and read again (`reload`).
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import dataclasses
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from reader.editing.verify import apply_decisions
from reader.model import (
    Annotation,
    Article,
    ArticleCode,
    Decision,
    Entity,
    Quote,
    Tag,
    Variable,
)
from reader.store import AnnotationGone, Store, now

RELOAD_TRIES = 4  # reads a reload makes while this session keeps writing, before it leaves it to the next poll

# One change, undoable: (what, before, after); what is "annotation", "decision" or "code", and
# before/after an Annotation, Decision or ArticleCode, or None for "there was none"; or "decisions",
# and before/after lists of Decisions (or None) made at once.
State = tuple[str, Any, Any]


@dataclass(frozen=True)
class TagChange:
    """What tagging did: the annotation after it (None: deleted), and whether the text was tagged anew
    because another session had deleted the annotation (`recreated`) or there was nothing left to untag
    (`gone`)."""

    after: Annotation | None
    new_tag: bool = False
    recreated: bool = False
    gone: bool = False


def span_key(annotation: Annotation) -> tuple[int, int, int]:
    return annotation.start, annotation.end, annotation.id


class AnnotationSession:
    """One article's annotations as this session edits them, with undo and redo."""

    def __init__(
        self,
        store: Store,
        article_id: int,
        user: str,
        annotations: list[Annotation],
        tags: list[Tag],
        article: Article | None = None,
        decisions: list[Decision] | None = None,
        variables: list[Variable] | None = None,
        codes: list[ArticleCode] | None = None,
    ):
        self.store = store
        self.article_id = article_id
        self.user = user
        self.annotations = sorted(annotations, key=span_key)
        self.tags = tags
        self.article = article  # with the machine's highlights, as analysed
        self.decisions = list(decisions or [])
        self.variables = list(variables or [])
        self.codes = {c.variable: c for c in codes or [] if c.author == user}
        self.undo_stack: list[State] = []
        self.redo_stack: list[State] = []
        self.reload_wanted = False  # a reload gave up while this session kept writing
        # Writes started or finished, and those under way: a read overlapping one of them is stale.
        self._edits = 0
        self._writing = 0

    # ------------------------------------------------------------ state

    @property
    def tag_map(self) -> dict[str, Tag]:
        return {t.name: t for t in self.tags}

    def tag_for_key(self, key: str) -> Tag | None:
        return next((t for t in self.tags if t.quick_key == key), None)

    def own(self, start: int, end: int, shown: Annotation | None = None) -> Annotation | None:
        """The annotation of this session's user that a tag or note on start..end goes on: `shown` (the
        one under the cursor) if it is theirs, else theirs over the same words, else None (make one).
        Another person's annotation is never changed by these keys (a second coder's tag once went
        onto the first coder's annotation)."""
        if shown is not None and shown.author == self.user:
            return shown
        return next((a for a in self.annotations if (a.start, a.end, a.author) == (start, end, self.user)), None)

    def find(self, annotation_id: int | None) -> Annotation | None:
        return next((a for a in self.annotations if a.id == annotation_id), None)

    def replace(self, annotation_id: int, new: Annotation | None) -> None:
        """One annotation changed, added or gone (None), without reading them all (25 ms on a long article)."""
        kept = [a for a in self.annotations if a.id != annotation_id]
        if new is not None:
            bisect.insort(kept, new, key=span_key)
        self.annotations = kept

    def set_note(self, annotation_id: int, note: str) -> None:
        self.annotations = [dataclasses.replace(a, note=note) if a.id == annotation_id else a for a in self.annotations]

    def record(self, before: Annotation | None, after: Annotation | None, what: str = "annotation") -> None:
        self.undo_stack.append((what, before, after))
        self.redo_stack.clear()

    # ------------------------------------------------------------ highlights as corrected

    def highlights(self) -> tuple[list[Entity], list[Quote]]:
        """The article's entities and quotations with every decision applied."""
        if self.article is None:
            return [], []
        return apply_decisions(self.article.text, self.article.entities, self.article.quotes, self.decisions)

    def set_analysis(self, entities: list[Entity], quotes: list[Quote], analyser: str | None) -> None:
        """A new analysis of the article (the decisions stay, and apply to it)."""
        if self.article is not None:
            self.article.entities, self.article.quotes = entities, quotes
            self.article.analyser = analyser or self.article.analyser

    def own_decision(self, kind: str, start: int, end: int) -> Decision | None:
        return next((d for d in self.decisions if (d.kind, d.start, d.end, d.author) == (kind, start, end, self.user)), None)

    def _replace_decision(self, old: Decision | None, new: Decision | None) -> None:
        kept = [d for d in self.decisions if old is None or d.key != old.key]
        if new is not None:
            kept = [d for d in kept if d.key != new.key] + [new]
        self.decisions = kept

    async def decide(self, decision: Decision) -> Decision:
        """Record this user's decision on a highlight (undoable)."""
        before = self.own_decision(decision.kind, decision.start, decision.end)
        after = await self.write(self.store.set_decision, dataclasses.replace(decision, author=self.user, decided_at=""))
        self._replace_decision(before, after)
        self.record(before, after, "decision")
        return after

    async def decide_all(self, decisions: list[Decision]) -> list[Decision]:
        """Record several decisions of this user at once: one transaction, one undo step."""
        befores = [self.own_decision(d.kind, d.start, d.end) for d in decisions]
        wanted = [dataclasses.replace(d, author=self.user, decided_at="") for d in decisions]
        afters = await self.write(self._set_decisions, wanted)
        for before, after in zip(befores, afters):
            self._replace_decision(before, after)
        self.record(befores, afters, "decisions")  # type: ignore[arg-type]
        return afters

    def _set_decisions(self, decisions: list[Decision]) -> list[Decision]:
        with self.store.transaction():
            return [self.store.set_decision(d) for d in decisions]

    async def set_code(self, variable: str, value: object) -> ArticleCode | None:
        """This user's value of an article variable (None: none), written at once and undoable."""
        before = self.codes.get(variable)
        after = await self.write(self.store.set_code, self.article_id, variable, self.user, value)
        self._replace_code(variable, after)
        self.record(before, after, "code")
        return after

    def _replace_code(self, variable: str, code: ArticleCode | None) -> None:
        if code is None:
            self.codes.pop(variable, None)
        else:
            self.codes[variable] = code

    # ------------------------------------------------------------ writes, counted

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Mark a write of this session (in any thread): reads overlapping it are stale."""
        self._edits += 1
        self._writing += 1
        try:
            yield
        finally:
            self._writing -= 1
            self._edits += 1

    async def write(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run a store write in a thread, counted."""
        with self.writing():
            return await asyncio.to_thread(fn, *args)

    async def reload(self) -> bool:
        """Read the annotations and codebook again; False (and `reload_wanted`) if this session kept writing.

        ReaderError and sqlite3.Error pass to the caller.
        """
        store, article_id = self.store, self.article_id
        for _ in range(RELOAD_TRIES):
            edits, writing = self._edits, self._writing
            annotations, tags, decisions, variables, codes = await asyncio.to_thread(
                lambda: (store.annotations(article_id), store.tags(), store.decisions(article_id),
                         store.variables(), store.article_codes(article_id, self.user))
            )
            if not writing and not self._writing and edits == self._edits:
                self.annotations, self.tags = sorted(annotations, key=span_key), tags
                self.decisions, self.variables = decisions, variables
                self.codes = {c.variable: c for c in codes}
                self.reload_wanted = False
                return True
        self.reload_wanted = True
        return False

    # ------------------------------------------------------------ the rules

    async def create(self, start: int, end: int, tags: list[str] | None = None) -> Annotation:
        """A new annotation of this session's user, recorded for undo."""
        made = await self.write(self.store.create_annotation, self.article_id, start, end, self.user, tags or [])
        self.record(None, made)
        self.replace(made.id, made)
        return made

    async def toggle_tag(self, name: str, start: int, end: int, annotation: Annotation | None) -> TagChange:
        """Add tag `name` to the annotation on the target, or take it off; see the module's rules."""
        new_tag = name not in self.tag_map
        if annotation is None:
            return TagChange(await self.create(start, end, [name]), new_tag=new_tag)
        store = self.store
        has_tag = name.lower() in (t.lower() for t in annotation.tags)
        if has_tag and len(annotation.tags) == 1 and not annotation.note.strip():
            await self.write(store.delete_annotation, annotation.id)
            after = None
        else:
            change = store.remove_tag if has_tag else store.add_tag
            try:
                after = await self.write(lambda: (change(annotation.id, name), store.find_annotation(annotation.id))[1])
            except AnnotationGone:  # deleted in another session: tag its text anew (untagging, nothing to do)
                if has_tag:
                    self.replace(annotation.id, None)
                    return TagChange(None, gone=True)
                made = await self.create(annotation.start, annotation.end, [name])
                self.replace(annotation.id, None)
                return TagChange(made, new_tag=new_tag, recreated=True)
        self.record(annotation, after)
        self.replace(annotation.id, after)
        return TagChange(after, new_tag=new_tag)

    async def delete(self, annotation: Annotation) -> None:
        await self.write(self.store.delete_annotation, annotation.id)
        self.record(annotation, None)
        self.replace(annotation.id, None)

    async def _apply(self, what: str, current: Any, wanted: Any) -> None:
        """Make the store hold `wanted` where it holds `current`."""
        if what == "decisions":  # several at once (decide_all): put back each, in one transaction
            await self.write(self._put_decisions, list(zip(current, wanted)))
            for now_held, then in zip(current, wanted):
                self._replace_decision(now_held, then)
            return
        if what == "decision":
            if wanted is None:
                await self.write(self.store.delete_decision, current)
            else:
                await self.write(self.store.set_decision, wanted)
            self._replace_decision(current, wanted)
        elif what == "code":
            variable = (wanted or current).variable
            await self.write(self.store.set_code, self.article_id, variable, self.user, None if wanted is None else wanted.value)
            self._replace_code(variable, wanted)
        elif wanted is None:
            if current is not None:
                await self.write(self.store.delete_annotation, current.id, current)
        else:
            await self.write(self.store.restore_annotation, wanted)

    def _put_decisions(self, pairs: list[tuple[Decision | None, Decision | None]]) -> None:
        with self.store.transaction():
            for current, wanted in pairs:
                if wanted is None:
                    if current is not None:
                        self.store.delete_decision(current)
                else:
                    self.store.set_decision(wanted)

    async def undo(self) -> tuple[bool, Any]:
        """Undo the last change: (False, None) when there is none, else (True, the state now held)."""
        return await self._step(self.undo_stack, self.redo_stack, undo=True)

    async def redo(self) -> tuple[bool, Any]:
        return await self._step(self.redo_stack, self.undo_stack, undo=False)

    async def _step(self, source: list[State], dest: list[State], undo: bool) -> tuple[bool, Any]:
        if not source:
            return False, None
        what, before, after = change = source.pop()
        current, wanted = (after, before) if undo else (before, after)
        try:
            await self._apply(what, current, wanted)
        except BaseException:
            source.append(change)
            raise
        dest.append(change)
        return True, wanted

    async def finish_note(self, before: Annotation | None, annotation_id: int | None, made: bool = False) -> None:
        """The note of `annotation_id` is closed: an annotation opened for a note never written goes
        (with its undo step); a note changed is one undo step, one with the annotation's making when
        it was `made` for this note."""
        after = self.find(annotation_id)
        if after is not None and after.author != self.user:  # another person's: never deleted or recorded from here
            return
        made_for_it = made and bool(self.undo_stack) and self.undo_stack[-1] == ("annotation", None, before)
        if after is not None and not after.tags and not after.note.strip():
            await self.write(self.store.delete_annotation, after.id)
            self.replace(after.id, None)
            if made_for_it:
                self.undo_stack.pop()
        elif before is not None and after is not None and before.note != after.note:
            if made_for_it:  # made for this note: one undo takes both away
                self.undo_stack[-1] = ("annotation", None, after)
            else:
                self.record(before, after)

    async def bring_back(self, annotation_id: int, note: str, known: Annotation | None) -> None:
        """The annotation whose note is being written was deleted elsewhere: put it back with the note."""
        known = self.find(annotation_id) or known
        if known is None or known.id != annotation_id:
            raise AnnotationGone(annotation_id)
        restored = dataclasses.replace(known, note=note, updated_at=now())
        await self.write(self.store.restore_annotation, restored)
        self.replace(annotation_id, restored)
