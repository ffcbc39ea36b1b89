package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
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
	if err := snapshot(ctx, db.sql, abs); err != nil {
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	return nil
}

// snapshot writes a consistent copy of the database conn reads to path,
// private like the project: it is written beside path first and renamed
// into place, so path never holds half a copy.
func snapshot(ctx context.Context, conn interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, path string) error {
	tmp := path + ".partial"
	os.Remove(tmp)
	err := func() error {
		if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
			return err
		}
		if err := os.Chmod(tmp, 0o600); err != nil {
			return err
		}
		return os.Rename(tmp, path)
	}()
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// BackupsKept is how many automatic backups AutoBackup keeps.
const BackupsKept = 3

// BackupsDir is the folder automatic backups of the project at path are
// kept in: hidden, beside it.
func BackupsDir(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".backups")
}

// Backups lists the project's automatic backups, newest first.
func Backups(path string) ([]string, error) {
	entries, err := os.ReadDir(BackupsDir(path))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".slant") {
			out = append(out, filepath.Join(BackupsDir(path), e.Name()))
		}
	}
	slices.Sort(out) // named by time
	slices.Reverse(out)
	return out, nil
}

// AutoBackup keeps a rolling backup of the project: a snapshot in
// BackupsDir, at most one a day, the last BackupsKept kept. It reads the
// project through a connection of its own, so that the window's writes
// do not wait for it; it returns the new backup's path, or "" when the
// newest is less than a day old.
func (db *DB) AutoBackup(ctx context.Context) (string, error) {
	dir := BackupsDir(db.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("automatic backup: %w", err)
	}
	old, err := Backups(db.path)
	if err != nil {
		return "", fmt.Errorf("automatic backup: %w", err)
	}
	if len(old) > 0 {
		if fi, err := os.Stat(old[0]); err == nil && time.Since(fi.ModTime()) < 24*time.Hour {
			return "", nil
		}
	}
	// Leftovers of a backup cut short (the window closed during it).
	if partial, _ := filepath.Glob(filepath.Join(dir, "*.partial")); len(partial) > 0 {
		for _, p := range partial {
			os.Remove(p)
		}
	}
	reader, err := sql.Open("sqlite", dsn(db.path, true))
	if err != nil {
		return "", fmt.Errorf("automatic backup: %w", err)
	}
	defer reader.Close()
	name := filepath.Join(dir, time.Now().UTC().Format("2006-01-02T150405Z")+".slant")
	if err := snapshot(ctx, reader, name); err != nil {
		return "", fmt.Errorf("automatic backup: %w", err)
	}
	all, _ := Backups(db.path)
	for _, p := range all[min(len(all), BackupsKept):] {
		os.Remove(p)
	}
	return name, nil
}

// Restore puts the backup at from in place of the project at path, which
// no one may have open for writing: the project as it was (and its
// journal) is kept beside it as PROJECT.damaged-TIME, never deleted.
func Restore(path, from string) (kept string, err error) {
	lock, err := lockFile(path + "-lock")
	if err != nil {
		return "", fmt.Errorf("restore %s: %w", path, err)
	}
	defer lock.release()
	if err := checkHeader(from); err != nil {
		return "", fmt.Errorf("restore from %s: %w", from, err)
	}
	kept = path + ".damaged-" + time.Now().UTC().Format("2006-01-02T150405Z")
	if _, err := os.Stat(path); err == nil {
		if err := os.Rename(path, kept); err != nil {
			return "", fmt.Errorf("restore %s: keep the project as it was: %w", path, err)
		}
		for _, j := range []string{"-wal", "-shm"} {
			if _, err := os.Stat(path + j); err == nil {
				os.Rename(path+j, kept+j)
			}
		}
	} else {
		kept = ""
	}
	if err := copyPrivate(from, path+".partial"); err != nil {
		os.Remove(path + ".partial")
		return kept, fmt.Errorf("restore %s from %s: %w", path, from, err)
	}
	if err := os.Rename(path+".partial", path); err != nil {
		return kept, fmt.Errorf("restore %s: %w", path, err)
	}
	return kept, nil
}

// copyPrivate copies from into a new file to, private to its owner, synced.
func copyPrivate(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
