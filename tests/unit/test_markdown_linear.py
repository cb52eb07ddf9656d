"""Markdown is parsed in linear time (markdown-it-py), whatever the file holds.

The audit: `**a ` repeated 16,000 times (64 KB) took 22 s; 200 KB of `[`, `![` or `**a ` ran past 120 s.
"""

from __future__ import annotations

import time

import pytest

from reader.ingest.files import parse_article


@pytest.mark.parametrize(
    "unit, count",
    [("**a ", 16_000), ("**a ", 50_000), ("[", 200_000), ("![", 100_000), ("_a ", 60_000), ("`", 200_000),
     ("> ", 5_000), ("# ", 50_000), ("[a](", 50_000), ("<", 200_000), ("*", 200_000)],
)
def test_hostile_markdown_is_parsed_quickly_and_keeps_its_text(unit, count):
    raw = unit * count + "\n\nend"
    started = time.perf_counter()
    article = parse_article(raw.encode(), "hostile.md")
    elapsed = time.perf_counter() - started
    assert elapsed < 10, f"{len(raw):,} bytes of {unit!r} took {elapsed:.1f} s"
    assert article.text.endswith("end")


def test_nesting_deeper_than_the_stack_keeps_the_text():
    raw = "".join("  " * i + "- item\n" for i in range(1500)) + "\nlast words"
    article = parse_article(raw.encode(), "deep.md")
    assert article.text.count("item") == 1500 and article.text.endswith("last words")


def test_lists_links_images_and_entities_read_as_words():
    raw = (
        "1. one\n2. two\n   - nested\n\n   more of two\n\n"
        "Para [a link](https://x.org) ![an *image*](p.png) a&amp;b \\*literal\\*\nnext line\n\n"
        "[ref]: https://example.org\n"
    )
    article = parse_article(raw.encode(), "a.md")
    assert article.text == (
        "1. one\n2. two\n  • nested\n  more of two\n\nPara a link an image a&b *literal*\nnext line"
    )
