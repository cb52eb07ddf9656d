"""The article's coding form: every article variable of the codebook, by keyboard.

↓ ↑ (j k) move between variables; a value's key, or ← → (h l), choose a value (for a multi-choice
variable, its key toggles it); enter types a number or text; backspace clears; escape closes.
Every change is written at once (through the reading screen's session, so `u` undoes it).
"""

from __future__ import annotations

from typing import Awaitable, Callable

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.model import Variable
from reader.text.inert import one_line

Setter = Callable[[str, object], Awaitable[object]]


def shown_value(variable: Variable, value: object) -> str:
    """A code as the article's header shows it."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def codes_line(variables: list[Variable], codes: dict[str, object]) -> str:
    """The header's line of codes: "tone: negative · frame: conflict" (empty when nothing is coded)."""
    parts = [f"{v.name}: {shown_value(v, codes[v.name])}" for v in variables if codes.get(v.name) not in (None, "", [])]
    return " · ".join(parts)


class CodingScreen(ModalScreen[None]):
    """Code the article: a line per variable, its values with their keys."""

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("left,h", "step(-1)", "Previous value", show=False),
        Binding("right,l", "step(1)", "Next value", show=False),
        Binding("backspace,delete", "clear", "Clear", show=False),
    ]

    def __init__(self, title: str, variables: list[Variable], codes: dict[str, object], set_code: Setter):
        super().__init__()
        self.article_title = title
        self.variables = variables
        self.codes = dict(codes)
        self.set_code = set_code

    def compose(self) -> ComposeResult:
        from reader.widgets.lists import VimOptionList

        with Vertical(id="coding"):
            yield VimOptionList(id="variables")
            yield Static(
                Text("a value's key or ← →: choose · enter: type a number or text · backspace: clear · escape: close",
                     style="dim"),
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one("#coding").border_title = f"code: {one_line(self.article_title)[:60]}"
        self._fill()
        self.query_one(OptionList).focus()

    def _line(self, variable: Variable) -> Text:
        value = self.codes.get(variable.name)
        line = Text()
        line.append(one_line(variable.name), style="bold")
        line.append(f"  ({variable.kind})", style="dim")
        if variable.description:
            line.append(f"  {one_line(variable.description)}", style="dim italic")
        line.append("\n  ")
        if variable.kind in ("number", "text"):
            line.append(shown_value(variable, value) or "—", style="bold" if value not in (None, "") else "dim")
            line.append("  (enter to type)", style="dim")
        else:
            chosen = set(value) if isinstance(value, list) else {value}
            for option in variable.values:
                mark = f"[{option.key}] " if option.key else ""
                on = option.value in chosen
                line.append(f" {mark}{one_line(option.value)} ", style="bold reverse" if on else "")
                line.append(" ")
        return line

    def _fill(self) -> None:
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        if not self.variables:
            options.set_options([Option(Text("No article variables yet: add them to the codebook (reader codebook import).",
                                             style="dim"), disabled=True)])
            return
        options.set_options([Option(self._line(v), id=f"v{i}") for i, v in enumerate(self.variables)])
        options.highlighted = highlighted if highlighted is not None else 0

    @property
    def current(self) -> Variable | None:
        index = self.query_one(OptionList).highlighted
        return self.variables[index] if self.variables and index is not None else None

    async def _set(self, variable: Variable, value: object) -> None:
        await self.set_code(variable.name, value)
        self.codes[variable.name] = value
        self._fill()

    async def on_key(self, event: events.Key) -> None:
        """A value's key chooses it (toggles it, for a multi-choice variable)."""
        variable = self.current
        if variable is None or not event.character or variable.kind in ("number", "text"):
            return
        option = next((o for o in variable.values if o.key and o.key == event.character), None)
        if option is None:
            return
        event.stop()
        event.prevent_default()
        if variable.kind == "multi":
            chosen = list(self.codes.get(variable.name) or [])
            chosen = [v for v in chosen if v != option.value] if option.value in chosen else chosen + [option.value]
            await self._set(variable, [o.value for o in variable.values if o.value in chosen])
        else:
            await self._set(variable, option.value)

    async def action_step(self, step: int) -> None:
        variable = self.current
        if variable is None or not variable.values or variable.kind == "multi":
            return
        values = [o.value for o in variable.values]
        now = self.codes.get(variable.name)
        index = values.index(now) + step if now in values else (0 if step > 0 else len(values) - 1)
        await self._set(variable, values[index % len(values)])

    async def action_clear(self) -> None:
        variable = self.current
        if variable is not None and self.codes.get(variable.name) not in (None, "", []):
            await self._set(variable, None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        variable = self.current
        if variable is None or variable.kind not in ("number", "text"):
            return
        from reader.screens.prompts import Prompt

        value = self.codes.get(variable.name)

        async def typed(answer: str | None) -> None:
            if answer is None:
                return
            if variable.kind == "number":
                try:
                    number = float(answer.replace(",", ""))
                except ValueError:
                    self.notify(f"{variable.name} is a number: {answer!r} is not one.", severity="error", timeout=5)
                    return
                if number != number or number in (float("inf"), float("-inf")):
                    self.notify(f"{variable.name} is a number: {answer!r} is not one.", severity="error", timeout=5)
                    return
                await self._set(variable, int(number) if number.is_integer() else number)
            else:
                await self._set(variable, answer)

        self.app.push_screen(Prompt(variable.name, variable.kind, variable.description, value="" if value is None else shown_value(variable, value)), typed)

    def action_close(self) -> None:
        self.dismiss(None)
