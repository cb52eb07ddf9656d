"""Keyboard flows in the reader, driven with Pilot, checked against the database."""

from __future__ import annotations

from reader.app import ReaderApp
from reader.screens.help import HelpScreen
from reader.screens.library import LibraryScreen
from reader.screens.reader_screen import ReaderScreen
from reader.store import Store
from reader.text.wrap import next_paragraph, next_word
from reader.widgets.article_view import ArticleView
from reader.widgets.notes_panel import NoteEditor, NotesPanel


def make(library, size=(120, 40)) -> tuple[ReaderApp, dict]:
    path, article_id = library
    app = ReaderApp(Store(path), user="tester", article_ids=[article_id])
    return app, {"size": size}


def annotations(library):
    path, article_id = library
    store = Store(path)
    try:
        return store.annotations(article_id)
    finally:
        store.close()


def view_of(app: ReaderApp) -> ArticleView:
    return app.screen.query_one(ArticleView)


async def test_opens_the_article_with_its_highlights(library, seed_analysis):
    app, opts = make(library)
    async with app.run_test(**opts) as pilot:
        await pilot.pause()
        view = view_of(app)
        assert view.text.startswith("Alec Baldwin celebrated")
        assert len(view.highlights.entities.marks) == len(seed_analysis.entities)
        assert view.has_focus
        status = str(app.screen.query_one("#status").render())
        assert "PERSON" in status and "Alec Baldwin" in status


async def test_line_word_paragraph_and_edge_keys_move_the_cursor(library):
    app, opts = make(library)
    async with app.run_test(**opts) as pilot:
        view = view_of(app)
        text = view.text
        await pilot.press("w")
        assert view.cursor == next_word(text, 0)
        await pilot.press("b")
        assert view.cursor == 0
        await pilot.press("j")
        assert view.wrapped.line_of(view.cursor) == 1
        await pilot.press("down")
        assert view.wrapped.line_of(view.cursor) == 2
        await pilot.press("k", "up")
        assert view.wrapped.line_of(view.cursor) == 0
        await pilot.press("right_curly_bracket")
        assert view.cursor == next_paragraph(text, 0)
        assert text[view.cursor - 2 : view.cursor] == "\n\n"
        await pilot.press("left_curly_bracket")
        assert view.cursor == 0
        await pilot.press("G")
        assert view.cursor == len(text) - 1
        assert view.scroll_offset.y > 0
        await pilot.press("g")
        assert view.cursor == 0 and view.scroll_offset.y == 0


async def test_page_keys_move_by_a_screen(library):
    app, opts = make(library, size=(80, 24))
    async with app.run_test(**opts) as pilot:
        view = view_of(app)
        await pilot.press("space")
        first = view.wrapped.line_of(view.cursor)
        assert first >= 10
        await pilot.press("pagedown")
        assert view.wrapped.line_of(view.cursor) > first
        await pilot.press("pageup", "pageup")
        assert view.wrapped.line_of(view.cursor) == 0


async def test_highlight_and_quotation_jumps(library, seed_analysis):
    app, opts = make(library)
    starts = sorted({e.start for e in seed_analysis.entities} | {q.start for q in seed_analysis.quotes})
    async with app.run_test(**opts) as pilot:
        view = view_of(app)
        await pilot.press("right_square_bracket")
        assert view.cursor == starts[1]  # the cursor starts on the first one
        await pilot.press("right_square_bracket")
        assert view.cursor == starts[2]
        await pilot.press("left_square_bracket")
        assert view.cursor == starts[1]
        await pilot.press("right_parenthesis")
        quote = seed_analysis.quotes[0]
        assert view.cursor == quote.start
        status = str(app.screen.query_one("#status").render())
        assert "Mary Marlowe Sommer" in status
        await pilot.press("G", "left_parenthesis")
        assert view.cursor == quote.start


async def test_quick_key_tags_the_quotation_and_toggles_off(library, seed_analysis):
    app, opts = make(library)
    quote = seed_analysis.quotes[0]
    async with app.run_test(**opts) as pilot:
        await pilot.press("right_parenthesis", "1")
        await pilot.pause()
        saved = annotations(library)
        assert [(a.start, a.end, a.tags, a.author) for a in saved] == [(quote.start, quote.end, ["claim"], "tester")]
        assert saved[0].exact == quote.text
        await pilot.press("2")
        assert annotations(library)[0].tags == ["claim", "fact-check"]
        await pilot.press("2", "1")
        assert annotations(library) == []


