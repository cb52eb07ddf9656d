"""Blind double coding in the app: while an assignment is open, ben never sees ana's annotation, note,
code or decision on an assigned article (the article, its panel, the header, the library and its
search); closing the assignment shows them; the library marks ben's articles and `m` lists them."""

from __future__ import annotations

from pilot_helpers import make_library, notifications, wait_until
from textual.widgets import TabbedContent

from reader.app import ReaderApp
from reader.ingest.article import ParsedArticle
from reader.model import Decision, VariableValue
from reader.screens.library import LibraryScreen
from reader.store import Store
from reader.widgets.article_table import ArticleTable


def _ana_codes(path, article_id: int) -> Decision:
    """ana's work on the article: a tagged annotation with a note, a code, a rejected quotation; then the sample."""
    store = Store(path)
    try:
        quote = store.get_article(article_id).quotes[0]
        text = store.get_article_text(article_id)
        start = text.index("Alec Baldwin")
        store.create_annotation(article_id, start, start + len("Alec Baldwin"), "ana", ["claim"], note="ana's secret note")
        store.save_variable("tone", "categorical", values=[VariableValue("negative", "n"), VariableValue("neutral", "u")])
        store.set_code(article_id, "tone", "ana", "negative")
        rejected = store.set_decision(Decision(article_id, "quote", quote.start, quote.end, "rejected", "ana"))
        store.create_assignment(["ana", "ben"], [article_id])
        return rejected
    finally:
        store.close()


def _close_assignment(path) -> None:
    store = Store(path)
    try:
        store.close_assignment()
    finally:
        store.close()


def _notes_tab(screen) -> str:
    return str(screen.query_one(TabbedContent).get_tab("tab-annotations").label)


def _lines(table: ArticleTable) -> list[str]:
    return ["".join(segment.text for segment in table.render_line(y)) for y in range(min(table.size.height, 6))]


async def test_ben_sees_none_of_anas_work_until_the_assignment_is_closed(tmp_path):
    path, article_id = make_library(tmp_path)
    rejected = _ana_codes(path, article_id)
    app = ReaderApp(Store(path), user="ben", article_ids=[article_id])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: screen.article is not None, "the article open")
        assert screen.annotations == []
        quote = next(q for q in screen.article.quotes if q.start == rejected.start)
        assert quote.status == "machine"  # ana rejected it; ben sees the machine's quotation
        assert "negative" not in screen.view.codes_line and "blind: assigned to you" in screen.view.codes_line
        await pilot.press("tab")
        await pilot.pause()
        assert _notes_tab(screen) == "Notes 0"
        await wait_until(pilot, lambda: any("Blind coding" in n for n in notifications(app)), "ben told he codes blind")
        _close_assignment(path)
        await wait_until(pilot, lambda: [a.note for a in screen.annotations] == ["ana's secret note"], "ana's note shown")
        await wait_until(pilot, lambda: _notes_tab(screen) == "Notes 1", "the panel lists ana's note")
        await wait_until(pilot, lambda: "blind" not in screen.view.codes_line, "the header no longer says blind")
        assert not any(q.start == rejected.start for q in screen.article.quotes)  # her rejection applies


async def test_bens_own_code_is_his_alone_and_anas_stays_hers(tmp_path):
    path, article_id = make_library(tmp_path)
    _ana_codes(path, article_id)
    app = ReaderApp(Store(path), user="ben", article_ids=[article_id])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.screen.article is not None, "the article open")
        await pilot.press("C")
        await pilot.pause()
        assert app.screen.codes == {}  # the form starts empty for ben: ana's "negative" is not his
        await pilot.press("u", "escape")  # u: neutral
        await pilot.pause()
        assert "tone: neutral" in app.screen.view.codes_line
    store = Store(path)
    try:
        assert {(c.author, c.value) for c in store.article_codes(article_id)} == {("ana", "negative"), ("ben", "neutral")}
    finally:
        store.close()


async def test_the_library_marks_bens_articles_hides_anas_counts_and_notes_and_m_lists_his_own(tmp_path):
    path, article_id = make_library(tmp_path)
    _ana_codes(path, article_id)
    store = Store(path)
    other, _ = store.add_article(ParsedArticle(text="Another story entirely, with ana's note.", title="Another story"))
    store.create_annotation(other, 0, 7, "ana", [], note="ana's open note")
    store.close()
    app = ReaderApp(Store(path), user="ben")
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, LibraryScreen), "the library")
        table = app.screen.query_one(ArticleTable)
        await pilot.pause()
        title = str(app.screen.query_one("#library-title").render())
        assert "blind: 'sample" in title and "0/1 coded" in title
        header, newest, oldest = _lines(table)[:3]
        assert "mine" in header
        assert "Another story" in newest and newest.split()[-3:-1] != ["0/1"]
        assert "0/1" in oldest.split()  # assigned: 0 of 1 variables coded
        cells = oldest.split()
        assert cells[cells.index("0/1") - 2 : cells.index("0/1")] == ["0", "0"]  # ana's annotation and note not counted
        await pilot.press("slash", *"secret")
        await pilot.pause(0.3)
        assert table.row_count == 0  # ana's note on the assigned article is not found
        await pilot.press("escape", *"open")  # escape empties the search
        await pilot.pause(0.3)
        assert table.row_count == 1  # her note elsewhere is
        await pilot.press("escape")
        table.focus()
        await pilot.press("m")
        await pilot.pause()
        assert table.row_count == 1 and table.key_of(0) == f"{article_id}:"
        assert "1 article assigned to you" in str(app.screen.query_one("#library-title").render())
        await pilot.press("m")
        await pilot.pause()
        assert table.row_count == 2


async def test_the_palette_opens_the_library_at_my_assigned_articles(tmp_path):
    path, article_id = make_library(tmp_path)
    _ana_codes(path, article_id)
    store = Store(path)
    store.add_article(ParsedArticle(text="Another story entirely.", title="Another story"))
    store.close()
    app = ReaderApp(Store(path), user="ben", article_ids=[article_id])
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_until(pilot, lambda: app.screen.article is not None, "the article open")
        await pilot.press("ctrl+p", *"My assigned")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, LibraryScreen), "the library")
        await pilot.pause()
        table = app.screen.query_one(ArticleTable)
        assert table.row_count == 1 and table.key_of(0) == f"{article_id}:"


async def test_someone_not_coding_the_sample_is_told_m_has_nothing_for_them(tmp_path):
    path, article_id = make_library(tmp_path)
    _ana_codes(path, article_id)
    app = ReaderApp(Store(path), user="lead")
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, LibraryScreen), "the library")
        await pilot.pause()
        title = str(app.screen.query_one("#library-title").render())
        assert "open: your own work only" in title
        assert "mine" not in _lines(app.screen.query_one(ArticleTable))[0]
        await pilot.press("m")
        await pilot.pause()
        assert any("No articles are assigned to lead" in n for n in notifications(app))
        assert app.screen.query_one(ArticleTable).row_count == 1
