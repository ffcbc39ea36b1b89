package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/pretag"
	"github.com/slant-annotate/slant/annotate/schema"
)

const (
	mergeText1 = "⚖️ “We will win,” said Amazon's chief. Amazon (NASDAQ: AMZN) agreed with India."
	mergeText2 = "Walmart and Flipkart met in Delhi. “It went well,” said Walmart."
	mergeText3 = "A third article, only in one project."
)

func mergePretags() *pretag.Result {
	return &pretag.Result{
		Engine:   "e/1",
		Targets:  []pretag.Target{{Name: "Amazon", Label: "ORG"}, {Name: "India", Label: "GPE"}},
		Entities: []pretag.Entity{{Start: 23, End: 29, Label: "ORG", Target: 0}, {Start: 39, End: 45, Label: "ORG", Target: 0}, {Start: 76, End: 81, Label: "GPE", Target: 1}},
		Quotes:   []pretag.Quote{{Start: 3, End: 17, Target: 0, Speaker: &pretag.Span{Start: 23, End: 37}}},
	}
}

// newMergeProject makes a project at dir/name holding texts (the first
// pre-tagged when it is mergeText1), and returns it open with the ids of
// its documents by text.
func newMergeProject(t *testing.T, dir, name string, texts ...string) (*DB, map[string]int64) {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(dir, name), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var docs []annotate.Document
	for i, text := range texts {
		docs = append(docs, annotate.Document{Title: fmt.Sprintf("%s %d", name, i), Text: text})
	}
	addDocs(t, db, docs...)
	ids := map[string]int64{}
	for _, text := range texts {
		var id int64
		if err := db.sql.QueryRow("SELECT id FROM documents WHERE text = ?", text).Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids[text] = id
		if text == mergeText1 {
			if err := db.SavePretags(ctx, id, mergePretags(), time.Millisecond); err != nil {
				t.Fatal(err)
			}
		}
	}
	return db, ids
}

// work gives ann a layer on doc (mergeText1): labels on the document, a
// target and the quote (with a stance towards a target), an edited span,
// an added span, a deleted added quote with a label left behind, and a
// status.
func work(t *testing.T, db *DB, ann Annotator, doc int64, value string) {
	t.Helper()
	ctx := context.Background()
	_, sv, err := db.Schema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	l, err := db.Layer(ctx, doc, ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	must := func(_ Event, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	amazon := l.Targets[0].ID
	must(db.SetLabel(ctx, ann.ID, doc, "document_sentiment", annotate.UnitDocument, annotate.LabelValue{Value: value}, sv))
	must(db.SetLabel(ctx, ann.ID, doc, "target_sentiment", annotate.TargetUnit(amazon), annotate.LabelValue{Value: "negative"}, sv))
	q := l.Quotes()[0]
	must(db.SetLabel(ctx, ann.ID, doc, "quote_stance", annotate.QuoteUnit(q.ID), annotate.LabelValue{Value: "favor", Towards: amazon}, sv))
	start, end := 24, 29
	must(db.EditSpan(ctx, ann.ID, doc, l.Mentions(amazon)[0].ID, SpanEdit{Start: &start, End: &end}))
	if _, ev, err := db.AddSpan(ctx, ann.ID, doc, annotate.Span{Kind: annotate.KindEntity, Start: 60, End: 64, Label: "ORG"}, "AMZN"); err != nil {
		t.Fatal(err)
	} else {
		_ = ev
	}
	qid, _, err := db.AddSpan(ctx, ann.ID, doc, annotate.Span{Kind: annotate.KindQuote, Start: 50, End: 55}, "")
	if err != nil {
		t.Fatal(err)
	}
	must(db.SetLabel(ctx, ann.ID, doc, "quote_stance", annotate.QuoteUnit(qid), annotate.LabelValue{Value: "against"}, sv))
	must(db.DeleteSpan(ctx, ann.ID, doc, qid)) // its label stays behind, on no quote
	must(db.SetStatus(ctx, ann.ID, doc, annotate.StatusDone, 12))
}

// dump renders every row of every table (full-text shadow tables
// included), for comparing a whole project before and after.
func dump(t *testing.T, db *DB) string {
	t.Helper()
	rows, err := db.sql.Query("SELECT name, sql FROM sqlite_schema WHERE type = 'table' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var name, sqlText string
		rows.Scan(&name, &sqlText)
		if !strings.HasPrefix(sqlText, "CREATE VIRTUAL") {
			names = append(names, name)
		}
	}
	rows.Close()
	var b strings.Builder
	for _, name := range names {
		rows, err := db.sql.Query(fmt.Sprintf("SELECT * FROM %q", name))
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
			lines = append(lines, fmt.Sprintf("%v", vals))
		}
		rows.Close()
		sort.Strings(lines)
		fmt.Fprintf(&b, "== %s (%d)\n%s\n", name, len(lines), strings.Join(lines, "\n"))
	}
	return b.String()
}

// sound checks integrity and every foreign key.
func sound(t *testing.T, db *DB) {
	t.Helper()
	var res string
	if err := db.sql.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check: %q %v", res, err)
	}
	rows, err := db.sql.Query("PRAGMA foreign_key_check")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, parent string
		var rowid, fk any
		rows.Scan(&table, &rowid, &parent, &fk)
		t.Errorf("foreign key: %s row %v refers to a missing %s", table, rowid, parent)
	}
	if _, err := db.sql.Exec("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')"); err != nil {
		t.Fatalf("full-text index: %v", err)
	}
}

