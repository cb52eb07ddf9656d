"""Who said it: attributing quotations to speakers with spaCy's parse.

Works on a parsed `Doc` but never imports spaCy itself. Each quotation gets the parts of
its attribution: the source as written ("she", "the newspaper", "Spokeswoman Haley
Morris"), the cue (the speech verb, "according to", a colon's verb, a dash), and the
speaker: the canonical name of the person or organisation the source names.

The cue is looked for, in order: a round-up's dash credit right before the words ("… - Philip
Bump: “…”"); the outermost speech verb whose clause holds the
quotation's words (not across a paragraph, not inside another quotation), unless a later clause
with its own subject takes it ("a woman asked for a photo and Clinton said, “…”"); a speech verb, an
"according to" or any verb with its own subject in the clause right after the closing mark
("…,” an angry Hollande retaliated), or a noun phrase and a verb of saying there that the parse got
wrong (“…,” the two write); one in the sentence before; a dash credit; a sentence
ending in a colon; the speaker of the quotation before it in the paragraph, or of the
previous paragraph when this one is nothing but a quotation; the subject of the sentence's
main verb when it is a person; for a quotation that opens its paragraph, the subject of the speech
verb in the last sentence of the paragraph before (the lead-in: "Valastro praised the governor.\n\n“…”"). Words cited "according to" a report keep their speaker and
have the report as their source, except words given by a share of those asked ("62 percent of
Democrats said"), which are the poll's named in the sentence or cited.

A subject is never a word inside quotation marks, nor on the other side of a line break from its
verb (a live blog's heading run into the entry's sentence by the parser). Paragraphs are blank-line
separated, or in a text that breaks most paragraphs with one newline, newline separated
(`quotes.paragraph_break`).

Pronouns resolve to the last person named before, outside quotations, whose gender does not
contradict the pronoun, preferring the subject of the main clause and skipping people named
in a sentence whose own subject is the same pronoun; "they" is a group and stays
unresolved; "I" outside quotations is the person the article is about (an interview's
answers); "the judge" is the person introduced as Judge ... .
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Sequence

from reader.analysis.quotes import QuoteMarks, is_fragment, paragraph_bounds, paragraph_break
from reader.model import Entity, Quote

# Verbs of saying. Left out as too often something else: reflect, offer, charge, press, remember,
# attack, welcome, reject ("the outlook reflects “disciplined pricing”" is nobody's words).
SPEECH_VERBS = frozenset(
 """say tell add state insist claim explain argue write ask reply respond note declare announce
 warn continue recall admit comment remark suggest testify rule conclude acknowledge allege
 answer assert boast caution complain confirm contend counter deny describe emphasise emphasize
 estimate exclaim predict promise report reveal shout stress tweet post urge vow whisper yell
 concede agree disagree believe think indicate maintain observe point put recount reiterate
 scream sing joke laugh quip sob cry murmur mutter plead pledge order demand request
 announce inform advise assure begin brief lament lecture mention muse object opine protest
 query question read recommend remind rule speculate theorize theorise wonder call accuse brand
 dismiss chant proclaim fume riff surmise gush praise thank echo confess
 quote label dub term decry blast slam implore scoff retort interject interrupt exult cheer brag grumble
 groan sigh bark thunder roar bellow howl threaten beg inquire reminisce summarize summarise
 characterize characterise tout hail chide scold mock taunt rail rant insist quip concede admonish
 plead lament marvel gripe chime joke jest recite preach pray text email
 assail criticize criticise denounce condemn lambaste ridicule deride applaud exhort """.split()
)
# Inflected forms accepted whatever part of speech the tagger gives (a capitalised "Tweeted" as a name).
_IRREGULAR_FORMS = {"said": "say", "says": "say", "told": "tell", "wrote": "write", "spoke": "speak", "thought": "think"}
# "issued a statement:", "released a memo": a verb of publishing with a statement as its object is a cue.
_ASPECTUAL = frozenset("continue begin start keep go".split())
PUBLISHING_VERBS = frozenset("issue release publish post put send circulate distribute".split())
STATEMENT_NOUNS = frozenset("statement memo message note letter release tweet post email video ad advertisement".split())
_RETORT_VERBS = frozenset("shoot fire hit strike snap punch".split())
PERSON_PRONOUNS = frozenset({"he", "she", "they", "him", "her", "we", "i"})
# Somebody not named: the source as written, no speaker ("Another tweeted, “…”").
INDEFINITE_SOURCES = frozenset("another someone somebody others some many several both anyone everyone".split())
# Pronouns that can be the source of words, as written ("it reads", "one read"); only people's resolve to a name.
SOURCE_PRONOUNS = PERSON_PRONOUNS | {"it", "one", "you"} | INDEFINITE_SOURCES
MALE_PRONOUNS = frozenset({"he", "him", "his", "himself"})
FEMALE_PRONOUNS = frozenset({"she", "her", "hers", "herself"})
MALE_TITLES = frozenset("Mr Sir Lord Father King Prince Brother Mister".split())
FEMALE_TITLES = frozenset("Mrs Ms Miss Dame Lady Sister Queen Princess Madam".split())
MALE_KIN = frozenset("brother son father husband uncle nephew grandfather grandson boyfriend stepfather".split())
FEMALE_KIN = frozenset("sister daughter mother wife aunt niece grandmother granddaughter girlfriend widow stepmother".split())
_WORD_BEFORE = re.compile(r"\b(\w+),?\s+$")
_TITLE_BEFORE = re.compile(r"\b([A-Z][a-z]+)\.?\s+$")
_SENTENCE_END = re.compile(r"[.!?](?=[\s”\"’)]|$)")
# A full stop after a title or an initial ends no sentence: "Rep. Glenn Thompson", "George W. Bush".
_ABBREVIATION = re.compile(
    r"(?:^|(?<=[\s(“\"]))(?:[A-Z]|Mr|Mrs|Ms|Dr|Rep|Reps|Sen|Sens|Gov|Lt|Gen|Col|Maj|Sgt|Capt|Cmdr|Adm|Prof|Rev|"
    r"Hon|Pres|Atty|Supt|Det|Gen|Jr|Sr|St|Ft|Mt)\.$"
)


def _sentence_ends(text: str, start: int, end: int):
    """The sentence ends (matches of _SENTENCE_END) in start..end that are no abbreviation's full stop."""
    for match in _SENTENCE_END.finditer(text, start, end):
        if match.group() == "." and _ABBREVIATION.search(text, max(0, match.start() - 6), match.end()):
            continue
        yield match
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


def attribute_speakers(
    doc: Any, marks: Sequence[QuoteMarks], entities: Sequence[Entity], index: TokenIndex | None = None
) -> list[Quote]:
    """Turn quotation marks into `Quote`s with speakers where the text names one."""
    text = doc.text
    index = index or TokenIndex(doc)
    context = _Context(doc, text, marks, entities)
    quotes: list[Quote] = []
    for n, mark in enumerate(marks):
        if is_fragment(text, mark) and not _governed_by_speech(index.between(mark.start, mark.end), mark):
            continue  # a scare quote: the writer's distance from a word, not somebody's words
        previous = marks[n - 1] if n else None
        following = marks[n + 1] if n + 1 < len(marks) else None
        after = _clause_after(text, mark, following)
        before = _clause_before(text, mark, previous)
        found = _dash_lead(text, mark, context) or _governing_cue(index.between(mark.start, mark.end), text, context, mark)
        for region, nearest_last in ((after, False), (before, True)):
            if found:
                break
            tokens = index.between(*region)
            found = _speaker_from_cue(tokens, nearest_last, text, context, mark)
            if found is None:
                found = _according_to(text, region, index, context, mark)
            if found is None and region is after:
                found = _subject_after(tokens, text, context, mark)
            if found is None and region is after:
                found = _credit_after(tokens, text, context, mark)
            if found:
                break
        if found is None and text[mark.close - 1 : mark.close] in "?!":
            whole = _clause_after(text, mark, following, whole=True)
            if whole[1] > after[1]:
                found = _speaker_from_cue(index.between(*whole), False, text, context, mark, credit_only=True)
        if found is None:
            found = _dash_credit(text, mark, context)
        if found is None and _only_space(text, *before):
            found = _colon_lead_in(text, index, mark, context)
        if found is None and text[: mark.open].rstrip().endswith(":"):
            found = _lead_in_subject(index.between(*before), text, context, mark)
        if found is None and previous and quotes and quotes[-1].source_start is not None:
            if _same_paragraph(text, previous, mark) or _continues_previous_paragraph(text, mark, quotes[-1]):
                found = _same_attribution(quotes[-1])
        if found is None:
            found = _sentence_subject(index, text, context, mark)
        if found is None:
            found = _lead_in_paragraph(index, text, context, mark, quotes)
        if found is not None and found.cue is not None and mark.close < found.cue[0] < after[1]:
            found = _cited(found, text, (found.cue[1], after[1]), index, context, mark)
        elif found is not None and found.cue is not None and before[0] <= found.cue[0] < mark.open:
            cited = _cited(found, text, before, index, context, mark)
            # Trump said he was “happy to see” it, according to The New York Times / the Times reported.
            found = cited if cited is not found else _cited(found, text, after, index, context, mark, reports=True)
        if found is not None:
            found = _poll_of_share(found, text, index, mark)
        quotes.append(_quote(text, mark, found, context))
    return quotes


