"""An article file's metadata: front matter (YAML `---` or Hugo's TOML `+++`), header fields, dates.

Front matter is read with real parsers, python-frontmatter (YAML, safe loading)
and the standard library's `tomllib`, so folded titles (`title: >`), quoted
values and lists (`authors: [Ann Lee, Bo Chen]`, `tags:` as a block list) are
read as their authors meant. A block that neither parser can read is read line
by line (`key: value`), with a warning, rather than refused.

Dates are read by reader.ingest.corpus.parse_date (python-dateutil): ISO 8601,
RFC 2822, "July 13th, 2024"...; a numeric day/month that reads two ways is
refused unless `dayfirst` says which comes first, and the date as written is
then kept in meta["date_text"] with a warning. An article without a date of its
own takes the one in its file name (`outlet_2016-10-27_slug.txt`).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

MAX_FRONT_MATTER_CHARS = 64 * 1024  # a front matter block larger than this is text, not metadata
MAX_LIST_ITEMS = 100  # of a list value (authors, tags); a list is joined with "; "

FRONT_MATTER = re.compile(r"\A(---|\+\+\+)[ \t]*\n(.*?)\n?^\1[ \t]*(?:\n|\Z)", re.S | re.M)

# The keys reader uses, by role; the first one present wins. Keys are compared in lower case.
TITLE_KEYS = ("title", "headline")
DATE_KEYS = ("date", "published", "publishdate", "publish_date", "pubdate", "date_published", "created")
SOURCE_KEYS = ("url", "link", "canonical", "canonical_url", "permalink", "source", "outlet", "publisher")
AUTHOR_KEYS = ("author", "authors", "byline", "creator")
TAG_KEYS = ("tags", "categories", "keywords")
KEPT_KEYS = ("publisher", "outlet", "sitename", "url", "source", "language", "lang", "section", "description")


def split_front_matter(text: str) -> tuple[dict[str, Any] | None, str, list[str]]:
    """(fields, the text after the block, warnings) for text opening with front matter; (None, text, []) otherwise."""
    match = FRONT_MATTER.match(text)
    if match is None or match.end() > MAX_FRONT_MATTER_CHARS:
        return None, text, []
    fence, block = match.group(1), match.group(2)
    warnings: list[str] = []
    try:
        fields = _toml(block) if fence == "+++" else _yaml(text[: match.end()])
    except ValueError as exc:
        warnings.append(f"front matter is not valid {'TOML' if fence == '+++' else 'YAML'} ({exc}); read line by line")
        fields = _lines(block)
    return fields, text[match.end() :], warnings


def _yaml(block: str) -> dict[str, Any]:
    import frontmatter
    import yaml

    try:
        fields, _ = frontmatter.parse(block, handler=frontmatter.YAMLHandler())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "not YAML"
        raise ValueError(f"{problem}{f' at line {mark.line + 1}' if mark is not None else ''}") from None
    except (TypeError, ValueError, RecursionError) as exc:  # e.g. a key that is itself a list
        raise ValueError(str(exc).split("\n")[0] or "not YAML") from None
    if not isinstance(fields, dict):
        raise ValueError("not a mapping of keys to values")
    return fields


def _toml(block: str) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(block)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(str(exc)) from None


def _lines(block: str) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for line in block.split("\n"):
        key, sep, value = line.partition(":" if ":" in line else "=")
        if sep and key.strip():
            fields[key.strip()] = value.strip().strip("'\"")
    return fields


def as_text(value: Any) -> str:
    """A front matter value as one line of text: lists joined with "; ", dates as YYYY-MM-DD, runs of space as one."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        items = [as_text(item) for item in value[:MAX_LIST_ITEMS] if isinstance(item, (str, int, float, dt.date))]
        return "; ".join(item for item in items if item)
    if isinstance(value, dict):
        name = value.get("name") if isinstance(value.get("name"), str) else None  # authors: [{name: ...}]
        return " ".join(name.split()) if name else ""
    return " ".join(str(value).split())


def date_of(value: Any, dayfirst: bool | None = None) -> str:
    """YYYY-MM-DD from a front matter or header value; ValueError (one line) when it has no clear day."""
    from reader.ingest.corpus import parse_date

    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return parse_date(as_text(value).strip("'\""), dayfirst)


def apply_fields(
    fields: dict[str, Any], meta: dict[str, str], dayfirst: bool | None = None
) -> tuple[str | None, str | None, str | None, list[str]]:
    """(title, date, source, warnings) from front matter or header fields; author, tags and the like go into `meta`."""
    by_key = {str(key).strip().lower(): value for key, value in fields.items()}

    def first(keys: tuple[str, ...]) -> Any:
        for key in keys:
            if by_key.get(key) not in (None, "", []):
                return by_key[key]
        return None

    warnings: list[str] = []
    title = as_text(first(TITLE_KEYS)) or None
    date = None
    raw_date = first(DATE_KEYS)
    if raw_date is not None:
        try:
            date = date_of(raw_date, dayfirst)
        except ValueError as exc:
            meta["date_text"] = as_text(raw_date)
            warnings.append(f"{exc}; imported without a date")
    source = as_text(first(SOURCE_KEYS)) or None
    author = as_text(first(AUTHOR_KEYS))
    if author:
        meta["author"] = author
    tags = as_text(first(TAG_KEYS))
    if tags:
        meta["tags"] = tags
    for key in KEPT_KEYS:
        text = as_text(by_key.get(key))
        if text:
            meta[key] = text
    return title, date, source, warnings


def date_in_name(name: str | Path) -> str | None:
    """The date in a file's name (not its folders): "outlet_2016-10-27_slug.txt", "20161027-slug.html"."""
    from reader.ingest.corpus import date_from_filename

    return date_from_filename(Path(str(name)).name)
