"""The speaker index at scale: opening it and a speaker's page on a library of 20,000 articles with quotations.

    python benchmarks/speakers_bench.py [--articles 20000] [--rounds 3] [--no-ui] [--json]

The library is synthetic (made here, nothing read from a corpus): 20,000 articles of about 350
words, five quotations each, by 1,500 people quoted as often as a Zipf law says (the most quoted
has about one quotation in eight) under the names news gives them ("Hillary Clinton", "Clinton",
"Mrs. Clinton", "Sen. Hillary Clinton"), 30 organisations and unnamed sources, one quotation in
ten repeating an earlier one (its wording changed in half of them), 25 outlets over two years;
one article in forty has a confirmed quotation, one in ten a "claim" annotation. It is stored
through `Store.add_article`, so the speaker index is kept as `reader add` keeps it, and cached
(READER_BENCH_CACHE, else reader-speakers-bench in the temporary folder) keyed by the schema.

Figures (medians of `--rounds`):
- build: adding the articles (ms per article, the index kept) and the first look at the index after.
- store: the index read by a new session (open and read, nothing changed), after one decision (the
  names merged again, one article's speakers recounted), filtered (an outlet; words said); a page
  as it opens (the most quoted speaker's and a median one's: counts, ids, the first 64 rows), and
  the most quoted speaker's repeated quotations, grouped in a thread once the page shows.
- screen (in a pseudo-terminal at 100x30, as over SSH): the library screen's first paint (process
  start to the title counting the articles), then S to the index listing its speakers, then enter to
  the most quoted speaker's page, each to the last frame that shows it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

FIRST = ("Hillary Donald Bernie Elizabeth Mike Tim Paul Marco Ted John Nancy Chuck Mitch Kamala Joe Jeb Ben Carly "
         "Chris Rand Lindsey Susan Kellyanne Sean Reince Steve Jared Ivanka Michelle Barack Sarah Rudy Newt Jill Gary "
         "Loretta James Robert Eric Debbie Huma Anthony Bill Mary Patricia Linda Barbara Karen Maria Lisa").split()
LAST = ("Clinton Trump Sanders Warren Pence Kaine Ryan Rubio Cruz Kasich Pelosi Schumer McConnell Harris Biden Bush "
        "Carson Fiorina Christie Paul Graham Collins Conway Spicer Priebus Bannon Kushner Obama Palin Giuliani Gingrich "
        "Stein Johnson Lynch Comey Mueller Holder Schultz Abedin Weiner Smith Jones Brown Davis Miller Wilson Moore "
        "Taylor Thomas Jackson White Martin Thompson Garcia Martinez Robinson Clark Lewis Lee Walker Hall Allen Young "
        "King Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Torres "
        "Parker Edwards Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson Bailey Reed Kelly Howard Cox Ward").split()
ORGANISATIONS = ("Reuters", "the White House", "the FBI", "the Pentagon", "the State Department", "Congress", "NATO",
                 "the Kremlin", "Amnesty International", "the Associated Press", "Goldman Sachs", "Google", "Facebook",
                 "the ACLU", "the NRA", "Planned Parenthood", "the Fed", "the IMF", "the UN", "the EPA", "the CIA",
                 "the Senate", "the House", "the Supreme Court", "the DNC", "the RNC", "Greenpeace", "Exxon", "Apple",
                 "the World Bank")
UNNAMED = ("a spokesperson", "officials", "a senior official", "a campaign aide", "a source close to the campaign")
OUTLETS = ("cnn.com", "foxnews.com", "nytimes.com", "washingtonpost.com", "breitbart.com", "politico.com", "npr.org",
           "bbc.co.uk", "theguardian.com", "reuters.com", "apnews.com", "wsj.com", "usatoday.com", "nbcnews.com",
           "cbsnews.com", "abcnews.go.com", "huffpost.com", "thehill.com", "vox.com", "slate.com", "latimes.com",
           "bloomberg.com", "time.com", "newsweek.com", "msnbc.com")
WORDS = ("we will the people country economy jobs border trade deal tax health care plan vote election campaign law "
         "court judge police crime school family children women men work business market money budget war peace "
         "america american world nation state city government president congress senate party leader policy reform "
         "future history truth lie news media press story report email server investigation security climate energy "
         "oil gas coal water rights freedom justice fair unfair great terrible wrong right strong weak never always "
         "every today tomorrow together fight win lose build wall bridge help hurt protect defend change believe").split()
BUILD = "2"  # change it when `articles` makes other articles: the cached libraries are then built again
PEOPLE = 1500
QUOTES_PER_ARTICLE = 5


def _people(rng: random.Random) -> list[tuple[str, str, str]]:
    """(first, last, title) of PEOPLE distinct people."""
    seen: set[tuple[str, str]] = set()
    out = []
    while len(out) < PEOPLE:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        if (first, last) in seen:
            continue
        seen.add((first, last))
        out.append((first, last, rng.choice(("Mr.", "Mrs.", "Ms.", "Sen.", "Gov.", "Dr."))))
    return out


def _mention(rng: random.Random, person: tuple[str, str, str]) -> str:
    first, last, title = person
    roll = rng.random()
    if roll < 0.6:
        return f"{first} {last}"
    if roll < 0.75:
        return last
    if roll < 0.9:
        return f"{title} {last}"
    if roll < 0.95:
        return f"{title} {first} {last}"
    return f"{first} {rng.choice(FIRST)[0]}. {last}"


def articles(count: int, seed: int = 16):
    """(ParsedArticle, Analysis, outlet) of `count` synthetic articles, the same for the same seed."""
    from reader.ingest.article import ParsedArticle
    from reader.model import Analysis, Entity, Quote

    rng = random.Random(seed)
    people = _people(rng)
    weights = [1 / (rank + 1) for rank in range(PEOPLE)]
    said: dict[object, list[str]] = {}
    for n in range(count):
        day = f"{2016 + n * 2 // count}-{1 + (n * 24 // count) % 12:02d}-{1 + n % 28:02d}"
        outlet = OUTLETS[rng.randrange(len(OUTLETS))]
        parts: list[str] = [f"Story {n}.\n"]
        entities: list[Entity] = []
        quotes: list[Quote] = []
        cast = rng.choices(range(PEOPLE), weights=weights, k=3)
        text = ""
        for q in range(QUOTES_PER_ARTICLE):
            roll = rng.random()
            if roll < 0.85:
                who: object = people[cast[q % 3]]
                mention = _mention(rng, who)  # type: ignore[arg-type]
                full = f"{who[0]} {who[1]}"  # type: ignore[index]
                label = "PERSON"
            elif roll < 0.95:
                who = mention = full = rng.choice(ORGANISATIONS)
                label = "ORG"
            else:
                who = mention = rng.choice(UNNAMED)
                full, label = None, None
            earlier = said.get(who, [])
            if earlier and rng.random() < 0.1:
                words = rng.choice(earlier)
                if rng.random() < 0.5:
                    split = words.split()
                    split.insert(rng.randrange(len(split)), rng.choice(WORDS))
                    words = " ".join(split)
            else:
                words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))).capitalize()
                said.setdefault(who, []).append(words)
            filler = " ".join(rng.choice(WORDS) for _ in range(40)).capitalize() + "."
            text = " ".join(parts) + f" {filler} “"
            start = len(text)
            text += f"{words},” {mention} said."
            m_start = text.index(mention, start + len(words))
            if label:
                entities.append(Entity(m_start, m_start + len(mention), label, mention, full if label == "PERSON" else None))
            # The analyser names a person by their fullest name in the article half the time here, else as mentioned.
            speaker = (full if rng.random() < 0.5 else mention) if label == "PERSON" else (mention if label else None)
            quotes.append(Quote(start, start + len(words), words, speaker, m_start if label else None,
                                m_start + len(mention) if label else None, "said", m_start, m_start + len(mention)))
            parts = [text]
        text += "\n\n" + " ".join(rng.choice(WORDS) for _ in range(60)).capitalize() + "."
        yield (ParsedArticle(text, f"Story {n}: {' '.join(rng.choice(WORDS) for _ in range(5))}", date=day,
                             source=f"https://www.{outlet}/{n}"), Analysis(entities, quotes, "bench"), outlet)


def reader_source() -> Path:
    for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep):
        if entry and (Path(entry) / "reader" / "schema.py").exists():
            return Path(entry)
    return HERE.parent


def library(count: int, log) -> tuple[Path, dict]:
    """The cached library (built on first use) and the figures of its build."""
    from reader.model import Decision
    from reader.store import Store

    folder = Path(os.environ.get("READER_BENCH_CACHE") or Path(tempfile.gettempdir()) / "reader-speakers-bench")
    folder.mkdir(parents=True, exist_ok=True)
    schema = hashlib.sha256((reader_source() / "reader" / "schema.py").read_bytes() + BUILD.encode()).hexdigest()[:12]
    db = folder / f"speakers-{schema}-{count}.db"
    built = db.with_suffix(".json")
    if db.exists() and built.exists():
        return db, json.loads(built.read_text())
    partial = db.with_name(db.name + ".partial")
    for old in partial.parent.glob(partial.name + "*"):
        old.unlink()
    log(f"building a library of {count:,} articles with quotations ({db.name})")
    store = Store(partial)
    started = time.perf_counter()
    for n, (parsed, analysis, _) in enumerate(articles(count)):
        article_id, _ = store.add_article(parsed, analysis)
        if n % 40 == 0:
            q = analysis.quotes[0]
            store.set_decision(Decision(article_id, "quote", q.start, q.end, "confirmed", "bench"))
        if n % 10 == 0:
            q = analysis.quotes[1]
            store.create_annotation(article_id, q.start, q.end, "bench", tags=["claim"])
        if n and n % 5000 == 0:
            log(f"  {n:,} articles")
    add_s = time.perf_counter() - started
    started = time.perf_counter()
    speakers = store.speaker_index()
    first_look = time.perf_counter() - started
    quotes = store.db.execute("SELECT count(*) FROM speaker_quotes").fetchone()[0]
    forms = store.db.execute("SELECT count(*) FROM speaker_forms").fetchone()[0]
    store.close()
    partial.rename(db)
    figures = {"articles": count, "add_ms_per_article": 1000 * add_s / count, "first_look_s": first_look,
               "speakers": len(speakers), "quotes": quotes, "forms": forms}
    built.write_text(json.dumps(figures))
    return db, figures


def _timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def store_figures(db: Path, rounds: int, work: Path) -> dict:
    """The index and pages read through the store (new sessions, on a copy)."""
    from reader.model import Decision, QuoteFilter
    from reader.speakers import group_repeats
    from reader.store import Store

    copy = work / "store.db"
    shutil.copyfile(db, copy)
    out: dict[str, list[float]] = {}

    def add(name: str, seconds: float) -> None:
        out.setdefault(name, []).append(seconds)

    for round_ in range(rounds):
        seconds, store = _timed(lambda: Store(copy))
        add("open_store_s", seconds)
        seconds, speakers = _timed(store.speaker_index)
        add("index_s", seconds)
        top, middle = speakers[0], speakers[len(speakers) // 2]
        for name, speaker in (("page_top_s", top), ("page_median_s", middle)):
            # What the page reads before it is shown: the speaker's counts, the ids, the first screenful of rows.
            seconds, _ = _timed(lambda s=speaker: (store.speaker_summary(s.id),
                                                   store.speaker_quotes_by_id(store.speaker_quote_ids(s.id)[:64])))
            add(name, seconds)
        # What it then does in a thread: every quotation, grouped where the same words recur.
        add("repeats_top_s", _timed(lambda: group_repeats(store.speaker_quotes(top.id)))[0])
        add("index_outlet_s", _timed(lambda: store.speaker_index(QuoteFilter(outlet="cnn.com")))[0])
        add("index_search_s", _timed(lambda: store.speaker_index(QuoteFilter(search="border wall")))[0])
        add("page_top_checked_s", _timed(lambda: store.speaker_quotes(top.id, QuoteFilter(checked=True)))[0])
        article = store.speaker_quotes(top.id)[round_]
        quote = next(q for q in store.get_article(article.article_id).quotes if q.start == article.start)
        add("decision_s", _timed(lambda: store.set_decision(
            Decision(article.article_id, "quote", quote.start, quote.end, "confirmed", f"bench{round_}")))[0])
        add("index_after_decision_s", _timed(store.speaker_index)[0])
        store.close()
    result = {name: statistics.median(values) for name, values in out.items()}
    result.update(top_quotes=top.quotes, top_name=top.name, median_quotes=middle.quotes)
    return result


def screen_figures(db: Path, count: int, rounds: int, work: Path) -> dict:
    """The library screen's first paint, then S to the index, then enter to the most quoted speaker's page."""
    from library_bench import SIZE, env_for, press_until
    from ui_latency import Terminal

    out: dict[str, list[float]] = {}
    for _ in range(rounds):
        copy = work / "ui.db"
        shutil.copyfile(db, copy)
        term = Terminal([sys.executable, "-m", "reader"], SIZE, env_for(copy, work), cwd=work)
        try:
            out.setdefault("library_paint_s", []).append(term.read_until(f"{count:,} articles".encode(), timeout=300))
            out.setdefault("index_open_s", []).append(press_until(term, b"S", b"Speakers: "))
            out.setdefault("page_open_s", []).append(press_until(term, b"\r", b"% unverified"))
        finally:
            term.close()
    return {name: statistics.median(values) for name, values in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-ui", action="store_true", help="Leave out the screens in a pseudo-terminal.")
    parser.add_argument("--json", action="store_true", help="Print the figures as one JSON line, last.")
    args = parser.parse_args()

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    db, built = library(args.articles, log)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        figures = {"build": built, "store": store_figures(db, args.rounds, work)}
        if not args.no_ui:
            figures["screen"] = screen_figures(db, args.articles, args.rounds, work)
    if args.json:
        print(json.dumps(figures))
        return
    b, s = figures["build"], figures["store"]
    print(f"Library: {b['articles']:,} articles, {b['quotes']:,} quotations, {b['speakers']:,} speakers, "
          f"{b['forms']:,} name forms")
    print(f"  adding an article, the index kept        {b['add_ms_per_article']:8.1f} ms")
    print(f"  first look at the index after adding all {b['first_look_s']:8.2f} s (once)")
    print(f"  a new session: open the library          {1000 * s['open_store_s']:8.0f} ms")
    print(f"  the index, nothing changed               {1000 * s['index_s']:8.0f} ms   (target <= 1000)")
    print(f"  the index after one decision             {1000 * s['index_after_decision_s']:8.0f} ms")
    print(f"  the decision itself (set_decision)       {1000 * s['decision_s']:8.0f} ms")
    print(f"  the index, one outlet / words said       {1000 * s['index_outlet_s']:8.0f} / {1000 * s['index_search_s']:.0f} ms")
    print(f"  page of the most quoted ({s['top_quotes']:,} quotations) {1000 * s['page_top_s']:8.0f} ms   (target <= 200)")
    print(f"  page of a median speaker ({s['median_quotes']:,})          {1000 * s['page_median_s']:8.0f} ms")
    print(f"  its repeated quotations (in a thread)    {1000 * s['repeats_top_s']:8.0f} ms")
    if "screen" in figures:
        c = figures["screen"]
        print("Screens, 100x30 pseudo-terminal:")
        print(f"  library screen, first paint              {c['library_paint_s']:8.2f} s")
        print(f"  S: the speaker index listed              {c['index_open_s']:8.2f} s   (target <= 1.0)")
        print(f"  enter: the most quoted speaker's page    {1000 * c['page_open_s']:8.0f} ms  (target <= 200)")


if __name__ == "__main__":
    main()
