-- Label schemas: every version the project has used, newest last. A version
-- is never changed or deleted: labels name the version they were made under.
CREATE TABLE schemas (
	version    INTEGER PRIMARY KEY AUTOINCREMENT,
	toml       TEXT    NOT NULL,            -- canonical TOML (schema.Schema.TOML)
	source     TEXT    NOT NULL DEFAULT '', -- file name it came from, or "default"
	created_at TEXT    NOT NULL
);
