"""The library as a REFI-QDA project and back: what `reader export --format qdpx`, `reader codebook export
--format qdc` and `reader import-annotations project.qdpx` do, over the plain-data core in qdpx.py.

Export: every user who made an exported annotation or article code, the whole codebook (article
variables as codes, see qdpx_codes.py), each article that has an exported annotation or article code as
a plain-text source (its stored text, so offsets stand), its date, source URL and external id as
variables, every annotation as a selection with its codings and note, and each coder's article codes
as a Case (and codings of the whole source).

Import: the project's codes join the codebook (colour and description kept for new tags); its selections
become ImportRecords (reader.interchange.qdpx.selection_records) and go through the same matching and
re-anchoring as a CSV or JSON Lines import (reader.interchange.importer); its article variables join the
codebook too, and its cases become article codes of the articles with the same text.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, BinaryIO, Iterator, NamedTuple

from reader import __version__
from reader.interchange import qdpx_codes
from reader.interchange.qdpx import (
    QdaCode,
    QdpxError,
    colour_name,
    project_from_library,
    read_qdc,
    read_qdpx,
    selection_records,
    write_qdc,
    write_qdpx,
)
from reader.interchange.records import ExportFilter, ImportRecord, by_article, check_filter
from reader.errors import ReaderError
from reader.store import Store

# The variables every source has besides date and source (project_from_library declares those two).
EXTRA_VARIABLES = ("article_external_id",)


def library_project(store: Store, filters: ExportFilter | None = None, name: str = "reader") -> Any:
    """The QdaProject of the annotations `filters` keeps (every annotation by default), for write_qdpx."""
    from reader.interchange.qdpx import QdaVariable

    variables = store.variables()
    tags = store.tags()
    qdpx_codes.check_names((tag.name for tag in tags), variables)

    def articles() -> Iterator[tuple[Any, list[Any], dict[str, Any]]]:
        for article, batch in by_article(store, filters):
            notes = [
                SimpleNamespace(
                    start=r["start"], end=r["end"], tags=r["tags"], note=r["note"], author=r["author"],
                    created_at=r["created_at"], updated_at=r["updated_at"],
                )
                for r in batch
            ]
            yield article, notes, {"article_external_id": batch[0].get("article_external_id")}

    annotated = {article.id: (article, notes, extra) for article, notes, extra in articles()}
    codes = _exported_codes(store, filters) if variables else {}
    for article_id in codes:
        if article_id not in annotated:
            article = store.get_article(article_id)
            annotated[article_id] = (article, [], {"article_external_id": getattr(article, "external_id", None)})
    sources = [annotated[article_id] for article_id in sorted(annotated)]
    users = sorted(
        {note.author for _, notes, _ in sources for note in notes if note.author}
        | {code.author for article_codes in codes.values() for code in article_codes}
    )
    project = project_from_library(tags, sources, name=name, users=users)
    project.variables.append(QdaVariable("article_external_id", "Text", "The article's id in the corpus it came from"))
    if variables:
        project.codes += qdpx_codes.variable_codes(variables)
        project.variables += qdpx_codes.case_variables(variables)
        by_name = {variable.name: variable for variable in variables}
        for source, (article, _, _) in zip(project.sources, sources):
            cases, codings = qdpx_codes.article_cases(article.title, source.content_hash, codes.get(article.id, []), by_name)
            project.cases += cases
            source.codings = codings
    for source in project.sources:  # an empty value is no value
        source.variables = {key: value for key, value in source.variables.items() if value not in (None, "")}
    project.origin = f"reader {__version__}"
    return project


def _exported_codes(store: Store, filters: ExportFilter | None) -> dict[int, list[Any]]:
    """The article codes an export keeps, by article id: those of the filter's articles, dates and coders
    (`--author`); with `--tag`, none (an article code has no tag)."""
    filters = check_filter(store, filters or ExportFilter())
    if filters.tags:
        return {}
    chosen = set(store.filtered_article_ids(filters.article_ids, filters.since, filters.until))
    out: dict[int, list[Any]] = {}
    for code in store.article_codes():
        if code.article_id in chosen and (not filters.authors or code.author in filters.authors):
            out.setdefault(code.article_id, []).append(code)
    return out


def export_qdpx(store: Store, target: str | Path | BinaryIO, filters: ExportFilter | None = None) -> tuple[int, list[str]]:
    """Write the project to `target` (a path, replaced only when complete, or a binary stream).

    Returns (how many selections, the warnings of the write: what XML could not hold).
    """
    project = library_project(store, filters, name=_project_name(target))
    written = write_qdpx(project, target)
    return sum(len(source.selections) for source in written.sources), list(written.warnings)


def _project_name(target: Any) -> str:
    if isinstance(target, (str, Path)) and str(target) != "-":
        return Path(target).stem or "reader"
    return "reader"


def codebook_codes(store: Store) -> list[QdaCode]:
    """The tags, then the article variables with their values (see qdpx_codes)."""
    tags, variables = store.tags(), store.variables()
    qdpx_codes.check_names((tag.name for tag in tags), variables)
    return [QdaCode(tag.name, tag.colour, tag.description or "") for tag in tags] + qdpx_codes.variable_codes(variables)


def export_qdc(store: Store, target: str | Path | BinaryIO) -> int:
    """The codebook as a REFI-QDA codebook (.qdc); returns how many codes."""
    return len(write_qdc(codebook_codes(store), target, origin=f"reader {__version__}"))


def _palette(store: Store) -> list[str]:
    """Colour names an imported RGB value may turn back into: the library's own, then reader's new-tag colours."""
    from reader.schema import DEFAULT_TAGS
    from reader.store import NEW_TAG_COLOURS

    names = [tag.colour for tag in store.tags()] + [c for _, _, c, _ in DEFAULT_TAGS] + list(NEW_TAG_COLOURS)
    return list(dict.fromkeys(names))


def read_project_records(store: Store, path: str | Path) -> tuple[Iterator[ImportRecord], list[str], int, int]:
    """(the project's selections as ImportRecords, what was left out one line each, how many tags and
    variables it added, how many article codes it set).

    The project's codes are added to the codebook first (in the caller's transaction): a new tag keeps
    the code's colour and description, a new article variable its kind, values and keys; an existing
    tag or variable is left as it is. Then its cases set their coders' article codes, on the articles
    with the same text; a value the variable cannot take is left out, said in one line.
    """
    project = read_qdpx(path, colour_names=_palette(store))
    added = _add_codes(store, project.codes)
    lines = list(project.warnings)
    codes_set = _set_case_codes(store, project, lines)
    prefix = f"{path}: "
    notices = [line if line.startswith(prefix) else prefix + line for line in lines]
    return (ImportRecord(**fields) for fields in selection_records(project)), notices, added, codes_set


def _set_case_codes(store: Store, project: Any, lines: list[str]) -> int:
    from reader.ingest.article import content_hash, normalise

    codes, problems = qdpx_codes.case_codes(project, store.variables())
    lines += problems
    library_hash = {source.content_hash: content_hash(normalise(source.text)) for source in project.sources}
    count = 0
    missing: set[str] = set()
    for code in codes:
        article_id = store.find_article_id(library_hash.get(code.content_hash, ""))
        if article_id is None:
            if code.case not in missing:
                missing.add(code.case)
                lines.append(f"case {code.case[:60]!r}: its article is not in the library; its codes were left out")
            continue
        try:
            store.set_code(article_id, code.variable, code.coder, code.value)
        except ReaderError as exc:
            lines.append(f"case {code.case[:60]!r}: {exc}; left out")
            continue
        count += 1
    return count


def _add_codes(store: Store, codes: list[QdaCode]) -> int:
    """Tags and article variables for the codes the codebook lacks; returns how many were added."""
    specs, taken = qdpx_codes.variables_from_codes(codes)
    added = 0
    for spec in specs:
        if store.find_variable(spec.name) is None:
            try:
                store.save_variable(spec.name, spec.kind, spec.description, spec.values)
            except ReaderError as exc:
                raise QdpxError(f"article variable {spec.name[:40]!r}: {exc}") from None
            added += 1
    for code in codes:
        if code.name.casefold() in taken or store.find_tag(code.name) is not None:
            continue
        fields: dict[str, Any] = {}
        if code.colour:
            fields["colour"] = colour_name(code.colour, _palette(store)) or code.colour
        if code.description:
            fields["description"] = code.description
        store.ensure_tag(code.name, **fields)
        added += 1
    return added


def import_qdc(store: Store, path: str | Path) -> CodebookAdded:
    """Add a REFI-QDA codebook's codes as tags and article variables (new ones only)."""
    codes = read_qdc(path, colour_names=_palette(store))
    return _add_codebook(store, codes)


