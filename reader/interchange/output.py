"""Writing an export: the format chosen by name, and the file it goes to."""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import stat
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator, TextIO

from reader.interchange.csv import write_csv
from reader.interchange.jsonl import write_jsonl
from reader.interchange.records import ExportError, ExportFilter
from reader.paths import expand_path
from reader.store import Store


def export(
    store: Store,
    out: TextIO,
    format: str = "csv",
    filters: ExportFilter | None = None,
    *,
    per_tag: bool = False,
    include_highlights: bool = False,
    bom: bool = False,
) -> int:
    """Export in a text format (TEXT_FORMATS); returns how many records (for label-studio and doccano: articles)."""
    if format == "csv":
        return write_csv(store, out, filters, per_tag=per_tag, include_highlights=include_highlights, bom=bom)
    if format not in TEXT_FORMATS:
        raise ExportError(f"unknown export format {format!r} (use {', '.join(TEXT_FORMATS + BINARY_FORMATS)})")
    check_options(format, bom=bom, per_tag=per_tag, include_highlights=include_highlights)
    if format == "jsonl":
        return write_jsonl(store, out, filters, include_highlights=include_highlights)
    if format == "label-studio":
        from reader.interchange.label_studio import write_label_studio

        return write_label_studio(store, out, filters, include_highlights=include_highlights)
    from reader.interchange.doccano import write_doccano

    return write_doccano(store, out, filters, include_highlights=include_highlights)


TEXT_FORMATS = ("csv", "jsonl", "label-studio", "doccano")
BINARY_FORMATS = ("qdpx", "spacy")  # written to a file (or a pipe), never to a terminal
FORMAT_NAMES = {
    "csv": "CSV", "jsonl": "JSON Lines", "label-studio": "Label Studio", "doccano": "doccano", "qdpx": "REFI-QDA",
    "spacy": "spaCy DocBin",
}


def check_options(format: str, *, bom: bool = False, per_tag: bool = False, include_highlights: bool = False) -> None:
    """ExportError (one line) for an option the format has no use for."""
    name = FORMAT_NAMES.get(format, format)
    if format != "csv" and bom:
        raise ExportError(f"--bom is for CSV only ({name} is always UTF-8 without a BOM)")
    if format != "csv" and per_tag:
        raise ExportError(f"--per-tag is for CSV only ({name} keeps all tags of an annotation together)")
    if format == "qdpx" and include_highlights:
        raise ExportError("--include-highlights is not for REFI-QDA projects: they hold people's coding only")


def export_binary(
    store: Store, target: Path | BinaryIO, format: str, filters: ExportFilter | None = None, *,
    include_highlights: bool = False,
) -> tuple[int, list[str]]:
    """Export in a binary format (BINARY_FORMATS) to a path (replaced only when complete) or a binary stream.

    Returns (how many: selections for qdpx, articles for spacy; warnings, one line each).
    """
    check_options(format, include_highlights=include_highlights)
    if format == "qdpx":
        from reader.interchange.qdpx_library import export_qdpx

        return export_qdpx(store, target, filters)
    if format == "spacy":
        from reader.interchange.spacy_docbin import docbin_bytes

        data, count = docbin_bytes(store, filters, include_highlights=include_highlights)
        if isinstance(target, Path):
            with output_file(target, binary=True) as out:
                out.write(data)
        else:
            target.write(data)
        return count, []
    raise ExportError(f"unknown export format {format!r} (use {', '.join(TEXT_FORMATS + BINARY_FORMATS)})")


@contextlib.contextmanager
def output_file(path: str | Path, private: bool = True, binary: bool = False) -> Iterator[Any]:
    """A UTF-8 text file (newline="") for export, or with `binary` a binary one; ExportError (one line) if it
    cannot be written.

    A regular file (or a new one) is written beside `path` and moved into place only when complete, so
    a full disk or a kill never leaves a partial file as if complete (on Linux the file being written
    has no name until then, so a kill leaves nothing at all). A device, a FIFO or /dev/stdout is
    written directly: renaming over it would replace it (as root, /dev/full became a CSV). Exports
    hold research notes, so a new file is readable by its owner only, like the library; a symlink is
    followed (its target replaced) only if it is the user's own. (`private` is kept for callers.)
    """
    path = expand_path(path, ExportError)
    descriptor = _inherited_descriptor(path)
    if descriptor is not None:
        with _direct(path, os.dup(descriptor), binary) as out:
            yield out
        return
    link = _stat(os.lstat, path)
    if link is not None and stat.S_ISLNK(link.st_mode):
        if link.st_uid not in (_uid(), 0):
            raise ExportError(f"{path}: is a symlink made by another user; refused (it could point anywhere)")
        path = Path(os.path.realpath(path))
    info = _stat(os.stat, path)
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise ExportError(f"{path}: is a directory")
    if info is not None and not stat.S_ISREG(info.st_mode):  # a device or a FIFO: written as it is
        try:
            fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
        except OSError as exc:
            raise ExportError(f"{path}: cannot write there ({exc.strerror or exc})") from None
        with _direct(path, fd, binary) as out:
            yield out
        return
    folder = path.parent
    if info is not None and info.st_uid != _uid():
        try:
            sticky = os.stat(folder).st_mode & stat.S_ISVTX
        except OSError:
            sticky = 0
        if sticky:
            raise ExportError(
                f"{path}: belongs to another user in a shared folder, and only they may replace it; choose another name"
            )
    with _replacing(path, binary) as out:
        yield out


