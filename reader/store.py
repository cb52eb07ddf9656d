"""Storage: one SQLite file, reached through sqlite-utils.

The only module that runs SQL. Free of Textual and spaCy. Every write is its
own committed transaction, so what the screen shows is already on disk.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import json
import os
import sqlite3
import threading
import time
import weakref
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generator, Iterable, Iterator

from reader.errors import ReaderError
from reader.ingest.article import ParsedArticle
from reader.model import Analysis, Annotation, Article, Entity, ExportRow, Quote, Tag
from reader.schema import known_migrations, migrations
from reader.sqlite import Database

CONTEXT_CHARS = 32
# Annotations with their tag names (in codebook order) as a JSON array.
_ANNOTATIONS_SQL = """
    SELECT n.*, (SELECT json_group_array(t.name) FROM
                    (SELECT t.name FROM annotation_tags x JOIN tags t ON t.id = x.tag_id
                     WHERE x.annotation_id = n.id ORDER BY t.position, t.name) t) AS tag_names
    FROM annotations n
"""
# What the library lists of each article: columns of idx_articles_listing (no article text is read) and its counts.
LISTING_FIELDS = (
    "id", "title", "date", "source", "word_count", "imported_at", "analyser", "annotations", "notes", "entities", "quotes",
)
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
NEW_TAG_COLOURS = (
    "bright_cyan", "bright_green", "dark_orange", "medium_purple1", "deep_pink2", "spring_green2", "gold1",
    "dodger_blue1", "orchid1", "chartreuse3",
)
AT_ONCE_S = 0.05  # how long a write asked not to wait may wait after all (another thread's read, say)
WRITE_PATIENCE_S = 30.0  # how long a write keeps retrying before it is reported as failed


class StoreError(ReaderError):
    """The database cannot be used; the message is one line for the user."""


class AnnotationGone(StoreError):
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
    """An article's entities and quotations, to find the one an annotation sits on.

    An annotation sits on the entity (and the quotation) it overlaps most; on a tie,
    the one that starts first, then the lowest id.
    """

    def __init__(self, store: "Store", article_id: int):
        self.article_id = article_id
        self.entities = self._spans(store, "SELECT start, \"end\", id, label FROM entities WHERE article_id = ?")
        self.quotes = self._spans(store, "SELECT start, \"end\", id, speaker FROM quotes WHERE article_id = ?")

    def _spans(self, store: "Store", sql: str) -> tuple[list[tuple[int, int, int, Any]], list[int], int]:
        with store._lock:
            spans = sorted(store.db.execute(sql, [self.article_id]).fetchall())
        return spans, [span[0] for span in spans], max((end - start for start, end, _, _ in spans), default=0)

    def context(self, start: int, end: int) -> tuple[Any, Any]:
        """(entity label, quotation speaker) of the span start..end; None where it sits on neither."""
        return self._best(self.entities, start, end), self._best(self.quotes, start, end)

    @staticmethod
    def _best(index: tuple[list[tuple[int, int, int, Any]], list[int], int], start: int, end: int) -> Any:
        spans, starts, longest = index
        best, best_key = None, None
        # Only spans starting after start - longest can reach past start; only those before end overlap.
        for i in range(bisect.bisect_right(starts, start - longest), bisect.bisect_left(starts, end)):
            s, e, span_id, value = spans[i]
            if e > start:
                key = (-(min(e, end) - max(s, start)), s, span_id)
                if best_key is None or key < best_key:
                    best, best_key = value, key
        return best


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

    def find_article(self, content_hash: str) -> int | None:
        with self._lock:
            row = self.db.execute("SELECT id FROM articles WHERE content_hash = ?", [content_hash]).fetchone()
        return row[0] if row else None

    def add_article(self, parsed: ParsedArticle, analysis: Analysis | None = None) -> tuple[int, bool]:
        """Store an article (and its analysis); returns (id, True) or (existing id, False) for a duplicate."""
        existing = self.find_article(parsed.content_hash)
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
                return self.find_article(parsed.content_hash), False  # type: ignore[return-value]
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

    def article_text(self, article_id: int) -> str:
        with self._lock:
            row = self.db.execute("SELECT text FROM articles WHERE id = ?", [article_id]).fetchone()
        if row is None:
            raise StoreError(f"no article with id {article_id}")
        return row[0]

    def article(self, article_id: int) -> Article:
        """An article with its entities and quotations."""
        with self._lock:
            rows = list(self.db["articles"].rows_where("id = ?", [article_id]))
            if not rows:
                raise StoreError(f"no article with id {article_id}")
            row = rows[0]
            # Plain tuples, not sqlite-utils' dicts: a long article has tens of thousands of highlights.
            entities = [
                Entity(*r)
                for r in self.db.execute(
                    'SELECT start, "end", label, text, canonical FROM entities WHERE article_id = ? ORDER BY start, id',
                    [article_id],
                )
            ]
            quotes = [
                Quote(*r)
                for r in self.db.execute(
                    'SELECT start, "end", text, speaker, speaker_start, speaker_end, cue FROM quotes '
                    "WHERE article_id = ? ORDER BY start, id",
                    [article_id],
                )
            ]
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
        )

    def list_articles(self) -> list[dict[str, Any]]:
        """Every article with its counts, newest import first (see iter_articles)."""
        return list(self.iter_articles())

    def iter_articles(self) -> Iterator[dict[str, Any]]:
        """Every article with its counts, newest import first, streamed a thousand rows at a time.

        Read from idx_articles_listing and article_counts, never from the rows that hold the
        text: 100,000 articles in under a second. `notes` counts annotations with a note,
        `annotations` all of them.
        """
        for row in self._stream(_LISTING_SQL + " ORDER BY a.id DESC", {}):
            yield dict(zip(LISTING_FIELDS, row))

    def article_ids(self, limit: int = -1) -> array:
        """The ids of every article (or the first `limit`), newest import first: the library screen's rows, 8 bytes each."""
        with self._lock:
            rows = self.db.conn.execute(
                "SELECT id FROM articles INDEXED BY idx_articles_listing ORDER BY id DESC LIMIT ?", [limit]
            )
            return array("q", (r[0] for r in rows))

    def library_rows(self, article_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        """The listed columns and counts of these articles (a page of the library), by id."""
        ids = list(article_ids)
        if not ids:
            return {}
        sql = _LISTING_SQL + f" WHERE a.id IN ({', '.join('?' * len(ids))})"
        with self._lock:
            return {row[0]: dict(zip(LISTING_FIELDS, row)) for row in self.db.conn.execute(sql, ids)}

    def count_articles(self) -> int:
        with self._lock:
            return self.db.execute("SELECT count(*) FROM articles INDEXED BY idx_articles_listing").fetchone()[0]

    def search(self, query: str, limit: int = 100) -> list[dict[str, Any]]:
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
            WHERE annotations_fts MATCH :q
            ORDER BY rank LIMIT :limit
        """
        with self._lock:
            return list(self.db.query(sql, {"q": fts_query, "limit": limit}))

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
        with self._lock:
            notes = self.db.conn.execute(
                "SELECT n.id, n.article_id FROM annotations_fts JOIN annotations n ON n.rowid = annotations_fts.rowid "
                "WHERE annotations_fts MATCH ? ORDER BY annotations_fts.rowid DESC LIMIT ?", [fts_query, note_limit],
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

    def match_rows(self, matches: "LibraryMatches", start: int, count: int) -> list[dict[str, Any]]:
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
            {
                "kind": kind, "article_id": a, "annotation_id": n,
                "title": titles[a]["title"] if a in titles else "",
                "snippet": snippets.get((kind, n if kind == "annotation" else a), ""),
            }
            for kind, a, n in entries
        ]

    # ------------------------------------------------------------ tags (the codebook)

    def tags(self) -> list[Tag]:
        with self._lock:
            return [Tag(**row) for row in self.db["tags"].rows_where(order_by="position, name")]

    def tag_by_name(self, name: str) -> Tag | None:
        with self._lock:
            rows = list(self.db["tags"].rows_where("name = ? COLLATE NOCASE", [name.strip()]))
        return Tag(**rows[0]) if rows else None

    def ensure_tag(self, name: str, **fields: Any) -> Tag:
        """The tag called `name`, created at the end of the codebook if new."""
        name = " ".join(name.split())
        if not name:
            raise StoreError("a tag needs a name")
        tag = self.tag_by_name(name)
        if tag is not None:
            return tag
        with self._lock, self.db.atomic():
            tag = self.tag_by_name(name)  # another session may have made it a moment ago
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
        sql = _ANNOTATIONS_SQL + ' WHERE n.article_id = ? ORDER BY n.start, n."end", n.id'
        with self._lock:
            return [_annotation(row) for row in self.db.query(sql, [article_id])]

    def annotation(self, annotation_id: int) -> Annotation | None:
        with self._lock:
            rows = list(self.db.query(_ANNOTATIONS_SQL + " WHERE n.id = ?", [annotation_id]))
        return _annotation(rows[0]) if rows else None

    def create_annotation(
        self, article_id: int, start: int, end: int, author: str, tags: Iterable[str] = (), note: str = ""
    ) -> Annotation:
        """A new annotation on text[start:end], with its context kept for re-anchoring."""
        text = self.article_text(article_id)
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
        tag_ids = [self.ensure_tag(name).id for name in tags]
        with self._lock, self.db.atomic():
            annotation_id = self.db["annotations"].insert(row).last_pk
            self.db["annotation_tags"].insert_all(
                {"annotation_id": annotation_id, "tag_id": tag_id} for tag_id in tag_ids
            )
        return self.annotation(annotation_id)  # type: ignore[return-value]

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
        tag = self.ensure_tag(name)
        with self._lock, self.db.atomic():
            self._touch(annotation_id)
            self.db["annotation_tags"].insert({"annotation_id": annotation_id, "tag_id": tag.id}, ignore=True)
        return tag

    def remove_tag(self, annotation_id: int, name: str) -> None:
        """AnnotationGone if the annotation no longer exists."""
        tag = self.tag_by_name(name)
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

    def delete_annotation(self, annotation_id: int) -> None:
        with self._lock, self.db.atomic():
            self.db["annotations"].delete(annotation_id)

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
        tag_ids = [self.ensure_tag(name).id for name in annotation.tags]
        with self._lock, self.db.atomic():
            self.db["annotations"].upsert(row, pk="id")
            self.db.execute("DELETE FROM annotation_tags WHERE annotation_id = ?", [annotation.id])
            self.db["annotation_tags"].insert_all(
                {"annotation_id": annotation.id, "tag_id": tag_id} for tag_id in tag_ids
            )

    # ---- export and import
    #
    # Used by reader.export and reader.interchange. Reads stream through
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
    ) -> Iterator[ExportRow]:
        """Stream annotations (and optionally entities and quotations) joined with their article, for export.

        Each row is an ExportRow; rows are ordered by article, start, end,
        kind (annotation, entity, quote), id. `since`/`until` (YYYY-MM-DD, inclusive)
        filter on the article's date; articles without a date are left out when either
        is given. `tags` keeps annotations with any of those tags; `tags` or `authors`
        leave out the machine highlights, which have neither. `tag_ids` is the
        annotation's tag ids joined by commas, in no particular order, or None.
        An annotation's entity_label and quote_speaker are those of the entity and the
        quotation it overlaps most (see _SpanLookup).
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
                   NULL AS entity_label, NULL AS quote_speaker, a.content_hash AS article_hash
            FROM annotations n JOIN articles a ON a.id = n.article_id{where(annotation_where)}
            """
        ]
        if include_highlights and not tags and not authors:
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
                           a.content_hash
                    FROM {table} h JOIN articles a ON a.id = h.article_id{where(article_where)}
                    """
                )
        if len(selects) == 1:  # annotations only: in the order of their index (idx_annotations_span), not sorted
            sql = selects[0] + ' ORDER BY n.article_id, n.start, n."end", n.id'
        else:
            sql = " UNION ALL ".join(selects) + ' ORDER BY article_id, start, "end", kind_order, row_id'
        return self._with_highlight_context(self._stream(sql, params))

    def _stream(self, sql: str, params: Any) -> Iterator[tuple[Any, ...]]:
        """The rows of a read query, fetched a thousand at a time (memory stays flat)."""
        with self._lock:
            cursor = self.db.conn.execute(sql, params)
            while batch := cursor.fetchmany(1000):
                yield from batch

    def _with_highlight_context(self, rows: Iterator[tuple[Any, ...]]) -> Iterator[ExportRow]:
        """Fill in each annotation's entity_label and quote_speaker, one article's highlights at a time."""
        lookup: _SpanLookup | None = None
        for row in map(ExportRow._make, rows):
            if row.kind == "annotation":
                if lookup is None or lookup.article_id != row.article_id:
                    lookup = _SpanLookup(self, row.article_id)
                label, speaker = lookup.context(row.start, row.end)
                row = row._replace(entity_label=label, quote_speaker=speaker)
            yield row

    def missing_article_ids(self, article_ids: Iterable[int]) -> list[int]:
        """Those of `article_ids` that are not in the library."""
        with self._lock:
            return [
                i for i in article_ids if self.db.execute("SELECT 1 FROM articles WHERE id = ?", [i]).fetchone() is None
            ]

    def article_identity(self, article_id: int) -> dict[str, Any] | None:
        """An article's id, title and content hash, or None."""
        with self._lock:
            row = self.db.execute("SELECT id, title, content_hash FROM articles WHERE id = ?", [article_id]).fetchone()
        return None if row is None else {"id": row[0], "title": row[1], "content_hash": row[2]}

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
            annotation_id = self.db["annotations"].insert(row).last_pk
            self.db["annotation_tags"].insert_all(
                ({"annotation_id": annotation_id, "tag_id": tag_id} for tag_id in tag_ids), ignore=True
            )
        return annotation_id


