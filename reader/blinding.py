"""What a coder is told while an assignment is open: that they code blind, and how far they are.

No Textual. Which work is hidden is the store's rule alone (`Store.view_as`, "blind coding" in
store.py); this module puts it into words for the article's header, the library's title and the
message at start.
"""

from __future__ import annotations

from typing import Any

from reader.text.inert import one_line, plural


def _name(assignment: Any) -> str:
    return one_line(assignment.name)


def _open_for_viewer(store: Any) -> Any:
    """The open assignment, if the store reads for someone (else nothing is hidden from anyone)."""
    return None if store.viewer is None else store.find_open_assignment()


def article_line(store: Any, article_id: int) -> str:
    """The header's line on an article the store's viewer sees blind ("" when nothing of it is hidden)."""
    if article_id not in store.blind_article_ids([article_id]):
        return ""
    assignment = store.find_open_assignment()
    if assignment is None:  # closed a moment ago
        return ""
    if store.viewer in assignment.coders:  # short: the article's codes follow it on one line
        return "blind: assigned to you, others' work hidden"
    return "blind: in the sample, others' work hidden"


def library_line(store: Any) -> str:
    """The library title's words on the open assignment ("" when none is open or the store reads for no one)."""
    assignment = _open_for_viewer(store)
    if assignment is None:
        return ""
    mine = next((p for p in store.progress(assignment) if p.coder == store.viewer), None)
    if mine is None:
        return f"blind: '{_name(assignment)}' open: your own work only"
    return f"blind: '{_name(assignment)}' {mine.coded}/{mine.assigned} coded · m: mine"


def start_message(store: Any) -> str:
    """Said when the app opens during an open assignment ("" otherwise)."""
    assignment = _open_for_viewer(store)
    if assignment is None:
        return ""
    articles = plural(len(assignment.article_ids), "article")
    if store.viewer in assignment.coders:
        return (
            f"Blind coding: assignment '{_name(assignment)}' gives you {articles} to code. On them you see the "
            f"machine's highlights and your own work only, until it is closed. In the library, m shows them."
        )
    return (
        f"Assignment '{_name(assignment)}' is open: on its {articles} you see the machine's highlights and your own "
        "work only, until it is closed."
    )


def export_note(store: Any) -> str:
    """What an export run during an open assignment says it leaves out ("" when nothing is left out)."""
    assignment = _open_for_viewer(store)
    if assignment is None:
        return ""
    return (
        f"assignment '{_name(assignment)}' is open: on its {plural(len(assignment.article_ids), 'article')} this "
        f"export holds only {one_line(store.viewer)}'s work (everyone's once it is closed: reader assign --close)"
    )
