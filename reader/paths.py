"""Paths the user typed, made usable or refused in one line."""

from __future__ import annotations

from pathlib import Path

from reader.errors import ReaderError


def expand_path(path: str | Path, error: type[ReaderError] = ReaderError) -> Path:
    """`path` with a leading ~ or ~user expanded; `error` (one line) when that home is unknown."""
    try:
        return Path(path).expanduser()
    except RuntimeError:  # ~nouser/x: no such user
        raise error(f"{path}: no such user's home folder ({str(path).split('/', 1)[0]})") from None


def unreadable(path: str | Path, exc: OSError, error: type[ReaderError] = ReaderError, directory: str = "is a directory") -> ReaderError:
    """The one line saying why `path` could not be opened for reading (`directory`: what to say of a folder)."""
    if isinstance(exc, FileNotFoundError):
        return error(f"{path}: no such file")
    if isinstance(exc, IsADirectoryError):
        return error(f"{path}: {directory}")
    if isinstance(exc, PermissionError):
        return error(f"{path}: permission denied")
    return error(f"{path}: cannot read ({exc.strerror or exc})")
