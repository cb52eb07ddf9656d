"""sqlite-utils, imported without numpy: a third of reader's start-up otherwise.

sqlite-utils imports numpy and pandas, if installed, only to map their number
types to column types. spaCy installs numpy, so every `reader` would spend about
50 ms loading it before the first screen. reader never stores numpy values, so
numpy is hidden while sqlite-utils is first imported (unless it is loaded already).
"""

from __future__ import annotations

import sys


def _import_without_numpy() -> None:
    hidden = [name for name in ("numpy", "pandas") if name not in sys.modules]
    if "sqlite_utils.db" in sys.modules or "numpy" not in hidden:
        return
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # `import numpy` raises ImportError
    try:
        import sqlite_utils.db  # noqa: F401
    finally:
        for name in hidden:
            del sys.modules[name]


_import_without_numpy()

from sqlite_utils import Database  # noqa: E402
from sqlite_utils.migrations import Migrations  # noqa: E402

__all__ = ["Database", "Migrations"]
