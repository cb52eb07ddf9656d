"""Blind double coding: while an assignment is open, a store reading for a coder shows on the assigned
articles the machine's highlights and that coder's own work only; closing the assignment shows all."""

from __future__ import annotations

import io

import pytest

from reader.ingest.article import ParsedArticle
from reader.interchange.csv import write_csv
from reader.interchange.records import ExportFilter
from reader.model import Analysis, Decision, Entity, Quote, VariableValue
from reader.store import Store, StoreError

TEXT = 'The mayor said "we will build it" on Monday. The council disagreed with the mayor about the bridge.'


def _article(store: Store, n: int) -> int:
    text = f"{TEXT} Article {n}."
    start = text.index("we will")
    analysis = Analysis([Entity(4, 9, "PERSON", "mayor")], [Quote(start, start + 16, "we will build it", "mayor")], "hand")
    article_id, _ = store.add_article(ParsedArticle(text=text, title=f"Story {n}"), analysis)
    return article_id


@pytest.fixture
def coded():
    """Two articles, the first assigned to ana and ben; each of them (and lead, before the sample) has worked on both."""
    store = Store()
    sample, other = _article(store, 1), _article(store, 2)
    store.save_variable("tone", "categorical", values=[VariableValue("negative", "n"), VariableValue("positive", "p")])
    for article_id in (sample, other):
        store.create_annotation(article_id, 4, 9, "lead", ["actor"], note="lead's note on the mayor")
        for coder in ("ana", "ben"):
            store.create_annotation(article_id, 0, 3, coder, ["claim"], note=f"{coder} thinks bridge")
            store.set_code(article_id, "tone", coder, "negative" if coder == "ana" else "positive")
        store.set_decision(Decision(article_id, "quote", TEXT.index("we will"), TEXT.index("we will") + 16, "rejected", "ana"))
    store.create_assignment(["ana", "ben"], [sample])
    yield store, sample, other
    store.close()


def test_a_coder_sees_only_their_own_work_on_an_assigned_article(coded):
    store, sample, other = coded
    store.view_as("ben")
    assert [(a.author, a.note) for a in store.annotations(sample)] == [("ben", "ben thinks bridge")]
    assert store.decisions(sample) == []  # ana's rejection of the quotation is hers alone
    assert [(c.author, c.value) for c in store.article_codes(sample)] == [("ben", "positive")]
    assert store.article_codes(sample, "ana") == []
    assert store.coders(sample) == ["ben"]
    assert sorted(a.author for a in store.annotations(other)) == ["ana", "ben", "lead"]  # outside the sample: all, as always
    assert len(store.decisions(other)) == 1 and store.coders(other) == ["ana", "ben", "lead"]


def test_a_hidden_annotation_cannot_be_found_by_its_id(coded):
    store, sample, _ = coded
    ana = next(a for a in store.annotations(sample) if a.author == "ana")
    store.view_as("ben")
    assert store.find_annotation(ana.id) is None
    store.view_as("ana")
    assert store.find_annotation(ana.id).note == "ana thinks bridge"


def test_search_finds_no_one_elses_note_on_an_assigned_article(coded):
    store, sample, other = coded
    store.view_as("ben")
    found = store.search_library("thinks")
    assert sorted(found.notes) == sorted([(sample, a.id) for a in store.annotations(sample)] +
                                         [(other, a.id) for a in store.annotations(other) if "thinks" in a.note])
    assert {(n.article_id, n.annotation_id) for n in store.search("thinks")} == set(found.notes)
    assert not any(article_id == sample for article_id, _ in store.search_library("lead's").notes)


