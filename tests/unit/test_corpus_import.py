"""Tabular corpora (reader.ingest.corpus): formats, columns, problems, encodings, dates, standard input."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import os
import threading
import time

import pytest

from reader.ingest.article import ParsedArticle
from reader.ingest.corpus import (
    CorpusError,
    CorpusProblem,
    CorpusRecord,
    date_from_filename,
    find_columns,
    is_corpus_name,
    item_lines,
    open_corpus,
    parse_date,
    read_corpus,
)
from reader.errors import ReaderError

BODY = " ".join(["The council voted on the new budget after a long debate about roads and schools."] * 4)  # 60 words


def table(rows: list[dict[str, str]], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def items(data: bytes, name: str = "corpus.csv", **options):
    corpus = open_corpus(io.BytesIO(data), name, **options)
    return list(corpus)


def records(data: bytes, name: str = "corpus.csv", **options) -> list[CorpusRecord]:
    return [item for item in items(data, name, **options) if isinstance(item, CorpusRecord)]


def problems(data: bytes, name: str = "corpus.csv", **options) -> list[CorpusProblem]:
    return [item for item in items(data, name, **options) if isinstance(item, CorpusProblem)]


ROWS = [
    {
        "ID": "mc-1", "Headline": "Council passes budget", "Body": BODY, "Publish_Date": "2024-07-13",
        "Link": "https://example.org/a", "Byline": "Ann Lee", "Source": "Example Times", "section": "Local",
    },
    {
        "ID": "mc-2", "Headline": "Second", "Body": BODY + " Again.", "Publish_Date": "Sat, 13 Jul 2024 09:30:00 GMT",
        "Link": "", "Byline": "", "Source": "", "section": "",
    },
]


# ---------------------------------------------------------------- columns and records


def test_csv_columns_by_common_names_any_case_and_other_columns_kept_as_metadata():
    first, second = records(table(ROWS))
    assert isinstance(first.article, ParsedArticle)
    assert first.row == 2 and second.row == 3  # as a spreadsheet numbers them: the header is row 1
    assert first.article.title == "Council passes budget"
    assert first.article.text == BODY
    assert first.article.date == "2024-07-13"
    assert first.article.source == "https://example.org/a"
    assert (first.external_id, first.url, first.author, first.outlet) == (
        "mc-1", "https://example.org/a", "Ann Lee", "Example Times",
    )
    assert first.metadata == {"section": "Local"}
    # The article's meta is what Store.add_article keeps: author, outlet, url, external id and the rest.
    assert first.article.meta == {
        "author": "Ann Lee", "outlet": "Example Times", "url": "https://example.org/a", "external_id": "mc-1",
        "section": "Local",
    }
    assert second.article.date == "2024-07-13"
    assert second.metadata == {} and second.url is None and second.author is None
    assert first.warnings == [] and second.warnings == []


def test_column_overrides_win_and_an_unknown_override_is_refused_naming_the_columns():
    rows = [{"story_text": BODY, "head": "Mine", "text": "not this one, a summary", "when": "July 13th, 2024"}]
    (record,) = records(table(rows), text_column="Story_Text", title_column="HEAD", date_column="when")
    assert record.article.text == BODY and record.article.title == "Mine" and record.article.date == "2024-07-13"
    assert record.metadata == {"text": "not this one, a summary"}
    with pytest.raises(CorpusError, match=r"no column 'body' for the text \(columns: story_text, head, text, when\)"):
        items(table(rows), text_column="body")


def test_find_columns_prefers_the_first_common_name():
    assert find_columns(["Content", "Body", "headline", "published"]) == {
        "text": "Body", "title": "headline", "date": "published",
    }


def test_a_file_without_a_text_column_is_refused_with_its_columns_on_one_line():
    data = b"id,title,date,source\n1,A,2024-07-13,x\n"
    with pytest.raises(CorpusError) as caught:
        open_corpus(io.BytesIO(data), "corpus.csv")
    message = str(caught.value)
    assert "\n" not in message and isinstance(caught.value, ReaderError)
    assert "no text column" in message and "its columns are: id, title, date, source" in message


def test_a_missing_title_is_derived_from_the_text():
    (record,) = records(table([{"text": "First line here\n\n" + BODY}]))
    assert record.article.title == "First line here"


def test_text_is_normalised_as_article_files_are():
    (record,) = records(table([{"text": "Cafe\u0301 line one  \r\n\r\n\r\n" + BODY + "\r\n"}]))
    assert record.article.text == "Caf\u00e9 line one\n\n" + BODY


# ---------------------------------------------------------------- formats


def test_tsv_semicolon_csv_json_lines_and_json_array_read_the_same_articles():
    expected = [r["Body"] for r in ROWS]
    assert [r.article.text for r in records(table(ROWS, "\t"), "corpus.tsv")] == expected
    corpus = open_corpus(io.BytesIO(table(ROWS, ";")), "corpus.csv")
    assert corpus.delimiter == ";" and [r.article.text for r in corpus] == expected
    lines = "".join(json.dumps(r) + "\n" for r in ROWS).encode()
    assert [r.article.text for r in records(lines, "corpus.jsonl")] == expected
    assert [r.row for r in records(lines, "corpus.jsonl")] == [1, 2]
    array = json.dumps(ROWS, indent=2).encode()
    assert [r.article.text for r in records(array, "corpus.json")] == expected
    assert [r.row for r in records(array, "corpus.json")] == [1, 2]


def test_gzip_is_recognised_by_its_bytes_and_formats_by_content_without_a_name():
    lines = "".join(json.dumps(r) + "\n" for r in ROWS).encode()
    corpus = open_corpus(io.BytesIO(gzip.compress(lines)), "-")
    assert (corpus.format, corpus.compressed) == ("jsonl", True)
    assert len(list(corpus)) == 2
    assert open_corpus(io.BytesIO(gzip.compress(table(ROWS))), "corpus.csv.gz").format == "csv"
    assert open_corpus(io.BytesIO(json.dumps(ROWS).encode()), "-").format == "json"
    assert open_corpus(io.BytesIO(table(ROWS, "\t")), "-").format == "tsv"
    with pytest.raises(CorpusError, match="named .gz but not gzip"):
        open_corpus(io.BytesIO(table(ROWS)), "corpus.csv.gz")


def test_json_values_that_are_not_strings():
    obj = {"text": BODY, "authors": ["Ann Lee", "Bo Chen"], "id": 17, "tags": {"a": 1}, "score": 0.5, "none": None}
    (record,) = records((json.dumps(obj) + "\n").encode(), "c.jsonl")
    assert record.author == "Ann Lee; Bo Chen" and record.external_id == "17"
    assert record.metadata == {"tags": '{"a": 1}', "score": "0.5"}


def test_a_large_json_array_is_read_item_by_item():
    rows = [{"text": f"{BODY} {i}", "id": str(i)} for i in range(3000)]
    data = json.dumps(rows).encode()
    corpus = open_corpus(io.BytesIO(data), "big.json")
    got = [r.external_id for r in corpus]
    assert got == [str(i) for i in range(3000)]
    assert corpus.bytes_read == len(data)


# ---------------------------------------------------------------- problems


def test_malformed_rows_are_reported_one_line_each_and_the_rest_imports():
    data = (
        "id,title,text\n"
        f'1,Good,"{BODY}"\n'
        "2,Too many,x,y\n"
        "3,No text,\n"
        "\n"
        f'4,"Multi\nline title","{BODY}"\n'
        "5,short\n"
        f'6,Also good,"{BODY}"\n'
    ).encode()
    got = items(data)
    assert [str(p) for p in got if isinstance(p, CorpusProblem)] == [
        "row 3: has 4 fields where the header has 3",
        "row 4: no text",
        "row 7: has 2 fields where the header has 3",
    ]
    assert [r.external_id for r in got if isinstance(r, CorpusRecord)] == ["1", "4", "6"]
    assert [r.row for r in got if isinstance(r, CorpusRecord)] == [2, 6, 8]  # blank line 5 is skipped but counted


def test_malformed_json_lines_and_items_that_are_not_objects():
    data = (json.dumps({"text": BODY}) + "\n{broken\n[1, 2]\n" + json.dumps({"title": "no text"}) + "\n"
            + json.dumps({"text": BODY + " end"}) + "\n").encode()
    got = items(data, "c.jsonl")
    assert [str(p) for p in got if isinstance(p, CorpusProblem)] == [
        "line 2: not JSON (Expecting property name enclosed in double quotes at column 2)",
        "line 3: not a JSON object (list)",
        "line 4: no 'text' field",
    ]
    assert len([r for r in got if isinstance(r, CorpusRecord)]) == 2
    with pytest.raises(CorpusError, match="not JSON Lines"):
        open_corpus(io.BytesIO(json.dumps({"articles": [{"text": BODY}]}, indent=2).encode()), "c.json")


def test_a_huge_json_line_is_refused_with_a_message_and_the_next_lines_still_read():
    data = (json.dumps({"text": BODY}) + "\n" + json.dumps({"text": "x" * 5000}) + "\n"
            + json.dumps({"text": BODY + " later"}) + "\n").encode()
    got = items(data, "c.jsonl", max_field_chars=1000, max_row_chars=2000)
    assert [str(p) for p in got if isinstance(p, CorpusProblem)] == ["line 2: longer than 2,000 characters; skipped"]
    assert [r.row for r in got if isinstance(r, CorpusRecord)] == [1, 3]


def test_a_field_over_the_limit_is_refused_for_that_row():
    data = table([{"text": BODY}, {"text": "y " * 600}, {"text": BODY + " more"}])
    got = items(data, max_field_chars=1000, max_row_chars=100_000)
    assert [str(p) for p in got if isinstance(p, CorpusProblem)] == ["row 3: column 'text' has more than 1,000 characters"]
    assert len([r for r in got if isinstance(r, CorpusRecord)]) == 2


def test_an_unclosed_quote_stops_at_the_size_limit_after_the_rows_before_it():
    data = ("id,text\n" f'1,"{BODY}"\n' '2,"never closed\n' + (f"{BODY}\n" * 100)).encode()
    got = items(data, max_field_chars=2000, max_row_chars=5000)
    assert isinstance(got[0], CorpusRecord) and got[0].external_id == "1"
    assert isinstance(got[-1], CorpusProblem) and got[-1].row == 3
    assert "unclosed quote" in got[-1].message and "stopped" in got[-1].message


def test_files_that_are_not_tables_are_refused_with_one_line():
    for data, name, message in [
        (b"", "c.csv", "file is empty"),
        (b"PK\x03\x04rest of a workbook", "c.csv", "a zip file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "c.csv", "binary file"),
        (b"[]", "c.json", "an empty JSON array"),
        (b'[{"text": "a"}, ', "c.json", None),
    ]:
        if message is None:
            with pytest.raises(CorpusError, match="unfinished"):
                list(open_corpus(io.BytesIO(data), name))
            continue
        with pytest.raises(CorpusError, match=message) as caught:
            open_corpus(io.BytesIO(data), name)
        assert "\n" not in str(caught.value)


def test_tiny_bodies_are_imported_with_a_warning_naming_the_row():
    data = table([{"id": "1", "text": "Photo: the mayor at the opening."}, {"id": "2", "text": BODY}])
    first, second = records(data)
    assert first.warnings == ["row 2: the body is only 6 words (a caption or a teaser?); imported anyway"]
    assert second.warnings == []
    assert item_lines(first, "corpus.csv") == ["corpus.csv: " + first.warnings[0]]
    assert item_lines(CorpusProblem(4, "no text"), "corpus.csv") == ["corpus.csv: row 4: no text"]


# ---------------------------------------------------------------- encodings


def test_encodings_utf8_bom_cp1252_and_utf16_with_and_without_bom():
    text = "id,title,text\n1,Café déjà vu,\"Le président a déclaré « non » à 9 h. " + BODY + "\"\n"
    for encoded, expected in [
        (codecs.BOM_UTF8 + text.encode("utf-8"), "utf-8-sig"),
        (text.encode("cp1252"), "cp1252"),
        (text.encode("utf-16"), "utf-16"),
        (text.encode("utf-16-le"), "utf-16-le"),
        (text.encode("utf-16-be"), "utf-16-be"),
    ]:
        corpus = open_corpus(io.BytesIO(encoded), "c.csv")
        assert corpus.encoding == expected
        (record,) = list(corpus)
        assert record.article.title == "Café déjà vu"
        assert record.external_id == "1"  # the BOM is not part of the first column's name
    corpus = open_corpus(io.BytesIO(text.encode("utf-16")), "c.csv")
    assert "UTF-16" in corpus.describe()
    (record,) = list(corpus)
    assert record.article.meta["encoding"] == "utf-16"


def test_an_encoding_can_be_given():
    text = "text\n\"Zażółć gęślą jaźń " + BODY + "\"\n"
    (record,) = records(text.encode("cp1250"), encoding="cp1250")
    assert record.article.text.startswith("Zażółć gęślą jaźń")


def test_bytes_invalid_later_in_the_file_stop_with_one_line():
    data = b"text\n" + (f'"{BODY}"\n'.encode() * 2000) + b'"caf\xe9 ' + BODY.encode() + b'"\n'
    corpus = open_corpus(io.BytesIO(data), "c.csv")
    assert corpus.encoding == "utf-8"
    with pytest.raises(CorpusError, match="not valid utf-8 text after the rows already read"):
        list(corpus)


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "written",
    ["Sat, 13 Jul 2024 09:30:00 GMT", "July 13th, 2024", "Jul. 13, 2024", "2024-07-13", "2024-07-13T09:30:00Z",
     "13 July 2024", "13.07.2024", "13/07/2024", "07/13/2024", "2024/07/13", "Saturday, July 13, 2024"],
)
def test_dates_in_common_forms(written):
    assert parse_date(written) == "2024-07-13"


def test_a_date_and_time_keeps_its_own_day():
    assert parse_date("Sat, 13 Jul 2024 23:30:00 -0500") == "2024-07-13"


def test_ambiguous_day_and_month_are_refused_unless_told():
    with pytest.raises(ValueError, match="day/month or month/day"):
        parse_date("03/04/2024")
    assert parse_date("03/04/2024", dayfirst=True) == "2024-04-03"
    assert parse_date("03/04/2024", dayfirst=False) == "2024-03-04"
    assert parse_date("04/04/2024") == "2024-04-04"  # reads one way only
    with pytest.raises(ValueError, match="has no day"):
        parse_date("July 2024")
    with pytest.raises(ValueError, match="not understood"):
        parse_date("yesterday")


def test_a_row_with_an_ambiguous_date_is_kept_without_a_date_and_a_warning():
    data = table([{"text": BODY, "date": "03/04/2024"}, {"text": BODY + " x", "date": "soon"}])
    first, second = records(data)
    assert first.article.date is None and first.article.meta["date_text"] == "03/04/2024"
    assert first.warnings == [
        (
            "row 2: date '03/04/2024' reads as day/month or month/day (say which with --dayfirst or --monthfirst); "
            "imported without a date"
        )
    ]
    assert second.warnings == ["row 3: date 'soon' not understood; imported without a date"]
    (told, _) = records(data, dayfirst=True)
    assert told.article.date == "2024-04-03" and told.warnings == []


def test_date_from_filename():
    assert date_from_filename("outlet_2016-10-27_slug.txt") == "2016-10-27"
    assert date_from_filename("/corpus/guardian/20161027-slug.html") == "2016-10-27"
    assert date_from_filename("https://example.org/2016/10/27/some-slug") == "2016-10-27"
    assert date_from_filename("outlet_2016_10_27.txt") == "2016-10-27"
    assert date_from_filename("report-2016-13-45-then-2017-01-02.txt") == "2017-01-02"
    assert date_from_filename("id_123456789012.txt") is None
    assert date_from_filename("plain.txt") is None


# ---------------------------------------------------------------- streams


def test_a_pipe_is_read_once_without_seeking():
    read, write = os.pipe()
    data = gzip.compress(table(ROWS * 500))

    def feed():
        with os.fdopen(write, "wb") as out:
            for i in range(0, len(data), 997):
                out.write(data[i : i + 997])

    thread = threading.Thread(target=feed)
    thread.start()
    with os.fdopen(read, "rb", buffering=0) as stream:
        assert not stream.seekable()
        got = list(open_corpus(stream, "-"))
    thread.join()
    assert len(got) == 1000 and all(isinstance(r, CorpusRecord) for r in got)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_named_on_the_command_line(tmp_path):
    fifo = tmp_path / "corpus.jsonl"
    os.mkfifo(fifo)
    lines = "".join(json.dumps(r) + "\n" for r in ROWS).encode()

    def feed():
        with open(fifo, "wb") as out:
            out.write(lines)

    thread = threading.Thread(target=feed)
    thread.start()
    got = list(read_corpus(fifo))
    thread.join()
    assert [r.external_id for r in got] == ["mc-1", "mc-2"]


def test_read_corpus_from_a_file_and_its_errors(tmp_path):
    path = tmp_path / "corpus.csv"
    path.write_bytes(table(ROWS))
    assert len(list(read_corpus(path))) == 2
    with pytest.raises(CorpusError, match="no such file"):
        list(read_corpus(tmp_path / "missing.csv"))
    with pytest.raises(CorpusError, match="is a directory"):
        list(read_corpus(tmp_path))


def test_a_corpus_is_read_only_once():
    corpus = open_corpus(io.BytesIO(table(ROWS)), "c.csv")
    list(corpus)
    with pytest.raises(CorpusError, match="only once"):
        list(corpus)


def test_bytes_read_grows_for_a_progress_bar():
    data = table(ROWS * 2000)
    corpus = open_corpus(io.BytesIO(data), "c.csv")
    seen = []
    for _ in corpus:
        seen.append(corpus.bytes_read)
    assert seen[0] < len(data) and seen[-1] == len(data) and seen == sorted(seen)


def test_describe_says_what_was_detected():
    corpus = open_corpus(io.BytesIO(gzip.compress(table(ROWS, ";"))), "c.csv.gz")
    assert corpus.describe() == (
        "c.csv.gz: CSV separated by ';', UTF-8, gzip; text from 'Body', title from 'Headline', date from "
        "'Publish_Date', url from 'Link', author from 'Byline', id from 'ID', outlet from 'Source'"
    )


def test_is_corpus_name():
    assert all(is_corpus_name(n) for n in ["a.csv", "a.TSV", "a.jsonl", "a.ndjson", "a.json", "a.csv.gz"])
    assert not any(is_corpus_name(n) for n in ["a.txt", "a.md", "a.html", "a.gz"])


def test_ten_thousand_rows_read_in_seconds():
    rows = [{"id": str(i), "title": f"Story {i}", "date": "2024-07-13", "text": f"{BODY} {i}"} for i in range(10_000)]
    data = table(rows)
    started = time.perf_counter()
    got = [r for r in open_corpus(io.BytesIO(data), "c.csv") if isinstance(r, CorpusRecord)]
    elapsed = time.perf_counter() - started
    assert len(got) == 10_000
    assert elapsed < 30, f"10,000 rows took {elapsed:.1f} s"


def test_importing_the_module_loads_no_heavy_libraries():
    import subprocess
    import sys

    script = (
        "import sys, reader.ingest.corpus; "
        "loaded = [m for m in ('spacy', 'textual', 'charset_normalizer', 'dateutil', 'sqlite_utils') if m in sys.modules]; "
        "assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=os.path.dirname(os.path.dirname(__file__)))


def test_lone_surrogates_from_json_escapes_become_replacement_characters():
    (record,) = records(b'{"text": "broken \\ud800 escape ' + BODY.encode() + b'", "title": "t\\udfff"}\n', "c.jsonl")
    assert "\ufffd" in record.article.text and record.article.title == "t\ufffd"
    record.article.text.encode("utf-8")  # storable


def test_json_objects_need_not_all_have_the_same_keys():
    lines = [{"id": "1", "text": BODY}, {"id": "2", "text": BODY, "title": "Titled", "author": "Ann Lee"},
             {"id": "3", "body": BODY + " body"}, {"id": "4", "summary": "no text here"}]
    got = items("".join(json.dumps(x) + "\n" for x in lines).encode(), "c.jsonl")
    first, second, third, problem = got
    assert first.external_id == "1" and first.author is None and first.metadata == {}
    assert second.article.title == "Titled" and second.author == "Ann Lee" and second.metadata == {}
    assert third.article.text == BODY + " body" and third.external_id == "3"
    assert str(problem) == "line 4: no 'text' field"


def test_iso_dates_that_are_no_calendar_date_are_refused():
    with pytest.raises(ValueError, match="no calendar date"):
        parse_date("2024-02-30")
    assert parse_date("2024-07-13T23:30:00-05:00") == "2024-07-13"


def test_excels_separator_line_is_followed():
    data = b"sep=;\r\nid;title;text\r\n1;A;" + BODY.encode() + b"\r\n"
    corpus = open_corpus(io.BytesIO(data), "excel.csv")
    assert corpus.delimiter == ";" and corpus.columns == ["id", "title", "text"]
    (record,) = list(corpus)
    assert record.row == 2 and record.article.title == "A"  # as Excel shows it, the separator line hidden


def test_a_huge_csv_line_is_skipped_and_the_rows_after_it_still_read():
    data = ("id,text\n" f'1,"{BODY}"\n' f'2,"{"x, " * 3000}"\n' f"3,{'y' * 7000}\n" f'4,"{BODY} end"\n').encode()
    got = items(data, max_field_chars=2000, max_row_chars=5000)
    assert [str(p) for p in got if isinstance(p, CorpusProblem)] == [
        "row 3: longer than 5,000 characters; skipped", "row 4: longer than 5,000 characters; skipped",
    ]
    assert [r.external_id for r in got if isinstance(r, CorpusRecord)] == ["1", "4"]


def test_json_nested_deeper_than_the_stack_or_a_huge_number_is_a_bad_row_not_a_traceback():
    """The CLI fuzz found `reader add deep.jsonl` ending in a RecursionError."""
    good = json.dumps({"text": BODY, "title": "Fine"})
    data = "\n".join([good, "[" * 100_000 + "]" * 100_000, '{"text": "x", "n": ' + "9" * 5000 + "}", good + " "]).encode()
    assert [r.article.title for r in records(data, "c.jsonl")] == ["Fine", "Fine"]
    assert [(p.row, p.message) for p in problems(data, "c.jsonl")] == [
        (2, "JSON nested too deep to be an article; skipped"),
        (3, "not JSON reader can read (a number too long); skipped"),
    ]
    with pytest.raises(CorpusError, match="nested too deep"):
        items(("[" + "[" * 100_000 + "]" * 100_000 + "]").encode(), "c.json")
