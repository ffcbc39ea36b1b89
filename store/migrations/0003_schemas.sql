-- Label schemas, versioned: the newest row is the project's schema.
CREATE TABLE schemas (
	version    INTEGER PRIMARY KEY,
	toml       TEXT NOT NULL,
	source     TEXT NOT NULL,
	created_at TEXT NOT NULL
);
