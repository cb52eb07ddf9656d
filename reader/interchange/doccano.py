"""doccano's JSON Lines for sequence labelling: one line per article, its text and its labelled spans.

doccano imports (Dataset, Import, "JSONL", in a Sequence Labeling project) lines of
`{"text": ..., "label": [[start, end, "tag"], ...]}`, keeping every other key as
the example's metadata. reader writes one line per article that has an exported
annotation: its text exactly as stored, one `[start, end, tag]` per annotation and
tag (an untagged annotation is labelled "annotation"; with `include_highlights`,
the machine entities with their labels and the quotations as QUOTE too), and
reader's identification of the article and its notes as metadata. Offsets are
Unicode code points, end exclusive, as doccano counts them.
"""

from __future__ import annotations

from typing import Any, TextIO

from reader.interchange.records import ExportFilter, by_article
from reader.store import Store
from reader.text.inert import json_line

UNTAGGED_LABEL = "annotation"
QUOTE_LABEL = "QUOTE"


def example(article: Any, batch: list[dict[str, Any]]) -> dict[str, Any]:
    """One article as a doccano example."""
    labels: list[list[Any]] = []
    notes: list[dict[str, Any]] = []
    for record in batch:
        start, end = record["start"], record["end"]
        if record["kind"] == "annotation":
            for tag in record["tags"] or [UNTAGGED_LABEL]:
                labels.append([start, end, tag])
            if record["note"]:
                notes.append({"start": start, "end": end, "note": record["note"], "author": record["author"]})
        elif record["kind"] == "entity":
            labels.append([start, end, record["entity_label"] or "ENTITY"])
        else:
            labels.append([start, end, QUOTE_LABEL])
    first = batch[0]
    return {
        "text": article.text,
        "label": labels,
        "article_id": article.id,
        "title": article.title,
        "article_date": article.date,
        "source": article.source,
        "article_hash": first["article_hash"],
        "article_external_id": first.get("article_external_id"),
        "notes": notes,
    }


def write_doccano(
    store: Store, out: TextIO, filters: ExportFilter | None = None, *, include_highlights: bool = False
) -> int:
    """One JSON object per article per line (UTF-8, LF); returns how many."""
    count = 0
    for article, batch in by_article(store, filters, include_highlights):
        out.write(json_line(example(article, batch)))
        out.write("\n")
        count += 1
    return count
