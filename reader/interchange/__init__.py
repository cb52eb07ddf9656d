"""Annotations and the codebook in and out of reader: one module per format, each both directions.

- `records`: the export's columns and filter, the rows streamed from the store, the records read back;
- `cells`: formula-safe CSV cells and the tags column;
- `csv`, `jsonl` (W3C Web Annotation), `codebook`: the formats;
- `anchoring`: finding an imported annotation's article and place; `importer`: importing a file;
- `output`: an export by format name, and the file it is written to.

Pure functions over a `Store`; no Textual, no spaCy. Rows stream from SQLite to the output, so memory
stays flat however many annotations there are.
"""
