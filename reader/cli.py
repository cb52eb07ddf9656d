"""The `reader` command line."""

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
from reader.paths import expand_path, unreadable
from reader.model import ArticleListing
from reader.text.inert import for_terminal, one_line, plural
from reader.text.inert import json_line as _json_line


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
    seconds = int(seconds)
    if seconds < 90:
        return f"{seconds} s"
    if seconds < 5400:
        return f"{round(seconds / 60)} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


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


@cli.command("open")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@common_options
@analysis_options
def open_command(paths: tuple[Path, ...], db: str | None, user: str | None, model: str | None, max_size: float | None) -> None:
    """Open the reader, importing PATHs (files or directories) first.

    With an empty library, the bundled sample article is imported and opened.

    \b
    Example:
      reader                   # the library, or the sample on first run
      reader story.txt         # import story.txt and open it
    """
    from reader.app import run_app

    _check_not_a_mistyped_command(paths)
    keymap = config.keymap()  # a mistake in it is one line before anything opens
    store = open_store(db)
    limit = config.max_bytes(max_size)
    targets = list(paths)
    if not targets and store.count_articles() == 0:
        targets = [config.sample_article()]
    article_ids: list[int] = []
    if targets:
        from reader.ingest.batch import import_files

        report = import_files(store, targets, limit)  # analysed in the app, off the UI thread
        _report_errors(report.errors)
        article_ids = report.article_ids
        if not article_ids:
            raise ReaderError("nothing to open")
    name = config.user_name(user)
    offset = None
    if not article_ids and (place := store.find_place(name)) is not None:  # where this user left off
        article_ids, offset = [place[0]], place[1]
    run_app(store, user=name, model=config.model_name(model), article_ids=article_ids, max_bytes=limit,
            keymap=keymap, offset=offset)


def _check_not_a_mistyped_command(paths: tuple[Path, ...]) -> None:
    """`reader lsit` is a typo for `reader list`, not a file to open."""
    import difflib

    if len(paths) >= 1 and not paths[0].exists() and len(paths[0].parts) == 1:
        close = difflib.get_close_matches(str(paths[0]), [c for c in cli.commands if c != "open"], n=1)
        if close:
            raise ReaderError(f"no such command or file '{paths[0]}' (did you mean 'reader {close[0]}'?)")


def corpus_options(func: Callable) -> Callable:
    """The options of a tabular corpus (reader.ingest.corpus.open_corpus), for `reader add`."""
    for role in ("outlet", "id", "author", "url", "date", "title", "text"):
        func = click.option(
            f"--{role}-column", f"{role}_column", metavar="NAME",
            help=f"The corpus column holding the {'external id' if role == 'id' else role} (else found by its usual names).",
        )(func)
    func = click.option(
        "--format", "corpus_format", type=click.Choice(["csv", "tsv", "jsonl", "json"]),
        help="Read the corpus as this format (else told by its name and first bytes).",
    )(func)
    func = click.option("--encoding", metavar="NAME", help="The files' encoding (else detected).")(func)
    func = click.option(
        "--dayfirst/--monthfirst", "dayfirst", default=None,
        help="Read 03/04/2024 as 3 April (--dayfirst) or March 4 (--monthfirst); else such dates are refused.",
    )(func)
    return func


@cli.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, allow_dash=True))
@click.option("--no-analysis", is_flag=True, help="Store the text only; analyse later with 'reader reanalyze'.")
@corpus_options
@common_options
@analysis_options
@jobs_option
def add_command(
    paths: tuple[Path, ...], no_analysis: bool, db: str | None, user: str | None,
    model: str | None, max_size: float | None, jobs: int, dayfirst: bool | None, encoding: str | None,
    corpus_format: str | None, **columns: str | None,
) -> None:
    """Import articles (.txt, .md, .html; files or directories) and corpora
    (.csv, .tsv, .jsonl, .json, each maybe .gz; '-' for standard input), and analyse them.

    A corpus holds one article per row: its columns are found by their usual
    names (text/body/content, title/headline, date/published, url/link,
    author/byline, id, source/outlet) or named with --text-column and the like;
    the others are kept as metadata, and the id is exported as
    article_external_id. The same text imported twice is stored once. Files and
    rows that cannot be read are reported, one line each, and the rest still
    import (exit status 1). See docs/corpus.md.

    \b
    Example:
      reader add seeds/
      reader add --jobs 0 ~/corpus/*.txt
      reader add corpus.csv --text-column "Full text" --dayfirst
      zcat stories.jsonl.gz | reader add - --no-analysis
    """
    from reader.analysis import Analyser
    from reader.ingest.batch import import_files
    from reader.ingest.corpus import is_corpus_name

    corpora = [p for p in paths if str(p) == "-" or is_corpus_name(p)]
    files = [p for p in paths if p not in corpora]
    if corpus_format and files and not corpora:
        raise ReaderError("--format is for corpora (.csv, .tsv, .jsonl, .json, or '-')")
    if sum(str(p) == "-" for p in paths) > 1:
        raise ReaderError("'-' (standard input) can be given once")
    store = open_store(db)
    analyser = None if no_analysis else Analyser(config.model_name(model), config.pipelines())
    if analyser is not None:
        analyser.nlp  # fail early, before reading files, if the model is missing
    added = duplicates = failed = 0
    if files:
        report = import_files(
            store, files, config.max_bytes(max_size), analyser=analyser,
            n_process=_processes(jobs), progress=_progress_callback("Importing" if no_analysis else "Analysing"),
            dayfirst=dayfirst, encoding=encoding,
        )
        for line in report.warnings:
            click.echo(f"reader: {one_line(line)}", err=True)
        _report_errors(report.errors)
        added, duplicates, failed = len(report.added), len(report.duplicates), len(report.errors)
    options = {"dayfirst": dayfirst, "encoding": encoding, "format": corpus_format, **columns}
    for path in corpora:
        outcome = _add_corpus(store, path, options, analyser, _processes(jobs))
        if outcome is None:
            failed += 1
            continue
        added += len(outcome.added)
        duplicates += outcome.duplicates
        failed += outcome.problems + (outcome.stopped is not None)
    click.echo(
        f"{added} added, {duplicates} already in the library, "
        f"{failed} failed ({one_line(str(store.path))})"
    )
    if failed:
        sys.exit(1)


