"""Plain data shared by analysis, storage, the UI and export.

No imports from Textual, spaCy or sqlite here: every layer can use these.
Offsets are Python string indexes into the article's stored text.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
    `speaker_end` point at the mention in the text that names them. `source_start` and
    `source_end` cover the source as the attribution writes it, possibly a pronoun
    ("she", "the newspaper", "Spokeswoman Haley Morris"); `cue_start` and `cue_end` the
    cue: the speech verb, "according to", or the verb of the sentence a colon ends.
    `cue` is the cue's text. All are None when no attribution was found.
    """

    start: int
    end: int
    text: str
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str | None = None
    # Not compared (yet): the library stores them only once the store plumbs them through, and a
    # stored quotation must still equal a fresh analysis of it. (Issue 11; set compare=True then.)
    source_start: int | None = field(default=None, compare=False)
    source_end: int | None = field(default=None, compare=False)
    cue_start: int | None = field(default=None, compare=False)
    cue_end: int | None = field(default=None, compare=False)


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
