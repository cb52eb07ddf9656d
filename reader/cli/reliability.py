"""Reliability: assign, agreement, adjudicate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from reader import config
from reader.cli import _export_to, cli, common_options, open_store
from reader.errors import ReaderError
from reader.text.inert import one_line, plural


def _assignment(store: Any, chosen: str | None) -> Any:
    """--assignment NAME (or number), else the open assignment, else the last; one line when there is none."""
    if chosen is not None:
        found = store.find_assignment(chosen)
        if found is None:
            names = ", ".join(f"'{one_line(a.name)}'" for a in store.assignments()[-5:]) or "none yet"
            raise ReaderError(f"no assignment {chosen!r} (the last: {names}; reader assign --list)")
        return found
    found = store.find_last_assignment()
    if found is None:
        raise ReaderError("no assignment yet: draw a sample first (reader assign --coders ana,ben --sample 20)")
    return found


ASSIGNMENT_OPTION = click.option("--assignment", "chosen", metavar="NAME", default=None,
                                 help="An earlier assignment, by name or number [default: the open, else the last].")


@cli.command("assign")
@click.option("--coders", metavar="A,B,...", help="The coders who each code every article of the sample.")
@click.option("--sample", metavar="N|N%", help="How many articles: a count (20) or a share of the library (10%).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), help="Seed of the draw (the same seed, the same sample).")
@click.option("--name", metavar="TEXT", default="", help="A name for the sample [default: 'sample DATE'].")
@click.option("--list", "show", is_flag=True, help="Show per coder how many assigned articles they have coded.")
@click.option("--close", is_flag=True, help="Close the open assignment (with --coders, before drawing a new one).")
@ASSIGNMENT_OPTION
@common_options
def assign_command(
    coders: str | None, sample: str | None, seed: int | None, name: str, show: bool, close: bool, chosen: str | None,
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
    if chosen is not None and not show:
        raise ReaderError("--assignment picks the assignment --list shows")
    if show:
        assignment = _assignment(store, chosen)
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
        library = list(store.article_ids())
        if not library:
            raise ReaderError("the library is empty: nothing to sample ('reader add FILE' first)")
        earlier = store.sampled_article_ids()  # a new sample is fresh articles: their adjudicated layers stay apart
        ids = [a for a in library if a not in earlier]
        count = sample_size(sample, len(library))
        if count > len(ids):
            raise ReaderError(
                f"{plural(count, 'article')} asked for, but only {len(ids):,} of the library's {len(library):,} are in "
                "no earlier sample (a sample is drawn from those)"
            )
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
@ASSIGNMENT_OPTION
@common_options
def agreement_command(
    fmt: str, matrix: str | None, output: Path | None, seed: int, reference: str | None, chosen: str | None,
    db: str | None, user: str | None,
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
    assignment = _assignment(store, chosen)
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
@ASSIGNMENT_OPTION
@common_options
def adjudicate_command(coders: str | None, show: bool, chosen: str | None, db: str | None, user: str | None) -> None:
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
    assignment = _assignment(store, chosen)
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
            keymap=keymap, adjudicate=pair, assignment_id=assignment.id)


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
