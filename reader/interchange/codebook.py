"""The codebook as CSV (tag, description, quick_key, colour), both directions."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from reader.colours import ColourError, parse_colour
from reader.interchange.cells import TAG_SEPARATOR, _cell, restore, split_tags
from reader.interchange.records import ImportFormatError, RowError
from reader.interchange.source import MAX_LINE_CHARS, bounded_lines, open_import
from reader.model import VARIABLE_KINDS, VariableValue
from reader.paths import expand_path
from reader.store import Store

CODEBOOK_COLUMNS: tuple[str, ...] = ("tag", "description", "quick_key", "colour", "kind", "values")
# A row whose kind is not "tag" (or empty) is an article variable: categorical, multi, ordinal, number or
# text, its values as "negative=n; neutral=u; positive=p" (each value, and the key that picks it).


QUICK_KEYS = tuple("123456789")  # the keys that tag in the app
MAX_TAGS = 100_000  # a codebook longer than this is something else (read whole before anything changes)
MAX_CODEBOOK_LINE = 1_000_000  # characters in one line of a codebook (a description may be long, not this long)


def write_codebook(store: Store, out: TextIO, *, bom: bool = False) -> int:
    """The codebook as CSV (tag, description, quick_key, colour, kind, values): the tags in codebook
    order, then the article variables; returns how many rows."""
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CODEBOOK_COLUMNS)
    tags = store.tags()
    for tag in tags:
        writer.writerow([_cell(tag.name), _cell(tag.description), _cell(tag.quick_key), _cell(tag.colour), "tag", ""])
    variables = store.variables()
    for variable in variables:
        values = TAG_SEPARATOR.join(
            (v.value + (f"={v.key}" if v.key else "")).replace(";", ";;") for v in variable.values
        )
        writer.writerow([_cell(variable.name), _cell(variable.description), "", "", variable.kind, _cell(values)])
    return len(tags) + len(variables)


def _variable_row(values: dict[str, str], name: str, line: int) -> dict[str, Any]:
    """A codebook row that is an article variable, checked."""
    kind = values["kind"].strip().lower()
    if kind not in VARIABLE_KINDS:
        raise RowError(f"line {line}: kind {kind!r} is not tag, {', '.join(VARIABLE_KINDS)}")
    options = []
    for item in split_tags(values.get("values", "")):
        value, _, key = item.rpartition("=") if "=" in item else (item, "", "")
        value, key = value.strip(), key.strip()
        if key and len(key) != 1:
            raise RowError(f"line {line}: the key of {value!r} must be one character, not {key!r}")
        options.append(VariableValue(value, key or None))
    if kind in ("categorical", "multi", "ordinal") and not options:
        raise RowError(f"line {line}: variable '{name}' is {kind}: give its values, as \"negative=n; positive=p\"")
    keys = [o.key for o in options if o.key]
    if len(keys) != len(set(keys)):
        raise RowError(f"line {line}: variable '{name}' gives one key to two values")
    return {"variable": name, "kind": kind, "description": values.get("description", ""), "values": options, "line": line}


@dataclass
class CodebookReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    variables: set[str] = field(default_factory=set)  # which of the names are article variables

    def summary(self) -> str:
        def counts(names: set[str] | None) -> tuple[int, int, int]:
            keep = (lambda n: n in names) if names is not None else (lambda n: n not in self.variables)
            return tuple(sum(map(keep, group)) for group in (self.added, self.updated, self.unchanged))  # type: ignore[return-value]

        line = "{} tags added, {} updated, {} unchanged".format(*counts(None))
        if self.variables:
            line += "; {} article variables added, {} updated, {} unchanged".format(*counts(self.variables))
        return line


def _check_colour(colour: str, line: int) -> str:
    """The colour in its stored spelling (reader.colours: the vocabulary Rich draws), or RowError."""
    try:
        return parse_colour(colour)
    except ColourError as exc:
        raise RowError(f"line {line}: {exc}") from None


def read_codebook(path: str | Path) -> list[dict[str, Any]]:
    """The rows of a codebook CSV, checked: each a dict with `tag` and any of description, quick_key, colour."""
    path = expand_path(path, ImportFormatError)
    rows: list[dict[str, Any]] = []
    try:
        with open_import(path) as (fmt, stream):  # read once: a pipe works too
            if fmt != "csv":
                raise ImportFormatError(f"{path}: a codebook is a CSV file with a header row: {', '.join(CODEBOOK_COLUMNS)}")
            csv.field_size_limit(MAX_LINE_CHARS)
            reader = csv.reader(bounded_lines(stream, str(path), MAX_CODEBOOK_LINE), strict=True)
            header = [restore(cell).strip().lower() for cell in next(reader, [])]
            header = ["colour" if name == "color" else name for name in header]
            if "text" in header and "start" in header:
                raise ImportFormatError(
                    f"{path}: this is an export of annotations, not a codebook (import it with 'reader import-annotations')"
                )
            if "tag" not in header:
                raise ImportFormatError(f"{path}: not a codebook (the header row needs a 'tag' column)")
            for cells in reader:
                line = reader.line_num
                if len(rows) >= MAX_TAGS:
                    raise ImportFormatError(f"{path}: more than {MAX_TAGS:,} tags: not a codebook")
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) != len(header):
                    raise ImportFormatError(f"{path}: line {line}: has {len(cells)} fields where the header has {len(header)}")
                values = {name: restore(value) for name, value in zip(header, cells) if name in CODEBOOK_COLUMNS}
                name = " ".join(values["tag"].split())
                if not name:
                    raise ImportFormatError(f"{path}: line {line}: a tag needs a name")
                if values.get("kind", "").strip().lower() not in ("", "tag"):
                    rows.append(_variable_row(values, name, line))
                    continue
                row: dict[str, Any] = {"tag": name, "line": line}
                if "description" in values:
                    row["description"] = values["description"]
                if "quick_key" in values:
                    key = values["quick_key"].strip()
                    if key and key not in QUICK_KEYS:
                        raise ImportFormatError(f"{path}: line {line}: quick key {key!r} is not one of 1-9 (or empty)")
                    row["quick_key"] = key or None
                if "colour" in values and values["colour"].strip():
                    row["colour"] = _check_colour(values["colour"].strip(), line)
                rows.append(row)
    except RowError as exc:
        raise ImportFormatError(f"{path}: {exc}") from None
    except csv.Error as exc:
        raise ImportFormatError(f"{path}: malformed CSV ({exc})") from None
    except UnicodeDecodeError:
        raise ImportFormatError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot read ({exc.strerror or exc})") from None
    names: dict[str, int] = {}
    keys: dict[str, str] = {}
    for row in rows:
        folded = row.get("tag", row.get("variable", "")).casefold()
        if folded in names:
            what = f"tag '{row['tag']}'" if "tag" in row else f"variable '{row['variable']}'"
            raise ImportFormatError(f"{path}: line {row['line']}: {what} is listed twice (also line {names[folded]})")
        names[folded] = row["line"]
        key = row.get("quick_key")
        if key:
            if key in keys:
                raise ImportFormatError(f"{path}: line {row['line']}: quick key {key!r} is given to '{keys[key]}' too")
            keys[key] = row["tag"]
    return rows


def import_codebook(store: Store, path: str | Path) -> CodebookReport:
    """Add or update tags by name (ignoring case) from a codebook CSV; tags not in the file are left alone.

    Columns present in the file overwrite the tag's values (an empty quick_key
    removes the key; an empty colour keeps the current one). The whole file is
    checked before anything changes.
    """
    rows = read_codebook(path)
    report = CodebookReport()
    with store.transaction():
        for row in rows:
            if "variable" in row:
                found = store.find_variable(row["variable"])
                same = found is not None and (found.kind, found.description, found.values) == (
                    row["kind"], row["description"], tuple(row["values"]))
                if not same:
                    store.save_variable(row["variable"], row["kind"], row["description"], row["values"],
                                        variable_id=found.id if found else None)
                (report.unchanged if same else report.updated if found else report.added).append(row["variable"])
                report.variables.add(row["variable"])
                continue
            fields = {k: row[k] for k in ("description", "quick_key", "colour") if k in row}
            tag = store.find_tag(row["tag"])
            if tag is None:
                tag = store.ensure_tag(row["tag"])
                report.added.append(tag.name)
            elif all(getattr(tag, k) == v for k, v in fields.items()):
                report.unchanged.append(tag.name)
                continue
            else:
                report.updated.append(tag.name)
            if fields:
                store.update_tag(tag.id, **fields)
    return report
