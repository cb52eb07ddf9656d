"""Every key reader answers to, written once: in the bindings (with their ids), described here.

The help screen and the README's table of keys are made from these rows and the bindings' keys (with
the user's `[keymap]` from the config file applied), so a key is never written twice. A row names
groups of binding ids ("line_down", "line_up" → `j` `k`, `↓` `↑`); a row given as a string is keys
that belong to no one binding (the lists' own keys, Textual's palette).

`python -m reader.keys` prints the README's table.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Union

from textual.binding import Binding

Row = tuple[Union[tuple[tuple[str, ...], ...], str], str]

HELP: list[tuple[str, list[Row]]] = [
    (
        "Moving",
        [
            ((("line_down", "line_up"),), "next / previous line"),
            ((("word_next", "word_previous"),), "next / previous word"),
            ((("paragraph_next", "paragraph_previous"),), "next / previous paragraph"),
            ((("start", "end"),), "start / end of the article"),
            ((("page_down", "page_up"),), "page down / up"),
            ((("highlight_next", "highlight_previous"),), "next / previous highlight (entity or quotation)"),
            ((("quote_next", "quote_previous"),), "next / previous quotation"),
            ((("search",), ("match_next", "match_previous")), "search the article; next / previous match"),
        ],
    ),
    (
        "Annotating",
        [
            ((("select",),), "start a selection at the cursor; moving extends it"),
            ((("cancel",),), "cancel the selection (in the note: back to the article, saved)"),
            ((tuple(f"tag_{n}" for n in range(1, 10)),), "toggle the codebook tag with that quick key on the target"),
            ((("tag_by_name",),), "add or remove a tag by name (a new name joins the codebook)"),
            ((("note",),), "write the target's note in the panel"),
            ((("delete",),), "delete the annotation under the cursor"),
            ((("undo",), ("redo",)), "undo / redo the last annotation change"),
        ],
    ),
    (
        "Verifying and coding",
        [
            ((("unchecked_next", "unchecked_previous"),), "next / previous highlight nobody has checked yet"),
            ((("confirm",),), "confirm the entity or quotation under the cursor"),
            ((("confirm_all",),), "confirm every unchecked mention of the entity under the cursor (one undo)"),
            ((("speaker",),), "set the quotation's speaker (the article's people, nearest first; type to filter or a new name)"),
            ((("reject",),), "reject it: not an entity, not a quotation"),
            ((("entity_kind",),), "change the entity's kind"),
            ((("link_entity",),), "link the mention to another entity of the article, or unlink it"),
            ((("quote_extent",),), "the selection is the quotation's extent"),
            ((("add_quote",),), "the selection is a quotation the machine missed, then its speaker"),
            ((("code_article",),), "code the article: its variables (tone, frame ...) by keyboard"),
        ],
    ),
    (
        "Adjudicating (D)",
        [
            ((("adjudicate_a", "adjudicate_b"),), "take coder A's / coder B's version into the adjudicated layer"),
            ((("adjudicate_both",),), "take both versions (spans: both extents, tags pooled; multi-choice: both choices)"),
            ((("adjudicate_edit",),), "edit the adjudicated layer's version: coding form, tag prompt (on the selection), speaker or kind"),
            ((("adjudicate_note",),), "the note of the adjudicated layer's span in this disagreement"),
            ((("adjudicate_next", "adjudicate_previous"),), "next / previous disagreement"),
            ((("adjudicate_undo",),), "undo the last adjudication"),
            ((("adjudicate_close",),), "back to the reader (every decision is saved)"),
        ],
    ),
    (
        "Elsewhere",
        [
            ((("switch_pane",),), "switch between the article and the panel"),
            ("j k g G", "in lists and the help screen: down / up / first / last (the arrows work too)"),
            ((("toggle_panel",),), "show or hide the panel"),
            ((("library",),), "open the library (search, open, add files)"),
            ((("codebook",),), "edit the codebook (tags, quick keys, colours)"),
            ((("speakers",),), "the speaker index: who said what across the library (type to filter; ctrl+f filters the quotations, ctrl+g merges, ctrl+t splits, ctrl+z undoes; enter: their quotations, then the article)"),
            ((("adjudicate",),), "adjudicate the last assignment's disagreements (the assignment closed)"),
            ((("export",),), "export this article's annotations as CSV (into the current folder, readable by you only)"),
            ("ctrl+p", "command palette"),
            ((("help",),), "this help"),
            ((("quit",),), "quit"),
        ],
    ),
]

TARGET_RULE = (
    "The target is the selection if there is one, else the annotation, entity or quotation "
    "under the cursor, else the word under the cursor."
)

_SHOWN = {
    "down": "↓", "up": "↑", "right": "→", "left": "←",
    "right_curly_bracket": "}", "left_curly_bracket": "{", "right_square_bracket": "]", "left_square_bracket": "[",
    "right_parenthesis": ")", "left_parenthesis": "(", "slash": "/", "question_mark": "?",
    "greater_than_sign": ">", "less_than_sign": "<",
}


def bindings() -> dict[str, Binding]:
    """The reading screen's and the article view's bindings, by id."""
    from reader.screens.adjudication import AdjudicationScreen
    from reader.screens.reader_screen import ReaderScreen
    from reader.widgets.article_view import ArticleView

    found: dict[str, Binding] = {}
    for binding in [*ArticleView.BINDINGS, *ReaderScreen.BINDINGS, *AdjudicationScreen.BINDINGS]:
        if isinstance(binding, Binding) and binding.id:
            found[binding.id] = binding
    return found


def shown(key: str) -> str:
    return _SHOWN.get(key, key)


def keys_of(binding_id: str, keymap: Mapping[str, str] | None = None) -> str:
    """The keys of one binding as shown, the user's `[keymap]` applied: "u", "↓ j"."""
    return " ".join(run[0] for run in row_keys(((binding_id,),), keymap))