def test_the_library_counts_only_the_coders_own_annotations_and_notes_on_assigned_articles(coded):
    store, sample, other = coded
    everyone = store.library_rows([sample, other])
    assert (everyone[sample].annotations, everyone[sample].notes) == (3, 3)
    store.view_as("ben")
    rows = store.library_rows([sample, other])
    assert (rows[sample].annotations, rows[sample].notes) == (1, 1)
    assert rows[sample].assigned and rows[sample].variables_coded == 1
    assert (rows[other].annotations, rows[other].notes) == (3, 3) and rows[other].assigned is None
    listed = {row.id: row for row in store.iter_articles()}
    assert (listed[sample].annotations, listed[sample].notes, listed[sample].assigned) == (1, 1, True)
    store.view_as("lead")  # not a coder: the sample shows lead's own work too, and is not lead's to code
    rows = store.library_rows([sample])
    assert (rows[sample].annotations, rows[sample].assigned) == (1, False)


def test_an_export_under_a_coders_name_holds_no_one_elses_work_on_the_sample(coded):
    store, sample, other = coded
    store.view_as("ben")
    rows = list(store.export_rows(include_highlights=True))
    assert {(r.article_id, r.author) for r in rows if r.kind == "annotation"} == {
        (sample, "ben"), (other, "ana"), (other, "ben"), (other, "lead")}
    quotes = {r.article_id: r.status for r in rows if r.kind == "quote"}
    assert quotes == {sample: "machine"}  # ana rejected it on both; on the sample her rejection is hidden
    out = io.StringIO()
    write_csv(store, out, ExportFilter(article_ids=(sample,)), include_highlights=True)
    assert "ana" not in out.getvalue() and "lead" not in out.getvalue()


def test_closing_the_assignment_shows_everyones_work(coded):
    store, sample, _ = coded
    store.view_as("ben")
    assert len(store.annotations(sample)) == 1
    store.close_assignment()
    assert sorted(a.author for a in store.annotations(sample)) == ["ana", "ben", "lead"]
    assert len(store.decisions(sample)) == 1 and len(store.article_codes(sample)) == 2
    assert store.library_rows([sample])[sample].annotations == 3
    assert store.blind_article_ids() == set()


def test_a_store_reading_for_no_one_sees_everything_during_an_assignment(coded):
    store, sample, _ = coded  # what agreement and adjudication read
    assert len(store.annotations(sample)) == 3 and len(store.article_codes(sample)) == 2
    assert store.blind_article_ids() == set()
    store.view_as("ana")
    assert store.blind_article_ids() == {sample} and store.blind_article_ids([sample + 1]) == set()


def test_the_speaker_index_is_kept_from_everyones_decisions_whoever_writes_one(coded):
    """ben's decision on the sample rewrote its index rows from the decisions ben may see, so ana's rejection
    of the quotation was lost from the index for good (found by review)."""
    store, sample, _ = coded
    store.view_as("ben")
    store.set_decision(Decision(sample, "entity", 4, 9, "confirmed", "ben"))  # rewrites the sample's rows
    store.close_assignment()
    store.view_as(None)
    speaker = store.find_speaker("mayor")
    quoted_in = {q.article_id for q in store.speaker_quotes(speaker.id)} if speaker else set()
    assert sample not in quoted_in  # ana rejected it: no one's quotation, on the sample as on the other article


def test_the_speaker_index_names_speakers_as_the_coder_may_see_them(coded):
    """ana corrected the sample's speaker to a fuller name: ben's index must not name the mayor so, find
    the speaker by that name, or merge speakers while the index of the sample is hidden (found by review)."""
    store, sample, other = coded
    start = TEXT.index("we will")
    for article_id in (sample, other):  # ana's rejections give way to her correction
        store.set_decision(Decision(article_id, "quote", start, start + 16, "corrected", "ana",
                                    speaker="Mayor Jane Secretmiddle Roe" if article_id == sample else "Jane Roe"))
    store.view_as(None)
    assert store.get_speaker("Jane Secretmiddle Roe").quotes == 2  # one speaker: the fuller name names both
    store.view_as("ben")
    [seen] = store.speaker_index()
    assert "Secretmiddle" not in seen.name + " ".join(seen.variants) and seen.quotes == 1
    assert store.find_speaker("Jane Secretmiddle Roe") is None and store.find_speaker("Jane Roe") is not None
    with pytest.raises(StoreError, match="wait until the open assignment is closed"):
        store.decide_speakers("split", "Jane Roe", None, "ben")