def _add_corpus(store: Any, path: Path, options: dict[str, Any], analyser: Any, n_process: int) -> Any:
    """Import one corpus, its problems one line each as they are found; None (after its line) if it cannot be read."""
    from reader.ingest.corpus import CorpusError, open_corpus
    from reader.ingest.corpus_import import import_corpus

    name = str(path)
    try:
        with contextlib.ExitStack() as stack:
            if name == "-":
                if _stdin_is_terminal():
                    raise CorpusError("-: standard input is a terminal; send a corpus to it (zcat corpus.csv.gz | reader add -)")
                stream = sys.stdin.buffer
                size = _regular_size(stream)  # `reader add - < corpus.csv` has a size
            else:
                stream = stack.enter_context(_open_corpus_file(path))
                size = _regular_size(stream)
            corpus = open_corpus(stream, name, **options)
            click.echo(f"reader: {one_line(corpus.describe())}", err=True)
            display = stack.enter_context(_CorpusDisplay(name, size, "Analysing" if analyser else "Importing"))
            report = import_corpus(
                store, corpus, analyser=analyser, n_process=n_process, on_line=display.line, progress=display.update,
            )
            display.done(report)
            if report.rows == 0 and report.stopped is None:
                raise CorpusError(f"{name}: no rows, only {'a header' if corpus.format in ('csv', 'tsv') else 'nothing'}")
            return report
    except CorpusError as exc:
        click.echo(f"reader: {one_line(str(exc))}", err=True)
        return None


@contextlib.contextmanager
def _open_corpus_file(path: Path) -> Any:
    from reader.ingest.corpus import CorpusError

    try:
        handle = open(expand_path(path), "rb")
    except OSError as exc:
        raise unreadable(path, exc, CorpusError, "is a directory (a corpus is one file; give a directory of articles "
                                                 "without a corpus suffix)") from None
    with handle:
        yield handle


def _regular_size(stream: Any) -> int | None:
    """The size of a regular file (a progress bar's total), else None (a pipe, a FIFO)."""
    import stat

    try:
        info = os.fstat(stream.fileno())
    except (OSError, AttributeError, ValueError):
        return None
    return info.st_size if stat.S_ISREG(info.st_mode) and info.st_size > 0 else None


class _CorpusDisplay:
    """Progress of a corpus import on stderr: a rich bar on a terminal (share read, rows, rate, time taken and left),
    a plain line every PLAIN_EVERY rows when stderr is a file or a pipe; problems printed above the bar."""

    PLAIN_EVERY = 5000

    def __init__(self, name: str, size: int | None, label: str):
        from rich.console import Console

        self.name = name
        self.size = size
        self.label = label
        self.console = Console(stderr=True, highlight=False)
        self.live = self.console.is_terminal
        self.next_plain = self.PLAIN_EVERY
        self.progress: Any = None
        self.rows = 0

    def __enter__(self) -> "_CorpusDisplay":
        if self.live:
            from rich.progress import (
                BarColumn,
                Progress,
                TaskProgressColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.progress = Progress(  # under 80 columns: a terminal over SSH is often no wider
                TextColumn("{task.description}"), BarColumn(bar_width=20), TaskProgressColumn(),
                TextColumn("{task.fields[rows]:,} rows {task.fields[rate]:,.0f}/s"), TimeElapsedColumn(),
                TimeRemainingColumn(), TextColumn("left"), console=self.console, transient=True,
            )
            self.task = self.progress.add_task(self.label, total=self.size, rows=0, rate=0.0)
            self.progress.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.progress is not None:
            self.progress.stop()

    def line(self, text: str) -> None:
        if self.progress is not None:
            from rich.text import Text

            self.progress.console.print(Text(f"reader: {one_line(text)}"), soft_wrap=True)
        else:
            click.echo(f"reader: {one_line(text)}", err=True)

    def update(self, state: Any) -> None:
        rate = state.rows / state.elapsed if state.elapsed > 0 else 0.0
        self.rows = state.rows
        if self.progress is not None:
            self.progress.update(self.task, completed=state.bytes_read, rows=state.rows, rate=rate)
        elif state.rows >= self.next_plain:
            self.next_plain = (state.rows // self.PLAIN_EVERY + 1) * self.PLAIN_EVERY
            share = f", {min(100, 100 * state.bytes_read // self.size)}% read" if self.size else ""
            left = ""
            if self.size and 0 < state.bytes_read < self.size and rate:
                remaining = state.elapsed * (self.size - state.bytes_read) / state.bytes_read
                left = f", about {_duration(remaining)} left"
            click.echo(
                one_line(f"{self.name}: {state.rows:,} rows, {state.added:,} added, {rate:,.0f} rows/s{share}{left}"),
                err=True,
            )

    def done(self, report: Any) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None
        if report.rows >= self.PLAIN_EVERY or self.live:
            click.echo(
                one_line(f"{self.name}: {report.rows:,} rows in {_duration(report.seconds)} ({report.rate:,.0f} rows/s)"),
                err=True,
            )


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


@cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@common_options
def list_command(as_json: bool, db: str | None, user: str | None) -> None:
    """List the articles in the library, newest first, one line each.

    On a terminal: a table, titles cut to its width. Piped: tab-separated fields, no header:
    id, date, words, entities, quotes, annotations, notes (annotations with a note), title
    (entities and quotes are empty for an article not analysed). With --json: one object per
    line. Lines are written as they are read, so the first comes at once however large the library.

    \b
    Example:
      reader list
      reader list | cut -f1,8
      reader list --json | jq .title
    """
    rows = read_as(open_store(db, must_exist=True), user).iter_articles()
    terminal = sys.stdout.isatty()
    if as_json:
        lines = (_json_line(row._asdict()) for row in rows)
    elif terminal:
        lines = _table_lines(rows)
    else:
        lines = (_tab_line(row) for row in rows)
    written = _write_lines(lines)
    if not written and not as_json:
        click.echo("The library is empty: add articles with 'reader add PATH'.", err=not terminal)


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


def _counts(row: ArticleListing, blank: str) -> tuple[str, ...]:
    analysed = row.analyser is not None
    return (
        str(row.word_count), str(row.entities) if analysed else blank, str(row.quotes) if analysed else blank,
        str(row.annotations), str(row.notes),
    )


def _tab_line(row: ArticleListing) -> str:
    return "\t".join((str(row.id), one_line(row.date or ""), *_counts(row, ""), one_line(row.title)))


def _table_lines(rows: Iterator[ArticleListing]) -> Iterator[str]:
    """A table for a terminal, streamed: widths fixed by the first row (the newest has the largest id)."""
    import shutil

    from rich.cells import cell_len, set_cell_size

    width = shutil.get_terminal_size((100, 24)).columns
    heads = ("id", "date", "words", "ents", "quotes", "annots", "notes")
    widths = [0, 10, 6, 5, 6, 6, 5]
    for n, row in enumerate(rows):
        if n == 0:
            widths[0] = max(2, len(str(row.id)))
            yield "  ".join(h.rjust(w) if i != 1 else h.ljust(w) for i, (h, w) in enumerate(zip(heads, widths))) + "  title"
        cells = (str(row.id), one_line(row.date or ""), *_counts(row, "-"))
        line = "  ".join(c.rjust(w) if i != 1 else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))) + "  "
        room = max(10, width - cell_len(line) - 1)
        title = one_line(row.title)
        if cell_len(title) > room:
            title = set_cell_size(title, room - 1) + "…"
        yield line + title


