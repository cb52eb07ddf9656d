"""A large library for the library benchmarks, built from PolNeAR's training texts, never committed.

    python benchmarks/library_corpus.py db DB 20000        # a library of 20,000 articles in DB
    python benchmarks/library_corpus.py files DIR 100000   # 100,000 article files in DIR

The texts are PolNeAR's (`../shared/corpora/polnear/train/text`, next to the
checkout, or READER_POLNEAR), repeated as often as needed, each copy made
unique by a last line naming its copy number. Nothing of them enters the repository.

`db` makes the library with the reader on PYTHONPATH (its own schema, so the
same articles can be measured with an older reader), stores the articles with
plain SQL in transactions of a thousand (the full-text index is filled by the
schema's own triggers, as `reader add` would), without analysis, as the issue
measured; one article in ten gets an annotation, and one in twenty a note on it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BATCH = 1000


def corpus_folder() -> Path:
    """PolNeAR's training texts: READER_POLNEAR, else ../shared/corpora/polnear/train next to the checkout."""
    if os.environ.get("READER_POLNEAR"):
        return Path(os.environ["READER_POLNEAR"])
    for base in (ROOT.parent, ROOT.parent.parent):
        folder = base / "shared" / "corpora" / "polnear" / "train"
        if folder.is_dir():
            return folder
    return ROOT.parent / "shared" / "corpora" / "polnear" / "train"


class CorpusMissing(SystemExit):
    pass


def source_files() -> list[Path]:
    folder = corpus_folder()
    texts = folder / "text" if (folder / "text").is_dir() else folder
    files = sorted(texts.glob("*.txt")) if texts.is_dir() else []
    if not files:
        raise CorpusMissing(
            f"the PolNeAR corpus is missing: no .txt files in {texts} (set READER_POLNEAR to its train folder)"
        )
    return files


def copies(count: int):
    """(file name, text) for `count` unique articles: the corpus over and over, each copy numbered."""
    files = source_files()
    raw = [p.read_bytes().decode("utf-8", errors="replace") for p in files]
    for i in range(count):
        n, copy = i % len(files), i // len(files)
        yield f"{copy:04d}-{files[n].name}", f"{raw[n].rstrip()}\n\nCopy {copy + 1}, number {i + 1} in the library benchmark.\n"


def write_files(folder: Path, count: int) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    size = 0
    for name, text in copies(count):
        data = text.encode("utf-8")
        (folder / name).write_bytes(data)
        size += len(data)
    return {"files": count, "bytes": size}


def build_db(db: Path, count: int) -> dict:
    """The library of `count` articles in `db` (made with the schema of the reader on sys.path)."""
    from reader.ingest.text import parse_text
    from reader.store import Store

    started = time.perf_counter()
    Store(db).close()  # the schema of this tree
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = WAL")
    stamp = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc).isoformat(timespec="seconds")
    tag_id = conn.execute("SELECT id FROM tags ORDER BY position LIMIT 1").fetchone()[0]
    rows, annotations = [], 0

    def flush() -> None:
        nonlocal annotations
        with conn:
            for row in rows:
                cursor = conn.execute(
                    "INSERT INTO articles (title, date, source, format, author, text, content_hash, word_count, meta, "
                    "imported_at) VALUES (?, ?, ?, 'text', NULL, ?, ?, ?, '{}', ?)", row,
                )
                article_id = cursor.lastrowid
                if article_id % 10 == 0:
                    text = row[3]
                    end = text.find(" ") if 0 < text.find(" ") < 40 else min(10, len(text))
                    note = "worth a second look" if article_id % 20 == 0 else ""
                    n = conn.execute(
                        'INSERT INTO annotations (article_id, start, "end", exact, prefix, suffix, note, author, '
                        "created_at, updated_at) VALUES (?, 0, ?, ?, '', ?, ?, 'bench', ?, ?)",
                        (article_id, end, text[:end], text[end:end + 32], note, stamp, stamp),
                    ).lastrowid
                    conn.execute("INSERT INTO annotation_tags (annotation_id, tag_id) VALUES (?, ?)", (n, tag_id))
                    annotations += 1
        rows.clear()

    for name, raw in copies(count):
        parsed = parse_text(raw)
        text = parsed.text
        rows.append((parsed.title, parsed.date, name, text, hashlib.sha256(text.encode()).hexdigest(),
                     len(text.split()), stamp))
        if len(rows) == BATCH:
            flush()
    flush()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return {"articles": count, "annotations": annotations, "bytes": db.stat().st_size,
            "seconds": round(time.perf_counter() - started, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=["db", "files"])
    parser.add_argument("path", type=Path)
    parser.add_argument("count", type=int)
    args = parser.parse_args()
    try:
        result = build_db(args.path, args.count) if args.what == "db" else write_files(args.path, args.count)
    except CorpusMissing as exc:
        print(f"library_corpus.py: {exc}", file=sys.stderr)
        sys.exit(2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
