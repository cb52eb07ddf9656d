"""Storage: one SQLite file, reached through sqlite-utils.

The only module that runs SQL. Free of Textual and spaCy. Every write is its
own committed transaction, so what the screen shows is already on disk.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import inspect
import json
import os
import sqlite3
import stat
import threading
import time
import weakref
from array import array
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Generator, Iterable, Iterator

from reader.errors import ReaderError
from reader.ingest.article import ParsedArticle
from reader.model import (
    ADJUDICATION_CHOICES,
    Adjudication,
    Analysis,
    Annotation,
    Appearance,
    Article,
    ArticleCode,
    ArticleIdentity,
    ArticleListing,
    Assignment,
    CoderProgress,
    Decision,
    Entity,
    ExportRow,
    Quote,
    QuoteFilter,
    SearchHit,
    SpeakerDecision,
    SpeakerSummary,
    Tag,
    Variable,
    VariableValue,
)
from reader.schema import known_migrations, migrations
from reader.sqlite import Database
from reader.text.inert import one_line

CONTEXT_CHARS = 32
# An article's external id (a corpus row's id column) lives in its meta JSON as "external_id": no column, no migration.
_EXTERNAL_ID_SQL = "(CASE WHEN json_valid(a.meta) THEN CAST(json_extract(a.meta, '$.external_id') AS TEXT) END)"
# Annotations with their tag names (in codebook order) as a JSON array.
_ANNOTATIONS_SQL = """
    SELECT n.*, (SELECT json_group_array(t.name) FROM
                    (SELECT t.name FROM annotation_tags x JOIN tags t ON t.id = x.tag_id
                     WHERE x.annotation_id = n.id ORDER BY t.position, t.name) t) AS tag_names
    FROM annotations n
"""
# What the library lists of each article: columns of idx_articles_listing (no article text is read) and its counts.
LISTING_FIELDS = ArticleListing._fields
_LISTING_SQL = """
    SELECT a.id, a.title, a.date, a.source, a.word_count, a.imported_at, a.analyser,
           COALESCE(c.annotations, 0), COALESCE(c.notes, 0), COALESCE(c.entities, 0), COALESCE(c.quotes, 0)
    FROM articles a INDEXED BY idx_articles_listing LEFT JOIN article_counts c ON c.article_id = a.id
"""
# Above this size a database is not read whole at open (PRAGMA quick_check): 0.4 s at 100,000 articles (850 MB),
# more from a cold disk. Damage found later is still refused with one line.
QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024
# Filesystems where SQLite's write-ahead log is unsafe (its shared memory index needs one machine's memory).
NETWORK_FILESYSTEMS = {
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "ncpfs", "afs", "9p", "fuse.sshfs", "sshfs",
    "davfs", "fuse.davfs2", "glusterfs", "fuse.glusterfs", "ceph", "fuse.ceph", "lustre", "gpfs", "beegfs", "fuse.rclone",
}
BUSY_TIMEOUT_MS = 10_000  # how long one attempt to take the write lock waits for another session
# Colours for new tags in turn, none of them a default tag's: tags told apart at a glance.
# Each is at least ΔE 15 from the default tags' colours and from each other, as chip and as tint, in 256
# colours and truecolor (tests/unit/test_tag_colours.py); gold1, orchid1 and chartreuse3 were not.
NEW_TAG_COLOURS = (
    "bright_cyan", "bright_green", "dark_orange", "medium_purple1", "deep_pink2", "spring_green2", "navajo_white1",
    "dodger_blue1", "medium_purple4", "sea_green1",
)
AT_ONCE_S = 0.05  # how long a write asked not to wait may wait after all (another thread's read, say)
WRITE_PATIENCE_S = 30.0  # how long a write keeps retrying before it is reported as failed


class StoreError(ReaderError):
    """The database cannot be used; the message is one line for the user."""


class NotFoundError(StoreError):
    """What was asked for is not in the library (`get_x` raises it; `find_x` returns None)."""


class AnnotationGone(NotFoundError):
    """The annotation was deleted meanwhile (by another session, say)."""

    def __init__(self, annotation_id: int):
        super().__init__(f"annotation {annotation_id} was deleted, perhaps in another session")
        self.annotation_id = annotation_id


class StoreBusy(StoreError):
    """A write asked not to wait found the library busy (another thread or session writing)."""

    def __init__(self) -> None:
        super().__init__("the library is busy")


class _Database(Database):
    """sqlite-utils' Database whose write transactions take the write lock at once (BEGIN IMMEDIATE).

    With plain BEGIN, a transaction that reads before it writes fails at once with "database is
    locked" when another session wrote meanwhile; with IMMEDIATE it waits for the busy timeout.
    """

    path: Path | None = None

    @contextlib.contextmanager
    def atomic(self, wait: bool = True) -> Generator[Database, None, None]:
        """A write transaction; `wait=False` raises StoreBusy at once rather than wait for another writer."""
        if self.conn.in_transaction:
            with super().atomic():  # a savepoint inside the open transaction
                yield self
            return
        if wait:
            self._begin()
        else:
            self._begin_at_once()
        try:
            yield self
            self.conn.execute("COMMIT")
        except BaseException as exc:
            self.rollback()
            if isinstance(exc, sqlite3.OperationalError):
                raise StoreError(_write_failure(self.path, exc)) from exc
            raise

    def _begin_at_once(self) -> None:
        self.conn.execute(f"PRAGMA busy_timeout = {int(AT_ONCE_S * 1000)}")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise StoreBusy() from None
            raise StoreError(_write_failure(self.path, exc)) from exc
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def _begin(self) -> None:
        """BEGIN IMMEDIATE, retried while another session holds the write lock, up to WRITE_PATIENCE_S."""
        deadline = time.monotonic() + WRITE_PATIENCE_S
        while True:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc):
                    raise StoreError(_write_failure(self.path, exc)) from exc
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"{self.path}: the library is busy: another session has been writing to it for "
                        f"over {WRITE_PATIENCE_S:g} s; nothing was saved, try again"
                    ) from exc
                time.sleep(0.05)


def now() -> str:
    """The current time in UTC, ISO 8601 to the second."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def context(text: str, start: int, end: int, chars: int = CONTEXT_CHARS) -> tuple[str, str]:
    """The text just before and just after a span, for re-anchoring."""
    return text[max(0, start - chars) : start], text[end : end + chars]


class _SpanLookup:
    """An article's highlights as corrected, to say what an annotation is on and to correct the
    machine's highlight rows of an export.

    An annotation is on an entity or a quotation when it has that highlight's very span (its
    `target`; `entity_label` only then); `quote_speaker`, `quote_source` and `quote_cue` are those
    of the quotation it lies within, and the first such quotation when there are several.
    """

    def __init__(self, store: "Store", article_id: int, authors: Iterable[str] = ()):
        from reader.editing.verify import apply_decisions

        self.article_id = article_id
        text, entities, quotes = store._highlights_of(article_id)  # plain tuples read: this runs per article of an export
        self.text = text
        self.shown: dict[tuple[str, int, int], Any] = {}  # the machine's (kind, start, end) -> as corrected
        decisions = store.decisions(article_id)
        if authors:  # an export of some authors' work: the highlights as they (the adjudicated layer, say) decided
            decisions = [d for d in decisions if d.author in authors]
        if decisions:
            entities, quotes = apply_decisions(text, entities, quotes, decisions, pairs=self.shown)
        self.entities: dict[tuple[int, int], Any] = {}
        for entity in entities:  # the first of several on one span
            self.entities.setdefault((entity.start, entity.end), entity)
        self.quotes = sorted(quotes, key=lambda q: (q.start, q.end))
        self.quote_spans: dict[tuple[int, int], Any] = {}
        for quote in self.quotes:
            self.quote_spans.setdefault((quote.start, quote.end), quote)
        self.added = sorted((q for (kind, _, _), q in self.shown.items() if kind == "added"), key=lambda q: (q.start, q.end))

    def source_and_cue(self, quote: Any) -> tuple[str | None, str | None]:
        start, end = getattr(quote, "source_start", None), getattr(quote, "source_end", None)
        source = self.text[start:end] if start is not None and end is not None else None
        return source, quote.cue

    def context(self, row: ExportRow) -> ExportRow:
        """An annotation's row with its entity_label, quote_speaker, target, status, quote_source and quote_cue."""
        start, end = row.start, row.end
        entity = self.entities.get((start, end))
        quote = self.quote_spans.get((start, end))
        within = quote
        if within is None and self.quotes:  # the first quotation holding it (few per article)
            within = next((q for q in self.quotes if q.start <= start and end <= q.end), None)
        if entity is None and within is None:  # most annotations: on a stretch of text of their own
            return row._replace(target="span")
        on = quote or entity
        source, cue = self.source_and_cue(within) if within is not None else (None, None)
        return row._replace(
            entity_label=entity.label if entity is not None and quote is None else None,
            quote_speaker=within.speaker if within is not None else None,
            target="quotation" if quote is not None else "entity" if entity is not None else "span",
            status=on.status if on is not None else None,
            quote_source=source,
            quote_cue=cue,
        )

    def highlight(self, row: ExportRow, with_rejected: bool = False) -> ExportRow | None:
        """A machine highlight's row as corrected; when a person rejected it, None (or, `with_rejected`,
        the row with status rejected)."""
        shown = self.shown.get((row.kind, row.start, row.end), "missing")
        if shown != "missing" and shown.status == "rejected" and not with_rejected:
            return None
        if shown == "missing":
            return row._replace(target="quotation" if row.kind == "quote" else "entity", status="machine")
        return self.row_of(row, shown)

    def row_of(self, row: ExportRow, item: Any) -> ExportRow:
        prefix, suffix = context(self.text, item.start, item.end)
        changes: dict[str, Any] = {"start": item.start, "end": item.end, "text": self.text[item.start : item.end],
                                   "prefix": prefix, "suffix": suffix, "status": item.status,
                                   "author": item.decided_by or row.author}
        if row.kind == "quote":
            source, cue = self.source_and_cue(item)
            changes.update(quote_speaker=item.speaker, target="quotation", quote_source=source, quote_cue=cue)
        else:
            changes.update(entity_label=item.label, target="entity")
        return row._replace(**changes)


def _one_line_errors(method: Callable[..., Any]) -> Callable[..., Any]:
    """Store methods raise StoreError with one line for the user, never a bare sqlite3.Error;
    a method that streams (a generator) does so while it is iterated too."""

    @functools.wraps(method)
    def wrapper(self: "Store", *args: Any, **kwargs: Any) -> Any:
        try:
            result = method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise StoreError(_explain(self.path, exc)) from exc
        except UnicodeDecodeError as exc:  # a damaged TEXT decoded outside sqlite3 (a converter, json)
            raise StoreError(_explain_undecodable(self.path)) from exc
        except OverflowError as exc:  # an id of 30 digits: SQLite's integers have 64 bits
            raise StoreError(f"{self.path}: a number too large for the library ({exc})") from exc
        if inspect.isgenerator(result):
            return _translated(self, result)
        return result

    return wrapper


def _translated(store: "Store", rows: Iterator[Any]) -> Iterator[Any]:
    try:
        yield from rows
    except sqlite3.Error as exc:
        raise StoreError(_explain(store.path, exc)) from exc
    except UnicodeDecodeError as exc:
        raise StoreError(_explain_undecodable(store.path)) from exc


@dataclass
class LibraryMatches:
    """A search of the library: matching notes (article id, annotation id), then matching article ids."""

    fts_query: str
    notes: list[tuple[int, int]]
    articles: "_MatchIds"

    def __len__(self) -> int:
        return len(self.notes) + len(self.articles)

    def entries(self, start: int, count: int) -> list[tuple[str, int, int | None]]:
        """(kind, article id, annotation id or None) of rows start..start+count."""
        out: list[tuple[str, int, int | None]] = []
        for i in range(max(0, start), min(len(self), start + count)):
            if i < len(self.notes):
                out.append(("annotation", *self.notes[i]))
            else:
                try:
                    out.append(("article", self.articles[i - len(self.notes)], None))
                except IndexError:  # deleted since the search
                    break
        return out


class _MatchIds:
    """The ids of a search's matching articles, newest first: counted at once, read MATCH_PAGE at a time when needed."""

    MATCH_PAGE = 256

    def __init__(self, store: "Store", fts_query: str, count: int):
        self.store, self.fts_query, self.count = store, fts_query, count
        self._pages: dict[int, array] = {}

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[int]:
        return (self[i] for i in range(self.count))

    def __getitem__(self, index: int) -> int:
        if not 0 <= index < self.count:
            raise IndexError(index)
        page = index // self.MATCH_PAGE
        ids = self._pages.get(page)
        if ids is None:
            ids = self._pages[page] = self.store._match_ids(self.fts_query, page * self.MATCH_PAGE, self.MATCH_PAGE)
        offset = index - page * self.MATCH_PAGE
        if offset >= len(ids):  # fewer than counted: deleted meanwhile
            raise IndexError(index)
        return ids[offset]


