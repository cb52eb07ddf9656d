"""Benchmark: export 100,000 annotations as CSV (and JSON Lines) from a database file, timing and memory.

Not part of the test suite. Run from the repository:

    .venv/bin/python benchmarks/export_bench.py                  # 100,000 annotations on 1,000 articles
    .venv/bin/python benchmarks/export_bench.py --with-import    # also time importing the CSV back

Peak Python memory is measured with tracemalloc for the full export and for a
tenth of it (one article in ten): if export streams, the two are about equal.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH: run.py points that at the tree measured

from compat import ExportFilter, output_file, read_article, write_csv, write_jsonl  # noqa: E402
from reader.model import Analysis, Entity, Quote  # noqa: E402
from reader.store import Store, context, now  # noqa: E402

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_8d4d9360f55ea89e.txt"
NOTES = ["", "", "Check this against the court record.", 'He said "no", twice, then=yes', "=SUM(A1)", "Line one\nline two 🎉"]


def build(path: Path, articles: int, annotations: int) -> Store:
    """A database with `articles` copies of the seed (each a distinct text) and `annotations` spread over them."""
    seed = read_article(SEED)
    store = Store(path)
    rng = random.Random(1)
    tag_ids = [t.id for t in store.tags()]
    base_text, base_title = seed.text, seed.title
    words = [(m.start(), m.end()) for m in re.finditer(r"\w+(?:\s+\w+){0,3}", base_text)]
    per_article = annotations // articles
    stamp = now()
    next_id = 1
    with store.transaction():
        for i in range(articles):
            head = f"Dispatch number {i}.\n\n"
            seed.text = head + base_text
            seed.title = f"Dispatch {i}: {base_title}"
            text = seed.text
            entities = [Entity(s + len(head), e + len(head), "PERSON", text[s + len(head) : e + len(head)]) for s, e in words[:40:2]]
            quote_start = text.index("The late discovery")
            quotes = [Quote(quote_start, quote_start + 200, text[quote_start : quote_start + 200], "Mary Marlowe Sommer")]
            article_id, _ = store.add_article(seed, Analysis(entities, quotes, "bench 1"))
            rows, links = [], []
            for _ in range(per_article):
                s, e = rng.choice(words)
                s, e = s + len(head), e + len(head)
                prefix, suffix = context(text, s, e)
                rows.append({
                    "id": next_id, "article_id": article_id, "start": s, "end": e, "exact": text[s:e],
                    "prefix": prefix, "suffix": suffix, "note": rng.choice(NOTES), "author": rng.choice(["ann", "bob"]),
                    "created_at": stamp, "updated_at": stamp,
                })
                links.extend({"annotation_id": next_id, "tag_id": t} for t in rng.sample(tag_ids, rng.randint(0, 3)))
                next_id += 1
            store.db["annotations"].insert_all(rows, batch_size=1000)
            store.db["annotation_tags"].insert_all(links, batch_size=1000)
    return store


def measure(label: str, run) -> tuple[float, int]:
    """Time `run()` (without tracemalloc), then its peak traced memory (with it)."""
    start = time.perf_counter()
    count = run()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label:<44} {count:>8,} records  {seconds:6.2f} s  {count / seconds:>9,.0f}/s  peak {peak / 1e6:6.2f} MB")
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--annotations", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=1_000)
    parser.add_argument("--with-import", action="store_true", help="Also time importing the CSV into a fresh database.")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        start = time.perf_counter()
        store = build(tmp_path / "bench.db", args.articles, args.annotations)
        print(f"built {store.db['annotations'].count:,} annotations on {args.articles:,} articles "
              f"in {time.perf_counter() - start:.1f} s ({os.path.getsize(tmp_path / 'bench.db') / 1e6:.0f} MB database)")
        csv_path = tmp_path / "export.csv"

        def csv_all() -> int:
            with output_file(csv_path) as out:
                return write_csv(store, out)

        def csv_tenth() -> int:
            with output_file(tmp_path / "tenth.csv") as out:
                return write_csv(store, out, ExportFilter(article_ids=tuple(range(1, args.articles + 1, 10))))

        def csv_highlights() -> int:
            with output_file(tmp_path / "highlights.csv") as out:
                return write_csv(store, out, include_highlights=True)

        def csv_per_tag() -> int:
            with output_file(tmp_path / "per-tag.csv") as out:
                return write_csv(store, out, per_tag=True)

        def jsonl_all() -> int:
            with output_file(tmp_path / "export.jsonl") as out:
                return write_jsonl(store, out)

        seconds_all, peak_all = measure("CSV export, all", csv_all)
        _, peak_tenth = measure("CSV export, a tenth of the articles", csv_tenth)
        measure("CSV export --per-tag", csv_per_tag)
        measure("CSV export --include-highlights", csv_highlights)
        measure("JSON Lines export", jsonl_all)
        print(f"CSV file: {csv_path.stat().st_size / 1e6:.1f} MB; peak memory, all vs a tenth: "
              f"{peak_all / 1e6:.2f} MB vs {peak_tenth / 1e6:.2f} MB")

        if args.with_import:
            from compat import import_annotations

            fresh = Store(tmp_path / "fresh.db")
            with fresh.transaction():
                for row in store.db.query("SELECT title, date, source, text FROM articles ORDER BY id"):
                    parsed = read_article(SEED)
                    parsed.text, parsed.title, parsed.date, parsed.source = row["text"], row["title"], row["date"], row["source"]
                    fresh.add_article(parsed)
            start = time.perf_counter()
            report = import_annotations(fresh, csv_path)
            print(f"import of the CSV into a fresh database: {time.perf_counter() - start:.1f} s — {report.summary()}")

        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"max resident set size of the whole run: {rss / 1024:.0f} MB" if sys.platform != "darwin" else f"max RSS {rss / 1e6:.0f} MB")
        print(json.dumps({"annotations": args.annotations, "csv_seconds": round(seconds_all, 3), "peak_all_mb": round(peak_all / 1e6, 2),
                          "peak_tenth_mb": round(peak_tenth / 1e6, 2)}))


if __name__ == "__main__":
    main()
