"""reader's CSV, both directions: one row per annotation out (RFC 4180, formula-safe), and back in.

The format is described for users in docs/export.md; keep the two in step.
"""

from __future__ import annotations

import csv
import operator
from typing import Any, Callable, Iterator, TextIO

from reader.interchange.cells import (
    _NEEDS_ESCAPE,
    ESCAPE,
    _cell,
    join_tags,
    neutralise,
    restore,
    split_tags,
)
from reader.interchange.records import (
    CSV_COLUMNS,
    CSV_FIELDS,
    KIND_COLUMN,
    PER_TAG_COLUMN,
    ExportFilter,
    ImportFormatError,
    ImportRecord,
    Problem,
    RowError,
    _check,
    _int,
    _rows,
    _time,
)
from reader.interchange.source import MAX_LINE_CHARS
from reader.store import Store

CSV_FIELD_LIMIT = MAX_LINE_CHARS  # an annotation may span a whole (large) article, but memory stays bounded


FIRST_CSV_COLUMNS = CSV_COLUMNS.index("article_hash") + 1  # the columns of the first versions' exports


def _with_kind(names: tuple[str, ...] | list[str], include_highlights: bool) -> list[str]:
    """With highlights, `kind` where the first versions had it (after article_hash), so it never moves."""
    names = list(names)
    return names[:FIRST_CSV_COLUMNS] + [KIND_COLUMN] + names[FIRST_CSV_COLUMNS:] if include_highlights else names


def csv_header(per_tag: bool = False, include_highlights: bool = False) -> list[str]:
    """The header row for these options."""
    return _with_kind([PER_TAG_COLUMN if (per_tag and name == "tags") else name for name in CSV_COLUMNS], include_highlights)


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
    columns = operator.attrgetter(*_with_kind(CSV_FIELDS, include_highlights))
    cells_of: dict[str | None, list[str]] = {}
    count = 0

    def csv_rows() -> Iterator[list[str]]:
        nonlocal count
        for row in rows:
            values = columns(row)
            tag_ids = row.tag_ids
            tag_cells = cells_of.get(tag_ids)
            if tag_cells is None:
                if len(cells_of) >= 4096:  # annotations share a few combinations of tags; keep memory flat if not
                    cells_of.clear()
                tag_cells = cells_of[tag_ids] = _tag_cells(tag_names(tag_ids), per_tag)
            yield from _csv_cells(values, tag_cells)
            count += 1

    writer.writerows(csv_rows())  # one call: the csv module pulls every row
    return count


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
        except (ValueError, TypeError, OverflowError) as exc:  # a value no check foresaw
            yield Problem(line, f"cannot be imported ({type(exc).__name__})")
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
    """True for the header row of `reader export` (any of its shapes, this version's or an earlier one's
    with fewer columns at the end), as written or with columns after it."""
    first = FIRST_CSV_COLUMNS
    return any(header[:first] == csv_header(per_tag)[:first] for per_tag in (False, True))


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
