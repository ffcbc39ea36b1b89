package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/slant-annotate/slant/annotate/review"
	"github.com/slant-annotate/slant/store"
	"github.com/slant-annotate/slant/store/storetest"
)

// BenchmarkReviewSet loads and measures the team project (10,000
// documents, three annotators) in-process: the part of `slant agreement`
// after start-up (the whole command is benchmarked in app/cli).
func BenchmarkReviewSet(b *testing.B) {
	path := storetest.TeamProject(b)
	ctx := context.Background()
	db, err := store.Open(ctx, path, store.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var load, compute time.Duration
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		set, _, err := db.ReviewSet(ctx, store.ReviewOptions{Text: true})
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		rep, err := review.Compute(set, review.Options{Bootstrap: 1000, Seed: 1, Spans: true})
		if err != nil {
			b.Fatal(err)
		}
		compute += time.Since(t1)
		load += t1.Sub(t0)
		if len(set.Docs) != storetest.TeamDocs || len(rep.Tasks) != 3 {
			b.Fatalf("%d documents, %d tasks", len(set.Docs), len(rep.Tasks))
		}
	}
	b.ReportMetric(storetest.Ms(load)/float64(b.N), "load-ms")
	b.ReportMetric(storetest.Ms(compute)/float64(b.N), "compute-ms")
}
