"""REFI-QDA exchange (reader.interchange.qdpx): XSD validation, offsets, stable GUIDs, round trips, ATLAS.ti samples, bad files."""

from __future__ import annotations

import copy
import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from reader.errors import ReaderError
from reader.interchange.qdpx import (
    CODEBOOK_NS,
    PROJECT_NS,
    QdaCode,
    QdaProject,
    QdaSelection,
    QdaSource,
    QdaUser,
    QdaVariable,
    QdpxError,
    codebook_xml,
    complete,
    guid_for,
    project_from_library,
    read_qdc,
    read_qde,
    read_qdpx,
    rgb,
    selection_records,
    write_qdc,
    write_qdpx,
)

STANDARDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "standards" / "refi-qda"
XSD = STANDARDS / "Project-mrt2019.xsd"
needs_standards = pytest.mark.skipif(
    not XSD.exists(), reason=f"the REFI-QDA standard is not at {STANDARDS} (kept outside the repository)"
)

TEXT = (
    "Judge Mary Marlowe Sommer said the case was closed.\n\n"
    "“The late discovery of evidence — café receipts, 😀 emoji and all — changes nothing,” she said.\n\n"
    "Ame\u0301lie (a combining accent) and the last line"
)


def span(text: str, exact: str) -> tuple[int, int]:
    start = text.index(exact)
    return start, start + len(exact)


def sample_project() -> QdaProject:
    s1, e1 = span(TEXT, "Mary Marlowe Sommer")
    s2, e2 = span(TEXT, "😀 emoji and all")
    s3, e3 = span(TEXT, "Ame\u0301lie")
    second = "A second article.\r\nWith Windows line ends\r\nand a claim at its end."
    s4, e4 = span(second, "a claim")
    return QdaProject(
        name="coding round 1",
        users=[QdaUser("ann"), QdaUser("bo")],
        codes=[
            QdaCode("claim", "yellow", "A factual claim that could be checked"),
            QdaCode("source", "#0ff", "Who the information comes from"),
            QdaCode("evidence", "#00aa00"),
            QdaCode("documents", "#123456", "Paper evidence", parent="evidence"),
        ],
        variables=[QdaVariable("date", "Date", "Publication date"), QdaVariable("article_external_id", "Text")],
        sources=[
            QdaSource(
                title="Judge rules on Rust case",
                text=TEXT,
                selections=[
                    QdaSelection(s1, e1, ["source"], "The judge.\r\nCR kept", "ann", "2024-07-13T09:30:00+00:00",
                                 "2024-07-14T10:00:00+00:00"),
                    QdaSelection(s2, e2, ["claim", "documents"], "", "bo", "2024-07-13T09:31:00+00:00"),
                    QdaSelection(s3, e3, [], "untagged, with a note", "ann", "2024-07-13T09:32:00+00:00"),
                    QdaSelection(s1, e1, ["claim"], "same span, other author", "bo", "2024-07-13T09:33:00+00:00"),
                ],
                codes=["evidence"],
                variables={
                    "date": dt.date(2024, 7, 13), "article_external_id": "mc-17", "words": 40, "score": 0.25,
                    "verified": True, "seen_at": dt.datetime(2024, 7, 13, 9, 0, tzinfo=dt.UTC),
                },
                description="https://example.org/rust",
                note="A note on the whole article",
                created_at="2024-07-12T08:00:00+00:00",
            ),
            QdaSource(title="Second", text=second, selections=[QdaSelection(s4, e4, ["claim"], author="ann")]),
        ],
        created_at="2024-07-15T12:00:00+00:00",
    )


@pytest.fixture(scope="module")
def schema():
    if not XSD.exists():
        pytest.skip(f"the REFI-QDA standard is not at {STANDARDS} (kept outside the repository)")
    return etree.XMLSchema(file=str(XSD))


def validate(schema, xml: bytes) -> None:
    document = etree.fromstring(xml)
    if not schema.validate(document):
        raise AssertionError(str(schema.error_log))


def exported(project: QdaProject) -> tuple[bytes, QdaProject]:
    out = io.BytesIO()
    done = write_qdpx(project, out)
    return out.getvalue(), done


