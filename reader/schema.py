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
def m004_library_at_scale(db: Database) -> None:
    """What the library lists, kept as the data changes, so a list of 100,000 articles reads no article text.

    - `article_counts`: per article, its annotations, notes (annotations whose note is not
      blank), entities and quotations, kept by triggers in the transaction that changes them
      (a correlated count per row made `reader list` of 20,000 articles take 25 s).
    - `idx_articles_listing`: every listed column of `articles`, so the list is read from this
      index rather than from rows that hold the whole text (100,000 ids: 24 ms instead of 98 ms).
    - `analysis_queue`: articles a `reanalyze --all` still has to do, so one that is killed and
      run again does only what is left; an article leaves it in the transaction that stores its analysis.
    """
    db.executescript(
        """
        CREATE TABLE article_counts (
            article_id INTEGER PRIMARY KEY,
            annotations INTEGER NOT NULL DEFAULT 0,
            notes INTEGER NOT NULL DEFAULT 0,
            entities INTEGER NOT NULL DEFAULT 0,
            quotes INTEGER NOT NULL DEFAULT 0
        );
        INSERT INTO article_counts (article_id, annotations, notes, entities, quotes)
        SELECT a.id,
               COALESCE(n.annotations, 0), COALESCE(n.notes, 0), COALESCE(e.entities, 0), COALESCE(q.quotes, 0)
        FROM articles a
        LEFT JOIN (SELECT article_id, COUNT(*) AS annotations, SUM(trim(note) != '') AS notes
                   FROM annotations GROUP BY article_id) n ON n.article_id = a.id
        LEFT JOIN (SELECT article_id, COUNT(*) AS entities FROM entities GROUP BY article_id) e ON e.article_id = a.id
        LEFT JOIN (SELECT article_id, COUNT(*) AS quotes FROM quotes GROUP BY article_id) q ON q.article_id = a.id;

        CREATE TRIGGER article_counts_article_insert AFTER INSERT ON articles BEGIN
            INSERT OR IGNORE INTO article_counts (article_id) VALUES (new.id);
        END;
        CREATE TRIGGER article_counts_article_delete AFTER DELETE ON articles BEGIN
            DELETE FROM article_counts WHERE article_id = old.id;
        END;
        CREATE TRIGGER article_counts_annotation_insert AFTER INSERT ON annotations BEGIN
            UPDATE article_counts SET annotations = annotations + 1, notes = notes + (trim(new.note) != '')
            WHERE article_id = new.article_id;
        END;
        CREATE TRIGGER article_counts_annotation_delete AFTER DELETE ON annotations BEGIN
            UPDATE article_counts SET annotations = annotations - 1, notes = notes - (trim(old.note) != '')
            WHERE article_id = old.article_id;
        END;
        CREATE TRIGGER article_counts_annotation_update AFTER UPDATE OF note, article_id ON annotations BEGIN
            UPDATE article_counts SET annotations = annotations - 1, notes = notes - (trim(old.note) != '')
            WHERE article_id = old.article_id;
            UPDATE article_counts SET annotations = annotations + 1, notes = notes + (trim(new.note) != '')
            WHERE article_id = new.article_id;
        END;
        CREATE TRIGGER article_counts_entity_insert AFTER INSERT ON entities BEGIN
            UPDATE article_counts SET entities = entities + 1 WHERE article_id = new.article_id;
        END;
        CREATE TRIGGER article_counts_entity_delete AFTER DELETE ON entities BEGIN
            UPDATE article_counts SET entities = entities - 1 WHERE article_id = old.article_id;
        END;
        CREATE TRIGGER article_counts_quote_insert AFTER INSERT ON quotes BEGIN
            UPDATE article_counts SET quotes = quotes + 1 WHERE article_id = new.article_id;
        END;
        CREATE TRIGGER article_counts_quote_delete AFTER DELETE ON quotes BEGIN
            UPDATE article_counts SET quotes = quotes - 1 WHERE article_id = old.article_id;
        END;

        CREATE INDEX idx_articles_listing ON articles(id, date, word_count, analyser, imported_at, title, source);

        CREATE TABLE analysis_queue (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE
        );
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


@migrations()
def m007_assignments(db: Database) -> None:
    """Reliability samples: an assignment (open until closed) gives each of its coders the same articles to code
    independently; its rows are (assignment, article, coder)."""
    db.executescript(
        """
        CREATE TABLE assignments (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            created_at TEXT NOT NULL,
            closed_at TEXT,
            seed INTEGER
        );
        CREATE TABLE assignment_articles (
            assignment_id INTEGER NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            coder TEXT NOT NULL,
            PRIMARY KEY (assignment_id, article_id, coder)
        );
        CREATE INDEX idx_assignment_articles_coder ON assignment_articles(coder, assignment_id);
        """
    )


@migrations()
def m008_speaker_index(db: Database) -> None:
    """The speaker index, kept as the library changes (reader/store.py, "speaker index").

    - `speaker_quotes`: each quotation as people corrected it, with what the index shows (outlet, day,
      status, the sentence around it) and its `form` (reader/speakers.py Form: what names its speaker),
      rewritten for an article in the transaction that changes its analysis or a decision on it;
      searched with `speaker_quotes_fts`.
    - `speaker_forms`: the distinct forms, how many quotations have each (kept by triggers) and the
      speaker each names; `dirty` until the names are merged again.
    - `speakers`: the speakers and their counts, as the index lists them.
    - `speaker_decisions`: a person's merges and splits, never touched by re-analysis.
    - `speaker_queue`: articles whose rows are still to be written: every article with quotations when
      this migration runs (written on the first look at the index, not while the library opens).
    """
    db.executescript(
        """
        CREATE TABLE speaker_quotes (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            text TEXT NOT NULL,
            speaker TEXT,
            cue TEXT,
            source TEXT,
            status TEXT NOT NULL,
            date TEXT,
            day TEXT,
            outlet TEXT,
            sentence TEXT NOT NULL DEFAULT '',
            form TEXT NOT NULL
        );
        CREATE INDEX idx_speaker_quotes_article ON speaker_quotes(article_id);
        CREATE INDEX idx_speaker_quotes_form ON speaker_quotes(form, day, article_id, start);
        CREATE TABLE speaker_forms (
            form TEXT PRIMARY KEY,
            quotes INTEGER NOT NULL DEFAULT 0,
            speaker_id INTEGER,
            dirty INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX idx_speaker_forms_speaker ON speaker_forms(speaker_id);
        CREATE INDEX idx_speaker_forms_dirty ON speaker_forms(dirty) WHERE dirty;
        CREATE TABLE speakers (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            folded TEXT NOT NULL,
            quotes INTEGER NOT NULL DEFAULT 0,
            articles INTEGER NOT NULL DEFAULT 0,
            outlets INTEGER NOT NULL DEFAULT 0,
            first TEXT,
            last TEXT,
            machine INTEGER NOT NULL DEFAULT 0,
            variants TEXT NOT NULL DEFAULT '[]',
            outlet_names TEXT NOT NULL DEFAULT '[]',
            UNIQUE (kind, folded)
        );
        CREATE TABLE speaker_decisions (
            id INTEGER PRIMARY KEY,
            action TEXT NOT NULL CHECK (action IN ('merge', 'split')),
            name TEXT NOT NULL,
            "into" TEXT,
            author TEXT NOT NULL,
            decided_at TEXT NOT NULL
        );
        CREATE TABLE speaker_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            stale INTEGER NOT NULL DEFAULT 1
        );
        INSERT INTO speaker_state (id, stale) VALUES (1, 1);
        CREATE TABLE speaker_queue (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE
        );
        INSERT INTO speaker_queue (article_id)
            SELECT DISTINCT article_id FROM quotes
            UNION SELECT DISTINCT article_id FROM decisions WHERE kind = 'quote';

        CREATE TRIGGER speaker_forms_quote_insert AFTER INSERT ON speaker_quotes BEGIN
            INSERT OR IGNORE INTO speaker_forms (form, quotes, dirty) VALUES (new.form, 0, 1);
            UPDATE speaker_forms SET quotes = quotes + 1, dirty = 1 WHERE form = new.form;
        END;
        CREATE TRIGGER speaker_forms_quote_delete AFTER DELETE ON speaker_quotes BEGIN
            UPDATE speaker_forms SET quotes = quotes - 1, dirty = 1 WHERE form = old.form;
        END;
        CREATE TRIGGER speaker_state_decision_insert AFTER INSERT ON speaker_decisions BEGIN
            UPDATE speaker_state SET stale = 1;
        END;
        CREATE TRIGGER speaker_state_decision_delete AFTER DELETE ON speaker_decisions BEGIN
            UPDATE speaker_state SET stale = 1;
        END;
        """
    )
    db["speaker_quotes"].enable_fts(["text"], create_triggers=True, tokenize="unicode61")


@migrations()
def m010_adjudications(db: Database) -> None:
    """Adjudication: the adjudicated layer itself is annotations, codes and decisions by the author
    'adjudicated'; this table says, for each item of an assignment settled in it, how (agreed, a coder's
    version, both, an edit), whose version, who decided and when."""
    db.executescript(
        """
        CREATE TABLE adjudications (
            assignment_id INTEGER NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            item TEXT NOT NULL,
            choice TEXT NOT NULL CHECK (choice IN ('agreed', 'a', 'b', 'both', 'edit')),
            coder TEXT,
            decided_by TEXT NOT NULL,
            decided_at TEXT NOT NULL,
            PRIMARY KEY (assignment_id, article_id, item)
        );
        """
    )
