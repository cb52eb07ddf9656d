"""A parsed article: its text normalised once, its title, date and source; the content hash.

Every offset anywhere in reader is a Python string index into the normalised text.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from reader.errors import ReaderError

MAX_TITLE_CHARS = 200
TINY_WORDS = 40  # a body with fewer words is a caption or a teaser list, not an article: imported with a warning


def tiny_body_warning(text: str, tiny_words: int = TINY_WORDS) -> str | None:
    """The warning for a body too small to be an article, or None."""
    words = len(text.split())
    if words >= tiny_words:
        return None
    return f"the body is only {words} word{'s' if words != 1 else ''} (a caption or a teaser?); imported anyway"


class ArticleError(ReaderError):
    """A file that cannot become an article; the message is one line for the user."""


@dataclass
class ParsedArticle:
    """An article as read from a file, before it is stored."""

    text: str
    title: str
    date: str | None = None
    source: str | None = None
    format: str = "text"
    meta: dict[str, str] = field(default_factory=dict)
    # One line each, without the file's name: the article imports, but someone should know (a tiny body,
    # a date that reads two ways). Not stored.
    warnings: list[str] = field(default_factory=list, compare=False)

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)


def content_hash(text: str) -> str:
    """The identity of an article: SHA-256 of its normalised text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalise(text: str) -> str:
    """Line endings to \\n, Unicode NFC, no BOM, no trailing blanks on lines or at the ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    lines = [line.rstrip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    # The BOM with the blank ends, so that normalising twice changes nothing.
    return text.strip("\n \ufeff")


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[.!?][’”\"')])\s+")


def derive_title(text: str) -> str:
    """The first line if it is short enough, else its first sentence, cut to a sensible length."""
    first_line = text.strip().split("\n", 1)[0].strip()
    if len(first_line) <= MAX_TITLE_CHARS:
        return first_line
    sentence = _SENTENCE_END.split(first_line, maxsplit=1)[0]
    if len(sentence) <= MAX_TITLE_CHARS:
        return sentence
    cut = sentence[: MAX_TITLE_CHARS - 1].rsplit(" ", 1)[0]
    return cut + "…"
