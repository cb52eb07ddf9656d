"""Small modal prompts: a tag name with completion, a file path."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static

from reader.inert import one_line
from reader.model import Tag
from reader.widgets.inert import InertInput


class Prompt(ModalScreen[str | None]):
    """Ask for one line of text; enter answers, escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, placeholder: str = "", hint: Text | str = "", suggestions: list[str] | None = None, value: str = ""):
        super().__init__()
        self.prompt_title = title
        self.placeholder = placeholder
        self.hint = hint
        self.suggestions = suggestions
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt"):
            suggester = SuggestFromList(self.suggestions, case_sensitive=False) if self.suggestions else None
            yield InertInput(value=self.value, placeholder=self.placeholder, suggester=suggester)
            yield Static(self.hint, classes="hint")

    def on_mount(self) -> None:
        self.query_one(".prompt").border_title = self.prompt_title

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TagPrompt(Prompt):
    """A tag name, completed from the codebook (→ accepts the completion)."""

    def __init__(self, tags: list[Tag]):
        hint = Text()
        for tag in tags:
            hint.append(f" {tag.quick_key or ' '} ", style=f"bold reverse {tag.colour}")
            hint.append(f" {one_line(tag.name)}  ")
        hint.append("\nA tag the target has is removed; a new name joins the codebook.", style="dim")
        names = [t.name for t in tags if one_line(t.name) == t.name]  # a name holding control characters is not offered
        super().__init__("tag (enter: toggle, →: complete, escape: cancel)", "tag name", hint, names)
