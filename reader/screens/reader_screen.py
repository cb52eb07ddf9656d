"""The reading screen: article pane, notes panel, status line; tagging and notes.

This screen is the controller: widgets post messages up, and this screen
writes to the store (off the UI thread) and pushes the results back down.
"""

from __future__ import annotations

import asyncio
import bisect
import dataclasses
import sqlite3
import time
from typing import TYPE_CHECKING, Any, Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, OptionList, TabbedContent, TextArea

from reader.errors import ReaderError
from reader.model import Annotation, Article, Tag
from reader.store import AnnotationGone, now
from reader.text.highlights import Target
from reader.text.inert import one_line, plural
from reader.widgets.article_view import ArticleView
from reader.widgets.inert import InertInput
from reader.widgets.notes_panel import NoteEditor, NotesPanel, excerpt
from reader.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from reader.app import ReaderApp

NOTE_SAVE_DELAY = 0.3  # after typing pauses this long, the notes list shows the new note
LIVE_REFRESH_S = 2.0  # how often to look for other sessions' changes (and retry an unsaved note)
NARROW_WIDTH = 100
SLOW_DISK_S = 0.02  # SLOW_SAVES note saves in a row slower than this move note saving off the frame of the key
SLOW_SAVES = 3
RELOAD_TRIES = 4  # reads of the annotations a reload makes while this session keeps writing