@cli.command("search")
@click.argument("query")
@common_options
def search_command(query: str, db: str | None, user: str | None) -> None:
    """Full-text search across articles and notes.

    \b
    Example:
      reader search "bad faith"
    """
    rows = read_as(open_store(db, must_exist=True), user).search(query)
    for hit in rows:
        where = f"article {hit.article_id}" + (f", annotation {hit.annotation_id}" if hit.annotation_id else "")
        click.echo(f"{where}: {one_line(hit.title)}\n    {one_line(' '.join(hit.snippet.split()))}")
    if not rows:
        click.echo("No matches.", err=True)
        sys.exit(1)


@cli.command("analyze")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file per line (the stable interface).")
@analysis_options
@jobs_option
def analyze_command(paths: tuple[Path, ...], as_json: bool, model: str | None, max_size: float | None, jobs: int) -> None:
    """Analyse files without storing them: entities and quotations with speakers.

    With --json, prints for each file one line with: path, title, date, source,
    text, analyser, entities [{start, end, label, text}] and quotes [{start, end,
    text, speaker, speaker_start, speaker_end, cue}]. Offsets index `text` (as
    Python string indexes, i.e. Unicode code points). `speaker` is the speaker's
    fullest name in the article; text[speaker_start:speaker_end] is the mention
    that names them. Touches no database.

    \b
    Example:
      reader analyze seeds/000_8d4d9360f55ea89e.txt --json
    """
    from reader.analysis import Analyser
    from reader.ingest.batch import read_files

    parsed, errors = read_files(paths, config.max_bytes(max_size))
    _report_errors(errors)
    if parsed:
        analyser = Analyser(config.model_name(model), config.pipelines())
        for (path, article), analysis in zip(parsed, analyser.analyse_many([a.text for _, a in parsed], n_process=_processes(jobs))):
            record = {
                "path": str(path),
                "title": article.title,
                "date": article.date,
                "source": article.source,
                "text": article.text,
                "analyser": analysis.analyser,
                "entities": [vars(e) for e in analysis.entities],
                "quotes": [vars(q) for q in analysis.quotes],
            }
            if as_json:
                click.echo(_json_line(record))
            else:
                _print_analysis(record)
    if errors:
        sys.exit(1)


def _print_analysis(record: dict[str, Any]) -> None:
    click.echo(one_line(f"{record['path']}: {record['title']} ({record['date'] or 'no date'})"))
    click.echo(f"  {len(record['entities'])} entities:")
    for e in record["entities"]:
        click.echo(f"    {e['label']:<12} {one_line(e['text'])}")
    click.echo(f"  {len(record['quotes'])} quotations:")
    for q in record["quotes"]:
        words = " ".join(q["text"].split())
        click.echo(one_line(f"    {q['speaker'] or '(no speaker)'}: “{words[:70]}{'…' if len(words) > 70 else ''}”"))


@cli.command("reanalyze")
@click.option("--all", "everything", is_flag=True, help="Re-analyse every article, not only stale ones.")
@common_options
@analysis_options
@jobs_option
def reanalyze_command(everything: bool, db: str | None, user: str | None, model: str | None, max_size: float | None, jobs: int) -> None:
    """Analyse stored articles that were never analysed or were analysed by another version.

    Each article is stored with its analysis as it is done: stopped and run again, only
    what is left is analysed (--all too: an interrupted --all is resumed, not restarted).

    \b
    Example:
      reader reanalyze
      reader reanalyze --all --jobs 2
    """
    from reader.analysis import Analyser
    from reader.ingest.batch import analyse_stored

    store = open_store(db)
    analyser = Analyser(config.model_name(model), config.pipelines())
    queued = store.queued_for_analysis()
    if everything and queued:
        click.echo(f"reader: resuming an interrupted 'reanalyze --all': {plural(len(queued), 'article')} left", err=True)
    elif everything:
        store.queue_analysis(row.id for row in store.iter_articles())
        queued = store.queued_for_analysis()
    stale = store.articles_needing_analysis(analyser.version)
    ids = sorted(set(queued) | set(stale))
    count = analyse_stored(store, ids, analyser, _processes(jobs), _progress_callback("Analysing", "articles"))
    click.echo(f"{plural(count, 'article')} analysed with {analyser.version}")


def quote_filter_options(func: Callable) -> Callable:
    """The speaker index's filters, on `reader speakers` and `reader quotes`."""
    for option in reversed([
        click.option("--since", metavar="DATE", help="Only quotations in articles dated DATE (YYYY-MM-DD) or later."),
        click.option("--until", metavar="DATE", help="Only quotations in articles dated DATE (YYYY-MM-DD) or earlier."),
        click.option("--outlet", metavar="NAME", help="Only quotations from this outlet (as 'reader speakers --json' names them)."),
        click.option("--tag", metavar="TAG", help="Only quotations an annotation with this tag covers."),
        click.option("--checked", is_flag=True, help="Only quotations a person confirmed or corrected."),
        click.option("--search", metavar="WORDS", help="Only quotations with these words (full-text; the last a prefix)."),
    ]):
        func = option(func)
    return func


def _quote_filter(store: Any, since: str | None, until: str | None, outlet: str | None, tag: str | None,
                  checked: bool, search: str | None) -> Any:
    import datetime

    from reader.model import QuoteFilter

    days = {}
    for flag, value in (("--since", since), ("--until", until)):
        if value is not None:
            try:
                days[flag] = datetime.date.fromisoformat(value.strip()).isoformat()
            except ValueError:
                raise ReaderError(f"{flag} {value!r} is not a date: give YYYY-MM-DD") from None
    if tag is not None and store.find_tag(tag) is None:
        raise ReaderError(f"no tag called {tag!r} (see 'reader codebook export')")
    if search is not None and not search.split():
        raise ReaderError("--search needs words to look for")
    return QuoteFilter(days.get("--since"), days.get("--until"), outlet, tag, checked, search)


