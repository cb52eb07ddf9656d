"""The SQLite store: migrations, articles, analyses, the codebook, annotations, search."""

from __future__ import annotations

import sqlite3
import stat

import pytest

from reader.ingest.files import parse_article
from reader.model import Analysis, Entity, Quote
from reader.schema import DEFAULT_TAGS, known_migrations
from reader.store import CONTEXT_CHARS, Store, StoreError

TEXT = "The mayor of Springfield said the bridge would reopen. Critics were not convinced by the promise."


def article(text: str = TEXT, name: str = "a.txt"):
    return parse_article(text.encode(), name)


def analysis(version: str = "test-1") -> Analysis:
    return Analysis(
        entities=[Entity(14, 25, "GPE", "Springfield")],
        quotes=[Quote(0, 10, "The mayor ", None, None, None, None)],
        analyser=version,
    )


@pytest.fixture
def store():
    s = Store()
    yield s
    s.close()


@pytest.fixture
def stored(store):
    article_id, _ = store.add_article(article(), analysis())
    return store, article_id


# ---------------------------------------------------------------- opening and migrations


EXPECTED_TABLES = {"articles", "entities", "quotes", "annotations", "tags", "annotation_tags", "articles_fts", "annotations_fts"}


def test_in_memory_store_has_the_schema():
    for s in (Store(), Store(None)):
        assert EXPECTED_TABLES <= set(s.db.table_names())
        applied = {row["name"] for row in s.db["_sqlite_migrations"].rows}
        assert applied == known_migrations()
        assert s.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        s.close()


def test_file_store_is_wal_with_foreign_keys_and_busy_timeout(tmp_path):
    path = tmp_path / "lib.db"
    s = Store(path)
    assert EXPECTED_TABLES <= set(s.db.table_names())
    assert s.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert s.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert s.db.execute("PRAGMA busy_timeout").fetchone()[0] > 0
    s.close()
    # Reopening applies nothing new and keeps WAL.
    again = Store(path)
    assert again.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert again.db["_sqlite_migrations"].count == len(known_migrations())
    again.close()


def test_new_database_file_is_private(tmp_path):
    path = tmp_path / "deep" / "er" / "lib.db"
    Store(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_two_sessions_share_one_file(tmp_path):
    path = tmp_path / "lib.db"
    first, second = Store(path), Store(path)
    article_id, created = first.add_article(article())
    assert created
    assert second.find_article_id(article().content_hash) == article_id
    note = second.create_annotation(article_id, 4, 9, "bo", tags=["claim"])
    assert [a.id for a in first.annotations(article_id)] == [note.id]
    first.close()
    second.close()


def test_non_sqlite_file_is_refused_and_left_unchanged(tmp_path):
    path = tmp_path / "notes.db"
    content = b"These are my notes, not a database.\n" * 10
    path.write_bytes(content)
    with pytest.raises(StoreError) as info:
        Store(path)
    message = str(info.value)
    assert str(path) in message and "\n" not in message
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_short_non_sqlite_file_is_refused_and_left_unchanged(tmp_path):
    path = tmp_path / "tiny.db"
    path.write_bytes(b"hi")
    with pytest.raises(StoreError):
        Store(path)
    assert path.read_bytes() == b"hi"


def test_directory_is_refused(tmp_path):
    with pytest.raises(StoreError) as info:
        Store(tmp_path)
    assert str(tmp_path) in str(info.value)


def test_empty_file_becomes_a_database(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    s = Store(path)
    assert EXPECTED_TABLES <= set(s.db.table_names())
    s.close()


def test_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "lib.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('reader', 'm999_future', '2099-01-01')"
        )
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError) as info:
        Store(path)
    message = str(info.value)
    assert "newer version" in message and "\n" not in message
    assert path.read_bytes() == before


def test_other_applications_database_is_not_changed(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO recipes (name) VALUES ('soup')")
    conn.close()
    with pytest.raises(StoreError) as info:
        Store(path)
    assert "not a reader database" in str(info.value)
    conn = sqlite3.connect(path)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] == ["recipes"]
    conn.close()