@contextlib.contextmanager
def _direct(path: Path, fd: int, binary: bool = False) -> Iterator[Any]:
    try:
        with (open(fd, "wb", closefd=True) if binary else open(fd, "w", encoding="utf-8", newline="", closefd=True)) as out:
            yield out
    except OSError as exc:
        raise ExportError(f"{path}: could not write ({exc.strerror or exc}); what was written is incomplete") from None


@contextlib.contextmanager
def _replacing(path: Path, binary: bool = False) -> Iterator[Any]:
    """Write a new file and move it over `path` once complete (0600); nothing is left behind on failure."""
    _remove_stale_temps(path)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd, named = _anonymous(path.parent)
    try:
        if fd is None:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            named = True
    except OSError as exc:
        raise ExportError(f"{path}: cannot write there ({exc.strerror or exc})") from None
    try:
        try:
            out = open(fd, "wb") if binary else open(fd, "w", encoding="utf-8", newline="")
        except BaseException:
            os.close(fd)
            raise
        with out:
            yield out
            out.flush()
            os.fsync(out.fileno())
            if not named:  # give the anonymous file its temporary name, then the real one
                _link(out.fileno(), temp)
                named = True
        os.replace(temp, path)
    except OSError as exc:
        if named:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        raise ExportError(
            f"{path}: could not write the export ({exc.strerror or exc}); nothing was written"
            + (" (the file there is as it was)" if path.exists() else "")
        ) from None
    except BaseException:
        if named:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        raise


def _link(fd: int, name: Path) -> None:
    """Give an O_TMPFILE file a name. (os.link follows the /proc symlink only through linkat, which
    CPython calls only when given a directory descriptor.)"""
    root = os.open("/", os.O_RDONLY)
    try:
        os.link(f"/proc/self/fd/{fd}", name, src_dir_fd=root, follow_symlinks=True)
    finally:
        os.close(root)


def _anonymous(folder: Path) -> tuple[int | None, bool]:
    """A file in `folder` with no name yet (Linux O_TMPFILE: gone if the process is killed), or (None, False)."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not os.path.isdir("/proc/self/fd"):
        return None, False
    try:
        return os.open(folder, flag | os.O_WRONLY, 0o600), False
    except OSError:  # a file system without it: a named temporary file instead
        return None, False


def _remove_stale_temps(path: Path) -> None:
    """Temporary files of earlier exports to `path` whose process is gone (killed mid-way) are removed."""
    try:
        leftovers = list(path.parent.glob(f".{glob.escape(path.name)}.*.tmp"))
    except OSError:
        return
    for temp in leftovers:
        parts = temp.name[len(path.name) + 2 :].split(".")
        if len(parts) != 3 or not parts[0].isdigit():
            continue
        try:
            if temp.lstat().st_uid != _uid() or _alive(int(parts[0])):
                continue
            temp.unlink()
        except OSError:
            continue


def _stat(stat_call: Callable[[Path], os.stat_result], path: Path) -> os.stat_result | None:
    """`stat_call(path)`, None if nothing is there; ExportError (one line) if it cannot be looked at."""
    try:
        return stat_call(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ExportError(f"{path}: cannot write there ({exc.strerror or exc})") from None


def _uid() -> int:
    return os.getuid() if hasattr(os, "getuid") else -1


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _inherited_descriptor(path: Path) -> int | None:
    """The descriptor that /dev/stdout, /dev/stderr, /dev/fd/N or /proc/self/fd/N names, else None."""
    text = str(path)
    names = {"/dev/stdout": 1, "/dev/stderr": 2}
    if text in names:
        return names[text]
    for prefix in ("/dev/fd/", "/proc/self/fd/"):
        if text.startswith(prefix) and text[len(prefix) :].isdigit():
            return int(text[len(prefix) :])
    return None
