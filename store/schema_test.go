package store

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/slant-annotate/slant/annotate/schema"
)

func TestSchemaDefaultStoredOnFirstUse(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	s, v, err := db.Schema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v != 1 || !reflect.DeepEqual(s, schema.Default()) {
		t.Fatalf("version %d, schema %+v", v, s)
	}
	// Asking again stores nothing new.
	if _, v, _ := db.Schema(ctx); v != 1 {
		t.Fatalf("second call: version %d", v)
	}
	vs, err := db.SchemaVersions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || vs[0].Version != 1 || vs[0].Source != "default" || vs[0].Created == "" ||
		!reflect.DeepEqual(vs[0].Tasks, []string{"document_sentiment", "target_sentiment", "quote_stance"}) {
		t.Fatalf("versions %+v", vs)
	}
}

func TestSchemaReadOnlyWithoutStoredSchema(t *testing.T) {
	db, path := openTemp(t)
	db.Close()
	ctx := context.Background()
	ro, err := Open(ctx, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	s, v, err := ro.Schema(ctx)
	if err != nil || v != 0 || !reflect.DeepEqual(s, schema.Default()) {
		t.Fatalf("read-only: version %d, err %v", v, err)
	}
	if _, err := ro.SetSchema(ctx, s, "x.toml"); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("SetSchema on a read-only project: %v", err)
	}
	if vs, _ := ro.SchemaVersions(ctx); len(vs) != 0 {
		t.Fatalf("read-only project got versions %+v", vs)
	}
	ro.Close()
	rw, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	if _, v, _ := rw.Schema(ctx); v != 1 {
		t.Fatalf("writable: version %d", v)
	}
}

func TestSetSchemaVersions(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	def, _, err := db.Schema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	custom := def.Clone()
	custom.Tasks = custom.Tasks[1:]
	custom.Tasks = append(custom.Tasks, schema.Task{Name: "frame", Question: "Which frame?", Scope: schema.ScopeDocument,
		Labels: []schema.Label{{Value: "economic", Key: "e"}, {Value: "security", Key: "q"}}})
	v, err := db.SetSchema(ctx, custom, "frames.toml")
	if err != nil || v != 2 {
		t.Fatalf("SetSchema: %d %v", v, err)
	}
	got, cur, err := db.Schema(ctx)
	if err != nil || cur != 2 || !reflect.DeepEqual(got, custom) {
		t.Fatalf("current: %d %v %+v", cur, err, got)
	}
	// The same schema again: no new version.
	if v, err := db.SetSchema(ctx, custom.Clone(), "again.toml"); err != nil || v != 2 {
		t.Fatalf("identical schema: %d %v", v, err)
	}
	// Back to the default: a new version, not the old number.
	if v, err := db.SetSchema(ctx, def, "default"); err != nil || v != 3 {
		t.Fatalf("back to default: %d %v", v, err)
	}
	vs, err := db.SchemaVersions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 3 || vs[1].Source != "frames.toml" || !reflect.DeepEqual(vs[1].Tasks, []string{"target_sentiment", "quote_stance", "frame"}) {
		t.Fatalf("versions %+v", vs)
	}
	old, sv, err := db.SchemaAt(ctx, 2)
	if err != nil || sv.Source != "frames.toml" || !reflect.DeepEqual(old, custom) {
		t.Fatalf("SchemaAt(2): %v %+v", err, sv)
	}
	if _, _, err := db.SchemaAt(ctx, 9); !errors.Is(err, ErrNotFound) {
		t.Fatalf("SchemaAt(9): %v", err)
	}
}

func TestSetSchemaRefusesInvalid(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	bad := &schema.Schema{Name: "bad", Tasks: []schema.Task{{Name: "t", Question: "q", Scope: schema.ScopeDocument,
		Labels: []schema.Label{{Value: "only", Key: "1"}}}}}
	if _, err := db.SetSchema(ctx, bad, "bad.toml"); err == nil {
		t.Fatal("a one-label task was stored")
	}
	if vs, _ := db.SchemaVersions(ctx); len(vs) != 0 {
		t.Fatalf("versions %+v", vs)
	}
}

func TestSetSchemaKeepsLabels(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	var n int
	db.sql.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE name = 'labels'").Scan(&n)
	if n == 0 {
		t.Skip("no labels table in this version of the store")
	}
	if _, _, err := db.Schema(ctx); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"INSERT INTO documents(id, sha256, title, words, chars, imported_at, text) VALUES (1, 'x', 't', 1, 1, 'now', 'x')",
		"INSERT INTO annotators(id, name, created_at) VALUES (1, 'ann', 'now')",
		"INSERT INTO labels(doc_id, annotator_id, task, unit, value, schema_version, updated_at) VALUES (1, 1, 'quote_stance', 'q1', 'favor', 1, 'now')",
	} {
		if _, err := db.sql.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	s := schema.Default()
	s.Tasks = s.Tasks[:2] // drop quote_stance
	if _, err := db.SetSchema(ctx, s, "small.toml"); err != nil {
		t.Fatal(err)
	}
	db.sql.QueryRowContext(ctx, "SELECT count(*) FROM labels WHERE task = 'quote_stance'").Scan(&n)
	if n != 1 {
		t.Fatalf("%d quote_stance labels left", n)
	}
}
