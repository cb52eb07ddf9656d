"""The `reader` command line, through click's test runner and, where it matters, a real process."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import reader
import reader.analysis
from reader.cli import cli
from reader.store import Store

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_8d4d9360f55ea89e.txt"
READER_BIN = Path(sys.executable).parent / "reader"


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "library" / "reader.db"


@pytest.fixture
def fast_analyser(monkeypatch, analyser):
    """The CLI's Analyser(model) gives the session's already-loaded analyser for the default model."""
    real = reader.analysis.Analyser

    def make(model=None, pipelines=None):
        return analyser if (model or analyser.model) == analyser.model and not pipelines else real(model, pipelines)


    monkeypatch.setattr(reader.analysis, "Analyser", make)
    return analyser


def no_traceback(result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


def error_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


# ---------------------------------------------------------------- version and help


def test_version(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert reader.__version__ in result.output
    assert runner.invoke(cli, ["-V"]).output == result.output


def all_commands(group, prefix=()):
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name)
        if hasattr(command, "commands"):
            yield from all_commands(command, (*prefix, name))


def test_help_everywhere(runner):
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert {"open", "add", "list", "search", "analyze", "reanalyze"} <= set(cli.commands)
    for name in cli.commands:
        assert name in result.output
    for path in all_commands(cli):
        for flag in ("--help", "-h"):
            sub = runner.invoke(cli, [*path, flag])
            assert sub.exit_code == 0, (path, sub.output)
            assert sub.output.startswith("Usage: ") and " ".join(path) in sub.output.splitlines()[0]


# ---------------------------------------------------------------- add, list, search


def test_add_list_and_add_again(runner, db, fast_analyser):
    result = runner.invoke(cli, ["add", str(ROOT / "seeds"), "--db", str(db)])
    no_traceback(result)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("1 added, 0 already in the library, 0 failed")
    assert db.exists()

    listed = runner.invoke(cli, ["list", "--db", str(db), "--json"])
    assert listed.exit_code == 0
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(rows) == 1
    assert rows[0]["title"].startswith("Alec Baldwin celebrated")
    assert rows[0]["date"] == "2024-07-13"
    assert rows[0]["analyser"] == fast_analyser.version
    assert rows[0]["entities"] > 10 and rows[0]["quotes"] == 1

    table = runner.invoke(cli, ["list", "--db", str(db)])
    assert table.exit_code == 0 and "Alec Baldwin" in table.stdout and "2024-07-13" in table.stdout

    again = runner.invoke(cli, ["add", str(SEED), "--db", str(db)])
    assert again.exit_code == 0
    assert again.stdout.startswith("0 added, 1 already in the library, 0 failed")
    assert len(Store(db).list_articles()) == 1


def test_stored_analysis_matches_analyse(runner, db, fast_analyser, seed_article, seed_analysis):
    runner.invoke(cli, ["add", str(SEED), "--db", str(db)])
    store = Store(db)
    stored = store.get_article(store.list_articles()[0].id)
    assert stored.text == seed_article.text
    assert stored.entities == seed_analysis.entities
    assert [q.text for q in stored.quotes] == [q.text for q in seed_analysis.quotes]
    assert stored.quotes[0].speaker == "Mary Marlowe Sommer"


def test_reader_db_environment_variable(runner, db, monkeypatch):
    monkeypatch.setenv("READER_DB", str(db))
    result = runner.invoke(cli, ["add", "--no-analysis", str(SEED)])
    assert result.exit_code == 0, result.output
    assert str(db) in result.stdout
    assert Store(db).count_articles() == 1
    # --db wins over READER_DB.
    other = db.parent / "other.db"
    runner.invoke(cli, ["add", "--no-analysis", str(SEED), "--db", str(other)])
    assert Store(other).count_articles() == 1


def test_empty_library_list(runner, db):
    db.parent.mkdir()
    Store(db).close()
    result = runner.invoke(cli, ["list", "--db", str(db)])
    assert result.exit_code == 0
    assert "empty" in result.output


@pytest.mark.parametrize("command", [["list"], ["search", "judge"], ["export"]])
def test_reading_commands_make_no_library_at_a_mistyped_path(runner, tmp_path, command):
    typo = tmp_path / "libary.db"
    result = runner.invoke(cli, [*command, "--db", str(typo)])
    assert result.exit_code == 1
    assert f"no library at {typo}" in result.output and len(result.output.strip().splitlines()) == 1
    assert not typo.exists()


def test_batch_with_bad_files_imports_the_good_ones(runner, db, tmp_path, fast_analyser):
    batch = tmp_path / "batch"
    batch.mkdir()
    shutil.copy(SEED, batch / "seed.txt")
    (batch / "second.md").write_text("# Second story\n\nMaria Lopez visited Madrid on Monday.\n", encoding="utf-8")
    (batch / "empty.txt").write_bytes(b"")
    (batch / "binary.txt").write_bytes(b"\x00\x01\x02 not text")
    missing = tmp_path / "missing.txt"
    result = runner.invoke(cli, ["add", str(batch), str(missing), "--db", str(db)])
    no_traceback(result)
    assert result.exit_code == 1
    errors = error_lines(result)
    assert len(errors) == 3, errors
    assert all(line.startswith("reader: ") for line in errors)
    assert any("empty.txt" in line for line in errors)
    assert any("binary.txt" in line for line in errors)
    assert any(str(missing) in line for line in errors)
    assert result.stdout.startswith("2 added, 0 already in the library, 3 failed")
    titles = sorted(row.title for row in Store(db).list_articles())
    assert titles[1] == "Second story" and titles[0].startswith("Alec Baldwin")


def test_too_large_file_names_the_limit(runner, db, tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("word " * 1000, encoding="utf-8")
    result = runner.invoke(cli, ["add", "--no-analysis", "--max-size", "0.001", str(big), "--db", str(db)])
    no_traceback(result)
    assert result.exit_code == 1
    (line,) = error_lines(result)
    assert "big.txt" in line and "0.001 MB" in line and "--max-size" in line
    accepted = runner.invoke(cli, ["add", "--no-analysis", str(big), "--db", str(db)], env={"READER_MAX_SIZE": "1"})
    assert accepted.exit_code == 0, accepted.output


def test_bad_max_size_is_one_line(runner, db):
    result = runner.invoke(cli, ["add", "--no-analysis", str(SEED), "--db", str(db)], env={"READER_MAX_SIZE": "lots"})
    no_traceback(result)
    assert result.exit_code == 1
    assert len(error_lines(result)) == 1


def test_directory_with_no_articles(runner, db, tmp_path):
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    (empty / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    result = runner.invoke(cli, ["add", "--no-analysis", str(empty), "--db", str(db)])
    no_traceback(result)
    assert result.exit_code == 1
    (line,) = error_lines(result)
    assert str(empty) in line


def test_non_sqlite_db_is_one_line_and_untouched(runner, tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_bytes(b"my precious notes\n")
    for args in (["list"], ["search", "x"], ["add", "--no-analysis", str(SEED)]):
        result = runner.invoke(cli, [*args, "--db", str(bad)])
        no_traceback(result)
        assert result.exit_code == 1, args
        (line,) = error_lines(result)
        assert line.startswith("reader: ") and str(bad) in line
    assert bad.read_bytes() == b"my precious notes\n"


def test_search(runner, db):
    runner.invoke(cli, ["add", "--no-analysis", str(SEED), "--db", str(db)])
    result = runner.invoke(cli, ["search", "bad faith", "--db", str(db)])
    assert result.exit_code == 0
    assert result.stdout.startswith("article 1: Alec Baldwin")
    assert "[bad] [faith]" in result.stdout
    none = runner.invoke(cli, ["search", "zzzunfindable", "--db", str(db)])
    assert none.exit_code == 1 and none.stdout == "" and "No matches" in none.stderr


def test_search_finds_notes(runner, db):
    runner.invoke(cli, ["add", "--no-analysis", str(SEED), "--db", str(db)])
    store = Store(db)
    store.create_annotation(1, 0, 12, "me", note="check the dinner photos")
    store.close()
    result = runner.invoke(cli, ["search", "photos", "--db", str(db)])
    assert result.exit_code == 0
    assert "annotation 1" in result.stdout


def test_reanalyze(runner, db, fast_analyser):
    runner.invoke(cli, ["add", "--no-analysis", str(SEED), "--db", str(db)])
    assert Store(db).articles_needing_analysis() == [1]
    result = runner.invoke(cli, ["reanalyze", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("1 article analysed")
    store = Store(db)
    assert store.articles_needing_analysis(fast_analyser.version) == []
    assert store.get_article(1).quotes[0].speaker == "Mary Marlowe Sommer"
    again = runner.invoke(cli, ["reanalyze", "--db", str(db)])
    assert again.stdout.startswith("0 articles analysed")


# ---------------------------------------------------------------- analyze --json


def check_record(record: dict) -> None:
    text = record["text"]
    for key in ("path", "title", "date", "text", "entities", "quotes"):
        assert key in record, key
    for e in record["entities"]:
        assert {"start", "end", "label", "text"} <= set(e)
        assert text[e["start"] : e["end"]] == e["text"]
    for q in record["quotes"]:
        assert {"start", "end", "text", "speaker", "speaker_start", "speaker_end"} <= set(q)
        assert text[q["start"] : q["end"]] == q["text"]
        if q["speaker"] is not None:
            assert text[q["speaker_start"] : q["speaker_end"]]


def test_analyze_json_on_the_seed(runner, fast_analyser, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["analyze", str(SEED), "--json"])
    no_traceback(result)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    check_record(record)
    assert record["path"] == str(SEED)
    assert record["date"] == "2024-07-13"
    assert record["title"].startswith("Alec Baldwin celebrated")
    assert not record["text"].startswith(" date")
    people = {e["text"] for e in record["entities"] if e["label"] == "PERSON"}
    assert {"Alec Baldwin", "Mary Marlowe Sommer", "Joel Souza"} <= people
    (quote,) = record["quotes"]
    assert quote["speaker"] == "Mary Marlowe Sommer"
    assert "\n\n" in quote["text"]
    assert list(tmp_path.iterdir()) == []
    # The seed's known traps for bare spaCy (issue 5).
    found = {(e["text"], e["label"], e["canonical"]) for e in record["entities"]}
    assert ("Alec", "PERSON", "Alec Baldwin") in found and ("Hilaria", "PERSON", "Hilaria Baldwin") in found
    assert ("The Baldwins", "WORK_OF_ART", None) in found and ("Rust", "WORK_OF_ART", None) in found
    assert {("42", "AGE", None), ("66-year-old", "AGE", None)} <= found
    assert not any(e["text"] == "navy" for e in record["entities"])


def test_analyze_several_files_one_line_each(runner, fast_analyser, tmp_path):
    other = tmp_path / "other.txt"
    other.write_text('Title: Other\n\n"We are ready," said John Smith in London.', encoding="utf-8")
    result = runner.invoke(cli, ["analyze", str(SEED), str(other), "--json"])
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["path"] for r in records] == [str(SEED), str(other)]
    for record in records:
        check_record(record)
    assert records[1]["title"] == "Other"
    assert records[1]["quotes"][0]["speaker"] == "John Smith"


def test_analyze_with_a_bad_file(runner, fast_analyser, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(cli, ["analyze", str(empty), str(SEED), "--json"])
    no_traceback(result)
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 1
    (line,) = error_lines(result)
    assert "empty.txt" in line


def test_analyze_human_readable(runner, fast_analyser):
    result = runner.invoke(cli, ["analyze", str(SEED)])
    assert result.exit_code == 0
    assert "Mary Marlowe Sommer: “The late discovery" in result.stdout


def test_analyze_unknown_model_is_one_line(runner):
    result = runner.invoke(cli, ["analyze", str(SEED), "--model", "no_such_pipeline_xyz"])
    no_traceback(result)
    assert result.exit_code == 1
    (line,) = error_lines(result)
    assert "no_such_pipeline_xyz" in line


def test_analyze_process_touches_no_database(tmp_path):
    """A real `reader analyze` process: JSON out, no file written anywhere it could put a database."""
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "READER_DB": str(tmp_path / "should-not-exist.db"),
    }
    env.pop("READER_CONFIG", None)
    result = subprocess.run(
        [str(READER_BIN), "analyze", str(SEED), "--json"],
        cwd=work, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    check_record(json.loads(line))
    assert not (tmp_path / "should-not-exist.db").exists()
    assert list(home.rglob("*")) == []
    assert list(work.iterdir()) == []


def test_process_errors_have_no_traceback(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not sqlite at all")
    result = subprocess.run(
        [str(READER_BIN), "list", "--db", str(bad)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert bad.read_bytes() == b"not sqlite at all"


# ---------------------------------------------------------------- open (the app itself is tested elsewhere)


@pytest.fixture
def opened(monkeypatch):
    """Record what `reader [PATH...]` would open instead of starting the terminal app."""
    import reader.app

    calls = []
    # The library's path: the command closes its store when it ends; the test opens the library again.
    monkeypatch.setattr(reader.app, "run_app", lambda store, **kwargs: calls.append((store.path, kwargs)))
    return calls


def test_open_with_empty_library_imports_the_sample(runner, db, opened):
    result = runner.invoke(cli, ["--help"])  # the default command is `open`
    assert "open*" in result.output
    result = runner.invoke(cli, [], env={"READER_DB": str(db), "READER_USER": "ana"})
    no_traceback(result)
    assert result.exit_code == 0, result.output
    ((path, kwargs),) = opened
    store = Store(path)
    assert kwargs["user"] == "ana"
    assert len(kwargs["article_ids"]) == 1
    assert store.get_article(kwargs["article_ids"][0]).title.startswith("Alec Baldwin celebrated")


def test_open_with_paths_imports_them_first(runner, db, opened, tmp_path):
    story = tmp_path / "story.md"
    story.write_text("# A story\n\nSomething happened in Lisbon.\n", encoding="utf-8")
    result = runner.invoke(cli, [str(story), "--db", str(db), "--user", "bo"])
    assert result.exit_code == 0, result.output
    ((path, kwargs),) = opened
    store = Store(path)
    assert kwargs["user"] == "bo"
    assert [store.get_article(i).title for i in kwargs["article_ids"]] == ["A story"]
    # The library is not empty now: no sample is added on the next open.
    again = runner.invoke(cli, ["--db", str(db)])
    assert again.exit_code == 0, again.output
    assert opened[1][1]["article_ids"] == []
    assert Store(db).count_articles() == 1


def test_open_with_only_bad_paths_is_one_line_error(runner, db, opened, tmp_path):
    result = runner.invoke(cli, [str(tmp_path / "missing.txt"), "--db", str(db)])
    no_traceback(result)
    assert result.exit_code == 1
    assert opened == []
    assert all(line.startswith("reader: ") for line in error_lines(result))


def test_analyze_json_is_one_line_whatever_the_text(runner, fast_analyser, tmp_path):
    odd = tmp_path / "odd.txt"
    text = "First line\u2028still the first paragraph\u2029and more\x85text.\n\n\"Quoted,\" said Ann Lee.\tEnd\x0c"
    odd.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["analyze", str(odd), "--json"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert "\u2028" in record["text"] and "\x85" in record["text"]
    check_record(record)


def test_mistyped_command_is_not_taken_for_a_file(tmp_path):
    from click.testing import CliRunner

    from reader.cli import cli

    result = CliRunner().invoke(cli, ["lsit", "--db", str(tmp_path / "r.db")])
    assert result.exit_code == 1
    assert "did you mean 'reader list'" in result.output
    assert not (tmp_path / "r.db").exists()


def test_export_articles_gives_a_row_per_article_and_coder_with_a_column_per_variable(runner, tmp_path):
    from reader.ingest.files import read_article
    from reader.model import Decision, VariableValue
    from reader.store import Store

    db = tmp_path / "codes.db"
    store = Store(db)
    article_id, _ = store.add_article(read_article(ROOT / "seeds" / "000_8d4d9360f55ea89e.txt"))
    store.save_variable("tone", "categorical", values=[VariableValue("negative", "n"), VariableValue("positive", "p")])
    store.save_variable("actors", "multi", values=[VariableValue("police"), VariableValue("court")])
    store.set_code(article_id, "tone", "ana", "negative")
    store.set_code(article_id, "tone", "ben", "positive")
    store.set_code(article_id, "actors", "ben", ["police", "court"])
    store.set_decision(Decision(article_id, "entity", 0, 12, "confirmed", "ana"))
    store.close()
    result = runner.invoke(cli, ["export", "--articles", "--db", str(db)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["coder"], r["tone"], r["actors"]) for r in rows] == [("ana", "negative", ""), ("ben", "positive", "court; police")]
    assert rows[0]["article_id"] == str(article_id) and rows[0]["article_title"]
    result = runner.invoke(cli, ["export", "--articles", "--format", "jsonl", "--db", str(db)])
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[1]["codes"] == {"tone": "positive", "actors": ["police", "court"]}
    result = runner.invoke(cli, ["export", "--articles", "--per-tag", "--db", str(db)])
    assert result.exit_code == 1 and "--articles" in result.stderr and "Traceback" not in result.output
