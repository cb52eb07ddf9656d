"""Import and merge: round trips, re-anchoring, duplicates, bad files, the codebook, and the CLI commands."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from annotated_seed import ANNOTATIONS, annotate, csv_bytes, jsonl_bytes, library, seed
from click.testing import CliRunner

from reader.cli import cli
from reader.ingest.article import ParsedArticle, derive_title
from reader.interchange.anchoring import anchor
from reader.interchange.codebook import import_codebook, write_codebook
from reader.interchange.importer import import_annotations
from reader.interchange.records import ImportFormatError
from reader.store import NEW_TAG_COLOURS, Store

SHIFT = "Alec Baldwin and the ‘Rust’ case: a recap.\n\n"


@pytest.fixture
def annotated():
    store, article_id = library()
    made = annotate(store, article_id)
    yield store, article_id, made
    store.close()


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def counts(store: Store) -> dict[str, int]:
    return {table: store.db[table].count for table in ("annotations", "annotation_tags", "tags")}


# ---------------------------------------------------------------- round trips


ROUND_TRIPS = [
    ("csv", {}),
    ("csv", {"bom": True}),
    ("csv", {"per_tag": True}),
    ("csv", {"include_highlights": True}),
    ("csv", {"per_tag": True, "include_highlights": True, "bom": True}),
    ("jsonl", {}),
    ("jsonl", {"include_highlights": True}),
]


@pytest.mark.parametrize("fmt, options", ROUND_TRIPS)
def test_export_import_export_is_identical(tmp_path, annotated, fmt, options):
    store, _, made = annotated
    dump = csv_bytes if fmt == "csv" else jsonl_bytes
    first = dump(store, **options)
    fresh, _ = library()
    # the same analysis, made in the same second (highlight rows carry the time of analysis)
    analysed_at = store.db.execute("SELECT analysed_at FROM articles").fetchone()[0]
    fresh.db.execute("UPDATE articles SET analysed_at = ?", [analysed_at])
    fresh.db.conn.commit()
    report = import_annotations(fresh, write(tmp_path / f"first.{fmt}", first))
    assert report.ok, report.summary()
    assert (report.added, report.duplicates, report.moved) == (len(made), 0, 0)
    assert report.matched == {"hash": len(made)}
    assert dump(fresh, **options) == first
    # the notes, tags, authors and times came back exactly
    for before, after in zip(store.annotations(1), fresh.annotations(1)):
        assert before == after


def test_round_trip_notes_are_the_hard_ones(annotated):
    store, _, _ = annotated
    notes = {a.note for a in store.annotations(1)}
    for hard in ('commas, and "quotes", too', "line one\nline two\r\nline three", "emoji 🎉🦀 ok", "=SUM(A1)",
                 "+1", "-2", "@x", "\tleading tab", "'=already escaped"):
        assert hard in notes


def test_import_twice_changes_nothing(tmp_path, annotated):
    store, _, made = annotated
    for fmt, dump in (("csv", csv_bytes), ("jsonl", jsonl_bytes)):
        path = write(tmp_path / f"a.{fmt}", dump(store))
        fresh, _ = library()
        import_annotations(fresh, path)
        before, exported = counts(fresh), csv_bytes(fresh)
        again = import_annotations(fresh, path)
        assert (again.added, again.duplicates) == (0, len(made))
        assert again.ok
        assert counts(fresh) == before
        assert csv_bytes(fresh) == exported
        # and into the library it came from
        same = import_annotations(store, path)
        assert (same.added, same.duplicates) == (0, len(made))


def test_twins_made_in_the_same_second_are_both_kept(tmp_path):
    store, article_id = library()
    first = store.create_annotation(article_id, 0, 12, "ann", ["claim"], "first")
    second = store.create_annotation(article_id, 0, 12, "ann", ["actor"], "second")
    store.db.execute("UPDATE annotations SET created_at = ?, updated_at = ?", [first.created_at, first.created_at])
    store.db.conn.commit()
    path = write(tmp_path / "twins.csv", csv_bytes(store))
    fresh, _ = library()
    assert import_annotations(fresh, path).added == 2
    assert import_annotations(fresh, path).duplicates == 2
    assert csv_bytes(fresh) == csv_bytes(store)
    assert [a.note for a in fresh.annotations(article_id)] == ["first", "second"]
    assert second.id != first.id


def test_merge_keeps_both_coders_and_new_ids_when_taken(tmp_path, annotated):
    store, article_id, made = annotated
    path = write(tmp_path / "ann.csv", csv_bytes(store))
    colleague, other_id = library()
    text = colleague.get_article_text(other_id)
    at = text.index("Hilaria Baldwin")
    mine = colleague.create_annotation(other_id, at, at + 15, "carol", ["actor", "brand-new tag"], "mine")
    report = import_annotations(colleague, path)
    assert report.added == len(made)
    notes = {a.note for a in colleague.annotations(other_id)}
    assert "mine" in notes and "Plain note" in notes
    assert colleague.find_annotation(mine.id).note == "mine"  # untouched
    ids = [a.id for a in colleague.annotations(other_id)]
    assert len(set(ids)) == len(ids) == len(made) + 1
    assert colleague.find_tag("=formula tag") is not None
    assert colleague.find_tag("a; b") is not None


# ---------------------------------------------------------------- matching and re-anchoring


def shifted(title: str | None = None) -> ParsedArticle:
    original = seed()
    text = SHIFT + original.text
    return ParsedArticle(text=text, title=title or derive_title(text), date=original.date, source="shifted.txt")


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_reanchor_when_the_text_has_shifted(tmp_path, annotated, fmt):
    store, _, made = annotated
    path = write(tmp_path / f"a.{fmt}", (csv_bytes if fmt == "csv" else jsonl_bytes)(store))
    moved, article_id = library(shifted())
    assert moved.find_article_id(seed().content_hash) is None
    report = import_annotations(moved, path)
    assert report.ok and report.added == len(made)
    assert report.matched == {"text": len(made)}  # the title differs too
    assert report.moved == len(made)
    assert "matched without the article's content hash" in report.summary()
    assert "re-anchored" in report.summary()
    text = moved.get_article_text(article_id)
    imported = {(a.exact, a.author, a.created_at): a for a in moved.annotations(article_id)}
    for old in made:
        new = imported[(old.exact, old.author, old.created_at)]
        assert (new.start, new.end) == (old.start + len(SHIFT), old.end + len(SHIFT))
        assert text[new.start:new.end] == old.exact
        assert (new.note, sorted(new.tags)) == (old.note, sorted(old.tags))
    # "Alec Baldwin" is also in the new first paragraph; its context chose the right one
    assert text.count("Alec Baldwin") > 1
    # "bad faith" and "18 months" occur twice in the seed; each kept its own occurrence
    assert len({imported[k].start for k in imported if k[0] == "bad faith"}) == 1


def test_match_by_title_when_the_hash_differs(tmp_path, annotated):
    store, _, made = annotated
    path = write(tmp_path / "a.csv", csv_bytes(store))
    moved, _ = library(shifted(title=seed().title))
    report = import_annotations(moved, path)
    assert report.matched == {"id+title": len(made)}  # same id 1, same title
    assert report.moved == len(made)


def test_unanchorable_are_reported_not_dropped(tmp_path, annotated):
    store, _, made = annotated
    path = write(tmp_path / "a.csv", csv_bytes(store))
    original = seed()
    edited = ParsedArticle(
        text=original.text.replace("Casa Chimayo", "Casa Blanca").replace("TMZ", "a tabloid"),
        title=original.title, date=original.date,
    )
    target, article_id = library(edited)
    report = import_annotations(target, path)
    assert not report.ok
    assert report.added == len(made) - 2
    assert sorted(p.exact for p in report.unanchored) == ["Casa Chimayo", "TMZ"]
    lines = [str(p) for p in report.unanchored]
    assert all(line.startswith("line ") and "is not in the text of article 1" in line for line in lines)
    assert "2 could not be anchored" in report.summary()


def test_no_matching_article(tmp_path, annotated):
    store, _, made = annotated
    path = write(tmp_path / "a.jsonl", jsonl_bytes(store))
    other = Store(None)
    from reader.ingest.files import parse_article

    other.add_article(parse_article(b"Something else entirely.", "other.txt"))
    report = import_annotations(other, path)
    assert report.added == 0 and len(report.unanchored) == len(made)
    assert str(report.unanchored[0]) == (
        "line 1: “Alec Baldwin” cannot be placed: its article “Alec Baldwin celebrated the dismissal o…” "
        "is not in the library (add the article first)"
    )


@pytest.mark.parametrize(
    "text, old, expected",
    [
        ("x ab ab ab", 5, (5, 7)),  # no context: nearest the old position
        ("x ab ab ab", 8, (8, 10)),
        ("x ab ab ab", None, (2, 4)),  # no position: the first
    ],
)
def test_anchor_ties_go_to_the_nearest(text, old, expected):
    assert anchor(text, "ab", old, None if old is None else old + 2) == expected


def test_anchor_prefers_context_over_position():
    text = "one cat here. two cat there."
    assert anchor(text, "cat", 4, 7, prefix="two ", suffix=" there") == (18, 21)
    assert anchor(text, "cat", 18, 21, prefix="one ", suffix=" here") == (4, 7)
    assert anchor(text, "dog", 4, 7) is None
    # same text: the offsets stand without a search
    assert anchor(text, "cat", 4, 7, prefix="zzz", trust_offsets=True) == (4, 7)


def test_offsets_that_do_not_fit_are_only_a_hint(tmp_path):
    store, article_id = library()
    text = store.get_article_text(article_id)
    at = text.index("TMZ")
    path = tmp_path / "edited.csv"
    path.write_text(f"text,start,end\nTMZ,{at},{at + 7}\nTMZ,9,2\n", encoding="utf-8")
    report = import_annotations(store, path)
    assert report.added == 1 and report.moved == 1
    assert [str(p) for p in report.errors] == ["line 3: end 2 is before start 9"]
    assert [(a.start, a.end) for a in store.annotations(article_id)] == [(at, at + 3)]


def test_hand_made_csv_without_ids_or_times(tmp_path, annotated):
    store, article_id, _ = annotated
    path = tmp_path / "hand.csv"
    path.write_text("text,start,end,tags,note\nEl Dorado Hotel,,,place; venue,\"=1\"\nTMZ,0,3,,\n", encoding="utf-8")
    before = len(store.annotations(article_id))
    report = import_annotations(store, path)
    # "El Dorado Hotel" by ann already exists, but with another author (empty): a new annotation
    assert report.added == 2 and report.ok
    again = import_annotations(store, path)
    assert (again.added, again.duplicates) == (0, 2)
    assert len(store.annotations(article_id)) == before + 2
    assert store.find_tag("venue") is not None


def test_hand_made_csv_rows_find_their_own_articles(tmp_path):
    store, first = library()
    second, _ = store.add_article(ParsedArticle(text="Flood warnings on the River Avon.\n", title="Avon"))
    path = tmp_path / "hand.csv"
    path.write_text("text,start,end,tags\nMary Marlowe Sommer,,,actor\nRiver Avon,,,actor\n", encoding="utf-8")
    report = import_annotations(store, path, default_author="carol")
    assert report.added == 2 and report.ok
    assert [(a.exact, a.author) for a in store.annotations(second)] == [("River Avon", "carol")]
    assert [a.exact for a in store.annotations(first)] == ["Mary Marlowe Sommer"]


def test_hand_made_csv_keeps_its_apostrophes(tmp_path):
    store, article_id = library(ParsedArticle(text="The film 'Rust' was shot in 2021.\n", title="Rust"), analysed=False)
    path = tmp_path / "hand.csv"
    path.write_text("text,start,end,note\n'Rust',,,'quoted'\n", encoding="utf-8")
    assert import_annotations(store, path).added == 1
    [annotation] = store.annotations(article_id)
    assert (annotation.start, annotation.exact, annotation.note) == (9, "'Rust'", "'quoted'")


def test_per_tag_rows_sorted_apart_keep_every_tag(tmp_path, annotated):
    store, article_id, _ = annotated
    rows = list(csv.reader(io.StringIO(csv_bytes(store, per_tag=True).decode())))
    header, body = rows[0], rows[1:]
    body.sort(key=lambda row: row[header.index("tag")])  # as a spreadsheet's sort would
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *body])
    path = write(tmp_path / "sorted.csv", out.getvalue().encode())
    fresh, _ = library()
    report = import_annotations(fresh, path)
    assert report.ok and report.tags_added > 0
    assert csv_bytes(fresh) == csv_bytes(store)
    again = import_annotations(fresh, path)
    assert again.added == 0 and again.tags_added == 0


def test_imported_times_are_utc(tmp_path, annotated):
    store, article_id, _ = annotated
    path = tmp_path / "hand.csv"
    path.write_text(
        "text,start,end,created_at,updated_at\nTMZ,,,2024-07-13,2024-07-13T11:30:00+02:00\n", encoding="utf-8"
    )
    assert import_annotations(store, path).added == 1
    [annotation] = [a for a in store.annotations(article_id) if a.created_at.startswith("2024")]
    assert annotation.exact == "TMZ"
    assert (annotation.created_at, annotation.updated_at) == ("2024-07-13T00:00:00+00:00", "2024-07-13T09:30:00+00:00")


# ---------------------------------------------------------------- bad files


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "file is empty"),
        (b"foo,bar\n1,2\n", "not a reader export (no start, end, text columns"),
        (b'annotation_id,start,end,text\n1,0,3,"abc\n', "malformed CSV"),
        (b"annotation_id,start,end,text\n1,0,3,\xff\xfe\n", "not UTF-8 text"),
        (b"tag,description,quick_key,colour\nclaim,,1,red\n", "this is a codebook, not annotations"),
    ],
)
def test_unreadable_files_import_nothing(tmp_path, annotated, content, message):
    store, _, _ = annotated
    before = counts(store)
    with pytest.raises(ImportFormatError, match=re.escape(message)) as error:
        import_annotations(store, write(tmp_path / "bad.csv", content))
    assert "\n" not in str(error.value)
    assert counts(store) == before


def test_missing_file(tmp_path, annotated):
    store, _, _ = annotated
    with pytest.raises(ImportFormatError, match="no such file"):
        import_annotations(store, tmp_path / "nope.csv")
    with pytest.raises(ImportFormatError, match="is a directory"):
        import_annotations(store, tmp_path)


def test_bad_rows_are_reported_and_the_rest_imports(tmp_path, annotated):
    store, _, made = annotated
    rows = csv_bytes(store).decode().split("\r\n")
    header = rows[0].split(",")
    bad = rows[1].split(",")
    bad[header.index("start")] = "x"
    path = tmp_path / "bad.csv"
    path.write_text("\r\n".join([rows[0], ",".join(bad), "1,2,3\r\n"]), encoding="utf-8", newline="")
    fresh, _ = library()
    report = import_annotations(fresh, path)
    assert not report.ok
    assert [str(p) for p in report.errors] == [
        "line 2: start must be a whole number, not 'x'",
        "line 3: has 3 fields where the header has 23",
    ]
    lines = jsonl_bytes(store).decode().splitlines()
    wrong = [json.loads(lines[0]) for _ in range(3)]
    wrong[0]["reader"]["annotation_id"] = 2**70
    wrong[1]["reader"]["article_title"] = 123
    wrong[2]["creator"]["name"] = ["x"]
    broken = [lines[0], "{not json", json.dumps({"type": "Annotation"}), *map(json.dumps, wrong), lines[1]]
    path = write(tmp_path / "bad.jsonl", "\n".join(broken).encode())
    report = import_annotations(fresh, path)
    assert report.added == 2 and report.duplicates == 0
    assert [str(p) for p in report.errors] == [
        "line 2: not JSON (Expecting property name enclosed in double quotes at column 2)",
        "line 3: no target with selectors",
        "line 4: annotation_id is too large (11805916207174113034…)",
        "line 5: article_title must be text, not 123",
        'line 6: the creator\'s name must be text, not ["x"]',
    ]


# ---------------------------------------------------------------- codebook


def codebook_bytes(store: Store) -> bytes:
    out = io.StringIO(newline="")
    write_codebook(store, out)
    return out.getvalue().encode()


def test_codebook_round_trip(tmp_path, annotated):
    store, _, _ = annotated
    tag = store.find_tag("framing")
    store.update_tag(tag.id, description="-loaded words, =framing", colour="#ff8800", quick_key="7")
    first = codebook_bytes(store)
    fresh = Store(None)
    report = import_codebook(fresh, write(tmp_path / "codebook.csv", first))
    assert sorted(report.added) == ["=formula tag", "a; b", "semi;colon"]
    assert "framing" in report.updated
    assert codebook_bytes(fresh) == first
    again = import_codebook(fresh, tmp_path / "codebook.csv")
    assert again.added == [] and again.updated == [] and len(again.unchanged) == len(store.tags())


def test_codebook_updates_by_name_and_moves_quick_keys(tmp_path):
    store = Store(None)
    path = tmp_path / "cb.csv"
    path.write_text(
        "tag,description,quick_key,colour\nCLAIM,Checkable,2,green\nbrand new,Fresh,1,\nevidence,,,\n",
        encoding="utf-8",
    )
    report = import_codebook(store, path)
    assert report.added == ["brand new"] and report.updated == ["claim", "evidence"]
    claim = store.find_tag("claim")
    assert (claim.name, claim.description, claim.quick_key, claim.colour) == ("claim", "Checkable", "2", "green")
    assert store.find_tag("fact-check").quick_key is None  # key 2 moved to claim
    new = store.find_tag("brand new")
    assert (new.quick_key, new.description) == ("1", "Fresh") and new.colour in NEW_TAG_COLOURS
    evidence = store.find_tag("evidence")
    assert (evidence.quick_key, evidence.description, evidence.colour) == (None, "", "green")


@pytest.mark.parametrize(
    "content, message",
    [
        ("name,colour\nx,red\n", "needs a 'tag' column"),
        ("tag,colour\nx,not-a-colour\n", "'not-a-colour' is not a colour"),
        ("tag,quick_key\nx,1\ny,1\n", "quick key '1' is given to 'x' too"),
        ("tag,quick_key\nx,ab\n", "quick key 'ab' is not one of 1-9"),
        ("tag,quick_key\nx,q\n", "quick key 'q' is not one of 1-9"),
        ("tag\nx\nX\n", "tag 'X' is listed twice"),
        ("tag,colour\nx\n", "line 2: has 1 fields where the header has 2"),
        ("annotation_id,start,end,text,tag\n", "this is an export of annotations, not a codebook"),
    ],
)
def test_codebook_errors_change_nothing(tmp_path, content, message):
    store = Store(None)
    before = store.tags()
    path = tmp_path / "cb.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFormatError, match=re.escape(message)):
        import_codebook(store, path)
    assert store.tags() == before


# ---------------------------------------------------------------- the CLI


@pytest.fixture
def dbs(tmp_path):
    """Two database files holding the seed: the first annotated, the second empty of annotations."""
    paths = []
    for name in ("mine.db", "theirs.db"):
        path = tmp_path / name
        store = Store(path)
        article_id, _ = store.add_article(seed())
        if name == "mine.db":
            annotate(store, article_id)
        store.close()
        paths.append(path)
    return paths


def run(*args: str):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_cli_export_import_round_trip(tmp_path, dbs):
    mine, theirs = dbs
    out = run("export", "--db", mine)
    assert out.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.stdout, newline="")))
    assert len(rows) == len(ANNOTATIONS)
    target = tmp_path / "export.csv"
    result = run("export", "--db", mine, "--output", target, "--bom")
    assert result.exit_code == 0 and result.stdout == ""
    assert f"{len(ANNOTATIONS)} annotations exported to {target}" in result.stderr
    assert target.read_bytes()[3:] == out.stdout_bytes
    result = run("import-annotations", "--db", theirs, target)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{len(ANNOTATIONS)} imported, 0 already present")
    result = run("import-annotations", "--db", theirs, target)
    assert result.stdout.startswith(f"0 imported, {len(ANNOTATIONS)} already present")
    assert run("export", "--db", theirs).stdout_bytes == out.stdout_bytes


def test_cli_export_jsonl_and_filters(dbs):
    mine, _ = dbs
    result = run("export", "--db", mine, "--format", "jsonl", "--tag", "actor", "--author", "ann", "--article", "1")
    assert result.exit_code == 0
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(objects) == sum(1 for _, tags, _, author in ANNOTATIONS if "actor" in tags and author == "ann")
    result = run("export", "--db", mine, "--per-tag", "--since", "2024-07-01", "--until", "2024-07-31")
    assert result.stdout.startswith("annotation_id,article_id,article_title,article_date,source,start,end,text,prefix,suffix,tag,")


@pytest.mark.parametrize(
    "args, message",
    [
        (["export", "--article", "7"], "reader: no article with id 7 (see 'reader list')"),
        (["export", "--tag", "nonesuch"], "reader: no tag called 'nonesuch'"),
        (["export", "--since", "July"], "reader: --since must be a date as YYYY-MM-DD, not 'July'"),
        (["export", "--format", "jsonl", "--bom"], "reader: --bom is for CSV only"),
        (["import-annotations", "missing.csv"], "reader: missing.csv: no such file"),
        (["codebook", "import", "missing.csv"], "reader: missing.csv: no such file"),
    ],
)
def test_cli_bad_input_is_one_line(dbs, args, message):
    mine, _ = dbs
    result = run(*args, "--db", mine)
    assert result.exit_code == 1
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_cli_malformed_files(tmp_path, dbs):
    mine, _ = dbs
    path = write(tmp_path / "bad.csv", b'annotation_id,start,end,text\n1,0,3,"abc\n')
    result = run("import-annotations", "--db", mine, path)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "malformed CSV" in result.stderr and "nothing was imported" in result.stderr
    path = write(tmp_path / "other.csv", b"a,b\n1,2\n")
    result = run("import-annotations", "--db", mine, path)
    assert result.exit_code == 1 and "not a reader export" in result.stderr


def test_cli_import_reports_unanchored(tmp_path, dbs):
    mine, _ = dbs
    path = tmp_path / "a.csv"
    run("export", "--db", mine, "-o", path)
    empty = tmp_path / "empty.db"
    Store(empty).close()
    result = run("import-annotations", "--db", empty, path)
    assert result.exit_code == 1
    problems = result.stderr.splitlines()
    assert len(problems) == len(ANNOTATIONS)
    assert all(p.startswith(f"reader: {path}: line ") and "is not in the library" in p for p in problems)
    assert f"0 imported, 0 already present, {len(ANNOTATIONS)} could not be anchored" in result.stdout


def test_cli_codebook(tmp_path, dbs):
    mine, theirs = dbs
    exported = run("codebook", "export", "--db", mine)
    assert exported.exit_code == 0
    assert exported.stdout_bytes.startswith(b"tag,description,quick_key,colour,kind,values\r\nclaim,")
    path = tmp_path / "codebook.csv"
    result = run("codebook", "export", "--db", mine, "-o", path)
    assert "tags exported to" in result.stderr
    result = run("codebook", "import", "--db", theirs, path)
    assert result.exit_code == 0
    assert result.stdout.startswith("3 tags added, 0 updated, 9 unchanged")
    assert run("codebook", "export", "--db", theirs).stdout_bytes == exported.stdout_bytes


def test_cli_help_has_examples():
    for args in (["export"], ["import-annotations"], ["codebook", "export"], ["codebook", "import"]):
        result = run(*args, "--help")
        assert result.exit_code == 0 and "Example:" in result.stdout
