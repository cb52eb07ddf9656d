"""The database schema, as versioned migrations recorded in the database itself.

Tables are plain and self-describing so the file is pleasant in the
`sqlite-utils` CLI or Datasette. Add a migration; never edit an applied one.
"""

from __future__ import annotations

from reader.sqlite import Database, Migrations

migrations = Migrations("reader")

DEFAULT_TAGS = [
    # name, quick key, colour, description
    ("claim", "1", "yellow", "A factual claim that could be checked"),
    ("fact-check", "2", "red", "Needs checking, or was checked: say the verdict in the note"),
    ("evidence", "3", "green", "Evidence, data or documents cited"),
    ("source", "4", "cyan", "Who or what the information comes from"),
    ("opinion", "5", "magenta", "Opinion, comment or evaluation"),
    ("framing", "6", "blue", "Word choice or framing worth noting"),
    ("actor", "7", "bright_magenta", "A person or organisation acting in the story"),
    ("follow-up", "8", "bright_yellow", "Something to follow up"),
    ("important", "9", "bright_red", "Key passage"),
]


@migrations()
def m001_initial(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            date TEXT,
            source TEXT,
            format TEXT NOT NULL DEFAULT 'text',
            author TEXT,
            text TEXT NOT NULL,
            content_hash TEXT NOT NULL UNIQUE,
            word_count INTEGER NOT NULL DEFAULT 0,
            meta TEXT NOT NULL DEFAULT '{}',
            imported_at TEXT NOT NULL,
            analyser TEXT,
            analysed_at TEXT
        );
        CREATE TABLE entities (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL,
            text TEXT NOT NULL
        );
        CREATE INDEX idx_entities_article ON entities(article_id, start);
        CREATE TABLE quotes (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            text TEXT NOT NULL,
            speaker TEXT,
            speaker_start INTEGER,
            speaker_end INTEGER,
            cue TEXT
        );
        CREATE INDEX idx_quotes_article ON quotes(article_id, start);
        CREATE TABLE tags (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            quick_key TEXT UNIQUE,
            colour TEXT NOT NULL DEFAULT 'yellow',
            description TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE annotations (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            exact TEXT NOT NULL,
            prefix TEXT NOT NULL DEFAULT '',
            suffix TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            author TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX idx_annotations_article ON annotations(article_id, start);
        CREATE TABLE annotation_tags (
            annotation_id INTEGER NOT NULL REFERENCES annotations(id) ON DELETE CASCADE,
            tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
            PRIMARY KEY (annotation_id, tag_id)
        );
        CREATE INDEX idx_annotation_tags_tag ON annotation_tags(tag_id);
        """
    )
    db["articles"].enable_fts(["title", "text"], create_triggers=True, tokenize="unicode61")
    db["annotations"].enable_fts(["exact", "note"], create_triggers=True, tokenize="unicode61")
    db["tags"].insert_all(
        {"name": n, "quick_key": k, "colour": c, "description": d, "position": i}
        for i, (n, k, c, d) in enumerate(DEFAULT_TAGS)
    )


def known_migrations() -> set[str]:
    return {m.name for m in migrations._migrations}


@migrations()
def m002_entity_canonical(db: Database) -> None:
    """Entities name their canonical form: the mention "Alec" belongs to "Alec Baldwin"."""
    db.execute("ALTER TABLE entities ADD COLUMN canonical TEXT")


@migrations()
def m003_annotations_in_text_order(db: Database) -> None:
    """Annotations indexed in the order export writes them (article, start, end, id): no sort of 100,000 rows."""
    db.executescript(
        """
        DROP INDEX IF EXISTS idx_annotations_article;
        CREATE INDEX idx_annotations_span ON annotations(article_id, start, "end");
        """
    )


@migrations()
def m006_decisions_and_article_codes(db: Database) -> None:
    """Verified highlights (a person's decision on each, kept apart from the machine's so that
    re-analysis never overwrites one), article-level variables and their codes, the parts of an
    attribution (the source mention and the cue of each quotation), and where each user left off."""
    db.executescript(
        """
        CREATE TABLE decisions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('entity', 'quote')),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('confirmed', 'corrected', 'rejected')),
            author TEXT NOT NULL,
            decided_at TEXT NOT NULL,
            label TEXT,
            canonical TEXT,
            speaker TEXT,
            new_start INTEGER,
            new_end INTEGER,
            added INTEGER NOT NULL DEFAULT 0,
            UNIQUE (article_id, kind, start, "end", author)
        );
        CREATE INDEX idx_decisions_article ON decisions(article_id, start);
        CREATE TABLE variables (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            kind TEXT NOT NULL CHECK (kind IN ('categorical', 'multi', 'ordinal', 'number', 'text')),
            description TEXT NOT NULL DEFAULT '',
            "values" TEXT NOT NULL DEFAULT '[]',
            position INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE article_codes (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            variable_id INTEGER NOT NULL REFERENCES variables(id) ON DELETE CASCADE,
            author TEXT NOT NULL,
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (article_id, variable_id, author)
        );
        CREATE TABLE places (
            user TEXT PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            "offset" INTEGER NOT NULL DEFAULT 0,
            left_at TEXT NOT NULL
        );
        ALTER TABLE quotes ADD COLUMN source_start INTEGER;
        ALTER TABLE quotes ADD COLUMN source_end INTEGER;
        ALTER TABLE quotes ADD COLUMN cue_start INTEGER;
        ALTER TABLE quotes ADD COLUMN cue_end INTEGER;
        """
    )
