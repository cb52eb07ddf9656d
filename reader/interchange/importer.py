"""Annotations and the codebook back into reader, from reader's own CSV or JSON Lines exports.

Pure functions over a `Store`; no Textual, no spaCy. Files are read as a stream.
The formats are those written by reader.interchange.csv and .jsonl, described in docs/export.md.

Matching an annotation to an article of the library, first that works:
  1. the content hash (CSV `article_hash`, JSON `reader.content_hash`);
  2. the same article id with the same title;
  3. the only article with that title;
  4. the only article whose text contains the annotation's prefix + text + suffix,
     else the only one containing the annotation's text.
A match by 2-4 holds for every other annotation of the same source article.

Re-anchoring within the article: when the article is the very text the
annotation was made on (same hash) and text[start:end] is the annotated text,
the offsets stand. Otherwise every occurrence of the annotated text is a
candidate; the one whose surroundings best match the stored prefix and suffix
wins, the nearest to the old position on a tie (as Hypothesis does, without
fuzzy matching of the text itself). No occurrence: reported as unanchored.

Identity: an annotation is already present when one exists on the same article
with the same start, end, text, author and creation time (creation time left
out of the comparison when the file has none), so importing a file twice changes
nothing. (Two annotations of one file alike in all of these but their ids are
both imported.) A new annotation keeps its id from the file when no annotation
here has that id, so a backup restored into an empty database exports identically.

A bad row is reported with its line number and the rest imports. A file that cannot be read to its end
(not UTF-8, broken CSV quoting, a line longer than any export's) stops there: what came before it is
imported, in batches committed as they go, and importing the fixed file again adds only the rest.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from reader.editing.verify import overlap_matches
from reader.errors import ReaderError
from reader.interchange.anchoring import (
    MATCH_METHODS,
    ArticleMatcher,
    Unanchorable,
    _Texts,
    anchor,
)
from reader.interchange.csv import read_csv
from reader.interchange.jsonl import read_jsonl
from reader.interchange.records import ImportFormatError, ImportRecord, Problem
from reader.interchange.source import Progress, bounded_lines, open_import
from reader.model import Decision
from reader.paths import expand_path
from reader.store import Store, context, now
from reader.text.inert import one_line, plural


@dataclass
class ImportReport:
    """What an import of annotations did."""

    path: str
    format: str
    added: int = 0
    duplicates: int = 0
    moved: int = 0
    highlights_skipped: int = 0
    decisions: int = 0  # people's decisions on highlights, kept
    codes: int = 0  # article codes (from an export --articles)
    tags_added: int = 0
    matched: Counter = field(default_factory=Counter)
    unanchored: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # what a REFI-QDA project held that reader leaves out
    codes_added: int = 0  # tags a REFI-QDA project's codes added to the codebook

    @property
    def ok(self) -> bool:
        """True when every annotation in the file is now in the library."""
        return not self.unanchored and not self.errors

    @property
    def matched_without_hash(self) -> int:
        return sum(n for method, n in self.matched.items() if method != "hash")

    def summary(self) -> str:
        how = ", ".join(f"{self.matched[m]} by {m}" for m in MATCH_METHODS[1:] if self.matched[m])
        said = [  # (how many, what): said when there are any
            (self.tags_added, f"{plural(self.tags_added, 'tag')} added to those present"),
            (self.matched_without_hash, f"{self.matched_without_hash} matched without the article's content hash ({how})"),
            (self.moved, f"{self.moved} re-anchored at a new position"),
            (len(self.unanchored), f"{len(self.unanchored)} could not be anchored"),
            (len(self.errors), f"{len(self.errors)} unreadable"),
            (self.codes, f"{self.codes} article codes"),
            (self.decisions, f"{self.decisions} decisions on highlights"),
            (self.highlights_skipped, f"{self.highlights_skipped} machine highlights skipped"),
            (self.codes_added, f"{plural(self.codes_added, 'code')} added to the codebook"),
        ]
        parts = [f"{self.added} imported", f"{self.duplicates} already present", *(text for count, text in said if count)]
        return ", ".join(parts) + f" ({self.path})"


def detect_format(path: Path) -> str:
    """"qdpx" for a zip (a REFI-QDA project), "xml" for XML (a REFI-QDA codebook), "jsonl" when the file's
    first non-blank character is "{", else "csv"; ImportFormatError if unreadable.

    (An import reads the file once, through reader.interchange.source.open_import; this is for a look only.)
    """
    kind = _project_kind(path)
    if kind is not None:
        return kind
    with open_import(path) as (fmt, _):
        return fmt


def _project_kind(path: Path) -> str | None:
    """"qdpx" or "xml" for a regular file that is a REFI-QDA project or codebook, else None (a pipe is
    never one: it is read once, by the import)."""
    try:
        if not path.is_file():
            return None
        with open(path, "rb") as handle:
            head = handle.read(64)
    except OSError:
        return None
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "qdpx"
    return "xml" if head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<") else None


BATCH_RECORDS = 500  # annotations written per transaction: other sessions write between batches
BATCH_SECONDS = 0.5  # and no transaction of an import holds the library longer than about this
BATCH_GAP_S = 0.1  # the pause between batches (at most a quarter of the time the last one held the lock): others write then


def import_annotations(
    store: Store, path: str | Path, default_author: str = "", progress: Progress | None = None
) -> ImportReport:
    """Import reader's CSV or JSON Lines export, or a REFI-QDA project (.qdpx), into the library; see the
    module docstring for the rules.

    Annotations without an author get `default_author`. The file is read once (a pipe works) and
    written in batches of BATCH_RECORDS, each its own transaction, so other sessions keep writing
    meanwhile; an import killed half-way, run again, adds the rest and nothing twice (what is
    present is skipped). `progress(bytes read, file size)` is called as the file is read.
    """
    path = expand_path(path, ImportFormatError)
    if _is_articles_export(path):
        from reader.interchange.articles import import_article_codes

        report = ImportReport(path=str(path), format="jsonl")
        with store.transaction():
            report.codes, problems = import_article_codes(store, path)
        report.errors.extend(Problem(line, message) for line, message in problems)
        return report
    kind = _project_kind(path)
    if kind == "xml":
        raise ImportFormatError(
            f"{path}: XML, not annotations (a REFI-QDA codebook? import it with 'reader codebook import'); nothing was imported"
        )
    if kind == "qdpx":
        report = ImportReport(path=str(path), format="qdpx")
        return _import_project(store, path, report, ArticleMatcher(store), _Texts(store), {}, default_author)
    with open_import(path, progress) as (fmt, stream):
        report = ImportReport(path=str(path), format=fmt)
        matcher = ArticleMatcher(store)
        texts = _Texts(store)
        added: dict[int, int | None] = {}  # id here -> annotation id in the file, for what this import added
        read = read_csv if fmt == "csv" else read_jsonl
        batches = _Batches(read(bounded_lines(stream, str(path)), str(path)))
        committed, held = 0, 0.0
        try:
            for batch in batches:
                items = iter(batch)
                more = True
                while more:
                    if held:  # let a session waiting for the write lock take it (SQLite's waiters retry every 100 ms)
                        time.sleep(min(BATCH_GAP_S, held / 4))
                    began = time.monotonic()
                    more = False
                    with store.transaction():
                        for item in items:
                            _import_item(store, item, default_author, matcher, texts, report, added)
                            if time.monotonic() - began > BATCH_SECONDS:
                                more = True  # the rest of this batch in the next transaction
                                break
                    committed = report.added
                    held = time.monotonic() - began
        except ReaderError as exc:
            raise ImportFormatError(_stopped(str(exc), committed)) from None
        if batches.failure is not None:
            raise ImportFormatError(_stopped(batches.failure, committed)) from None
    return report


def _import_project(
    store: Store,
    path: Path,
    report: ImportReport,
    matcher: ArticleMatcher,
    texts: _Texts,
    added: dict[int, int | None],
    default_author: str,
) -> ImportReport:
    """A REFI-QDA project: its codes into the codebook, its selections matched and re-anchored as any import's."""
    from reader.interchange.qdpx_library import read_project_records

    with store.transaction():
        items, report.notices, report.codes_added, report.codes = read_project_records(store, path)
        for item in items:
            item.author = item.author or default_author
            _import_record(store, item, matcher, texts, report, added)
    for problem in report.unanchored:
        problem.unit = "selection"
    return report


