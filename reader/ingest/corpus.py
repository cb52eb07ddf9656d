"""Tabular corpora: one article per CSV/TSV row, JSON Lines line or JSON array item.

Researchers hold news corpora as tables (Media Cloud, GDELT, LexisNexis exports,
scrapers). `open_corpus` reads one from a binary stream, once and in order, so a
pipe or FIFO works as well as a file: the compression (gzip), the encoding and
the format are told from the name and from the first bytes read, never by
opening the stream again.

    corpus = open_corpus(stream, "corpus.csv.gz", text_column="body")
    for item in corpus:            # CorpusRecord (an article) or CorpusProblem (a row skipped)
        ...

A row becomes a `CorpusRecord`: a `reader.articles.ParsedArticle` (normalised
text, title, ISO date, source URL; its `meta` carries author, outlet, url,
external_id and every other column, ready for `Store.add_article`) plus those
fields on their own. A row that cannot be an article (no text, a field count
that does not fit the header, a line over the size limit) is a `CorpusProblem`
naming the row, and the rest still imports; warnings about a row that does import
(a tiny body, an ambiguous or unreadable date) travel on the record. Only what
stops the whole file (no text column, not a table, undecodable) raises
`CorpusError`, with one line.

Row numbers are the ones a spreadsheet shows (the header is row 1) for CSV and
TSV, line numbers for JSON Lines, item numbers (from 1) for a JSON array.

Pure functions, no Textual, no spaCy, no storage.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import gzip
import io
import json
import re
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO

from reader.errors import ReaderError
from reader.ingest.article import ParsedArticle, derive_title, normalise
from reader.ingest.encodings import by_bom, guesses
from reader.paths import unreadable

FORMATS = ("csv", "tsv", "jsonl", "json")
DEFAULT_MAX_FIELD_CHARS = 5_000_000  # as an article file's limit (articles.DEFAULT_MAX_BYTES)
DEFAULT_MAX_ROW_CHARS = 10_000_000  # one row or line with all its columns
TINY_WORDS = 40  # fewer words than this: a caption or a teaser list, not an article
HEAD_BYTES = 64 * 1024  # read first, to tell compression, encoding and format
CHUNK_CHARS = 1 << 20

# Column roles and the names that fill them, best first, compared ignoring case, spaces, "_" and "-".
ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "article_text", "full_text", "body_text", "maintext", "story"),
    "title": ("title", "headline", "heading"),
    "date": (
        "date", "published", "publish_date", "published_date", "publication_date", "pub_date", "date_published",
        "published_at", "seendate", "datetime",
    ),
    "url": ("url", "link", "uri", "article_url", "permalink"),
    "author": ("author", "authors", "byline", "creator"),
    "id": ("id", "article_id", "doc_id", "document_id", "stories_id", "guid"),
    "outlet": ("source", "outlet", "domain", "media_name", "publisher", "source_name", "sitename", "media"),
}
ROLES = tuple(ROLE_NAMES)


class CorpusError(ReaderError):
    """A corpus that cannot be read at all; the message is one line."""


@dataclass
class CorpusProblem:
    """A row that was not imported, and why."""

    row: int
    message: str
    unit: str = "row"  # "row" (CSV/TSV), "line" (JSON Lines), "item" (JSON array)

    def __str__(self) -> str:
        return f"{self.unit} {self.row}: {self.message}"


@dataclass
class CorpusRecord:
    """One article of a corpus.

    `article` is ready to store: its `meta` holds author, outlet, url and
    external_id (when the row has them) and the row's other columns.
    `metadata` is those other columns alone; `warnings` are one line each and
    name the row.
    """

    row: int
    article: ParsedArticle
    external_id: str | None = None
    url: str | None = None
    author: str | None = None
    outlet: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- dates


class _Ambiguous(ValueError):
    pass


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}(?:$|[T ]\d)")
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})(?![\d./-])")
_DEFAULT_A = dt.datetime(2000, 1, 1)
_DEFAULT_B = dt.datetime(2001, 2, 2)


def parse_date(value: str, dayfirst: bool | None = None) -> str:
    """An ISO date (YYYY-MM-DD) from a written date; ValueError (one line) if there is none.

    Reads ISO 8601, RFC 2822 ("Sat, 13 Jul 2024 09:30:00 GMT"), "July 13th, 2024",
    "Jul. 13, 2024", "13.07.2024" and the like with python-dateutil. A date and
    time keeps the day as written in its own time zone. Numeric day/month forms
    that read two ways ("03/04/2024") are refused unless `dayfirst` says which
    comes first; so are dates without a day ("July 2024").
    """
    from dateutil import parser as dateparser

    text = " ".join(str(value).split())
    if not text:
        raise ValueError("empty date")
    if _ISO_DAY.match(text):  # the common case, without dateutil: the day as written, whatever the time zone
        try:
            return dt.date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            raise ValueError(f"date {_short(text)!r} is no calendar date") from None
    match = _NUMERIC_DATE.match(text)
    if match:
        first, second = int(match.group(1)), int(match.group(2))
        if dayfirst is None and first <= 12 and second <= 12 and first != second:
            raise _Ambiguous(f"date {text!r} reads as day/month or month/day (say which with --dayfirst or --monthfirst)")
        if dayfirst is None:
            dayfirst = first > 12
    try:
        one = dateparser.parse(text, default=_DEFAULT_A, dayfirst=bool(dayfirst))
        two = dateparser.parse(text, default=_DEFAULT_B, dayfirst=bool(dayfirst))
    except (ValueError, OverflowError):
        raise ValueError(f"date {_short(text)!r} not understood") from None
    if one.date() != two.date():
        raise ValueError(f"date {_short(text)!r} has no day")
    return one.date().isoformat()


_FILENAME_DATE = re.compile(r"(?<!\d)((?:18|19|20)\d{2})([-_./]?)(\d{2})\2(\d{2})(?!\d)")


def date_from_filename(name: str | Path) -> str | None:
    """The date in a scraped file's name or a URL's path, as YYYY-MM-DD, or None.

    "outlet_2016-10-27_slug.txt", "20161027-slug.html", ".../2016/10/27/slug".
    The first valid date wins; digits that are no calendar date are passed over.
    """
    for match in _FILENAME_DATE.finditer(str(name)):
        try:
            return dt.date(int(match.group(1)), int(match.group(3)), int(match.group(4))).isoformat()
        except ValueError:
            continue
    return None


# ---------------------------------------------------------------- columns


@functools.lru_cache(maxsize=4096)
def _key(name: str) -> str:
    return re.sub(r"[\s_\-.]+", "", name.strip().lstrip("\ufeff")).casefold()


_ROLE_KEYS = {role: tuple(_key(name) for name in names) for role, names in ROLE_NAMES.items()}


def find_columns(columns: list[str], **overrides: str | None) -> dict[str, str]:
    """Which column plays each role: {role: column}, for the roles found.

    `overrides` (text_column="Body", date_column=...) name a column for a role,
    matched ignoring case; a named column that is not there is a CorpusError.
    """
    by_key: dict[str, str] = {}
    for column in columns:
        by_key.setdefault(_key(column), column)
    found: dict[str, str] = {}
    for role in ROLES:
        wanted = overrides.get(f"{role}_column")
        if wanted:
            column = by_key.get(_key(wanted))
            if column is None:
                raise CorpusError(f"no column {wanted!r} for the {role} (columns: {_list(columns)})")
            found[role] = column
    taken = set(found.values())
    for role in ROLES:
        if role in found:
            continue
        for candidate in _ROLE_KEYS[role]:
            column = by_key.get(candidate)
            if column is not None and column not in taken:
                found[role] = column
                taken.add(column)
                break
    return found


def _list(columns: list[str], most: int = 12) -> str:
    shown = ", ".join(_short(c, 30) for c in columns[:most])
    return shown + (f", … ({len(columns)} in all)" if len(columns) > most else "") if columns else "none"


def _short(text: str, most: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[: most - 1] + "…"


# ---------------------------------------------------------------- the stream


class _Source(io.RawIOBase):
    """A binary stream read once: bytes already read (the head) first, then the rest; counts what it reads."""

    def __init__(self, stream: IO[bytes], head: bytes = b""):
        self._stream = stream
        self._head = head
        self.consumed = len(head)  # bytes taken from the underlying stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._stream.read(len(buffer))
        if not data:
            return 0
        self.consumed += len(data)
        buffer[: len(data)] = data
        return len(data)


def _read_head(stream: IO[bytes], size: int) -> bytes:
    parts = []
    total = 0
    while total < size:
        data = stream.read(size - total)
        if not data:
            break
        parts.append(data)
        total += len(data)
    return b"".join(parts)


def detect_encoding(head: bytes) -> str:
    """The encoding of text starting with `head`: a BOM, UTF-16 by its zero bytes, UTF-8, else charset-normalizer.

    Among the single-byte Windows code pages charset-normalizer finds equally
    likely, Windows-1252 (Western Europe) is preferred, as in reader's file import.
    """
    bom = by_bom(head)
    if bom is not None:
        return bom
    sample = head[:4096]
    if len(sample) >= 4:
        even, odd = sample[0::2], sample[1::2]
        if odd.count(0) > len(odd) * 0.3 and even.count(0) < len(even) * 0.05:
            return "utf-16-le"
        if even.count(0) > len(even) * 0.3 and odd.count(0) < len(odd) * 0.05:
            return "utf-16-be"
    if b"\x00" in sample:
        raise CorpusError("binary file, not a CSV, TSV or JSON corpus")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)  # a cut character at the end is fine
        return "utf-8"
    except UnicodeDecodeError:
        pass
    found = guesses(head)
    if not found:
        raise CorpusError("not text in any encoding reader can tell (give the encoding, or convert it with iconv)")
    return found[0]


def _sniff_format(text_head: str, name: str) -> tuple[str, str]:
    """(format, delimiter) from the name's suffix, else from the first characters."""
    suffixes = [s.lower() for s in Path(name).suffixes if s.lower() not in (".gz", ".gzip")]
    suffix = suffixes[-1] if suffixes else ""
    stripped = text_head.lstrip("\ufeff \t\r\n")
    if suffix in (".jsonl", ".ndjson", ".jsonlines"):
        return "jsonl", ""
    if suffix == ".json":
        return ("json" if stripped.startswith("[") else "jsonl"), ""
    if suffix == ".tsv" or suffix == ".tab":
        return "tsv", "\t"
    if suffix != ".csv" and stripped.startswith("["):
        return "json", ""
    if suffix != ".csv" and stripped.startswith("{"):
        return "jsonl", ""
    first_line = stripped.split("\n", 1)[0]
    declared = _EXCEL_SEPARATOR.match(first_line)
    if declared:  # Excel's "sep=;" line
        return ("tsv" if declared.group(1) == "\t" else "csv"), declared.group(1)
    counts = {d: first_line.count(d) for d in (",", "\t", ";", "|")}
    delimiter = max(counts, key=lambda d: (counts[d], d == ","))
    if counts[delimiter] == 0:
        delimiter = ","
    return ("tsv" if delimiter == "\t" else "csv"), delimiter


