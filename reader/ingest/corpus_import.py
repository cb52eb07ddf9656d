"""A tabular corpus into the library: the rows of reader.ingest.corpus stored (and analysed) as they stream.

`open_corpus` reads the table; this module de-duplicates, analyses and stores its
records a chunk at a time, so a corpus of a million rows needs the memory of one
chunk, and each chunk is written in one transaction (one commit per chunk, not per
row: ten thousand commits would each wait for the disk). Analysis runs before the
chunk's transaction opens, so another session is never kept waiting for spaCy.

The row's id column is stored in the article's meta as "external_id" (no column of
its own, so no schema change) and every export carries it as `article_external_id`.

No Textual: progress and messages go to callbacks.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from reader.ingest.corpus import (
    Corpus,
    CorpusError,
    CorpusProblem,
    CorpusRecord,
    item_lines,
)
from reader.store import Store

if TYPE_CHECKING:
    from reader.analysis import Analyser

CHUNK = 256  # records analysed and stored together


@dataclass
class CorpusImportReport:
    """What importing one corpus did."""

    name: str
    rows: int = 0  # records and problems read
    added: list[int] = field(default_factory=list)
    duplicates: int = 0
    problems: int = 0  # rows not imported
    warnings: int = 0  # rows imported with a warning
    stopped: str | None = None  # why the reading stopped before the end (the rows before it are stored)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        """Rows per second."""
        return self.rows / self.seconds if self.seconds > 0 else 0.0


@dataclass
class CorpusProgress:
    """Where an import stands, for a progress display: rows read, bytes taken from the stream, articles added."""

    rows: int
    bytes_read: int
    added: int
    elapsed: float


def import_corpus(
    store: Store,
    corpus: Corpus,
    *,
    analyser: Analyser | None = None,
    n_process: int = 1,
    on_line: Callable[[str], None] | None = None,
    progress: Callable[[CorpusProgress], None] | None = None,
    chunk: int = CHUNK,
) -> CorpusImportReport:
    """Store every record of `corpus` not already in the library (by content hash), analysed if `analyser` is given.

    Problems (rows skipped) and warnings (rows imported) are given to `on_line` as
    they are found, one line each naming the corpus and the row; `progress` is
    called after each chunk. A CorpusError from the reading (undecodable bytes
    far into the file, a gzip stream cut short) stops it: the rows before are
    stored, and `stopped` says why (also given to `on_line`).
    """
    report = CorpusImportReport(name=corpus.name)
    started = time.monotonic()
    pending: list[CorpusRecord] = []
    seen: set[str] = set()
    say = on_line or (lambda line: None)

    def flush() -> None:
        if not pending:
            return
        analyses = None
        if analyser is not None:
            from reader.ingest.batch import analyse

            analyses = list(analyse(analyser, [r.article.text for r in pending], n_process))
        with store.transaction():
            for index, record in enumerate(pending):
                article_id, new = store.add_article(record.article, analyses[index] if analyses else None)
                if new:
                    report.added.append(article_id)
                else:  # another session stored it meanwhile
                    report.duplicates += 1
        pending.clear()
        seen.clear()  # what was stored is found by find_article_id from now on
        if progress:
            progress(CorpusProgress(report.rows, corpus.bytes_read, len(report.added), time.monotonic() - started))

    try:
        for item in corpus:  # the corpus's own lines and problems first, then what this row adds
            report.rows += 1
            for line in item_lines(item, corpus.name):
                say(line)
            if isinstance(item, CorpusProblem):
                report.problems += 1
                continue
            if item.warnings:
                report.warnings += 1
            digest = item.article.content_hash
            if digest in seen or store.find_article_id(digest) is not None:
                report.duplicates += 1
                continue
            seen.add(digest)
            pending.append(item)
            if len(pending) >= chunk:
                flush()
    except CorpusError as exc:
        report.stopped = str(exc)
        say(report.stopped)
    flush()  # the rows before one that stopped the reading are kept
    report.seconds = time.monotonic() - started
    return report