def test_corrupt_database_is_a_store_error(tmp_path):
    path = tmp_path / "lib.db"
    Store(path).close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the header survives, the schema page does not
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError) as info:
        Store(path)
    assert "\n" not in str(info.value)


# ---------------------------------------------------------------- articles and analyses


def test_add_article_dedupes_by_content_hash(store):
    first_id, created = store.add_article(article())
    assert created
    again_id, created_again = store.add_article(article(TEXT + "\r\n\r\n", name="copy.txt"))
    assert (again_id, created_again) == (first_id, False)
    other_id, created_other = store.add_article(article("A different text."))
    assert created_other and other_id != first_id
    assert store.count_articles() == 2


def test_article_round_trip(store):
    parsed = parse_article(b"Title: Bridge\nDate: 2024-07-13\nAuthor: Kim\nURL: https://example.org/b\n\n" + TEXT.encode(), "b.txt")
    article_id, _ = store.add_article(parsed, analysis())
    got = store.get_article(article_id)
    assert (got.title, got.date, got.source, got.text) == ("Bridge", "2024-07-13", "https://example.org/b", TEXT)
    assert got.analysed and got.analyser == "test-1"
    assert got.entities == analysis().entities
    assert got.quotes == analysis().quotes
    row = store.db["articles"].get(article_id)
    assert row["author"] == "Kim"
    assert row["word_count"] == len(TEXT.split())
    assert row["content_hash"] == parsed.content_hash


def test_article_without_analysis(store):
    article_id, _ = store.add_article(article())
    got = store.get_article(article_id)
    assert not got.analysed and got.entities == [] and got.quotes == []
    assert store.articles_needing_analysis() == [article_id]


def test_set_analysis_replaces(stored):
    store, article_id = stored
    newer = Analysis(
        entities=[Entity(4, 9, "PERSON", "mayor"), Entity(14, 25, "GPE", "Springfield")],
        quotes=[],
        analyser="test-2",
    )
    store.set_analysis(article_id, newer)
    got = store.get_article(article_id)
    assert got.entities == newer.entities
    assert got.quotes == []
    assert got.analyser == "test-2"
    assert store.db["entities"].count == 2


def test_articles_needing_analysis(store):
    a, _ = store.add_article(article("One."), analysis("v1"))
    b, _ = store.add_article(article("Two."), analysis("v2"))
    c, _ = store.add_article(article("Three."))
    assert store.articles_needing_analysis() == [c]
    assert store.articles_needing_analysis("v2") == [a, c]


def test_deleting_an_article_cascades(stored):
    store, article_id = stored
    store.create_annotation(article_id, 0, 3, "me", tags=["claim"])
    store.db.execute("DELETE FROM articles WHERE id = ?", [article_id])
    for table in ("entities", "quotes", "annotations", "annotation_tags"):
        assert store.db[table].count == 0, table


def test_missing_article_is_a_store_error(store):
    with pytest.raises(StoreError):
        store.get_article(42)
    with pytest.raises(StoreError):
        store.get_article_text(42)


def test_list_articles_counts(stored):
    store, article_id = stored
    store.create_annotation(article_id, 0, 3, "me")
    rows = store.list_articles()
    assert len(rows) == 1
    row = rows[0]
    assert (row.id, row.entities, row.quotes, row.annotations) == (article_id, 1, 1, 1)


# ---------------------------------------------------------------- the codebook


def test_default_tags_with_quick_keys(store):
    tags = store.tags()
    assert [t.name for t in tags] == [name for name, *_ in DEFAULT_TAGS]
    assert [t.quick_key for t in tags] == [str(n) for n in range(1, 10)]
    assert all(t.colour and t.description for t in tags)


def test_ensure_tag_creates_at_the_end_and_finds_existing(store):
    before = store.tags()
    new = store.ensure_tag("  brand   new  ")
    assert new.name == "brand new"
    assert new.quick_key is None
    assert new.position > max(t.position for t in before)
    assert store.tags()[-1].name == "brand new"
    assert store.ensure_tag("Brand New").id == new.id  # names are case-insensitive
    assert store.ensure_tag("CLAIM").id == before[0].id
    assert len(store.tags()) == len(before) + 1
    with pytest.raises(StoreError):
        store.ensure_tag("   ")