# ---------------------------------------------------------------- export


def test_every_exported_project_validates_against_the_xsd(schema):
    projects = [
        sample_project(),
        QdaProject(),  # empty: no users, codes or sources
        QdaProject(codes=[QdaCode("only a code")]),
        QdaProject(sources=[QdaSource("bare", "text without selections")]),
        QdaProject(sources=[QdaSource("t", "x y", [QdaSelection(0, 1, ["new tag"], "n", "someone")])]),
    ]
    for project in projects:
        data, _ = exported(project)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            validate(schema, archive.read("project.qde"))


def test_the_zip_holds_project_qde_and_one_utf8_text_per_source_named_by_guid():
    data, done = exported(sample_project())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert names[0] == "project.qde"
        assert sorted(names[1:]) == sorted(f"sources/{s.guid}.txt" for s in done.sources)
        for source in done.sources:
            assert archive.read(f"sources/{source.guid}.txt") == source.text.encode("utf-8")  # CRLF kept, no BOM
        root = etree.fromstring(archive.read("project.qde"))
    paths = [el.get("plainTextPath") for el in root.iter(f"{{{PROJECT_NS}}}TextSource")]
    assert paths == [f"internal://{s.guid}.txt" for s in done.sources]


def test_positions_are_code_points_into_the_text_file_with_end_exclusive():
    data, done = exported(sample_project())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("project.qde"))
        texts = {s.guid: archive.read(f"sources/{s.guid}.txt").decode("utf-8") for s in done.sources}
    wanted = {(s.guid, sel.start, sel.end): s.exact(sel) for s in done.sources for sel in s.selections}
    found = 0
    for source in root.iter(f"{{{PROJECT_NS}}}TextSource"):
        text = texts[source.get("guid")]
        for selection in source.iter(f"{{{PROJECT_NS}}}PlainTextSelection"):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert text[start:end] == wanted[(source.get("guid"), start, end)]
            found += 1
    assert found == 5
    assert "😀 emoji and all" in wanted.values() and "a claim" in wanted.values()


def test_guids_are_stable_and_derived_from_content_tag_and_user():
    first, done = exported(sample_project())
    second, _ = exported(sample_project())
    assert first == second  # the same library exports the same bytes
    source = done.sources[0]
    assert source.guid == guid_for("source", source.content_hash)
    assert {c.name: c.guid for c in done.codes}["claim"] == guid_for("code", "claim")
    assert {u.name: u.guid for u in done.users}["ann"] == guid_for("user", "ann")
    guids = [sel.guid for s in done.sources for sel in s.selections]
    assert len(set(guids)) == len(guids)
    # A change to one article's text changes its source GUID only.
    changed = sample_project()
    changed.sources[1].text += " More."
    redone = complete(changed)
    assert redone.sources[0].guid == done.sources[0].guid and redone.sources[1].guid != done.sources[1].guid


def test_complete_fills_in_users_codes_and_colours_without_changing_its_input():
    project = sample_project()
    before = copy.deepcopy(project)
    done = complete(project)
    assert project == before
    assert [u.name for u in done.users] == ["ann", "bo"]
    assert {c.name: c.colour for c in done.codes} == {
        "claim": rgb("yellow"), "source": "#00ffff", "evidence": "#00aa00", "documents": "#123456",
    }
    extra = complete(QdaProject(sources=[QdaSource("t", "abc", [QdaSelection(0, 1, ["Fresh"], author="cy")])]))
    assert [c.name for c in extra.codes] == ["Fresh"] and [u.name for u in extra.users] == ["cy"]


def test_notes_are_notes_referenced_from_their_selection():
    data, _ = exported(sample_project())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("project.qde"))
    notes = {n.get("guid"): n.findtext(f"{{{PROJECT_NS}}}PlainTextContent") for n in root.iter(f"{{{PROJECT_NS}}}Note")}
    assert "The judge.\r\nCR kept" in notes.values()
    first = next(root.iter(f"{{{PROJECT_NS}}}PlainTextSelection"))
    ref = first.find(f"{{{PROJECT_NS}}}NoteRef").get("targetGUID")
    assert notes[ref] == "The judge.\r\nCR kept"


