"""Writing an export: the format chosen by name, and the file it goes to."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Any, BinaryIO, Iterator, TextIO

from reader.interchange.csv import write_csv
from reader.interchange.jsonl import write_jsonl
from reader.interchange.records import ExportError, ExportFilter
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
def output_file(path: str | Path, private: bool = False, binary: bool = False) -> Iterator[Any]:
    """A UTF-8 text file (newline="") for export, written beside `path` and moved into place only when complete;
    with `binary`, a binary file.

    The umask applies, as to a shell's redirection; `private` makes it readable by its owner only.
    """
    path = Path(path).expanduser()
    if path.is_dir():
        raise ExportError(f"{path}: is a directory")
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o666)
    except OSError as exc:
        raise ExportError(f"{path}: cannot write there ({exc.strerror or exc})") from None
    try:
        with (open(fd, "wb") if binary else open(fd, "w", encoding="utf-8", newline="")) as out:
            yield out
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
