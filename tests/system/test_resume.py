"""An import or a re-analysis killed mid-batch, run again, does only what is left: none analysed twice, none half-written."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from reader.ingest.batch import import_files
from reader.store import Store

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = 60


def articles(folder: Path, seed_path: Path) -> Path:
    folder.mkdir()
    text = seed_path.read_text(encoding="utf-8")
    for n in range(ARTICLES):
        (folder / f"{n:03}.txt").write_text(f"Dispatch {n}.\n\n{text}", encoding="utf-8")
    return folder


def reader(*args: str, db: Path) -> subprocess.Popen:
    """This checkout's `python -m reader`, in a process group of its own (with its workers)."""
    env = dict(os.environ, READER_DB=str(db))
    return subprocess.Popen([sys.executable, "-m", "reader", *args], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def count(db: Path, sql: str) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return 0
    try:
        return conn.execute(sql).fetchone()[0]
    except sqlite3.Error:  # not made yet
        return 0
    finally:
        conn.close()


def kill_when(proc: subprocess.Popen, db: Path, sql: str, at_least: int) -> int:
    deadline = time.monotonic() + 120
    while count(db, sql) < at_least:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "nothing was stored"
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return count(db, sql)


def test_add_killed_mid_batch_then_run_again_adds_only_the_rest(tmp_path, seed_path):
    folder = articles(tmp_path / "in", seed_path)
    db = tmp_path / "reader.db"
    first = reader("add", "--jobs", "1", str(folder), db=db)
    done = kill_when(first, db, "SELECT count(*) FROM articles", 3)
    assert 3 <= done < ARTICLES, "the import ended before it was killed: nothing was tested"
    # Every article stored is whole: analysed, its entities and quotations all there.
    assert count(db, "SELECT count(*) FROM articles WHERE analyser IS NULL") == 0
    assert count(db, "SELECT count(DISTINCT article_id) FROM entities") == done
    assert count(db, "SELECT count(DISTINCT article_id) FROM quotes") == done  # the seed has one quotation
    assert count(db, "SELECT count(*) FROM article_counts c WHERE c.entities != "
                     "(SELECT count(*) FROM entities e WHERE e.article_id = c.article_id)") == 0
    again = reader("add", "--jobs", "1", str(folder), db=db)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert out.startswith(f"{ARTICLES - done} added, {done} already in the library, 0 failed"), out
    assert count(db, "SELECT count(*) FROM articles WHERE analyser IS NOT NULL") == ARTICLES


def test_reanalyze_all_killed_then_run_again_resumes(tmp_path, seed_path):
    folder = articles(tmp_path / "in", seed_path)
    db = tmp_path / "reader.db"
    store = Store(db)
    import_files(store, [folder], 5_000_000)
    store.close()
    first = reader("reanalyze", "--all", "--jobs", "1", db=db)
    done = kill_when(first, db, "SELECT count(*) FROM articles WHERE analysed_at IS NOT NULL", 3)
    assert 3 <= done < ARTICLES, "the re-analysis ended before it was killed: nothing was tested"
    assert count(db, "SELECT count(*) FROM analysis_queue") == ARTICLES - done
    conn = sqlite3.connect(db)
    stamps = dict(conn.execute("SELECT id, analysed_at FROM articles WHERE analysed_at IS NOT NULL"))
    conn.close()
    again = reader("reanalyze", "--all", "--jobs", "1", db=db)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert f"resuming an interrupted 'reanalyze --all': {ARTICLES - done} articles left" in err
    assert out.startswith(f"{ARTICLES - done} articles analysed"), out
    conn = sqlite3.connect(db)
    after = dict(conn.execute("SELECT id, analysed_at FROM articles"))
    assert conn.execute("SELECT count(*) FROM analysis_queue").fetchone()[0] == 0
    conn.close()
    assert all(after[i] == stamp for i, stamp in stamps.items())  # none analysed twice
    assert all(after.values())