def test_characters_xml_cannot_hold_are_replaced_with_a_warning(schema):
    project = QdaProject(sources=[QdaSource("t\x01", "te\x00xt", [QdaSelection(0, 2, ["c"], "bell\x07")])])
    data, done = exported(project)
    assert any("U+FFFD" in w for w in done.warnings)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        validate(schema, archive.read("project.qde"))
        assert archive.read(f"sources/{done.sources[0].guid}.txt") == b"te\x00xt"  # the file keeps it


def test_what_cannot_be_written_is_refused_with_one_line():
    for project, message in [
        (QdaProject(sources=[QdaSource("t", "abc", [QdaSelection(2, 9)])]), "outside its text of 3 characters"),
        (QdaProject(codes=[QdaCode("child", parent="missing")]), "parent 'missing' is not in the codebook"),
        (QdaProject(codes=[QdaCode("a", parent="b"), QdaCode("b", parent="a")]), "loop|ancestor"),
        (QdaProject(variables=[QdaVariable("v", "Colour")]), "type 'Colour'"),
        (QdaProject(variables=[QdaVariable("n", "Integer")], sources=[QdaSource("t", "x", variables={"n": "many"})]),
         "'many' is not a Integer value"),
    ]:
        with pytest.raises(QdpxError, match=message) as caught:
            write_qdpx(project, io.BytesIO())
        assert "\n" not in str(caught.value) and isinstance(caught.value, ReaderError)


def test_writing_to_a_path_leaves_no_partial_file(tmp_path):
    target = tmp_path / "project.qdpx"
    write_qdpx(sample_project(), target)
    assert zipfile.is_zipfile(target)
    with pytest.raises(QdpxError):
        write_qdpx(QdaProject(sources=[QdaSource("t", "abc", [QdaSelection(2, 9)])]), tmp_path / "bad.qdpx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project.qdpx"]


# ---------------------------------------------------------------- round trip


def test_round_trip_keeps_everything():
    data, done = exported(sample_project())
    back = read_qdpx(io.BytesIO(data))
    assert back.warnings == []
    assert back == done
    # and what was written is what was given, with GUIDs added
    original = sample_project()
    assert [s.text for s in back.sources] == [s.text for s in original.sources]
    assert [[(x.start, x.end, x.tags, x.note, x.author) for x in s.selections] for s in back.sources] == [
        [(x.start, x.end, x.tags, x.note, x.author) for x in s.selections] for s in original.sources
    ]
    assert back.codes[0].colour == rgb("yellow")
    named = read_qdpx(io.BytesIO(data), colour_names=["bright_cyan", "yellow"])
    assert named.codes[0].colour == "yellow"  # mapped back to reader's name, for the library's palette
    assert back.sources[0].variables == original.sources[0].variables


def test_a_project_read_and_written_again_is_the_same_file():
    data, _ = exported(sample_project())
    again, _ = exported(read_qdpx(io.BytesIO(data)))
    assert again == data


def test_read_from_a_path_and_a_stream_that_cannot_seek(tmp_path):
    path = tmp_path / "p.qdpx"
    done = write_qdpx(sample_project(), path)
    assert read_qdpx(path) == done

    class Pipe(io.RawIOBase):
        def __init__(self, data):
            self.inner = io.BytesIO(data)

        def readable(self):
            return True

        def seekable(self):
            return False

        def readinto(self, buffer):
            data = self.inner.read(len(buffer))
            buffer[: len(data)] = data
            return len(data)

    assert read_qdpx(Pipe(path.read_bytes())) == done


# ---------------------------------------------------------------- codebook (.qdc)


