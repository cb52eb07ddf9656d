"""Finding quotations by their marks (pure string work, no spaCy)."""

from __future__ import annotations

import pytest

from reader.analysis.quotes import find_quotations, paragraph_bounds


def quoted(text: str) -> list[str]:
    found = find_quotations(text)
    for q in found:
        # Offsets index the text exactly: the marks sit just outside the span.
        assert 0 < q.start <= q.end < len(text) + 1
        assert text[q.open] in "“”„«»\"" and text[q.close] in "“”„«»\""
        assert (q.start, q.end) == (q.open + 1, q.close)
    return [text[q.start : q.end] for q in found]


def test_curly_quotes():
    assert quoted("He said “we will win” on Friday.") == ["we will win"]


def test_straight_quotes():
    assert quoted('He said "we will win" on Friday.') == ["we will win"]


def test_offsets_index_the_text_exactly():
    text = 'Café owners, naïvely: “Ça va — très bien.” Then "done".'
    found = find_quotations(text)
    assert [text[q.start : q.end] for q in found] == ["Ça va — très bien.", "done"]
    assert found[0].start == text.index("Ça")
    assert found[0].end == text.index("”")
    assert found[1].start == text.index("done")


def test_several_quotations_in_a_sentence():
    assert quoted("“One,” he said, “two.”") == ["One,", "two."]
    assert quoted('"One," he said, "two."') == ["One,", "two."]
    assert quoted('She said "yes" and then "no".') == ["yes", "no"]


def test_quotation_at_the_very_start_and_end():
    assert quoted('"Start to finish."') == ["Start to finish."]
    assert quoted("“Start to finish.”") == ["Start to finish."]


def test_colon_before_the_quotation():
    assert quoted('The judge said: "The case is dismissed."') == ["The case is dismissed."]


def test_multi_paragraph_quotation_is_one_span():
    text = (
        "The judge said:\n\n"
        "“The first paragraph of what she said.\n\n"
        "“The second paragraph.\n\n"
        "“And the third, which closes.”\n\n"
        "The court rose."
    )
    found = find_quotations(text)
    assert len(found) == 1
    span = text[found[0].start : found[0].end]
    assert span.startswith("The first paragraph")
    assert span.endswith("which closes.")
    assert "The court rose" not in span
    assert span.count("\n\n") == 2


def test_multi_paragraph_quotation_with_straight_marks():
    text = 'He said: "First part.\n\n"Second part."\n\nAfter.'
    assert quoted(text) == ['First part.\n\n"Second part.']


def test_closed_paragraphs_are_separate_quotations():
    assert quoted("“Hello.”\n\n“A separate quote.”") == ["Hello.", "A separate quote."]
    assert quoted('"Hello."\n\n"A separate quote."') == ["Hello.", "A separate quote."]


def test_open_quotation_ends_at_a_paragraph_that_does_not_continue_it():
    text = "“Never closed.\n\nThe next paragraph has no mark but a “real” quote."
    assert quoted(text) == ["real"]


@pytest.mark.parametrize(
    "text",
    [
        "His ‘Rust’ trial.",
        "His 'Rust' trial.",
        "The reality show ‘The Baldwins’ at the celebration.",
        "Alec’s case and Halyna’s parents.",
        "Alec's case, the actors' union, rock 'n' roll.",
    ],
)
def test_single_marks_are_never_quotations(text):
    assert quoted(text) == []


def test_single_quoted_title_inside_a_quotation():
    text = "“We loved working on ‘Rust’ and Alec’s part,” she said."
    assert quoted(text) == ["We loved working on ‘Rust’ and Alec’s part,"]


def test_apostrophe_inside_straight_quotation():
    assert quoted('"I\'m done," he said.') == ["I'm done,"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("An unbalanced “mark and nothing after it.", []),
        ('An unbalanced "mark and nothing after it.', []),
        ("A stray ” closer, then a “real quote” here.", ["real quote"]),
        ("“Unclosed.\n\nA later “closed one” here.", ["closed one"]),
        ('The 6" pipe and the "quoted" word.', ["quoted"]),
        ("Empty “” marks.", []),
    ],
)
def test_unbalanced_marks_are_ignored(text, expected):
    assert quoted(text) == expected


def test_other_double_marks():
    assert quoted("«Bonjour» dit-il.") == ["Bonjour"]
    assert quoted("„Guten Tag“ sagte er.") == ["Guten Tag"]


def test_seed_has_one_two_paragraph_quotation(seed_article):
    text = seed_article.text
    found = find_quotations(text)
    assert len(found) == 1
    span = text[found[0].start : found[0].end]
    assert span.startswith("The late discovery of this evidence")
    assert span.endswith("comes so near to bad faith to show signs of scorching.")
    assert span.count("\n\n") == 1
    assert "Rust" not in span


def test_paragraph_bounds():
    text = "One.\n\nTwo words.\n\nThree."
    start, end = paragraph_bounds(text, text.index("words"))
    assert text[start:end] == "Two words."
    assert text[slice(*paragraph_bounds(text, 0))] == "One."
    assert text[slice(*paragraph_bounds(text, len(text) - 1))] == "Three."


# ---------------------------------------------------------------- properties

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st

_MARKY = st.text(alphabet=st.sampled_from(list("ab  .,:\n“”\"'’‘«»„")), max_size=120)


@settings(max_examples=500, deadline=None)
@given(_MARKY)
def test_quotations_are_ordered_disjoint_and_inside_the_text(text):
    previous_close = -1
    for q in find_quotations(text):
        assert previous_close < q.open < q.close < len(text)
        assert text[q.open] in "“„«\"”" and text[q.close] in "”»“\""
        assert q.end - q.start >= 1
        previous_close = q.close


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .,\n’‘'")), max_size=80))
def test_no_double_marks_no_quotations(text):
    assert find_quotations(text) == []


def test_paragraphs_broken_by_one_newline_are_paragraphs():
    from reader.analysis.quotes import paragraph_bounds, paragraph_break

    text = "First paragraph ends here.\nSecond one, “quoted,” ends too.\nThird is short.\nFourth."
    assert paragraph_break(text) == "\n"
    start, end = paragraph_bounds(text, text.index("quoted"))
    assert text[start:end] == "Second one, “quoted,” ends too."


def test_a_text_wrapped_at_a_width_keeps_blank_lines_as_paragraphs():
    from reader.analysis.quotes import paragraph_bounds, paragraph_break

    text = ("The council met on Tuesday to discuss the\nbudget, which the mayor said was “a fair\ndeal for "
            "everyone,” though critics disagreed\nand said so loudly.\n\nA second paragraph starts here and\ngoes on.")
    assert paragraph_break(text) == "\n\n"
    start, end = paragraph_bounds(text, text.index("fair"))
    assert text[start:end].startswith("The council") and text[start:end].endswith("loudly.")


def test_paragraph_bounds_stay_cheap_for_a_text_equal_to_one_seen_before():
    # The same article analysed again: `doc.text` is a new string each time, equal to the one cached.
    import time

    from reader.analysis.quotes import paragraph_bounds, paragraph_break

    text = "Some words here in a paragraph, “quoted” and so on.\n\n" * 40000
    paragraph_break("".join(list(text)))  # an equal text, another object
    started = time.perf_counter()
    for i in range(0, len(text), len(text) // 20000):
        paragraph_bounds(text, i)
    assert time.perf_counter() - started < 1.0  # (a comparison of the whole text per call took seconds)
