package store_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slant-annotate/slant/store"
)

// A folder, or another program's SQLite file, is refused before anything
// is created or changed beside it.
func TestOpenRefusesWithoutChangingAnything(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if _, err := store.Open(ctx, dir, store.Options{}); err == nil || !strings.Contains(err.Error(), "it is a folder") {
		t.Errorf("a folder: %v", err)
	}
	if _, err := os.Stat(dir + "-lock"); err == nil {
		t.Error("a lock file was left beside the folder")
	}
	other := filepath.Join(t.TempDir(), "other.db")
	raw, err := sql.Open("sqlite", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("CREATE TABLE customers(name TEXT); INSERT INTO customers VALUES ('ann')"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	before, _ := os.ReadFile(other)
	for _, ro := range []bool{false, true} {
		if _, err := store.Open(ctx, other, store.Options{ReadOnly: ro}); err == nil || !strings.Contains(err.Error(), "another program's SQLite file") {
			t.Errorf("read-only %v: %v", ro, err)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(other))
	after, _ := os.ReadFile(other)
	if len(entries) != 1 || string(before) != string(after) {
		t.Errorf("beside the other program's file: %v; the file changed: %v", entries, string(before) != string(after))
	}
}

// A new project, its journal and its lock are private to their owner, and
// a folder made for it too.
func TestNewProjectIsPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new", "p.slant")
	db, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Stats(context.Background()); err != nil { // writes the WAL
		t.Fatal(err)
	}
	for _, c := range []struct {
		path string
		mode os.FileMode
	}{{path, 0o600}, {path + "-lock", 0o600}, {path + "-wal", 0o600}, {filepath.Dir(path), 0o700 | os.ModeDir}} {
		fi, err := os.Stat(c.path)
		if err != nil {
			t.Errorf("%s: %v", c.path, err)
			continue
		}
		if fi.Mode() != c.mode {
			t.Errorf("%s is %v, want %v", filepath.Base(c.path), fi.Mode(), c.mode)
		}
	}
}
