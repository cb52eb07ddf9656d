"""The app's messages: something changed that a screen shows."""

from __future__ import annotations

from textual.message import Message


class AnnotationsChanged(Message):
    """An article's annotations (or the codebook) changed outside this screen: in another session,
    or in the codebook screen."""

    def __init__(self, article_id: int | None) -> None:
        super().__init__()
        self.article_id = article_id