_EXCEL_SEPARATOR = re.compile(r"sep=(.)\r?$")


class _TooLong(Exception):
    pass


class _SkippedLine(Exception):
    pass


class _Lines:
    """Lines of a text stream for csv.reader, each bounded, and the characters of the current row counted."""

    def __init__(self, stream: IO[str], max_line: int, max_row: int):
        self.stream = stream
        self.max_line = max_line
        self.max_row = max_row
        self.row_chars = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.stream.readline(self.max_line + 1)
        if not line:
            raise StopIteration
        first = self.row_chars == 0
        self.row_chars += len(line)
        if len(line) > self.max_line and first:
            # A row on one huge line: passed over without keeping it. With its quotes balanced the next
            # line starts a new row and reading goes on; otherwise the row runs on, and reading stops.
            quotes = line.count('"')
            while not line.endswith(("\n", "\r")):
                line = self.stream.readline(CHUNK_CHARS)
                if not line:
                    break
                quotes += line.count('"')
            raise _SkippedLine if quotes % 2 == 0 else _TooLong
        if len(line) > self.max_line or self.row_chars > self.max_row:
            raise _TooLong
        return line


# ---------------------------------------------------------------- the corpus


class Corpus:
    """A corpus being read: what was detected, and its rows as records and problems.

    Made by `open_corpus`, which reads the head (and, for CSV/TSV, the header) at
    once, so that a file that cannot be read fails before anything is imported.
    Iterate it once. `bytes_read` (bytes taken from the stream, compressed if it
    is) is for a progress bar.
    """

    def __init__(
        self,
        stream: IO[bytes],
        name: str,
        *,
        format: str | None = None,
        encoding: str | None = None,
        delimiter: str | None = None,
        dayfirst: bool | None = None,
        max_field_chars: int = DEFAULT_MAX_FIELD_CHARS,
        max_row_chars: int = DEFAULT_MAX_ROW_CHARS,
        tiny_words: int = TINY_WORDS,
        **columns: str | None,
    ):
        unknown = [k for k in columns if k.removesuffix("_column") not in ROLES or not k.endswith("_column")]
        if unknown:
            raise TypeError(f"unknown options: {', '.join(unknown)}")
        if format is not None and format not in FORMATS:
            raise CorpusError(f"unknown corpus format {format!r} (one of {', '.join(FORMATS)})")
        self.name = name
        self.dayfirst = dayfirst
        self.max_field_chars = max_field_chars
        self.max_row_chars = max(max_row_chars, max_field_chars)
        self.tiny_words = tiny_words
        self._overrides = columns
        head = _read_head(stream, HEAD_BYTES)
        self._raw = _Source(stream, head)
        self.compressed = head.startswith(b"\x1f\x8b")
        if not self.compressed and name.lower().endswith((".gz", ".gzip")):
            raise CorpusError(f"{name}: named .gz but not gzip-compressed")
        binary: IO[bytes] = io.BufferedReader(self._raw)
        if self.compressed:
            binary = gzip.GzipFile(fileobj=binary, mode="rb")  # type: ignore[assignment]
            try:
                head = _read_head(binary, HEAD_BYTES)
            except (OSError, EOFError, zlib.error) as exc:
                raise CorpusError(f"{name}: damaged gzip data ({exc})") from None
            binary = io.BufferedReader(_Source(binary, head))
        if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
            raise CorpusError(f"{name}: file is empty")
        if head.startswith(b"PK\x03\x04"):
            raise CorpusError(f"{name}: a zip file (an Excel workbook?), not a table of text; save it as CSV first")
        try:
            self.encoding = encoding or detect_encoding(head)
        except CorpusError as exc:
            raise CorpusError(f"{name}: {exc}") from None
        try:
            codecs.lookup(self.encoding)
        except LookupError:
            raise CorpusError(f"{name}: unknown encoding {self.encoding!r}") from None
        self._text = io.TextIOWrapper(binary, encoding=self.encoding, errors="strict", newline="")
        try:
            text_head = codecs.getincrementaldecoder(self.encoding)(errors="ignore").decode(head[:8192])
        except UnicodeDecodeError:
            text_head = ""
        sniffed, sniffed_delimiter = _sniff_format(text_head, name)
        self.format = format or sniffed
        self.delimiter = delimiter or (sniffed_delimiter if self.format == sniffed else "") or (
            "\t" if self.format == "tsv" else ","
        )
        self.columns: list[str] = []
        self.mapping: dict[str, str] = {}
        self._first: tuple[int, Any] | None = None  # JSON: the first object, read to learn the keys
        self._started = False
        self._prepare()

    # -------------------------------------------------------- what was detected

    @property
    def bytes_read(self) -> int:
        return self._raw.consumed

    def describe(self) -> str:
        """One line on what was detected: format, encoding, compression and the columns used."""
        kind = {"csv": "CSV", "tsv": "TSV", "jsonl": "JSON Lines", "json": "JSON array"}[self.format]
        if self.format == "csv" and self.delimiter != ",":
            kind += f" separated by {self.delimiter!r}"
        encoding = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16", "utf-32": "UTF-32"}.get(
            self.encoding, self.encoding.upper().replace("_", "-")
        )
        used = ", ".join(f"{role} from {column!r}" for role, column in self.mapping.items())
        return f"{self.name}: {kind}, {encoding}{', gzip' if self.compressed else ''}; {used}"

    # -------------------------------------------------------- reading

    def _prepare(self) -> None:
        try:
            if self.format in ("csv", "tsv"):
                csv.field_size_limit(max(csv.field_size_limit(), self.max_field_chars))
                self._lines = _Lines(self._text, self.max_row_chars, self.max_row_chars)
                self._csv = csv.reader(self._lines, delimiter=self.delimiter, strict=False)
                try:
                    header = next(self._csv)
                    if len(header) <= 2 and header[0].lstrip("\ufeff").startswith("sep=") and not any(header[1:]):
                        header = next(self._csv)  # Excel's separator line: the header follows
                except StopIteration:
                    raise CorpusError(f"{self.name}: file is empty") from None
                except (_TooLong, _SkippedLine):
                    raise CorpusError(f"{self.name}: the header row is longer than {self.max_row_chars:,} characters") from None
                except csv.Error as exc:
                    raise CorpusError(f"{self.name}: malformed CSV header ({exc})") from None
                header = [cell.strip().lstrip("\ufeff") for cell in header]
                self.columns = _unique(header)
            elif self.format == "jsonl":
                self._json_lines = self._jsonl_objects()
                self._first = next(self._json_lines, None)
                if self._first is None:
                    raise CorpusError(f"{self.name}: no JSON objects in this file")
                self.columns = list(self._first[1].keys()) if isinstance(self._first[1], dict) else []
            else:
                self._json_lines = self._json_array_items()
                self._first = next(self._json_lines, None)
                if self._first is None:
                    raise CorpusError(f"{self.name}: an empty JSON array")
                self.columns = list(self._first[1].keys()) if isinstance(self._first[1], dict) else []
        except UnicodeDecodeError as exc:
            raise CorpusError(f"{self.name}: not valid {self.encoding} text ({exc.reason})") from None
        self.mapping = find_columns(self.columns, **self._overrides)
        if "text" not in self.mapping:
            looked = ", ".join(ROLE_NAMES["text"][:3])
            raise CorpusError(
                f"{self.name}: no text column (looked for {looked}…); its columns are: {_list(self.columns)} "
                "(name one with --text-column)"
            )

    def __iter__(self) -> Iterator[CorpusRecord | CorpusProblem]:
        if self._started:
            raise CorpusError(f"{self.name}: a corpus can be read only once")
        self._started = True
        try:
            if self.format in ("csv", "tsv"):
                yield from self._csv_items()
            else:
                yield from self._json_items()
        except UnicodeDecodeError as exc:
            raise CorpusError(
                f"{self.name}: not valid {self.encoding} text after the rows already read ({exc.reason}); "
                "give the file's encoding, or convert it with iconv"
            ) from None
        except (OSError, EOFError, zlib.error) as exc:
            raise CorpusError(f"{self.name}: cannot read further ({exc})") from None

    def _csv_items(self) -> Iterator[CorpusRecord | CorpusProblem]:
        row = 1
        width = len(self.columns)
        while True:
            row += 1
            self._lines.row_chars = 0
            try:
                cells = next(self._csv)
            except StopIteration:
                return
            except _SkippedLine:
                yield CorpusProblem(row, f"longer than {self.max_row_chars:,} characters; skipped")
                continue
            except _TooLong:
                yield CorpusProblem(
                    row, f"longer than {self.max_row_chars:,} characters (an unclosed quote?); "
                    "the rows after it cannot be read reliably, so reading stopped here"
                )
                return
            except csv.Error as exc:
                yield CorpusProblem(row, f"malformed CSV ({exc}); reading stopped here")
                return
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != width:
                yield CorpusProblem(row, f"has {len(cells)} fields where the header has {width}")
                continue
            yield self._record(row, dict(zip(self.columns, cells)), "row")

    def _json_items(self) -> Iterator[CorpusRecord | CorpusProblem]:
        unit = "line" if self.format == "jsonl" else "item"
        items = self._json_lines
        if self._first is not None:
            first, self._first = self._first, None
            items = _chain(first, items)
        for number, obj in items:
            if isinstance(obj, CorpusProblem):
                yield obj
            elif not isinstance(obj, dict):
                yield CorpusProblem(number, f"not a JSON object ({type(obj).__name__})", unit)
            else:
                yield self._record(number, obj, unit)

    def _jsonl_objects(self) -> Iterator[tuple[int, Any]]:
        number = 0
        limit = self.max_row_chars
        seen_object = False
        while True:
            line = self._text.readline(limit + 1)
            if not line:
                return
            number += 1
            if len(line) > limit and not line.endswith("\n"):
                while True:  # skip the rest of the line without keeping it
                    more = self._text.readline(CHUNK_CHARS)
                    if not more or more.endswith("\n"):
                        break
                yield number, CorpusProblem(number, f"longer than {limit:,} characters; skipped", "line")
                continue
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except RecursionError:  # nested deeper than Python's stack: no article is
                yield number, CorpusProblem(number, "JSON nested too deep to be an article; skipped", "line")
                continue
            except json.JSONDecodeError as exc:
                if not seen_object:  # a broken first line: not JSON Lines at all (a pretty-printed document?)
                    raise CorpusError(
                        f"{self.name}: not JSON Lines (line {number}: {exc.msg}); reader reads one JSON object "
                        "per line, or a JSON array of objects"
                    ) from None
                yield number, CorpusProblem(number, f"not JSON ({exc.msg} at column {exc.colno})", "line")
                continue
            except ValueError:  # an integer of thousands of digits (Python's int limit)
                yield number, CorpusProblem(number, "not JSON reader can read (a number too long); skipped", "line")
                continue
            seen_object = True
            yield number, obj

    def _json_array_items(self) -> Iterator[tuple[int, Any]]:
        """The items of a top-level JSON array, decoded one at a time (the whole array is never held)."""
        decoder = json.JSONDecoder()
        buffer = ""
        position = 0
        ended = False
        number = 0

        def fill() -> bool:
            nonlocal buffer, position, ended
            if ended:
                return False
            data = self._text.read(CHUNK_CHARS)
            if not data:
                ended = True
                return False
            buffer = buffer[position:] + data
            position = 0
            return True

        def skip_space() -> str:
            nonlocal position
            while True:
                while position < len(buffer) and buffer[position] in " \t\r\n\ufeff":
                    position += 1
                if position < len(buffer):
                    return buffer[position]
                if not fill():
                    return ""

        if skip_space() != "[":
            raise CorpusError(f"{self.name}: not a JSON array of objects (it does not start with '[')")
        position += 1
        expect_item = True
        while True:
            char = skip_space()
            if char == "]":
                return
            if char == "":
                raise CorpusError(f"{self.name}: the JSON array ends unfinished after item {number}")
            if char == "," and not expect_item:
                position += 1
                expect_item = True
                continue
            if not expect_item:
                raise CorpusError(f"{self.name}: malformed JSON after item {number} (a ',' or ']' expected)")
            number += 1
            while True:
                try:
                    obj, end = decoder.raw_decode(buffer, position)
                    break
                except RecursionError:
                    raise CorpusError(f"{self.name}: item {number} is JSON nested too deep to be an article") from None
                except json.JSONDecodeError as exc:
                    if len(buffer) - position > self.max_row_chars:
                        raise CorpusError(
                            f"{self.name}: item {number} is longer than {self.max_row_chars:,} characters"
                        ) from None
                    if not fill():
                        raise CorpusError(f"{self.name}: item {number}: malformed JSON ({exc.msg})") from None
            if end - position > self.max_row_chars:
                yield number, CorpusProblem(number, f"longer than {self.max_row_chars:,} characters; skipped", "item")
            else:
                yield number, obj
            position = end
            expect_item = False

    # -------------------------------------------------------- one row

    def _object_mapping(self, cells: dict[str, str]) -> dict[str, str]:
        """The columns of one JSON object: the first object's where this one has them, else its own common names.

        JSON writers often leave out empty fields, so the first object need not show every key.
        """
        mapping = {role: column for role, column in self.mapping.items() if column in cells}
        missing = [role for role in ROLES if role not in mapping and not self._overrides.get(f"{role}_column")]
        if missing:
            own = find_columns(list(cells))
            taken = set(mapping.values())
            for role in missing:
                if role in own and own[role] not in taken:
                    mapping[role] = own[role]
                    taken.add(own[role])
        return mapping

    def _record(self, row: int, values: dict[str, Any], unit: str) -> CorpusRecord | CorpusProblem:
        where = f"{unit} {row}"
        cells: dict[str, str] = {}
        for column, value in values.items():
            cell = _cell(value)
            if len(cell) > self.max_field_chars:
                return CorpusProblem(row, f"column {_short(str(column), 30)!r} has more than {self.max_field_chars:,} characters", unit)
            cells[str(column)] = cell
        mapping = self.mapping if unit == "row" else self._object_mapping(cells)
        role = {r: cells.get(column, "") for r, column in mapping.items()}
        if "text" not in mapping:
            return CorpusProblem(row, f"no {self.mapping['text']!r} field", unit)
        text = normalise(role.get("text", ""))
        if not text:
            return CorpusProblem(row, "no text", unit)
        warnings: list[str] = []
        date: str | None = None
        meta: dict[str, str] = {}
        raw_date = role.get("date", "").strip()
        if raw_date:
            try:
                date = parse_date(raw_date, self.dayfirst)
            except ValueError as exc:
                warnings.append(f"{where}: {exc}; imported without a date")
                meta["date_text"] = raw_date
        words = len(text.split())
        if words < self.tiny_words:
            warnings.append(
                f"{where}: the body is only {words} word{'s' if words != 1 else ''} (a caption or a teaser?); imported anyway"
            )
        title = " ".join(role.get("title", "").split()) or derive_title(text)
        url = role.get("url", "").strip() or None
        author = " ".join(role.get("author", "").split()) or None
        outlet = " ".join(role.get("outlet", "").split()) or None
        external_id = role.get("id", "").strip() or None
        used = set(mapping.values())
        metadata = {column: cell for column, cell in cells.items() if column not in used and cell.strip()}
        for key, value in (("author", author), ("outlet", outlet), ("url", url), ("external_id", external_id)):
            if value:
                meta[key] = value
        for column, cell in metadata.items():
            meta[column if column not in meta and column not in _RESERVED_META else f"{column} (column)"] = cell
        if self.encoding not in ("utf-8", "utf-8-sig"):
            meta["encoding"] = self.encoding
        article = ParsedArticle(text=text, title=title, date=date, source=url, format="text", meta=meta)
        return CorpusRecord(
            row=row, article=article, external_id=external_id, url=url, author=author, outlet=outlet,
            metadata=metadata, warnings=warnings,
        )