def row_keys(groups: tuple[tuple[str, ...], ...] | str, keymap: Mapping[str, str] | None = None) -> list[list[str]]:
    """A row's keys as shown, in runs: each group's first keys, then their second keys, and so on."""
    if isinstance(groups, str):
        return [groups.split()]
    by_id = bindings()
    keymap = keymap or {}
    runs: list[list[str]] = []
    for group in groups:
        keys = [[k.strip() for k in (keymap.get(i) or by_id[i].key).split(",")] for i in group]
        for rank in range(max(len(k) for k in keys)):
            run = [shown(k[rank]) for k in keys if len(k) > rank]
            runs.append([run[0], "…", run[-1]] if len(run) > 3 else run)
    return runs


def rows(keymap: Mapping[str, str] | None = None) -> Iterable[tuple[str, list[tuple[list[list[str]], str]]]]:
    """The help's groups and rows: (group, [(runs of keys, meaning)])."""
    for group, entries in HELP:
        yield group, [(row_keys(keys, keymap), meaning) for keys, meaning in entries]


def markdown_table(keymap: Mapping[str, str] | None = None) -> str:
    """The README's table of keys."""
    lines = ["| keys | what they do | ids, for `[keymap]` |", "| --- | --- | --- |"]
    for _, entries in HELP:
        for groups, meaning in entries:
            keys = ", ".join(" ".join(k if k == "…" else f"`{k}`" for k in run) for run in row_keys(groups, keymap))
            ids = "" if isinstance(groups, str) else ", ".join(_ids(groups))
            lines.append(f"| {keys} | {meaning} | {ids} |")
    return "\n".join(lines)


def _ids(groups: tuple[tuple[str, ...], ...]) -> list[str]:
    ids = [i for group in groups for i in group]
    return [ids[0], "…", ids[-1]] if len(ids) > 3 else ids


def check_keymap(keymap: object, where: str) -> dict[str, str]:
    """The config file's `[keymap]`: binding id → keys ("j,down"); ValueError with one line if wrong."""
    if not isinstance(keymap, dict):
        raise ValueError(f"{where}: [keymap] must be a table of binding id = \"keys\"")
    known = bindings()
    checked: dict[str, str] = {}
    for binding_id, keys in keymap.items():
        if binding_id not in known:
            raise ValueError(f"{where}: [keymap] names no key of reader: {binding_id!r} (see the README's ids)")
        if not isinstance(keys, str) or not keys.strip() or any(not k.strip() for k in keys.split(",")):
            raise ValueError(f"{where}: [keymap] {binding_id} must be keys separated by commas, as \"j,down\"")
        checked[binding_id] = keys
    return checked


if __name__ == "__main__":
    print(markdown_table())
