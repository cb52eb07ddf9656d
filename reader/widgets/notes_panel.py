"""The notes panel: the current target's tags and note, and lists to jump from."""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from typing import Callable

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.compose import compose
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.message import Message
from textual.timer import Timer
from textual.widgets import OptionList, Static, TabbedContent, TabPane, TextArea
from textual.widgets.option_list import Option
from textual.widgets.text_area import Edit, EditResult

from reader.colours import FALLBACK, chip_style, colour_system
from reader.model import Annotation, Article, Tag
from reader.text.highlights import Target
from reader.text.inert import excerpt, one_line
from reader.widgets.inert import InertLines
from reader.widgets.lists import VimOptionList

NOTE_STATES = {"": "", "saving": "saving…", "saved": "saved", "unsaved": "NOT SAVED"}
SLOW_SAVE_S = 0.25  # "saving…" shows only for a save slower than this
LIST_DELAY_S = 0.3  # the notes list follows tagging this long after the last change


class NoteEditor(InertLines, TextArea):
    """The note field; escape hands focus back to the article. Control characters show inert."""

    BINDINGS = [("escape", "done", "Back to article")]

    class Done(Message):
        """The user finished editing the note."""

    def action_done(self) -> None:
        self.post_message(self.Done())

    def edit(self, edit: Edit) -> EditResult:
        """Typing clears "saved" here, in the frame that draws the letter (TextArea.Changed comes after it)."""
        if self.border_subtitle == NOTE_STATES["saved"]:
            self.border_subtitle = ""
        return super().edit(edit)


