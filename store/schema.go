package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/slant-annotate/slant/annotate/schema"
)

// SchemaVersion describes one stored version of the label schema.
type SchemaVersion struct {
	Version int      `json:"version"`
	Source  string   `json:"source"`  // file name it came from, or "default"
	Created string   `json:"created"` // RFC 3339, UTC
	Tasks   []string `json:"tasks"`
}

// SchemaSourceDefault is the source of the built-in schema.
const SchemaSourceDefault = "default"

// Schema returns the project's current (newest) label schema and its
// version. A project that has none yet gets the built-in default, stored as
// version 1; a read-only one gets the default unstored, as version 0.
func (db *DB) Schema(ctx context.Context) (s *schema.Schema, version int, err error) {
	s, sv, err := db.latestSchema(ctx, db.sql)
	if err != nil || sv.Version > 0 {
		return s, sv.Version, err
	}
	if db.readOnly {
		return schema.Default(), 0, nil
	}
	def := schema.Default()
	version, err = db.SetSchema(ctx, def, SchemaSourceDefault)
	if err != nil {
		return nil, 0, err
	}
	return def, version, nil
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// latestSchema returns the newest stored schema, or version 0 if none.
// Versions a merge brought in (for the labels made under them) are never
// current.
func (db *DB) latestSchema(ctx context.Context, q queryer) (*schema.Schema, SchemaVersion, error) {
	var sv SchemaVersion
	var text string
	err := q.QueryRowContext(ctx, "SELECT version, toml, source, created_at FROM schemas WHERE merged_in IS NULL ORDER BY version DESC LIMIT 1").
		Scan(&sv.Version, &text, &sv.Source, &sv.Created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, SchemaVersion{}, nil
	}
	if err != nil {
		return nil, sv, fmt.Errorf("read the label schema: %w", err)
	}
	return parseStored(text, sv)
}

func parseStored(text string, sv SchemaVersion) (*schema.Schema, SchemaVersion, error) {
	s, err := schema.Parse([]byte(text), fmt.Sprintf("schema version %d", sv.Version))
	if err != nil {
		return nil, sv, fmt.Errorf("stored label schema is damaged: %w", err)
	}
	sv.Tasks = s.TaskNames()
	return s, sv, nil
}

// SchemaAt returns a stored version of the schema, or ErrNotFound.
func (db *DB) SchemaAt(ctx context.Context, version int) (*schema.Schema, SchemaVersion, error) {
	sv := SchemaVersion{Version: version}
	var text string
	err := db.sql.QueryRowContext(ctx, "SELECT toml, source, created_at FROM schemas WHERE version = ?", version).
		Scan(&text, &sv.Source, &sv.Created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, sv, fmt.Errorf("label schema version %d: %w", version, ErrNotFound)
	}
	if err != nil {
		return nil, sv, fmt.Errorf("read label schema version %d: %w", version, err)
	}
	return parseStored(text, sv)
}

// SetSchema makes s the project's schema, as a new version, and returns
// its number. source says where it came from (a file name, or "default").
// If s is the same as the current schema, nothing is stored and the
// current version is returned. Labels are never touched: those of tasks s
// drops stay in the project, under the version they were made with.
func (db *DB) SetSchema(ctx context.Context, s *schema.Schema, source string) (version int, err error) {
	if err := db.writable(); err != nil {
		return 0, fmt.Errorf("set the label schema: %w", err)
	}
	text := s.TOML()
	// Check s the way a file is checked: a schema built in code must obey
	// the same rules.
	if _, err := schema.Parse(text, source); err != nil {
		return 0, err
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var cur int
	var curText string
	err = tx.QueryRowContext(ctx, "SELECT version, toml FROM schemas WHERE merged_in IS NULL ORDER BY version DESC LIMIT 1").Scan(&cur, &curText)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("set the label schema: %w", err)
	}
	if err == nil && curText == string(text) {
		return cur, nil
	}
	res, err := tx.ExecContext(ctx, "INSERT INTO schemas(toml, source, created_at) VALUES (?, ?, ?)",
		string(text), source, time.Now().UTC().Format(time.RFC3339))
	if err != nil {
		return 0, fmt.Errorf("set the label schema: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("set the label schema: %w", err)
	}
	return int(id), nil
}

// SchemaVersions lists every stored version of the schema, oldest first.
func (db *DB) SchemaVersions(ctx context.Context) ([]SchemaVersion, error) {
	rows, err := db.sql.QueryContext(ctx, "SELECT version, toml, source, created_at FROM schemas ORDER BY version")
	if err != nil {
		return nil, fmt.Errorf("list label schema versions: %w", err)
	}
	defer rows.Close()
	var vs []SchemaVersion
	for rows.Next() {
		var sv SchemaVersion
		var text string
		if err := rows.Scan(&sv.Version, &text, &sv.Source, &sv.Created); err != nil {
			return nil, err
		}
		if _, sv, err = parseStored(text, sv); err != nil {
			return nil, err
		}
		vs = append(vs, sv)
	}
	return vs, rows.Err()
}
