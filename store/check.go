package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
)

// Problem is one thing Check found wrong.
type Problem struct {
	Check  string `json:"check"`  // integrity, search index, spans
	Detail string `json:"detail"` // what, and where
}

// Check looks the project over: SQLite's integrity check, the full-text
// index against the documents, and every stored span (suggested or an
// annotator's, with its speaker) within its document's text. It reads
// only; no problems means none were found.
func (db *DB) Check(ctx context.Context) ([]Problem, error) {
	var out []Problem
	err := db.eachRowArgs(ctx, "PRAGMA integrity_check(100)", nil, func(r *sql.Rows) error {
		var msg string
		if err := r.Scan(&msg); err != nil {
			return err
		}
		if msg != "ok" {
			out = append(out, Problem{Check: "integrity", Detail: msg})
		}
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("check %s: %w", db.path, err)
	}
	if !db.readOnly {
		// FTS5's own check compares the index with the documents.
		if _, err := db.sql.ExecContext(ctx, "INSERT INTO documents_fts(documents_fts, rank) VALUES ('integrity-check', 1)"); err != nil {
			out = append(out, Problem{Check: "search index", Detail: err.Error()})
		}
	}
	for _, q := range []struct{ what, query string }{
		{"suggested span", `SELECT s.doc_id, s.id, s.start, s.end, d.chars FROM suggested_spans s JOIN documents d ON d.id = s.doc_id
			WHERE s.start < 0 OR s.end > d.chars OR s.start >= s.end OR (s.speaker_start IS NOT NULL AND (s.speaker_start < 0 OR s.speaker_end > d.chars))`},
		{"annotator's span", `SELECT s.doc_id, s.id, s.start, s.end, d.chars FROM layer_spans s JOIN documents d ON d.id = s.doc_id
			WHERE s.start < 0 OR s.end > d.chars OR s.start >= s.end OR (s.speaker_start IS NOT NULL AND (s.speaker_start < 0 OR s.speaker_end > d.chars))
			OR (s.cue_start IS NOT NULL AND (s.cue_start < 0 OR s.cue_end > d.chars))`},
	} {
		err := db.eachRowArgs(ctx, q.query, nil, func(r *sql.Rows) error {
			var doc, id, start, end, chars int64
			if err := r.Scan(&doc, &id, &start, &end, &chars); err != nil {
				return err
			}
			out = append(out, Problem{Check: "spans", Detail: fmt.Sprintf("document %d: %s %d at [%d, %d) (or its speaker or cue) is outside its text of %d characters", doc, q.what, id, start, end, chars)})
			return nil
		})
		if err != nil {
			out = append(out, Problem{Check: "spans", Detail: err.Error()})
		}
	}
	return out, nil
}

// Backup writes a consistent copy of the project to path (a snapshot, even
// while a window writes to it): through a temporary file beside path,
// renamed into place when whole, private to its owner. An existing path
// is refused.
func (db *DB) Backup(ctx context.Context, path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	if abs == db.path {
		return fmt.Errorf("back up %s: that is the project itself", path)
	}
	if _, err := os.Stat(abs); err == nil {
		return fmt.Errorf("back up to %s: it exists; give a new file", path)
	}
	tmp := abs + ".partial"
	os.Remove(tmp)
	if _, err := db.sql.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	if err := os.Rename(tmp, abs); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	return nil
}
