"""Which language a text is in, and whether a spaCy pipeline is installed to analyse it.

Analysing German or French with the English pipeline gives nonsense ("PERSON: der
Batterien", speakerless quotations from « »), so import asks `plan_analysis` first: a text
is analysed only with a pipeline for its language, one named in the configuration for that
language or the default pipeline when the languages agree; otherwise it is stored
unanalysed, and `AnalysisPlan.reason` says so in one line.

Detection uses py3langid (offline, maintained, about a millisecond per article) when it is
installed, and otherwise a small count of the commonest function words of a dozen European
languages, which is enough to tell news in one from news in another. Nothing here imports
spaCy: whether a pipeline is installed is asked of the package index on disk.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

# Read this much of a text to tell its language: enough for news, cheap for a book.
SAMPLE_CHARS = 5000
# Fewer letters than this and no language is claimed (a title, a table).
MIN_LETTERS = 40

LANGUAGE_NAMES = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "sv": "Swedish", "da": "Danish", "no": "Norwegian",
    "nb": "Norwegian", "fi": "Finnish", "pl": "Polish", "cs": "Czech", "ru": "Russian",
    "uk": "Ukrainian", "el": "Greek", "tr": "Turkish", "ro": "Romanian", "hu": "Hungarian",
    "ca": "Catalan", "hr": "Croatian", "sl": "Slovenian", "sk": "Slovak", "lt": "Lithuanian",
    "ja": "Japanese", "zh": "Chinese", "ko": "Korean", "ar": "Arabic", "he": "Hebrew",
}

# The fallback detector: very common words that are rare in the other languages listed.
_FUNCTION_WORDS = {
    "en": "the and of to is that was for with said on are it this have from by not were has".split(),
    "de": "der die und das ist nicht ein eine mit sich auf den dem des für sagte wurde auch sind zu".split(),
    "fr": "le la les et des est une pas dans pour que qui sur du au avec ce il elle sont a été".split(),
    "es": "el la los las y que es una por con para del se su al lo como más fue dijo".split(),
    "it": "il di che la è per una non sono con gli del della anche ha le nel alla ma".split(),
    "pt": "o os as e que é um uma não com para do da dos em no na foi disse".split(),
    "nl": "de het een en van is dat niet op te zijn met voor er ook hij zij werd".split(),
    "sv": "och att det som en är på för med av inte har den till var sade".split(),
    "da": "og at det som en er på for med af ikke har den til var sagde".split(),
    "pl": "i w na nie że się jest do z to jak po co od był".split(),
}
_WORDS = re.compile(r"[^\W\d_]+")
_MARKUP = re.compile(r"<[^<>\n]{0,300}>")


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the text's language ("en", "de"), or None when there is too little
    text to say."""
    sample = _MARKUP.sub(" ", text[:SAMPLE_CHARS])
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return None
    try:
        import py3langid
    except ImportError:
        return _by_function_words(sample)
    code, _score = py3langid.classify(sample)
    return code


def _by_function_words(sample: str) -> str | None:
    words = Counter(w.lower() for w in _WORDS.findall(sample))
    scores = {lang: sum(words[w] for w in vocab) for lang, vocab in _FUNCTION_WORDS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] > 0 else None


def pipeline_language(name: str) -> str | None:
    """The language of a spaCy pipeline from its name: "en_core_web_sm" → "en"."""
    head = Path(name).name.split("_", 1)[0].split("-", 1)[0].lower()
    return head if 2 <= len(head) <= 3 and head.isalpha() else None


def is_installed(name: str) -> bool:
    """True when a spaCy pipeline of that package name (or that directory) is on this machine."""
    if "/" in name or name.startswith("."):
        return (Path(name) / "config.cfg").exists()
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


@dataclass(frozen=True)
class AnalysisPlan:
    """How to analyse a text: its language, the pipeline to use (None: store it unanalysed),
    and when there is none, the one line that says why."""

    language: str | None
    pipeline: str | None
    reason: str | None = None


def plan_analysis(
    text: str, default_model: str, pipelines: Mapping[str, str] | None = None, default_language: str | None = None
) -> AnalysisPlan:
    """Choose the pipeline for a text: the one configured for its language if installed, else the
    default when it is for that language (or when the language cannot be told), else none.
    `default_language`: the default pipeline's own (from its meta), else guessed from its name."""
    language = detect_language(text)
    return plan_for_language(language, default_model, pipelines, default_language)


def plan_for_language(
    language: str | None, default_model: str, pipelines: Mapping[str, str] | None = None,
    default_language: str | None = None,
) -> AnalysisPlan:
    configured = (pipelines or {}).get(language) if language else None
    if configured and is_installed(configured):
        return AnalysisPlan(language, configured)
    default_language = default_language or pipeline_language(default_model)
    if language is None or default_language is None or language == default_language:
        return AnalysisPlan(language, default_model)
    if configured:
        return AnalysisPlan(language, None, f"{describe(language)} text: the pipeline '{configured}' configured for "
                                             f"'{language}' is not installed; stored without analysis")
    return AnalysisPlan(language, None, f"{describe(language)} text: no spaCy pipeline for '{language}' is configured "
                                         f"or installed; stored without analysis")


def describe(language: str | None) -> str:
    if language is None:
        return "Unknown-language"
    return LANGUAGE_NAMES.get(language, language)


def has_pipeline(language: str | None, default_model: str, pipelines: Mapping[str, str] | None = None) -> bool:
    """True when a text in `language` would be analysed (see `plan_for_language`)."""
    return plan_for_language(language, default_model, pipelines).pipeline is not None
