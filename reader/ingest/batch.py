"""Bringing files into the library: read, de-duplicate, analyse, store.

Shared by the CLI and the app; reports progress through a callback so it
knows nothing of terminals.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from reader.ingest.article import ArticleError, ParsedArticle
from reader.ingest.files import find_article_files, read_article
from reader.store import Store

if TYPE_CHECKING:  # importing the analysis rules would slow `reader` opening a file
    from reader.analysis import Analyser
    from reader.model import Analysis

BATCH = 8  # texts a worker process analyses at a time
CHUNK = 1000  # files read (and, without analysis, stored in one transaction) at a time

Progress = Callable[[int, int], None]


@dataclass
class ImportReport:
    """What an import did, file by file."""

    added: list[tuple[Path, int]] = field(default_factory=list)
    duplicates: list[tuple[Path, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # files imported all the same (a tiny body, an unclear date)

    @property
    def article_ids(self) -> list[int]:
        return [i for _, i in self.added + self.duplicates]


def read_files(
    paths: Iterable[str | Path], max_bytes: int, **options: Any
) -> tuple[list[tuple[Path, ParsedArticle]], list[str]]:
    """Parse every article file under `paths`; errors are one line each and do not stop the rest.

    `options` (dayfirst, encoding) go to `read_article`.
    """
    files, errors = find_article_files(list(paths))
    parsed = []
    for path in files:
        try:
            parsed.append((path, read_article(path, max_bytes, **options)))
        except ArticleError as exc:
            errors.append(str(exc))
    return parsed, errors


def import_files(
    store: Store,
    paths: Iterable[str | Path],
    max_bytes: int,
    analyser: Analyser | None = None,
    n_process: int = 1,
    progress: Progress | None = None,
    **options: Any,
) -> ImportReport:
    """Import articles; with an analyser, analyse the new ones (in `n_process` processes) as they are stored.

    Files are read CHUNK at a time, so memory stays flat however many there are. Without
    analysis a chunk is stored in one transaction (one commit per article made 100,000 files
    take minutes longer); with analysis each article is stored with its analysis in one
    transaction as it comes back, so an import that is killed leaves only whole articles,
    and run again it finds those already in the library and analyses only the rest.
    `progress(done, total)` counts files. `options` (dayfirst, encoding) go to `read_article`.
    """
    files, errors = find_article_files(list(paths))
    report = ImportReport(errors=errors, warnings=[])
    seen: dict[str, int] = {}
    total = len(files)
    if progress:
        progress(0, total)
    done = 0
    with analysis_workers(analyser, _useful_processes(n_process, total)) as analyse_texts:
        for start in range(0, total, CHUNK):
            new: list[tuple[Path, ParsedArticle]] = []
            for path in files[start : start + CHUNK]:
                try:
                    article = read_article(path, max_bytes, **options)
                except ArticleError as exc:
                    report.errors.append(str(exc))
                    continue
                report.warnings.extend(article.warnings)
                existing = store.find_article_id(article.content_hash)
                if existing is not None:
                    report.duplicates.append((path, existing))
                elif article.content_hash in seen:
                    report.duplicates.append((path, -1 - seen[article.content_hash]))
                else:
                    seen[article.content_hash] = len(report.added) + len(new)
                    new.append((path, article))
            skipped = min(CHUNK, total - start) - len(new)
            done += skipped
            if progress and skipped:
                progress(done, total)
            if analyse_texts is None:
                with store.transaction():
                    for path, article in new:
                        report.added.append((path, store.add_article(article)[0]))
                done += len(new)
                if progress and new:
                    progress(done, total)
                continue
            for (path, article), analysis in zip(new, analyse_texts([a.text for _, a in new])):
                report.added.append((path, store.add_article(article, analysis)[0]))
                if analysis.skipped:  # a language without a pipeline: stored, and said so
                    report.warnings.append(f"{path}: {analysis.skipped}")
                done += 1
                if progress:
                    progress(done, total)
    # Duplicates within the batch point at the copy stored above.
    report.duplicates = [
        (path, report.added[-1 - ref][1] if ref < 0 else ref) for path, ref in report.duplicates
    ]
    return report


def analyse_stored(
    store: Store, article_ids: list[int], analyser: Analyser, n_process: int = 1, progress: Progress | None = None
) -> int:
    """(Re-)analyse stored articles, CHUNK texts read at a time; returns how many were analysed.

    Each article's analysis is stored (and the article leaves the analysis queue) in one
    transaction as it comes back: killed and run again, only what is left is done.
    """
    total = len(article_ids)
    if progress:
        progress(0, total)
    done = 0
    with analysis_workers(analyser, _useful_processes(n_process, total)) as analyse_texts:
        assert analyse_texts is not None
        for start in range(0, total, CHUNK):
            ids = article_ids[start : start + CHUNK]
            for article_id, analysis in zip(ids, analyse_texts([store.get_article_text(i) for i in ids])):
                store.set_analysis(article_id, analysis)
                done += 1
                if progress:
                    progress(done, total)
    return total


def _useful_processes(n_process: int, texts: int) -> int:
    """No more worker processes than there are batches for them (forking for one article costs more than it saves)."""
    return max(1, min(n_process, -(-texts // BATCH)))


@contextlib.contextmanager
def analysis_workers(
    analyser: Analyser | None, n_process: int = 1
) -> Iterator[Callable[[list[str]], Iterator[Analysis]] | None]:
    """A function giving the analyses of a list of texts in order, in `n_process` processes kept for the whole import.

    Each worker parses and applies reader's rules, and sends back only what was found.
    (spaCy's own `n_process` sends back whole parsed documents, and the rules then run in
    this process: measured side by side on two cores, that is 4% slower, 1.76x one process
    against 1.84x.) None without an analyser.
    """
    if analyser is None:
        yield None
        return
    if n_process <= 1:
        yield lambda texts: analyser.analyse_many(texts)
        return
    global _worker_analyser
    _worker_analyser = analyser  # a forked worker starts with the pipeline already loaded
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    pool = context.Pool(n_process, initializer=_start_worker, initargs=(analyser.model, analyser.pipelines))

    def analyse_texts(texts: list[str]) -> Iterator[Analysis]:
        for analyses in pool.imap(_analyse_batch, _batches(texts, BATCH)):
            yield from analyses

    try:
        yield analyse_texts
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def analyse(analyser: Analyser, texts: Iterable[str], n_process: int = 1) -> Iterator[Analysis]:
    """Analyses of `texts`, in order, in `n_process` processes (see analysis_workers)."""
    with analysis_workers(analyser, n_process) as analyse_texts:
        assert analyse_texts is not None
        yield from analyse_texts(list(texts))


_worker_analyser: Analyser | None = None


def _start_worker(model: str, pipelines: dict[str, str] | None = None) -> None:
    global _worker_analyser
    if _worker_analyser is None or _worker_analyser.model != model:
        from reader.analysis import Analyser

        _worker_analyser = Analyser(model, pipelines)


def _analyse_batch(texts: list[str]) -> list[Analysis]:
    assert _worker_analyser is not None
    return list(_worker_analyser.analyse_many(texts))


def _batches(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
