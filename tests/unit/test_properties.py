"""Invariants, tested on generated text (hypothesis): offsets, wrapping, re-anchoring, export and import.

The text mixes the hard cases: combining marks, emoji with joiners, wide CJK, right-to-left letters and
bidi controls, zero-width characters, control characters, spaces and line breaks.
"""

from __future__ import annotations

import csv
import io
import json

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from reader.ingest.article import ArticleError
from reader.ingest.files import parse_article
from reader.interchange.anchoring import anchor, context_score, occurrences
from reader.interchange.cells import restore
from reader.interchange.csv import write_csv
from reader.interchange.importer import import_annotations
from reader.interchange.jsonl import write_jsonl
from reader.store import CONTEXT_CHARS, Store, context
from reader.text.inert import display_text
from reader.text.wrap import WrappedText

HARD = [
    "a", "b", "Z", "é", "e\u0301", "\u0351", "👍", "🏽", "👨\u200d👩", "🇫🇷", "東", "京", "한", "Ａ",
    "ש", "م", "\u202e", "\u202b", "\u2067", "\u200f", "\u200b", "\u200d", "\u2060", "\ufeff",
    "\x1b", "\x07", "\x9b", "\x85", "\u2028", "\r", "\t", " ", " ", " ", "\n", ".", ",", "'", "’", "-", "=", ";", '"',
]
hard_text = st.lists(st.sampled_from(HARD), max_size=120).map("".join)
long_hard_text = st.lists(st.sampled_from(HARD), min_size=40, max_size=200).map("".join)  # longer than the context
FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def article(text: str):
    """`text` as reader stores it (normalised), or nothing when it is no article (empty, say)."""
    try:
        parsed = parse_article(("Title: generated\n\n" + text).encode(), "generated.txt")
    except ArticleError:
        return None
    return parsed if parsed.text else None


# ---------------------------------------------------------------- wrapping and the cursor's offsets


@FAST
@given(hard_text, st.integers(min_value=4, max_value=30))
def test_wrapped_lines_cover_every_character_once_and_fit_the_width(text, width):
    shown = display_text(text)
    assert len(shown) == len(text)  # one symbol for one character: offsets are the same on screen
    layout = WrappedText(shown, width)
    assert layout.starts[0] == 0 and layout.ends[-1] == len(text)
    for i in range(len(layout)):
        start, end = layout.starts[i], layout.ends[i]
        assert start <= end
        assert cell_len(shown[start:end].rstrip(" ")) <= width
        if i + 1 < len(layout):
            gap = layout.starts[i + 1] - end
            assert gap == 0 or (gap == 1 and text[end] == "\n")
    for offset in range(len(text)):
        line = layout.line_of(offset)
        assert layout.starts[line] <= offset <= layout.ends[line]
        content_end = layout.starts[line] + len(shown[layout.starts[line] : layout.ends[line]].rstrip(" "))
        line_start = layout.starts[line]
        widens = cell_len(shown[line_start : offset + 1]) > cell_len(shown[line_start:offset])
        if offset < content_end and widens:  # a character with a cell of its own: the cursor can stand on it
            assert layout.offset_at(line, layout.column_of(offset)) == offset


# ---------------------------------------------------------------- stored and exported offsets

spans = st.lists(st.tuples(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=40)), min_size=1, max_size=4)
notes = st.one_of(hard_text, st.text(max_size=40))
tags = st.lists(st.text(min_size=1, max_size=8).map(lambda s: " ".join(s.split())).filter(bool), max_size=3, unique_by=str.casefold)


def annotated_store(parsed, chosen, note, tag_names, author="someone") -> tuple[Store, int]:
    store = Store(None)
    article_id, _ = store.add_article(parsed)
    text = parsed.text
    for position, length in chosen:
        start = position % len(text)
        store.create_annotation(article_id, start, min(len(text), start + length), author, tag_names, note)
    return store, article_id


def exports(store: Store) -> tuple[str, str]:
    out_csv, out_jsonl = io.StringIO(newline=""), io.StringIO(newline="")
    write_csv(store, out_csv, include_highlights=True)
    write_jsonl(store, out_jsonl)
    return out_csv.getvalue(), out_jsonl.getvalue()


@FAST
@given(long_hard_text, spans, notes, tags)
@example("a few words to annotate", [(0, 5)], "\x85 next line\u2028 and \x1b]0;title\x07", ["\u202eflipped"])
def test_exported_text_is_always_the_article_text_at_its_offsets(text, chosen, note, tag_names):
    parsed = article(text)
    assume(parsed is not None)
    store, _ = annotated_store(parsed, chosen, note, tag_names)
    text = parsed.text
    as_csv, as_jsonl = exports(store)
    rows = list(csv.DictReader(io.StringIO(as_csv, newline="")))
    assert len(rows) == len(chosen)
    for row in rows:
        start, end = int(row["start"]), int(row["end"])
        assert restore(row["text"]) == text[start:end]
        assert restore(row["prefix"]) == text[max(0, start - CONTEXT_CHARS) : start]
        assert restore(row["suffix"]) == text[end : end + CONTEXT_CHARS]
        assert restore(row["note"]) == note
    for line in as_jsonl.splitlines():
        quote, position = json.loads(line)["target"]["selector"]
        assert quote["exact"] == text[position["start"] : position["end"]]
    store.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(long_hard_text, spans, notes, tags, st.text(max_size=10))
