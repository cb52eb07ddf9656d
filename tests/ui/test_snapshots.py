"""The look, pinned: the reader at 80x24 and 120x40, with colour and with NO_COLOR; every default tag in
an article and in the codebook, in 16 colours, 256 colours and truecolor.

Update after an intended change with `pytest tests/test_snapshots.py --snapshot-update`
and look at the report before committing.
"""

from __future__ import annotations

import pytest

from reader.widgets.notes_panel import LIST_DELAY_S


@pytest.fixture(autouse=True)
def _truecolor(monkeypatch):
    """Tag colours are drawn for the terminal's colour system (reader.colours): pinned, not TERM's."""
    import textual.constants

    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "truecolor")


@pytest.fixture
def app(make_app):
    return make_app()


def test_reader_80x24(snap_compare, app):
    assert snap_compare(app, terminal_size=(80, 24))


def test_reader_120x40_quotation_tagged(snap_compare, app):
    async def tag_the_quotation(pilot):
        await pilot.pause()
        await pilot.press("right_parenthesis", "1", "right_square_bracket")
        await pilot.pause(LIST_DELAY_S + 0.2)  # the notes list follows tagging after a pause

    assert snap_compare(app, terminal_size=(120, 40), run_before=tag_the_quotation)


def test_reader_80x24_no_color(snap_compare, make_app, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app(), terminal_size=(80, 24), press=["right_parenthesis", "2", "j"])


def test_help_80x24(snap_compare, app):
    assert snap_compare(app, terminal_size=(80, 24), press=["question_mark"])


def _tag_every_default(library) -> None:
    """The first nine words of the article's first screen, each with one default tag, in codebook order."""
    import re

    from reader.schema import DEFAULT_TAGS
    from reader.store import Store

    path, article_id = library
    store = Store(path)
    try:
        text = store.get_article_text(article_id)
        words = [m for m in re.finditer(r"[A-Za-z]{4,}", text[:600])][:len(DEFAULT_TAGS)]
        for word, (name, _, _, _) in zip(words, DEFAULT_TAGS):
            store.create_annotation(article_id, word.start(), word.end(), "tester", [name])
    finally:
        store.close()


@pytest.mark.parametrize("system", ["standard", "256", "truecolor"])
def test_every_default_tag_in_an_article(snap_compare, make_app, library, monkeypatch, system):
    import textual.constants

    _tag_every_default(library)
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", system)
    assert snap_compare(make_app(), terminal_size=(80, 24))


@pytest.mark.parametrize("system", ["standard", "256", "truecolor"])
def test_the_codebook_in_colour(snap_compare, make_app, monkeypatch, system):
    import textual.constants

    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", system)
    assert snap_compare(make_app(), terminal_size=(80, 24), press=["c"])
