"""Agreement on the machine's quotations: is each one a quotation, and who said it."""

from __future__ import annotations

import pytest

from reader.agreement import IS_QUOTE, NO_SPEAKER, SPEAKER, QuoteDecision, normalise_speaker, quote_agreement


def results(decisions, **kw):
    return {(r.subject, r.coders): r.result for r in quote_agreement(decisions, bootstrap=0, **kw)}


def test_is_a_quotation_and_speaker():
    decisions = [
        QuoteDecision(1, "ana", True, "Mary Sommer"), QuoteDecision(1, "ben", True, "mary  sommer"),
        QuoteDecision(2, "ana", True, "Baldwin"), QuoteDecision(2, "ben", True, "Hutchins"),
        QuoteDecision(3, "ana", False), QuoteDecision(3, "ben", False),
        QuoteDecision(4, "ana", True, None), QuoteDecision(4, "ben", False, "ignored"),
        QuoteDecision(5, "ana", True, None), QuoteDecision(5, "ben", True, None),
        QuoteDecision(6, "ana", True, "Baldwin"),  # ben never decided it: missing
    ]
    r = results(decisions)
    is_quote = r[(IS_QUOTE, ("ana", "ben"))]
    assert (is_quote.units, is_quote.pairable) == (5, 10)
    assert is_quote.agreement == pytest.approx(4 / 5)
    speaker = r[(SPEAKER, ("ana", "ben"))]
    # Speakers are compared on the quotations both accepted: 1 (same name), 2 (different), 5 (both none).
    assert speaker.units == 3
    assert speaker.agreement == pytest.approx(2 / 3)
    assert speaker.alpha is not None and speaker.alpha < 0.667


def test_perfect_agreement():
    decisions = []
    for coder in ("ana", "ben"):
        decisions += [QuoteDecision(1, coder, True, "A"), QuoteDecision(2, coder, True, "B"),
                      QuoteDecision(3, coder, False)]
    r = results(decisions)
    assert r[(IS_QUOTE, ("ana", "ben"))].alpha == 1.0
    assert r[(SPEAKER, ("ana", "ben"))].alpha == 1.0


def test_names_are_compared_case_and_space_insensitively():
    assert normalise_speaker("  Judge   Sommer ") == normalise_speaker("judge sommer")
    assert normalise_speaker(None) == normalise_speaker("  ") == NO_SPEAKER


def test_three_coders_give_pairs():
    decisions = [QuoteDecision(q, c, q % 2 == 0 or c == "cy", "X") for q in range(6) for c in ("ana", "ben", "cy")]
    r = quote_agreement(decisions, bootstrap=0)
    assert [x.coders for x in r if x.subject == IS_QUOTE] == [
        ("ana", "ben", "cy"), ("ana", "ben"), ("ana", "cy"), ("ben", "cy")]
    by = {(x.subject, x.coders): x.result for x in r}
    assert by[(IS_QUOTE, ("ana", "ben"))].alpha == 1.0
    assert by[(IS_QUOTE, ("ana", "cy"))].alpha < 0.5


def test_a_quotation_decided_twice_is_an_error():
    with pytest.raises(ValueError, match="twice"):
        quote_agreement([QuoteDecision(1, "ana", True), QuoteDecision(1, "ana", False)])
