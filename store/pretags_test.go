package store

import (
	"context"
	"testing"
	"time"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/pretag"
)

func TestPretagsRoundTrip(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	text := "⚖️ “We will win,” said Amazon's chief. Amazon (NASDAQ: AMZN) agreed."
	addDocs(t, db, annotate.Document{Title: "t", Text: text})
	doc, _ := db.Document(ctx, 1)
	if _, ok, err := db.Pretags(ctx, doc); ok || err != nil {
		t.Fatalf("untagged document reports pre-tags: %v %v", ok, err)
	}
	ids, _ := db.IDsToPretag(ctx, "e/1", false)
	if len(ids) != 1 {
		t.Fatalf("to pre-tag: %v", ids)
	}
	r := &pretag.Result{
		Engine:   "e/1",
		Targets:  []pretag.Target{{Name: "Amazon", Label: "ORG", Aliases: []string{"Amazon", "AMZN"}}},
		Entities: []pretag.Entity{{Start: 23, End: 29, Label: "ORG", Target: 0, Source: "prose"}, {Start: 39, End: 45, Label: "ORG", Target: 0}},
		Quotes:   []pretag.Quote{{Start: 3, End: 17, Target: 0, Speaker: &pretag.Span{Start: 23, End: 37}}},
	}
	if err := db.SavePretags(ctx, 1, r, time.Millisecond); err != nil {
		t.Fatal(err)
	}
	got, ok, err := db.Pretags(ctx, doc)
	if err != nil || !ok {
		t.Fatalf("pre-tags: %v %v", ok, err)
	}
	if got.Engine != "e/1" || len(got.Entities) != 2 || got.Entities[0].Text != "Amazon" || got.Entities[1].Text != "Amazon" {
		t.Fatalf("entities %+v", got.Entities)
	}
	if q := got.Quotes[0]; q.Text != "“We will win,”" || q.Speaker.Text != "Amazon's chief" || q.Target != 0 {
		t.Fatalf("quote %+v %+v", q, q.Speaker)
	}
	if tg := got.Targets[0]; len(tg.Mentions) != 2 || tg.Mentions[1] != [2]int{39, 45} || tg.Aliases[1] != "AMZN" {
		t.Fatalf("target %+v", tg)
	}
	if ids, _ := db.IDsToPretag(ctx, "e/1", false); len(ids) != 0 {
		t.Fatalf("still to pre-tag: %v", ids)
	}
	if ids, _ := db.IDsToPretag(ctx, "e/2", false); len(ids) != 1 {
		t.Fatal("a new engine version must pre-tag again")
	}
	if ids, _ := db.IDsToPretag(ctx, "e/1", true); len(ids) != 1 {
		t.Fatal("redo must list every document")
	}
	// Saving again replaces, never duplicates.
	db.SavePretags(ctx, 1, r, time.Millisecond)
	got, _, _ = db.Pretags(ctx, doc)
	if len(got.Entities) != 2 || len(got.Quotes) != 1 {
		t.Fatalf("re-save duplicated: %d entities %d quotes", len(got.Entities), len(got.Quotes))
	}
	if st, _ := db.Stats(ctx); st.Pretagged != 1 {
		t.Fatalf("stats pretagged %d", st.Pretagged)
	}
}
