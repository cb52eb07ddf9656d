"""Finding quotation spans in text by their marks.

Pure string work, no spaCy: double quotation marks (curly, straight, low-9,
guillemets), including quotations that run over several paragraphs, where
each paragraph opens with a mark and only the last one closes. Single marks
are apostrophes or titles ('Rust'), never quotations.

Not everything in double marks is speech. `is_title` picks out titles
(“The Winding Gear”): they become works among the entities, since a title is
a thing the article names, not words someone said. `is_fragment` picks out
short lower-case phrases (“small”, “hedgehog highways”); the speaker module
keeps those only when a speech verb governs them ("said the damage was
“confronting”"), because a scare quote is the writer keeping a word at arm's
length, and highlighting it as a quotation would invent a speaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPENERS = "“„«"
CLOSERS = "”»"
STRAIGHT = '"'
_BEFORE_OPENING = " \t\n([{—–-/:"
_MARKUP = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>\n]*)?/?>")


@dataclass(frozen=True)
class QuoteMarks:
    """A quotation as found by its marks: `open` and `close` index the marks themselves."""

    open: int
    close: int
    # Spaces inside the marks that are not part of the words (French « Bonjour »).
    pad_start: int = 0
    pad_end: int = 0

    @property
    def start(self) -> int:
        return self.open + 1 + self.pad_start

    @property
    def end(self) -> int:
        return self.close - self.pad_end


def _is_opening(text: str, i: int, inside: bool) -> bool:
    """Decide whether the mark at `i` opens a quotation."""
    ch = text[i]
    if ch in OPENERS:
        return True
    if ch in CLOSERS and ch != "”":
        return False
    before = text[i - 1] if i > 0 else "\n"
    after = text[i + 1] if i + 1 < len(text) else "\n"
    if ch == "”":  # some texts use ” for both; treat as opening only when it clearly is
        return not inside and before in _BEFORE_OPENING and not after.isspace()
    if before in _BEFORE_OPENING and not after.isspace():
        return True
    if after.isspace() or after in ".,;:!?)]}—–":
        return False
    return not inside


# Languages that print guillemets pointing inwards, »so«, as German and Danish do (Swiss German
# and French point them outwards, «so»); in these the first guillemet in the text tells which.
INWARD_GUILLEMETS = frozenset("de da cs sk hu hr sl pl".split())
_GUILLEMET_PADDING = " \u00a0\u202f\u2009"


def find_quotations(text: str, language: str | None = None) -> list[QuoteMarks]:
    """All double-quoted spans, in order; unbalanced marks are ignored.

    `language` (an ISO 639-1 code) says how guillemets point: «…» by default and in French,
    »…« in German or Danish text that opens its first guillemet that way. Spaces inside
    guillemets (« Bonjour ») are not part of the quotation.
    """
    if language in INWARD_GUILLEMETS:
        first = min((i for i in (text.find("»"), text.find("«")) if i >= 0), default=-1)
        if first >= 0 and text[first] == "»":
            swapped = text.translate({ord("»"): "«", ord("«"): "»"})  # same length: offsets hold
            return [_pad(text, m) for m in _find(swapped)]
    return [_pad(text, m) for m in _find(text)]


def _pad(text: str, mark: QuoteMarks) -> QuoteMarks:
    if text[mark.open] not in "«»":
        return mark
    start, end = mark.open + 1, mark.close
    while start < end and text[start] in _GUILLEMET_PADDING:
        start += 1
    while end > start and text[end - 1] in _GUILLEMET_PADDING:
        end -= 1
    if start == end:
        return mark
    return QuoteMarks(mark.open, mark.close, start - mark.open - 1, mark.close - end)


def _find(text: str) -> list[QuoteMarks]:
    found: list[QuoteMarks] = []
    open_at: int | None = None
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n" and text.startswith("\n\n", i):
            # Paragraph break: an open quotation continues only if the next paragraph opens with a mark.
            j = i
            while j < n and text[j] in "\n \t":
                j += 1
            if open_at is not None and not (j < n and _is_mark(text[j]) and _is_opening(text, j, False)):
                open_at = None
            if open_at is not None:
                i = j + 1  # skip the continuation mark
                continue
            i = j
            continue
        if ch == "<":
            tag = _MARKUP.match(text, i)
            if tag:  # <tweet tweet-id="…">: the marks of markup are not quotation marks
                i = tag.end()
                continue
        if _is_mark(ch):
            # German style „...“: after a low-9 opener, “ closes.
            closes_low = ch == "“" and open_at is not None and text[open_at] == "„"
            if not closes_low and _is_opening(text, i, open_at is not None):
                open_at = i  # a new opening inside an open one restarts it (unbalanced text)
            elif open_at is not None:
                if i > open_at + 1:
                    found.append(QuoteMarks(open_at, i))
                open_at = None
        i += 1
    return found


def _is_mark(ch: str) -> bool:
    return ch in OPENERS or ch in CLOSERS or ch == STRAIGHT


def paragraph_bounds(text: str, index: int) -> tuple[int, int]:
    """Start and end of the paragraph holding `index` (see `paragraph_break`)."""
    brk = paragraph_break(text)
    start = text.rfind(brk, 0, index)
    start = 0 if start < 0 else start + len(brk)
    end = text.find(brk, index)
    return start, len(text) if end < 0 else end


_LINE_END = re.compile(r"(?<![\n])([^\n]?)\n(?!\n)")


# The text `paragraph_break` last looked at and its answer, checked by identity. The rules ask once or
# more per quotation; an lru_cache keyed on the text compares a text equal to a cached one (the same
# article analysed again: `doc.text` is a new string each time) character by character on every call.
_LAST_BREAK: list = [None, "\n\n"]


def paragraph_break(text: str) -> str:
    """What separates paragraphs: a blank line, or in a text that breaks most of its paragraphs with
    one newline (pages saved as text often do) the newline itself. A text wrapped at a width also
    has single newlines, but most of its lines end inside a sentence; a paragraph ends one."""
    last = _LAST_BREAK
    if last[0] is not text:
        last[:] = [text, _paragraph_break(text)]
    return last[1]


def _paragraph_break(text: str) -> str:
    ends = [m.group(1) for m in _LINE_END.finditer(text)]
    if len(ends) < 2 or len(ends) <= text.count("\n\n"):
        return "\n\n"
    closed = sum(1 for ch in ends if ch and ch in ".!?”\"’):")
    return "\n" if closed >= 0.6 * len(ends) else "\n\n"


_WORD = re.compile(r"[^\W_][\w’'.-]*")
_SMALL_WORDS = frozenset("a an the of and or in on at to for with from by de la le du von van".split())
TITLE_MAX_WORDS = 6
FRAGMENT_MAX_WORDS = 4


def is_title(text: str, mark: QuoteMarks) -> bool:
    """A short Title Case phrase with nothing after its last word but a comma or full stop: “Harbor Lights,”."""
    inner = text[mark.start : mark.end].rstrip(",. ")
    if len(_WORD.findall(inner)) == 1 and text[mark.end - 1 : mark.end] in ",!?":  # “Yes,” she said.
        return False
    return is_title_case(inner)


def is_title_case(phrase: str) -> bool:
    """ "The Winding Gear", "Salt and Heather", "Rust": short, every word capitalised but the small ones, not all capitals."""
    words = _WORD.findall(phrase)
    if not words or len(words) > TITLE_MAX_WORDS or any(ch in phrase for ch in ".!?;:"):
        return False
    if phrase.isupper() and len(words) > 1:  # a headline in capitals is speech, not a title
        return False
    return words[0][0].isupper() and all(w[0].isupper() or w[0].isdigit() or w.lower() in _SMALL_WORDS for w in words)


def is_fragment(text: str, mark: QuoteMarks) -> bool:
    """A few lower-case words with no sentence in them: a scare quote, or a partial quotation."""
    inner = text[mark.start : mark.end].rstrip(",. ")
    words = _WORD.findall(inner)
    return bool(words) and len(words) <= FRAGMENT_MAX_WORDS and inner[:1].islower() and not any(ch in inner for ch in ".!?;:,")
