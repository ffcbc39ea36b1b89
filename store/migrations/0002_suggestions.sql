-- Pre-tags: suggestions made by an engine (prose plus Slant's rules), kept
-- apart from anything an annotator decides. Offsets are code points.

-- One row per pre-tagged document: which engine, when, how long it took.
CREATE TABLE pretag_runs (
	doc_id    INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
	engine    TEXT    NOT NULL,
	tagged_at TEXT    NOT NULL,
	millis    REAL    NOT NULL DEFAULT 0
);

-- Targets: one per real-world entity found in a document.
CREATE TABLE suggested_targets (
	id      INTEGER PRIMARY KEY,
	doc_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	ord     INTEGER NOT NULL,          -- position in the engine's list
	name    TEXT    NOT NULL,
	label   TEXT    NOT NULL,
	aliases TEXT    NOT NULL DEFAULT '[]',
	UNIQUE (doc_id, ord)
);

-- Spans: entity mentions and direct quotes (with their speakers).
CREATE TABLE suggested_spans (
	id            INTEGER PRIMARY KEY,
	doc_id        INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	kind          TEXT    NOT NULL CHECK (kind IN ('entity', 'quote')),
	start         INTEGER NOT NULL,
	end           INTEGER NOT NULL CHECK (end > start),
	label         TEXT    NOT NULL DEFAULT '',
	target_ord    INTEGER,             -- suggested_targets.ord, or NULL
	speaker_start INTEGER,
	speaker_end   INTEGER,
	evidence      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX suggested_spans_doc ON suggested_spans(doc_id, start);
