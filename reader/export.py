"""Annotations out of reader: CSV, JSON Lines (W3C Web Annotation) and the codebook as CSV.

Pure functions over a `Store`; no Textual, no spaCy. Rows stream from SQLite
straight to the output, so memory stays flat however many annotations there
are. The formats are described for users in docs/export.md; keep the two in step.

CSV cells are neutralised against formula injection (OWASP): a cell that starts
with = + - @ TAB or CR gets a leading apostrophe, and so does a cell that already
starts with an apostrophe, which makes the rule exactly reversible (`restore`).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TextIO

from reader.errors import ReaderError
from reader.text.inert import json_line
from reader.store import EXPORT_FIELDS, Store

# One row per annotation, in this order (a stable interface: add columns at the end only).
CSV_COLUMNS: tuple[str, ...] = (
    "annotation_id",
    "article_id",
    "article_title",
    "article_date",
    "source",
    "start",
    "end",
    "text",
    "prefix",
    "suffix",
    "tags",
    "note",
    "author",
    "created_at",
    "updated_at",
    "entity_label",
    "quote_speaker",
    "article_hash",
)
assert EXPORT_FIELDS[EXPORT_FIELDS.index("annotation_id") :] == tuple(
    "tag_ids" if name == "tags" else name for name in CSV_COLUMNS
), "Store.export_rows must end with the CSV columns"
# With --per-tag the `tags` column is called `tag` and holds one tag name.
PER_TAG_COLUMN = "tag"
# With --include-highlights a last column says what the row is: annotation, entity or quote.
KIND_COLUMN = "kind"
KINDS = ("annotation", "entity", "quote")

CODEBOOK_COLUMNS: tuple[str, ...] = ("tag", "description", "quick_key", "colour")

# Tags in one cell: "claim; evidence". A ";" inside a tag name is written ";;".
TAG_SEPARATOR = "; "

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
_NEEDS_ESCAPE = frozenset(FORMULA_TRIGGERS + (ESCAPE,))

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
ID_PREFIX = "urn:x-reader:"


class ExportError(ReaderError):
    """An export that cannot be done as asked; the message is one line."""


# ---------------------------------------------------------------- cells


def neutralise(cell: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP), reversibly.

    Cells starting with = + - @ TAB CR, or with the escape apostrophe itself,
    get one leading apostrophe.
    """
    return ESCAPE + cell if cell and cell[0] in _NEEDS_ESCAPE else cell


def restore(cell: str) -> str:
    """Undo `neutralise`: drop one leading apostrophe."""
    return cell[1:] if cell.startswith(ESCAPE) else cell


def sort_tags(names: Iterable[str]) -> list[str]:
    """Tag names in export order: alphabetical, ignoring case (independent of the codebook's order)."""
    return sorted(names, key=lambda name: (name.casefold(), name))


def join_tags(names: Iterable[str]) -> str:
    """Tag names as one cell: sorted, joined by "; ", with any ";" inside a name doubled."""
    return TAG_SEPARATOR.join(name.replace(";", ";;") for name in sort_tags(names))


def split_tags(cell: str) -> list[str]:
    """The tag names in a cell written by `join_tags` (";;" is a literal ";", "; " separates)."""
    names: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(cell):
        char = cell[i]
        if char == ";" and cell[i + 1 : i + 2] == ";":
            current.append(";")
            i += 2
        elif char == ";" and cell[i + 1 : i + 2] in (" ", ""):
            names.append("".join(current))
            current = []
            i += 2
        else:
            current.append(char)
            i += 1
    names.append("".join(current))
    return [name.strip() for name in names if name.strip()]


# ---------------------------------------------------------------- selection


@dataclass(frozen=True)
class ExportFilter:
    """Which annotations to export. Empty means everything.

    `article_ids`, `tags` and `authors` each keep rows matching any of their values
    (tags ignore case); `since` and `until` (YYYY-MM-DD, inclusive) are on the
    article's date, and articles without a date are left out when either is set.
    """

    article_ids: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None


def parse_day(value: str, option: str = "date") -> str:
    """A YYYY-MM-DD date, checked; ExportError otherwise."""
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise ExportError(f"{option} must be a date as YYYY-MM-DD, not {value!r}") from None


def check_filter(store: Store, filters: ExportFilter) -> ExportFilter:
    """The filter with dates checked, or ExportError naming an unknown article or tag."""
    missing = store.missing_article_ids(filters.article_ids)
    if missing:
        listed = ", ".join(str(i) for i in missing)
        raise ExportError(f"no article with id {listed} (see 'reader list')")
    for name in filters.tags:
        if store.tag_by_name(name) is None:
            raise ExportError(f"no tag called '{name}' in the codebook (see 'reader codebook export')")
    since = parse_day(filters.since, "--since") if filters.since else None
    until = parse_day(filters.until, "--until") if filters.until else None
    if since and until and since > until:
        raise ExportError(f"--since {since} is after --until {until}")
    return ExportFilter(tuple(filters.article_ids), tuple(filters.tags), tuple(filters.authors), since, until)


