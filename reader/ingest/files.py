"""Reading article files: plain text, Markdown and saved HTML pages, found in paths and decoded.

Everything here is pure: bytes in, a `ParsedArticle` out.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from pathlib import Path

from reader.ingest.article import ArticleError, ParsedArticle
from reader.ingest.html import parse_html
from reader.ingest.markdown import parse_markdown
from reader.ingest.text import parse_text
from reader.paths import expand_path

TEXT_SUFFIXES = {".txt", ".text", ""}


MARKDOWN_SUFFIXES = {".md", ".markdown"}


HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


# Suffixes looked for in directories; a file without one is read only when named explicitly.
SUPPORTED_SUFFIXES = (TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES) - {""}


DEFAULT_MAX_BYTES = 5_000_000


# Folders that hold no articles and never end or cannot be read whole (`reader /` walked into /proc).
PSEUDO_FOLDERS = ("/proc", "/sys", "/dev", "/run")


def find_article_files(paths: list[str | Path]) -> tuple[list[Path], list[str]]:
    """Expand files and directories into article files.

    Returns the files found (in a stable order) and one error line per path
    that gave nothing (or had folders that could not be read).
    """
    found: list[Path] = []
    errors: list[str] = []
    for raw in paths:
        try:
            path = expand_path(raw, ArticleError)
            info = path.stat()
        except ArticleError as exc:
            errors.append(str(exc))
            continue
        except FileNotFoundError:
            errors.append(f"{raw}: no such file or directory")
            continue
        except OSError as exc:  # a folder on the way that cannot be entered, a name too long
            errors.append(f"{raw}: {exc.strerror or exc}")
            continue
        if not stat.S_ISDIR(info.st_mode):
            found.append(path)
            continue
        absolute = os.path.abspath(path)
        if Path(absolute) == Path("/"):
            errors.append(f"{raw}: is the whole file system; name the folder that holds your articles")
            continue
        if any(absolute == folder or absolute.startswith(folder + "/") for folder in PSEUDO_FOLDERS):
            errors.append(f"{raw}: is a system folder ({absolute.split('/')[1] and '/' + absolute.split('/')[1]}), not articles")
            continue
        files, unreadable = _walk(path)
        if unreadable:
            errors.append(
                f"{raw}: {unreadable[0]}" + (f" (and {len(unreadable) - 1} more folders)" if len(unreadable) > 1 else "")
                + "; skipped"
            )
        if not files:
            kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
            errors.append(f"{raw}: no article files in this directory (looked for {kinds})")
        found.extend(files)
    return found, errors


def _walk(folder: Path) -> tuple[list[Path], list[str]]:
    """Article files under `folder` (hidden ones and pseudo file systems left out), and the folders unreadable."""
    unreadable: list[str] = []

    def failed(exc: OSError) -> None:
        unreadable.append(f"{exc.filename}: {exc.strerror or exc}")

    files: list[Path] = []
    for root, dirs, names in os.walk(folder, onerror=failed):
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and os.path.join(os.path.abspath(root), d) not in PSEUDO_FOLDERS
        )
        for name in names:
            if name.startswith(".") or Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
                continue
            candidate = Path(root) / name
            try:
                if candidate.is_file():
                    files.append(candidate)
            except OSError as exc:
                failed(exc)
    return sorted(files), unreadable


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
        article = parse_html(data, name)
    else:
        text, encoding = decode(data, name)
        if suffix in MARKDOWN_SUFFIXES:
            article = parse_markdown(text)
        else:
            article = parse_text(text)
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
