"""The library's keys: from the search box, the first Down lands on the first row, and enter opens it."""

from __future__ import annotations

from reader.app import ReaderApp
from reader.ingest.article import ParsedArticle
from reader.screens.library import LibraryScreen
from reader.screens.reader_screen import ReaderScreen
from reader.store import Store
from reader.widgets.article_table import ArticleTable

from pilot_helpers import wait_until

# Newest first in the library: "Harbour" (2024-03) is its first row, "Budget" its last.
ARTICLES = [
    ("Budget vote delayed", "2024-01-05", "The council delayed the budget vote on the harbour plan."),
    ("Bridge repairs begin", "2024-02-05", "Repairs of the old bridge begin on Monday, the harbour office said."),
    ("Harbour plan approved", "2024-03-05", "The harbour plan was approved after a long night of debate."),
]


def make_app(tmp_path) -> ReaderApp:
    store = Store(tmp_path / "reader.db")
    for title, date, text in ARTICLES:
        store.add_article(ParsedArticle(text=text, title=title, date=date))
    return ReaderApp(store, user="tester")


def opened_title(app: ReaderApp) -> str:
    return app.screen.article.title  # type: ignore[attr-defined]


async def open_library(app: ReaderApp, pilot) -> ArticleTable:
    if not isinstance(app.screen, LibraryScreen):
        await pilot.press("o")
    await wait_until(pilot, lambda: isinstance(app.screen, LibraryScreen), "the library")
    table = app.screen.query_one(ArticleTable)
    await wait_until(pilot, lambda: table.row_count == len(ARTICLES), "every article listed")
    return table


async def test_down_from_a_search_selects_the_first_match_and_enter_opens_it(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 24)) as pilot:
        table = await open_library(app, pilot)
        await pilot.press("slash", *"harbour")
        await wait_until(pilot, lambda: "3 matches" in str(app.screen.query_one("#library-title").render()),
                         "the search's matches")
        first = table.key_of(0)
        await pilot.press("down")
        assert table.has_focus
        assert table.cursor_row == 0
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the article opened")
        assert first is not None and opened_title(app) == _title_of(app, first)


async def test_down_from_an_empty_search_selects_the_first_article(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 24)) as pilot:
        table = await open_library(app, pilot)
        await pilot.press("down", "down")  # the cursor somewhere else first
        await pilot.press("slash")
        await pilot.press("down")
        assert table.has_focus
        assert table.cursor_row == 0
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the article opened")
        assert opened_title(app) == "Harbour plan approved"


def _title_of(app: ReaderApp, key: str) -> str:
    return app.store.get_article(int(key.partition(":")[0])).title
