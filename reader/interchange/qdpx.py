"""REFI-QDA 1.5 exchange: projects (.qdpx) and codebooks (.qdc) for NVivo, ATLAS.ti, MAXQDA, QDA Miner, QualCoder.

Plain data in, plain data out: `QdaProject` (users, codes, variables, sources
with their selections) is written by `write_qdpx` and read back by `read_qdpx`;
`write_qdc`/`read_qdc` do the codebook alone. Nothing here touches the library,
so the caller decides how articles map to sources and how imported selections
are re-anchored (reader.interchange.anchor).

What the standard says, and what reader does with it:

* A .qdpx is a zip holding `project.qde` (XML, validated against
  Project-mrt2019.xsd) and `sources/`, one UTF-8 `.txt` per text source, named
  by the source's GUID and referred to as `plainTextPath="internal://GUID.txt"`.
* Selection positions are Unicode code points from 0 into that text file
  (REFI-QDA 1.5, section 10.2); `endPosition` is exclusive, as in the
  specification's own examples (215-275 covers a 60-character quotation) and as
  ATLAS.ti and QualCoder write it. So reader writes each source's text exactly
  as stored (normalised, `\\n` line ends) and its offsets stand unchanged;
  Python string indexes are code points.
* Text inside the XML (notes, names) goes through an XML parser, which would
  turn CR into LF; lxml escapes CR as `&#13;`, so notes keep theirs. Characters
  XML cannot hold (C0 controls other than tab and line ends) become U+FFFD in
  XML, with a warning; source texts, being files, keep every character.
* GUIDs are UUID 5 from what a thing is, so the same library exports the same
  GUIDs every time: a source from its content hash, a code from its name
  (case ignored), a user from their name, a selection from its source, offsets,
  author and creation time, a coding from its selection (or source) and code.
  GUIDs read from a file are kept, so a project read and written again keeps them.
* Colours are `#rrggbb`; reader's named colours (rich names such as "yellow")
  are written as their RGB value, and mapped back by `colour_names` on import.
* Reader's tags are flat; REFI codes nest. Reading keeps each code's parent by
  name; writing nests a code under its `parent`.

Reading keeps text sources (and the plain-text representation of PDF sources)
with their selections, codings, notes and variables, and cases (their codes,
variable values and text sources), and says in `warnings`, one line each, what
it leaves out (pictures, audio, video, sets, graphs, links), as section 7 of
the standard asks.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import hashlib
import io
import math
import os
import re
import secrets
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any, BinaryIO

from reader.errors import ReaderError

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
PROJECT_SCHEMA_URL = "http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd"
CODEBOOK_SCHEMA_URL = "http://schema.qdasoftware.org/versions/Codebook/v1.0/Codebook.xsd"
# Reader's namespace for UUID 5 GUIDs: the same input gives the same GUID in every export.
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:x-reader:refi-qda")
MAX_INTERNAL_FILE_BYTES = 2**31 - 1  # section 8.5
DEFAULT_MAX_PROJECT_BYTES = 512 * 1024 * 1024  # what an import reads out of a zip at most, all members together
VARIABLE_TYPES = ("Text", "Boolean", "Integer", "Float", "Date", "DateTime")
SELECTION_NAME_CHARS = 60


class QdpxError(ReaderError):
    """A REFI-QDA file that cannot be written or read; the message is one line."""


# ---------------------------------------------------------------- plain data


@dataclass
class QdaUser:
    """Someone who worked on the project; selections name their author by `name`."""

    name: str
    guid: str | None = None


@dataclass
class QdaCode:
    """A code (reader: a tag). `colour` is "#rrggbb" (or, on export, a colour name); `parent` a code's name."""

    name: str
    colour: str | None = None
    description: str = ""
    parent: str | None = None
    codable: bool = True
    guid: str | None = None


@dataclass
class QdaVariable:
    """An article variable (date, outlet, external id…): its values are on the sources."""

    name: str
    type: str = "Text"  # one of VARIABLE_TYPES
    description: str = ""
    guid: str | None = None


@dataclass
class QdaSelection:
    """A span of a source's text with its codes (tag names) and note.

    `start`/`end` are code point offsets into the source's text, end exclusive.
    Times are ISO 8601 in UTC as reader stores them ("2024-07-13T09:30:00+00:00").
    """

    start: int
    end: int
    tags: list[str] = field(default_factory=list)
    note: str = ""
    author: str = ""
    created_at: str | None = None
    updated_at: str | None = None
    guid: str | None = None


@dataclass
class QdaCoding:
    """A code given to a whole source by one person (reader: one coder's value of an article variable)."""

    code: str
    author: str = ""
    created_at: str | None = None


@dataclass
class QdaCase:
    """A REFI-QDA Case: a unit of analysis with codes and variable values, made of whole sources.

    `sources` are the content hashes of its sources' texts (QdaSource.content_hash), so a case
    refers to a source as reader identifies articles; `codes` are code names.
    """

    name: str = ""
    sources: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    guid: str | None = None


