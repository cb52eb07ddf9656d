"""The Textual application: screens, commands, and the objects they share."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Iterable

from textual.app import App, SystemCommand
from textual.screen import Screen

from reader import config, startup
from reader.errors import ReaderError
from reader.ingest.files import DEFAULT_MAX_BYTES
from reader.screens.reader_screen import ReaderScreen
from reader.store import Store
from reader.text.inert import inert, plural


class ReaderApp(App[None]):
    """reader: read, tag and annotate news articles."""

    TITLE = "reader"
    CSS_PATH = str(config.package_data("styles") / "reader.tcss")
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        store: Store,
        user: str,
        model: str | None = None,
        article_ids: list[int] | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        keymap: dict[str, str] | None = None,
        offset: int | None = None,
        adjudicate: tuple[str, ...] | None = None,
        assignment_id: int | None = None,
    ):
        super().__init__()
        self._adjudicate = adjudicate  # open on the adjudication screen (with these coders, or the assignment's first two)
        self._assignment_id = assignment_id  # of that assignment (None: the open, else the last)
        self._start_offset = offset  # where to open the first article (where the user left off)
        self._no_colours = None
        self.keymap = dict(keymap or {})  # binding id -> keys, from the config file's [keymap]
        if self.keymap:
            self.set_keymap(self.keymap)
        self.store = store
        self.user = user
        store.view_as(user)  # blind coding: while an assignment is open, its articles show the user's own work only
        self.model = model
        self.max_bytes = max_bytes
        self._start_ids = list(article_ids or [])
        self._analyser = None
        self._quit_unsaved = False
        self._on_screen: dict[tuple[str, str, str], float] = {}  # messages shown, until when
        self._notify_lock = threading.Lock()
        self.handle_signals = False  # run_app: SIGTERM and SIGHUP quit as `q` does

    @property
    def analyser(self):
        """The spaCy analyser, created (and spaCy imported) only when first needed."""
        if self._analyser is None:
            from reader.analysis import Analyser

            self._analyser = Analyser(self.model, config.pipelines())
        return self._analyser

    def get_line_filters(self):
        """With NO_COLOR, the terminal's own colours (Textual's default maps colours to greys, which
        forces a dark background on a light terminal); bold, italic, underline and reverse stay."""
        from textual.filter import Monochrome, NoColor

        filters = list(super().get_line_filters())
        if any(isinstance(f, Monochrome) for f in filters):
            if self._no_colours is None:
                self._no_colours = NoColor()
            filters = [self._no_colours if isinstance(f, Monochrome) else f for f in filters]
        return filters

    def notify(self, message: str, *, title: str = "", severity="information", timeout=None, markup: bool = False) -> None:
        """Show a message as plain, inert text: messages quote file names, titles and article text.

        A message already on screen is not stacked again (a key held down at the end of the
        article said "No more quotations this way." six times over).
        """
        now = time.monotonic()
        key = (message, title, severity)
        with self._notify_lock:
            if self._on_screen.get(key, 0.0) > now:
                return
            self._on_screen = {k: until for k, until in self._on_screen.items() if until > now}
            self._on_screen[key] = now + (self.NOTIFICATION_TIMEOUT if timeout is None else timeout)
        super().notify(inert(message), title=inert(title), severity=severity, timeout=timeout, markup=False)

    async def action_quit(self) -> None:
        """Quit once the note being edited is saved; if it cannot be, say so and quit on a second try."""
        if await self.reader_screen.flush_note() or self._quit_unsaved:
            self.reader_screen.remember_place()
            self.exit()
            return
        self._quit_unsaved = True
        self.notify("Your note could not be saved. Copy it, or quit again to leave without it.", severity="error", timeout=15)

    async def _leave(self) -> None:
        """Quit on SIGTERM or SIGHUP (an SSH link dropping): the note being edited saved if it can be in 2 s."""
        import asyncio

        try:
            await asyncio.wait_for(self.reader_screen.flush_note(), 2.0)
        except Exception:  # noqa: BLE001 - leaving regardless: the terminal may be gone
            pass
        self.reader_screen.remember_place()  # an SSH link dropping: the next `reader` opens here
        self.exit()

    def on_ready(self) -> None:
        startup.resume()  # the first screen is out

    def get_default_screen(self) -> Screen:
        return ReaderScreen(self._start_ids[0] if self._start_ids else None, self._start_offset)

    @property
    def reader_screen(self) -> ReaderScreen:
        return next(s for s in self.screen_stack if isinstance(s, ReaderScreen))

    @property
    def has_article(self) -> bool:
        return self.reader_screen.article is not None

    async def on_mount(self) -> None:
        if self.handle_signals:
            import asyncio
            import signal

            loop = asyncio.get_running_loop()
            for signum in (signal.SIGTERM, signal.SIGHUP):
                loop.add_signal_handler(signum, lambda: loop.create_task(self._leave()))
        self.run_worker(self._tell_if_blind, thread=True, group="blind")
        if self._start_ids:
            if len(self._start_ids) > 1:
                self.notify(f"{plural(len(self._start_ids), 'article')} imported: press o for the library.", timeout=4)
        else:
            self.show_library()
        if self._adjudicate is not None:
            self.show_adjudication(self._adjudicate, self._assignment_id)

    def show_adjudication(self, coders: tuple[str, ...] = (), assignment_id: int | None = None) -> None:
        """The disagreements of an assignment (None: the last), to settle in the adjudicated layer."""
        from reader.screens.adjudication import AdjudicationScreen

        if not isinstance(self.screen, AdjudicationScreen):
            self.push_screen(AdjudicationScreen(coders, assignment_id))

    def _tell_if_blind(self) -> None:
        from reader.blinding import start_message

        try:
            message = start_message(self.store)
        except ReaderError:
            return  # damage is reported where it is read
        if message:
            self.call_from_thread(self.notify, message, title="blind coding", timeout=12)

    def show_library(self, mine: bool = False) -> None:
        """The library; `mine`: only the articles assigned to the user (blind coding)."""
        from reader.screens.library import LibraryScreen

        if not isinstance(self.screen, LibraryScreen):
            self.push_screen(LibraryScreen(mine=mine))
        elif mine:
            self.screen.show_mine()

    def open_article(self, article_id: int, annotation_id: int | None = None, offset: int | None = None) -> None:
        """Leave any screen above the reader and show `article_id` (at an annotation, or at `offset`, if given)."""

        async def go() -> None:
            nonlocal offset
            while not isinstance(self.screen, ReaderScreen):
                self.pop_screen()
            if annotation_id is not None:
                try:
                    annotation = self.store.find_annotation(annotation_id)
                except ReaderError:  # damaged: the article opens at its start
                    annotation = None
                offset = annotation.start if annotation else None
            await self.reader_screen.open_article(article_id, offset)

        self.call_later(go)

    def export_annotations(self, article_id: int | None) -> None:
        """Export annotations (of one article, or all) as CSV to a file, and say where it went."""
        self.run_worker(lambda: self._export(article_id), thread=True, group="export")

    def _export(self, article_id: int | None) -> None:
        import datetime as dt
        import os

        from reader.interchange.output import export, output_file
        from reader.interchange.records import ExportFilter

        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        name = f"reader-{'article-' + str(article_id) if article_id else 'all'}-{stamp}.csv"
        library = self.store.path.parent if self.store.path else Path.home()
        folder = Path.cwd() if os.access(Path.cwd(), os.W_OK) else library
        path = folder / name
        filters = ExportFilter(article_ids=(article_id,)) if article_id else None
        from reader.blinding import export_note

        try:
            with output_file(path, private=True) as out:  # notes, as private as the library
                count = export(self.store, out, "csv", filters)
            blind = " Blind coding: others' work on the sample's articles is left out." if export_note(self.store) else ""
        except (ReaderError, OSError) as exc:
            self.call_from_thread(self.notify, f"Export failed: {exc}", severity="error", timeout=10)
            return
        self.call_from_thread(self.notify, f"Exported {plural(count, 'annotation')} to {path}.{blind}", timeout=10)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own commands, less its "Keys" (reader's help lists reader's keys: ?)."""
        for command in super().get_system_commands(screen):
            if command.title != "Keys":
                yield command


def run_app(store: Store, user: str, model: str | None, article_ids: list[int], max_bytes: int,
            keymap: dict[str, str] | None = None, offset: int | None = None,
            adjudicate: tuple[str, ...] | None = None, assignment_id: int | None = None) -> None:
    """Run the app; however it ends (q, SIGTERM, SIGHUP, an error) the library is closed and checkpointed."""
    app = ReaderApp(store, user=user, model=model, article_ids=article_ids, max_bytes=max_bytes, keymap=keymap, offset=offset,
                    adjudicate=adjudicate, assignment_id=assignment_id)
    app.handle_signals = True
    try:
        app.run()
    finally:
        store.close()
