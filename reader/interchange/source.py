"""A file to import, opened once and read once: its format told from its first bytes, its lines bounded.

An import may come from a pipe (`<(...)`, a FIFO): opening it again after a look at its head lost
those bytes (JSON Lines: 187 records in, 183 imported). A device such as /dev/zero has no end and no
line break: without a bound on a line, memory grew until the machine gave out. And a pipe whose writer
sends nothing would block for ever; it is given up after IDLE_TIMEOUT_S with one line.
"""

from __future__ import annotations

import contextlib
import io
import os
import select
import stat
from pathlib import Path
from typing import Callable, Iterator, TextIO

from reader.interchange.records import ImportFormatError
from reader.paths import unreadable

MAX_LINE_CHARS = 64_000_000  # a line (an annotation of a whole long article at most) longer than this is not an export
HEAD_BYTES = 65_536  # blank bytes read, at most, in search of the first character
IDLE_TIMEOUT_S = 300.0  # a pipe or device silent this long is given up

Progress = Callable[[int, int], None]


class _Once(io.RawIOBase):
    """The bytes already read to tell the format, then the rest of the file: one pass over it."""

    def __init__(self, fd: int, head: bytes, name: str, waits: bool, progress: Progress | None, total: int):
        self.fd, self.head, self.name, self.waits = fd, memoryview(head), name, waits
        self.progress, self.total, self.done = progress, total, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self.head:
            count = min(len(buffer), len(self.head))
            buffer[:count] = self.head[:count]
            self.head = self.head[count:]
        else:
            if self.waits:
                _wait_readable(self.fd, self.name)
            data = os.read(self.fd, len(buffer))
            count = len(data)
            buffer[:count] = data
        self.done += count
        if self.progress is not None and count and self.total:  # a pipe has no size to show progress against
            self.progress(min(self.done, self.total), self.total)
        return count


def _wait_readable(fd: int, name: str) -> None:
    ready, _, _ = select.select([fd], [], [], IDLE_TIMEOUT_S)
    if not ready:
        raise ImportFormatError(f"{name}: nothing arrived for {IDLE_TIMEOUT_S:g} s; gave up waiting")


def _open(path: Path) -> tuple[int, bool, int]:
    """(file descriptor, whether reads may wait, size); ImportFormatError saying why it cannot be read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise unreadable(path, exc, ImportFormatError, "is a directory, not an export file") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ImportFormatError(f"{path}: is a directory, not an export file")
        os.set_blocking(fd, True)  # opened without blocking only so that a FIFO without a writer cannot hang open()
    except BaseException:
        os.close(fd)
        raise
    regular = stat.S_ISREG(info.st_mode)
    return fd, not regular, info.st_size if regular else 0


def _looks_like_utf16(head: bytes) -> bool:
    """UTF-16 without a byte order mark: text whose every other byte is NUL."""
    sample = head[:1024]
    if len(sample) < 4 or not sample.strip(b"\x00"):
        return False
    return sample[1::2].count(0) >= len(sample) // 2 * 0.9 or sample[0::2].count(0) >= len(sample) // 2 * 0.9


def detect(head: bytes) -> str:
    """"jsonl" when the first non-blank character is "{", else "csv"."""
    return "jsonl" if head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"{") else "csv"


@contextlib.contextmanager
def open_import(path: str | Path, progress: Progress | None = None) -> Iterator[tuple[str, TextIO]]:
    """(format, text stream) of the file at `path`, read once; ImportFormatError if it cannot be read.

    The stream is UTF-8 (a BOM dropped), universal newlines off (newline="") as the csv module wants;
    `progress(bytes read, size)` is called as it is read.
    """
    path = Path(path)
    fd, waits, size = _open(path)
    try:
        head = b""
        try:
            while len(head) < HEAD_BYTES and not head.removeprefix(b"\xef\xbb\xbf").strip():
                if waits:
                    _wait_readable(fd, str(path))
                chunk = os.read(fd, HEAD_BYTES - len(head))
                if not chunk:
                    break
                head += chunk
        except OSError as exc:
            raise ImportFormatError(f"{path}: cannot read ({exc.strerror or exc})") from None
        if not head.removeprefix(b"\xef\xbb\xbf").strip():
            raise ImportFormatError(f"{path}: file is empty" if len(head) < HEAD_BYTES else f"{path}: no text in its first {HEAD_BYTES:,} bytes")
        if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_like_utf16(head):
            raise ImportFormatError(
                f"{path}: UTF-16 text; reader reads UTF-8 (save it as UTF-8, or convert it: iconv -f utf-16 -t utf-8)"
            )
        if head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"\x00"):  # /dev/zero; a note may hold a NUL, a header not
            raise ImportFormatError(f"{path}: binary data, not an export (CSV or JSON Lines)")
        raw = _Once(fd, head, str(path), waits, progress, size)
        stream = io.TextIOWrapper(io.BufferedReader(raw), encoding="utf-8-sig", newline="")
        yield detect(head), stream
    finally:
        os.close(fd)


def bounded_lines(stream: TextIO, name: str, limit: int = MAX_LINE_CHARS) -> Iterator[str]:
    """The stream's lines; ImportFormatError once one is longer than `limit` characters (memory stays bounded)."""
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit:
            raise ImportFormatError(
                f"{name}: line {number} is longer than {limit:,} characters: not an export file; stopped there"
            )
        yield line
