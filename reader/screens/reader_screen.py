"""The reading screen: article pane, notes panel, status line; tagging and notes.

This screen is the controller: widgets post messages up, and this screen
writes to the store (off the UI thread) and pushes the results back down.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
from typing import TYPE_CHECKING, Any, Awaitable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, OptionList, TabbedContent, TextArea

from reader.colours import colour_system
from reader.commands import ReaderCommands
from reader.editing.autosave import NoteAutosave
from reader.editing.session import AnnotationSession
from reader.errors import ReaderError
from reader.messages import AnnotationsChanged
from reader.model import Annotation, Article, Decision, Entity, Quote, Tag
from reader.text.highlights import Target
from reader.text.inert import excerpt, one_line, plural
from reader.widgets.article_view import ArticleView
from reader.widgets.inert import InertInput
from reader.widgets.notes_panel import NoteEditor, NotesPanel
from reader.widgets.status_line import StatusLine, checked_text, describe

if TYPE_CHECKING:
    from reader.app import ReaderApp

NOTE_SAVE_DELAY = 0.3  # after typing pauses this long, the notes list shows the new note
LIVE_REFRESH_S = 2.0  # how often to look for other sessions' changes (and retry an unsaved note)
NARROW_WIDTH = 100


class ReaderScreen(Screen):
    """Read one article; tag and annotate it by keyboard."""

    COMMANDS = {ReaderCommands}  # the palette's reader commands (reader/commands.py)

    # The footer shows a newcomer's path (next highlight or quote, tag, note, help, quit) and fits
    # 80 columns; every key is in the help screen (?).
    BINDINGS = [
        *[Binding(str(n), f"toggle_tag('{n}')", "Tag", show=n == 1, key_display="1-9", id=f"tag_{n}", priority=True)
          for n in range(1, 10)],
        Binding("t", "tag_by_name", "Tag…", show=False, id="tag_by_name", priority=True),
        # A priority binding: `a` is handled before the keys after it are even read, so what is typed
        # next goes to the note however fast it comes (check_action passes it on in a text field).
        Binding("a", "edit_note", "Note", id="note", priority=True),
        Binding("x", "delete_annotation", "Delete", show=False, id="delete", priority=True),
        Binding("u", "undo", "Undo", show=False, id="undo", priority=True),
        Binding("ctrl+r", "redo", "Redo", show=False, id="redo", priority=True),
        Binding("slash", "search", "Search", show=False, id="search"),
        Binding("n", "match(1)", "Next match", show=False, id="match_next"),
        Binding("N", "match(-1)", "Previous match", show=False, id="match_previous"),
        Binding("tab", "switch_pane", "Pane", show=False, id="switch_pane"),
        Binding("p", "toggle_panel", "Panel", show=False, id="toggle_panel"),
        Binding("o", "library", "Library", show=False, id="library"),
        Binding("c", "codebook", "Codebook", show=False, id="codebook"),
        Binding("S", "speakers", "Speakers", show=False, id="speakers"),
        Binding("D", "adjudicate", "Adjudicate", show=False, id="adjudicate"),
        Binding("y", "confirm", "Confirm", show=False, id="confirm", priority=True),
        Binding("Y", "confirm_all", "Confirm every mention", show=False, id="confirm_all", priority=True),
        Binding("s", "speaker", "Speaker", show=False, id="speaker", priority=True),
        Binding("r", "reject", "Reject", show=False, id="reject", priority=True),
        Binding("K", "entity_kind", "Entity kind", show=False, id="entity_kind", priority=True),
        Binding("l", "link_entity", "Link entity", show=False, id="link_entity", priority=True),
        Binding("E", "quote_extent", "Quotation extent", show=False, id="quote_extent", priority=True),
        Binding("Q", "add_quote", "Add quotation", show=False, id="add_quote", priority=True),
        Binding("C", "code_article", "Code article", show=False, id="code_article", priority=True),
        Binding("e", "export", "Export", show=False, id="export"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("escape", "back_to_article", "Article", show=False, id="back_to_article"),
        Binding("q", "app.quit", "Quit", id="quit"),
    ]

    def __init__(self, article_id: int | None = None, offset: int | None = None) -> None:
        super().__init__()
        self._first_article = article_id
        self._first_offset = offset
        self.article: Article | None = None
        self.session: AnnotationSession | None = None
        self.autosave: NoteAutosave | None = None
        self._note_timer: Timer | None = None
        self._data_version: int | None = None
        self._panel_hidden = False
        self._loaded = asyncio.Event()
        self._reloading = self._reload_again = False
        self._checked = ""  # how many quotations and speakers are checked, for the status line
        self._blind = ""  # the header's line while the article is coded blind (reader/blinding.py)

    @property
    def reader(self) -> ReaderApp:
        return self.app  # type: ignore[return-value]

    @property
    def view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def panel(self) -> NotesPanel:
        return self.query_one(NotesPanel)

    @property
    def annotations(self) -> list[Annotation]:
        return self.session.annotations if self.session else []

    @property
    def tags(self) -> list[Tag]:
        return self.session.tags if self.session else []

    @property
    def tag_map(self) -> dict[str, Tag]:
        return self.session.tag_map if self.session else {}

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield ArticleView(id="article")
            yield NotesPanel(id="panel", build=False, author=self.reader.user)  # its widgets come after the first paint (50 ms sooner)
        yield StatusLine(id="status")
        yield InertInput(id="search", placeholder="search this article (enter: find, escape: cancel)")
        yield Footer()

    async def on_mount(self) -> None:
        self._layout_panel()  # before the article loads: a hidden panel fills its lists only when shown
        self.query_one("#search", Input).display = False
        self.view.focus()
        self.watch(self.view, "cursor", self._cursor_moved, init=False)
        self.watch(self.view, "anchor", self._cursor_moved, init=False)
        self.set_interval(LIVE_REFRESH_S, self._poll_changes)
        if self._first_article is not None:
            await self.open_article(self._first_article, self._first_offset)
        self.call_after_refresh(self.panel.build)

    def on_resize(self) -> None:
        self._layout_panel()

    # Keys that change what is stored are priority bindings: each is handled when the app reads it,
    # in the order typed. `a` must be (keys typed after it go to the note, however fast), and a key
    # typed just before `a` must be too, or `a` overtakes it on its way up from the article view
    # (`2` `a` in one burst lost the tag).
    TYPED_IN_TEXT = frozenset({
        "edit_note", "toggle_tag", "tag_by_name", "delete_annotation", "undo", "redo", "confirm", "confirm_all", "speaker", "reject",
        "entity_kind", "link_entity", "quote_extent", "add_quote", "code_article",
    })

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The priority keys are letters, not commands, in the note and the search box."""
        if action in self.TYPED_IN_TEXT and isinstance(self.focused, (Input, TextArea)):
            return False
        return True

    # ------------------------------------------------------------ loading

    def remember_place(self) -> None:
        """Keep where the user is, to open there next time (a failure to is no reason not to go on)."""
        if self.article is not None:
            try:
                self.reader.store.set_place(self.reader.user, self.article.id, self.view.cursor)
            except (ReaderError, sqlite3.Error):
                pass

    async def open_article(self, article_id: int, offset: int | None = None) -> None:
        """Show an article; analyse it in the background if it never was."""
        store = self.reader.store
        if self.article is not None and self.article.id != article_id:
            await asyncio.to_thread(self.remember_place)
        user = self.reader.user
        from reader.blinding import article_line

        try:
            version, article, annotations, tags, decisions, variables, codes, blind = await asyncio.to_thread(
                lambda: (store.data_version(), store.get_article(article_id), store.annotations(article_id), store.tags(),
                         store.decisions(article_id), store.variables(), store.article_codes(article_id, user),
                         article_line(store, article_id))
            )
        except ReaderError as exc:  # damage another program wrote (a flipped byte, a BLOB): one line, keep running
            self.notify(f"Article {article_id} cannot be opened: {one_line(str(exc))}", severity="error", timeout=15)
            if self.article is None:
                self.reader.show_library()
            return
        self._data_version = version
        self._blind = blind
        self.session = AnnotationSession(store, article.id, user, annotations, tags, article, decisions, variables, codes)
        self.autosave = NoteAutosave(self.session, self._replaced_theirs)
        self.article = shown = self._as_corrected(article)
        self._checked = checked_text(shown.quotes, shown.entities)
        self.view.load(shown, self.session.annotations, tags)
        self.view.set_codes(self._codes_line())
        self._cursor_moved()
        self.panel.show_article(shown, self.session.annotations, self.tag_map)  # its text first: the target quotes it
        self.panel.show_target(self.view.target(), self.tag_map)  # never the last article's, even while hidden
        self._loaded.set()
        self.sub_title = one_line(article.title)
        if offset is not None:
            self.view.move_to(offset, center=True)
        if not article.analysed:
            self.analyse(article.id, article.text)

    @work(thread=True, exclusive=True, group="analysis")
    def analyse(self, article_id: int, text: str) -> None:
        try:
            analysis = self.reader.analyser.analyse(text)
            self.reader.store.set_analysis(article_id, analysis)
        except ReaderError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", timeout=8)
            return
        self.app.call_from_thread(self._analysis_ready, article_id, analysis)

    def _analysis_ready(self, article_id: int, analysis: Any) -> None:
        if self.article is None or self.article.id != article_id or self.session is None:
            return
        self.session.set_analysis(analysis.entities, analysis.quotes, analysis.analyser)
        self.article.analyser = analysis.analyser
        self._show_highlights()
        if analysis.skipped:  # a language without a pipeline: nothing was found because nothing was looked for
            self.notify(analysis.skipped, severity="warning", timeout=10)
            return
        self.notify(f"Found {plural(len(analysis.entities), 'entity', 'entities')} and {plural(len(analysis.quotes), 'quotation')}.", timeout=3)

    # ------------------------------------------------------------ storage, off the UI thread

    async def _db(self, call: Awaitable[Any]) -> Any:
        """Await a session call; on failure tell the user and raise `_Failed`."""
        try:
            return await call
        except (ReaderError, sqlite3.Error) as exc:
            self.notify(one_line(str(exc)), severity="error", timeout=10)
            raise _Failed from None

    async def _poll_changes(self) -> None:
        """Look for other sessions' changes to this article; retry a note that could not be saved."""
        if self.autosave is not None and self.autosave.dirty and not self.autosave.busy:
            await self._flush_note()
        if self.article is None or self.session is None:
            return
        try:
            version = await asyncio.to_thread(self.reader.store.data_version)
        except (ReaderError, sqlite3.Error):
            return
        changed = self._data_version is not None and version != self._data_version
        self._data_version = version
        if changed or self.session.reload_wanted:
            self.post_message(AnnotationsChanged(self.article.id))

    @on(AnnotationsChanged)
    def _annotations_changed(self, event: AnnotationsChanged) -> None:
        """Reload in a worker, one at a time: changes that come while one runs make one more."""
        if self.article is None or event.article_id not in (None, self.article.id):
            return
        if self._reloading:
            self._reload_again = True
            return
        self._reloading = True
        self.run_worker(self._reload_until_current(), group="reload")

    async def _reload_until_current(self) -> None:
        try:
            self._reload_again = True
            while self._reload_again:
                self._reload_again = False
                await self._reload_annotations()
        except NoMatches:  # the screen's widgets went while the store was read: the app is quitting
            pass
        finally:
            self._reloading = False

    async def _reload_annotations(self) -> None:
        """Read the article's annotations again and show them, unless this session wrote meanwhile
        (the session reads again; if the user keeps writing, the next poll tries once more)."""
        session = self.session
        if session is None:
            return
        decisions, codes, variables = list(session.decisions), dict(session.codes), list(session.variables)
        try:
            if not await self._db(session.reload()) or session is not self.session:
                return
        except _Failed:
            return
        self._show_annotations()
        if session.decisions != decisions:
            self._show_highlights()
        blind = await self._blind_line(session.article_id)
        if session.codes != codes or session.variables != variables or blind != self._blind:
            self._blind = blind
            self.view.set_codes(self._codes_line())
        self._follow_note_elsewhere()

    def _as_corrected(self, article: Article) -> Article:
        """The article with its highlights as people corrected them (a copy: the session keeps the machine's)."""
        entities, quotes = self.session.highlights() if self.session else (article.entities, article.quotes)
        return dataclasses.replace(article, entities=entities, quotes=quotes)

    def _show_highlights(self) -> None:
        """Show the highlights as corrected now (after a decision, an undo, another session's change)."""
        if self.session is None or self.article is None:
            return
        entities, quotes = self.session.highlights()
        self.article.entities, self.article.quotes = entities, quotes
        self._checked = checked_text(quotes, entities)
        self.view.set_analysis(entities, quotes, self.article.analyser)
        self._cursor_moved()
        self.panel.show_analysis(self.article)

    def _codes_line(self) -> str:
        """The header's line under date and source: that the article is coded blind, then its codes."""
        from reader.screens.coding import codes_line

        if self.session is None:
            return self._blind
        codes = codes_line(self.session.variables, {name: code.value for name, code in self.session.codes.items()})
        return " · ".join(part for part in (self._blind, codes) if part)

    async def _blind_line(self, article_id: int) -> str:
        """The article's blind-coding line as the library holds it now (an assignment closed elsewhere: "")."""
        from reader.blinding import article_line

        try:
            return await asyncio.to_thread(article_line, self.reader.store, article_id)
        except (ReaderError, sqlite3.Error):
            return self._blind

    def _show_annotations(self, later: bool = False) -> None:
        self.view.set_annotations(self.annotations, self.tags)
        self._cursor_moved()
        self.panel.show_annotations(self.annotations, self.tag_map, later=later)

    def _follow_note_elsewhere(self) -> None:
        """An open note another session changed, not typed in here since: show their text."""
        if self.autosave is None or not self.panel.editing:
            return
        theirs = self.autosave.follows(self.panel.note_owner, self.panel.note_text)
        if theirs is not None:
            self.panel.set_note(self.panel.note_owner, theirs, at_end=True)  # typing goes on after their text
            self.notify("This note was changed in another session.", timeout=4)

    # ------------------------------------------------------------ tagging

    async def action_toggle_tag(self, key: str) -> None:
        tag = self.session.tag_for_key(key) if self.session else None
        if tag is None:
            self.notify(f"No tag on key {key}: give one that key in the codebook (c).", timeout=4)
            return
        await self._toggle_tag(tag.name)

    async def _toggle_tag(self, name: str) -> None:
        if self.article is None or self.session is None:
            return
        target = self.view.target()
        if target is None:
            self.notify("Nothing to tag here: move onto a word or select with v.", timeout=3)
            return
        annotation = self._own(target)
        try:
            change = await self._db(self.session.toggle_tag(name, target.start, target.end, annotation))
        except _Failed:
            return
        self.view.clear_selection()
        if change.recreated or change.gone:
            self.notify("That annotation was deleted in another session" + (f"; its text is tagged '{name}' anew." if change.recreated else "."),
                        severity="warning", timeout=6)
            await self._reload_annotations()
        elif change.new_tag:
            await self._reload_annotations()  # the codebook grew
        else:
            self._show_annotations(later=True)

    def action_tag_by_name(self) -> None:
        from reader.screens.prompts import TagPrompt

        if self.view.target() is None:
            self.notify("Nothing to tag here: move onto a word or select with v.", timeout=3)
            return
        self.app.push_screen(TagPrompt(self.tags, colour_system(self.app.console.color_system)), self._tag_chosen)

    async def _tag_chosen(self, name: str | None) -> None:
        if not name:
            return
        is_new = name not in self.tag_map and self.reader.store.find_tag(name) is None
        await self._toggle_tag(name)
        if is_new:
            self.notify(f"New tag '{name}' joined the codebook.", timeout=3)

    def _own(self, target: Target) -> Annotation | None:
        """The user's own annotation a tag or note on `target` goes on (None: one is made); said once when
        the target is another person's, whose annotation stays as they left it."""
        shown = target.annotation or self.view.highlights.annotation_with_span(target.start, target.end)
        own = self.session.own(target.start, target.end, shown) if self.session else None
        if shown is not None and own is None and shown.author != self.reader.user:
            self.notify(f"That annotation is {one_line(shown.author)}'s: yours goes on the same words, theirs stays as it is.",
                        timeout=5)
        return own

    async def action_delete_annotation(self) -> None:
        under = self.view.highlights.annotation_at(self.view.cursor)
        annotation = self.session.own(under.start, under.end, under) if under and self.session else None
        if under is not None and annotation is None:
            self.notify(f"That annotation is {one_line(under.author)}'s: you can delete your own only.", timeout=4)
            return
        if annotation is None or self.session is None:
            self.notify("No annotation under the cursor.", timeout=2)
            return
        try:
            await self._db(self.session.delete(annotation))
        except _Failed:
            return
        await self._reload_annotations()
        self.notify("Annotation deleted (u to undo).", timeout=3)

    async def action_undo(self) -> None:
        await self._step(undo=True)

    async def action_redo(self) -> None:
        await self._step(undo=False)

    async def _step(self, undo: bool) -> None:
        if not await self._flush_note() or self.session is None:
            return
        try:
            done, wanted = await self._db(self.session.undo() if undo else self.session.redo())
        except _Failed:
            return
        if not done:
            self.notify("Nothing to undo." if undo else "Nothing to redo.", timeout=2)
            return
        await self._reload_annotations()
        self._show_highlights()
        self.view.set_codes(self._codes_line())
        if isinstance(wanted, (Annotation, Decision)):
            self.view.move_to(wanted.start)

    # ------------------------------------------------------------ notes

    async def action_edit_note(self) -> None:
        """Open the note of the target, making its annotation if need be.

        A priority binding runs this before the keys typed after `a` are read; it returns with the
        editor focused, so those keys are typed into the note, however fast they came.
        """
        await self._loaded.wait()  # `a` pressed as the screen opens waits for the article
        if self.article is None or self.session is None or self.autosave is None:
            return
        if not await self._flush_note():  # the unsaved note stays in the editor
            self.panel.focus_note()
            return
        target = self.view.target()
        if target is None:
            self.notify("Nothing here to write a note on: move onto a word or select with v.", timeout=3)
            return
        annotation = self._own(target)
        made = annotation is None
        if annotation is None:
            try:
                annotation = await self._db(self.session.create(target.start, target.end))
            except _Failed:
                return
            self.view.clear_selection()
            self._show_annotations(later=True)
            self.view.move_to(annotation.start)
        self.autosave.open(annotation, made)
        await self.panel.build()
        self._show_panel(True)
        self.panel.edit_note(annotation.id, annotation.note)

    @on(TextArea.Changed, "#note")
    def _note_changed(self) -> None:
        """Every change is written at once (one write at a time, the latest text wins)."""
        autosave = self.autosave
        if autosave is None:
            return
        autosave.dirty = True
        if autosave.busy or not autosave.save_now(self.panel.note_owner, self.panel.note_text):
            if not self.panel.note_unsaved:
                self.panel.show_note_state("saving")
            if not autosave.busy:
                self.run_worker(self._flush_note(), group="note-save")
        else:
            self.panel.show_note_state("saved")
        if self._note_timer is not None:
            self._note_timer.stop()
        self._note_timer = self.set_timer(NOTE_SAVE_DELAY, self._reload_annotations)

    def _replaced_theirs(self, theirs: str) -> None:
        self.notify(
            f"Another session had changed this note to “{excerpt(theirs, 60)}”; yours replaced it.",
            severity="warning", timeout=15,
        )

    async def flush_note(self) -> bool:
        """Save the note being edited; False (and the user told) when it cannot be saved."""
        return await self._flush_note()

    async def _flush_note(self) -> bool:
        """Write the note being edited until the store holds what the editor shows."""
        if self.autosave is None:
            return True
        flushed = await self.autosave.flush(lambda: (self.panel.note_owner, self.panel.note_text))
        if flushed.brought_back:
            self.notify("This annotation was deleted in another session; your note brought it back.", severity="warning", timeout=8)
        if not flushed.ok:
            if not flushed.repeated:
                self.notify(
                    f"Your note is not saved: {one_line(flushed.error or '')}. It stays on screen and is saved "
                    "as soon as that is possible.",
                    severity="error",
                    timeout=15,
                )
            self.panel.show_note_state("unsaved")
            return False
        if flushed.saved:
            self.panel.show_note_state("saved")
        return True

    @on(NoteEditor.Done)
    async def _note_done(self) -> None:
        if not await self._flush_note():
            return  # stay in the note: its text is not saved
        if self.session is None or self.autosave is None:
            return
        await self._reload_annotations()
        try:
            await self._db(self.session.finish_note(self.autosave.before, self.panel.note_owner, self.autosave.made))
        except _Failed:  # the user was told; an empty annotation stays
            pass
        else:
            self._show_annotations()
        self.autosave.close()
        self.view.focus()
        self._layout_panel()

    # ------------------------------------------------------------ verifying the machine's highlights

    def _highlight(self, kind: str | None = None) -> tuple[str, Entity | Quote] | None:
        """The highlight to verify: the target if it is one (the highlight just jumped to), else the
        quotation (`kind` "quote") or entity ("entity") under the cursor, the entity first."""
        target = self.view.target()
        if target is not None and target.kind in ("quote", "entity") and kind in (None, target.kind):
            return target.kind, (target.quote if target.kind == "quote" else target.entity)  # type: ignore[return-value]
        highlights, at = self.view.highlights, self.view.cursor
        entity = highlights.entity_at(at) if kind in (None, "entity") else None
        if entity is not None:
            return "entity", entity
        quote = highlights.quote_at(at) if kind in (None, "quote") else None
        return ("quote", quote) if quote is not None else None

    def _anchor(self, kind: str, item: Entity | Quote) -> tuple[int, int]:
        """The span a decision on this highlight is kept under: the machine's span, before any change of extent."""
        for decision in self.session.decisions if self.session else []:
            if decision.kind == kind and (decision.new_start, decision.new_end) == (item.start, item.end):
                return decision.start, decision.end
        return item.start, item.end

    async def _decide(self, kind: str, item: Entity | Quote, status: str | None = None, **changes: Any) -> None:
        if self.session is None or self.article is None:
            return
        start, end = self._anchor(kind, item)
        prior = self.session.own_decision(kind, start, end)
        decision = prior or Decision(self.article.id, kind, start, end, "confirmed", self.reader.user)
        decision = dataclasses.replace(decision, **changes)
        corrected = decision.added or any(
            value is not None for value in (decision.label, decision.canonical, decision.speaker, decision.new_start)
        )
        decision = dataclasses.replace(decision, status=status or ("corrected" if corrected else "confirmed"))
        try:
            await self._db(self.session.decide(decision))
        except _Failed:
            return
        self._show_highlights()

    async def action_confirm(self) -> None:
        """y: the highlight under the cursor is right (keeping any correction made to it)."""
        found = self._highlight()
        if found is None:
            self.notify("Nothing to confirm here: move onto an entity or a quotation ( ] or ) ).", timeout=3)
            return
        await self._decide(*found)  # the status line says so: a message at every y would hide it

    async def action_confirm_all(self) -> None:
        """Y: every mention of the entity under the cursor nobody has checked is right (one undo step)."""
        found = self._highlight("entity")
        if found is None or self.session is None or self.article is None:
            self.notify("No entity here: move onto one with ] (Y confirms every mention of it).", timeout=3)
            return
        name = found[1].name
        unchecked = [e for e in self.article.entities if e.name == name and e.status == "machine"]
        if not unchecked:
            self.notify(f"Every mention of {one_line(name)} is checked already.", timeout=3)
            return
        decisions = [Decision(self.article.id, "entity", *self._anchor("entity", e), "confirmed", self.reader.user)
                     for e in unchecked]
        try:
            await self._db(self.session.decide_all(decisions))
        except _Failed:
            return
        self._show_highlights()
        self.notify(f"Confirmed {plural(len(decisions), 'mention')} of {one_line(name)} (u to undo).", timeout=3)

    async def action_reject(self) -> None:
        """r: not an entity, or not a quotation."""
        found = self._highlight()
        if found is None:
            self.notify("Nothing to reject here: move onto an entity or a quotation.", timeout=3)
            return
        await self._decide(*found, status="rejected")
        self.notify(f"Marked not {'a quotation' if found[0] == 'quote' else 'an entity'} (u to undo).", timeout=3)

    def action_speaker(self) -> None:
        """s: the quotation's speaker, from the article's people and organisations (nearest first), or a new name."""
        from reader.editing.verify import speaker_candidates
        from reader.screens.prompts import ChoicePrompt

        found = self._highlight("quote")
        if found is None or self.article is None:
            self.notify("No quotation here: move onto one with ) or select one and press Q.", timeout=3)
            return
        _, quote = found
        names = speaker_candidates(self.article.entities, quote.start)
        if quote.speaker:  # enter at once keeps it
            names = [quote.speaker] + [n for n in names if n != quote.speaker]
        title = f"speaker of “{excerpt(quote.text, 40)}”"

        async def chosen(name: str | None) -> None:
            if name is not None:
                await self._decide("quote", quote, speaker=name)

        self.app.push_screen(
            ChoicePrompt(title, names, none_label="(no speaker: clear it)", keep_first=bool(quote.speaker)), chosen
        )

    def action_entity_kind(self) -> None:
        """K: change the entity's kind (PERSON, ORG, GPE ...)."""
        from reader.screens.prompts import ChoicePrompt

        found = self._highlight("entity")
        if found is None:
            self.notify("No entity here: move onto one with ].", timeout=3)
            return
        _, entity = found
        labels = ["PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT", "LANGUAGE",
                  "DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL", "CARDINAL"]

        async def chosen(label: str | None) -> None:
            if label:
                await self._decide("entity", entity, label=label.upper())

        self.app.push_screen(ChoicePrompt(f"kind of “{excerpt(entity.text, 40)}” (now {entity.label})", labels), chosen)

    def action_link_entity(self) -> None:
        """l: link the mention to another entity of the article ("Sommer" → Mary Marlowe Sommer), or unlink it."""
        from reader.screens.prompts import ChoicePrompt

        found = self._highlight("entity")
        if found is None or self.article is None:
            self.notify("No entity here: move onto one with ].", timeout=3)
            return
        _, entity = found
        same = [e.name for e in self.article.entities if e.label == entity.label and e.name != entity.text]
        others = [e.name for e in self.article.entities if e.label != entity.label]

        async def chosen(name: str | None) -> None:
            if name is not None:
                await self._decide("entity", entity, canonical=name)

        self.app.push_screen(
            ChoicePrompt(f"“{excerpt(entity.text, 40)}” is", same + others, none_label="(unlink: only itself)"), chosen
        )

    async def action_quote_extent(self) -> None:
        """E: the selection is the extent of the quotation it overlaps."""
        target = self.view.target()
        if target is None or target.kind != "selection" or self.article is None:
            self.notify("Select the quotation's words with v first, then press E.", timeout=4)
            return
        overlapping = [m.item for m in self.view.highlights.quotes.overlapping(target.start, target.end)]
        if not overlapping:
            self.notify("The selection overlaps no quotation: Q makes it one.", timeout=4)
            return
        quote = max(overlapping, key=lambda q: min(q.end, target.end) - max(q.start, target.start))
        await self._decide("quote", quote, new_start=target.start, new_end=target.end)
        self.view.clear_selection()
        self.notify("Quotation extent changed (u to undo).", timeout=3)

    async def action_add_quote(self) -> None:
        """Q: the selection is a quotation the machine missed; then its speaker."""
        target = self.view.target()
        if target is None or target.kind != "selection" or self.article is None:
            self.notify("Select the quoted words with v first, then press Q.", timeout=4)
            return
        quote = Quote(target.start, target.end, self.article.text[target.start : target.end])
        await self._decide("quote", quote, added=True)
        self.view.clear_selection()
        self.view.move_to(target.start)
        self.action_speaker()

    def action_code_article(self) -> None:
        """C: the article's coding form."""
        from reader.screens.coding import CodingScreen

        if self.session is None or self.article is None:
            return
        session = self.session

        async def set_code(variable: str, value: object) -> object:
            try:
                code = await self._db(session.set_code(variable, value))
            except _Failed:
                return None
            self.view.set_codes(self._codes_line())
            return code

        codes = {name: code.value for name, code in session.codes.items()}
        self.app.push_screen(CodingScreen(self.article.title, session.variables, codes, set_code))

    # ------------------------------------------------------------ status and panel

    def _cursor_moved(self) -> None:
        """Show what is under the cursor: called at once when the view's cursor or selection changes."""
        target = self.view.target()
        if self.panel.display:
            self.panel.show_target(target, self.tag_map)
        view = self.view
        selection = (target.start, target.end) if target is not None and target.kind == "selection" else None
        self.query_one(StatusLine).show(describe(view.highlights, view.cursor, selection, len(view.text), target, self._checked, view.text))

    def _layout_panel(self) -> None:
        narrow = self.app.size.width < NARROW_WIDTH
        self.panel.set_class(narrow, "-narrow")  # on the panel: a class on the screen restyles every widget
        panel_focused = self.panel.has_focus_within if self.is_mounted else False
        was_shown = self.panel.display
        self.panel.display = not self._panel_hidden and (not narrow or panel_focused)
        if self.panel.display and not was_shown and self.article is not None:  # the cursor moved while it was hidden
            self.panel.show_target(self.view.target(), self.tag_map)

    def _show_panel(self, show: bool) -> None:
        self.panel.display = show or not self._panel_hidden

    def on_descendant_focus(self) -> None:
        self._layout_panel()
        if self.panel.display and self.panel.built:  # (the target's note is left alone while it is edited)
            self.panel.show_target(self.view.target(), self.tag_map)

    def action_toggle_panel(self) -> None:
        self._panel_hidden = not self._panel_hidden
        if self.size.width < NARROW_WIDTH:
            self._panel_hidden = not self.panel.display
        self.panel.display = not self._panel_hidden
        if not self.panel.display:
            self.view.focus()

    async def action_switch_pane(self) -> None:
        if self.panel.has_focus_within:
            self.view.focus()
        else:
            self.panel.display = True
            await self.panel.build()
            pane = self.query_one(TabbedContent).active_pane
            target = pane.query_one(OptionList) if pane else self.query_one(NoteEditor)
            target.focus()

    @on(NotesPanel.Jump)
    def _jump(self, event: NotesPanel.Jump) -> None:
        self.view.move_to(event.offset, center=True)
        self.view.focus()

    # ------------------------------------------------------------ search

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.display = True
        search.focus()

    @on(Input.Submitted, "#search")
    def _search(self, event: Input.Submitted) -> None:
        search = self.query_one("#search", Input)
        search.display = False
        matches = self.view.find_all(event.value)
        self.view.set_matches(matches)
        self.view.focus()
        if not matches:
            self.notify(f"Not found: {event.value}", timeout=3)
            return
        self.view.jump_to_match(1)
        self.notify(f"{plural(len(matches), 'match', 'matches')} (n / N: next / previous).", timeout=3)

    def action_back_to_article(self) -> None:
        search = self.query_one("#search", Input)
        if search.has_focus:
            search.display = False
            self.view.focus()
        elif self.panel.has_focus_within:
            self.view.focus()

    def action_match(self, direction: int) -> None:
        if not self.view.jump_to_match(direction):
            self.notify("No search yet: press / to search.", timeout=2)

    # ------------------------------------------------------------ other screens

    def action_library(self) -> None:
        self.reader.show_library()

    def action_codebook(self) -> None:
        from reader.screens.codebook import CodebookScreen

        self.app.push_screen(CodebookScreen(), lambda _: self.post_message(AnnotationsChanged(None)))

    def action_speakers(self) -> None:
        from reader.screens.speakers import SpeakerIndexScreen

        self.app.push_screen(SpeakerIndexScreen())

    def action_adjudicate(self) -> None:
        self.reader.show_adjudication()

    def action_help(self) -> None:
        from reader.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_export(self) -> None:
        self.reader.export_annotations(self.article.id if self.article else None)


class _Failed(Exception):
    """A store call failed and the user has been told."""