@dataclass(frozen=True)
class Attribution:
    """The parts of an attribution found in the text: the source mention as written ("she",
    "the newspaper"), the mention that names the speaker (the resolved name, or the source itself),
    and the cue (the speech verb, "according to")."""

    source: tuple[int, int]
    speaker: tuple[int, int] | None
    cue: tuple[int, int] | None
    cue_text: str | None


def _quote(text: str, mark: QuoteMarks, found: Attribution | None, context: "_Context") -> Quote:
    base = dict(start=mark.start, end=mark.end, text=text[mark.start : mark.end])
    if found is None:
        return Quote(**base)
    name = s_start = s_end = None
    if found.speaker is not None:
        s_start, s_end = found.speaker
        mention = _POSSESSIVE.sub("", text[s_start:s_end]).strip()
        s_end = s_start + len(mention)
        name = context.name(mention, s_start, s_end)
    src_start, src_end = _trim_span(text, *found.source)
    cue_start, cue_end = found.cue if found.cue is not None else (None, None)
    return Quote(
        **base,
        speaker=name,
        speaker_start=s_start,
        speaker_end=s_end,
        cue=found.cue_text,
        source_start=src_start,
        source_end=src_end,
        cue_start=cue_start,
        cue_end=cue_end,
    )


def _trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """No spaces, commas or marks at the edges of a mention."""
    while start < end and text[start] in " \t\n,;:―—–-“”\"":
        start += 1
    while end > start and text[end - 1] in " \t\n,;:―—–-“”\"":
        end -= 1
    return start, end


def _cited(found: Attribution, text: str, region: tuple[int, int], index: TokenIndex, context: "_Context",
           mark: QuoteMarks, reports: bool = False) -> Attribution:
    """ “…,” Clinton said, according to a transcript (or "According to pool reports, Obama said “…”"):
    Clinton is the speaker, but the source the writer cites for the words, and its cue, are
    "according to a transcript". With `reports`, a report of them after the quotation is cited too
    (Trump said: “…,” the Times reported)."""
    cited = _according_to(text, region, index, context, mark)
    if cited is None and reports:
        cited = _reported_by(index.between(*region), text, context, mark)
    if cited is None:
        return found
    if _is_share(found, text):
        return cited  # 24% of voters put a priority on …, according to the exit polls: the polls speak
    return Attribution(cited.source, found.speaker, cited.cue, cited.cue_text)


# "75 percent of Republicans", "Six in 10", "the vast majority of Americans": a share of those asked.
_SHARE = re.compile(
    r"(?:(?:just|only|about|nearly|almost|some|roughly|fully|more than|less than|fewer than|a|the|vast|large|slim)\s+)*"
    r"(?:\d[\d.,]*\s*(?:%|percent\b|per cent\b|in\s+\d+\b)|(?:one|two|three|four|five|six|seven|eight|nine)\s+in\s+(?:10|ten)\b"
    r"|(?:majority|minority|plurality|half|third|quarter|most)\s+of\b)",
    re.IGNORECASE,
)
_POLL_NOUNS = frozenset("poll polls survey surveys".split())


def _is_share(found: Attribution, text: str) -> bool:
    return any(span is not None and _SHARE.match(text, span[0]) for span in (found.source, found.speaker))


def _poll_of_share(found: Attribution, text: str, index: TokenIndex, mark: QuoteMarks) -> Attribution:
    """ In a CNN/ORC poll, 31% of Republicans said they were “extremely enthusiastic”; the Q poll also
    finds that 22 percent say he is “not at all responsible”: words given by a share of those asked
    are the poll's. The poll named earlier in the sentence is the source and the speaker, and its cue
    the word that cites it ("In", "finds")."""
    if not _is_share(found, text):
        return found
    tokens = index.between(found.source[0], found.source[0] + 1)
    if not tokens:
        return found
    sent = tokens[0].sent
    polls = [t for t in sent if t.lower_ in _POLL_NOUNS and t.pos_ == "NOUN" and t.idx < min(mark.open, found.source[0])
             and not any(a.dep_ == "advcl" for a in t.ancestors)]  # (not "After the poll came out, half of the staff said")
    if not polls:
        return found
    poll = polls[-1]
    source = _phrase(poll, text)
    cue = poll.head if poll.head.i != poll.i and poll.head.dep_ in ("prep", "ROOT", "ccomp", "conj") else poll
    return Attribution(source, source, (cue.idx, cue.idx + len(cue.text)), cue.text)


def _reported_by(tokens: list[Token], text: str, context: "_Context", mark: QuoteMarks) -> Attribution | None:
    """The news organisation that "reported" the words (“…,” the Times reported; …, reported the
    Washington Examiner)."""
    for verb in tokens:
        if verb.pos_ != "VERB" or verb.lemma_.lower() != "report" or verb.dep_ == "relcl":
            continue
        if any(c.dep_ in _OWN_WORDS or c.dep_ == "auxpass" for c in verb.children):
            continue  # (a "paperwork error" that was reported in a hit piece: reported, not reporting)
        subject = _subject(verb, context)
        if subject is None or subject.idx < mark.close:
            return None
        found = _mention(subject, text, context, before=mark.open)
        if found:
            return Attribution(found[0], found[1], (verb.idx, verb.idx + len(verb.text)), verb.text)
    return None


_DASH_AFTER = re.compile(r"[ \t]*[-–—―]+[ \t]*")
_DASH_LINE_AFTER = re.compile(r"[ \t]*\n\s*[-–—―]+[ \t]*")
# The credit line ends after the name, or goes on with a comma and a lower-case gloss ("-President Obama, tweeting").
_CREDIT_END = re.compile(r"[.,]?[ \t]*(?:\n|$)|,[ \t]+[a-z]")
_DASH_BEFORE = re.compile(r"(?:^|(?<=\s))[-–—―]+[^\S\n]*([^\n:]{2,60}?)[^\S\n]*:[^\S\n]*$")
_MORE_FROM = re.compile(r"(?:More\s+)?[Ff]rom\s+")
_ALSO_NAMED = re.compile(r"(?:,?\s+and\s+|,\s+)(?:[A-Z][\w.'’-]*\s*){1,4}")


def _dash_credit(text: str, mark: QuoteMarks, context: "_Context") -> Attribution | None:
    """A quotation credited with a dash, as in round-ups and epigraphs: “…” - Bernie Sanders, or
    - Philip Bump: “…”. The name right after the dash is the source."""
    close = mark.close + 1
    dash = _DASH_AFTER.match(text, close)
    if dash and dash.end() > close and "\n" not in dash.group():
        name = _name_at(text, dash.end(), context)
        if name:
            return Attribution(name, name, (dash.start(), dash.end()), "—")
    credit = _DASH_LINE_AFTER.match(text, close)
    if credit:  # a round-up's quotation paragraph, its credit on the line below: "\n\n- Sanders."
        name = _name_at(text, credit.end(), context)
        named = name and any(e.label in ("PERSON", "ORG") for e in context.entities_in(*name))
        if named and _CREDIT_END.match(text, name[1]):
            dash_at = text.index("-", credit.start()) if "-" in credit.group() else credit.end() - 1
            return Attribution(name, name, (dash_at, dash_at + 1), "—")
    para_start, _ = paragraph_bounds(text, mark.open)
    return _speaker_label(text, mark, para_start, context)


def _dash_lead(text: str, mark: QuoteMarks, context: "_Context") -> Attribution | None:
    """A round-up's credit before the words: "Polls shifted late - Philip Bump: “…”", "… all along
    -More from Ana Ruiz and Tom Lee: “…”". It names the speaker outright, so it comes before any
    speech verb earlier in the sentence ("Pollsters agree - Philip Bump:" is Bump's, not the pollsters')."""
    para_start, _ = paragraph_bounds(text, mark.open)
    lead = _DASH_BEFORE.search(text, max(para_start, mark.open - 80), mark.open)
    if not lead:
        return None
    at = lead.start(1)
    more = _MORE_FROM.match(text, at)
    name = _name_at(text, more.end() if more else at, context)
    if name is None or name[1] < lead.end(1) and not _ALSO_NAMED.fullmatch(text, name[1], lead.end(1)):
        return None  # (the whole label is the name, or names joined by "and")
    return Attribution((name[0], lead.end(1)), name, (lead.start(), lead.start() + 1), "—")


_LABEL_BEFORE = re.compile(r"(?:^|(?<=\n)|(?<=[.!?])\s+|(?<=[.!?][\"”’])\s+)((?:[A-Z][\w.'’-]*\s+){0,5}[A-Z][\w.'’-]*)(?:\s*\([^()\n]{1,24}\))?[ \t]*:[ \t]*$")