_open_stores: "weakref.WeakSet[Store]" = weakref.WeakSet()


def open_stores() -> set["Store"]:
    """The stores open in this process."""
    return set(_open_stores)


def close_all(keep: set["Store"] = frozenset()) -> None:  # type: ignore[assignment]
    """Close every store still open but those in `keep` (checkpointing each): when a command ends, on SIGTERM or SIGHUP."""
    for store in list(_open_stores):
        if store not in keep:
            store.close()


class Store:
    """The library of articles, their analyses and the user's annotations."""

    network_filesystem: str | None = None  # the filesystem type, when the library sits on a network share
    _closed = False

    def __init__(self, path: str | Path | None = None):
        """Open (creating if needed) the database at `path`; None for an in-memory one."""
        self.path = None if path is None else Path(path)
        self._lock = threading.RLock()
        if self.path is None:
            conn = sqlite3.connect(":memory:", check_same_thread=False)
        else:
            conn = _connect(self.path)
        self.db = _Database(conn, execute_plugins=False)  # no sqlite-utils plugins: their lookup costs 20 ms
        self.db.path = self.path
        try:
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._open()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(_explain(self.path, exc)) from None
        except StoreError:
            conn.close()
            raise

    def _open(self) -> None:
        """Check and migrate, waiting (up to WRITE_PATIENCE_S) while another session holds the file.

        On a network filesystem (NFS, SMB/CIFS, ...) the write-ahead log is unsafe: the library
        uses a rollback journal and exclusive locking instead, so one session at a time.
        """
        if self.path is not None:
            self.network_filesystem = network_filesystem(self.path)
        if self.network_filesystem:
            self._open_exclusive()
        deadline = time.monotonic() + WRITE_PATIENCE_S
        while True:
            try:
                if self.path is None or self.path.stat().st_size <= QUICK_CHECK_MAX_BYTES:
                    self._check_integrity()
                else:
                    self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the header and schema read
                self._migrate()
                _open_stores.add(self)
                self._finalizer = weakref.finalize(self, _close_connection, self.db.conn, self.path)
                return
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() >= deadline:
                    raise
                time.sleep(0.05)

    def _open_exclusive(self) -> None:
        """A rollback journal and an exclusive lock, held until close (a second session is refused at once)."""
        try:
            self.db.execute("PRAGMA busy_timeout = 1000")
            self.db.execute("PRAGMA locking_mode = EXCLUSIVE")
            self.db.execute("PRAGMA journal_mode = DELETE").fetchone()
            self.db.execute("BEGIN IMMEDIATE")  # takes the lock now, not at the first write
            self.db.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise StoreError(
                    f"{self.path}: the library is open in another session; on a network filesystem "
                    f"({self.network_filesystem}) reader lets one session at a time use it"
                ) from None
            raise
        finally:
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def _migrate(self) -> None:
        self._check_schema()
        if not migrations.pending(self.db):
            return
        if self.path is not None and not self.network_filesystem:
            self.db.execute("PRAGMA journal_mode = WAL")
        # One session migrates at a time: another opening the same new file waits here, then finds it done.
        with self.db.atomic():
            self._check_schema()
            migrations.apply(self.db)

    def _check_integrity(self) -> None:
        """Refuse a damaged file before anything writes to it (a quick check reads every page once)."""
        if self.path is None:
            return
        result = self.db.execute("PRAGMA quick_check(1)").fetchone()[0]
        if result != "ok":
            detail = " ".join(result.replace("*** in database main ***", "").split())
            raise StoreError(f"{self.path}: the database file is corrupt ({detail}); it was left untouched")

    def _check_schema(self) -> None:
        """Refuse databases made by a newer reader, and other applications' databases."""
        applied = {m.name for m in migrations.applied(self.db)}
        unknown = applied - known_migrations()
        if unknown:
            raise StoreError(
                f"{self.path}: made by a newer version of reader (schema {sorted(unknown)[-1]}); upgrade reader to open it"
            )
        if not applied:
            foreign = sorted(set(self.db.table_names()) - {migrations.migrations_table})
            if foreign:
                raise StoreError(
                    f"{self.path}: not a reader database (it has other tables: {', '.join(foreign[:3])}); "
                    "it was left untouched"
                )

    def close(self) -> None:
        """Checkpoint the write-ahead log into the database file and close: the file alone is then the library.

        The checkpoint never waits (busy timeout 0): with other sessions open it copies what it
        can and leaves them undisturbed; the last session to close leaves no -wal file behind.
        Closing twice does nothing. A store never closed is closed so when it is garbage, or at exit.
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
            _open_stores.discard(self)
            finalizer = getattr(self, "_finalizer", None)
            if finalizer is not None:
                finalizer()
            else:
                self.db.conn.close()

    def backup(self, dest: str | Path) -> Path:
        """A consistent single-file copy of the library at `dest` (a new file, or a folder to put it in).

        SQLite's online backup API in one step: a snapshot taken in one read transaction, so
        other sessions keep writing meanwhile. Written beside `dest` and renamed into place once
        complete and checked, readable by its owner only; an existing file is never overwritten.
        """
        if self.path is None:
            raise StoreError("an in-memory library cannot be backed up")
        dest = Path(dest).expanduser()
        if dest.is_dir():
            dest = dest / self.path.name
        if dest.exists():
            raise StoreError(f"{dest}: exists already; give a new file name (a backup never overwrites a file)")
        if not dest.parent.is_dir():
            raise StoreError(f"{dest}: no such folder {dest.parent}")
        partial = dest.with_name(f".{dest.name}.partial-{os.getpid()}")
        try:
            os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            source = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)
            target = sqlite3.connect(partial)
            try:
                source.backup(target)
                target.execute("PRAGMA journal_mode = DELETE").fetchone()
                check = target.execute("PRAGMA quick_check(1)").fetchone()[0]
            finally:
                source.close()
                target.close()
            if check != "ok":
                raise StoreError(f"{dest}: the copy failed its check ({check}); nothing was written")
            if dest.exists():
                raise StoreError(f"{dest}: appeared while the backup was written; it was left as it was")
            os.replace(partial, dest)
        except OSError as exc:
            raise StoreError(f"{dest}: cannot write the backup ({exc.strerror})") from None
        except sqlite3.Error as exc:
            raise StoreError(_write_failure(dest, exc) if isinstance(exc, sqlite3.OperationalError)
                             else f"{dest}: the backup failed ({exc})") from None
        finally:
            with contextlib.suppress(OSError):
                partial.unlink()
        return dest

    def data_version(self) -> int:
        """A number that changes whenever another connection commits a change (cheap: no table is read)."""
        with self._lock:
            return self.db.execute("PRAGMA data_version").fetchone()[0]

    # ------------------------------------------------------------ articles

    def find_article_id(self, content_hash: str) -> int | None:
        """The id of the article with this content hash, or None."""
        with self._lock:
            row = self.db.execute("SELECT id FROM articles WHERE content_hash = ?", [content_hash]).fetchone()
        return row[0] if row else None

    def add_article(self, parsed: ParsedArticle, analysis: Analysis | None = None) -> tuple[int, bool]:
        """Store an article (and its analysis); returns (id, True) or (existing id, False) for a duplicate."""
        existing = self.find_article_id(parsed.content_hash)
        if existing is not None:
            return existing, False
        meta = dict(parsed.meta)
        row = {
            "title": parsed.title,
            "date": parsed.date,
            "source": parsed.source,
            "format": parsed.format,
            "author": meta.pop("author", None) or meta.pop("byline", None),
            "text": parsed.text,
            "content_hash": parsed.content_hash,
            "word_count": len(parsed.text.split()),
            "meta": json.dumps(meta, ensure_ascii=False, sort_keys=True),
            "imported_at": now(),
        }
        with self._lock, self.db.atomic():
            try:
                article_id = self.db["articles"].insert(row).last_pk
            except sqlite3.IntegrityError:  # another session stored it a moment ago
                return self.find_article_id(parsed.content_hash), False  # type: ignore[return-value]
            if analysis is not None:
                self._write_analysis(article_id, analysis)
        return article_id, True

    def set_analysis(self, article_id: int, analysis: Analysis) -> None:
        """Replace an article's entities and quotations."""
        with self._lock, self.db.atomic():
            self._write_analysis(article_id, analysis)

    def _write_analysis(self, article_id: int, analysis: Analysis) -> None:
        self.db.execute("DELETE FROM entities WHERE article_id = ?", [article_id])
        self.db.execute("DELETE FROM quotes WHERE article_id = ?", [article_id])
        self.db["entities"].insert_all(
            ({"article_id": article_id, **_entity_row(e)} for e in analysis.entities), batch_size=500
        )
        self.db["quotes"].insert_all(
            ({"article_id": article_id, **_quote_row(q)} for q in analysis.quotes), batch_size=500
        )
        self.db["articles"].update(article_id, {"analyser": analysis.analyser, "analysed_at": now()})
        self.db.execute("DELETE FROM analysis_queue WHERE article_id = ?", [article_id])
        self._index_speakers_of(article_id)  # the speaker index, in the same transaction

    def articles_needing_analysis(self, analyser: str | None = None) -> list[int]:
        """Ids of articles never analysed, or analysed by a different analyser than `analyser`."""
        with self._lock:
            if analyser is None:
                rows = self.db.execute("SELECT id FROM articles WHERE analyser IS NULL ORDER BY id")
            else:
                rows = self.db.execute(
                    "SELECT id FROM articles WHERE analyser IS NULL OR analyser != ? ORDER BY id", [analyser]
                )
            return [r[0] for r in rows.fetchall()]

    def queue_analysis(self, article_ids: Iterable[int]) -> None:
        """Put articles in the analysis queue (reanalyze --all): each leaves it when its analysis is stored."""
        with self._lock, self.db.atomic():
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO analysis_queue (article_id) VALUES (?)", ((i,) for i in article_ids)
            )

    def queued_for_analysis(self) -> list[int]:
        """Ids in the analysis queue: what an interrupted reanalyze --all has still to do."""
        with self._lock:
            return [r[0] for r in self.db.execute("SELECT article_id FROM analysis_queue ORDER BY article_id")]

    def get_article_text(self, article_id: int) -> str:
        """An article's text; NotFoundError if there is no such article."""
        with self._lock:
            row = self.db.execute("SELECT text FROM articles WHERE id = ?", [article_id]).fetchone()
        if row is None:
            raise NotFoundError(f"no article with id {article_id}")
        return row[0]

    def get_article(self, article_id: int) -> Article:
        """An article with its entities and quotations; NotFoundError if there is none with that id."""
        with self._lock:
            rows = list(self.db["articles"].rows_where("id = ?", [article_id]))
            if not rows:
                raise NotFoundError(f"no article with id {article_id}")
            row = rows[0]
            # Plain tuples, not sqlite-utils' dicts: a long article has tens of thousands of highlights.
            entities = [
                Entity(*_checked(r, _ENTITY_TYPES, self.path, f"an entity of article {article_id}"))
                for r in self.db.execute(
                    'SELECT start, "end", label, text, canonical FROM entities WHERE article_id = ? ORDER BY start, id',
                    [article_id],
                )
            ]
            quotes = [
                Quote(*_checked(r, _QUOTE_TYPES, self.path, f"a quotation of article {article_id}"))
                for r in self.db.execute(
                    'SELECT start, "end", text, speaker, speaker_start, speaker_end, cue, source_start, source_end, '
                    'cue_start, cue_end FROM quotes '
                    "WHERE article_id = ? ORDER BY start, id",
                    [article_id],
                )
            ]
        _check_fields(row, Article, self.path, f"article {article_id}")
        return Article(
            id=row["id"],
            title=row["title"],
            text=row["text"],
            date=row["date"],
            source=row["source"],
            format=row["format"],
            analyser=row["analyser"],
            entities=entities,
            quotes=quotes,
            external_id=_external_id(row["meta"]),
        )

    def list_articles(self) -> list[ArticleListing]:
        """Every article with its counts, newest import first (see iter_articles)."""
        return list(self.iter_articles())

    def iter_articles(self) -> Iterator[ArticleListing]:
        """Every article with its counts, newest import first, streamed a thousand rows at a time.

        Read from idx_articles_listing and article_counts, never from the rows that hold the
        text: 100,000 articles in under a second. `notes` counts annotations with a note,
        `annotations` all of them.
        """
        blind = self._blind_listing(None)  # while an assignment is open: the viewer's own counts on its articles
        for row in self._stream(_LISTING_SQL + " ORDER BY a.id DESC", {}):
            listed = ArticleListing(*row)
            yield listed._replace(**blind[listed.id]) if listed.id in blind else listed

    def article_ids(self, limit: int = -1) -> array:
        """The ids of every article (or the first `limit`), newest import first: the library screen's rows, 8 bytes each."""
        with self._lock:
            rows = self.db.conn.execute(
                "SELECT id FROM articles INDEXED BY idx_articles_listing ORDER BY id DESC LIMIT ?", [limit]
            )
            return array("q", (r[0] for r in rows))

    def library_rows(self, article_ids: Iterable[int]) -> dict[int, ArticleListing]:
        """The listed columns and counts of these articles (a page of the library), by id."""
        ids = list(article_ids)
        if not ids:
            return {}
        sql = _LISTING_SQL + f" WHERE a.id IN ({', '.join('?' * len(ids))})"
        with self._lock:
            rows = {row[0]: ArticleListing(*row) for row in self.db.conn.execute(sql, ids)}
        for article_id, own in self._blind_listing(ids).items():  # while an assignment is open: the viewer's own
            if article_id in rows:
                rows[article_id] = rows[article_id]._replace(**own)
        return rows

    def count_articles(self) -> int:
        with self._lock:
            return self.db.execute("SELECT count(*) FROM articles INDEXED BY idx_articles_listing").fetchone()[0]

    def quoted_articles(self) -> dict[int, str | None]:
        """The articles that have quotations or quotation decisions, oldest first, each with its outlet (meta
        "outlet" or "publisher", else None): what the speaker index computed on demand reads (reader/speakers.py)."""
        sql = (
            "SELECT a.id, "
            "(CASE WHEN json_valid(a.meta) THEN COALESCE(json_extract(a.meta, '$.outlet'), json_extract(a.meta, '$.publisher')) END) "
            "FROM articles a "
            "WHERE EXISTS (SELECT 1 FROM quotes q WHERE q.article_id = a.id) "
            "OR EXISTS (SELECT 1 FROM decisions d WHERE d.article_id = a.id AND d.kind = 'quote') ORDER BY a.id"
        )
        with self._lock:
            return {article_id: outlet if isinstance(outlet, str) else None for article_id, outlet in self.db.conn.execute(sql)}

    def search(self, query: str, limit: int = 100) -> list[SearchHit]:
        """Full-text search over article titles and text and over annotations' text and notes."""
        fts_query = _fts_query(query)
        if not fts_query:
            return []
        sql = """
            SELECT 'article' AS kind, a.id AS article_id, NULL AS annotation_id, a.title,
                   snippet(articles_fts, -1, '[', ']', '…', 12) AS snippet, articles_fts.rank AS rank
            FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid
            WHERE articles_fts MATCH :q
            UNION ALL
            SELECT 'annotation', n.article_id, n.id, a.title,
                   snippet(annotations_fts, -1, '[', ']', '…', 12), annotations_fts.rank
            FROM annotations_fts JOIN annotations n ON n.rowid = annotations_fts.rowid
            JOIN articles a ON a.id = n.article_id
            WHERE annotations_fts MATCH :q AND {visible}
            ORDER BY rank LIMIT :limit
        """
        visible, params = self._visible("n.article_id", "n.author", named=True)
        with self._lock:
            rows = self.db.conn.execute(sql.format(visible=visible), {"q": fts_query, "limit": limit, **params})
            return [SearchHit(*row[:5]) for row in rows]

    def search_library(self, query: str, note_limit: int = 200) -> "LibraryMatches":
        """What the library screen shows for a search typed so far: matching notes, then matching articles.

        Both newest first: annotations (their text and notes) up to `note_limit`, then every
        matching article, counted, its ids read a page at a time as they are shown (see
        LibraryMatches). Ranking 100,000 matches costs 120 ms, and reading every id of
        75,000 matches ("cou") 40 ms, where the count and a first page cost 15 ms. The last
        word is a prefix once it has three letters ("cou" finds "court"): every word
        starting with "c" is half a million entries to merge (280 ms).
        """
        fts_query = _fts_query(query, min_prefix=3)
        if not fts_query:
            return LibraryMatches("", [], _MatchIds(self, "", 0))
        visible, params = self._visible("n.article_id", "n.author")
        with self._lock:
            notes = self.db.conn.execute(
                "SELECT n.id, n.article_id FROM annotations_fts JOIN annotations n ON n.rowid = annotations_fts.rowid "
                f"WHERE annotations_fts MATCH ? AND {visible} ORDER BY annotations_fts.rowid DESC LIMIT ?",
                [fts_query, *params, note_limit],
            ).fetchall()
            count = self.db.conn.execute(
                "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", [fts_query]
            ).fetchone()[0]
        return LibraryMatches(fts_query, [(a, n) for n, a in notes], _MatchIds(self, fts_query, count))

    def _match_ids(self, fts_query: str, start: int, count: int) -> array:
        """Ids of matching articles start..start+count, newest first."""
        with self._lock:
            rows = self.db.conn.execute(
                "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT ? OFFSET ?",
                [fts_query, count, start],
            )
            return array("q", (r[0] for r in rows))

    def match_rows(self, matches: "LibraryMatches", start: int, count: int) -> list[SearchHit]:
        """Rows start..start+count of a search's matches: kind, article_id, annotation_id, title, snippet."""
        entries = matches.entries(start, count)
        if not entries:
            return []
        snippets: dict[tuple[str, int], str] = {}
        with self._lock:
            article_ids = [a for kind, a, _ in entries if kind == "article"]
            if article_ids:
                rows = self.db.conn.execute(
                    "SELECT rowid, snippet(articles_fts, -1, '[', ']', '…', 12) FROM articles_fts "
                    "WHERE articles_fts MATCH ? AND rowid BETWEEN ? AND ?",
                    [matches.fts_query, min(article_ids), max(article_ids)],
                )
                snippets.update((("article", i), s) for i, s in rows)
            note_ids = [n for kind, _, n in entries if kind == "annotation"]
            if note_ids:
                rows = self.db.conn.execute(
                    "SELECT rowid, snippet(annotations_fts, -1, '[', ']', '…', 12) FROM annotations_fts "
                    f"WHERE annotations_fts MATCH ? AND rowid IN ({', '.join('?' * len(note_ids))})",
                    [matches.fts_query, *note_ids],
                )
                snippets.update((("annotation", i), s) for i, s in rows)
        titles = self.library_rows({a for _, a, _ in entries})
        return [
            SearchHit(kind, a, n, titles[a].title if a in titles else "", snippets.get((kind, n if kind == "annotation" else a), ""))
            for kind, a, n in entries
        ]

    # ------------------------------------------------------------ tags (the codebook)

    def tags(self) -> list[Tag]:
        with self._lock:
            return [_tag(row, self.path) for row in self.db["tags"].rows_where(order_by="position, name")]

    def find_tag(self, name: str) -> Tag | None:
        with self._lock:
            rows = list(self.db["tags"].rows_where("name = ? COLLATE NOCASE", [name.strip()]))
        return _tag(rows[0], self.path) if rows else None

    def ensure_tag(self, name: str, **fields: Any) -> Tag:
        """The tag called `name`, created at the end of the codebook if new."""
        name = " ".join(name.split())
        if not name:
            raise StoreError("a tag needs a name")
        tag = self.find_tag(name)
        if tag is not None:
            return tag
        with self._lock, self.db.atomic():
            tag = self.find_tag(name)  # another session may have made it a moment ago
            if tag is not None:
                return tag
            position = self.db.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM tags").fetchone()[0]
            colour = NEW_TAG_COLOURS[position % len(NEW_TAG_COLOURS)]
            row = {"name": name, "colour": colour, "description": "", "position": position, **fields}
            tag_id = self.db["tags"].insert(row).last_pk
        return Tag(id=tag_id, **row)

    def update_tag(self, tag_id: int, **fields: Any) -> None:
        """Change a tag's name, quick key, colour, description or position."""
        with self._lock, self.db.atomic():
            if fields.get("quick_key"):
                self.db.execute(
                    "UPDATE tags SET quick_key = NULL WHERE quick_key = ? AND id != ?", [fields["quick_key"], tag_id]
                )
            try:
                self.db["tags"].update(tag_id, fields)
            except sqlite3.IntegrityError:
                raise StoreError(f"a tag called '{fields.get('name')}' exists already") from None

    def delete_tag(self, tag_id: int) -> None:
        with self._lock, self.db.atomic():
            self.db["tags"].delete(tag_id)

    # ------------------------------------------------------------ annotations

    def annotations(self, article_id: int) -> list[Annotation]:
        """An article's annotations in text order, with their tag names."""
        visible, params = self._visible("n.article_id", "n.author")
        sql = _ANNOTATIONS_SQL + f' WHERE n.article_id = ? AND {visible} ORDER BY n.start, n."end", n.id'
        with self._lock:
            return [_annotation(row, self.path) for row in self.db.query(sql, [article_id, *params])]

    def find_annotation(self, annotation_id: int) -> Annotation | None:
        """The annotation with this id, or None."""
        visible, params = self._visible("n.article_id", "n.author")
        with self._lock:
            rows = list(self.db.query(_ANNOTATIONS_SQL + f" WHERE n.id = ? AND {visible}", [annotation_id, *params]))
        return _annotation(rows[0], self.path) if rows else None

    def get_annotation(self, annotation_id: int) -> Annotation:
        """The annotation with this id; AnnotationGone (a NotFoundError) if there is none."""
        annotation = self.find_annotation(annotation_id)
        if annotation is None:
            raise AnnotationGone(annotation_id)
        return annotation

    def create_annotation(
        self, article_id: int, start: int, end: int, author: str, tags: Iterable[str] = (), note: str = ""
    ) -> Annotation:
        """A new annotation on text[start:end], with its context kept for re-anchoring."""
        text = self.get_article_text(article_id)
        if not 0 <= start < end <= len(text):
            raise StoreError(f"span {start}-{end} is outside the article (length {len(text)})")
        prefix, suffix = context(text, start, end)
        stamp = now()
        row = {
            "article_id": article_id,
            "start": start,
            "end": end,
            "exact": text[start:end],
            "prefix": prefix,
            "suffix": suffix,
            "note": note,
            "author": author,
            "created_at": stamp,
            "updated_at": stamp,
        }
        with self._lock, self.db.atomic():  # a new tag is made in the annotation's transaction
            tag_ids = [self.ensure_tag(name).id for name in tags]
            annotation_id = self.db["annotations"].insert(row).last_pk
            self.db["annotation_tags"].insert_all(
                {"annotation_id": annotation_id, "tag_id": tag_id} for tag_id in tag_ids
            )
        return self.find_annotation(annotation_id)  # type: ignore[return-value]

    def set_note(self, annotation_id: int, note: str, expected: str | None = None, wait: bool = True) -> str | None:
        """Write a note; AnnotationGone if the annotation no longer exists.

        With `expected` (the note as this session last knew it), returns the note that was
        there instead when another session had changed it (it is replaced all the same).
        `wait=False` raises StoreBusy at once if another thread or session is writing:
        the app saves a note in the frame of the key typed when it can.
        """
        if not (self._lock.acquire() if wait else self._lock.acquire(timeout=AT_ONCE_S)):
            raise StoreBusy()
        try:
            with self.db.atomic(wait=wait):
                row = self.db.execute("SELECT note FROM annotations WHERE id = ?", [annotation_id]).fetchone()
                self._touch(annotation_id, note=note)
        finally:
            self._lock.release()
        return row[0] if expected is not None and row is not None and row[0] not in (expected, note) else None

    def add_tag(self, annotation_id: int, name: str) -> Tag:
        """AnnotationGone if the annotation no longer exists."""
        with self._lock, self.db.atomic():
            tag = self.ensure_tag(name)
            self._touch(annotation_id)
            self.db["annotation_tags"].insert({"annotation_id": annotation_id, "tag_id": tag.id}, ignore=True)
        return tag

    def remove_tag(self, annotation_id: int, name: str) -> None:
        """AnnotationGone if the annotation no longer exists."""
        tag = self.find_tag(name)
        with self._lock, self.db.atomic():
            self._touch(annotation_id)
            if tag is not None:
                self.db.execute(
                    "DELETE FROM annotation_tags WHERE annotation_id = ? AND tag_id = ?", [annotation_id, tag.id]
                )

    def _touch(self, annotation_id: int, **fields: Any) -> None:
        """Set updated_at (and `fields`) of an annotation; AnnotationGone if there is none with that id."""
        sets = ", ".join(f"{name} = ?" for name in ["updated_at", *fields])
        cursor = self.db.execute(f"UPDATE annotations SET {sets} WHERE id = ?", [now(), *fields.values(), annotation_id])
        if cursor.rowcount == 0:
            raise AnnotationGone(annotation_id)

    def delete_annotation(self, annotation_id: int, same_as: Annotation | None = None) -> None:
        """Delete an annotation; with `same_as` (an undo, a redo) only if the id still holds that annotation."""
        with self._lock, self.db.atomic():
            if same_as is not None:
                self._check_same(same_as)
            self.db["annotations"].delete(annotation_id)

    def _check_same(self, annotation: Annotation) -> None:
        """StoreError if `annotation.id` now holds another annotation: SQLite gives a deleted annotation's id to
        the next one made, perhaps another person's, which an undo must not overwrite or delete."""
        held = self.db.execute("SELECT author, created_at FROM annotations WHERE id = ?", [annotation.id]).fetchone()
        if held is not None and tuple(held) != (annotation.author, annotation.created_at):
            raise StoreError(
                f"annotation {annotation.id} is now another annotation (by {one_line(held[0])}): left as it is, not undone"
            )

    def restore_annotation(self, annotation: Annotation) -> None:
        """Put back an annotation exactly as it was (same id, tags, note, times): for undo."""
        row = {
            "id": annotation.id,
            "article_id": annotation.article_id,
            "start": annotation.start,
            "end": annotation.end,
            "exact": annotation.exact,
            "prefix": annotation.prefix,
            "suffix": annotation.suffix,
            "note": annotation.note,
            "author": annotation.author,
            "created_at": annotation.created_at,
            "updated_at": annotation.updated_at,
        }
        with self._lock, self.db.atomic():
            self._check_same(annotation)
            tag_ids = [self.ensure_tag(name).id for name in annotation.tags]
            self.db["annotations"].upsert(row, pk="id")
            self.db.execute("DELETE FROM annotation_tags WHERE annotation_id = ?", [annotation.id])
            self.db["annotation_tags"].insert_all(
                {"annotation_id": annotation.id, "tag_id": tag_id} for tag_id in tag_ids
            )

    # ------------------------------------------------------------ where each user left off

    def set_place(self, user: str, article_id: int, offset: int) -> None:
        """Remember the article and place `user` left, to open there next time."""
        with self._lock, self.db.atomic():
            self.db["places"].upsert({"user": user, "article_id": article_id, "offset": offset, "left_at": now()}, pk="user")

    def find_place(self, user: str) -> tuple[int, int] | None:
        """(article id, offset) where `user` left off, or None."""
        with self._lock:
            row = self.db.execute('SELECT article_id, "offset" FROM places WHERE user = ?', [user]).fetchone()
        return (row[0], row[1]) if row else None

    # ------------------------------------------------------------ decisions on highlights

    def decisions(self, article_id: int, author: str | None = None) -> list[Decision]:
        """The decisions people made on an article's highlights (one author's, with `author`), oldest first."""
        sql = "SELECT * FROM decisions WHERE article_id = ?" + (" AND author = ?" if author is not None else "")
        visible, params = self._visible("article_id", "author")
        with self._lock:
            rows = list(self.db.query(sql + f" AND {visible} ORDER BY decided_at, id",
                                      [article_id, *([author] if author is not None else []), *params]))
        return [_decision(row) for row in rows]

    def set_decision(self, decision: Decision) -> Decision:
        """Record a decision (replacing that author's earlier one on the same highlight), stamped now."""
        if decision.kind not in ("entity", "quote") or decision.status not in ("confirmed", "corrected", "rejected"):
            raise StoreError(f"not a decision: {decision.kind} {decision.status}")
        stamped = dataclasses.replace(decision, decided_at=decision.decided_at or now())
        row = {name: getattr(stamped, name) for name in _DECISION_FIELDS}
        with self._lock, self.db.atomic():
            self.db.execute(
                'DELETE FROM decisions WHERE article_id = ? AND kind = ? AND start = ? AND "end" = ? AND author = ?',
                list(stamped.key),
            )
            self.db["decisions"].insert(row)
            self._index_speakers_of(decision.article_id)
        return stamped

    def delete_decision(self, decision: Decision) -> None:
        """Take back that author's decision on that highlight (the machine's state shows again)."""
        with self._lock, self.db.atomic():
            self.db.execute(
                'DELETE FROM decisions WHERE article_id = ? AND kind = ? AND start = ? AND "end" = ? AND author = ?',
                list(decision.key),
            )
            self._index_speakers_of(decision.article_id)

    # ------------------------------------------------------------ article variables and codes

    def variables(self) -> list[Variable]:
        with self._lock:
            rows = list(self.db["variables"].rows_where(order_by="position, name"))
        return [_variable(row) for row in rows]

    def find_variable(self, name: str) -> Variable | None:
        with self._lock:
            rows = list(self.db["variables"].rows_where("name = ? COLLATE NOCASE", [name.strip()]))
        return _variable(rows[0]) if rows else None

    def save_variable(
        self, name: str, kind: str, description: str = "", values: Iterable[VariableValue] = (), variable_id: int | None = None
    ) -> Variable:
        """Create (or, with `variable_id`, change) an article variable of the codebook."""
        name = " ".join(name.split())
        if not name:
            raise StoreError("a variable needs a name")
        if kind not in ("categorical", "multi", "ordinal", "number", "text"):
            raise StoreError(f"a variable is categorical, multi, ordinal, number or text, not {kind!r}")
        values = [VariableValue(*v) for v in values]
        if kind in ("categorical", "multi", "ordinal") and not values:
            raise StoreError(f"variable '{name}': a {kind} variable needs its values")
        row = {"name": name, "kind": kind, "description": description, "values": json.dumps([list(v) for v in values])}
        with self._lock, self.db.atomic():
            try:
                if variable_id is None:
                    row["position"] = self.db.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM variables").fetchone()[0]
                    variable_id = self.db["variables"].insert(row).last_pk
                else:
                    self.db["variables"].update(variable_id, row)
            except sqlite3.IntegrityError:
                raise StoreError(f"a variable called '{name}' exists already") from None
        return self.find_variable(name)  # type: ignore[return-value]

    def delete_variable(self, variable_id: int) -> None:
        with self._lock, self.db.atomic():
            self.db["variables"].delete(variable_id)

    def article_codes(self, article_id: int | None = None, author: str | None = None) -> list[ArticleCode]:
        """Codes of one article (or all), of one author (or all), in codebook order."""
        where, params = [], []
        if article_id is not None:
            where.append("c.article_id = ?")
            params.append(article_id)
        if author is not None:
            where.append("c.author = ?")
            params.append(author)
        visible, viewer = self._visible("c.article_id", "c.author")
        where.append(visible)
        params += viewer
        sql = (
            "SELECT c.article_id, v.name, c.author, c.value, c.updated_at FROM article_codes c "
            "JOIN variables v ON v.id = c.variable_id"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY c.article_id, c.author, v.position, v.name"
        )
        with self._lock:
            rows = self.db.execute(sql, params).fetchall()
        return [ArticleCode(a, name, who, json.loads(value), at) for a, name, who, value, at in rows]

    def set_code(self, article_id: int, variable: str, author: str, value: object) -> ArticleCode | None:
        """Set one coder's value of a variable for an article (None takes it away)."""
        found = self.find_variable(variable)
        if found is None:
            raise NotFoundError(f"no article variable called '{variable}' in the codebook")
        _check_code(found, value)
        stamp = now()
        with self._lock, self.db.atomic():
            self.db.execute(
                "DELETE FROM article_codes WHERE article_id = ? AND variable_id = ? AND author = ?",
                [article_id, found.id, author],
            )
            if value is None or value == [] or value == "":
                return None
            self.db["article_codes"].insert(
                {"article_id": article_id, "variable_id": found.id, "author": author,
                 "value": json.dumps(value, ensure_ascii=False), "updated_at": stamp}
            )
        return ArticleCode(article_id, found.name, author, value, stamp)

    def filtered_article_ids(
        self, article_ids: Iterable[int] = (), since: str | None = None, until: str | None = None
    ) -> list[int]:
        """Ids of the articles matching an export's filter, in id order."""
        where, params = [], []
        article_ids = list(article_ids)
        if article_ids:
            where.append(f"id IN ({', '.join('?' for _ in article_ids)})")
            params += article_ids
        if since:
            where.append("date >= ?")
            params.append(since)
        if until:
            where.append("date <= ?")
            params.append(until)
        sql = "SELECT id FROM articles" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
        with self._lock:
            return [row[0] for row in self.db.execute(sql, params)]

    def coders(self, article_id: int) -> list[str]:
        """Everyone who coded, verified or annotated the article, in name order."""
        sql = (
            "SELECT author FROM article_codes WHERE article_id = :a UNION SELECT author FROM decisions WHERE article_id = :a "
            "UNION SELECT author FROM annotations WHERE article_id = :a ORDER BY 1"
        )
        visible, params = self._visible(":a", "author", named=True)
        sql = f"SELECT author FROM ({sql}) WHERE {visible} ORDER BY 1"
        with self._lock:
            return [row[0] for row in self.db.execute(sql, {"a": article_id, **params}) if row[0]]

    # ------------------------------------------------------------ reliability samples (assignments)

    def create_assignment(
        self, coders: Iterable[str], article_ids: Iterable[int], name: str = "", seed: int | None = None
    ) -> Assignment:
        """Give every one of `coders` the same articles; refused while another assignment is open."""
        coders = list(dict.fromkeys(c.strip() for c in coders if c.strip()))
        article_ids = sorted(set(article_ids))
        if len(coders) < 2:
            raise StoreError("an assignment needs two coders or more (--coders ana,ben)")
        if not article_ids:
            raise StoreError("an assignment needs at least one article")
        with self._lock, self.db.atomic():
            current = self.find_open_assignment()
            if current is not None:
                raise StoreError(
                    f"assignment '{current.name}' is open; close it first (reader assign --close)"
                )
            missing = self.missing_article_ids(article_ids)
            if missing:
                raise NotFoundError(f"no article {missing[0]} in the library")
            stamp = now()
            assignment_id = self.db["assignments"].insert(
                {"name": name or f"sample {stamp[:10]}", "created_at": stamp, "closed_at": None, "seed": seed}
            ).last_pk
            self.db["assignment_articles"].insert_all(
                {"assignment_id": assignment_id, "article_id": a, "coder": c} for a in article_ids for c in coders
            )
        return self.get_assignment(assignment_id)

    def get_assignment(self, assignment_id: int) -> Assignment:
        with self._lock:
            row = self.db.execute(
                "SELECT id, name, created_at, closed_at, seed FROM assignments WHERE id = ?", [assignment_id]
            ).fetchone()
            if row is None:
                raise NotFoundError(f"no assignment {assignment_id}")
            pairs = self.db.execute(
                "SELECT article_id, coder FROM assignment_articles WHERE assignment_id = ? ORDER BY article_id, coder",
                [assignment_id],
            ).fetchall()
        coders = tuple(sorted({c for _, c in pairs}))
        articles = tuple(sorted({a for a, _ in pairs}))
        return Assignment(row[0], row[1], row[2], row[3], row[4], coders, articles)

    def assignments(self) -> list[Assignment]:
        """Every assignment, oldest first."""
        with self._lock:
            ids = [r[0] for r in self.db.execute("SELECT id FROM assignments ORDER BY id")]
        return [self.get_assignment(i) for i in ids]

    def find_open_assignment(self) -> Assignment | None:
        with self._lock:
            row = self.db.execute("SELECT id FROM assignments WHERE closed_at IS NULL ORDER BY id DESC").fetchone()
        return self.get_assignment(row[0]) if row else None

    def find_last_assignment(self) -> Assignment | None:
        """The open assignment, else the one made last."""
        found = self.find_open_assignment()
        if found is not None:
            return found
        with self._lock:
            row = self.db.execute("SELECT id FROM assignments ORDER BY id DESC").fetchone()
        return self.get_assignment(row[0]) if row else None

    def find_assignment(self, name_or_id: str) -> Assignment | None:
        """The assignment of that name (any case; the latest if several share it) or number, else None."""
        wanted = " ".join(name_or_id.split())
        with self._lock:
            row = self.db.execute(
                "SELECT id FROM assignments WHERE name = ? COLLATE NOCASE OR CAST(id AS TEXT) = ? ORDER BY id DESC",
                [wanted, wanted],
            ).fetchone()
        return self.get_assignment(row[0]) if row else None

    def sampled_article_ids(self) -> set[int]:
        """The articles of every assignment so far: a new sample is drawn from the others."""
        with self._lock:
            return {r[0] for r in self.db.execute("SELECT DISTINCT article_id FROM assignment_articles")}

    def close_assignment(self) -> Assignment:
        """Close the open assignment (NotFoundError when none is open)."""
        with self._lock, self.db.atomic():
            current = self.find_open_assignment()
            if current is None:
                raise NotFoundError("no assignment is open")
            self.db.execute("UPDATE assignments SET closed_at = ? WHERE id = ?", [now(), current.id])
        return self.get_assignment(current.id)

    def assigned(self, coder: str) -> list[int]:
        """The articles `coder` must code in the open assignment, in id order (empty when none is open)."""
        with self._lock:
            return [
                r[0]
                for r in self.db.execute(
                    "SELECT x.article_id FROM assignment_articles x JOIN assignments s ON s.id = x.assignment_id "
                    "WHERE s.closed_at IS NULL AND x.coder = ? ORDER BY x.article_id",
                    [coder],
                )
            ]

    def coded_by(self, article_id: int, coder: str) -> bool:
        """Whether `coder` has any article code, decision or annotation on the article."""
        return coder in self.coders(article_id)

    def progress(self, assignment: Assignment) -> list[CoderProgress]:
        """Per coder of the assignment (in name order): articles assigned and, of them, coded."""
        sql = """
            SELECT x.coder, COUNT(*),
                   SUM(EXISTS (SELECT 1 FROM article_codes c WHERE c.article_id = x.article_id AND c.author = x.coder)
                       OR EXISTS (SELECT 1 FROM decisions d WHERE d.article_id = x.article_id AND d.author = x.coder)
                       OR EXISTS (SELECT 1 FROM annotations n WHERE n.article_id = x.article_id AND n.author = x.coder))
            FROM assignment_articles x WHERE x.assignment_id = ? GROUP BY x.coder ORDER BY x.coder
        """
        with self._lock:
            return [CoderProgress(c, n, int(k or 0)) for c, n, k in self.db.execute(sql, [assignment.id])]

    # ---- blind coding
    #
    # While an assignment is open, a store that reads for someone (`view_as`, as the app and the CLI's
    # export, list and search do) shows on the assignment's articles the machine's highlights and that
    # person's own work only: their annotations and notes, decisions on highlights and article codes.
    # Everyone else's is left out of every read: the article and its panel, search, the library's
    # counts, exports. Closing the assignment shows it all again. The rule is `_visible`, one SQL
    # condition the read methods apply; its subquery (the open assignment's articles, a few hundred
    # rows) runs once per statement, so an export of 100,000 annotations pays for it once.

    viewer: str | None = None  # whose eyes the store reads for; None: everyone's work (agreement, adjudication)
    _OPEN_SAMPLE_SQL = (
        "SELECT x.article_id FROM assignment_articles x JOIN assignments s ON s.id = x.assignment_id "
        "WHERE s.closed_at IS NULL"
    )

    def view_as(self, user: str | None) -> None:
        """Read as `user` from now on (see above); None reads everyone's work."""
        self.viewer = user

    @contextlib.contextmanager
    def _reading_for_everyone(self) -> Iterator[None]:
        """Reads inside see everyone's work, whoever the store reads for: what is kept for everyone (the
        speaker index) is written from it. Holds the lock, so no other thread reads meanwhile."""
        with self._lock:
            viewer, self.viewer = self.viewer, None
            try:
                yield
            finally:
                self.viewer = viewer

    def _visible(self, article: str, author: str, named: bool = False) -> tuple[str, Any]:
        """The SQL condition on a row of `article` and `author` (column expressions) that the viewer may see it,
        and its parameters (a list for `?`, or with `named` a dict)."""
        if self.viewer is None:
            return "1", {} if named else []
        mark = ":blind_viewer" if named else "?"
        condition = f"({author} = {mark} OR {article} NOT IN ({self._OPEN_SAMPLE_SQL}))"
        return condition, {"blind_viewer": self.viewer} if named else [self.viewer]

    def blind_article_ids(self, article_ids: Iterable[int] | None = None) -> set[int]:
        """Those of `article_ids` (or of all) on which the viewer sees only their own work now: the open
        assignment's articles, when the store reads for someone."""
        if self.viewer is None:
            return set()
        sql, params = self._OPEN_SAMPLE_SQL, []
        if article_ids is not None:
            params = list(article_ids)
            if not params:
                return set()
            sql += f" AND x.article_id IN ({', '.join('?' * len(params))})"
        with self._lock:
            return {row[0] for row in self.db.conn.execute(sql, params)}

    def _blind_listing(self, article_ids: Iterable[int] | None) -> dict[int, dict[str, Any]]:
        """For the library's rows of blind articles (of `article_ids`, or all): the viewer's own `annotations`
        and `notes`, whether the article is `assigned` to them, and how many article variables they have
        coded (`variables_coded`). Empty when nothing is blind: the trigger-kept counts stand."""
        if self.viewer is None:
            return {}
        ids = None if article_ids is None else list(article_ids)
        if ids is not None and not ids:
            return {}
        scope = "1" if ids is None else f"x.article_id IN ({', '.join('?' * len(ids))})"
        params: list[Any] = [self.viewer, *(ids or [])]
        with self._lock:
            assigned = dict(self.db.conn.execute(
                "SELECT x.article_id, MAX(x.coder = ?) FROM assignment_articles x JOIN assignments s ON s.id = x.assignment_id "
                f"WHERE s.closed_at IS NULL AND {scope} GROUP BY x.article_id", params,
            ).fetchall())
            if not assigned:
                return {}
            blind = list(assigned)
            marks = ", ".join("?" * len(blind))
            counts = {a: (n, k) for a, n, k in self.db.conn.execute(
                "SELECT article_id, COUNT(*), COALESCE(SUM(trim(note) != ''), 0) FROM annotations "
                f"WHERE article_id IN ({marks}) AND author = ? GROUP BY article_id", [*blind, self.viewer],
            )}
            coded = dict(self.db.conn.execute(
                f"SELECT article_id, COUNT(*) FROM article_codes WHERE article_id IN ({marks}) AND author = ? "
                "GROUP BY article_id", [*blind, self.viewer],
            ).fetchall())
        return {
            a: {"annotations": counts.get(a, (0, 0))[0], "notes": counts.get(a, (0, 0))[1],
                "assigned": bool(mine), "variables_coded": coded.get(a, 0)}
            for a, mine in assigned.items()
        }

    # ---- adjudication
    #
    # The adjudicated layer is annotations, codes and decisions by the author "adjudicated" (model.ADJUDICATED),
    # written with the methods above; the adjudications table says how each item of an assignment was settled.

    def adjudications(self, assignment_id: int, article_id: int | None = None) -> list[Adjudication]:
        """How each settled item of an assignment was settled (of one article, with `article_id`), by article and item."""
        sql = (
            "SELECT assignment_id, article_id, item, choice, decided_by, decided_at, coder FROM adjudications "
            "WHERE assignment_id = ?" + (" AND article_id = ?" if article_id is not None else "")
            + " ORDER BY article_id, item"
        )
        with self._lock:
            rows = self.db.execute(sql, [assignment_id, *([article_id] if article_id is not None else [])]).fetchall()
        return [Adjudication(*row) for row in rows]

    def find_adjudication(self, assignment_id: int, article_id: int, item: str) -> Adjudication | None:
        found = [a for a in self.adjudications(assignment_id, article_id) if a.item == item]
        return found[0] if found else None

    def set_adjudication(self, adjudication: Adjudication) -> Adjudication:
        """Record how an item was settled (replacing an earlier record of it), stamped now unless it has a time."""
        if adjudication.choice not in ADJUDICATION_CHOICES:
            raise StoreError(f"not a way to settle an item: {adjudication.choice}")
        stamped = dataclasses.replace(adjudication, decided_at=adjudication.decided_at or now())
        with self._lock, self.db.atomic():
            self.db.execute(
                "INSERT OR REPLACE INTO adjudications (assignment_id, article_id, item, choice, coder, decided_by, decided_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [stamped.assignment_id, stamped.article_id, stamped.item, stamped.choice, stamped.coder,
                 stamped.decided_by, stamped.decided_at],
            )
        return stamped

    def delete_adjudication(self, assignment_id: int, article_id: int, item: str) -> None:
        """Forget how an item was settled (undo): it is unsettled again."""
        with self._lock, self.db.atomic():
            self.db.execute(
                "DELETE FROM adjudications WHERE assignment_id = ? AND article_id = ? AND item = ?",
                [assignment_id, article_id, item],
            )

    # ---- export and import
    #
    # Used by reader.interchange. Reads stream through
    # export_rows; an import runs inside one transaction().

    def transaction(self):
        """A context manager: everything inside is one transaction (nested writes become savepoints)."""
        import contextlib

        @contextlib.contextmanager
        def _transaction() -> Iterator["Store"]:
            with self._lock, self.db.atomic():
                yield self

        return _transaction()

    def export_rows(
        self,
        article_ids: Iterable[int] = (),
        tags: Iterable[str] = (),
        authors: Iterable[str] = (),
        since: str | None = None,
        until: str | None = None,
        include_highlights: bool = False,
        with_rejected: bool = False,
    ) -> Iterator[ExportRow]:
        """Stream annotations (and optionally entities and quotations) joined with their article, for export.

        Each row is an ExportRow; rows are ordered by article, start, end,
        kind (annotation, entity, quote), id. `since`/`until` (YYYY-MM-DD, inclusive)
        filter on the article's date; articles without a date are left out when either
        is given. `tags` keeps annotations with any of those tags, and leaves out the machine highlights,
        which have none; with `authors`, highlights are as those authors' decisions make them. `tag_ids` is the
        annotation's tag ids joined by commas, in no particular order, or None.
        Highlights are as people corrected them (rejected ones left out, added quotations in); an
        annotation's `target` says what it is on (see _SpanLookup).
        """
        params: dict[str, Any] = {}
        article_where: list[str] = []

        def placeholders(prefix: str, values: Iterable[Any]) -> str:
            names = []
            for i, value in enumerate(values):
                params[f"{prefix}{i}"] = value
                names.append(f":{prefix}{i}")
            return ", ".join(names)

        article_ids, tags, authors = list(article_ids), list(tags), list(authors)
        if article_ids:
            article_where.append(f"a.id IN ({placeholders('article', article_ids)})")
        if since:
            params["since"] = since
            article_where.append("a.date >= :since")
        if until:
            params["until"] = until
            article_where.append("a.date <= :until")
        annotation_where = list(article_where)
        if tags:
            annotation_where.append(
                "n.id IN (SELECT x.annotation_id FROM annotation_tags x JOIN tags t ON t.id = x.tag_id "
                f"WHERE t.name IN ({placeholders('tag', tags)}))"
            )
        if authors:
            annotation_where.append(f"n.author IN ({placeholders('author', authors)})")
        visible, viewer = self._visible("n.article_id", "n.author", named=True)
        annotation_where.append(visible)
        params.update(viewer)

        def where(conditions: list[str]) -> str:
            return (" WHERE " + " AND ".join(conditions)) if conditions else ""

        selects = [
            f"""
            SELECT 'annotation' AS kind, 0 AS kind_order, n.id AS row_id, n.id AS annotation_id,
                   n.article_id AS article_id, a.title AS article_title, a.date AS article_date,
                   a.source AS source, n.start AS start, n."end" AS "end",
                   n.exact AS text, n.prefix AS prefix, n.suffix AS suffix,
                   (SELECT group_concat(x.tag_id) FROM annotation_tags x WHERE x.annotation_id = n.id) AS tag_ids,
                   n.note AS note, n.author AS author, n.created_at AS created_at, n.updated_at AS updated_at,
                   NULL AS entity_label, NULL AS quote_speaker, a.content_hash AS article_hash,
                   NULL AS target, NULL AS status, NULL AS quote_source, NULL AS quote_cue,
                   {_EXTERNAL_ID_SQL} AS article_external_id
            FROM annotations n JOIN articles a ON a.id = n.article_id{where(annotation_where)}
            """
        ]
        if include_highlights and not tags:
            for kind, order, table, label, speaker in (
                ("entity", 1, "entities", "h.label", "NULL"),
                ("quote", 2, "quotes", "NULL", "h.speaker"),
            ):
                selects.append(
                    f"""
                    SELECT '{kind}', {order}, h.id, NULL, h.article_id, a.title, a.date, a.source,
                           h.start, h."end", h.text,
                           substr(a.text, max(h.start - {CONTEXT_CHARS}, 0) + 1, h.start - max(h.start - {CONTEXT_CHARS}, 0)),
                           substr(a.text, h."end" + 1, {CONTEXT_CHARS}),
                           NULL, '', COALESCE(a.analyser, ''), a.analysed_at, a.analysed_at, {label}, {speaker},
                           a.content_hash, NULL, NULL, NULL, NULL, {_EXTERNAL_ID_SQL}
                    FROM {table} h JOIN articles a ON a.id = h.article_id{where(article_where)}
                    """
                )
        if len(selects) == 1:  # annotations only: in the order of their index (idx_annotations_span), not sorted
            sql = selects[0] + ' ORDER BY n.article_id, n.start, n."end", n.id'
        else:
            sql = " UNION ALL ".join(selects) + ' ORDER BY article_id, start, "end", kind_order, row_id'
        return self._with_highlight_context(
            self._stream(sql, params), include_highlights and not tags, with_rejected, authors
        )

    def _stream(self, sql: str, params: Any) -> Iterator[tuple[Any, ...]]:
        """The rows of a read query, fetched a thousand at a time (memory stays flat)."""
        with self._lock:
            cursor = self.db.conn.execute(sql, params)
            while batch := cursor.fetchmany(1000):
                yield from batch

    def _with_highlight_context(
        self, rows: Iterator[tuple[Any, ...]], highlights: bool, with_rejected: bool = False, authors: Iterable[str] = ()
    ) -> Iterator[ExportRow]:
        """Say what each annotation is on, and (with `highlights`) correct the machine's highlights and
        add the quotations people added, one article at a time."""
        lookup: _SpanLookup | None = None
        added: list[ExportRow] = []  # quotations people added, due in this article's order
        for row in map(ExportRow._make, rows):
            if lookup is None or lookup.article_id != row.article_id:
                yield from added
                lookup = _SpanLookup(self, row.article_id, authors)
                added = []
                if highlights:
                    blank = row._replace(kind="quote", kind_order=2, row_id=0, annotation_id=None, tag_ids=None,
                                         note="", author="", created_at=None, updated_at=None, entity_label=None)
                    added = [lookup.row_of(blank, q) for q in lookup.added]
            while added and (added[0].start, added[0].end) < (row.start, row.end):
                yield added.pop(0)
            if row.kind == "annotation":
                yield lookup.context(row)
            else:
                corrected = lookup.highlight(row, with_rejected)
                if corrected is not None:
                    yield corrected
        yield from added

    def _highlights_of(self, article_id: int) -> tuple[str, list[Entity], list[Quote]]:
        """An article's text and machine highlights, read as plain tuples (for export, per article)."""
        with self._lock:
            row = self.db.execute("SELECT text FROM articles WHERE id = ?", [article_id]).fetchone()
            entities = [Entity(*r) for r in self.db.execute(
                'SELECT start, "end", label, text, canonical FROM entities WHERE article_id = ? ORDER BY start, id', [article_id])]
            quotes = [Quote(*r) for r in self.db.execute(
                'SELECT start, "end", text, speaker, speaker_start, speaker_end, cue, source_start, source_end, cue_start, '
                'cue_end FROM quotes WHERE article_id = ? ORDER BY start, id', [article_id])]
        return (row[0] if row else ""), entities, quotes

    def missing_article_ids(self, article_ids: Iterable[int]) -> list[int]:
        """Those of `article_ids` that are not in the library."""
        with self._lock:
            return [
                i for i in article_ids if self.db.execute("SELECT 1 FROM articles WHERE id = ?", [i]).fetchone() is None
            ]

    def find_article_identity(self, article_id: int) -> ArticleIdentity | None:
        """An article's id, title and content hash, or None."""
        with self._lock:
            row = self.db.execute("SELECT id, title, content_hash FROM articles WHERE id = ?", [article_id]).fetchone()
        return None if row is None else ArticleIdentity(*row)

    def articles_titled(self, title: str) -> list[int]:
        with self._lock:
            return [r[0] for r in self.db.execute("SELECT id FROM articles WHERE title = ? ORDER BY id", [title])]

    def articles_containing(self, fragment: str, limit: int = 2) -> list[int]:
        """Ids of (up to `limit`) articles whose text contains `fragment` exactly."""
        with self._lock:
            return [
                r[0]
                for r in self.db.execute(
                    "SELECT id FROM articles WHERE instr(text, ?) > 0 ORDER BY id LIMIT ?", [fragment, limit]
                )
            ]

    def same_annotations(
        self, article_id: int, start: int, end: int, exact: str, author: str, created_at: str | None
    ) -> list[int]:
        """Ids of annotations with this article, span, text, author and (unless None) creation time."""
        sql = 'SELECT id FROM annotations WHERE article_id = ? AND start = ? AND "end" = ? AND exact = ? AND author = ?'
        params: list[Any] = [article_id, start, end, exact, author]
        if created_at is not None:
            sql += " AND created_at = ?"
            params.append(created_at)
        with self._lock:
            return [row[0] for row in self.db.execute(sql + " ORDER BY id", params)]

    def add_missing_tags(self, annotation_id: int, names: Iterable[str]) -> int:
        """Give an annotation those of the named tags it lacks (new names join the codebook); returns how many."""
        with self._lock, self.db.atomic():
            before = self.db.execute("SELECT count(*) FROM annotation_tags WHERE annotation_id = ?", [annotation_id]).fetchone()[0]
            self.db["annotation_tags"].insert_all(
                ({"annotation_id": annotation_id, "tag_id": self.ensure_tag(name).id} for name in names), ignore=True
            )
            after = self.db.execute("SELECT count(*) FROM annotation_tags WHERE annotation_id = ?", [annotation_id]).fetchone()[0]
        return after - before

    def insert_annotation(self, row: dict[str, Any], tags: Iterable[str] = (), keep_id: int | None = None) -> int:
        """Store an annotation as given (times included); `keep_id` is used as its id when no annotation has it."""
        tag_ids = [self.ensure_tag(name).id for name in tags]
        row = dict(row)
        with self._lock, self.db.atomic():
            if keep_id is not None and self.db.execute("SELECT 1 FROM annotations WHERE id = ?", [keep_id]).fetchone() is None:
                row["id"] = keep_id
            # Plain SQL: sqlite-utils' insert reads the schema on every call, two thirds of an import's time.
            names = ", ".join('"' + name.replace('"', '""') + '"' for name in row)
            cursor = self.db.execute(
                f"INSERT INTO annotations ({names}) VALUES ({', '.join('?' * len(row))})", list(row.values())
            )
            annotation_id = cursor.lastrowid
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO annotation_tags (annotation_id, tag_id) VALUES (?, ?)",
                [(annotation_id, tag_id) for tag_id in tag_ids],
            )
        return annotation_id  # type: ignore[return-value]


    # ---- speaker index
    #
    # Kept as the library changes (schema m008): an article's rows of speaker_quotes are rewritten in the
    # transaction that changes its analysis or a decision on it; triggers count each form's quotations.
    # Reading the index merges the distinct forms again only when something changed (reader/speakers.py
    # resolve_forms) and recounts only the speakers whose quotations changed.

    def _index_speakers_of(self, article_id: int) -> None:
        """Rewrite an article's rows of the speaker index (inside the caller's transaction)."""
        from reader.speakers import appearances, form_of

        self.db.execute("DELETE FROM speaker_quotes WHERE article_id = ?", [article_id])
        self.db.execute("DELETE FROM speaker_queue WHERE article_id = ?", [article_id])
        has = self.db.execute(
            "SELECT EXISTS (SELECT 1 FROM quotes WHERE article_id = ?) "
            "OR EXISTS (SELECT 1 FROM decisions WHERE article_id = ? AND kind = 'quote')", [article_id, article_id],
        ).fetchone()[0]
        if not has:
            return
        meta = self.db.execute("SELECT meta FROM articles WHERE id = ?", [article_id]).fetchone()
        with self._reading_for_everyone():  # the index is everyone's: never the decisions one coder may see
            decisions = self.decisions(article_id)
        items = appearances(self.get_article(article_id), decisions, _meta_outlet(meta[0] if meta else None))
        self.db.conn.executemany(
            'INSERT INTO speaker_quotes (article_id, start, "end", text, speaker, cue, source, status, date, day, outlet, '
            "sentence, form) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(article_id, q.start, q.end, q.text, q.speaker, q.cue, q.source, q.status, q.date, q.day or None, q.outlet,
              q.sentence, form_of(q).encode()) for q in items],
        )

    def _speaker_index_stale(self) -> bool:
        row = self.db.execute(
            "SELECT (SELECT stale FROM speaker_state WHERE id = 1) OR EXISTS (SELECT 1 FROM speaker_forms WHERE dirty) "
            "OR EXISTS (SELECT 1 FROM speaker_queue)"
        ).fetchone()
        return bool(row[0])

    def speaker_index_backlog(self) -> int:
        """How many articles' quotations the index has still to read (a library from before it: once)."""
        with self._lock:
            return self.db.execute("SELECT count(*) FROM speaker_queue").fetchone()[0]

    def refresh_speaker_index(self) -> None:
        """Bring the speakers up to date with the quotations (a no-op when nothing changed since last time)."""
        from reader.speakers import Form, resolve_forms

        with self._lock:
            if not self._speaker_index_stale():
                return
        with self._lock, self.db.atomic():
            for (article_id,) in self.db.execute("SELECT article_id FROM speaker_queue").fetchall():
                self._index_speakers_of(article_id)
            rows = self.db.execute("SELECT form, quotes, speaker_id, dirty FROM speaker_forms").fetchall()
            affected: set[int] = {sid for form, n, sid, _ in rows if n <= 0 and sid is not None}
            self.db.execute("DELETE FROM speaker_forms WHERE quotes <= 0")
            decoded = self.__dict__.setdefault("_speaker_forms", {})  # form text -> Form, kept by this session
            live = {}
            for form, n, sid, dirty in rows:
                if n > 0:
                    if form not in decoded:
                        decoded[form] = Form.decode(form)
                    live[decoded[form]] = (form, n, sid, dirty)
            target_of = resolve_forms({form: n for form, (_, n, _, _) in live.items()}, self.speaker_decisions())
            ids = {(kind, folded): sid for sid, kind, folded in self.db.execute("SELECT id, kind, folded FROM speakers")}
            names: dict[int, str] = {}
            variants: dict[int, dict[str, int]] = {}
            moved: list[tuple[int, str]] = []
            for form, (kind, name) in target_of.items():
                key = (kind, " ".join(name.split()).casefold())
                if key not in ids:
                    ids[key] = self.db.execute(
                        "INSERT INTO speakers (kind, name, folded) VALUES (?, ?, ?)", [kind, name, key[1]]
                    ).lastrowid
                sid = ids[key]
                names.setdefault(sid, name)
                encoded, n, old, dirty = live[form]
                if old != sid:
                    moved.append((sid, encoded))
                    affected.update(x for x in (old, sid) if x is not None)
                elif dirty:
                    affected.add(sid)
                counts = variants.setdefault(sid, {})
                counts[form.variant] = counts.get(form.variant, 0) + n
            self.db.conn.executemany("UPDATE speaker_forms SET speaker_id = ? WHERE form = ?", moved)
            self.db.execute("UPDATE speaker_forms SET dirty = 0 WHERE dirty")
            self.db.execute("DELETE FROM speakers WHERE id NOT IN (SELECT speaker_id FROM speaker_forms WHERE speaker_id IS NOT NULL)")
            affected &= set(names)
            for chunk in _chunks(sorted(affected), 500):
                counted = self.db.execute(
                    _SPEAKER_COUNTS_SQL + f" WHERE f.speaker_id IN ({', '.join('?' * len(chunk))}) GROUP BY f.speaker_id", chunk,
                ).fetchall()
                self.db.conn.executemany(
                    "UPDATE speakers SET quotes = ?, articles = ?, outlets = ?, first = ?, last = ?, machine = ?, "
                    "outlet_names = ?, name = ?, variants = ? WHERE id = ?",
                    [(*r[1:], names[r[0]], json.dumps(sorted(variants[r[0]], key=lambda v: (-variants[r[0]][v], v)),
                                                      ensure_ascii=False), r[0]) for r in counted],
                )
            self.db.execute("UPDATE speaker_state SET stale = 0")

    def speaker_index(self, filters: QuoteFilter | None = None) -> list[SpeakerSummary]:
        """The library's speakers, the most quoted first; with `filters`, counted over the quotations they keep
        (speakers with none left out)."""
        self.refresh_speaker_index()
        where, params = self._speaker_conditions(filters)
        with self._lock:
            if where == "1":
                rows = self.db.execute(
                    f"SELECT {_SPEAKER_FIELDS} FROM speakers s WHERE s.quotes > 0 ORDER BY s.quotes DESC, s.folded"
                ).fetchall()
            else:
                rows = self.db.execute(
                    "SELECT s.id, s.name, s.kind, c.quotes, c.articles, c.outlets, c.first, c.last, c.machine, s.variants, "
                    f"c.outlet_names FROM ({_SPEAKER_COUNTS_SQL} WHERE {where} GROUP BY f.speaker_id) c "
                    "JOIN speakers s ON s.id = c.speaker_id ORDER BY c.quotes DESC, s.folded",
                    params,
                ).fetchall()
        return self._as_seen([_speaker_summary(r) for r in rows], where, params)

    def _as_seen(self, speakers: list[SpeakerSummary], where: str, params: list[Any]) -> list[SpeakerSummary]:
        """While the viewer codes blind: each speaker named, and their other names listed, as the quotations the
        viewer may see give them (the kept names come from everyone's: another coder's correction to a fuller
        name would show). Otherwise `speakers` as they are."""
        if not self.viewer or not self.speaker_index_hidden() or not speakers:
            return speakers
        said: dict[int, Counter] = {}
        with self._lock:
            for speaker_id, name, count in self.db.execute(
                "SELECT f.speaker_id, q.speaker, count(*) FROM speaker_forms f JOIN speaker_quotes q ON q.form = f.form "
                f"WHERE {where} AND q.speaker IS NOT NULL GROUP BY f.speaker_id, q.speaker", params,
            ):
                said.setdefault(speaker_id, Counter())[name] = count
        return [
            dataclasses.replace(s, name=said[s.id].most_common(1)[0][0], variants=tuple(sorted(said[s.id])))
            if s.id in said else s
            for s in speakers
        ]

    def _speaker_conditions(self, filters: QuoteFilter | None) -> tuple[str, list[Any]]:
        """The SQL conditions on speaker_quotes `q` for `filters` ("1": none, the kept counts stand). While the
        viewer codes blind, the open assignment's articles are left out: their quotations carry the other
        coders' decisions (see "blind coding")."""
        where, params = _quote_conditions(filters or QuoteFilter())
        if self.viewer is not None and self.speaker_index_hidden():
            where = ("" if where == "1" else where + " AND ") + f"q.article_id NOT IN ({self._OPEN_SAMPLE_SQL})"
        return where, params

    def speaker_index_hidden(self) -> int:
        """How many articles the speaker index leaves out for the viewer: the open assignment's, while they code blind."""
        if self.viewer is None:
            return 0
        with self._lock:
            return self.db.execute(f"SELECT count(DISTINCT article_id) FROM ({self._OPEN_SAMPLE_SQL})").fetchone()[0]

    def find_speaker(self, name: str) -> SpeakerSummary | None:
        """The speaker called `name` (any case, any kind), else the one speaker who goes by it, else None."""
        self.refresh_speaker_index()
        wanted = " ".join(name.split()).casefold()
        with self._lock:
            rows = self.db.execute(
                f"SELECT {_SPEAKER_FIELDS} FROM speakers s WHERE s.folded = ? ORDER BY s.quotes DESC", [wanted]
            ).fetchall()
            if not rows:
                rows = [r for r in self.db.execute(f"SELECT {_SPEAKER_FIELDS} FROM speakers s ORDER BY s.quotes DESC")
                        if any(" ".join(v.split()).casefold() == wanted for v in json.loads(r[9] or "[]"))]
                if len(rows) != 1:
                    return None
        found = _speaker_summary(rows[0])
        if self.viewer and self.speaker_index_hidden():  # blind: only speakers of quotations the viewer may see
            seen = self.speaker_summary(found.id)
            names = {" ".join(n.split()).casefold() for n in (seen.name, *seen.variants)}
            return seen if seen.quotes and wanted in names else None
        return found

    def get_speaker(self, name: str) -> SpeakerSummary:
        """As find_speaker; NotFoundError when there is no such speaker."""
        found = self.find_speaker(name)
        if found is None:
            raise NotFoundError(f"no speaker called {' '.join(name.split())!r} (see 'reader speakers')")
        return found

    def speaker_quotes(self, speaker_id: int, filters: QuoteFilter | None = None) -> list[Appearance]:
        """A speaker's quotations (those `filters` keep), oldest first, with their article's title and external id."""
        ids = self.speaker_quote_ids(speaker_id, filters)
        found = self.speaker_quotes_by_id(ids)
        return [found[i] for i in ids if i in found]

    def speaker_quote_ids(self, speaker_id: int, filters: QuoteFilter | None = None) -> array:
        """The ids of a speaker's quotations (those `filters` keep), oldest first (undated last): what a page lists,
        its rows read as they are shown (speaker_quotes_by_id). 10,000 ids in a few milliseconds."""
        where, params = self._speaker_conditions(filters)
        sql = (
            "SELECT q.id FROM speaker_forms f JOIN speaker_quotes q ON q.form = f.form "
            f"WHERE f.speaker_id = ? AND {where} ORDER BY q.day IS NULL, q.day, q.article_id, q.start"
        )
        with self._lock:
            return array("q", (r[0] for r in self.db.execute(sql, [speaker_id, *params])))

    def speaker_quotes_by_id(self, ids: Iterable[int]) -> dict[int, Appearance]:
        """These quotations of the speaker index, by id (ids no longer there are left out)."""
        wanted = list(ids)
        found: dict[int, Appearance] = {}
        with self._lock:
            for chunk in _chunks(wanted, 500):
                rows = self.db.execute(
                    'SELECT q.id, q.article_id, a.title, q.date, q.outlet, ' + _EXTERNAL_ID_SQL + ', q.start, q."end", '
                    "q.text, q.speaker, q.cue, q.source, q.status, q.sentence FROM speaker_quotes q "
                    f"JOIN articles a ON a.id = q.article_id WHERE q.id IN ({', '.join('?' * len(chunk))})", chunk,
                )
                found.update((r[0], Appearance(*r[1:13], sentence=r[13])) for r in rows)
        return found

    def speaker_summary(self, speaker_id: int, filters: QuoteFilter | None = None) -> SpeakerSummary:
        """One speaker's row of the index, counted over the quotations `filters` keep (zeros when none);
        NotFoundError if there is no such speaker."""
        where, params = self._speaker_conditions(filters)
        with self._lock:
            row = self.db.execute(f"SELECT {_SPEAKER_FIELDS} FROM speakers s WHERE s.id = ?", [speaker_id]).fetchone()
            if row is None:
                raise NotFoundError(f"no speaker {speaker_id} (the index changed meanwhile)")
            if where == "1":
                return _speaker_summary(row)
            counts = self.db.execute(
                _SPEAKER_COUNTS_SQL + f" WHERE f.speaker_id = ? AND {where} GROUP BY f.speaker_id", [speaker_id, *params]
            ).fetchone()
        if counts is None:
            return _speaker_summary((*row[:3], 0, 0, 0, None, None, 0, row[9], "[]"))
        return self._as_seen([_speaker_summary((*row[:3], *counts[1:7], row[9], counts[7]))], where, params)[0]

    def speaker_decisions(self) -> list[SpeakerDecision]:
        """People's merge and split decisions, oldest first."""
        with self._lock:
            rows = self.db.execute(
                'SELECT id, action, name, "into", author, decided_at FROM speaker_decisions ORDER BY id'
            ).fetchall()
        return [SpeakerDecision(*r) for r in rows]

    def decide_speakers(self, action: str, name: str, into: str | None, author: str) -> SpeakerDecision:
        """Record a merge (`name` is the speaker `into`) or a split (`name` a speaker of their own); kept across
        re-analysis, applied on the next look at the index."""
        name, into = " ".join(name.split()), " ".join((into or "").split()) or None
        if action not in ("merge", "split") or not name or (action == "merge" and not into):
            raise StoreError("a merge needs a speaker and the speaker they are; a split needs a name")
        if action == "merge" and name.casefold() == (into or "").casefold():
            raise StoreError(f"{name!r} is already that speaker")
        if self.viewer and self.speaker_index_hidden():
            raise StoreError("merges and splits wait until the open assignment is closed: they change the index of every "
                             "article, those coded blind too (reader assign --close)")
        stamp = now()
        with self._lock, self.db.atomic():
            decision_id = self.db.execute(
                'INSERT INTO speaker_decisions (action, name, "into", author, decided_at) VALUES (?, ?, ?, ?, ?)',
                [action, name, into, author, stamp],
            ).lastrowid
        return SpeakerDecision(decision_id, action, name, into, author, stamp)

    def delete_speaker_decision(self, decision_id: int) -> None:
        """Take back a merge or split (its undo); NotFoundError if there is none with that id."""
        with self._lock, self.db.atomic():
            if self.db.execute("DELETE FROM speaker_decisions WHERE id = ?", [decision_id]).rowcount == 0:
                raise NotFoundError(f"no speaker decision {decision_id}")


