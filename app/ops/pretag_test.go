package ops

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/pretag"
	"github.com/slant-annotate/slant/store"
)

func TestPretagStoresSampleSuggestions(t *testing.T) {
	ctx := context.Background()
	db, err := OpenProject(ctx, filepath.Join(t.TempDir(), "p.slant"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var calls, lastTotal int
	sum, err := Pretag(ctx, db, PretagOptions{Workers: 2}, func(done, total int) { calls++; lastTotal = total })
	if err != nil || sum.Documents != 1 || calls != 1 || lastTotal != 1 {
		t.Fatalf("pretag: %+v %v (progress calls %d, total %d)", sum, err, calls, lastTotal)
	}
	doc, _ := db.Document(ctx, 1)
	r, ok, err := db.Pretags(ctx, doc)
	if err != nil || !ok {
		t.Fatalf("no stored pre-tags: %v", err)
	}
	if r.Engine != pretag.Provenance() {
		t.Fatalf("provenance %q, want %q", r.Engine, pretag.Provenance())
	}
	// What the tagger says is what the store gives back, offsets exact.
	want := Tagger().Tag(doc.Text)
	if len(r.Entities) != len(want.Entities) || len(r.Quotes) != len(want.Quotes) || len(r.Targets) != len(want.Targets) {
		t.Fatalf("stored %d/%d/%d, tagger %d/%d/%d", len(r.Entities), len(r.Quotes), len(r.Targets),
			len(want.Entities), len(want.Quotes), len(want.Targets))
	}
	found := false
	for _, e := range r.Entities {
		if e.Start == 4 && e.End == 17 && e.Text == "United States" {
			found = true
		}
	}
	if !found {
		t.Fatal("United States [4,17) missing from stored suggestions")
	}
	for _, q := range r.Quotes {
		if q.Start == 1184 && (q.End != 1223 || q.Speaker == nil || q.Speaker.Text != "a Washington-based trade attorney") {
			t.Fatalf("first quote stored as %+v %+v", q, q.Speaker)
		}
	}
	// A second run has nothing left to do; --redo does it all again.
	if sum, _ := Pretag(ctx, db, PretagOptions{}, nil); sum.Documents != 0 {
		t.Fatalf("second run pre-tagged %d", sum.Documents)
	}
	if sum, _ := Pretag(ctx, db, PretagOptions{Redo: true}, nil); sum.Documents != 1 {
		t.Fatalf("redo pre-tagged %d", sum.Documents)
	}
	if st, _ := db.Stats(ctx); st.Pretagged != 1 {
		t.Fatalf("stats: %d pre-tagged", st.Pretagged)
	}
}

// Stopped halfway (Ctrl-C), pre-tagging keeps what it tagged and reports
// exactly what it saved.
func TestPretagCancelledReportsWhatWasSaved(t *testing.T) {
	ctx := context.Background()
	db, err := OpenProject(ctx, filepath.Join(t.TempDir(), "p.slant"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b, err := db.BeginBatch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		b.Add(ctx, annotate.Document{Text: fmt.Sprintf("Story %d: Walmart and Amazon met India's trade minister in New Delhi on Monday.", i)})
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	sum, _ := Pretag(cctx, db, PretagOptions{Workers: 2}, func(done, total int) {
		if done == 100 {
			cancel()
		}
	})
	st, err := db.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Documents != st.Pretagged || sum.Documents < 100 || sum.Documents == 201 {
		t.Errorf("reported %d pre-tagged, saved %d", sum.Documents, st.Pretagged)
	}
}
