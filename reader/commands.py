"""The command palette's reader commands (ctrl+p): a provider for the reading screen."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Callable, Iterator

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from reader.screens.reader_screen import ReaderScreen


# (name, help, binding id): a command does what the binding's key does; the palette names the key.
BOUND = (
    ("Library", "Open the library: search, open and add articles", "library"),
    ("Codebook", "Edit tags, quick keys and colours", "codebook"),
    ("Speaker index", "Who said what across the library: speakers, their quotations, the articles", "speakers"),
    ("Export annotations", "Write this article's annotations to a CSV file", "export"),
    ("Toggle panel", "Show or hide the notes panel", "toggle_panel"),
    ("Next quotation", "Jump to the next quotation", "quote_next"),
    ("Next highlight", "Jump to the next entity or quotation", "highlight_next"),
    ("Tag by name", "Add or remove a tag on the target, with completion", "tag_by_name"),
    ("Write a note", "Write the target's note in the panel", "note"),
    ("Delete annotation", "Delete the annotation under the cursor", "delete"),
    ("Undo", "Undo the last annotation change", "undo"),
    ("Redo", "Redo the change undone last", "redo"),
    ("Search the article", "Find text in this article; n / N for the next and previous", "search"),
    ("Next unchecked highlight", "Jump to the next entity or quotation nobody has checked", "unchecked_next"),
    ("Confirm highlight", "The entity or quotation under the cursor is right", "confirm"),
    ("Confirm every mention", "Every unchecked mention of the entity under the cursor is right", "confirm_all"),
    ("Set speaker", "Choose the quotation's speaker", "speaker"),
    ("Reject highlight", "Not an entity, not a quotation", "reject"),
    ("Change entity kind", "PERSON, ORG, GPE ...", "entity_kind"),
    ("Link entity", "Link the mention to another entity of the article", "link_entity"),
    ("Quotation extent", "The selection is the quotation's extent", "quote_extent"),
    ("Add quotation", "The selection is a quotation the machine missed", "add_quote"),
    ("Code article", "The article's variables: tone, frame ...", "code_article"),
    ("Adjudicate", "Settle the disagreements of the last assignment in the adjudicated layer", "adjudicate"),
    ("Help: reader's keys", "Every key reader answers to", "help"),
)


def reader_commands(screen: ReaderScreen) -> Iterator[tuple[str, str, str | None, Callable[[], object]]]:
    """(name, help, binding id, callback) of each command: the binding whose key does the same, if one does."""
    from reader.keys import bindings
    from reader.widgets.article_view import ArticleView

    by_id = bindings()
    for name, help, binding_id in BOUND:
        binding = by_id[binding_id]
        node = screen.view if binding in ArticleView.BINDINGS else screen  # where the key's action runs
        yield name, help, binding_id, functools.partial(node.run_action, binding.action)
    app = screen.reader
    yield "My assigned articles", "The library's articles assigned to you to code blind (m in the library)", None, lambda: app.show_library(mine=True)
    yield "Export all annotations", "Write every article's annotations to a CSV file", None, lambda: app.export_annotations(None)


class ReaderCommands(Provider):
    """reader's commands in the palette of the reading screen."""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        """(name, help with the key that does the same, as the user's keymap has it, callback)."""
        from reader.keys import keys_of
        from reader.screens.reader_screen import ReaderScreen

        screen = self.screen if isinstance(self.screen, ReaderScreen) else self.app.reader_screen  # type: ignore[attr-defined]
        keymap = getattr(self.app, "keymap", {})
        for name, help, binding_id, callback in reader_commands(screen):
            yield name, f"{help} ({keys_of(binding_id, keymap)})" if binding_id else help, callback

    async def discover(self) -> Hits:
        for name, help, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help)


def speaker_commands(screen: object) -> Iterator[tuple[str, str, Callable[[], object]]]:
    """(name, help, callback) of the speaker screens' commands, with their keys."""
    from reader.screens.speakers import SpeakerIndexScreen

    def act(name: str) -> object:
        return getattr(screen, f"action_{name}")()

    if isinstance(screen, SpeakerIndexScreen):
        yield "Sort speakers", "Sort the index by the next column (ctrl+o)", lambda: act("sort")
        yield "Merge speaker", "The selected speaker is another one: choose them, type to filter (ctrl+g)", lambda: act("merge")
        yield "Split a name off", "A name the selected speaker goes by is a speaker of its own (ctrl+t)", lambda: act("split")
        yield "Undo merge or split", "Take back this session's last merge or split (ctrl+z)", lambda: act("undo")
    yield "Filter quotations", "Dates, outlet, tag, checked only, words said (ctrl+f)", lambda: act("filter")


class SpeakerCommands(Provider):
    """The speaker screens' commands in the palette."""

    async def discover(self) -> Hits:
        for name, help, callback in speaker_commands(self.screen):
            yield DiscoveryHit(name, callback, help=help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help, callback in speaker_commands(self.screen):
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help)