def test_codebook_export_has_the_codebook_namespace_and_the_project_schema_accepts_its_codes(schema):
    out = io.BytesIO()
    codes = write_qdc(sample_project().codes, out)
    root = etree.fromstring(out.getvalue())
    assert root.tag == f"{{{CODEBOOK_NS}}}CodeBook"
    assert [child.tag for child in root] == [f"{{{CODEBOOK_NS}}}Codes"]
    for code in root.iter(f"{{{CODEBOOK_NS}}}Code"):  # the Codebook XSD allows only Description and Code inside
        assert {child.tag for child in code} <= {f"{{{CODEBOOK_NS}}}Description", f"{{{CODEBOOK_NS}}}Code"}
    # The Codebook XSD's CodeType is the Project XSD's less NoteRef: the codes, moved into a project, validate.
    xml = out.getvalue().decode().replace(CODEBOOK_NS, PROJECT_NS)
    moved = etree.fromstring(xml.encode())
    project = etree.Element(f"{{{PROJECT_NS}}}Project", name="check")
    codebook = etree.SubElement(project, f"{{{PROJECT_NS}}}CodeBook")
    codebook.append(moved[0])
    validate(schema, etree.tostring(project))
    assert read_qdc(io.BytesIO(out.getvalue())) == codes


def test_an_empty_codebook_is_refused():
    with pytest.raises(QdpxError, match="codebook is empty"):
        codebook_xml([])


def test_read_qdc_refuses_a_project_and_other_xml():
    data, _ = exported(sample_project())
    with pytest.raises(QdpxError, match="a project"):
        read_qdc(io.BytesIO(data))
    with pytest.raises(QdpxError, match="not a REFI-QDA codebook"):
        read_qdc(io.BytesIO(b"<html/>"))


def test_the_specifications_codebook_example_reads():
    example = f"""<?xml version="1.0" encoding="UTF-8"?>
<CodeBook xmlns="{CODEBOOK_NS}"><Codes>
<Code guid="{{5215cc69-b628-4e02-afb9-9beeaee55808}}" name="Topics" isCodable="false">
  <Code guid="{{d7aa29da-519b-4946-9b90-253b6db8fd0a}}" name="Economy" isCodable="true" color="#ffff00">
  <Description>Anything about jobs or taxes or business</Description></Code>
</Code>
<Code guid="{{0dcef2f5-e55c-49da-8c33-9b0803c7aeb4}}" name="Health care" isCodable="true" color="#33cc33"/>
</Codes></CodeBook>""".encode()
    codes = read_qdc(io.BytesIO(example))
    assert [(c.name, c.parent, c.codable, c.colour) for c in codes] == [
        ("Topics", None, False, None), ("Economy", "Topics", True, "#ffff00"), ("Health care", None, True, "#33cc33"),
    ]
    assert codes[1].description == "Anything about jobs or taxes or business"


# ---------------------------------------------------------------- projects from other software


@needs_standards
def test_the_blank_atlas_project_imports():
    project = read_qdpx(STANDARDS / "blank-atlas-project.qdpx")
    assert project.name == "blank-atlas-project"
    assert project.origin.startswith("ATLAS.ti")
    assert [u.name for u in project.users] == ["Enric Llagostera", "ATLAS.ti"]
    assert project.codes == [] and project.sources == [] and project.warnings == []
    assert project.created_at == "2023-08-16T15:14:29+00:00"


@needs_standards
def test_the_target_atlas_project_imports_with_its_nested_codes():
    project = read_qdpx(STANDARDS / "target-atlas-project.qdpx")
    assert len(project.users) == 2
    assert [(c.name, c.parent) for c in project.codes] == [
        ("Commits", None), ("2022-05-10T02:05:59Z 19e4dce", "Commits"), ("2022-02-11T10:39:25Z cdbfd92", "Commits"),
    ]
    assert project.codes[0].guid == "A182CD3A-D83C-4D8C-BC80-26D9103EC6D6"
    assert project.sources == [] and project.warnings == []


@needs_standards
def test_atlas_projects_exported_again_validate(schema):
    for name in ("blank-atlas-project.qdpx", "target-atlas-project.qdpx"):
        data, done = exported(read_qdpx(STANDARDS / name))
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            validate(schema, archive.read("project.qde"))
        assert read_qdpx(io.BytesIO(data)) == done


