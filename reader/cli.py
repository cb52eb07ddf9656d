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
from typing import Any, Callable

import click
from click_default_group import DefaultGroup

from reader import __version__, config, startup
from reader.errors import ReaderError
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
        "-j", "--jobs", type=click.IntRange(min=0), default=1, show_default=True,
        help="Processes for analysis (0: one per core).",
    )(func)


def open_store(db: str | None, must_exist: bool = False):
    """The library at --db (or its default); `must_exist` for commands that only read, so a typo makes no new file."""
    from reader.store import Store

    path = config.db_path(db)
    if must_exist and not path.exists() and path != config.default_db_path():
        raise ReaderError(f"no library at {path} (check --db or READER_DB; 'reader add FILE' makes one)")
    return Store(path)


def _processes(jobs: int) -> int:
    return jobs or os.cpu_count() or 1


def _progress_callback(label: str):
    """A rich progress bar on stderr (silent when stderr is not a terminal) as a (done, total) callback."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    progress = Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=console, disable=not console.is_terminal, transient=True,
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
    run_app(store, user=config.user_name(user), model=config.model_name(model), article_ids=article_ids, max_bytes=limit,
            keymap=keymap)


def _check_not_a_mistyped_command(paths: tuple[Path, ...]) -> None:
    """`reader lsit` is a typo for `reader list`, not a file to open."""
    import difflib

    if len(paths) >= 1 and not paths[0].exists() and len(paths[0].parts) == 1:
        close = difflib.get_close_matches(str(paths[0]), [c for c in cli.commands if c != "open"], n=1)
        if close:
            raise ReaderError(f"no such command or file '{paths[0]}' (did you mean 'reader {close[0]}'?)")


@cli.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--no-analysis", is_flag=True, help="Store the text only; analyse later with 'reader reanalyze'.")
@common_options
@analysis_options
@jobs_option
def add_command(
    paths: tuple[Path, ...], no_analysis: bool, db: str | None, user: str | None,
    model: str | None, max_size: float | None, jobs: int,
) -> None:
    """Import articles (.txt, .md, .html; files or directories) and analyse them.

    The same text imported twice is stored once. Files that cannot be read are
    reported, one line each, and the rest still import (exit status 1).

    \b
    Example:
      reader add seeds/
      reader add --jobs 0 ~/corpus/*.txt
    """
    from reader.analysis import Analyser
    from reader.ingest.batch import import_files

    store = open_store(db)
    analyser = None if no_analysis else Analyser(config.model_name(model))
    if analyser is not None:
        analyser.nlp  # fail early, before reading files, if the model is missing
    report = import_files(
        store, paths, config.max_bytes(max_size), analyser=analyser,
        n_process=_processes(jobs), progress=_progress_callback("Analysing"),
    )
    _report_errors(report.errors)
    click.echo(
        f"{len(report.added)} added, {len(report.duplicates)} already in the library, "
        f"{len(report.errors)} failed ({one_line(str(store.path))})"
    )
    if report.errors:
        sys.exit(1)


@cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@common_options
def list_command(as_json: bool, db: str | None, user: str | None) -> None:
    """List the articles in the library.

    \b
    Example:
      reader list
      reader list --json | jq .title
    """
    rows = open_store(db, must_exist=True).list_articles()
    if as_json:
        for row in rows:
            click.echo(_json_line(row))
        return
    if not rows:
        click.echo("The library is empty: add articles with 'reader add PATH'.")
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False)
    for name, justify in (("id", "right"), ("date", "left"), ("title", "left"), ("words", "right"),
                          ("entities", "right"), ("quotes", "right"), ("notes", "right")):
        table.add_column(name, justify=justify, no_wrap=name != "title")  # type: ignore[arg-type]
    for row in rows:
        table.add_row(  # titles as Text: shown as they are, never read as markup, controls inert
            str(row["id"]), Text(one_line(row["date"] or "")), Text(one_line(row["title"])), str(row["word_count"]),
            str(row["entities"]) if row["analyser"] else "-", str(row["quotes"]) if row["analyser"] else "-",
            str(row["annotations"]),
        )
    Console().print(table)


@cli.command("search")
@click.argument("query")
@common_options
def search_command(query: str, db: str | None, user: str | None) -> None:
    """Full-text search across articles and notes.

    \b
    Example:
      reader search "bad faith"
    """
    rows = open_store(db, must_exist=True).search(query)
    for row in rows:
        where = f"article {row['article_id']}" + (f", annotation {row['annotation_id']}" if row["annotation_id"] else "")
        click.echo(f"{where}: {one_line(row['title'])}\n    {one_line(' '.join(row['snippet'].split()))}")
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
        analyser = Analyser(config.model_name(model))
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

    \b
    Example:
      reader reanalyze --jobs 0
    """
    from reader.analysis import Analyser
    from reader.ingest.batch import analyse_stored

    store = open_store(db)
    analyser = Analyser(config.model_name(model))
    ids = store.articles_needing_analysis(None if everything else analyser.version)
    if everything:
        ids = [row["id"] for row in store.list_articles()][::-1]
    count = analyse_stored(store, ids, analyser, _processes(jobs), _progress_callback("Analysing"))
    click.echo(f"{plural(count, 'article')} analysed with {analyser.version}")


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
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True,
              help="CSV, or JSON Lines of W3C Web Annotations.")
@click.option("--bom", is_flag=True, help="Start the CSV with a UTF-8 byte order mark (for Excel).")
@click.option("--per-tag", is_flag=True, help="One CSV row per (annotation, tag), for pivot tables.")
@click.option("--include-highlights", is_flag=True,
              help="Add the machine highlights (entities, quotations) as rows, and a 'kind' column.")
@click.option("--article", "article_ids", type=click.IntRange(0, 2**63 - 1), multiple=True, metavar="ID",
              help="Only this article (see 'reader list'); repeat for several.")
@click.option("--tag", "tags", multiple=True, metavar="NAME", help="Only annotations with this tag; repeat for any of several.")
@click.option("--author", "authors", multiple=True, metavar="NAME", help="Only annotations by this author; repeat for several.")
@click.option("--since", metavar="DATE", help="Only articles dated DATE (YYYY-MM-DD) or later.")
@click.option("--until", metavar="DATE", help="Only articles dated DATE (YYYY-MM-DD) or earlier.")
@common_options
def export_command(
    output: Path | None, fmt: str, bom: bool, per_tag: bool, include_highlights: bool,
    article_ids: tuple[int, ...], tags: tuple[str, ...], authors: tuple[str, ...],
    since: str | None, until: str | None, db: str | None, user: str | None,
) -> None:
    """Export annotations as CSV (the default) or JSON Lines.

    CSV columns, in this order: annotation_id, article_id, article_title,
    article_date, source, start, end, text, prefix, suffix, tags (joined by a
    semicolon and a space), note, author, created_at, updated_at, entity_label,
    quote_speaker, article_hash; with --include-highlights also kind. Cells that a spreadsheet
    would run as a formula get a leading apostrophe. --since and --until are on
    the article's date. See docs/export.md for the full description.

    \b
    Example:
      reader export -o annotations.csv --bom
      reader export --tag claim --since 2024-07-01 --per-tag > claims.csv
      reader export --format jsonl --article 3 > article3.jsonl
    """
    from reader.interchange.output import export
    from reader.interchange.records import ExportFilter, check_filter

    store = open_store(db, must_exist=True)
    _not_the_library(output, store)
    filters = check_filter(store, ExportFilter(article_ids, tags, authors, since, until))
    count = _export_to(output, lambda out: export(
        store, out, fmt, filters, per_tag=per_tag, include_highlights=include_highlights, bom=bom,
    ))
    if output is not None and str(output) != "-":
        click.echo(f"{count} {'records' if include_highlights else 'annotations'} exported to {one_line(str(output))}", err=True)


@cli.command("import-annotations")
@click.argument("file", type=click.Path(path_type=Path))
@common_options
def import_annotations_command(file: Path, db: str | None, user: str | None) -> None:
    """Import annotations from a CSV or JSON Lines file made by 'reader export'.

    Each annotation is matched to an article already in the library (by content
    hash, else article id and title, else title, else its text) and re-anchored
    by its text and context if the article's text has changed. Annotations that
    are already present are skipped, so importing a file twice changes nothing.
    Those that cannot be anchored are listed, and the exit status is then 1.
    Tags missing from the codebook are added to it. The authors and times in
    the file are kept; an annotation without an author gets --user's name.

    \b
    Example:
      reader import-annotations colleague.csv
      reader import-annotations --db team.db annotations.jsonl
    """
    from reader.interchange.importer import import_annotations

    store = open_store(db)
    report = import_annotations(store, file, default_author=config.user_name(user), progress=_progress_callback("Importing"))
    for problem in report.errors + report.unanchored:
        click.echo(f"reader: {one_line(f'{file}: {problem}')}", err=True)
    click.echo(report.summary())
    if not report.ok:
        sys.exit(1)


@cli.group("codebook", cls=click.Group)
def codebook_group() -> None:
    """Export or import the codebook (the tags) as CSV: tag, description, quick_key, colour."""


@codebook_group.command("export")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
              help="Write to FILE instead of standard output.")
@click.option("--bom", is_flag=True, help="Start the CSV with a UTF-8 byte order mark (for Excel).")
@common_options
def codebook_export_command(output: Path | None, bom: bool, db: str | None, user: str | None) -> None:
    """Write the codebook as CSV, in codebook order.

    \b
    Example:
      reader codebook export -o codebook.csv
    """
    from reader.interchange.codebook import write_codebook

    store = open_store(db)
    _not_the_library(output, store)
    count = _export_to(output, lambda out: write_codebook(store, out, bom=bom))
    if output is not None and str(output) != "-":
        click.echo(f"{plural(count, 'tag')} exported to {one_line(str(output))}", err=True)


@codebook_group.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@common_options
def codebook_import_command(file: Path, db: str | None, user: str | None) -> None:
    """Add or update tags from a codebook CSV (matched by name, ignoring case).

    The columns present overwrite a tag's values; an empty quick_key removes the
    key, an empty colour keeps the current one. Tags not in the file are left
    alone. The file is checked completely before anything changes.

    \b
    Example:
      reader codebook import codebook.csv
    """
    from reader.interchange.codebook import import_codebook

    report = import_codebook(open_store(db), file)
    click.echo(one_line(f"{report.summary()} ({file})"))


def main() -> None:
    startup.pause()
    try:
        cli(prog_name="reader")
    finally:
        startup.resume()