# ---------------------------------------------------------------- helpers


def _connect(path: Path) -> sqlite3.Connection:
    """A connection to the library file at `path`, created if missing, after the checks of `_checked_file`."""
    try:
        real = _checked_file(path)
    except OSError as exc:  # a folder that cannot be entered, a name too long
        raise StoreError(f"{path}: cannot open the database ({exc.strerror or exc})") from None
    if real.stat().st_size > 0:
        _refuse_foreign(path, real)
    # Anything else must be writable, and so must its folder, where SQLite keeps the write-ahead log.
    if not os.access(real, os.W_OK):
        raise StoreError(f"{path}: the database is read-only; reader needs to write to it (ask for write access, or copy it)")
    if not os.access(real.parent, os.W_OK | os.X_OK):
        raise StoreError(f"{path}: its folder is read-only; reader needs to write its journal there")
    try:
        return sqlite3.connect(real, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot open the database ({exc})") from None


def _checked_file(path: Path) -> Path:
    """The library file `path` stands for (a symlink resolved), made if missing; StoreError if it is not safe.

    On a shared server another user may plant a symlink where a library will be made, or offer a
    library anyone can write to. So a new library is created with O_EXCL | O_NOFOLLOW (never through a
    symlink), a symlink is followed only if it is the user's own, and the file (and any journal beside
    it) must be a regular file of the user's that only they can write.
    """
    uid = os.getuid() if hasattr(os, "getuid") else None  # None: no owners to check (Windows)
    link = _lstat(path)
    if link is not None and stat.S_ISLNK(link.st_mode):
        if uid is not None and link.st_uid not in (uid, 0):
            raise StoreError(f"{path}: is a symlink made by another user ({_owner(link.st_uid)}); refused, it could point anywhere")
        real = Path(os.path.realpath(path))
        if _lstat(real) is None:
            raise StoreError(f"{path}: is a symlink to {real}, which does not exist; refused (reader makes a new library only where nothing is)")
        path_shown, path = path, real
    else:
        path_shown = path
    info = _lstat(path)
    if info is None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0), 0o600))
        except FileExistsError:  # another session made it a moment ago (or planted something): checked below
            pass
        except OSError as exc:
            raise StoreError(f"{path_shown}: cannot create the database ({exc.strerror})") from None
        info = os.lstat(path)
    if stat.S_ISDIR(info.st_mode):
        raise StoreError(f"{path_shown}: is a directory, not a database file")
    if not stat.S_ISREG(info.st_mode):
        raise StoreError(f"{path_shown}: not a regular file (a device, a pipe or a link); a library is a file")
    _check_private(path_shown, info, uid, "the library")
    for suffix in ("-wal", "-shm", "-journal"):
        beside = _lstat(path.with_name(path.name + suffix))
        if beside is not None:
            if not stat.S_ISREG(beside.st_mode):
                raise StoreError(f"{path_shown}{suffix}: its journal is not a regular file (a symlink?); refused")
            _check_private(Path(f"{path_shown}{suffix}"), beside, uid, "its journal")
    if info.st_size > 0:
        try:
            with open(path, "rb") as handle:
                header = handle.read(16)
        except OSError as exc:
            raise StoreError(f"{path_shown}: cannot read the database ({exc.strerror})") from None
        if header != b"SQLite format 3\x00":
            raise StoreError(f"{path_shown}: not a reader database (not an SQLite file); it was left untouched")
    return path