@dataclass
class QdaSource:
    """A text source (reader: an article): its text exactly as the offsets count it.

    `codes` are codes of the whole source, `codings` the same with the person who gave each
    (one coder's article codes); `variables` maps a
    variable's name to its value (str, int, float, bool, datetime.date or
    datetime.datetime).
    """

    title: str
    text: str
    selections: list[QdaSelection] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    note: str = ""
    codings: list[QdaCoding] = field(default_factory=list)  # codes of the whole source with who gave them
    created_at: str | None = None
    guid: str | None = None

    @property
    def content_hash(self) -> str:
        """SHA-256 of the text, as reader's articles are identified (reader.articles.content_hash)."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def exact(self, selection: QdaSelection) -> str:
        """The selected text."""
        return self.text[selection.start : selection.end]


@dataclass
class QdaProject:
    """A REFI-QDA project as plain data. `warnings` (not compared) say what a read or write left out or changed."""

    name: str = "reader"
    users: list[QdaUser] = field(default_factory=list)
    codes: list[QdaCode] = field(default_factory=list)
    variables: list[QdaVariable] = field(default_factory=list)
    sources: list[QdaSource] = field(default_factory=list)
    cases: list[QdaCase] = field(default_factory=list)
    origin: str = ""
    created_at: str | None = None
    warnings: list[str] = field(default_factory=list, compare=False)


# ---------------------------------------------------------------- values


def _guid_key(guid: str | None) -> str:
    """A GUID as compared: without braces ("{...}" is allowed by the schema), lower case."""
    return (guid or "").strip().strip("{}").lower()


def guid_for(kind: str, *parts: object) -> str:
    """A stable GUID (UUID 5 in reader's namespace) for a thing of `kind` identified by `parts`."""
    return str(uuid.uuid5(GUID_NAMESPACE, "\x1f".join([kind, *map(str, parts)])))


def utc_time(value: str | dt.datetime | None) -> str | None:
    """A time as reader stores it: ISO 8601, UTC, whole seconds ("2024-07-13T09:30:00+00:00"); naive is UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        moment = value
    else:
        text = str(value).strip()
        try:
            moment = dt.datetime.fromisoformat(text)  # Python 3.11 reads a final "Z" too
        except ValueError:
            raise QdpxError(f"{text[:40]!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def _xml_time(value: str | None) -> str | None:
    normal = utc_time(value)
    return normal.replace("+00:00", "Z") if normal else None


_HEX = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")


def rgb(colour: str | None) -> str | None:
    """A colour as "#rrggbb": hex as given, or a colour name (rich's: "yellow", "bright_cyan") as its RGB; None if none."""
    if not colour or not colour.strip():
        return None
    colour = colour.strip()
    match = _HEX.fullmatch(colour)
    if match and (colour.startswith("#") or len(colour) == 6):
        digits = match.group(1).lower()
        return "#" + (digits if len(digits) == 6 else "".join(c * 2 for c in digits))
    from rich.color import Color, ColorParseError

    try:
        return Color.parse(colour).get_truecolor().hex.lower()
    except ColorParseError:
        return None


def colour_name(hex_colour: str | None, names: Iterable[str] = ()) -> str | None:
    """The first of `names` whose RGB is `hex_colour`, else the hex itself (lower case)."""
    value = rgb(hex_colour) if hex_colour else None
    if value is None:
        return None
    for name in names:
        if rgb(name) == value:
            return name
    return value


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udfff]")


def _xml_text(value: str, warnings: list[str], what: str) -> str:
    if _NOT_XML.search(value):
        warnings.append(f"{what}: characters XML cannot hold were written as U+FFFD")
        return _NOT_XML.sub("\ufffd", value)
    return value


def _variable_type(value: Any) -> str:
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Float"
    if isinstance(value, dt.datetime):
        return "DateTime"
    if isinstance(value, dt.date):
        return "Date"
    return "Text"


def _typed(value: Any, kind: str, name: str) -> Any:
    """`value` as the Python value of a variable of type `kind`; QdpxError if it is not one."""
    try:
        if kind == "Text":
            return value if isinstance(value, str) else str(value)
        if kind == "Boolean":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("true", "1", "yes"):
                return True
            if text in ("false", "0", "no"):
                return False
            raise ValueError
        if kind == "Integer":
            if isinstance(value, bool):
                raise ValueError
            return int(value)
        if kind == "Float":
            number = float(value)
            if not math.isfinite(number):
                raise ValueError
            return number
        if kind == "DateTime":
            if isinstance(value, dt.datetime):
                moment = value
            else:
                moment = dt.datetime.fromisoformat(str(value).strip())
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
            return moment.astimezone(dt.UTC).replace(microsecond=0)
        if kind == "Date":
            if isinstance(value, dt.datetime):
                return value.date()
            if isinstance(value, dt.date):
                return value
            return dt.date.fromisoformat(str(value).strip()[:10])
    except (TypeError, ValueError):
        pass
    raise QdpxError(f"variable {name!r}: {str(value)[:30]!r} is not a {kind} value")


def _variable_xml(value: Any, kind: str) -> tuple[str, str]:
    if kind == "Boolean":
        return "BooleanValue", "true" if value else "false"
    if kind == "Integer":
        return "IntegerValue", str(value)
    if kind == "Float":
        return "FloatValue", format(decimal.Decimal(repr(value)), "f")
    if kind == "Date":
        return "DateValue", value.isoformat()
    if kind == "DateTime":
        return "DateTimeValue", value.isoformat().replace("+00:00", "Z")
    return "TextValue", value


# ---------------------------------------------------------------- completing a project


def complete(project: QdaProject) -> QdaProject:
    """The project as it will be written: GUIDs given, times in UTC, colours as RGB, users and codes that are
    used but not listed added, variables declared and their values typed. The input is not changed.

    Raises QdpxError for what cannot be written (a selection outside its text, an
    unknown variable type, a source over 2 GB).
    """
    warnings: list[str] = []
    users: list[QdaUser] = []
    user_names: dict[str, QdaUser] = {}

    def user(name: str) -> None:
        if name and name not in user_names:
            added = QdaUser(name=name, guid=guid_for("user", name))
            user_names[name] = added
            users.append(added)

    for given in project.users:
        if given.name in user_names:
            continue
        done = replace(given, guid=given.guid or guid_for("user", given.name))
        user_names[given.name] = done
        users.append(done)

    codes: list[QdaCode] = []
    code_names: dict[str, QdaCode] = {}

    def code(name: str) -> None:
        if name.casefold() not in code_names:
            added = QdaCode(name=name, guid=guid_for("code", name.casefold()))
            code_names[name.casefold()] = added
            codes.append(added)

    for given in project.codes:
        if not given.name.strip():
            raise QdpxError("a code needs a name")
        colour = rgb(given.colour) if given.colour else None
        if given.colour and colour is None:
            warnings.append(f"code {given.name!r}: {given.colour!r} is not a colour; written without one")
        done = replace(given, colour=colour, guid=given.guid or guid_for("code", given.name.casefold()))
        if given.name.casefold() in code_names:
            warnings.append(f"code {given.name!r} is listed twice; written once")
            continue
        code_names[given.name.casefold()] = done
        codes.append(done)
    for index, given in enumerate(codes):
        if given.parent is not None:
            if given.parent.casefold() not in code_names:
                raise QdpxError(f"code {given.name!r}: its parent {given.parent!r} is not in the codebook")
            codes[index] = replace(given, parent=code_names[given.parent.casefold()].name)

    variables: list[QdaVariable] = []
    variable_names: dict[str, QdaVariable] = {}
    for given in project.variables:
        if given.type not in VARIABLE_TYPES:
            raise QdpxError(f"variable {given.name!r}: type {given.type!r} is not one of {', '.join(VARIABLE_TYPES)}")
        if given.name in variable_names:
            continue
        done = replace(given, guid=given.guid or guid_for("variable", given.name))
        variable_names[given.name] = done
        variables.append(done)

    def typed_values(given: dict[str, Any]) -> dict[str, Any]:
        """A source's or case's variable values as their variables' types; a variable first met here is declared."""
        values: dict[str, Any] = {}
        for name, value in given.items():
            if value is None or value == "":
                continue
            if name not in variable_names:
                declared = QdaVariable(name=name, type=_variable_type(value), guid=guid_for("variable", name))
                variable_names[name] = declared
                variables.append(declared)
            values[name] = _typed(value, variable_names[name].type, name)
        return values

    sources: list[QdaSource] = []
    seen_sources: set[str] = set()
    for given in project.sources:
        try:
            size = len(given.text.encode("utf-8"))
        except UnicodeEncodeError:
            raise QdpxError(f"source {given.title[:40]!r}: its text holds lone surrogates, not Unicode text") from None
        if size > MAX_INTERNAL_FILE_BYTES:
            raise QdpxError(f"source {given.title[:40]!r} is {size:,} bytes, over REFI-QDA's 2 GB limit for one file")
        source_guid = given.guid or guid_for("source", given.content_hash)
        if _guid_key(source_guid) in seen_sources:
            warnings.append(f"source {given.title[:40]!r} is the same text as another; written once")
            continue
        seen_sources.add(_guid_key(source_guid))
        selections: list[QdaSelection] = []
        seen: set[str] = set()
        for selection in given.selections:
            if not 0 <= selection.start <= selection.end <= len(given.text):
                raise QdpxError(
                    f"source {given.title[:40]!r}: selection {selection.start}-{selection.end} is outside its "
                    f"text of {len(given.text)} characters"
                )
            created = utc_time(selection.created_at)
            base = selection.guid or guid_for(
                "selection", given.content_hash, selection.start, selection.end, selection.author, created or ""
            )
            guid, n = base, 1
            while _guid_key(guid) in seen:
                n += 1
                guid = guid_for("selection", base, n)
            seen.add(_guid_key(guid))
            tags: list[str] = []
            for name in selection.tags:
                if name.strip():
                    code(name)
                    if code_names[name.casefold()].name not in tags:
                        tags.append(code_names[name.casefold()].name)
            user(selection.author)
            selections.append(
                replace(selection, tags=tags, created_at=created, updated_at=utc_time(selection.updated_at), guid=guid)
            )
        values = typed_values(given.variables)
        for name in given.codes:
            code(name)
        codings = []
        source_codes = list(given.codes)
        for coding in given.codings:
            code(coding.code)
            if not coding.author:  # a code of the whole source, nobody's
                source_codes.append(coding.code)
                continue
            user(coding.author)
            done_coding = replace(coding, code=code_names[coding.code.casefold()].name, created_at=utc_time(coding.created_at))
            if done_coding not in codings:
                codings.append(done_coding)
        sources.append(
            replace(
                given,
                selections=selections,
                codings=codings,
                codes=list(dict.fromkeys(code_names[name.casefold()].name for name in source_codes)),
                variables=values,
                created_at=utc_time(given.created_at),
                guid=source_guid,
            )
        )
    source_guids = {source.content_hash: source.guid for source in sources}
    cases: list[QdaCase] = []
    seen_cases: set[str] = set()
    for given in project.cases:
        for content_hash in given.sources:
            if content_hash not in source_guids:
                raise QdpxError(f"case {given.name[:40]!r}: one of its sources is not in the project")
        guid = given.guid or guid_for("case", given.name, *given.sources)
        if _guid_key(guid) in seen_cases:
            warnings.append(f"case {given.name[:40]!r} is listed twice; written once")
            continue
        seen_cases.add(_guid_key(guid))
        for name in given.codes:
            code(name)
        values = typed_values(given.variables)
        cases.append(
            replace(
                given, guid=guid, variables=values, sources=list(dict.fromkeys(given.sources)),
                codes=list(dict.fromkeys(code_names[name.casefold()].name for name in given.codes)),
            )
        )
    return QdaProject(
        name=project.name or "reader",
        users=users,
        codes=_tree_order(codes),
        variables=variables,
        sources=sources,
        cases=cases,
        origin=project.origin or _origin(),
        created_at=utc_time(project.created_at),
        warnings=warnings,
    )


def _tree_order(codes: list[QdaCode]) -> list[QdaCode]:
    """Codes in the order they are written and read: each parent followed by its children, depth first."""
    children: dict[str | None, list[QdaCode]] = {}
    for code in codes:
        children.setdefault(code.parent.casefold() if code.parent else None, []).append(code)
    ordered: list[QdaCode] = []

    def walk(parent: str | None, trail: tuple[str, ...]) -> None:
        for code in children.get(parent, []):
            if code.name.casefold() in trail:
                raise QdpxError(f"code {code.name!r} is its own ancestor")
            ordered.append(code)
            walk(code.name.casefold(), (*trail, code.name.casefold()))

    walk(None, ())
    if len(ordered) != len(codes):
        raise QdpxError("the codebook's parents form a loop")
    return ordered


def _origin() -> str:
    from reader import __version__

    return f"reader {__version__}"


# ---------------------------------------------------------------- writing


def _element(parent: Any, tag: str, ns: str = PROJECT_NS, **attributes: str | None) -> Any:
    from lxml import etree

    element = etree.SubElement(parent, f"{{{ns}}}{tag}")
    for key, value in attributes.items():
        if value is not None:
            element.set(key, value)
    return element


def _selection_name(text: str) -> str:
    words = " ".join(text.split())
    return words if len(words) <= SELECTION_NAME_CHARS else words[: SELECTION_NAME_CHARS - 1] + "…"


def _codes_xml(parent: Any, codes: list[QdaCode], ns: str, warnings: list[str]) -> None:
    by_parent: dict[str | None, list[QdaCode]] = {}
    for code in codes:
        by_parent.setdefault(code.parent.casefold() if code.parent else None, []).append(code)

    def write(element: Any, code: QdaCode, trail: tuple[str, ...]) -> None:
        node = _element(
            element, "Code", ns, guid=code.guid, name=_xml_text(code.name, warnings, f"code {code.name!r}"),
            isCodable="true" if code.codable else "false", color=code.colour,
        )
        if code.description:
            _element(node, "Description", ns).text = _xml_text(code.description, warnings, f"code {code.name!r}")
        for child in by_parent.get(code.name.casefold(), []):
            if child.name.casefold() in trail:
                raise QdpxError(f"code {child.name!r} is its own ancestor")
            write(node, child, (*trail, child.name.casefold()))

    codes_element = _element(parent, "Codes", ns)
    for code in by_parent.get(None, []):
        write(codes_element, code, (code.name.casefold(),))
    written = sum(1 for _ in codes_element.iter(f"{{{ns}}}Code"))
    if written != len(codes):
        raise QdpxError("the codebook's parents form a loop")


def project_xml(project: QdaProject) -> bytes:
    """project.qde for a project `complete` has filled in, as UTF-8 XML bytes."""
    from lxml import etree

    warnings = project.warnings
    users = {user.name: user.guid for user in project.users}
    codes = {code.name.casefold(): code.guid for code in project.codes}
    variables = {variable.name: variable for variable in project.variables}
    first_user = project.users[0].guid if project.users else None
    root = etree.Element(f"{{{PROJECT_NS}}}Project", nsmap={None: PROJECT_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{PROJECT_NS} {PROJECT_SCHEMA_URL}")
    root.set("name", _xml_text(project.name, warnings, "project name"))
    root.set("origin", _xml_text(project.origin, warnings, "project origin"))
    if first_user:
        root.set("creatingUserGUID", first_user)
    if project.created_at:
        root.set("creationDateTime", _xml_time(project.created_at))  # type: ignore[arg-type]
    if project.users:
        element = _element(root, "Users")
        for user in project.users:
            _element(element, "User", guid=user.guid, name=_xml_text(user.name, warnings, "user name"))
    if project.codes:
        _codes_xml(_element(root, "CodeBook"), project.codes, PROJECT_NS, warnings)
    if project.variables:
        element = _element(root, "Variables")
        for variable in project.variables:
            node = _element(
                element, "Variable", guid=variable.guid, typeOfVariable=variable.type,
                name=_xml_text(variable.name, warnings, f"variable {variable.name!r}"),
            )
            if variable.description:
                _element(node, "Description").text = _xml_text(variable.description, warnings, f"variable {variable.name!r}")
    if project.cases:
        source_guids = {source.content_hash: source.guid for source in project.sources}
        element = _element(root, "Cases")
        for case in project.cases:
            what = f"case {case.name[:40]!r}"
            node = _element(element, "Case", guid=case.guid, name=_xml_text(case.name, warnings, what))
            if case.description:
                _element(node, "Description").text = _xml_text(case.description, warnings, what)
            for name in case.codes:
                _element(node, "CodeRef", targetGUID=codes[name.casefold()])
            _variable_values_xml(node, case.variables, variables, warnings)
            for content_hash in case.sources:
                _element(node, "SourceRef", targetGUID=source_guids[content_hash])
    notes: list[tuple[str, str, str | None, str | None, str]] = []  # guid, name, user, time, text
    if project.sources:
        element = _element(root, "Sources")
        for source in project.sources:
            what = f"source {source.title[:40]!r}"
            node = _element(
                element, "TextSource", guid=source.guid, name=_xml_text(source.title, warnings, what),
                plainTextPath=f"internal://{source.guid}.txt", creationDateTime=_xml_time(source.created_at),
            )
            if source.description:
                _element(node, "Description").text = _xml_text(source.description, warnings, what)
            for selection in source.selections:
                author = users.get(selection.author) if selection.author else None
                part = _element(
                    node, "PlainTextSelection", guid=selection.guid,
                    name=_xml_text(_selection_name(source.exact(selection)), warnings, what),
                    startPosition=str(selection.start), endPosition=str(selection.end), creatingUser=author,
                    creationDateTime=_xml_time(selection.created_at),
                    modifyingUser=author if selection.updated_at else None,
                    modifiedDateTime=_xml_time(selection.updated_at),
                )
                for name in selection.tags:
                    code_guid = codes[name.casefold()]
                    coding = _element(
                        part, "Coding", guid=guid_for("coding", selection.guid, code_guid), creatingUser=author,
                        creationDateTime=_xml_time(selection.created_at),
                    )
                    _element(coding, "CodeRef", targetGUID=code_guid)
                if selection.note:
                    note_guid = guid_for("note", selection.guid)
                    _element(part, "NoteRef", targetGUID=note_guid)
                    label = f"Note on “{_selection_name(source.exact(selection))}”"
                    notes.append((note_guid, label, author, selection.updated_at or selection.created_at, selection.note))
            for name in source.codes:
                code_guid = codes[name.casefold()]
                coding = _element(node, "Coding", guid=guid_for("coding", source.guid, code_guid))
                _element(coding, "CodeRef", targetGUID=code_guid)
            for given in source.codings:
                code_guid = codes[given.code.casefold()]
                author = users.get(given.author) if given.author else None
                coding = _element(
                    node, "Coding", guid=guid_for("coding", source.guid, code_guid, given.author), creatingUser=author,
                    creationDateTime=_xml_time(given.created_at),
                )
                _element(coding, "CodeRef", targetGUID=code_guid)
            if source.note:
                note_guid = guid_for("note", source.guid)
                _element(node, "NoteRef", targetGUID=note_guid)
                notes.append((note_guid, f"Note on {source.title[:60]}", None, source.created_at, source.note))
            _variable_values_xml(node, source.variables, variables, warnings)
    if notes:
        element = _element(root, "Notes")
        for guid, name, author, time, text in notes:
            note = _element(
                element, "Note", guid=guid, name=_xml_text(name, warnings, "note"), creatingUser=author,
                creationDateTime=_xml_time(time),
            )
            _element(note, "PlainTextContent").text = _xml_text(text, warnings, name)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _variable_values_xml(node: Any, values: dict[str, Any], variables: dict[str, QdaVariable], warnings: list[str]) -> None:
    for name, value in values.items():
        variable = variables[name]
        holder = _element(node, "VariableValue")
        _element(holder, "VariableRef", targetGUID=variable.guid)
        tag, text = _variable_xml(value, variable.type)
        _element(holder, tag).text = _xml_text(text, warnings, f"variable {name!r}")


def write_qdpx(project: QdaProject, target: str | Path | BinaryIO) -> QdaProject:
    """Write a .qdpx (zip of project.qde and sources/GUID.txt) to a path or a binary stream.

    Returns the project as written (see `complete`): reading the file back with
    `read_qdpx` gives a project equal to it. A path is written beside its final
    name and moved into place when complete.
    """
    done = complete(project)
    xml = project_xml(done)
    with _output(target) as stream, zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_zip_info("project.qde"), xml)
        for source in done.sources:
            archive.writestr(_zip_info(f"sources/{source.guid}.txt"), source.text.encode("utf-8"))
    return done


def codebook_xml(codes: list[QdaCode], origin: str = "") -> bytes:
    """A .qdc codebook (urn:QDA-XML:codebook:1.0) for codes `complete` has filled in."""
    from lxml import etree

    if not codes:
        raise QdpxError("the codebook is empty: a REFI-QDA codebook needs at least one code")
    warnings: list[str] = []
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{CODEBOOK_NS} {CODEBOOK_SCHEMA_URL}")
    root.set("origin", origin or _origin())
    _codes_xml(root, codes, CODEBOOK_NS, warnings)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def write_qdc(codes: list[QdaCode], target: str | Path | BinaryIO, origin: str = "") -> list[QdaCode]:
    """Write a .qdc codebook to a path or binary stream; returns the codes as written (GUIDs, RGB colours)."""
    done = complete(QdaProject(codes=codes)).codes
    xml = codebook_xml(done, origin)
    with _output(target) as stream:
        stream.write(xml)
    return done


def _zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))  # the same library gives the same bytes
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


