"""Bringing files into the library: read, de-duplicate, analyse, store.

Shared by the CLI and the app; reports progress through a callback so it
knows nothing of terminals.
"""

from __future__ import annotations

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

    `options` (dayfirst, encoding) go to `read_article`.
    """
    parsed, errors = read_files(paths, max_bytes, **options)
    report = ImportReport(errors=errors, warnings=[line for _, article in parsed for line in article.warnings])
    new: list[tuple[Path, ParsedArticle]] = []
    seen: dict[str, int] = {}
    for path, article in parsed:
        existing = store.find_article_id(article.content_hash)
        if existing is not None:
            report.duplicates.append((path, existing))
        elif article.content_hash in seen:
            report.duplicates.append((path, -1 - seen[article.content_hash]))
        else:
            seen[article.content_hash] = len(new)
            new.append((path, article))
    total = len(new)
    if progress:
        progress(0, total)
    analyses = analyse(analyser, [a.text for _, a in new], n_process) if analyser else None
    for done, (path, article) in enumerate(new, start=1):
        analysis = next(analyses) if analyses is not None else None
        article_id, _ = store.add_article(article, analysis)
        report.added.append((path, article_id))
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
    """(Re-)analyse stored articles; returns how many were analysed."""
    if progress:
        progress(0, len(article_ids))
    texts = (store.get_article_text(i) for i in article_ids)
    for done, (article_id, analysis) in enumerate(zip(article_ids, analyse(analyser, texts, n_process)), start=1):
        store.set_analysis(article_id, analysis)
        if progress:
            progress(done, len(article_ids))
    return len(article_ids)


def analyse(analyser: Analyser, texts: Iterable[str], n_process: int = 1) -> Iterator[Analysis]:
    """Analyses of `texts`, in order, in `n_process` processes.

    Each worker parses and applies reader's rules, and sends back only what was found.
    (spaCy's own `n_process` sends back whole parsed documents, and the rules then run in
    this process: measured side by side on two cores, that is 4% slower, 1.76x one process
    against 1.84x.)
    """
    if n_process <= 1:
        yield from analyser.analyse_many(texts)
        return
    global _worker_analyser
    _worker_analyser = analyser  # a forked worker starts with the pipeline already loaded
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with context.Pool(n_process, initializer=_start_worker, initargs=(analyser.model,)) as pool:
        for analyses in pool.imap(_analyse_batch, _batches(texts, BATCH)):
            yield from analyses


_worker_analyser: Analyser | None = None


def _start_worker(model: str) -> None:
    global _worker_analyser
    if _worker_analyser is None or _worker_analyser.model != model:
        from reader.analysis import Analyser

        _worker_analyser = Analyser(model)


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