def foreign_project() -> bytes:
    """A project shaped like the specification's example 2: upper-case GUIDs and file names, a Description as the
    selection's comment, a PDF with a plain-text representation, a picture, sets."""
    text = "I did try the gluten free bread, but it was always so soggy, said Simon."
    pdf_text = "Granola with milk.\r\nAnd more granola."
    qde = f"""<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<Project xmlns="{PROJECT_NS}" name="ATLAS.ti standard project" origin="ATLAS.ti 8.4.0"
    creatingUserGUID="AD68FBE7-E1EE-4A82-A279-23CC698C89EB" creationDateTime="2018-03-27T17:46:39Z">
 <Users><User guid="AD68FBE7-E1EE-4A82-A279-23CC698C89EB" name="Friedrich Markgraf"/></Users>
 <CodeBook><Codes>
  <Code color="#F00082" isCodable="true" name="Feelings" guid="0F8A1907-7E42-4739-8610-A676B4D1B69F">
   <Description>thoughts about breakfast foods</Description></Code>
  <Code color="#DC0000" isCodable="true" name="cornflakes" guid="AE6D04CE-D987-4FC8-AF97-D72CA6FFD08F"/>
 </Codes></CodeBook>
 <Sources>
  <TextSource plainTextPath="internal://C1C745F7-8E4D-48B2-9710-655AFE7E54FA.txt" guid="AE5298BE-7C94-4B66-8A9C-51FBE232D2F5"
      name="Simon.docx" richTextPath="internal://D32251E3-04A0-4E0C-87A1-46AC68021F21.docx">
   <PlainTextSelection startPosition="0" endPosition="60" guid="789A62D6-A2AD-4B59-AB90-EF1D4AB1868F"
       creatingUser="AD68FBE7-E1EE-4A82-A279-23CC698C89EB" creationDateTime="2018-03-27T19:02:20Z" name="I did try">
    <Description>why does Simon feel the need to do this?</Description>
    <Coding guid="61C727FB-E8CD-442D-B34E-D20F6B843407"><CodeRef targetGUID="0F8A1907-7E42-4739-8610-A676B4D1B69F"/></Coding>
    <Coding guid="61C727FB-E8CD-442D-B34E-D20F6B843408"><CodeRef targetGUID="00000000-0000-0000-0000-000000000000"/></Coding>
   </PlainTextSelection>
   <PlainTextSelection startPosition="50" endPosition="500" guid="789A62D6-A2AD-4B59-AB90-EF1D4AB1868E"/>
  </TextSource>
  <TextSource richTextPath="internal://B5566006-EB5F-43F0-9BC2-DBCD4D2F73F7.docx" guid="69A4332D-5B31-4915-B520-5275CFC21B40" name="docx only"/>
  <PictureSource path="internal://87EAD86F-3112-4537-8A01-01427CAE1C6D.jpg" guid="02255470-09E6-400B-9E20-97D71FBEC65D" name="cornflakes.jpg"/>
  <PDFSource path="internal://484934BD-97FF-4F8C-9690-B9E77A9092B5.pdf" guid="03F134F1-AB05-46E6-8702-1D6930D7F7F0" name="Kellogg's.pdf">
   <Representation plainTextPath="internal://142EB46D-612E-4593-A385-D0E5D04D1288.txt" guid="142EB46D-612E-4593-A385-D0E5D04D1288" name="Representation">
    <PlainTextSelection startPosition="0" endPosition="7" guid="27A5F0C2-E225-4D6A-8297-F4FEC794D890" name="granola">
     <Coding guid="4B1F2D56-CCE9-46F9-8248-E110F3352C5A"><CodeRef targetGUID="AE6D04CE-D987-4FC8-AF97-D72CA6FFD08F"/></Coding>
    </PlainTextSelection>
   </Representation>
  </PDFSource>
 </Sources>
 <Sets><Set guid="C29B5DB8-2ED6-406B-BFD2-68E8E273C1E9" name="Mabel"/></Sets>
</Project>"""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("Project.QDE", qde)
        archive.writestr("Sources/C1C745F7-8E4D-48B2-9710-655AFE7E54FA.TXT", "\ufeff" + text)
        archive.writestr("Sources/142EB46D-612E-4593-A385-D0E5D04D1288.TXT", pdf_text)
    return out.getvalue()