@contextlib.contextmanager
def _output(target: str | Path | BinaryIO) -> Iterator[IO[bytes]]:
    if not isinstance(target, (str, Path)):
        yield target
        return
    path = Path(target).expanduser()
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temporary, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        raise QdpxError(f"{path}: cannot write ({exc.strerror or exc})") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


# ---------------------------------------------------------------- reading


def _parse_xml(data: bytes, name: str) -> Any:
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        message = str(exc).splitlines()[0] if str(exc) else "not well-formed"
        raise QdpxError(f"{name}: not well-formed XML ({message})") from None
    if root.getroottree().docinfo.doctype:
        raise QdpxError(f"{name}: has a DOCTYPE, which REFI-QDA files never have; refused")
    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = etree.QName(element).localname
    return root


def _children(element: Any, tag: str) -> list[Any]:
    return [child for child in element if child.tag == tag]


def _child(element: Any, tag: str) -> Any | None:
    for child in element:
        if child.tag == tag:
            return child
    return None


def _text_of(element: Any | None) -> str:
    return "" if element is None else (element.text or "")


def _time_attribute(element: Any, name: str, warnings: list[str], what: str) -> str | None:
    value = element.get(name)
    if not value:
        return None
    try:
        return utc_time(value)
    except QdpxError:
        warnings.append(f"{what}: {name} {value[:30]!r} is not a time; left out")
        return None


