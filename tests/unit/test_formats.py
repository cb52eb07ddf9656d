"""Standards out and back: REFI-QDA projects and codebooks from the library (XSD-validated, round trip,
ATLAS.ti samples), spaCy DocBin, Label Studio tasks, doccano JSON Lines, and JSON-LD for the JSON Lines export."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from annotated_seed import ANNOTATIONS, annotate, jsonl_bytes, library
from click.testing import CliRunner
from lxml import etree

from reader.cli import cli
from reader.interchange.importer import import_annotations
from reader.interchange.jsonl import READER_CONTEXT, READER_VOCAB
from reader.interchange.output import export, export_binary
from reader.interchange.qdpx import read_qdpx
from reader.interchange.qdpx_library import export_qdc, export_qdpx
from reader.interchange.records import ExportError, ExportFilter
from reader.store import Store

STANDARDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "standards" / "refi-qda"
XSD = STANDARDS / "Project-mrt2019.xsd"
needs_standards = pytest.mark.skipif(
    not XSD.exists(), reason=f"the REFI-QDA standard is not at {STANDARDS} (kept outside the repository)"
)


@pytest.fixture
def annotated():
    store, article_id = library()
    made = annotate(store, article_id)
    yield store, article_id, made
    store.close()


@pytest.fixture(scope="module")
def schema():
    if not XSD.exists():
        pytest.skip(f"the REFI-QDA standard is not at {STANDARDS} (kept outside the repository)")
    return etree.XMLSchema(file=str(XSD))


def text_export(store: Store, fmt: str, **options) -> str:
    out = io.StringIO()
    export(store, out, fmt, **options)
    return out.getvalue()


def kept(store: Store, article_id: int) -> list[tuple]:
    """Everything an annotation holds but its id."""
    return sorted(
        (a.start, a.end, a.exact, tuple(sorted(a.tags)), a.note, a.author, a.created_at, a.updated_at)
        for a in store.annotations(article_id)
    )


# ---------------------------------------------------------------- REFI-QDA


def test_the_library_as_a_project_validates_against_the_xsd(annotated, schema, tmp_path):
    store, article_id, made = annotated
    path = tmp_path / "project.qdpx"
    count, warnings = export_qdpx(store, path)
    assert count == len(made) and warnings == []
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        xml = archive.read("project.qde")
        assert len([n for n in names if n.startswith("sources/")]) == 1
        text = archive.read(next(n for n in names if n.startswith("sources/"))).decode("utf-8")
    if not schema.validate(etree.fromstring(xml)):
        raise AssertionError(str(schema.error_log))
    assert text == store.get_article_text(article_id)  # the text the offsets index
    project = read_qdpx(path)
    assert sorted(u.name for u in project.users) == ["ann", "bob"]
    assert {c.name for c in project.codes} >= {t.name for t in store.tags()}
    selections = project.sources[0].selections
    assert len(selections) == len(made)
    source = project.sources[0]
    assert sorted((s.start, s.end, source.text[s.start : s.end]) for s in selections) == sorted(
        (a.start, a.end, a.exact) for a in made
    )


def test_guids_are_stable_across_exports(annotated, tmp_path):
    store, _, _ = annotated
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    export_qdpx(store, tmp_path / "a" / "p.qdpx")  # the project is named after its file
    export_qdpx(store, tmp_path / "b" / "p.qdpx")
    assert (tmp_path / "a" / "p.qdpx").read_bytes() == (tmp_path / "b" / "p.qdpx").read_bytes()


def test_the_round_trip_keeps_everything(annotated, tmp_path):
    store, article_id, _ = annotated
    path = tmp_path / "project.qdpx"
    export_qdpx(store, path)
    fresh, fresh_id = library()
    report = import_annotations(fresh, path)
    assert report.ok, [str(p) for p in report.unanchored + report.errors]
    assert report.added == len(ANNOTATIONS)
    assert kept(fresh, fresh_id) == kept(store, article_id)
    colours = {t.name: (t.colour, t.description) for t in store.tags()}
    assert {t.name: (t.colour, t.description) for t in fresh.tags()} == colours
    again = import_annotations(fresh, path)  # twice changes nothing
    assert again.added == 0 and again.duplicates == len(ANNOTATIONS)


def test_a_project_reanchors_on_a_changed_text(annotated, tmp_path):
    store, _, _ = annotated
    path = tmp_path / "project.qdpx"
    export_qdpx(store, path)
    from annotated_seed import seed

    changed = seed()
    changed.text = "An editor's note added at the top.\n\n" + changed.text
    fresh, fresh_id = library(changed)
    report = import_annotations(fresh, path)
    assert report.ok and report.added == len(ANNOTATIONS) and report.moved == len(ANNOTATIONS)
    text = fresh.get_article_text(fresh_id)
    assert all(text[a.start : a.end] == a.exact for a in fresh.annotations(fresh_id))


def test_the_codebook_as_qdc_and_back(annotated, tmp_path):
    store, _, _ = annotated
    path = tmp_path / "tags.qdc"
    assert export_qdc(store, path) == len(store.tags())
    root = etree.fromstring(path.read_bytes())
    assert root.tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    runner = CliRunner()
    db = tmp_path / "r.db"
    Store(db).close()
    result = runner.invoke(cli, ["codebook", "import", "--db", str(db), str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("3 tags added, 9 already in the codebook")  # the seed's new tags


@needs_standards
def test_the_atlas_samples_import(tmp_path):
    runner = CliRunner()
    db = tmp_path / "r.db"
    for name in ("blank-atlas-project.qdpx", "target-atlas-project.qdpx"):
        result = runner.invoke(cli, ["import-annotations", "--db", str(db), str(STANDARDS / name)])
        assert result.exit_code == 0, result.output
        assert "Traceback" not in result.output
    store = Store(db)
    names = [t.name for t in store.tags()]
    store.close()
    assert "Commits" in names and "2022-05-10T02:05:59Z 19e4dce" in names


def test_cli_exports_a_project_and_a_codebook(tmp_path, schema):
    db = tmp_path / "r.db"
    store, article_id = library()
    file_store = Store(db)
    file_store.add_article(_parsed(store, article_id))
    text = file_store.get_article_text(1)
    file_store.create_annotation(1, 0, 12, "ann", ["claim"], "note")
    file_store.close()
    runner = CliRunner()
    result = runner.invoke(cli, ["export", "--db", str(db), "--format", "qdpx", "-o", str(tmp_path / "p.qdpx")])
    assert result.exit_code == 0, result.output
    assert "1 annotation exported to" in result.stderr
    with zipfile.ZipFile(tmp_path / "p.qdpx") as archive:
        assert schema.validate(etree.fromstring(archive.read("project.qde"))), schema.error_log
    assert read_qdpx(tmp_path / "p.qdpx").sources[0].variables["article_external_id"] == "seed-1"
    result = runner.invoke(cli, ["codebook", "export", "--db", str(db), "--format", "qdc"])
    assert result.exit_code == 0 and result.stdout.startswith("<?xml")
    assert text[0:12] == "Alec Baldwin"


def _parsed(store: Store, article_id: int):
    from reader.ingest.article import ParsedArticle

    article = store.get_article(article_id)
    return ParsedArticle(text=article.text, title=article.title, date=article.date, meta={"external_id": "seed-1"})


@pytest.mark.parametrize(
    "args, message",
    [
        (["--format", "qdpx", "--bom"], "--bom is for CSV only"),
        (["--format", "spacy", "--per-tag"], "--per-tag is for CSV only"),
        (["--format", "qdpx", "--include-highlights"], "--include-highlights is not for REFI-QDA"),
        (["--format", "doccano", "--bom"], "--bom is for CSV only"),
        (["--format", "qdpx", "--tag", "nope"], "no tag called 'nope'"),
    ],
)
def test_bad_export_options_are_one_line(tmp_path, args, message):
    db = tmp_path / "r.db"
    Store(db).close()
    result = CliRunner().invoke(cli, ["export", "--db", str(db), "-o", str(tmp_path / "out"), *args])
    assert result.exit_code == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_bad_projects_are_one_line(tmp_path):
    db = tmp_path / "r.db"
    Store(db).close()
    runner = CliRunner()
    broken = tmp_path / "broken.qdpx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    empty_zip = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(empty_zip, "w") as archive:
        archive.writestr("readme.txt", "hello")
    xml = tmp_path / "tags.qdc"
    xml.write_text("<CodeBook/>")
    for path in (broken, empty_zip, xml, tmp_path / "missing.qdpx"):
        result = runner.invoke(cli, ["import-annotations", "--db", str(db), str(path)])
        assert result.exit_code == 1, (path, result.output)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.output


def test_binary_formats_need_a_file_on_a_terminal(annotated, monkeypatch, tmp_path):
    db = tmp_path / "r.db"
    Store(db).close()
    import reader.cli

    monkeypatch.setattr(reader.cli.exchange, "_stdout_is_terminal", lambda: True)
    result = CliRunner().invoke(cli, ["export", "--db", str(db), "--format", "spacy"])
    assert result.exit_code == 1 and "give a file with -o FILE" in result.stderr


# ---------------------------------------------------------------- NLP formats


def test_spacy_docbin_loads_back_with_spacy(annotated, tmp_path):
    from reader.interchange.spacy_docbin import SPANS_KEY, read_docbin

    store, article_id, made = annotated
    out = io.BytesIO()
    count, _ = export_binary(store, out, "spacy", include_highlights=True)
    assert count == 1
    doc = read_docbin(out.getvalue())[0]
    assert doc.text == store.get_article_text(article_id)
    spans = doc.spans[SPANS_KEY]
    assert len(spans) == sum(max(1, len(a.tags)) for a in made)
    assert {s.label_ for s in spans} == {t for a in made for t in a.tags} | {"annotation"}
    first = next(s for s in spans if s.label_ == "claim")
    assert first.text == "Alec Baldwin"
    assert [e.label_ for e in doc.ents] and {e.label_ for e in doc.ents} <= {"PERSON", "GPE"}
    assert [s.label_ for s in doc.spans["reader_quotes"]] == ["QUOTE"]
    info = doc.user_data["reader"]
    assert info["article_id"] == article_id and len(info["annotations"]) == len(made)
    assert info["annotations"][0]["note"] == made[0].note
    without = io.BytesIO()
    export_binary(store, without, "spacy")
    assert not read_docbin(without.getvalue())[0].ents  # machine entities only when asked for


def test_label_studio_tasks_have_the_text_and_labels_regions(annotated):
    store, article_id, made = annotated
    tasks = json.loads(text_export(store, "label-studio", include_highlights=True))
    assert isinstance(tasks, list) and len(tasks) == 1
    task = tasks[0]
    text = task["data"]["text"]
    assert text == store.get_article_text(article_id)
    assert sorted(a["meta"]["reader_author"] for a in task["annotations"]) == ["ann", "bob"]
    regions = [r for a in task["annotations"] for r in a["result"]]
    assert len(regions) == len(made)
    for region in regions:
        assert (region["from_name"], region["to_name"], region["type"]) == ("label", "text", "labels")
        value = region["value"]
        assert text[value["start"] : value["end"]] == value["text"] and value["labels"]
    noted = next(r for r in regions if r["value"]["text"] == "Alec Baldwin")
    assert noted["meta"] == {"text": ["Plain note"]} and sorted(noted["value"]["labels"]) == ["actor", "claim"]
    predictions = task["predictions"][0]
    assert predictions["model_version"] == "hand-made 1"
    assert {r["from_name"] for r in predictions["result"]} == {"entity"}
    assert json.loads(text_export(Store(None), "label-studio")) == []


def test_label_studio_labeling_config_is_xml_naming_every_tag(annotated):
    from reader.interchange.label_studio import labeling_config

    store, _, _ = annotated
    config = labeling_config([t.name for t in store.tags()], include_highlights=True)
    root = etree.fromstring(config.encode())
    labels = {label.get("value") for label in root.iter("Label")}
    assert {t.name for t in store.tags()} <= labels and "PERSON" in labels and "annotation" in labels


def test_doccano_lines_have_the_text_and_span_labels(annotated):
    store, article_id, made = annotated
    lines = text_export(store, "doccano").splitlines()
    assert len(lines) == 1
    example = json.loads(lines[0])
    text = example["text"]
    assert text == store.get_article_text(article_id)
    assert all(isinstance(s, int) and isinstance(e, int) and isinstance(label, str) for s, e, label in example["label"])
    assert len(example["label"]) == sum(max(1, len(a.tags)) for a in made)
    assert [text[s:e] for s, e, label in example["label"] if label == "claim"] == [
        a.exact for a in made if "claim" in a.tags
    ]
    assert example["article_hash"] and example["notes"][0]["note"] == "Plain note"
    highlighted = json.loads(text_export(store, "doccano", include_highlights=True))
    assert any(label == "PERSON" for _, _, label in highlighted["label"])


def test_filters_apply_to_document_formats(annotated):
    store, _, _ = annotated
    example = json.loads(text_export(store, "doccano", filters=ExportFilter(tags=("claim",))))
    assert {label for _, _, label in example["label"]} >= {"claim"}
    assert len(example["label"]) < len(ANNOTATIONS)
    with pytest.raises(ExportError):
        text_export(store, "doccano", filters=ExportFilter(article_ids=(99,)))


# ---------------------------------------------------------------- JSON-LD


def test_every_key_of_the_reader_block_is_defined_in_the_context(annotated):
    store, _, _ = annotated
    for line in jsonl_bytes(store, include_highlights=True).decode().splitlines():
        anno = json.loads(line)
        context = anno["@context"]
        assert context[0] == "http://www.w3.org/ns/anno.jsonld" and context[1] == READER_CONTEXT
        terms = context[1]["reader"]["@context"]
        assert context[1]["reader"]["@id"] == READER_VOCAB + "reader"
        assert set(anno["reader"]) <= set(terms)
        assert all(term["@id"] == READER_VOCAB + name for name, term in terms.items())


# A stand-in for the W3C context with the terms the export uses (the tests reach no network).
ANNO_STAND_IN = {
    "@context": {
        "oa": "http://www.w3.org/ns/oa#", "dcterms": "http://purl.org/dc/terms/", "as": "http://www.w3.org/ns/activitystreams#",
        "foaf": "http://xmlns.com/foaf/0.1/", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "id": "@id", "type": "@type", "Annotation": "oa:Annotation", "TextualBody": "oa:TextualBody",
        "TextQuoteSelector": "oa:TextQuoteSelector", "TextPositionSelector": "oa:TextPositionSelector",
        "Person": "foaf:Person", "Software": "as:Application",
        "body": {"@type": "@id", "@id": "oa:hasBody"}, "target": {"@type": "@id", "@id": "oa:hasTarget"},
        "source": {"@type": "@id", "@id": "oa:hasSource"}, "selector": {"@type": "@id", "@id": "oa:hasSelector"},
        "creator": {"@type": "@id", "@id": "dcterms:creator"}, "generator": {"@type": "@id", "@id": "as:generator"},
        "created": {"@id": "dcterms:created"}, "modified": {"@id": "dcterms:modified"},
        "motivation": {"@type": "@vocab", "@id": "oa:motivatedBy"}, "purpose": {"@type": "@vocab", "@id": "oa:hasPurpose"},
        "value": "rdf:value", "format": "dcterms:format", "exact": "oa:exact", "prefix": "oa:prefix",
        "suffix": "oa:suffix", "start": "oa:start", "end": "oa:end", "name": "foaf:name",
        "tagging": "oa:tagging", "commenting": "oa:commenting", "highlighting": "oa:highlighting",
        "classifying": "oa:classifying", "identifying": "oa:identifying",
    }
}


def test_json_ld_expansion_keeps_the_reader_block(annotated):
    jsonld = pytest.importorskip("pyld.jsonld", reason="pyld is a test dependency (pip install pyld)")
    store, _, _ = annotated

    def loader(url, options=None):
        if url.rstrip("/") != "http://www.w3.org/ns/anno.jsonld":
            raise AssertionError(f"the test fetched {url}")
        return {"contextUrl": None, "documentUrl": url, "document": ANNO_STAND_IN}

    anno = json.loads(jsonl_bytes(store).decode().splitlines()[0])
    expanded = jsonld.expand(anno, {"documentLoader": loader})
    assert "http://www.w3.org/ns/oa#hasTarget" in expanded[0]  # the annotation's own target is untouched
    block = expanded[0][READER_VOCAB + "reader"][0]
    for key, value in anno["reader"].items():
        if value is None:
            continue  # JSON-LD drops nulls
        assert block[READER_VOCAB + key] == [{"@value": value}], key


def test_the_format_modules_load_no_spacy_until_a_docbin_is_written():
    import subprocess
    import sys

    code = (
        "import sys, reader.interchange.output, reader.interchange.spacy_docbin, reader.interchange.label_studio, "
        "reader.interchange.doccano, reader.interchange.qdpx_library, reader.ingest.corpus_import; "
        "sys.exit(1 if 'spacy' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], timeout=120).returncode == 0