def records(
    store: Store, filters: ExportFilter | None = None, include_highlights: bool = False
) -> Iterator[dict[str, Any]]:
    """Annotations (and, optionally, machine highlights) as plain dicts, streamed in article and text order.

    Keys: kind, row_id and the CSV columns, with `tags` a sorted list. The filter is
    checked at once (ExportError), before anything is streamed.
    """
    rows, tag_names = _rows(store, filters, include_highlights)
    fields = EXPORT_FIELDS
    tags = fields.index("tag_ids")

    def record(row: tuple[Any, ...]) -> dict[str, Any]:
        values = dict(zip(fields, row))
        del values["kind_order"], values["tag_ids"]
        values["tags"] = tag_names(row[tags])
        return values

    return (record(row) for row in rows)


def _rows(
    store: Store, filters: ExportFilter | None, include_highlights: bool
) -> tuple[Iterator[tuple[Any, ...]], Callable[[str | None], list[str]]]:
    """The checked filter's rows (Store.export_rows) and a function from a row's tag_ids to its sorted tag names."""
    filters = check_filter(store, filters or ExportFilter())
    rows = store.export_rows(
        article_ids=filters.article_ids,
        tags=filters.tags,
        authors=filters.authors,
        since=filters.since,
        until=filters.until,
        include_highlights=include_highlights,
    )
    names = {str(tag.id): tag.name for tag in store.tags()}

    @functools.lru_cache(maxsize=4096)  # annotations share a few combinations of tags
    def tag_names(tag_ids: str | None) -> list[str]:
        if not tag_ids:
            return []
        ids = tag_ids.split(",")
        if not names.keys() >= set(ids):  # a tag another session made during the export
            names.update((str(tag.id), tag.name) for tag in store.tags())
        return sort_tags(names[i] for i in ids if i in names)

    return rows, tag_names


# ---------------------------------------------------------------- CSV


def csv_header(per_tag: bool = False, include_highlights: bool = False) -> list[str]:
    """The header row for these options."""
    header = [PER_TAG_COLUMN if (per_tag and name == "tags") else name for name in CSV_COLUMNS]
    if include_highlights:
        header.append(KIND_COLUMN)
    return header


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return neutralise(str(value))


_TAGS = CSV_COLUMNS.index("tags")


def _csv_cells(values: tuple[Any, ...], tag_cells: list[str]) -> list[list[Any]]:
    """`values` (CSV_COLUMNS, maybe kind) as neutralised cells, one row per cell of `tag_cells` in the tags column."""
    # neutralise() inlined for strings, as this runs for every cell of a large export; None (written
    # as an empty cell) and ids and offsets (never negative) go to the csv module as they are.
    row = [
        (ESCAPE + value if value and value[0] in _NEEDS_ESCAPE else value) if type(value) is str
        else value if value is None or (type(value) is int and value >= 0) else _cell(value)
        for value in values
    ]
    rows = []
    for cell in tag_cells:
        row[_TAGS] = cell
        rows.append(list(row) if len(tag_cells) > 1 else row)
    return rows


def _tag_cells(names: list[str], per_tag: bool) -> list[str]:
    """The tags column's cell (or, `per_tag`, one cell per tag; one empty cell for none)."""
    if per_tag:
        return [neutralise(name) for name in names] or [""]
    return [neutralise(join_tags(names))]


def write_csv(
    store: Store,
    out: TextIO,
    filters: ExportFilter | None = None,
    *,
    per_tag: bool = False,
    include_highlights: bool = False,
    bom: bool = False,
) -> int:
    """Write annotations as CSV to `out` (a text stream opened with newline=""); returns how many records.

    RFC 4180: comma-separated, fields quoted when needed, CRLF line ends, header row.
    """
    rows, tag_names = _rows(store, filters, include_highlights)
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(csv_header(per_tag, include_highlights))
    first = EXPORT_FIELDS.index("annotation_id")  # EXPORT_FIELDS from here on are CSV_COLUMNS
    tags = EXPORT_FIELDS.index("tag_ids")
    cells_of: dict[str | None, list[str]] = {}
    count = 0

    def csv_rows() -> Iterator[list[str]]:
        nonlocal count
        for row in rows:
            values = row[first:] + (row[0],) if include_highlights else row[first:]
            tag_ids = row[tags]
            tag_cells = cells_of.get(tag_ids)
            if tag_cells is None:
                if len(cells_of) >= 4096:  # annotations share a few combinations of tags; keep memory flat if not
                    cells_of.clear()
                tag_cells = cells_of[tag_ids] = _tag_cells(tag_names(tag_ids), per_tag)
            yield from _csv_cells(values, tag_cells)
            count += 1

    writer.writerows(csv_rows())  # one call: the csv module pulls every row
    return count


