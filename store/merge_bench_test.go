package store_test

// The merge budget of issue 8: merging a 10,000-document project finished
// by three annotators (storetest.TeamProject, cached under os.TempDir())
// into an empty project, in under 5 s.

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/slant-annotate/slant/store"
	"github.com/slant-annotate/slant/store/storetest"
)

// BenchmarkMergeTeamIntoEmpty merges the team project into a new, empty
// project: every document, pre-tag, layer, label, status and event copied,
// in one transaction, committed to disk (to the write-ahead log, synced).
// Opening the empty project is not timed. Budget 5,000 ms.
func BenchmarkMergeTeamIntoEmpty(b *testing.B) {
	team := storetest.TeamProject(b)
	ctx := context.Background()
	dir := b.TempDir()
	var total, checkpoint time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		db, err := store.Open(ctx, filepath.Join(dir, fmt.Sprintf("empty%d.slant", i)), store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		st, err := db.Merge(ctx, team, store.MergeOptions{})
		took := time.Since(start)
		b.StopTimer()
		total += took
		if err != nil {
			b.Fatal(err)
		}
		if st.Documents != storetest.TeamDocs || st.Annotators != len(storetest.TeamAnnotators) ||
			st.LayersAdded != storetest.TeamDocs*len(storetest.TeamAnnotators) {
			b.Fatalf("merged %+v", st)
		}
		// The checkpoint after it (copying the write-ahead log into the
		// file), which the window does in the background and the command
		// line when it closes the project: reported beside, not in, the
		// merge's time.
		start = time.Now()
		if err := db.Checkpoint(ctx); err != nil {
			b.Fatal(err)
		}
		checkpoint += time.Since(start)
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(storetest.Ms(checkpoint/time.Duration(b.N)), "checkpoint-ms")
	b.ReportMetric(storetest.Ms(total/time.Duration(b.N)), "measured-ms")
	b.ReportMetric(5000, "budget-ms")
}