def _speaker_label(text: str, mark: QuoteMarks, para_start: int, context: "_Context") -> Attribution | None:
    """A transcript's or round-up's label: Rep. Dana Whitfield (R-Ky.): “…”, or Whitfield: “…” at
    the start of a paragraph or sentence. The person or organisation named last in the label is
    the speaker; the colon is the cue."""
    lead = _LABEL_BEFORE.search(text, max(para_start, mark.open - 100), mark.open)
    if not lead:
        return None
    start, end = lead.span(1)
    named = [e for e in context.entities_in(start, end) if e.label in ("PERSON", "ORG")]
    if not named or named[-1].end != end:
        return None
    colon = text.rindex(":", start, mark.open)
    return Attribution((start, end), (named[-1].start, named[-1].end), (colon, colon + 1), ":")


_CAPITALISED_NAME = re.compile(r"(?:[A-Z][\w.'’-]+ ){1,3}[A-Z][\w'’-]*[a-z]")


def _name_at(text: str, at: int, context: "_Context") -> tuple[int, int] | None:
    """A person's or organisation's name starting at `at`: an entity, or two to four capitalised words."""
    entity = context.entity_at(at)
    if entity is not None and entity.start == at and entity.label in ("PERSON", "ORG"):
        return entity.start, entity.end
    match = _CAPITALISED_NAME.match(text, at)
    return match.span() if match else None


def _same_attribution(last: Quote) -> Attribution:
    return Attribution(
        (last.source_start, last.source_end),
        (last.speaker_start, last.speaker_end) if last.speaker_start is not None else None,
        (last.cue_start, last.cue_end) if last.cue_start is not None else None,
        last.cue,
    )


def _continues_previous_paragraph(text: str, mark: QuoteMarks, last: Quote) -> bool:
    """A paragraph that is nothing but a quotation, right after a paragraph whose quotation has a
    source, goes on with the same speaker (news prints a long quotation as several closed paragraphs)."""
    para_start, para_end = paragraph_bounds(text, mark.open)
    if not _only_space(text, para_start, mark.open) or not _only_space(text, mark.close + 1, para_end):
        return False
    prev_start, _ = paragraph_bounds(text, max(0, para_start - 3))
    return prev_start <= last.start < para_start


def _governing_cue(tokens: list[Token], text: str, context: "_Context", mark: QuoteMarks) -> Attribution | None:
    """The speech verb outside the quotation whose clause holds it ("Morris says the campaign will
    “compete vigorously”", "“We will win,” she said"): of several, the outermost, since a report of
    someone's words inside another's ("Trump says he thinks “…”") belongs to the outer speaker."""
    candidates: dict[int, Token] = {}
    seen: set[int] = set()
    # A quotation that ends its sentence with a full stop takes no cue from after it (as _clause_after).
    limit = mark.close if text[mark.close - 1 : mark.close] == "." else len(text)
    # Nor from another paragraph, when the parser runs a sentence over a paragraph break.
    para_start, para_end = paragraph_bounds(text, mark.open)
    _, para_end = paragraph_bounds(text, mark.close)
    limit = min(limit, para_end)
    for token in tokens:
        for ancestor in token.ancestors:
            if ancestor.i in seen:
                break
            seen.add(ancestor.i)
            if mark.open <= ancestor.idx < mark.close or ancestor.idx > limit or ancestor.idx < para_start:
                continue
            if is_speech_verb(ancestor) and not context.quoted.contains(ancestor.idx):
                candidates[ancestor.i] = ancestor  # (a verb inside another quotation is someone's words)
    for verb in sorted(candidates.values(), key=lambda v: (sum(1 for _ in v.ancestors), abs(v.idx - mark.open))):
        if any(_through_adverbial(inner, verb) for inner in candidates.values() if inner is not verb):
            continue  # Kasich was assuring voters after a woman told him he was “too nice”: the woman's words
        adjacent = _verb_before_mark(tokens[0] if tokens else None, mark)
        if adjacent is not None and adjacent.i != verb.i and adjacent.idx > verb.idx and _through_adverbial(adjacent, verb):
            verb = adjacent  # "Cruz said as the heckler yelled: “You suck!”": the heckler's, the parse hanging it from "said"
        subject = _subject(verb, context)
        if subject is None or mark.open <= subject.idx < mark.close:
            continue
        found = _mention(subject, text, context, before=mark.open)
        if found:
            return Attribution(found[0], found[1], (verb.idx, verb.idx + len(verb.text)), verb.text)
    return None


def _verb_before_mark(first: Token | None, mark: QuoteMarks) -> Token | None:
    """The speech verb right before the opening mark, with only a colon or comma between ("yelled: “…”")."""
    if first is None:
        return None
    doc = first.doc
    i = first.i - 1
    while i >= 0 and (doc[i].is_space or doc[i].text in _QUOTE_CHARS):
        i -= 1
    if i < 1 or doc[i].text not in (":", ","):
        return None
    token = doc[i - 1]
    return token if is_speech_verb(token) and token.idx < mark.open else None


_THINKING = frozenset("think believe agree wonder respond".split())


def _through_adverbial(inner: Token, outer: Token) -> bool:
    """`inner` hangs from `outer` by way of an adverbial clause ("after …", "while …", "when …"), or is a
    clause of its own joined to it ("a woman asked for a photo and Clinton said, “…”"; "When someone
    shouted, “Cruz,” Beck joked, “…”", the parser making "joked" a complement of "shouted")."""
    if inner.lemma_.lower() in _THINKING:
        return False  # (“…,” Brockovich said, as many believed: the belief is not the words)
    if inner.lemma_.lower() in ("quote", "cite"):
        return False  # (Trump said, and I quote, “…”: the writer citing the words)
    token = inner
    while token.i != outer.i:
        if token.head.i == token.i:
            return False  # (not below `outer` at all)
        if token.dep_ == "advcl":
            # a clause with a subject of its own ("after a woman told him"), not "…, saying" that shares the outer one
            own = _own_subject(token) and _own_subject(inner)
            return own and any(a.i == outer.i for a in token.ancestors)
        if token.dep_ in ("conj", "xcomp", "parataxis") and token.i == inner.i and token.i > outer.i:
            # a later clause with its own subject ("and Clinton said"; "Beck joked", an xcomp only by a parse error)
            return _own_subject(inner) and any(a.i == outer.i for a in token.ancestors)
        token = token.head
    return False


def _own_subject(verb: Token) -> bool:
    """The verb has a subject of its own: a child subject, or a name the tagger glued to it ("Beck joked")."""
    return any(c.dep_ in ("nsubj", "nsubjpass") or (c.dep_ == "compound" and c.pos_ == "PROPN" and c.i == verb.i - 1)
               for c in verb.children)


def _subject_after(tokens: list[Token], text: str, context: "_Context", mark: QuoteMarks) -> Attribution | None:
    """ “France will always be France,” an angry Hollande retaliated: a quotation closed by a comma,
    question or exclamation mark and followed by a clause of its own is that clause's subject's,
    whatever the verb."""
    if text[mark.close - 1 : mark.close] not in (",", "?", "!", "—", "–", "―"):
        return None
    first = next((t for t in tokens if not t.is_space and not t.is_punct), None)
    if first is not None and first.lower_ in _SUBORDINATORS:
        return None  # (… as “Mr. Trump,” while Trump refers to the governor as “Chris”: another clause, not a credit)
    for token in tokens:
        if _is_verb(token) and token.dep_ != "aux":
            subject = next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass") and c.idx > mark.close), None)
            if subject is None or token.lemma_ == "be":
                return None  # (“…?” Alpert’s metaphor is telling: a clause that describes, not one that credits)
            found = _mention(subject, text, context, before=mark.open)
            if found:
                return Attribution(found[0], found[1], (token.idx, token.idx + len(token.text)), token.text)
            return None
    return None


_SUBORDINATORS = frozenset("when while as after before because since although though if until whereas".split())
_CREDIT_WORDS = 40
_QUOTE_CHARS = frozenset("“”\"‘’«»")


def _speech_form(token: Token) -> bool:
    """A verb of saying, or a word spelt like one that the tagger took for a noun ("the Saudis state", "the two write")."""
    if is_speech_verb(token):
        return True
    lower = token.lower_
    if token.pos_ not in ("NOUN", "PROPN", "VERB"):
        return False
    return lower in SPEECH_VERBS or lower.endswith("s") and (lower[:-1] in SPEECH_VERBS or lower[:-2] in SPEECH_VERBS)


