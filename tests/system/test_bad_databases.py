"""Databases reader must not use: each gets one clear line and exit status 1, and the file is never changed.

Also: a new library is private to its owner, and an empty file is taken as a new library.
"""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.cli import cli
from reader.ingest.files import read_article
from reader.store import Store

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_8d4d9360f55ea89e.txt"
PAGE = 4096

# Every way in: opening the reader (no command), reading commands and writing ones.
COMMANDS = [[], ["list"], ["search", "baldwin"], ["export"], ["add", "--no-analysis", str(SEED)]]


@pytest.fixture(autouse=True)
def _no_app(monkeypatch):
    """Should a bad database get through, the test fails rather than wait on an app with no terminal."""
    import reader.app

    def refuse(*args, **kwargs):
        raise AssertionError("the app was started on a database that should have been refused")

    monkeypatch.setattr(reader.app, "run_app", refuse)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def library(path: Path) -> Path:
    """A reader database with the seed and a few annotations, closed (its journal checkpointed)."""
    store = Store(path)
    article_id, _ = store.add_article(read_article(SEED))
    for i in range(40):
        store.create_annotation(article_id, i * 10, i * 10 + 5, "me", tags=["claim"], note="a note " * 30)
    store.close()
    return path


def garbage(path: Path, first_page: int, pages: int = 1) -> None:
    """Overwrite whole pages with random bytes, keeping the 100-byte file header valid."""
    data = bytearray(path.read_bytes())
    start = max(100, first_page * PAGE)
    end = min(len(data), (first_page + pages) * PAGE)
    data[start:end] = random.Random(7).randbytes(end - start)
    path.write_bytes(bytes(data))


def not_sqlite(tmp_path: Path) -> Path:
    path = tmp_path / "notes.db"
    path.write_bytes(b"These are my notes, not a database.\n" * 50)
    return path


def corrupt_schema_page(tmp_path: Path) -> Path:
    path = library(tmp_path / "lib.db")
    garbage(path, 0)  # the header is valid, the schema on page 1 is not
    return path


def corrupt_data_pages(tmp_path: Path) -> Path:
    path = library(tmp_path / "lib.db")
    assert path.stat().st_size > 12 * PAGE
    garbage(path, 5, pages=4)  # the schema reads fine; the tables' pages are garbage
    return path


def newer_version(tmp_path: Path) -> Path:
    path = library(tmp_path / "lib.db")
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('reader', 'm999_future', '2099-01-01')")
    conn.close()
    return path


def other_application(tmp_path: Path) -> Path:
    path = tmp_path / "recipes.db"
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO recipes (name) VALUES ('soup')")
    conn.close()
    return path


BAD = {
    "not SQLite": (not_sqlite, "not a reader database"),
    "corrupt schema page": (corrupt_schema_page, "corrupt"),
    "corrupt data pages": (corrupt_data_pages, "corrupt"),
    "newer version": (newer_version, "newer version of reader"),
    "other application": (other_application, "not a reader database"),
}


def refused(path: Path, expected: str) -> None:
    """Every command refuses `path` in one line naming it, exits 1, and leaves it byte for byte as it was."""
    before = sha256(path)
    files = sorted(path.parent.iterdir())
    for args in COMMANDS:
        result = CliRunner().invoke(cli, [*args, "--db", str(path)])
        assert result.exit_code == 1, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        lines = result.stderr.splitlines()
        assert len(lines) == 1, (args, result.stderr)
        assert lines[0].startswith(f"reader: {path}: ") and expected in lines[0], (args, lines[0])
        assert "Traceback" not in result.output
        assert sha256(path) == before, args
    assert sorted(path.parent.iterdir()) == files  # no journal or other file left beside it


@pytest.mark.parametrize("kind", list(BAD))
def test_bad_database_is_refused_and_left_unchanged(tmp_path, kind):
    make, expected = BAD[kind]
    refused(make(tmp_path), expected)


def _make_unwritable(path: Path) -> bool:
    """Make `path` read-only even for root (the immutable attribute); False when that is not possible here."""
    path.chmod(0o444 if path.is_file() else 0o555)
    if not os.access(path, os.W_OK):
        return True
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0
    return done and not os.access(path, os.W_OK)


def _make_writable(path: Path) -> None:
    subprocess.run(["chattr", "-i", str(path)], capture_output=True)
    path.chmod(0o600 if path.is_file() else 0o700)


@pytest.mark.parametrize("what", ["file", "folder"])
def test_read_only_database_is_refused_and_left_unchanged(tmp_path, what):
    folder = tmp_path / "shared"
    folder.mkdir()
    path = library(folder / "lib.db")
    locked = path if what == "file" else folder
    try:
        if not _make_unwritable(locked):
            pytest.skip("cannot make a file read-only here")
        refused(path, "read-only")
    finally:
        _make_writable(locked)


def test_empty_file_is_initialised_as_a_new_library(tmp_path):
    """`touch reader.db; reader --db reader.db` is a deliberate way to start a library: it is not refused."""
    path = tmp_path / "reader.db"
    path.touch()
    result = CliRunner().invoke(cli, ["list", "--db", str(path)])
    assert result.exit_code == 0 and "library is empty" in result.stderr  # piped: stdout holds only articles
    assert result.stdout == ""
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"
    assert Store(path).count_articles() == 0


def test_new_library_and_its_folder_are_private(tmp_path):
    old_umask = os.umask(0)  # the permissions must not depend on the user's umask
    try:
        path = tmp_path / "data" / "reader" / "reader.db"
        store = Store(path)
        article_id, _ = store.add_article(read_article(SEED))
        store.create_annotation(article_id, 0, 4, "me", note="private")
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in path.parent.iterdir()}
        assert modes == {"reader.db": 0o600, "reader.db-wal": 0o600, "reader.db-shm": 0o600}
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        store.close()
    finally:
        os.umask(old_umask)


def test_damage_found_after_opening_is_one_line(tmp_path, monkeypatch):
    """Should a page go bad while a command runs, the user still gets one line, not a traceback."""
    path = library(tmp_path / "lib.db")
    import reader.store

    monkeypatch.setattr(reader.store.Store, "_check_integrity", lambda self: None)
    garbage(path, 5, pages=4)
    result = CliRunner().invoke(cli, ["export", "--db", str(path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"reader: {path}: the database file is corrupt") and result.stderr.count("\n") == 1
