"""Reading article files: plain text, Markdown and saved HTML pages.

Everything here is pure: bytes in, a `ParsedArticle` out. Text is normalised
once (line endings, Unicode NFC, trailing blanks) and every offset anywhere in
reader is a Python string index into that normalised text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from reader.errors import ReaderError

TEXT_SUFFIXES = {".txt", ".text", ""}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
# Suffixes looked for in directories; a file without one is read only when named explicitly.
SUPPORTED_SUFFIXES = (TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES) - {""}

DEFAULT_MAX_BYTES = 5_000_000
MAX_TITLE_CHARS = 200


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


# ---------------------------------------------------------------- finding files


def find_article_files(paths: list[str | Path]) -> tuple[list[Path], list[str]]:
    """Expand files and directories into article files.

    Returns the files found (in a stable order) and one error line per path
    that gave nothing.
    """
    found: list[Path] = []
    errors: list[str] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            errors.append(f"{raw}: no such file or directory")
        elif path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in SUPPORTED_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not files:
                kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
                errors.append(f"{raw}: no article files in this directory (looked for {kinds})")
            found.extend(files)
        else:
            found.append(path)
    return found, errors


# ---------------------------------------------------------------- reading files


def read_article(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedArticle:
    """Read one file into a `ParsedArticle`, or raise `ArticleError` saying why not."""
    path = Path(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(info.st_mode):  # /dev/zero, a pipe: no size to check, maybe no end
            raise ArticleError(f"{path}: not a regular file")
        if info.st_size > max_bytes:
            raise ArticleError(_too_large(path, f"{info.st_size:,} bytes", max_bytes))
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)  # never more than the limit, even from a file still growing
        if len(data) > max_bytes:
            raise ArticleError(_too_large(path, f"more than {max_bytes:,} bytes", max_bytes))
    except IsADirectoryError:
        raise ArticleError(f"{path}: is a directory") from None
    except PermissionError:
        raise ArticleError(f"{path}: permission denied") from None
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return parse_article(data, name=str(path), source=str(path.resolve()))


def _too_large(path: Path, size: str, max_bytes: int) -> str:
    return (
        f"{path}: {size} is too large for an article "
        f"(limit {max_bytes / 1e6:g} MB; raise it with --max-size or READER_MAX_SIZE)"
    )


def parse_article(data: bytes, name: str, source: str | None = None) -> ParsedArticle:
    """Parse a file's bytes; `name` picks the format by its suffix and appears in errors."""
    suffix = Path(name).suffix.lower()
    if not data.strip():
        raise ArticleError(f"{name}: file is empty")
    if b"\x00" in data[:8192] and not data.startswith(_UTF16_BOMS):
        raise ArticleError(f"{name}: binary file, not text (reader reads .txt, .md and .html)")
    if suffix in HTML_SUFFIXES or (suffix not in MARKDOWN_SUFFIXES and _looks_like_html(data)):
        article = _parse_html(data, name)
    else:
        text, encoding = decode(data, name)
        if suffix in MARKDOWN_SUFFIXES:
            article = _parse_markdown(text)
        else:
            article = _parse_text(text)
        if encoding != "utf-8":
            article.meta["encoding"] = encoding
    if not article.text.strip():
        raise ArticleError(f"{name}: no article text found")
    article.source = article.source or source
    return article


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode as UTF-8 (with or without BOM), UTF-16 with BOM, or else Windows-1252."""
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if _UTF8_SEQUENCE.search(data):  # UTF-8 text with a few broken bytes: Windows-1252 would garble the rest
        bad = data[utf8_error.start]
        line = data.count(b"\n", 0, utf8_error.start) + 1
        raise ArticleError(
            f"{name}: UTF-8 text with an invalid byte (0x{bad:02x} at offset {utf8_error.start}, line {line}); "
            "fix it, or drop such bytes with: iconv -f utf-8 -t utf-8 -c"
        )
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise ArticleError(
            f"{name}: not valid UTF-8 (byte 0x{data[utf8_error.start]:02x} at offset "
            f"{utf8_error.start}) nor Windows-1252; convert it with iconv first"
        ) from None
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    if controls > len(text) // 100:
        raise ArticleError(f"{name}: not text (too many control characters)")
    return text, "cp1252"


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# A well-formed UTF-8 sequence of two to four bytes (rare by chance in Windows-1252 text).
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


# ---------------------------------------------------------------- formats

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


def _apply_headers(headers: dict[str, str], meta: dict[str, str]) -> tuple[str | None, str | None, str | None]:
    title = headers.get("title") or None
    date = parse_date(headers["date"]) if headers.get("date") else None
    source = headers.get("url") or headers.get("source") or headers.get("outlet") or headers.get("publisher")
    for key in ("author", "byline", "publisher", "outlet", "url", "source"):
        if headers.get(key):
            meta[key] = headers[key]
    if headers.get("date") and not date:
        meta["date_text"] = headers["date"]
    return title, date, source


def _split_header_block(text: str) -> tuple[dict[str, str], str]:
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


def _parse_text(raw: str) -> ParsedArticle:
    text = normalise(raw)
    meta: dict[str, str] = {}
    title = date = source = None
    # A header block first: its "Date: ..." line would otherwise pass for the inline field.
    headers, rest = _split_header_block(text)
    front = _FRONT_MATTER.match(text)
    if headers:
        title, date, source = _apply_headers(headers, meta)
        text = rest
    elif front:
        title, date, source = _apply_headers(_front_matter(front.group(1)), meta)
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


def _front_matter(block: str) -> dict[str, str]:
    headers = {}
    for line in block.split("\n"):
        key, sep, value = line.partition(":")
        if sep and key.strip():
            headers[key.strip().lower()] = value.strip().strip("'\"")
    return headers


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


def _parse_markdown(raw: str) -> ParsedArticle:
    text = normalise(raw)
    meta: dict[str, str] = {}
    title = date = source = None
    front = _FRONT_MATTER.match(text)
    if front:
        title, date, source = _apply_headers(_front_matter(front.group(1)), meta)
        text = text[front.end() :].lstrip("\n")
    first = _MD_HEADING.match(text)
    if first and text.startswith("# "):
        heading = _strip_inline_markdown(first.group(1))
        if title is None or heading == title:  # a headline other than the front matter's title stays in the text
            title = heading
            text = text[first.end() :]
    text = normalise(_strip_inline_markdown(_strip_block_markdown(text)))
    article = ParsedArticle(text=text, title=title or derive_title(text), date=date, source=source, meta=meta)
    article.format = "markdown"
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


def _parse_html(data: bytes, name: str) -> ParsedArticle:
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
        date=parse_date(doc.date) if doc.date else None,
        source=doc.url or None,
        format="html",
        meta=meta,
    )


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
