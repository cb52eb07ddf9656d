"""Label Studio's task JSON: one task per article, the article's text in the task, annotations as its results.

Label Studio imports a JSON array of tasks (Import, or `label-studio start --init
--input-path tasks.json`). Each task is `{"data": {"text": ..., reader's
identification of the article}, "annotations": [...], "predictions": [...]}`:
one entry of `annotations` per annotator (Label Studio's unit is one person's
labelling of one task), each of reader's annotations a `labels` region on the
text (`from_name` "label", `to_name` "text") with its tags as its labels and its
note as the region's meta text; with `include_highlights`, the machine entities
and quotations are `predictions` (from_name "entity"), marked with the
analyser's version. Offsets are Unicode code points into the text, as in
Label Studio's own text regions. `labeling_config(tags)` is the labelling
interface that shows them (Settings, Labeling Interface, Code).
"""

from __future__ import annotations

from typing import Any, Iterable, TextIO
from xml.sax.saxutils import quoteattr

from reader.interchange.records import ExportFilter, by_article
from reader.store import Store
from reader.text.inert import json_line

UNTAGGED_LABEL = "annotation"
QUOTE_LABEL = "QUOTE"
ENTITY_LABELS = (
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE", "DATE",
    "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL", "AGE",
)


def _region(record: dict[str, Any], from_name: str, labels: list[str]) -> dict[str, Any]:
    region: dict[str, Any] = {
        "id": f"{record['kind']}-{record['row_id']}",
        "from_name": from_name,
        "to_name": "text",
        "type": "labels",
        "origin": "manual" if record["kind"] == "annotation" else "prediction",
        "value": {"start": record["start"], "end": record["end"], "text": record["text"], "labels": labels},
    }
    if record["note"]:
        region["meta"] = {"text": [record["note"]]}
    if record["kind"] == "quote" and record["quote_speaker"]:
        region["meta"] = {"text": [f"speaker: {record['quote_speaker']}"]}
    return region


def task(article: Any, batch: list[dict[str, Any]]) -> dict[str, Any]:
    """One article as a Label Studio task."""
    first = batch[0]
    by_author: dict[str, list[dict[str, Any]]] = {}
    predictions: list[dict[str, Any]] = []
    for record in batch:
        if record["kind"] == "annotation":
            by_author.setdefault(record["author"], []).append(record)
        elif record["kind"] == "entity":
            predictions.append(_region(record, "entity", [record["entity_label"] or "ENTITY"]))
        else:
            predictions.append(_region(record, "entity", [QUOTE_LABEL]))
    annotations = []
    for author, records in by_author.items():
        created = [r["created_at"] for r in records if r["created_at"]]
        updated = [r["updated_at"] for r in records if r["updated_at"]]
        annotations.append({
            "result": [_region(r, "label", r["tags"] or [UNTAGGED_LABEL]) for r in records],
            "created_at": min(created) if created else None,
            "updated_at": max(updated) if updated else None,
            "ground_truth": False,
            "was_cancelled": False,
            "meta": {"reader_author": author},
        })
    result: dict[str, Any] = {
        "data": {
            "text": article.text,
            "title": article.title,
            "article_id": article.id,
            "article_date": article.date,
            "source": article.source,
            "article_hash": first["article_hash"],
            "article_external_id": first.get("article_external_id"),
        },
        "annotations": annotations,
    }
    if predictions:
        result["predictions"] = [{"model_version": article.analyser or "reader", "result": predictions}]
    return result


def write_label_studio(
    store: Store, out: TextIO, filters: ExportFilter | None = None, *, include_highlights: bool = False
) -> int:
    """A JSON array of tasks, one per article, written as it streams; returns how many tasks."""
    count = 0
    for article, batch in by_article(store, filters, include_highlights):
        out.write("[\n" if count == 0 else ",\n")
        out.write(json_line(task(article, batch)))
        count += 1
    out.write("[]\n" if count == 0 else "\n]\n")
    return count


def labeling_config(tags: Iterable[str], include_highlights: bool = False) -> str:
    """The labelling interface for these tasks: the text, reader's tags (and the machine labels)."""
    names = list(dict.fromkeys([*tags, UNTAGGED_LABEL]))
    lines = ["<View>", '  <Labels name="label" toName="text" choice="multiple">']
    lines += [f"    <Label value={quoteattr(name)}/>" for name in names]
    lines.append("  </Labels>")
    if include_highlights:
        lines.append('  <Labels name="entity" toName="text">')
        lines += [f"    <Label value={quoteattr(name)}/>" for name in (*ENTITY_LABELS, QUOTE_LABEL)]
        lines.append("  </Labels>")
    lines += ['  <Text name="text" value="$text"/>', "</View>"]
    return "\n".join(lines) + "\n"
