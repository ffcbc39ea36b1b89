-- Merging projects (slant merge). Each merge that changed anything is
-- recorded. Events a merge brought in keep the row ids of the project they
-- came from (they are history: audit and timing), so they are never undone
-- or redone; neither are this project's events of a layer that a merge
-- replaced with a newer one. Schema versions a merge brought in are kept
-- for the labels made under them, but never become the current schema.
CREATE TABLE merges (
	id             INTEGER PRIMARY KEY,
	source         TEXT NOT NULL,              -- the merged project file's absolute path
	source_created TEXT NOT NULL DEFAULT '',   -- its created_at setting
	at             TEXT NOT NULL,
	summary        TEXT NOT NULL DEFAULT '{}'  -- JSON: what the merge did
);

ALTER TABLE events ADD COLUMN merged_in INTEGER REFERENCES merges(id);
ALTER TABLE events ADD COLUMN replaced_in INTEGER REFERENCES merges(id);
ALTER TABLE schemas ADD COLUMN merged_in INTEGER REFERENCES merges(id);