async def test_selection_is_the_target_and_escape_cancels(library):
    app, opts = make(library)
    async with app.run_test(**opts) as pilot:
        view = view_of(app)
        await pilot.press("v", "w", "w")
        assert view.selection is not None
        await pilot.press("escape")
        assert view.selection is None
        await pilot.press("g", "v", "w", "w", "3")
        saved = annotations(library)
        assert len(saved) == 1
        assert saved[0].exact == "Alec Baldwin celebrated"
        assert saved[0].tags == ["evidence"]
        assert view.selection is None


async def test_word_is_the_target_when_nothing_is_highlighted(library):
    app, opts = make(library)
    async with app.run_test(**opts) as pilot:
        view = view_of(app)
        offset = view.text.index("celebrated")
        view.move_to(offset + 3)
        await pilot.press("5")
        saved = annotations(library)
        assert [(a.exact, a.tags) for a in saved] == [("celebrated", ["opinion"])]


async def test_tag_by_name_creates_a_codebook_tag(library):
    app, opts = make(library)
    async with app.run_test(**opts) as pilot:
        await pilot.press("t")
        await pilot.press(*"misquote", "enter")
        await pilot.pause()
        saved = annotations(library)
        assert saved[0].tags == ["misquote"] and saved[0].exact == "Alec Baldwin"
        assert app.store.find_tag("misquote") is not None
        await pilot.press("t", *"misquote", "enter")
        await pilot.pause()
        assert annotations(library) == []


async def test_note_is_written_and_survives_a_restart(library, seed_analysis):
    app, opts = make(library)
    note = 'Judge: "bad faith", =SUM(A1)'
    async with app.run_test(**opts) as pilot:
        await pilot.press("right_parenthesis", "1", "a")
        assert isinstance(app.focused, NoteEditor)
        await pilot.press(*note)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.focused, ArticleView)
    saved = annotations(library)
    assert saved[0].note == note and saved[0].tags == ["claim"]
    app, opts = make(library)
    async with app.run_test(**opts) as pilot:
        await pilot.press("right_parenthesis")
        panel = app.screen.query_one(NotesPanel)
        assert panel.note_text == note
        assert "claim" in str(app.screen.query_one("#status").render())


async def test_note_on_untagged_target_creates_annotation_and_empty_note_leaves_none(library):
    app, opts = make(library)
    async with app.run_test(**opts) as pilot:
        await pilot.press("a", "escape")
        await pilot.pause()
        assert annotations(library) == []
        await pilot.press("a", *"check age", "escape")
        await pilot.pause()
        saved = annotations(library)
        assert [(a.exact, a.note, a.tags) for a in saved] == [("Alec Baldwin", "check age", [])]


async def test_delete_undo_redo(library):
    app, opts = make(library)
    async with app.run_test(**opts) as pilot:
        await pilot.press("1", "a", *"keep me", "escape")
        await pilot.pause()
        original = annotations(library)[0]
        await pilot.press("x")
        assert annotations(library) == []
        await pilot.press("u")
        restored = annotations(library)
        assert restored == [original]
        await pilot.press("ctrl+r")
        assert annotations(library) == []
        await pilot.press("u", "u")  # undo the delete, then the note
        assert annotations(library)[0].note == ""
        await pilot.press("u")  # and the tagging
        assert annotations(library) == []


async def test_search_and_next_previous_match(library):
    app, opts = make(library)
    async with app.run_test(**opts) as pilot:
        view = view_of(app)
        text = view.text
        await pilot.press("slash", *"hutchins", "enter")
        positions = [i for i in range(len(text)) if text.lower().startswith("hutchins", i)]
        assert len(positions) >= 2
        assert view.cursor == positions[0]
        await pilot.press("n")
        assert view.cursor == positions[1]
        await pilot.press("N")
        assert view.cursor == positions[0]


