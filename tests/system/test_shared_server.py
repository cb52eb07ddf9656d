"""Libraries on a shared server: nothing another user plants or owns is followed, used or taken over.

The audit: a symlink another user planted where a library would be made had reader write a library
into the victim's file, and the victim's note into the attacker's world-writable library; a device
given as --db left a 0666 journal beside it; a newer reader's library with a hot write-ahead log was
checkpointed (its bytes changed) while being refused; a database holding only another tool's
_sqlite_migrations table was taken over.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.cli import cli
from reader.store import Store, StoreError

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_8d4d9360f55ea89e.txt"
NOBODY = 65534
as_root = pytest.mark.skipif(os.getuid() != 0, reason="making files another user's needs root")


def run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    return result


def one_line_refusal(result, *expected: str) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@as_root
def test_a_symlink_another_user_planted_is_not_followed(tmp_path):
    victim = tmp_path / "victim-thesis.txt"
    victim.write_text("my thesis")
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o1777)
    planted = shared / "reader.db"
    planted.symlink_to(victim)
    os.lchown(planted, NOBODY, NOBODY)
    one_line_refusal(run("add", "--no-analysis", "--db", str(planted), str(SEED)), "symlink made by another user")
    assert victim.read_text() == "my thesis"


def test_a_symlink_to_nothing_is_not_followed_to_make_a_library(tmp_path):
    target = tmp_path / "elsewhere" / "made-here.db"
    link = tmp_path / "reader.db"
    link.symlink_to(target)
    one_line_refusal(run("add", "--no-analysis", "--db", str(link), str(SEED)), "does not exist; refused")
    assert not target.exists() and not target.parent.exists()


def test_your_own_symlink_to_your_own_library_works(tmp_path):
    real = tmp_path / "real.db"
    Store(real).close()
    link = tmp_path / "link.db"
    link.symlink_to(real)
    assert run("add", "--no-analysis", "--db", str(link), str(SEED)).exit_code == 0
    store = Store(real)
    assert store.count_articles() == 1
    store.close()
    assert link.is_symlink()


@as_root
def test_a_library_another_user_owns_is_refused(tmp_path):
    theirs = tmp_path / "theirs.db"
    Store(theirs).close()
    os.chown(theirs, NOBODY, NOBODY)
    before = sha(theirs)
    one_line_refusal(run("add", "--no-analysis", "--db", str(theirs), str(SEED)), "belongs to another user")
    assert sha(theirs) == before


@pytest.mark.parametrize("mode", [0o666, 0o620, 0o602])
def test_a_library_others_can_write_is_refused_saying_how_to_fix_it(tmp_path, mode):
    shared = tmp_path / "open.db"
    Store(shared).close()
    shared.chmod(mode)
    line = one_line_refusal(run("list", "--db", str(shared)), "can be changed by other users", "chmod 600")
    assert f"{mode:04o}" in line


def test_a_planted_journal_symlink_is_refused(tmp_path):
    path = tmp_path / "lib.db"
    Store(path).close()
    elsewhere = tmp_path / "victim"
    elsewhere.write_text("keep")
    (tmp_path / "lib.db-wal").symlink_to(elsewhere)
    one_line_refusal(run("list", "--db", str(path)), "journal is not a regular file")
    assert elsewhere.read_text() == "keep"


def test_a_new_library_is_never_created_through_a_symlink(tmp_path, monkeypatch):
    """The window between the check and the creation: O_EXCL | O_NOFOLLOW refuses a symlink planted in it."""
    import reader.store as store_module

    path = tmp_path / "new.db"
    victim = tmp_path / "victim"
    victim.write_text("keep")
    real_lstat = store_module._lstat
    calls = 0

    def lstat_then_plant(p):
        nonlocal calls
        calls += 1
        result = real_lstat(p)
        if calls == 2 and not path.exists():  # after the symlink check, before the creation
            path.symlink_to(victim)
        return result

    monkeypatch.setattr(store_module, "_lstat", lstat_then_plant)
    with pytest.raises(StoreError, match="not a regular file"):
        Store(path)
    assert victim.read_text() == "keep"


def test_a_device_as_the_library_is_refused_and_leaves_no_journal():
    before = set(os.listdir("/dev"))
    one_line_refusal(run("list", "--db", "/dev/null"), "not a regular file")
    one_line_refusal(run("add", "--no-analysis", "--db", "/dev/null", str(SEED)), "not a regular file")
    assert set(os.listdir("/dev")) - before == set()  # no /dev/null-journal made


def test_a_newer_library_with_a_hot_wal_is_refused_byte_for_byte(tmp_path):
    path = tmp_path / "lib.db"
    store = Store(path)
    store.close()
    script = textwrap.dedent(
        f"""
        import os, sqlite3
        conn = sqlite3.connect({str(path)!r})
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        with conn:
            conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('reader', 'm999_future', 'x')")
        os._exit(0)  # killed: the log is never checkpointed
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True)
    wal = tmp_path / "lib.db-wal"
    assert wal.stat().st_size > 0
    before = (sha(path), sha(wal))
    one_line_refusal(run("list", "--db", str(path)), "newer version of reader")
    one_line_refusal(run("add", "--no-analysis", "--db", str(path), str(SEED)), "newer version of reader")
    assert (sha(path), sha(wal)) == before


def test_another_tools_migrations_table_is_not_taken_over(tmp_path):
    path = tmp_path / "tool.db"
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE _sqlite_migrations (migration_set TEXT, name TEXT, applied_at TEXT)")
        conn.execute("INSERT INTO _sqlite_migrations VALUES ('their-tool', 'm001', 'x')")
    conn.close()
    path.chmod(0o600)
    before = sha(path)
    one_line_refusal(run("add", "--no-analysis", "--db", str(path), str(SEED)), "another tool's", "their-tool")
    assert sha(path) == before
