"""The `reader` command line: the group, the options and helpers every command shares.

The commands live a module per concern: library.py (open, add, list, search, analyze, reanalyze,
backup), speakers.py (speakers, quotes), exchange.py (export, import-annotations, codebook),
reliability.py (assign, agreement, adjudicate).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import io
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import click
from click_default_group import DefaultGroup

from reader import __version__, config, startup
from reader.errors import ReaderError
from reader.text.inert import for_terminal, one_line


class ReaderGroup(DefaultGroup):
    """Runs `open` when the first argument is not a command; turns reader's errors into one line and exit 1."""

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        name, command, rest = super().resolve_command(ctx, args)
        if name != "open":
            startup.resume()  # the app resumes garbage collection once it has painted
        return name, command, rest

    def invoke(self, ctx: click.Context) -> Any:
        from reader import store

        already_open = store.open_stores()
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # a full disk under `reader list --json > file` is found here, not at exit
            return result
        except ReaderError as exc:
            click.echo(f"reader: {one_line(str(exc))}", err=True)
            ctx.exit(1)
        except sqlite3.Error as exc:  # e.g. damage found after the database was opened
            click.echo(f"reader: the database failed: {one_line(str(exc))}", err=True)
            ctx.exit(1)
        except OSError as exc:  # a full disk, a folder that cannot be entered, a name too long ...
            if exc.errno == errno.EPIPE:
                raise  # the reader of a pipe went away (`reader list | head`): click ends quietly
            _stdout_gone(exc)
            where = f"{exc.filename}: " if exc.filename else "standard output: " if _is_stdout_error(exc) else ""
            click.echo(f"reader: {one_line(where + (exc.strerror or str(exc)))}", err=True)
            ctx.exit(1)
        except RuntimeError as exc:
            if "home directory" not in str(exc):  # Path.expanduser() of ~nouser/x
                raise
            click.echo("reader: a path names the home folder of a user who does not exist (~name/...)", err=True)
            ctx.exit(1)
        except (OverflowError, RecursionError) as exc:  # a number or a structure too large
            click.echo(f"reader: {one_line(str(exc) or type(exc).__name__)}", err=True)
            ctx.exit(1)

        finally:
            store.close_all(keep=already_open)  # a command leaves the libraries it opened closed and checkpointed


def _is_stdout_error(exc: OSError) -> bool:
    return exc.errno in (errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG)


def _stdout_gone(exc: OSError) -> None:
    """After standard output failed (a full disk), what is still buffered goes nowhere: no second error at exit."""
    if not _is_stdout_error(exc):
        return
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):  # not a real file (a test's)
        pass


def common_options(func: Callable) -> Callable:
    """--db and --user on every command that touches the library."""

    @click.option("--db", "db", metavar="PATH", help="Database file [env READER_DB; default: in your data directory].")
    @click.option("--user", "user", metavar="NAME", help="Author of new annotations [env READER_USER; default: login name].")
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return wrapper


def analysis_options(func: Callable) -> Callable:
    @click.option("--model", metavar="NAME", help="spaCy pipeline to analyse with [env READER_MODEL].")
    @click.option("--max-size", type=float, metavar="MB", help="Largest article file accepted [env READER_MAX_SIZE; default 5].")
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return wrapper


def jobs_option(func: Callable) -> Callable:
    return click.option(
        "-j", "--jobs", type=click.IntRange(min=0), default=0, show_default=True,
        help="Processes for analysis (0: one per core).",
    )(func)


def open_store(db: str | None, must_exist: bool = False):
    """The library at --db (or its default); `must_exist` for commands that only read, so a typo makes no new file."""
    from reader.store import Store

    path = config.db_path(db)
    if must_exist and not path.exists() and path != config.default_db_path():
        raise ReaderError(f"no library at {path} (check --db or READER_DB; 'reader add FILE' makes one)")
    store = Store(path)
    if store.network_filesystem:
        click.echo(
            f"reader: {one_line(str(path))} is on a network filesystem ({store.network_filesystem}): "
            "using a rollback journal and one session at a time", err=True,
        )
    return store


def read_as(store: Any, user: str | None) -> Any:
    """`store` reading for the user (--user, READER_USER, config): while an assignment is open, its articles show
    their own work only (see "blind coding" in store.py). For commands that show or export annotations."""
    store.view_as(config.user_name(user))
    return store


