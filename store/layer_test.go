package store

import (
	"context"
	"testing"
	"time"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/pretag"
)

// layerFixture is a project with one pre-tagged document and two annotators.
func layerFixture(t *testing.T) (*DB, int64, Annotator, Annotator) {
	t.Helper()
	db, _ := openTemp(t)
	ctx := context.Background()
	text := "⚖️ “We will win,” said Amazon's chief. Amazon (NASDAQ: AMZN) agreed with India."
	addDocs(t, db, annotate.Document{Title: "t", Text: text})
	r := &pretag.Result{
		Engine:   "e/1",
		Targets:  []pretag.Target{{Name: "Amazon", Label: "ORG"}, {Name: "India", Label: "GPE"}},
		Entities: []pretag.Entity{{Start: 23, End: 29, Label: "ORG", Target: 0}, {Start: 39, End: 45, Label: "ORG", Target: 0}, {Start: 76, End: 81, Label: "GPE", Target: 1}},
		Quotes:   []pretag.Quote{{Start: 3, End: 17, Target: 0, Speaker: &pretag.Span{Start: 23, End: 37}}},
	}
	if err := db.SavePretags(ctx, 1, r, time.Millisecond); err != nil {
		t.Fatal(err)
	}
	ann, err := db.EnsureAnnotator(ctx, "ana")
	if err != nil {
		t.Fatal(err)
	}
	bob, _ := db.EnsureAnnotator(ctx, "Bob")
	return db, 1, ann, bob
}

func TestLayerSeededFromSuggestionsAndBlind(t *testing.T) {
	db, doc, ana, bob := layerFixture(t)
	ctx := context.Background()
	if again, _ := db.EnsureAnnotator(ctx, "ANA"); again.ID != ana.ID {
		t.Fatal("annotator names are case-insensitive")
	}
	l, err := db.Layer(ctx, doc, ana.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Targets) != 2 || len(l.Spans) != 4 || l.Status != annotate.StatusToDo {
		t.Fatalf("seeded layer: %d targets %d spans, status %q", len(l.Targets), len(l.Spans), l.Status)
	}
	for _, s := range l.Spans {
		if s.Decision != annotate.Pending || s.SuggestionID == 0 {
			t.Fatalf("seeded span %+v", s)
		}
	}
	amazon := l.Targets[0]
	if m := l.Mentions(amazon.ID); len(m) != 2 {
		t.Fatalf("Amazon mentions %d", len(m))
	}
	q := l.Quotes()[0]
	if !q.HasSpeaker || q.SpeakerStart != 23 || q.SpeakerEnd != 37 || l.QuoteTarget(q, [2]int{0, 100}) != amazon.ID {
		t.Fatalf("quote %+v, quote target %d", q, l.QuoteTarget(q, [2]int{0, 100}))
	}
	// Opening again does not seed twice.
	l, _ = db.Layer(ctx, doc, ana.ID)
	if len(l.Spans) != 4 {
		t.Fatalf("re-open: %d spans", len(l.Spans))
	}
	// Ana's label is hers alone.
	if _, err := db.SetLabel(ctx, ana.ID, doc, "document_sentiment", annotate.UnitDocument, annotate.LabelValue{Value: "negative"}, 1); err != nil {
		t.Fatal(err)
	}
	lb, _ := db.Layer(ctx, doc, bob.ID)
	if len(lb.Labels) != 0 || lb.Status != annotate.StatusToDo {
		t.Fatalf("Bob sees Ana's work: %+v %s", lb.Labels, lb.Status)
	}
	for _, s := range lb.Spans {
		for _, sa := range l.Spans {
			if s.ID == sa.ID {
				t.Fatal("Bob's layer shares a span row with Ana's")
			}
		}
	}
}