def _read_codes(parent: Any, warnings: list[str], colour_names: tuple[str, ...]) -> tuple[list[QdaCode], dict[str, str]]:
    codes: list[QdaCode] = []
    by_guid: dict[str, str] = {}
    names: set[str] = set()

    def walk(element: Any, parent_name: str | None) -> None:
        for node in _children(element, "Code"):
            name = (node.get("name") or "").strip()
            guid = (node.get("guid") or "").strip()
            if not name:
                warnings.append(f"a code without a name (GUID {guid or 'none'}) was left out, with its codings")
                walk(node, parent_name)
                continue
            if name.casefold() in names:
                warnings.append(f"two codes are called {name!r}; their codings are merged into one")
            else:
                names.add(name.casefold())
                codes.append(
                    QdaCode(
                        name=name,
                        colour=colour_name(node.get("color"), colour_names) if node.get("color") else None,
                        description=_text_of(_child(node, "Description")),
                        parent=parent_name,
                        codable=(node.get("isCodable") or "true").strip().lower() in ("true", "1"),
                        guid=guid or None,
                    )
                )
            if guid:
                by_guid[_guid_key(guid)] = next(c.name for c in codes if c.name.casefold() == name.casefold())
            walk(node, name)

    walk(parent, None)
    return codes, by_guid


