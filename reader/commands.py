"""The command palette's reader commands (ctrl+p): a provider for the reading screen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterator

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from reader.screens.reader_screen import ReaderScreen


def reader_commands(screen: ReaderScreen) -> Iterator[tuple[str, str, Callable[[], object]]]:
    """(name, help, callback) of each command, with the key that does the same."""
    app = screen.reader
    yield "Library", "Open the library: search, open and add articles (o)", app.show_library
    yield "Codebook", "Edit tags, quick keys and colours (c)", screen.action_codebook
    yield "Speaker index", "Who said what across the library: speakers, their quotations, the articles (S)", screen.action_speakers
    yield "Export annotations", "Write this article's annotations to a CSV file (e)", screen.action_export
    yield "Export all annotations", "Write every article's annotations to a CSV file", lambda: app.export_annotations(None)
    yield "Toggle panel", "Show or hide the notes panel (p)", screen.action_toggle_panel
    yield "Next quotation", "Jump to the next quotation ())", lambda: screen.view.action_quotation(1)
    yield "Next highlight", "Jump to the next entity or quotation (])", lambda: screen.view.action_highlight(1)
    yield "Tag by name", "Add or remove a tag on the target, with completion (t)", screen.action_tag_by_name
    yield "Write a note", "Write the target's note in the panel (a)", screen.action_edit_note
    yield "Delete annotation", "Delete the annotation under the cursor (x)", screen.action_delete_annotation
    yield "Undo", "Undo the last annotation change (u)", screen.action_undo
    yield "Redo", "Redo the change undone last (ctrl+r)", screen.action_redo
    yield "Search the article", "Find text in this article; n / N for the next and previous (/)", screen.action_search
    yield "Next unchecked highlight", "Jump to the next entity or quotation nobody has checked (>)", lambda: screen.view.action_unchecked(1)
    yield "Confirm highlight", "The entity or quotation under the cursor is right (y)", screen.action_confirm
    yield "Set speaker", "Choose the quotation's speaker (s)", screen.action_speaker
    yield "Reject highlight", "Not an entity, not a quotation (r)", screen.action_reject
    yield "Change entity kind", "PERSON, ORG, GPE ... (K)", screen.action_entity_kind
    yield "Link entity", "Link the mention to another entity of the article (l)", screen.action_link_entity
    yield "Quotation extent", "The selection is the quotation's extent (E)", screen.action_quote_extent
    yield "Add quotation", "The selection is a quotation the machine missed (Q)", screen.action_add_quote
    yield "Code article", "The article's variables: tone, frame ... (C)", screen.action_code_article
    yield "Help: reader's keys", "Every key reader answers to (?)", screen.action_help


class ReaderCommands(Provider):
    """reader's commands in the palette of the reading screen."""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        from reader.screens.reader_screen import ReaderScreen

        screen = self.screen if isinstance(self.screen, ReaderScreen) else self.app.reader_screen  # type: ignore[attr-defined]
        return reader_commands(screen)

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