@cli.command("speakers")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@quote_filter_options
@click.option("--merge", "merge", metavar="NAME", help="The speaker NAME is the speaker --into names (kept across re-analysis).")
@click.option("--into", "into", metavar="NAME", help="With --merge: the speaker they are.")
@click.option("--split", "split", metavar="NAME", help="The quotations whose speaker goes by NAME are a speaker of their own.")
@click.option("--undo", is_flag=True, help="Take back the last merge or split.")
@click.option("--decisions", "list_decisions", is_flag=True, help="List the merges and splits people made, oldest first.")
@common_options
def speakers_command(
    as_json: bool, since: str | None, until: str | None, outlet: str | None, tag: str | None, checked: bool,
    search: str | None, merge: str | None, into: str | None, split: str | None, undo: bool, list_decisions: bool,
    db: str | None, user: str | None,
) -> None:
    """List the library's speakers, the most quoted first: who said what across every article.

    Names merge across articles ("Hillary Clinton", "Mrs. Clinton", "Hillary Rodham Clinton" are one
    speaker, "Bill Clinton" another); quotations as people corrected them. Columns: name, kind
    (person, organisation, unnamed), quotes, articles, outlets, first and last date, and the share
    of quotations no one has checked (unverified). Piped: tab-separated, no header. The filters
    count only the quotations they keep. --merge/--into and --split correct the merging of names;
    they are kept in the library and outlive re-analysis. See "The speaker index" in the README.

    \b
    Example:
      reader speakers
      reader speakers --json | jq -r .name
      reader speakers --outlet cnn.com --since 2016-10-01 --checked
      reader speakers --merge "Clinton" --into "Hillary Clinton"
      reader speakers --split "Clinton"
      reader speakers --undo
    """
    store = read_as(open_store(db, must_exist=True), user)
    _index_backlog(store)
    if merge is not None or into is not None or split is not None or undo or list_decisions:
        _decide_speakers(store, merge, into, split, undo, list_decisions, config.user_name(user))
        return
    speakers = store.speaker_index(_quote_filter(store, since, until, outlet, tag, checked, search))
    terminal = sys.stdout.isatty()
    if as_json:
        lines: Iterator[str] = (_json_line(s.summary()) for s in speakers)
    else:
        lines = _speaker_lines((s.summary() for s in speakers), header=terminal)
    if not _write_lines(lines) and not as_json:
        if store.count_articles() and (since or until or outlet or tag or checked or search):
            click.echo("No quotation in the library is kept by these filters.", err=not terminal)
        else:
            click.echo("No quotations in the library yet: 'reader add' analyses articles as it adds them.", err=not terminal)


def _index_backlog(store: Any) -> None:
    """Say so on stderr when the speaker index has first to read a library made before it (once), and when
    it leaves out the articles the user codes blind."""
    backlog = store.speaker_index_backlog()
    if backlog >= 1000:
        click.echo(f"Reading the quotations of {plural(backlog, 'article')} into the speaker index (once)…", err=True)
    hidden = store.speaker_index_hidden()
    if hidden:
        click.echo(f"Blind coding: the speaker index leaves out the open assignment's {plural(hidden, 'article')} "
                   "until it is closed (reader assign --close).", err=True)


def _decide_speakers(store: Any, merge: str | None, into: str | None, split: str | None, undo: bool,
                     list_decisions: bool, author: str) -> None:
    """--merge/--into, --split, --undo, --decisions: one at a time."""
    chosen = [merge is not None or into is not None, split is not None, undo, list_decisions]
    if sum(chosen) > 1:
        raise ReaderError("give one of --merge/--into, --split, --undo, --decisions at a time")
    if list_decisions:
        for d in store.speaker_decisions():
            what = f"merge {d.name!r} into {d.into!r}" if d.action == "merge" else f"split {d.name!r}"
            click.echo("\t".join(one_line(str(cell)) for cell in (d.id, d.decided_at, d.author, what)))
        return
    if undo:
        decisions = store.speaker_decisions()
        if not decisions:
            raise ReaderError("no merge or split to take back")
        last = decisions[-1]
        store.delete_speaker_decision(last.id)
        what = f"merge of {last.name!r} into {last.into!r}" if last.action == "merge" else f"split of {last.name!r}"
        click.echo(one_line(f"Took back the {what}."))
        return
    if merge is not None or into is not None:
        if not merge or not into or not merge.split() or not into.split():
            raise ReaderError("--merge NAME needs --into NAME (the speaker they are)")
        found = store.find_speaker(merge)
        if found is None:
            raise ReaderError(f"no speaker called {merge!r} (see 'reader speakers')")
        target = store.find_speaker(into)
        if target is not None and target.id == found.id:
            raise ReaderError(f"{merge!r} and {into!r} are one speaker already")
        store.decide_speakers("merge", found.name, target.name if target else into, author)
        now_found = store.find_speaker(target.name if target else into)
        click.echo(one_line(f"{found.name!r} is now {now_found.name!r}: {plural(now_found.quotes, 'quotation')}."
                            if now_found else f"{found.name!r} merged into {into!r}."))
        return
    assert split is not None
    wanted = " ".join(split.split()).casefold()
    if not wanted or not any(wanted in (v.casefold() for v in s.variants) or s.name.casefold() == wanted
                             or wanted in (" ".join(_bare(v)).casefold() for v in s.variants)
                             for s in store.speaker_index()):
        raise ReaderError(f"no speaker goes by {split!r} (see 'reader speakers --json', variants)")
    store.decide_speakers("split", split, None, author)
    found = store.find_speaker(split)
    click.echo(one_line(f"{' '.join(split.split())!r} is a speaker of their own"
                        + (f": {plural(found.quotes, 'quotation')}." if found else ".")))


def _bare(name: str) -> list[str]:
    from reader.speakers import name_words

    return name_words(name)


def _speaker_lines(rows: Iterator[dict[str, Any]], header: bool) -> Iterator[str]:
    fields = ("name", "kind", "quotes", "articles", "outlets", "first", "last", "unverified")
    if header:
        yield "\t".join(fields)
    for row in rows:
        cells = dict(row, unverified=f"{row['unverified']:.0%}", first=row["first"] or "", last=row["last"] or "")
        yield "\t".join(one_line(str(cells[f])) for f in fields)


