package ops_test

import (
	"context"
	"io"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slant-annotate/slant/app/ops"
	"github.com/slant-annotate/slant/store"
	"github.com/slant-annotate/slant/store/storetest"
)

// BenchmarkExportMemory exports ana's 10,000 finished documents of the team
// project as CSV, sampling the live heap every millisecond: an export
// streams, so its peak stays a few megabytes above where it started
// whatever the project's size (peak-growth-MB; budget 64 MB, the table's
// ratio).
func BenchmarkExportMemory(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.TeamProject(b), store.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var growth float64
	for b.Loop() {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base := ms.HeapAlloc
		var peak atomic.Uint64
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			t := time.NewTicker(time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					var s runtime.MemStats
					runtime.ReadMemStats(&s)
					if s.HeapAlloc > peak.Load() {
						peak.Store(s.HeapAlloc)
					}
				}
			}
		}()
		sum, err := ops.Export(ctx, db, io.Discard, ops.ExportOptions{Format: "csv", Annotator: "ana"})
		close(stop)
		<-done
		if err != nil || sum.Records != storetest.TeamDocs {
			b.Fatalf("%+v %v", sum, err)
		}
		growth = max(growth, float64(int64(peak.Load())-int64(base))/(1<<20))
	}
	b.ReportMetric(growth, "peak-growth-MB")
	b.ReportMetric(64, "budget-MB")
	b.ReportMetric(growth/64, "budget-ratio")
}
