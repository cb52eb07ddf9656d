"""Data in and out: export, import-annotations, codebook export and import."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Any, Callable

import click

from reader import config
from reader.cli import (
    _export_to,
    _progress_callback,
    cli,
    common_options,
    open_store,
    read_as,
)
from reader.errors import ReaderError
from reader.paths import expand_path
from reader.text.inert import one_line, plural


def _not_the_library(output: Path | None, store: Any) -> None:
    """`-o` naming the library itself would replace the notes with their export."""
    if output is None or store.path is None:
        return
    with contextlib.suppress(OSError, RuntimeError):
        if os.path.samefile(Path(output).expanduser(), store.path):
            raise ReaderError(f"{output}: is the library itself; choose another file for the export")


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
    from reader.blinding import export_note
    from reader.interchange.output import (
        BINARY_FORMATS,
        check_options,
        export,
        export_binary,
    )
    from reader.interchange.records import ExportFilter, check_filter

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


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _export_binary(output: Path | None, write: Callable[[Any], Any]) -> Any:
    """Run `write(target)` on --output (a path) or on a binary stdout that is not a terminal."""
    if output is not None and str(output) != "-":
        # Through the one safe writer: a device or a FIFO is written as it is (a rename over /dev/zero
        # made it a file, as root), a regular file replaced only when complete, owner-only.
        import io

        from reader.interchange.output import output_file

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
