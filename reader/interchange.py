"""Annotations and the codebook back into reader, from reader's own CSV or JSON Lines exports.

Pure functions over a `Store`; no Textual, no spaCy. Files are read as a stream.
The formats are those written by reader.export and described in docs/export.md.

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

A file that cannot be read to its end (not UTF-8, broken CSV quoting) imports
nothing; a bad row is reported with its line number and the rest imports.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, TextIO

from reader.errors import ReaderError
from reader.export import CODEBOOK_COLUMNS, CSV_COLUMNS, ID_PREFIX, KINDS, PER_TAG_COLUMN, csv_header, restore, split_tags
from reader.store import Store, context, now

SQLITE_MAX_INT = 2**63 - 1
CSV_FIELD_LIMIT = 2**31 - 1  # an annotation may span a whole (large) article
QUICK_KEYS = tuple("123456789")  # the keys that tag in the app
MATCH_METHODS = ("hash", "id+title", "title", "text")


class ImportFormatError(ReaderError):
    """A file that cannot be imported at all; the message is one line."""


class RowError(ReaderError):
    """One row or line that cannot be imported."""


# ---------------------------------------------------------------- records


@dataclass
class ImportRecord:
    """One annotation as read from a file, before it is matched and anchored."""

    line: int
    exact: str
    kind: str = "annotation"
    annotation_id: int | None = None
    article_id: int | None = None
    article_title: str | None = None
    article_hash: str | None = None
    start: int | None = None
    end: int | None = None
    prefix: str = ""
    suffix: str = ""
    tags: list[str] = field(default_factory=list)
    note: str = ""
    author: str = ""
    created_at: str | None = None
    updated_at: str | None = None

    @property
    def article_key(self) -> tuple[Any, ...]:
        return (self.article_hash, self.article_id, self.article_title)

    @property
    def identity(self) -> tuple[Any, ...]:
        return (
            self.annotation_id, *self.article_key, self.start, self.end, self.exact, self.author, self.created_at,
        )


@dataclass
class Problem:
    """A row that could not be read, or an annotation that could not be anchored."""

    line: int
    message: str
    exact: str = ""

    def __str__(self) -> str:
        if not self.exact:
            return f"line {self.line}: {self.message}"
        words = " ".join(self.exact.split())
        quoted = words if len(words) <= 50 else words[:49] + "…"
        return f"line {self.line}: “{quoted}” {self.message}"


@dataclass
class ImportReport:
    """What an import of annotations did."""

    path: str
    format: str
    added: int = 0
    duplicates: int = 0
    moved: int = 0
    highlights_skipped: int = 0
    tags_added: int = 0
    matched: Counter = field(default_factory=Counter)
    unanchored: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every annotation in the file is now in the library."""
        return not self.unanchored and not self.errors

    @property
    def matched_without_hash(self) -> int:
        return sum(n for method, n in self.matched.items() if method != "hash")

    def summary(self) -> str:
        parts = [f"{self.added} imported", f"{self.duplicates} already present"]
        if self.tags_added:
            parts.append(f"{self.tags_added} tag{'s' if self.tags_added > 1 else ''} added to those present")
        if self.matched_without_hash:
            how = ", ".join(f"{self.matched[m]} by {m}" for m in MATCH_METHODS[1:] if self.matched[m])
            parts.append(f"{self.matched_without_hash} matched without the article's content hash ({how})")
        if self.moved:
            parts.append(f"{self.moved} re-anchored at a new position")
        if self.unanchored:
            parts.append(f"{len(self.unanchored)} could not be anchored")
        if self.errors:
            parts.append(f"{len(self.errors)} unreadable")
        if self.highlights_skipped:
            parts.append(f"{self.highlights_skipped} machine highlights skipped")
        return ", ".join(parts) + f" ({self.path})"


# ---------------------------------------------------------------- reading files


