"""The library at scale: the library screen, `reader list` and `reader add --no-analysis` on 20,000 and 100,000 articles.

    python benchmarks/library_bench.py [--sizes 20000,100000] [--rounds 2] [--no-add] [--json]

The reader measured is the one on PYTHONPATH (run.py points it at each tree), else
this checkout. Libraries are built by library_corpus.py from PolNeAR's training texts
(repeated, each copy made unique) without analysis, one article in ten annotated, and
kept in a cache folder (READER_BENCH_CACHE, else reader-library-bench in the temporary
folder) keyed by the schema, so a second run, and the older reader of `run.py --before`,
reuse them. When the corpus is missing this says so and measures nothing.

- Library screen, in a pseudo-terminal at 100x30 as over SSH: first paint (process start
  to the title that counts the articles; beside it, in the same round, a bare Textual app
  and reader opening the seed article, for what start-up alone costs), each key (j, k, page down: median / p95, to the
  last byte of its update), search as you type ("court", a letter at a time, to the title
  naming that query), clearing the search, and memory (RSS) once shown.
- `reader list`, piped: time to the first line and to the last; lines written.
- `reader add --no-analysis` of the library's files into a new database.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from library_corpus import CorpusMissing, source_files  # noqa: E402
from ui_latency import BARE_APP, QUIET, SEED, Terminal, median, percentile  # noqa: E402

SIZE = (100, 30)
SYNC_END = b"\x1b[?2026l"  # the end of a frame (Textual brackets frames with synchronized output)
QUERY = "court"
KEYS = [("j", b"j")] * 8 + [("pagedown", b"\x1b[6~")] * 4 + [("k", b"k")] * 4


def reader_source() -> Path:
    """The reader measured: the first PYTHONPATH entry holding one, else this checkout."""
    for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep):
        if entry and (Path(entry) / "reader" / "schema.py").exists():
            return Path(entry)
    return HERE.parent


def cache_folder() -> Path:
    folder = Path(os.environ.get("READER_BENCH_CACHE") or Path(tempfile.gettempdir()) / "reader-library-bench")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def env_for(db: Path, folder: Path) -> dict[str, str]:
    env = dict(os.environ, READER_DB=str(db), READER_CONFIG=str(folder / "none.toml"), READER_USER="bench",
               TERM="xterm-256color")
    for name in ("COLUMNS", "LINES", "NO_COLOR"):
        env.pop(name, None)
    return env


def library(count: int, log) -> Path:
    """The cached library of `count` articles for the reader measured (built on first use)."""
    schema = hashlib.sha256((reader_source() / "reader" / "schema.py").read_bytes()).hexdigest()[:12]
    db = cache_folder() / f"library-{schema}-{count}.db"
    if not db.exists():
        log(f"building a library of {count:,} articles ({db.name})")
        partial = db.with_name(db.name + ".partial")
        for old in partial.parent.glob(partial.name + "*"):
            old.unlink()
        done = subprocess.run([sys.executable, str(HERE / "library_corpus.py"), "db", str(partial), str(count)],
                              capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"library_corpus.py failed:\n{done.stderr[-2000:]}")
        partial.rename(db)
    return db


def files(count: int, log) -> Path:
    folder = cache_folder() / f"files-{count}"
    if not (folder / ".complete").exists():
        log(f"writing {count:,} article files")
        shutil.rmtree(folder, ignore_errors=True)
        done = subprocess.run([sys.executable, str(HERE / "library_corpus.py"), "files", str(folder), str(count)],
                              capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"library_corpus.py failed:\n{done.stderr[-2000:]}")
        (folder / ".complete").touch()
    return folder


def press_until(term: Terminal, key: bytes, needle: bytes | None, timeout: float = 120.0) -> float:
    """Seconds from writing `key` to the end of the update it causes.

    With `needle`: to the end of the frame that shows it (a blinking cursor's later frames are
    not the update). Without: to the last byte before QUIET seconds of silence.
    """
    term.settle()
    mark = len(term.output)
    sent = time.perf_counter()
    os.write(term.master, key)
    last = None
    if needle is not None:
        deadline = sent + timeout
        while True:
            shown = term.output.find(needle, mark)
            if shown >= 0 and term.output.find(SYNC_END, shown) >= 0:
                return time.perf_counter() - sent
            if time.perf_counter() > deadline or term.proc.poll() is not None:
                raise RuntimeError(f"never saw {needle!r}")
            term._read(0.005)
    while term._read(QUIET):
        last = time.perf_counter()
    return (last or time.perf_counter()) - sent


def ui_session(db: Path, count: int, work: Path) -> dict:
    """One run of reader on the library: first paint, keys, search, memory."""
    term = Terminal([sys.executable, "-m", "reader"], SIZE, env_for(db, work), cwd=work)
    try:
        paint = term.read_until(f"{count:,} articles".encode(), timeout=300)
        term.settle()
        rss = term.rss_mb()
        keys: dict[str, list[float]] = {}
        for name, key in KEYS:
            keys.setdefault(name, []).append(press_until(term, key, None))
        press_until(term, b"/", None)
        typed = []
        for n in range(1, len(QUERY) + 1):
            typed.append(press_until(term, QUERY[n - 1].encode(), f"for “{QUERY[:n]}”".encode()))
        clear = press_until(term, b"\x1b", f"{count:,} articles".encode())  # escape empties the search: all again
        return {"paint": paint, "rss_mb": rss, "keys": keys, "search": typed, "clear": clear}
    finally:
        term.close()


def list_run(db: Path, work: Path) -> dict:
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "reader", "list"], env=env_for(db, work), cwd=work,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    first_line = proc.stdout.readline()
    first = time.perf_counter() - start
    lines = 1 if first_line else 0
    for _ in proc.stdout:
        lines += 1
    proc.wait()
    total = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"reader list failed: {proc.stderr.read().decode()[-2000:]}")
    return {"first_line": first, "all": total, "lines": lines}


def add_run(folder: Path, count: int, work: Path) -> dict:
    db = work / "add.db"
    for old in work.glob("add.db*"):
        old.unlink()
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "reader", "add", "--no-analysis", str(folder)],
                          env=env_for(db, work), cwd=work, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"reader add failed: {done.stderr[-2000:]}")
    for old in work.glob("add.db*"):
        old.unlink()
    return {"seconds": seconds, "files": count, "output": done.stdout.strip()}


def measure(count: int, rounds: int, add: bool, log) -> dict:
    """Raw figures of `rounds` sessions on the library of `count` articles (see summarise)."""
    db = library(count, log)
    raw: dict = {"articles": count, "paint": [], "bare": [], "rss_mb": [], "keys": {}, "search_ms": [], "clear_ms": [],
                 "list_first": [], "list_all": [], "list_lines": 0}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # The sessions work on a copy: the search and the keys change nothing, but opening may migrate.
        copy = work / "reader.db"
        shutil.copyfile(db, copy)
        (work / "bare.py").write_text(BARE_APP)
        seed_db = work / "seed.db"
        subprocess.run([sys.executable, "-m", "reader", "add", "--no-analysis", str(SEED)], env=env_for(seed_db, work),
                       cwd=work, capture_output=True, check=True)
        for n in range(rounds):
            log(f"{count:,}: library screen and reader list, round {n + 1}/{rounds}")
            term = Terminal([sys.executable, str(work / "bare.py"), str(SEED)], SIZE, env_for(copy, work), cwd=work)
            try:
                raw["bare"].append(term.read_until(b"Alec"))
            finally:
                term.close()
            term = Terminal([sys.executable, "-m", "reader", str(SEED)], SIZE, env_for(seed_db, work), cwd=work)
            try:
                raw.setdefault("seed", []).append(term.read_until(b"Alec"))
            finally:
                term.close()
            session = ui_session(copy, count, work)
            raw["paint"].append(session["paint"])
            raw["rss_mb"].append(session["rss_mb"])
            for name, times in session["keys"].items():
                raw["keys"].setdefault(name, []).extend(1000 * t for t in times)
            raw["search_ms"] += [1000 * t for t in session["search"]]
            raw["clear_ms"].append(1000 * session["clear"])
            listed = list_run(copy, work)
            raw["list_first"].append(listed["first_line"])
            raw["list_all"].append(listed["all"])
            raw["list_lines"] = listed["lines"]
        if add:
            folder = files(count, log)
            log(f"{count:,}: reader add --no-analysis")
            raw["add_seconds"] = add_run(folder, count, work)["seconds"]
    return raw


def merge(raws: list[dict]) -> dict:
    """Raw figures of several runs as one."""
    out: dict = {"articles": raws[0]["articles"], "keys": {}, "list_lines": raws[-1]["list_lines"]}
    for raw in raws:
        for name in ("paint", "bare", "seed", "rss_mb", "search_ms", "clear_ms", "list_first", "list_all"):
            out.setdefault(name, []).extend(raw[name])
        for name, times in raw["keys"].items():
            out["keys"].setdefault(name, []).extend(times)
        if "add_seconds" in raw:
            out["add_seconds"] = raw["add_seconds"]
    return out


def summarise(raw: dict) -> dict:
    """Medians (p95 and max where a target says so) of raw figures."""
    keys = {name: {"median_ms": median(t), "p95_ms": percentile(t, 0.95)} for name, t in raw["keys"].items()}
    result = {
        "articles": raw["articles"],
        "paint": median(raw["paint"]),
        "bare": median(raw["bare"]),
        "seed": median(raw["seed"]),
        "rss_mb": max(raw["rss_mb"]),
        "keys": keys,
        "all_keys_p95_ms": percentile([t for ts in raw["keys"].values() for t in ts] + raw["search_ms"], 0.95),
        "search_median_ms": median(raw["search_ms"]),
        "search_max_ms": max(raw["search_ms"]),
        "clear_ms": median(raw["clear_ms"]),
        "list_first": median(raw["list_first"]),
        "list_all": median(raw["list_all"]),
        "list_lines": raw["list_lines"],
    }
    if "add_seconds" in raw:
        result["add_seconds"] = raw["add_seconds"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="20000,100000")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-add", action="store_true", help="Leave out reader add --no-analysis.")
    parser.add_argument("--add-sizes", default=None, help="Sizes to time reader add at (default: all).")
    parser.add_argument("--json", action="store_true", help="Print the summary as JSON.")
    parser.add_argument("--raw", action="store_true", help="Print the raw figures as JSON (run.py merges rounds).")
    args = parser.parse_args()
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:5.0f} s] {message}", file=sys.stderr, flush=True)

    try:
        source_files()
    except CorpusMissing as exc:
        print(f"library_bench.py: {exc}; the library part measures nothing", file=sys.stderr)
        print(json.dumps({"missing": str(exc)}))
        return
    sizes = [int(n) for n in args.sizes.split(",") if n]
    add_sizes = sizes if args.add_sizes is None else [int(n) for n in args.add_sizes.split(",") if n]
    raws = {str(n): measure(n, args.rounds, not args.no_add and n in add_sizes, log) for n in sizes}
    if args.raw:
        print(json.dumps(raws))
        return
    results = {n: summarise(raw) for n, raw in raws.items()}
    if args.json:
        print(json.dumps(results))
        return
    for n, r in results.items():
        keys = ", ".join(f"{k} {v['median_ms']:.0f}/{v['p95_ms']:.0f}" for k, v in r["keys"].items())
        print(f"{int(n):,} articles: first paint {r['paint']:.2f} s (bare Textual {r['bare']:.2f} s, reader on the seed {r['seed']:.2f} s), {r['rss_mb']:.0f} MB; "
              f"keys (median/p95 ms) {keys}; "
              f"search per letter median {r['search_median_ms']:.0f} ms, max {r['search_max_ms']:.0f} ms; "
              f"reader list first line {r['list_first']:.2f} s, all {r['list_all']:.2f} s ({r['list_lines']:,} lines)"
              + (f"; reader add --no-analysis {r['add_seconds']:.0f} s" if "add_seconds" in r else ""))


if __name__ == "__main__":
    main()
