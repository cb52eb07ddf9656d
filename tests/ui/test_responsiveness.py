"""What keeps keys instant over SSH: one frame per key, redrawing only what changed.

Timings are measured in benchmarks/, never here; these tests pin the behaviour
the timings rely on.
"""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st
from pilot_helpers import wait_until
from textual.widgets import OptionList

from reader.app import ReaderApp
from reader.store import Store
from reader.text.inert import display_text
from reader.text.wrap import WrappedText
from reader.widgets.article_view import ArticleView
from reader.widgets.notes_panel import LIST_DELAY_S, NotesPanel
from reader.widgets.status_line import StatusLine


def make(library) -> ReaderApp:
    path, article_id = library
    return ReaderApp(Store(path), user="tester", article_ids=[article_id])


def spy_refreshes(view: ArticleView) -> list[tuple]:
    """Record the regions of every refresh the view asks for (a full refresh records ())."""
    calls: list[tuple] = []
    original = view.refresh

    def refresh(*regions, **kwargs):
        calls.append(regions)
        return original(*regions, **kwargs)

    view.refresh = refresh  # type: ignore[method-assign]
    return calls


async def test_status_line_follows_the_cursor_in_the_same_turn(library, seed_analysis):
    """No message round trip: the status is up to date when the view's move returns, so both share a frame."""
    place = next(e for e in seed_analysis.entities if e.label == "GPE")
    app = make(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.screen.query_one(ArticleView).move_to(place.start)
        assert place.text in str(app.screen.query_one(StatusLine).render())


async def test_selection_redraws_only_its_lines(library):
    app = make(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(ArticleView)
        calls = spy_refreshes(view)
        await pilot.press("v", "w", "escape")
        assert calls and all(regions for regions in calls)
        assert all(region.height <= 2 for regions in calls for region in regions)


async def test_quick_key_redraws_only_the_tagged_lines(library, seed_analysis):
    entity = seed_analysis.entities[3]
    app = make(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(ArticleView)
        view.move_to(entity.start)
        await pilot.pause()
        calls = spy_refreshes(view)
        await pilot.press("1")
        await pilot.pause()
        lines = view.screen_line_of(entity.end - 1) - view.screen_line_of(entity.start) + 1
        assert calls and all(regions for regions in calls)
        assert sum(region.height for regions in calls for region in regions) <= lines
        assert view.highlights.annotation_at(entity.start).tags == ["claim"]


async def test_quick_keys_keep_the_screen_in_step_with_the_store(library, seed_analysis):
    """Tagging updates the one annotation it changed, without reloading them all; the store agrees."""
    path, article_id = library
    first, second = seed_analysis.entities[2], seed_analysis.entities[5]
    app = make(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen, view = app.screen, app.screen.query_one(ArticleView)
        for offset, keys in ((second.start, "12"), (first.start, "3"), (second.start, "1"), (first.start, "3")):
            view.move_to(offset)
            await pilot.press(*keys)
            await pilot.pause()
            stored = app.store.annotations(article_id)
            assert [(a.id, a.start, a.tags) for a in screen.annotations] == [(a.id, a.start, a.tags) for a in stored]
            assert [m.item.id for m in view.highlights.annotations.marks] == [a.id for a in stored]
        assert [(a.start, a.tags) for a in stored] == [(second.start, ["fact-check"])]
        await pilot.pause(LIST_DELAY_S + 0.2)
        notes = screen.query_one("#annotations", OptionList)
        assert notes.option_count == 1 and notes.get_option_at_index(0).id == f"a{stored[0].id}"


async def test_hidden_panel_lists_are_filled_when_it_is_shown(library, seed_analysis):
    """At 80 columns the panel is hidden; changing its lists then would cost a layout pass and a frame per tag."""
    entity = seed_analysis.entities[0]
    app = make(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen, panel = app.screen, app.screen.query_one(NotesPanel)
        await wait_until(pilot, lambda: bool(panel.query("#annotations")), "the hidden panel built (after the first frame)")
        notes = panel.query_one("#annotations", OptionList)
        assert not panel.display
        before = [notes.get_option_at_index(i).id for i in range(notes.option_count)]
        app.screen.query_one(ArticleView).move_to(entity.start)
        await pilot.press("1")
        await pilot.pause()
        assert [notes.get_option_at_index(i).id for i in range(notes.option_count)] == before
        await pilot.press("tab")
        await pilot.pause()
        assert panel.display
        assert [notes.get_option_at_index(i).id for i in range(notes.option_count)] == [f"a{screen.annotations[0].id}"]
        assert panel.query_one("#entities", OptionList).option_count > 0


async def test_the_notes_list_follows_a_burst_of_tagging_once(library, seed_analysis):
    """The text and the target show a tag at once; the list (a layout pass, a frame) once the keys stop."""
    app = make(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        panel, view = app.screen.query_one(NotesPanel), app.screen.query_one(ArticleView)
        notes = panel.query_one("#annotations", OptionList)
        fills = []
        original = panel._fill_annotations
        panel._fill_annotations = lambda *args: (fills.append(args), original(*args))  # type: ignore[method-assign]
        for entity in seed_analysis.entities[:3]:
            view.move_to(entity.start)
            await pilot.press("1")
        assert view.highlights.annotation_at(seed_analysis.entities[2].start) is not None
        assert "tags: claim" in str(app.screen.query_one(StatusLine).render())
        assert fills == [] and notes.get_option_at_index(0).id is None  # still "No annotations yet"
        await pilot.pause(LIST_DELAY_S + 0.2)
        assert len(fills) == 1 and notes.option_count == 3


async def test_notes_starting_at_the_same_place_are_both_listed(library):
    """List entries are named by annotation, not by offset (two of them once crashed the panel)."""
    path, article_id = library
    app = make(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("1", "v", "1")  # "Alec Baldwin", then the word "Alec"
        await pilot.pause(LIST_DELAY_S + 0.2)
        notes = app.screen.query_one("#annotations", OptionList)
        assert sorted((a.start, a.end) for a in app.store.annotations(article_id)) == [(0, 4), (0, 12)]
        assert notes.option_count == 2
        notes.focus()
        await pilot.press("down", "enter")
        assert app.screen.query_one(ArticleView).cursor == 0


async def test_typing_clears_saved_in_the_letters_own_frame(library):
    """'saved' goes as the letter is inserted, not when TextArea.Changed arrives a frame later."""
    from reader.widgets.notes_panel import SLOW_SAVE_S, NoteEditor

    app = make(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a", "o", "k")
        editor = app.screen.query_one(NoteEditor)
        await pilot.pause(SLOW_SAVE_S + 0.3)
        assert editor.border_subtitle == "saved"
        editor.insert("!")
        assert editor.border_subtitle == ""


@given(
    text=st.lists(st.sampled_from(["a", "word", "’quoted’", "—", "é", " ", "  ", "\n", "y" * 30]), max_size=60).map("".join),
    width=st.integers(min_value=1, max_value=40),
)
@settings(max_examples=400, deadline=None)
def test_fast_wrap_gives_the_lines_the_general_one_does(text, width):
    """A long article wraps a screen line at a time; it must break exactly where word by word would."""
    fast = WrappedText(text, width)
    general = WrappedText.__new__(WrappedText)
    general.text, general.width, general.starts, general.ends = text, fast.width, [], []
    offset = 0
    for hard_line in text.split("\n"):
        general._wrap_line(hard_line, offset)
        offset += len(hard_line) + 1
    assert (fast.starts, fast.ends) == (general.starts, general.ends)


def test_display_text_leaves_plain_text_alone():
    plain = "Plain “quoted” text — with é and 日本.\n"
    assert display_text(plain) is plain
    assert display_text("bell\x07 tab\t") == "bell␇ tab "


async def test_a_layout_elsewhere_leaves_the_articles_scrollbar_alone(library, seed_article):
    """Textual redrew a scroll view's scrollbar after any layout pass, a frame after the key's own."""
    app = make(library)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await app.screen.panel.build()  # the panel comes after the first paint: on a busy machine, after this pause
        await pilot.pause()
        view = app.screen.query_one(ArticleView)
        scrollbar = view.vertical_scrollbar
        assert scrollbar.window_virtual_size == view.virtual_size.height
        calls = []
        original = scrollbar.refresh
        scrollbar.refresh = lambda *a, **k: (calls.append(a), original(*a, **k))[1]  # type: ignore[method-assign]
        app.screen.query_one(StatusLine).refresh(layout=True)
        await pilot.pause()
        assert calls == []
        view.load(dataclasses.replace(view.article, text=seed_article.text * 3), [], [])  # a longer text
        await pilot.pause()
        assert calls and scrollbar.window_virtual_size == view.virtual_size.height
