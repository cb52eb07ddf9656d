"""Correcting the machine by keyboard: confirm, speaker, reject, kind, link, extent, added quotations,
the walk to the next unchecked highlight, and article coding; each undoable and kept in the store."""

from __future__ import annotations

from reader.editing.verify import apply_decisions
from reader.model import Analysis, Decision, Entity, Quote, VariableValue
from reader.screens.coding import CodingScreen
from reader.screens.prompts import ChoicePrompt
from reader.store import Store
from reader.widgets.status_line import StatusLine


def decisions(library):
    path, article_id = library
    store = Store(path)
    try:
        return store.decisions(article_id)
    finally:
        store.close()


def status_text(app) -> str:
    return str(app.screen.query_one(StatusLine).render())


async def test_the_quotation_jumped_to_is_the_target_not_the_entity_it_starts_with(make_app, library):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.screen.view
        await pilot.press("right_parenthesis")
        quote = view.highlights.quote_at(view.cursor)
        assert view.target().kind == "quote"
        await pilot.press("1")
        await pilot.pause()
        [annotation] = app.screen.annotations
        assert (annotation.start, annotation.end) == (quote.start, quote.end)


async def test_confirm_then_undo_a_quotation_and_the_count_of_checked(make_app, library):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right_parenthesis")
        assert "checked 0/1 quotes" in status_text(app)
        await pilot.press("y")
        await pilot.pause()
        [decision] = decisions(library)
        assert (decision.kind, decision.status, decision.author) == ("quote", "confirmed", "tester")
        assert "checked 1/1 quotes · 1/1 speakers" in status_text(app)
        await pilot.press("u")
        await pilot.pause()
        assert decisions(library) == []
        assert "checked 0/1 quotes" in status_text(app)


async def test_set_a_speaker_from_the_articles_people_by_typing(make_app, library):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.screen.view
        await pilot.press("right_parenthesis", "s")
        await pilot.pause()
        assert isinstance(app.screen, ChoicePrompt)
        assert "Mary Marlowe Sommer" in app.screen.choices and "Alec Baldwin" in app.screen.choices
        await pilot.press(*"hutch", "enter")
        await pilot.pause()
        [decision] = decisions(library)
        assert (decision.status, decision.speaker) == ("corrected", "Halyna Hutchins")
        assert view.highlights.quote_at(view.cursor).speaker == "Halyna Hutchins"
        await pilot.press("s", *"A new name", "enter")  # nobody in the list: a new name
        await pilot.pause()
        assert decisions(library)[0].speaker == "A new name"
        await pilot.press("s", "down", "enter")  # below the speaker it has: clear it
        await pilot.pause()
        assert decisions(library)[0].speaker == "" and view.highlights.quote_at(view.cursor).speaker is None
        await pilot.press("u", "u")
        await pilot.pause()
        assert view.highlights.quote_at(view.cursor).speaker == "Halyna Hutchins"


async def test_reject_a_quotation_and_an_entity(make_app, library):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.screen.view
        await pilot.press("right_parenthesis", "r")
        await pilot.pause()
        assert view.highlights.quotes.marks == []
        app.screen.view.move_to(0)  # "Alec Baldwin"
        await pilot.press("r")
        await pilot.pause()
        assert view.highlights.entity_at(0) is None
        assert sorted((d.kind, d.status) for d in decisions(library)) == [("entity", "rejected"), ("quote", "rejected")]


async def test_change_an_entitys_kind_and_link_a_mention(make_app, library):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.screen.view
        text = view.text
        alec = text.index("Alec", 400)  # the mention "Alec", on its own
        view.move_to(alec)
        await pilot.press("K", *"ORG", "enter")
        await pilot.pause()
        assert view.highlights.entity_at(alec).label == "ORG"
        await pilot.press("l", *"Mary", "enter")
        await pilot.pause()
        entity = view.highlights.entity_at(alec)
        assert (entity.label, entity.canonical, entity.status) == ("ORG", "Mary Marlowe Sommer", "corrected")
        [decision] = decisions(library)
        assert (decision.label, decision.canonical) == ("ORG", "Mary Marlowe Sommer")


async def test_a_selection_becomes_a_quotation_with_its_speaker_and_an_extent_changes(make_app, library):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.screen.view
        start = view.text.index("dismissal")
        view.move_to(start)
        await pilot.press("v", "w", "w", "Q")
        await pilot.pause()
        assert isinstance(app.screen, ChoicePrompt)
        await pilot.press(*"Alec", "enter")
        await pilot.pause()
        added = view.highlights.quote_at(start)
        assert added is not None and added.speaker == "Alec Baldwin" and added.start == start
        [decision] = decisions(library)
        assert decision.added and decision.speaker == "Alec Baldwin"
        # the machine's quotation, cut to its first words
        await pilot.press("right_parenthesis")
        quote = view.highlights.quote_at(view.cursor)
        await pilot.press("v", "w", "w", "E")
        await pilot.pause()
        shorter = view.highlights.quote_at(quote.start)
        assert shorter.start == quote.start and shorter.end < quote.end and shorter.status == "corrected"


