"""Saved web pages: the article's body, title, date and address, extracted with trafilatura."""

from __future__ import annotations

import re

from reader.ingest.article import ArticleError, ParsedArticle, derive_title, normalise
from reader.ingest.text import parse_date


def parse_html(data: bytes, name: str, dayfirst: bool | None = None) -> ParsedArticle:
    import trafilatura  # only needed for HTML; keeps start-up light

    doc = trafilatura.bare_extraction(data, with_metadata=True, include_tables=True, include_comments=False)
    if doc is None or not (doc.text or "").strip():
        raise ArticleError(f"{name}: no article text found in this HTML page")
    body = normalise(doc.text)
    # trafilatura separates paragraphs by one newline; reader uses a blank line.
    body = re.sub(r"\n+", "\n\n", body)
    title = (doc.title or "").strip() or None
    if title and body.startswith(title):
        body = body[len(title) :].lstrip("\n")
    meta = {k: v for k, v in {"author": doc.author, "sitename": doc.sitename, "url": doc.url}.items() if v}
    text = normalise(body)
    return ParsedArticle(
        text=text,
        title=title or derive_title(text),
        date=parse_date(doc.date, dayfirst) if doc.date else None,
        source=doc.url or None,
        format="html",
        meta=meta,
    )