def detect_format(path: Path) -> str:
    """"jsonl" when the file's first non-blank character is "{", else "csv"; ImportFormatError if unreadable."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except FileNotFoundError:
        raise ImportFormatError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ImportFormatError(f"{path}: is a directory, not an export file") from None
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot read ({exc.strerror or exc})") from None
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not head:
        raise ImportFormatError(f"{path}: file is empty")
    return "jsonl" if head.startswith(b"{") else "csv"


def _int(value: Any, name: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise RowError(f"{name} must be a whole number, not {value!r}")
    if isinstance(value, int):
        number = value
    else:
        try:
            number = int(str(value).strip())
        except ValueError:
            raise RowError(f"{name} must be a whole number, not {str(value)[:20]!r}") from None
    if number < 0:
        raise RowError(f"{name} must not be negative ({number})")
    if number > SQLITE_MAX_INT:
        raise RowError(f"{name} is too large ({str(number)[:20]}…)")
    return number


def _time(value: Any, name: str) -> str | None:
    if value is None or value == "":
        return None
    text = str(value).strip()
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise RowError(f"{name} must be an ISO 8601 time, not {text[:30]!r}") from None
    if moment.tzinfo is None:  # a time without a zone (or a bare date) is taken as UTC
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def _check(record: ImportRecord) -> ImportRecord:
    if record.kind not in KINDS:
        raise RowError(f"unknown kind {record.kind!r} (expected one of {', '.join(KINDS)})")
    if not record.exact:
        raise RowError("no annotated text")
    if (record.start is None) != (record.end is None):
        raise RowError("start and end must be given together")
    if record.start is not None and record.end is not None and record.end < record.start:
        raise RowError(f"end {record.end} is before start {record.start}")
    # start/end that do not fit the text (edited in a spreadsheet, or counted in other units by
    # another tool) are only a hint: the text is then looked up.
    return record


def read_csv(stream: TextIO, name: str) -> Iterator[ImportRecord | Problem]:
    """Records from reader's CSV (either shape, with or without highlights), neutralised cells restored.

    Consecutive rows of one annotation (a --per-tag file) become one record.
    """
    csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.reader(stream, strict=True)
    try:
        header = [restore(cell).strip() for cell in next(reader)]
    except StopIteration:
        raise ImportFormatError(f"{name}: file is empty") from None
    # Only reader's own exports have neutralised cells to restore; a hand-made file's apostrophes are text.
    unescape = restore if _is_reader_header(header) else _same
    missing = [column for column in ("start", "end", "text") if column not in header]
    if missing and "tag" in header:
        raise ImportFormatError(f"{name}: this is a codebook, not annotations (import it with 'reader codebook import')")
    if missing:
        raise ImportFormatError(
            f"{name}: not a reader export (no {', '.join(missing)} column{'s' if len(missing) > 1 else ''} "
            "in the header row)"
        )
    pending: ImportRecord | None = None
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ImportFormatError(f"{name}: line {line}: malformed CSV ({exc})") from None
        if not any(cell.strip() for cell in row):
            continue
        try:
            record = _csv_record(header, row, line, unescape)
        except RowError as exc:
            yield Problem(line, str(exc))
            continue
        if pending is not None and pending.identity == record.identity:
            pending.tags.extend(t for t in record.tags if t not in pending.tags)
            continue
        if pending is not None:
            yield pending
        pending = record
    if pending is not None:
        yield pending


def _same(cell: str) -> str:
    return cell


def _is_reader_header(header: list[str]) -> bool:
    """True for the header row of `reader export` (any of its shapes), as written or with columns after it."""
    return any(
        header[: len(CSV_COLUMNS)] == csv_header(per_tag)[: len(CSV_COLUMNS)] for per_tag in (False, True)
    )


def _csv_record(header: list[str], row: list[str], line: int, unescape: Callable[[str], str] = restore) -> ImportRecord:
    if len(row) != len(header):
        raise RowError(f"has {len(row)} fields where the header has {len(header)}")
    cells = {name: unescape(value) for name, value in zip(header, row)}
    if "tags" in cells:
        tags = split_tags(cells["tags"])
    elif PER_TAG_COLUMN in cells:
        tags = [cells[PER_TAG_COLUMN].strip()] if cells[PER_TAG_COLUMN].strip() else []
    else:
        tags = []
    return _check(
        ImportRecord(
            line=line,
            exact=cells["text"],
            kind=cells.get("kind") or "annotation",
            annotation_id=_int(cells.get("annotation_id"), "annotation_id"),
            article_id=_int(cells.get("article_id"), "article_id"),
            article_title=cells.get("article_title") or None,
            article_hash=(cells.get("article_hash") or "").strip().lower() or None,
            start=_int(cells["start"], "start"),
            end=_int(cells["end"], "end"),
            prefix=cells.get("prefix", ""),
            suffix=cells.get("suffix", ""),
            tags=tags,
            note=cells.get("note", ""),
            author=cells.get("author", ""),
            created_at=_time(cells.get("created_at"), "created_at"),
            updated_at=_time(cells.get("updated_at"), "updated_at"),
        )
    )


def read_jsonl(stream: TextIO, name: str) -> Iterator[ImportRecord | Problem]:
    """Records from JSON Lines of W3C Web Annotations (reader's own, or any with a TextQuoteSelector)."""
    for line, text in enumerate(stream, start=1):
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            yield Problem(line, f"not JSON ({exc.msg} at column {exc.colno})")
            continue
        try:
            yield _json_record(obj, line)
        except RowError as exc:
            yield Problem(line, str(exc))


def _text(value: Any, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RowError(f"{name} must be text, not {json.dumps(value)[:30]}")
    return value


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _json_record(obj: Any, line: int) -> ImportRecord:
    if not isinstance(obj, dict):
        raise RowError("not a JSON object")
    own = obj.get("reader") if isinstance(obj.get("reader"), dict) else {}
    targets = [t for t in _as_list(obj.get("target")) if isinstance(t, dict)]
    if not targets:
        raise RowError("no target with selectors")
    quote: dict[str, Any] | None = None
    position: dict[str, Any] | None = None
    for selector in _as_list(targets[0].get("selector")):
        if isinstance(selector, dict) and selector.get("type") == "TextQuoteSelector" and quote is None:
            quote = selector
        elif isinstance(selector, dict) and selector.get("type") == "TextPositionSelector" and position is None:
            position = selector
    if quote is None or not isinstance(quote.get("exact"), str):
        raise RowError("no TextQuoteSelector with an exact text")
    tags: list[str] = []
    notes: list[str] = []
    for body in _as_list(obj.get("body")):
        if isinstance(body, dict) and isinstance(body.get("value"), str):
            if body.get("purpose") == "tagging" and body["value"].strip():
                tags.append(body["value"].strip())
            elif body.get("purpose") in ("commenting", None, "describing"):
                notes.append(body["value"])
    creator = obj.get("creator")
    if isinstance(creator, dict):
        author = creator.get("name") or creator.get("nickname") or ""
    else:
        author = creator or ""
    if not isinstance(author, str):
        raise RowError(f"the creator's name must be text, not {json.dumps(author)[:30]}")
    annotation_id = own.get("annotation_id")
    match = re.fullmatch(re.escape(ID_PREFIX) + r"annotation:(\d+)", str(obj.get("id") or ""))
    if annotation_id is None and match:
        annotation_id = match.group(1)
    source = str(targets[0].get("source") or "")
    content_hash = own.get("content_hash") or (source[len("urn:sha256:"):] if source.startswith("urn:sha256:") else None)
    return _check(
        ImportRecord(
            line=line,
            exact=quote["exact"],
            kind=str(own.get("kind") or "annotation"),
            annotation_id=_int(annotation_id, "annotation_id"),
            article_id=_int(own.get("article_id"), "article_id"),
            article_title=_text(own.get("article_title"), "article_title") or None,
            article_hash=_text(content_hash, "content_hash").lower() or None,
            start=_int((position or {}).get("start"), "start"),
            end=_int((position or {}).get("end"), "end"),
            prefix=str(quote.get("prefix") or ""),
            suffix=str(quote.get("suffix") or ""),
            tags=tags,
            note="\n\n".join(notes),
            author=str(author),
            created_at=_time(obj.get("created"), "created"),
            updated_at=_time(obj.get("modified"), "modified"),
        )
    )


# ---------------------------------------------------------------- matching and anchoring


def _common_suffix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(reversed(a), reversed(b)):
        if x != y:
            break
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def context_score(text: str, start: int, end: int, prefix: str, suffix: str) -> int:
    """How many characters of `prefix` (next to the span) and `suffix` match the text around text[start:end]."""
    before = text[max(0, start - len(prefix)) : start]
    after = text[end : end + len(suffix)]
    return _common_suffix(before, prefix) + _common_prefix(after, suffix)


def occurrences(text: str, exact: str) -> Iterator[int]:
    """Every start of `exact` in `text`, overlapping ones included."""
    position = text.find(exact)
    while position != -1:
        yield position
        position = text.find(exact, position + 1)


def anchor(
    text: str,
    exact: str,
    start: int | None = None,
    end: int | None = None,
    prefix: str = "",
    suffix: str = "",
    trust_offsets: bool = False,
) -> tuple[int, int] | None:
    """Where `exact` belongs in `text`, as (start, end), or None when it is not there.

    With `trust_offsets` (the very same text), text[start:end] == exact settles it.
    Otherwise the occurrence whose surroundings best match prefix and suffix wins;
    on a tie, the one nearest the old start, then the first.
    """
    if not exact:
        return None
    if (
        trust_offsets
        and start is not None
        and end is not None
        and 0 <= start <= end <= len(text)
        and text[start:end] == exact
    ):
        return start, end
    best: tuple[tuple[int, int, int], int] | None = None
    for position in occurrences(text, exact):
        score = context_score(text, position, position + len(exact), prefix, suffix)
        distance = abs(position - start) if start is not None else 0
        key = (-score, distance, position)
        if best is None or key < best[0]:
            best = (key, position)
    if best is None:
        return None
    return best[1], best[1] + len(exact)


class Unanchorable(Exception):
    """An annotation with no article or place in the library; the message says why."""


class ArticleMatcher:
    """Finds the library article an imported annotation belongs to (see the module docstring)."""

    def __init__(self, store: Store):
        self.store = store
        self._by_hash: dict[str, int | None] = {}
        self._by_key: dict[tuple[Any, ...], tuple[int, str]] = {}

    def match(self, record: ImportRecord) -> tuple[int, str]:
        """(article id, how it was matched: one of MATCH_METHODS); Unanchorable if none."""
        if record.article_hash:
            if record.article_hash not in self._by_hash:
                self._by_hash[record.article_hash] = self.store.find_article(record.article_hash)
            found = self._by_hash[record.article_hash]
            if found is not None:
                return found, "hash"
        key = record.article_key
        if key in self._by_key:
            return self._by_key[key]
        result = self._by_id_and_title(record) or self._by_title(record)
        if result is None:
            return self._by_text(record)  # depends on the record's own text: not kept for the next record
        self._by_key[key] = result
        return result

    def _by_id_and_title(self, record: ImportRecord) -> tuple[int, str] | None:
        if record.article_id is None or not record.article_title:
            return None
        identity = self.store.article_identity(record.article_id)
        if identity is not None and identity["title"] == record.article_title:
            return record.article_id, "id+title"
        return None

    def _by_title(self, record: ImportRecord) -> tuple[int, str] | None:
        if not record.article_title:
            return None
        ids = self.store.articles_titled(record.article_title)
        return (ids[0], "title") if len(ids) == 1 else None

    def _by_text(self, record: ImportRecord) -> tuple[int, str]:
        ids = self.store.articles_containing(record.prefix + record.exact + record.suffix)
        if len(ids) != 1:
            ids = self.store.articles_containing(record.exact)
        if len(ids) == 1:
            return ids[0], "text"
        title = record.article_title or ""
        described = f"its article “{title if len(title) <= 40 else title[:39] + '…'}”" if title else "its article"
        if ids:
            raise Unanchorable(f"is in several articles, and {described} is not in the library")
        raise Unanchorable(f"cannot be placed: {described} is not in the library (add the article first)")


class _Texts:
    """Article texts, the few most recently used kept in memory."""

    def __init__(self, store: Store, size: int = 8):
        self.store = store
        self.size = size
        self._texts: OrderedDict[int, str] = OrderedDict()

    def get(self, article_id: int) -> str:
        if article_id in self._texts:
            self._texts.move_to_end(article_id)
        else:
            self._texts[article_id] = self.store.article_text(article_id)
            if len(self._texts) > self.size:
                self._texts.popitem(last=False)
        return self._texts[article_id]


# ---------------------------------------------------------------- import


def import_annotations(store: Store, path: str | Path, default_author: str = "") -> ImportReport:
    """Import reader's CSV or JSON Lines export into the library; see the module docstring for the rules.

    Annotations without an author get `default_author`.
    """
    path = Path(path).expanduser()
    fmt = detect_format(path)
    report = ImportReport(path=str(path), format=fmt)
    matcher = ArticleMatcher(store)
    texts = _Texts(store)
    added: dict[int, int | None] = {}  # id here -> annotation id in the file, for what this import added
    read = read_csv if fmt == "csv" else read_jsonl
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream, store.transaction():
            for item in read(stream, str(path)):
                if isinstance(item, Problem):
                    report.errors.append(item)
                else:
                    item.author = item.author or default_author
                    _import_record(store, item, matcher, texts, report, added)
    except UnicodeDecodeError as exc:
        raise ImportFormatError(
            f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); nothing was imported"
        ) from None
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot read ({exc.strerror or exc}); nothing was imported") from None
    except ImportFormatError as exc:
        raise ImportFormatError(f"{exc}; nothing was imported") from None
    return report


def _import_record(
    store: Store,
    record: ImportRecord,
    matcher: ArticleMatcher,
    texts: _Texts,
    report: ImportReport,
    added: dict[int, int | None],
) -> None:
    if record.kind != "annotation":
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
        identity = store.article_identity(article_id) or {"title": ""}
        report.unanchored.append(
            Problem(record.line, f"is not in the text of article {article_id} “{identity['title']}”", record.exact)
        )
        return
    report.matched[method] += 1
    start, end = span
    if record.start is not None and (start, end) != (record.start, record.end):
        report.moved += 1
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


def _likeliest(store: Store, present: list[int], record: ImportRecord) -> int:
    """Which of the annotations alike to `record` it is: the one with its id, else one with all its tags, else the first."""
    if record.annotation_id in present:
        return record.annotation_id
    wanted = {name.casefold() for name in record.tags}
    for annotation_id in present:
        annotation = store.annotation(annotation_id)
        if annotation is not None and wanted <= {name.casefold() for name in annotation.tags}:
            return annotation_id
    return present[0]


# ---------------------------------------------------------------- codebook


@dataclass
class CodebookReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"{len(self.added)} tags added, {len(self.updated)} updated, {len(self.unchanged)} unchanged"


def _check_colour(colour: str, line: int) -> str:
    from rich.color import Color, ColorParseError

    try:
        Color.parse(colour)
    except ColorParseError:
        raise RowError(f"line {line}: {colour!r} is not a colour (a name such as 'cyan' or '#00ffff')") from None
    return colour


def read_codebook(path: str | Path) -> list[dict[str, Any]]:
    """The rows of a codebook CSV, checked: each a dict with `tag` and any of description, quick_key, colour."""
    path = Path(path).expanduser()
    if detect_format(path) != "csv":
        raise ImportFormatError(f"{path}: a codebook is a CSV file with a header row: {', '.join(CODEBOOK_COLUMNS)}")
    rows: list[dict[str, Any]] = []
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            reader = csv.reader(stream, strict=True)
            header = [restore(cell).strip().lower() for cell in next(reader, [])]
            header = ["colour" if name == "color" else name for name in header]
            if "text" in header and "start" in header:
                raise ImportFormatError(
                    f"{path}: this is an export of annotations, not a codebook (import it with 'reader import-annotations')"
                )
            if "tag" not in header:
                raise ImportFormatError(f"{path}: not a codebook (the header row needs a 'tag' column)")
            for cells in reader:
                line = reader.line_num
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) != len(header):
                    raise ImportFormatError(f"{path}: line {line}: has {len(cells)} fields where the header has {len(header)}")
                values = {name: restore(value) for name, value in zip(header, cells) if name in CODEBOOK_COLUMNS}
                name = " ".join(values["tag"].split())
                if not name:
                    raise ImportFormatError(f"{path}: line {line}: a tag needs a name")
                row: dict[str, Any] = {"tag": name, "line": line}
                if "description" in values:
                    row["description"] = values["description"]
                if "quick_key" in values:
                    key = values["quick_key"].strip()
                    if key and key not in QUICK_KEYS:
                        raise ImportFormatError(f"{path}: line {line}: quick key {key!r} is not one of 1-9 (or empty)")
                    row["quick_key"] = key or None
                if "colour" in values and values["colour"].strip():
                    row["colour"] = _check_colour(values["colour"].strip(), line)
                rows.append(row)
    except RowError as exc:
        raise ImportFormatError(f"{path}: {exc}") from None
    except csv.Error as exc:
        raise ImportFormatError(f"{path}: malformed CSV ({exc})") from None
    except UnicodeDecodeError:
        raise ImportFormatError(f"{path}: not UTF-8 text") from None
    names: dict[str, int] = {}
    keys: dict[str, str] = {}
    for row in rows:
        folded = row["tag"].casefold()
        if folded in names:
            raise ImportFormatError(f"{path}: line {row['line']}: tag '{row['tag']}' is listed twice (also line {names[folded]})")
        names[folded] = row["line"]
        key = row.get("quick_key")
        if key:
            if key in keys:
                raise ImportFormatError(f"{path}: line {row['line']}: quick key {key!r} is given to '{keys[key]}' too")
            keys[key] = row["tag"]
    return rows


def import_codebook(store: Store, path: str | Path) -> CodebookReport:
    """Add or update tags by name (ignoring case) from a codebook CSV; tags not in the file are left alone.

    Columns present in the file overwrite the tag's values (an empty quick_key
    removes the key; an empty colour keeps the current one). The whole file is
    checked before anything changes.
    """
    rows = read_codebook(path)
    report = CodebookReport()
    with store.transaction():
        for row in rows:
            fields = {k: row[k] for k in ("description", "quick_key", "colour") if k in row}
            tag = store.tag_by_name(row["tag"])
            if tag is None:
                tag = store.ensure_tag(row["tag"])
                report.added.append(tag.name)
            elif all(getattr(tag, k) == v for k, v in fields.items()):
                report.unchanged.append(tag.name)
                continue
            else:
                report.updated.append(tag.name)
            if fields:
                store.update_tag(tag.id, **fields)
    return report
