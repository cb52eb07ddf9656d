"""The built wheel, installed in a fresh virtual environment, works outside the checkout."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

import reader

ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # No network: the build backend (hatchling) is already in this environment.
    result = run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "--no-cache-dir", "-q", "-w", out, ROOT],
        cwd=out,
    )
    assert result.returncode == 0, result.stderr
    (built,) = out.glob("reader-*.whl")
    return built


@pytest.fixture(scope="module")
def fresh_venv(wheel, tmp_path_factory) -> Path:
    """A new venv holding only the wheel; the dependencies come from this environment, but not its editable reader."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    result = run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", venv], cwd=venv.parent)
    assert result.returncode == 0, result.stderr
    python = venv / "bin" / "python"
    site = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], cwd=venv).stdout.strip())
    # The dependencies (spaCy, Textual, ...) are those of the test environment: a plain path line, so the
    # editable install's own .pth hook there is not run and the checkout never lands on sys.path.
    (site / "_test_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    result = run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "-q", wheel],
        cwd=venv.parent,
    )
    assert result.returncode == 0, result.stderr
    return venv


def test_wheel_contains_package_styles_and_seed(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "reader/__init__.py" in names
    assert "reader/analysis/pipeline.py" in names
    assert "reader/seeds/000_8d4d9360f55ea89e.txt" in names
    assert any(n.startswith("reader/styles/") and n.endswith(".tcss") for n in names), sorted(names)
    assert not any(n.startswith("tests/") for n in names)


def test_seed_in_wheel_is_unchanged(wheel):
    data = zipfile.ZipFile(wheel).read("reader/seeds/000_8d4d9360f55ea89e.txt")
    assert data == (ROOT / "seeds" / "000_8d4d9360f55ea89e.txt").read_bytes()


def test_installed_command_runs_outside_the_checkout(fresh_venv, tmp_path):
    result = run([fresh_venv / "bin" / "reader", "--version"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert reader.__version__ in result.stdout


def test_installed_package_finds_its_data(fresh_venv, tmp_path):
    code = (
        "import reader, reader.config as c; "
        "print(reader.__file__); print(c.package_data('styles')); print(c.package_data('seeds')); "
        "print(c.sample_article()); print(sorted(p.name for p in c.package_data('styles').glob('*.tcss')))"
    )
    result = run([fresh_venv / "bin" / "python", "-c", code], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    module, styles, seeds, sample, sheets = result.stdout.splitlines()
    site = Path(module).parent.parent
    assert fresh_venv in Path(module).parents, f"imported {module}, not the installed wheel"
    assert ROOT not in Path(module).parents
    assert Path(styles) == site / "reader" / "styles"
    assert Path(seeds) == site / "reader" / "seeds"
    assert Path(sample).name == "000_8d4d9360f55ea89e.txt"
    assert "reader.tcss" in sheets


def test_installed_command_imports_and_analyses(fresh_venv, tmp_path):
    sample = tmp_path / "story.txt"
    sample.write_text(" date 2024-07-13 Maria Lopez spoke in Madrid.", encoding="utf-8")
    result = run([fresh_venv / "bin" / "reader", "add", "--no-analysis", sample, "--db", tmp_path / "x.db"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("1 added")
