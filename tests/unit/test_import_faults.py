"""Imports that the audit broke: one bad line aborting everything, /dev/zero growing memory, a pipe
losing its first 4 KB, and one long transaction locking every other session out."""

from __future__ import annotations

import json
import os
import threading
import time

import pytest
from annotated_seed import annotate, csv_bytes, jsonl_bytes, library, seed

import reader.interchange.importer as importer
import reader.interchange.source as source
from reader.interchange.codebook import import_codebook
from reader.interchange.importer import import_annotations
from reader.interchange.records import ImportFormatError
from reader.interchange.source import bounded_lines
from reader.store import Store


def many(store: Store, article_id: int, count: int) -> None:
    """`count` annotations, each on its own span."""
    text = store.get_article_text(article_id)
    with store.transaction():
        for i in range(count):
            store.insert_annotation(
                {"article_id": article_id, "start": i, "end": i + 7, "exact": text[i : i + 7], "prefix": text[max(0, i - 32) : i],
                 "suffix": text[i + 7 : i + 39], "note": f"note {i}", "author": "ann",
                 "created_at": "2024-01-01T00:00:00+00:00", "updated_at": "2024-01-01T00:00:00+00:00"},
                tags=["claim"],
            )


def jsonl_lines(count: int) -> list[str]:
    store, article_id = library()
    many(store, article_id, count)
    lines = jsonl_bytes(store).decode().splitlines()
    store.close()
    return lines


def stored(store: Store) -> int:
    return store.db["annotations"].count


# ---------------------------------------------------------------- a bad line is skipped, the rest imports


def test_a_time_past_the_year_9999_is_one_skipped_line(tmp_path):
    lines = jsonl_lines(3)
    record = json.loads(lines[1])
    record["created"] = "9999-12-31T23:59:59-05:00"  # OverflowError in UTC
    lines[1] = json.dumps(record)
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(lines) + "\n")
    fresh, _ = library()
    report = import_annotations(fresh, path)
    assert report.added == 2 and [p.line for p in report.errors] == [2]
    assert "out of range" in str(report.errors[0])


def test_a_time_past_the_year_9999_in_csv_is_one_skipped_line(tmp_path):
    store, article_id = library()
    annotate(store, article_id)
    data = csv_bytes(store).decode()
    created = store.annotations(article_id)[1].created_at
    path = tmp_path / "a.csv"
    path.write_text(data.replace(created, "9999-12-31T23:59:59-05:00", 1))
    fresh, _ = library()
    report = import_annotations(fresh, path)
    assert report.added == len(store.annotations(article_id)) - 1 and len(report.errors) == 1


@pytest.mark.parametrize("bad", ['{"id": ' + "9" * 5000 + "}", "[" * 100_000 + "]" * 100_000, '{"a": ' * 50_000])
def test_a_huge_number_or_deep_nesting_is_one_skipped_line(tmp_path, bad):
    lines = jsonl_lines(3)
    lines.insert(1, bad)
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(lines) + "\n")
    fresh, _ = library()
    report = import_annotations(fresh, path)
    assert report.added == 3 and [p.line for p in report.errors] == [2]


# ---------------------------------------------------------------- bounded


@pytest.mark.parametrize("what", ["annotations", "codebook"])
def test_dev_zero_is_refused_at_once(what):
    store, _ = library()
    started = time.monotonic()
    with pytest.raises(ImportFormatError, match="binary data"):
        (import_annotations if what == "annotations" else import_codebook)(store, "/dev/zero")
    assert time.monotonic() - started < 5


def test_a_line_longer_than_the_bound_stops_the_read(tmp_path):
    import io

    with pytest.raises(ImportFormatError, match="line 2 is longer than 100 characters"):
        list(bounded_lines(io.StringIO("short\n" + "x" * 1000), "f", limit=100))


def test_an_endless_line_from_a_pipe_stops_at_the_bound(tmp_path, monkeypatch):
    monkeypatch.setattr(source, "MAX_LINE_CHARS", 100_000)
    fifo = tmp_path / "endless"
    os.mkfifo(fifo)
    stop = threading.Event()

    def writer():
        try:
            with open(fifo, "wb") as out:
                while not stop.is_set():
                    out.write(b"{" + b"a" * 65536)
        except BrokenPipeError:
            pass

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    fresh, _ = library()
    try:
        with pytest.raises(ImportFormatError, match="longer than"):
            import_annotations(fresh, fifo)
    finally:
        stop.set()


