"""The entity rules, one by one, on spans as spaCy would give them (no model needed)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from reader.analysis.entities import ENTITY_RULES, clean_entities, fullest_names
from reader.analysis.quotes import find_quotations, is_fragment, is_title


@dataclass
class Span:
    """Stands in for a spaCy Span: what clean_entities reads."""

    start_char: int
    end_char: int
    label_: str
    text: str


def spans(text: str, *found: tuple[str, str] | tuple[str, str, int]) -> list[Span]:
    """Spans for (string, label[, nth occurrence]) as a model would have found them."""
    out = []
    for item in found:
        s, label = item[0], item[1]
        at = -1
        for _ in range(item[2] if len(item) > 2 else 1):
            at = text.index(s, at + 1)
        out.append(Span(at, at + len(s), label, s))
    return out


def found(text: str, *model: tuple, titles=(), skip=()) -> set[tuple[str, str]]:
    return {(e.text, e.label) for e in clean_entities(text, spans(text, *model), titles, skip)}


def test_every_rule_has_a_unique_name():
    names = [name for name, _ in ENTITY_RULES]
    assert len(names) == len(set(names))


def test_closing_quotation_mark_and_what_follows_are_cut_off():
    text = "his upcoming reality show ‘The Baldwins’ at the celebration."
    assert ("The Baldwins", "WORK_OF_ART") in found(text, ("The Baldwins’ at", "WORK_OF_ART"))


def test_possessive_is_not_part_of_the_name():
    text = "Speaking on BBC Radio 4’s Today programme, Tom Whitcombe's agent said no."
    result = found(text, ("BBC Radio 4’s", "ORG"), ("Tom Whitcombe's", "PERSON"))
    assert {("BBC Radio 4", "ORG"), ("Tom Whitcombe", "PERSON")} <= result


def test_honorific_is_not_part_of_the_name():
    text = "Mrs Ellery said she was scared. Prof Wierzbicki agreed."
    assert found(text, ("Mrs Ellery", "PERSON"), ("Prof Wierzbicki", "PERSON")) >= {
        ("Ellery", "PERSON"), ("Wierzbicki", "PERSON")}


def test_name_after_an_honorific_is_found_when_the_model_missed_it():
    text = "Prof Tomasz Wierzbicki, an ecologist, cautioned against it."
    assert ("Tomasz Wierzbicki", "PERSON") in found(text)


def test_lowercase_names_are_dropped_but_numbers_stay():
    text = "He wore a navy blazer for two days."
    assert found(text, ("navy", "ORG"), ("two days", "DATE")) == {("two days", "DATE")}


def test_short_forms_of_a_full_name_are_people():
    text = "Alec Baldwin was in court. Later Alec smiled and Baldwin left with Hilaria, and Hilaria Baldwin waved."
    result = clean_entities(text, spans(text, ("Alec Baldwin", "PERSON"), ("Hilaria", "GPE"), ("Hilaria Baldwin", "PERSON")))
    labels = {(e.text, e.label, e.start) for e in result}
    assert ("Alec", "PERSON", text.index("Alec smiled")) in labels  # missed by the model: added
    assert ("Baldwin", "PERSON", text.index("Baldwin left")) in labels
    assert ("Hilaria", "PERSON", text.index("Hilaria,")) in labels  # mislabelled as a place: relabelled
    canonical = {e.start: e.canonical for e in result}
    assert canonical[text.index("Alec smiled")] == "Alec Baldwin"
    assert canonical[text.index("Baldwin left")] == "Alec Baldwin"  # the Baldwin named first
    assert canonical[text.index("Hilaria,")] == "Hilaria Baldwin"


def test_short_form_inside_a_longer_name_is_left_alone():
    text = "Mary Baldwin lives on Baldwin Street."
    result = found(text, ("Mary Baldwin", "PERSON"))
    assert ("Baldwin", "PERSON") not in result


def test_company_short_form_links_to_the_company():
    text = "Arvanta Therapeutics said on Monday that Arvanta would start a trial."
    result = clean_entities(text, spans(text, ("Arvanta Therapeutics", "ORG"), ("Monday", "DATE")))
    short = [e for e in result if e.text == "Arvanta"]
    assert short and short[0].label == "ORG" and short[0].canonical == "Arvanta Therapeutics"


def test_a_name_ending_in_a_known_surname_is_a_person():
    text = "Amara Okafor scored 31. Okafor said she was tired."
    assert ("Amara Okafor", "PERSON") in found(text, ("Amara Okafor", "GPE"), ("Okafor", "PERSON", 2))


def test_first_name_cut_off_by_the_model_is_joined():
    text = "Nadia Farrokh won. Farrokh thanked her father."
    assert ("Nadia Farrokh", "PERSON") in found(text, ("Nadia", "GPE"), ("Farrokh", "PERSON", 2))


@pytest.mark.parametrize(
    "text, model, age",
    [
        ("the fatal shooting of Halyna Hutchins, 42, on the set", ("42", "DATE"), "42"),
        ("Alan Briggs, 79, from Altrincham", ("79", "DATE"), "79"),
        ("The 66-year-old actor burst into tears", ("66-year-old", "DATE"), "66-year-old"),
        ("Tom Whitcombe (33) scored twice.", ("33", "CARDINAL"), "33"),
        ("She has died aged 81.", ("81", "CARDINAL"), "81"),
    ],
)
def test_ages_are_ages_not_dates(text, model, age):
    people = [("Halyna Hutchins", "PERSON")] if "Halyna" in text else []
    people += [("Alan Briggs", "PERSON")] if "Briggs" in text else []
    people += [("Tom Whitcombe", "PERSON")] if "Whitcombe" in text else []
    assert (age, "AGE") in found(text, *people, model)


def test_a_year_after_a_name_is_not_an_age():
    text = "Halyna Hutchins, 2021, was a year to forget."
    assert ("2021", "DATE") in found(text, ("Halyna Hutchins", "PERSON"), ("2021", "DATE"))


def test_money_keeps_its_currency_sign_and_range():
    text = "Guidance rose to $5.60 to $5.75 a share; the book costs £16.99."
    result = found(text, ("5.75", "MONEY"), ("16.99", "MONEY"))
    assert {("$5.60 to $5.75", "MONEY"), ("£16.99", "MONEY")} <= result


def test_signed_percentages_and_percentage_points():
    text = "Ashdown Homes -6.2% and Fenwick +14.3%; inflation fell 1.9 percentage points."
    result = found(text, ("6.2%", "PERCENT"), ("1.9", "CARDINAL"))
    assert {("-6.2%", "PERCENT"), ("+14.3%", "PERCENT"), ("1.9 percentage points", "PERCENT")} <= result


def test_scores_are_one_number():
    assert ("2-1", "CARDINAL") in found("Rovers won 2-1 at home.", ("2", "CARDINAL"))


def test_weekday_and_part_of_day_are_one_time():
    text = "The fire spread on Wednesday morning and again on Thursday evening."
    result = found(text, ("morning", "TIME"), ("Thursday", "DATE"))
    assert {("Wednesday morning", "TIME"), ("Thursday evening", "TIME")} <= result


def test_head_word_decides_the_kind():
    text = "Northern Coast Railways staff met at Nationwide Arena before the Telluride Film Festival."
    result = found(text, ("Northern Coast Railways", "LOC"), ("Nationwide Arena", "ORG"), ("the Telluride Film Festival", "FAC"))
    assert {("Northern Coast Railways", "ORG"), ("Nationwide Arena", "FAC"), ("Telluride Film Festival", "EVENT")} <= result


def test_a_name_does_not_begin_with_the_article():
    text = "Officials in the United States met the Federal Reserve, and read “The Winding Gear”."
    result = found(text, ("the United States", "GPE"), ("the Federal Reserve", "ORG"), ("The Winding Gear", "WORK_OF_ART"))
    assert {("United States", "GPE"), ("Federal Reserve", "ORG"), ("The Winding Gear", "WORK_OF_ART")} <= result


def test_a_possessive_split_off_by_a_space_is_trimmed():
    assert ("Boatmen", "ORG") in found("shares of Boatmen 's rose", ("Boatmen 's", "ORG"))


@pytest.mark.parametrize(
    "text, place",
    [("BONN 1996-08-30\n\nThe German government said", "BONN"),
     ("DALLAS (AP) — Democratic candidates met.", "DALLAS"),
     ("NEW YORK — Stocks fell on Monday.", "NEW YORK")],
)
def test_the_place_of_a_dateline_is_a_place(text, place):
    assert (place, "GPE") in found(text, (place, "ORG"))


def test_capitals_inside_a_sentence_are_no_dateline():
    assert ("NATO", "GPE") not in found("The talks with NATO — and others — went on.", ("NATO", "ORG"))


def test_legal_suffix_joins_the_company():
    assert ("Ridgeway Consulting LLC", "ORG") in found("paid to Ridgeway Consulting LLC in May", ("Ridgeway Consulting", "ORG"))


def test_single_quoted_titles_are_works():
    text = "his ‘Rust’ trial, then the set of 'Rust' in 2021"
    result = clean_entities(text, spans(text, ("2021", "DATE")))
    assert [(e.text, e.label) for e in result if e.label == "WORK_OF_ART"] == [("Rust", "WORK_OF_ART")] * 2


def test_double_quoted_titles_are_works_replacing_the_model_label():
    text = "comparing it to “Oppenheimer.” and “Letters Home” too"
    titles = [(m.start, m.end) for m in find_quotations(text) if is_title(text, m)]
    result = found(text, ("Oppenheimer", "ORG"), ("Letters Home", "ORG"), titles=titles)
    assert {("Oppenheimer", "WORK_OF_ART"), ("Letters Home", "WORK_OF_ART")} <= result


def test_a_rule_can_be_skipped_for_measuring():
    text = "Halyna Hutchins, 42, on the set"
    assert ("42", "DATE") in found(text, ("Halyna Hutchins", "PERSON"), ("42", "DATE"), skip=("ages",))


@pytest.mark.parametrize(
    "quoted, title",
    [("The Winding Gear", True), ("Harbor Lights,", True), ("Salt and Heather", True), ("Oppenheimer.", True),
     ("WE DID IT FOR THE TOWN", False), ("Yes,", False), ("He never read a novel in his life,", False),
     ("small", False), ("The Fed Said It Would Act. Soon.", False)],
)
def test_titles_among_quotations(quoted, title):
    text = f"She said “{quoted}” there."
    (mark,) = find_quotations(text)
    assert is_title(text, mark) is title


@pytest.mark.parametrize(
    "quoted, fragment",
    [("small", True), ("hedgehog highways", True), ("stupid and ashamed", True),
     ("making it up as they go along", False), ("a long, flat year", False), ("Volunteer counts are noisy,", False)],
)
def test_fragments_among_quotations(quoted, fragment):
    text = f"They called it “{quoted}” there."
    (mark,) = find_quotations(text)
    assert is_fragment(text, mark) is fragment


def test_fullest_name_prefers_the_first_full_name_mentioned():
    assert fullest_names(["Alec Baldwin", "Stephen Baldwin", "Baldwin", "Alec"]) == {
        "Alec Baldwin": "Alec Baldwin", "Stephen Baldwin": "Stephen Baldwin", "Baldwin": "Alec Baldwin", "Alec": "Alec Baldwin"}


def test_one_name_one_kind():
    text = "Crete is hot. Crete has ruins. Visitors love Crete. In Santa Fe County, Santa Fe is the capital."
    result = clean_entities(text, spans(text, ("Crete", "GPE"), ("Crete", "ORG", 2), ("Crete", "GPE", 3),
                                        ("Santa Fe County", "GPE"), ("Santa Fe", "ORG", 2)))
    assert [e.label for e in result if e.text == "Crete"] == ["GPE"] * 3
    assert [e.label for e in result if e.text == "Santa Fe"] == ["GPE"]


def test_a_name_never_runs_over_a_line_break():
    text = "he said of Donald Trump\nMANCHESTER, N.H. (AP) — Voters went"
    result = found(text, ("Donald Trump\nMANCHESTER", "PERSON"))
    assert ("Donald Trump", "PERSON") in result
    assert not any("\n" in name for name, _ in result)


def test_a_short_form_is_a_surname_before_a_first_word():
    names = fullest_names(["Trump Train", "Donald Trump", "Trump"])
    assert names["Trump"] == "Donald Trump"
    assert fullest_names(["Arvanta Therapeutics", "Arvanta"])["Arvanta"] == "Arvanta Therapeutics"


def test_numbers_and_sentences_are_no_subheadings():
    from reader.analysis.entities import heading_lines

    text = "Lead.\n\nEssex 532 Hussain 136\n\nAlan Briggs Of Altrincham Spoke.\n\nTed Cruz Apologizes To Carson\n\nMore."
    lines = [text[a:b] for a, b in heading_lines(text)]
    assert lines == ["Ted Cruz Apologizes To Carson"]


def test_a_name_holds_no_common_word_but_its_particles():
    text = "Trump told Business Insider about the Bank of America."
    result = found(text, ("Trump told Business Insider", "PERSON"), ("Bank of America", "ORG"))
    assert {("Trump", "PERSON"), ("Business Insider", "PERSON"), ("Bank of America", "ORG")} <= result


def test_a_dateline_glued_to_a_name_is_cut_off_the_name():
    text = "Delegates gathered.\n\nCLEVELAND - Donald Trump accepted the nomination. Donald Trump spoke."
    result = found(text, ("CLEVELAND - Donald Trump", "PERSON"), ("Donald Trump", "PERSON", 2))
    assert ("Donald Trump", "PERSON") in result
    assert not any(name.startswith("CLEVELAND -") for name, _ in result)
