"""One row per article and coder: the article's codes (a column per variable) and how much of it
was checked. The shape SPSS, R and the agreement figures take (a unit per row, a coder per row).

CSV: article_id, article_external_id, article_title, article_date, source, article_hash, coder, then a
column per article variable in codebook order (a multi-choice variable's values joined as tags are,
"a; b"), then annotations, quotations, quotations_checked, speakers, speakers_checked, entities,
entities_checked. JSON Lines: the same, with the codes under "codes" as their own JSON values.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Iterator, TextIO

from reader.editing.verify import apply_decisions, checked
from reader.errors import ReaderError
from reader.interchange.cells import _cell, join_tags
from reader.interchange.records import ExportFilter, check_filter
from reader.store import Store
from reader.text.inert import json_line

COUNT_COLUMNS = (
    "annotations", "quotations", "quotations_checked", "speakers", "speakers_checked", "entities", "entities_checked",
)
ARTICLE_COLUMNS = ("article_id", "article_external_id", "article_title", "article_date", "source", "article_hash", "coder")


def article_rows(store: Store, filters: ExportFilter | None = None) -> Iterator[dict[str, Any]]:
    """Each (article, coder) as a dict: the article columns, "codes" {variable: value} and the counts."""
    filters = check_filter(store, filters or ExportFilter())
    for article_id in store.filtered_article_ids(filters.article_ids, filters.since, filters.until):
        article = store.get_article(article_id)
        identity = store.find_article_identity(article_id)
        codes = store.article_codes(article_id)
        decisions = store.decisions(article_id)
        annotations = store.annotations(article_id)
        coders = [c for c in store.coders(article_id) if not filters.authors or c in filters.authors]
        for coder in coders or ([""] if not filters.authors else []):
            mine = [d for d in decisions if d.author == coder]
            entities, quotes = apply_decisions(article.text, article.entities, article.quotes, mine)
            counts = checked(quotes, entities)
            yield {
                "article_id": article_id,
                "article_external_id": getattr(article, "external_id", None),
                "article_title": article.title,
                "article_date": article.date,
                "source": article.source,
                "article_hash": identity.content_hash if identity else None,
                "coder": coder,
                "codes": {c.variable: c.value for c in codes if c.author == coder},
                "annotations": sum(a.author == coder for a in annotations),
                "quotations": counts["quotations"][1],
                "quotations_checked": counts["quotations"][0],
                "speakers": counts["speakers"][1],
                "speakers_checked": counts["speakers"][0],
                "entities": counts["entities"][1],
                "entities_checked": counts["entities"][0],
            }


def _code_cell(value: Any) -> Any:
    if isinstance(value, list):
        return join_tags(str(v) for v in value)
    return "" if value is None else value


def write_articles_csv(store: Store, out: TextIO, filters: ExportFilter | None = None, *, bom: bool = False) -> int:
    """Write the article rows as CSV (RFC 4180, formula-safe cells); returns how many rows."""
    variables = [v.name for v in store.variables()]
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*ARTICLE_COLUMNS, *variables, *COUNT_COLUMNS])
    count = 0
    for row in article_rows(store, filters):
        cells = [row[c] for c in ARTICLE_COLUMNS] + [_code_cell(row["codes"].get(v)) for v in variables]
        cells += [row[c] for c in COUNT_COLUMNS]
        writer.writerow([_cell(c) if isinstance(c, str) else ("" if c is None else c) for c in cells])
        count += 1
    return count


def write_articles_jsonl(store: Store, out: TextIO, filters: ExportFilter | None = None) -> int:
    count = 0
    for row in article_rows(store, filters):
        out.write(json_line(row))
        out.write("\n")
        count += 1
    return count


def import_article_codes(store: Store, path: str | Path) -> tuple[int, list[tuple[int, str]]]:
    """Article codes from an `export --articles` JSON Lines file: each row's codes set for its coder on
    the article with the same content hash (else id and title). Returns (codes set, [(line, problem)])."""
    count, problems = 0, []
    with open(path, encoding="utf-8-sig") as stream:
        for line, text in enumerate(stream, start=1):
            if not text.strip():
                continue
            try:
                row = json.loads(text)
            except (ValueError, RecursionError) as exc:
                problems.append((line, f"not JSON ({exc})"))
                continue
            if not isinstance(row, dict) or not isinstance(row.get("codes"), dict) or not isinstance(row.get("coder"), str):
                problems.append((line, "not a row of 'reader export --articles' (codes and coder)"))
                continue
            article_id = store.find_article_id(str(row.get("article_hash") or ""))
            if article_id is None and isinstance(row.get("article_id"), int):
                identity = store.find_article_identity(row["article_id"])
                article_id = identity.id if identity and identity.title == row.get("article_title") else None
            if article_id is None:
                problems.append((line, f"no article like “{str(row.get('article_title'))[:60]}” in the library"))
                continue
            for variable, value in row["codes"].items():
                if store.find_variable(str(variable)) is None:
                    problems.append((line, f"no article variable '{variable}' in the codebook (import the codebook first)"))
                    continue
                try:
                    store.set_code(article_id, str(variable), row["coder"], value)
                except ReaderError as exc:
                    problems.append((line, str(exc)))
                    continue
                count += 1
    return count, problems