class _Archive:
    """The members of a .qdpx, found by name ignoring case, read with a bound on the total."""

    def __init__(self, archive: zipfile.ZipFile, name: str, max_bytes: int):
        self.archive = archive
        self.name = name
        self.budget = max_bytes
        self.members = {info.filename.replace("\\", "/").lower(): info for info in archive.infolist() if not info.is_dir()}

    def find(self, member: str) -> zipfile.ZipInfo | None:
        return self.members.get(member.lower())

    def read(self, info: zipfile.ZipInfo) -> bytes:
        if info.file_size > min(self.budget, MAX_INTERNAL_FILE_BYTES):
            raise QdpxError(f"{self.name}: {info.filename} is {info.file_size:,} bytes, more than reader reads from a project")
        try:
            with self.archive.open(info) as stream:
                data = stream.read(self.budget + 1)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
            raise QdpxError(f"{self.name}: {info.filename} cannot be read ({exc})") from None
        except RuntimeError as exc:  # encrypted
            raise QdpxError(f"{self.name}: {info.filename} cannot be read ({exc})") from None
        if len(data) > self.budget:
            raise QdpxError(f"{self.name}: more than {self.budget:,} bytes once unpacked; refused")
        self.budget -= len(data)
        return data


def read_qdpx(
    source: str | Path | BinaryIO,
    *,
    colour_names: Iterable[str] = (),
    max_bytes: int = DEFAULT_MAX_PROJECT_BYTES,
) -> QdaProject:
    """Read a .qdpx into plain data; QdpxError (one line) when it is not a readable REFI-QDA project.

    Text sources keep their text exactly as in the file (offsets count in it);
    a source file's UTF-8 BOM is dropped. Selections that do not fit their text,
    codings of unknown codes and what reader holds no place for are left out,
    each said in `warnings`. `colour_names` are colour names to give back for the
    RGB values they stand for (reader's palette). At most `max_bytes` are unpacked.
    """
    name = str(source) if isinstance(source, (str, Path)) else getattr(source, "name", "project")
    try:
        archive = zipfile.ZipFile(Path(source).expanduser() if isinstance(source, (str, Path)) else _seekable(source))
    except FileNotFoundError:
        raise QdpxError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise QdpxError(f"{name}: is a directory") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        raise QdpxError(f"{name}: not a REFI-QDA project (not a zip file)") from None
    except OSError as exc:
        raise QdpxError(f"{name}: cannot read ({exc.strerror or exc})") from None
    with archive:
        files = _Archive(archive, name, max_bytes)
        info = files.find("project.qde")
        if info is None:
            top = [m for m in files.members if m.endswith(".qde") and "/" not in m]
            if len(top) != 1:
                raise QdpxError(f"{name}: not a REFI-QDA project (no project.qde inside)")
            info = files.members[top[0]]
        root = _parse_xml(files.read(info), f"{name}: project.qde")
        return _read_project(root, files, name, tuple(colour_names))


