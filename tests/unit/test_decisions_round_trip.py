"""What people decided leaves reader and comes back: statuses, speakers, added quotations and article
codes survive an export and an import into a fresh library (JSON Lines, the codebook CSV, --articles)."""

from __future__ import annotations

import pytest
from annotated_seed import analysis, seed

from reader.editing.verify import apply_decisions
from reader.interchange.articles import write_articles_jsonl
from reader.interchange.codebook import import_codebook, write_codebook
from reader.interchange.importer import import_annotations
from reader.interchange.jsonl import write_jsonl
from reader.model import Decision, VariableValue
from reader.store import Store, StoreError


def corrected(store: Store, article_id: int):
    article = store.get_article(article_id)
    entities, quotes = apply_decisions(article.text, article.entities, article.quotes, store.decisions(article_id))
    return (sorted((e.start, e.end, e.label, e.status) for e in entities),
            sorted((q.start, q.end, q.speaker, q.status) for q in quotes))


def library() -> tuple[Store, int]:
    store = Store(None)
    article = seed()
    article_id, _ = store.add_article(article, analysis(article.text))
    return store, article_id


def test_statuses_speakers_added_quotations_and_codes_survive_a_round_trip(tmp_path):
    store, article_id = library()
    article = store.get_article(article_id)
    quote, first, second = article.quotes[0], article.entities[0], article.entities[1]
    store.set_decision(Decision(article_id, "quote", quote.start, quote.end, "corrected", "ann", speaker="Halyna Hutchins"))
    store.set_decision(Decision(article_id, "entity", first.start, first.end, "confirmed", "ann"))
    store.set_decision(Decision(article_id, "entity", second.start, second.end, "rejected", "ann"))
    at = article.text.index("dismissal")
    store.set_decision(Decision(article_id, "quote", at, at + 9, "corrected", "ben", speaker="Alec Baldwin", added=True))
    store.save_variable("tone", "categorical", values=[VariableValue("negative", "n"), VariableValue("positive", "p")])
    store.save_variable("actors", "multi", values=[VariableValue("police"), VariableValue("court")])
    store.set_code(article_id, "tone", "ann", "negative")
    store.set_code(article_id, "actors", "ben", ["court"])
    files = {}
    for name, write in (("annotations.jsonl", lambda out: write_jsonl(store, out, include_highlights=True)),
                        ("codebook.csv", lambda out: write_codebook(store, out)),
                        ("articles.jsonl", lambda out: write_articles_jsonl(store, out))):
        path = tmp_path / name
        with open(path, "w", encoding="utf-8", newline="") as out:
            write(out)
        files[name] = path

    fresh, fresh_id = library()  # the same article, analysed the same way, in a new library
    import_codebook(fresh, files["codebook.csv"])
    report = import_annotations(fresh, files["annotations.jsonl"])
    assert report.ok and report.decisions == 4, report.summary()
    report = import_annotations(fresh, files["articles.jsonl"])
    assert report.ok and report.codes == 2, report.summary()
    assert corrected(fresh, fresh_id) == corrected(store, article_id)
    assert {(c.variable, c.author, str(c.value)) for c in fresh.article_codes(fresh_id)} == {
        ("tone", "ann", "negative"), ("actors", "ben", "['court']"),
    }
    assert {(d.kind, d.status, d.author) for d in fresh.decisions(fresh_id)} == {
        ("quote", "corrected", "ann"), ("entity", "confirmed", "ann"), ("entity", "rejected", "ann"), ("quote", "corrected", "ben"),
    }


def test_a_code_must_be_one_of_the_variables_values():
    store, article_id = library()
    store.save_variable("tone", "categorical", values=[VariableValue("negative"), VariableValue("positive")])
    store.save_variable("sources", "number")
    with pytest.raises(StoreError, match="not a value of categorical variable 'tone'"):
        store.set_code(article_id, "tone", "ann", "furious")
    with pytest.raises(StoreError, match="number variable 'sources'"):
        store.set_code(article_id, "sources", "ann", "three")
    store.set_code(article_id, "sources", "ann", 3)
    assert [c.value for c in store.article_codes(article_id)] == [3]


def test_a_corrected_speaker_drops_the_machines_source_and_cue_a_confirmed_one_keeps_them():
    """The CSV must not say speaker Alex Marlow with source "Caddell" and cue "said" (tried on real news)."""
    from reader.model import Quote

    text = '"Two polls came out," said Caddell to Alex Marlow.'
    machine = Quote(1, 19, text[1:19], "Pat Caddell", speaker_start=26, speaker_end=33, cue="said",
                    source_start=26, source_end=33, cue_start=21, cue_end=25)
    fix = Decision(1, "quote", 1, 19, "corrected", "ann", speaker="Alex Marlow")
    _, [fixed] = apply_decisions(text, [], [machine], [fix])
    assert fixed.speaker == "Alex Marlow"
    assert (fixed.source_start, fixed.cue, fixed.cue_start, fixed.speaker_start) == (None, None, None, None)
    same = Decision(1, "quote", 1, 19, "confirmed", "ann", speaker="Pat Caddell")
    _, [kept] = apply_decisions(text, [], [machine], [same])
    assert (kept.source_start, kept.cue, kept.speaker_start) == (26, "said", 26)