class NotesPanel(Vertical):
    """Tags and note of the target, and the article's annotations, entities and quotations."""

    class Jump(Message):
        """Move the article's cursor to `offset`."""

        def __init__(self, offset: int) -> None:
            super().__init__()
            self.offset = offset

    def compose(self) -> ComposeResult:
        if not self.built:
            return
        yield Static(id="target-title")
        yield Static(" ", id="target-tags")  # a line, as a target's tags take: no layout pass to show them
        yield NoteEditor(id="note", soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
        with TabbedContent(id="lists"):
            with TabPane("Notes", id="tab-annotations"):
                yield VimOptionList(id="annotations")
            with TabPane("Entities", id="tab-entities"):
                yield VimOptionList(id="entities")
            with TabPane("Quotes", id="tab-quotes"):
                yield VimOptionList(id="quotes")

    def __init__(self, *, id: str | None = None, build: bool = True, author: str | None = None) -> None:
        """With `build=False` the panel starts empty and builds its widgets in `build` (or when shown).
        `author`: whose notes the editor writes (others' are shown read-only); None: anyone's."""
        super().__init__(id=id)
        self.author = author
        self._article_text = ""
        self._note_owner: int | None = None
        self.note_unsaved = False
        self.built = build
        self._ready = asyncio.Event()
        self._stale: dict[str, Callable[[], None]] = {}
        self._target: tuple[Target | None, dict[str, Tag]] | None = None
        self._slow_save: Timer | None = None
        self._list_timer: Timer | None = None
        self._offsets: dict[str, dict[str, int]] = {"a": {}, "e": {}, "q": {}}  # list, option id -> offset
        self._mentions: dict[str, list[int]] = {}  # entity option id -> every mention's offset, in turn
        self._turn: dict[str, int] = {}
        self._note_options: dict[tuple, Option] = {}  # by what they show: unchanged ones are reused
        self._heights: dict[str | None, int] = {}  # lines each Static of the target shows

    async def build(self) -> None:
        """Mount the panel's widgets if they were left out: they cost 50 ms of the first paint."""
        if not self.built:
            self.built = True
            await self.mount_all(compose(self))
            self._setup()
        await self._ready.wait()

    def on_mount(self) -> None:
        if self.built:
            self._setup()

    def _setup(self) -> None:
        self.query_one(NoteEditor).border_title = "note (a)"
        self._ready.set()
        self._catch_up()

    @property
    def display(self) -> bool:
        return super().display

    @display.setter
    def display(self, show: bool | str) -> None:
        """Showing the panel brings it up to date first (built, lists filled), in the same frame if it can."""
        shown = not self.display
        DOMNode.display.fset(self, show)  # type: ignore[attr-defined]
        if self.display and shown:
            if self._ready.is_set():
                self._catch_up()
            else:
                self.call_later(self.build)

    def _when_shown(self, name: str, fill: Callable[[], None]) -> None:
        """Fill a list now if the panel shows, else when it is next shown.

        Changing a hidden list still costs a layout pass, and an extra frame after every tag.
        """
        if self.display and self._ready.is_set():
            self._stale.pop(name, None)
            fill()
        else:
            self._stale[name] = fill

    def _catch_up(self) -> None:
        """Do what waited for the panel to be built and shown."""
        if self._target is not None:
            target, self._target = self._target, None
            self.show_target(*target)
        if self.display:
            stale, self._stale = self._stale, {}
            for fill in stale.values():
                fill()

    # ------------------------------------------------------------ target

    @property
    def _colour_system(self) -> str:
        return colour_system(self.app.console.color_system)

    def show_target(self, target: Target | None, tags: dict[str, Tag]) -> None:
        """Show what the next tag or note applies to."""
        if not self._ready.is_set():
            self._target = (target, tags)
            return
        title = self.query_one("#target-title", Static)
        chips = self.query_one("#target-tags", Static)
        note = self.query_one(NoteEditor)
        if target is None:
            title.update(Text("Nothing under the cursor", style="dim"), layout=False)  # its height is fixed
            self._update(chips, Text(" "))  # one line, as with tags: no layout pass
            if not self.note_unsaved:
                self._set_note(None, "")
            return
        heading = Text(no_wrap=True, overflow="ellipsis")  # two lines, cut to fit
        if target.kind == "annotation" and target.annotation is not None:
            heading.append("Annotation", style="bold")
            heading.append(f" by {one_line(target.annotation.author)}", style="dim")
        elif target.kind == "quote" and target.quote is not None:
            heading.append("Quotation", style="bold")
            heading.append(f" · {one_line(target.quote.speaker or 'speaker unknown')}", style="italic")
        elif target.kind == "entity" and target.entity is not None:
            heading.append(one_line(target.entity.label), style="bold")
            if target.entity.canonical and target.entity.canonical != target.entity.text:
                heading.append(f" · {one_line(target.entity.canonical)}", style="italic")
        else:
            heading.append(target.kind.capitalize(), style="bold")
        text = self._article_text[target.start : target.end] if self._article_text else ""
        quoted = Text(f"“{excerpt(text, 80)}”", style="italic")
        width = title.content_region.width
        if width:  # each line cut to the panel with an ellipsis, so the quotation visibly goes on
            heading.truncate(width, overflow="ellipsis")
            quoted.truncate(width, overflow="ellipsis")
        elif self.display:  # just shown, not laid out: again once it is
            self.call_after_refresh(lambda: title.content_region.width and self.show_target(target, tags))
        title.update(Text("\n").join([heading, quoted]), layout=False)
        if target.annotation is not None and target.annotation.tags:
            self._update(chips, tag_chips(target.annotation.tags, tags, self._colour_system))
        else:
            self._update(chips, Text("no tags: 1-9 or t to add", style="dim"))
        annotation = target.annotation
        if not note.has_focus and not self.note_unsaved:  # a note not yet saved stays on screen
            # Another person's note is shown, never written: the editor is read-only on it (`a` makes the
            # user's own annotation over the same words).
            mine = annotation is not None and (self.author is None or annotation.author == self.author)
            self._set_note(annotation.id if mine else None, annotation.note if annotation else "")

    def _update(self, static: Static, text: Text) -> None:
        """Update a Static, with a layout pass only if its height changes: on every cursor move, a
        layout would cost a frame of its own and redraw the panel and the scrollbar (6 KB)."""
        width = static.content_region.width
        if not width:  # not laid out yet
            self._heights.pop(static.id, None)
            static.update(text)
            return
        height = len(text.wrap(self.app.console, width))
        static.update(text, layout=height != self._heights.get(static.id, static.size.height))
        self._heights[static.id] = height

    def edit_note(self, owner: int, text: str) -> None:
        """Put the note of annotation `owner` in the editor and focus it now (not at the next idle),
        so keys already typed reach it."""
        self._set_note(owner, text)
        self.focus_note()

    def focus_note(self) -> None:
        """Focus the note editor at once: the next key read goes to it."""
        note = self.query_one(NoteEditor)
        note.read_only = self._note_owner is None
        self.screen.set_focus(note)

    @property
    def note_owner(self) -> int | None:
        """The annotation whose note the editor holds (None: nothing to write on)."""
        return self._note_owner

    def set_note(self, owner: int | None, text: str, *, at_end: bool = False) -> None:
        """Put annotation `owner`'s note in the editor (`at_end`: typing goes on after it)."""
        self._set_note(owner, text)
        if at_end:
            note = self.query_one(NoteEditor)
            note.move_cursor(note.document.end)

    @property
    def editing(self) -> bool:
        """The note editor has focus."""
        return self.built and self.query_one(NoteEditor).has_focus

    def _set_note(self, owner: int | None, text: str) -> None:
        note = self.query_one(NoteEditor)
        self._note_owner = owner
        if note.has_focus:  # else when it gets focus: a change restyles the panel, two frames a cursor move
            note.read_only = owner is None  # a note belongs to something: nothing is typed into the void
        if note.text != text:
            with note.prevent(TextArea.Changed):
                note.load_text(text)
        self.show_note_state("")

    def show_note_state(self, state: str) -> None:
        """Say under the note whether it is saved: "", "saving", "saved" or "unsaved".

        "saving" waits SLOW_SAVE_S, as saves take milliseconds: shown at every key it would
        flicker, and redraw the note a frame after the letter typed (30 ms a key). For the same
        reason "saved" shows once typing pauses for SLOW_SAVE_S. But "saved" never stays over text
        not yet saved: the first key after it clears it, in the frame that draws the letter.
        """
        self.note_unsaved = state == "unsaved"
        if self._slow_save is not None:
            self._slow_save.stop()
            self._slow_save = None
        if state in ("saving", "saved"):
            if state == "saving" and self.built and self.query_one(NoteEditor).border_subtitle == NOTE_STATES["saved"]:
                self._show_state("")
            self._slow_save = self.set_timer(SLOW_SAVE_S, lambda: self._show_state(state))
        else:
            self._show_state(state)

    def _show_state(self, state: str) -> None:
        if not self.built:
            return
        note = self.query_one(NoteEditor)
        if (note.border_subtitle or "") != NOTE_STATES[state]:
            note.border_subtitle = NOTE_STATES[state]
        note.set_class(self.note_unsaved, "-unsaved")

    @property
    def note_text(self) -> str:
        return self.query_one(NoteEditor).text if self.built else ""

    # ------------------------------------------------------------ lists

    def show_article(self, article: Article, annotations: list[Annotation], tags: dict[str, Tag]) -> None:
        self._article_text = article.text
        self.show_annotations(annotations, tags)
        self.show_analysis(article)

    def show_annotations(self, annotations: list[Annotation], tags: dict[str, Tag], later: bool = False) -> None:
        """Fill the list of notes; `later`: after LIST_DELAY_S without another change.

        A key that tags shows its effect in the text and above at once, in one frame; the list
        follows, once for a burst of tagging, as its new size takes a layout pass and a frame.
        """
        if later and self.display and self._ready.is_set():
            self._stale["annotations"] = lambda: self._fill_annotations(annotations, tags)
            if self._list_timer is not None:
                self._list_timer.stop()
            self._list_timer = self.set_timer(LIST_DELAY_S, self._catch_up)
        else:
            self._when_shown("annotations", lambda: self._fill_annotations(annotations, tags))

    def _option(self, prompt: Text, option_id: str, offset: int) -> Option:
        self._offsets[option_id[0]][option_id] = offset
        return Option(prompt, id=option_id)

    def _fill_annotations(self, annotations: list[Annotation], tags: dict[str, Tag]) -> None:
        """The list of notes, set at once (option by option, each addition redoes the list's layout)."""
        options = self.query_one("#annotations", OptionList)
        highlighted = options.highlighted
        self._offsets["a"] = {}
        known, self._note_options = self._note_options, {}
        items = []
        for annotation in annotations:
            first = annotation.note.strip().split("\n", 1)[0] if annotation.note.strip() else ""
            chips = [(name, tags[name].colour, tags[name].quick_key) if name in tags else (name,) for name in annotation.tags]
            key = (annotation.id, annotation.author, annotation.exact, first, tuple(chips))
            option = known.get(key)
            if option is None:
                line = tag_chips(annotation.tags, tags, self._colour_system)
                line.append(one_line(annotation.author), style="dim")
                line.append(f"\n“{excerpt(annotation.exact, 56)}”", style="italic")
                if first:
                    line.append(f"\n{excerpt(first, 56)}")
                option = Option(line, id=f"a{annotation.id}")
            self._note_options[key] = option
            self._offsets["a"][f"a{annotation.id}"] = annotation.start
            items.append(option)
        if not annotations:
            items.append(Option(Text("No annotations yet: tag with 1-9 or t.", style="dim"), disabled=True))
        options.set_options(items)
        if highlighted is not None and highlighted < options.option_count:
            options.highlighted = highlighted
        self.query_one(TabbedContent).get_tab("tab-annotations").label = f"Notes {len(annotations)}"

    def show_analysis(self, article: Article) -> None:
        self._when_shown("analysis", lambda: self._fill_analysis(article))

    def _fill_analysis(self, article: Article) -> None:
        items: list[Option] = []
        self._offsets["e"], self._offsets["q"] = {}, {}
        self._mentions, self._turn = {}, {}
        # Mentions are grouped under their canonical entity: "Alec" and "Baldwin" count for "Alec Baldwin".
        by_label: dict[str, Counter[str]] = defaultdict(Counter)
        mentions: dict[tuple[str, str], list[int]] = defaultdict(list)
        forms: dict[tuple[str, str], dict[str, None]] = defaultdict(dict)
        for entity in article.entities:
            by_label[entity.label][entity.name] += 1
            mentions[(entity.label, entity.name)].append(entity.start)
            if entity.text != entity.name:
                forms[(entity.label, entity.name)][entity.text] = None
        for label in sorted(by_label, key=lambda lab: (-sum(by_label[lab].values()), lab)):
            counts = by_label[label]
            items.append(Option(Text(f"{one_line(label)} · {sum(counts.values())}", style="bold"), disabled=True))
            for name, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
                line = Text("  ")
                line.append(one_line(name))
                line.append(f"  ×{count}", style="dim")
                short = forms.get((label, name))
                if short:
                    line.append(f"  also {one_line(', '.join(short))}", style="dim italic")
                option_id = f"e{len(items)}"
                self._mentions[option_id] = mentions[(label, name)]
                items.append(self._option(line, option_id, mentions[(label, name)][0]))
        if not article.entities:
            items.append(Option(Text("analysing…" if not article.analysed else "No entities.", style="dim"), disabled=True))
        self.query_one("#entities", OptionList).set_options(items)
        items = []
        for n, quote in enumerate(article.quotes):
            line = Text()
            line.append(one_line(quote.speaker or "speaker unknown"), style="bold" if quote.speaker else "dim")
            line.append(f"\n  “{excerpt(quote.text, 70)}”", style="italic")
            items.append(self._option(line, f"q{n}", quote.start))
        if not article.quotes:
            items.append(Option(Text("analysing…" if not article.analysed else "No quotations.", style="dim"), disabled=True))
        self.query_one("#quotes", OptionList).set_options(items)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, NoteEditor):
            event.widget.read_only = self._note_owner is None

    @on(OptionList.OptionSelected)
    def _jump(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or " "
        offset = self._offsets.get(option_id[0], {}).get(option_id)
        if option_id in self._mentions:  # an entity: its first mention, then the next at each enter
            turn = self._turn.get(option_id, 0)
            offset = self._mentions[option_id][turn % len(self._mentions[option_id])]
            self._turn[option_id] = turn + 1
        if offset is not None:
            self.post_message(self.Jump(offset))


def tag_chips(names: list[str], tags: dict[str, Tag], system: str = "truecolor") -> Text:
    """Tag names as coloured chips, with their quick keys, in the colours of a terminal of `system`."""
    chips = Text()
    for name in names:
        tag = tags.get(name)
        colour = tag.colour if tag else FALLBACK  # a colour another tool wrote is drawn as FALLBACK
        key = f"{tag.quick_key}\u00a0" if tag and tag.quick_key else ""
        chips.append(f"\u00a0{key}{one_line(name)}\u00a0", style=chip_style(colour, system))  # a chip never breaks
        chips.append(" ")
    return chips
