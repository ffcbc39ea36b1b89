-- Documents: one row per article, deduplicated by the SHA-256 of its text.
-- Small columns come before text so that listing never reads the text pages.
CREATE TABLE documents (
	id          INTEGER PRIMARY KEY,
	sha256      TEXT    NOT NULL UNIQUE,
	title       TEXT    NOT NULL,
	words       INTEGER NOT NULL,
	chars       INTEGER NOT NULL,
	external_id TEXT    NOT NULL DEFAULT '',
	source      TEXT    NOT NULL DEFAULT '',
	format      TEXT    NOT NULL DEFAULT '',
	url         TEXT    NOT NULL DEFAULT '',
	imported_at TEXT    NOT NULL,
	meta        TEXT    NOT NULL DEFAULT '{}',
	text        TEXT    NOT NULL
);

-- Full-text index over titles and texts, kept in step by triggers.
CREATE VIRTUAL TABLE documents_fts USING fts5(
	title, text,
	content = 'documents', content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
	INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
	INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, text ON documents BEGIN
	INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
	INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;

-- Project settings (name, creation time, ...).
CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
