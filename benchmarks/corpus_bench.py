"""Import of a tabular corpus: `reader add corpus.csv` on a CSV of many rows, one article a row.

    python benchmarks/corpus_bench.py [--rows 10000] [--analysis] [--jobs 0] [--json]

The rows are the distinct articles corpus.py makes (from the seed and the evaluation
articles), written as one CSV with an id, title, date, url and outlet column, in a
temporary folder, imported into a new database; without --analysis, with --no-analysis.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent))
sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH: run.py points that at the tree measured

from corpus import write_articles  # noqa: E402


def write_corpus(path: Path, rows: int) -> int:
    """A CSV of `rows` articles; returns its words."""
    folder = path.parent / "articles"
    words = write_articles(folder, rows)
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "title", "publish_date", "url", "media_name", "text"])
        for n, file in enumerate(sorted(folder.iterdir())):
            text = file.read_text(encoding="utf-8")
            writer.writerow([f"row-{n}", f"Story {n}", f"2024-07-{1 + n % 28:02d}", f"https://example.org/{n}", "Example", text])
    return words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--analysis", action="store_true", help="Analyse as well (slow: try --rows 500).")
    parser.add_argument("--jobs", type=int, default=0, help="reader add --jobs, with --analysis (0: one per core).")
    parser.add_argument("--json", action="store_true", help="Print one JSON object instead of a line of text.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.csv"
        words = write_corpus(path, args.rows)
        size = path.stat().st_size
        env = dict(os.environ, READER_DB=str(Path(tmp) / "import.db"), READER_CONFIG=str(Path(tmp) / "none.toml"))
        command = [sys.executable, "-m", "reader", "add", str(path)]
        command += ["--jobs", str(args.jobs)] if args.analysis else ["--no-analysis"]
        start = time.perf_counter()
        done = subprocess.run(command, env=env, cwd=tmp, capture_output=True, text=True)
        seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"reader add failed:\n{done.stderr}")
    result = {"rows": args.rows, "words": words, "bytes": size, "analysis": args.analysis, "seconds": seconds,
              "rows_per_s": args.rows / seconds}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"reader add corpus.csv{'' if args.analysis else ' --no-analysis'}: {args.rows:,} rows "
              f"({size / 1e6:.1f} MB, {words:,} words) in {seconds:.1f} s ({result['rows_per_s']:,.0f} rows/s) "
              f"— {done.stdout.strip()}")


if __name__ == "__main__":
    main()
