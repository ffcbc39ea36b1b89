package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slant-annotate/slant/annotate"
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

// Automatic backups: one a day, the last three kept; a damaged project is
// restored from the newest with one call, the damaged one kept beside it.
func TestAutoBackupAndRestore(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.slant")
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := db.BeginBatch(ctx)
	b.Add(ctx, annotate.Document{Text: "An article worth keeping."})
	b.Commit()
	first, err := db.AutoBackup(ctx)
	if err != nil || first == "" {
		t.Fatalf("first backup %q: %v", first, err)
	}
	if again, err := db.AutoBackup(ctx); again != "" || err != nil {
		t.Errorf("a second backup the same day: %q %v", again, err)
	}
	// Three more days: four made, three kept, newest first.
	for i := range 3 {
		all, _ := store.Backups(path)
		old := time.Now().Add(-time.Duration(48+i) * time.Hour)
		os.Chtimes(all[0], old, old)
		time.Sleep(1100 * time.Millisecond) // backups are named by the second
		if p, err := db.AutoBackup(ctx); p == "" || err != nil {
			t.Fatalf("day %d: %q %v", i, p, err)
		}
	}
	all, _ := store.Backups(path)
	if len(all) != store.BackupsKept {
		t.Errorf("%d backups kept, want %d", len(all), store.BackupsKept)
	}
	if fi, _ := os.Stat(all[0]); fi.Mode() != 0o600 {
		t.Errorf("a backup is %v", fi.Mode())
	}
	db.Close()
	os.WriteFile(path, []byte("SQLite format 3\x00 and then garbage"), 0o600)
	kept, err := store.Restore(path, all[0])
	if err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(kept); !strings.Contains(string(data), "garbage") {
		t.Error("the damaged project was not kept")
	}
	db, err = store.Open(ctx, path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, _ := db.CountDocuments(ctx, ""); n != 1 {
		t.Errorf("restored project holds %d documents", n)
	}
}

// A damaged project is caught by the quick check, after which nothing more
// is written to it: the error says so and how to restore.
func TestQuickCheckStopsWrites(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.slant")
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := db.BeginBatch(ctx)
	for i := range 300 {
		b.Add(ctx, annotate.Document{Text: strings.Repeat(fmt.Sprintf("Article %d about trade and tariffs. ", i), 40)})
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := db.QuickCheck(ctx); err != nil {
		t.Fatalf("a sound project: %v", err)
	}
	db.Checkpoint(ctx)
	// Flip bytes in the file's pages behind SQLite's back.
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := f.Stat()
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		off := 4096 + r.Int64N(fi.Size()-4096)
		var one [1]byte
		f.ReadAt(one[:], off)
		one[0] ^= 0xff
		f.WriteAt(one[:], off)
	}
	f.Close()
	err = db.QuickCheck(ctx)
	if !errors.Is(err, store.ErrDamaged) || !strings.Contains(err.Error(), "slant restore --db") {
		t.Fatalf("a damaged project: %v", err)
	}
	if _, err := db.BeginBatch(ctx); !errors.Is(err, store.ErrDamaged) {
		t.Errorf("a write after the check: %v", err)
	}
	db.Close()
}