def test_update_tag_moves_a_quick_key(store):
    claim, fact_check = store.tags()[:2]
    store.update_tag(fact_check.id, quick_key="1")
    keys = {t.name: t.quick_key for t in store.tags()}
    assert keys[fact_check.name] == "1" and keys[claim.name] is None
    with pytest.raises(StoreError):
        store.update_tag(claim.id, name="evidence")


# ---------------------------------------------------------------- annotations


def test_create_annotation_keeps_exact_text_and_context(stored):
    store, article_id = stored
    start = TEXT.index("bridge")
    end = start + len("bridge would reopen")
    note = store.create_annotation(article_id, start, end, "ana", tags=["claim", "follow-up"], note="check the date")
    assert note.exact == TEXT[start:end]
    assert note.prefix == TEXT[max(0, start - CONTEXT_CHARS) : start]
    assert note.suffix == TEXT[end : end + CONTEXT_CHARS]
    assert note.author == "ana" and note.note == "check the date"
    assert note.tags == ["claim", "follow-up"]
    assert note.created_at == note.updated_at != ""
    assert store.annotations(article_id) == [note]


def test_annotation_outside_the_text_is_refused(stored):
    store, article_id = stored
    for start, end in ((-1, 3), (5, 5), (10, 4), (0, len(TEXT) + 1)):
        with pytest.raises(StoreError):
            store.create_annotation(article_id, start, end, "me")
    assert store.annotations(article_id) == []


def test_tag_untag_and_note(stored):
    store, article_id = stored
    note = store.create_annotation(article_id, 0, 9, "me")
    assert note.tags == []
    store.add_tag(note.id, "evidence")
    store.add_tag(note.id, "claim")
    store.add_tag(note.id, "claim")  # twice is once
    store.add_tag(note.id, "my own code")
    assert store.find_annotation(note.id).tags == ["claim", "evidence", "my own code"]  # codebook order
    store.remove_tag(note.id, "evidence")
    store.remove_tag(note.id, "never existed")
    assert store.find_annotation(note.id).tags == ["claim", "my own code"]
    store.set_note(note.id, "the mayor, on the record")
    assert store.find_annotation(note.id).note == "the mayor, on the record"


def test_delete_and_restore_annotation(stored):
    store, article_id = stored
    note = store.create_annotation(article_id, 0, 9, "me", tags=["claim", "custom"], note="keep me")
    other = store.create_annotation(article_id, 10, 14, "me")
    store.delete_annotation(note.id)
    assert store.find_annotation(note.id) is None
    assert [a.id for a in store.annotations(article_id)] == [other.id]
    assert store.db["annotation_tags"].count == 0
    store.restore_annotation(note)
    assert store.find_annotation(note.id) == note
    assert [a.id for a in store.annotations(article_id)] == [note.id, other.id]


def test_deleting_a_tag_unlinks_it(stored):
    store, article_id = stored
    note = store.create_annotation(article_id, 0, 9, "me", tags=["claim", "opinion"])
    store.delete_tag(store.find_tag("claim").id)
    assert store.find_annotation(note.id).tags == ["opinion"]


# ---------------------------------------------------------------- search


def test_search_finds_article_text_and_notes(stored):
    store, article_id = stored
    store.add_article(article("Something else entirely about gardens."))
    note = store.create_annotation(article_id, 0, 9, "me", note="ask the council about funding")

    hits = store.search("bridge")
    assert [(h.kind, h.article_id) for h in hits] == [("article", article_id)]
    assert "[bridge]" in hits[0].snippet

    hits = store.search("council")
    assert [(h.kind, h.article_id, h.annotation_id) for h in hits] == [("annotation", article_id, note.id)]

    # The last word is a prefix; every word must match.
    assert [h.kind for h in store.search("critics conv")] == ["article"]
    assert store.search("bridge gardens") == []
    assert store.search("nothingmatches") == []