class ReaderScreen(Screen):
    """Read one article; tag and annotate it by keyboard."""

    # The footer shows a newcomer's path (next highlight or quote, tag, note, help, quit) and fits
    # 80 columns; every key is in the help screen (?).
    BINDINGS = [
        *[Binding(str(n), f"toggle_tag('{n}')", "Tag", show=n == 1, key_display="1-9", id=f"tag_{n}") for n in range(1, 10)],
        Binding("t", "tag_by_name", "Tag…", show=False, id="tag_by_name"),
        # A priority binding: `a` is handled before the keys after it are even read, so what is typed
        # next goes to the note however fast it comes (check_action passes it on in a text field).
        Binding("a", "edit_note", "Note", id="note", priority=True),
        Binding("x", "delete_annotation", "Delete", show=False, id="delete"),
        Binding("u", "undo", "Undo", show=False, id="undo"),
        Binding("ctrl+r", "redo", "Redo", show=False, id="redo"),
        Binding("slash", "search", "Search", show=False, id="search"),
        Binding("n", "match(1)", "Next match", show=False, id="match_next"),
        Binding("N", "match(-1)", "Previous match", show=False, id="match_previous"),
        Binding("tab", "switch_pane", "Pane", show=False, id="switch_pane"),
        Binding("p", "toggle_panel", "Panel", show=False, id="toggle_panel"),
        Binding("o", "library", "Library", show=False, id="library"),
        Binding("c", "codebook", "Codebook", show=False, id="codebook"),
        Binding("e", "export", "Export", show=False, id="export"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("escape", "back_to_article", "Article", show=False, id="back_to_article"),
        Binding("q", "app.quit", "Quit", id="quit"),
    ]

    def __init__(self, article_id: int | None = None) -> None:
        super().__init__()
        self._first_article = article_id
        self.article: Article | None = None
        self.annotations: list[Annotation] = []
        self.tags: list[Tag] = []
        self.undo_stack: list[tuple[Annotation | None, Annotation | None]] = []
        self.redo_stack: list[tuple[Annotation | None, Annotation | None]] = []
        self._note_timer: Timer | None = None
        self._note_before: Annotation | None = None
        self._note_dirty = False  # the editor shows text the store does not hold yet
        self._note_saved: str | None = None  # the note being edited, as this session last saved or read it
        self._save_at_once = True  # notes saved in the frame of the key, unless the disk proved slow
        self._slow_saves = 0  # slow saves in a row
        self._note_lock = asyncio.Lock()
        self._data_version: int | None = None
        self._panel_hidden = False
        # Local writes started or finished, and those under way: a reload whose read overlaps one
        # of them holds an older state than the screen (letters, a new annotation) and is read again.
        self._edits = 0
        self._writing = 0
        self._reload_wanted = False
        self._loaded = asyncio.Event()

    @property
    def reader(self) -> ReaderApp:
        return self.app  # type: ignore[return-value]

    @property
    def view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def panel(self) -> NotesPanel:
        return self.query_one(NotesPanel)

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield ArticleView(id="article")
            yield NotesPanel(id="panel", build=False)  # its widgets come after the first paint (50 ms sooner)
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
            await self.open_article(self._first_article)
        self.call_after_refresh(self.panel.build)

    def on_resize(self) -> None:
        self._layout_panel()

    # ------------------------------------------------------------ loading

    async def open_article(self, article_id: int, offset: int | None = None) -> None:
        """Show an article; analyse it in the background if it never was."""
        store = self.reader.store
        version, article, annotations, tags = await asyncio.to_thread(
            lambda: (store.data_version(), store.article(article_id), store.annotations(article_id), store.tags())
        )
        self.article, self.annotations, self.tags, self._data_version = article, annotations, tags, version
        self.undo_stack.clear()
        self.redo_stack.clear()
        self.view.load(article, annotations, tags)
        self._cursor_moved()
        self.panel.show_article(article, annotations, self.tag_map)
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
        if self.article is None or self.article.id != article_id:
            return
        self.article.analyser = analysis.analyser
        self.view.set_analysis(analysis.entities, analysis.quotes)
        self._cursor_moved()
        self.view._relayout()  # the header no longer says "analysing…"
        self.panel.show_analysis(self.article)
        self.notify(f"Found {plural(len(analysis.entities), 'entity', 'entities')} and {plural(len(analysis.quotes), 'quotation')}.", timeout=3)

    @property
    def tag_map(self) -> dict[str, Tag]:
        return {t.name: t for t in self.tags}

    # ------------------------------------------------------------ storage, off the UI thread

    async def _db(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run a store write in a thread; on failure tell the user and raise `_Failed`."""
        try:
            return await self._write(fn, *args)
        except (ReaderError, sqlite3.Error) as exc:
            self.notify(one_line(str(exc)), severity="error", timeout=10)
            raise _Failed from None

    async def _write(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run a store write in a thread, counted so that a reload overlapping it is known to be stale."""
        self._edits += 1
        self._writing += 1
        try:
            return await asyncio.to_thread(fn, *args)
        finally:
            self._writing -= 1
            self._edits += 1

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`a` (a priority binding) is a letter, not a command, in the note and the search box."""
        if action == "edit_note" and isinstance(self.focused, (Input, TextArea)):
            return False
        return True

    async def _poll_changes(self) -> None:
        """Show other sessions' changes to this article; retry a note that could not be saved."""
        if self._note_dirty and not self._note_lock.locked():
            await self._flush_note()
        if self.article is None:
            return
        if self._reload_wanted:
            await self._reload_annotations()
        try:
            version = await asyncio.to_thread(self.reader.store.data_version)
        except (ReaderError, sqlite3.Error):
            return
        changed = self._data_version is not None and version != self._data_version
        self._data_version = version
        if changed:
            await self._reload_annotations()

    async def _reload_annotations(self) -> None:
        """Read the article's annotations again and show them, unless this session wrote meanwhile.

        A read that overlaps a write of this session (a letter of the note saved, a tag) may hold the
        state from before it: shown, it would take back what the user just did. It is read again, and
        if the user keeps writing, the next poll tries once more.
        """
        if self.article is None:
            return
        store, article_id = self.reader.store, self.article.id
        for _ in range(RELOAD_TRIES):
            edits, writing = self._edits, self._writing
            try:
                annotations, tags = await asyncio.to_thread(lambda: (store.annotations(article_id), store.tags()))
            except (ReaderError, sqlite3.Error) as exc:
                self.notify(one_line(str(exc)), severity="error", timeout=10)
                return
            if self.article is None or self.article.id != article_id:
                return
            if not writing and not self._writing and edits == self._edits:
                break
        else:
            self._reload_wanted = True
            return
        self._reload_wanted = False
        self.annotations, self.tags = annotations, tags
        self.view.set_annotations(self.annotations, self.tags)
        self._cursor_moved()
        self.panel.show_annotations(self.annotations, self.tag_map)
        self._follow_note_elsewhere()

    def _follow_note_elsewhere(self) -> None:
        """An open note another session changed, not typed in here since: show their text."""
        owner = self.panel._note_owner
        if owner is None or self._note_dirty or self._note_saved is None or not self.query_one(NoteEditor).has_focus:
            return
        current = next((a.note for a in self.annotations if a.id == owner), None)
        if current is not None and current != self._note_saved and self.panel.note_text == self._note_saved:
            self._note_saved = current
            self.panel._set_note(owner, current)
            editor = self.query_one(NoteEditor)
            editor.move_cursor(editor.document.end)  # typing goes on after their text
            self.notify("This note was changed in another session.", timeout=4)

    def _record(self, before: Annotation | None, after: Annotation | None) -> None:
        self.undo_stack.append((before, after))
        self.redo_stack.clear()

    def _apply_state(self, current: Annotation | None, wanted: Annotation | None) -> None:
        """Make the store hold `wanted` where it holds `current` (runs in a thread)."""
        store = self.reader.store
        if wanted is None:
            if current is not None:
                store.delete_annotation(current.id)
        else:
            store.restore_annotation(wanted)

    # ------------------------------------------------------------ tagging

    async def action_toggle_tag(self, key: str) -> None:
        tag = next((t for t in self.tags if t.quick_key == key), None)
        if tag is None:
            self.notify(f"No tag on key {key}: give one that key in the codebook (c).", timeout=4)
            return
        await self._toggle_tag(tag.name)

    async def _toggle_tag(self, name: str) -> None:
        if self.article is None:
            return
        target = self.view.target()
        if target is None:
            self.notify("Nothing to tag here: move onto a word or select with v.", timeout=3)
            return
        store = self.reader.store
        annotation = target.annotation or self.view.highlights.annotation_with_span(target.start, target.end)
        new_tag = name not in self.tag_map
        try:
            if annotation is None:
                after = await self._db(
                    store.create_annotation, self.article.id, target.start, target.end, self.reader.user, [name]
                )
                self._record(None, after)
            else:
                has_tag = name.lower() in (t.lower() for t in annotation.tags)
                if has_tag and len(annotation.tags) == 1 and not annotation.note.strip():
                    await self._db(store.delete_annotation, annotation.id)
                    after = None
                else:
                    change = store.remove_tag if has_tag else store.add_tag
                    try:
                        after = await self._write(lambda: (change(annotation.id, name), store.annotation(annotation.id))[1])
                    except AnnotationGone:
                        await self._tag_gone(annotation, name, has_tag)
                        return
                    except (ReaderError, sqlite3.Error) as exc:
                        self.notify(one_line(str(exc)), severity="error", timeout=10)
                        return
                self._record(annotation, after)
        except _Failed:
            return
        self.view.clear_selection()
        if new_tag:
            await self._reload_annotations()  # the codebook grew
        else:
            self._replace_annotation(annotation.id if annotation else after.id, after)  # type: ignore[union-attr]

    async def _tag_gone(self, annotation: Annotation, name: str, removing: bool) -> None:
        """Another session deleted the annotation being tagged: tag its text anew (or, removing, there is nothing to do)."""
        if not removing and self.article is not None:
            try:
                after = await self._db(
                    self.reader.store.create_annotation, self.article.id, annotation.start, annotation.end, self.reader.user, [name]
                )
            except _Failed:
                return
            self._record(None, after)
        self.notify("That annotation was deleted in another session" + ("." if removing else f"; its text is tagged '{name}' anew."),
                    severity="warning", timeout=6)
        await self._reload_annotations()

    def _replace_annotation(self, annotation_id: int, new: Annotation | None) -> None:
        """Show one annotation changed, added or gone (None) without reloading them all (25 ms on a long article)."""
        kept = [a for a in self.annotations if a.id != annotation_id]
        if new is not None:
            bisect.insort(kept, new, key=lambda a: (a.start, a.end, a.id))
        self.annotations = kept
        self.view.set_annotations(self.annotations, self.tags)
        self._cursor_moved()
        self.panel.show_annotations(self.annotations, self.tag_map, later=True)

    def action_tag_by_name(self) -> None:
        from reader.screens.prompts import TagPrompt

        if self.view.target() is None:
            self.notify("Nothing to tag here: move onto a word or select with v.", timeout=3)
            return
        self.app.push_screen(TagPrompt(self.tags), self._tag_chosen)

    async def _tag_chosen(self, name: str | None) -> None:
        if not name:
            return
        is_new = self.reader.store.tag_by_name(name) is None
        await self._toggle_tag(name)
        if is_new:
            self.notify(f"New tag '{name}' joined the codebook.", timeout=3)

    async def action_delete_annotation(self) -> None:
        annotation = self.view.highlights.annotation_at(self.view.cursor)
        if annotation is None:
            self.notify("No annotation under the cursor.", timeout=2)
            return
        try:
            await self._db(self.reader.store.delete_annotation, annotation.id)
        except _Failed:
            return
        self._record(annotation, None)
        await self._reload_annotations()
        self.notify("Annotation deleted (u to undo).", timeout=3)

    async def action_undo(self) -> None:
        await self._step(self.undo_stack, self.redo_stack, "Nothing to undo.", undo=True)

    async def action_redo(self) -> None:
        await self._step(self.redo_stack, self.undo_stack, "Nothing to redo.", undo=False)

    async def _step(self, source: list, dest: list, empty: str, undo: bool) -> None:
        if not await self._flush_note():
            return
        if not source:
            self.notify(empty, timeout=2)
            return
        before, after = source.pop()
        current, wanted = (after, before) if undo else (before, after)
        try:
            await self._db(self._apply_state, current, wanted)
        except _Failed:
            source.append((before, after))
            return
        dest.append((before, after))
        await self._reload_annotations()
        if wanted is not None:
            self.view.move_to(wanted.start)

    # ------------------------------------------------------------ notes

    async def action_edit_note(self) -> None:
        """Open the note of the target, making its annotation if need be.

        A priority binding runs this before the keys typed after `a` are read; it returns with the
        editor focused, so those keys are typed into the note, however fast they came.
        """
        await self._loaded.wait()  # `a` pressed as the screen opens waits for the article
        if self.article is None:
            return
        if not await self._flush_note():  # the unsaved note stays in the editor
            self.panel.focus_note()
            return
        target = self.view.target()
        if target is None:
            self.notify("Nothing here to write a note on: move onto a word or select with v.", timeout=3)
            return
        annotation = target.annotation or self.view.highlights.annotation_with_span(target.start, target.end)
        if annotation is None:
            try:
                annotation = await self._db(
                    self.reader.store.create_annotation, self.article.id, target.start, target.end, self.reader.user
                )
            except _Failed:
                return
            self._record(None, annotation)
            self.view.clear_selection()
            self._replace_annotation(annotation.id, annotation)
            self.view.move_to(annotation.start)
        self._note_before = annotation
        self._note_saved = annotation.note  # what the store holds, as far as this session knows
        await self.panel.build()
        self._show_panel(True)
        self.panel.edit_note(annotation.id, annotation.note)

    @on(TextArea.Changed, "#note")
    def _note_changed(self) -> None:
        """Every change is written at once (one write at a time, the latest text wins)."""
        self._note_dirty = True
        if self._note_lock.locked() or not self._save_note_now():
            if not self.panel.note_unsaved:
                self.panel.show_note_state("saving")
            if not self._note_lock.locked():
                self.run_worker(self._flush_note(), group="note-save")
        if self._note_timer is not None:
            self._note_timer.stop()
        self._note_timer = self.set_timer(NOTE_SAVE_DELAY, self._reload_annotations)

    def _save_note_now(self) -> bool:
        """Save the note before the letter typed is drawn (under a millisecond): on screen is on disk.

        False when it cannot be done at once (the library busy, the annotation gone, an error):
        the saving worker then takes over, waits, and tells the user what went wrong.
        """
        owner, text = self.panel._note_owner, self.panel.note_text
        if owner is None or self.panel.note_unsaved or not self._save_at_once:
            return False
        started = time.perf_counter()
        self._edits += 1
        try:
            theirs = self.reader.store.set_note(owner, text, self._note_saved, wait=False)
        except (ReaderError, sqlite3.Error):
            return False
        finally:  # a slow disk (not one slow write: a first one, a checkpoint): typing must not wait for it
            slow = time.perf_counter() - started > SLOW_DISK_S
            self._slow_saves = self._slow_saves + 1 if slow else 0
            if self._slow_saves >= SLOW_SAVES:
                self._save_at_once = False
        self._note_dirty = False
        self._note_saved = text
        self.annotations = [dataclasses.replace(a, note=text) if a.id == owner else a for a in self.annotations]
        if theirs is not None:
            self._replaced_theirs(theirs)
        self.panel.show_note_state("saved")
        return True

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
        async with self._note_lock:
            saved_any = False
            while self._note_dirty:
                self._note_dirty = False
                owner, text = self.panel._note_owner, self.panel.note_text
                if owner is None:
                    break
                try:
                    try:
                        theirs = await self._write(self.reader.store.set_note, owner, text, self._note_saved)
                    except AnnotationGone:
                        await self._bring_back(owner, text)
                    else:
                        if theirs is not None:
                            self._replaced_theirs(theirs)
                    self._note_saved = text
                except (ReaderError, sqlite3.Error) as exc:
                    self._note_dirty = True
                    if not self.panel.note_unsaved:
                        self.notify(
                            f"Your note is not saved: {one_line(str(exc))}. It stays on screen and is saved "
                            "as soon as that is possible.",
                            severity="error",
                            timeout=15,
                        )
                    self.panel.show_note_state("unsaved")
                    return False
                self.annotations = [dataclasses.replace(a, note=text) if a.id == owner else a for a in self.annotations]
                saved_any = True
            if saved_any:
                self.panel.show_note_state("saved")
            return True

    async def _bring_back(self, annotation_id: int, note: str) -> None:
        """The annotation whose note is being written was deleted elsewhere: keep the note by putting it back."""
        known = next((a for a in self.annotations if a.id == annotation_id), None) or self._note_before
        if known is None or known.id != annotation_id:
            raise AnnotationGone(annotation_id)
        restored = dataclasses.replace(known, note=note, updated_at=now())
        await self._write(self.reader.store.restore_annotation, restored)
        self.notify("This annotation was deleted in another session; your note brought it back.", severity="warning", timeout=8)

    @on(NoteEditor.Done)
    async def _note_done(self) -> None:
        if not await self._flush_note():
            return  # stay in the note: its text is not saved
        await self._reload_annotations()
        owner = self.panel._note_owner
        after = next((a for a in self.annotations if a.id == owner), None)
        before = self._note_before
        if after is not None and not after.tags and not after.note.strip():
            # An annotation opened for a note that was never written: drop it quietly.
            try:
                await self._db(self.reader.store.delete_annotation, after.id)
            except _Failed:  # the user was told; it stays, empty
                pass
            else:
                if self.undo_stack and self.undo_stack[-1] == (None, before):
                    self.undo_stack.pop()
                await self._reload_annotations()
        elif before is not None and after is not None and before.note != after.note:
            self._record(before, after)
        self._note_before = self._note_saved = None
        self.view.focus()
        self._layout_panel()

    # ------------------------------------------------------------ status and panel

    def _cursor_moved(self) -> None:
        """Show what is under the cursor: called at once when the view's cursor or selection changes."""
        target = self.view.target()
        if self.panel.display:
            self.panel.show_target(target, self.tag_map)
        self.query_one(StatusLine).show(self._status(target))

    def _status(self, target: Target | None) -> Text:
        view = self.view
        status = Text(no_wrap=True, overflow="ellipsis")
        entity = view.highlights.entity_at(view.cursor)
        quote = view.highlights.quote_at(view.cursor)
        if view.selection:
            status.append(" SELECT ", style="bold reverse")
            status.append(f" {view.selection[1] - view.selection[0]} chars  ")
        if entity is not None:
            status.append(f"{one_line(entity.label)} ", style="bold")
            status.append(excerpt(entity.text, 30))
            if entity.canonical and entity.canonical != entity.text:
                status.append(f" → {excerpt(entity.canonical, 30)}", style="italic")
            status.append("  ")
        if quote is not None:
            status.append("quote by ", style="italic")
            status.append(one_line(quote.speaker or "unknown speaker"), style="bold italic")
            status.append("  ")
        if target is not None and target.annotation is not None and target.annotation.tags:
            status.append("tags: " + one_line(", ".join(target.annotation.tags)), style="bold")
            status.append("  ")
        if view.text:
            percent = int(100 * view.cursor / max(1, len(view.text) - 1))
            status.append(f"{percent}%", style="dim")
        return status

    def _layout_panel(self) -> None:
        narrow = self.app.size.width < NARROW_WIDTH
        self.panel.set_class(narrow, "-narrow")  # on the panel: a class on the screen restyles every widget
        panel_focused = self.panel.has_focus_within if self.is_mounted else False
        self.panel.display = not self._panel_hidden and (not narrow or panel_focused)

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

        self.app.push_screen(CodebookScreen(), lambda _: self.call_later(self._reload_annotations))

    def action_help(self) -> None:
        from reader.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_export(self) -> None:
        self.reader.export_annotations(self.article.id if self.article else None)


class _Failed(Exception):
    """A store call failed and the user has been told."""
