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

Names are resolved over *forms*, not quotations: a form is what the merging reads of a quotation (the
name as given, its kind, a title's gender, the people its article names with the same last name), so
the store keeps each quotation's form as the library changes and re-merges only the distinct forms
(reader/store.py, "speaker index"). A person's merge and split decisions (SpeakerDecision) are applied
after the automatic merging, oldest first.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence
from urllib.parse import urlparse

from reader.editing.verify import apply_decisions
from reader.model import Appearance, Article, Decision, Entity, Quote, QuoteFilter, SpeakerDecision

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
            _mention_label(quote, entities), names, sentence_around(article.text, quote.start, quote.end),
        ))
    return out


# The end of a sentence: its mark (and closing quotation marks), then space and a capital or an opening mark;
# or a line break. "“We will win.” she said" does not end at "win.".
_SENTENCE_END = re.compile(r"[.!?…]+[”\"’')\]]*\s+(?=[A-Z\u00C0-\u024F“\"‘'(\[])|\n")
SENTENCE_MAX = 600  # characters either side of the quotation looked at for its sentence


def _ends(text: str, begin: int, end: int) -> Iterable[re.Match]:
    """Sentence ends in text[begin:end], leaving out a title's or an initial's full stop ("Mrs. Clinton", "J. Smith")."""
    for match in _SENTENCE_END.finditer(text, begin, end):
        if match.group().startswith(".") and "\n" not in match.group():
            word = text[max(0, match.start() - 12) : match.start()].split()
            last = word[-1].lower() if word else ""
            if (len(last) == 1 and last.isalpha()) or last in TITLES or last in _ABBREVIATIONS:
                continue
        yield match


_ABBREVIATIONS = frozenset("jr sr st co inc corp ltd no vs etc u.s u.k u.n e.g i.e a.m p.m jan feb aug sept oct nov dec".split())


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence (or sentences) the quotation text[start:end] stands in, with its marks and attribution:
    from the end of the sentence before it to the end of the one it ends in; a long one is cut with "…"."""
    begin = max(0, start - SENTENCE_MAX)
    before = None
    for before in _ends(text, begin, start):
        pass
    left = before.end() if before else begin
    after = next(iter(_ends(text, end, min(len(text), end + SENTENCE_MAX))), None)
    right = after.start() + len(after.group().rstrip()) if after else min(len(text), end + SENTENCE_MAX)
    shown = " ".join(text[left:right].split())
    return ("…" if left == begin and begin else "") + shown + ("…" if not after and right < len(text) else "")


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
    for article_id, outlet in store.quoted_articles().items():
        out.extend(appearances(store.get_article(article_id), store.decisions(article_id), outlet))
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


@dataclass(frozen=True)
class Form:
    """What the merging of names reads of a quotation; quotations with the same form name the same speaker.

    `unnamed` is the unnamed source's description ("a spokesperson"), else None; `variant` the name it is
    counted under; `vote` the kind its mention suggests (organisation or person); `gender` a title's
    ("f", "m" or None); `hint` the people its article names whose last name is a one-word name's.
    """

    speaker: str | None
    unnamed: str | None
    variant: str
    vote: str
    gender: str | None
    hint: tuple[tuple[str, str], ...] = ()

    def encode(self) -> str:
        return json.dumps([self.speaker, self.unnamed, self.variant, self.vote, self.gender, [list(h) for h in self.hint]],
                          ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def decode(cls, text: str) -> "Form":
        speaker, unnamed, variant, vote, gender, hint = json.loads(text)
        return cls(speaker, unnamed, variant, vote, gender, tuple(tuple(h) for h in hint))  # type: ignore[misc]


def form_of(item: Appearance) -> Form:
    """The quotation's form (see Form)."""
    description = _unnamed(item)
    if description is not None:
        return Form(None, description, item.source or item.speaker or description, "unnamed", None)
    words = name_words(item.speaker or "")
    key = _key(words)
    hint: set[tuple[str, str]] = set()
    if len(key) == 1:
        for name in item.names:
            named = _key(name_words(name))
            if len(named) >= 2 and named[-1] == key[0]:
                hint.add((named[0], named[-1]))
    vote = "organisation" if item.label in ORGANISATION_LABELS else "person"
    return Form(item.speaker, None, item.speaker or " ".join(words), vote, _title_gender(item.speaker, item.source),
                tuple(sorted(hint)))


