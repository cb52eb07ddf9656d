"""The speaker index's commands: speakers, quotes."""

from __future__ import annotations

import io
import sys
from typing import Any, Callable, Iterator

import click

from reader import config
from reader.cli import _write_lines, cli, common_options, open_store, read_as
from reader.errors import ReaderError
from reader.text.inert import for_terminal, one_line, plural
from reader.text.inert import json_line as _json_line


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
