"""Make docs/screenshot.png from the real app: python docs/screenshot.py (needs rsvg-convert)."""

from __future__ import annotations

import asyncio
import subprocess
import tempfile
from pathlib import Path

from reader.analysis import Analyser
from reader.app import ReaderApp
from reader.ingest.files import read_article
from reader.store import Store

HERE = Path(__file__).resolve().parent
SEED = HERE.parent / "seeds" / "000_8d4d9360f55ea89e.txt"


async def shoot(svg: Path) -> None:
    article = read_article(SEED)
    article.source = "seeds/000_8d4d9360f55ea89e.txt"
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "reader.db")
        article_id, _ = store.add_article(article, Analyser().analyse(article.text))
        app = ReaderApp(store, user="maria", article_ids=[article_id])
        async with app.run_test(size=(120, 34)) as pilot:
            await pilot.press("right_parenthesis", "1", "a", *"Ruling text; check against the court order", "escape")
            await pilot.pause()
            app.save_screenshot(str(svg))


def main() -> None:
    svg = HERE / "screenshot.svg"
    asyncio.run(shoot(svg))
    # rsvg collapses leading spaces in <text> unless told to preserve them.
    svg.write_text(svg.read_text(encoding="utf-8").replace("<svg ", '<svg xml:space="preserve" ', 1), encoding="utf-8")
    subprocess.run(["rsvg-convert", str(svg), "-o", str(HERE / "screenshot.png")], check=True)
    svg.unlink()
    print(HERE / "screenshot.png")


if __name__ == "__main__":
    main()
