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
