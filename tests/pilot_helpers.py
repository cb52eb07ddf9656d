"""Helpers for Pilot tests: a library with the seed analysed by hand (no spaCy), waiting, messages."""

from __future__ import annotations

from pathlib import Path

from annotated_seed import analysis, seed

from reader.app import ReaderApp
from reader.store import Store


def make_library(tmp_path: Path) -> tuple[Path, int]:
    path = tmp_path / "reader.db"
    store = Store(path)
    article = seed()
    article_id, _ = store.add_article(article, analysis(article.text))
    store.close()
    return path, article_id


def notifications(app: ReaderApp) -> list[str]:
    return [n.message for n in app._notifications]  # noqa: SLF001


async def wait_until(pilot, condition, what: str) -> None:
    """Let the app run until `condition()` holds (a bounded wait, not a speed test)."""
    for _ in range(400):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never happened: {what}")
