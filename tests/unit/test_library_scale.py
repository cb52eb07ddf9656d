"""The library at scale, in storage: counts kept as data changes, paged listing and search (no timing here)."""

from __future__ import annotations

import dataclasses
import sqlite3

import pytest

from reader.ingest.files import parse_article
from reader.model import Analysis, Entity, Quote
from reader.store import Store


def article(n: int, body: str = "The council met on Tuesday."):
    return parse_article(f"Story {n}\n\n{body} Number {n}.\n".encode(), f"{n}.txt")


def analysis(entities: int, quotes: int) -> Analysis:
    return Analysis(
        [Entity(0, 5, "ORG", "Story") for _ in range(entities)],
        [Quote(0, 5, "Story", None, None, None, None) for _ in range(quotes)],
        "test-1",
    )


def counts(store: Store, article_id: int) -> tuple[int, int, int, int]:
    (row,) = store.library_rows([article_id]).values()
    return row.annotations, row.notes, row.entities, row.quotes


@pytest.fixture
def store():
    store = Store()
    yield store
    store.close()


def test_counts_follow_every_change_and_notes_count_only_annotations_with_a_note(store):
    article_id, _ = store.add_article(article(1), analysis(3, 1))
    assert counts(store, article_id) == (0, 0, 3, 1)
    tagged = store.create_annotation(article_id, 0, 5, "me", tags=["claim"])
    noted = store.create_annotation(article_id, 6, 9, "me", note="check this")
    assert counts(store, article_id) == (2, 1, 3, 1)  # two annotations, one of them with a note
    store.set_note(tagged.id, "now a note too")
    assert counts(store, article_id) == (2, 2, 3, 1)
    store.set_note(noted.id, "   ")  # blank is no note
    assert counts(store, article_id) == (2, 1, 3, 1)
    store.delete_annotation(tagged.id)
    assert counts(store, article_id) == (1, 0, 3, 1)
    store.restore_annotation(dataclasses.replace(tagged, note="back"))  # undo, with a note
    assert counts(store, article_id) == (2, 1, 3, 1)
    store.restore_annotation(tagged)  # restored over itself, as it was made: no note
    assert counts(store, article_id) == (2, 0, 3, 1)
    store.set_analysis(article_id, analysis(5, 0))
    assert counts(store, article_id) == (2, 0, 5, 0)
    with store.transaction():
        store.db.execute("DELETE FROM articles WHERE id = ?", [article_id])
    assert store.library_rows([article_id]) == {}
    assert store.db.execute("SELECT count(*) FROM article_counts").fetchone()[0] == 0


