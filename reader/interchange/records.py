"""What goes out and comes back in: the export's columns and filter, the rows streamed from the store,
and the records read back from a file. Shared by every format (csv.py, jsonl.py); no Textual, no spaCy.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from reader.errors import ReaderError
from reader.interchange.cells import sort_tags
from reader.model import ExportRow
from reader.store import Store

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
    "target",
    "status",
    "quote_source",
    "quote_cue",
    "article_external_id",  # the article's id in the researcher's corpus (a corpus row's id column)
)


# The ExportRow fields behind the CSV columns, in the columns' order.
CSV_FIELDS: tuple[str, ...] = tuple("tag_ids" if name == "tags" else name for name in CSV_COLUMNS)
assert set(CSV_FIELDS) <= set(ExportRow._fields), "every CSV column comes from an ExportRow field"


# With --per-tag the `tags` column is called `tag` and holds one tag name.
PER_TAG_COLUMN = "tag"


# With --include-highlights a column says what the row is: annotation, entity or quote (after article_hash,
# where the first versions had it; see csv._with_kind).
KIND_COLUMN = "kind"


# The last column in every shape: the article's own id in the researcher's corpus (a corpus row's id
# column), so results join back to their tables.
EXTERNAL_ID_COLUMN = "article_external_id"


KINDS = ("annotation", "entity", "quote")


ID_PREFIX = "urn:x-reader:"


SQLITE_MAX_INT = 2**63 - 1


class ExportError(ReaderError):
    """An export that cannot be done as asked; the message is one line."""


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
        if store.find_tag(name) is None:
            raise ExportError(f"no tag called '{name}' in the codebook (see 'reader codebook export')")
    since = parse_day(filters.since, "--since") if filters.since else None
    until = parse_day(filters.until, "--until") if filters.until else None
    if since and until and since > until:
        raise ExportError(f"--since {since} is after --until {until}")
    return ExportFilter(tuple(filters.article_ids), tuple(filters.tags), tuple(filters.authors), since, until)


def records(
    store: Store, filters: ExportFilter | None = None, include_highlights: bool = False, with_rejected: bool = False
) -> Iterator[dict[str, Any]]:
    """Annotations (and, optionally, machine highlights) as plain dicts, streamed in article and text order.

    Keys: kind, row_id, the CSV columns with `tags` a sorted list, and article_external_id. The filter is
    checked at once (ExportError), before anything is streamed.
    """
    rows, tag_names = _rows(store, filters, include_highlights, with_rejected)

    def record(row: ExportRow) -> dict[str, Any]:
        values = row._asdict()
        del values["kind_order"], values["tag_ids"]
        values["tags"] = tag_names(row.tag_ids)
        return values

    return (record(row) for row in rows)


def _rows(
    store: Store, filters: ExportFilter | None, include_highlights: bool, with_rejected: bool = False
) -> tuple[Iterator[ExportRow], Callable[[str | None], list[str]]]:
    """The checked filter's rows (Store.export_rows) and a function from a row's tag_ids to its sorted tag names."""
    filters = check_filter(store, filters or ExportFilter())
    rows = store.export_rows(
        article_ids=filters.article_ids,
        tags=filters.tags,
        authors=filters.authors,
        since=filters.since,
        until=filters.until,
        include_highlights=include_highlights,
        with_rejected=with_rejected,
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


class ImportFormatError(ReaderError):
    """A file that cannot be imported at all; the message is one line."""


class RowError(ReaderError):
    """One row or line that cannot be imported."""


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
    status: str | None = None  # a highlight's: machine, confirmed, corrected or rejected
    speaker: str | None = None  # a quotation's speaker, as corrected
    label: str | None = None  # an entity's kind, as corrected

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
    unit: str = "line"  # "selection" for a REFI-QDA project's selections, numbered from 1

    def __str__(self) -> str:
        if not self.exact:
            return f"{self.unit} {self.line}: {self.message}"
        words = " ".join(self.exact.split())
        quoted = words if len(words) <= 50 else words[:49] + "…"
        return f"{self.unit} {self.line}: “{quoted}” {self.message}"


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
    try:
        return moment.astimezone(dt.timezone.utc).isoformat(timespec="seconds")
    except OverflowError:  # 9999-12-31T23:59:59-05:00 is in the year 10000 in UTC
        raise RowError(f"{name} {text[:30]!r} is out of range (after the year 9999 in UTC)") from None


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


def by_article(
    store: Store, filters: ExportFilter | None = None, include_highlights: bool = False
) -> Iterator[tuple[Any, list[dict[str, Any]]]]:
    """(reader.model.Article, its records) for every article with an exported record, in article order.

    For the formats that carry whole documents (spaCy, Label Studio, doccano, REFI-QDA): one
    article's text at a time is held, never the library's. The filter is checked at once.
    """
    rows = records(store, filters, include_highlights)

    def grouped() -> Iterator[tuple[Any, list[dict[str, Any]]]]:
        current: int | None = None
        batch: list[dict[str, Any]] = []
        for record in rows:
            if record["article_id"] != current:
                if current is not None:
                    yield store.get_article(current), batch
                current, batch = record["article_id"], []
            batch.append(record)
        if current is not None:
            yield store.get_article(current), batch

    return grouped()
