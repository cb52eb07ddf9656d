"""Writing an export: the format chosen by name, and the file it goes to."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Iterator, TextIO

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
    """Export in `format` ("csv" or "jsonl"); returns how many records were written."""
    if format == "csv":
        return write_csv(store, out, filters, per_tag=per_tag, include_highlights=include_highlights, bom=bom)
    if format == "jsonl":
        if bom:
            raise ExportError("--bom is for CSV only (JSON Lines is always UTF-8 without a BOM)")
        if per_tag:
            raise ExportError("--per-tag is for CSV only (JSON Lines keeps all tags of an annotation together)")
        return write_jsonl(store, out, filters, include_highlights=include_highlights)
    raise ExportError(f"unknown export format {format!r} (use csv or jsonl)")


@contextlib.contextmanager
def output_file(path: str | Path, private: bool = False) -> Iterator[TextIO]:
    """A UTF-8 text file (newline="") for export, written beside `path` and moved into place only when complete.

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
        with open(fd, "w", encoding="utf-8", newline="") as out:
            yield out
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
