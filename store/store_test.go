package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/slant-annotate/slant/annotate"
)

func openTemp(t *testing.T) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "p.slant")
	db, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

func addDocs(t *testing.T, db *DB, docs ...annotate.Document) *Batch {
	t.Helper()
	ctx := context.Background()
	b, err := db.BeginBatch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if err := b.Add(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestOpenCreatesProjectWithPragmas(t *testing.T) {
	db, path := openTemp(t)
	ctx := context.Background()
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := db.SchemaVersion(ctx); v != len(ms) || v < 7 {
		t.Fatalf("schema version %d, want %d (every migration)", v, len(ms))
	}
	var mode string
	var fk, sync int
	db.sql.QueryRow("PRAGMA journal_mode").Scan(&mode)
	db.sql.QueryRow("PRAGMA foreign_keys").Scan(&fk)
	db.sql.QueryRow("PRAGMA synchronous").Scan(&sync)
	if mode != "wal" || fk != 1 || sync != 2 {
		t.Fatalf("journal_mode=%s foreign_keys=%d synchronous=%d; want wal, 1, 2 (FULL)", mode, fk, sync)
	}
	if db.Name() != "p" || db.Path() != path {
		t.Fatalf("name %q path %q", db.Name(), db.Path())
	}
}

func TestDocumentsRoundTripAndDeduplicate(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	text := "⚖️ Trade\nThe U.S. and India.\n"
	b := addDocs(t, db,
		annotate.Document{Title: "One", Text: text, Source: "a.txt", Meta: map[string]any{"k": "v"}},
		annotate.Document{Title: "Same text", Text: text, Source: "b.txt"},
		annotate.Document{Title: "Two", Text: "Walmart-owned Flipkart.", Source: "c.jsonl:3"},
	)
	if b.Added != 2 || b.Duplicates != 1 {
		t.Fatalf("added %d dups %d, want 2 and 1", b.Added, b.Duplicates)
	}
	b = addDocs(t, db, annotate.Document{Title: "again", Text: text})
	if b.Added != 0 || b.Duplicates != 1 {
		t.Fatalf("re-import added %d", b.Added)
	}
	list, err := db.ListDocuments(ctx, "", 0, 10)
	if err != nil || len(list) != 2 {
		t.Fatalf("list %v %v", list, err)
	}
	if list[0].Title != "One" || list[0].Words != 6 || list[0].Status != StatusToDo {
		t.Fatalf("first %+v", list[0])
	}
	doc, err := db.Document(ctx, list[0].ID)
	if err != nil || doc.Text != text || doc.Meta["k"] != "v" || doc.Source != "a.txt" {
		t.Fatalf("document %+v %v", doc, err)
	}
	if _, err := db.Document(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing document: %v", err)
	}
	st, err := db.Stats(ctx)
	if err != nil || st.Documents != 2 || st.Formats["txt"] != 1 || st.Formats["jsonl"] != 1 {
		t.Fatalf("stats %+v %v", st, err)
	}
}

func TestFilterUsesFullText(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	addDocs(t, db,
		annotate.Document{Title: "Trade talks", Text: "Amazon and Walmart in India."},
		annotate.Document{Title: "Markets", Text: "Flipkart's rivals; café owners."},
		annotate.Document{Title: "Other", Text: "Nothing (NASDAQ: AMZN) here"},
	)
	cases := map[string]int{"": 3, "walmart": 1, "wal": 1, "india amazon": 1, "cafe": 1, "Flipkart's": 1,
		"AMZN)": 1, `"quote`: 0, "trade": 1, "zzz": 0, "  ": 3, "NOT": 1, "a OR b": 0}
	for f, want := range cases {
		n, err := db.CountDocuments(ctx, f)
		if err != nil || n != want {
			t.Errorf("filter %q: %d (%v), want %d", f, n, err, want)
		}
		list, err := db.ListDocuments(ctx, f, 0, 10)
		if err != nil || len(list) != want {
			t.Errorf("list filter %q: %d (%v), want %d", f, len(list), err, want)
		}
	}
}

func TestRollbackLeavesNothing(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	b, err := db.BeginBatch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b.Add(ctx, annotate.Document{Title: "x", Text: "half an import"})
	b.Rollback()
	if n, _ := db.CountDocuments(ctx, ""); n != 0 {
		t.Fatalf("%d documents after rollback", n)
	}
	if n, _ := db.CountDocuments(ctx, "half"); n != 0 {
		t.Fatalf("full-text index kept %d rolled-back documents", n)
	}
}

func TestSecondWriterIsRefusedReaderAllowed(t *testing.T) {
	_, path := openTemp(t)
	_, err := Open(context.Background(), path, Options{})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("second writer: %v", err)
	}
	ro, err := Open(context.Background(), path, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("reader: %v", err)
	}
	defer ro.Close()
	if _, err := ro.BeginBatch(context.Background()); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("read-only batch: %v", err)
	}
}

