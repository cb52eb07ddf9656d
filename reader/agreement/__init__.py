"""Intercoder reliability: Krippendorff's alpha for article variables, span tags and quotations.

Headless: no Textual, no spaCy, no store. The caller turns the store's records into
the plain types of `reader.agreement.data` and gets figures back:

    report = build_report(variables=..., codings=..., articles=..., spans=..., decisions=...)
    print(render_table(report))          # or render_csv / render_json

What each figure is and how to read it: docs/reliability.md.
"""

from __future__ import annotations

from reader.agreement.alpha import (
    DEFAULT_BOOTSTRAP,
    Agreement,
    Reliability,
    expand_multi_choice,
    reliability,
    variable_agreement,
)
from reader.agreement.data import (
    CodedArticle,
    Coding,
    Level,
    QuoteDecision,
    Span,
    Unit,
    Variable,
    spans_from_annotations,
)
from reader.agreement.quotes import (
    IS_QUOTE,
    NO_SPEAKER,
    SPEAKER,
    normalise_speaker,
    quote_agreement,
)
from reader.agreement.report import (
    RELIABLE,
    TENTATIVE,
    Matrix,
    Report,
    against_reference,
    build_report,
    legend_csv,
    matrix_csv,
    quotation_matrix,
    render_csv,
    render_json,
    render_table,
    to_dict,
    variable_matrices,
    verdict,
)
from reader.agreement.spans import ALL_TAGS, SpanScore, span_scores
from reader.agreement.unitized import tag_agreement, tag_reliability

__all__ = [
    "ALL_TAGS",
    "DEFAULT_BOOTSTRAP",
    "IS_QUOTE",
    "NO_SPEAKER",
    "RELIABLE",
    "SPEAKER",
    "TENTATIVE",
    "Agreement",
    "CodedArticle",
    "Coding",
    "Level",
    "Matrix",
    "QuoteDecision",
    "Reliability",
    "Report",
    "Span",
    "SpanScore",
    "Unit",
    "Variable",
    "against_reference",
    "build_report",
    "expand_multi_choice",
    "legend_csv",
    "matrix_csv",
    "normalise_speaker",
    "quotation_matrix",
    "quote_agreement",
    "reliability",
    "render_csv",
    "render_json",
    "render_table",
    "span_scores",
    "spans_from_annotations",
    "tag_agreement",
    "tag_reliability",
    "to_dict",
    "variable_agreement",
    "variable_matrices",
    "verdict",
]
