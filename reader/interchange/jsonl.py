"""JSON Lines of W3C Web Annotations, both directions: one annotation per line out, and back in."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Iterator, TextIO

from reader.interchange.records import (
    ID_PREFIX,
    ExportFilter,
    ImportRecord,
    Problem,
    RowError,
    _check,
    _int,
    _time,
    records,
)
from reader.store import Store
from reader.text.inert import json_line

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"


# reader's own terms, under a stable base, so that JSON-LD processors keep the "reader" block: with the W3C
# context alone its keys are undefined terms, and expansion drops them silently. The base is a URN (no web
# page to fetch); it never changes, and new keys are only ever added. The keys are defined in a context
# scoped to the block (JSON-LD 1.1), so that "target" inside it never redefines the annotation's own target.
READER_VOCAB = "urn:x-reader:vocab:"
READER_TERMS = (
    "kind", "annotation_id", "article_id", "article_title", "article_date", "article_source", "content_hash",
    "entity_label", "quote_speaker", "target", "status", "quote_source", "quote_cue", "article_external_id",
)
READER_CONTEXT: dict[str, Any] = {
    "@version": 1.1,
    "reader": {
        "@id": READER_VOCAB + "reader",
        "@context": {term: {"@id": READER_VOCAB + term} for term in READER_TERMS},
    },
}
CONTEXT: list[Any] = [ANNO_CONTEXT, READER_CONTEXT]


def _source_iri(source: str | None, article_hash: str) -> str:
    """The target's source: the article's URL, its file as a file: URI, or else its content hash as a URN."""
    if source and "://" in source:
        return source
    if source and os.path.isabs(source):
        return Path(source).as_uri()
    return f"urn:sha256:{article_hash}"


def web_annotation(record: dict[str, Any]) -> dict[str, Any]:
    """One record as a W3C Web Annotation, with reader's own identification under "reader"."""
    kind = record["kind"]
    anno: dict[str, Any] = {
        "@context": CONTEXT,
        "id": f"{ID_PREFIX}{kind}:{record['row_id']}",
        "type": "Annotation",
    }
    if kind != "annotation":
        anno["motivation"] = "highlighting"
    if record["created_at"]:
        anno["created"] = record["created_at"]
    if record["updated_at"]:
        anno["modified"] = record["updated_at"]
    if kind == "annotation":
        if record["author"]:
            anno["creator"] = {"type": "Person", "name": record["author"]}
        body = [{"type": "TextualBody", "purpose": "tagging", "value": name} for name in record["tags"]]
        if record["note"]:
            body.append({"type": "TextualBody", "purpose": "commenting", "format": "text/plain", "value": record["note"]})
    else:
        if record["author"] and record.get("status") not in (None, "machine"):  # a person decided on it
            anno["creator"] = {"type": "Person", "name": record["author"]}
        elif record["author"]:
            anno["generator"] = {"type": "Software", "name": record["author"]}
        body = []
        if kind == "entity" and record["entity_label"]:
            body.append({"type": "TextualBody", "purpose": "classifying", "value": record["entity_label"]})
        if kind == "quote" and record["quote_speaker"]:
            body.append({"type": "TextualBody", "purpose": "identifying", "value": record["quote_speaker"]})
    if body:
        anno["body"] = body
    anno["target"] = {
        "source": _source_iri(record["source"], record["article_hash"]),
        "selector": [
            {"type": "TextQuoteSelector", "exact": record["text"], "prefix": record["prefix"], "suffix": record["suffix"]},
            {"type": "TextPositionSelector", "start": record["start"], "end": record["end"]},
        ],
    }
    anno["reader"] = {
        "kind": kind,
        "annotation_id": record["annotation_id"],
        "article_id": record["article_id"],
        "article_title": record["article_title"],
        "article_date": record["article_date"],
        "article_source": record["source"],
        "content_hash": record["article_hash"],
        "entity_label": record["entity_label"],
        "quote_speaker": record["quote_speaker"],
        "target": record["target"],
        "status": record["status"],
        "quote_source": record["quote_source"],
        "quote_cue": record["quote_cue"],
        "article_external_id": record.get("article_external_id"),
    }
    return anno