def _check_private(path: Path, info: os.stat_result, uid: int | None, what: str) -> None:
    if uid is None:
        return
    if info.st_uid != uid:
        raise StoreError(
            f"{path}: {what} belongs to another user ({_owner(info.st_uid)}); reader opens only your own (copy it to use it)"
        )
    if info.st_mode & 0o022:
        raise StoreError(
            f"{path}: {what} can be changed by other users (mode {stat.S_IMODE(info.st_mode):04o}); "
            f"make it yours alone with: chmod 600 {path}"
        )


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def _owner(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return f"uid {uid}"


def _refuse_foreign(path: Path, real: Path) -> None:
    """Refuse a newer reader's library or another tool's database, read-only: such a file is left byte for byte.

    (A read-write connection, closed, checkpoints a hot write-ahead log into the file.)
    """
    from urllib.parse import quote

    # Without a write-ahead log beside it the file is all there is: read it as immutable, which makes no
    # -shm or -wal file. With one (a session open, or one killed), read it and the log, read-only.
    hot = _lstat(real.with_name(real.name + "-wal")) is not None
    try:
        conn = sqlite3.connect(
            f"file:{quote(str(real))}?mode=ro{'' if hot else '&immutable=1'}", uri=True, check_same_thread=False
        )
    except sqlite3.Error:
        return  # the read-write open says what is wrong
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        table = migrations.migrations_table
        sets: dict[str, set[str]] = {}
        if table in tables:
            for migration_set, name in conn.execute(f"SELECT migration_set, name FROM [{table}]"):
                sets.setdefault(str(migration_set), set()).add(str(name))
    except sqlite3.Error:
        return  # damage: the read-write open's checks report it
    finally:
        conn.close()
    ours = sets.pop(migrations.name, set())
    unknown = ours - known_migrations()
    if unknown:
        raise StoreError(f"{path}: made by a newer version of reader (schema {sorted(unknown)[-1]}); upgrade reader to open it")
    if not ours and sets:
        raise StoreError(
            f"{path}: not a reader database (another tool's: migrations of '{sorted(sets)[0]}'); it was left untouched"
        )
    foreign = sorted(tables - {table} - {t for t in tables if t.startswith("sqlite_")})
    if not ours and foreign:
        raise StoreError(
            f"{path}: not a reader database (it has other tables: {', '.join(foreign[:3])}); it was left untouched"
        )


def _close_connection(conn: sqlite3.Connection, path: Path | None) -> None:
    """Checkpoint (TRUNCATE, never waiting for another session) and close; see Store.close."""
    try:
        if path is not None and not conn.in_transaction:
            conn.execute("PRAGMA busy_timeout = 0")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    except sqlite3.Error:
        pass  # a checkpoint that cannot run now runs at the next close
    finally:
        conn.close()


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    message = str(exc)
    return "locked" in message or "busy" in message


def _write_failure(path: Path | None, exc: sqlite3.OperationalError) -> str:
    """One line saying why a write failed, never SQLite's bare "database is locked"."""
    message = str(exc)
    if "full" in message:
        reason = "the disk is full; nothing was saved"
    elif _is_busy(exc):
        reason = "the library is busy (another session is writing); nothing was saved, try again"
    elif "readonly" in message or "read-only" in message:
        reason = "the database is read-only; nothing was saved"
    else:
        reason = f"could not save ({message})"
    return reason if path is None else f"{path}: {reason}"


def _explain_undecodable(path: Path | None, column: str = "") -> str:
    what = f"text in the library's {column} column" if column else "text in the library"
    return (
        f"{path}: damaged data: {what} is not valid UTF-8 (a flipped byte, or another program wrote it); "
        "it was left untouched, the rest can still be used"
    )


def _explain(path: Path | None, exc: sqlite3.DatabaseError) -> str:
    message = str(exc)
    if message.startswith("Could not decode to UTF-8"):  # sqlite3 quotes the whole damaged text: name the column only
        column = message.split("'")[1] if message.count("'") >= 2 else ""
        return _explain_undecodable(path, column)
    if isinstance(exc, sqlite3.OperationalError) and _is_busy(exc):
        return f"{path}: the library is busy: another session has held it for over {WRITE_PATIENCE_S:g} s; try again"
    if "readonly" in message or "read-only" in message:
        return f"{path}: the database is read-only and needs upgrading; open it with write access"
    if "not a database" in message or "malformed" in message:
        return f"{path}: the database file is corrupt ({message}); it was left untouched"
    return f"{path}: {message}"


def _external_id(meta: str | None) -> str | None:
    """The "external_id" of an article's meta JSON (see _EXTERNAL_ID_SQL), or None."""
    try:
        value = json.loads(meta or "{}").get("external_id")
    except (ValueError, AttributeError):
        return None
    return None if value is None else str(value)


def _fts_query(query: str, min_prefix: int = 1) -> str:
    """User words as an FTS5 query: every word must match, the last as a prefix (if it has `min_prefix` letters)."""
    words = [w.replace('"', "") for w in query.split()]
    words = [w for w in words if w]
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words]
    if len(words[-1]) >= min_prefix:
        quoted[-1] += "*"
    return " ".join(quoted)