def test_migration_counts_what_an_older_library_holds(tmp_path):
    path = tmp_path / "old.db"
    store = Store(path)
    article_id, _ = store.add_article(article(1), analysis(2, 1))
    store.create_annotation(article_id, 0, 5, "me", note="a note")
    store.create_annotation(article_id, 6, 9, "me", tags=["claim"])
    # Back to the schema before m004: its tables, triggers and index gone, its record removed.
    names = [r[0] for r in store.db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'article_counts%'")]
    with store.transaction():
        for name in names:
            store.db.execute(f"DROP TRIGGER {name}")
        store.db.execute("DROP TABLE article_counts")
        store.db.execute("DROP TABLE analysis_queue")
        store.db.execute("DROP INDEX idx_articles_listing")
        store.db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm004_library_at_scale'")
    store.close()
    again = Store(path)
    assert counts(again, article_id) == (2, 1, 2, 1)
    again.close()


def test_listing_is_newest_first_streamed_and_paged(store):
    ids = [store.add_article(article(n))[0] for n in range(5)]
    assert list(store.article_ids()) == ids[::-1]
    rows = store.iter_articles()
    assert next(rows).id == ids[-1]  # a generator: rows come as they are read
    assert [r.id for r in rows] == ids[-2::-1]
    page = store.library_rows(ids[1:3])
    assert sorted(page) == ids[1:3] and page[ids[1]].title == "Story 1"
    assert set(store.list_articles()[0]._fields) >= {"id", "title", "date", "word_count", "annotations", "notes", "entities", "quotes"}
    assert store.count_articles() == 5


def test_library_search_gives_notes_first_then_articles_newest_first(store):
    first, _ = store.add_article(article(1, "The court sat late."))
    store.add_article(article(2, "Nothing to see."))
    third, _ = store.add_article(article(3, "A courtroom drama."))
    note = store.create_annotation(first, 0, 5, "me", note="courting trouble")
    matches = store.search_library("cour")
    assert len(matches) == 3 and matches.notes == [(first, note.id)] and list(matches.articles) == [third, first]
    rows = store.match_rows(matches, 0, 10)
    assert [(r.kind, r.article_id, r.annotation_id) for r in rows] == [
        ("annotation", first, note.id), ("article", third, None), ("article", first, None)]
    assert "[courting]" in rows[0].snippet and "[courtroom]" in rows[1].snippet
    assert rows[2].title == "Story 1"
    assert [r.article_id for r in store.match_rows(matches, 1, 1)] == [third]  # a page from the middle
    assert store.match_rows(matches, 3, 10) == []


def test_a_short_last_word_is_matched_whole_not_as_a_prefix(store):
    store.add_article(article(1, "Talks in the EU went on."))
    store.add_article(article(2, "Europe's eurozone."))
    assert len(store.search_library("eu").articles) == 1  # the word "EU", not every word starting "eu"
    assert len(store.search_library("eur").articles) == 1  # three letters: a prefix ("Europe's", "eurozone")
    assert len(store.search_library('"').articles) == 0


def test_an_interrupted_reanalysis_queue_empties_as_analyses_are_stored(store):
    ids = [store.add_article(article(n))[0] for n in range(3)]
    store.queue_analysis(ids)
    store.queue_analysis(ids)  # queued twice is queued once
    store.set_analysis(ids[1], analysis(1, 0))
    assert store.queued_for_analysis() == [ids[0], ids[2]]


def test_a_large_library_is_opened_without_reading_it_whole(tmp_path, monkeypatch):
    """Above QUICK_CHECK_MAX_BYTES the open reads the schema only; a smaller damaged file is still refused."""
    import reader.store

    path = tmp_path / "reader.db"
    Store(path).close()
    checks = []
    real = Store._check_integrity
    monkeypatch.setattr(Store, "_check_integrity", lambda self: (checks.append(self.path), real(self))[1])
    Store(path).close()
    assert checks == [path]
    monkeypatch.setattr(reader.store, "QUICK_CHECK_MAX_BYTES", 1)
    Store(path).close()
    assert checks == [path]
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM articles").fetchone() == (0,)
    conn.close()


def test_reader_list_into_a_pipe_closed_early_ends_quietly(tmp_path):
    """`reader list | head -1`: one line per article until the reader of the pipe goes, then no traceback."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from reader.ingest.batch import import_files

    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(3000):
        (folder / f"{n}.txt").write_text(f"Story {n}\n\nThe council met on day {n}.\n", encoding="utf-8")
    db = tmp_path / "reader.db"
    store = Store(db)
    import_files(store, [folder], 1_000_000)
    store.close()
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, READER_DB=str(db))
    proc = subprocess.Popen([sys.executable, "-m", "reader", "list"], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline().decode()
    proc.stdout.close()  # as `head -1` does
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    # The newest first: the last file read, in name order.
    assert first.split("\t")[0] == "3000" and first.count("\t") == 7 and first.rstrip("\n").endswith("\tStory 999")
    assert "Traceback" not in err and "Error" not in err, err


def test_progress_when_not_a_terminal_is_a_quiet_line_with_rate_and_time_left(tmp_path, monkeypatch):
    """Piped or logged, `reader add` says how far it is in a line now and then, never a bar."""
    from click.testing import CliRunner

    import reader.cli
    from reader.cli import cli

    monkeypatch.setattr(reader.cli, "QUIET_PROGRESS_S", 0.0)
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(3):
        (folder / f"{n}.txt").write_text(f"Story {n}\n\nThe council met on day {n}.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["add", "--no-analysis", str(folder), "--db", str(tmp_path / "r.db")])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines and all(line.startswith("reader: importing: ") for line in lines)
    assert "1 of 3 files (" in lines[0] and "/s, " in lines[0] and lines[0].endswith(" left)")
    assert "\r" not in result.stderr and "\x1b" not in result.stderr
    assert result.stdout.startswith("3 added")