def read_qde(data: bytes, name: str = "project.qde", *, colour_names: Iterable[str] = ()) -> QdaProject:
    """A project from project.qde's bytes alone (sources with plainTextPath are then left out, with a warning)."""
    return _read_project(_parse_xml(data, name), None, name, tuple(colour_names))


def _seekable(stream: BinaryIO) -> BinaryIO:
    try:
        if stream.seekable():
            return stream
    except (AttributeError, OSError):
        pass
    data = stream.read(DEFAULT_MAX_PROJECT_BYTES + 1)
    if len(data) > DEFAULT_MAX_PROJECT_BYTES:
        raise QdpxError(f"project: more than {DEFAULT_MAX_PROJECT_BYTES:,} bytes; refused")
    return io.BytesIO(data)


def _read_project(root: Any, files: _Archive | None, name: str, colour_names: tuple[str, ...]) -> QdaProject:
    if root.tag != "Project":
        if root.tag == "CodeBook":
            raise QdpxError(f"{name}: a codebook (.qdc), not a project")
        raise QdpxError(f"{name}: not a REFI-QDA project (the root element is {root.tag!r}, not Project)")
    warnings: list[str] = []
    project = QdaProject(
        name=root.get("name") or "", origin=root.get("origin") or "",
        created_at=_time_attribute(root, "creationDateTime", warnings, "the project"), warnings=warnings,
    )
    users: dict[str, str] = {}
    users_element = _child(root, "Users")
    for node in _children(users_element, "User") if users_element is not None else []:
        guid = (node.get("guid") or "").strip()
        user_name = node.get("name") or node.get("id") or guid
        project.users.append(QdaUser(name=user_name, guid=guid or None))
        if guid:
            users[_guid_key(guid)] = user_name
    codebook = _child(root, "CodeBook")
    codes_element = _child(codebook, "Codes") if codebook is not None else None
    code_guids: dict[str, str] = {}
    if codes_element is not None:
        project.codes, code_guids = _read_codes(codes_element, warnings, colour_names)
    variables: dict[str, QdaVariable] = {}
    variables_element = _child(root, "Variables")
    for node in _children(variables_element, "Variable") if variables_element is not None else []:
        kind = node.get("typeOfVariable") or "Text"
        variable = QdaVariable(
            name=node.get("name") or "", type=kind if kind in VARIABLE_TYPES else "Text",
            description=_text_of(_child(node, "Description")), guid=node.get("guid"),
        )
        project.variables.append(variable)
        if variable.guid:
            variables[_guid_key(variable.guid)] = variable
    notes: dict[str, str] = {}
    notes_element = _child(root, "Notes")
    used_notes: set[str] = set()
    for node in _children(notes_element, "Note") if notes_element is not None else []:
        guid = _guid_key(node.get("guid"))
        text = _source_text(node, files, name, warnings, "a note")
        if guid and text is not None:
            notes[guid] = text
    context = _Context(users, code_guids, variables, notes, used_notes, warnings, files, name)
    sources_element = _child(root, "Sources")
    skipped: dict[str, int] = {}
    for node in list(sources_element) if sources_element is not None else []:
        if node.tag == "TextSource":
            source = _read_text_source(node, context, node.get("name") or "")
            if source is not None:
                project.sources.append(source)
        elif node.tag == "PDFSource":
            representation = _child(node, "Representation")
            areas = len(_children(node, "PDFSelection"))
            if areas:
                skipped["PDF area selection"] = skipped.get("PDF area selection", 0) + areas
            if representation is None:
                skipped["PDF source without a plain-text representation"] = skipped.get(
                    "PDF source without a plain-text representation", 0
                ) + 1
                continue
            source = _read_text_source(representation, context, node.get("name") or representation.get("name") or "")
            if source is not None:
                source.guid = representation.get("guid") or source.guid
                project.sources.append(source)
        else:
            kind = {"PictureSource": "picture", "AudioSource": "audio", "VideoSource": "video"}.get(node.tag, node.tag)
            skipped[f"{kind} source"] = skipped.get(f"{kind} source", 0) + 1
    for kind, count in skipped.items():
        warnings.append(f"{_count(count, kind)} left out (reader holds text)")
    _read_cases(root, context, project)
    for tag, label in (("Sets", "set"), ("Graphs", "graph"), ("Links", "link")):
        element = _child(root, tag)
        if element is not None and len(element):
            warnings.append(f"{_count(len(element), label)} left out (reader has no place for them)")
    unused = [guid for guid in notes if guid not in used_notes]
    if unused:
        warnings.append(f"{_count(len(unused), 'note')} not attached to a source or selection left out")
    if _child(root, "Description") is not None and _text_of(_child(root, "Description")).strip():
        warnings.append("the project's description left out")
    return project


