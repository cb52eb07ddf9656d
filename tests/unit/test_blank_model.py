"""A valid spaCy pipeline without a sentence splitter (blank:en) analyses rather than ending in a
ValueError traceback (E030: sentence boundaries unset)."""

from __future__ import annotations

import pytest

from reader.analysis import Analyser
from reader.analysis.pipeline import ModelError, load_pipeline


def test_blank_english_gets_a_sentencizer_and_analyses_quotations(seed_article):
    analysis = Analyser("blank:en").analyse(seed_article.text)  # its quotations' speakers are looked for by sentence
    assert analysis.quotes


def test_an_unknown_blank_language_is_one_line():
    with pytest.raises(ModelError, match="cannot be loaded") as caught:
        load_pipeline("blank:zz")
    assert "\n" not in str(caught.value)