def resolve_forms(forms: dict[Form, int], decisions: Sequence[SpeakerDecision] = ()) -> dict[Form, tuple[str, str]]:
    """Each form's speaker as (kind, name), given how many quotations have each form; then a person's
    merge and split decisions, oldest first."""
    kinds: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    named: list[tuple[Form, tuple[str, ...], str, int]] = []
    target_of: dict[Form, tuple[str, str]] = {}
    for form, count in forms.items():
        if form.unnamed is not None:
            target_of[form] = ("unnamed", form.unnamed)
            continue
        words = name_words(form.speaker or "")
        key = _key(words)
        kinds[key][form.vote] += count
        named.append((form, key, " ".join(words), count))

    kind_of = {key: counts.most_common(1)[0][0] for key, counts in kinds.items()}
    # Full names (two words or more) of people: one person per first and last word.
    people: dict[tuple[str, str], Counter] = defaultdict(Counter)
    genders: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for form, key, shown, count in named:
        if kind_of[key] == "person" and len(key) >= 2:
            people[(key[0], key[-1])][shown] += count
            if form.gender:
                genders[(key[0], key[-1])][form.gender] += count
    person_of: dict[tuple[str, ...], tuple[str, str]] = {}
    for forms_of in people.values():
        for shown in forms_of:
            form_key = _key(shown.split())
            person_of[form_key] = (form_key[0], form_key[-1])
    # A full name that ends with the full name of a person quoted as often or more is them ("Crooked Hillary
    # Clinton"), the longest names first.
    for person in sorted(people, key=lambda p: (-max(len(f.split()) for f in people[p]), p)):
        for shown in list(people[person]):
            form_key = _key(shown.split())
            for n in range(len(form_key) - 1, 1, -1):
                inner = (form_key[-n], form_key[-1])
                if inner != person and people.get(inner) and sum(people[inner].values()) >= sum(people[person].values()):
                    people[inner][shown] += people[person].pop(shown)
                    genders[inner].update(genders.get(person, Counter()))
                    person_of[form_key] = inner
                    break
    people = defaultdict(Counter, {p: f for p, f in people.items() if f})
    canonical = {person: _most_quoted(f) for person, f in people.items()}
    by_tail: dict[tuple[str, ...], set[tuple[str, str]]] = defaultdict(set)
    for person, forms_of in people.items():
        for shown in forms_of:
            form_key = _key(shown.split())
            for n in range(1, len(form_key)):
                by_tail[form_key[-n:]].add(person)

    for form, key, shown, _ in named:
        kind = kind_of[key]
        if kind == "person" and len(key) >= 2:
            target = canonical[person_of[key]]
        elif kind == "person":
            person = _resolve_short(form, by_tail.get(key, set()), genders)
            target = canonical[person] if person else shown
        else:
            target = shown[4:] if shown.lower().startswith("the ") and len(shown) > 4 else shown
        target_of[form] = (kind, target)
    return apply_speaker_decisions(target_of, decisions)


def apply_speaker_decisions(
    target_of: dict[Form, tuple[str, str]], decisions: Sequence[SpeakerDecision],
) -> dict[Form, tuple[str, str]]:
    """The automatic merging corrected by people's decisions, oldest first.

    A merge moves every form of the speaker called `name` (else, when no speaker is, the forms that
    go by that name) to the speaker called `into` (of that speaker's kind; if there is none yet, the
    speaker is renamed). A split gives the forms going by `name`, titles aside, a speaker of their own."""
    target_of = dict(target_of)
    for decision in decisions:
        wanted = _folded(decision.name)
        if decision.action == "merge" and decision.into:
            into = _folded(decision.into)
            moving = [f for f, (_, name) in target_of.items() if _folded(name) == wanted]
            if not moving:
                moving = [f for f in target_of if _goes_by(f, wanted)]
            kinds = [kind for kind, name in target_of.values() if _folded(name) == into]
            existing = next((name for _, name in target_of.values() if _folded(name) == into), " ".join(decision.into.split()))
            for form in moving:
                target_of[form] = (kinds[0] if kinds else target_of[form][0], existing)
        elif decision.action == "split":
            shown = " ".join(decision.name.split())
            for form in [f for f in target_of if _goes_by(f, wanted)]:
                kind = target_of[form][0]
                target_of[form] = (kind, form.unnamed if form.unnamed is not None else shown)
    return target_of