async def test_tab_switches_pane_and_panel_jumps(library, seed_analysis):
    app, opts = make(library)
    async with app.run_test(**opts) as pilot:
        await pilot.press("tab")
        assert app.screen.query_one(NotesPanel).has_focus_within
        await pilot.press("tab")
        assert isinstance(app.focused, ArticleView)


async def test_library_opens_and_searches(library):
    app, opts = make(library)
    async with app.run_test(**opts) as pilot:
        await pilot.press("o")
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press("slash", *"scorching")
        await pilot.pause(0.2)
        assert "1 match for" in str(app.screen.query_one("#library-title").render())
        await pilot.press("enter")  # in the search box: opens the first match
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("o", "escape")
        assert isinstance(app.screen, ReaderScreen)


async def test_help_lists_keys_and_q_quits(library):
    app, opts = make(library)
    async with app.run_test(**opts) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("q")
        assert app._exit  # noqa: SLF001 - the app is quitting


async def test_narrow_terminal_shows_panel_only_when_needed(library):
    app, opts = make(library, size=(80, 24))
    async with app.run_test(**opts) as pilot:
        panel = app.screen.query_one(NotesPanel)
        assert not panel.display
        await pilot.press("tab")
        assert panel.display
        await pilot.press("tab")
        assert not panel.display


async def test_a_panel_shown_by_widening_the_terminal_shows_the_target_of_now(library, seed_analysis):
    """Moved while the panel was hidden (80 columns), then the terminal widened: the panel names the
    quotation under the cursor, not what was under it when the article opened."""
    app, opts = make(library, size=(80, 24))
    async with app.run_test(**opts) as pilot:
        panel = app.screen.query_one(NotesPanel)
        await pilot.press("right_parenthesis")
        await pilot.pause()
        assert not panel.display
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        await pilot.pause()
        assert panel.display
        shown = str(panel.query_one("#target-title").render())
        quote = seed_analysis.quotes[0]
        assert shown.startswith("Quotation")
        assert view_of(app).text[quote.start : quote.start + 20] in shown


async def test_a_message_already_on_screen_is_not_stacked_again(library):
    """`)` held down past the last quotation: one "No more quotations" toast, not a column of them."""
    from pilot_helpers import notifications

    app, opts = make(library)
    async with app.run_test(**opts) as pilot:
        for _ in range(8):
            await pilot.press("right_parenthesis")
        await pilot.pause()
        said = notifications(app)
        assert said.count("No more quotations this way.") == 1
        app.notify("Saved.")
        app.notify("Saved.", severity="error")  # another severity is another message
        await pilot.pause()
        assert notifications(app).count("Saved.") == 2


async def test_unanalysed_article_shows_text_then_highlights(tmp_path, seed_article):
    store = Store(tmp_path / "r.db")
    article_id, _ = store.add_article(seed_article)
    app = ReaderApp(store, user="tester", article_ids=[article_id])
    async with app.run_test(size=(100, 30)) as pilot:
        view = view_of(app)
        assert view.text == seed_article.text
        assert not view.highlights.entities.marks
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert view.highlights.entities.marks
        assert Store(tmp_path / "r.db").get_article(article_id).analysed


async def test_no_color_keeps_highlights_distinguishable(library, monkeypatch, seed_analysis):
    monkeypatch.setenv("NO_COLOR", "1")
    app, opts = make(library)
    async with app.run_test(**opts) as pilot:
        await pilot.pause()
        assert app.no_color
        view = view_of(app)
        entity = seed_analysis.entities[1]
        quote = seed_analysis.quotes[0]
        entity_style = view._layers(entity.start, entity.end)
        assert any(style.underline for _, _, style in entity_style)
        quote_style = [s for a, b, s in view._layers(quote.start, quote.start + 5) if a == quote.start]
        assert any(style.italic for style in quote_style)
        # The terminal's own colours: no grey is sent as foreground or background (a light terminal stays light).
        from rich.segment import Segment
        from textual.color import Color

        lines = [view.render_line(y) for y in range(5)]
        for filter in app.get_line_filters():
            lines = [filter.apply(list(line), Color(0, 0, 0)) for line in lines]
        styles = [segment.style for line in lines for segment in line if isinstance(segment, Segment) and segment.style]
        assert styles and all(
            (s.color is None or s.color.is_default) and (s.bgcolor is None or s.bgcolor.is_default) for s in styles
        )
        assert any(s.underline for s in styles) and any(s.reverse for s in styles)  # an entity, the cursor


