"""Modules that moved, imported from wherever the measured tree keeps them.

run.py --before measures an older commit with today's benchmark scripts: before the restructure
(issue 10), files were read by reader.articles and exports written by reader.export.
"""

from __future__ import annotations

try:
    from reader.ingest.files import read_article
except ImportError:  # before reader/ingest
    from reader.articles import read_article  # type: ignore[no-redef]

try:
    from reader.interchange.csv import write_csv
    from reader.interchange.jsonl import write_jsonl
    from reader.interchange.output import output_file
    from reader.interchange.records import ExportFilter
except ImportError:  # before reader/interchange
    from reader.export import ExportFilter, output_file, write_csv, write_jsonl  # type: ignore[no-redef]

try:
    from reader.interchange.importer import import_annotations
except ImportError:
    from reader.interchange import import_annotations  # type: ignore[no-redef]

__all__ = ["ExportFilter", "import_annotations", "output_file", "read_article", "write_csv", "write_jsonl"]