# ---------------------------------------------------------------- helpers


def _connect(path: Path) -> sqlite3.Connection:
    if path.exists() and path.is_dir():
        raise StoreError(f"{path}: is a directory, not a database file")
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        except OSError as exc:
            raise StoreError(f"{path}: cannot create the database ({exc.strerror})") from None
    elif path.stat().st_size > 0:
        try:
            with open(path, "rb") as handle:
                header = handle.read(16)
        except OSError as exc:
            raise StoreError(f"{path}: cannot read the database ({exc.strerror})") from None
        if header != b"SQLite format 3\x00":
            raise StoreError(f"{path}: not a reader database (not an SQLite file); it was left untouched")
    # An empty file (touch reader.db) is initialised as a new library; anything else must be writable,
    # and so must its folder, where SQLite keeps the write-ahead log next to it.
    if not os.access(path, os.W_OK):
        raise StoreError(f"{path}: the database is read-only; reader needs to write to it (ask for write access, or copy it)")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise StoreError(f"{path}: its folder is read-only; reader needs to write its journal there")
    try:
        return sqlite3.connect(path, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot open the database ({exc})") from None


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


def _explain(path: Path | None, exc: sqlite3.DatabaseError) -> str:
    message = str(exc)
    if isinstance(exc, sqlite3.OperationalError) and _is_busy(exc):
        return f"{path}: the library is busy: another session has held it for over {WRITE_PATIENCE_S:g} s; try again"
    if "readonly" in message or "read-only" in message:
        return f"{path}: the database is read-only and needs upgrading; open it with write access"
    if "not a database" in message or "malformed" in message:
        return f"{path}: the database file is corrupt ({message}); it was left untouched"
    return f"{path}: {message}"


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
    }


def _annotation(row: dict[str, Any]) -> Annotation:
    tags = json.loads(row.pop("tag_names") or "[]")
    return Annotation(**row, tags=tags)
