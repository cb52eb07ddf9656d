"""The speaker index: who said what across the whole library. No Textual.

Each article's quotations are read as people corrected them (`apply_decisions`), so a corrected
speaker wins over the machine's. Speakers' names merge across articles: titles (Mr., Mrs., Dr.,
Sen., President ...) and a possessive are left out; full names with the same first and last word
are one person ("Hillary Clinton", "Hillary Rodham Clinton"), the most quoted form naming them; a
short form ("Clinton", "Mrs. Clinton") joins the one full name of the library that ends with it.
When several do ("Hillary Clinton", "Bill Clinton"), the one the article itself names elsewhere
decides, then a title's gender (a "Mrs." is not the one titled "Mr." elsewhere); else the
short form stays a speaker of its own rather than being guessed.

A speaker's kind is organisation when the mention that names them is an organisation's entity (ORG,
NORP, GPE), unnamed for a source without a name ("a spokesperson", an unresolved "she", no
attribution), else person. Repeated quotations (near-identical words in several articles, rapidfuzz)
are grouped with their earliest appearance and the outlets that repeated it.

Computed on demand from the store: nothing is kept, and a person's merge and split decisions are
not stored yet.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence
from urllib.parse import urlparse

from reader.editing.verify import apply_decisions
from reader.model import Article, Decision, Entity, Quote

TITLES = frozenset(
    """mr mrs ms miss mx dr prof professor sir dame lord lady judge justice rev reverend father sister
    sen senator rep representative president vice governor gov mayor minister prime chancellor secretary
    detective det sergeant sgt inspector officer captain capt gen general colonel col lt cllr councillor
    councilman councilwoman commissioner chief prince princess king queen dean bishop rabbi imam pastor
    former first lady gentleman""".split()
)
FEMALE_TITLES = frozenset("mrs ms miss dame lady sister queen princess madam".split())
MALE_TITLES = frozenset("mr sir lord father king prince brother mister".split())
ORGANISATION_LABELS = frozenset({"ORG", "NORP", "GPE", "FAC"})
UNNAMED = "(no name)"
KINDS = ("person", "organisation", "unnamed")
_PRONOUNS = frozenset("he she they it i we you him her them his hers their".split())
_WORDS = re.compile(r"\w+", re.UNICODE)
_POSSESSIVE = re.compile(r"['’]s?$")
REPEAT_MIN_WORDS = 4
REPEAT_SCORE = 90.0


@dataclass(frozen=True)
class Appearance:
    """One quotation in one article, with what the index shows of it."""

    article_id: int
    title: str
    date: str | None
    outlet: str | None
    external_id: str | None
    start: int
    end: int
    text: str
    speaker: str | None  # the name as the article (or the person who corrected it) gives it
    cue: str | None
    source: str | None  # the source mention as written ("Mrs. Clinton", "a spokesperson")
    status: str
    label: str | None = None  # the entity label of the speaker's mention, if it is an entity
    names: tuple[str, ...] = ()  # the people the article names (their entities' canonical names)

    @property
    def day(self) -> str:
        return (self.date or "")[:10]


@dataclass
class Speaker:
    """A speaker of the library: every quotation attributed to them, oldest first."""

    name: str
    kind: str
    quotes: list[Appearance] = field(default_factory=list)
    variants: Counter = field(default_factory=Counter)

    @property
    def articles(self) -> int:
        return len({q.article_id for q in self.quotes})

    @property
    def outlets(self) -> list[str]:
        return sorted({q.outlet for q in self.quotes if q.outlet})

    @property
    def first(self) -> str | None:
        days = [q.day for q in self.quotes if q.day]
        return min(days) if days else None

    @property
    def last(self) -> str | None:
        days = [q.day for q in self.quotes if q.day]
        return max(days) if days else None

    @property
    def unverified(self) -> float:
        """The share of their quotations no person has checked (status machine)."""
        return sum(q.status == "machine" for q in self.quotes) / len(self.quotes) if self.quotes else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name, "kind": self.kind, "quotes": len(self.quotes), "articles": self.articles,
            "outlets": len(self.outlets), "outlet_names": self.outlets, "first": self.first, "last": self.last,
            "unverified": round(self.unverified, 3), "variants": sorted(self.variants),
        }


@dataclass
class Repeat:
    """The same (or nearly the same) words quoted in several articles, earliest first."""

    appearances: list[Appearance]

    @property
    def earliest(self) -> Appearance:
        return self.appearances[0]

    @property
    def repeated_by(self) -> list[str]:
        """The outlets that repeated it after its earliest appearance."""
        first = self.earliest.outlet
        return sorted({a.outlet for a in self.appearances[1:] if a.outlet and a.outlet != first})


# ------------------------------------------------------------------ reading articles


_OUTLET_IN_FILE_NAME = re.compile(r"^([A-Za-z][\w.-]*?)_\d{4}-?\d{2}-?\d{2}(?:_|\.|$)")


def outlet_of(source: str | None, outlet: str | None = None) -> str | None:
    """The outlet named on import, else the domain of the article's source URL (no "www."), else the
    outlet a file's name starts with ("breitbart_2016-09-12_slug.txt")."""
    if outlet and outlet.strip():
        return " ".join(outlet.split())
    source = (source or "").strip()
    if re.match(r"^https?://", source, re.I):
        host = (urlparse(source).hostname or "").lower()
        host = host[4:] if host.startswith("www.") else host
        return host or None
    match = _OUTLET_IN_FILE_NAME.match(re.split(r"[/\\]", source)[-1]) if source else None
    return match.group(1) if match else None


