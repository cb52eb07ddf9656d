"""Plain data shared by analysis, storage, the UI and export.

No imports from Textual, spaCy or sqlite here: every layer can use these.
Offsets are Python string indexes into the article's stored text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


@dataclass(frozen=True)
class Entity:
    """A named entity found by analysis.

    `canonical` is the fullest form of a person's or organisation's name in the
    article ("Alec Baldwin" for the mention "Alec"); None for other kinds.
    """

    start: int
    end: int
    label: str
    text: str
    canonical: str | None = None

    @property
    def name(self) -> str:
        """What the entity is called: its canonical name, else its text."""
        return self.canonical or self.text


@dataclass(frozen=True)
class Quote:
    """A direct quotation; `start`/`end` cover the quoted words inside the marks.

    `speaker` is the speaker's fullest name in the article; `speaker_start` and
    `speaker_end` point at the mention in the text that names them.
    """

    start: int
    end: int
    text: str
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str | None = None


@dataclass
class Analysis:
    """What the analyser found in one text, and which analyser found it."""

    entities: list[Entity]
    quotes: list[Quote]
    analyser: str


@dataclass
class Tag:
    """A code in the codebook."""

    id: int
    name: str
    quick_key: str | None = None
    colour: str = "yellow"
    description: str = ""
    position: int = 0


@dataclass
class Annotation:
    """A user's annotation: a span with tags and a note."""

    id: int
    article_id: int
    start: int
    end: int
    exact: str
    prefix: str = ""
    suffix: str = ""
    note: str = ""
    author: str = ""
    created_at: str = ""
    updated_at: str = ""
    tags: list[str] = field(default_factory=list)


@dataclass
class Article:
    """A stored article with its machine highlights."""

    id: int
    title: str
    text: str
    date: str | None = None
    source: str | None = None
    format: str = "text"
    analyser: str | None = None
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)

    @property
    def analysed(self) -> bool:
        return self.analyser is not None


class ArticleIdentity(NamedTuple):
    """What identifies an article across libraries: its id here, its title and its content hash."""

    id: int
    title: str
    content_hash: str


class ExportRow(NamedTuple):
    """One annotation (or machine highlight) joined with its article, as `Store.export_rows` streams it.

    From `annotation_id` on, the fields are the CSV's columns, with `tag_ids` (the annotation's tag
    ids joined by commas, in no order, or None) where the CSV has its tag names; `article_external_id`
    is the CSV's last column (after `kind`, when there is one).
    """

    kind: str  # "annotation", "entity" or "quote"
    kind_order: int
    row_id: int
    annotation_id: int | None
    article_id: int
    article_title: str
    article_date: str | None
    source: str | None
    start: int
    end: int
    text: str
    prefix: str
    suffix: str
    tag_ids: str | None
    note: str
    author: str
    created_at: str | None
    updated_at: str | None
    entity_label: str | None
    quote_speaker: str | None
    article_hash: str
    article_external_id: str | None = None  # the corpus row's id (the article's meta "external_id"), or None
