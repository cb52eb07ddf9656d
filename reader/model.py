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
    status: str = "machine"  # machine, confirmed, corrected or rejected (see Decision)
    decided_by: str | None = None

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
    source_start: int | None = None
    source_end: int | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    status: str = "machine"  # machine, confirmed, corrected or rejected (see Decision)
    decided_by: str | None = None
    added: bool = False  # a quotation a person added


STATUSES = ("machine", "confirmed", "corrected", "rejected")
HIGHLIGHT_KINDS = ("entity", "quote")


@dataclass(frozen=True)
class Decision:
    """A person's decision on a machine highlight, or a quotation they added.

    Anchored by the span the machine gave (`start`, `end`), not by the highlight's row, so it
    outlives re-analysis: it applies to the new highlight that covers the same words.
    `status` is confirmed, corrected or rejected. For an entity, `label` is its corrected kind and
    `canonical` the entity it is linked to ("" unlinks it); for a quotation, `speaker` is its
    corrected speaker ("" clears it) and `new_start`/`new_end` its corrected extent. `added` marks a
    quotation the machine missed (its span is the person's).
    """

    article_id: int
    kind: str  # "entity" or "quote"
    start: int
    end: int
    status: str
    author: str
    decided_at: str = ""
    label: str | None = None
    canonical: str | None = None
    speaker: str | None = None
    new_start: int | None = None
    new_end: int | None = None
    added: bool = False

    @property
    def key(self) -> tuple[int, str, int, int, str]:
        return self.article_id, self.kind, self.start, self.end, self.author


@dataclass
class Analysis:
    """What the analyser found in one text, and which analyser found it."""

    entities: list[Entity]
    quotes: list[Quote]
    analyser: str
    skipped: str | None = None  # why the text was not analysed (a language without a pipeline), one line


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


VARIABLE_KINDS = ("categorical", "multi", "ordinal", "number", "text")


class VariableValue(NamedTuple):
    """One value of a categorical, multi-choice or ordinal variable, and the key that picks it."""

    value: str
    key: str | None = None


@dataclass(frozen=True)
class Variable:
    """An article-level variable of the codebook: tone, frame, main actor, topic ...

    `kind` is categorical (one value of `values`), multi (any of them), ordinal (one, in the order
    given), number or text.
    """

    id: int
    name: str
    kind: str
    description: str = ""
    values: tuple[VariableValue, ...] = ()
    position: int = 0


@dataclass(frozen=True)
class ArticleCode:
    """One coder's value of one variable for one article: a str (categorical, ordinal, text), a
    number, or a list of str (multi)."""

    article_id: int
    variable: str
    author: str
    value: object
    updated_at: str = ""


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
    external_id: str | None = None  # its id in the corpus it was imported from (a row's id column), if any

    @property
    def analysed(self) -> bool:
        return self.analyser is not None


class ArticleListing(NamedTuple):
    """An article as the library lists it: what `reader list` and the library screen show.

    The counts are kept by triggers (see m004): `annotations` all of the article's annotations,
    `notes` those with a note; `entities` and `quotes` are 0 for an article never analysed
    (`analyser` None). While the viewer codes blind, an assigned article's counts are the viewer's own.
    """

    id: int
    title: str
    date: str | None
    source: str | None
    word_count: int
    imported_at: str
    analyser: str | None
    annotations: int
    notes: int
    entities: int
    quotes: int
    assigned: bool | None = None  # while blind coding (see Store.view_as): is it the viewer's to code
    variables_coded: int | None = None  # and how many article variables the viewer has coded


class SearchHit(NamedTuple):
    """A full-text match: an article (its title or text) or an annotation (its text or note)."""

    kind: str  # "article" or "annotation"
    article_id: int
    annotation_id: int | None
    title: str
    snippet: str  # the matching words in [brackets], cut with …


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
    target: str | None = None  # what the row is on: entity, quotation or span (or the highlight's own kind)
    status: str | None = None  # the highlight's: machine, confirmed or corrected
    quote_source: str | None = None  # the quotation's source mention as written ("she", "the daily")
    quote_cue: str | None = None  # its cue ("said", "according to")
    article_external_id: str | None = None  # the corpus row's id (the article's meta "external_id"), or None


@dataclass(frozen=True)
class Assignment:
    """A reliability sample: the articles each of `coders` codes independently, open until `closed_at`."""

    id: int
    name: str
    created_at: str
    closed_at: str | None = None
    seed: int | None = None
    coders: tuple[str, ...] = ()
    article_ids: tuple[int, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True)
