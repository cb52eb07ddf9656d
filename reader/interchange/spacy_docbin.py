"""spaCy's DocBin (`.spacy`), out and back: the articles as Docs, the annotations as spans under a spans key.

A `.spacy` file is what `spacy train` and `spacy.tokens.DocBin` read. Each article
that has an exported annotation becomes one Doc, tokenised by spaCy's rules for the
language alone (`spacy.blank`, no pipeline to load), its text exactly as reader
stores it. Each annotation is one span per tag in `doc.spans["reader"]` (an untagged
annotation is one span labelled "annotation"); spans snap outwards to whole tokens,
so `doc.user_data["reader"]` keeps every annotation's exact character offsets,
tags, note, author and times besides the article's id, title, date, source, content
hash and external id. With `include_highlights`, the machine entities are the Doc's
entities (`doc.ents`, overlapping ones dropped longest-first, as spaCy's
`filter_spans` does) and the quotations are spans under "reader_quotes", labelled
QUOTE, their speakers in user_data. Highlights a person rejected are left out,
corrected ones carry the correction, and user_data says each one's status
(machine, confirmed, corrected); unchecked machine output is exported only when
asked for.

spaCy is imported only when a DocBin is written or read.
"""

from __future__ import annotations

from typing import Any, BinaryIO

from reader.interchange.records import ExportFilter, by_article
from reader.store import Store

SPANS_KEY = "reader"
QUOTES_KEY = "reader_quotes"
UNTAGGED_LABEL = "annotation"
QUOTE_LABEL = "QUOTE"


def docbin_bytes(
    store: Store, filters: ExportFilter | None = None, *, include_highlights: bool = False, lang: str = "en"
) -> tuple[bytes, int]:
    """(the DocBin's bytes, how many Docs)."""
    import spacy
    from spacy.tokens import DocBin
    from spacy.util import filter_spans

    groups = by_article(store, filters, include_highlights)  # the filter is checked before spaCy loads
    nlp = spacy.blank(lang)
    docs = DocBin(store_user_data=True)
    count = 0
    for article, batch in groups:
        doc = nlp.make_doc(article.text)
        spans = []
        entities = []
        quotes = []
        notes = []
        speakers = []
        statuses = []
        for record in batch:
            start, end = record["start"], record["end"]
            if record["kind"] == "annotation":
                for label in record["tags"] or [UNTAGGED_LABEL]:
                    span = doc.char_span(start, end, label=label, alignment_mode="expand")
                    if span is not None:
                        spans.append(span)
                notes.append({
                    "annotation_id": record["annotation_id"], "start": start, "end": end, "text": record["text"],
                    "tags": record["tags"], "note": record["note"], "author": record["author"],
                    "created_at": record["created_at"], "updated_at": record["updated_at"],
                })
            elif record["kind"] == "entity":
                span = doc.char_span(start, end, label=record["entity_label"] or "ENTITY", alignment_mode="expand")
                if span is not None:
                    entities.append(span)
                    statuses.append({"start": start, "end": end, "label": record["entity_label"],
                                     "status": record.get("status") or "machine"})
            else:
                span = doc.char_span(start, end, label=QUOTE_LABEL, alignment_mode="expand")
                if span is not None:
                    quotes.append(span)
                    speakers.append({"start": start, "end": end, "speaker": record["quote_speaker"],
                                     "status": record.get("status") or "machine"})
        doc.spans[SPANS_KEY] = spans
        if include_highlights:
            doc.ents = filter_spans(entities)
            doc.spans[QUOTES_KEY] = quotes
        first = batch[0]
        doc.user_data["reader"] = {
            "article_id": article.id,
            "article_title": article.title,
            "article_date": article.date,
            "source": article.source,
            "article_hash": first["article_hash"],
            "article_external_id": first.get("article_external_id"),
            "analyser": article.analyser,
            "annotations": notes,
            "entities": statuses,
            "quotes": speakers,
        }
        docs.add(doc)
        count += 1
    return docs.to_bytes(), count


def write_docbin(
    store: Store, out: BinaryIO, filters: ExportFilter | None = None, *, include_highlights: bool = False
) -> int:
    """Write the DocBin to a binary stream; returns how many Docs (articles)."""
    data, count = docbin_bytes(store, filters, include_highlights=include_highlights)
    out.write(data)
    return count


def read_docbin(data: bytes, lang: str = "en") -> list[Any]:
    """The Docs of a DocBin's bytes (for tests and for whoever checks an export)."""
    import spacy
    from spacy.tokens import DocBin

    return list(DocBin().from_bytes(data).get_docs(spacy.blank(lang).vocab))