def _credit_after(tokens: list[Token], text: str, context: "_Context", mark: QuoteMarks) -> Attribution | None:
    """ “…,” the Saudis state in the paper; “…,” the two write; “…,” Ramos, 58, told AFP; “…,” a voice-over in
    the ad states: a credit right after the closing comma that the parse got wrong (the verb tagged a noun,
    or hung from a verb inside the quotation). The words between the mark and a verb of saying are a noun
    phrase, perhaps with an apposition between commas; it is the source, and the person or entity it
    names (or the phrase itself) the speaker."""
    if text[mark.close - 1 : mark.close] not in (",", "?", "!", "—", "–", "―"):
        return None
    words = [t for t in tokens if not t.is_space][:_CREDIT_WORDS]
    segments: list[list[Token]] = [[]]
    for n, token in enumerate(words):
        if token.text in _QUOTE_CHARS or token.text in (".", ";", ":", "!", "?", "(", ")"):
            return None
        if token.text == ",":
            if not segments[-1]:
                return None
            segments.append([])
            continue
        head = segments[0]
        following = words[n + 1] if n + 1 < len(words) else None
        if (head and _speech_form(token) and (len(segments) == 1 or not segments[-1])
                and (following is None or (following.pos_ != "NOUN" and following.text != "-"))):
            break
        if len(segments) == 1:
            if token.pos_ not in ("DET", "ADJ", "NOUN", "PROPN", "NUM", "PRON", "PART", "ADP", "PUNCT", "X"):
                return None  # (“…,” while Trump refers: no noun phrase)
            if token.pos_ == "ADP" and not head:
                return None
            if token.pos_ == "PRON" and head and token.lower_ not in ("’s", "'s"):
                return None
        segments[-1].append(token)
    else:
        return None
    verb = token
    if len(segments) > 1 and segments[-1]:
        return None  # (“…,” Trump, Cruz say: the verb ends the apposition, not the phrase)
    segments = [seg for seg in segments if seg]
    head = segments[0]
    if head[-1].pos_ in ("ADP", "DET", "PUNCT") or (len(head) == 1 and head[0].pos_ == "DET" and head[0].lower_ not in INDEFINITE_SOURCES):
        return None
    source = (head[0].idx, segments[-1][-1].idx + len(segments[-1][-1].text))
    cue = (verb.idx, verb.idx + len(verb.text))
    if len(head) == 1 and (head[0].pos_ == "PRON" or head[0].lower_ in SOURCE_PRONOUNS):
        found = _mention(head[0], text, context, before=mark.open)
        return Attribution(found[0], found[1], cue, verb.text) if found else None
    head_span = (head[0].idx, head[-1].idx + len(head[-1].text))
    speaker = _named_in(head, context) or next((p for seg in segments[1:2] if (p := _named_in(seg, context, people_only=True))), None)
    return Attribution(source, speaker or head_span, cue, verb.text)


def _named_in(words: list[Token], context: "_Context", people_only: bool = False) -> tuple[int, int] | None:
    """The person named among the words (not an owner: "Clinton's introducer"), else an entity that is most of them."""
    start, end = words[0].idx, words[-1].idx + len(words[-1].text)
    found = context.entities_in(start, end)
    owners = {t.idx for t in words if t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ in ("’s", "'s")}
    found = [e for e in found if not any(e.start <= o < e.end for o in owners)]
    person = next((e for e in found if e.label == "PERSON"), None)
    if person is not None:
        return person.start, person.end
    if people_only:
        return None
    whole = end - start
    entity = next((e for e in found if e.label in _SPEAKER_LABELS - {"PRODUCT", "WORK_OF_ART", "EVENT"} and e.end - e.start >= 0.5 * whole), None)
    return (entity.start, entity.end) if entity else None


def _sentence_subject(index: TokenIndex, text: str, context: "_Context", mark: QuoteMarks) -> Attribution | None:
    """A quotation inside a sentence about a person's words whose verb is no speech verb ("Obama
    punctuated his list with “Too many.”"): the subject of that sentence's main verb, when it is a
    person or a pronoun for one."""
    tokens = index.between(mark.open, mark.open + 1)
    if not tokens:
        return None
    sent = tokens[0].sent
    root = sent.root
    if mark.open <= root.idx < mark.close or not _is_verb(root):
        return None
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or mark.open <= subject.idx < mark.close or subject.idx > mark.open:
        return None
    entity = context.entity_at(subject.idx)
    person = _person_in_phrase(subject, context)
    if person is None and subject.lower_ not in PERSON_PRONOUNS - {"we"} and (entity is None or entity.label not in ("PERSON", "ORG")):
        return None
    found = _mention(subject, text, context, before=mark.open)
    if not found:
        return None
    return Attribution(found[0], found[1], (root.idx, root.idx + len(root.text)), root.text)


def _is_verb(token: Token) -> bool:
    """A verb or auxiliary that is a word: the tagger sometimes calls a dash ("―") a verb."""
    return token.pos_ in ("VERB", "AUX") and token.text[:1].isalpha()


def _only_space(text: str, start: int, end: int) -> bool:
    return not text[start:end].strip(" \t\n,―—–-")


def _same_paragraph(text: str, a: QuoteMarks, b: QuoteMarks) -> bool:
    return paragraph_break(text) not in text[a.close : b.open]


def _clause_after(text: str, mark: QuoteMarks, following: QuoteMarks | None, whole: bool = False) -> tuple[int, int]:
    """From the closing mark to the end of its sentence; nothing when the quotation ends its sentence
    with a full stop (“… nomination.” O’Malley’s move was reported by MSNBC: the next sentence is not its cue).
    After a question or exclamation only its first words, unless `whole`."""
    start = mark.close + 1
    if text[mark.close - 1 : mark.close] == ".":
        # …unless the next sentence is nothing but its credit, the comma typed as a full stop
        # (“… missing.” Trump said.).
        credit = _BARE_CREDIT.match(text, start)
        return (start, credit.end()) if credit else (start, start)
    _, para_end = paragraph_bounds(text, mark.close)
    end = para_end if following is None else min(para_end, following.open)
    match = next(_sentence_ends(text, start, end), None)
    end = match.end() if match else end
    if text[mark.close - 1 : mark.close] in "?!" and not whole:
        # “Why?” Obama asked: the cue comes at once. A question or exclamation followed by a long
        # sentence ("Several Republican leaders, including …, denounced") has ended its own.
        words = list(re.finditer(r"\S+", text[start:end]))
        if len(words) > _CUE_WORDS_AFTER_QUESTION and words[0].group()[:1].isupper():
            end = start + words[_CUE_WORDS_AFTER_QUESTION - 1].end()
    return start, end


_CUE_WORDS_AFTER_QUESTION = 6
_OWN_WORDS = frozenset({"dobj", "ccomp", "xcomp", "attr", "oprd"})
# A sentence of two to four words, capitalised but for the last, ending in a full stop: "Trump said.", "Ann Ruiz added."
_BARE_CREDIT = re.compile(r"[ \t]+(?:(?:[A-Z][\w.'’-]*|he|she|they)[ \t]+){1,3}[a-z]+\.(?=\s|$)")


def _clause_before(text: str, mark: QuoteMarks, previous: QuoteMarks | None) -> tuple[int, int]:
    para_start, _ = paragraph_bounds(text, mark.open)
    start = para_start if previous is None else max(para_start, previous.close + 1)
    last_end = None
    for match in _sentence_ends(text, start, mark.open):
        if text[match.end() : mark.open].strip():  # (the full stop that ends the sentence before, then spaces: not it)
            last_end = match.end()
    return (last_end if last_end is not None else start), mark.open


def _subject(verb: Token, context: "_Context | None" = None) -> Token | None:
    """The verb's subject (see `_grammatical_subject`); a time or place the parser made the subject
    ("Saturday at the convention Sen. Elizabeth Warren said", "WASHINGTON (AFP) – Democrat Hillary
    Clinton has taken a swipe …, saying") gives way to the person named between it and the verb."""
    subject = _grammatical_subject(verb, context)
    if subject is None or context is None:
        return subject
    entity = context.entity_at(subject.idx)
    if entity is None or entity.label not in ("DATE", "TIME", "GPE", "LOC"):
        return subject
    head = subject.head if subject.head.i > subject.i else verb
    for token in reversed(subject.doc[subject.i + 1 : min(head.i, verb.i) if head.i > subject.i else verb.i]):
        if _is_person(token, context):
            return token
    return None if entity.label in ("DATE", "TIME") else subject


def _grammatical_subject(verb: Token, context: "_Context | None" = None) -> Token | None:
    """The verb's subject; of two ("Northlight co-president Marcus Webb" parsed as two), the person.

    A verb without one takes the subject of the verb it hangs from ("The senator sought to calm
    them, and took a heckler in stride, saying ..."), up a few levels; a verb after a quotation
    with a noun after it and no subject has its subject inverted (“…,” added another Republican).
    """
    agent = _agent(verb)
    if agent is not None:
        return agent
    subjects = [child for child in verb.children if child.dep_ in ("nsubj", "nsubjpass")]
    if context is not None and not context.quoted.contains(verb.idx):
        subjects = [t for t in subjects if not _quoted(t, context)]
    if any(_across_paragraphs(t, verb) for t in subjects):
        subjects = [t for t in subjects if not _across_paragraphs(t, verb)]
        if not subjects:
            return _noun_after_break(verb)
    if len(subjects) > 1 and context is not None:
        people = [t for t in subjects if (e := context.entity_at(t.idx)) is not None and e.label == "PERSON"]
        subjects = people or subjects
    if subjects:
        return subjects[0]
    # “Go back,” Trump barked: the tagger took the name for part of the verb.
    glued = [c for c in verb.lefts if c.dep_ == "compound" and c.pos_ == "PROPN" and c.i == verb.i - 1]
    if glued:
        return glued[0]
    if verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN", "PRON"):
        return verb.head  # "with several critics calling the film a “masterpiece”"
    inverted = [c for c in verb.rights if c.dep_ in ("dobj", "attr") and c.pos_ in ("PROPN", "NOUN")]
    if inverted and any(c.dep_ == "ccomp" and c.i < verb.i for c in verb.children):
        return inverted[0]
    token = verb
    for _ in range(3):
        if token.dep_ not in ("conj", "xcomp", "advcl", "pcomp", "prep", "acomp") or token.head.i == token.i:
            break
        token = token.head
        for child in token.children:
            if child.dep_ in ("nsubj", "nsubjpass") and not _across_paragraphs(child, verb):
                return child
    return (_noun_after_closing_mark(verb, context) or _subject_of_lead_clause(verb) or _name_before(verb, context)
            or _name_by_closing_mark(verb, context) or _phrase_opening_clause(verb) or _noun_after_break(verb))


