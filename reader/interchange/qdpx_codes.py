"""Article variables and article codes in REFI-QDA: codes for the codebook, a Case per article and coder.

A variable of the codebook (tone, frame, main actor ...) is a code that cannot be coded, named by the
variable, whose description ends with the line "reader article variable: KIND"; a categorical,
multi-choice or ordinal variable's values are its child codes, in order, named "VARIABLE: VALUE" (so
two variables may share a value, "tone: positive" and "stance: positive"), with "key: K" as a value's
description when it has a key. That is all a codebook (.qdc) can hold, so a .qdc carries the variables
too.

In a project, one coder's codes of one article are:

* a Case named "TITLE · CODER" whose SourceRef is the article's source, holding the Variable
  "coder" and one VariableValue per coded variable (a number as Float, the rest as Text, a multi-choice
  variable's values joined by "; "), and a CodeRef to each value code;
* a Coding of the whole source for each value of a categorical, multi or ordinal variable, with the
  coder as its creatingUser.

Reading back, a case that names its coder and its source gives that coder's codes of that article:
values of categorical, multi and ordinal variables from its CodeRefs (exact, whatever separator a value
holds), numbers and text from its VariableValues. Headless, plain data: the store is the caller's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from reader.interchange.qdpx import QdaCase, QdaCode, QdaCoding, QdaProject, QdaVariable, QdpxError

MARKER = "reader article variable: "
_MARKER_LINE = re.compile(r"(?:^|\n\n?)" + re.escape(MARKER) + r"(categorical|multi|ordinal|number|text)\s*$")
_KEY = re.compile(r"key: (\S+)\s*$")
CODER = "coder"  # the case variable that names the coder
SOURCE_VARIABLES = ("date", "source", "article_external_id", CODER)  # the names an article variable cannot take here
VALUE_KINDS = ("categorical", "multi", "ordinal")
SEPARATOR = "; "  # a multi-choice variable's values in a case's TextValue (for reading in other tools)


def value_code(variable: str, value: str) -> str:
    return f"{variable}: {value}"


def check_names(tag_names: Iterable[str], variables: Iterable[Any]) -> None:
    """QdpxError (one line) when an article variable's code would take a tag's or a source variable's name."""
    tags = {name.casefold() for name in tag_names}
    for variable in variables:
        if variable.name.casefold() in tags:
            raise QdpxError(f"article variable '{variable.name}' and a tag share a name; rename one to export REFI-QDA")
        if variable.name in SOURCE_VARIABLES:
            raise QdpxError(f"article variable '{variable.name}' has the name of a source variable; rename it to export REFI-QDA")
        for value in variable.values:
            if value_code(variable.name, value.value).casefold() in tags:
                raise QdpxError(f"tag '{value_code(variable.name, value.value)}' has the name of a variable's value; rename it")


def variable_codes(variables: Iterable[Any]) -> list[QdaCode]:
    """reader.model.Variable objects as codes: the variable, then its values as its children."""
    codes: list[QdaCode] = []
    for variable in variables:
        description = (variable.description + "\n\n" if variable.description else "") + MARKER + variable.kind
        codes.append(QdaCode(variable.name, None, description, codable=False))
        for value in variable.values:
            codes.append(
                QdaCode(value_code(variable.name, value.value), None, f"key: {value.key}" if value.key else "", parent=variable.name)
            )
    return codes


def case_variables(variables: Iterable[Any]) -> list[QdaVariable]:
    declared = [QdaVariable(CODER, "Text", "Who coded the article (a case is one article as one coder coded it)")]
    for variable in variables:
        kind = "Float" if variable.kind == "number" else "Text"
        declared.append(QdaVariable(variable.name, kind, variable.description))
    return declared