// layerText renders an annotator's layer without ids: what must survive a
// merge.
func layerText(t *testing.T, db *DB, doc, ann int64) string {
	t.Helper()
	ctx := context.Background()
	var n int
	db.sql.QueryRow("SELECT count(*) FROM layers WHERE doc_id = ? AND annotator_id = ?", doc, ann).Scan(&n)
	ro := &DB{sql: db.sql, path: db.path, readOnly: true} // do not seed
	l, err := ro.Layer(ctx, doc, ann)
	if err != nil {
		t.Fatal(err)
	}
	targetName := map[int64]string{}
	var b strings.Builder
	fmt.Fprintf(&b, "seeded %d status %s\n", n, l.Status)
	for _, tg := range l.Targets {
		targetName[tg.ID] = tg.Name
		fmt.Fprintf(&b, "target %s %s %v\n", tg.Name, tg.Label, tg.Deleted)
	}
	unit := map[string]string{annotate.UnitDocument: "doc"}
	for _, s := range l.Spans {
		sugg := ""
		if s.SuggestionID != 0 {
			var st, en int
			if err := db.sql.QueryRow("SELECT start, end FROM suggested_spans WHERE id = ? AND doc_id = ?", s.SuggestionID, doc).Scan(&st, &en); err != nil {
				t.Fatalf("span %d: suggestion %d is not a suggestion of document %d: %v", s.ID, s.SuggestionID, doc, err)
			}
			sugg = fmt.Sprintf("[%d,%d)", st, en)
		}
		fmt.Fprintf(&b, "span %s [%d,%d) %s target=%q %s sugg=%s speaker=%v\n", s.Kind, s.Start, s.End, s.Label,
			targetName[s.TargetID], s.Decision, sugg, s.HasSpeaker)
		unit[annotate.QuoteUnit(s.ID)] = fmt.Sprintf("quote [%d,%d)", s.Start, s.End)
	}
	for id, name := range targetName {
		unit[annotate.TargetUnit(id)] = "target " + name
	}
	var labels []string
	for k, v := range l.Labels {
		u, ok := unit[k.Unit]
		if !ok {
			continue // on a unit that no longer exists
		}
		labels = append(labels, fmt.Sprintf("label %s %s = %s towards %q", k.Task, u, v.Value, targetName[v.Towards]))
	}
	sort.Strings(labels)
	b.WriteString(strings.Join(labels, "\n"))
	return b.String()
}

type fileState struct {
	data []byte
	mod  time.Time
}

func stateOf(t *testing.T, path string) fileState {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	return fileState{data, fi.ModTime()}
}

