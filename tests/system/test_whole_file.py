"""One whole file: after a clean exit reader.db alone holds everything; backups; network filesystems."""

from __future__ import annotations

import os
import pty
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.cli import cli
from reader.store import Store, StoreError, network_filesystem

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_8d4d9360f55ea89e.txt"


@pytest.fixture
def library(tmp_path, seed_article, seed_analysis):
    path = tmp_path / "lib" / "reader.db"
    store = Store(path)
    article_id, _ = store.add_article(seed_article, seed_analysis)
    store.close()
    return path, article_id


def tags_in(path: Path) -> list[list[str]]:
    store = Store(path)
    try:
        article_id = store.list_articles()[0].id
        return [a.tags for a in store.annotations(article_id)]
    finally:
        store.close()


class Session:
    """`python -m reader` (this checkout's) in a pseudo-terminal."""

    def __init__(self, db: Path, *args: str):
        self.master, slave = pty.openpty()
        import fcntl
        import struct
        import termios

        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 110, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", READER_DB=str(db), READER_USER="tester")
        for name in ("COLUMNS", "LINES", "NO_COLOR"):
            env.pop(name, None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "reader", *args], stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT,
            start_new_session=True,
        )
        os.close(slave)
        self.output = bytearray()

    def read_until(self, needle: bytes, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.output:
            assert time.monotonic() < deadline and self.proc.poll() is None, bytes(self.output[-1500:])
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    self.output.extend(os.read(self.master, 65536))
                except OSError:
                    pass

    def press(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def wait(self, timeout: float = 30) -> int:
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    self.output.extend(os.read(self.master, 65536))
                except OSError:
                    pass
        code = self.proc.wait(timeout=5)
        os.close(self.master)
        return code


def wait_for_annotation(db: Path, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            if conn.execute("SELECT count(*) FROM annotation_tags").fetchone()[0]:
                return
        finally:
            conn.close()
        time.sleep(0.1)
    raise AssertionError("the tag was never saved")


@pytest.mark.parametrize("leave", ["q", "SIGTERM", "SIGHUP"])
def test_tag_quit_and_the_database_file_alone_holds_the_tag(library, tmp_path, leave):
    path, _ = library
    session = Session(path, str(SEED))
    session.read_until(b"Alec")
    session.press(b")")
    time.sleep(0.3)
    session.press(b"1")
    wait_for_annotation(path)
    if leave == "q":
        session.press(b"q")
    else:
        session.proc.send_signal(getattr(signal, leave))
    code = session.wait()
    assert code == 0 or leave != "q", session.output[-1500:]
    assert session.proc.returncode is not None
    assert not Path(f"{path}-wal").exists(), "the write-ahead log was left behind"
    copy = tmp_path / "copy" / "reader.db"
    copy.parent.mkdir()
    shutil.copyfile(path, copy)  # the database file only
    assert tags_in(copy) == [["claim"]]


def test_closing_with_another_session_open_leaves_it_undisturbed(library, tmp_path):
    path, article_id = library
    other = Store(path)
    store = Store(path)
    store.create_annotation(article_id, 0, 4, "me", tags=["claim"])
    other.annotations(article_id)  # the other session is reading too
    store.close()
    store.close()  # twice: nothing
    # The checkpoint copied what it could without waiting; the other session goes on reading and writing.
    assert [a.tags for a in other.annotations(article_id)] == [["claim"]]
    other.create_annotation(article_id, 5, 10, "you", tags=["fact-check"])
    copy = tmp_path / "copy.db"
    shutil.copyfile(path, copy)
    assert tags_in(copy) == [["claim"]]  # the first session's work is in the file itself
    other.close()
    assert not Path(f"{path}-wal").exists()
    assert sorted(t for tags in tags_in(path) for t in tags) == ["claim", "fact-check"]


def test_backup_is_one_consistent_file_while_another_session_writes(library, tmp_path):
    path, article_id = library
    writer = Store(path)
    stop = threading.Event()
    written = []

    def keep_writing() -> None:
        while not stop.is_set():
            written.append(writer.create_annotation(article_id, 0, 4, "busy", tags=["claim"]).id)

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        time.sleep(0.2)
        result = CliRunner().invoke(cli, ["backup", str(tmp_path / "backup.db"), "--db", str(path)])
        time.sleep(0.2)
    finally:
        stop.set()
        thread.join()
    assert result.exit_code == 0, result.output
    assert "backed up to" in result.stdout
    backup = tmp_path / "backup.db"
    assert not Path(f"{backup}-wal").exists() and not Path(f"{backup}-journal").exists()
    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    conn = sqlite3.connect(backup)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    copied = conn.execute("SELECT count(*) FROM annotations").fetchone()[0]
    conn.close()
    assert 0 < copied < len(written)  # a snapshot taken while the writes went on
    writer.close()


def test_backup_refuses_an_existing_file_and_a_missing_folder(library, tmp_path):
    path, _ = library
    existing = tmp_path / "there.db"
    existing.write_bytes(b"keep me")
    for dest, message in ((existing, "exists already"), (tmp_path / "nowhere" / "b.db", "no such folder")):
        result = CliRunner().invoke(cli, ["backup", str(dest), "--db", str(path)])
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert message in result.stderr and result.stderr.count("\n") == 1
    assert existing.read_bytes() == b"keep me"
    folder = tmp_path / "backups"
    folder.mkdir()
    result = CliRunner().invoke(cli, ["backup", str(folder), "--db", str(path)])
    assert result.exit_code == 0 and (folder / "reader.db").exists()
    result = CliRunner().invoke(cli, ["backup", str(folder), "--db", str(tmp_path / "missing.db")])
    assert result.exit_code == 1 and "no library at" in result.stderr


def test_network_filesystem_is_found_in_the_mount_table(tmp_path):
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "/dev/vda / ext4 rw 0 0\n"
        f"server:/export {tmp_path}/share nfs4 rw 0 0\n"
        f"//host/smb {tmp_path}/my\\040files cifs rw 0 0\n"
    )
    (tmp_path / "share" / "deeper").mkdir(parents=True)
    (tmp_path / "my files").mkdir()
    assert network_filesystem(tmp_path / "share" / "deeper" / "reader.db", mounts) == "nfs4"
    assert network_filesystem(tmp_path / "my files" / "reader.db", mounts) == "cifs"
    assert network_filesystem(tmp_path / "sharealike" / "reader.db", mounts) is None
    assert network_filesystem(tmp_path / "reader.db", mounts) is None


def test_on_a_network_filesystem_one_session_with_a_rollback_journal(tmp_path, monkeypatch, seed_article):
    import reader.store

    monkeypatch.setattr(reader.store, "network_filesystem", lambda path: "nfs4")
    path = tmp_path / "reader.db"
    result = CliRunner().invoke(cli, ["add", "--no-analysis", str(SEED), "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "network filesystem (nfs4)" in result.stderr and result.stderr.count("\n") == 1
    store = Store(path)
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert not Path(f"{path}-wal").exists()
    with pytest.raises(StoreError, match="open in another session"):
        Store(path)
    store.close()
    Store(path).close()  # free again once the first has closed
