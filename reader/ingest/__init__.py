"""Articles into the library: files (text, Markdown, HTML) read and parsed, then stored and analysed in batches.

- `article`: ParsedArticle, normalisation, content hash, titles;
- `files`: finding and decoding files, choosing the parser; `text`, `markdown`, `html`: the parsers;
- `batch`: importing many files, analysing with every core.

No Textual.
"""
