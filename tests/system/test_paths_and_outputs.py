"""Files and paths: every way a path or an output can fail is one line, and an export is never
left half-written as if complete, never replaces a device, and is readable by its owner only.

The audit: `export -o` renamed its temporary file over /dev/full (as root) and failed on
/dev/stdout; a full disk gave tracebacks from `export -o`, `export --format jsonl -o`,
`codebook export -o` and from `export`, `list --json`, `analyze --json` redirected to it; a --db,
-o or add path in a folder the user cannot enter, a name too long, `~nouser/x`, `--article 999…9`,
an unreadable config folder, `reader /` and `export -o` over another user's file in a sticky
folder gave tracebacks; CLI exports were 0644; a killed export left its .tmp file.
"""

from __future__ import annotations

import ctypes
import errno
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.cli import cli
from reader.store import Store

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_8d4d9360f55ea89e.txt"
NOBODY = 65534
as_root = pytest.mark.skipif(os.getuid() != 0, reason="needs root")


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "lib.db"
    store = Store(path)
    from annotated_seed import annotate, seed

    article_id, _ = store.add_article(seed())
    annotate(store, article_id)
    store.close()
    return path


def reader(*args: str, stdout=subprocess.PIPE, drop_dac: bool = False, **kwargs) -> subprocess.CompletedProcess:
    """`python -m reader ARGS` from this checkout; `drop_dac`: as root without the power to ignore permissions."""
    return subprocess.run(
        [sys.executable, "-m", "reader", *args], cwd=ROOT, stdout=stdout, stderr=subprocess.PIPE, text=True,
        preexec_fn=_drop_dac if drop_dac else None, timeout=120, **kwargs,
    )