def network_filesystem(path: Path, mounts: Path = Path("/proc/mounts")) -> str | None:
    """The type of the filesystem holding `path`'s folder if it is a network one (nfs, cifs, ...), else None."""
    try:
        folder = os.path.realpath(path.parent)
        lines = mounts.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    best, kind = "", ""
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        inside = folder == point or folder.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, parts[2]
    return kind if kind in NETWORK_FILESYSTEMS or kind.startswith(("nfs", "smb", "cifs")) else None


def _entity_row(entity: Entity) -> dict[str, Any]:
    return {"start": entity.start, "end": entity.end, "label": entity.label, "text": entity.text, "canonical": entity.canonical}


def _quote_row(quote: Quote) -> dict[str, Any]:
    return {
        "start": quote.start,
        "end": quote.end,
        "text": quote.text,
        "speaker": quote.speaker,
        "speaker_start": quote.speaker_start,
        "speaker_end": quote.speaker_end,
        "cue": quote.cue,
        # The attribution's parts, when the analyser gives them (source mention, cue's span).
        "source_start": getattr(quote, "source_start", None),
        "source_end": getattr(quote, "source_end", None),
        "cue_start": getattr(quote, "cue_start", None),
        "cue_end": getattr(quote, "cue_end", None),
    }


# ---- speaker index: helpers

