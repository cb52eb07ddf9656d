"""Markdown articles read as plain text: markup dropped, headings and paragraphs kept.

Parsed with markdown-it-py (CommonMark), whose parser is linear in the size of the text. The regular
expressions used before were not: `**a ` repeated 16,000 times (64 KB) took 22 s, and 200 KB of `[`
ran past 120 s, holding the GIL so that even the app's background import froze the screen. Now 200 KB
of the worst of those takes about 4 s, and 5 MB (the largest article accepted) under two minutes,
in a thread that leaves the screen free.

The text is the document's words as a reader sees them rendered: paragraphs and headings separated
by a blank line, list items one to a line with a bullet ("• ", ordered items keep their numbers),
quotations and code kept as they are, rules and reference definitions left out, a link as its text,
an image as its description.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from reader.ingest.article import ParsedArticle, derive_title, normalise
from reader.ingest.metadata import split_front_matter
from reader.ingest.text import apply_headers

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

BULLET = "• "
# Blockquotes and lists inside each other: markdown-it-py drops the text below its limit (20 by default),
# so there is none in effect; a document nested deeper than Python's stack is kept as it is.
MAX_NESTING = 1_000_000


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"maxNesting": MAX_NESTING})


def parse_markdown(raw: str, dayfirst: bool | None = None) -> ParsedArticle:
    text = normalise(raw)
    meta: dict[str, str] = {}
    title = date = source = None
    fields, after, warnings = split_front_matter(text)
    if fields is not None:
        title, date, source = apply_headers(fields, meta, dayfirst, warnings)
        text = after.lstrip("\n")
    blocks, heading = markdown_blocks(text)
    if heading is not None and (title is None or heading == title):  # another headline stays in the text
        title = heading
        blocks = blocks[1:]
    body = normalise("\n\n".join(blocks))
    article = ParsedArticle(text=body, title=title or derive_title(body), date=date, source=source, meta=meta)
    article.format = "markdown"
    article.warnings.extend(warnings)
    return article


def markdown_blocks(text: str) -> tuple[list[str], str | None]:
    """The document's blocks as plain text, and the text of a first-line `# heading` (else None)."""
    try:
        tokens = _parser().parse(text)
    except RecursionError:  # nesting deeper than the stack: the text as it is, rather than nothing
        return [text], None
    blocks = _Blocks(tokens).render()
    first = tokens[0] if tokens else None
    heading = None
    if first is not None and first.type == "heading_open" and first.tag == "h1" and first.markup == "#" and text.startswith("# "):
        heading = blocks[0] if blocks else None
    return blocks, heading


class _Blocks:
    """One walk over markdown-it's block tokens; each inline run becomes its plain text.

    A list (with any lists inside it) is one block, an item a line: "• item", nested items indented.
    """

    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.blocks: list[str] = []
        self.lists: list[list] = []  # per open list: [next number or None for bullets, the number's mark]
        self.lines: list[str] = []  # the lines of the outermost open list
        self.marker = ""  # what the next line of the current item starts with

    def render(self) -> list[str]:
        for token in self.tokens:
            kind = token.type
            if kind in ("bullet_list_open", "ordered_list_open"):
                number = None
                if kind == "ordered_list_open":
                    start = str(token.attrGet("start") or 1)
                    number = int(start) if start.isdigit() else 1
                self.lists.append([number, token.markup])
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.lists.pop()  # lists one after another ("-" items, then "*" items) stay one block
            elif kind == "list_item_open":
                state = self.lists[-1]
                indent = "  " * (len(self.lists) - 1)
                if state[0] is None:
                    self.marker = indent + BULLET
                else:
                    self.marker = f"{indent}{state[0]}{state[1]} "
                    state[0] += 1
            elif kind == "inline":
                self._add(_inline_text(token))
            elif kind in ("fence", "code_block", "html_block"):
                self._add(token.content.rstrip("\n"))
        if self.lines:
            self.blocks.append("\n".join(self.lines))
        return [block for block in self.blocks if block.strip()]

    def _add(self, text: str) -> None:
        if not self.lists:
            if self.lines:
                self.blocks.append("\n".join(self.lines))
                self.lines = []
            self.blocks.append(text)
        elif self.marker:
            self.lines.append(self.marker + text)
            self.marker = ""
        else:  # an item's further paragraph, code or quotation
            indent = "  " * len(self.lists)
            self.lines.extend(indent + line for line in text.split("\n"))


def _inline_text(token: Token) -> str:
    """An inline run as the words it shows: emphasis, links and code marks dropped, an image as its description."""
    parts: list[str] = []
    for child in token.children or ():
        kind = child.type
        if kind in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif kind == "image":
            parts.append(_inline_text(child))  # its description, as plain text
    return "".join(parts)