func (s fileState) check(t *testing.T, path string) {
	t.Helper()
	now := stateOf(t, path)
	if !bytes.Equal(now.data, s.data) || !now.mod.Equal(s.mod) {
		t.Errorf("%s was changed by the merge", path)
	}
}

// teamFiles makes two annotators' projects: "a" (ana's work, and gold's)
// and "b" (cai's), sharing mergeText1.
func teamFiles(t *testing.T) (a, b string) {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	dbA, idsA := newMergeProject(t, dir, "a.slant", mergeText1, mergeText2)
	ana, _ := dbA.EnsureAnnotator(ctx, "ana")
	work(t, dbA, ana, idsA[mergeText1], "positive")
	gold, _ := dbA.Gold(ctx)
	work(t, dbA, gold, idsA[mergeText1], "neutral")
	dbA.Close()
	dbB, idsB := newMergeProject(t, dir, "b.slant", mergeText3, mergeText1)
	cai, _ := dbB.EnsureAnnotator(ctx, "cai")
	work(t, dbB, cai, idsB[mergeText1], "negative")
	dbB.Close()
	return filepath.Join(dir, "a.slant"), filepath.Join(dir, "b.slant")
}

func TestMergeBringsLayersAndIsIdempotent(t *testing.T) {
	ctx := context.Background()
	a, b := teamFiles(t)
	srcA, err := Open(ctx, a, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var aDoc int64
	srcA.sql.QueryRow("SELECT id FROM documents WHERE text = ?", mergeText1).Scan(&aDoc)
	aAna, _ := srcA.FindAnnotator(ctx, "ana")
	aGold, _ := srcA.FindAnnotator(ctx, annotate.GoldAnnotator)
	wantAna := layerText(t, srcA, aDoc, aAna.ID)
	wantGold := layerText(t, srcA, aDoc, aGold.ID)
	srcA.Close()
	before := stateOf(t, a)

	db, err := Open(ctx, b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := db.Merge(ctx, a, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	before.check(t, a)
	if st.Documents != 1 || st.Annotators != 2 || st.LayersAdded != 2 || st.LayersUnchanged+st.LayersUpdated+st.LayersKept != 0 ||
		st.Labels != 6 || st.LabelsDropped != 2 || st.Events == 0 || st.Pretagged != 0 {
		t.Errorf("merge: %+v", st)
	}
	sound(t, db)
	var doc int64
	db.sql.QueryRow("SELECT id FROM documents WHERE text = ?", mergeText1).Scan(&doc)
	ana, err := db.FindAnnotator(ctx, "ana")
	if err != nil {
		t.Fatal(err)
	}
	if ana.UID != aAna.UID {
		t.Errorf("ana's uid %s, want %s", ana.UID, aAna.UID)
	}
	if got := layerText(t, db, doc, ana.ID); got != wantAna {
		t.Errorf("ana's layer after the merge:\n%s\nwant:\n%s", got, wantAna)
	}
	gold, _ := db.FindAnnotator(ctx, annotate.GoldAnnotator)
	if got := layerText(t, db, doc, gold.ID); got != wantGold {
		t.Errorf("gold's layer after the merge:\n%s\nwant:\n%s", got, wantGold)
	}
	if n, _ := db.CountDocuments(ctx, "Walmart"); n != 1 {
		t.Errorf("the added document is not in the full-text index (%d)", n)
	}
	// Copied events are history: ana's undo has nothing to undo here.
	if _, ok, err := db.Undo(ctx, ana.ID); ok || err != nil {
		t.Errorf("undo replayed a merged event (%v)", err)
	}
	recs, err := db.Merges(ctx)
	if err != nil || len(recs) != 1 || recs[0].Stats.LayersAdded != 2 {
		t.Errorf("merges recorded: %+v %v", recs, err)
	}

	// Again: nothing changes, not a single row.
	first := dump(t, db)
	st, err = db.Merge(ctx, a, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Changed() || st.LayersUnchanged != 2 {
		t.Errorf("second merge: %+v", st)
	}
	if second := dump(t, db); second != first {
		t.Errorf("the second merge changed the project:\n%s", diffLines(first, second))
	}
	before.check(t, a)
}

func diffLines(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	in := map[string]int{}
	for _, l := range al {
		in[l]++
	}
	var out []string
	for _, l := range bl {
		if in[l] > 0 {
			in[l]--
			continue
		}
		out = append(out, "+ "+l)
	}
	for l, n := range in {
		for ; n > 0; n-- {
			out = append(out, "- "+l)
		}
	}
	if len(out) > 40 {
		out = out[:40]
	}
	return strings.Join(out, "\n")
}

func TestMergeIntoEmptyCopiesEverything(t *testing.T) {
	ctx := context.Background()
	a, _ := teamFiles(t)
	db, err := Open(ctx, filepath.Join(t.TempDir(), "new.slant"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := db.Merge(ctx, a, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Documents != 2 || st.Annotators != 2 || st.LayersAdded != 2 || st.Pretagged != 1 || st.Schemas != 1 {
		t.Errorf("merge into an empty project: %+v", st)
	}
	sound(t, db)
	src, _ := Open(ctx, a, Options{ReadOnly: true})
	defer src.Close()
	ana, _ := db.FindAnnotator(ctx, "ana")
	if got, want := layerText(t, db, 1, ana.ID), layerText(t, src, 1, ana.ID); got != want {
		t.Errorf("ana's layer:\n%s\nwant:\n%s", got, want)
	}
	if _, v, _ := db.Schema(ctx); v != 1 {
		t.Errorf("schema version %d, want the other's 1", v)
	}
	first := dump(t, db)
	if st, err := db.Merge(ctx, a, MergeOptions{}); err != nil || st.Changed() || st.LayersUnchanged != 2 {
		t.Errorf("second merge: %+v %v", st, err)
	}
	if second := dump(t, db); second != first {
		t.Errorf("the second merge changed the project:\n%s", diffLines(first, second))
	}
}

func TestMergeNewerWorkWinsOlderIsKept(t *testing.T) {
	ctx := context.Background()
	a, b := teamFiles(t)
	// a2 is a copy of a where ana changed her mind later.
	a2 := filepath.Join(t.TempDir(), "a2.slant")
	copyFile(t, a, a2)
	dbA2, err := Open(ctx, a2, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ana2, _ := dbA2.FindAnnotator(ctx, "ana")
	_, sv, _ := dbA2.Schema(ctx)
	time.Sleep(5 * time.Millisecond)
	if _, err := dbA2.SetLabel(ctx, ana2.ID, 1, "document_sentiment", annotate.UnitDocument, annotate.LabelValue{Value: "negative"}, sv); err != nil {
		t.Fatal(err)
	}
	dbA2.Close()

	db, err := Open(ctx, b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Merge(ctx, a, MergeOptions{}); err != nil {
		t.Fatal(err)
	}
	ana, _ := db.FindAnnotator(ctx, "ana")
	var doc int64
	db.sql.QueryRow("SELECT id FROM documents WHERE text = ?", mergeText1).Scan(&doc)
	docLabel := func() string {
		var v string
		db.sql.QueryRow("SELECT value FROM labels WHERE doc_id = ? AND annotator_id = ? AND task = 'document_sentiment'", doc, ana.ID).Scan(&v)
		return v
	}
	st, err := db.Merge(ctx, a2, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.LayersUpdated != 1 || st.LayersUnchanged != 1 || docLabel() != "negative" {
		t.Errorf("newer work there: %+v, label %q", st, docLabel())
	}
	sound(t, db)
	// The replaced layer's events here are history now.
	var replaced int
	db.sql.QueryRow("SELECT count(*) FROM events WHERE replaced_in IS NOT NULL").Scan(&replaced)
	if replaced == 0 {
		t.Error("the replaced layer's events are not marked")
	}
	// The older file again: this project's newer work is kept.
	st, err = db.Merge(ctx, a, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.LayersKept != 1 || st.LayersUpdated != 0 || docLabel() != "negative" {
		t.Errorf("older work there: %+v, label %q", st, docLabel())
	}
	// Work done here after the merge is newer than the file's, and undo
	// still works on it.
	if _, err := db.SetLabel(ctx, ana.ID, doc, "document_sentiment", annotate.UnitDocument, annotate.LabelValue{Value: "neutral"}, sv); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := db.Undo(ctx, ana.ID); !ok || err != nil || docLabel() != "negative" {
		t.Errorf("undo after a merge: %v %v, label %q", ok, err, docLabel())
	}
	if st, err := db.Merge(ctx, a2, MergeOptions{}); err != nil || st.Changed() {
		t.Errorf("a2 again: %+v %v", st, err)
	}
}

func TestMergeGoldHereIsKept(t *testing.T) {
	ctx := context.Background()
	a, b := teamFiles(t)
	db, err := Open(ctx, b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var doc int64
	db.sql.QueryRow("SELECT id FROM documents WHERE text = ?", mergeText1).Scan(&doc)
	gold, _ := db.Gold(ctx)
	_, sv, _ := db.Schema(ctx)
	time.Sleep(5 * time.Millisecond)
	if _, err := db.SetLabel(ctx, gold.ID, doc, "document_sentiment", annotate.UnitDocument, annotate.LabelValue{Value: "positive"}, sv); err != nil {
		t.Fatal(err)
	}
	st, err := db.Merge(ctx, a, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.LayersKept != 1 || st.LayersAdded != 1 {
		t.Errorf("gold here: %+v", st)
	}
	var n int
	db.sql.QueryRow("SELECT count(*) FROM annotators WHERE name = 'gold'").Scan(&n)
	var v string
	db.sql.QueryRow("SELECT value FROM labels WHERE doc_id = ? AND annotator_id = ? AND task = 'document_sentiment'", doc, gold.ID).Scan(&v)
	if n != 1 || v != "positive" {
		t.Errorf("%d gold annotators; gold's label %q, want this project's (positive)", n, v)
	}
}

func TestMergeNameClashRefusedThenRenamed(t *testing.T) {
	ctx := context.Background()
	a, b := teamFiles(t)
	// c.slant has another person called Ana.
	dir := t.TempDir()
	dbC, ids := newMergeProject(t, dir, "c.slant", mergeText1)
	other, _ := dbC.EnsureAnnotator(ctx, "Ana")
	work(t, dbC, other, ids[mergeText1], "neutral")
	dbC.Close()
	c := filepath.Join(dir, "c.slant")

	db, err := Open(ctx, b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Merge(ctx, a, MergeOptions{}); err != nil {
		t.Fatal(err)
	}
	before := dump(t, db)
	_, err = db.Merge(ctx, c, MergeOptions{})
	if !errors.Is(err, ErrNameClash) {
		t.Fatalf("a second Ana: %v", err)
	}
	for _, part := range []string{`"Ana"`, c, db.Path(), "--as"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("message %q does not say %q", err, part)
		}
	}
	if after := dump(t, db); after != before {
		t.Errorf("a refused merge changed the project:\n%s", diffLines(before, after))
	}
	if _, err := db.Merge(ctx, c, MergeOptions{As: "cai"}); !errors.Is(err, ErrNameClash) || !strings.Contains(err.Error(), "cai") {
		t.Errorf("--as a name taken here: %v", err)
	}
	if _, err := db.Merge(ctx, c, MergeOptions{As: "gold"}); !errors.Is(err, ErrReservedName) {
		t.Errorf("--as gold: %v", err)
	}
	st, err := db.Merge(ctx, c, MergeOptions{As: "ana-c"})
	if err != nil {
		t.Fatal(err)
	}
	if st.Renamed != "Ana → ana-c" || st.Annotators != 1 || st.LayersAdded != 1 {
		t.Errorf("renamed: %+v", st)
	}
	renamed, err := db.FindAnnotator(ctx, "ana-c")
	if err != nil || renamed.UID != other.UID {
		t.Errorf("ana-c: %+v %v (uid %s)", renamed, err, other.UID)
	}
	// Once in, she is matched by her id: again, with or without --as, nothing.
	first := dump(t, db)
	for _, as := range []string{"", "ana-c"} {
		if st, err := db.Merge(ctx, c, MergeOptions{As: as}); err != nil || st.Changed() {
			t.Errorf("again (--as %q): %+v %v", as, st, err)
		}
	}
	if second := dump(t, db); second != first {
		t.Errorf("merging again changed the project:\n%s", diffLines(first, second))
	}
}

func TestMergeSchemas(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	// b uses another but compatible version of the schema: a new task.
	dbB, ids := newMergeProject(t, dir, "b.slant", mergeText1)
	compat := schema.Default()
	compat.Tasks = append(compat.Tasks, schema.Task{Name: "framing", Question: "Frame?", Scope: schema.ScopeDocument,
		Labels: []schema.Label{{Value: "economic", Key: "1"}, {Value: "political", Key: "2"}}})
	v, err := dbB.SetSchema(ctx, compat, "framing.toml")
	if err != nil {
		t.Fatal(err)
	}
	bob, _ := dbB.EnsureAnnotator(ctx, "bob")
	if _, err := dbB.SetLabel(ctx, bob.ID, ids[mergeText1], "framing", annotate.UnitDocument, annotate.LabelValue{Value: "economic"}, v); err != nil {
		t.Fatal(err)
	}
	dbB.Close()
	// c changes the labels of a task this project has.
	dbC, _ := newMergeProject(t, dir, "c.slant", mergeText2)
	clash := schema.Default()
	clash.Tasks[0].Labels = append(clash.Tasks[0].Labels, schema.Label{Value: "mixed", Key: "4"})
	if _, err := dbC.SetSchema(ctx, clash, "mixed.toml"); err != nil {
		t.Fatal(err)
	}
	dbC.Close()

	db, _ := newMergeProject(t, dir, "here.slant", mergeText3)
	_, here, _ := db.Schema(ctx)
	st, err := db.Merge(ctx, filepath.Join(dir, "b.slant"), MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Schemas != 1 {
		t.Errorf("schemas added: %+v", st)
	}
	if _, cur, _ := db.Schema(ctx); cur != here {
		t.Errorf("the current schema became version %d; want %d still", cur, here)
	}
	var sv int
	db.sql.QueryRow("SELECT schema_version FROM labels WHERE task = 'framing'").Scan(&sv)
	s, _, err := db.SchemaAt(ctx, sv)
	if err != nil || sv == here {
		t.Fatalf("the framing label is under version %d (%v)", sv, err)
	}
	if _, ok := s.Task("framing"); !ok {
		t.Errorf("version %d lacks the framing task", sv)
	}
	// The default schema (version 1 in b) is the same version as here's.
	var n int
	db.sql.QueryRow("SELECT count(*) FROM schemas").Scan(&n)
	if n != 2 {
		t.Errorf("%d schema versions, want 2", n)
	}

	before := dump(t, db)
	_, err = db.Merge(ctx, filepath.Join(dir, "c.slant"), MergeOptions{})
	if !errors.Is(err, ErrSchemaClash) {
		t.Fatalf("a task with other labels: %v", err)
	}
	for _, part := range []string{filepath.Join(dir, "c.slant"), `"` + clash.Tasks[0].Name + `"`, "mixed"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("message %q does not say %q", err, part)
		}
	}
	if after := dump(t, db); after != before {
		t.Errorf("a refused merge changed the project:\n%s", diffLines(before, after))
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestMergeBadInput(t *testing.T) {
	ctx := context.Background()
	a, b := teamFiles(t)
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.slant")
	os.WriteFile(text, []byte("just some notes, not a database at all"), 0o644)
	empty := filepath.Join(dir, "empty.slant")
	os.WriteFile(empty, nil, 0o644)
	newer := filepath.Join(dir, "newer.slant")
	copyFile(t, a, newer)
	if d, err := Open(ctx, newer, Options{}); err != nil {
		t.Fatal(err)
	} else {
		d.sql.Exec("PRAGMA user_version = 99")
		d.Close()
	}
	foreign := filepath.Join(dir, "other.db")
	if d, err := Open(ctx, foreign, Options{}); err != nil {
		t.Fatal(err)
	} else {
		d.sql.Exec("PRAGMA application_id = 42")
		d.Close()
	}
	link := filepath.Join(dir, "link.slant")
	if err := os.Symlink(b, link); err != nil {
		t.Fatal(err)
	}

	db, err := Open(ctx, b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	before := dump(t, db)
	for _, c := range []struct {
		path  string
		is    error
		parts []string
	}{
		{text, ErrNotProject, []string{"not an SQLite file"}},
		{empty, ErrNotProject, []string{"empty"}},
		{foreign, ErrNotProject, []string{"another program"}},
		{newer, ErrNewer, []string{"99", "update Slant"}},
		{b, ErrSameProject, nil},
		{link, ErrSameProject, nil},
		{filepath.Join(dir, "missing.slant"), nil, []string{"no such file"}},
		{dir, ErrNotProject, []string{"folder"}},
	} {
		// A good file first and the bad one second: nothing of the good
		// one is kept either.
		_, err := db.MergeAll(ctx, []string{a, c.path}, MergeOptions{})
		if err == nil || (c.is != nil && !errors.Is(err, c.is)) || !strings.Contains(err.Error(), c.path) {
			t.Errorf("merge %s: %v", c.path, err)
			continue
		}
		for _, part := range c.parts {
			if !strings.Contains(err.Error(), part) {
				t.Errorf("merge %s: message %q does not say %q", c.path, err, part)
			}
		}
		if after := dump(t, db); after != before {
			t.Errorf("merge %s changed the project:\n%s", c.path, diffLines(before, after))
		}
	}
	if b, _ := os.ReadFile(text); string(b) != "just some notes, not a database at all" {
		t.Error("the text file was changed")
	}
}

func TestMergeOlderProjectUpgradesACopy(t *testing.T) {
	ctx := context.Background()
	real, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	old := fstest.MapFS{}
	for _, m := range real[:7] {
		old["migrations/"+m.name] = &fstest.MapFile{Data: []byte(m.sql)}
	}
	migrationSource = old
	dir := t.TempDir()
	dbOld, err := Open(ctx, filepath.Join(dir, "old.slant"), Options{})
	if err != nil {
		migrationSource = migrationFiles
		t.Fatal(err)
	}
	addDocs(t, dbOld, annotate.Document{Title: "old", Text: mergeText2})
	ana, _ := dbOld.EnsureAnnotator(ctx, "ana")
	if _, err := dbOld.SetStatus(ctx, ana.ID, 1, annotate.StatusSkipped, 0); err != nil {
		t.Log(err) // the old schema's queries may differ; a status row is enough
	}
	dbOld.Close()
	migrationSource = migrationFiles
	path := filepath.Join(dir, "old.slant")
	before := stateOf(t, path)

	db, _ := newMergeProject(t, t.TempDir(), "here.slant", mergeText1)
	st, err := db.Merge(ctx, path, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Documents != 1 || st.Annotators != 1 {
		t.Errorf("merge of an older project: %+v", st)
	}
	before.check(t, path)
	if _, err := os.Stat(path + ".v7.bak"); err == nil {
		t.Error("the older project was upgraded in place (a backup appeared beside it)")
	}
	sound(t, db)
}

func TestMergeManyIsOneTransaction(t *testing.T) {
	ctx := context.Background()
	a, b := teamFiles(t)
	db, _ := newMergeProject(t, t.TempDir(), "here.slant", mergeText3)
	st, err := db.MergeAll(ctx, []string{a, b}, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 2 || st[0].Documents != 2 || st[1].Documents != 0 || st[1].Annotators != 1 || st[1].LayersAdded != 1 {
		t.Errorf("two files: %+v", st)
	}
	sound(t, db)
	var n int
	db.sql.QueryRow("SELECT count(*) FROM merges").Scan(&n)
	if n != 2 {
		t.Errorf("%d merges recorded, want 2", n)
	}
	// Cancelled before it starts: nothing.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	before := dump(t, db)
	if _, err := db.MergeAll(cctx, []string{a}, MergeOptions{}); err == nil {
		t.Error("a cancelled merge succeeded")
	}
	if after := dump(t, db); after != before {
		t.Errorf("a cancelled merge changed the project:\n%s", diffLines(before, after))
	}
}
