"""Analysis throughput: reader's Analyser against bare spaCy `nlp.pipe` on the same texts.

    python benchmarks/analysis_bench.py [--rounds 3] [--copies 3] [--json]

The texts are the seed and the evaluation articles (`--copies` times over). Both
use the same loaded pipeline; rounds alternate (bare, reader, bare, reader...)
so both see the same machine. reader's extra work is its own rules (entity
clean-up, quotations, speakers) and cutting long texts into pieces.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent))
sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH: run.py points that at the tree measured

from corpus import source_texts  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--copies", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="Print one JSON object instead of a table.")
    args = parser.parse_args()

    from reader.analysis import Analyser

    texts = source_texts() * args.copies
    words = sum(len(t.split()) for t in texts)
    analyser = Analyser()
    nlp = analyser.nlp
    list(analyser.analyse_many(texts[:2]))  # warm up both paths
    list(nlp.pipe(texts[:2]))
    bare, ours = [], []
    for _ in range(args.rounds):
        start = time.perf_counter()
        for _doc in nlp.pipe(texts):
            pass
        bare.append(time.perf_counter() - start)
        start = time.perf_counter()
        for _analysis in analyser.analyse_many(texts):
            pass
        ours.append(time.perf_counter() - start)
    result = {
        "texts": len(texts), "words": words,
        "bare_wps": words / statistics.median(bare), "reader_wps": words / statistics.median(ours),
        "ratio": statistics.median(bare) / statistics.median(ours),
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"{len(texts)} texts, {words:,} words, {args.rounds} alternating rounds (medians)")
    print(f"bare spaCy nlp.pipe   {result['bare_wps']:>9,.0f} words/s")
    print(f"reader Analyser       {result['reader_wps']:>9,.0f} words/s   x{result['ratio']:.2f} of bare spaCy")


if __name__ == "__main__":
    main()