QUOTE_FIELDS = (
    "article_id", "external_id", "date", "outlet", "speaker", "quotation", "cue", "source", "status", "title", "sentence",
)


@cli.command("quotes")
@click.option("--speaker", "name", required=True, metavar="NAME", help="The speaker (as 'reader speakers' names them, or a name they go by).")
@quote_filter_options
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True, help="CSV or JSON Lines.")
@common_options
def quotes_command(
    name: str, since: str | None, until: str | None, outlet: str | None, tag: str | None, checked: bool,
    search: str | None, fmt: str, db: str | None, user: str | None,
) -> None:
    """One speaker's quotations across the library, oldest first.

    Columns: article_id, external_id (the corpus row's id), date, outlet, speaker (as the article
    names them), quotation, cue, source (the mention as written), status (machine, confirmed,
    corrected), title, sentence (the sentence around the quotation). Cells a spreadsheet would run
    as a formula get a leading apostrophe.

    \b
    Example:
      reader quotes --speaker "Hillary Clinton" > clinton.csv
      reader quotes --speaker Reuters --since 2016-10-01 --until 2016-10-31 --format jsonl
      reader quotes --speaker "Hillary Clinton" --outlet cnn.com --checked --search emails
    """
    import csv

    from reader.interchange.cells import neutralise

    store = read_as(open_store(db, must_exist=True), user)
    _index_backlog(store)
    filters = _quote_filter(store, since, until, outlet, tag, checked, search)
    found = store.find_speaker(name)
    if found is None:
        raise ReaderError(f"no speaker called {name!r} (see 'reader speakers')")
    rows = [
        dict(zip(QUOTE_FIELDS, (q.article_id, q.external_id, q.date, q.outlet, q.speaker, q.text, q.cue, q.source,
                                q.status, q.title, q.sentence)))
        for q in store.speaker_quotes(found.id, filters)
    ]
    if fmt == "jsonl":
        _write_lines(_json_line(row) for row in rows)
        return
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(QUOTE_FIELDS)
    for row in rows:
        writer.writerow([neutralise("" if v is None else str(v)) for v in row.values()])
    sys.stdout.write(for_terminal(out.getvalue()) if sys.stdout.isatty() else out.getvalue())  # no raw controls on a terminal


@cli.command("backup")
@click.argument("dest", type=click.Path(path_type=Path))
@common_options
def backup_command(dest: Path, db: str | None, user: str | None) -> None:
    """Copy the library to DEST as one consistent file, while other sessions keep working.

    Use this rather than cp: a copy of reader.db alone can miss what is still in
    reader.db-wal, and a copy made while a session writes can be torn. DEST is a new
    file, or a folder to put the copy in; an existing file is never overwritten.

    \b
    Example:
      reader backup ~/backups/reader-2026-12-01.db
    """
    store = open_store(db, must_exist=True)
    written = store.backup(dest)
    click.echo(f"{plural(store.count_articles(), 'article')} backed up to {one_line(str(written))}")


# ---------------------------------------------------------------- export and import of annotations


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


def _not_the_library(output: Path | None, store: Any) -> None:
    """`-o` naming the library itself would replace the notes with their export."""
    if output is None or store.path is None:
        return
    with contextlib.suppress(OSError, RuntimeError):
        if os.path.samefile(Path(output).expanduser(), store.path):
            raise ReaderError(f"{output}: is the library itself; choose another file for the export")


class _InertStream:
    """Output for a terminal (a person reading, not a file): control characters in it are shown inert."""

    def __init__(self, stream: Any):
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(for_terminal(text))


@cli.command("export")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
              help="Write to FILE instead of standard output (replaced only once the export is complete).")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "qdpx", "spacy", "label-studio", "doccano"]),
              default="csv", show_default=True,
              help="CSV; JSON Lines of W3C Web Annotations; a REFI-QDA project (NVivo, ATLAS.ti, MAXQDA…); "
                   "a spaCy DocBin; Label Studio tasks (JSON); doccano (JSON Lines).")
@click.option("--bom", is_flag=True, help="Start the CSV with a UTF-8 byte order mark (for Excel).")
@click.option("--per-tag", is_flag=True, help="One CSV row per (annotation, tag), for pivot tables.")
@click.option("--include-highlights", is_flag=True,
              help="Add the machine highlights (entities, quotations): as rows and a 'kind' column in CSV; "
                   "as entities in spaCy, predictions in Label Studio, labels in doccano.")
@click.option("--article", "article_ids", type=click.IntRange(0, 2**63 - 1), multiple=True, metavar="ID",
              help="Only this article (see 'reader list'); repeat for several.")
@click.option("--tag", "tags", multiple=True, metavar="NAME", help="Only annotations with this tag; repeat for any of several.")
@click.option("--author", "authors", multiple=True, metavar="NAME", help="Only annotations by this author; repeat for several.")
@click.option("--since", metavar="DATE", help="Only articles dated DATE (YYYY-MM-DD) or later.")
@click.option("--until", metavar="DATE", help="Only articles dated DATE (YYYY-MM-DD) or earlier.")
@click.option("--articles", "per_article", is_flag=True,
              help="One row per article and coder: a column per article variable, and the checked counts.")
