"""The adjudication screen by keyboard: the walk in article order, take A, take B, take both, edit, undo,
each kept in the store's adjudicated layer with who decided."""

from __future__ import annotations

import pytest
from annotated_seed import quote_span
from pilot_helpers import make_library, notifications, wait_until

from reader.app import ReaderApp
from reader.model import ADJUDICATED, Decision, VariableValue
from reader.screens.adjudication import AdjudicationScreen
from reader.screens.coding import CodingScreen
from reader.screens.prompts import ChoicePrompt, TagPrompt
from reader.store import Store

PAIR = ("ana", "ben")


def mark(store, article_id, coder, phrase, *tags):
    text = store.get_article_text(article_id)
    start = text.index(phrase)
    return store.create_annotation(article_id, start, start + len(phrase), coder, tags)


@pytest.fixture
def coded(tmp_path):
    """The seed coded by ana and ben in a closed assignment: five disagreements, one agreed span."""
    path, article_id = make_library(tmp_path)
    store = Store(path)
    store.save_variable("tone", "categorical", values=[VariableValue("negative", "n"), VariableValue("neutral", "u")])
    store.set_code(article_id, "tone", "ana", "negative")
    store.set_code(article_id, "tone", "ben", "neutral")
    for coder in PAIR:
        mark(store, article_id, coder, "Alec Baldwin", "claim")  # agreed
    mark(store, article_id, "ana", "bad faith", "framing")  # only ana
    mark(store, article_id, "ana", "The late discovery of this evidence", "claim")
    mark(store, article_id, "ben", "The late discovery of this evidence", "evidence")  # different tags
    q_start, q_end = quote_span(store.get_article_text(article_id))
    store.set_decision(Decision(article_id, "quote", q_start, q_end, "confirmed", "ana"))
    store.set_decision(Decision(article_id, "quote", q_start, q_end, "corrected", "ben", speaker="Alec Baldwin"))
    assignment = store.create_assignment(PAIR, [article_id], name="pilot", seed=1)
    store.close_assignment()
    store.close()
    return path, article_id, assignment.id


def layer(path, article_id):
    store = Store(path)
    try:
        annotations = [(a.exact, sorted(a.tags)) for a in store.annotations(article_id) if a.author == ADJUDICATED]
        codes = {c.variable: c.value for c in store.article_codes(article_id, ADJUDICATED)}
        decisions = store.decisions(article_id, ADJUDICATED)
        return annotations, codes, decisions
    finally:
        store.close()


def records(path, assignment_id):
    store = Store(path)
    try:
        return {r.item: r for r in store.adjudications(assignment_id)}
    finally:
        store.close()


async def opened(pilot, app) -> AdjudicationScreen:
    await wait_until(pilot, lambda: isinstance(app.screen, AdjudicationScreen) and app.screen.ready.is_set(), "the screen")
    return app.screen


def make(path, article_id, user="carol"):
    return ReaderApp(Store(path), user=user, article_ids=[article_id], adjudicate=())


async def test_the_walk_is_in_article_order_and_agreed_items_are_copied(coded):
    path, article_id, assignment_id = coded
    app = make(path, article_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, app)
        walked = [screen.item.key]
        for _ in range(len(screen.items) - 1):
            await pilot.press("n")
            walked.append(screen.item.key)
        await pilot.press("n")
        assert "That was the last disagreement." in notifications(app)
        assert walked[0] == "variable:tone"
        starts = [int(k.split(":")[1].split("-")[0]) for k in walked[1:]]
        assert starts == sorted(starts) and len(walked) == 4
        await pilot.press("p")
        assert screen.item.key == walked[-2]
    annotations, _, _ = layer(path, article_id)
    assert annotations == [("Alec Baldwin", ["claim"])]  # the agreed span, copied before the walk
    assert {r.choice for r in records(path, assignment_id).values()} == {"agreed"}


async def test_take_a_take_b_take_both_each_moves_on(coded):
    path, article_id, assignment_id = coded
    app = make(path, article_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, app)
        kinds = {i.key: i for i in screen.items}
        await pilot.press("a")  # tone: ana's
        await wait_until(pilot, lambda: screen.index == 1, "the next item")
        order = [i.kind for i in screen.items]
        for item in screen.items[1:]:
            choice = {"quote": "b", "span": "m" if item.what == "different tags" else "b"}[item.kind]
            await pilot.press(choice)
            await pilot.pause()
        await wait_until(pilot, lambda: any("All 4 disagreements settled" in n for n in notifications(app)), "the end")
    annotations, codes, decisions = layer(path, article_id)
    assert codes == {"tone": "negative"}
    assert ("The late discovery of this evidence", ["claim", "evidence"]) in annotations  # both: tags pooled
    assert not any(exact == "bad faith" for exact, _ in annotations)  # ben's version: not marked
    assert [d.speaker for d in decisions] == ["Alec Baldwin"]
    settled = records(path, assignment_id)
    assert settled["variable:tone"].choice == "a" and settled["variable:tone"].coder == "ana"
    assert settled["variable:tone"].decided_by == "carol" and settled["variable:tone"].decided_at
    assert len(settled) == 5 and order.count("span") == 2 and set(kinds) == set(settled) - {
        k for k, r in settled.items() if r.choice == "agreed"}


