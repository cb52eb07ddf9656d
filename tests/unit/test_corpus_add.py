"""`reader add` on corpora (CSV, TSV, JSON Lines, JSON, gzip, standard input) and the file import's metadata:
front matter, encodings, dates (dateutil, --dayfirst, file names), tiny pages; article_external_id in exports."""

from __future__ import annotations

import csv
import gzip
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader import cli as cli_module
from reader.cli import cli
from reader.ingest.files import parse_article, read_article
from reader.store import Store

ROOT = Path(__file__).resolve().parents[2]
BODY = (
    "The council voted seven to two on Friday to pass a budget that raises spending on roads, parks and "
    "libraries while holding property taxes flat for the third year in a row, after a long debate in which "
    "members of the public spoke for and against the plan until late in the evening."
)


def body(n: int) -> str:
    return f"Story number {n}. {BODY}"


CORPUS = (
    "stories_id,title,publish_date,url,media_name,text,language\n"
    f'101,Council passes budget,"Sat, 13 Jul 2024 09:30:00 GMT",https://example.org/budget,Example Times,"{body(1)}",en\n'
    "102,Photo: the new bridge,July 13th 2024,https://example.org/photo,Example Times,The new bridge at dawn.,en\n"
    f'103,Rates to rise,03/04/2024,https://example.org/rates,Example Times,"{body(3)}",en\n'
    "104,Broken row,2024-07-14\n"
)


@pytest.fixture
def runner():
    return CliRunner()


def add(runner, db: Path, *args: str, input: bytes | str | None = None):
    result = runner.invoke(cli, ["add", "--no-analysis", "--db", str(db), *args], input=input)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def articles(db: Path) -> list[dict]:
    store = Store(db)
    try:
        return [dict(row) for row in store.db.query("SELECT id, title, date, source, author, meta FROM articles ORDER BY id")]
    finally:
        store.close()


# ---------------------------------------------------------------- corpora through `reader add`


def test_a_csv_corpus_imports_row_by_row_with_problems_one_line_each(runner, tmp_path):
    path = tmp_path / "corpus.csv"
    path.write_text(CORPUS, encoding="utf-8")
    db = tmp_path / "r.db"
    result = add(runner, db, str(path))
    assert result.exit_code == 1  # a row failed
    assert result.stdout.strip().startswith("3 added, 0 already in the library, 1 failed")
    errors = lines(result)
    assert errors[0].startswith(f"reader: {path}: CSV, UTF-8; text from 'text', title from 'title'")
    assert f"reader: {path}: row 3: the body is only 5 words (a caption or a teaser?); imported anyway" in errors
    assert any("row 4: date '03/04/2024' reads as day/month or month/day" in line for line in errors)
    assert f"reader: {path}: row 5: has 3 fields where the header has 7" in errors
    rows = articles(db)
    assert [(r["title"], r["date"], r["source"]) for r in rows] == [
        ("Council passes budget", "2024-07-13", "https://example.org/budget"),
        ("Photo: the new bridge", "2024-07-13", "https://example.org/photo"),
        ("Rates to rise", None, "https://example.org/rates"),
    ]
    meta = json.loads(rows[0]["meta"])
    assert meta["external_id"] == "101" and meta["outlet"] == "Example Times" and meta["language"] == "en"
    # the same corpus again: every row already there
    again = add(runner, db, str(path))
    assert again.stdout.strip().startswith("0 added, 3 already in the library, 1 failed")


def test_dayfirst_and_monthfirst_settle_numeric_dates(runner, tmp_path):
    path = tmp_path / "corpus.csv"
    path.write_text(CORPUS, encoding="utf-8")
    add(runner, tmp_path / "a.db", str(path), "--dayfirst")
    add(runner, tmp_path / "b.db", str(path), "--monthfirst")
    assert articles(tmp_path / "a.db")[2]["date"] == "2024-04-03"
    assert articles(tmp_path / "b.db")[2]["date"] == "2024-03-04"


def test_a_file_without_a_text_column_is_refused_listing_its_columns(runner, tmp_path):
    path = tmp_path / "no-text.csv"
    path.write_text("id,title,date,source\n1,A,2024-07-13,x\n", encoding="utf-8")
    result = add(runner, tmp_path / "r.db", str(path))
    assert result.exit_code == 1
    assert lines(result) == [
        f"reader: {path}: no text column (looked for text, body, content…); its columns are: id, title, date, "
        "source (name one with --text-column)"
    ]
    named = add(runner, tmp_path / "r.db", str(path), "--text-column", "nope")
    assert "no column 'nope' for the text" in named.stderr and named.exit_code == 1


