"""reader in a pseudo-terminal, as over SSH: first paint, key-press-to-screen latency, bytes, memory.

    python benchmarks/ui_latency.py [--rounds 3] [--size 80x24] [--no-book]

Runs `reader` in a pty (TERM=xterm-256color) on an analysed copy of the seed and
on a 1 MB article with thousands of highlights (see corpus.py), reads all it
writes, and prints a table. `benchmarks/run.py` runs this with the other parts.

- First paint: from starting the process to the article's first words on screen.
  The baseline, measured in the same rounds, is a minimal Textual app showing
  the same text.
- A key's latency: from writing the key to the last byte of the screen update it
  causes (the update is over when the app has been silent for QUIET seconds);
  also the first byte, the bytes written and the frames drawn.
- Full repaint: the bytes of one frame redrawing the whole screen (forced by a resize).
- Memory: the resident set size of the reader process once the article is shown.
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_8d4d9360f55ea89e.txt"
QUIET = 0.15  # seconds of silence that end a screen update
NOTE_QUIET = 0.4  # before a key typed in a note: the note is saved 0.3 s after typing stops
NEEDLE = b"Alec"  # the seed's (and the book's) first words
# Like most terminals today we say we support synchronized output, so that
# Textual brackets each frame with these and frames can be counted.
SYNC_QUERY, SYNC_REPLY, SYNC_START = b"\x1b[?2026$p", b"\x1b[?2026;2$y", b"\x1b[?2026h"

BARE_APP = textwrap.dedent(
    """
    import sys
    from textual.app import App
    from textual.containers import VerticalScroll
    from textual.widgets import Static

    class Bare(App):
        def compose(self):
            with VerticalScroll():
                yield Static(open(sys.argv[1], encoding="utf-8").read())

    Bare().run()
    """
)

# What each measured key does; `script` below says in which order they are pressed.
KEYS = {
    "j": "cursor: next line",
    "w": "cursor: next word",
    "]": "next highlight",
    "1": "tag with quick key 1",
    "note": "typing in a note",
    " ": "page down",
}


class Terminal:
    """A program running in a pty of a given size; we read all it writes."""

    def __init__(self, argv: list[str], size: tuple[int, int], env: dict[str, str], cwd: Path | None = None):
        self.master, slave = pty.openpty()
        self.size = size
        self._set_size(slave)
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd, close_fds=True, start_new_session=True
        )
        os.close(slave)
        self.output = bytearray()
        self._answered = False

    def _set_size(self, fd: int) -> None:
        import fcntl
        import struct
        import termios

        cols, rows = self.size
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def read_until(self, needle: bytes, timeout: float = 60.0) -> float:
        """Seconds from start until `needle` has been written."""
        deadline = time.perf_counter() + timeout
        while needle not in self.output:
            if time.perf_counter() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"never saw {needle!r}; the program wrote:\n{self.output[-2000:]!r}")
            self._read(0.02)
        return time.perf_counter() - self.started

    def _read(self, wait: float) -> int:
        ready, _, _ = select.select([self.master], [], [], wait)
        if not ready:
            return 0
        try:
            data = os.read(self.master, 65536)
        except OSError:
            return 0
        self.output.extend(data)
        if SYNC_QUERY in self.output[-len(data) - len(SYNC_QUERY):] and not self._answered:
            self._answered = True
            os.write(self.master, SYNC_REPLY)
        return len(data)

    def settle(self, quiet: float = QUIET) -> int:
        """Read until the program has been silent for `quiet` seconds; returns the bytes read."""
        total = 0
        while n := self._read(quiet):
            total += n
        return total

    def press(self, key: bytes, quiet: float = QUIET) -> Press | None:
        """What writing `key` caused; None if nothing changed on screen."""
        self.settle(quiet)
        mark = len(self.output)
        sent = time.perf_counter()
        os.write(self.master, key)
        first = last = None
        while self._read(QUIET):
            last = time.perf_counter()
            first = first or last
        if last is None:
            return None
        written = bytes(self.output[mark:])
        return Press(first - sent, last - sent, len(written), written.count(SYNC_START))

    def full_repaint(self) -> int:
        """Bytes of one frame that redraws the whole screen: the largest frame after a resize (by a row, and back)."""
        self.settle()
        cols, rows = self.size
        for size in ((cols, rows - 1), (cols, rows)):
            self.size = size
            self._set_size(self.master)
            self.proc.send_signal(signal.SIGWINCH)
            mark = len(self.output)
            self.settle()
        frames = bytes(self.output[mark:]).split(SYNC_START)
        return max(len(SYNC_START + f) for f in frames[1:]) if len(frames) > 1 else len(self.output) - mark

    def rss_mb(self) -> float:
        """Resident set size of the program, in MB."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()
        os.close(self.master)