def _across_paragraphs(subject: Token, verb: Token) -> bool:
    """The subject and its verb lie on either side of a line break: the parser ran one sentence over a
    headline or a paragraph ("The Latest: Trump delivers defense …\n\nDonald Trump has delivered …,
    saying" is not The Latest saying it)."""
    doc = subject.doc
    a, b = sorted((subject.i, verb.i))
    return any("\n" in doc[i].text for i in range(a + 1, b))


# How far back from a verb the rules that look for the start of its line or clause look.
_LINE_MAX_TOKENS = 80


def _noun_after_break(verb: Token) -> Token | None:
    """The head of the first noun phrase on the verb's own line, when the parser ran the verb's sentence
    over a line break above it ("9:34 p.m.\n\nDonald Trump has delivered …, saying"): its subject."""
    doc = verb.doc
    start = min(verb.sent.start, max(0, verb.i - 15))  # (or cut the sentence after the name: "Trump | has delivered")
    start = max(start, verb.i - _LINE_MAX_TOKENS)  # (a sentence thousands of words long, unparsed: not quadratic)
    breaks = [t.i for t in doc[start : verb.i] if "\n" in t.text]
    if not breaks or any(t.text in (".", "!", "?", ":", ";") for t in doc[breaks[-1] + 1 : verb.i]):
        return None
    for token in doc[breaks[-1] + 1 : verb.i]:
        if token.pos_ in ("PROPN", "NOUN"):
            while token.head.i != token.i and breaks[-1] < token.head.i < verb.i and token.head.pos_ in ("PROPN", "NOUN"):
                token = token.head
            return None if _in_object(token, after=breaks[-1]) else token
        if token.pos_ in ("VERB", "AUX"):
            return None
    return None


def _quoted(token: Token, context: "_Context") -> bool:
    """The word is inside quotation marks, so somebody's words and never who said them (“Like Oakland.
    Or Ferguson,” Trump said: the parser made Ferguson the subject). A word glued to a closing mark
    (“…paranoia,”Clinton said: one token) counts from after the mark."""
    glued = max(token.text.rfind(mark) for mark in "“”\"")
    return context.quoted.contains(token.idx + glued + 1)


def _phrase_opening_clause(verb: Token) -> Token | None:
    """A speech verb left without a subject because the parser hung the noun phrase before it elsewhere
    ("In an interview with hosts Joe Roe and Ann Poe, the candidate stated that …", the candidate an
    apposition of Poe; "Trump, in Kentucky, said Tuesday"; "a White House official who spoke anonymously
    said"): the noun phrase that opens the clause, after an opening phrase or clause and its comma, when
    nothing but appositions between commas comes between it and the verb."""
    doc = verb.doc
    start = verb.sent.start
    for i in range(verb.i - 1, max(start, verb.i - _LINE_MAX_TOKENS) - 1, -1):
        if "\n" in doc[i].text:
            start = i + 1
            break
    if verb.i - start > _LINE_MAX_TOKENS:
        return None  # (no phrase opens a clause that far before its verb; and one scan per verb stays short)
    words = [t for t in doc[start : verb.i] if not t.is_space]
    if not words or any(t.text in _QUOTE_CHARS for t in words):
        return None
    segments: list[list[Token]] = [[]]
    for token in words:
        if token.text == ",":
            segments.append([])
        else:
            segments[-1].append(token)
    while len(segments) > 1 and segments[0] and segments[0][0].pos_ in ("ADP", "SCONJ", "ADV"):
        segments.pop(0)  # an opening phrase or clause: "In a statement to the paper,", "Although …,"
    if len(segments) > 1 and segments[-1]:
        return None  # (the words right before the verb are no apposition closed by a comma)
    phrase: list[Token] = []
    for token in segments[0]:
        if phrase and token.lower_ in ("who", "which", "that"):
            break  # a relative clause about the phrase
        if token.pos_ not in ("DET", "ADJ", "NOUN", "PROPN", "NUM", "PART") and not (token.pos_ == "PRON" and not phrase):
            return None
        phrase.append(token)
    if not phrase or phrase[-1].pos_ not in ("NOUN", "PROPN", "NUM", "PRON"):
        return None
    return phrase[-1]


def _agent(verb: Token) -> Token | None:
    """The one who speaks in a passive: "Rubio was asked by moderator Gerard Baker whether …" (but not
    one who cites: "he was quoted by the paper as saying")."""
    if verb.lemma_.lower() in ("quote", "cite") or not any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children):
        return None
    for child in verb.children:
        if child.dep_ == "agent":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    return None


def _noun_after_closing_mark(verb: Token, context: "_Context | None") -> Token | None:
    """ “The risk,” said Peter Hallam, an economist who …, “is …”: a speech verb right after a closing
    mark whose parse gave it no subject (the name went to a verb in the next quotation, or the tagger
    made "Skelly" an adverb) has the noun phrase right after it as its subject, inverted."""
    doc = verb.doc
    if verb.i + 1 >= len(doc):
        return None
    if verb.i == verb.sent.start or doc[verb.i - 1].text in ("\n", "\n\n") or doc[verb.i - 1].is_space:
        # "Continued Stone: “…”": a sentence that opens with the verb has its name right after it
        if _is_name(doc[verb.i + 1], context):
            return doc[verb.i + 1]
    if verb.i == 0 or doc[verb.i - 1].text not in _CLOSING_MARKS:
        return None
    token = doc[verb.i + 1]
    if _is_name(token, context) or token.lower_ in INDEFINITE_SOURCES | {"one"}:
        return token  # (“America is great!” read one.)
    while token.dep_ in ("compound", "det", "amod", "poss", "nummod") and token.head.i > token.i:
        token = token.head
    if token.pos_ != "PROPN" and not (token.pos_ == "NOUN" and doc[verb.i + 1].pos_ == "DET"):
        return None
    return token


def _is_name(token: Token, context: "_Context | None", labels: tuple[str, ...] = ("PERSON", "ORG")) -> bool:
    """The token is a word of a person's or organisation's name (of an entity of `labels`) outside quotations."""
    if context is None or context.quoted.contains(token.idx):
        return False
    entity = context.entity_at(token.idx)
    return entity is not None and entity.label in labels


def _name_by_closing_mark(verb: Token, context: "_Context | None") -> Token | None:
    """A subjectless speech verb in the credit after a quotation, whose name the parser hung elsewhere:
    the first person named between the closing mark and the verb (“…,” Texas delegate Bill Eastland,
    wearing a cowboy hat, said), or in the words right after a verb that follows the mark (“…,” said
    Oversight ranking Democrat Elijah Cummings)."""
    doc = verb.doc
    if verb.i > 0 and doc[verb.i - 1].text in _CLOSING_MARKS:
        for token in doc[verb.i + 1 : verb.i + 7]:
            if token.pos_ in ("PUNCT", "ADP", "SCONJ", "CCONJ", "VERB") and not token.text.endswith("ing"):
                break
            if _is_person(token, context):
                return _last_word_of_name(token, context)
            following = doc[token.i + 1] if token.i + 1 < len(doc) else None
            if token.pos_ == "PROPN" and following is not None and following.text == "(" \
                    and _party_label_at(doc, following.i):
                return token  # (“…,” said ranking Democrat Elijah Cummings (D-Md.): a legislator the tagger missed)
        return None
    for back in range(verb.i - 1, max(-1, verb.i - 16), -1):
        if doc[back].text in _CLOSING_MARKS:
            for token in doc[back + 1 : verb.i]:
                if _is_person(token, context):
                    return _last_word_of_name(token, context)
            return None
        if doc[back].text in (".", "!", "?", ";"):
            return None
    return None


def _is_person(token: Token, context: "_Context | None") -> bool:
    return _is_name(token, context, ("PERSON",))


def _last_word_of_name(token: Token, context: "_Context") -> Token:
    entity = context.entity_at(token.idx)
    while token.i + 1 < len(token.doc) and token.doc[token.i + 1].idx < entity.end:
        token = token.doc[token.i + 1]
    return token


def _name_before(verb: Token, context: "_Context | None") -> Token | None:
    """ "…," screenwriter Cole Haddon wrote: a speech verb with no subject right after a name (the
    parser took "screenwriter" for the verb and the name for its object) has that name as subject."""
    if verb.i == 0:
        return None
    doc = verb.doc
    before = doc[verb.i - 1]
    if before.text == ")":  # "Speaker Paul Ryan (R-Wis.) said": the name before the party label
        opening = next((t for t in reversed(doc[max(0, verb.i - 8) : verb.i - 1]) if t.text == "("), None)
        if opening is None or opening.i == 0 or not _party_label_at(doc, opening.i):
            return None
        before = doc[opening.i - 1]
    return before if before.pos_ == "PROPN" and _is_name(before, context) else None



