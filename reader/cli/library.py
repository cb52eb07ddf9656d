"""The library's commands: open, add (files and corpora), list, search, analyze, reanalyze, backup."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import click

from reader import config
from reader.cli import (
    _duration,
    _processes,
    _progress_callback,
    _report_errors,
    _write_lines,
    analysis_options,
    cli,
    common_options,
    jobs_option,
    open_store,
    read_as,
)
from reader.errors import ReaderError
from reader.model import ADJUDICATED, ArticleListing
from reader.paths import expand_path, unreadable
from reader.text.inert import json_line as _json_line
from reader.text.inert import one_line, plural


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
    if config.user_name(user) == ADJUDICATED:  # its edits would carry no record of who settled what
        raise ReaderError(f"'{ADJUDICATED}' is the adjudicated layer's name, not a person: open reader under your "
                          "own --user, and settle the layer's items with D (reader adjudicate)")
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


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False