# ---------------------------------------------------------------- read once


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_import_from_a_pipe_loses_nothing(tmp_path, fmt):
    store, article_id = library()
    many(store, article_id, 187)
    data = jsonl_bytes(store) if fmt == "jsonl" else csv_bytes(store)
    assert len(data) > 4096 * 4
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    def writer():
        with open(fifo, "wb") as out:
            for i in range(0, len(data), 1000):  # in small pieces, as a pipe delivers
                out.write(data[i : i + 1000])
                out.flush()

    threading.Thread(target=writer, daemon=True).start()
    fresh, _ = library()
    report = import_annotations(fresh, fifo)
    assert (report.added, report.errors) == (187, [])
    assert stored(fresh) == 187


def test_a_pipe_that_sends_nothing_is_given_up_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(source, "IDLE_TIMEOUT_S", 0.5)
    fifo = tmp_path / "silent"
    os.mkfifo(fifo)
    opened = threading.Event()

    def writer():
        with open(fifo, "wb"):
            opened.set()
            time.sleep(3)

    threading.Thread(target=writer, daemon=True).start()
    fresh, _ = library()
    with pytest.raises(ImportFormatError, match="nothing arrived"):
        import_annotations(fresh, fifo)


def test_a_utf16_file_is_called_utf16(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("annotation_id,article_id,start,end,text\n".encode("utf-16"))
    with pytest.raises(ImportFormatError, match="UTF-16"):
        import_annotations(library()[0], path)
    path.write_bytes("annotation_id,article_id,start,end,text\n".encode("utf-16-le"))  # no byte order mark
    with pytest.raises(ImportFormatError, match="UTF-16"):
        import_annotations(library()[0], path)


# ---------------------------------------------------------------- batches


def test_a_large_import_commits_in_batches_and_others_write_meanwhile(tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_RECORDS", 20)
    source_store, article_id = library()
    many(source_store, article_id, 300)
    path = tmp_path / "big.jsonl"
    path.write_bytes(jsonl_bytes(source_store))
    db = tmp_path / "team.db"
    target = Store(db)
    target.add_article(seed())
    real = importer._import_record

    def slow(*args):
        time.sleep(0.005)
        return real(*args)

    monkeypatch.setattr(importer, "_import_record", slow)
    writes: list[float] = []

    def colleague():
        other = Store(db)
        text = other.get_article_text(1)
        while len(writes) < 10:
            started = time.monotonic()
            other.create_annotation(1, 100, 110, "colleague", note=text[100:110])
            writes.append(time.monotonic() - started)
            time.sleep(0.02)
        other.close()

    thread = threading.Thread(target=colleague)
    started = time.monotonic()
    thread.start()
    report = import_annotations(target, path)
    thread.join()
    assert report.added == 300
    assert max(writes) < 1.0  # never "library busy"; a wait of one batch at most
    assert min(w for w in writes) < time.monotonic() - started


def test_a_killed_import_run_again_adds_the_rest_and_nothing_twice(tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_RECORDS", 20)
    source_store, article_id = library()
    many(source_store, article_id, 100)
    path = tmp_path / "big.jsonl"
    path.write_bytes(jsonl_bytes(source_store))
    target, _ = library()
    real = importer._import_record
    calls = 0

    def killed(*args):
        nonlocal calls
        calls += 1
        if calls == 55:
            raise KeyboardInterrupt  # as a kill: no cleanup beyond the open transaction's rollback
        return real(*args)

    monkeypatch.setattr(importer, "_import_record", killed)
    with pytest.raises(KeyboardInterrupt):
        import_annotations(target, path)
    assert stored(target) == 40  # the batches before the one killed
    monkeypatch.setattr(importer, "_import_record", real)
    again = import_annotations(target, path)
    assert (again.added, again.duplicates) == (60, 40) and stored(target) == 100


def test_an_import_stopped_by_a_damaged_line_keeps_what_came_before(tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_RECORDS", 10)
    lines = jsonl_lines(30)
    path = tmp_path / "a.jsonl"
    path.write_bytes(("\n".join(lines[:25]) + "\n").encode() + b"\xff\xfe broken\n" + ("\n".join(lines[25:]) + "\n").encode())
    target, _ = library()
    with pytest.raises(ImportFormatError, match="not UTF-8.*the 2[0-9] annotations before it were imported"):
        import_annotations(target, path)
    assert 20 <= stored(target) <= 25


def test_an_import_reports_progress_to_the_end(tmp_path):
    lines = jsonl_lines(50)
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(lines) + "\n")
    seen: list[tuple[int, int]] = []
    import_annotations(library()[0], path, progress=lambda done, total: seen.append((done, total)))
    size = path.stat().st_size
    assert seen and seen[-1] == (size, size) and all(total == size for _, total in seen)