# A legislator's party and state after the name: "(R-Wis.)", "(D-Md.)", "(I-VT)".
_PARTY_LABEL = re.compile(r"\([DRI]-[A-Z][A-Za-z.]{0,12}\)")


def _party_label_at(doc: Any, i: int) -> bool:
    """A party label opens at token `i` (read from its few tokens: `doc.text` would build the whole text)."""
    return _PARTY_LABEL.match("".join(t.text_with_ws for t in doc[i : i + 8])) is not None


_CLOSING_MARKS = frozenset({"”", '"', "»"})


def _subject_of_lead_clause(verb: Token) -> Token | None:
    """ "Helen Marsh, meanwhile, who has no endorsements, said": the parser hung the relative clause
    from the verb and its antecedent with it; the first noun subject in what hangs before the verb is
    the verb's."""
    for child in verb.lefts:
        if child.dep_ not in ("ccomp", "advcl", "parataxis"):
            continue
        for token in child.subtree:
            if token.dep_ in ("nsubj", "nsubjpass") and token.pos_ in ("PROPN", "NOUN"):
                following = token.doc[token.right_edge.i + 1] if token.right_edge.i + 1 < len(token.doc) else None
                if following is not None and following.text == ",":
                    return token
            if token.i >= child.i:
                break
    return None


def is_speech_verb(token: Token) -> bool:
    """A verb of saying: its lemma is one ("implored"), or it is an inflected form of one whatever the
    tagger calls it ("Tweeted"), or it publishes a statement ("issued a statement")."""
    if token.pos_ in ("VERB", "AUX"):
        lemma = token.lemma_.lower()
        if lemma in SPEECH_VERBS:
            # "polls continuing to show", "began to cry": an aspect of another verb, not saying
            return lemma not in _ASPECTUAL or not any(c.dep_ == "xcomp" for c in token.children)
        if lemma in PUBLISHING_VERBS:
            return any(c.dep_ == "dobj" and c.lemma_.lower() in STATEMENT_NOUNS for c in token.children)
        if lemma in _RETORT_VERBS:  # "Clinton shot back", "fired back": a retort
            return any(c.dep_ in ("prt", "advmod") and c.lower_ == "back" for c in token.children)
        return False
    lower = token.lower_
    if lower in _IRREGULAR_FORMS:
        return True
    return lower.endswith("ed") and (lower[:-2] in SPEECH_VERBS or lower[:-1] in SPEECH_VERBS)


def _speaker_from_cue(
    tokens: list[Token], nearest_last: bool, text: str, context: "_Context", mark: QuoteMarks, credit_only: bool = False
) -> Attribution | None:
    """The subject of a speech verb among `tokens`: the nearest (the last one when the tokens come before
    the quotation), taking first the verbs no other speech verb there governs ("Wallace said, as the
    crowd cheered": the crowd's cheering is the circumstance of Wallace's words). `credit_only`: only
    verbs whose words are the quotation, with no object or clause of their own (“…!” Sam Ortiz, the
    head of Forward Ohio, tweeted; not “…?” Several leaders, including …, denounced the remarks)."""
    verbs = [t for t in tokens if is_speech_verb(t)]
    if credit_only:
        verbs = [v for v in verbs if not any(c.dep_ in _OWN_WORDS for c in v.children)]
    if nearest_last:
        verbs.reverse()
    ids = {v.i for v in verbs}
    inner = [v for v in verbs if any(a.i in ids for a in v.ancestors)]
    for verb in [v for v in verbs if v not in inner] + inner:
        subject = _subject(verb, context)
        if subject is None or subject.idx >= mark.open and subject.idx < mark.close:
            credit = None if nearest_last else _credit_after(tokens, text, context, mark)
            if credit is not None and credit.cue[0] == verb.idx:
                return credit  # “…,” Ramos, 58, told AFP: the parse hung the verb from the quotation's
            continue
        found = _mention(subject, text, context, before=mark.open)
        if found and nearest_last and subject.lower_ in ("who", "that") and subject.head.dep_ == "relcl":
            # "…,” said Ann Ruiz, who said she had waited all day. “…”: the aside about her ended with its
            # sentence; the next quotation goes on with her, the person the clause is about.
            named = _mention(subject.head.head, text, context, mark.open)
            found = named or found
        if found:
            source, speaker = found
            return Attribution(source, speaker, (verb.idx, verb.idx + len(verb.text)), verb.text)
    return None


def _governed_by_speech(tokens: list[Token], mark: QuoteMarks) -> bool:
    """True when a speech verb outside the quotation governs it: said the damage was “confronting”."""
    for token in tokens:
        for ancestor in token.ancestors:
            if not (mark.open <= ancestor.idx < mark.close) and is_speech_verb(ancestor):
                deps = {child.dep_ for child in ancestor.children}
                if "auxpass" in deps and "agent" not in deps:
                    continue  # "the film was called “Oppenheimer”": a name given, nobody quoted
                return True
    return False


_NOT_IN_PHRASE = frozenset({"npadvmod", "advmod", "punct", "cc", "prep", "mark", "dep"})
_NOUN_PHRASE_STOPS = frozenset({"relcl", "appos", "punct", "acl", "advcl", "cc", "conj", "parataxis"})


def _mention(
    subject: Token, text: str, context: "_Context", before: int
) -> tuple[tuple[int, int], tuple[int, int] | None] | None:
    """The source mention as written and the span naming the speaker: a person in the subject's
    noun phrase, an entity, a resolved pronoun, or the phrase itself."""
    start, end = subject.idx, subject.idx + len(subject.text)
    if _quoted(subject, context):
        return None
    if subject.lower_ in ("who", "that", "which") and subject.head.dep_ == "relcl":
        antecedent = subject.head.head
        author = _author_of(antecedent)
        if author is not None:
            # "The Post ran a piece that noted …", "Pelletier hoisted a sign that read …": the one who
            # published the writing speaks through it
            return _mention(author, text, context, before)
        if subject.lower_ == "which":
            return None
        # "Graham Pettifer, the MP ..., who said": "who" as written, named by the noun the clause is about
        named = _mention(antecedent, text, context, before)
        return ((start, end), named[1]) if named else None
    if (subject.pos_ == "PRON" or subject.lower_ in SOURCE_PRONOUNS) and not any(c.dep_ in ("prep", "acl", "relcl") for c in subject.children):
        # (not "one of those advisers", "those surveyed", "those who attended": a phrase that names its speaker)
        if subject.lower_ not in SOURCE_PRONOUNS:
            return None
        return (start, end), context.resolve(subject.lower_, min(start, before))
    if subject.lower_ in ("who", "which", "that"):
        return None
    right = subject.right_edge
    if subject.pos_ == "PRON" and any(c.dep_ in ("acl", "relcl") for c in subject.children) \
            and right.i - subject.i <= 6 and not subject.idx < before <= right.idx:
        # "those surveyed", "Those who attended": the pronoun is named by its short clause
        source = (subject.idx, right.idx + len(right.text))
        return source, source
    if subject.dep_ == "appos" and subject.head.i != subject.i and not _in_object(subject.head) \
            and not _across_paragraphs(subject, subject.head):
        subject = subject.head  # "the MP for North Wealdshire" in apposition to the name (not to an object before it)
    source = _phrase(subject, text)
    person = _person_in_phrase(subject, context)
    if person is not None:
        return _cover(source, person), (person.start, person.end)
    entity = context.entity_at(subject.idx)
    if entity is not None and entity.label in _SPEAKER_LABELS and not _runs_over_verb(entity, subject):
        return _cover(source, entity), (entity.start, entity.end)
    return source, source


def _in_object(token: Token, after: int = -1) -> bool:
    """The token is (in) the object of a verb or preposition, up to its clause's verb ("an interview with
    hosts Ann Roe and Joe Poe, the candidate stated": the candidate is no apposition of Poe's); with
    `after`, of one that comes after that token (not the "by" of a byline the parser ran into the line)."""
    while token.head.i != token.i and token.pos_ not in ("VERB", "AUX"):
        if token.dep_ in ("pobj", "dobj") and token.head.i > after:
            return True
        token = token.head
    return False


# Writings that say things for whoever ran, held, sent or posted them.
_WRITINGS = frozenset("piece article column op-ed editorial sign banner placard poster letter memo statement ad advertisement "
                      "email e-mail tweet post message note video".split())


# Verbs by which one puts out a writing (not "read", "ignore", "answer", "delete", "find" one).
_AUTHOR_VERBS = frozenset("run publish post send write pen hold carry hoist wave display raise put issue release tweet "
                          "share air sign draft circulate distribute print mail unveil erect".split())


def _author_of(writing: Token) -> Token | None:
    """The subject of the verb a writing is the object of ("The Post ran a piece", "she held a sign"),
    when it is a name or a noun, not a pronoun or a quotation's word."""
    if writing.lemma_.lower() not in _WRITINGS or writing.dep_ != "dobj":
        return None
    verb = writing.head
    if verb.lemma_.lower() not in _AUTHOR_VERBS:
        return None  # (not "Smith ignored an email that said …": whoever got it did not write it)
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.pos_ not in ("PROPN", "NOUN") or _across_paragraphs(subject, verb):
        return None
    return subject