# A speaker's counts over the quotations of their forms (add a WHERE and GROUP BY f.speaker_id).
_SPEAKER_COUNTS_SQL = """
    SELECT f.speaker_id AS speaker_id, count(*) AS quotes, count(DISTINCT q.article_id) AS articles,
           count(DISTINCT q.outlet) AS outlets, min(q.day) AS first, max(q.day) AS last,
           sum(q.status = 'machine') AS machine,
           json_group_array(DISTINCT q.outlet) FILTER (WHERE q.outlet IS NOT NULL) AS outlet_names
    FROM speaker_forms f JOIN speaker_quotes q ON q.form = f.form
"""
_SPEAKER_FIELDS = "s.id, s.name, s.kind, s.quotes, s.articles, s.outlets, s.first, s.last, s.machine, s.variants, s.outlet_names"


def _speaker_summary(row: tuple[Any, ...]) -> SpeakerSummary:
    *head, variants, outlet_names = row
    return SpeakerSummary(*head, variants=tuple(json.loads(variants or "[]")),
                          outlet_names=tuple(sorted(json.loads(outlet_names or "[]"))))


def _quote_conditions(filters: QuoteFilter) -> tuple[str, list[Any]]:
    """SQL conditions on speaker_quotes `q` for what `filters` keep, and their parameters."""
    conditions, params = ["1"], []  # type: tuple[list[str], list[Any]]
    if filters.since:
        conditions.append("q.day >= ?")
        params.append(filters.since)
    if filters.until:
        conditions.append("q.day <= ?")
        params.append(filters.until)
    if filters.outlet and filters.outlet.strip():
        conditions.append("q.outlet = ? COLLATE NOCASE")
        params.append(" ".join(filters.outlet.split()))
    if filters.checked:
        conditions.append("q.status IN ('confirmed', 'corrected')")
    if filters.tag and filters.tag.strip():
        conditions.append(
            "EXISTS (SELECT 1 FROM annotations n JOIN annotation_tags x ON x.annotation_id = n.id "
            'JOIN tags t ON t.id = x.tag_id WHERE n.article_id = q.article_id AND n.start < q."end" '
            "AND n.\"end\" > q.start AND t.name = ? COLLATE NOCASE)"
        )
        params.append(" ".join(filters.tag.split()))
    fts = _fts_query(filters.search or "")
    if fts:
        conditions.append("q.id IN (SELECT rowid FROM speaker_quotes_fts WHERE speaker_quotes_fts MATCH ?)")
        params.append(fts)
    return " AND ".join(conditions), params


