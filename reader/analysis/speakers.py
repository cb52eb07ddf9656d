"""Who said it: attributing quotations to speakers with spaCy's parse.

Works on a parsed `Doc` but never imports spaCy itself. For each quotation it
looks for a speech verb in the clause right after the closing mark
("...," she said.) and then right before the opening mark (Judge Sommer said:
"..."), takes the verb's subject as the speaker, resolves pronouns to the last
person named before, and names the speaker by their fullest name in the text.
"""

from __future__ import annotations

import bisect
import re
from typing import Any, Iterable, Sequence

from reader.analysis.quotes import QuoteMarks, paragraph_bounds
from reader.model import Entity, Quote

SPEECH_VERBS = frozenset(
    """say tell add state insist claim explain argue write ask reply respond note declare announce
    warn continue recall admit comment remark suggest testify rule conclude acknowledge allege
    answer assert boast caution complain confirm contend counter deny describe emphasise emphasize
    estimate exclaim predict promise report reveal shout stress tweet post urge vow whisper yell
    concede agree disagree believe think indicate maintain observe point put recount reiterate
    scream sing joke laugh quip sob cry murmur mutter plead pledge order demand request
    announce inform advise assure begin brief lament lecture mention muse object opine protest
    query question read recommend remind rule speculate theorize theorise wonder""".split()
)
PERSON_PRONOUNS = frozenset({"he", "she", "they", "him", "her", "we", "i"})
_SENTENCE_END = re.compile(r"[.!?](?=[\s”\"’)]|$)")
_ACCORDING_TO = re.compile(r"\baccording to\b", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(’s|'s|’|')$")

Token = Any  # a spaCy Token; typed loosely so this module need not import spaCy


class TokenIndex:
    """Look up the tokens of a doc that start inside a character range."""

    def __init__(self, doc: Any):
        self.doc = doc
        self.starts = [token.idx for token in doc]

    def between(self, start: int, end: int) -> list[Token]:
        lo = bisect.bisect_left(self.starts, start)
        hi = bisect.bisect_left(self.starts, end)
        return [self.doc[i] for i in range(lo, hi)]


def attribute_speakers(doc: Any, marks: Sequence[QuoteMarks], entities: Sequence[Entity]) -> list[Quote]:
    """Turn quotation marks into `Quote`s with speakers where the text names one."""
    text = doc.text
    index = TokenIndex(doc)
    people = [e for e in entities if e.label == "PERSON"]
    full_names = _full_names(people)
    quotes: list[Quote] = []
    for n, mark in enumerate(marks):
        previous = marks[n - 1] if n else None
        following = marks[n + 1] if n + 1 < len(marks) else None
        after = _clause_after(text, mark, following)
        before = _clause_before(text, mark, previous)
        speaker = None
        for region, nearest_last in ((after, False), (before, True)):
            tokens = index.between(*region)
            speaker = _speaker_from_cue(tokens, nearest_last, text, people, entities, mark)
            if speaker is None:
                speaker = _according_to(text, region, entities)
            if speaker:
                break
        if speaker is None and _only_space(text, *before):
            speaker = _colon_lead_in(text, index, mark, people, entities)
        if speaker is None and previous and quotes and _same_paragraph(text, previous, mark):
            last = quotes[-1]
            if last.speaker:
                speaker = (last.speaker_start, last.speaker_end, last.cue)
        name = mention = None
        s_start = s_end = None
        cue = None
        if speaker:
            s_start, s_end, cue = speaker
            mention = _POSSESSIVE.sub("", text[s_start:s_end]).strip()
            s_end = s_start + len(mention)
            name = full_names.get(_name_key(mention, people, s_start, s_end), mention)
        quotes.append(
            Quote(
                start=mark.start,
                end=mark.end,
                text=text[mark.start : mark.end],
                speaker=name,
                speaker_start=s_start,
                speaker_end=s_end,
                cue=cue,
            )
        )
    return quotes


def _only_space(text: str, start: int, end: int) -> bool:
    return not text[start:end].strip(" \t\n,—–-")


def _same_paragraph(text: str, a: QuoteMarks, b: QuoteMarks) -> bool:
    return "\n\n" not in text[a.close : b.open]


def _clause_after(text: str, mark: QuoteMarks, following: QuoteMarks | None) -> tuple[int, int]:
    start = mark.close + 1
    _, para_end = paragraph_bounds(text, mark.close)
    end = para_end if following is None else min(para_end, following.open)
    match = _SENTENCE_END.search(text, start, end)
    return start, match.end() if match else end


def _clause_before(text: str, mark: QuoteMarks, previous: QuoteMarks | None) -> tuple[int, int]:
    para_start, _ = paragraph_bounds(text, mark.open)
    start = para_start if previous is None else max(para_start, previous.close + 1)
    last_end = None
    for match in _SENTENCE_END.finditer(text, start, mark.open):
        if match.end() < mark.open - 1:
            last_end = match.end()
    return (last_end if last_end is not None else start), mark.open


def _subject(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return child
    if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head is not verb:
        for child in verb.head.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                return child
    return None


def _speaker_from_cue(
    tokens: list[Token],
    nearest_last: bool,
    text: str,
    people: Sequence[Entity],
    entities: Sequence[Entity],
    mark: QuoteMarks,
) -> tuple[int, int, str] | None:
    verbs = [t for t in tokens if t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in SPEECH_VERBS]
    if nearest_last:
        verbs.reverse()
    for verb in verbs:
        subject = _subject(verb)
        if subject is None or subject.idx >= mark.open and subject.idx < mark.close:
            continue
        span = _mention(subject, text, people, entities, before=mark.open)
        if span:
            return span[0], span[1], verb.text
    return None


def _mention(
    subject: Token, text: str, people: Sequence[Entity], entities: Sequence[Entity], before: int
) -> tuple[int, int] | None:
    """The span naming the subject: an entity, a resolved pronoun, or the noun phrase."""
    start, end = subject.idx, subject.idx + len(subject.text)
    if subject.pos_ == "PRON":
        if subject.lower_ not in PERSON_PRONOUNS:
            return None
        antecedent = next((p for p in reversed(people) if p.end <= min(start, before)), None)
        return (antecedent.start, antecedent.end) if antecedent else None
    for entity in entities:
        if entity.start <= start < entity.end:
            start, end = entity.start, entity.end
            break
    else:
        left = [t for t in subject.subtree if t.i <= subject.i]
        phrase = list(subject.subtree)
        if len(phrase) <= 12 and not any(t.text in "“”\"" for t in phrase):
            start, end = phrase[0].idx, phrase[-1].idx + len(phrase[-1].text)
        elif left:
            start = left[0].idx
    # Titles and first names written as compounds: "Judge Sommer", "Mr Smith".
    for child in subject.lefts:
        if child.dep_ in ("compound", "flat") and child.idx < start:
            start = child.idx
    if subject.lower_ in ("who", "which", "that"):
        return None
    return start, end


def _according_to(text: str, region: tuple[int, int], entities: Sequence[Entity]) -> tuple[int, int, str] | None:
    match = _ACCORDING_TO.search(text, *region)
    if not match:
        return None
    for entity in entities:
        if entity.start >= match.end() and entity.start < region[1] and entity.label in ("PERSON", "ORG", "NORP", "GPE"):
            return entity.start, entity.end, "according to"
    return None


def _colon_lead_in(
    text: str, index: TokenIndex, mark: QuoteMarks, people: Sequence[Entity], entities: Sequence[Entity]
) -> tuple[int, int, str] | None:
    """A quotation that is a whole paragraph, introduced by a sentence ending in ':' before it."""
    para_start, _ = paragraph_bounds(text, mark.open)
    lead = text[:para_start].rstrip()
    if not lead.endswith(":"):
        return None
    prev_start, _ = paragraph_bounds(text, len(lead) - 1)
    region_start = prev_start
    for match in _SENTENCE_END.finditer(text, prev_start, len(lead)):
        region_start = match.end()
    return _speaker_from_cue(index.between(region_start, len(lead)), True, text, people, entities, mark)


def _name_key(mention: str, people: Sequence[Entity], start: int, end: int) -> str:
    """The person-entity text inside a mention ("Sommer" in "Judge Sommer")."""
    for person in people:
        if person.start >= start and person.end <= end:
            return person.text
    return mention


def _full_names(people: Iterable[Entity]) -> dict[str, str]:
    """Map each person name to the fullest name in the text that contains all its words.

    When several do ("Baldwin": Alec, Hilaria and Stephen Baldwin), the one mentioned first wins,
    so the result never depends on set or hash order.
    """
    names = list(dict.fromkeys(p.text for p in people))  # in order of first mention

    def longest(name: str) -> str:
        words = name.split()
        candidates = [n for n in names if _contains_words(n.split(), words)]
        return max(candidates, key=len, default=name)  # max keeps the first of equal lengths

    result: dict[str, str] = {}
    for name in names:
        words = name.split()
        first = next((n for n in names if len(n) > len(name) and _contains_words(n.split(), words)), name)
        result[name] = longest(first)
    return result


def _contains_words(longer: list[str], words: list[str]) -> bool:
    return all(word in longer for word in words)
