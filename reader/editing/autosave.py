"""The note being edited, saved as it is typed: what the store holds, and when it cannot be saved.

Each letter is written before the screen draws it, when that takes under a millisecond (`save_now`);
when the library is busy or the disk proves slow, a worker writes until the store holds what the
editor shows (`flush`), and a note that cannot be saved stays on screen, retried later.
No Textual: the screen passes what the editor shows and shows what comes back.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from dataclasses import dataclass
from typing import Callable

from reader.editing.session import AnnotationSession
from reader.errors import ReaderError
from reader.model import Annotation
from reader.store import AnnotationGone

SLOW_DISK_S = 0.02  # SLOW_SAVES note saves in a row slower than this move note saving off the frame of the key
SLOW_SAVES = 3


@dataclass(frozen=True)
class Flushed:
    """How a flush ended: `ok` when the store holds the note; `error` says why not; `brought_back` when
    the annotation had been deleted elsewhere and the note put it back."""

    ok: bool
    saved: bool = False
    error: str | None = None
    brought_back: bool = False
    repeated: bool = False  # it had failed before: the user knows


class NoteAutosave:
    """The open note: its annotation (`owner`), the text as last saved or read, and what is not saved yet."""

    def __init__(self, session: AnnotationSession, on_replaced: Callable[[str], None]):
        self.session = session
        self.on_replaced = on_replaced  # another session's note, replaced by this one's
        self.before: Annotation | None = None  # the annotation as it was when the note was opened
        self.made = False  # the annotation was made for this note
        self.saved: str | None = None  # the note as this session last saved or read it
        self.dirty = False  # the editor shows text the store does not hold yet
        self.unsaved = False  # the last try failed: the user was told
        self._at_once = True
        self._slow_saves = 0
        self._lock = asyncio.Lock()

    @property
    def busy(self) -> bool:
        """A flush is under way."""
        return self._lock.locked()

    def open(self, annotation: Annotation, made: bool = False) -> None:
        """The note of `annotation` is open (`made`: the annotation was made for it)."""
        self.before, self.saved, self.made = annotation, annotation.note, made

    def close(self) -> None:
        self.before = self.saved = None
        self.made = False

    def follows(self, owner: int | None, shown: str) -> str | None:
        """The note another session wrote to the open note, if the editor shows just what this session
        last saved (nothing typed since): the text to show instead, else None."""
        if owner is None or self.dirty or self.saved is None:
            return None
        current = next((a.note for a in self.session.annotations if a.id == owner), None)
        if current is not None and current != self.saved and shown == self.saved:
            self.saved = current
            return current
        return None

    def save_now(self, owner: int | None, text: str) -> bool:
        """Save in the caller's frame (under a millisecond); False when it cannot be done at once (the
        library busy, the annotation gone, an error, a slow disk): then `flush` takes over."""
        if owner is None or self.unsaved or not self._at_once:
            return False
        started = time.perf_counter()
        try:
            with self.session.writing():
                theirs = self.session.store.set_note(owner, text, self.saved, wait=False)
        except (ReaderError, sqlite3.Error):
            return False
        finally:  # a slow disk (not one slow write: a first one, a checkpoint): typing must not wait for it
            slow = time.perf_counter() - started > SLOW_DISK_S
            self._slow_saves = self._slow_saves + 1 if slow else 0
            if self._slow_saves >= SLOW_SAVES:
                self._at_once = False
        self.dirty = False
        self.saved = text
        self.session.set_note(owner, text)
        if theirs is not None:
            self.on_replaced(theirs)
        return True

    async def flush(self, editor: Callable[[], tuple[int | None, str]]) -> Flushed:
        """Write what `editor()` shows (owner, text) until the store holds it."""
        async with self._lock:
            saved = brought_back = False
            while self.dirty:
                self.dirty = False
                owner, text = editor()
                if owner is None:
                    break
                try:
                    try:
                        theirs = await self.session.write(self.session.store.set_note, owner, text, self.saved)
                    except AnnotationGone:
                        await self.session.bring_back(owner, text, self.before)
                        brought_back = True
                    else:
                        if theirs is not None:
                            self.on_replaced(theirs)
                    self.saved = text
                except (ReaderError, sqlite3.Error) as exc:
                    self.dirty = True
                    repeated, self.unsaved = self.unsaved, True
                    return Flushed(False, saved, str(exc), brought_back, repeated)
                self.session.set_note(owner, text)
                saved = True
            self.unsaved = False
            return Flushed(True, saved, None, brought_back)