def _meta_outlet(meta: str | None) -> str | None:
    """The outlet named on import (meta "outlet", else "publisher"), or None."""
    try:
        found = json.loads(meta or "{}")
    except ValueError:
        return None
    value = found.get("outlet") or found.get("publisher") if isinstance(found, dict) else None
    return value if isinstance(value, str) and value.strip() else None


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


_DECISION_FIELDS = (
    "article_id", "kind", "start", "end", "status", "author", "decided_at", "label", "canonical", "speaker",
    "new_start", "new_end", "added",
)


def _decision(row: dict[str, Any]) -> Decision:
    return Decision(**{name: row[name] for name in _DECISION_FIELDS if name != "added"}, added=bool(row["added"]))


def _check_code(variable: Variable, value: object) -> None:
    """StoreError (one line) unless `value` is one the variable can take (None, "" and [] clear it)."""
    if value is None or value == "" or value == []:
        return
    allowed = [v.value for v in variable.values]
    if variable.kind in ("categorical", "ordinal"):
        ok = isinstance(value, str) and value in allowed
    elif variable.kind == "multi":
        ok = isinstance(value, list) and all(isinstance(v, str) and v in allowed for v in value)
    elif variable.kind == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value == value and abs(value) != float("inf")
    else:
        ok = isinstance(value, str)
    if not ok:
        shown = json.dumps(value, ensure_ascii=False)[:40]
        choices = f" (one of {', '.join(allowed)})" if allowed else ""
        raise StoreError(f"{shown} is not a value of {variable.kind} variable '{variable.name}'{choices}")