def test_search_follows_edits_and_deletes(stored):
    store, article_id = stored
    note = store.create_annotation(article_id, 0, 9, "me", note="first thought")
    store.set_note(note.id, "second thought")
    assert store.search("first") == []
    assert len(store.search("second")) == 1
    store.delete_annotation(note.id)
    assert store.search("second") == []


@pytest.mark.parametrize("query", ['"', "AND", "OR NOT", "bridge)", "*", "-", "NEAR(", "   "])
def test_search_never_fails_on_odd_input(stored, query):
    store, _ = stored
    assert isinstance(store.search(query), list)


def test_search_is_accent_and_case_insensitive(store):
    store.add_article(article("Le Café de Flore est à Paris."))
    assert len(store.search("café")) == 1
    assert len(store.search("CAFÉ")) == 1
    assert len(store.search("cafe")) == 1
    assert store.search("caff") == []


def test_unreadable_database_file_is_a_store_error(tmp_path, monkeypatch):
    import reader.store

    path = tmp_path / "lib.db"
    Store(path).close()

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(reader.store, "open", denied, raising=False)  # as if chmod 000 (root ignores that)
    with pytest.raises(StoreError) as info:
        Store(path)
    assert "Permission denied" in str(info.value) and str(path) in str(info.value)


_SESSION = """
import sys, time
from reader.ingest.files import parse_article
from reader.store import Store
path, start, k = sys.argv[1], float(sys.argv[2]), sys.argv[3]
while time.time() < start:
    time.sleep(0.001)
store = Store(path)  # several sessions may create the same new file at once
for i in range(15):
    article_id, _ = store.add_article(parse_article(f"Story {i % 5}: the same few stories from everyone.".encode(), "a.txt"))
    note = store.create_annotation(article_id, 0, 5, "user" + k, tags=["claim", f"code {k}-{i % 2}", f"shared {i % 3}"])
    store.set_note(note.id, f"note {k}-{i}")
store.close()
"""


def test_several_sessions_on_one_new_file(tmp_path):
    import subprocess
    import sys
    import time

    path = tmp_path / "shared.db"
    start = time.time() + 1.0
    sessions = [
        subprocess.Popen([sys.executable, "-c", _SESSION, str(path), str(start), str(k)], stderr=subprocess.PIPE, text=True)
        for k in range(5)
    ]
    errors = [p.communicate(timeout=120)[1] for p in sessions]
    assert [p.returncode for p in sessions] == [0] * 5, errors
    store = Store(path)
    assert store.count_articles() == 5  # de-duplicated across sessions
    assert store.db["annotations"].count == 5 * 15
    assert {t.name for t in store.tags()} >= {f"code {k}-{j}" for k in range(5) for j in range(2)}
    assert len({t.position for t in store.tags()}) == len(store.tags())
    store.close()


def test_new_tags_take_colours_in_turn():
    store = Store(None)
    defaults = {tag.colour for tag in store.tags()}
    colours = [store.ensure_tag(f"new {i}").colour for i in range(3)]
    assert len(set(colours)) == 3 and not defaults & set(colours)


def test_an_undo_never_overwrites_the_annotation_that_took_its_id(stored):
    """SQLite gives a deleted annotation's id to the next one made: ben's undo of his delete must not put his
    annotation back over ana's newer one, nor a redo delete hers (found by review)."""
    store, article_id = stored
    bens = store.create_annotation(article_id, 0, 3, "ben", ["claim"])
    store.delete_annotation(bens.id)
    anas = store.create_annotation(article_id, 4, 9, "ana", ["actor"], note="hers")
    assert anas.id == bens.id  # the id came back
    with pytest.raises(StoreError, match="is now another annotation"):
        store.restore_annotation(bens)
    with pytest.raises(StoreError, match="is now another annotation"):
        store.delete_annotation(bens.id, same_as=bens)
    [kept] = store.annotations(article_id)
    assert (kept.author, kept.note, kept.tags) == ("ana", "hers", ["actor"])
