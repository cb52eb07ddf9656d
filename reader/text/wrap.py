"""Wrapping an article's text into screen lines, keeping every character's offset; moving by word and paragraph.

Pure logic shared by the article view and its tests. A `WrappedText` maps between
character offsets in the stored text and (line, cell column) on screen.
"""

from __future__ import annotations

import bisect
import re
import unicodedata

from rich.cells import cell_len

_WORD = re.compile(r"[^ \n]*[ ]*")
_NOT_SPACE = re.compile(r"[^ ]")


_single_cells: frozenset[str] | None = None


def _one_cell_each(line: str) -> bool:
    """True if every character of `line` takes one cell (Latin, Greek, Cyrillic, common punctuation)."""
    global _single_cells
    if _single_cells is None:
        ranges = ((0x20, 0x7E), (0xA0, 0x2FF), (0x370, 0x482), (0x2010, 0x2027), (0x2030, 0x205E), (0x20A0, 0x20C0))
        _single_cells = frozenset(ch for a, b in ranges for ch in map(chr, range(a, b + 1)) if cell_len(ch) == 1)
    return _single_cells.issuperset(line)


class WrappedText:
    """The text wrapped to `width` cells, paragraphs and line breaks kept."""

    def __init__(self, text: str, width: int):
        self.text = text
        self.width = max(4, width)
        self.starts: list[int] = []
        self.ends: list[int] = []
        self._wrap()

    def __len__(self) -> int:
        return len(self.starts)

    def _wrap(self) -> None:
        text, width = self.text, self.width
        starts, ends = self.starts, self.ends
        offset = 0
        for hard_line in text.split("\n"):
            length = len(hard_line)
            if length <= width and (hard_line.isascii() or cell_len(hard_line) <= width):
                starts.append(offset)
                ends.append(offset + length)
            elif _one_cell_each(hard_line):
                self._wrap_fast(hard_line, offset)
            else:
                self._wrap_line(hard_line, offset)
            offset += length + 1

    def _wrap_fast(self, line: str, offset: int) -> None:
        """`_wrap_line` for a line of one-cell characters, a screen line at a time, not a word.

        A line starting at `start` takes every word ending by `start + width`; the next starts
        at the first word that does not fit, or mid-word if a single word is wider than the line.
        """
        width, length, start = self.width, len(line), 0
        while start + width < length:
            limit = start + width
            if line[limit] == " ":  # the word before `limit` fits: the next line starts at the next word
                found = _NOT_SPACE.search(line, limit)
                if found is None:
                    break
                cut = found.start()
            else:
                word_start = line.rfind(" ", start, limit) + 1
                cut = word_start if word_start > start else limit  # else cut a word wider than the line
            self.starts.append(offset + start)
            self.ends.append(offset + cut)
            start = cut
        self.starts.append(offset + start)
        self.ends.append(offset + length)

    def _wrap_line(self, line: str, offset: int) -> None:
        width = self.width
        ascii_only = line.isascii()
        line_start = 0
        used = 0
        for match in _WORD.finditer(line):
            word_start, word_end = match.span()
            if word_start == word_end:
                continue
            word = match.group().rstrip(" ")
            cells = len(word) if ascii_only else cell_len(word)
            if used and used + cells > width:
                self.starts.append(offset + line_start)
                self.ends.append(offset + word_start)
                line_start, used = word_start, 0
            if cells > width:  # a word longer than the line: cut it
                for index in range(word_start, word_start + len(word)):
                    ch_cells = 1 if ascii_only else cell_len(line[index])
                    if used + ch_cells > width:
                        self.starts.append(offset + line_start)
                        self.ends.append(offset + index)
                        line_start, used = index, 0
                    used += ch_cells
                used += word_end - word_start - len(word)
                continue
            used += cells + (word_end - word_start - len(word))
        self.starts.append(offset + line_start)
        self.ends.append(offset + len(line))

    def line_of(self, offset: int) -> int:
        """The screen line holding character `offset`."""
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def column_of(self, offset: int) -> int:
        """The cell column of `offset` on its line."""
        start = self.starts[self.line_of(offset)]
        return cell_len(self.text[start:offset])

    def offset_at(self, line_index: int, column: int) -> int:
        """The character on `line_index` at cell `column` (or the line's last character)."""
        line_index = min(max(line_index, 0), len(self.starts) - 1)
        start, end = self.starts[line_index], self.ends[line_index]
        content_end = start + len(self.text[start:end].rstrip(" "))
        last = max(start, content_end - 1)
        content = self.text[start:content_end]
        if content.isascii():
            return min(start + max(column, 0), last)
        for index in range(start, content_end):  # measured as column_of measures: whole graphemes (emoji + ZWJ)
            if cell_len(self.text[start : index + 1]) > column:
                return index
        return last


_WORD_START = re.compile(r"(?<!\w)\w|(?<![^\w\s])[^\w\s]")


def next_word(text: str, offset: int) -> int:
    match = _WORD_START.search(text, offset + 1)
    return match.start() if match else max(0, len(text) - 1)


def previous_word(text: str, offset: int) -> int:
    while True:  # a loop, not recursion: one "word" may be a million characters long
        window = max(0, offset - 400)
        starts = [m.start() for m in _WORD_START.finditer(text, window, offset)]
        if starts:
            return starts[-1]
        if window == 0:
            return 0
        offset = window


def word_at(text: str, offset: int) -> tuple[int, int] | None:
    """The word (letters, digits, apostrophes, hyphens inside) around `offset`, if any."""
    if not text or offset >= len(text) or not _is_word_char(text[offset]):
        return None
    start = offset
    while start > 0 and _is_word_char(text[start - 1]):
        start -= 1
    end = offset
    while end < len(text) and _is_word_char(text[end]):
        end += 1
    while end > start and text[end - 1] in "'’-":
        end -= 1
    while start < end and text[start] in "'’-":
        start += 1
    return (start, end) if end > start else None


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "'’-_" or unicodedata.category(ch) == "Mn"


def next_paragraph(text: str, offset: int) -> int:
    """The start of the next paragraph (after a blank line), or the end of the text."""
    gap = text.find("\n\n", offset)
    if gap < 0:
        return max(0, len(text) - 1)
    index = gap
    while index < len(text) and text[index] == "\n":
        index += 1
    return min(index, max(0, len(text) - 1))


def previous_paragraph(text: str, offset: int) -> int:
    """The start of this paragraph, or of the one before if already at its start."""
    start = _paragraph_start(text, offset)
    if start < offset:
        return start
    back = start - 1
    while back > 0 and text[back] == "\n":
        back -= 1
    return _paragraph_start(text, back) if back > 0 else 0


def _paragraph_start(text: str, offset: int) -> int:
    gap = text.rfind("\n\n", 0, offset)
    return 0 if gap < 0 else gap + 2
