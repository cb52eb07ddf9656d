"""Material for the benchmarks, built in a temporary folder and never committed.

    python benchmarks/corpus.py seed DB            # the seed article, analysed, in DB
    python benchmarks/corpus.py book DB FILE       # a 1 MB article (FILE), analysed, in DB
    python benchmarks/corpus.py articles DIR 1000  # 1,000 distinct article files in DIR

Everything is made from the seed and the evaluation articles. The book joins
them, over and over, into one article of about a megabyte; each distinct text
is analysed once and its entities and quotations are shifted into place, which
gives what analysing the whole book would (spaCy reads long texts in pieces
anyway) in seconds rather than minutes. A few hundred annotations are added so
that every highlight layer is exercised.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_8d4d9360f55ea89e.txt"
EVAL_ARTICLES = ROOT / "benchmarks" / "eval" / "articles"
BOOK_BYTES = 1_000_000
ANNOTATE_EVERY = 25  # one entity in this many gets an annotation in the book


def source_texts() -> list[str]:
    """The normalised texts of the seed and the evaluation articles (seed first)."""
    from compat import read_article

    paths = [SEED] + sorted(p for p in EVAL_ARTICLES.glob("*.txt") if p.name != SEED.name)
    return [read_article(p).text for p in paths]


def book_pieces(target_bytes: int = BOOK_BYTES) -> list[str]:
    """Source texts repeated in order until they add up to `target_bytes` of UTF-8."""
    texts, pieces, size = source_texts(), [], 0
    while size < target_bytes:
        text = texts[len(pieces) % len(texts)]
        pieces.append(text)
        size += len(text.encode("utf-8")) + 2
    return pieces


def add_seed(db: Path) -> int:
    """Store the seed, analysed; returns its id."""
    from reader.analysis import Analyser
    from compat import read_article
    from reader.store import Store

    parsed = read_article(SEED)
    article_id, _ = Store(db).add_article(parsed, Analyser().analyse(parsed.text))
    return article_id


def add_book(db: Path, path: Path, target_bytes: int = BOOK_BYTES) -> dict[str, int]:
    """Write the book to `path` and store it, analysed and annotated, in `db`."""
    from reader.analysis import Analyser
    from compat import read_article
    from reader.model import Analysis
    from reader.store import Store

    pieces = book_pieces(target_bytes)
    distinct = list(dict.fromkeys(pieces))
    analyser = Analyser()
    by_text = dict(zip(distinct, analyser.analyse_many(distinct)))
    path.write_text("\n\n".join(pieces) + "\n", encoding="utf-8")
    parsed = read_article(path)
    entities, quotes, offset = [], [], 0
    for piece in pieces:
        analysis = by_text[piece]
        entities += [dataclasses.replace(e, start=e.start + offset, end=e.end + offset) for e in analysis.entities]
        quotes += [_shift_quote(q, offset) for q in analysis.quotes]
        offset += len(piece) + 2
    if parsed.text != "\n\n".join(pieces):
        raise SystemExit("the book changed when read back; offsets would be wrong")
    store = Store(db)
    article_id, _ = store.add_article(parsed, Analysis(entities, quotes, analyser.version))
    tags = [t.name for t in store.tags()]
    with store.transaction():
        for n, entity in enumerate(entities[::ANNOTATE_EVERY]):
            store.create_annotation(article_id, entity.start, entity.end, "bench", [tags[n % len(tags)]])
    return {"id": article_id, "bytes": path.stat().st_size, "entities": len(entities), "quotes": len(quotes),
            "annotations": len(entities[::ANNOTATE_EVERY])}


def _shift_quote(quote, offset: int):
    moved = {"start": quote.start + offset, "end": quote.end + offset}
    if quote.speaker_start is not None:
        moved["speaker_start"] = quote.speaker_start + offset
    if quote.speaker_end is not None:
        moved["speaker_end"] = quote.speaker_end + offset
    return dataclasses.replace(quote, **moved)


def write_articles(folder: Path, count: int) -> int:
    """`count` distinct article files (a numbered first line on each source text); returns their words."""
    folder.mkdir(parents=True, exist_ok=True)
    texts, words = source_texts(), 0
    for i in range(count):
        text = f"Dispatch number {i}.\n\n{texts[i % len(texts)]}\n"
        (folder / f"{i:05d}.txt").write_text(text, encoding="utf-8")
        words += len(text.split())
    return words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("seed").add_argument("db", type=Path)
    book = sub.add_parser("book")
    book.add_argument("db", type=Path)
    book.add_argument("file", type=Path)
    book.add_argument("--bytes", type=int, default=BOOK_BYTES)
    articles = sub.add_parser("articles")
    articles.add_argument("folder", type=Path)
    articles.add_argument("count", type=int)
    args = parser.parse_args()
    if args.what == "seed":
        print({"id": add_seed(args.db)})
    elif args.what == "book":
        print(add_book(args.db, args.file, args.bytes))
    else:
        print({"words": write_articles(args.folder, args.count)})


if __name__ == "__main__":
    sys.exit(main())
