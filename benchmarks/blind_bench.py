"""What blind coding costs: the store's reads for no one (agreement's view) and for a coder, side by side.

    python benchmarks/blind_bench.py [--articles 20000] [--sample 200] [--rounds 30]

Builds a library of short articles in a temporary folder (one in five annotated by ana and by ben,
with a note), opens an assignment of `--sample` of them for ana and ben, and prints the median time
of each read the app and the exports make, as read for no one and as read for ana: a page of the
library (64 rows, the assigned ones among them), one assigned article's annotations, decisions and
codes, a search over notes, `reader list` (every row) and an export of every annotation.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reader.ingest.article import ParsedArticle  # noqa: E402
from reader.store import Store  # noqa: E402

WORDS = "council mayor bridge budget storm court school river vote protest".split()


def build(path: Path, articles: int, sample: int) -> list[int]:
    store = Store(path)
    store.save_variable("tone", "categorical", values=[("negative", None), ("positive", None)])
    ids = []
    with store.transaction():
        for n in range(articles):
            text = f"Story {n}: the {WORDS[n % 10]} and the {WORDS[(n * 7) % 10]} met on day {n}."
            article_id, _ = store.add_article(ParsedArticle(text=text, title=f"Story {n}"))
            ids.append(article_id)
            if n % 5 == 0:
                for coder in ("ana", "ben"):
                    store.create_annotation(article_id, 0, 5, coder, ["claim"], note=f"{coder} notes {WORDS[n % 10]}")
    step = max(1, articles // sample)
    chosen = ids[::step][:sample]
    for article_id in chosen:
        store.set_code(article_id, "tone", "ana", "negative")
    store.create_assignment(["ana", "ben"], chosen)
    store.close()
    return chosen


def timed(call, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "reader.db"
        start = time.perf_counter()
        chosen = build(path, args.articles, args.sample)
        print(f"library: {args.articles:,} articles, sample of {len(chosen)}, built in {time.perf_counter() - start:.1f} s")
        store = Store(path)
        page = list(store.article_ids(64))
        assigned = chosen[-1]
        reads = {
            "library page (64 rows)": lambda: store.library_rows(page),
            "an assigned article's annotations": lambda: store.annotations(assigned),
            "its decisions and codes": lambda: (store.decisions(assigned), store.article_codes(assigned)),
            "search over notes ('bridge')": lambda: store.search_library("bridge"),
            "reader list (every row)": lambda: sum(1 for _ in store.iter_articles()),
            "export of every annotation": lambda: sum(1 for _ in store.export_rows()),
        }
        print(f"{'read':<36} {'for no one':>11} {'for ana':>9}  (median ms)")
        for name, call in reads.items():
            rounds = max(3, args.rounds // 10) if name.startswith(("reader list", "export")) else args.rounds
            store.view_as(None)
            everyone = timed(call, rounds)
            store.view_as("ana")
            blind = timed(call, rounds)
            print(f"{name:<36} {everyone:>11.2f} {blind:>9.2f}")
        store.close()


if __name__ == "__main__":
    main()
