"""The help screen: every key, from reader.keys and the bindings (with the user's keymap)."""

from __future__ import annotations

from typing import Mapping

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.keys import TARGET_RULE, rows
from reader.widgets.lists import VimScroll


def keys_table(keymap: Mapping[str, str] | None = None) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for group, entries in rows(keymap):
        table.add_row(Text(group, style="bold underline"), "")
        for runs, what in entries:
            table.add_row("  ".join(" ".join(run) for run in runs), what)
        table.add_row("", "")
    table.add_row("", Text(TARGET_RULE, style="italic"))
    return table


class HelpScreen(ModalScreen[None]):
    """Lists every key; any of escape, q or ? closes it."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VimScroll(id="help"):
            yield Static(keys_table(getattr(self.app, "keymap", None)))

    def on_mount(self) -> None:
        self.query_one("#help").border_title = "reader: keys"
        self.query_one("#help").border_subtitle = "escape to close"
