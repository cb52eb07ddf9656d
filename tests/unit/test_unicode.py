"""Strange text: combining marks, emoji, wide CJK, right-to-left and bidi controls, zero-width characters,
control characters and a 100,000-character line without spaces.

The cursor stays on a character of the text, every drawn line fits the pane, and what is tagged is
exactly text[start:end] in the database, on screen and in both export formats.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from rich.cells import cell_len

from reader.app import ReaderApp
from reader.ingest.files import parse_article
from reader.interchange.cells import restore
from reader.interchange.csv import write_csv
from reader.interchange.jsonl import write_jsonl
from reader.store import Store

# Each part ends with a word of its own, "endN", to find where it stops.
PARTS = {
    "combining": "Zalgo Z\u0351\u0352a\u0354\u0355l\u0356g\u0357o and n\u0303 and q\u0307\u0323 end1",
    "emoji": "Family 👨\u200d👩\u200d👧\u200d👦 flag 🇫🇷 thumb 👍🏽 end2",
    "cjk": "東京都の記者会見で首相は述べた 한국어 문장 全角ＡＢＣ end3",
    "rtl": "قال الوزير \u202bשלום עולם\u202c \u2067مرحبا\u2069 \u202eevil\u202c end4",
    "zero width": "zero\u200bwidth\u200djoiner\u2060word\ufeffmark end5",
    "controls": "bellé\x07\x9b" * 40 + " and \x1b[2J" * 20 + " end6",
}
LONG = "abcdefghij" * 10_000  # one line, one "word", 100,000 characters


def article_text() -> str:
    raw = "Strange text.\n\n" + "\n\n".join([*PARTS.values(), LONG, "The end."]) + "\n"
    return parse_article(raw.encode(), "strange.txt").text


@pytest.fixture
def strange(tmp_path):
    path = tmp_path / "reader.db"
    store = Store(path)
    article_id, _ = store.add_article(parse_article(article_text().encode(), "strange.txt"))
    store.db["articles"].update(article_id, {"analyser": "none"})  # nothing to analyse: no spaCy
    store.close()
    return path, article_id


def drawn_lines_fit(view) -> None:
    """Every line, as drawn (control characters as symbols), fits the pane's text width."""
    layout = view.wrapped
    for i in range(len(layout)):
        drawn = view._display[layout.starts[i] : layout.ends[i]].rstrip(" ")  # noqa: SLF001
        assert cell_len(drawn) <= view.text_width, (i, drawn[:40])


def exported(store: Store) -> tuple[list[dict], list[dict]]:
    out = io.StringIO(newline="")
    write_csv(store, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    out = io.StringIO(newline="")
    write_jsonl(store, out)
    return rows, [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_cursor_and_lines_stay_on_the_text(strange, size):
    path, article_id = strange
    app = ReaderApp(Store(path), user="me", article_ids=[article_id])
    async with app.run_test(size=size) as pilot:
        view = app.screen.view
        text = view.text
        drawn_lines_fit(view)
        await pilot.press("w", "w", "b")  # the keys; then their actions, for speed, word by word to the end
        seen = [view.cursor]
        while view.cursor < len(text) - 1 and len(seen) < 1000:
            view.action_word(1)
            assert seen[-1] < view.cursor < len(text)
            seen.append(view.cursor)
        assert view.cursor == len(text) - 1
        while view.cursor > 0:  # and back
            before = view.cursor
            view.action_word(-1)
            assert 0 <= view.cursor < before
        layout = view.wrapped
        long_lines = range(layout.line_of(text.index(LONG)) + 3, layout.line_of(text.index(LONG) + len(LONG)) - 3)
        line = 0
        while line < len(layout):  # line by line, into and out of the long line
            assert layout.line_of(view.cursor) == line
            assert layout.starts[line] <= view.cursor <= max(layout.starts[line], layout.ends[line])
            if line == long_lines.start:  # (its middle by pages: a line at a time would take long)
                while layout.line_of(view.cursor) < long_lines.stop:
                    await pilot.press("space")
                    if layout.line_of(view.cursor) < long_lines.stop + 3:
                        assert text.index(LONG) <= view.cursor < text.index(LONG) + len(LONG)
                line = layout.line_of(view.cursor)
                continue
            view.action_move_line(1)
            line += 1
        await pilot.press("k", "k", "space", "pageup", "G", "g")
        assert view.cursor == 0


async def test_what_is_tagged_is_exactly_the_text(strange):
    path, article_id = strange
    app = ReaderApp(Store(path), user="me", article_ids=[article_id])
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.screen.view
        text = view.text
        spans = {}
        for n, (name, part) in enumerate([*PARTS.items(), ("long line", LONG)], 1):
            start = text.index(part[:5])
            inner = text.index(f"end{n}", start) + 3 if name != "long line" else start + len(LONG) - 1
            view.move_to(start)
            await pilot.press("v")
            view.move_to(inner)
            await pilot.press("1")
            annotation = view.highlights.annotation_at(start)
            assert annotation is not None, name
            assert annotation.start <= start and annotation.end >= inner + 1, name
            spans[name] = (annotation.start, annotation.end)
            for offset in (annotation.start, (annotation.start + annotation.end) // 2, annotation.end - 1):
                assert view.highlights.annotation_at(offset) == annotation
        view.move_to(text.index(LONG) + 50_000)  # a note in the middle of the long line
        await pilot.press("a", *"mid", "escape")
    store = Store(path)
    saved = store.annotations(article_id)
    assert sorted((a.start, a.end) for a in saved) == sorted(spans.values())
    for annotation in saved:
        assert annotation.exact == text[annotation.start : annotation.end]
    rows, records = exported(store)
    assert len(rows) == len(records) == len(saved)
    for row in rows:
        assert restore(row["text"]) == text[int(row["start"]) : int(row["end"])]
    for record in records:
        quote, position = record["target"]["selector"]
        assert quote["exact"] == text[position["start"] : position["end"]]
        assert text[position["start"] - len(quote["prefix"]) : position["start"]] == quote["prefix"]
        assert text[position["end"] : position["end"] + len(quote["suffix"])] == quote["suffix"]
    store.close()


def test_moving_back_over_a_million_character_word():
    from reader.text.wrap import previous_word

    text = "x" * 1_000_000 + " y"
    assert previous_word(text, 1_000_000) == 0  # a loop, not 2,500 nested calls