def _runs_over_verb(entity: Entity, subject: Token) -> bool:
    """An entity that takes in the subject's own verb is a tagging error ("Trump told The Associated
    Press of …" as one title): it names nobody."""
    verb = subject.head
    return verb.i != subject.i and verb.pos_ in ("VERB", "AUX") and entity.start <= verb.idx < entity.end


_SPEAKER_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE", "FAC", "LOC", "PRODUCT", "WORK_OF_ART", "EVENT"})


def _cover(span: tuple[int, int], entity: Entity) -> tuple[int, int]:
    return min(span[0], entity.start), max(span[1], entity.end)


def _phrase(subject: Token, text: str) -> tuple[int, int]:
    """The noun phrase up to the head, and what follows it up to a clause or apposition."""
    phrase = [subject]
    for child in subject.lefts:
        if child.dep_ not in _NOT_IN_PHRASE:  # "2:40 p.m. Donald Trump's campaign manager says"
            phrase.extend(child.subtree)
    for child in subject.rights:
        if child.dep_ in _NOUN_PHRASE_STOPS:
            break
        phrase.extend(child.subtree)
    phrase.sort(key=lambda t: t.i)
    if len(phrase) > 12 or any(t.text in "“”\"" for t in phrase):
        phrase = [t for t in phrase if subject.i - 3 <= t.i <= subject.i]
    start, end = phrase[0].idx, phrase[-1].idx + len(phrase[-1].text)
    cut = max(text.rfind(mark, start, subject.idx) for mark in "“”\"")
    if cut >= 0:  # “… hunky-dory,” Gene Sperling: no words of a quotation before the name
        start = cut + 1
    newline = text.rfind("\n", start, subject.idx)
    if newline >= 0:
        start = newline + 1
    return start, end


def _person_in_phrase(head: Token, context: "_Context") -> Entity | None:
    """A person named in the subject's own phrase, "Northlight co-president Marcus Webb" or "Its chairman,
    Sir Nigel Ashby,", but not an owner ("Helen Achebe's lawyer") or someone in a clause about them."""
    found = None
    stack = [head]
    while stack:
        token = stack.pop()
        entity = context.entity_at(token.idx)
        if entity is not None and entity.label == "PERSON":
            if found is None or abs(entity.start - head.idx) < abs(found.start - head.idx):
                found = entity
        for child in token.children:
            if child.dep_ not in ("poss", "relcl", "acl", "prep", "advcl", "conj", "cc"):
                stack.append(child)
    return found


def _according_to(
    text: str, region: tuple[int, int], index: TokenIndex, context: "_Context", mark: QuoteMarks
) -> Attribution | None:
    """ "according to X": X's noun phrase as written; the person named in it, or the entity it is,
    names the speaker ("according to Chief Financial Officer Raymond Osei", "according to White
    House pool reports")."""
    match = _ACCORDING_TO.search(text, *region)
    if not match:
        return None
    cue = (match.start(), match.end())
    for token in index.between(match.end() - 2, match.end()):
        if token.lower_ != "to":
            continue
        objects = [c for c in token.children if c.dep_ == "pobj" and not mark.open <= c.idx < mark.close]
        if objects and objects[0].pos_ in ("NOUN", "PROPN"):
            head = objects[0]
            source = _phrase(head, text)
            person = _person_in_phrase(head, context)
            if person is not None:
                return Attribution(_cover(source, person), (person.start, person.end), cue, "according to")
            entity = context.entity_at(head.idx)
            if entity is not None and entity.label in _SPEAKER_LABELS:
                return Attribution(_cover(source, entity), (entity.start, entity.end), cue, "according to")
            return Attribution(source, source, cue, "according to")
    for entity in context.entities[bisect.bisect_left(context._starts, match.end()) :]:
        if entity.start >= region[1]:
            break
        if entity.label in ("PERSON", "ORG", "NORP", "GPE") and not mark.open <= entity.start < mark.close:
            return Attribution((entity.start, entity.end), (entity.start, entity.end), cue, "according to")
    return None


def _colon_lead_in(text: str, index: TokenIndex, mark: QuoteMarks, context: "_Context") -> Attribution | None:
    """A quotation that is a whole paragraph, introduced by a sentence ending in ':' before it."""
    para_start, _ = paragraph_bounds(text, mark.open)
    lead = text[:para_start].rstrip()
    if not lead.endswith(":"):
        return None
    prev_start, _ = paragraph_bounds(text, len(lead) - 1)
    region_start = prev_start
    for match in _sentence_ends(text, prev_start, len(lead)):
        region_start = match.end()
    tokens = index.between(region_start, len(lead))
    return _speaker_from_cue(tokens, True, text, context, mark) or _lead_in_subject(tokens, text, context, mark)


def _lead_in_subject(tokens: list[Token], text: str, context: "_Context", mark: QuoteMarks) -> Attribution | None:
    """ "Tolliver put it bluntly: "..."": the subject of the sentence that the colon ends, whatever its
    verb: its main verb, or, when the parser made a verb inside the quotation the root ("She went on:
    “It's like…”"), the first verb before the colon with a subject of its own."""
    verbs = [t for t in tokens if _is_verb(t) and t.dep_ != "aux" and t.idx < mark.open]
    roots = [t for t in verbs if t.dep_ == "ROOT"]
    others = [t for t in verbs if t.dep_ != "ROOT" and any(c.dep_ in ("nsubj", "nsubjpass") and c.idx < mark.open for c in t.children)]
    for token in roots + others[:1]:
        subject = _subject(token)
        if subject is None or subject.idx >= mark.open:
            continue
        found = _mention(subject, text, context, before=mark.open)
        if found:
            return Attribution(found[0], found[1], (token.idx, token.idx + len(token.text)), token.text)
    return None


# Verbs of talking that name a speaker only in a lead-in sentence ("Trump spoke in bromides.\n\n“…”").
_LEAD_IN_VERBS = frozenset("speak talk elaborate".split())


def _lead_in_paragraph(
    index: TokenIndex, text: str, context: "_Context", mark: QuoteMarks, quotes: Sequence[Quote]
) -> Attribution | None:
    """ "Valastro praised the governor's leadership.\n\n“We need someone who …”": a quotation that
    opens its paragraph, with no cue of its own, is the words of the subject of the speech verb in the
    last sentence of the paragraph before (the writer introduces the speaker, then gives the words).
    Not when that sentence has an attributed quotation of its own (the previous paragraph's speaker
    goes on, see `_continues_previous_paragraph`), nor when the quotation's paragraph has a speech
    verb outside quotations (a credit of its own, unparsed)."""
    para_start, para_end = paragraph_bounds(text, mark.open)
    if para_start == 0 or not _only_space(text, para_start, mark.open):
        return None
    rest = text[mark.close + 1 : para_end].lstrip(" \t,;:")
    if rest[:1].islower():
        return None  # (“Fix the roads first” was painted on a wall: the words are the subject of their own sentence)
    if any(is_speech_verb(t) and not context.quoted.contains(t.idx) for t in index.between(mark.close + 1, para_end)):
        return None
    lead_end = len(text[:para_start].rstrip())
    prev_start, _ = paragraph_bounds(text, max(0, lead_end - 1))
    region_start = prev_start
    for match in _sentence_ends(text, prev_start, lead_end):
        rest = text[match.end() : lead_end].lstrip(" \t\n”\"’)")
        if rest and not rest[0].islower():  # (not "an impending U.S. withdrawal")
            region_start = match.end()
    for q in reversed(quotes):  # (from the nearest back: one look per quotation, not one per quotation so far)
        if q.start < region_start:
            break
        if q.source_start is not None and q.start < lead_end:
            return None
    tokens = [t for t in index.between(region_start, lead_end) if not context.quoted.contains(t.idx)]
    verbs = [t for t in tokens if (is_speech_verb(t) and t.lemma_.lower() not in _THINKING - {"respond"})
             or (_is_verb(t) and t.lemma_.lower() in _LEAD_IN_VERBS)]  # (not "They think the progress is real.")
    ids = {v.i for v in verbs}
    outer = [v for v in reversed(verbs) if not any(a.i in ids for a in v.ancestors)]
    for verb in outer + [v for v in reversed(verbs) if v not in outer]:
        subject = _subject(verb, context)
        if subject is None or subject.idx < region_start or context.quoted.contains(subject.idx):
            continue
        if any(t.dep_ == "cc" and context.entity_at(t.idx) is None for t in subject.subtree):
            return None  # "Smith and Jones argued …": whose words follow, the text does not say
        found = _mention(subject, text, context, before=mark.open)
        if found:
            return Attribution(found[0], found[1], (verb.idx, verb.idx + len(verb.text)), verb.text)
    return None


