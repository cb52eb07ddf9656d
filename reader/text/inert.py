"""Text made safe to show on a terminal.

Articles, notes, titles and file names may hold escape sequences (ESC ] 0 ; title BEL, ESC [ 2 J,
OSC 52 clipboard writes) and bidi controls. Everything reader shows passes through here (or through
`display_text`, which these build on): each control character becomes one visible,
inert symbol, so nothing in the text reaches the terminal as a command.
"""

from __future__ import annotations

import json
import re
from typing import Any


def _control_picture(ch: str) -> str:
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # ␛ for ESC, ␇ for BEL ...
    if code == 0x7F:
        return "␡"
    return "\ufffd"


def _build_inert_table() -> dict[int, str]:
    table = {c: _control_picture(chr(c)) for c in range(0x20) if chr(c) != "\n"}
    table[0x09] = " "  # a tab is one space wide here so offsets and cells stay in step
    table[0x7F] = "␡"
    table.update({c: "\ufffd" for c in range(0x80, 0xA0)})
    # Bidi controls would reorder the terminal line; show them as visible marks.
    # U+061C, the Arabic letter mark, is one of them too (a mark, like U+200E and U+200F).
    for c in (0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069):
        table[c] = "\u2423" if c in (0x061C, 0x200E, 0x200F) else "\ufffd"
    return table


INERT = _build_inert_table()
_NOT_INERT = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(INERT)) + "]")


def display_text(text: str) -> str:
    """`text` with control characters made visible and inert, one character for one."""
    return text.translate(INERT) if _NOT_INERT.search(text) else text  # a search is 20x faster


NEWLINE_SYMBOL = "\u2424"  # ␤


def inert(text: str) -> str:
    """`text` with control characters shown as symbols; line breaks kept, one character for one."""
    return display_text(text)


def one_line(text: str) -> str:
    """`text` as one inert line: line breaks shown as ␤ too (for messages and table cells)."""
    return display_text(text).replace("\n", NEWLINE_SYMBOL)


def for_terminal(text: str) -> str:
    """Output such as CSV written to a terminal: CRLF line ends become LF, every other control is inert."""
    return display_text(text.replace("\r\n", "\n"))


# json.dumps leaves these raw: characters that str.splitlines() and many JSON Lines readers take as line
# breaks (U+0085, U+2028, U+2029), the other C1 controls (commands to some terminals) and the bidi controls.
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def json_line(record: Any) -> str:
    """One JSON object on exactly one line, whatever the text holds, with no control character left raw."""
    line = json.dumps(record, ensure_ascii=False)
    if _RAW_IN_JSON.search(line):
        line = _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", line)
    return line


def excerpt(text: str, limit: int = 60) -> str:
    """One inert line of `text`, cut with an ellipsis."""
    flat = one_line(" ".join(text.split()))
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def plural(count: int, word: str, words: str | None = None) -> str:
    """"1 article", "2 articles" ("1 entity", "2 entities" with `words`)."""
    return f"{count:,} {word if count == 1 else words or word + 's'}"