def _processes(jobs: int) -> int:
    return jobs or os.cpu_count() or 1


QUIET_PROGRESS_S = 10.0  # when stderr is not a terminal, a progress line at most this often


def _progress_callback(label: str, unit: str = "files"):
    """Progress as a (done, total) callback: on a terminal a bar with the rate and the time left (on
    stderr); otherwise a quiet line every QUIET_PROGRESS_S seconds, for logs."""
    import time

    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task) -> Text:  # type: ignore[no-untyped-def]
            return Text(f"{task.speed:,.1f} {unit}/s" if task.speed else f"- {unit}/s", style="progress.data.speed")

    console = Console(stderr=True)
    if not console.is_terminal:
        started = time.monotonic()
        last = [started]

        def quiet(done: int, total: int) -> None:
            now = time.monotonic()
            if now - last[0] < QUIET_PROGRESS_S or done >= total or done == 0:
                return
            last[0] = now
            rate = done / (now - started)
            left = _duration((total - done) / rate) if rate else "?"
            click.echo(f"reader: {label.lower()}: {done:,} of {total:,} {unit} ({rate:,.1f}/s, {left} left)", err=True)

        return quiet
    progress = Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), RateColumn(), TextColumn("left"), TimeRemainingColumn(),
        console=console, transient=True,
    )
    task = progress.add_task(label, total=None)

    started = False

    def update(done: int, total: int) -> None:
        nonlocal started
        if not started:  # the first call (done may be past 0: an import reports bytes read)
            started = True
            progress.start()
        progress.update(task, completed=done, total=total)
        if done >= total:
            progress.stop()

    return update


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def _report_errors(errors: list[str]) -> None:
    for line in errors:
        click.echo(f"reader: {one_line(line)}", err=True)




@click.group(cls=ReaderGroup, default="open", default_if_no_args=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="reader")
def cli() -> None:
    """A keyboard-driven terminal reader for news articles: entities and quotations
    highlighted, your tags and notes kept in SQLite, exported as CSV.

    With no command, opens the reader (importing any PATHs first).
    """


def _write_lines(lines: Iterator[str]) -> int:
    """Write lines to stdout as they come (the first ones flushed at once); returns how many."""
    out = sys.stdout
    count = 0
    try:
        for count, line in enumerate(lines, start=1):
            out.write(line + "\n")
            if count <= 50 or count % 1000 == 0:
                out.flush()
        out.flush()
    except BrokenPipeError:  # `reader list | head`: the reader of the pipe has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return count


def main() -> None:
    """The `reader` script: SIGTERM and SIGHUP (an SSH link dropping) end it like a quit, every library closed."""
    import signal

    from reader import store

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)
    startup.pause()
    try:
        cli(prog_name="reader")
    except KeyboardInterrupt:
        click.echo("reader: interrupted", err=True)
        sys.exit(130)
    finally:
        startup.resume()
        store.close_all()


class _InertStream:
    """Output for a terminal (a person reading, not a file): control characters in it are shown inert."""

    def __init__(self, stream: Any):
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(for_terminal(text))


def _export_to(output: Path | None, write: Callable[[Any], int]) -> int:
    """Run `write(stream)` on --output (replaced only when complete) or on stdout; returns its count."""
    import io

    from reader.interchange.output import output_file

    if output is not None and str(output) not in ("-", "/dev/stdout"):
        with output_file(output) as out:  # owner-only, like the library
            return write(out)
    binary = getattr(sys.stdout, "buffer", None)
    if binary is None:  # stdout replaced by a text-only stream
        return write(sys.stdout)
    stream = io.TextIOWrapper(binary, encoding="utf-8", newline="", write_through=True)
    try:
        count = write(_InertStream(stream) if sys.stdout.isatty() else stream)
        stream.flush()
        return count
    except BrokenPipeError:  # the reader of a pipe went away, as in `reader export | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except OSError as exc:  # a full disk under `reader export > file`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise ReaderError(f"standard output: {exc.strerror or exc}; the export is incomplete") from None
    finally:
        with contextlib.suppress(OSError, ValueError):
            stream.detach()  # leave stdout open


# The commands, a module per concern; importing them adds them to the group.
from reader.cli import exchange, library, reliability, speakers  # noqa: E402,F401