@common_options
def export_command(
    output: Path | None, fmt: str, bom: bool, per_tag: bool, include_highlights: bool,
    article_ids: tuple[int, ...], tags: tuple[str, ...], authors: tuple[str, ...],
    since: str | None, until: str | None, per_article: bool, db: str | None, user: str | None,
) -> None:
    """Export annotations as CSV (the default), JSON Lines, a REFI-QDA project, or for NLP tools.

    CSV columns, in this order: annotation_id, article_id, article_title,
    article_date, source, start, end, text, prefix, suffix, tags (joined by a
    semicolon and a space), note, author, created_at, updated_at, entity_label,
    quote_speaker, article_hash, (with --include-highlights) kind, target,
    status, quote_source, quote_cue, and last article_external_id (the id of
    the corpus row the article came from). Cells that a spreadsheet
    would run as a formula get a leading apostrophe. --since and --until are on
    the article's date. qdpx and spacy are binary: give -o FILE (or a pipe).
    While an assignment is open, its articles export with --user's own work
    only (blind coding; standard error says so).
    See docs/export.md, docs/qdpx.md and docs/nlp-formats.md.

    \b
    Example:
      reader export -o annotations.csv --bom
      reader export --tag claim --since 2024-07-01 --per-tag > claims.csv
      reader export --format jsonl --article 3 > article3.jsonl
      reader export --articles -o codes.csv        # a row per article and coder
      reader export --format qdpx -o project.qdpx
      reader export --format spacy --include-highlights -o train.spacy
      reader export --format label-studio -o tasks.json
      reader export --format doccano -o doccano.jsonl
    """
    from reader.interchange.output import (
        BINARY_FORMATS,
        check_options,
        export,
        export_binary,
    )
    from reader.interchange.records import ExportFilter, check_filter

    from reader.blinding import export_note

    store = read_as(open_store(db, must_exist=True), user)
    _not_the_library(output, store)
    filters = check_filter(store, ExportFilter(article_ids, tags, authors, since, until))
    if note := export_note(store):
        click.echo(f"reader: {one_line(note)}", err=True)
    if per_article:
        from reader.interchange.articles import write_articles_csv, write_articles_jsonl

        if fmt not in ("csv", "jsonl"):
            raise ReaderError("--articles writes CSV or JSON Lines (--format csv or jsonl)")
        if per_tag or include_highlights or tags:
            raise ReaderError("--articles writes one row per article and coder: --per-tag, --include-highlights and --tag do not apply")
        count = _export_to(output, lambda out: write_articles_csv(store, out, filters, bom=bom) if fmt == "csv"
                           else write_articles_jsonl(store, out, filters))
        if output is not None and str(output) != "-":
            click.echo(f"{count} article rows exported to {one_line(str(output))}", err=True)
        return
    to_file = output is not None and str(output) != "-"
    if fmt in BINARY_FORMATS:
        check_options(fmt, bom=bom, per_tag=per_tag, include_highlights=include_highlights)
        count, warnings = _export_binary(output, lambda target: export_binary(
            store, target, fmt, filters, include_highlights=include_highlights,
        ))
        for line in warnings:
            click.echo(f"reader: {one_line(line)}", err=True)
    else:
        count = _export_to(output, lambda out: export(
            store, out, fmt, filters, per_tag=per_tag, include_highlights=include_highlights, bom=bom,
        ))
    if to_file:
        what = {"qdpx": "annotation", "spacy": "article", "label-studio": "article", "doccano": "article"}.get(
            fmt, "record" if include_highlights else "annotation"
        )
        click.echo(f"{plural(count, what)} exported to {one_line(str(output))}", err=True)


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _export_binary(output: Path | None, write: Callable[[Any], Any]) -> Any:
    """Run `write(target)` on --output (a path) or on a binary stdout that is not a terminal."""
    if output is not None and str(output) != "-":
        from reader.interchange.output import output_file

        # Through the one safe writer: a device or a FIFO is written as it is (a rename over /dev/zero
        # made it a file, as root), a regular file replaced only when complete, owner-only.
        import io

        buffer = io.BytesIO()  # a zip needs to seek, a device cannot
        result = write(buffer)
        with output_file(output, binary=True) as out:
            out.write(buffer.getvalue())
        return result
    if _stdout_is_terminal():
        raise ReaderError("this format is binary: give a file with -o FILE (or send it to a pipe)")
    import io

    buffer = io.BytesIO()
    result = write(buffer)
    binary = getattr(sys.stdout, "buffer", sys.stdout)
    try:
        binary.write(buffer.getvalue())
        binary.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    return result


@cli.command("import-annotations")
@click.argument("file", type=click.Path(path_type=Path))
@common_options
def import_annotations_command(file: Path, db: str | None, user: str | None) -> None:
    """Import annotations from a CSV or JSON Lines file made by 'reader export', or a REFI-QDA project (.qdpx).

    Each annotation is matched to an article already in the library (by content
    hash, else article id and title, else title, else its text) and re-anchored
    by its text and context if the article's text has changed. Annotations that
    are already present are skipped, so importing a file twice changes nothing.
    Those that cannot be anchored are listed, and the exit status is then 1.
    Tags missing from the codebook are added to it. The authors and times in
    the file are kept; an annotation without an author gets --user's name.
    A project's sources are matched by their text, its codes join the
    codebook, and what reader has no place for is said one line each.

    \b
    Example:
      reader import-annotations colleague.csv
      reader import-annotations --db team.db annotations.jsonl
      reader import-annotations project.qdpx
    """
    from reader.interchange.importer import import_annotations

    store = open_store(db)
    report = import_annotations(store, file, default_author=config.user_name(user), progress=_progress_callback("Importing"))
    for line in report.notices:
        click.echo(f"reader: {one_line(line)}", err=True)
    for problem in report.errors + report.unanchored:
        click.echo(f"reader: {one_line(f'{file}: {problem}')}", err=True)
    click.echo(report.summary())
    if not report.ok:
        sys.exit(1)


@cli.group("codebook", cls=click.Group)
def codebook_group() -> None:
    """Export or import the codebook (the tags) as CSV (tag, description, quick_key, colour) or REFI-QDA (.qdc)."""


@codebook_group.command("export")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
              help="Write to FILE instead of standard output.")
@click.option("--format", "fmt", type=click.Choice(["csv", "qdc"]), default="csv", show_default=True,
              help="CSV, or a REFI-QDA codebook for NVivo, ATLAS.ti, MAXQDA and others.")
@click.option("--bom", is_flag=True, help="Start the CSV with a UTF-8 byte order mark (for Excel).")
@common_options
def codebook_export_command(output: Path | None, fmt: str, bom: bool, db: str | None, user: str | None) -> None:
    """Write the codebook as CSV or as a REFI-QDA codebook (.qdc), in codebook order.

    \b
    Example:
      reader codebook export -o codebook.csv
      reader codebook export --format qdc -o tags.qdc
    """
    from reader.interchange.codebook import write_codebook

    store = open_store(db)
    _not_the_library(output, store)
    if fmt == "qdc":
        from reader.interchange.qdpx_library import export_qdc

        if bom:
            raise ReaderError("--bom is for CSV only (a .qdc is XML in UTF-8)")
        count = _export_to_bytes(output, lambda target: export_qdc(store, target))
    else:
        count = _export_to(output, lambda out: write_codebook(store, out, bom=bom))
    if output is not None and str(output) != "-":
        click.echo(f"{plural(count, 'tag')} exported to {one_line(str(output))}", err=True)