def appearances(article: Article, decisions: Iterable[Decision] = (), outlet: str | None = None) -> list[Appearance]:
    """An article's quotations as people corrected them (rejected ones left out)."""
    entities, quotes = apply_decisions(article.text, article.entities, article.quotes, decisions)
    names = tuple(sorted({e.name for e in entities if e.label == "PERSON"}))
    out = []
    for quote in quotes:
        source = None
        if quote.source_start is not None and quote.source_end is not None:
            source = article.text[quote.source_start : quote.source_end]
        out.append(Appearance(
            article.id, article.title, article.date, outlet_of(article.source, outlet), article.external_id,
            quote.start, quote.end, quote.text, quote.speaker, quote.cue, source, quote.status,
            _mention_label(quote, entities), names,
        ))
    return out


def _mention_label(quote: Quote, entities: Sequence[Entity]) -> str | None:
    """The label of the entity that is the speaker's mention (or, failing that, of one named like them)."""
    if quote.speaker_start is not None and quote.speaker_end is not None:
        for entity in entities:
            if entity.start <= quote.speaker_start and quote.speaker_end <= entity.end:
                return entity.label
    if quote.speaker:
        labels = Counter(e.label for e in entities if e.name == quote.speaker or e.text == quote.speaker)
        if labels:
            return labels.most_common(1)[0][0]
    return None


def store_appearances(store: Any) -> list[Appearance]:
    """Every quotation of the library, as corrected (read on demand: one article at a time)."""
    out: list[Appearance] = []
    for row in store.quote_articles():
        article = store.get_article(row["id"])
        out.extend(appearances(article, store.decisions(row["id"]), row["outlet"]))
    return out


# ------------------------------------------------------------------ names


def name_words(name: str) -> list[str]:
    """A name's words without titles in front or a possessive: "Mrs. Clinton's" -> ["Clinton"]."""
    words = [_POSSESSIVE.sub("", w) for w in name.replace("’", "'").split()]
    words = [w for w in words if w]
    while len(words) > 1 and words[0].rstrip(".").lower() in TITLES:
        words.pop(0)
    return words


def _title_gender(*mentions: str | None) -> str | None:
    for mention in mentions:
        for word in (mention or "").split()[:3]:
            word = word.rstrip(".").lower()
            if word in FEMALE_TITLES:
                return "f"
            if word in MALE_TITLES:
                return "m"
    return None


def _key(words: Sequence[str]) -> tuple[str, ...]:
    return tuple(w.casefold().rstrip(".") for w in words)


def _unnamed(appearance: Appearance) -> str | None:
    """The unnamed source's description ("a spokesperson"), UNNAMED, or None when the speaker has a name."""
    speaker = (appearance.speaker or "").strip()
    if speaker and speaker.split()[0].lower() not in _PRONOUNS and any(w[:1].isupper() for w in speaker.split()):
        return None
    text = speaker or (appearance.source or "").strip()
    if not text or text.lower() in _PRONOUNS:
        return UNNAMED
    return " ".join(text.split()).lower()