func TestLabelUndoRedoAcrossDocumentsAndRestart(t *testing.T) {
	db, doc, ana, bob := layerFixture(t)
	ctx := context.Background()
	addDocs(t, db, annotate.Document{Title: "second", Text: "Another article about Walmart."})
	set := func(docID int64, value string) {
		t.Helper()
		if _, err := db.SetLabel(ctx, ana.ID, docID, "document_sentiment", annotate.UnitDocument, annotate.LabelValue{Value: value}, 1); err != nil {
			t.Fatal(err)
		}
	}
	value := func(docID int64) string {
		l, err := db.Layer(ctx, docID, ana.ID)
		if err != nil {
			t.Fatal(err)
		}
		return l.Labels[annotate.LabelKey{Task: "document_sentiment", Unit: annotate.UnitDocument}].Value
	}
	set(doc, "negative")
	set(doc, "positive")
	set(2, "neutral")
	if _, err := db.SetStatus(ctx, ana.ID, 2, annotate.StatusDone, 12); err != nil {
		t.Fatal(err)
	}
	// Bob's actions never interleave with Ana's undo stack.
	db.SetLabel(ctx, bob.ID, doc, "document_sentiment", annotate.UnitDocument, annotate.LabelValue{Value: "neutral"}, 1)

	ev, ok, err := db.Undo(ctx, ana.ID)
	if err != nil || !ok || ev.DocID != 2 || ev.Action != "status done" {
		t.Fatalf("undo 1: %+v %v %v", ev, ok, err)
	}
	if l, _ := db.Layer(ctx, 2, ana.ID); l.Status != annotate.StatusInProgress {
		t.Fatalf("after undoing done: %s", l.Status)
	}
	db.Undo(ctx, ana.ID) // the label on doc 2, and its in-progress status
	if l, _ := db.Layer(ctx, 2, ana.ID); value(2) != "" || l.Status != annotate.StatusToDo {
		t.Fatalf("doc 2 after undo: %q %s", value(2), l.Status)
	}
	ev, _, _ = db.Undo(ctx, ana.ID) // positive → negative, on the first document
	if ev.DocID != doc || value(doc) != "negative" {
		t.Fatalf("undo across documents: %+v %q", ev, value(doc))
	}

	// Undo history survives closing and reopening the project.
	path := db.Path()
	db.Close()
	db, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, ok, _ := db.Redo(ctx, ana.ID); !ok || value(doc) != "positive" {
		t.Fatalf("redo after restart: %q", value(doc))
	}
	db.Undo(ctx, ana.ID)
	db.Undo(ctx, ana.ID)
	if value(doc) != "" {
		t.Fatalf("all undone, still %q", value(doc))
	}
	if _, ok, _ := db.Undo(ctx, ana.ID); ok {
		t.Fatal("undo past the first action")
	}
	// A new action clears the redo stack.
	set(doc, "neutral")
	if _, ok, _ := db.Redo(ctx, ana.ID); ok {
		t.Fatal("redo after a new action")
	}
	if n, _ := db.EventCount(ctx, ana.ID); n != 5 {
		t.Fatalf("event log holds %d of Ana's actions, want 5", n)
	}
	if l, _ := db.Layer(ctx, doc, bob.ID); l.Labels[annotate.LabelKey{Task: "document_sentiment", Unit: annotate.UnitDocument}].Value != "neutral" {
		t.Fatal("Bob's label changed by Ana's undo")
	}
}

func TestSpanCorrections(t *testing.T) {
	db, doc, ana, _ := layerFixture(t)
	ctx := context.Background()
	l, _ := db.Layer(ctx, doc, ana.ID)
	amazon, india := l.Targets[0].ID, l.Targets[1].ID
	first := l.Mentions(amazon)[0]
	// Move a boundary: the suggestion becomes edited.
	s, e := first.Start, first.End+2
	if _, err := db.EditSpan(ctx, ana.ID, doc, first.ID, SpanEdit{Start: &s, End: &e}); err != nil {
		t.Fatal(err)
	}
	// Reject the India mention: counted, not deleted.
	indiaSpan := l.Mentions(india)[0]
	db.DeleteSpan(ctx, ana.ID, doc, indiaSpan.ID)
	// Add a span of her own with a new target.
	id, _, err := db.AddSpan(ctx, ana.ID, doc, annotate.Span{Kind: annotate.KindEntity, Start: 47, End: 51, Label: "ORG"}, "NASDAQ")
	if err != nil || id == 0 {
		t.Fatal(err)
	}
	l, _ = db.Layer(ctx, doc, ana.ID)
	c := l.Counts()
	if c[annotate.Edited] != 1 || c[annotate.Rejected] != 1 || c[annotate.Added] != 1 || c[annotate.Pending] != 2 {
		t.Fatalf("decisions %v", c)
	}
	if len(l.LiveTargets()) != 3 {
		t.Fatalf("targets %+v", l.LiveTargets())
	}
	added, _ := l.Span(id)
	// Merge the new target into Amazon, then split it back out.
	if _, err := db.MergeTargets(ctx, ana.ID, doc, amazon, added.TargetID); err != nil {
		t.Fatal(err)
	}
	l, _ = db.Layer(ctx, doc, ana.ID)
	if len(l.Mentions(amazon)) != 3 || len(l.LiveTargets()) != 2 {
		t.Fatalf("after merge: %d mentions, %d targets", len(l.Mentions(amazon)), len(l.LiveTargets()))
	}
	newID, _, err := db.SplitTarget(ctx, ana.ID, doc, amazon, []int64{id}, "Nasdaq")
	if err != nil {
		t.Fatal(err)
	}
	l, _ = db.Layer(ctx, doc, ana.ID)
	if len(l.Mentions(newID)) != 1 || len(l.Mentions(amazon)) != 2 {
		t.Fatal("split did not move the mention")
	}
	// Set the quote's speaker, then undo everything in order.
	q := l.Quotes()[0]
	sp := [2]int{39, 45}
	db.EditSpan(ctx, ana.ID, doc, q.ID, SpanEdit{Speaker: &sp})
	l, _ = db.Layer(ctx, doc, ana.ID)
	if q, _ = l.Span(q.ID); q.SpeakerStart != 39 || q.Decision != annotate.Edited {
		t.Fatalf("speaker %+v", q)
	}
	for {
		if _, ok, err := db.Undo(ctx, ana.ID); err != nil {
			t.Fatal(err)
		} else if !ok {
			break
		}
	}
	l, _ = db.Layer(ctx, doc, ana.ID)
	c = l.Counts()
	if c[annotate.Pending] != 4 || len(l.Spans) != 4 || len(l.LiveTargets()) != 2 || l.Status != annotate.StatusToDo {
		t.Fatalf("after undoing all: %v, %d spans, %d targets, %s", c, len(l.Spans), len(l.LiveTargets()), l.Status)
	}
}

