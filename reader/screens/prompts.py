"""Small modal prompts: a tag name with completion, a file path."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester, SuggestFromList
from textual.widgets import Input, Static

from reader.colours import drawable
from reader.model import Tag
from reader.text.inert import one_line
from reader.widgets.inert import InertInput


class Prompt(ModalScreen[str | None]):
    """Ask for one line of text; enter answers, escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        title: str,
        placeholder: str = "",
        hint: Text | str = "",
        suggestions: list[str] | None = None,
        value: str = "",
        suggester: Suggester | None = None,
    ):
        super().__init__()
        self.prompt_title = title
        self.placeholder = placeholder
        self.hint = hint
        self.suggestions = suggestions
        self.value = value
        self.suggester = suggester

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt"):
            suggester = self.suggester or (SuggestFromList(self.suggestions, case_sensitive=False) if self.suggestions else None)
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
            hint.append(f" {tag.quick_key or ' '} ", style=f"bold reverse {drawable(tag.colour)}")
            hint.append(f" {one_line(tag.name)}  ")
        hint.append("\nA tag the target has is removed; a new name joins the codebook.", style="dim")
        names = [t.name for t in tags if one_line(t.name) == t.name]  # a name holding control characters is not offered
        super().__init__("tag (enter: toggle, →: complete, escape: cancel)", "tag name", hint, names)


class SuggestPath(Suggester):
    """Completes the last path typed (→ accepts): the one entry of its folder that starts so, or their common start."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return complete_path(value)


def complete_path(value: str) -> str | None:
    """`value` with its last word completed as a path; None when there is nothing to add."""
    import os

    last = value.rpartition(" ")[2]
    folder, _, start = os.path.expanduser(last).rpartition("/")
    folder = folder + "/" if last.count("/") else ""
    hidden = start.startswith(".")  # hidden files only when asked for
    try:
        names = [
            entry.name + ("/" if entry.is_dir() else "")
            for entry in os.scandir(folder or ".")
            if entry.name.startswith(start) and (hidden or not entry.name.startswith("."))
        ]
    except OSError:
        return None
    if not names:
        return None
    common = os.path.commonprefix(names)
    if len(common) <= len(start):
        return None
    return value + common[len(start):]
