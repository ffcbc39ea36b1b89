-- Annotators, their own layers over the suggestions, their labels, the
-- status of each document for each of them, and the event log behind undo,
-- redo and the audit trail. Offsets are code points.

CREATE TABLE annotators (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
	created_at TEXT NOT NULL
);

-- An annotator's targets in a document: seeded from the suggested targets
-- the first time the annotator opens it, then theirs to rename, merge, split.
CREATE TABLE layer_targets (
	id            INTEGER PRIMARY KEY,
	doc_id        INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	annotator_id  INTEGER NOT NULL REFERENCES annotators(id),
	name          TEXT    NOT NULL,
	label         TEXT    NOT NULL,
	suggested_ord INTEGER,            -- the suggested target it came from, if any
	deleted       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX layer_targets_doc ON layer_targets(doc_id, annotator_id);

-- An annotator's spans: entity mentions and quotes. decision records what
-- they did with a suggestion: pending (untouched), accepted, edited,
-- rejected; or added (their own).
CREATE TABLE layer_spans (
	id            INTEGER PRIMARY KEY,
	doc_id        INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	annotator_id  INTEGER NOT NULL REFERENCES annotators(id),
	kind          TEXT    NOT NULL CHECK (kind IN ('entity', 'quote')),
	start         INTEGER NOT NULL,
	end           INTEGER NOT NULL CHECK (end > start),
	label         TEXT    NOT NULL DEFAULT '',
	target_id     INTEGER REFERENCES layer_targets(id),
	speaker_start INTEGER,
	speaker_end   INTEGER,
	suggestion_id INTEGER,            -- suggested_spans.id it came from, if any
	decision      TEXT    NOT NULL CHECK (decision IN ('pending', 'accepted', 'edited', 'rejected', 'added'))
);
CREATE INDEX layer_spans_doc ON layer_spans(doc_id, annotator_id, start);

-- Labels: (document, annotator, task, unit) → value. unit is "doc", or
-- "t<layer_targets.id>", or "q<layer_spans.id>".
CREATE TABLE labels (
	doc_id         INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	annotator_id   INTEGER NOT NULL REFERENCES annotators(id),
	task           TEXT    NOT NULL,
	unit           TEXT    NOT NULL,
	value          TEXT    NOT NULL,
	towards        INTEGER,           -- for stance: the layer target it is towards
	schema_version INTEGER NOT NULL DEFAULT 0,
	updated_at     TEXT    NOT NULL,
	PRIMARY KEY (doc_id, annotator_id, task, unit)
);
CREATE INDEX labels_annotator ON labels(annotator_id);

-- Where each annotator is with each document.
CREATE TABLE doc_status (
	doc_id       INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	annotator_id INTEGER NOT NULL REFERENCES annotators(id),
	status       TEXT    NOT NULL CHECK (status IN ('in progress', 'done', 'skipped')),
	updated_at   TEXT    NOT NULL,
	seconds      REAL    NOT NULL DEFAULT 0,  -- time spent on it, summed over visits
	PRIMARY KEY (doc_id, annotator_id)
);
CREATE INDEX doc_status_annotator ON doc_status(annotator_id, status);

-- Every change an annotator makes, with the rows before and after, so any
-- action can be undone and redone, across documents and restarts.
-- undone: 0 done, 1 undone (redoable), 2 undone and superseded.
CREATE TABLE events (
	id           INTEGER PRIMARY KEY,
	annotator_id INTEGER NOT NULL REFERENCES annotators(id),
	doc_id       INTEGER NOT NULL,
	at           TEXT    NOT NULL,
	action       TEXT    NOT NULL,
	changes      TEXT    NOT NULL,
	undone       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX events_annotator ON events(annotator_id, undone, id);

-- Which annotators' layers have been seeded from the suggestions.
CREATE TABLE layers (
	doc_id       INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	annotator_id INTEGER NOT NULL REFERENCES annotators(id),
	seeded_at    TEXT    NOT NULL,
	engine       TEXT    NOT NULL,
	PRIMARY KEY (doc_id, annotator_id)
);