def write_jsonl(
    store: Store, out: TextIO, filters: ExportFilter | None = None, *, include_highlights: bool = False
) -> int:
    """Write one W3C Web Annotation per line (UTF-8, LF) to `out`; returns how many.

    With highlights, those a person rejected are written too (status "rejected"), so that a library
    made from the file keeps every decision; the CSV leaves them out."""
    count = 0
    for record in records(store, filters, include_highlights, with_rejected=True):  # checked before the first line
        out.write(json_line(web_annotation(record)))
        out.write("\n")
        count += 1
    return count


def read_jsonl(stream: TextIO, name: str) -> Iterator[ImportRecord | Problem]:
    """Records from JSON Lines of W3C Web Annotations (reader's own, or any with a TextQuoteSelector)."""
    for line, text in enumerate(stream, start=1):
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            yield Problem(line, f"not JSON ({exc.msg} at column {exc.colno})")
            continue
        except ValueError:  # an integer of thousands of digits (Python's int limit)
            yield Problem(line, "not JSON reader can read (a number too long)")
            continue
        except RecursionError:
            yield Problem(line, "not JSON reader can read (nested too deeply)")
            continue
        try:
            yield _json_record(obj, line)
        except RowError as exc:
            yield Problem(line, str(exc))
        except (ValueError, TypeError, OverflowError, RecursionError) as exc:  # a value no check foresaw
            yield Problem(line, f"cannot be imported ({type(exc).__name__})")


def _text(value: Any, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RowError(f"{name} must be text, not {json.dumps(value)[:30]}")
    return value


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _json_record(obj: Any, line: int) -> ImportRecord:
    if not isinstance(obj, dict):
        raise RowError("not a JSON object")
    own = obj.get("reader") if isinstance(obj.get("reader"), dict) else {}
    targets = [t for t in _as_list(obj.get("target")) if isinstance(t, dict)]
    if not targets:
        raise RowError("no target with selectors")
    quote: dict[str, Any] | None = None
    position: dict[str, Any] | None = None
    for selector in _as_list(targets[0].get("selector")):
        if isinstance(selector, dict) and selector.get("type") == "TextQuoteSelector" and quote is None:
            quote = selector
        elif isinstance(selector, dict) and selector.get("type") == "TextPositionSelector" and position is None:
            position = selector
    if quote is None or not isinstance(quote.get("exact"), str):
        raise RowError("no TextQuoteSelector with an exact text")
    tags: list[str] = []
    notes: list[str] = []
    for body in _as_list(obj.get("body")):
        if isinstance(body, dict) and isinstance(body.get("value"), str):
            if body.get("purpose") == "tagging" and body["value"].strip():
                tags.append(body["value"].strip())
            elif body.get("purpose") in ("commenting", None, "describing"):
                notes.append(body["value"])
    creator = obj.get("creator")
    if isinstance(creator, dict):
        author = creator.get("name") or creator.get("nickname") or ""
    else:
        author = creator or ""
    if not isinstance(author, str):
        raise RowError(f"the creator's name must be text, not {json.dumps(author)[:30]}")
    annotation_id = own.get("annotation_id")
    match = re.fullmatch(re.escape(ID_PREFIX) + r"annotation:(\d+)", str(obj.get("id") or ""))
    if annotation_id is None and match:
        annotation_id = match.group(1)
    source = str(targets[0].get("source") or "")
    content_hash = own.get("content_hash") or (source[len("urn:sha256:"):] if source.startswith("urn:sha256:") else None)
    return _check(
        ImportRecord(
            line=line,
            exact=quote["exact"],
            kind=str(own.get("kind") or "annotation"),
            annotation_id=_int(annotation_id, "annotation_id"),
            article_id=_int(own.get("article_id"), "article_id"),
            article_title=_text(own.get("article_title"), "article_title") or None,
            article_hash=_text(content_hash, "content_hash").lower() or None,
            start=_int((position or {}).get("start"), "start"),
            end=_int((position or {}).get("end"), "end"),
            prefix=str(quote.get("prefix") or ""),
            suffix=str(quote.get("suffix") or ""),
            tags=tags,
            note="\n\n".join(notes),
            author=str(author),
            created_at=_time(obj.get("created"), "created"),
            updated_at=_time(obj.get("modified"), "modified"),
            status=_text(own.get("status"), "status") or None,
            speaker=_text(own.get("quote_speaker"), "quote_speaker") or None,
            label=_text(own.get("entity_label"), "entity_label") or None,
        )
    )
