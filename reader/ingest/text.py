"""Plain-text articles: a header block or front matter (title, date, source), then the text."""

from __future__ import annotations

import datetime as dt
import re

from reader.ingest.article import ParsedArticle, derive_title, normalise

_ISO_DATE = r"\d{4}-\d{2}-\d{2}"


# The seed corpus: " date 2024-07-13 First sentence of the article..." on one line.
_INLINE_DATE = re.compile(rf"\A[ \t]*date:?[ \t]+({_ISO_DATE})\b[ \t]*", re.IGNORECASE)


# Header blocks as in many corpora and e-mail: "Title: ...", "Date: ..." then a blank line.
_HEADER_LINE = re.compile(r"^(title|date|source|url|author|byline|publisher|outlet):[ \t]*(.*)$", re.I)


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(\n|\Z)", re.S)


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y")


def parse_date(value: str) -> str | None:
    """An ISO date (YYYY-MM-DD) from common written forms, or None."""
    value = value.strip().strip("'\"")
    match = re.match(_ISO_DATE, value)
    if match:
        value = match.group(0)
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def apply_headers(headers: dict[str, str], meta: dict[str, str]) -> tuple[str | None, str | None, str | None]:
    title = headers.get("title") or None
    date = parse_date(headers["date"]) if headers.get("date") else None
    source = headers.get("url") or headers.get("source") or headers.get("outlet") or headers.get("publisher")
    for key in ("author", "byline", "publisher", "outlet", "url", "source"):
        if headers.get(key):
            meta[key] = headers[key]
    if headers.get("date") and not date:
        meta["date_text"] = headers["date"]
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


def parse_text(raw: str) -> ParsedArticle:
    text = normalise(raw)
    meta: dict[str, str] = {}
    title = date = source = None
    # A header block first: its "Date: ..." line would otherwise pass for the inline field.
    headers, rest = split_header_block(text)
    front = _FRONT_MATTER.match(text)
    if headers:
        title, date, source = apply_headers(headers, meta)
        text = rest
    elif front:
        title, date, source = apply_headers(front_matter(front.group(1)), meta)
        text = text[front.end() :]
    else:
        match = _INLINE_DATE.match(text)
        if match:
            date = parse_date(match.group(1))
            if date is None:
                meta["date_text"] = match.group(1)
            text = text[match.end() :]
    text = normalise(text)
    return ParsedArticle(text=text, title=title or derive_title(text), date=date, source=source, meta=meta)


def front_matter(block: str) -> dict[str, str]:
    headers = {}
    for line in block.split("\n"):
        key, sep, value = line.partition(":")
        if sep and key.strip():
            headers[key.strip().lower()] = value.strip().strip("'\"")
    return headers
