"""Article codes in REFI-QDA: a Case per article and coder (and codings of the whole source with their
coder), the variables in the codebook, XSD-valid, and back into a fresh library with every coder's codes."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from reader.cli import cli
from reader.ingest.article import ParsedArticle
from reader.interchange.importer import import_annotations
from reader.interchange.qdpx import QdpxError, read_qdc, read_qdpx
from reader.interchange.qdpx_library import export_qdc, export_qdpx, import_qdc
from reader.model import VariableValue
from reader.store import Store

STANDARDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "standards" / "refi-qda"
XSD = STANDARDS / "Project-mrt2019.xsd"
NS = {"q": "urn:QDA-XML:project:1.0"}

ARTICLES = [
    ParsedArticle(text="The council voted 7-2 on Friday to pass a budget.\n\n“We listened,” said the mayor.",
                  title="Council passes budget", date="2024-07-13"),
    ParsedArticle(text="Protesters gathered outside the town hall; the police said 300 came.", title="Protest"),
]
VARIABLES = [
    ("tone", "categorical", "The article's tone", [("negative", "n"), ("neutral", "u"), ("positive", "p")]),
    ("frames", "multi", "Frames used", [("conflict", None), ("economy; money", None), ("morality", "m")]),
    ("salience", "ordinal", "How prominent the issue is", [("low", "1"), ("medium", "2"), ("high", "3")]),
    ("sources cited", "number", "How many sources are cited", []),
    ("main actor", "text", "", []),
]
# (article index, variable, coder, value): two coders of one article disagree on its tone.
CODES = [
    (0, "tone", "ann", "positive"), (0, "tone", "bob", "negative"),
    (0, "frames", "ann", ["conflict", "economy; money"]), (0, "frames", "bob", ["morality"]),
    (0, "salience", "ann", "high"), (0, "salience", "bob", "low"),
    (0, "sources cited", "ann", 2), (0, "sources cited", "bob", 2.5),
    (0, "main actor", "ann", "the mayor, “Ana” Ruiz"),
    (1, "tone", "ann", "neutral"), (1, "main actor", "bob", "police"),
]


def coded_library(path=None) -> tuple[Store, list[int]]:
    store = Store(path)
    ids = [store.add_article(article)[0] for article in ARTICLES]
    for name, kind, description, values in VARIABLES:
        store.save_variable(name, kind, description, [VariableValue(*v) for v in values])
    for index, variable, coder, value in CODES:
        store.set_code(ids[index], variable, coder, value)
    store.create_annotation(ids[0], 0, 11, "ann", ["claim"], "a note")
    return store, ids


def fresh_library(path=None) -> Store:
    """The same articles, in another order, with no codebook variables and no codes."""
    store = Store(path)
    for article in reversed(ARTICLES):
        store.add_article(article)
    return store


def kept_codes(store: Store) -> list[tuple]:
    titles = {i: store.get_article(i).title for i in store.article_ids()}
    return sorted((titles[c.article_id], c.variable, c.author, repr(c.value)) for c in store.article_codes())


def kept_variables(store: Store) -> list[tuple]:
    return [(v.name, v.kind, v.description, v.values) for v in store.variables()]


@pytest.fixture(scope="module")
def schema():
    if not XSD.exists():
        pytest.skip(f"the REFI-QDA standard is not at {STANDARDS} (kept outside the repository)")
    return etree.XMLSchema(file=str(XSD))


def qde(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("project.qde"))


def test_a_project_with_article_codes_of_every_kind_validates(schema, tmp_path):
    store, _ = coded_library()
    export_qdpx(store, tmp_path / "p.qdpx")
    root = qde(tmp_path / "p.qdpx")
    assert schema.validate(root), schema.error_log
    cases = root.findall("q:Cases/q:Case", NS)
    assert sorted(c.get("name") for c in cases) == [
        "Council passes budget · ann", "Council passes budget · bob", "Protest · ann", "Protest · bob"]
    # An article with codes and no annotation is a source too.
    assert len(root.findall("q:Sources/q:TextSource", NS)) == 2


def test_each_coder_keeps_their_own_values(tmp_path):
    store, _ = coded_library()
    export_qdpx(store, tmp_path / "p.qdpx")
    root = qde(tmp_path / "p.qdpx")
    users = {u.get("guid"): u.get("name") for u in root.findall("q:Users/q:User", NS)}
    codes = {c.get("guid"): c.get("name") for c in root.iter("{urn:QDA-XML:project:1.0}Code")}
    source = next(s for s in root.findall("q:Sources/q:TextSource", NS) if s.get("name") == "Council passes budget")
    whole = sorted(
        (users[c.get("creatingUser")], codes[c.find("q:CodeRef", NS).get("targetGUID")])
        for c in source.findall("q:Coding", NS)
    )
    assert ("ann", "tone: positive") in whole and ("bob", "tone: negative") in whole
    assert ("ann", "frames: economy; money") in whole
    project = read_qdpx(tmp_path / "p.qdpx")
    by_case = {case.name: case for case in project.cases}
    assert by_case["Council passes budget · ann"].variables["coder"] == "ann"
    assert by_case["Council passes budget · bob"].variables["sources cited"] == 2.5
    assert "tone: negative" in by_case["Council passes budget · bob"].codes


def test_round_trip_into_a_fresh_library_keeps_every_code_with_its_coder(tmp_path):
    store, _ = coded_library()
    export_qdpx(store, tmp_path / "p.qdpx")
    fresh = fresh_library()
    report = import_annotations(fresh, tmp_path / "p.qdpx")
    assert kept_variables(fresh) == kept_variables(store)  # kinds, order of ordinal values, keys, descriptions
    assert kept_codes(fresh) == kept_codes(store)
    assert report.codes == len(CODES)
    assert [t.name for t in fresh.tags() if ":" in t.name or t.name == "tone"] == []  # variables are not tags
    council = next(i for i in fresh.article_ids() if fresh.get_article(i).title == "Council passes budget")
    assert [a.tags for a in fresh.annotations(council)] == [["claim"]]
    import_annotations(fresh, tmp_path / "p.qdpx")  # again: nothing changes
    assert kept_codes(fresh) == kept_codes(store)


def test_the_codebook_carries_the_variables(tmp_path):
    store, _ = coded_library()
    export_qdc(store, tmp_path / "c.qdc")
    names = [code.name for code in read_qdc(tmp_path / "c.qdc")]
    assert "tone" in names and "salience: high" in names
    fresh = fresh_library()
    result = import_qdc(fresh, tmp_path / "c.qdc")
    assert "tone" in result.variables_added and "tone" not in result.added + result.present
    assert "claim" in result.present  # the default tags were there
    assert result.summary().endswith(f"; {len(result.variables_added)} article variables added, 0 already there")
    assert kept_variables(fresh) == kept_variables(store)


def test_a_variable_named_as_a_tag_is_refused_with_one_line(tmp_path):
    store, _ = coded_library()
    store.save_variable("claim", "text")
    with pytest.raises(QdpxError, match="article variable 'claim' and a tag share a name"):
        export_qdpx(store, tmp_path / "p.qdpx")


def edited(path: Path, out: Path, change) -> Path:
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["project.qde"] = change(members["project.qde"].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out


def test_malformed_values_are_left_out_with_one_line_each_and_the_rest_imports(tmp_path):
    store, _ = coded_library()
    export_qdpx(store, tmp_path / "p.qdpx")

    def spoil(xml: str) -> str:
        xml = xml.replace("<FloatValue>2.5</FloatValue>", "<FloatValue>lots</FloatValue>")  # not a number
        guid = {m.group(2): m.group(1) for m in re.finditer(r'<Code guid="([^"]+)" name="([^"]+)"', xml)}
        # bob's case of the first article gets a second tone: a categorical variable takes one value.
        return xml.replace(
            f'<CodeRef targetGUID="{guid["tone: negative"]}"/>',
            f'<CodeRef targetGUID="{guid["tone: negative"]}"/><CodeRef targetGUID="{guid["tone: neutral"]}"/>', 1,
        )

    bad = edited(tmp_path / "p.qdpx", tmp_path / "bad.qdpx", spoil)
    db = tmp_path / "fresh.db"
    fresh_library(db).close()
    result = CliRunner().invoke(cli, ["import-annotations", "--db", str(db), str(bad)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    lines = result.output.splitlines()
    assert any("'lots' is not a Float value" in line for line in lines), result.output
    assert any("Council passes budget · bob" in line and "is not a value of categorical variable 'tone'" in line
               for line in lines), result.output
    fresh = Store(db)
    codes = kept_codes(fresh)
    fresh.close()
    assert len(codes) == len(CODES) - 2
    assert ("Council passes budget", "tone", "ann", "'positive'") in codes


def test_a_case_of_an_article_not_in_the_library_is_said(tmp_path):
    store, _ = coded_library()
    export_qdpx(store, tmp_path / "p.qdpx")
    other = Store(None)
    other.add_article(ARTICLES[1])
    report = import_annotations(other, tmp_path / "p.qdpx")
    assert any("Council passes budget · ann" in line and "not in the library" in line for line in report.notices)
    assert {(c.variable, c.author) for c in other.article_codes()} == {("tone", "ann"), ("main actor", "bob")}


def test_an_export_by_author_keeps_only_that_coders_codes(tmp_path):
    from reader.interchange.records import ExportFilter

    store, _ = coded_library()
    export_qdpx(store, tmp_path / "p.qdpx", ExportFilter(authors=("bob",)))
    project = read_qdpx(tmp_path / "p.qdpx")
    assert {case.variables["coder"] for case in project.cases} == {"bob"}


def test_cases_of_other_software_are_counted_in_one_line(tmp_path):
    store, _ = coded_library()
    export_qdpx(store, tmp_path / "p.qdpx")
    # Another program's cases: no coder variable (an interviewee, say).
    bad = edited(tmp_path / "p.qdpx", tmp_path / "other.qdpx",
                 lambda xml: re.sub(r'<VariableValue>\s*<VariableRef targetGUID="[^"]+"/>\s*<TextValue>(ann|bob)</TextValue>\s*</VariableValue>', "", xml))
    fresh = fresh_library()
    report = import_annotations(fresh, bad)
    assert [line for line in report.notices if "case" in line] == [
        f"{bad}: 4 cases left out (reader reads a case as one coder's codes of one text source)"]
    assert fresh.article_codes() == []