def test_a_project_from_other_software_imports_its_text_and_says_what_it_left_out():
    project = read_qdpx(io.BytesIO(foreign_project()), colour_names=["red"])
    assert [s.title for s in project.sources] == ["Simon.docx", "Kellogg's.pdf"]
    simon, pdf = project.sources
    assert simon.text.startswith("I did try")  # the BOM dropped
    (selection,) = simon.selections
    assert simon.exact(selection) == "I did try the gluten free bread, but it was always so soggy,"
    assert selection.tags == ["Feelings"] and selection.note == "why does Simon feel the need to do this?"
    assert selection.author == "Friedrich Markgraf" and selection.created_at == "2018-03-27T19:02:20+00:00"
    assert pdf.exact(pdf.selections[0]) == "Granola" and pdf.selections[0].tags == ["cornflakes"]
    assert pdf.text == "Granola with milk.\r\nAnd more granola."  # as stored: offsets count in it
    assert project.codes[0].colour == "#f00082" and project.codes[0].description == "thoughts about breakfast foods"
    assert len(project.warnings) == 5 and all("\n" not in w for w in project.warnings)
    joined = " | ".join(project.warnings)
    for part in ("not in the codebook", "does not fit its text", "docx", "1 picture source left out", "1 set left out"):
        assert part in joined


# ---------------------------------------------------------------- bad files


def zipped(members: dict[str, bytes | str]) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    out.seek(0)
    return out