def _read_cases(root: Any, context: _Context, project: QdaProject) -> None:
    """The project's Cases, each with its codes, variable values and (text) sources by content hash."""
    element = _child(root, "Cases")
    if element is None:
        return
    hashes = {_guid_key(source.guid): source.content_hash for source in project.sources if source.guid}
    for node in _children(element, "Case"):
        case = QdaCase(name=node.get("name") or "", description=_text_of(_child(node, "Description")), guid=node.get("guid"))
        what = f"case {case.name[:40]!r}"
        for ref in _children(node, "CodeRef"):
            code = context.codes.get(_guid_key(ref.get("targetGUID")))
            if code is None:
                context.warnings.append(f"{what}: a code {ref.get('targetGUID') or 'none'}, not in the codebook, was left out")
            elif code not in case.codes:
                case.codes.append(code)
        case.variables = _variable_values(node, context, what)
        for ref in _children(node, "SourceRef"):
            content_hash = hashes.get(_guid_key(ref.get("targetGUID")))
            if content_hash is not None and content_hash not in case.sources:
                case.sources.append(content_hash)
        project.cases.append(case)


def _variable_values(node: Any, context: _Context, what: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for holder in _children(node, "VariableValue"):
        ref = _child(holder, "VariableRef")
        variable = context.variables.get(_guid_key(ref.get("targetGUID") if ref is not None else None))
        value_node = next((child for child in holder if child.tag != "VariableRef"), None)
        if variable is None or value_node is None:
            context.warnings.append(f"{what}: a variable value without its variable was left out")
            continue
        kind = value_node.tag.removesuffix("Value")
        try:
            values[variable.name] = _typed(value_node.text or "", kind if kind in VARIABLE_TYPES else "Text", variable.name)
        except QdpxError as exc:
            context.warnings.append(f"{what}: {exc}; left out")
    return values


def _count(n: int, noun: str) -> str:
    """ "1 set", "2 sets", "3 PDF sources without a plain-text representation" (the first word takes the plural)."""
    if n == 1:
        return f"1 {noun}"
    words = noun.split(" ")
    head = next((i for i, w in enumerate(words) if w in ("source", "selection", "case", "set", "graph", "link", "note")), 0)
    words[head] += "s"
    return f"{n} {' '.join(words)}"


@dataclass
class _Context:
    users: dict[str, str]
    codes: dict[str, str]
    variables: dict[str, QdaVariable]
    notes: dict[str, str]
    used_notes: set[str]
    warnings: list[str]
    files: _Archive | None
    name: str


def _source_text(node: Any, files: _Archive | None, name: str, warnings: list[str], what: str) -> str | None:
    content = _child(node, "PlainTextContent")
    if content is not None:
        return content.text or ""
    path = node.get("plainTextPath") or ""
    if not path:
        return None
    if not path.lower().startswith("internal://"):
        warnings.append(f"{what}: its text is outside the project ({path[:60]}); left out")
        return None
    member = path[len("internal://") :].lstrip("/")
    info = None
    if files is not None:
        info = files.find(f"sources/{member}") or files.find(member)
    if info is None:
        warnings.append(f"{what}: its text file {member[:60]} is not in the project; left out")
        return None
    data = files.read(info)  # type: ignore[union-attr]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        warnings.append(f"{what}: its text file is not UTF-8 (byte {exc.start}); left out")
        return None
    return text.removeprefix("\ufeff")


def _note_text(node: Any, context: _Context) -> str:
    parts = []
    description = _text_of(_child(node, "Description"))
    if description.strip():
        parts.append(description)
    for ref in _children(node, "NoteRef"):
        guid = _guid_key(ref.get("targetGUID"))
        if guid in context.notes:
            parts.append(context.notes[guid])
            context.used_notes.add(guid)
        else:
            context.warnings.append(f"a note reference to {guid or 'nothing'} that is not in the project was left out")
    return "\n\n".join(parts)


def _codings(node: Any, context: _Context, what: str) -> list[str]:
    names: list[str] = []
    for coding in _children(node, "Coding"):
        ref = _child(coding, "CodeRef")
        guid = (ref.get("targetGUID") if ref is not None else "") or ""
        code = context.codes.get(_guid_key(guid))
        if code is None:
            context.warnings.append(f"{what}: a coding with code {guid or 'none'}, not in the codebook, was left out")
        elif code not in names:
            names.append(code)
    return names


def _read_text_source(node: Any, context: _Context, title: str) -> QdaSource | None:
    what = f"source {title[:40]!r}"
    text = _source_text(node, context.files, context.name, context.warnings, what)
    if text is None:
        if not node.get("plainTextPath") and _child(node, "PlainTextContent") is None:
            context.warnings.append(f"{what}: no plain text (only {node.get('richTextPath') or 'nothing'}); left out")
        return None
    source = QdaSource(
        title=title, text=text, description=_text_of(_child(node, "Description")),
        created_at=_time_attribute(node, "creationDateTime", context.warnings, what), guid=node.get("guid"),
    )
    for part in _children(node, "PlainTextSelection"):
        try:
            start, end = int(part.get("startPosition", "")), int(part.get("endPosition", ""))
        except ValueError:
            context.warnings.append(f"{what}: a selection without whole-number positions was left out")
            continue
        if not 0 <= start <= end <= len(text):
            context.warnings.append(
                f"{what}: selection {start}-{end} does not fit its text of {len(text)} characters; left out"
            )
            continue
        author = context.users.get(_guid_key(part.get("creatingUser")), "")
        source.selections.append(
            QdaSelection(
                start=start, end=end, tags=_codings(part, context, what), note=_note_text(part, context),
                author=author, created_at=_time_attribute(part, "creationDateTime", context.warnings, what),
                updated_at=_time_attribute(part, "modifiedDateTime", context.warnings, what), guid=part.get("guid"),
            )
        )
    source.codes = _codings(node, context, what)
    for coding in _children(node, "Coding"):  # those with their coder are codings, the rest codes
        ref = _child(coding, "CodeRef")
        code = context.codes.get(_guid_key(ref.get("targetGUID") if ref is not None else None))
        author = context.users.get(_guid_key(coding.get("creatingUser")), "")
        if code is not None and author:
            found = QdaCoding(code, author, _time_attribute(coding, "creationDateTime", context.warnings, what))
            if found not in source.codings:
                source.codings.append(found)
    coded = {coding.code for coding in source.codings}
    source.codes = [name for name in source.codes if name not in coded]
    source_notes = []
    for ref in _children(node, "NoteRef"):
        guid = _guid_key(ref.get("targetGUID"))
        if guid in context.notes:
            source_notes.append(context.notes[guid])
            context.used_notes.add(guid)
    source.note = "\n\n".join(source_notes)
    source.variables = _variable_values(node, context, what)
    return source


def read_qdc(source: str | Path | BinaryIO, *, colour_names: Iterable[str] = ()) -> list[QdaCode]:
    """The codes of a .qdc codebook; QdpxError (one line) when it is not one."""
    name = str(source) if isinstance(source, (str, Path)) else getattr(source, "name", "codebook")
    try:
        if isinstance(source, (str, Path)):
            with open(Path(source).expanduser(), "rb") as stream:
                data = stream.read(DEFAULT_MAX_PROJECT_BYTES + 1)
        else:
            data = source.read(DEFAULT_MAX_PROJECT_BYTES + 1)
    except FileNotFoundError:
        raise QdpxError(f"{name}: no such file") from None
    except OSError as exc:
        raise QdpxError(f"{name}: cannot read ({exc.strerror or exc})") from None
    if len(data) > DEFAULT_MAX_PROJECT_BYTES:
        raise QdpxError(f"{name}: too large for a codebook")
    if data.startswith(b"PK\x03\x04"):
        raise QdpxError(f"{name}: a project (.qdpx), not a codebook; read it with read_qdpx")
    root = _parse_xml(data, name)
    if root.tag != "CodeBook":
        raise QdpxError(f"{name}: not a REFI-QDA codebook (the root element is {root.tag!r}, not CodeBook)")
    codes_element = _child(root, "Codes")
    if codes_element is None:
        raise QdpxError(f"{name}: a codebook without codes")
    warnings: list[str] = []
    codes, _ = _read_codes(codes_element, warnings, tuple(colour_names))
    return codes


# ---------------------------------------------------------------- to and from reader's own data

CONTEXT_CHARS = 32  # as reader.store.CONTEXT_CHARS: the prefix and suffix kept for re-anchoring


def project_from_library(
    tags: Iterable[Any],
    articles: Iterable[tuple[Any, Iterable[Any], dict[str, Any]]],
    *,
    name: str = "reader",
    users: Iterable[str] = (),
    created_at: str | None = None,
) -> QdaProject:
    """A project from reader's own objects, for `write_qdpx`.

    `tags` are reader.model.Tag (name, colour, description); `articles` yields
    (reader.model.Article, its reader.model.Annotation list, extra variables
    such as {"article_external_id": "mc-17", "outlet": "…"}). The article's date
    becomes the Date variable "date" and its source the Text variable "source".
    Only duck-typed attributes are read, so storage rows with those names do too.
    """
    project = QdaProject(
        name=name, users=[QdaUser(n) for n in users], created_at=created_at,
        codes=[QdaCode(t.name, getattr(t, "colour", None), getattr(t, "description", "") or "") for t in tags],
        variables=[QdaVariable("date", "Date", "The article's publication date"),
                   QdaVariable("source", "Text", "Where the article came from: a URL or a file")],
    )
    for article, notes, variables in articles:
        values: dict[str, Any] = {"date": getattr(article, "date", None), "source": getattr(article, "source", None)}
        values.update(variables or {})
        project.sources.append(
            QdaSource(
                title=article.title,
                text=article.text,
                selections=[
                    QdaSelection(
                        start=a.start, end=a.end, tags=list(a.tags), note=a.note or "", author=a.author or "",
                        created_at=a.created_at or None, updated_at=a.updated_at or None,
                    )
                    for a in notes
                ],
                variables=values,
            )
        )
    return project


def _light(text: str) -> str:
    """Line ends and Unicode form as reader stores text (reader.articles.normalise, less its trimming)."""
    import unicodedata

    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def selection_records(project: QdaProject) -> Iterator[dict[str, Any]]:
    """Every selection of a read project as the fields of reader.interchange.ImportRecord, to match and re-anchor.

    `article_hash` is the hash of the source's text normalised as reader stores
    articles, so a source whose text is a library article (even with CRLF line
    ends or decomposed accents in the file) matches it by hash; `exact`,
    `prefix` and `suffix` are normalised the same way, and `start`/`end` moved
    to match, so the offsets are trusted only where the texts agree. `line`
    numbers the selections from 1, in file order.
    """
    from reader.ingest.article import content_hash, normalise

    number = 0
    for source in project.sources:
        normal = normalise(source.text)
        same = normal == source.text
        article_hash = content_hash(normal)
        for selection in source.selections:
            number += 1
            exact = source.exact(selection)
            prefix = source.text[max(0, selection.start - CONTEXT_CHARS) : selection.start]
            suffix = source.text[selection.end : selection.end + CONTEXT_CHARS]
            start, end = selection.start, selection.end
            if not same:
                exact, prefix, suffix = _light(exact), _light(prefix), _light(suffix)
                start = len(_light(source.text[: selection.start]).lstrip("\n \ufeff"))
                end = start + len(exact)
            yield {
                "line": number,
                "exact": exact,
                "kind": "annotation",
                "article_title": source.title or None,
                "article_hash": article_hash,
                "start": start,
                "end": end,
                "prefix": prefix,
                "suffix": suffix,
                "tags": list(selection.tags),
                "note": selection.note,
                "author": selection.author,
                "created_at": selection.created_at,
                "updated_at": selection.updated_at,
            }


__all__ = [
    "QdaCase",
    "QdaCode",
    "QdaCoding",
    "QdaProject",
    "QdaSelection",
    "QdaSource",
    "QdaUser",
    "QdaVariable",
    "QdpxError",
    "codebook_xml",
    "colour_name",
    "complete",
    "guid_for",
    "project_from_library",
    "project_xml",
    "read_qdc",
    "read_qde",
    "read_qdpx",
    "rgb",
    "selection_records",
    "utc_time",
    "write_qdc",
    "write_qdpx",
]
