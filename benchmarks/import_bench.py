"""Import of many articles with every core: `reader add --jobs 0` on a folder of article files.

    python benchmarks/import_bench.py [--articles 1000] [--jobs 0] [--json]

The files are made by corpus.py (distinct texts built from the seed and the
evaluation articles) in a temporary folder, imported into a new database.
"""

from __future__ import annotations

import argparse
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=0, help="reader add --jobs (0: one process per core).")
    parser.add_argument("--json", action="store_true", help="Print one JSON object instead of a line of text.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        words = write_articles(folder, args.articles)
        env = dict(os.environ, READER_DB=str(Path(tmp) / "import.db"), READER_CONFIG=str(Path(tmp) / "none.toml"))
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "reader", "add", "--jobs", str(args.jobs), str(folder)],
                              env=env, cwd=tmp, capture_output=True, text=True)  # not the checkout: `-m` looks there first
        seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"reader add failed:\n{done.stderr}")
    result = {"articles": args.articles, "words": words, "jobs": args.jobs or os.cpu_count(), "seconds": seconds,
              "wps": words / seconds}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"reader add --jobs {args.jobs}: {args.articles:,} articles, {words:,} words in {seconds:.1f} s "
              f"({result['wps']:,.0f} words/s, {result['jobs']} processes) — {done.stdout.strip()}")


if __name__ == "__main__":
    main()