@codebook_group.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@common_options
def codebook_import_command(file: Path, db: str | None, user: str | None) -> None:
    """Add or update tags from a codebook CSV (matched by name, ignoring case), or add a REFI-QDA codebook's codes.

    The columns present overwrite a tag's values; an empty quick_key removes the
    key, an empty colour keeps the current one. Tags not in the file are left
    alone. The file is checked completely before anything changes. A .qdc (or a
    .qdpx project's codebook) adds the codes that are not tags yet, with their
    colours and descriptions.

    \b
    Example:
      reader codebook import codebook.csv
      reader codebook import tags.qdc
    """
    from reader.interchange.codebook import import_codebook
    from reader.interchange.importer import detect_format

    store = open_store(db)
    kind = detect_format(expand_path(file))
    if kind in ("xml", "qdpx"):
        from reader.interchange.qdpx_library import import_project_codes, import_qdc

        result = (import_qdc if kind == "xml" else import_project_codes)(store, file)
        click.echo(one_line(f"{result.summary()} ({file})"))
        return
    report = import_codebook(store, file)
    click.echo(one_line(f"{report.summary()} ({file})"))


def _export_to_bytes(output: Path | None, write: Callable[[Any], int]) -> int:
    """`write(target)` for a text format written as bytes (XML): to --output (a path), else to standard output."""
    if output is not None and str(output) != "-":
        return _export_binary(output, write)
    import io

    buffer = io.BytesIO()
    count = write(buffer)
    _export_to(None, lambda out: out.write(buffer.getvalue().decode("utf-8")))
    return count


# ---------------------------------------------------------------- reliability: samples and agreement


@cli.command("assign")
@click.option("--coders", metavar="A,B,...", help="The coders who each code every article of the sample.")
@click.option("--sample", metavar="N|N%", help="How many articles: a count (20) or a share of the library (10%).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), help="Seed of the draw (the same seed, the same sample).")
@click.option("--name", metavar="TEXT", default="", help="A name for the sample [default: 'sample DATE'].")
@click.option("--list", "show", is_flag=True, help="Show per coder how many assigned articles they have coded.")
@click.option("--close", is_flag=True, help="Close the open assignment (with --coders, before drawing a new one).")
@common_options
def assign_command(
    coders: str | None, sample: str | None, seed: int | None, name: str, show: bool, close: bool,
    db: str | None, user: str | None,
) -> None:
    """Draw a reliability sample: the same articles for every coder, to code independently.

    An article counts as coded by a coder once they have any article code,
    decision or annotation on it. One assignment is open at a time. While it
    is open, coding is blind: on its articles everyone (in the app, and in
    export, list, search, speakers and quotes under their --user) sees the
    machine's highlights and their own work only; --close shows everyone's.

    \b
    Examples:
      reader assign --coders ana,ben --sample 20 --seed 7
      reader assign --coders ana,ben --sample 10%
      reader assign --list
      reader assign --close
    """
    import secrets

    from reader.reliability import draw_sample, sample_size

    if show and (coders or sample or close):
        raise ReaderError("--list shows the assignment; give it alone")
    if (coders is None) != (sample is None):
        raise ReaderError("give both --coders and --sample (reader assign --coders ana,ben --sample 20)")
    if not (show or close or coders):
        raise ReaderError("give --coders and --sample to draw a sample, or --list, or --close")
    if seed is not None and sample is None:
        raise ReaderError("--seed is for drawing a sample (with --coders and --sample)")
    store = open_store(db, must_exist=True)
    if show:
        assignment = store.find_last_assignment()
        if assignment is None:
            raise ReaderError("no assignment yet (reader assign --coders ana,ben --sample 20)")
        state = "open" if assignment.is_open else f"closed {assignment.closed_at[:16].replace('T', ' ')}"
        click.echo(one_line(
            f"{assignment.name} ({state}): {plural(len(assignment.article_ids), 'article')}, "
            f"{plural(len(assignment.coders), 'coder')}"
            + (f", seed {assignment.seed}" if assignment.seed is not None else "")
        ))
        rows = store.progress(assignment)
        width = max((len(one_line(p.coder)) for p in rows), default=0)
        for progress in rows:
            click.echo(f"  {one_line(progress.coder):<{width}}  {progress.coded:,} of {progress.assigned:,} coded")
        return
    names: list[str] = []
    ids: list[int] = []
    count = 0
    if coders is not None and sample is not None:  # checked before --close closes anything
        names = [c.strip() for c in coders.split(",") if c.strip()]
        if len(set(names)) < 2:
            raise ReaderError("--coders names two coders or more, separated by commas (ana,ben)")
        ids = list(store.article_ids())
        if not ids:
            raise ReaderError("the library is empty: nothing to sample ('reader add FILE' first)")
        count = sample_size(sample, len(ids))
    if close:
        closed = store.close_assignment()
        click.echo(one_line(f"assignment '{closed.name}' closed"))
    if not names:
        return
    if seed is None:
        seed = secrets.randbelow(2**31)
    chosen = draw_sample(ids, count, seed)
    assignment = store.create_assignment(names, chosen, name=name, seed=seed)
    click.echo(one_line(
        f"assignment '{assignment.name}': {plural(len(chosen), 'article')} for {', '.join(assignment.coders)} "
        f"(seed {seed}; articles {', '.join(map(str, chosen[:20]))}{' ...' if len(chosen) > 20 else ''})"
    ))


@cli.command("agreement")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
              help="A table to read, or CSV or JSON (one record per figure).")
@click.option("--matrix", "matrix", metavar="VARIABLE",
              help="Write VARIABLE's reliability data matrix (units x coders) as CSV, for R's irr or SPSS's KALPHA.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
              help="Write to FILE instead of standard output.")
@click.option("--seed", type=click.IntRange(0, 2**31 - 1), default=0, show_default=True, help="Seed of the bootstrap.")
@click.option("--against", "reference", metavar="LAYER",
              help="Each coder's agreement with LAYER (adjudicated: the adjudicated layer), for coder training.")
