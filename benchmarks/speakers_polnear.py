"""The speaker index on a small real corpus: PolNeAR's dev texts, added and analysed at run time (never committed).

    python benchmarks/speakers_polnear.py [--corpus ../shared/corpora/polnear/dev] [--keep DIR]

Adds `<corpus>/text` to a new library in a temporary folder (`reader add`, with analysis, one
process), then prints what the index shows: the most quoted speakers, a person's merge (the
second most quoted one-word name into the full name it is short for, when there is one) and its
undo, the repeated quotations with their earliest appearance and a changed wording as a
difference, and the time each read took. When the corpus is missing it says so and does nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def corpus_folder(given: str | None) -> Path:
    if given:
        return Path(given)
    return ROOT.parent / "shared" / "corpora" / "polnear" / "dev"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", help="PolNeAR's dev folder (default: ../shared/corpora/polnear/dev).")
    parser.add_argument("--keep", metavar="DIR", type=Path, help="Build the library in DIR and keep it.")
    args = parser.parse_args()
    texts = corpus_folder(args.corpus) / "text"
    if not texts.is_dir():
        print(f"PolNeAR's dev texts are missing ({texts}): nothing measured.")
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        db = folder / "reader.db"
        env = dict(os.environ, READER_DB=str(db), READER_CONFIG=str(folder / "none.toml"), READER_USER="bench")
        if not db.exists():
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "reader", "add", str(texts)], env=env, capture_output=True,
                                  text=True, cwd=folder)
            if done.returncode:
                raise SystemExit(f"reader add failed: {done.stderr.strip()[-500:]}")
            print(f"reader add {texts}: {time.perf_counter() - started:.0f} s ({done.stdout.strip().splitlines()[-1]})")
        show(db)


def show(db: Path) -> None:
    from reader.speakers import diff_text, group_repeats, name_words
    from reader.store import Store

    store = Store(db)
    started = time.perf_counter()
    speakers = store.speaker_index()
    print(f"\nThe index: {len(speakers)} speakers, read in {1000 * (time.perf_counter() - started):.0f} ms "
          f"({store.count_articles()} articles)\n")
    print(f"{'name':<22}{'kind':<9}{'quotes':>6}{'articles':>9}{'outlets':>8}  {'first':<11}{'last':<11}unverified")
    for s in speakers[:10]:
        print(f"{s.name[:21]:<22}{s.kind:<9}{s.quotes:>6}{s.articles:>9}{s.outlets:>8}  {s.first or '':<11}"
              f"{s.last or '':<11}{s.unverified:.0%}")

    full: dict[str, object] = {}  # last name -> the most quoted full name ending with it
    for s in speakers:
        if s.kind == "person" and len(name_words(s.name)) > 1:
            full.setdefault(name_words(s.name)[-1].casefold(), s)
    short = next((s for s in speakers if s.kind == "person" and len(name_words(s.name)) == 1
                  and name_words(s.name)[0].casefold() in full), None)
    if short is not None:
        into = full[name_words(short.name)[0].casefold()]  # type: ignore[assignment]
        decision = store.decide_speakers("merge", short.name, into.name, "bench")
        started = time.perf_counter()
        merged = store.get_speaker(into.name)
        took = 1000 * (time.perf_counter() - started)
        print(f"\nA person's merge: {short.name!r} ({short.quotes}) into {into.name!r} ({into.quotes}): "
              f"{merged.quotes} quotations in {merged.articles} articles (index again in {took:.0f} ms); undone.")
        store.delete_speaker_decision(decision.id)

    print("\nRepeated quotations (earliest first):")
    found = 0
    for s in speakers[:40]:
        started = time.perf_counter()
        quotes = store.speaker_quotes(s.id)
        for repeat in group_repeats(quotes):
            first = repeat.earliest
            print(f"  {s.name}: “{first.text[:70]}{'…' if len(first.text) > 70 else ''}”")
            print(f"    first {first.day} in {first.outlet}; repeated by {', '.join(repeat.repeated_by) or 'the same outlet'}")
            for later in repeat.appearances[1:]:
                if " ".join(later.text.split()) != " ".join(first.text.split()):
                    print(f"    {later.outlet}: {diff_text(first.text, later.text)[:160]}")
            found += 1
    if not found:
        print("  none")
    store.close()


if __name__ == "__main__":
    main()
