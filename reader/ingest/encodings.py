"""What encoding bytes are in: a byte order mark, else charset-normalizer's guesses.

Shared by file import (reader.ingest.files) and corpus import (reader.ingest.corpus).
"""

from __future__ import annotations

import codecs

BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def by_bom(data: bytes) -> str | None:
    """The codec named by the byte order mark `data` starts with, or None."""
    return next((name for bom, name in BOMS if data.startswith(bom)), None)


def guesses(sample: bytes) -> list[str]:
    """charset-normalizer's encodings for `sample`, most likely first; empty if it finds none.

    Among single-byte code pages it finds about equally likely, Windows-1252 (Western Europe)
    comes first: news in a Western language saved by a Windows tool is far more common than the
    Central European or Baltic pages it cannot tell from it.
    """
    import charset_normalizer  # 50 ms to import: only when a file is not UTF-8

    results = charset_normalizer.from_bytes(sample)
    best = results.best()
    if best is None:
        return []
    for result in results:
        if "cp1252" in result.could_be_from_charset and result.chaos <= best.chaos + 0.1:
            return ["cp1252", best.encoding] if best.encoding != "cp1252" else ["cp1252"]
    return [best.encoding]