_RESERVED_META = {"author", "outlet", "url", "external_id", "encoding", "date_text"}


_SURROGATE = re.compile("[\ud800-\udfff]")


def _cell(value: Any) -> str:
    """A field as text: JSON strings as they are, lists of strings joined by "; ", anything else as JSON.

    Lone surrogates (JSON's "\\ud800", which no UTF-8 file or SQLite text can hold) become U+FFFD.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        text = value
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        text = "; ".join(v.strip() for v in value if v.strip())
    else:
        text = json.dumps(value, ensure_ascii=False)
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def _unique(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    columns = []
    for index, name in enumerate(header):
        name = name or f"column {index + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        columns.append(name)
    return columns


def _chain(first: tuple[int, Any], rest: Iterator[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
    yield first
    yield from rest


# ---------------------------------------------------------------- entry points


def open_corpus(stream: BinaryIO | IO[bytes], name: str = "-", **options: Any) -> Corpus:
    """A `Corpus` read from a binary stream (a file, a pipe, standard input's buffer).

    `name` (a file name, or "-") picks the format by its suffix (.csv, .tsv,
    .jsonl/.ndjson, .json, each optionally .gz) and appears in messages; gzip is
    also recognised by its first bytes. Options: format, encoding, delimiter,
    dayfirst (True, False, or None to refuse ambiguous numeric dates),
    max_field_chars, max_row_chars, tiny_words, and text_column, title_column,
    date_column, url_column, author_column, id_column, outlet_column.
    Raises CorpusError when the file cannot be read as a corpus at all.
    """
    return Corpus(stream, name, **options)


def read_corpus(path: str | Path, **options: Any) -> Iterator[CorpusRecord | CorpusProblem]:
    """Records and problems of the corpus at `path` ("-" for standard input), the file opened once and closed after."""
    if str(path) == "-":
        yield from open_corpus(sys.stdin.buffer, "-", **options)
        return
    path = Path(path).expanduser()
    with _open(path) as handle:
        yield from open_corpus(handle, str(path), **options)


def _open(path: Path) -> IO[bytes]:
    try:
        return open(path, "rb")  # the caller's with-block closes it
    except OSError as exc:
        raise unreadable(path, exc, CorpusError) from None


CORPUS_SUFFIXES = (".csv", ".tsv", ".tab", ".jsonl", ".ndjson", ".jsonlines", ".json")


def is_corpus_name(name: str | Path) -> bool:
    """True for a file name `reader add` should read as a corpus (table) rather than as one article."""
    lowered = str(name).lower()
    for compressed in (".gz", ".gzip"):
        lowered = lowered.removesuffix(compressed)
    return lowered.endswith(CORPUS_SUFFIXES)


def item_lines(record_or_problem: CorpusRecord | CorpusProblem, name: str) -> list[str]:
    """The lines to print for an item: a problem's one line, or a record's warnings, each prefixed with `name`."""
    if isinstance(record_or_problem, CorpusProblem):
        return [f"{name}: {record_or_problem}"]
    return [f"{name}: {line}" for line in record_or_problem.warnings]


__all__ = [
    "ROLE_NAMES",
    "Corpus",
    "CorpusError",
    "CorpusProblem",
    "CorpusRecord",
    "date_from_filename",
    "detect_encoding",
    "find_columns",
    "is_corpus_name",
    "item_lines",
    "open_corpus",
    "parse_date",
    "read_corpus",
]