@dataclass
class Press:
    """One key press: seconds to the first and last byte of the update, bytes and frames written."""

    first: float
    last: float
    bytes: int
    frames: int


@dataclass
class Session:
    """What one run of reader on one article measured."""

    paint: float
    rss_mb: float
    repaint_bytes: int
    keys: dict[str, list[Press]] = field(default_factory=dict)


def script(reps: int) -> list[tuple[str | None, bytes]]:
    """(measured key name or None, bytes to send). Each repetition starts from the top of the article."""
    steps: list[tuple[str | None, bytes]] = []
    for _ in range(reps):
        steps += [(None, b"g"), ("j", b"j"), ("j", b"j"), ("w", b"w"), ("w", b"w"), ("]", b"]"), ("1", b"1")]
        steps += [(None, b"a"), ("note", b"n"), ("note", b"o"), ("note", b"t"), (None, b"\x1b")]
        steps += [(None, b"g"), (" ", b" ")]
    return steps


def run_session(env: dict[str, str], article: Path, size: tuple[int, int], reps: int) -> Session:
    """Open `article` in reader, then press the keys of `script`."""
    # `python -m` looks in the working directory first: run where no other reader is.
    term = Terminal([sys.executable, "-m", "reader", str(article)], size, env, cwd=Path(env["READER_DB"]).parent)
    try:
        paint = term.read_until(NEEDLE)
        term.settle()
        session = Session(paint, term.rss_mb(), term.full_repaint())
        for name, key in script(reps):
            result = term.press(key, NOTE_QUIET if name == "note" else QUIET)
            if name is not None and result is not None:
                session.keys.setdefault(name, []).append(result)
        term.settle()
        return session
    finally:
        term.close()


def bare_paint(text_file: Path, size: tuple[int, int], env: dict[str, str], folder: Path) -> float:
    bare = folder / "bare.py"
    bare.write_text(BARE_APP)
    term = Terminal([sys.executable, str(bare), str(text_file)], size, env)
    try:
        return term.read_until(NEEDLE)
    finally:
        term.close()


@dataclass
class Tree:
    """A copy of reader's source to measure (the checkout, or an older commit), with its databases."""

    name: str
    source: Path
    folder: Path
    seed_db: Path | None = None
    book_db: Path | None = None
    book: Path | None = None

    def python_env(self) -> dict[str, str]:
        env = dict(os.environ, PYTHONPATH=str(self.source), READER_CONFIG=str(self.folder / "none.toml"), READER_USER="bench")
        for name in ("READER_DB", "NO_COLOR", "PYTHONDONTWRITEBYTECODE"):  # compiled modules are cached, as installed
            env.pop(name, None)
        return env

    def run_corpus(self, *args: str) -> str:
        """Run corpus.py with this tree's reader; returns what it printed."""
        done = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("corpus.py")), *args],
            env=self.python_env(), capture_output=True, text=True,
        )
        if done.returncode:
            raise RuntimeError(f"corpus.py {' '.join(args)} failed for {self.name}:\n{done.stderr}")
        return done.stdout.strip()

    def prepare(self, book: bool) -> None:
        self.seed_db = self.folder / "seed.db"
        self.run_corpus("seed", str(self.seed_db))
        if book:
            self.book_db, self.book = self.folder / "book.db", self.folder / "book.txt"
            self.run_corpus("book", str(self.book_db), str(self.book))

    def terminal_env(self, db: Path, size: tuple[int, int]) -> dict[str, str]:
        env = dict(self.python_env(), TERM="xterm-256color", READER_DB=str(db))
        for name in ("COLUMNS", "LINES"):  # Textual would take these over the pty's size
            env.pop(name, None)
        return env


def first_paint(env: dict[str, str], article: Path, size: tuple[int, int]) -> float:
    term = Terminal([sys.executable, "-m", "reader", str(article)], size, env, cwd=Path(env["READER_DB"]).parent)
    try:
        return term.read_until(NEEDLE)
    finally:
        term.close()