class _Context:
    """What the whole article says about its people: names, genders, roles, who it is about."""

    def __init__(self, doc: Any, text: str, marks: Sequence[QuoteMarks], entities: Sequence[Entity]):
        self.text = text
        self.entities = sorted(entities, key=lambda e: e.start)
        self._starts = [e.start for e in self.entities]
        spans = [(m.open, m.close) for m in marks]
        quoted = _Spans(spans)
        self.quoted = quoted
        people = [e for e in self.entities if e.label == "PERSON"]
        self.antecedents = [p for p in people if not quoted.contains(p.start)]
        self.gender = _genders(doc, text, self.antecedents, quoted)
        self.sentence_of: dict[Entity, int] = {}
        self.main_subjects: set[Entity] = set()
        for person in self.antecedents:
            span = doc.char_span(person.start, person.end, alignment_mode="expand")
            if span is None:
                continue
            self.sentence_of[person] = span.sent.start
            root = span.root
            if root.dep_ in ("nsubj", "nsubjpass") and root.head.dep_ == "ROOT":
                self.main_subjects.add(person)
        # Sentences whose main subject is "he" or "she": someone named earlier is their topic.
        self.pronoun_subject: dict[int, str] = {}
        for sent in {id(s): s for s in (doc.char_span(p.start, p.end, alignment_mode="expand") for p in self.antecedents) if s is not None}.values():
            sentence = sent.sent
            for child in sentence.root.children:
                if child.dep_ in ("nsubj", "nsubjpass") and child.lower_ in MALE_PRONOUNS | FEMALE_PRONOUNS:
                    self.pronoun_subject[sentence.start] = "m" if child.lower_ in MALE_PRONOUNS else "f"
        mentions = Counter(p.name for p in self.antecedents)
        self.protagonist = mentions.most_common(1)[0][0] if mentions else None
        self.roles = _roles(text, people)

    def entities_in(self, start: int, end: int) -> list[Entity]:
        """The entities that lie wholly inside start..end."""
        i = bisect.bisect_left(self._starts, start)
        out = []
        while i < len(self.entities) and self.entities[i].start < end:
            if self.entities[i].end <= end:
                out.append(self.entities[i])
            i += 1
        return out

    def entity_at(self, index: int) -> Entity | None:
        i = bisect.bisect_right(self._starts, index) - 1
        if i >= 0 and self.entities[i].start <= index < self.entities[i].end:
            return self.entities[i]
        return None

    def resolve(self, pronoun: str, before: int) -> tuple[int, int] | None:
        """The person a pronoun at `before` refers to: the last one named whose gender fits."""
        if pronoun not in PERSON_PRONOUNS:
            return None
        if pronoun == "they":
            return None  # a group, not the last person named ("They shook hands": Obama and Christie)
        if pronoun in ("i", "we"):
            if pronoun == "i" and self.protagonist:
                person = next((p for p in self.antecedents if p.name == self.protagonist), None)
                return (person.start, person.end) if person else None
            return None
        wanted = "m" if pronoun in MALE_PRONOUNS else "f" if pronoun in FEMALE_PRONOUNS else None
        candidates = [p for p in reversed(self.antecedents) if p.end <= before]
        if wanted:
            candidates = [p for p in candidates if self.gender.get(p.name, wanted) == wanted]
            # Someone nearby known to be a "she" beats someone nearer whose gender the text never shows.
            window = before
            for _ in range(3):  # this paragraph and the two before it
                window = max(0, self.text.rfind(paragraph_break(self.text), 0, window))
            known = [p for p in candidates if p.start >= window and self.gender.get(p.name) == wanted]
            # …but not the subject of the sentence just before the pronoun ("Luis Osuna told the paper: “…”
            # He added"): a person the writer has just made the topic is who "he" goes on to be.
            nearest = candidates[0] if candidates else None
            if not (nearest is not None and nearest in self.main_subjects and self._just_before(nearest, before)):
                candidates = known or candidates
        if not candidates:
            return None
        # A person named in a sentence whose own subject is "he" ("He criticised Donald Trump") is not
        # who "he" goes on to be: the paragraph is still about the one that "he" was.
        if wanted:
            topical = [p for p in candidates if p in self.main_subjects
                       or self.pronoun_subject.get(self.sentence_of[p]) != wanted]
            candidates = topical or candidates
        # In the sentence of the nearest candidate, the subject of the main clause is the likelier one.
        sentence = self.sentence_of[candidates[0]]
        same = [p for p in candidates if self.sentence_of[p] == sentence]
        chosen = next((p for p in same if p in self.main_subjects), candidates[0])
        return chosen.start, chosen.end

    def _just_before(self, person: Entity, at: int) -> bool:
        """The person is named in the paragraph of `at` or the one before it, with no other person named
        outside quotations between them and `at`."""
        brk = paragraph_break(self.text)
        window = max(0, self.text.rfind(brk, 0, max(0, self.text.rfind(brk, 0, at))))
        if person.start < window:
            return False
        i = bisect.bisect_right([p.start for p in self.antecedents], person.start)
        return all(p.start >= at for p in self.antecedents[i:] if p.name != person.name)

    def name(self, mention: str, start: int, end: int) -> str:
        """The canonical name for a speaker mention: the person named in it, the entity it is, a role's
        holder, or the mention itself ("the former secretary of State" is not the State Department)."""
        found = [e for e in self.entities[bisect.bisect_left(self._starts, start) :] if e.start < end and e.end <= end]
        # (not an owner who is someone else's: "Maria Lopez's campaign manager" is not Maria Lopez, though
        # "Clinton's response" is Clinton's)
        if any(word.lower() in _PEOPLE_NOUNS for word in mention.split()[1:]):  # ("Obama's chief of staff")
            found = [e for e in found if not _POSSESSIVE_AFTER.match(self.text, e.end) or e.end >= end]
        person = next((e for e in found if e.label == "PERSON"), None)
        if person is not None:
            return person.name
        whole = re.sub(r"^(?:the|The)\s+", "", self.text[start:end])
        for entity in found:
            if entity.label in ("ORG", "NORP", "GPE") and (entity.text == whole or entity.end - entity.start >= 0.6 * len(whole)):
                return entity.name
        words = mention.split()
        if len(words) == 2 and words[0].lower() == "the" and words[1].lower() in self.roles:
            return self.roles[words[1].lower()]
        return mention


_POSSESSIVE_AFTER = re.compile(r"(?:’s|'s|’|')(?=\s)")
# People known by whose they are: "Trump's campaign manager", "her lawyer", "the senator's wife".
_PEOPLE_NOUNS = frozenset(
    """manager spokesman spokeswoman spokesperson spokespeople lawyer lawyers attorney attorneys aide aides adviser
    advisers advisor advisors counsel staffer staffers surrogate surrogates strategist strategists pollster chairman
    chairwoman deputy assistant secretary physician doctor director chief friend friends wife husband son daughter
    mother father brother sister""".split()
) | MALE_KIN | FEMALE_KIN


class _Spans:
    """Membership test for sorted, non-overlapping (start, end) spans."""

    def __init__(self, spans: Sequence[tuple[int, int]]):
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]

    def contains(self, index: int) -> bool:
        i = bisect.bisect_right(self.starts, index) - 1
        return i >= 0 and index < self.spans[i][1]


def _genders(doc: Any, text: str, people: Sequence[Entity], quoted: _Spans) -> dict[str, str]:
    """Each person's gender as the text shows it: a title (Mrs, Sir), a kinship word ("her brother Seán")
    or the pronouns that follow them.

    A person's vote is the first third-person pronoun after their mention in the
    same sentence, with no other person named in between (a pronoun that is the
    subject of a speech verb is what attribution resolves, so it does not vote). Unknown genders are absent, so they match any pronoun.
    """
    votes: dict[str, Counter] = {}
    for person in people:
        title = _TITLE_BEFORE.search(text, max(0, person.start - 12), person.start)
        if title and title.group(1) in MALE_TITLES | FEMALE_TITLES:
            votes.setdefault(person.name, Counter())["m" if title.group(1) in MALE_TITLES else "f"] += 3
        kin = _WORD_BEFORE.search(text, max(0, person.start - 16), person.start)
        if kin and kin.group(1).lower() in MALE_KIN | FEMALE_KIN:  # "her brother Seán", "his wife, Ann"
            votes.setdefault(person.name, Counter())["m" if kin.group(1).lower() in MALE_KIN else "f"] += 3
    starts = [p.start for p in people]
    for n, person in enumerate(people):
        limit = starts[n + 1] if n + 1 < len(starts) else len(text)
        token = doc.char_span(person.start, person.end, alignment_mode="expand")
        if token is None:
            continue
        for t in doc[token.end : token.sent.end]:
            if t.idx >= limit:
                break
            if quoted.contains(t.idx) or (t.dep_ == "nsubj" and t.head.lemma_.lower() in SPEECH_VERBS):
                continue
            lower = t.lower_
            if lower in MALE_PRONOUNS or lower in FEMALE_PRONOUNS:
                votes.setdefault(person.name, Counter())["m" if lower in MALE_PRONOUNS else "f"] += 1
                break
    return {name: c.most_common(1)[0][0] for name, c in votes.items() if len(c) == 1 or c.most_common(2)[0][1] > c.most_common(2)[1][1]}


def _roles(text: str, people: Sequence[Entity]) -> dict[str, str]:
    """Roles named as titles before a person ("Judge Patricia Moreau") → that person, the last one winning."""
    roles: dict[str, str] = {}
    for person in people:
        title = _TITLE_BEFORE.search(text, max(0, person.start - 16), person.start)
        if title:
            roles[title.group(1).lower()] = person.name
    return roles
