"""Plain-text articles: a header block or front matter (title, date, source), then the text."""

from __future__ import annotations

import re
from typing import Any

from reader.ingest.article import ParsedArticle, derive_title, normalise
from reader.ingest.metadata import _lines, apply_fields, date_of, split_front_matter

_ISO_DATE = r"\d{4}-\d{2}-\d{2}"


# The seed corpus: " date 2024-07-13 First sentence of the article..." on one line.
_INLINE_DATE = re.compile(rf"\A[ \t]*date:?[ \t]+({_ISO_DATE})\b[ \t]*", re.IGNORECASE)


# Header blocks as in many corpora and e-mail: "Title: ...", "Date: ..." then a blank line.
_HEADER_LINE = re.compile(r"^(title|date|source|url|author|byline|publisher|outlet):[ \t]*(.*)$", re.I)


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(\n|\Z)", re.S)  # kept for older callers; see metadata.py


def parse_date(value: str, dayfirst: bool | None = None) -> str | None:
    """An ISO date (YYYY-MM-DD) from a written date (python-dateutil, via metadata.date_of), or None."""
    try:
        return date_of(value, dayfirst)
    except ValueError:
        return None


def apply_headers(
    headers: dict[str, Any], meta: dict[str, str], dayfirst: bool | None = None, warnings: list[str] | None = None
) -> tuple[str | None, str | None, str | None]:
    """(title, date, source) from header or front matter fields; the rest of what reader keeps goes into `meta`."""
    title, date, source, problems = apply_fields(headers, meta, dayfirst)
    if warnings is not None:
        warnings.extend(problems)
    return title, date, source


def split_header_block(text: str) -> tuple[dict[str, str], str]:
    """Leading `Key: value` lines (known keys only) followed by a blank line."""
    lines = text.split("\n")
    headers: dict[str, str] = {}
    for index, line in enumerate(lines):
        if not line.strip():
            if headers:
                return headers, "\n".join(lines[index + 1 :])
            return {}, text
        match = _HEADER_LINE.match(line)
        if not match:
            return {}, text
        headers[match.group(1).lower()] = match.group(2).strip()
    return {}, text


def parse_text(raw: str, dayfirst: bool | None = None) -> ParsedArticle:
    text = normalise(raw)
    meta: dict[str, str] = {}
    warnings: list[str] = []
    title = date = source = None
    # A header block first: its "Date: ..." line would otherwise pass for the inline field.
    headers, rest = split_header_block(text)
    fields, after, problems = split_front_matter(text) if not headers else (None, text, [])
    if headers:
        title, date, source = apply_headers(headers, meta, dayfirst, warnings)
        text = rest
    elif fields is not None:
        warnings.extend(problems)
        title, date, source = apply_headers(fields, meta, dayfirst, warnings)
        text = after
    else:
        match = _INLINE_DATE.match(text)
        if match:
            date = parse_date(match.group(1))
            if date is None:
                meta["date_text"] = match.group(1)
            text = text[match.end() :]
    text = normalise(text)
    article = ParsedArticle(text=text, title=title or derive_title(text), date=date, source=source, meta=meta)
    article.warnings.extend(warnings)
    return article


def front_matter(block: str) -> dict[str, str]:
    """`key: value` lines, as a front matter block that no parser reads is taken."""
    return {key.lower(): str(value) for key, value in _lines(block).items()}