def test_reading_path_never_imports_spacy(library):
    """Opening an analysed article and tagging it must not load spaCy (it costs a second)."""
    import subprocess
    import sys

    path, article_id = library
    script = f"""
import asyncio, sys
from reader.app import ReaderApp
from reader.store import Store
async def main():
    app = ReaderApp(Store({str(path)!r}), user="t", article_ids=[{article_id}])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("right_parenthesis", "1", "a", "x", "escape", "o", "escape")
asyncio.run(main())
assert "spacy" not in sys.modules, "spaCy was imported"
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("ok")


async def test_export_key_writes_this_articles_csv_and_says_where(library, tmp_path, monkeypatch):
    import csv

    monkeypatch.chdir(tmp_path)
    app, opts = make(library)
    async with app.run_test(**opts) as pilot:
        await pilot.press("right_parenthesis", "1", "e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        files = list(tmp_path.glob("reader-article-*.csv"))
        assert len(files) == 1
        assert files[0].stat().st_mode & 0o777 == 0o600  # notes, as private as the library
        messages = [n.message for n in app._notifications]  # noqa: SLF001
        assert any(str(files[0]) in m for m in messages)
    rows = list(csv.DictReader(files[0].open(encoding="utf-8", newline="")))
    assert [(r["tags"], r["quote_speaker"]) for r in rows] == [("claim", "Mary Marlowe Sommer")]


async def test_entity_list_groups_mentions_under_the_canonical_name(library, seed_analysis):
    from textual.widgets import OptionList

    app, opts = make(library)
    async with app.run_test(**opts) as pilot:
        await pilot.pause()
        entities = app.screen.query_one("#entities", OptionList)
        lines = [str(entities.get_option_at_index(i).prompt) for i in range(entities.option_count)]
        alec = [line for line in lines if line.strip().startswith("Alec Baldwin")]
        mentions = sum(1 for e in seed_analysis.entities if e.canonical == "Alec Baldwin")
        assert mentions > 1 and len(alec) == 1
        assert f"×{mentions}" in alec[0] and "also Alec" in alec[0]
        assert not any(line.strip().startswith("Alec  ") for line in lines)  # no separate row for "Alec"
        # enter on it jumps to each mention in turn
        starts = [e.start for e in seed_analysis.entities if e.canonical == "Alec Baldwin"]
        await pilot.press("tab")
        app.screen.query_one("TabbedContent").active = "tab-entities"
        entities.focus()
        entities.highlighted = lines.index(alec[0])
        visited = []
        for _ in range(len(starts) + 1):
            await pilot.press("enter")
            await pilot.pause()
            visited.append(view_of(app).cursor)
            entities.focus()
        assert visited == sorted(starts) + [min(starts)]


async def test_writing_a_note_at_80_columns_says_what_it_is_on(library):
    app, opts = make(library, size=(80, 24))
    async with app.run_test(**opts) as pilot:
        await pilot.pause()
        await pilot.press("right_parenthesis", "a")
        await pilot.pause()
        await pilot.pause()
        heading = str(app.screen.query_one("#target-title").render())
        assert heading.startswith("Annotation by tester\n“The late discovery") and heading.endswith("…")
        assert app.screen.query_one(NoteEditor).has_focus


async def test_lists_and_help_answer_vim_keys(library, tmp_path):
    path, _ = library
    store = Store(path)
    store.add_article(read_article_text("Second article.\n\nIt has two paragraphs."))
    store.close()
    app, opts = make(library, size=(80, 24))
    async with app.run_test(**opts) as pilot:
        await pilot.press("o")
        table = app.screen.query_one("#articles")
        assert table.cursor_row == 0
        await pilot.press("j")
        assert table.cursor_row == 1
        await pilot.press("k")
        assert table.cursor_row == 0
        await pilot.press("G")
        assert table.cursor_row == 1
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        scroll = app.screen.query_one("#help")
        await pilot.press("j", "j")
        await pilot.pause()
        assert scroll.scroll_y > 0
        await pilot.press("g")
        await pilot.pause()
        assert scroll.scroll_y == 0


def read_article_text(text: str):
    from reader.ingest.files import parse_article

    return parse_article(text.encode(), "second.txt")


async def test_the_command_palette_runs_the_apps_commands(library):
    app, opts = make(library)
    async with app.run_test(**opts) as pilot:
        await pilot.press("right_parenthesis", "1")
        await pilot.pause()
        assert len(annotations(library)) == 1
        await pilot.press("ctrl+p", *"Undo")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert annotations(library) == []


async def test_palette_commands_do_what_their_keys_do(library, seed_analysis):
    """A command runs its binding's action where the key would: the article view's jump, the screen's confirm."""
    app, opts = make(library)
    async with app.run_test(**opts) as pilot:
        for command in ("Next quotation", "Confirm highlight"):
            await pilot.press("ctrl+p", *command)
            await pilot.pause(0.5)
            await pilot.press("enter")
            await pilot.pause(0.3)
        assert view_of(app).cursor == seed_analysis.quotes[0].start
        assert [d.status for d in app.store.decisions(library[1])] == ["confirmed"]


