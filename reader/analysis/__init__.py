"""Text analysis: entities and quotations. Imports spaCy only when a text is analysed."""

from reader.analysis.pipeline import DEFAULT_MODEL, Analyser, ModelError

__all__ = ["DEFAULT_MODEL", "Analyser", "ModelError"]