async def test_next_unchecked_walks_past_what_is_checked(make_app, library):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.screen.view
        await pilot.press("greater_than_sign")
        first = view.cursor
        await pilot.press("y", "greater_than_sign")
        second = view.cursor
        assert second > first
        view.move_to(0)
        await pilot.press("greater_than_sign")
        assert view.cursor == second  # the first, confirmed, is passed by


async def test_next_unchecked_goes_on_from_the_top_so_one_key_checks_a_whole_article(make_app, library):
    """Started mid-article, `>` `y` over and over checks every highlight, those above the start too."""
    from pilot_helpers import notifications

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.screen.view
        everything = len(view.highlights.machine.marks)
        view.move_to(len(view.text) // 2)
        said = set()
        for _ in range(everything):
            await pilot.press("greater_than_sign", "y")
            said.update(notifications(app))
        await pilot.pause()
        assert all(m.item.status != "machine" for m in view.highlights.machine.marks)
        assert any(n.startswith("From the top:") for n in said)
        await pilot.press("greater_than_sign")
        assert notifications(app)[-1] == "Every highlight is checked."


async def test_code_the_article_by_keys_undo_and_the_header_shows_it(make_app, library):
    path, article_id = library
    store = Store(path)
    store.save_variable("tone", "categorical", "the article's tone",
                        [VariableValue("negative", "n"), VariableValue("neutral", "u"), VariableValue("positive", "p")])
    store.save_variable("actors", "multi", values=[VariableValue("police", "1"), VariableValue("court", "2")])
    store.save_variable("sources", "number")
    store.close()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("C")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        await pilot.press("n", "right")  # negative, then the next value: neutral
        await pilot.press("down", "1", "2", "1")  # police on, court on, police off
        await pilot.press("down", "enter", *"3", "enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        store = Store(path)
        codes = {c.variable: c.value for c in store.article_codes(article_id, "tester")}
        store.close()
        assert codes == {"tone": "neutral", "actors": ["court"], "sources": 3}
        assert app.screen.view.codes_line == "tone: neutral · actors: court · sources: 3"
        await pilot.press("u")  # the last change, the number, goes
        await pilot.pause()
        store = Store(path)
        assert {c.variable for c in store.article_codes(article_id)} == {"tone", "actors"}
        store.close()
        assert "sources" not in app.screen.view.codes_line


def test_reanalysis_never_overwrites_a_persons_decision(seed_article, seed_analysis):
    """A newer analyser's highlights (spans moved a little) keep the corrections made on the old ones."""
    store = Store(None)
    article_id, _ = store.add_article(seed_article, seed_analysis)
    quote = seed_analysis.quotes[0]
    entity = seed_analysis.entities[0]
    store.set_decision(Decision(article_id, "quote", quote.start, quote.end, "corrected", "ann", speaker="Halyna Hutchins"))
    store.set_decision(Decision(article_id, "entity", entity.start, entity.end, "rejected", "ann"))
    moved = Quote(quote.start + 1, quote.end, quote.text[1:], "Somebody Else")
    newer = Analysis(entities=[Entity(entity.start, entity.end, entity.label, entity.text)] + seed_analysis.entities[1:],
                     quotes=[moved], analyser="newer 2")
    store.set_analysis(article_id, newer)
    article = store.get_article(article_id)
    entities, quotes = apply_decisions(article.text, article.entities, article.quotes, store.decisions(article_id))
    assert [(q.speaker, q.status) for q in quotes] == [("Halyna Hutchins", "corrected")]
    assert all(e.start != entity.start for e in entities)
    assert len(store.decisions(article_id)) == 2


async def test_a_variable_another_session_adds_is_in_the_coding_form_without_reopening(make_app, library):
    """`reader codebook import` in another terminal while the article is open: the form has it."""
    from pilot_helpers import wait_until

    path, article_id = library
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        other = Store(path)
        other.save_variable("tone", "categorical", values=[VariableValue("negative", "n"), VariableValue("positive", "p")])
        other.close()
        await wait_until(pilot, lambda: [v.name for v in app.screen.session.variables] == ["tone"],
                         "the other session's variable read")
        await pilot.press("C")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        await pilot.press("p", "escape")
        await pilot.pause()
        assert app.screen.view.codes_line == "tone: positive"


async def test_Y_confirms_every_unchecked_mention_of_an_entity_and_one_u_takes_them_back(make_app, library):
    """Verifying an article a mention at a time was the slow part of the trial: 18 > y for one article."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.screen.view
        entities = app.screen.article.entities
        name = next(e.name for e in entities if sum(x.name == e.name for x in entities) > 1)
        mentions = [e for e in entities if e.name == name]
        view.move_to(mentions[0].start)
        await pilot.press("Y")
        await pilot.pause()
        confirmed = {(d.start, d.end) for d in decisions(library) if d.status == "confirmed"}
        assert confirmed == {(e.start, e.end) for e in mentions}
        assert all(e.status == "confirmed" for e in app.screen.article.entities if e.name == name)
        assert all(e.status == "machine" for e in app.screen.article.entities if e.name != name)
        await pilot.press("u")
        await pilot.pause()
        assert decisions(library) == []
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert len(decisions(library)) == len(mentions)
