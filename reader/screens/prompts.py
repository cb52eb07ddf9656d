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

from reader.colours import chip_style
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
        empty: bool = False,
    ):
        """`empty`: enter with nothing typed answers "" (else None, as escape does)."""
        super().__init__()
        self.empty = empty
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
        self.dismiss(event.value.strip() if self.empty else event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TagPrompt(Prompt):
    """A tag name, completed from the codebook (→ accepts the completion)."""

    def __init__(self, tags: list[Tag], system: str = "truecolor"):
        hint = Text()
        for tag in tags:
            hint.append(f" {tag.quick_key or ' '} ", style=chip_style(tag.colour, system))
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


class ChoicePrompt(ModalScreen[str | None]):
    """Pick one of `choices` (type to filter, ↓ ↑ to move, enter to pick) or, with `free`, type a new one.

    Answers the chosen string; `none_label`, if given, is offered first and answers "" (for "clear").
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
    ]

    def __init__(
        self, title: str, choices: list[str], *, free: bool = True, none_label: str | None = None, hint: str = "",
        keep_first: bool = False,
    ):
        """`keep_first`: the first choice is the current answer, offered (and highlighted) before `none_label`."""
        super().__init__()
        self.keep_first = keep_first
        self.prompt_title = title
        self.choices = [c for c in dict.fromkeys(choices) if c]
        self.free = free
        self.none_label = none_label
        self.hint = hint

    def compose(self) -> ComposeResult:
        from textual.widgets import OptionList

        with Vertical(classes="prompt"):
            yield InertInput(placeholder="type to filter" + (", or a new name" if self.free else ""))
            yield OptionList(id="choices")
            yield Static(self.hint or "enter: pick · escape: cancel", classes="hint")

    def on_mount(self) -> None:
        self.query_one(".prompt").border_title = self.prompt_title
        self._fill("")

    def _options(self, typed: str) -> list[tuple[str, str]]:
        """(shown, answer) pairs matching what is typed (ignoring case)."""
        words = typed.casefold().split()
        found = [(one_line(c), c) for c in self.choices if all(w in c.casefold() for w in words)]
        if self.none_label and not typed:
            found.insert(1 if self.choices and self.keep_first else 0, (self.none_label, ""))
        return found

    def _fill(self, typed: str) -> None:
        from textual.widgets import OptionList

        options = self.query_one("#choices", OptionList)
        self._shown = self._options(typed)
        options.set_options([shown for shown, _ in self._shown])
        options.highlighted = 0 if self._shown else None

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def action_move(self, step: int) -> None:
        from textual.widgets import OptionList

        options = self.query_one("#choices", OptionList)
        if self._shown:
            options.highlighted = ((options.highlighted or 0) + step) % len(self._shown)

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        from textual.widgets import OptionList

        highlighted = self.query_one("#choices", OptionList).highlighted
        typed = " ".join(event.value.split())
        if highlighted is not None and self._shown:
            self.dismiss(self._shown[highlighted][1])
        elif typed and self.free:
            self.dismiss(typed)
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
