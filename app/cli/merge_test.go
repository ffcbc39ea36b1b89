package cli_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/schema"
	"github.com/slant-annotate/slant/store"
)

// annotatedProject makes a project at dir/name by the command line's own
// import, then gives annotator who a label and a finished status on each
// document.
func annotatedProject(t *testing.T, dir, name, who string, texts ...string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	var files []string
	for i, text := range texts {
		files = append(files, putFile(t, filepath.Join(dir, name+".in"), fmt.Sprintf("%d.txt", i), text))
	}
	mustSlant(t, nil, append([]string{"import", "--db", path}, files...)...)
	ctx := context.Background()
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ann, err := db.EnsureAnnotator(ctx, who)
	if err != nil {
		t.Fatal(err)
	}
	_, sv, err := db.Schema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	if err := db.EachDocument(ctx, "", func(d store.DocSummary) error { ids = append(ids, d.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if _, err := db.SetLabel(ctx, ann.ID, id, "document_sentiment", annotate.UnitDocument, annotate.LabelValue{Value: "positive"}, sv); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SetStatus(ctx, ann.ID, id, annotate.StatusDone, 10); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// dumpProject renders every row of every table of a project.
func dumpProject(t *testing.T, path string) string {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query("SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	rows.Close()
	var b strings.Builder
	for _, n := range names {
		rows, err := conn.Query(fmt.Sprintf("SELECT * FROM %q", n))
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			lines = append(lines, fmt.Sprint(vals))
		}
		rows.Close()
		sort.Strings(lines)
		fmt.Fprintf(&b, "== %s\n%s\n", n, strings.Join(lines, "\n"))
	}
	return b.String()
}

func TestMergeCommand(t *testing.T) {
	dir := t.TempDir()
	a := annotatedProject(t, dir, "ana.slant", "ana", "Amazon and India agreed.", "Walmart bought Flipkart.")
	b := annotatedProject(t, dir, "ben.slant", "ben", "Walmart bought Flipkart.", "Trump spoke about trade.")
	here := newProjectPath(t)
	out := mustSlant(t, nil, "merge", "--db", here, a, b)
	// Each file holds the sample too (a new project starts with it), as
	// does this one: 3 documents are new, and each annotator labelled all 3
	// of theirs.
	want := "merged 2 projects: 3 documents added, 2 annotators added, layers 6 added / 0 updated / 0 unchanged / 0 kept here, 6 labels, 12 events, 1 schema version\n"
	if out != want {
		t.Errorf("stdout %q\nwant   %q", out, want)
	}
	if rows := cmdListJSON(t, here); len(rows) != 4 {
		t.Errorf("%d documents after the merge, want 4", len(rows))
	}
	before := dumpProject(t, here)
	out = mustSlant(t, nil, "merge", a, "--db", here, b)
	if !strings.Contains(out, "layers 0 added / 0 updated / 6 unchanged") || !strings.HasSuffix(out, "nothing new\n") {
		t.Errorf("again: %q", out)
	}
	if after := dumpProject(t, here); after != before {
		t.Error("merging the same files again changed the project")
	}
}

func TestMergeCommandUsage(t *testing.T) {
	here := newProjectPath(t)
	for _, args := range [][]string{{"merge", "--db", here}, {"merge", "--db", here, "--nope", "x.slant"}} {
		out, errOut, code := runSlant(t, nil, args...)
		if code != 2 || out != "" || !strings.Contains(errOut, "usage: slant merge") {
			t.Errorf("slant %v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
	out, _, code := runSlant(t, nil, "help", "merge")
	if code != 0 || !strings.Contains(out, "--as") {
		t.Errorf("help merge: %d %q", code, out)
	}
}

func TestMergeCommandBadInput(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	here := annotatedProject(t, dir, "here.slant", "ana", "Amazon and India agreed.")
	twin := annotatedProject(t, dir, "twin.slant", "ana", "Another Ana's article.") // another person called ana
	notes := putFile(t, dir, "notes.slant", "not a project at all")
	newer := annotatedProject(t, dir, "newer.slant", "ben", "From the future.")
	if conn, err := sql.Open("sqlite", "file:"+newer); err == nil {
		conn.Exec("PRAGMA user_version = 99")
		conn.Close()
	}
	link := filepath.Join(dir, "link.slant")
	if err := os.Symlink(here, link); err != nil {
		t.Fatal(err)
	}
	labels := annotatedProject(t, dir, "labels.slant", "cai", "Other labels.")
	db, err := store.Open(ctx, labels, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := schema.Default()
	s.Tasks[0].Labels = s.Tasks[0].Labels[:2]
	if _, err := db.SetSchema(ctx, s, "two.toml"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	before := dumpProject(t, here)
	for _, c := range []struct {
		file  string
		parts []string
	}{
		{notes, []string{"not a Slant project"}},
		{newer, []string{"newer Slant", "update Slant"}},
		{here, []string{"into itself"}},
		{link, []string{"into itself"}},
		{twin, []string{`"ana"`, here, "--as"}},
		{labels, []string{`task "document_sentiment"`}},
		{filepath.Join(dir, "missing.slant"), []string{"no such file"}},
	} {
		out, errOut, code := runSlant(t, nil, "merge", "--db", here, c.file)
		if code != 1 || out != "" || !strings.Contains(errOut, c.file) || !strings.Contains(errOut, "nothing was changed") {
			t.Errorf("merge %s: exit %d, stdout %q, stderr %q", c.file, code, out, errOut)
		}
		for _, p := range c.parts {
			if !strings.Contains(errOut, p) {
				t.Errorf("merge %s: stderr %q does not say %q", c.file, errOut, p)
			}
		}
		if after := dumpProject(t, here); after != before {
			t.Errorf("merge %s changed the project", c.file)
		}
	}
	if b, _ := os.ReadFile(notes); string(b) != "not a project at all" {
		t.Error("the notes were changed")
	}
	// --as brings the other Ana in under another name.
	out := mustSlant(t, nil, "merge", "--db", here, "--as", "ana2", twin)
	if !strings.Contains(out, "(renamed ana → ana2)") || !strings.Contains(out, "1 annotator added") {
		t.Errorf("--as: %q", out)
	}
}