class CoderProgress:
    """How far one coder is with an assignment: articles assigned, and of those, coded (any code, decision or
    annotation by them on it)."""

    coder: str
    assigned: int
    coded: int


ADJUDICATED = "adjudicated"
"""The author of the adjudicated layer: the gold annotations, codes and decisions an adjudicator settled."""

ADJUDICATION_CHOICES = ("agreed", "a", "b", "both", "edit")


@dataclass(frozen=True)
class Adjudication:
    """Who settled one item of an assignment in the adjudicated layer, how and when.

    `item` names the item in its article ("variable:tone", "span:120-145", "quote:30-80",
    "entity:3-8"); `choice` is agreed (the coders agreed: copied as it was), a or b (that
    coder's version, `coder` naming them), both, or edit (the adjudicator's own).
    """

    assignment_id: int
    article_id: int
    item: str
    choice: str
    decided_by: str
    decided_at: str = ""
    coder: str | None = None


# ---- the speaker index (reader/speakers.py computes it; the store keeps it as the library changes)


@dataclass(frozen=True)
class Appearance:
    """One quotation in one article, with what the speaker index shows of it."""

    article_id: int
    title: str
    date: str | None
    outlet: str | None
    external_id: str | None
    start: int
    end: int
    text: str
    speaker: str | None  # the name as the article (or the person who corrected it) gives it
    cue: str | None
    source: str | None  # the source mention as written ("Mrs. Clinton", "a spokesperson")
    status: str
    label: str | None = None  # the entity label of the speaker's mention, if it is an entity
    names: tuple[str, ...] = ()  # the people the article names (their entities' canonical names)
    sentence: str = ""  # the sentence (or sentences) around the quotation, with its attribution

    @property
    def day(self) -> str:
        return (self.date or "")[:10]


@dataclass(frozen=True)
class SpeakerSummary:
    """One row of the speaker index: a speaker and their counts (over the quotations a filter keeps)."""

    id: int
    name: str
    kind: str  # person, organisation or unnamed
    quotes: int
    articles: int
    outlets: int
    first: str | None
    last: str | None
    machine: int  # quotations no person has checked
    variants: tuple[str, ...] = ()  # the names they go by in the articles
    outlet_names: tuple[str, ...] = ()

    @property
    def unverified(self) -> float:
        """The share of their quotations no person has checked (status machine)."""
        return self.machine / self.quotes if self.quotes else 0.0

    def summary(self) -> dict[str, object]:
        return {
            "name": self.name, "kind": self.kind, "quotes": self.quotes, "articles": self.articles,
            "outlets": self.outlets, "outlet_names": list(self.outlet_names), "first": self.first, "last": self.last,
            "unverified": round(self.unverified, 3), "variants": sorted(self.variants),
        }


@dataclass(frozen=True)
class SpeakerDecision:
    """A person's correction of the automatic merging of names, kept across re-analysis.

    `merge`: the speaker called `name` is the speaker called `into`. `split`: the quotations whose
    speaker goes by `name` (titles aside) are a speaker of their own. Applied oldest first, after the
    automatic merging; deleting one is its undo.
    """

    id: int
    action: str  # merge or split
    name: str
    into: str | None
    author: str
    decided_at: str


@dataclass(frozen=True)
class QuoteFilter:
    """What the speaker index and a speaker's page keep: all given conditions hold (None: no condition)."""

    since: str | None = None  # YYYY-MM-DD, inclusive
    until: str | None = None  # YYYY-MM-DD, inclusive
    outlet: str | None = None  # exact, any case
    tag: str | None = None  # an annotation over the quotation carries this tag
    checked: bool = False  # confirmed or corrected only
    search: str | None = None  # words inside the quotation (full-text)

    def __bool__(self) -> bool:
        return bool(self.since or self.until or self.outlet or self.tag or self.checked or (self.search or "").strip())

    def describe(self) -> str:
        parts = []
        if self.since or self.until:
            parts.append(f"{self.since or '…'} to {self.until or '…'}")
        if self.outlet:
            parts.append(f"outlet {self.outlet}")
        if self.tag:
            parts.append(f"tag {self.tag}")
        if self.checked:
            parts.append("checked only")
        if (self.search or "").strip():
            parts.append(f"saying “{self.search.strip()}”")  # type: ignore[union-attr]
        return ", ".join(parts)
