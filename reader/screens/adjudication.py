"""The adjudication screen: every disagreement of two coders of the last assignment, in article order.

The article shows the adjudicated layer as it stands (its annotations, codes and decisions) with
the item's words marked (each coder's extent, where they differ); below it, coder A's version and
coder B's side by side, and the layer's. a / b take A's or B's version, m both, e edits the layer
by hand (the coding form, the tag prompt, the speaker or kind list); each moves on to the next
item. n / p walk, u undoes the last change. The rules and writes are `reader.adjudication`'s; this
screen only shows them and runs them off the UI thread.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from reader import adjudication as adj
from reader.agreement.disagreements import Item, describe_version
from reader.editing.verify import apply_decisions, speaker_candidates
from reader.errors import ReaderError
from reader.model import ADJUDICATED, Adjudication, Article
from reader.text.inert import excerpt, one_line, plural
from reader.widgets.article_view import ArticleView

if TYPE_CHECKING:
    from reader.app import ReaderApp

NOT_A_QUOTATION = "(not a quotation)"
NOT_AN_ENTITY = "(not an entity)"
KINDS = {"variable": "variable", "span": "span", "quote": "quotation", "entity": "entity"}
LABELS = ["PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT", "LANGUAGE",
          "DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL", "CARDINAL"]


def settled_text(record: Adjudication | None) -> str:
    """How an item was settled, in words: "took ben's (carol, 2026-12-01 22:40)"."""
    if record is None:
        return "not settled yet"
    how = {"a": f"took {record.coder}'s", "b": f"took {record.coder}'s", "both": "took both",
           "edit": "edited", "agreed": "agreed"}[record.choice]
    return f"{how} ({record.decided_by}, {record.decided_at[:16].replace('T', ' ')})"


class AdjudicationScreen(Screen):
    """Walk the disagreements of an assignment (the last, unless given) and settle each in the adjudicated layer."""

    DEFAULT_CSS = """
    AdjudicationScreen ArticleView { height: 1fr; }
    AdjudicationScreen #item { height: auto; max-height: 12; padding: 0 1; border-top: hkey $primary 40%; }
    """

    BINDINGS = [
        Binding("a", "take('a')", "Take A", id="adjudicate_a", priority=True),
        Binding("b", "take('b')", "Take B", id="adjudicate_b", priority=True),
        Binding("m", "take('both')", "Both", id="adjudicate_both", priority=True),
        Binding("e", "edit", "Edit", id="adjudicate_edit", priority=True),
        Binding("N", "note", "Note", id="adjudicate_note", priority=True),
        Binding("n", "walk(1)", "Next", id="adjudicate_next", priority=True),
        Binding("p", "walk(-1)", "Previous", id="adjudicate_previous", priority=True),
        Binding("u", "undo", "Undo", id="adjudicate_undo", priority=True),
        Binding("escape", "close", "Back", id="adjudicate_close", priority=True),
    ]

    def __init__(self, coders: tuple[str, ...] = (), assignment_id: int | None = None) -> None:
        super().__init__()
        self.coders = coders
        self.assignment_id = assignment_id  # None: the open assignment, else the last
        self.assignment: Any = None
        self.pair: tuple[str, str] = ("", "")
        self.items: list[Item] = []
        self.index = 0
        self.records: dict[tuple[int, str], Adjudication] = {}
        self.undo_stack: list[adj.Undo] = []
        self.article: Article | None = None
        self.ready = asyncio.Event()

    @property
    def reader(self) -> ReaderApp:
        return self.app  # type: ignore[return-value]

    @property
    def view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def item(self) -> Item | None:
        return self.items[self.index] if self.items else None

    def compose(self) -> ComposeResult:
        yield ArticleView(id="adjudication-article")
        yield Static(id="item")  # its last line names the keys (a footer would list the article view's first)

    async def on_mount(self) -> None:
        self.view.focus()
        self.run_worker(self._start(), group="adjudication")

    async def _start(self) -> None:
        store, user = self.reader.store, self.reader.user

        def load() -> tuple[Any, tuple[str, str], int, list[Item], list[Adjudication]]:
            assignment = (store.get_assignment(self.assignment_id) if self.assignment_id is not None
                          else store.find_last_assignment())
            if assignment is None:
                raise ReaderError("No assignment yet: draw a sample first (reader assign --coders ana,ben --sample 20).")
            adj.check_ready(assignment, user)
            pair = adj.pair_of(assignment, self.coders)
            copied = adj.settle_agreed(store, assignment, pair, user)
            return assignment, pair, copied, adj.items(store, assignment, pair), store.adjudications(assignment.id)

        try:
            self.assignment, self.pair, copied, self.items, records = await asyncio.to_thread(load)
        except (ReaderError, sqlite3.Error) as exc:
            self.notify(one_line(str(exc)), severity="error", timeout=10)
            self.ready.set()  # keys pressed meanwhile find no items
            self.dismiss()
            return
        self.records = {(r.article_id, r.item): r for r in records}
        if copied:
            self.notify(f"{plural(copied, 'item')} both coders agreed on copied into the adjudicated layer.", timeout=5)
        if not self.items:
            self.notify(f"{self.pair[0]} and {self.pair[1]} agree on everything: nothing to adjudicate.", timeout=8)
        unsettled = [i for i, item in enumerate(self.items) if (item.article_id, item.key) not in self.records]
        self.index = unsettled[0] if unsettled else 0
        await self._show()
        self.ready.set()

    # ------------------------------------------------------------ showing an item

    async def _load_article(self, article_id: int) -> None:
        store = self.reader.store

        def read() -> tuple[Any, ...]:
            return (store.get_article(article_id), store.annotations(article_id), store.tags(),
                    store.decisions(article_id, ADJUDICATED), store.variables(), store.article_codes(article_id, ADJUDICATED))

        article, annotations, tags, decisions, variables, codes = await asyncio.to_thread(read)
        entities, quotes = apply_decisions(article.text, article.entities, article.quotes, decisions)
        shown = dataclasses.replace(article, entities=entities, quotes=quotes)
        layer = [a for a in annotations if a.author == ADJUDICATED]
        from reader.screens.coding import codes_line

        if self.article is None or self.article.id != article_id:
            self.view.load(shown, layer, tags)
        else:
            self.view.set_analysis(entities, quotes, article.analyser)
            self.view.set_annotations(layer, tags)
        self.article = shown
        self.view.set_codes(codes_line(variables, {c.variable: c.value for c in codes}))

    async def _show(self) -> None:
        item = self.item
        if item is None:
            self.query_one("#item", Static).update(Text("Nothing to adjudicate.", style="dim"))
            return
        try:
            await self._load_article(item.article_id)
            layer = await asyncio.to_thread(adj.layer_of, self.reader.store, item)
        except (ReaderError, sqlite3.Error) as exc:
            self.notify(one_line(str(exc)), severity="error", timeout=10)
            return
        marks = sorted({(a.start, a.end) for v in item.versions for a in v}) if item.kind == "span" else []
        if item.kind != "variable":
            self.view.set_matches(marks or [(item.start, item.end)])
            self.view.move_to(item.start, center=True)
        else:
            self.view.set_matches([])
            self.view.move_to(0)
        self.query_one("#item", Static).update(self._describe(item, layer))

    def _describe(self, item: Item, layer: Any) -> Group:
        """The item in words: where it is and what differs; A's and B's versions side by side; the layer's."""
        record = self.records.get((item.article_id, item.key))
        title = one_line(self.article.title if self.article else "")
        head = Text(overflow="ellipsis", no_wrap=True)
        subject = f"variable {item.key.split(':', 1)[1]}" if item.kind == "variable" else KINDS[item.kind]
        head.append(f"{self.index + 1}/{len(self.items)} ", style="bold")
        head.append(f"{subject}: {item.what}", style="bold")
        head.append(f" · article {item.article_id} “{title}”", style="dim")
        grid = Table.grid(expand=True, padding=(0, 2))
        grid.add_column(ratio=1)
        grid.add_column(ratio=1)
        a_text, b_text = (Text(one_line(describe_version(item, v))) for v in item.versions)
        grid.add_row(Text.assemble(("a · ", "bold"), (one_line(self.pair[0]), "bold"), ": ", a_text),
                     Text.assemble(("b · ", "bold"), (one_line(self.pair[1]), "bold"), ": ", b_text))
        shown = adj.describe_layer(item, layer) if record is not None else "—"
        settled = Text.assemble(("adjudicated: ", "bold"), one_line(shown), "  ", (settled_text(record), "dim"))
        hint = Text("a/b take A/B · m both · e edit · N note · n/p next/prev · u undo · esc back", style="dim")
        return Group(head, grid, settled, hint)

    # ------------------------------------------------------------ walking

    async def action_walk(self, step: int) -> None:
        await self.ready.wait()
        if not self.items:
            return
        index = self.index + step
        if not 0 <= index < len(self.items):
            self.notify("That was the last disagreement." if step > 0 else "This is the first disagreement.", timeout=3)
            return
        self.index = index
        await self._show()

    async def _advance(self) -> None:
        if self.index + 1 < len(self.items):
            self.index += 1
            await self._show()
            return
        left = [i for i in self.items if (i.article_id, i.key) not in self.records]
        await self._show()
        if left:
            self.notify(f"The last disagreement; {plural(len(left), 'disagreement')} not settled yet (p to go back).", timeout=5)
        else:
            self.notify(f"All {plural(len(self.items), 'disagreement')} settled: the adjudicated layer is complete.", timeout=8)

    async def _run(self, call: Callable[[], Any]) -> Any:
        """A store call in a thread; on failure the user is told (one line) and None returned."""
        try:
            return await asyncio.to_thread(call)
        except (ReaderError, sqlite3.Error) as exc:
            self.notify(one_line(str(exc)), severity="error", timeout=8)
            return None

    async def _refresh_record(self, item: Item) -> None:
        store = self.reader.store
        record = await asyncio.to_thread(store.find_adjudication, self.assignment.id, item.article_id, item.key)
        if record is None:
            self.records.pop((item.article_id, item.key), None)
        else:
            self.records[(item.article_id, item.key)] = record

    # ------------------------------------------------------------ settling

    async def action_take(self, choice: str) -> None:
        await self.ready.wait()
        item = self.item
        if item is None:
            return
        store, user = self.reader.store, self.reader.user
        change = await self._run(lambda: adj.settle(store, self.assignment.id, item, choice, user))
        if change is None:
            return
        self.undo_stack.append(change)
        await self._refresh_record(item)
        await self._advance()

    async def action_undo(self) -> None:
        await self.ready.wait()
        if not self.undo_stack:
            self.notify("Nothing to undo.", timeout=2)
            return
        change = self.undo_stack[-1]
        if await self._run(lambda: (adj.undo(self.reader.store, change), True)[1]) is None:
            return
        self.undo_stack.pop()
        await self._refresh_record(change.item)
        keys = [(i.article_id, i.key) for i in self.items]
        self.index = keys.index((change.item.article_id, change.item.key))
        await self._show()
        self.notify("Undone.", timeout=2)

    async def _edited(self, change: adj.Undo) -> None:
        """An edit of the current item was written: record it, once per edit."""
        store, user = self.reader.store, self.reader.user
        if await self._run(lambda: (adj.finish_edit(store, change, user), True)[1]) is None:
            return
        if not self.undo_stack or self.undo_stack[-1] is not change:
            self.undo_stack.append(change)
        await self._refresh_record(change.item)
        await self._show()

    async def action_edit(self) -> None:
        await self.ready.wait()
        item = self.item
        if item is None or self.article is None:
            return
        store = self.reader.store
        found = await self._run(lambda: (adj.begin_edit(store, self.assignment.id, item), store.variables(), store.tags()))
        if found is None:
            return
        change, variables, tags = found
        if item.kind == "variable":
            self._edit_variable(item, change, variables)
        elif item.kind == "span":
            self._edit_span(item, change, tags)
        elif item.kind == "quote":
            self._edit_quote(item, change)
        else:
            self._edit_entity(item, change)

    def _edit_variable(self, item: Item, change: adj.Undo, codebook: list[Any]) -> None:
        from reader.screens.coding import CodingScreen

        store = self.reader.store
        name = item.key.split(":", 1)[1]
        variables = [v for v in codebook if v.name.casefold() == name.casefold()]
        if not variables:
            self.notify(f"The codebook has no variable '{name}' any more.", severity="error", timeout=5)
            return
        value = change.layer.value if change.layer is not None else None

        async def set_code(variable: str, value: object) -> object:
            code = await self._run(lambda: store.set_code(item.article_id, variable, ADJUDICATED, value))
            await self._edited(change)
            return code

        self.app.push_screen(CodingScreen(f"adjudicated: {self.article.title}", variables, {variables[0].name: value}, set_code))

    def _edit_span(self, item: Item, change: adj.Undo, tags: list[Any]) -> None:
        """The tag prompt on the selection (v and moving make one), else on the item's whole extent."""
        from reader.screens.prompts import TagPrompt

        selection = self.view.target() if self.view.selection else None
        start, end = (selection.start, selection.end) if selection is not None else (item.start, item.end)
        if start < item.start or end > item.end:  # the layer of a neighbouring item is that item's to settle
            self.notify("The selection goes beyond this disagreement: select within it, or escape to clear it.", timeout=4)
            return
        store = self.reader.store

        async def chosen(name: str | None) -> None:
            if not name:
                return
            if await self._run(lambda: (adj.toggle_tag(store, item.article_id, start, end, name), True)[1]) is None:
                return
            self.view.clear_selection()
            await self._edited(change)

        self.app.push_screen(TagPrompt(tags), chosen)

    def _edit_quote(self, item: Item, change: adj.Undo) -> None:
        from reader.screens.prompts import ChoicePrompt

        store = self.reader.store
        names = [d.speaker for d in item.versions if d is not None and d.speaker]
        if item.machine is not None and getattr(item.machine, "speaker", None):
            names.append(item.machine.speaker)  # type: ignore[union-attr]
        names += speaker_candidates(self.article.entities if self.article else [], item.start)

        async def chosen(name: str | None) -> None:
            if name is None:
                return
            if name == NOT_A_QUOTATION:
                call = lambda: adj.set_reading(store, item, "rejected")
            else:
                call = lambda: adj.set_reading(store, item, "corrected", speaker=name)
            if await self._run(lambda: (call(), True)[1]) is not None:
                await self._edited(change)

        self.app.push_screen(ChoicePrompt(
            f"speaker of “{excerpt(self.article.text[item.start:item.end] if self.article else '', 40)}”",
            [NOT_A_QUOTATION, *names], none_label="(no speaker can be named)",
        ), chosen)

    def _edit_entity(self, item: Item, change: adj.Undo) -> None:
        from reader.screens.prompts import ChoicePrompt

        store = self.reader.store

        async def chosen(label: str | None) -> None:
            if not label:
                return
            if label == NOT_AN_ENTITY:
                call = lambda: adj.set_reading(store, item, "rejected")
            else:
                call = lambda: adj.set_reading(store, item, "corrected", label=label.upper())
            if await self._run(lambda: (call(), True)[1]) is not None:
                await self._edited(change)

        self.app.push_screen(ChoicePrompt("kind of the entity", [NOT_AN_ENTITY, *LABELS], free=False), chosen)

    async def action_note(self) -> None:
        """N: the note of the layer's annotation in this span item (the one under the cursor, if several)."""
        from reader.screens.prompts import Prompt

        await self.ready.wait()
        item = self.item
        if item is None or item.kind != "span":
            self.notify("Notes are on spans: this disagreement is not one.", timeout=3)
            return
        store = self.reader.store
        change = await self._run(lambda: adj.begin_edit(store, self.assignment.id, item))
        if change is None:
            return
        spans = list(change.layer)
        here = [a for a in spans if a.start <= self.view.cursor < a.end]
        if not spans:
            self.notify("The adjudicated layer has no span here yet: take a version (a, b, m) or tag one (e) first.", timeout=5)
            return
        if len(spans) > 1 and not here:
            self.notify("The layer has several spans here: put the cursor on one, then N.", timeout=4)
            return
        annotation = (here or spans)[0]
        shown = " / ".join(line.strip() for line in annotation.note.splitlines() if line.strip())

        async def typed(answer: str | None) -> None:
            if answer is None or answer == shown:  # nothing typed, or the note as it was: left as it is
                return
            if await self._run(lambda: (store.set_note(annotation.id, answer), True)[1]) is None:
                return
            await self._edited(change)

        self.app.push_screen(Prompt(f"note on «{excerpt(annotation.exact, 40)}» (adjudicated)", "a note",
                                    "enter: save · escape: cancel", value=shown), typed)

    def action_close(self) -> None:
        if self.view.selection:
            self.view.clear_selection()
            return
        self.dismiss()
