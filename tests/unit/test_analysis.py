"""Analysis with the real spaCy pipeline: entities, quotations and speakers, offsets."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader.analysis import pipeline
from reader.analysis.pipeline import CHUNK_CHARS, split_for_parsing
from reader.model import Analysis

SEED_PEOPLE = [
    "Alec Baldwin",
    "Mary Marlowe Sommer",
    "Halyna Hutchins",
    "Hilaria Baldwin",
    "Alex Spiro",
    "Luke Nikas",
    "Stephen Baldwin",
    "Matthew Hutchins",
    "Hannah Gutierrez-Reed",
    "Joel Souza",
]
PLACE_LABELS = {"GPE", "LOC", "FAC"}
SEED_FILE = Path(__file__).resolve().parents[2] / "seeds" / "000_8d4d9360f55ea89e.txt"


def check_offsets(text: str, analysis: Analysis) -> None:
    for e in analysis.entities:
        assert 0 <= e.start < e.end <= len(text)
        assert text[e.start : e.end] == e.text, e
        assert e.text == e.text.strip(), e
    for q in analysis.quotes:
        assert text[q.start : q.end] == q.text, q
        if q.speaker is not None:
            assert q.speaker_start is not None and q.speaker_end is not None
            assert 0 <= q.speaker_start < q.speaker_end <= len(text)
            # The speaker's mention is outside the quotation itself.
            assert q.speaker_end <= q.start - 1 or q.speaker_start >= q.end + 1, q
        else:
            assert q.speaker_start is None and q.speaker_end is None


# ---------------------------------------------------------------- the seed


def test_seed_people(seed_analysis):
    people = {e.text for e in seed_analysis.entities if e.label == "PERSON"}
    missing = [name for name in SEED_PEOPLE if name not in people]
    assert not missing, f"not found as PERSON: {missing}"


def test_seed_places(seed_article, seed_analysis):
    places = [e.text for e in seed_analysis.entities if e.label in PLACE_LABELS]
    assert "New Mexico" in places
    assert any("Santa Fe" in p for p in places), places


def test_seed_entity_offsets(seed_article, seed_analysis):
    assert seed_analysis.entities
    check_offsets(seed_article.text, seed_analysis)
    starts = [e.start for e in seed_analysis.entities]
    assert starts == sorted(starts)


def test_seed_single_quoted_titles_are_not_quotations(seed_article, seed_analysis):
    for q in seed_analysis.quotes:
        assert q.text.strip() != "Rust" and "The Baldwins" not in q.text


def test_seed_quotation(seed_article, seed_analysis):
    text = seed_article.text
    assert len(seed_analysis.quotes) == 1
    quote = seed_analysis.quotes[0]
    assert text[quote.start : quote.end] == quote.text
    assert quote.text.startswith("The late discovery of this evidence during trial")
    assert quote.text.endswith("to show signs of scorching.")
    assert quote.text.count("\n\n") == 1  # it spans the two paragraphs
    assert quote.speaker == "Mary Marlowe Sommer"
    mention = text[quote.speaker_start : quote.speaker_end]
    assert "Sommer" in mention
    assert quote.speaker_end <= quote.start  # named before the quotation, in the lead-in
    check_offsets(text, seed_analysis)


def test_analyser_version_names_rules_and_pipeline(analyser, seed_analysis):
    assert seed_analysis.analyser == analyser.version
    assert analyser.version.startswith(f"reader-{pipeline.RULES_VERSION} ")
    assert analyser.nlp.meta["name"] in analyser.version
    assert analyser.nlp.meta["version"] in analyser.version


# ---------------------------------------------------------------- speakers in small texts


def only_quote(analyser, text: str):
    analysis = analyser.analyse(text)
    check_offsets(text, analysis)
    assert len(analysis.quotes) == 1, analysis.quotes
    return analysis.quotes[0]


def test_pronoun_after_quotation_resolves_to_named_person(analyser):
    text = "Maria Lopez arrived at the rally on Tuesday.\n\n“We will win,” she said."
    quote = only_quote(analyser, text)
    assert quote.text == "We will win,"
    assert quote.speaker == "Maria Lopez"
    assert text[quote.speaker_start : quote.speaker_end] == "Maria Lopez"


def test_pronoun_skips_a_person_of_the_other_gender(analyser):
    text = "Mrs Maria Lopez introduced John Smith to the crowd. “We will win,” he said."
    quote = only_quote(analyser, text)
    assert quote.speaker == "John Smith"


def test_pronoun_prefers_the_subject_of_the_main_clause(analyser):
    text = (
        "Sentencing, Judge Rachel Okonjo said Darren Holloway had shown no remorse.\n\n"
        "She told him: “You chose your victims because they were old.”"
    )
    quote = only_quote(analyser, text)
    assert quote.speaker == "Rachel Okonjo"


def test_pronoun_never_resolves_to_a_name_inside_a_quotation(analyser):
    text = "“Ask Peter Green,” said Anna Berg. “He knows.”\n\nLater she added: “We will see what happens next.”"
    analysis = analyser.analyse(text)
    assert analysis.quotes[-1].speaker == "Anna Berg"


def test_colon_lead_in(analyser):
    text = "John Smith spoke to reporters. He said: “The plan is working.”"
    quote = only_quote(analyser, text)
    assert quote.text == "The plan is working."
    assert quote.speaker == "John Smith"


def test_said_after_quotation_with_inverted_subject(analyser):
    text = '"The plan is working," said John Smith.'
    quote = only_quote(analyser, text)
    assert quote.speaker == "John Smith"
    assert text[quote.speaker_start : quote.speaker_end] == "John Smith"


def test_surname_is_named_by_the_fullest_name(analyser):
    text = 'Janet Yellen visited the factory on Monday.\n\n"Growth is strong," Yellen said.'
    quote = only_quote(analyser, text)
    assert quote.speaker == "Janet Yellen"
    assert text[quote.speaker_start : quote.speaker_end] == "Yellen"


def test_shared_surname_is_the_first_person_so_named(analyser):
    text = (
        "Alec Baldwin arrived at court with his wife Hilaria Baldwin and his brother Stephen Baldwin.\n\n"
        '"It is over," Baldwin said.'
    )
    quote = only_quote(analyser, text)
    assert quote.speaker == "Alec Baldwin"
    assert text[quote.speaker_start : quote.speaker_end] == "Baldwin"


def test_full_names_do_not_depend_on_hash_order():
    code = (
        "from reader.analysis.entities import fullest_names; "
        "names = ['Alec Baldwin', 'Hilaria Baldwin', 'Stephen Baldwin', 'Baldwin', 'Sommer', 'Mary Marlowe Sommer', 'Alec']; "
        "print(sorted(fullest_names(names).items()))"
    )
    outputs = set()
    for seed in ("1", "2", "3", "4", "5"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
        assert result.returncode == 0, result.stderr
        outputs.add(result.stdout)
    assert len(outputs) == 1, outputs
    mapping = dict(eval(outputs.pop()))  # a printed list of string pairs
    assert mapping["Baldwin"] == "Alec Baldwin"
    assert mapping["Alec"] == "Alec Baldwin"
    assert mapping["Sommer"] == "Mary Marlowe Sommer"
    assert mapping["Hilaria Baldwin"] == "Hilaria Baldwin"


def test_according_to(analyser):
    text = "“The economy will grow,” according to Janet Yellen."
    quote = only_quote(analyser, text)
    assert quote.speaker == "Janet Yellen"
    assert quote.cue == "according to"


def test_noun_phrase_speaker(analyser):
    text = "“It was a mistake,” the spokesman said."
    quote = only_quote(analyser, text)
    assert quote.speaker == "the spokesman"


def test_no_speaker_when_none_is_named(analyser):
    text = 'On the wall of the gym, "Work hard and stay humble, whatever happens" was painted in red.'
    quote = only_quote(analyser, text)
    assert quote.speaker is None


def test_a_quoted_title_is_a_work_not_a_quotation(analyser):
    text = 'The film was called "Oppenheimer" and it won seven awards.'
    analysis = analyser.analyse(text)
    assert analysis.quotes == []
    assert ("Oppenheimer", "WORK_OF_ART") in [(e.text, e.label) for e in analysis.entities]


def test_empty_text(analyser):
    analysis = analyser.analyse("")
    assert analysis.entities == [] and analysis.quotes == []
    assert analysis.analyser == analyser.version


def test_analyse_many_keeps_order(analyser):
    texts = ["Angela Merkel spoke in Berlin.", "", "Nothing to see.", "Barack Obama visited Paris."]
    results = list(analyser.analyse_many(texts))
    assert len(results) == 4
    assert [e.text for e in results[0].entities if e.label == "PERSON"] == ["Angela Merkel"]
    assert results[1].entities == []
    assert [e.text for e in results[3].entities if e.label == "PERSON"] == ["Barack Obama"]


# ---------------------------------------------------------------- long texts


def test_split_for_parsing_short_text_is_one_piece():
    assert split_for_parsing("short") == ["short"]
    assert split_for_parsing("") == []


def test_split_for_parsing_cuts_at_paragraphs_and_joins_back_exactly():
    paragraph = "A sentence of moderate length goes here. " * 30
    text = "\n\n".join(paragraph.strip() for _ in range(int(CHUNK_CHARS * 2.5 / len(paragraph)) + 1))
    assert len(text) > 2 * CHUNK_CHARS
    pieces = split_for_parsing(text)
    assert len(pieces) >= 3
    assert "".join(pieces) == text
    assert all(len(p) <= CHUNK_CHARS for p in pieces)
    for piece in pieces[:-1]:
        assert piece.endswith("\n")  # cut at a paragraph break, not inside a word


def test_split_for_parsing_without_paragraphs_cuts_at_spaces():
    text = "word " * 1000
    pieces = split_for_parsing(text, limit=333)
    assert "".join(pieces) == text
    assert all(len(p) <= 333 for p in pieces)
    assert all(p.endswith(" ") for p in pieces[:-1])


def test_split_for_parsing_unbreakable_text():
    text = "x" * 1000
    pieces = split_for_parsing(text, limit=300)
    assert "".join(pieces) == text and all(len(p) <= 300 for p in pieces)


def test_long_text_is_analysed_in_pieces_with_correct_offsets(analyser, seed_article, seed_analysis, monkeypatch):
    copies = 3
    separator = "\n\n"
    text = separator.join([seed_article.text] * copies)
    limit = 1500
    pieces = split_for_parsing(text, limit=limit)
    assert len(pieces) > copies and "".join(pieces) == text
    # The analyser cuts at the small limit, as it would at CHUNK_CHARS for a very long text.
    monkeypatch.setattr(pipeline, "split_for_parsing", functools.partial(split_for_parsing, limit=limit))
    analysis = analyser.analyse(text)
    check_offsets(text, analysis)

    stride = len(seed_article.text) + len(separator)
    for copy in range(copies):
        people = {e.text for e in analysis.entities if e.label == "PERSON" and e.start // stride == copy}
        missing = [name for name in SEED_PEOPLE if name not in people]
        assert not missing, f"copy {copy}: {missing}"
    # The two-paragraph quotation is found, once per copy, and attributed each time.
    assert len(analysis.quotes) == copies
    single = seed_analysis.quotes[0]
    for copy, quote in enumerate(analysis.quotes):
        assert quote.start == single.start + copy * stride
        assert quote.end == single.end + copy * stride
        assert quote.speaker == "Mary Marlowe Sommer"
        assert text[quote.speaker_start : quote.speaker_end] == seed_article.text[single.speaker_start : single.speaker_end]


# ---------------------------------------------------------------- lazy loading


def test_reading_path_does_not_import_spacy():
    code = (
        "import sys, reader.store, reader.ingest.batch, reader.ingest.files, reader.config, reader.model; "
        "from reader.analysis import Analyser; Analyser(); "
        "assert 'spacy' not in sys.modules, 'spacy imported'; "
        "assert 'trafilatura' not in sys.modules, 'trafilatura imported'"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_opening_a_stored_article_does_not_import_spacy(tmp_path):
    code = f"""
