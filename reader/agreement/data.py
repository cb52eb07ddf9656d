"""The inputs of agreement: plain typed data, independent of the store.

The store (or a test, or a CSV) turns what coders did into these records; every
function in `reader.agreement` takes them and nothing else. Offsets are Python
string indexes into the article's stored text, as everywhere in reader.

Missing is never guessed: a coder's value is missing only where the records say
so (no `Coding`, a `Coding` whose value is None, an article not in the coder's
`CodedArticle.coders`, a quotation the coder has no `QuoteDecision` for).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from reader.model import Annotation

Level = Literal["nominal", "ordinal", "interval", "ratio", "multi"]
"""Level of measurement of an article variable.

"multi" is a multi-choice variable (a coder picks any number of its options); it is
analysed as one nominal yes/no variable per option (see `expand_multi_choice`).
"""

LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio", "multi")

Unit = Hashable
"""What was coded: an article id for variables, a machine quotation's id for quotations."""


@dataclass(frozen=True)
class Variable:
    """An article variable of the codebook.

    `values`: for "ordinal" the values in their order, lowest first (required: the
    order is what ordinal alpha measures); for "multi" the options (required); for
    "nominal" the allowed values (optional; when given, any other value is an error).
    Ignored for "interval" and "ratio", whose values must be numbers (ratio: >= 0).
    """

    name: str
    level: Level = "nominal"
    values: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"variable {self.name!r}: level {self.level!r} is not one of {', '.join(LEVELS)}")
        object.__setattr__(self, "values", tuple(self.values))
        if self.level in ("ordinal", "multi") and not self.values:
            raise ValueError(f"variable {self.name!r}: an {self.level} variable needs its values")
        if len(set(self.values)) != len(self.values):
            raise ValueError(f"variable {self.name!r}: a value is listed twice")


@dataclass(frozen=True)
class Coding:
    """One coder's value of one variable for one unit (article).

    `value` None means the coder left the variable blank: missing, like no record.
    For a "multi" variable `value` is the collection of options chosen (empty: none
    of them, which is a "no" on every option, not missing).
    """

    variable: str
    unit: Unit
    coder: str
    value: Any


@dataclass(frozen=True)
class Span:
    """One coder's span [start, end) with one tag on one article.

    An annotation with several tags is one `Span` per tag.
    """

    article_id: Unit
    start: int
    end: int
    tag: str
    coder: str


@dataclass(frozen=True)
class CodedArticle:
    """An article of the reliability sample: its text length and who coded it.

    `coders` are the coders who coded the article (finished it, or whatever the
    caller decides counts). For them every character they did not mark with a tag is
    a "no" for that tag; for a coder not listed the article is missing. So a span
    only one coder marked is a disagreement, never missing.
    """

    article_id: Unit
    length: int
    coders: frozenset[str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "coders", frozenset(self.coders))
        if self.length < 0:
            raise ValueError(f"article {self.article_id!r}: negative length {self.length}")


@dataclass(frozen=True)
class QuoteDecision:
    """One coder's decision on one machine quotation.

    `is_quote`: is it a quotation at all. `speaker`: who said it, as the coder named
    them; None means "no speaker can be named" (a decision, compared like a name).
    The speaker is read only when `is_quote` is true. Names are compared after
    case folding and collapsing white space ("Judge  Sommer" == "judge sommer").
    """

    quote: Unit
    coder: str
    is_quote: bool
    speaker: str | None = None


def spans_from_annotations(annotations: Iterable[Annotation], coder: str | None = None) -> list[Span]:
    """reader's annotations as `Span`s: one per tag, the coder being the annotation's author.

    `coder` overrides the author (for a layer stored under another name). An
    annotation without tags marks no tag, so it gives no span.
    """
    return [
        Span(a.article_id, a.start, a.end, tag, coder if coder is not None else a.author)
        for a in annotations
        for tag in a.tags
    ]
