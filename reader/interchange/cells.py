"""CSV cells and tag lists: formula-safe cells (OWASP) and the tags column, reversibly.

A cell that starts with = + - @ TAB CR or NUL gets a leading apostrophe, and so does a cell that already
starts with an apostrophe, which makes the rule exactly reversible (`restore`).
"""

from __future__ import annotations

from typing import Any, Iterable

# Tags in one cell: "claim; evidence". A ";" inside a tag name is written ";;".
TAG_SEPARATOR = "; "


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\x00")  # NUL too (ASVS 1.2.10): "\x00=cmd" is a formula once NUL is dropped


ESCAPE = "'"


_NEEDS_ESCAPE = frozenset(FORMULA_TRIGGERS + (ESCAPE,))


def neutralise(cell: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP), reversibly.

    Cells starting with = + - @ TAB CR NUL, or with the escape apostrophe itself,
    get one leading apostrophe.
    """
    return ESCAPE + cell if cell and cell[0] in _NEEDS_ESCAPE else cell


def restore(cell: str) -> str:
    """Undo `neutralise`: drop one leading apostrophe."""
    return cell[1:] if cell.startswith(ESCAPE) else cell


def sort_tags(names: Iterable[str]) -> list[str]:
    """Tag names in export order: alphabetical, ignoring case (independent of the codebook's order)."""
    return sorted(names, key=lambda name: (name.casefold(), name))


def join_tags(names: Iterable[str]) -> str:
    """Tag names as one cell: sorted, joined by "; ", with any ";" inside a name doubled."""
    return TAG_SEPARATOR.join(name.replace(";", ";;") for name in sort_tags(names))


def split_tags(cell: str) -> list[str]:
    """The tag names in a cell written by `join_tags` (";;" is a literal ";", "; " separates)."""
    names: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(cell):
        char = cell[i]
        if char == ";" and cell[i + 1 : i + 2] == ";":
            current.append(";")
            i += 2
        elif char == ";" and cell[i + 1 : i + 2] in (" ", ""):
            names.append("".join(current))
            current = []
            i += 2
        else:
            current.append(char)
            i += 1
    names.append("".join(current))
    return [name.strip() for name in names if name.strip()]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return neutralise(str(value))