# ---------------------------------------------------------------- JSON Lines (W3C Web Annotation)


def _source_iri(source: str | None, article_hash: str) -> str:
    """The target's source: the article's URL, its file as a file: URI, or else its content hash as a URN."""
    if source and "://" in source:
        return source
    if source and os.path.isabs(source):
        return Path(source).as_uri()
    return f"urn:sha256:{article_hash}"


def web_annotation(record: dict[str, Any]) -> dict[str, Any]:
    """One record as a W3C Web Annotation, with reader's own identification under "reader"."""
    kind = record["kind"]
    anno: dict[str, Any] = {
        "@context": ANNO_CONTEXT,
        "id": f"{ID_PREFIX}{kind}:{record['row_id']}",
        "type": "Annotation",
    }
    if kind != "annotation":
        anno["motivation"] = "highlighting"
    if record["created_at"]:
        anno["created"] = record["created_at"]
    if record["updated_at"]:
        anno["modified"] = record["updated_at"]
    if kind == "annotation":
        if record["author"]:
            anno["creator"] = {"type": "Person", "name": record["author"]}
        body = [{"type": "TextualBody", "purpose": "tagging", "value": name} for name in record["tags"]]
        if record["note"]:
            body.append({"type": "TextualBody", "purpose": "commenting", "format": "text/plain", "value": record["note"]})
    else:
        if record["author"]:
            anno["generator"] = {"type": "Software", "name": record["author"]}
        body = []
        if kind == "entity" and record["entity_label"]:
            body.append({"type": "TextualBody", "purpose": "classifying", "value": record["entity_label"]})
        if kind == "quote" and record["quote_speaker"]:
            body.append({"type": "TextualBody", "purpose": "identifying", "value": record["quote_speaker"]})
    if body:
        anno["body"] = body
    anno["target"] = {
        "source": _source_iri(record["source"], record["article_hash"]),
        "selector": [
            {"type": "TextQuoteSelector", "exact": record["text"], "prefix": record["prefix"], "suffix": record["suffix"]},
            {"type": "TextPositionSelector", "start": record["start"], "end": record["end"]},
        ],
    }
    anno["reader"] = {
        "kind": kind,
        "annotation_id": record["annotation_id"],
        "article_id": record["article_id"],
        "article_title": record["article_title"],
        "article_date": record["article_date"],
        "article_source": record["source"],
        "content_hash": record["article_hash"],
        "entity_label": record["entity_label"],
        "quote_speaker": record["quote_speaker"],
    }
    return anno


def write_jsonl(
    store: Store, out: TextIO, filters: ExportFilter | None = None, *, include_highlights: bool = False
) -> int:
    """Write one W3C Web Annotation per line (UTF-8, LF) to `out`; returns how many."""
    count = 0
    for record in records(store, filters, include_highlights):  # checked before the first line
        out.write(json_line(web_annotation(record)))
        out.write("\n")
        count += 1
    return count


# ---------------------------------------------------------------- codebook


def write_codebook(store: Store, out: TextIO, *, bom: bool = False) -> int:
    """The codebook as CSV (tag, description, quick_key, colour) in codebook order; returns how many tags."""
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CODEBOOK_COLUMNS)
    tags = store.tags()
    for tag in tags:
        writer.writerow([_cell(tag.name), _cell(tag.description), _cell(tag.quick_key), _cell(tag.colour)])
    return len(tags)


# ---------------------------------------------------------------- files


def export(
    store: Store,
    out: TextIO,
    format: str = "csv",
    filters: ExportFilter | None = None,
    *,
    per_tag: bool = False,
    include_highlights: bool = False,
    bom: bool = False,
) -> int:
    """Export in `format` ("csv" or "jsonl"); returns how many records were written."""
    if format == "csv":
        return write_csv(store, out, filters, per_tag=per_tag, include_highlights=include_highlights, bom=bom)
    if format == "jsonl":
        if bom:
            raise ExportError("--bom is for CSV only (JSON Lines is always UTF-8 without a BOM)")
        if per_tag:
            raise ExportError("--per-tag is for CSV only (JSON Lines keeps all tags of an annotation together)")
        return write_jsonl(store, out, filters, include_highlights=include_highlights)
    raise ExportError(f"unknown export format {format!r} (use csv or jsonl)")


@contextlib.contextmanager
def output_file(path: str | Path, private: bool = False) -> Iterator[TextIO]:
    """A UTF-8 text file (newline="") for export, written beside `path` and moved into place only when complete.

    The umask applies, as to a shell's redirection; `private` makes it readable by its owner only.
    """
    path = Path(path).expanduser()
    if path.is_dir():
        raise ExportError(f"{path}: is a directory")
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o666)
    except OSError as exc:
        raise ExportError(f"{path}: cannot write there ({exc.strerror or exc})") from None
    try:
        with open(fd, "w", encoding="utf-8", newline="") as out:
            yield out
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