def _import_item(store: Store, item: ImportRecord | Problem, default_author: str, *state) -> None:
    report = state[2]
    if isinstance(item, Problem):
        report.errors.append(item)
        return
    item.author = item.author or default_author
    try:
        _import_record(store, item, *state)
    except (ValueError, OverflowError, RecursionError) as exc:  # a value no check foresaw
        report.errors.append(Problem(item.line, f"cannot be imported ({one_line(str(exc))[:80]})"))


def _stopped(reason: str, committed: int) -> str:
    if not committed:
        return f"{reason}; nothing was imported"
    return (
        f"{reason}; the {committed} annotations before it were imported "
        "(import the file again once it is fixed: those are skipped)"
    )


class _Batches:
    """Records read ahead in batches (reading a slow pipe never holds the write lock); a failure to read
    ends the batches after the records read before it, and is kept in `failure`."""

    def __init__(self, items: Iterator[ImportRecord | Problem]):
        self.items = items
        self.failure: str | None = None

    def __iter__(self) -> Iterator[list[ImportRecord | Problem]]:
        batch: list[ImportRecord | Problem] = []
        started = time.monotonic()
        try:
            for item in self.items:
                batch.append(item)
                if len(batch) >= BATCH_RECORDS or time.monotonic() - started > BATCH_SECONDS:
                    yield batch
                    batch, started = [], time.monotonic()
        except UnicodeDecodeError as exc:
            self.failure = f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); stopped there"
        except OSError as exc:
            self.failure = f"cannot read ({exc.strerror or exc})"
        except ImportFormatError as exc:
            self.failure = str(exc)
        if batch:
            yield batch


