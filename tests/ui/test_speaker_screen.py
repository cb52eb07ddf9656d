"""The speaker index screen: S from the reader, type to filter, enter for a speaker's quotations, enter opens the article there."""

from __future__ import annotations

from pilot_helpers import make_library, wait_until

from reader.app import ReaderApp
from reader.ingest.article import ParsedArticle
from reader.model import Analysis, Quote
from reader.screens.reader_screen import ReaderScreen
from reader.screens.speakers import SpeakerIndexScreen, SpeakerQuotesScreen
from reader.store import Store


def _library(tmp_path):
    path, seed_id = make_library(tmp_path)
    store = Store(path)
    words = "We will look at every part of this budget again"
    text = f"Intro line.\n\n“{words},” a spokesperson said."
    start = text.index(words)
    source = text.index("a spokesperson")
    other, _ = store.add_article(
        ParsedArticle(text, "Budget", date="2024-07-20", source="https://www.example.org/budget"),
        Analysis([], [Quote(start, start + len(words), words, None, None, None, "said", source, source + 14)], "test"),
    )
    store.close()
    return path, seed_id, other, start


async def open_index(pilot, app) -> None:
    """From the reader, once the seed is open: S, and the index with its speakers."""
    await wait_until(pilot, lambda: app.screen.article is not None, "the seed opens")
    await pilot.press("S")
    await wait_until(pilot, lambda: isinstance(app.screen, SpeakerIndexScreen) and app.screen.speakers, "the index")


async def test_the_index_filters_opens_a_speaker_and_then_the_article_at_the_quotation(tmp_path):
    path, seed_id, other, start = _library(tmp_path)
    app = ReaderApp(Store(path), user="tester", article_ids=[seed_id])
    async with app.run_test(size=(120, 40)) as pilot:
        await open_index(pilot, app)
        screen = app.screen
        assert [(s.name, s.kind) for s in screen.shown] == [("a spokesperson", "unnamed"), ("Mary Marlowe Sommer", "person")]  # as many quotations: by name
        await pilot.press(*"spokes")
        await pilot.pause()
        assert [s.name for s in screen.shown] == ["a spokesperson"]
        assert "1 speaker of 2" in str(screen.query_one("#speakers-title").render())
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SpeakerQuotesScreen), "the speaker's quotations")
        assert [(q.article_id, q.outlet) for q in app.screen.speaker.quotes] == [(other, "example.org")]
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: isinstance(app.screen, ReaderScreen) and app.screen.article and app.screen.article.id == other,
            "the article opens",
        )
        await wait_until(pilot, lambda: app.screen.view.cursor == start, "at the quotation")


async def test_escape_clears_the_filter_then_goes_back(tmp_path):
    path, seed_id, _, _ = _library(tmp_path)
    app = ReaderApp(Store(path), user="tester", article_ids=[seed_id])
    async with app.run_test(size=(120, 40)) as pilot:
        await open_index(pilot, app)
        await pilot.press("m", "a", "r", "y")
        await pilot.pause()
        assert len(app.screen.shown) == 1
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.screen.shown) == 2
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SpeakerQuotesScreen), "the quotations")
        assert app.screen.speaker.name == "Mary Marlowe Sommer"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SpeakerIndexScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)


async def test_the_library_opens_the_index_too(tmp_path):
    from reader.screens.library import LibraryScreen

    path, seed_id, _, _ = _library(tmp_path)
    app = ReaderApp(Store(path), user="tester", article_ids=[seed_id])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.screen.article is not None, "the seed opens")
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, LibraryScreen), "the library")
        await pilot.press("S")
        await wait_until(pilot, lambda: isinstance(app.screen, SpeakerIndexScreen) and app.screen.speakers, "the index")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SpeakerQuotesScreen), "the quotations")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "back in the reader, at the article")


async def test_ctrl_o_sorts_by_the_next_column(tmp_path):
    path, seed_id, _, _ = _library(tmp_path)
    app = ReaderApp(Store(path), user="tester", article_ids=[seed_id])
    async with app.run_test(size=(120, 40)) as pilot:
        await open_index(pilot, app)
        screen = app.screen
        for _ in ("name", "kind"):
            await pilot.press("ctrl+o")
        await pilot.pause()
        assert "by kind" in str(screen.query_one("#speakers-title").render())
        assert [s.kind for s in screen.shown] == ["person", "unnamed"]