func TestDocQueryStatusTargetAndNextToDo(t *testing.T) {
	db, doc, ana, bob := layerFixture(t)
	ctx := context.Background()
	addDocs(t, db,
		annotate.Document{Title: "second", Text: "Walmart and 100% of its_stores."},
		annotate.Document{Title: "third", Text: "Nothing to see."})
	db.SetStatus(ctx, ana.ID, doc, annotate.StatusDone, 30)
	db.SetStatus(ctx, ana.ID, 3, annotate.StatusSkipped, 2)
	count := func(q DocQuery) int {
		t.Helper()
		n, err := db.CountDocs(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		list, err := db.ListDocs(ctx, q, 0, 100)
		if err != nil || len(list) != n {
			t.Fatalf("list %d vs count %d (%v)", len(list), n, err)
		}
		return n
	}
	for _, c := range []struct {
		q    DocQuery
		want int
	}{
		{DocQuery{}, 3},
		{DocQuery{Annotator: ana.ID, Status: annotate.StatusDone}, 1},
		{DocQuery{Annotator: ana.ID, Status: annotate.StatusToDo}, 1},
		{DocQuery{Annotator: ana.ID, Status: annotate.StatusSkipped}, 1},
		{DocQuery{Annotator: bob.ID, Status: annotate.StatusToDo}, 3},
		{DocQuery{Target: "amaz"}, 1},
		{DocQuery{Target: "%"}, 0},
		{DocQuery{Target: "india", Annotator: ana.ID, Filter: "agreed"}, 1},
		{DocQuery{Annotator: ana.ID, Filter: "walmart"}, 1},
	} {
		if got := count(c.q); got != c.want {
			t.Errorf("%+v: %d documents, want %d", c.q, got, c.want)
		}
	}
	list, _ := db.ListDocs(ctx, DocQuery{Annotator: ana.ID}, 0, 10)
	if list[0].Status != annotate.StatusDone || list[1].Status != annotate.StatusToDo || list[2].Status != annotate.StatusSkipped {
		t.Fatalf("statuses %+v", list)
	}
	if next, ok, _ := db.NextToDo(ctx, ana.ID, doc); !ok || next != 2 {
		t.Fatalf("next to do after 1: %d %v", next, ok)
	}
	if next, ok, _ := db.NextToDo(ctx, ana.ID, 3); !ok || next != 2 {
		t.Fatalf("next to do wraps around: %d %v", next, ok)
	}
	db.SetStatus(ctx, ana.ID, 2, annotate.StatusDone, 1)
	if _, ok, _ := db.NextToDo(ctx, ana.ID, 2); ok {
		t.Fatal("nothing should be left to do")
	}
	if f, n, _ := db.Progress(ctx, ana.ID); f != 3 || n != 3 {
		t.Fatalf("progress %d/%d", f, n)
	}
}
