"""The audit's smaller faults: U+061C reached the terminal and JSON Lines raw; a cell starting with NUL
then `=` was not neutralised; the codebook import kept colours in any spelling."""

from __future__ import annotations

import json

import pytest
from annotated_seed import library

from reader.interchange.cells import neutralise, restore
from reader.interchange.codebook import import_codebook, read_codebook
from reader.interchange.records import ImportFormatError
from reader.text.inert import for_terminal, json_line, one_line


def test_the_arabic_letter_mark_is_inert_on_a_terminal_and_escaped_in_json():
    text = "abc\u061cdef"
    assert "\u061c" not in one_line(text) and "\u061c" not in for_terminal(text)
    assert len(one_line(text)) == len(text)
    line = json_line({"note": text})
    assert "\u061c" not in line and "\\u061c" in line and json.loads(line)["note"] == text


def test_a_cell_starting_with_nul_is_neutralised_reversibly():
    cell = "\x00=cmd|' /C calc'!A0"
    assert neutralise(cell).startswith("'") and restore(neutralise(cell)) == cell


def test_codebook_colours_are_stored_in_one_spelling_and_hsl_refused(tmp_path):
    path = tmp_path / "codebook.csv"
    path.write_text("tag,colour\nfresh,#ABC\nbold,Bright_Red\n")
    store, _ = library()
    import_codebook(store, path)
    assert (store.find_tag("fresh").colour, store.find_tag("bold").colour) == ("#aabbcc", "bright_red")
    path.write_text("tag,colour\nx,\"hsl(1, 2%, 3%)\"\n")
    with pytest.raises(ImportFormatError, match="line 2: 'hsl.*not supported") as caught:
        read_codebook(path)
    assert "\n" not in str(caught.value)