func TestLockReleasedOnClose(t *testing.T) {
	db, path := openTemp(t)
	db.Close()
	db2, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db2.Close()
}

func TestNewerProjectRefused(t *testing.T) {
	db, path := openTemp(t)
	db.sql.Exec("PRAGMA user_version = 99")
	db.Close()
	_, err := Open(context.Background(), path, Options{})
	if !errors.Is(err, ErrNewer) || !strings.Contains(err.Error(), "99") {
		t.Fatalf("newer project: %v", err)
	}
}

func TestNotAProjectRefused(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.slant")
	os.WriteFile(text, []byte("just some notes, not a database at all"), 0o644)
	if _, err := Open(context.Background(), text, Options{}); err == nil || !strings.Contains(err.Error(), "not a Slant project") {
		t.Fatalf("text file: %v", err)
	}
	if b, _ := os.ReadFile(text); string(b) != "just some notes, not a database at all" {
		t.Fatal("the file was changed")
	}
}

func TestMigrationKeepsBackup(t *testing.T) {
	db, path := openTemp(t)
	addDocs(t, db, annotate.Document{Title: "kept", Text: "kept text"})
	db.Close()
	real, _ := loadMigrations()
	next := len(real) + 1
	fsys := fstest.MapFS{}
	for _, m := range real {
		fsys["migrations/"+m.name] = &fstest.MapFile{Data: []byte(m.sql)}
	}
	fsys[fmt.Sprintf("migrations/%04d_more.sql", next)] = &fstest.MapFile{Data: []byte("ALTER TABLE documents ADD COLUMN extra TEXT;")}
	migrationSource = fsys
	defer func() { migrationSource = migrationFiles }()
	db2, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if v, _ := db2.SchemaVersion(context.Background()); v != next {
		t.Fatalf("version %d after migration", v)
	}
	migrationSource = migrationFiles
	if fi, err := os.Stat(fmt.Sprintf("%s.v%d.bak", path, next-1)); err != nil || fi.Mode() != 0o600 {
		t.Errorf("the backup is not private to its owner: %v %v", fi.Mode(), err)
	}
	bak, err := Open(context.Background(), fmt.Sprintf("%s.v%d.bak", path, next-1), Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	defer bak.Close()
	if n, _ := bak.CountDocuments(context.Background(), ""); n != 1 {
		t.Fatalf("backup holds %d documents", n)
	}
}

func TestFTSQuery(t *testing.T) {
	for in, want := range map[string]string{
		"india":       `"india"*`,
		"india ":      `"india"`,
		`a"b`:         `"a"`, // a last letter alone does not filter yet
		"U.S. trade":  `"U" "S" "trade"*`,
		"":            "",
		"-- ":         "",
		"Flipkart’s ": `"Flipkart’s"`,
	} {
		if got := ftsQuery(in); got != want {
			t.Errorf("ftsQuery(%q) = %s, want %s", in, got, want)
		}
	}
}
