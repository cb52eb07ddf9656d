"""Text made safe to show on a terminal.

Articles, notes, titles and file names may hold escape sequences (ESC ] 0 ; title BEL, ESC [ 2 J,
OSC 52 clipboard writes) and bidi controls. Everything reader shows passes through here (or through
`reader.layout.display_text`, which these build on): each control character becomes one visible,
inert symbol, so nothing in the text reaches the terminal as a command.
"""

from __future__ import annotations

from reader.layout import display_text

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
