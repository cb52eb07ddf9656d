"""Text analysis: entities and quotations. Imports spaCy only when a text is analysed."""

from reader.analysis.language import AnalysisPlan, detect_language, plan_analysis
from reader.analysis.pipeline import DEFAULT_MODEL, Analyser, ModelError

__all__ = ["DEFAULT_MODEL", "Analyser", "AnalysisPlan", "ModelError", "detect_language", "plan_analysis"]