import sys
from reader.analysis import Analyser
from reader.ingest.batch import import_files
from reader.model import Analysis, Entity
from reader.store import Store
store = Store({str(tmp_path / "lib.db")!r})
report = import_files(store, [{str(SEED_FILE)!r}], 5_000_000)
(article_id,) = report.article_ids
store.set_analysis(article_id, Analysis([Entity(0, 4, "PERSON", "Alec")], [], "stored-1"))
article = store.get_article(article_id)
assert article.analysed and article.entities
store.list_articles(); store.search("Baldwin"); store.create_annotation(article_id, 0, 4, "me", tags=["claim"])
assert store.articles_needing_analysis("stored-1") == []
assert "spacy" not in sys.modules, "spacy imported"
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_several_processes_give_the_same_results(analyser, seed_article):
    texts = [seed_article.text, "Angela Merkel spoke in Berlin.", seed_article.text.replace("Alec", "Bob")]
    one = list(analyser.analyse_many(texts))
    two = list(analyser.analyse_many(texts, n_process=2, batch_size=1))
    assert one == two
    assert [q.speaker for q in two[2].quotes] == ["Mary Marlowe Sommer"]


def test_missing_model_is_a_one_line_error():
    from reader.analysis import Analyser, ModelError

    with pytest.raises(ModelError) as info:
        Analyser("no_such_pipeline_xyz").nlp
    message = str(info.value)
    assert "no_such_pipeline_xyz" in message and "\n" not in message and "--model" in message