def article_cases(
    title: str, content_hash: str, codes: Iterable[Any], variables: dict[str, Any]
) -> tuple[list[QdaCase], list[QdaCoding]]:
    """One article's codes (reader.model.ArticleCode) as a case per coder and the whole-source codings."""
    cases: dict[str, QdaCase] = {}
    codings: list[QdaCoding] = []
    for code in codes:
        variable = variables.get(code.variable)
        if variable is None:
            continue
        case = cases.get(code.author)
        if case is None:
            case = cases[code.author] = QdaCase(name=f"{title} · {code.author}", sources=[content_hash], variables={CODER: code.author})
        if variable.kind in VALUE_KINDS:
            values = code.value if isinstance(code.value, list) else [code.value]
            for value in values:
                case.codes.append(value_code(variable.name, value))
                codings.append(QdaCoding(value_code(variable.name, value), code.author, code.updated_at or None))
            case.variables[variable.name] = SEPARATOR.join(values)
        elif variable.kind == "number":
            case.variables[variable.name] = float(code.value)
        else:
            case.variables[variable.name] = code.value
    return list(cases.values()), codings


@dataclass(frozen=True)
class VariableSpec:
    """An article variable read from a codebook's codes: what Store.save_variable takes."""

    name: str
    kind: str
    description: str
    values: tuple[tuple[str, str | None], ...]


def variables_from_codes(codes: Iterable[QdaCode]) -> tuple[list[VariableSpec], set[str]]:
    """(the article variables among `codes`, the names of every code that is a variable or its value)."""
    codes = list(codes)
    specs: list[VariableSpec] = []
    taken: set[str] = set()
    for code in codes:
        found = _MARKER_LINE.search(code.description or "")
        if found is None or code.parent is not None:
            continue
        kind = found.group(1)
        prefix = value_code(code.name, "")
        values = []
        for child in codes:
            if child.parent is not None and child.parent.casefold() == code.name.casefold():
                taken.add(child.name.casefold())
                if kind in VALUE_KINDS and child.name.startswith(prefix):
                    key = _KEY.fullmatch((child.description or "").strip())
                    values.append((child.name[len(prefix):], key.group(1) if key else None))
        taken.add(code.name.casefold())
        specs.append(VariableSpec(code.name, kind, (code.description or "")[: found.start()].strip(), tuple(values)))
    return specs, taken


@dataclass(frozen=True)
class CaseCode:
    """One coder's value of one variable for the source whose text hashes to `content_hash`."""

    content_hash: str
    coder: str
    variable: str
    value: object
    case: str


def case_codes(project: QdaProject, variables: Iterable[Any]) -> tuple[list[CaseCode], list[str]]:
    """The article codes the project's cases hold, for `variables` (reader.model.Variable of the library),
    and one line for each case or value left out."""
    by_name = {variable.name: variable for variable in variables}
    out: list[CaseCode] = []
    problems: list[str] = []
    other = 0
    for case in project.cases:
        coder = case.variables.get(CODER)
        if not isinstance(coder, str) or not coder.strip() or len(case.sources) != 1:
            other += 1
            continue
        for variable in by_name.values():
            value = _case_value(case, variable)
            if value is not None:
                out.append(CaseCode(case.sources[0], coder, variable.name, value, case.name))
    if other:
        noun = "case" if other == 1 else "cases"
        problems.append(f"{other} {noun} left out (reader reads a case as one coder's codes of one text source)")
    return out, problems


def _case_value(case: QdaCase, variable: Any) -> object:
    if variable.kind in VALUE_KINDS:
        prefix = value_code(variable.name, "").casefold()
        values = [name[len(prefix):] for name in case.codes if name.casefold().startswith(prefix)]
        if not values:
            return None
        return values if variable.kind == "multi" else (values[0] if len(values) == 1 else values)
    value = case.variables.get(variable.name)
    if value is None:
        return None
    if variable.kind == "number" and isinstance(value, float) and value.is_integer():
        return int(value)  # a count written as 3.0 comes back as 3 (equal either way)
    return value

