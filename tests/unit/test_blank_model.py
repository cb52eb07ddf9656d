"""A valid spaCy pipeline without a sentence splitter (blank:en) analyses rather than ending in a
ValueError traceback (E030: sentence boundaries unset)."""

from __future__ import annotations

import pytest

from reader.analysis import Analyser
from reader.analysis.pipeline import ModelError, load_pipeline


def test_blank_english_gets_a_sentencizer_and_analyses_quotations():
    analysis = Analyser("blank:en").analyse('He left. "We are done here," she said. Then silence.')
    assert len(analysis.quotes) == 1


def test_an_unknown_blank_language_is_one_line():
    with pytest.raises(ModelError, match="cannot be loaded") as caught:
        load_pipeline("blank:zz")
    assert "\n" not in str(caught.value)
