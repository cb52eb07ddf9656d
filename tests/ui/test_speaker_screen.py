"""The speaker index screen: S from the reader, type to filter, enter for a speaker's quotations, enter opens the article there."""

from __future__ import annotations

from pilot_helpers import make_library, wait_until

from reader.app import ReaderApp
from reader.ingest.article import ParsedArticle
from reader.model import Analysis, Entity, Quote
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


async def reloaded(pilot, screen, what: str) -> None:
    """Wait for the index to be read again (after a merge, split, undo or filter)."""
    await wait_until(pilot, lambda: screen.loaded, what)


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
        assert [(q.article_id, q.outlet) for q in [app.screen.current]] == [(other, "example.org")]
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


def _clinton_library(tmp_path):
    """The seed, then "Hillary Clinton", "Bill Clinton" and a "Clinton" who could be either, each quoted once;
    and one quotation of Hillary's repeated, its wording changed, in a later article of another outlet."""
    path, seed_id = make_library(tmp_path)
    store = Store(path)
    said = [("Hillary Clinton", "We will keep working for every family in this country", "2016-10-01", "cnn.com"),
            ("Bill Clinton", "The economy was strong and growing in the nineties", "2016-10-02", "cnn.com"),
            ("Clinton", "Nobody should have to choose between rent and medicine", "2016-10-03", "cnn.com"),
            ("Hillary Clinton", "We will keep working hard for every family in this country", "2016-10-05", "foxnews.com")]
    for n, (speaker, words, date, outlet) in enumerate(said):
        text = f"Line {n}.\n\n“{words},” {speaker} said."
        start, mention = text.index(words), text.index(speaker, text.index(words) + len(words))
        store.add_article(
            ParsedArticle(text, f"Story {n}", date=date, source=f"https://www.{outlet}/{n}"),
            Analysis([Entity(mention, mention + len(speaker), "PERSON", speaker, speaker)],
                     [Quote(start, start + len(words), words, speaker, mention, mention + len(speaker), "said",
                            mention, mention + len(speaker))], "test"),
        )
    store.close()
    return path, seed_id


async def test_ctrl_g_merges_the_selected_speaker_into_one_chosen_by_typing_and_ctrl_z_takes_it_back(tmp_path):
    from reader.screens.prompts import ChoicePrompt

    path, seed_id = _clinton_library(tmp_path)
    app = ReaderApp(Store(path), user="tester", article_ids=[seed_id])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_index(pilot, app)
        screen = app.screen
        await pilot.press(*"clinton")
        await pilot.pause()
        assert sorted(s.name for s in screen.shown) == ["Bill Clinton", "Clinton", "Hillary Clinton"]
        names = [s.name for s in screen.shown]
        await pilot.press(*(["down"] * names.index("Clinton")))
        assert screen.selected.name == "Clinton"
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoicePrompt), "the speakers to choose from")
        await pilot.press(*"hill", "enter")
        await wait_until(pilot, lambda: app.screen is screen and screen.loaded
                         and sorted((s.name, s.quotes) for s in screen.shown) == [("Bill Clinton", 1), ("Hillary Clinton", 3)],
                         "Clinton is Hillary Clinton")
        assert screen.selected.name == "Hillary Clinton"
        assert [(d.action, d.name, d.into, d.author) for d in app.store.speaker_decisions()] == [
            ("merge", "Clinton", "Hillary Clinton", "tester")]
        screen.loaded = False
        await pilot.press("ctrl+z")
        await wait_until(pilot, lambda: screen.loaded and len(screen.shown) == 3, "Clinton on their own again")
        assert app.store.speaker_decisions() == []


async def test_ctrl_t_splits_a_name_off_the_speaker_it_was_merged_into(tmp_path):
    from reader.screens.prompts import ChoicePrompt

    path, seed_id = _clinton_library(tmp_path)
    store = Store(path)
    store.decide_speakers("merge", "Clinton", "Hillary Clinton", "tester")
    store.close()
    app = ReaderApp(Store(path), user="tester", article_ids=[seed_id])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_index(pilot, app)
        screen = app.screen
        assert screen.selected.name == "Hillary Clinton"
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoicePrompt), "the names they go by")
        assert app.screen.choices == ["Clinton"]
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is screen and screen.loaded and "Clinton" in [s.name for s in screen.shown],
                         "Clinton split off")
        assert next(s for s in screen.shown if s.name == "Hillary Clinton").quotes == 2


async def test_ctrl_f_filters_the_quotations_counted_and_a_bad_date_is_a_message(tmp_path):
    from pilot_helpers import notifications

    from reader.screens.speakers import FilterPrompt

    path, seed_id = _clinton_library(tmp_path)
    app = ReaderApp(Store(path), user="tester", article_ids=[seed_id])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_index(pilot, app)
        screen = app.screen
        everyone = len(screen.shown)
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: isinstance(app.screen, FilterPrompt), "the filter prompt")
        screen.loaded = False
        await pilot.press(*"outlet:foxnews.com", "enter")
        await wait_until(pilot, lambda: screen.loaded and [(s.name, s.quotes) for s in screen.shown] == [("Hillary Clinton", 1)],
                         "only Fox News's quotation")
        assert "outlet foxnews.com" in str(screen.query_one("#speakers-title").render())
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: isinstance(app.screen, FilterPrompt), "the filter prompt again")
        await pilot.press("ctrl+u", *"since:soon", "enter")
        await wait_until(pilot, lambda: any("since:soon is not a date" in n for n in notifications(app)), "the message")
        assert screen.filters.outlet == "foxnews.com"  # nothing changed
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: isinstance(app.screen, FilterPrompt), "the filter prompt, a third time")
        screen.loaded = False
        await pilot.press("ctrl+u", "enter")  # nothing typed: every quotation again
        await wait_until(pilot, lambda: screen.loaded and len(screen.shown) == everyone, "every speaker again")


async def test_the_page_shows_the_sentence_the_status_and_a_repeated_quotations_changed_wording(tmp_path):
    path, seed_id = _clinton_library(tmp_path)
    app = ReaderApp(Store(path), user="tester", article_ids=[seed_id])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_index(pilot, app)
        await pilot.press(*"hillary", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SpeakerQuotesScreen) and app.screen.repeats_found,
                         "Hillary Clinton's quotations, and which recur")
        page = app.screen
        assert [q.day for q in page.quotes] == ["2016-10-01", "2016-10-05"]
        first = page.detail_text().plain
        assert first.startswith("“We will keep working for every family in this country,” Hillary Clinton said.")
        assert "machine · Story 0 · 2016-10-01 · cnn.com" in first
        assert "First said here; repeated in 1 other article; repeated by foxnews.com" in first
        await pilot.press("down")
        await pilot.pause()
        second = page.detail_text()
        assert "First said 2016-10-01 in cnn.com" in second.plain
        assert "Wording against the first: We will keep working [+hard+] for every family" in second.plain
        inserted = second.plain.index("[+hard+]")
        assert any(span.start <= inserted < span.end and "underline" in str(span.style) for span in second.spans)


async def test_the_palette_offers_the_index_commands(tmp_path):
    from reader.screens.prompts import ChoicePrompt

    path, seed_id = _clinton_library(tmp_path)
    app = ReaderApp(Store(path), user="tester", article_ids=[seed_id])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_index(pilot, app)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"merge speaker")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoicePrompt), "the merge, from the palette")