def _variable(row: dict[str, Any]) -> Variable:
    values = tuple(VariableValue(*v) for v in json.loads(row["values"] or "[]"))
    return Variable(row["id"], row["name"], row["kind"], row["description"], values, row["position"])


def _annotation(row: dict[str, Any], path: Path | None = None) -> Annotation:
    what = f"annotation {row.get('id')}"
    try:
        tags = json.loads(row.pop("tag_names") or "[]")
    except (TypeError, ValueError):
        tags = None
    if not isinstance(tags, list) or not all(isinstance(name, str) for name in tags):
        raise StoreError(_damaged(path, f"the tags of {what}", "something", "names"))
    _check_fields(row, Annotation, path, what)
    return Annotation(**row, tags=tags)


def _tag(row: dict[str, Any], path: Path | None = None) -> Tag:
    """A Tag from its row; a colour that is not text (another tool wrote it) is drawn as the fallback."""
    from reader.colours import FALLBACK

    if not isinstance(row.get("colour"), str):
        row = {**row, "colour": FALLBACK}
    _check_fields(row, Tag, path, f"tag {row.get('id')}")
    return Tag(**row)


# ---- what another program wrote into the file: checked as rows become the library's types
#
# SQLite keeps any value in any column, so a BLOB note or a text offset written by another tool
# would reach the screen and crash it there; here it becomes a one-line StoreError instead.

_TYPES = {"str": (str,), "int": (int,), "str | None": (str, type(None)), "int | None": (int, type(None))}
_ENTITY_TYPES = ((int,), (int,), (str,), (str,), (str, type(None)))
_QUOTE_TYPES = ((int,), (int,), (str,), (str, type(None)), (int, type(None)), (int, type(None)), (str, type(None)))


def _kind(value: Any) -> str:
    return {bytes: "binary data", str: "text", int: "a number", float: "a number", type(None): "nothing"}.get(
        type(value), type(value).__name__
    )


def _damaged(path: Path | None, what: str, found: str, expected: str) -> str:
    where = f"{path}: " if path is not None else ""
    return (
        f"{where}damaged data: {what} holds {found} where {expected} belongs (written by another program?); "
        "it was left untouched"
    )


def _check_fields(row: dict[str, Any], model: type, path: Path | None, what: str) -> None:
    """StoreError (one line) if a value of `row` is not of the type `model`'s field of that name has."""
    for name, declared in model.__annotations__.items():
        allowed = _TYPES.get(declared)
        if allowed is not None and name in row and not isinstance(row[name], allowed):
            expected = "text" if allowed[0] is str else "a whole number"
            raise StoreError(_damaged(path, f"the {name} of {what}", _kind(row[name]), expected))


def _checked(values: tuple[Any, ...], types: tuple[tuple[type, ...], ...], path: Path | None, what: str) -> tuple[Any, ...]:
    for value, allowed in zip(values, types):
        if not isinstance(value, allowed):
            expected = "text" if allowed[0] is str else "a whole number"
            raise StoreError(_damaged(path, what, _kind(value), expected))
    return values


_S, _I, _SN, _IN = (str,), (int,), (str, type(None)), (int, type(None))
# The values of rows the store hands out as dicts or tuples, checked as they leave (see _check_fields).
_RESULT_TYPES: dict[str, dict[str, tuple[type, ...]]] = {
    "list_articles": {"id": _I, "title": _S, "date": _SN, "source": _SN, "word_count": _I, "imported_at": _S,
                      "analyser": _SN, "annotations": _I, "entities": _I, "quotes": _I},
    "iter_articles": {"id": _I, "title": _S, "date": _SN, "source": _SN, "word_count": _I, "imported_at": _S,
                      "analyser": _SN},
    "search": {"article_id": _I, "annotation_id": _IN, "title": _S, "snippet": _S},
    "library_rows": {"id": _I, "title": _S, "date": _SN, "source": _SN, "word_count": _I},
    "match_rows": {"article_id": _I, "annotation_id": _IN, "title": _S, "snippet": _S},
    "export_rows": {name: _TYPES.get(declared, (object,)) for name, declared in ExportRow.__annotations__.items()},
}


def _checked_results(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    """`method` whose rows (a list, or a stream) are checked for values another program wrote."""
    types = _RESULT_TYPES[name]

    def check(row: Any) -> Any:
        values = row._asdict() if hasattr(row, "_asdict") else row
        for key, allowed in types.items():
            if key in values and not isinstance(values[key], allowed):
                where = f"article {values.get('article_id', values.get('id'))}"
                expected = "text" if allowed[0] is str else "a whole number"
                raise StoreError(_damaged(None, f"the {key} of a row of {where}", _kind(values[key]), expected))
        return row

    @functools.wraps(method)
    def wrapper(self: "Store", *args: Any, **kwargs: Any) -> Any:
        try:
            result = method(self, *args, **kwargs)
            if isinstance(result, list):
                return [check(row) for row in result]
            if isinstance(result, dict):  # rows by id
                for row in result.values():
                    check(row)
                return result
        except StoreError as exc:
            raise StoreError(f"{self.path}: {exc}" if str(exc).startswith("damaged") else str(exc)) from exc
        return _checked_stream(self, result, check)

    return wrapper


def _checked_stream(store: "Store", rows: Iterator[Any], check: Callable[[Any], Any]) -> Iterator[Any]:
    try:
        for row in rows:
            yield check(row)
    except StoreError as exc:
        raise StoreError(f"{store.path}: {exc}" if str(exc).startswith("damaged") else str(exc)) from exc


for _name, _method in list(vars(Store).items()):
    if callable(_method) and not _name.startswith("_") and _name not in ("transaction",):
        if _name in _RESULT_TYPES:
            _method = _checked_results(_name, _method)
        setattr(Store, _name, _one_line_errors(_method))