@pytest.mark.parametrize(
    "data, message",
    [
        (io.BytesIO(b"not a zip at all"), "not a zip file"),
        (io.BytesIO(b"PK\x03\x04broken"), "not a zip file"),
        (zipped({"other.xml": "<Project/>"}), "no project.qde inside"),
        (zipped({"project.qde": "<Project name='x'><Users>"}), "not well-formed XML"),
        (zipped({"project.qde": ""}), "not well-formed XML"),
        (zipped({"project.qde": "<Other/>"}), "the root element is 'Other'"),
        (zipped({"project.qde": f"<CodeBook xmlns='{CODEBOOK_NS}'/>"}), "a codebook"),
        (zipped({"project.qde": '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                 '<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><Project name="&lol2;"/>'}), "DOCTYPE"),
    ],
)
def test_malformed_projects_give_one_line(data, message):
    with pytest.raises(QdpxError, match=message) as caught:
        read_qdpx(data)
    assert "\n" not in str(caught.value) and isinstance(caught.value, ReaderError)


def test_missing_files_and_directories(tmp_path):
    with pytest.raises(QdpxError, match="no such file"):
        read_qdpx(tmp_path / "missing.qdpx")
    with pytest.raises(QdpxError, match="is a directory"):
        read_qdpx(tmp_path)


def test_a_project_that_unpacks_too_large_is_refused():
    data, _ = exported(sample_project())
    with pytest.raises(QdpxError, match="more than"):
        read_qdpx(io.BytesIO(data), max_bytes=1000)


def test_read_qde_alone_reads_inline_text_and_warns_about_files():
    qde = f"""<Project xmlns="{PROJECT_NS}" name="inline">
 <CodeBook><Codes><Code guid="0F8A1907-7E42-4739-8610-A676B4D1B69F" name="c" isCodable="true"/></Codes></CodeBook>
 <Sources>
  <TextSource guid="AE5298BE-7C94-4B66-8A9C-51FBE232D2F5" name="inline">
   <PlainTextContent>Inline text here</PlainTextContent>
   <PlainTextSelection guid="789A62D6-A2AD-4B59-AB90-EF1D4AB1868F" startPosition="0" endPosition="6">
    <Coding guid="61C727FB-E8CD-442D-B34E-D20F6B843407"><CodeRef targetGUID="0F8A1907-7E42-4739-8610-A676B4D1B69F"/></Coding>
   </PlainTextSelection>
  </TextSource>
  <TextSource guid="AE5298BE-7C94-4B66-8A9C-51FBE232D2F6" name="file" plainTextPath="internal://x.txt"/>
 </Sources>
</Project>""".encode()
    project = read_qde(qde)
    (source,) = project.sources
    assert source.exact(source.selections[0]) == "Inline" and source.selections[0].tags == ["c"]
    assert project.warnings == ["source 'file': its text file x.txt is not in the project; left out"]


def test_importing_the_module_loads_no_heavy_libraries():
    import subprocess
    import sys

    script = (
        "import sys, reader.interchange.qdpx; "
        "loaded = [m for m in ('spacy', 'textual', 'lxml', 'rich', 'sqlite_utils') if m in sys.modules]; "
        "assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=Path(__file__).resolve().parents[2])


# ---------------------------------------------------------------- reader's own data


def test_project_from_library_objects(schema):
    from reader.model import Annotation, Article, Tag

    article = Article(id=7, title="Judge rules", text=TEXT, date="2024-07-13", source="https://example.org/rust")
    s, e = span(TEXT, "Mary Marlowe Sommer")
    notes = [Annotation(id=1, article_id=7, start=s, end=e, exact=TEXT[s:e], note="n", author="ann",
                        created_at="2024-07-13T09:30:00+00:00", updated_at="2024-07-13T09:30:00+00:00", tags=["claim"])]
    tags = [Tag(id=1, name="claim", colour="yellow", description="A claim"), Tag(id=2, name="unused", colour="red")]
    project = project_from_library(tags, [(article, notes, {"article_external_id": "mc-17"})], users=["ann"])
    data, done = exported(project)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        validate(schema, archive.read("project.qde"))
    (source,) = done.sources
    assert source.variables == {"date": dt.date(2024, 7, 13), "source": "https://example.org/rust",
                                "article_external_id": "mc-17"}
    assert [c.name for c in done.codes] == ["claim", "unused"]
    assert source.exact(source.selections[0]) == "Mary Marlowe Sommer" and source.selections[0].tags == ["claim"]


def test_selection_records_match_and_anchor_like_reader_imports():
    from reader.ingest.article import content_hash, normalise

    try:
        from reader.interchange.anchoring import anchor
        from reader.interchange.records import ImportRecord
    except ImportError:  # the module moved: the keys are checked against its new home there
        pytest.skip("reader.interchange.ImportRecord is not importable here")
    library_text = normalise("First line.\n\nThe café “claim” here.\n\nLast line.")
    crlf = library_text.replace("\n", "\r\n").replace("é", "e\u0301")  # as a Windows tool might store it
    s = crlf.index("“claim”")
    project = QdaProject(sources=[QdaSource("t", crlf, [QdaSelection(s, s + 7, ["claim"], "n", "ann")]),
                                  QdaSource("u", library_text, [QdaSelection(0, 5, ["x"])])])
    first, second = (ImportRecord(**record) for record in selection_records(project))
    assert first.article_hash == content_hash(library_text) == second.article_hash
    assert first.exact == "“claim”" and "\r" not in first.prefix + first.suffix
    assert anchor(library_text, first.exact, first.start, first.end, first.prefix, first.suffix, trust_offsets=True) == (
        library_text.index("“claim”"), library_text.index("“claim”") + 7,
    )
    assert (second.start, second.end, second.exact) == (0, 5, "First")


def test_guids_in_braces_match_guids_without():
    qde = f"""<Project xmlns="{PROJECT_NS}" name="braces">
 <Users><User guid="{{AD68FBE7-E1EE-4A82-A279-23CC698C89EB}}" name="Fr"/></Users>
 <CodeBook><Codes><Code guid="{{d7aa29da-519b-4946-9b90-253b6db8fd0a}}" name="Economy" isCodable="true"/></Codes></CodeBook>
 <Sources><TextSource guid="AE5298BE-7C94-4B66-8A9C-51FBE232D2F5" name="t"><PlainTextContent>Jobs and taxes</PlainTextContent>
  <PlainTextSelection guid="789A62D6-A2AD-4B59-AB90-EF1D4AB1868F" startPosition="0" endPosition="4"
      creatingUser="ad68fbe7-e1ee-4a82-a279-23cc698c89eb">
   <Coding guid="61C727FB-E8CD-442D-B34E-D20F6B843407"><CodeRef targetGUID="D7AA29DA-519B-4946-9B90-253B6DB8FD0A"/></Coding>
  </PlainTextSelection></TextSource></Sources>
</Project>""".encode()
    project = read_qde(qde)
    (selection,) = project.sources[0].selections
    assert (selection.tags, selection.author, project.warnings) == (["Economy"], "Fr", [])
