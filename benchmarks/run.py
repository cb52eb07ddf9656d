"""The benchmark suite: every figure issue 6 asks for, in one table, against its target.

    python benchmarks/run.py                        # the checkout
    python benchmarks/run.py --before 919503c       # and an older commit, side by side
    python benchmarks/run.py --parts ui --rounds 5  # only some parts
    python benchmarks/run.py --parts library --before 020abc4  # the library at 20k and 100k, before and after
    python benchmarks/run.py --parts speakers       # the speaker index at 20k, beside the library screen

Parts: `ui` (ui_latency.py: first paint, key latency, bytes and memory on the
seed and on a 1 MB article, at 80x24 and at 120x40 where the notes panel shows
beside the text), `analysis` (analysis_bench.py), `import`
(import_bench.py), `export` (export_bench.py) and `library` (library_bench.py:
the library screen, `reader list` and `reader add --no-analysis` on libraries of
20,000 and 100,000 PolNeAR articles; it says so and is left out when the corpus
is missing; the libraries are built once and kept, see library_bench.py) and `speakers`
(speakers_bench.py: on a synthetic library of 20,000 articles with quotations, the library
screen's first paint, S to the speaker index and enter to the most quoted speaker's page, in a
pseudo-terminal, and the store's reads behind them). With --before, that commit
is unpacked into a temporary folder and measured in the same run, round for
round with the checkout, so the two columns saw the same (noisy) machine.
Only ratios within one run mean much; absolute times vary from run to run.
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
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ui_latency import KEYS, ROOT, Tree, measure, median, summarise  # noqa: E402

HERE = Path(__file__).resolve().parent
PARTS = ("ui", "analysis", "import", "export", "library", "speakers")


def unpack(rev: str, folder: Path) -> Path:
    """The source of commit `rev`, unpacked into `folder`."""
    folder.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def run_json(tree: Tree, script: str, *args: str) -> dict[str, Any]:
    """Run a benchmark script with the tree's reader; the last line it prints is JSON."""
    done = subprocess.run([sys.executable, str(HERE / script), *args], env=tree.python_env(), capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{script} failed for {tree.name}:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


Row = tuple[str, str, Callable[[dict], str], Callable[[dict], bool] | None]


def rows(key_names: list[str], size: str) -> list[Row]:
    """(label, target, format a tree's figures, is the target met) for each line of one terminal size."""

    def ui(f: dict, article: str) -> dict:
        return f["ui"][size][article]

    def key_row(article: str, name: str) -> Row:
        def fmt(f: dict) -> str:
            k = ui(f, article)["keys"].get(name)
            return f"{k['median_ms']:.1f} / {k['p95_ms']:.1f}" if k else "-"

        def ok(f: dict) -> bool:
            k = ui(f, article)["keys"].get(name)
            return bool(k) and k["median_ms"] <= 20 and k["p95_ms"] <= 50

        return (f"  {KEYS[name]}", "<= 20 / 50", fmt, ok)

    def moves(f: dict, article: str) -> float:
        keys = ui(f, article)["keys"]
        return max(keys[n]["bytes"] for n in ("j", "w") if n in keys)

    def page_ratio(f: dict, article: str) -> float:
        return ui(f, article)["keys"][" "]["bytes"] / ui(f, article)["repaint_bytes"]

    def paint_ratio(f: dict) -> float:
        return ui(f, "seed")["paint"] / f["bare"][size]

    table: list[Row] = [
        (f"[{size}] First paint, seed: x bare Textual", "<= 1.5x", lambda f: f"x{paint_ratio(f):.2f}",
         lambda f: paint_ratio(f) <= 1.5),
        ("  seconds (bare Textual app)", "", lambda f: f"{ui(f, 'seed')['paint']:.3f} ({f['bare'][size]:.3f})", None),
        ("First paint, 1 MB article (s)", "<= 1.0", lambda f: f"{ui(f, 'book')['paint']:.3f}",
         lambda f: ui(f, "book")["paint"] <= 1.0),
        ("Memory after opening the seed (MB RSS)", "", lambda f: f"{ui(f, 'seed')['rss_mb']:.0f}", None),
        ("Memory after opening 1 MB (MB RSS)", "<= 250", lambda f: f"{ui(f, 'book')['rss_mb']:.0f}",
         lambda f: ui(f, "book")["rss_mb"] <= 250),
    ]
    for article, label in (("seed", "seed"), ("book", "1 MB article")):
        table.append((f"Key to screen, {label}: median / p95 ms", "", lambda f: "", None))
        table += [key_row(article, name) for name in key_names]
        table += [
            ("  bytes per cursor move (j, w)", "<= 2048", lambda f, a=article: f"{moves(f, a):.0f}",
             lambda f, a=article: moves(f, a) <= 2048),
            ("  bytes per page down / full repaint", "<= 1.0x",
             lambda f, a=article: f"{ui(f, a)['keys'][' ']['bytes']:.0f} / {ui(f, a)['repaint_bytes']:.0f}",
             lambda f, a=article: page_ratio(f, a) <= 1.0),
        ]
    return table


def other_rows() -> list[Row]:
    return [
        ("Analysis: words/s, x bare spaCy nlp.pipe", ">= 0.85x",
         lambda f: f"{f['analysis']['reader_wps']:,.0f}, x{f['analysis']['ratio']:.2f}", lambda f: f["analysis"]["ratio"] >= 0.85),
        ("Import (reader add --jobs 0): s, words/s", "",
         lambda f: f"{f['import']['seconds']:.1f}, {f['import']['wps']:,.0f}", None),
        ("  x bare spaCy on one core", "",
         lambda f: f"x{f['import']['wps'] / f['analysis']['bare_wps']:.2f}" if "analysis" in f else "-", None),
        ("Export 100k annotations to CSV (s)", "<= 3.0", lambda f: f"{f['export']['csv_seconds']:.2f}",
         lambda f: f["export"]["csv_seconds"] <= 3.0),
        ("  peak memory: all / a tenth (MB)", "flat",
         lambda f: f"{f['export']['peak_all_mb']:.1f} / {f['export']['peak_tenth_mb']:.1f}",
         lambda f: f["export"]["peak_all_mb"] <= 2 * f["export"]["peak_tenth_mb"] + 1),
    ]


def library_rows(sizes: list[str]) -> list[Row]:
    """The library part's lines, for each size."""

    def lib(f: dict, size: str) -> dict:
        return f["library"][size]

    table: list[Row] = []
    for size in sizes:
        n = f"{int(size):,}"

        def key(name: str, size: str = size) -> Row:
            return (f"  key {name}: median / p95 ms", "p95 <= 50",
                    lambda f: f"{lib(f, size)['keys'][name]['median_ms']:.0f} / {lib(f, size)['keys'][name]['p95_ms']:.0f}",
                    lambda f: lib(f, size)["keys"][name]["p95_ms"] <= 50)

        table += [
            (f"[library {n}] First paint (s)", "<= 1.0", lambda f, s=size: f"{lib(f, s)['paint']:.2f}",
             lambda f, s=size: lib(f, s)["paint"] <= 1.0),
            ("  meanwhile: bare Textual app / reader on the seed (s)", "",
             lambda f, s=size: f"{lib(f, s)['bare']:.2f} / {lib(f, s)['seed']:.2f}", None),
            key("j"), key("pagedown"), key("k"),
            ("  search as you type, per letter: median / max ms", "<= 100",
             lambda f, s=size: f"{lib(f, s)['search_median_ms']:.0f} / {lib(f, s)['search_max_ms']:.0f}",
             lambda f, s=size: lib(f, s)["search_max_ms"] <= 100),
            ("  clearing the search (ms)", "", lambda f, s=size: f"{lib(f, s)['clear_ms']:.0f}", None),
            ("  every key and letter: p95 ms", "<= 50", lambda f, s=size: f"{lib(f, s)['all_keys_p95_ms']:.0f}",
             lambda f, s=size: lib(f, s)["all_keys_p95_ms"] <= 50),
            ("  memory with the library open (MB RSS)", "<= 300", lambda f, s=size: f"{lib(f, s)['rss_mb']:.0f}",
             lambda f, s=size: lib(f, s)["rss_mb"] <= 300),
            ("  reader list, piped: first line / all (s)", "0.5 / 5",
             lambda f, s=size: f"{lib(f, s)['list_first']:.2f} / {lib(f, s)['list_all']:.2f}",
             lambda f, s=size: lib(f, s)["list_first"] <= 0.5 and lib(f, s)["list_all"] <= 5),
            ("  reader list: lines written", "", lambda f, s=size: f"{lib(f, s)['list_lines']:,}", None),
            ("  reader add --no-analysis of the files (s)", "<= 300",
             lambda f, s=size: f"{lib(f, s)['add_seconds']:.0f}" if "add_seconds" in lib(f, s) else "-",
             lambda f, s=size: lib(f, s).get("add_seconds", 0) <= 300),
        ]
    return table


def speakers_rows(articles: int) -> list[Row]:
    """The speakers part's lines: the index and a speaker's page beside the library screen's first paint."""

    def sp(f: dict) -> dict:
        return f["speakers"]

    return [
        (f"[speakers {articles:,}] library screen, first paint (s)", "", lambda f: f"{sp(f)['screen']['library_paint_s']:.2f}", None),
        ("  S: the speaker index listed (s)", "<= 1.0", lambda f: f"{sp(f)['screen']['index_open_s']:.2f}",
         lambda f: sp(f)["screen"]["index_open_s"] <= 1.0),
        ("  enter: the most quoted speaker's page (ms)", "<= 200", lambda f: f"{1000 * sp(f)['screen']['page_open_s']:.0f}",
         lambda f: sp(f)["screen"]["page_open_s"] <= 0.2),
        ("  store: the index, unchanged / after a decision (ms)", "",
         lambda f: f"{1000 * sp(f)['store']['index_s']:.0f} / {1000 * sp(f)['store']['index_after_decision_s']:.0f}", None),
        ("  store: a page as it opens, most quoted / a median speaker (ms)", "<= 200",
         lambda f: f"{1000 * sp(f)['store']['page_top_s']:.0f} / {1000 * sp(f)['store']['page_median_s']:.0f}",
         lambda f: sp(f)["store"]["page_top_s"] <= 0.2),
        ("  store: the most quoted speaker's repeated quotations, in a thread (ms)", "",
         lambda f: f"{1000 * sp(f)['store']['repeats_top_s']:.0f}", None),
        ("  store: the index, one outlet / words said (ms)", "",
         lambda f: f"{1000 * sp(f)['store']['index_outlet_s']:.0f} / {1000 * sp(f)['store']['index_search_s']:.0f}", None),
        ("  adding an article, the index kept (ms)", "", lambda f: f"{sp(f)['build']['add_ms_per_article']:.1f}", None),
    ]


def measure_library(trees: list, sizes: list[str], rounds: int, add_sizes: list[str], log) -> str | None:
    """The library part, round for round and size by size, each tree in turn; None, or why nothing was measured."""
    from library_bench import merge, summarise

    raws: dict[str, dict[str, list]] = {t.name: {s: [] for s in sizes} for t in trees}
    for size in sizes:
        for round_ in range(rounds):
            for tree in trees:
                add = size in add_sizes and round_ == rounds - 1
                log(f"library {int(size):,}: {tree.name}, round {round_ + 1}/{rounds}" + (" (and reader add)" if add else ""))
                result = run_json(tree, "library_bench.py", "--raw", "--sizes", size, "--rounds", "1",
                                  *([] if add else ["--no-add"]))
                if "missing" in result:
                    return result["missing"]
                raws[tree.name][size].append(result[size])
    for tree in trees:
        tree.library = {size: summarise(merge(raws[tree.name][size])) for size in sizes}
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", metavar="REV", help="Also measure this commit, side by side.")
    parser.add_argument("--parts", default=",".join(PARTS), help=f"Comma-separated, of: {', '.join(PARTS)}.")
    parser.add_argument("--rounds", type=int, default=3, help="UI rounds (each: bare app, then every tree).")
    parser.add_argument("--reps", type=int, default=4, help="Repetitions of the key script per UI session.")
    parser.add_argument("--sizes", default="80x24,120x40", help="Terminal sizes for the UI part (at 120 columns the panel shows).")
    parser.add_argument("--articles", type=int, default=1000, help="Articles for the import part.")
    parser.add_argument("--library-sizes", default="20000,100000", help="Library part: articles in each library.")
    parser.add_argument("--library-rounds", type=int, default=2, help="Library part: sessions per tree and size.")
    parser.add_argument("--library-add-sizes", default=None,
                        help="Library part: sizes to time reader add --no-analysis at (default: every size).")
    parser.add_argument("--speakers-articles", type=int, default=20000, help="Speakers part: articles in the library.")
    parser.add_argument("--speakers-rounds", type=int, default=3, help="Speakers part: sessions per tree.")
    parser.add_argument("--json", metavar="FILE", type=Path, help="Also write every figure to FILE.")
    args = parser.parse_args()
    parts = [p for p in args.parts.split(",") if p]
    sizes = [s for s in args.sizes.split(",") if s]
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:5.0f} s] {message}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        trees = []
        if args.before:
            trees.append(Tree(f"before {args.before}", unpack(args.before, folder / "before-src"), folder / "before"))
        trees.append(Tree("now" if args.before else "reader", ROOT, folder / "now"))
        figures: dict[str, dict] = {t.name: {} for t in trees}
        if "ui" in parts:
            for tree in trees:
                log(f"preparing the seed and the 1 MB article for {tree.name}")
                tree.folder.mkdir()
                tree.prepare(book=True)
            for size in sizes:
                log(f"terminal {size}")
                results = measure(trees, args.rounds, tuple(int(n) for n in size.split("x")), args.reps, book=True, log=log)
                for tree in trees:
                    figures[tree.name].setdefault("bare", {})[size] = median(results["bare"])
                    figures[tree.name].setdefault("ui", {})[size] = {
                        a: summarise(results[tree.name][a], results[tree.name][p])
                        for a, p in (("seed", "paint"), ("book", "book paint"))
                    }
        for part, script, extra in (
            ("analysis", "analysis_bench.py", ["--json"]),
            ("import", "import_bench.py", ["--json", "--articles", str(args.articles)]),
            ("export", "export_bench.py", []),
        ):
            if part in parts:
                for tree in trees:
                    log(f"{part}: {tree.name}")
                    figures[tree.name][part] = run_json(tree, script, *extra)
        library_sizes = [n for n in args.library_sizes.split(",") if n]
        library_missing = None
        if "library" in parts:
            add_sizes = library_sizes if args.library_add_sizes is None else args.library_add_sizes.split(",")
            library_missing = measure_library(trees, library_sizes, args.library_rounds, add_sizes, log)
            for tree in trees:
                if library_missing is None:
                    figures[tree.name]["library"] = tree.library
        if "speakers" in parts:
            for tree in trees:
                log(f"speakers: {tree.name} (a library of {args.speakers_articles:,} articles is built once and kept)")
                try:
                    figures[tree.name]["speakers"] = run_json(
                        tree, "speakers_bench.py", "--json", "--articles", str(args.speakers_articles),
                        "--rounds", str(args.speakers_rounds))
                except RuntimeError as exc:  # an older reader without the kept index
                    log(f"speakers: {tree.name}: not measured ({str(exc).splitlines()[0]})")

    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, default=str))
    names = [t.name for t in trees]
    table = [row for size in sizes for row in rows([k for k in KEYS if k != " "], size)] if "ui" in parts else []
    table += [r for r in other_rows() if all(p in parts for p in _parts_of(r[0]))]
    if "library" in parts and library_missing is None:
        table += library_rows(library_sizes)
    if "speakers" in parts:
        table += speakers_rows(args.speakers_articles)
    width = max((len(r[0]) for r in table), default=20) + 2
    print(f"\nreader benchmarks: {args.rounds} UI rounds, {os.cpu_count()} cores, {time.perf_counter() - started:.0f} s")
    print(f"{'':<{width}}{'target':>12}" + "".join(f"{n:>22}" for n in names))
    for label, target, fmt, ok in table:
        cells = []
        for name in names:
            try:
                text = fmt(figures[name])
                mark = "" if ok is None or text in ("", "-") else (" ok" if ok(figures[name]) else " !!")
            except (KeyError, ZeroDivisionError, ValueError):
                text, mark = "-", ""
            cells.append(f"{text + mark:>22}")
        print(f"{label:<{width}}{target:>12}" + "".join(cells))
    print("\nok: target met; !!: missed. Key latency: key written to last byte of the update it causes.")
    if library_missing is not None:
        print(f"library part: nothing measured: {library_missing}")


def _parts_of(label: str) -> list[str]:
    if label.startswith("Analysis"):
        return ["analysis"]
    if label.startswith("Import") or "bare spaCy on one core" in label:
        return ["import"]
    return ["export"]


if __name__ == "__main__":
    main()
