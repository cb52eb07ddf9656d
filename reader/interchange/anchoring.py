"""Finding an imported annotation's article in the library, and its place in that article's text."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Iterator

from reader.interchange.records import ImportRecord
from reader.store import Store

MATCH_METHODS = ("hash", "id+title", "title", "text")


def _common_suffix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(reversed(a), reversed(b)):
        if x != y:
            break
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def context_score(text: str, start: int, end: int, prefix: str, suffix: str) -> int:
    """How many characters of `prefix` (next to the span) and `suffix` match the text around text[start:end]."""
    before = text[max(0, start - len(prefix)) : start]
    after = text[end : end + len(suffix)]
    return _common_suffix(before, prefix) + _common_prefix(after, suffix)


def occurrences(text: str, exact: str) -> Iterator[int]:
    """Every start of `exact` in `text`, overlapping ones included."""
    position = text.find(exact)
    while position != -1:
        yield position
        position = text.find(exact, position + 1)


def anchor(
    text: str,
    exact: str,
    start: int | None = None,
    end: int | None = None,
    prefix: str = "",
    suffix: str = "",
    trust_offsets: bool = False,
) -> tuple[int, int] | None:
    """Where `exact` belongs in `text`, as (start, end), or None when it is not there.

    With `trust_offsets` (the very same text), text[start:end] == exact settles it.
    Otherwise the occurrence whose surroundings best match prefix and suffix wins;
    on a tie, the one nearest the old start, then the first.
    """
    if not exact:
        return None
    if (
        trust_offsets
        and start is not None
        and end is not None
        and 0 <= start <= end <= len(text)
        and text[start:end] == exact
    ):
        return start, end
    best: tuple[tuple[int, int, int], int] | None = None
    for position in occurrences(text, exact):
        score = context_score(text, position, position + len(exact), prefix, suffix)
        distance = abs(position - start) if start is not None else 0
        key = (-score, distance, position)
        if best is None or key < best[0]:
            best = (key, position)
    if best is None:
        return None
    return best[1], best[1] + len(exact)


class Unanchorable(Exception):
    """An annotation with no article or place in the library; the message says why."""


class ArticleMatcher:
    """Finds the library article an imported annotation belongs to (see the module docstring)."""

    def __init__(self, store: Store):
        self.store = store
        self._by_hash: dict[str, int | None] = {}
        self._by_key: dict[tuple[Any, ...], tuple[int, str]] = {}

    def match(self, record: ImportRecord) -> tuple[int, str]:
        """(article id, how it was matched: one of MATCH_METHODS); Unanchorable if none."""
        if record.article_hash:
            if record.article_hash not in self._by_hash:
                self._by_hash[record.article_hash] = self.store.find_article_id(record.article_hash)
            found = self._by_hash[record.article_hash]
            if found is not None:
                return found, "hash"
        key = record.article_key
        if key in self._by_key:
            return self._by_key[key]
        result = self._by_id_and_title(record) or self._by_title(record)
        if result is None:
            return self._by_text(record)  # depends on the record's own text: not kept for the next record
        self._by_key[key] = result
        return result

    def _by_id_and_title(self, record: ImportRecord) -> tuple[int, str] | None:
        if record.article_id is None or not record.article_title:
            return None
        identity = self.store.find_article_identity(record.article_id)
        if identity is not None and identity.title == record.article_title:
            return record.article_id, "id+title"
        return None

    def _by_title(self, record: ImportRecord) -> tuple[int, str] | None:
        if not record.article_title:
            return None
        ids = self.store.articles_titled(record.article_title)
        return (ids[0], "title") if len(ids) == 1 else None

    def _by_text(self, record: ImportRecord) -> tuple[int, str]:
        ids = self.store.articles_containing(record.prefix + record.exact + record.suffix)
        if len(ids) != 1:
            ids = self.store.articles_containing(record.exact)
        if len(ids) == 1:
            return ids[0], "text"
        title = record.article_title or ""
        described = f"its article “{title if len(title) <= 40 else title[:39] + '…'}”" if title else "its article"
        if ids:
            raise Unanchorable(f"is in several articles, and {described} is not in the library")
        raise Unanchorable(f"cannot be placed: {described} is not in the library (add the article first)")


class _Texts:
    """Article texts, the few most recently used kept in memory."""

    def __init__(self, store: Store, size: int = 8):
        self.store = store
        self.size = size
        self._texts: OrderedDict[int, str] = OrderedDict()

    def get(self, article_id: int) -> str:
        if article_id in self._texts:
            self._texts.move_to_end(article_id)
        else:
            self._texts[article_id] = self.store.get_article_text(article_id)
            if len(self._texts) > self.size:
                self._texts.popitem(last=False)
        return self._texts[article_id]
