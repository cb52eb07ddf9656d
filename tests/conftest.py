"""Shared fixtures: the spaCy analyser is loaded once per test session; one library and app for the UI tests.

Tests live in unit/ (pure logic), ui/ (keyboard flows with Pilot, snapshots) and system/ (the CLI,
the package, processes).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_8d4d9360f55ea89e.txt"


@pytest.fixture(scope="session")
def analyser():
    from reader.analysis import Analyser

    return Analyser()


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def seed_article():
    from reader.ingest.files import read_article

    return read_article(SEED)


@pytest.fixture(scope="session")
def seed_analysis(analyser, seed_article):
    return analyser.analyse(seed_article.text)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    """No test reads the user's config file or database, or their READER_* settings."""
    for name in ("READER_DB", "READER_USER", "READER_MODEL", "READER_MAX_SIZE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("READER_CONFIG", str(tmp_path / "no-config.toml"))
    from reader import config

    config._file_settings.cache_clear()
    yield
    config._file_settings.cache_clear()


@pytest.fixture
def library(tmp_path, seed_article, seed_analysis) -> tuple[Path, int]:
    """A database file holding the analysed seed, closed; returns (path, article id)."""
    from reader.store import Store

    path = tmp_path / "reader.db"
    store = Store(path)
    article = dataclasses.replace(seed_article, source="seeds/000_8d4d9360f55ea89e.txt")
    article_id, _ = store.add_article(article, seed_analysis)
    store.close()
    return path, article_id


@pytest.fixture
def make_app(library):
    """Make the app over `library`, opened at the seed: `make_app(user=..., **options)`."""
    from reader.app import ReaderApp
    from reader.store import Store

    def make(user: str = "tester", **options):
        path, article_id = library
        return ReaderApp(Store(path), user=user, article_ids=[article_id], **options)

    return make