def test_column_options_name_the_columns(runner, tmp_path):
    path = tmp_path / "export.tsv"
    path.write_text(f"Doc\tHeadline\tFull text\tDateline\nx-1\tRates\t{body(9)}\t13 July 2024\n", encoding="utf-8")
    db = tmp_path / "r.db"
    result = add(runner, db, str(path), "--text-column", "Full text", "--date-column", "Dateline", "--id-column", "Doc")
    assert result.exit_code == 0, result.output
    row = articles(db)[0]
    assert (row["title"], row["date"], json.loads(row["meta"])["external_id"]) == ("Rates", "2024-07-13", "x-1")


def test_standard_input_and_gzip_and_json_lines(runner, tmp_path):
    stories = "\n".join(
        json.dumps({"id": f"g-{n}", "title": f"T{n}", "maintext": body(n), "seendate": "20240713T093000Z",
                    "authors": ["Ann Lee", "Bo Chen"], "tone": -2.5})
        for n in range(3)
    ) + "\nnot json\n"
    db = tmp_path / "r.db"
    result = add(runner, db, "-", input=gzip.compress(stories.encode()))
    assert result.exit_code == 1
    assert result.stdout.strip().startswith("3 added, 0 already in the library, 1 failed")
    assert "reader: -: JSON Lines, UTF-8, gzip" in result.stderr
    assert "reader: -: line 4: not JSON" in result.stderr
    rows = articles(db)
    assert [r["author"] for r in rows] == ["Ann Lee; Bo Chen"] * 3
    assert json.loads(rows[0]["meta"])["tone"] == "-2.5"
    path = tmp_path / "items.json"
    path.write_text(json.dumps([{"headline": "H", "content": body(7), "published": "Jul. 13, 2024"}]), encoding="utf-8")
    assert add(runner, db, str(path)).exit_code == 0
    assert articles(db)[-1]["date"] == "2024-07-13"


def test_corpora_and_article_files_in_one_command(runner, tmp_path):
    corpus = tmp_path / "c.csv"
    corpus.write_text(f'id,text\n1,"{body(1)}"\n', encoding="utf-8")
    result = add(runner, tmp_path / "r.db", str(corpus), str(ROOT / "seeds"), str(tmp_path / "missing.csv"))
    assert result.stdout.strip().startswith("2 added, 0 already in the library, 1 failed")
    assert f"reader: {tmp_path / 'missing.csv'}: no such file" in result.stderr


