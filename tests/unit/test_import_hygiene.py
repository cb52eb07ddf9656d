"""The headless packages import no Textual (as Harlequin tests its own): they run in the CLI, in
benchmarks and in worker processes, and a later screen reuses them as they are."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEADLESS = [
    "reader.store",
    "reader.schema",
    "reader.model",
    "reader.analysis",
    "reader.editing.session",
    "reader.editing.autosave",
    "reader.editing.verify",
    "reader.reliability",
    "reader.blinding",
    "reader.agreement",
    "reader.interchange.csv",
    "reader.interchange.jsonl",
    "reader.interchange.codebook",
    "reader.interchange.importer",
    "reader.interchange.output",
    "reader.interchange.qdpx_library",
    "reader.interchange.spacy_docbin",
    "reader.interchange.label_studio",
    "reader.interchange.doccano",
    "reader.ingest.files",
    "reader.ingest.batch",
    "reader.ingest.metadata",
    "reader.ingest.corpus_import",
    "reader.text.wrap",
    "reader.text.highlights",
    "reader.text.inert",
]


@pytest.mark.parametrize("module", HEADLESS)
def test_headless_module_imports_no_textual(module):
    code = (
        f"import sys, {module}; "
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')); "
        "print(bad[:3]); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{module} imports Textual: {result.stdout or result.stderr[-500:]}"