def _import_record(
    store: Store,
    record: ImportRecord,
    matcher: ArticleMatcher,
    texts: _Texts,
    report: ImportReport,
    added: dict[int, int | None],
) -> None:
    decided = record.kind in ("entity", "quote") and record.status in ("confirmed", "corrected", "rejected")
    if record.kind != "annotation" and not decided:
        report.highlights_skipped += 1
        return
    try:
        article_id, method = matcher.match(record)
    except Unanchorable as exc:
        report.unanchored.append(Problem(record.line, str(exc), record.exact))
        return
    text = texts.get(article_id)
    span = anchor(
        text, record.exact, record.start, record.end, record.prefix, record.suffix, trust_offsets=method == "hash"
    )
    if span is None:
        identity = store.find_article_identity(article_id)
        report.unanchored.append(
            Problem(record.line, f"is not in the text of article {article_id} “{identity.title if identity else ''}”", record.exact)
        )
        return
    report.matched[method] += 1
    start, end = span
    if record.start is not None and (start, end) != (record.start, record.end):
        report.moved += 1
    if decided:
        _import_decision(store, record, article_id, start, end)
        report.decisions += 1
        return
    # Already present: one with the same identity, unless this very import added it for another annotation
    # of the file (two annotations alike in all but id, made in the same second, are both kept).
    same = store.same_annotations(article_id, start, end, record.exact, record.author, record.created_at)
    present = [i for i in same if added.get(i, record.annotation_id) == record.annotation_id]
    if present:
        # Its tags are added if missing: the rows of a --per-tag file sorted by tag in a spreadsheet
        # arrive apart, each with one of the annotation's tags.
        report.tags_added += store.add_missing_tags(_likeliest(store, present, record), record.tags)
        report.duplicates += 1
        return
    prefix, suffix = context(text, start, end)
    created = record.created_at or now()
    row = {
        "article_id": article_id,
        "start": start,
        "end": end,
        "exact": record.exact,
        "prefix": prefix,
        "suffix": suffix,
        "note": record.note,
        "author": record.author,
        "created_at": created,
        "updated_at": record.updated_at or created,
    }
    added[store.insert_annotation(row, tags=record.tags, keep_id=record.annotation_id)] = record.annotation_id
    report.added += 1


_FIRST_LINE_CHARS = 1 << 20  # an --articles row is one article's codes: far less


def _is_articles_export(path: Path) -> bool:
    """A JSON Lines file of `reader export --articles` (its first object has "codes" and "coder")."""
    import json

    if not path.is_file():  # a pipe is read once, by the import itself
        return False
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as stream:
            first = ""
            for _ in range(100):  # blank lines first; each read bounded: a 5 GB line is not read whole to look at it
                first = stream.readline(_FIRST_LINE_CHARS)
                if first.strip() or not first:
                    break
        obj = json.loads(first)
    except (ValueError, OSError, RecursionError):  # not JSON, unreadable, or nested deeper than the stack
        return False
    return isinstance(obj, dict) and "codes" in obj and "coder" in obj


def _import_decision(store: Store, record: ImportRecord, article_id: int, start: int, end: int) -> None:
    """A person's decision on a highlight, from its row: it applies to this library's highlight on the
    same words; a quotation this library's analysis did not find is added."""
    corrected = record.status == "corrected"
    if record.kind == "quote":
        machine = store.get_article(article_id).quotes
        found = any(overlap_matches(q.start, q.end, start, end) for q in machine)
        decision = Decision(
            article_id, "quote", start, end, record.status or "confirmed", record.author,
            decided_at=record.updated_at or "", speaker=(record.speaker or "") if corrected else None,
            new_start=start if corrected else None, new_end=end if corrected else None, added=not found,
        )
    else:
        decision = Decision(
            article_id, "entity", start, end, record.status or "confirmed", record.author,
            decided_at=record.updated_at or "", label=record.label if corrected else None,
        )
    store.set_decision(decision)


def _likeliest(store: Store, present: list[int], record: ImportRecord) -> int:
    """Which of the annotations alike to `record` it is: the one with its id, else one with all its tags, else the first."""
    if record.annotation_id in present:
        return record.annotation_id
    wanted = {name.casefold() for name in record.tags}
    for annotation_id in present:
        annotation = store.find_annotation(annotation_id)
        if annotation is not None and wanted <= {name.casefold() for name in annotation.tags}:
            return annotation_id
    return present[0]
