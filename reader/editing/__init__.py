"""Editing annotations without a screen: the tag rules, undo and redo (`session`), the note saved as typed (`autosave`). No Textual."""
