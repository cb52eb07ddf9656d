"""Export: CSV columns and quoting, formula neutralisation, per-tag rows, filters, BOM, JSON Lines, codebook."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json

import pytest
from annotated_seed import (
    ANNOTATIONS,
    analysis,
    annotate,
    csv_bytes,
    jsonl_bytes,
    library,
    quote_span,
    seed,
)
from hypothesis import given
from hypothesis import strategies as st

from reader.ingest.files import parse_article
from reader.interchange.cells import (
    join_tags,
    neutralise,
    restore,
    sort_tags,
    split_tags,
)
from reader.interchange.codebook import CODEBOOK_COLUMNS, write_codebook
from reader.interchange.output import export, output_file
from reader.interchange.records import (
    CSV_COLUMNS,
    ExportError,
    ExportFilter,
    ImportFormatError,
)
from reader.model import Analysis, Entity
from reader.store import NEW_TAG_COLOURS, Store, context

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def parse(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.fixture
def annotated():
    store, article_id = library()
    made = annotate(store, article_id)
    yield store, article_id, made
    store.close()


# ---------------------------------------------------------------- CSV


def test_header_is_the_documented_order(annotated):
    store, _, _ = annotated
    data = csv_bytes(store)
    header = next(csv.reader(io.StringIO(data.decode(), newline="")))
    assert tuple(header) == CSV_COLUMNS
    assert CSV_COLUMNS == (
        "annotation_id", "article_id", "article_title", "article_date", "source", "start", "end", "text",
        "prefix", "suffix", "tags", "note", "author", "created_at", "updated_at", "entity_label",
        "quote_speaker", "article_hash", "target", "status", "quote_source", "quote_cue", "article_external_id",
    )


def test_rfc4180_crlf_utf8_no_bom_by_default(annotated):
    store, _, _ = annotated
    data = csv_bytes(store)
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.split(b"\r\n", 1)[0] == ",".join(CSV_COLUMNS).encode()
    assert data.endswith(b"\r\n")
    data.decode("utf-8")  # strict


def test_every_column_on_the_seed(annotated):
    store, article_id, made = annotated
    article = seed()
    text = article.text
    rows = parse(csv_bytes(store))
    assert len(rows) == len(ANNOTATIONS)
    # rows come in text order
    assert [int(r["start"]) for r in rows] == sorted(int(r["start"]) for r in rows)
    by_id = {int(r["annotation_id"]): r for r in rows}
    assert set(by_id) == {a.id for a in made}
    for annotation in made:
        row = by_id[annotation.id]
        start, end = annotation.start, annotation.end
        assert row["article_id"] == str(article_id)
        assert row["article_title"] == article.title
        assert row["article_title"].startswith("Alec Baldwin celebrated the dismissal")
        assert row["article_date"] == "2024-07-13"
        assert row["source"] == article.source
        assert (int(row["start"]), int(row["end"])) == (start, end)
        assert restore(row["text"]) == text[start:end] == annotation.exact
        prefix, suffix = context(text, start, end)
        assert restore(row["prefix"]) == prefix and restore(row["suffix"]) == suffix
        assert split_tags(restore(row["tags"])) == sort_tags(annotation.tags)
        assert restore(row["note"]) == annotation.note
        assert row["author"] == annotation.author
        for column in ("created_at", "updated_at"):
            assert row[column] == getattr(annotation, column)
            assert dt.datetime.fromisoformat(row[column]).tzinfo is not None
        assert row["article_hash"] == article.content_hash
    rows_by_text = {restore(r["text"]): r for r in rows}
    assert rows_by_text["Alec Baldwin"]["entity_label"] == "PERSON"
    assert rows_by_text["Alec Baldwin"]["tags"] == "actor; claim"
    assert rows_by_text["Alec Baldwin"]["quote_speaker"] == ""
    assert rows_by_text["Alec Baldwin"]["target"] == "entity" and rows_by_text["Alec Baldwin"]["status"] == "machine"
    # an entity inside is not what the annotation is on (issue 12: a quotation got GPE for "Turkey" in it)
    assert rows_by_text["Santa Fe County District Court"]["entity_label"] == ""
    assert rows_by_text["Santa Fe County District Court"]["target"] == "span"
    assert rows_by_text["El Dorado Hotel"]["entity_label"] == ""
    # inside the judge's two-paragraph quotation
    for phrase in ("The late discovery of this evidence", "bad faith", "scorching"):
        assert rows_by_text[phrase]["quote_speaker"] == "Mary Marlowe Sommer"
        assert rows_by_text[phrase]["entity_label"] == ""
    assert rows_by_text["TMZ"]["tags"] == "" and rows_by_text["TMZ"]["note"] == ""
    assert rows_by_text["The late discovery of this evidence"]["note"] == "line one\nline two\r\nline three"
    assert rows_by_text["The late discovery of this evidence"]["tags"] == "a;; b; evidence"
    assert rows_by_text["bad faith"]["note"] == "emoji 🎉🦀 ok"
    assert rows_by_text["Mary Marlowe Sommer"]["note"] == 'commas, and "quotes", too'


def test_entity_label_only_on_the_entity_itself():
    store, article_id = library()
    text = store.get_article_text(article_id)
    at = text.index("Santa Fe County District Court")
    store.set_analysis(article_id, Analysis(
        entities=[Entity(at, at + 8, "GPE", "Santa Fe"), Entity(at + 9, at + 30, "ORG", "County District Court")],
        quotes=[], analyser="hand-made 2",
    ))
    store.create_annotation(article_id, at, at + 30, "ann")  # the whole name: on neither entity
    store.create_annotation(article_id, at, at + 8, "ann")  # "Santa Fe": on the GPE
    store.create_annotation(article_id, at + 9, at + 30, "ann")  # on the ORG
    store.create_annotation(article_id, at - 13, at - 4, "ann")  # "breakdown", before both
    rows = parse(csv_bytes(store))
    assert [(r["text"], r["entity_label"], r["target"]) for r in rows] == [
        ("breakdown", "", "span"), ("Santa Fe", "GPE", "entity"), ("Santa Fe County District Court", "", "span"),
        ("County District Court", "ORG", "entity"),
    ]


def test_the_csv_says_what_people_corrected():
    """Corrected speakers and statuses go out; a rejected highlight does not; an added quotation does."""
    from reader.model import Decision

    store, article_id = library()
    article = store.get_article(article_id)
    quote, entity = article.quotes[0], article.entities[0]
    store.set_decision(Decision(article_id, "quote", quote.start, quote.end, "corrected", "ann", speaker="Someone Else"))
    store.set_decision(Decision(article_id, "entity", entity.start, entity.end, "rejected", "ann"))
    at = article.text.index("dismissal")
    store.set_decision(Decision(article_id, "quote", at, at + 9, "corrected", "ann", speaker="Alec Baldwin", added=True))
    store.create_annotation(article_id, quote.start, quote.end, "ann", ["claim"])
    rows = parse(csv_bytes(store, include_highlights=True))
    on_quote = [r for r in rows if r["kind"] == "annotation" and r["target"] == "quotation"]
    assert [(r["quote_speaker"], r["status"]) for r in on_quote] == [("Someone Else", "corrected")]
    quotes = [(restore(r["text"]), r["quote_speaker"], r["status"]) for r in rows if r["kind"] == "quote"]
    assert quotes == [("dismissal", "Alec Baldwin", "corrected"), (quote.text, "Someone Else", "corrected")]
    assert not any(r["kind"] == "entity" and int(r["start"]) == entity.start for r in rows)


def test_formula_cells_are_neutralised(annotated):
    store, _, _ = annotated
    data = csv_bytes(store)
    rows = list(csv.reader(io.StringIO(data.decode(), newline="")))
    for row in rows:
        for cell in row:
            assert not cell.startswith(TRIGGERS), cell
    notes = {r["note"] for r in parse(data)}
    for expected in ("'=SUM(A1)", "'+1", "'-2", "'@x", "'\tleading tab", "'\rcarriage return first",
                     "''=already escaped", "''quoted"):
        assert expected in notes
    tags = {r["tags"] for r in parse(data)}
    assert "'=formula tag" in tags


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("=1+2", "'=1+2"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
        ("\rx", "'\rx"), ("'=x", "''=x"), ("'", "''"), ("", ""), ("plain", "plain"), ("a=b", "a=b"),
        ("12", "12"), (" =x", " =x"),
    ],
)
def test_neutralise_examples(cell, expected):
    assert neutralise(cell) == expected
    assert restore(expected) == cell


@given(st.text())
def test_neutralise_is_reversible_and_safe(cell):
    escaped = neutralise(cell)
    assert restore(escaped) == cell
    assert not escaped.startswith(TRIGGERS)


tag_names = st.text(min_size=1, max_size=12).map(lambda s: " ".join(s.split())).filter(bool)


@given(st.lists(tag_names, max_size=5, unique_by=str.casefold))
def test_tag_cell_round_trips_any_names(names):
    assert split_tags(join_tags(names)) == sort_tags(names)


def test_tag_separator_examples():
    assert join_tags(["claim", "evidence"]) == "claim; evidence"
    assert join_tags(["a; b", "c"]) == "a;; b; c"
    assert split_tags("a;; b; c") == ["a; b", "c"]
    assert split_tags("x;;;; y") == ["x;; y"]
    assert join_tags(["x;", "y"]) == "x;;; y"
    assert split_tags("x;;; y") == ["x;", "y"]
    assert split_tags("") == []


def test_per_tag_rows(annotated):
    store, _, made = annotated
    data = csv_bytes(store, per_tag=True)
    header = next(csv.reader(io.StringIO(data.decode(), newline="")))
    assert "tag" in header and "tags" not in header
    assert header.index("tag") == CSV_COLUMNS.index("tags")
    rows = parse(data)
    assert len(rows) == sum(max(1, len(a.tags)) for a in made)
    pairs = {(int(r["annotation_id"]), restore(r["tag"])) for r in rows}
    expected = {(a.id, t) for a in made for t in a.tags} | {(a.id, "") for a in made if not a.tags}
    assert pairs == expected
    alec = [r for r in rows if r["text"] == "Alec Baldwin"]
    assert [r["tag"] for r in alec] == ["actor", "claim"]
    assert alec[0]["note"] == alec[1]["note"] == "Plain note"
    assert [r["tag"] for r in rows if r["text"] == "The late discovery of this evidence"] == ["a; b", "evidence"]


def test_bom_option(annotated):
    store, _, _ = annotated
    data = csv_bytes(store, bom=True)
    assert data.startswith(b"\xef\xbb\xbf" + b"annotation_id,")
    assert data.count(b"\xef\xbb\xbf") == 1
    assert csv_bytes(store) == data[3:]


def test_include_highlights(annotated):
    store, _, made = annotated
    text = store.get_article_text(1)
    rows = parse(csv_bytes(store, include_highlights=True))
    first = CSV_COLUMNS.index("article_hash") + 1  # kind stays where the first versions had it
    assert list(rows[0]) == [*CSV_COLUMNS[:first], "kind", *CSV_COLUMNS[first:]]
    assert list(rows[0])[-1] == "article_external_id"  # the last column in every shape
    kinds = [r["kind"] for r in rows]
    entities = analysis(text).entities
    assert kinds.count("annotation") == len(made)
    assert kinds.count("entity") == len(entities)
    assert kinds.count("quote") == 1
    quote = next(r for r in rows if r["kind"] == "quote")
    start, end = quote_span(text)
    assert (int(quote["start"]), int(quote["end"])) == (start, end)
    assert quote["text"] == text[start:end]
    assert quote["quote_speaker"] == "Mary Marlowe Sommer"
    assert (quote["prefix"], quote["suffix"]) == context(text, start, end)
    assert quote["annotation_id"] == "" and quote["tags"] == "" and quote["author"] == "hand-made 1"
    for row in rows:
        if row["kind"] == "entity":
            s, e = int(row["start"]), int(row["end"])
            assert row["text"] == text[s:e]
            assert (restore(row["prefix"]), restore(row["suffix"])) == context(text, s, e)
            assert row["entity_label"] in ("PERSON", "GPE")
    # ordered by position, annotations before highlights on the same span
    positions = [(int(r["start"]), int(r["end"])) for r in rows]
    assert positions == sorted(positions)
    first_two = [r["kind"] for r in rows if r["start"] == "0" and r["end"] == "12"]
    assert first_two == ["annotation", "entity"]


# ---------------------------------------------------------------- filters


@pytest.fixture
def two_articles():
    store, first = library()
    annotate(store, first)
    second_text = "Title: Later story\nDate: 2024-08-01\n\nThe council said the budget is final. Critics disagree."
    second, _ = store.add_article(parse_article(second_text.encode(), "later.txt"))
    store.create_annotation(second, 4, 11, "carol", ["claim"], "council")
    store.create_annotation(second, 16, 20, "ann", [], "")
    yield store, first, second
    store.close()


def exported(store, **filters):
    return parse(csv_bytes(store, filters=ExportFilter(**filters)))


def test_filter_by_article(two_articles):
    store, first, second = two_articles
    assert {r["article_id"] for r in exported(store)} == {str(first), str(second)}
    assert {r["article_id"] for r in exported(store, article_ids=(second,))} == {str(second)}
    assert len(exported(store, article_ids=(first, second))) == len(ANNOTATIONS) + 2


def test_filter_by_tag_any_of_and_ignoring_case(two_articles):
    store, _, _ = two_articles
    rows = exported(store, tags=("CLAIM",))
    assert {r["text"] for r in rows} == {"Alec Baldwin", "Santa Fe County District Court", "council"}
    rows = exported(store, tags=("claim", "framing"))
    assert {r["text"] for r in rows} == {"Alec Baldwin", "Santa Fe County District Court", "council", "scorching"}
    # the other tags of a selected annotation stay in its cell
    assert next(r for r in rows if r["text"] == "Alec Baldwin")["tags"] == "actor; claim"


def test_filter_by_author(two_articles):
    store, _, _ = two_articles
    assert {r["author"] for r in exported(store, authors=("bob",))} == {"bob"}
    assert len(exported(store, authors=("bob", "carol"))) == sum(a[3] == "bob" for a in ANNOTATIONS) + 1


def test_filter_by_article_date(two_articles):
    store, first, second = two_articles
    assert {r["article_id"] for r in exported(store, since="2024-07-14")} == {str(second)}
    assert {r["article_id"] for r in exported(store, until="2024-07-13")} == {str(first)}
    assert {r["article_id"] for r in exported(store, since="2024-07-13", until="2024-07-13")} == {str(first)}
    assert exported(store, since="2025-01-01") == []


def test_undated_articles_are_left_out_by_a_date_filter():
    store, _ = library()
    undated, _ = store.add_article(parse_article(b"No date here. Just text.", "undated.txt"))
    store.create_annotation(undated, 0, 2, "ann")
    assert exported(store, since="1900-01-01") == []
    assert len(exported(store)) == 1


def test_highlights_follow_article_filters_but_not_tag_or_author(two_articles):
    store, first, _ = two_articles
    rows = parse(csv_bytes(store, filters=ExportFilter(article_ids=(first,)), include_highlights=True))
    assert {"entity", "quote", "annotation"} == {r["kind"] for r in rows}
    rows = parse(csv_bytes(store, filters=ExportFilter(tags=("claim",)), include_highlights=True))
    assert {r["kind"] for r in rows} == {"annotation"}


@pytest.mark.parametrize(
    "filters, message",
    [
        (ExportFilter(article_ids=(99,)), "no article with id 99"),
        (ExportFilter(tags=("nonesuch",)), "no tag called 'nonesuch'"),
        (ExportFilter(since="13/07/2024"), "--since must be a date as YYYY-MM-DD"),
        (ExportFilter(since="2024-08-01", until="2024-07-01"), "is after --until"),
    ],
)
def test_bad_filters_are_one_line_errors_before_any_output(two_articles, filters, message):
    store, _, _ = two_articles
    out = io.StringIO()
    with pytest.raises(ExportError, match=message) as error:
        export(store, out, "csv", filters)
    assert "\n" not in str(error.value)
    assert out.getvalue() == ""


def test_empty_export_is_a_header_only():
    store, _ = library()
    assert csv_bytes(store) == (",".join(CSV_COLUMNS) + "\r\n").encode()
    assert jsonl_bytes(store) == b""


# ---------------------------------------------------------------- JSON Lines


def test_jsonl_is_w3c_web_annotation(annotated):
    store, article_id, made = annotated
    article = seed()
    lines = jsonl_bytes(store).decode().split("\n")
    assert lines[-1] == ""
    objects = [json.loads(line) for line in lines[:-1]]
    assert len(objects) == len(made)
    by_id = {o["reader"]["annotation_id"]: o for o in objects}
    for annotation in made:
        anno = by_id[annotation.id]
        assert anno["@context"][0] == "http://www.w3.org/ns/anno.jsonld"
        assert anno["type"] == "Annotation"
        assert anno["id"] == f"urn:x-reader:annotation:{annotation.id}"
        assert anno["created"] == annotation.created_at and anno["modified"] == annotation.updated_at
        assert anno["creator"] == {"type": "Person", "name": annotation.author}
        tagging = [b["value"] for b in anno.get("body", []) if b["purpose"] == "tagging"]
        assert tagging == sort_tags(annotation.tags)
        comments = [b["value"] for b in anno.get("body", []) if b["purpose"] == "commenting"]
        assert comments == ([annotation.note] if annotation.note else [])
        assert all(b["type"] == "TextualBody" for b in anno.get("body", []))
        quote, position = anno["target"]["selector"]
        assert quote == {
            "type": "TextQuoteSelector", "exact": annotation.exact,
            "prefix": annotation.prefix, "suffix": annotation.suffix,
        }
        assert position == {"type": "TextPositionSelector", "start": annotation.start, "end": annotation.end}
        assert article.text[position["start"]:position["end"]] == quote["exact"]
        assert anno["target"]["source"].startswith("file:///")
        assert anno["reader"]["content_hash"] == article.content_hash
        assert anno["reader"]["article_title"] == article.title
        assert anno["reader"]["article_id"] == article_id
    # formula-like text is not neutralised in JSON
    assert any(b.get("value") == "=SUM(A1)" for o in objects for b in o.get("body", []))


def test_jsonl_highlights(annotated):
    store, _, _ = annotated
    objects = [json.loads(line) for line in jsonl_bytes(store, include_highlights=True).decode().splitlines()]
    quote = next(o for o in objects if o["reader"]["kind"] == "quote")
    assert quote["motivation"] == "highlighting"
    assert quote["generator"] == {"type": "Software", "name": "hand-made 1"}
    assert quote["body"] == [{"type": "TextualBody", "purpose": "identifying", "value": "Mary Marlowe Sommer"}]
    entity = next(o for o in objects if o["reader"]["kind"] == "entity")
    assert entity["body"][0]["purpose"] == "classifying" and entity["body"][0]["value"] == "PERSON"


def test_jsonl_refuses_csv_only_options(annotated):
    store, _, _ = annotated
    with pytest.raises(ExportError, match="--bom is for CSV only"):
        export(store, io.StringIO(), "jsonl", bom=True)
    with pytest.raises(ExportError, match="--per-tag is for CSV only"):
        export(store, io.StringIO(), "jsonl", per_tag=True)


# ---------------------------------------------------------------- codebook and files


def test_codebook_csv(annotated):
    store, _, _ = annotated
    out = io.StringIO(newline="")
    count = write_codebook(store, out)
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert tuple(rows[0]) == CODEBOOK_COLUMNS
    assert count == len(rows) - 1 == len(store.tags())
    assert rows[1] == ["claim", "A factual claim that could be checked", "1", "yellow", "tag", ""]
    [formula] = [row for row in rows if row[0] == "'=formula tag"]
    assert formula[1:3] == ["", ""] and formula[3] in NEW_TAG_COLOURS


def test_codebook_csv_carries_article_variables_both_ways(tmp_path):
    from reader.interchange.codebook import import_codebook
    from reader.model import VariableValue

    store = Store(None)
    store.save_variable("tone", "ordinal", "how the article sounds",
                        [VariableValue("negative", "n"), VariableValue("neutral", "u"), VariableValue("positive; mostly", "p")])
    store.save_variable("sources", "number", "named sources")
    path = tmp_path / "codebook.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        write_codebook(store, out)
    rows = list(csv.reader(open(path, encoding="utf-8", newline="")))
    assert rows[-2] == ["tone", "how the article sounds", "", "", "ordinal", "negative=n; neutral=u; positive;; mostly=p"]
    fresh = Store(None)
    report = import_codebook(fresh, path)
    assert "tone" in report.added and "sources" in report.added
    assert fresh.variables() == [dataclasses.replace(v, id=f.id) for v, f in zip(store.variables(), fresh.variables())]
    bad = tmp_path / "bad.csv"
    bad.write_text("tag,kind,values\ntone,categorical,\n")
    with pytest.raises(ImportFormatError, match="give its values"):
        import_codebook(fresh, bad)


def test_output_file_is_replaced_only_when_complete(tmp_path, annotated):
    store, _, _ = annotated
    target = tmp_path / "out.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with output_file(target) as out:
            out.write("partial")
            raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
    with output_file(target) as out:
        export(store, out)
    assert target.read_bytes() == csv_bytes(store)


def test_output_file_in_missing_directory(tmp_path):
    with pytest.raises(ExportError, match="cannot write there"):
        with output_file(tmp_path / "nope" / "out.csv"):
            pass
