"""Shared by test_export and test_interchange: the seed in an in-memory library, annotated.

No spaCy: the analysis is made by hand (a few entities and the judge's quotation).
"""

from __future__ import annotations

import io
from pathlib import Path

from reader.ingest.article import ParsedArticle
from reader.ingest.files import read_article
from reader.interchange.csv import write_csv
from reader.interchange.jsonl import write_jsonl
from reader.model import Analysis, Annotation, Entity, Quote
from reader.store import Store

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_8d4d9360f55ea89e.txt"

PEOPLE = ["Alec Baldwin", "Mary Marlowe Sommer", "Halyna Hutchins", "Stephen Baldwin", "Joel Souza"]

# (phrase annotated, tags, note, author): notes with commas, quotes, newlines, emoji, formula-like text.
ANNOTATIONS = [
    ("Alec Baldwin", ["claim", "actor"], "Plain note", "ann"),
    ("Mary Marlowe Sommer", ["source"], 'commas, and "quotes", too', "ann"),
    ("The late discovery of this evidence", ["evidence", "a; b"], "line one\nline two\r\nline three", "bob"),
    ("bad faith", ["=formula tag"], "emoji 🎉🦀 ok", "bob"),
    ("Santa Fe County District Court", ["semi;colon", "claim"], "=SUM(A1)", "ann"),
    ("El Dorado Hotel", [], "+1", "ann"),
    ("Casa Chimayo", ["follow-up"], "-2", "bob"),
    ("Stephen Baldwin", ["actor"], "@x", "ann"),
    ("18 months", ["fact-check"], "\tleading tab", "ann"),
    ("Joel Souza", ["actor"], "\rcarriage return first", "bob"),
    ("Hannah Gutierrez-Reed", ["actor"], "'=already escaped", "ann"),
    ("Halyna Hutchins", ["actor"], "'quoted", "ann"),
    ("TMZ", [], "", "ann"),
    ("scorching", ["framing"], "end of the quotation", "bob"),
]
DELETED = "Luke Nikas"  # annotated then deleted, so ids have a gap


def seed() -> ParsedArticle:
    return read_article(SEED)


def quote_span(text: str) -> tuple[int, int]:
    start = text.index("The late discovery")
    end = text.index("scorching.") + len("scorching.")
    return start, end


def analysis(text: str) -> Analysis:
    entities = []
    for name in PEOPLE:
        start = text.index(name)
        entities.append(Entity(start, start + len(name), "PERSON", name))
    start = text.index("Santa Fe County")
    entities.append(Entity(start, start + len("Santa Fe County"), "GPE", "Santa Fe County"))
    entities.sort(key=lambda e: e.start)
    q_start, q_end = quote_span(text)
    speaker = text.index("Judge Sommer")
    quotes = [Quote(q_start, q_end, text[q_start:q_end], "Mary Marlowe Sommer", speaker, speaker + 12, "said")]
    return Analysis(entities=entities, quotes=quotes, analyser="hand-made 1")


def library(article: ParsedArticle | None = None, analysed: bool = True) -> tuple[Store, int]:
    """An in-memory store holding `article` (the seed by default)."""
    article = article or seed()
    store = Store(None)
    article_id, _ = store.add_article(article, analysis(article.text) if analysed else None)
    return store, article_id


def annotate(store: Store, article_id: int) -> list[Annotation]:
    """The ANNOTATIONS on the stored article, in order; one more is made and deleted first."""
    text = store.get_article_text(article_id)
    made = []
    for phrase, tags, note, author in ANNOTATIONS[:3]:
        start = text.index(phrase)
        made.append(store.create_annotation(article_id, start, start + len(phrase), author, tags, note))
    start = text.index(DELETED)
    store.delete_annotation(store.create_annotation(article_id, start, start + len(DELETED), "ann").id)
    for phrase, tags, note, author in ANNOTATIONS[3:]:
        start = text.index(phrase)
        made.append(store.create_annotation(article_id, start, start + len(phrase), author, tags, note))
    return made


def csv_bytes(store: Store, **options) -> bytes:
    buffer = io.BytesIO()
    out = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
    write_csv(store, out, **options)
    out.flush()
    return buffer.getvalue()


def jsonl_bytes(store: Store, **options) -> bytes:
    buffer = io.BytesIO()
    out = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
    write_jsonl(store, out, **options)
    out.flush()
    return buffer.getvalue()