def build_index(items: Iterable[Appearance]) -> list[Speaker]:
    """The library's speakers, the most quoted first."""
    items = list(items)
    kinds: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    named: list[tuple[Appearance, tuple[str, ...], str]] = []
    speakers: dict[tuple[str, str], Speaker] = {}

    def speaker_for(kind: str, name: str) -> Speaker:
        key = (kind, name.casefold())
        if key not in speakers:
            speakers[key] = Speaker(name, kind)
        return speakers[key]

    for item in items:
        description = _unnamed(item)
        if description is not None:
            found = speaker_for("unnamed", description)
            found.quotes.append(item)
            found.variants[item.source or item.speaker or description] += 1
            continue
        words = name_words(item.speaker or "")
        key = _key(words)
        kinds[key]["organisation" if item.label in ORGANISATION_LABELS else "person"] += 1
        named.append((item, key, " ".join(words)))

    kind_of = {key: counts.most_common(1)[0][0] for key, counts in kinds.items()}
    # Full names (two words or more) of people: one person per first and last word.
    people: dict[tuple[str, str], Counter] = defaultdict(Counter)
    genders: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for item, key, shown in named:
        if kind_of[key] == "person" and len(key) >= 2:
            people[(key[0], key[-1])][shown] += 1
            gender = _title_gender(item.speaker, item.source)
            if gender:
                genders[(key[0], key[-1])][gender] += 1
    person_of: dict[tuple[str, ...], tuple[str, str]] = {}
    for forms in people.values():
        for form in forms:
            form_key = _key(form.split())
            person_of[form_key] = (form_key[0], form_key[-1])
    # A full name that ends with the full name of a person quoted as often or more is them ("Crooked Hillary
    # Clinton"), the longest names first.
    for person in sorted(people, key=lambda p: (-max(len(f.split()) for f in people[p]), p)):
        for form in list(people[person]):
            form_key = _key(form.split())
            for n in range(len(form_key) - 1, 1, -1):
                inner = (form_key[-n], form_key[-1])
                if inner != person and people.get(inner) and sum(people[inner].values()) >= sum(people[person].values()):
                    people[inner][form] += people[person].pop(form)
                    genders[inner].update(genders.get(person, Counter()))
                    person_of[form_key] = inner
                    break
    people = defaultdict(Counter, {p: forms for p, forms in people.items() if forms})
    canonical = {person: _most_quoted(forms) for person, forms in people.items()}
    by_tail: dict[tuple[str, ...], set[tuple[str, str]]] = defaultdict(set)
    for person, forms in people.items():
        for form in forms:
            form_key = _key(form.split())
            for n in range(1, len(form_key)):
                by_tail[form_key[-n:]].add(person)
    canonical_keys = {_key(name.split()): person for person, name in canonical.items()}

    for item, key, shown in named:
        kind = kind_of[key]
        if kind == "person" and len(key) >= 2:
            target = canonical[person_of[key]]
        elif kind == "person":
            person = _resolve_short(key, item, by_tail.get(key, set()), canonical_keys, genders)
            target = canonical[person] if person else shown
        else:
            target = shown[4:] if shown.lower().startswith("the ") and len(shown) > 4 else shown
        found = speaker_for(kind, target)
        found.quotes.append(item)
        found.variants[item.speaker or shown] += 1

    for found in speakers.values():
        found.quotes.sort(key=lambda q: (q.day or "9999", q.article_id, q.start))
    return sorted(speakers.values(), key=lambda s: (-len(s.quotes), s.name.casefold()))


def _most_quoted(forms: Counter) -> str:
    return sorted(forms.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0]


def _resolve_short(
    key: tuple[str, ...], item: Appearance, candidates: set, canonical_keys: dict, genders: dict,
) -> tuple[str, str] | None:
    """The one person a short form names, or None when it is not clear."""
    if len(candidates) == 1:
        return next(iter(candidates))
    if not candidates:
        return None
    in_article = set()
    for name in item.names:
        words = _key(name_words(name))
        if len(words) >= 2 and (words[0], words[-1]) in candidates:
            in_article.add((words[0], words[-1]))
    if len(in_article) == 1:
        return next(iter(in_article))
    gender = _title_gender(item.speaker, item.source)
    if gender:
        # A "Mrs." leaves out the candidates titled as men elsewhere (and a "Mr." those titled as women).
        fitting = {c for c in (in_article or candidates) if not genders.get(c) or genders[c].most_common(1)[0][0] == gender}
        if len(fitting) == 1:
            return next(iter(fitting))
    return None


def find_speaker(speakers: Sequence[Speaker], name: str) -> Speaker | None:
    """The speaker called `name` (any case), or the one who has said it as one of their names."""
    wanted = " ".join(name.split()).casefold()
    for found in speakers:
        if found.name.casefold() == wanted:
            return found
    matches = [s for s in speakers if any(" ".join(v.split()).casefold() == wanted for v in s.variants)]
    return matches[0] if len(matches) == 1 else None


# ------------------------------------------------------------------ repeated quotations


def _normalised(text: str) -> str:
    return " ".join(_WORDS.findall(text.casefold()))


def group_repeats(items: Iterable[Appearance], score: float = REPEAT_SCORE, min_words: int = REPEAT_MIN_WORDS) -> list[Repeat]:
    """Quotations whose words are the same or nearly (rapidfuzz's ratio >= `score`) in two articles or more,
    each group earliest first; quotations shorter than `min_words` words are left out ("fake news")."""
    from rapidfuzz import fuzz

    ordered = sorted(items, key=lambda q: (q.day or "9999", q.article_id, q.start))
    groups: list[tuple[str, list[Appearance]]] = []
    for item in ordered:
        words = _normalised(item.text)
        if len(words.split()) < min_words:
            continue
        for head, members in groups:
            if abs(len(head) - len(words)) <= len(head) * (100 - score) / 100 + 2 and fuzz.ratio(head, words, score_cutoff=score):
                members.append(item)
                break
        else:
            groups.append((words, [item]))
    repeats = [Repeat(members) for _, members in groups if len({m.article_id for m in members}) > 1]
    return sorted(repeats, key=lambda r: (-len(r.appearances), r.earliest.day or "9999"))


def repeats_of(speaker: Speaker, repeats: Sequence[Repeat]) -> list[Repeat]:
    """The repeated quotations one of which is this speaker's."""
    mine = {(q.article_id, q.start) for q in speaker.quotes}
    return [r for r in repeats if any((a.article_id, a.start) in mine for a in r.appearances)]