def test_export_import_export_gives_the_same_file(tmp_path_factory, text, chosen, note, tag_names, author):
    parsed = article(text)
    assume(parsed is not None)
    store, _ = annotated_store(parsed, chosen, note, tag_names, author)
    first = exports(store)
    folder = tmp_path_factory.mktemp("round")
    for fmt, data in zip(("csv", "jsonl"), first):
        path = folder / f"export.{fmt}"
        path.write_text(data, encoding="utf-8", newline="")
        fresh = Store(None)
        fresh.add_article(parsed)
        report = import_annotations(fresh, path)
        assert report.ok and report.added == len(chosen), [str(p) for p in report.errors + report.unanchored]
        assert exports(fresh)[0 if fmt == "csv" else 1] == data
        again = import_annotations(fresh, path)  # a second import changes nothing
        assert again.added == 0 and exports(fresh)[0 if fmt == "csv" else 1] == data
        fresh.close()
    store.close()


# ---------------------------------------------------------------- re-anchoring


@FAST
@given(hard_text.filter(bool), st.integers(min_value=0), st.integers(min_value=1, max_value=30), hard_text, hard_text)
def test_reanchoring_finds_the_span_again_after_text_is_added_around_it(text, position, length, before, after):
    start = position % len(text)
    end = min(len(text), start + length)
    exact = text[start:end]
    prefix, suffix = context(text, start, end)
    assert anchor(text, exact, start, end, prefix, suffix, trust_offsets=True) == (start, end)
    edited = before + text + after
    found = anchor(edited, exact, start, end, prefix, suffix)
    assert found is not None
    assert edited[found[0] : found[1]] == exact
    # Its surroundings match as well as the original place's do: wherever it lands, nothing fits better.
    assert context_score(edited, found[0], found[1], prefix, suffix) == len(prefix) + len(suffix)
    if len(list(occurrences(edited, prefix + exact + suffix))) == 1:  # the only place that fits
        assert found == (start + len(before), end + len(before))


spans = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 25)), max_size=12)


@FAST
@given(spans, spans, st.integers(0, 70), st.integers(1, 20))
def test_export_says_what_an_annotation_is_on(highlights, quoted, start, length):
    """The per-article lookup in export agrees with the rule said plainly: an entity's label only on
    that entity's very span; the speaker of the first quotation the annotation lies within."""
    from reader.model import Analysis, Entity, Quote
    from reader.store import _SpanLookup

    store = Store(None)
    article_id, _ = store.add_article(parse_article(("x" * 100).encode(), "a.txt"))
    entities = [Entity(s, s + n, f"L{i}", "x" * n) for i, (s, n) in enumerate(highlights)]
    quotes = [Quote(s, s + n, "x" * n, f"S{i}") for i, (s, n) in enumerate(quoted)]
    store.set_analysis(article_id, Analysis(entities=entities, quotes=quotes, analyser="generated"))
    end = start + length
    stored = store.get_article(article_id)
    exact = [e.label for e in stored.entities if (e.start, e.end) == (start, end)]
    on = [q.speaker for q in stored.quotes if (q.start, q.end) == (start, end)]
    on_quote = bool(on)
    within = sorted((q for q in stored.quotes if q.start <= start and end <= q.end), key=lambda q: (q.start, q.end))
    from reader.model import ExportRow

    blank = ExportRow(*[None] * len(ExportRow._fields))
    found = _SpanLookup(store, article_id).context(blank._replace(kind="annotation", start=start, end=end))
    assert found.entity_label == (exact[0] if exact and not on_quote else None)
    assert found.quote_speaker == (on[0] if on else within[0].speaker if within else None)
    assert found.target == ("quotation" if on_quote else "entity" if exact else "span")


@FAST
@given(st.lists(st.text(alphabet="ab; ", min_size=1, max_size=6).map(lambda t: " ".join(t.split())).filter(bool), max_size=5))
def test_the_documented_recipe_splits_tags_as_reader_does(names):
    """docs/export.md tells pandas and R users to read ";;" as ";" and split on "; ": exact for every name."""
    from reader.interchange.cells import join_tags, split_tags

    cell = join_tags(names)
    recipe = [n.replace("\0", ";") for n in cell.replace(";;", "\0").split("; ") if n]
    assert recipe == split_tags(cell)
