"""Time to first paint and key-press-to-screen latency, in a pseudo-terminal as over SSH.

    python benchmarks/ui_latency.py [--rounds 3] [--size 80x24]

Runs `reader` on an analysed copy of the seed in a pty (TERM=xterm-256color),
reads everything it writes, and prints a table. A key's latency is the time
from writing the key to the last byte of the screen update it causes (the
update is over when the app has been silent for QUIET seconds). The baseline
is a minimal Textual app showing the same text, measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_8d4d9360f55ea89e.txt"
QUIET = 0.15

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


class Terminal:
    """A program running in a pty of a given size; we read all it writes."""

    def __init__(self, argv: list[str], size: tuple[int, int], env: dict[str, str]):
        import fcntl
        import struct
        import termios

        self.master, slave = pty.openpty()
        cols, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True, start_new_session=True)
        os.close(slave)
        self.output = bytearray()

    def read_until(self, needle: bytes, timeout: float = 30.0) -> float:
        """Seconds from start until `needle` has been written."""
        deadline = time.perf_counter() + timeout
        while needle not in self.output:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"never saw {needle!r}")
            self._read(0.05)
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
        return len(data)

    def settle(self) -> None:
        while self._read(QUIET):
            pass

    def press(self, key: bytes) -> tuple[float, float, int]:
        """(seconds to the first byte, seconds to the last byte, bytes written) for one key."""
        self.settle()
        sent = time.perf_counter()
        os.write(self.master, key)
        first = last = None
        total = 0
        while True:
            n = self._read(QUIET)
            if not n:
                break
            total += n
            last = time.perf_counter()
            first = first or last
        if last is None:
            return float("nan"), float("nan"), 0
        return first - sent, last - sent, total

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()
        os.close(self.master)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def prepare_db(directory: Path) -> Path:
    env = dict(os.environ, READER_DB=str(directory / "reader.db"))
    subprocess.run([sys.executable, "-m", "reader", "add", str(SEED)], env=env, check=True, capture_output=True)
    return directory / "reader.db"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--size", default="80x24")
    args = parser.parse_args()
    size = tuple(int(n) for n in args.size.split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        db = prepare_db(tmpdir)
        bare = tmpdir / "bare.py"
        bare.write_text(BARE_APP)
        text_file = tmpdir / "text.txt"
        text_file.write_text(SEED.read_text(encoding="utf-8"))
        env = dict(os.environ, TERM="xterm-256color", READER_DB=str(db), COLUMNS=str(size[0]), LINES=str(size[1]))
        env.pop("NO_COLOR", None)
        paints = {"bare Textual app": [], "reader (seed)": []}
        keys = {"j (line down)": b"j", "w (next word)": b"w", "] (next highlight)": b"]", ") (next quotation)": b")",
                "1 (tag with quick key)": b"1", "space (page)": b" "}
        latencies: dict[str, list[float]] = {k: [] for k in keys}
        firsts: dict[str, list[float]] = {k: [] for k in keys}
        sizes: dict[str, list[int]] = {k: [] for k in keys}
        for _ in range(args.rounds):
            term = Terminal([sys.executable, str(bare), str(text_file)], size, env)
            paints["bare Textual app"].append(term.read_until(b"ammunition") if size[1] > 40 else term.read_until(b"Alec"))
            term.close()
            term = Terminal([sys.executable, "-m", "reader", str(SEED)], size, env)
            paints["reader (seed)"].append(term.read_until(b"Alec"))
            term.settle()
            for _ in range(4):
                for name, key in keys.items():
                    first, seconds, written = term.press(key)
                    if written:
                        firsts[name].append(first)
                        latencies[name].append(seconds)
                        sizes[name].append(written)
            term.close()
        print(f"terminal {size[0]}x{size[1]}, {args.rounds} rounds, update ends after {QUIET * 1000:.0f} ms of silence")
        print(f"{'first paint':<28}{'median s':>10}{'min s':>8}")
        base = statistics.median(paints["bare Textual app"])
        for name, values in paints.items():
            ratio = statistics.median(values) / base
            print(f"{name:<28}{statistics.median(values):>10.3f}{min(values):>8.3f}   x{ratio:.2f} of bare Textual")
        print(f"\n{'key (seed article)':<26}{'first byte ms':>14}{'last byte ms':>13}{'p95 ms':>8}{'bytes':>7}")
        for name in keys:
            values = latencies[name]
            print(
                f"{name:<26}{statistics.median(firsts[name]) * 1000:>14.1f}{statistics.median(values) * 1000:>13.1f}"
                f"{percentile(values, 0.95) * 1000:>8.1f}{statistics.median(sizes[name]):>7.0f}"
            )
        print("\n(medians over every press that changed the screen; last byte = when the update finished)")


if __name__ == "__main__":
    main()
