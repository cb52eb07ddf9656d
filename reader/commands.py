"""The command palette's reader commands (ctrl+p): a provider for the reading screen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterator

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from reader.screens.reader_screen import ReaderScreen


def reader_commands(screen: ReaderScreen) -> Iterator[tuple[str, str, str | None, Callable[[], object]]]:
    """(name, help, binding id, callback) of each command: the binding whose key does the same, if one does."""
    app = screen.reader
    yield "Library", "Open the library: search, open and add articles", "library", app.show_library
    yield "My assigned articles", "The library's articles assigned to you to code blind (m in the library)", None, lambda: app.show_library(mine=True)
    yield "Codebook", "Edit tags, quick keys and colours", "codebook", screen.action_codebook
    yield "Speaker index", "Who said what across the library: speakers, their quotations, the articles", "speakers", screen.action_speakers
    yield "Export annotations", "Write this article's annotations to a CSV file", "export", screen.action_export
    yield "Export all annotations", "Write every article's annotations to a CSV file", None, lambda: app.export_annotations(None)
    yield "Toggle panel", "Show or hide the notes panel", "toggle_panel", screen.action_toggle_panel
    yield "Next quotation", "Jump to the next quotation", "quote_next", lambda: screen.view.action_quotation(1)
    yield "Next highlight", "Jump to the next entity or quotation", "highlight_next", lambda: screen.view.action_highlight(1)
    yield "Tag by name", "Add or remove a tag on the target, with completion", "tag_by_name", screen.action_tag_by_name
    yield "Write a note", "Write the target's note in the panel", "note", screen.action_edit_note
    yield "Delete annotation", "Delete the annotation under the cursor", "delete", screen.action_delete_annotation
    yield "Undo", "Undo the last annotation change", "undo", screen.action_undo
    yield "Redo", "Redo the change undone last", "redo", screen.action_redo
    yield "Search the article", "Find text in this article; n / N for the next and previous", "search", screen.action_search
    yield "Next unchecked highlight", "Jump to the next entity or quotation nobody has checked", "unchecked_next", lambda: screen.view.action_unchecked(1)
    yield "Confirm highlight", "The entity or quotation under the cursor is right", "confirm", screen.action_confirm
    yield "Set speaker", "Choose the quotation's speaker", "speaker", screen.action_speaker
    yield "Reject highlight", "Not an entity, not a quotation", "reject", screen.action_reject
    yield "Change entity kind", "PERSON, ORG, GPE ...", "entity_kind", screen.action_entity_kind
    yield "Link entity", "Link the mention to another entity of the article", "link_entity", screen.action_link_entity
    yield "Quotation extent", "The selection is the quotation's extent", "quote_extent", screen.action_quote_extent
    yield "Add quotation", "The selection is a quotation the machine missed", "add_quote", screen.action_add_quote
    yield "Code article", "The article's variables: tone, frame ...", "code_article", screen.action_code_article
    yield "Help: reader's keys", "Every key reader answers to", "help", screen.action_help


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
