"""The look, pinned: the reader at 80x24 and 120x40, with colour and with NO_COLOR.

Update after an intended change with `pytest tests/test_snapshots.py --snapshot-update`
and look at the report before committing.
"""

from __future__ import annotations

import pytest

from reader.widgets.notes_panel import LIST_DELAY_S


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