@common_options
def agreement_command(
    fmt: str, matrix: str | None, output: Path | None, seed: int, reference: str | None, db: str | None, user: str | None,
) -> None:
    """Krippendorff's alpha of the open (else the last) assignment: article variables, span tags, quotations.

    Below 0.800 the table says so, and below 0.667 (docs/reliability.md).

    \b
    Examples:
      reader agreement
      reader agreement --format csv -o agreement.csv
      reader agreement --matrix tone -o tone.csv
      reader agreement --against adjudicated          # each coder against the adjudicated layer
    """
    from reader import agreement as ag
    from reader.reliability import inputs

    store = open_store(db, must_exist=True)
    assignment = store.find_last_assignment()
    if assignment is None:
        raise ReaderError("no assignment yet: draw a sample first (reader assign --coders ana,ben --sample 20)")
    _refuse_to_a_coder(assignment, config.user_name(user), "agreement")
    against = ""
    if reference is not None:
        reference = reference.strip()
        if matrix is not None:
            raise ReaderError("--matrix writes the coders' matrix; leave out --against")
        against = _against_line(store, assignment, reference)
    data = inputs(store, assignment, reference)
    try:
        if matrix is not None:
            if fmt != "table":
                raise ReaderError("--matrix writes CSV; leave out --format")
            if output is None:
                raise ReaderError("--matrix needs -o FILE")
            name = " ".join(matrix.split()).casefold()
            found = None
            for variable in data.variables:
                for option in ag.variable_matrices(variable, data.codings):
                    if option.name.casefold() == name:
                        found = option
                if variable.name.casefold() == name and variable.level == "multi":
                    raise ReaderError(
                        f"'{variable.name}' is multi-choice: name one option, as in --matrix "
                        f"'{variable.name}: {variable.values[0]}'"
                    )
            if found is None:
                known = ", ".join(v.name for v in data.variables) or "none"
                raise ReaderError(f"no article variable '{matrix}' to compare (variables: {known})")
            text = ag.matrix_csv(found)
            _export_to(output, lambda out: out.write(text))
            click.echo(one_line(f"matrix of '{found.name}' written to {output}"), err=True)
            return
        if reference is not None:
            report = ag.against_reference(reference, variables=data.variables, codings=data.codings,
                                          articles=data.articles, spans=data.spans, decisions=data.decisions, seed=seed)
        else:
            report = data.report(seed=seed)
    except ValueError as exc:  # data the agreement package refuses (a value not of its variable, say)
        raise ReaderError(str(exc)) from None
    for line in data.skipped:  # what the report leaves out
        click.echo(f"reader: {one_line(line)}", err=True)
    render = {"table": ag.render_table, "csv": ag.render_csv, "json": ag.render_json}[fmt]
    text = render(report)
    if fmt == "table":
        state = "open" if assignment.is_open else "closed"
        text = one_line(
            f"Assignment '{assignment.name}' ({state}): {plural(len(assignment.article_ids), 'article')}, "
            f"coders {', '.join(assignment.coders)}"
        ) + (f"\n{against}" if against else "") + "\n\n" + text
    if output is not None:
        _export_to(output, lambda out: out.write(text))
        click.echo(one_line(f"agreement written to {output}"), err=True)
    else:
        click.echo(text, nl=False)


def _refuse_to_a_coder(assignment: Any, coder: str, what: str) -> None:
    """Blind coding: what shows every coder's work is not for a coder of the open assignment."""
    if assignment.is_open and coder in assignment.coders:
        raise ReaderError(
            f"{coder} codes in the open assignment '{assignment.name}': {what} shows the other coders' work, "
            "so it is for them once it is closed (reader assign --close), or for someone who does not code it"
        )


@cli.command("adjudicate")
@click.option("--coders", metavar="A,B", help="The two coders to adjudicate between [default: the assignment's first two].")
@click.option("--list", "show", is_flag=True, help="List the disagreements and how each was settled, without opening the app.")
@common_options
def adjudicate_command(coders: str | None, show: bool, db: str | None, user: str | None) -> None:
    """Settle the disagreements of the last (closed) assignment in the adjudicated layer.

    Opens the app on the adjudication screen: each disagreement (a variable's value,
    a span one coder marked or tagged otherwise, a quotation's speaker or reading) in
    article order, both coders' versions side by side; a / b take A's or B's, m both,
    e edits, n / p walk, u undoes. Items both coders agreed on are copied into the
    layer first, so it is complete. The layer's author is 'adjudicated'; who settled
    each item, how and when is recorded (docs/reliability.md, "Adjudication").

    \b
    Examples:
      reader adjudicate --user carol
      reader adjudicate --list
      reader export --author adjudicated -o gold.csv
      reader agreement --against adjudicated
    """
    from reader import adjudication as adj

    store = open_store(db, must_exist=True)
    assignment = store.find_last_assignment()
    if assignment is None:
        raise ReaderError("no assignment yet: draw a sample first (reader assign --coders ana,ben --sample 20)")
    name = config.user_name(user)
    if show:
        _refuse_to_a_coder(assignment, name, "the list of disagreements")
    else:
        adj.check_ready(assignment, name)
    pair = adj.pair_of(assignment, (coders or "").split(","))
    if show:
        records = {(r.article_id, r.item): r for r in store.adjudications(assignment.id)}
        found = adj.items(store, assignment, pair)
        for item in found:
            record = records.get((item.article_id, item.key))
            a, b = (one_line(describe) for describe in (
                adj.describe_version(item, item.versions[0]), adj.describe_version(item, item.versions[1])))
            settled = "not settled" if record is None else f"{record.choice}{' (' + record.coder + ')' if record.coder else ''} by {record.decided_by}"
            click.echo(one_line(f"article {item.article_id}  {item.key}  {item.what}  |  {pair[0]}: {a}  |  {pair[1]}: {b}  |  {settled}"))
        left = sum((i.article_id, i.key) not in records for i in found)
        click.echo(one_line(f"{plural(len(found), 'disagreement')} between {pair[0]} and {pair[1]}, {left} not settled"), err=True)
        return
    from reader.app import run_app

    keymap = config.keymap()
    run_app(store, user=name, model=None, article_ids=[assignment.article_ids[0]], max_bytes=config.max_bytes(None),
            keymap=keymap, adjudicate=pair)


def _against_line(store: Any, assignment: Any, reference: str) -> str:
    """What `--against` compares with, in one line; a one-line error when that layer has nothing on the sample."""
    from reader import adjudication as adj

    if reference == adj.ADJUDICATED:
        records = store.adjudications(assignment.id)
        if not records:
            raise ReaderError(f"nothing of assignment '{assignment.name}' is adjudicated yet (reader adjudicate)")
        done = len({r.article_id for r in records})
        left = len(adj.unsettled(store, assignment, adj.pair_of(assignment)))
        return one_line(
            f"Each coder against the adjudicated layer: {done} of {plural(len(assignment.article_ids), 'article')} "
            f"adjudicated, {plural(left, 'disagreement')} not settled yet"
        )
    if not any(reference in store.coders(a) for a in assignment.article_ids):
        raise ReaderError(f"'{reference}' has coded none of the articles of assignment '{assignment.name}'")
    return one_line(f"Each coder against {reference}")


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
