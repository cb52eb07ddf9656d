"""Every key reader answers to, in one place: the help screen and the README list these."""

from __future__ import annotations

KEYS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Moving",
        [
            ("j k  ↓ ↑", "next / previous line"),
            ("w b  → ←", "next / previous word"),
            ("} {", "next / previous paragraph"),
            ("g G  home end", "start / end of the article"),
            ("space pagedown pageup", "page down / up"),
            ("] [", "next / previous highlight (entity or quotation)"),
            (") (", "next / previous quotation"),
            ("/  n N", "search the article; next / previous match"),
        ],
    ),
    (
        "Annotating",
        [
            ("v", "start a selection at the cursor; moving extends it"),
            ("escape", "cancel the selection (in the note: back to the article, saved)"),
            ("1 … 9", "toggle the codebook tag with that quick key on the target"),
            ("t", "add or remove a tag by name (a new name joins the codebook)"),
            ("a", "write the target's note in the panel"),
            ("x", "delete the annotation under the cursor"),
            ("u  ctrl+r", "undo / redo the last annotation change"),
        ],
    ),
    (
        "Elsewhere",
        [
            ("tab", "switch between the article and the panel"),
            ("j k g G", "in lists and the help screen: down / up / first / last (the arrows work too)"),
            ("p", "show or hide the panel"),
            ("o", "open the library (search, open, add files)"),
            ("c", "edit the codebook (tags, quick keys, colours)"),
            ("e", "export this article's annotations as CSV (into the current folder, readable by you only)"),
            ("ctrl+p", "command palette"),
            ("?", "this help"),
            ("q", "quit"),
        ],
    ),
]

TARGET_RULE = (
    "The target is the selection if there is one, else the annotation, entity or quotation "
    "under the cursor, else the word under the cursor."
)