def test_bad_corpora_are_one_line_each(runner, tmp_path):
    cases = {
        "empty.csv": b"",
        "book.csv": b"PK\x03\x04" + b"\x00" * 40,
        "bad.csv.gz": b"not gzip at all",
        "pretty.json": b'{\n  "text": "x"\n}\n',
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        result = add(runner, tmp_path / "r.db", str(tmp_path / name))
        assert result.exit_code == 1, name
        assert len(lines(result)) == 1 and lines(result)[0].startswith(f"reader: {tmp_path / name}: "), lines(result)
    result = add(runner, tmp_path / "r.db", "-", "-", input="")
    assert result.exit_code == 1 and "can be given once" in result.stderr
    result = add(runner, tmp_path / "r.db", str(tmp_path / "empty.csv"), "--encoding", "no-such-codec")
    assert result.exit_code == 1


def test_plain_progress_lines_when_piped(runner, tmp_path, monkeypatch):
    monkeypatch.setattr(cli_module.library._CorpusDisplay, "PLAIN_EVERY", 2)
    import reader.ingest.corpus_import as corpus_import

    real = corpus_import.import_corpus
    monkeypatch.setattr(corpus_import, "import_corpus", lambda *a, **k: real(*a, **{**k, "chunk": 1}))
    path = tmp_path / "c.csv"
    path.write_text("id,text\n" + "".join(f'{n},"{body(n)}"\n' for n in range(5)), encoding="utf-8")
    result = add(runner, tmp_path / "r.db", str(path))
    progress = [line for line in lines(result) if " rows, " in line and "added" in line]
    assert progress and progress[0].startswith(f"{path}: 2 rows, 2 added, ")
    assert "% read" in progress[0]
    assert any(line.startswith(f"{path}: 5 rows in ") for line in lines(result))


def test_external_id_is_the_last_csv_column_and_in_every_export(runner, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(f'id,title,text\nmc-17,Budget,"{body(1)}"\n', encoding="utf-8")
    db = tmp_path / "r.db"
    add(runner, db, str(path))
    store = Store(db)
    text = store.get_article_text(1)
    store.create_annotation(1, text.index("budget"), text.index("budget") + 6, "ann", ["claim"], "a note")
    store.close()
    out = runner.invoke(cli, ["export", "--db", str(db)]).stdout
    header, row = list(csv.reader(io.StringIO(out)))
    assert header[-1] == "article_external_id" and row[-1] == "mc-17"
    highlights = list(csv.reader(io.StringIO(runner.invoke(cli, ["export", "--db", str(db), "--include-highlights"]).stdout)))
    assert highlights[0][18] == "kind" and highlights[0][-1] == "article_external_id" and highlights[1][-1] == "mc-17"
    anno = json.loads(runner.invoke(cli, ["export", "--db", str(db), "--format", "jsonl"]).stdout)
    assert anno["reader"]["article_external_id"] == "mc-17"
    doccano = json.loads(runner.invoke(cli, ["export", "--db", str(db), "--format", "doccano"]).stdout)
    assert doccano["article_external_id"] == "mc-17"
    tasks = json.loads(runner.invoke(cli, ["export", "--db", str(db), "--format", "label-studio"]).stdout)
    assert tasks[0]["data"]["article_external_id"] == "mc-17"


def test_a_real_process_reads_a_corpus_from_standard_input(tmp_path):
    data = f'id,text\n1,"{body(1)}"\n2,"{body(2)}"\n2,"{body(2)}"\n'
    result = subprocess.run(
        [sys.executable, "-m", "reader", "add", "-", "--no-analysis", "--db", str(tmp_path / "r.db")],
        input=data.encode(), capture_output=True, cwd=ROOT, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().startswith("2 added, 1 already in the library, 0 failed")
    assert b"Traceback" not in result.stderr


# ---------------------------------------------------------------- article files: front matter, encodings, dates


def test_yaml_front_matter_with_a_folded_title_lists_of_authors_and_tags():
    raw = (
        "---\n"
        "title: >\n  A title folded\n  over two lines\n"
        "date: 2024-07-13\n"
        "authors:\n  - Ann Lee\n  - Bo Chen\n"
        "tags: [courts, 'new mexico']\n"
        "url: \"https://example.org/story\"\n"
        "---\n\nThe body of the story."
    )
    article = parse_article(raw.encode(), "story.md")
    assert article.title == "A title folded over two lines"
    assert article.date == "2024-07-13"
    assert article.meta["author"] == "Ann Lee; Bo Chen"
    assert article.meta["tags"] == "courts; new mexico"
    assert article.source == "https://example.org/story"
    assert article.text == "The body of the story."


def test_hugo_toml_front_matter():
    raw = '+++\ntitle = "Hugo post"\ndate = 2024-07-13T09:30:00Z\nauthors = ["Kim"]\n+++\nBody text.'
    article = parse_article(raw.encode(), "post.md")
    assert (article.title, article.date, article.meta["author"], article.text) == ("Hugo post", "2024-07-13", "Kim", "Body text.")


def test_broken_front_matter_is_read_line_by_line_with_a_warning():
    article = parse_article(b"---\ntitle: [unclosed\ndate: 2024-07-13\n---\nBody.", "a.md")
    assert article.date == "2024-07-13" and article.text == "Body."
    assert article.warnings and article.warnings[0].startswith("a.md: front matter is not valid YAML")


def test_dates_are_read_with_dateutil_and_ambiguous_ones_refused_unless_dayfirst():
    rfc = parse_article(b"Title: T\nDate: Sat, 13 Jul 2024 09:30:00 GMT\n\nBody.", "a.txt")
    ordinal = parse_article(b"Title: T\nDate: July 13th, 2024\n\nBody.", "a.txt")
    assert rfc.date == ordinal.date == "2024-07-13"
    ambiguous = parse_article(b"Title: T\nDate: 03/04/2024\n\nBody.", "a.txt")
    assert ambiguous.date is None and ambiguous.meta["date_text"] == "03/04/2024"
    assert "reads as day/month or month/day" in ambiguous.warnings[0]
    assert parse_article(b"Title: T\nDate: 03/04/2024\n\nBody.", "a.txt", dayfirst=True).date == "2024-04-03"
    assert parse_article(b"Title: T\nDate: 03/04/2024\n\nBody.", "a.txt", dayfirst=False).date == "2024-03-04"


def test_a_date_in_the_file_name(tmp_path):
    path = tmp_path / "outlet_2016-10-27_slug.txt"
    path.write_text("Body of a scraped story.", encoding="utf-8")
    article = read_article(path)
    assert article.date == "2016-10-27" and article.meta["date_from"] == "file name"
    own = tmp_path / "outlet_2016-10-27_other.txt"
    own.write_text("Title: T\nDate: 2024-07-13\n\nBody.", encoding="utf-8")
    assert read_article(own).date == "2024-07-13"  # the article's own date wins


def test_encodings_are_detected_by_charset_normalizer(tmp_path):
    russian = "Привет! Это статья о погоде в Москве, где завтра будет дождь и сильный ветер с севера."
    path = tmp_path / "ru.txt"
    path.write_bytes(russian.encode("cp1251"))
    article = read_article(path)
    assert article.text == russian and article.meta["encoding"] == "cp1251"
    wide = tmp_path / "wide.txt"
    wide.write_bytes("Hello from UTF-32.".encode("utf-32"))
    assert read_article(wide).text == "Hello from UTF-32."
    given = tmp_path / "given.txt"
    given.write_bytes("Grüße".encode("latin-1"))
    assert read_article(given, encoding="latin-1").meta["encoding"] == "latin-1"


def test_a_tiny_web_page_is_imported_with_a_warning_naming_it(runner, tmp_path):
    page = tmp_path / "caption.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>Photo</title></head><body><article><p>The new bridge at dawn, "
        "seen from the river bank.</p></article></body></html>",
        encoding="utf-8",
    )
    result = add(runner, tmp_path / "r.db", str(page))
    assert result.exit_code == 0
    assert f"reader: {page}: the body is only" in result.stderr


def test_a_corpus_is_never_read_as_one_article(tmp_path):
    from reader.ingest.article import ArticleError

    path = tmp_path / "corpus.csv"
    path.write_text("id,title,date,source,text\n1,T,2024-07-13,x,Body\n", encoding="utf-8")
    with pytest.raises(ArticleError, match="a corpus \\(one article per row\\), not an article"):
        read_article(path)


def test_a_corpus_cut_short_keeps_the_rows_before(runner, tmp_path):
    data = "id,text\n" + "".join(f'{n},"{body(n)} {n * 7919}"\n' for n in range(2000))
    whole = gzip.compress(data.encode())
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(whole[: len(whole) - 200])
    db = tmp_path / "r.db"
    result = add(runner, db, str(path))
    assert result.exit_code == 1
    assert f"reader: {path}: cannot read further" in result.stderr
    added = int(result.stdout.split()[0])
    assert 0 < added < 2000 and len(articles(db)) == added


def test_standard_input_that_is_a_terminal_is_refused(runner, tmp_path, monkeypatch):
    monkeypatch.setattr(cli_module.library, "_stdin_is_terminal", lambda: True)
    result = add(runner, tmp_path / "r.db", "-")
    assert result.exit_code == 1 and "standard input is a terminal" in result.stderr


def test_the_articles_export_and_the_article_carry_the_external_id(runner, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(f'id,title,text\nmc-18,Budget,"{body(2)}"\n', encoding="utf-8")
    db = tmp_path / "r.db"
    add(runner, db, str(path))
    store = Store(db)
    assert store.get_article(1).external_id == "mc-18"
    store.close()
    rows = list(csv.DictReader(io.StringIO(runner.invoke(cli, ["export", "--db", str(db), "--articles"]).stdout)))
    assert rows[0]["article_external_id"] == "mc-18"


def test_a_corpus_with_a_header_and_no_rows_fails(runner, tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("id,text\n", encoding="utf-8")
    result = add(runner, tmp_path / "r.db", str(path))
    assert result.exit_code == 1 and f"reader: {path}: no rows, only a header" in result.stderr
