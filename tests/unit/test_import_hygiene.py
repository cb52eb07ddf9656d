"""The headless packages import no Textual (as Harlequin tests its own): they run in the CLI, in
benchmarks and in worker processes, and a later screen reuses them as they are."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import reader

# Every module of the headless packages, found (a new module is checked without being listed), and the
# headless modules beside them.
HEADLESS_PACKAGES = ("analysis", "editing", "interchange", "ingest", "agreement", "text")
HEADLESS_MODULES = ("store", "schema", "model", "reliability", "blinding", "adjudication", "speakers", "colours")
HEADLESS = sorted(
    [f"reader.{name}" for name in HEADLESS_MODULES]
    + [
        info.name
        for package in HEADLESS_PACKAGES
        for info in pkgutil.walk_packages([f"{reader.__path__[0]}/{package}"], prefix=f"reader.{package}.")
    ]
    + [f"reader.{package}" for package in HEADLESS_PACKAGES]
)


@pytest.mark.parametrize("module", HEADLESS)
def test_headless_module_imports_no_textual(module):
    code = (
        f"import sys, {module}; "
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')); "
        "print(bad[:3]); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{module} imports Textual: {result.stdout or result.stderr[-500:]}"