async def test_the_palette_names_the_key_as_the_users_keymap_has_it(library):
    """With `[keymap] undo = "z"`, the palette's Undo says (z), not the u it no longer is."""
    from textual.command import CommandPalette

    path, article_id = library
    app = ReaderApp(Store(path), user="tester", article_ids=[article_id], keymap={"undo": "z"})
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p", *"Undo")
        await pilot.pause(0.5)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        shown = " ".join(str(palette.query_one("CommandList").get_option_at_index(i).prompt)
                         for i in range(palette.query_one("CommandList").option_count))
        assert "Undo the last annotation change (z)" in shown
        assert "(u)" not in shown


async def test_codebook_edits_by_keyboard_and_says_when_a_key_moves(library):
    app, opts = make(library)
    async with app.run_test(**opts) as pilot:
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"court record", "tab", "1", "enter")
        await pilot.pause()
        store = app.store
        new = store.find_tag("court record")
        assert new is not None and new.quick_key == "1"
        assert new.colour != "yellow" and store.find_tag("claim").quick_key is None
        assert any("Key 1 moved from 'claim' to 'court record'" in n.message for n in app._notifications)  # noqa: SLF001


async def test_library_adds_several_files_by_path(library, tmp_path):
    for name in ("one two.txt", "three.txt"):
        (tmp_path / name).write_text(f"{name} is an article.\n\nIt has a second paragraph.\n", encoding="utf-8")
    app, opts = make(library)
    async with app.run_test(**opts) as pilot:
        await pilot.press("o", "a")
        await pilot.pause()
        await pilot.press(*f"'{tmp_path / 'one two.txt'}' {tmp_path / 'three.txt'}", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.store.count_articles() == 3


async def test_a_keymap_rebinds_a_key_by_its_id(library):
    """The config's [keymap] is applied with Textual's set_keymap: the new key works, the old one no longer."""
    path, article_id = library
    app = ReaderApp(Store(path), user="me", article_ids=[article_id], keymap={"tag_1": "z"})
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right_parenthesis", "1")
        await pilot.pause()
        assert annotations(library) == []
        await pilot.press("z")
        await pilot.pause()
        assert [a.tags for a in annotations(library)] == [["claim"]]


async def test_reader_opens_where_the_user_left_off(library):
    """Quitting remembers the article and place; the next `reader` opens there (not the library)."""
    path, article_id = library
    app = ReaderApp(Store(path), user="tester", article_ids=[article_id])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right_parenthesis")
        place = app.screen.view.cursor
        await pilot.press("q")
        await pilot.pause()
    store = Store(path)
    assert store.find_place("tester") == (article_id, place) and store.find_place("someone else") is None
    store.close()
    from click.testing import CliRunner

    import reader.app
    from reader.cli import cli

    opened = {}
    original = reader.app.run_app
    reader.app.run_app = lambda store, **kwargs: opened.update(kwargs)
    try:
        result = CliRunner().invoke(cli, ["--db", str(path), "--user", "tester"])
    finally:
        reader.app.run_app = original
    assert result.exit_code == 0, result.output
    assert (opened["article_ids"], opened["offset"]) == ([article_id], place)
    app = ReaderApp(Store(path), user="tester", article_ids=[article_id], offset=place)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.screen.view.cursor == place


async def test_the_panel_never_shows_the_last_articles_target(library, tmp_path):
    path, article_id = library
    store = Store(path)
    other, _ = store.add_article(read_article_text("Zebras graze quietly.\n\nNothing else happens here."))
    store.close()
    app = ReaderApp(Store(path), user="tester", article_ids=[article_id])
    async with app.run_test(size=(80, 24)) as pilot:  # narrow: the panel is hidden
        view = app.screen.view
        view.move_to(view.text.index("Rust"))
        await pilot.pause()
        await app.screen.open_article(other)
        await pilot.press("tab")
        await pilot.pause()
        title = str(app.screen.query_one("#target-title").render())
        assert "Rust" not in title and "Zebras" in title


async def test_every_tag_colour_the_codebook_hands_out_tints_the_text(library):
    """bright_*, gold1, dark_orange ... are Rich's names: the view takes them as the codebook draws them."""
    import dataclasses

    from reader.store import NEW_TAG_COLOURS
    from reader.schema import DEFAULT_TAGS

    app, opts = make(library)
    async with app.run_test(**opts) as pilot:
        await pilot.pause()
        view = view_of(app)
        base = view.get_component_rich_style("article--annotation")
        for colour in [c for _, _, c, _ in DEFAULT_TAGS] + list(NEW_TAG_COLOURS):
            view.tag_colours = {"t": colour}
            annotation = dataclasses.replace(app.screen.annotations[0], tags=["t"]) if app.screen.annotations else None
            if annotation is None:
                await pilot.press("1")
                await pilot.pause()
                annotation = dataclasses.replace(app.screen.annotations[0], tags=["t"])
            assert view._annotation_style(annotation) != base, colour


async def test_a_persons_keys_never_change_another_persons_annotation(library, seed_analysis):
    """ben on ana's annotation: his tag and note go on his own annotation of the same words, his x is
    refused; ana's stays exactly as she left it (a second coder's tag once went onto the first's)."""
    path, article_id = library
    entity = seed_analysis.entities[1]
    store = Store(path)
    theirs = store.create_annotation(article_id, entity.start, entity.end, "ana", tags=["claim"], note="hers")
    store.close()
    app = ReaderApp(Store(path), user="ben", article_ids=[article_id])
    async with app.run_test(size=(120, 40)) as pilot:
        from pilot_helpers import notifications

        view_of(app).move_to(entity.start)
        await pilot.press("x")
        await pilot.pause()
        assert any("you can delete your own only" in n for n in notifications(app))
        await pilot.press("2", "a", *"his", "escape")
        await pilot.pause()
    by_author = {a.author: a for a in annotations(library)}
    assert set(by_author) == {"ana", "ben"}
    ana, ben = by_author["ana"], by_author["ben"]
    assert (ana.id, ana.tags, ana.note) == (theirs.id, ["claim"], "hers")
    assert (ben.start, ben.end, ben.tags, ben.note) == (entity.start, entity.end, ["fact-check"], "his")


async def test_another_persons_note_is_shown_read_only_in_the_panel(library, seed_analysis):
    """ben tabs into the note while the cursor is on ana's annotation: he reads it, his keys change nothing,
    and emptying it cannot delete her annotation (the review found both)."""
    path, article_id = library
    entity = seed_analysis.entities[1]
    store = Store(path)
    store.create_annotation(article_id, entity.start, entity.end, "ana", tags=[], note="ana note")
    store.close()
    app = ReaderApp(Store(path), user="ben", article_ids=[article_id])
    async with app.run_test(size=(120, 40)) as pilot:
        view_of(app).move_to(entity.start)
        await pilot.pause()
        panel = app.screen.query_one(NotesPanel)
        await panel.build()
        panel.focus_note()
        await pilot.pause()
        assert panel.note_text == "ana note" and panel.note_owner is None
        await pilot.press("X", "Y", "ctrl+a", "delete", "backspace", "escape")
        await pilot.pause(0.3)
    [ana] = annotations(library)
    assert (ana.author, ana.note) == ("ana", "ana note")
