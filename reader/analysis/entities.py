"""Entities: spaCy's spans, corrected by rules that look at the whole article.

Each rule is a plain function `(text, entities) -> entities` named in
`ENTITY_RULES`, so `benchmarks/evaluate.py --ablation` can measure what each one
adds. No spaCy here: the rules see only the text and the spans.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import replace
from typing import Any, Callable, Iterable, Sequence

from reader.analysis.quotes import _SMALL_WORDS, _WORD, is_title_case
from reader.model import Entity

NAME_LABELS = frozenset(
    {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"}
)
# Marks that never belong at the edge of a name.
_EDGE = " \t\n\"“”„«»‘’'()[]{},;:!?—–-"
_CLOSING_MARK_INSIDE = re.compile(r"[”’\"'](?=\s)")
_POSSESSIVE = re.compile(r"(?:\s?['’]s|(?<=s)['’])$")
HONORIFICS = frozenset(
    """Mr Mrs Ms Miss Mx Dr Prof Professor Sir Dame Lord Lady Judge Justice Rev Reverend Father Sister
    Coach Sen Senator Rep President Governor Gov Mayor Minister Chancellor Detective Det Sergeant Sgt
    Inspector Officer Captain Capt Gen General Colonel Col Lt Cllr Councillor Councilman Councilwoman
    Commissioner Chief Prince Princess King Queen Dean Bishop Rabbi Imam Pastor""".split()
)
_HONORIFIC_PREFIX = re.compile(r"^(?:(?:%s)\.?\s+)+" % "|".join(sorted(HONORIFICS, key=len, reverse=True)))
# The last word of a name says what kind of thing it names.
HEAD_WORDS = {
    "ORG": """Railways Railway Railroad Retail Homes Ventures Pharma Therapeutics Institute University
        College Council Police Court Bank Group Inc Ltd LLC Corp Corporation Company Co Party Agency
        Authority Commission Association Union Books Press Records Developments Holdings Partners
        Consulting Capital Airlines Motors Foods Trust Foundation Society Ministry Department Board
        Committee Federation League Club Service Services Systems Technologies Labs""".split(),
    "FAC": "Hotel Arena Museum Mall Stadium Airport Bridge Station Theatre Theater Gallery Tower Prison".split(),
    "EVENT": "Festival Congress Fire Olympics Games Cup Championship Championships Summit Election Marathon".split(),
    "LOC": "Lake River Mountains Sea Ocean Bay Coast Valley Desert Forest Island Islands".split(),
    "GPE": "County".split(),
}
_HEAD_LABEL = {word: label for label, words in HEAD_WORDS.items() for word in words}
_LEGAL_SUFFIX = re.compile(r"^,?\s+(?:Inc|Ltd|LLC|plc|PLC|Corp|GmbH|AG|SA)\b\.?")
_TITLED_NAME = re.compile(
    r"\b(?:%s)\.? ((?:[A-Z][\w’'-]+ ){0,2}[A-Z][\w’'-]*[a-z][\w’'-]*)(?!['’]s)"
    % "|".join(sorted(HONORIFICS - {"President", "Chief", "King", "Queen", "Dean", "General"}, key=len, reverse=True))
)
# Corporate heads whose first word alone is a short form of the name ("Arvanta" for "Arvanta Therapeutics").
_CORPORATE = frozenset(HEAD_WORDS["ORG"]) - {"Council", "Police", "Court", "University", "College", "Party",
                                              "Ministry", "Department", "Board", "Committee", "League", "Club"}
_NOT_NAMES = frozenset("The A An And Of In On At For To By With From But Or As It He She They We I".split())
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_DAY_PART = re.compile(r"^\s+(morning|afternoon|evening|night)\b")
_SIGNED_PERCENT = re.compile(r"(?<![\w.])[+\-−]?\d+(?:[.,]\d+)?\s?%")
_PERCENT_POINTS = re.compile(r"^\s+percentage points?\b")
_CURRENCY_BEFORE = re.compile(r"(?:[A-Z]{1,2})?[$£€¥]$")
_MONEY_RANGE_BEFORE = re.compile(r"[$£€¥]\d[\d,.]*(?:\s?(?:bn|m|k|million|billion))?\s+(?:to|and|-|–)\s+$")
_AGE_WORDS = re.compile(r"^\d{1,3}-years?-olds?$")
_AGE_AFTER = re.compile(r"^\s*(?:[,)]|\.(?:\s|$))")
_AGED_BEFORE = re.compile(r"\baged\s+$")
_SCORE_AFTER = re.compile(r"^[-–]\d+\b")
_SINGLE_QUOTED = re.compile(r"(?<![\w’'])[‘']([A-Z0-9][^‘’'\n]{0,60}?)[’'](?!\w)")


def clean_entities(text: str, spans: Iterable[Any], titles: Sequence[tuple[int, int]] = (), skip: Iterable[str] = ()) -> list[Entity]:
    """Entities from spaCy spans, corrected by every rule in `ENTITY_RULES` not named in `skip`.

    `titles` are the (start, end) of double-quoted titles the quotation finder set aside.
    """
    entities = [Entity(span.start_char, span.end_char, span.label_, span.text) for span in spans]
    skipped = set(skip)
    for name, rule in ENTITY_RULES:
        if name not in skipped:
            entities = rule(text, entities, titles)
    return sorted(entities, key=lambda e: (e.start, e.end))


# ---------------------------------------------------------------- span by span


def one_line(text: str, entities: list[Entity], titles=()) -> list[Entity]:
    """A name never runs over a line break ("Donald Trump\nMANCHESTER" is a name and a dateline):
    it is cut into its lines, and the later rules judge each piece."""
    out = []
    for e in entities:
        if e.label not in NAME_LABELS or "\n" not in e.text:
            out.append(e)
            continue
        offset = e.start
        for piece in e.text.split("\n"):
            stripped = piece.strip()
            if stripped:
                start = offset + piece.index(stripped)
                out.append(_span(text, start, start + len(stripped), e.label))
            offset += len(piece) + 1
    return out


_NAME_PARTICLES = frozenset(
    "of the and for de la le les du des von van der den ter al el bin bint ibn da di del della dos das do y e "
    "to at on in upon with a an und et".split()
)
_SPLIT_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"})


def split_at_common_words(text: str, entities: list[Entity], titles=()) -> list[Entity]:
    """A name holds no common lower-case word but its particles ("Bank of America", "Ludwig van
    Beethoven"): spaCy's "Trump told Business Insider" is the names "Trump" and "Business Insider"."""
    out = []
    for e in entities:
        if e.label not in _SPLIT_LABELS:
            out.append(e)
            continue
        words = list(re.finditer(r"\S+", e.text))
        cuts = [w for w in words[1:-1] if w.group()[0].islower() and w.group().strip(",.") not in _NAME_PARTICLES
                and w.group().isalpha()]
        if not cuts:
            out.append(e)
            continue
        pieces, last = [], 0
        for w in cuts:
            pieces.append((last, w.start()))
            last = w.end()
        pieces.append((last, len(e.text)))
        for a, b in pieces:
            piece = e.text[a:b]
            stripped = piece.strip(_EDGE)
            if stripped and any(ch.isupper() for ch in stripped):
                start = e.start + a + piece.index(stripped)
                out.append(_span(text, start, start + len(stripped), e.label))
    return out


def trim_edges(text: str, entities: list[Entity], titles=()) -> list[Entity]:
    """No quotation marks, stray punctuation or possessive 's at the edges: "The Baldwins’ at" → "The Baldwins"."""
    out = []
    for e in entities:
        start, end = e.start, e.end
        inside = _CLOSING_MARK_INSIDE.search(text, start, end)
        if inside and inside.start() > start:
            end = inside.start()
        while start < end and text[start] in _EDGE:
            start += 1
        while end > start and text[end - 1] in _EDGE:
            end -= 1
        if e.label in NAME_LABELS:
            possessive = _POSSESSIVE.search(text, start, end)
            if possessive and possessive.start() > start:
                end = possessive.start()
        if end > start:
            out.append(_span(text, start, end, e.label))
    return out


def trim_honorifics(text: str, entities: list[Entity], titles=()) -> list[Entity]:
    """A person's name without "Mrs", "Prof" or "Judge" in front: the title is not the name."""
    out = []
    for e in entities:
        if e.label == "PERSON":
            match = _HONORIFIC_PREFIX.match(e.text)
            if match and match.end() < len(e.text):
                e = _span(text, e.start + match.end(), e.end, e.label)
        out.append(e)
    return out


def drop_lowercase_names(text: str, entities: list[Entity], titles=()) -> list[Entity]:
    """A name with no capital letter ("navy", "fed", "farmland") is a common word, not a name."""
    return [e for e in entities if e.label not in NAME_LABELS or any(c.isupper() for c in e.text)]


def label_by_head(text: str, entities: list[Entity], titles=()) -> list[Entity]:
    """A name's last word says its kind ("… Railways" an organisation, "… Arena" a facility); "Ltd" joins it."""
    out = []
    for e in entities:
        if e.label in NAME_LABELS and e.label != "WORK_OF_ART":
            words = e.text.split()
            label = _HEAD_LABEL.get(words[-1]) if len(words) > 1 else None
            suffix = _LEGAL_SUFFIX.match(text[e.end : e.end + 8])
            if suffix:
                e, label = _span(text, e.start, e.end + suffix.end(), e.label), "ORG"
            if label and label != e.label:
                e = replace(e, label=label)
        out.append(e)
    return out


def money_symbols(text: str, entities: list[Entity], titles=()) -> list[Entity]:
    """Amounts keep their currency sign and ranges stay whole: "$5.60 to $5.75", not "5.75"."""
    out = []
    for e in entities:
        if e.label in ("MONEY", "CARDINAL"):
            sign = _CURRENCY_BEFORE.search(text, max(0, e.start - 3), e.start)
            if sign:
                start = sign.start()
                span = _MONEY_RANGE_BEFORE.search(text, max(0, start - 30), start)
                if span:
                    start = span.start()
                e = _span(text, start, e.end, "MONEY")
        out.append(e)
    return _without_overlaps(out)


def percents(text: str, entities: list[Entity], titles=()) -> list[Entity]:
    """Signed percentages ("+14.3%", "-6.2%") and "1.9 percentage points" are percentages."""
    out = []
    for e in entities:
        if e.label in ("CARDINAL", "PERCENT"):
            points = _PERCENT_POINTS.match(text[e.end : e.end + 20])
            if points:
                e = _span(text, e.start, e.end + points.end(), "PERCENT")
        out.append(e)
    found = [Entity(m.start(), m.end(), "PERCENT", m.group()) for m in _SIGNED_PERCENT.finditer(text)]
    return _merge_numbers(out, found)


def scores(text: str, entities: list[Entity], titles=()) -> list[Entity]:
    """Results such as "2-1" or "24-8" are one number, not the first half of one."""
    out = []
    for e in entities:
        if e.label == "CARDINAL" and e.text.isdigit():
            more = _SCORE_AFTER.match(text[e.end : e.end + 6])
            if more:
                e = _span(text, e.start, e.end + more.end(), e.label)
        out.append(e)
    return _without_overlaps(out)


def day_parts(text: str, entities: list[Entity], titles=()) -> list[Entity]:
    """ "Wednesday morning" is one time, not a date and a time."""
    out = []
    for e in entities:
        if e.label in ("DATE", "TIME") and e.text in WEEKDAYS:
            part = _DAY_PART.match(text[e.end : e.end + 12])
            if part:
                e = _span(text, e.start, e.end + part.end(), "TIME")
        elif e.label == "TIME" and e.text in ("morning", "afternoon", "evening", "night"):
            before = text[max(0, e.start - 10) : e.start].split()
            if before and before[-1] in WEEKDAYS:
                e = _span(text, e.start - len(before[-1]) - 1, e.end, "TIME")
        out.append(e)
    return _without_overlaps(out)


def quoted_titles(text: str, entities: list[Entity], titles=()) -> list[Entity]:
    """Titles in quotation marks ('Rust', “The Winding Gear”) are works, whatever spaCy called them."""
    works = [_title_span(text, start, end) for start, end in titles]
    for match in _SINGLE_QUOTED.finditer(text):
        if is_title_case(match.group(1)):
            works.append((match.start(1), match.end(1)))
    found = [_span(text, start, end, "WORK_OF_ART") for start, end in works if end > start]
    kept = [e for e in entities if not any(e.start < w.end and w.start < e.end for w in found)]
    return kept + found


# ---------------------------------------------------------------- the whole article


def name_forms(text: str, entities: list[Entity], titles=()) -> list[Entity]:
    """A name seen in full labels its short forms: after "Alec Baldwin", "Alec" and "Baldwin" are people too.

    First and last words of multi-word person names, and the first word of a
    company name ("Arvanta" for "Arvanta Therapeutics"), are looked up as whole
    words everywhere; a mention spaCy missed is added, one it labelled
    differently on exactly that span is relabelled.
    """
    forms: dict[str, str] = {}
    for e in entities:
        words = e.text.split()
        if len(words) < 2:
            continue
        if e.label == "PERSON":
            for word in (words[0], words[-1]):
                forms.setdefault(word, "PERSON")
        elif e.label == "ORG" and words[-1] in _CORPORATE and len(words) == 2:
            forms.setdefault(words[0], "ORG")
    forms = {w: label for w, label in forms.items() if _is_name_word(w)}
    if not forms:
        return entities
    pattern = re.compile(r"(?<![\w’'-])(?:%s)(?![\w-]|['’](?!s\b))" % "|".join(map(re.escape, sorted(forms, key=len, reverse=True))))
    by_start = sorted(entities, key=lambda e: e.start)
    starts = [e.start for e in by_start]
    out = list(entities)
    relabel: dict[Entity, str] = {}
    for match in pattern.finditer(text):
        start, end, label = match.start(), match.end(), forms[match.group()]
        i = bisect.bisect_right(starts, end)
        covering = [e for e in by_start[max(0, i - 8) : i] if e.start < end and start < e.end]
        if not covering:
            if _inside_longer_name(text, start, end):
                continue
            out.append(Entity(start, end, label, match.group()))
        elif len(covering) == 1 and (covering[0].start, covering[0].end) == (start, end) and covering[0].label != label:
            relabel[covering[0]] = label
    return [replace(e, label=relabel[e]) if e in relabel else e for e in out]


HEADLINE_MAX_CHARS = 200
_HEADLINE_SMALL_WORDS = _SMALL_WORDS | frozenset("as is be vs vs. v. up but nor so yet via per into over".split())


def headline_end(text: str) -> int:
    """The end of a Title Case headline on the text's first line ("Obama Calls Trump Remarks
    'Unpresidented'"), or 0 when the first line is not one."""
    end = text.find("\n")
    if end < 0:
        return 0
    return end if is_heading(text[:end]) else 0


def is_heading(line: str) -> bool:
    """A short line in Title Case: a headline, or a subheading of a live blog ("Ted Cruz Apologizes")."""
    if len(line) > HEADLINE_MAX_CHARS:
        return False
    words = [w for w in _WORD.findall(line) if w.lower() not in _HEADLINE_SMALL_WORDS]
    if len(words) < 3:
        return False
    capitalised = sum(1 for w in words if w[0].isupper() or w[0].isdigit())
    return capitalised >= 0.9 * len(words)


def heading_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line of the text that is a heading."""
    if "\n" not in text.strip():
        return []
    first = headline_end(text)
    spans, start = ([(0, first)] if first else []), 0
    for line in text.split("\n"):
        end = start + len(line)
        # Below the headline, a heading is a line of its own that ends without a sentence's punctuation.
        if (start > first and line.strip() and line.rstrip()[-1] not in ".,;:!?”\"’)"
                and not any(ch.isdigit() for ch in line) and is_heading(line)):
            spans.append((start, end))
        start = end + 1
    return spans


def headline_names(text: str, entities: list[Entity], titles=()) -> list[Entity]:
    """A Title Case headline or subheading is no source of names or kinds unless the body confirms them.

    spaCy reads "Obama Calls" or "Eric Garner Blasts Clinton" as one name because every word is
    capitalised; linked to the body, that would become the full name of everyone called Obama. A
    name in a heading stays only as far as the body writes it: cut to the longest run of its
    words that the body has as a name ("Eric Garner"), with the body's kind, or dropped.
    """
    headings = heading_lines(text)
    if not headings:
        return entities
    starts = [a for a, _ in headings]

    def in_heading(e: Entity) -> bool:
        i = bisect.bisect_right(starts, e.start) - 1
        return i >= 0 and e.start < headings[i][1]

    body_parts, last = [], 0
    for a, b in headings:
        body_parts.append(text[last:a])
        last = b
    body_parts.append(text[last:])
    body = "\n".join(body_parts)
    body_labels: dict[str, Counter] = {}
    for e in entities:
        if e.label in NAME_LABELS and not in_heading(e):
            body_labels.setdefault(e.text, Counter())[e.label] += 1
    out = []
    for e in entities:
        if e.label not in NAME_LABELS or not in_heading(e):
            out.append(e)
            continue
        words = list(re.finditer(r"\S+", e.text))
        best = None
        for i in range(len(words)):
            for j in range(len(words), i, -1):
                if best is not None and j - i <= best[1] - best[0]:
                    break
                phrase = e.text[words[i].start() : words[j - 1].end()].strip(_EDGE)
                if phrase and (phrase in body_labels or _occurs_as_name(body, phrase)):
                    best = (i, j, phrase)
                    break
        if best is None:
            if len(words) == 1 and not _common_word(body, e.text):
                out.append(e)  # one word: nothing of the heading is glued to it
            continue  # (but "Polls Tighten In Ohio" names nobody called Tighten)
        i, j, phrase = best
        start = e.start + words[i].start() + e.text[words[i].start() :].find(phrase)
        label = body_labels[phrase].most_common(1)[0][0] if phrase in body_labels else e.label
        out.append(_span(text, start, start + len(phrase), label))
    return out


def _common_word(body: str, word: str) -> bool:
    """A heading's capitalised word that the body does not confirm as a name: the body writes it only in
    lower case ("tighten"), or not at all (a name in the headline is always in the story)."""
    return not re.search(rf"(?<![\w'’-]){re.escape(word)}(?![\w'’-])", body)


def _occurs_as_name(body: str, phrase: str) -> bool:
    """The phrase appears in the body as capitalised whole words (a name spaCy did not label there)."""
    if not phrase[:1].isupper():
        return False
    return re.search(r"(?<![\w’'-])%s(?![\w-])" % re.escape(phrase), body) is not None


_ARTICLE = re.compile(r"^(?:the|The|THE)\s+(?=\S)")
_ARTICLE_LABELS = frozenset({"ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "LAW", "PRODUCT", "LANGUAGE"})


def drop_articles(text: str, entities: list[Entity], titles=()) -> list[Entity]:
    """A name does not begin with "the": "the United States", "the Federal Reserve" are the names
    "United States" and "Federal Reserve" with an article. (Titles of works keep theirs: "The
    Winding Gear" is the whole title.)"""
    out = []
    for e in entities:
        if e.label in _ARTICLE_LABELS:
            match = _ARTICLE.match(e.text)
            if match and any(c.isupper() for c in e.text[match.end() :][:1]):
                e = _span(text, e.start + match.end(), e.end, e.label)
        out.append(e)
    return out


# A dateline opens a news story: "BELGRADE 1996-08-30", "DALLAS (AP) —", "NEW YORK, Jan 5 (Reuters) -".
_DATELINE = re.compile(
    r"(?:^|(?<=\n))([A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,3})(?:, [A-Z][A-Za-z. ]{1,20})?"
    r"(?= \d{4}-\d\d-\d\d| \((?:AP|Reuters|AFP|UPI|dpa|Bloomberg)\)| ?[—–]| \d{1,2} [A-Z][a-z]{2}\b| [A-Z][a-z]{2}\.? \d{1,2}\b)"
)


_DATELINE_GLUED = re.compile(r"[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,3} [-–—] (?=[A-Z][a-z])")


def datelines(text: str, entities: list[Entity], titles=()) -> list[Entity]:
    """The place in capitals that opens a story's dateline is a place ("BONN 1996-08-30",
    "DALLAS (AP) —"), whatever spaCy made of a word in capitals."""
    out = []
    for e in entities:  # "CLEVELAND - Donald Trump" is a dateline and a name
        glued = _DATELINE_GLUED.match(e.text) if e.label in ("PERSON", "ORG") else None
        if glued and (e.start == 0 or text[e.start - 1] == "\n"):
            out.append(_span(text, e.start + glued.end(), e.end, e.label))
        else:
            out.append(e)
    for match in _DATELINE.finditer(text):
        start, end = match.span(1)
        if end - start < 3:
            continue
        overlapping = [e for e in out if e.start < end and start < e.end]
        if all(start <= e.start and e.end <= end for e in overlapping):
            out = [e for e in out if e not in overlapping] + [_span(text, start, end, "GPE")]
    return out


def titled_names(text: str, entities: list[Entity], titles=()) -> list[Entity]:
    """Capitalised words after "Prof", "Mrs" or "Judge" are a person's name, even where spaCy saw none."""
    found = [Entity(m.start(1), m.end(1), "PERSON", m.group(1)) for m in _TITLED_NAME.finditer(text)]
    out = list(entities)
    for f in found:
        overlapping = [e for e in out if e.start < f.end and f.start < e.end]
        if all(e.label != "PERSON" and f.start <= e.start and e.end <= f.end for e in overlapping):
            out = [e for e in out if e not in overlapping] + [f]
    return out


def person_names(text: str, entities: list[Entity], titles=()) -> list[Entity]:
    """A name that ends in a word seen alone as a person ("Okafor") is a person's name ("Amara Okafor"),
    and a first name spaCy cut off from that word is joined to it ("Nadia" + "Farrokh")."""
    single = {e.text for e in entities if e.label == "PERSON" and " " not in e.text}
    if not single:
        return entities
    by_start = {e.start: e for e in entities}
    out = []
    skip = set()
    for e in sorted(entities, key=lambda e: e.start):
        if e.start in skip:
            continue
        words = e.text.split()
        if e.label in NAME_LABELS and e.label not in ("PERSON", "WORK_OF_ART") and len(words) > 1:
            if words[-1] in single and words[-1] not in _HEAD_LABEL:
                e = replace(e, label="PERSON")
        elif e.label in NAME_LABELS and len(words) == 1:
            after = re.match(r" ([A-Z][\w’'-]+)\b", text[e.end : e.end + 40])
            if after and after.group(1) in single:
                end = e.end + after.end()
                following = by_start.get(e.end + 1)
                if following is not None and following.end <= end:
                    skip.add(following.start)
                e = _span(text, e.start, end, "PERSON")
        out.append(e)
    return out


def consistent_labels(text: str, entities: list[Entity], titles=()) -> list[Entity]:
    """One name, one kind: a name labelled differently in different places takes its most common label,
    and a place's name inside a larger place ("Santa Fe" of "Santa Fe County") is a place."""
    votes: dict[str, Counter] = {}
    for e in entities:
        if e.label in NAME_LABELS and e.label != "WORK_OF_ART":
            votes.setdefault(e.text, Counter())[e.label] += 1
            words = e.text.split()
            if e.label in ("GPE", "LOC") and len(words) > 1 and words[-1] in _HEAD_LABEL:
                votes.setdefault(" ".join(words[:-1]), Counter())[e.label] += 2  # strong evidence
    out = []
    for e in entities:
        counts = votes.get(e.text)
        if counts and e.label in NAME_LABELS and e.label != "WORK_OF_ART":
            (best, n), *rest = counts.most_common()
            if best != e.label and (not rest or n > rest[0][1]):
                e = replace(e, label=best)
        out.append(e)
    return out


def ages(text: str, entities: list[Entity], titles=()) -> list[Entity]:
    """Ages are ages, not dates: "Halyna Hutchins, 42," "the 66-year-old", "aged 27"."""
    people_end = {e.end for e in entities if e.label == "PERSON"}
    out = []
    for e in entities:
        if e.label in ("DATE", "CARDINAL", "QUANTITY"):
            if _AGE_WORDS.match(e.text) or (e.text.isdigit() and 0 < int(e.text) < 125 and _is_age_position(text, e, people_end)):
                e = replace(e, label="AGE")
        out.append(e)
    return out


def link_names(text: str, entities: list[Entity], titles=()) -> list[Entity]:
    """Give each person and organisation mention its canonical name: the fullest form in the article."""
    out = []
    canon = {
        label: fullest_names([e.text for e in entities if e.label == label]) for label in ("PERSON", "ORG")
    }
    for e in entities:
        names = canon.get(e.label)
        if names is not None:
            e = replace(e, canonical=names.get(e.text, e.text))
        out.append(e)
    return out


def fullest_names(mentions: Sequence[str]) -> dict[str, str]:
    """Map each name to the fullest name in the text that contains all its words.

    When several do ("Baldwin": Alec, Hilaria and Stephen Baldwin), the one mentioned first wins,
    so the result never depends on set or hash order.
    """
    names = list(dict.fromkeys(mentions))  # in order of first mention
    split = {n: n.split() for n in names}

    def longest(name: str) -> str:
        # A fuller form ends as the name does: "Chris Christie" is not the "Chris Christie Address
        # Heroin" of a live blog's run-in heading, nor "Muhammad Ali" the "Muhammad Ali Center".
        words = split[name]
        candidates = [n for n in names if all(w in split[n] for w in words) and split[n][-1] == words[-1]]
        return max(candidates, key=len, default=name)  # max keeps the first of equal lengths

    result: dict[str, str] = {}
    for name in names:
        words = split[name]
        longer = [n for n in names if len(n) > len(name) and all(w in split[n] for w in words)]
        # A short form is a surname before it is a first word: "Trump" is Donald Trump, not the "Trump Train".
        ending = [n for n in longer if split[n][-1] == words[-1]]
        first = (ending or longer or [name])[0]
        result[name] = longest(first)
    return result


# In the order they run; each sees what the previous ones made.
Rule = Callable[[str, list[Entity], Sequence[tuple[int, int]]], list[Entity]]
ENTITY_RULES: tuple[tuple[str, Rule], ...] = (
    ("one-line", one_line),
    ("common-words", split_at_common_words),
    ("edges", trim_edges),
    ("honorifics", trim_honorifics),
    ("lowercase", drop_lowercase_names),
    ("headline", headline_names),
    ("articles", drop_articles),
    ("datelines", datelines),
    ("titles", quoted_titles),
    ("heads", label_by_head),
    ("money", money_symbols),
    ("percents", percents),
    ("scores", scores),
    ("day-parts", day_parts),
    ("titled-names", titled_names),
    ("person-names", person_names),
    ("short-forms", name_forms),
    ("consistency", consistent_labels),
    ("ages", ages),
    ("canonical", link_names),
)


# ---------------------------------------------------------------- helpers


def _title_span(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in ",.;:!? ":
        end -= 1
    return start, end


def _span(text: str, start: int, end: int, label: str) -> Entity:
    return Entity(start, end, label, text[start:end])


def _is_name_word(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and word not in _NOT_NAMES and word not in HONORIFICS and not word.isupper()


def _inside_longer_name(text: str, start: int, end: int) -> bool:
    """True when the word runs on into another capitalised word ("Baldwin Street"), so it is part of another name."""
    after = re.match(r"\s([A-Z]\w+)", text[end : end + 30])
    return bool(after) and after.group(1) not in _NOT_NAMES


def _is_age_position(text: str, e: Entity, people_end: set[int]) -> bool:
    if not _AGE_AFTER.match(text[e.end : e.end + 3]):
        return False
    if _AGED_BEFORE.search(text, max(0, e.start - 8), e.start):
        return True
    before = text[max(0, e.start - 3) : e.start]
    for gap in (", ", ",", " (", "("):
        if before.endswith(gap) and (e.start - len(gap)) in people_end:
            return True
    return False


def _without_overlaps(entities: list[Entity]) -> list[Entity]:
    """Drop entities that overlap an earlier, longer one (a rule may have grown a span over its neighbour)."""
    out: list[Entity] = []
    for e in sorted(entities, key=lambda e: (e.start, -(e.end - e.start))):
        if out and e.start < out[-1].end:
            continue
        out.append(e)
    return out


def _merge_numbers(entities: list[Entity], found: list[Entity]) -> list[Entity]:
    """Add pattern-found numbers, replacing number entities they cover; names are never replaced."""
    numeric = {"CARDINAL", "PERCENT", "MONEY", "QUANTITY"}
    out = list(entities)
    for f in found:
        overlapping = [e for e in out if e.start < f.end and f.start < e.end]
        if any(e.label not in numeric or e.end > f.end or e.start < f.start for e in overlapping):
            continue
        out = [e for e in out if e not in overlapping] + [f]
    return out
