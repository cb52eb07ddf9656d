"""Fuzzed command lines: whatever is typed, no traceback reaches the user.

Bounded (a fixed number of examples, each a command on a small library): every result exits 0, 1 or
2 (usage), with no exception escaping click and no "Traceback" on either stream.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.cli import cli

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_8d4d9360f55ea89e.txt"


@pytest.fixture(scope="module")
def playground(tmp_path_factory) -> dict[str, str]:
    from annotated_seed import annotate, seed

    from reader.store import Store

    base = tmp_path_factory.mktemp("fuzz")
    db = base / "lib.db"
    store = Store(db)
    article_id, _ = store.add_article(seed())
    annotate(store, article_id)
    store.close()
    (base / "garbage.csv").write_bytes(b"\xff\xfe\x00garbage,\"unclosed\n")
    (base / "deep.jsonl").write_text("[" * 5000 + "\n" + '{"id": ' + "9" * 5000 + "}\n")
    (base / "story.md").write_text("**a " * 2000)
    (base / "utf16.csv").write_bytes("tag,colour\nx,red\n".encode("utf-16"))
    (base / "folder").mkdir()
    (base / "seed.txt").write_bytes(SEED.read_bytes())
    return {"db": str(db), "base": str(base)}


PATHS = st.sampled_from(
    [
        "/", "/dev/null", "/dev/zero", "/dev/full", "/dev/stdout", "-", "/proc", "/proc/self/status", "~nosuchuser_q/x",
        "~/no-such-reader-fuzz", "x" * 300, "a/" * 200 + "b", "nonexistent.csv", "{base}/garbage.csv", "{base}/deep.jsonl", "{base}/story.md",
        "{base}/utf16.csv", "{base}/folder", "{base}/new.csv", "{base}/lib.db", "{base}/seed.txt", "", " ", "\u202e.txt",
        "{base}/folder/out.csv", "--", "-o",
    ]
)
WORDS = st.one_of(
    PATHS,
    st.sampled_from(["9" * 30, "-1", "0", "1", "2024-13-45", "claim", "\x1b]0;title\x07", "=SUM(A1)", "--help", "-h"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12),
)
COMMANDS = st.sampled_from(
    [
        ["list"], ["list", "--json"], ["search"], ["export"], ["export", "--format", "jsonl"], ["export", "--per-tag"],
        ["export", "-o"], ["export", "--article"], ["export", "--since"], ["export", "--tag"], ["import-annotations"],
        ["codebook", "export", "-o"], ["codebook", "import"], ["add", "--no-analysis"], ["codebook"], ["bogus"],
        ["export", "--until"], ["add", "--no-analysis", "--max-size"],
        ["export", "--format", "qdpx", "-o"], ["export", "--format", "spacy", "-o"], ["export", "--format", "doccano"],
        ["export", "--format", "label-studio", "-o"], ["export", "--articles"], ["codebook", "export", "--format", "qdc", "-o"],
        ["backup"], ["speakers"], ["quotes"], ["agreement"], ["assign"], ["import-annotations", "--help"],
    ]
)


@settings(max_examples=int(os.environ.get("READER_FUZZ_EXAMPLES", "300")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(command=COMMANDS, words=st.lists(WORDS, min_size=1, max_size=3), with_db=st.booleans())
def test_no_command_line_ends_in_a_traceback(playground, command, words, with_db, monkeypatch):
    import reader.interchange.source as source

    import reader.app

    monkeypatch.chdir(playground["base"])  # files the fuzz names are made there
    monkeypatch.setattr(source, "IDLE_TIMEOUT_S", 0.2)  # /dev/stdout read as a pipe that nobody writes
    monkeypatch.setattr(reader.app, "run_app", lambda *a, **k: None)  # `reader bogus`: all but the app itself
    args = [*command, *(w.replace("{base}", playground["base"]) for w in words)]
    if with_db or "--db" not in args:
        args += ["--db", playground["db"]]
    result = CliRunner().invoke(cli, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, repr(result.exception))
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
    assert "Traceback" not in result.output, args


ISSUE_LINES = [
    ["add", "--no-analysis", "/"],
    ["list", "--db", "~nosuchuser_q/x.db"],
    ["export", "--article", "9" * 40],
    ["import-annotations", "/dev/zero"],
    ["codebook", "import", "/dev/zero"],
    ["export", "-o", "/dev/full"],
    ["analyze", "--model", "blank:en", str(SEED)],
    ["add", "--no-analysis", "x" * 300],
    ["export", "-o", "x" * 300],
]


@pytest.mark.parametrize("args", ISSUE_LINES, ids=lambda a: " ".join(a)[:40])
def test_the_audits_command_lines_through_the_real_entry_point(playground, args):
    """The same, through `python -m reader` (main(): startup, the final flush of standard output)."""
    import subprocess
    import sys

    if "--db" not in args:
        args = [*args, "--db", playground["db"]]
    result = subprocess.run(
        [sys.executable, "-m", "reader", *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode in (0, 1, 2), result.stderr
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    if result.returncode == 1:  # (2 is click's usage message: four lines)
        assert len(result.stderr.strip().splitlines()) <= 2, result.stderr
