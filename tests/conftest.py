"""Shared fixtures: the spaCy analyser is loaded once per test session."""

from __future__ import annotations

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