def _drop_dac() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, out of the bounding set
        if libc.prctl(24, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl")


def one_line(result, *expected: str, code: int = 1) -> str:
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


def invoke(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


# ---------------------------------------------------------------- outputs that are not regular files


def test_export_to_dev_full_says_one_line_and_leaves_the_device(db):
    before = os.stat("/dev/full")
    result = invoke("export", "--db", str(db), "-o", "/dev/full")
    assert result.exit_code == 1 and "No space left on device" in result.stderr and "incomplete" in result.stderr
    after = os.stat("/dev/full")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev


def test_export_to_a_fifo_writes_into_it(db, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    thread = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    thread.start()
    result = invoke("export", "--db", str(db), "-o", str(fifo))
    thread.join(10)
    assert result.exit_code == 0, result.stderr
    assert received and received[0].startswith(b"annotation_id,")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize("target", ["-", "/dev/stdout"])
def test_export_to_standard_output_by_name(db, target):
    result = reader("export", "--db", str(db), "-o", target)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("annotation_id,")


# ---------------------------------------------------------------- a full disk


@pytest.mark.parametrize(
    "args",
    [["export"], ["export", "--format", "jsonl"], ["codebook", "export"]],
)
def test_a_full_disk_under_export_o_is_one_line_and_leaves_no_file(db, tmp_path, monkeypatch, args):
    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    out = tmp_path / "out.csv"
    result = invoke(*args, "--db", str(db), "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "No space left on device" in result.stderr
    assert not out.exists() and [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_full_disk_keeps_the_previous_export_as_it_was(db, tmp_path, monkeypatch):
    out = tmp_path / "out.csv"
    out.write_text("the previous export")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    result = invoke("export", "--db", str(db), "-o", str(out))
    assert result.exit_code == 1 and out.read_text() == "the previous export"


@pytest.mark.parametrize("args", [["export"], ["list", "--json"], ["export", "--format", "jsonl"]])
def test_standard_output_on_a_full_disk_is_one_line(db, args):
    with open("/dev/full", "w") as full:
        result = reader(*args, "--db", str(db), stdout=full)
    one_line(result, "No space left on device")


def test_analyze_json_on_a_full_disk_is_one_line():
    with open("/dev/full", "w") as full:
        result = reader("analyze", "--json", "--model", "blank:en", str(SEED), stdout=full)
    one_line(result, "No space left on device")


# ---------------------------------------------------------------- private exports


def test_cli_exports_are_owner_only_and_stay_so(db, tmp_path):
    old = os.umask(0o022)
    try:
        out = tmp_path / "notes.csv"
        assert invoke("export", "--db", str(db), "-o", str(out)).exit_code == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
        assert invoke("export", "--db", str(db), "-o", str(out)).exit_code == 0  # re-export over it
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
        code = tmp_path / "codebook.csv"
        code.write_text("old")
        code.chmod(0o644)
        assert invoke("codebook", "export", "--db", str(db), "-o", str(code)).exit_code == 0
        assert stat.S_IMODE(code.stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_an_export_being_written_has_no_name_and_a_killed_ones_leftover_goes(db, tmp_path, monkeypatch):
    out = tmp_path / "out.csv"
    stale = tmp_path / ".out.csv.999999999.abcd1234.tmp"  # left by an export killed mid-way (no such process)
    stale.write_text("half")
    import reader.interchange.output as output

    seen: list[list[str]] = []
    real = output.export

    def spy(store, stream, *args, **kwargs):
        seen.append(sorted(p.name for p in tmp_path.iterdir()))
        return real(store, stream, *args, **kwargs)

    monkeypatch.setattr(output, "export", spy)
    assert invoke("export", "--db", str(db), "-o", str(out)).exit_code == 0
    assert not stale.exists()
    if hasattr(os, "O_TMPFILE"):
        assert not any(name.endswith(".tmp") for name in seen[0])  # a kill now would leave nothing behind
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".tmp") == []


@as_root
def test_export_over_another_users_file_in_a_sticky_folder_is_one_line(db, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    theirs = shared / "out.csv"
    theirs.write_text("theirs")
    os.chown(theirs, NOBODY, NOBODY)
    result = invoke("export", "--db", str(db), "-o", str(theirs))
    assert result.exit_code == 1 and "belongs to another user" in result.stderr and result.stderr.count("\n") == 1
    assert theirs.read_text() == "theirs"


# ---------------------------------------------------------------- paths


@pytest.fixture
def locked(tmp_path) -> Path:
    folder = tmp_path / "locked"
    (folder / "inner").mkdir(parents=True)
    (folder / "inner" / "a.txt").write_text("Some article text.")
    folder.chmod(0)
    yield folder
    folder.chmod(0o700)


@as_root
@pytest.mark.parametrize(
    "args",
    [
        lambda db, locked: ["list", "--db", str(locked / "inner" / "x.db")],
        lambda db, locked: ["add", "--no-analysis", "--db", str(locked / "inner" / "x.db"), str(SEED)],
        lambda db, locked: ["export", "--db", str(db), "-o", str(locked / "inner" / "out.csv")],
        lambda db, locked: ["add", "--no-analysis", "--db", str(db), str(locked / "inner" / "a.txt")],
        lambda db, locked: ["import-annotations", "--db", str(db), str(locked / "inner" / "a.csv")],
        lambda db, locked: ["codebook", "import", "--db", str(db), str(locked / "inner" / "a.csv")],
    ],
    ids=["--db list", "--db add", "-o", "add", "import-annotations", "codebook import"],
)
def test_a_folder_that_cannot_be_entered_is_one_line(db, locked, args):
    db.parent.chmod(0o755)
    one_line(reader(*args(db, locked), drop_dac=True), "ermission denied")


@as_root
def test_an_unreadable_config_folder_is_one_line(db, tmp_path, monkeypatch, locked):
    monkeypatch.setenv("READER_CONFIG", str(locked / "inner" / "config.toml"))
    one_line(reader("list", drop_dac=True), "config", "ermission denied")  # no --db: the config file is read


LONG = "x" * 300


@pytest.mark.parametrize(
    "args",
    [
        lambda db, tmp: ["list", "--db", str(tmp / LONG / "x.db")],
        lambda db, tmp: ["list", "--db", str(tmp / f"{LONG}.db")],
        lambda db, tmp: ["export", "--db", str(db), "-o", str(tmp / LONG)],
        lambda db, tmp: ["add", "--no-analysis", "--db", str(db), str(tmp / LONG)],
        lambda db, tmp: ["import-annotations", "--db", str(db), str(tmp / LONG)],
        lambda db, tmp: [str(tmp / LONG), "--db", str(db)],
    ],
    ids=["--db folder", "--db", "-o", "add", "import-annotations", "open"],
)
def test_a_name_too_long_is_one_line(db, tmp_path, args):
    result = invoke(*args(db, tmp_path))
    assert result.exit_code == 1, result.output
    assert result.stderr.count("\n") == 1 and "too long" in result.stderr, result.stderr


@pytest.mark.parametrize(
    "args",
    [
        lambda db: ["list", "--db", "~nosuchuser_xyz/x.db"],
        lambda db: ["export", "--db", str(db), "-o", "~nosuchuser_xyz/out.csv"],
        lambda db: ["add", "--no-analysis", "--db", str(db), "~nosuchuser_xyz/a.txt"],
        lambda db: ["import-annotations", "--db", str(db), "~nosuchuser_xyz/a.csv"],
        lambda db: ["codebook", "import", "--db", str(db), "~nosuchuser_xyz/a.csv"],
    ],
    ids=["--db", "-o", "add", "import-annotations", "codebook import"],
)
def test_the_home_of_no_such_user_is_one_line(db, args):
    result = invoke(*args(db))
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "nosuchuser_xyz" in result.stderr, result.stderr


def test_an_article_id_too_large_is_a_usage_error(db):
    result = invoke("export", "--db", str(db), "--article", "9" * 30)
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_the_store_says_one_line_for_a_number_too_large(db):
    from reader.store import StoreError

    store = Store(db)
    with pytest.raises(StoreError):
        store.missing_article_ids([10**30])
    store.close()


def test_reader_slash_is_one_line(db):
    result = invoke("add", "--no-analysis", "--db", str(db), "/")
    assert result.exit_code == 1 and "whole file system" in result.stderr


def test_pseudo_file_systems_are_not_walked(tmp_path, monkeypatch):
    import reader.ingest.files as files

    (tmp_path / "proc").mkdir()
    (tmp_path / "proc" / "status.txt").write_text("never read")
    (tmp_path / "story.txt").write_text("An article.")
    monkeypatch.setattr(files, "PSEUDO_FOLDERS", (str(tmp_path / "proc"),))
    found, errors = files.find_article_files([tmp_path])
    assert [p.name for p in found] == ["story.txt"] and errors == []


@as_root
def test_a_folder_that_cannot_be_read_inside_an_added_one_is_one_line_and_the_rest_imports(db, tmp_path):
    folder = tmp_path / "articles"
    (folder / "private").mkdir(parents=True)
    (folder / "story.txt").write_text("An article that can be read.")
    (folder / "private" / "hidden.txt").write_text("Cannot be read.")
    (folder / "private").chmod(0)
    try:
        result = reader("add", "--no-analysis", "--db", str(db), str(folder), drop_dac=True)
    finally:
        (folder / "private").chmod(0o700)
    line = one_line(result, "private", "ermission denied", "skipped")
    assert "1 added" in result.stdout, (line, result.stdout)


@pytest.mark.parametrize("args", [
    ["export", "--format", "qdpx"], ["export", "--format", "spacy"], ["codebook", "export", "--format", "qdc"],
], ids=["qdpx", "spacy", "qdc"])
def test_binary_exports_write_a_device_and_never_replace_it(db, args):
    """Binary and XML exports go through the same writer as CSV: /dev/null stays a device."""
    before = os.stat("/dev/null")
    result = invoke(*args, "--db", str(db), "-o", "/dev/null")
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("args", [["export"], ["codebook", "export"]])
def test_an_export_over_the_library_itself_is_refused(db, args):
    before = db.read_bytes()
    result = invoke(*args, "--db", str(db), "-o", str(db))
    assert result.exit_code == 1 and "is the library itself" in result.stderr
    assert db.read_bytes() == before