def test_scare_quotes_are_not_quotations(analyser):
    text = "The film was made on a “small” budget, and she always bristled at the “folk” label."
    assert analyser.analyse(text).quotes == []


def test_partial_quotation_governed_by_a_speech_verb_is_kept(analyser):
    text = "Ms Sarah Kwan, who flew over the area on Thursday, said the damage was “confronting”."
    quote = only_quote(analyser, text)
    assert quote.text == "confronting"
    assert quote.speaker == "Sarah Kwan"


def test_speaker_named_in_apposition(analyser):
    text = "Its chairman, Sir Nigel Ashby, told shareholders: “We are not going to pretend this was a good Christmas.”"
    assert only_quote(analyser, text).speaker == "Nigel Ashby"


def test_the_judge_is_the_judge_named_before(analyser):
    text = (
        "Judge Patricia Moreau sentenced Gerald Haskins on Friday.\n\n"
        '"The defendant talks about paying this back," the judge said.'
    )
    quote = only_quote(analyser, text)
    assert quote.speaker == "Patricia Moreau"
    assert text[quote.speaker_start : quote.speaker_end] == "the judge"


def test_speaker_mention_is_the_short_form_and_name_is_canonical(analyser):
    text = "Colleen Brandt co-founded Lumenrail in 2019.\n\n\"Railroads move carefully,\" Brandt said."
    quote = only_quote(analyser, text)
    assert quote.speaker == "Colleen Brandt"
    assert text[quote.speaker_start : quote.speaker_end] == "Brandt"


def test_interrupted_quotation_is_two_parts_with_one_speaker(analyser):
    text = "“Volunteer counts are noisy,” said Prof Tomasz Wierzbicki, “and we have tried to correct for that.”"
    analysis = analyser.analyse(text)
    assert [q.text for q in analysis.quotes] == ["Volunteer counts are noisy,", "and we have tried to correct for that."]
    assert {q.speaker for q in analysis.quotes} == {"Tomasz Wierzbicki"}
    assert all(q.cue == "said" for q in analysis.quotes)


def test_first_person_outside_quotes_in_an_interview_is_the_interviewee(analyser):
    text = (
        "Joanne Tully is suddenly everywhere. Tully grew up in Grimethorpe. Kate Mercer met Tully.\n\n"
        "Q: Why the change?\n\n"
        "A: I said to my agent, “If I write one more body in a canal, I'll end up in the canal myself.”"
    )
    assert only_quote(analyser, text).speaker == "Joanne Tully"
