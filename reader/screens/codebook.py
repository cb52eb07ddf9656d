"""Editing the codebook: tags, their quick keys, colours and descriptions."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Label, Static

from reader.colours import ColourError, chip_style, colour_system, parse_colour
from reader.errors import ReaderError
from reader.model import Tag
from reader.text.inert import one_line
from reader.widgets.inert import InertInput
from reader.widgets.lists import VimDataTable

if TYPE_CHECKING:
    from reader.app import ReaderApp


class TagForm(ModalScreen[dict | None]):
    """Edit one tag; enter in any field saves, escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, tag: Tag | None):
        super().__init__()
        self.tag = tag

    def compose(self) -> ComposeResult:
        tag = self.tag
        with Vertical(classes="prompt"):
            yield Label("name")
            yield InertInput(tag.name if tag else "", id="name")
            yield Label("quick key (1-9, or empty)")
            yield InertInput(tag.quick_key or "" if tag else "", id="quick_key", max_length=1, restrict=r"[1-9]?")
            yield Label("colour (a name such as red, or #rrggbb; empty: one of its own)")
            yield InertInput(tag.colour if tag else "", id="colour")
            yield Label("description")
            yield InertInput(tag.description if tag else "", id="description")
            yield Label("enter saves · escape cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one(".prompt").border_title = "edit tag" if self.tag else "new tag"

    @on(Input.Submitted)
    def _save(self) -> None:
        values = {i.id: i.value.strip() for i in self.query(Input)}
        if not values["name"]:
            self.notify("A tag needs a name.", severity="error")
            return
        if not values["colour"]:
            del values["colour"]  # a new tag takes one of its own; an edited one keeps its colour
        else:
            try:  # the colours Rich draws tags with (reader.colours), in their stored spelling
                values["colour"] = parse_colour(values["colour"])
            except ColourError as exc:
                self.notify(f"Unknown colour: {exc}", severity="error")
                return
        values["quick_key"] = values["quick_key"] or None
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CodebookScreen(Screen[None]):
    """The codebook as a table."""

    BINDINGS = [
        Binding("enter", "edit", "Edit", id="codebook_edit"),
        Binding("n", "new", "New tag", id="codebook_new"),
        Binding("d", "delete", "Delete", id="codebook_delete"),
        Binding("escape,q", "close", "Back", id="codebook_back"),
    ]

    @property
    def reader(self) -> ReaderApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static("Codebook", id="library-title")
        yield VimDataTable(id="tags", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("key", "tag", "description")
        self.refresh_table()
        table.focus()

    def refresh_table(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        self.tags = self.reader.store.tags()
        system = colour_system(self.app.console.color_system)
        for tag in self.tags:
            name = Text(f" {one_line(tag.name)} ", style=chip_style(tag.colour, system))
            table.add_row(tag.quick_key or "", name, Text(one_line(tag.description)), key=str(tag.id))
        if self.tags:
            table.move_cursor(row=min(row, len(self.tags) - 1))

    def _current(self) -> Tag | None:
        table = self.query_one(DataTable)
        return self.tags[table.cursor_row] if self.tags and table.cursor_row < len(self.tags) else None

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        tag = self._current()
        if tag is not None:
            self.app.push_screen(TagForm(tag), lambda values: self._saved(tag, values))

    def action_new(self) -> None:
        self.app.push_screen(TagForm(None), lambda values: self._saved(None, values))

    async def _saved(self, tag: Tag | None, values: dict | None) -> None:
        """Write the form's values, off the UI thread like every write."""
        if not values:
            return
        store = self.reader.store
        key = values.get("quick_key")
        had_key = next((t for t in self.tags if key and t.quick_key == key and (tag is None or t.id != tag.id)), None)

        def write() -> None:
            saved = tag if tag is not None else store.ensure_tag(values["name"])
            store.update_tag(saved.id, **values)

        try:
            await asyncio.to_thread(write)
        except ReaderError as exc:
            self.notify(str(exc), severity="error")
        else:
            if had_key is not None:
                self.notify(f"Key {key} moved from '{had_key.name}' to '{values['name']}'.", timeout=5)
        self.refresh_table()

    def action_delete(self) -> None:
        from reader.screens.prompts import Prompt

        tag = self._current()
        if tag is None:
            return
        self.app.push_screen(
            Prompt(f"delete tag '{tag.name}'?", "type yes to delete", "Annotations keep their notes but lose this tag."),
            lambda answer: self._delete(tag, answer),
        )

    async def _delete(self, tag: Tag, answer: str | None) -> None:
        if (answer or "").lower() == "yes":
            try:
                await asyncio.to_thread(self.reader.store.delete_tag, tag.id)
            except ReaderError as exc:
                self.notify(str(exc), severity="error")
                return
            self.notify(f"Tag '{tag.name}' deleted.")
            self.refresh_table()

    def action_close(self) -> None:
        self.dismiss(None)
