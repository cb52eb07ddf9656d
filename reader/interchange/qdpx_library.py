"""The library as a REFI-QDA project and back: what `reader export --format qdpx`, `reader codebook export
--format qdc` and `reader import-annotations project.qdpx` do, over the plain-data core in qdpx.py.

Export: every user who made an exported annotation, the whole codebook, each article that has an
exported annotation as a plain-text source (its stored text, so offsets stand), its date, source URL
and external id as variables, and every annotation as a selection with its codings and note.

Import: the project's codes join the codebook (colour and description kept for new tags); its selections
become ImportRecords (reader.interchange.qdpx.selection_records) and go through the same matching and
re-anchoring as a CSV or JSON Lines import (reader.interchange.importer).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, BinaryIO, Iterator

from reader import __version__
from reader.interchange.qdpx import (
    QdaCode,
    colour_name,
    project_from_library,
    read_qdc,
    read_qdpx,
    selection_records,
    write_qdc,
    write_qdpx,
)
from reader.interchange.records import ExportFilter, ImportRecord, by_article
from reader.store import Store

# The variables every source has besides date and source (project_from_library declares those two).
EXTRA_VARIABLES = ("article_external_id",)


def library_project(store: Store, filters: ExportFilter | None = None, name: str = "reader") -> Any:
    """The QdaProject of the annotations `filters` keeps (every annotation by default), for write_qdpx."""
    from reader.interchange.qdpx import QdaVariable

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

    sources = list(articles())
    users = sorted({note.author for _, notes, _ in sources for note in notes if note.author})
    project = project_from_library(store.tags(), sources, name=name, users=users)
    project.variables.append(QdaVariable("article_external_id", "Text", "The article's id in the corpus it came from"))
    for source in project.sources:  # an empty value is no value
        source.variables = {key: value for key, value in source.variables.items() if value not in (None, "")}
    project.origin = f"reader {__version__}"
    return project


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
    return [QdaCode(tag.name, tag.colour, tag.description or "") for tag in store.tags()]


def export_qdc(store: Store, target: str | Path | BinaryIO) -> int:
    """The codebook as a REFI-QDA codebook (.qdc); returns how many codes."""
    return len(write_qdc(codebook_codes(store), target, origin=f"reader {__version__}"))


def _palette(store: Store) -> list[str]:
    """Colour names an imported RGB value may turn back into: the library's own, then reader's new-tag colours."""
    from reader.schema import DEFAULT_TAGS
    from reader.store import NEW_TAG_COLOURS

    names = [tag.colour for tag in store.tags()] + [c for _, _, c, _ in DEFAULT_TAGS] + list(NEW_TAG_COLOURS)
    return list(dict.fromkeys(names))


def read_project_records(store: Store, path: str | Path) -> tuple[Iterator[ImportRecord], list[str], int]:
    """(the project's selections as ImportRecords, what was left out one line each, how many tags it added).

    The project's codes are added to the codebook first (in the caller's transaction): a new tag keeps
    the code's colour and description; an existing tag is left as it is.
    """
    project = read_qdpx(path, colour_names=_palette(store))
    added = _add_codes(store, project.codes)
    prefix = f"{path}: "
    notices = [line if line.startswith(prefix) else prefix + line for line in project.warnings]
    return (ImportRecord(**fields) for fields in selection_records(project)), notices, added


def _add_codes(store: Store, codes: list[QdaCode]) -> int:
    added = 0
    for code in codes:
        if store.find_tag(code.name) is not None:
            continue
        fields: dict[str, Any] = {}
        if code.colour:
            fields["colour"] = colour_name(code.colour, _palette(store)) or code.colour
        if code.description:
            fields["description"] = code.description
        store.ensure_tag(code.name, **fields)
        added += 1
    return added


def import_qdc(store: Store, path: str | Path) -> tuple[list[str], list[str]]:
    """Add a REFI-QDA codebook's codes as tags (new ones only); returns (names added, names already there)."""
    codes = read_qdc(path, colour_names=_palette(store))
    added, present = [], []
    with store.transaction():
        for code in codes:
            (present if store.find_tag(code.name) is not None else added).append(code.name)
        _add_codes(store, codes)
    return added, present


def import_project_codes(store: Store, path: str | Path) -> tuple[list[str], list[str]]:
    """Add a REFI-QDA project's codes as tags (new ones only), leaving its selections; (added, already there)."""
    project = read_qdpx(path, colour_names=_palette(store))
    added, present = [], []
    with store.transaction():
        for code in project.codes:
            (present if store.find_tag(code.name) is not None else added).append(code.name)
        _add_codes(store, project.codes)
    return added, present
