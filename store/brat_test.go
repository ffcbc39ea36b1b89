package store

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/pretag"
)

const importText = "⚖️ “We will win,” said Amazon's chief. Amazon agreed, “again” and “later.”"

func importedLayer(annotator, engine string) ImportedLayer {
	return ImportedLayer{
		Annotator: annotator,
		Engine:    engine,
		Targets:   []annotate.Target{{Name: "Amazon", Label: "ORG"}},
		Spans: []annotate.Span{
			{Kind: annotate.KindEntity, Start: 23, End: 29, Label: "ORG", TargetID: 1},
			{Kind: annotate.KindEntity, Start: 39, End: 45, Label: "ORG", TargetID: 1},
			{Kind: annotate.KindQuote, Start: 3, End: 17, SpeakerStart: 23, SpeakerEnd: 37, HasSpeaker: true, CueStart: 18, CueEnd: 22, HasCue: true},
			{Kind: annotate.KindQuote, Start: 54, End: 74, Fragments: [][2]int{{54, 61}, {66, 74}}},
		},
	}
}

func countRows(t *testing.T, db *DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.sql.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportLayer(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	doc := annotate.Document{Title: "t", Text: importText, Source: "a.txt"}
	res, err := db.ImportLayer(ctx, doc, importedLayer("4b22", "brat:a_4b22.ann"))
	if err != nil {
		t.Fatal(err)
	}
	if !res.DocAdded || res.Duplicate || res.Spans != 4 || res.Targets != 1 {
		t.Fatalf("result %+v", res)
	}
	ann, err := db.FindAnnotator(ctx, "4b22")
	if err != nil || ann.UID == "" {
		t.Fatalf("annotator %+v %v", ann, err)
	}
	l, err := db.Layer(ctx, res.DocID, ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	if l.Status != annotate.StatusDone || len(l.Targets) != 1 || len(l.Spans) != 4 {
		t.Fatalf("layer %+v", l)
	}
	runes := []rune(importText)
	quotes := l.Quotes()
	if len(quotes) != 2 || string(runes[quotes[0].Start:quotes[0].End]) != "“We will win,”" ||
		string(runes[quotes[0].SpeakerStart:quotes[0].SpeakerEnd]) != "Amazon's chief" ||
		string(runes[quotes[0].CueStart:quotes[0].CueEnd]) != "said" || !reflect.DeepEqual(quotes[1].Fragments, [][2]int{{54, 61}, {66, 74}}) {
		t.Errorf("quotes %+v", quotes)
	}
	if m := l.Mentions(l.Targets[0].ID); len(m) != 2 || string(runes[m[1].Start:m[1].End]) != "Amazon" {
		t.Errorf("mentions %+v", m)
	}
	for _, s := range l.Spans {
		if s.Decision != annotate.Added {
			t.Errorf("span %+v not added", s)
		}
	}
	if n, _ := db.EventCount(ctx, ann.ID); n != 1 {
		t.Errorf("%d events, want one for the import", n)
	}
	if e := countRows(t, db, "SELECT count(*) FROM layers WHERE engine = 'brat:a_4b22.ann'"); e != 1 {
		t.Errorf("%d layers rows", e)
	}

	// Pre-tagging afterwards seeds no suggestions into the imported layer.
	r := &pretag.Result{Engine: "e/1", Targets: []pretag.Target{{Name: "Amazon", Label: "ORG"}},
		Entities: []pretag.Entity{{Start: 23, End: 29, Label: "ORG", Target: 0}}}
	if err := db.SavePretags(ctx, res.DocID, r, time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if l, _ := db.Layer(ctx, res.DocID, ann.ID); len(l.Spans) != 4 {
		t.Errorf("pre-tags seeded into an imported layer: %d spans", len(l.Spans))
	}

	// The same file again: a duplicate, nothing changes.
	again, err := db.ImportLayer(ctx, doc, importedLayer("4b22", "brat:a_4b22.ann"))
	if err != nil || !again.Duplicate || again.DocAdded || again.DocID != res.DocID {
		t.Fatalf("again: %+v %v", again, err)
	}
	if n := countRows(t, db, "SELECT count(*) FROM layer_spans"); n != 4 {
		t.Errorf("%d spans after importing twice", n)
	}
	if n, _ := db.EventCount(ctx, ann.ID); n != 1 {
		t.Errorf("%d events after a duplicate", n)
	}

	// Another annotator's file of the same article: their layer on the same document.
	other, err := db.ImportLayer(ctx, doc, importedLayer("ef2d", "brat:a_ef2d.ann"))
	if err != nil || other.DocAdded || other.Duplicate || other.DocID != res.DocID {
		t.Fatalf("other: %+v %v", other, err)
	}
	if n := countRows(t, db, "SELECT count(*) FROM documents"); n != 1 {
		t.Errorf("%d documents", n)
	}

	// The same annotator from another file, or someone who already works
	// on the document in Slant: refused, nothing written.
	if _, err := db.ImportLayer(ctx, doc, importedLayer("4b22", "brat:b_4b22.ann")); !errors.Is(err, ErrLayerExists) ||
		!strings.Contains(err.Error(), "4b22 already has a layer on document 1 (from brat:a_4b22.ann)") {
		t.Errorf("err %v", err)
	}
	ana, _ := db.EnsureAnnotator(ctx, "ana")
	if _, err := db.SetStatus(ctx, ana.ID, res.DocID, annotate.StatusInProgress, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportLayer(ctx, doc, importedLayer("ana", "brat:a.ann")); !errors.Is(err, ErrLayerExists) {
		t.Errorf("err %v", err)
	}
	if n := countRows(t, db, "SELECT count(*) FROM layer_spans"); n != 8 {
		t.Errorf("%d spans", n)
	}
	if _, err := db.ImportLayer(ctx, doc, importedLayer("Gold", "brat:a.ann")); !errors.Is(err, ErrReservedName) {
		t.Errorf("gold: %v", err)
	}
}

func TestImportLayerBadSpanWritesNothing(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	l := importedLayer("4b22", "brat:a_4b22.ann")
	l.Spans[1].End = 200
	_, err := db.ImportLayer(ctx, annotate.Document{Text: importText}, l)
	if err == nil || !strings.Contains(err.Error(), "entity 2 [39,200): outside the text (74 characters)") {
		t.Fatalf("err %v", err)
	}
	for _, table := range []string{"documents", "annotators", "layer_spans", "layers", "events"} {
		if n := countRows(t, db, "SELECT count(*) FROM "+table); n != 0 {
			t.Errorf("%d rows in %s", n, table)
		}
	}
}

func TestImportLayerUndo(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	res, err := db.ImportLayer(ctx, annotate.Document{Text: importText}, importedLayer("ana", "brat:a.ann"))
	if err != nil {
		t.Fatal(err)
	}
	ana, _ := db.FindAnnotator(ctx, "ana")
	if _, ok, err := db.Undo(ctx, ana.ID); !ok || err != nil {
		t.Fatalf("undo: %v %v", ok, err)
	}
	if l, _ := db.Layer(ctx, res.DocID, ana.ID); len(l.Spans) != 0 || len(l.Targets) != 0 || l.Status != annotate.StatusToDo {
		t.Errorf("after undo: %+v", l)
	}
	if _, ok, err := db.Redo(ctx, ana.ID); !ok || err != nil {
		t.Fatalf("redo: %v %v", ok, err)
	}
	if l, _ := db.Layer(ctx, res.DocID, ana.ID); len(l.Spans) != 4 || l.Status != annotate.StatusDone {
		t.Errorf("after redo: %+v", l)
	}
}