def _folded(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


def _goes_by(form: Form, wanted: str) -> bool:
    """The form's speaker is called `wanted` (folded): as written, or, when `wanted` has no title, titles aside
    ("Clinton" is also "Mrs. Clinton"; "Mrs. Clinton" is only that)."""
    if _folded(form.variant) == wanted or (form.unnamed is not None and _folded(form.unnamed) == wanted):
        return True
    bare = _folded(" ".join(name_words(wanted)))
    return form.unnamed is None and bare == wanted and _folded(" ".join(name_words(form.speaker or ""))) == wanted


def build_index(items: Iterable[Appearance], decisions: Sequence[SpeakerDecision] = ()) -> list[Speaker]:
    """The library's speakers, the most quoted first (computed from every quotation given; the store keeps
    the same index as the library changes, see Store.speaker_index)."""
    items = list(items)
    form_of_item = [form_of(item) for item in items]
    target_of = resolve_forms(Counter(form_of_item), decisions)
    speakers: dict[tuple[str, str], Speaker] = {}
    for item, form in zip(items, form_of_item):
        kind, name = target_of[form]
        key = (kind, name.casefold())
        if key not in speakers:
            speakers[key] = Speaker(name, kind)
        speakers[key].quotes.append(item)
        speakers[key].variants[form.variant] += 1
    for found in speakers.values():
        found.quotes.sort(key=lambda q: (q.day or "9999", q.article_id, q.start))
    return sorted(speakers.values(), key=lambda s: (-len(s.quotes), s.name.casefold()))


def _most_quoted(forms: Counter) -> str:
    return sorted(forms.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0]


def _resolve_short(form: Form, candidates: set, genders: dict) -> tuple[str, str] | None:
    """The one person a one-word name names, or None when it is not clear: the only candidate, else the one
    its article names, else the one a title's gender fits."""
    if len(candidates) == 1:
        return next(iter(candidates))
    if not candidates:
        return None
    in_article = {h for h in form.hint if h in candidates}
    if len(in_article) == 1:
        return next(iter(in_article))
    if form.gender:
        # A "Mrs." leaves out the candidates titled as men elsewhere (and a "Mr." those titled as women).
        fitting = {c for c in (in_article or candidates) if not genders.get(c) or genders[c].most_common(1)[0][0] == form.gender}
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
    each group earliest first; quotations shorter than `min_words` words are left out ("fake news").

    A quotation is compared only with the groups that begin with its first two words or end with its last
    two: nearly the same words keep one end ("We are going to build a wall" / "We're going to build a
    wall"), and the 10,600 quotations of one speaker are grouped in a fraction of a second rather than 1.2 s
    (with one word at either end) or minutes (with every group)."""
    from rapidfuzz import fuzz

    ordered = sorted(items, key=lambda q: (q.day or "9999", q.article_id, q.start))
    groups: list[tuple[str, list[Appearance]]] = []
    by_end: dict[tuple[int, str], list[int]] = defaultdict(list)  # (0, first words) / (1, last words) -> groups
    for item in ordered:
        words = _normalised(item.text)
        split = words.split()
        if len(split) < min_words:
            continue
        ends = ((0, " ".join(split[:2])), (1, " ".join(split[-2:])))
        candidates = sorted({g for end in ends for g in by_end.get(end, ())})
        for g in candidates:
            head, members = groups[g]
            if abs(len(head) - len(words)) <= len(head) * (100 - score) / 100 + 2 and fuzz.ratio(head, words, score_cutoff=score):
                members.append(item)
                break
        else:
            groups.append((words, [item]))
            for end in ends:
                by_end[end].append(len(groups) - 1)
    repeats = [Repeat(members) for _, members in groups if len({m.article_id for m in members}) > 1]
    return sorted(repeats, key=lambda r: (-len(r.appearances), r.earliest.day or "9999"))


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """How `new` words differ from `old`: ("=", same words), ("-", left out), ("+", put in), in order."""
    a, b = old.split(), new.split()
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("=", " ".join(a[i1:i2])))
        else:
            if i2 > i1:
                out.append(("-", " ".join(a[i1:i2])))
            if j2 > j1:
                out.append(("+", " ".join(b[j1:j2])))
    return out


def diff_text(old: str, new: str) -> str:
    """A wording's difference in plain text: [-left out-] [+put in+] (readable without colour)."""
    marks = {"=": "{}", "-": "[-{}-]", "+": "[+{}+]"}
    return " ".join(marks[op].format(words) for op, words in word_diff(old, new))


def repeats_of(speaker: Speaker, repeats: Sequence[Repeat]) -> list[Repeat]:
    """The repeated quotations one of which is this speaker's."""
    mine = {(q.article_id, q.start) for q in speaker.quotes}
    return [r for r in repeats if any((a.article_id, a.start) in mine for a in r.appearances)]


# ------------------------------------------------------------------ filters as typed


FILTER_HELP = "since:YYYY-MM-DD until:YYYY-MM-DD outlet:NAME tag:NAME checked, and words said"


def parse_filter(typed: str) -> QuoteFilter:
    """A filter as typed in the speaker screens: `since:2016-10-01 until:… outlet:cnn.com tag:claim checked`,
    the other words searched for inside the quotations. ValueError (one line) for a bad date or quote mark."""
    import datetime
    import shlex

    try:
        tokens = shlex.split(typed)
    except ValueError:
        raise ValueError("a quotation mark is not closed") from None
    fields: dict[str, Any] = {}
    words = []
    for token in tokens:
        name, colon, value = token.partition(":")
        name = name.casefold()
        if colon and name in ("since", "until"):
            try:
                fields[name] = datetime.date.fromisoformat(value.strip()).isoformat()
            except ValueError:
                raise ValueError(f"{name}:{value} is not a date: give YYYY-MM-DD") from None
        elif colon and name in ("outlet", "tag") and value.strip():
            fields[name] = " ".join(value.split())
        elif token.casefold() in ("checked", "is:checked"):
            fields["checked"] = True
        else:
            words.append(token)
    return QuoteFilter(search=" ".join(words) or None, **fields)


def filter_text(filters: QuoteFilter) -> str:
    """A filter as parse_filter reads it."""
    def quoted(value: str) -> str:
        return f'"{value}"' if " " in value else value

    parts = [f"since:{filters.since}" if filters.since else "", f"until:{filters.until}" if filters.until else "",
             f"outlet:{quoted(filters.outlet)}" if filters.outlet else "", f"tag:{quoted(filters.tag)}" if filters.tag else "",
             "checked" if filters.checked else "", (filters.search or "").strip()]
    return " ".join(p for p in parts if p)
