"""Import orchestration: read, de-duplicate, analyse, store, report."""

from __future__ import annotations

import shutil

from reader.ingest.batch import analyse_stored, import_files, read_files
from reader.store import Store


def test_import_reports_added_duplicates_and_errors(tmp_path, seed_path, analyser):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(seed_path, folder / "a.txt")
    shutil.copy(seed_path, folder / "b.txt")  # the same article twice in one batch
    (folder / "c.md").write_text("# Other\n\nJohn Smith went to Paris.\n", encoding="utf-8")
    (folder / "d.txt").write_bytes(b"")
    store = Store()
    calls = []
    report = import_files(store, [folder], 1_000_000, analyser=analyser, progress=lambda d, t: calls.append((d, t)))
    assert [p.name for p, _ in report.added] == ["a.txt", "c.md"]
    assert [(p.name, i) for p, i in report.duplicates] == [("b.txt", report.added[0][1])]
    assert len(report.errors) == 1 and "d.txt" in report.errors[0]
    assert calls[0] == (0, 4) and calls[-1] == (4, 4)  # files: two new, a duplicate, an empty one
    assert store.count_articles() == 2
    for _, article_id in report.added:
        assert store.get_article(article_id).analyser == analyser.version
    assert sorted(report.article_ids) == sorted([report.added[0][1], report.added[0][1], report.added[1][1]])

    again = import_files(store, [folder], 1_000_000, analyser=analyser)
    assert again.added == []
    assert sorted(p.name for p, _ in again.duplicates) == ["a.txt", "b.txt", "c.md"]
    assert store.count_articles() == 2


def test_import_without_analysis_then_analyse_stored(tmp_path, seed_path, analyser):
    store = Store()
    report = import_files(store, [seed_path], 1_000_000)
    (article_id,) = [i for _, i in report.added]
    assert not store.get_article(article_id).analysed
    assert analyse_stored(store, store.articles_needing_analysis(), analyser) == 1
    stored = store.get_article(article_id)
    assert stored.analyser == analyser.version
    assert stored.quotes[0].speaker == "Mary Marlowe Sommer"


def test_read_files_keeps_going_after_errors(tmp_path, seed_path):
    (tmp_path / "big.txt").write_text("x " * 600, encoding="utf-8")
    parsed, errors = read_files([tmp_path / "missing.txt", tmp_path / "big.txt", seed_path], max_bytes=1_000)
    assert [p for p, _ in parsed] == []  # the seed is over 1,000 bytes too
    assert len(errors) == 3
    parsed, errors = read_files([tmp_path / "missing.txt", seed_path], max_bytes=1_000_000)
    assert [p for p, _ in parsed] == [seed_path] and len(errors) == 1


def test_analysis_in_processes_gives_the_same_results_in_order(analyser, seed_article):
    """Workers parse and apply the rules; what comes back is what one process finds, text by text."""
    from reader.ingest.batch import analyse

    texts = [seed_article.text, "John Smith said \"we will win\" in Paris.", "", seed_article.text[:700]] * 3
    assert list(analyse(analyser, texts, n_process=2)) == list(analyse(analyser, texts, n_process=1))


def test_import_with_two_processes(tmp_path, seed_path, analyser):
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(11):
        (folder / f"{n:02}.txt").write_text(f"Dispatch {n}.\n\n" + seed_path.read_text(encoding="utf-8"), encoding="utf-8")
    store = Store()
    report = import_files(store, [folder], 1_000_000, analyser=analyser, n_process=2)
    assert len(report.added) == 11
    one = analyser.analyse(store.get_article_text(report.added[4][1]))
    article = store.get_article(report.added[4][1])
    assert (article.entities, article.quotes) == (one.entities, one.quotes)


def test_add_files_prompt_completes_paths(tmp_path, monkeypatch):
    from reader.screens.prompts import complete_path

    (tmp_path / "articles").mkdir()
    for name in ("a1.txt", "a2.txt", ".hidden.txt"):
        (tmp_path / "articles" / name).write_text("x")
    monkeypatch.chdir(tmp_path)
    assert complete_path("art") == "articles/"
    assert complete_path("articles/") == "articles/a"  # a1 and a2: their common start
    assert complete_path("articles/a") is None
    assert complete_path("articles/a1.txt articles/a2") == "articles/a1.txt articles/a2.txt"
    assert complete_path("articles/.h") == "articles/.hidden.txt"
    assert complete_path("nothing") is None
