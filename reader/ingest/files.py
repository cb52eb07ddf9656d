"""Reading article files: plain text, Markdown and saved HTML pages, found in paths and decoded.

Everything here is pure: bytes in, a `ParsedArticle` out.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import unicodedata
from pathlib import Path

from reader.ingest.article import ArticleError, ParsedArticle, tiny_body_warning
from reader.ingest.encodings import by_bom, guesses
from reader.ingest.html import parse_html
from reader.ingest.markdown import parse_markdown
from reader.ingest.metadata import date_in_name
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


def read_article(
    path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES, *, dayfirst: bool | None = None, encoding: str | None = None
) -> ParsedArticle:
    """Read one file into a `ParsedArticle`, or raise `ArticleError` saying why not (see `parse_article`)."""
    path = Path(path)
    from reader.ingest.corpus import is_corpus_name

    if is_corpus_name(path):  # a table of articles is not one article titled by its header row
        raise ArticleError(f"{path}: a corpus (one article per row), not an article; import it with: reader add {path}")
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
    return parse_article(data, name=str(path), source=str(path.resolve()), dayfirst=dayfirst, encoding=encoding)


def _too_large(path: Path, size: str, max_bytes: int) -> str:
    return (
        f"{path}: {size} is too large for an article "
        f"(limit {max_bytes / 1e6:g} MB; raise it with --max-size or READER_MAX_SIZE)"
    )


def parse_article(
    data: bytes, name: str, source: str | None = None, *, dayfirst: bool | None = None, encoding: str | None = None
) -> ParsedArticle:
    """Parse a file's bytes; `name` picks the format by its suffix and appears in errors and warnings.

    `dayfirst` settles numeric dates that read two ways (else they are refused, with a
    warning); `encoding` overrides detection for text and Markdown. An article without a
    date of its own takes the one in its file name. A web page whose extracted body is tiny (a
    photo caption, a teaser list) is imported with a warning.
    """
    suffix = Path(name).suffix.lower()
    if not data.strip():
        raise ArticleError(f"{name}: file is empty")
    if b"\x00" in data[:8192] and not data.startswith(_UTF16_BOMS + _UTF32_BOMS) and not encoding:
        raise ArticleError(f"{name}: binary file, not text (reader reads .txt, .md and .html)")
    if suffix in HTML_SUFFIXES or (suffix not in MARKDOWN_SUFFIXES and _looks_like_html(data)):
        article = parse_html(data, name, dayfirst)
    else:
        text, found = decode(data, name, encoding)
        if suffix in MARKDOWN_SUFFIXES:
            article = parse_markdown(text, dayfirst)
        else:
            article = parse_text(text, dayfirst)
        if found != "utf-8":
            article.meta["encoding"] = found
    if not article.text.strip():
        raise ArticleError(f"{name}: no article text found")
    article.source = article.source or source
    if article.date is None and "date_text" not in article.meta:
        article.date = date_in_name(name)
        if article.date is not None:
            article.meta["date_from"] = "file name"
    tiny = tiny_body_warning(article.text) if article.format == "html" else None  # an extracted body: a caption?
    if tiny:
        article.warnings.append(tiny)
    article.warnings[:] = [f"{name}: {line}" for line in article.warnings]
    return article


def decode(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str]:
    """The text of a file and its encoding's name: `encoding` if given, else detected.

    A byte order mark (UTF-8, UTF-16, UTF-32) decides; then UTF-8. UTF-8 with a few
    broken bytes is refused with the first one's offset (another code page would garble
    the rest of the text). Anything else is identified by charset-normalizer, preferring
    Windows-1252 among Western code pages it finds equally likely; a non-Latin code page
    is taken only when its letters make most of the text (else the bytes were most
    likely noise in Latin text, and the file is refused rather than garbled).
    """
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ArticleError(f"{name}: unknown encoding {encoding!r}") from None
        try:
            return data.decode(encoding), encoding.lower().replace("_", "-")
        except UnicodeDecodeError as exc:
            raise ArticleError(
                f"{name}: not valid {encoding} (byte 0x{data[exc.start]:02x} at offset {exc.start})"
            ) from None
    bom_encoding = by_bom(data)
    if bom_encoding is not None:
        try:
            return data.decode(bom_encoding), bom_encoding.removesuffix("-sig")
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
    found = _guess_encoding(data)
    if found is None:
        raise ArticleError(
            f"{name}: not valid UTF-8 (byte 0x{data[utf8_error.start]:02x} at offset "
            f"{utf8_error.start}) nor text in an encoding reader can tell; convert it with iconv first, "
            "or give its encoding with --encoding"
        )
    text = data.decode(found)
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    if controls > len(text) // 100:
        raise ArticleError(f"{name}: not text (too many control characters)")
    return text, found


def _guess_encoding(data: bytes) -> str | None:
    """charset-normalizer's best guess for bytes that are not UTF-8 (see `decode`), or None."""
    for encoding in guesses(data[:_SAMPLE_BYTES]):
        try:
            text = data.decode(encoding)
            break
        except (UnicodeDecodeError, LookupError):
            continue
    else:
        return None
    letters = [ch for ch in text if ch.isalpha()]
    foreign = sum(1 for ch in letters if not ch.isascii() and not unicodedata.name(ch, "").startswith("LATIN"))
    if foreign and foreign * 2 < len(letters):  # a few Cyrillic or Greek letters among Latin words: noise
        return None
    return encoding


_SAMPLE_BYTES = 256 * 1024  # what charset-normalizer looks at


_UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


# A well-formed UTF-8 sequence of two to four bytes (rare by chance in Windows-1252 text).
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))
