"""Markdown articles read as plain text: markup dropped, headings and paragraphs kept."""

from __future__ import annotations

import re

from reader.ingest.article import ParsedArticle, derive_title, normalise
from reader.ingest.metadata import split_front_matter
from reader.ingest.text import apply_headers

_MD_HEADING = re.compile(r"^#{1,6}[ \t]+(.*?)[ \t#]*$", re.M)


_MD_FENCE = re.compile(r"^ {0,3}(```|~~~)")


_MD_RULE = re.compile(r"^ {0,3}([-*_])[ \t]*(\1[ \t]*){2,}$")


_MD_BLOCKQUOTE = re.compile(r"^ {0,3}(> ?)+")


_MD_BULLET = re.compile(r"^([ \t]*)[-*+][ \t]+")


_MD_CODE = re.compile(r"`([^`\n]+)`")


_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")


_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")


_MD_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")


def parse_markdown(raw: str, dayfirst: bool | None = None) -> ParsedArticle:
    text = normalise(raw)
    meta: dict[str, str] = {}
    title = date = source = None
    fields, after, warnings = split_front_matter(text)
    if fields is not None:
        title, date, source = apply_headers(fields, meta, dayfirst, warnings)
        text = after.lstrip("\n")
    first = _MD_HEADING.match(text)
    if first and text.startswith("# "):
        heading = _strip_inline_markdown(first.group(1))
        if title is None or heading == title:  # a headline other than the front matter's title stays in the text
            title = heading
            text = text[first.end() :]
    text = normalise(_strip_inline_markdown(_strip_block_markdown(text)))
    article = ParsedArticle(text=text, title=title or derive_title(text), date=date, source=source, meta=meta)
    article.format = "markdown"
    article.warnings.extend(warnings)
    return article


def _strip_block_markdown(text: str) -> str:
    """Headings, quotations, bullets, rules and code fences as plain text (code is kept as it is)."""
    lines = []
    in_code = False
    for line in text.split("\n"):
        if _MD_FENCE.match(line):
            in_code = not in_code
            continue
        if not in_code:
            if _MD_RULE.match(line):
                continue
            line = _MD_BLOCKQUOTE.sub("", line)
            line = _MD_HEADING.sub(r"\1", line)
            line = _MD_BULLET.sub(r"\1• ", line)
        lines.append(line)
    return "\n".join(lines)


def _strip_inline_markdown(text: str) -> str:
    text = _MD_CODE.sub(r"\1", text)
    text = _MD_IMAGE.sub(r"\1", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_STRONG.sub(r"\2", text)
    return _MD_EMPHASIS.sub(r"\1", text)