class CodebookAdded(NamedTuple):
    """What a REFI-QDA codebook added: names of tags and of article variables, new or already there."""

    added: list[str]
    present: list[str]
    variables_added: list[str]
    variables_present: list[str]

    def summary(self) -> str:
        line = f"{len(self.added)} tags added, {len(self.present)} already in the codebook"
        if self.variables_added or self.variables_present:
            line += f"; {len(self.variables_added)} article variables added, {len(self.variables_present)} already there"
        return line


def _add_codebook(store: Store, codes: list[QdaCode]) -> CodebookAdded:
    specs, taken = qdpx_codes.variables_from_codes(codes)
    result = CodebookAdded([], [], [], [])
    with store.transaction():
        for spec in specs:
            (result.variables_present if store.find_variable(spec.name) is not None else result.variables_added).append(spec.name)
        for code in codes:
            if code.name.casefold() not in taken:
                (result.present if store.find_tag(code.name) is not None else result.added).append(code.name)
        _add_codes(store, codes)
    return result


def import_project_codes(store: Store, path: str | Path) -> CodebookAdded:
    """Add a REFI-QDA project's codes as tags and article variables (new ones only), leaving its selections."""
    project = read_qdpx(path, colour_names=_palette(store))
    return _add_codebook(store, project.codes)
