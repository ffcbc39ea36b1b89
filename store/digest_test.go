package store_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/review"
	"github.com/slant-annotate/slant/store"
	"github.com/slant-annotate/slant/store/storetest"
)

// digestProject is a pre-tagged project of three articles that ana and ben
// label and finish, with an edit or two each.
func digestProject(t *testing.T) (*store.DB, []int64, []store.Annotator) {
	t.Helper()
	return digestProjectOf(t, "ana", "ben")
}

// digestProjectOf is digestProject with two annotators of other names.
func digestProjectOf(t *testing.T, names ...string) (*store.DB, []int64, []store.Annotator) {
	t.Helper()
	ctx := context.Background()
	db, ids := storetest.PretaggedProject(t, 3, 300)
	t.Cleanup(func() { db.Close() })
	_, sv, _ := db.Schema(ctx)
	var anns []store.Annotator
	for a, name := range names {
		ann, err := db.EnsureAnnotator(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		anns = append(anns, ann)
		for i, doc := range ids {
			l, err := db.Layer(ctx, doc, ann.ID)
			if err != nil {
				t.Fatal(err)
			}
			values := []string{"negative", "neutral", "positive"}
			db.SetLabel(ctx, ann.ID, doc, "document_sentiment", annotate.UnitDocument, annotate.LabelValue{Value: values[(i+a)%3]}, sv)
			for j, tg := range l.LiveTargets() {
				db.SetLabel(ctx, ann.ID, doc, "target_sentiment", annotate.TargetUnit(tg.ID), annotate.LabelValue{Value: values[(j*a+i)%3]}, sv)
			}
			if qs := l.Quotes(); len(qs) > 0 {
				db.SetLabel(ctx, ann.ID, doc, "quote_stance", annotate.QuoteUnit(qs[0].ID),
					annotate.LabelValue{Value: "against", Towards: l.QuoteTarget(qs[0], [2]int{0, 0})}, sv)
			}
			if a == 1 && len(l.Spans) > 2 {
				if _, err := db.DeleteSpan(ctx, ann.ID, doc, l.Spans[1].ID); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := db.SetStatus(ctx, ann.ID, doc, annotate.StatusDone, 10); err != nil {
				t.Fatal(err)
			}
		}
	}
	return db, ids, anns
}

func reportJSON(t *testing.T, db *store.DB) string {
	t.Helper()
	set, _, err := db.ReviewSet(context.Background(), store.ReviewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := review.Compute(set, review.Options{Spans: true, Bootstrap: 50, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(rep)
	return string(js)
}

func digests(t *testing.T, db *store.DB) int {
	t.Helper()
	n, err := db.CountRows(context.Background(), "layer_digests")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDigestsGiveTheSameAgreementAsRows(t *testing.T) {
	ctx := context.Background()
	db, ids, anns := digestProject(t)
	// Marking done wrote each layer's digest.
	if n := digests(t, db); n != 6 {
		t.Fatalf("%d digests after finishing 6 layers", n)
	}
	withDigests := reportJSON(t, db)
	// A change to a layer drops its digest (the triggers), whoever writes.
	_, sv, _ := db.Schema(ctx)
	if _, err := db.SetLabel(ctx, anns[0].ID, ids[0], "document_sentiment", annotate.UnitDocument, annotate.LabelValue{Value: "positive"}, sv); err != nil {
		t.Fatal(err)
	}
	if n := digests(t, db); n != 5 {
		t.Fatalf("%d digests after changing a label of a finished layer, want 5", n)
	}
	mixed := reportJSON(t, db)
	if _, _, err := db.Undo(ctx, anns[0].ID); err != nil {
		t.Fatal(err)
	}
	if got := reportJSON(t, db); got != withDigests {
		t.Errorf("after undo, from rows:\n%s\nwant, from digests:\n%s", got, withDigests)
	}
	if n, err := db.RefreshDigests(ctx); err != nil || n != 1 {
		t.Fatalf("refresh built %d (%v), want 1", n, err)
	}
	if got := reportJSON(t, db); got != withDigests {
		t.Errorf("from refreshed digests:\n%s\nwant:\n%s", got, withDigests)
	}
	if mixed == withDigests {
		t.Error("changing a label changed nothing in the report")
	}
	// A digest that does not decode is read from rows instead.
	if err := db.CorruptDigests(ctx); err != nil {
		t.Fatal(err)
	}
	if got := reportJSON(t, db); got != withDigests {
		t.Errorf("from rows past damaged digests:\n%s\nwant:\n%s", got, withDigests)
	}
	// Every layer from its rows gives the same report.
	if err := db.DropDigests(ctx); err != nil {
		t.Fatal(err)
	}
	if got := reportJSON(t, db); got != withDigests {
		t.Errorf("from rows:\n%s\nwant, from digests:\n%s", got, withDigests)
	}
}

// A merge copies digests into an empty project and drops those of the
// layers it changes in another; either way agreement reads the same.
func TestDigestsAfterMerge(t *testing.T) {
	ctx := context.Background()
	src, _, _ := digestProject(t)
	want := reportJSON(t, src)
	for _, into := range []string{"empty", "new", "labelled"} {
		var dst *store.DB
		if into == "empty" || into == "new" {
			var err error
			dst, err = store.Open(ctx, t.TempDir()+"/into.slant", store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer dst.Close()
		}
		if into == "new" {
			// What a new project starts with: the sample article and the
			// default schema. It counts as empty: the copy replaces it.
			if _, _, err := dst.Schema(ctx); err != nil {
				t.Fatal(err)
			}
			b, err := dst.BeginBatch(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := b.Add(ctx, annotate.Document{Title: "Sample", Text: "A sample article about trade.", Source: store.SampleSource}); err != nil {
				t.Fatal(err)
			}
			if err := b.Commit(); err != nil {
				t.Fatal(err)
			}
			into = "empty"
		} else if into == "labelled" {
			dst, _, _ = digestProjectOf(t, "cai", "dan") // the same articles
		}
		if _, err := dst.Merge(ctx, src.Path(), store.MergeOptions{}); err != nil {
			t.Fatal(err)
		}
		if into == "labelled" {
			if n := digests(t, dst); n != 6 {
				t.Errorf("after merging into a labelled project: %d digests, want cai's and dan's 6", n)
			}
			mixed := reportJSON(t, dst)
			if n, err := dst.RefreshDigests(ctx); err != nil || n != 6 {
				t.Errorf("refresh built %d (%v), want ana's and ben's 6", n, err)
			}
			if got := reportJSON(t, dst); got != mixed {
				t.Errorf("refreshed digests:\n%s\nwant\n%s", got, mixed)
			}
		}
		if into == "empty" && digests(t, dst) != 6 {
			t.Errorf("into an empty project: %d digests copied, want 6", digests(t, dst))
		}
		if into == "empty" {
			// A copy is as current as its source: nothing stale, the
			// stats copied and read as they are.
			// Copied under a rollback journal, then back in WAL mode.
			if mode, err := dst.JournalMode(ctx); mode != "wal" || err != nil {
				t.Errorf("journal mode after merging into an empty project: %q (%v)", mode, err)
			}
			if err := dst.Checkpoint(ctx); err != nil {
				t.Errorf("checkpoint after merging into an empty project: %v", err)
			}
			srcDocs, _ := src.CountRows(ctx, "documents")
			if n, _ := dst.CountRows(ctx, "documents"); n != srcDocs {
				t.Errorf("into an empty project: %d documents, the source has %d", n, srcDocs)
			}
			srcStale, _ := src.CountRows(ctx, "stale_docs")
			if n, _ := dst.CountRows(ctx, "stale_docs"); n != srcStale {
				t.Errorf("into an empty project: %d stale documents, the source has %d", n, srcStale)
			}
			if got := statsReport(t, dst); got != statsReport(t, src) {
				t.Errorf("stats of the copy:\n%s\nwant\n%s", got, statsReport(t, src))
			}
		}
		got := reportJSON(t, dst)
		if err := dst.DropDigests(ctx); err != nil {
			t.Fatal(err)
		}
		if rows := reportJSON(t, dst); rows != got {
			t.Errorf("into %s: from digests\n%s\nfrom rows\n%s", into, got, rows)
		}
		if into == "empty" && got != want {
			t.Errorf("merged into an empty project:\n%s\nwant\n%s", got, want)
		}
	}
}

// A report summed from each document's DocStat is the report Compute gives.
func TestReportFromDocStats(t *testing.T) {
	ctx := context.Background()
	db, ids, anns := digestProject(t)
	// Some disagreement on spans and a stance towards another target.
	_, sv, _ := db.Schema(ctx)
	l, _ := db.Layer(ctx, ids[1], anns[0].ID)
	if len(l.Spans) > 3 {
		e, s := l.Spans[3].End+2, l.Spans[3].Start
		if _, err := db.EditSpan(ctx, anns[0].ID, ids[1], l.Spans[3].ID, store.SpanEdit{Start: &s, End: &e}); err != nil {
			t.Fatal(err)
		}
	}
	if qs := l.Quotes(); len(qs) > 0 && len(l.LiveTargets()) > 1 {
		db.SetLabel(ctx, anns[0].ID, ids[1], "quote_stance", annotate.QuoteUnit(qs[0].ID),
			annotate.LabelValue{Value: "favor", Towards: l.LiveTargets()[1].ID}, sv)
	}
	set, all, err := db.ReviewSet(ctx, store.ReviewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	o := review.Options{Spans: true, Bootstrap: 100, Seed: 5}
	want, err := review.Compute(set, o)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	var annIDs []int64
	for _, a := range all {
		names, annIDs = append(names, a.Name), append(annIDs, a.ID)
	}
	matches := set.Matches()
	items := set.Items(matches)
	var stats []review.DocStat
	for d := range set.Docs {
		stats = append(stats, set.DocStat(d, matches[d], items, annIDs))
	}
	got, err := review.ReportFromStats(set.Schema, names, annIDs, stats, o)
	if err != nil {
		t.Fatal(err)
	}
	wj, _ := json.Marshal(want)
	gj, _ := json.Marshal(got)
	if string(wj) != string(gj) {
		t.Errorf("from doc stats:\n%s\nwant, computed:\n%s", gj, wj)
	}
}

// statsReport is the report summed from the stored (or worked out)
// document stats, as `slant agreement` makes it.
func statsReport(t *testing.T, db *store.DB) string {
	t.Helper()
	stats, anns, sch, err := db.AgreementStats(context.Background(), true, false)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	var ids []int64
	for _, a := range anns {
		names, ids = append(names, a.Name), append(ids, a.ID)
	}
	rep, err := review.ReportFromStats(sch, names, ids, stats, review.Options{Spans: true, Bootstrap: 50, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(rep)
	return string(js)
}

func TestStoredDocStatsGiveTheComputedReport(t *testing.T) {
	ctx := context.Background()
	db, ids, anns := digestProject(t)
	if n, _ := db.CountRows(ctx, "doc_stats"); n != len(ids) {
		t.Fatalf("%d document stats after finishing %d documents", n, len(ids))
	}
	if got, want := statsReport(t, db), reportJSON(t, db); got != want {
		t.Fatalf("from stored stats:\n%s\nwant:\n%s", got, want)
	}
	// A change to a finished layer drops its document's stats: that one is
	// worked out from the layers, the others read.
	_, sv, _ := db.Schema(ctx)
	if _, err := db.SetLabel(ctx, anns[1].ID, ids[2], "document_sentiment", annotate.UnitDocument, annotate.LabelValue{Value: "negative"}, sv); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.CountRows(ctx, "doc_stats"); n != len(ids)-1 {
		t.Fatalf("%d document stats after a change, want %d", n, len(ids)-1)
	}
	if n, _ := db.CountRows(ctx, "stale_docs"); n == 0 {
		t.Fatal("a changed document is not marked stale")
	}
	if got, want := statsReport(t, db), reportJSON(t, db); got != want {
		t.Fatalf("with one document worked out:\n%s\nwant:\n%s", got, want)
	}
	// A skipped document no longer counts for that annotator.
	if _, err := db.SetStatus(ctx, anns[0].ID, ids[0], annotate.StatusSkipped, 1); err != nil {
		t.Fatal(err)
	}
	if got, want := statsReport(t, db), reportJSON(t, db); got != want {
		t.Fatalf("after skipping:\n%s\nwant:\n%s", got, want)
	}
	if _, err := db.RefreshDigests(ctx); err != nil {
		t.Fatal(err)
	}
	if got, want := statsReport(t, db), reportJSON(t, db); got != want {
		t.Fatalf("after refreshing:\n%s\nwant:\n%s", got, want)
	}
	// A refresh leaves every layer with its digest, every finished
	// document with its stats, and nothing stale; a second does nothing.
	layers, _ := db.CountRows(ctx, "doc_status")
	if got := digests(t, db); got != layers {
		t.Fatalf("%d digests for %d layers after refreshing", got, layers)
	}
	if n, _ := db.CountRows(ctx, "doc_stats"); n != len(ids) {
		t.Fatalf("%d document stats after refreshing, want %d", n, len(ids))
	}
	if n, _ := db.CountRows(ctx, "stale_docs"); n != 0 {
		t.Fatalf("%d documents still stale after refreshing", n)
	}
	if n, err := db.RefreshDigests(ctx); n != 0 || err != nil {
		t.Fatalf("a second refresh built %d digests (%v)", n, err)
	}
	// Stats that do not decode are worked out again, not left out.
	want := reportJSON(t, db)
	if err := db.CorruptDocStats(ctx); err != nil {
		t.Fatal(err)
	}
	if got := statsReport(t, db); got != want {
		t.Fatalf("with damaged stats:\n%s\nwant:\n%s", got, want)
	}
}