def measure(trees: list[Tree], rounds: int, size: tuple[int, int], reps: int, book: bool, log=print) -> dict:
    """Every tree and the bare app, round after round, so each round sees the same machine.

    First paints are timed in rounds of their own (3 per key round, bare app first), as
    starting right after a key session ends is noisier.
    """
    results: dict = {"bare": [], **{t.name: {"seed": [], "book": [], "paint": [], "book paint": []} for t in trees}}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        text_file = folder / "text.txt"
        text_file.write_text(SEED.read_text(encoding="utf-8"))
        for tree in trees:  # a first run compiles and caches the modules, as installing does
            run_session(tree.terminal_env(tree.seed_db, size), SEED, size, reps=0)
        log(f"  first paints, {3 * rounds} rounds")
        for _ in range(3 * rounds):
            results["bare"].append(bare_paint(text_file, size, trees[0].terminal_env(trees[0].seed_db, size), folder))
            for tree in trees:
                results[tree.name]["paint"].append(first_paint(tree.terminal_env(tree.seed_db, size), SEED, size))
                if book:
                    results[tree.name]["book paint"].append(first_paint(tree.terminal_env(tree.book_db, size), tree.book, size))
        for round_ in range(rounds):
            log(f"  key round {round_ + 1}/{rounds}")
            for tree in trees:
                results[tree.name]["seed"].append(run_session(tree.terminal_env(tree.seed_db, size), SEED, size, reps))
                if book:
                    results[tree.name]["book"].append(run_session(tree.terminal_env(tree.book_db, size), tree.book, size, max(2, reps // 2)))
    return results


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summarise(sessions: list[Session], paints: list[float] | None = None) -> dict:
    """Medians (and key p95s) over sessions: the figures run.py tabulates. `paints`: first paints timed apart."""
    keys: dict[str, list[Press]] = {}
    for session in sessions:
        for name, values in session.keys.items():
            keys.setdefault(name, []).extend(values)
    return {
        "paint": median(paints if paints else [s.paint for s in sessions]),
        "rss_mb": median([s.rss_mb for s in sessions]),
        "repaint_bytes": median([s.repaint_bytes for s in sessions]),
        "keys": {
            name: {
                "first_ms": 1000 * median([p.first for p in presses]),
                "median_ms": 1000 * median([p.last for p in presses]),
                "p95_ms": 1000 * percentile([p.last for p in presses], 0.95),
                "bytes": median([p.bytes for p in presses]),
                "frames": median([p.frames for p in presses]),
                "count": len(presses),
            }
            for name, presses in keys.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reps", type=int, default=4, help="Repetitions of the key script per session.")
    parser.add_argument("--size", default="80x24")
    parser.add_argument("--no-book", action="store_true", help="Only the seed article.")
    args = parser.parse_args()
    size = tuple(int(n) for n in args.size.split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        tree = Tree("reader", ROOT, Path(tmp))
        tree.prepare(book=not args.no_book)
        results = measure([tree], args.rounds, size, args.reps, book=not args.no_book)
    bare = median(results["bare"])
    print(f"terminal {size[0]}x{size[1]}, {args.rounds} rounds; an update ends after {QUIET * 1000:.0f} ms of silence")
    print(f"first paint: bare Textual {bare:.3f} s")
    for article in ("seed", "book"):
        if not results["reader"][article]:
            continue
        s = summarise(results["reader"][article], results["reader"]["paint" if article == "seed" else "book paint"])
        print(f"\n{article}: first paint {s['paint']:.3f} s (x{s['paint'] / bare:.2f} bare), RSS {s['rss_mb']:.0f} MB, "
              f"full repaint {s['repaint_bytes']:.0f} bytes")
        print(f"  {'key':<24}{'first ms':>9}{'median ms':>10}{'p95 ms':>8}{'bytes':>7}{'frames':>7}{'n':>4}")
        for name, k in s["keys"].items():
            print(f"  {KEYS[name]:<24}{k['first_ms']:>9.1f}{k['median_ms']:>10.1f}{k['p95_ms']:>8.1f}{k['bytes']:>7.0f}"
                  f"{k['frames']:>7.0f}{k['count']:>4}")


if __name__ == "__main__":
    main()
