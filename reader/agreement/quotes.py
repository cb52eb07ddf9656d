"""Agreement on the machine's quotations: is each one a quotation, and who said it.

Two nominal alphas over quotations (a unit is one machine quotation):

- "is a quotation": each coder's yes/no for each quotation they decided;
- "speaker": the speaker each coder named, among the quotations that at least two
  coders said are quotations. A coder who said "not a quotation" has no speaker for
  it (missing, not disagreement: the disagreement is already counted above), and a
  quotation only one coder accepted cannot be compared.

A quotation a coder never decided is missing for that coder.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from reader.agreement.alpha import DEFAULT_BOOTSTRAP, Agreement, reliability, scopes
from reader.agreement.data import QuoteDecision, Unit

NO_SPEAKER = "(no speaker)"
"""The value of a decision that a quotation has no nameable speaker (speaker None)."""

IS_QUOTE = "is a quotation"
SPEAKER = "speaker"


def normalise_speaker(name: str | None) -> str:
    """How speaker names are compared: case folded, white space collapsed; None as `NO_SPEAKER`."""
    if name is None or not name.split():
        return NO_SPEAKER
    return " ".join(name.split()).casefold()


def quote_tables(decisions: Iterable[QuoteDecision]) -> tuple[dict[Unit, dict[str, Any]], dict[Unit, dict[str, Any]]]:
    """(is-a-quotation table, speaker table): quotation -> coder -> value.

    Raises ValueError when a coder decided a quotation twice.
    """
    is_quote: dict[Unit, dict[str, Any]] = {}
    speaker: dict[Unit, dict[str, Any]] = {}
    for d in decisions:
        by_coder = is_quote.setdefault(d.quote, {})
        if d.coder in by_coder:
            raise ValueError(f"{d.coder!r} decided quotation {d.quote!r} twice")
        by_coder[d.coder] = bool(d.is_quote)
        speaker.setdefault(d.quote, {})
        if d.is_quote:
            speaker[d.quote][d.coder] = normalise_speaker(d.speaker)
    return is_quote, speaker


def quote_agreement(
    decisions: Iterable[QuoteDecision],
    *,
    pairwise: bool = True,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    seed: int = 0,
) -> list[Agreement]:
    """Alpha on "is a quotation" and on "speaker", overall and (three or more coders) per pair."""
    is_quote, speaker = quote_tables(decisions)
    out = []
    for subject, table, values in ((IS_QUOTE, is_quote, (False, True)), (SPEAKER, speaker, ())):
        chosen = scopes(table) if pairwise else scopes(table)[:1]
        for coders, sub in chosen:
            out.append(
                Agreement(
                    kind="quotation",
                    subject=subject,
                    coders=coders,
                    unit="quotation",
                    result=reliability(sub, "nominal", values=values, bootstrap=bootstrap, seed=seed),
                )
            )
    return out