async def test_undo_puts_the_layer_and_the_record_back(coded):
    path, article_id, assignment_id = coded
    app = make(path, article_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, app)
        await pilot.press("b")
        await wait_until(pilot, lambda: screen.index == 1, "the next item")
        assert layer(path, article_id)[1] == {"tone": "neutral"}
        await pilot.press("u")
        await wait_until(pilot, lambda: screen.index == 0, "back on the item undone")
        assert layer(path, article_id)[1] == {}
        assert "variable:tone" not in records(path, assignment_id)
        await pilot.press("u")
        assert "Nothing to undo." in notifications(app)


async def test_edit_a_variable_in_the_coding_form_and_a_span_with_the_tag_prompt(coded):
    path, article_id, assignment_id = coded
    app = make(path, article_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, app)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, CodingScreen), "the coding form")
        await pilot.press("u")  # the value's key: neutral
        await pilot.pause()
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "back on the screen")
        assert layer(path, article_id)[1] == {"tone": "neutral"}
        assert records(path, assignment_id)["variable:tone"].choice == "edit"
        span = next(i for i, item in enumerate(screen.items) if item.what == "only ana marked")
        while screen.index < span:
            await pilot.press("n")
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, TagPrompt), "the tag prompt")
        await pilot.press(*"opinion", "enter")
        await wait_until(pilot, lambda: ("bad faith", ["opinion"]) in layer(path, article_id)[0], "the tag in the layer")
        assert records(path, assignment_id)[screen.item.key].choice == "edit"
        await pilot.press("u")
        await wait_until(pilot, lambda: ("bad faith", ["opinion"]) not in layer(path, article_id)[0], "the edit undone")


async def test_d_in_the_reader_opens_it_and_an_open_assignment_is_refused(tmp_path):
    path, article_id = make_library(tmp_path)
    store = Store(path)
    store.create_assignment(PAIR, [article_id])
    store.close()
    app = ReaderApp(Store(path), user="carol", article_ids=[article_id])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("D")
        await wait_until(pilot, lambda: any("close it first" in n for n in notifications(app)), "the refusal")
        await wait_until(pilot, lambda: not isinstance(app.screen, AdjudicationScreen), "back in the reader")


async def test_the_palette_opens_it_and_both_on_one_reading_says_so(coded):
    path, article_id, assignment_id = coded
    app = ReaderApp(Store(path), user="carol", article_ids=[article_id])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p", *"Adjudicate")
        await pilot.pause(0.3)
        await pilot.press("enter")
        screen = await opened(pilot, app)
        assert screen.item.key == "variable:tone"
        await pilot.press("m")  # a categorical variable holds one value
        await wait_until(pilot, lambda: any("a variable holds one value" in n for n in notifications(app)), "the refusal")
        assert screen.index == 0 and "variable:tone" not in records(path, assignment_id)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, AdjudicationScreen), "back in the reader")


async def test_a_note_on_the_layers_span(coded):
    path, article_id, assignment_id = coded
    app = make(path, article_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, app)
        span = next(i for i, item in enumerate(screen.items) if item.what == "only ana marked")
        while screen.index < span:
            await pilot.press("n")
        await pilot.press("N")
        assert "The adjudicated layer has no span here yet" in notifications(app)[-1]
        key = screen.item.key
        await pilot.press("a")  # ana's span into the layer (the walk moves on, unless it was the last)
        await wait_until(pilot, lambda: key in records(path, assignment_id), "ana's span taken")
        if screen.index != span:
            await pilot.press("p")
        await pilot.press("N")
        await wait_until(pilot, lambda: app.screen is not screen, "the note prompt")
        await pilot.press(*"weak evidence", "enter")
        await wait_until(pilot, lambda: records(path, assignment_id)[screen.item.key].choice == "edit", "the note recorded")
    store = Store(path)
    try:
        [note] = [a.note for a in store.annotations(article_id) if a.author == ADJUDICATED and a.exact == "bad faith"]
    finally:
        store.close()
    assert note == "weak evidence"


async def test_edit_a_quotation_picks_its_speaker_from_the_articles_people(coded):
    path, article_id, assignment_id = coded
    app = make(path, article_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, app)
        while screen.item.kind != "quote":
            await pilot.press("n")
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoicePrompt), "the speaker list")
        await pilot.press(*"Hutchins", "enter")
        await wait_until(pilot, lambda: layer(path, article_id)[2] != [], "the layer's reading")
        [decision] = layer(path, article_id)[2]
        assert (decision.status, decision.speaker) == ("corrected", "Halyna Hutchins")
        assert records(path, assignment_id)[screen.item.key].choice == "edit"
