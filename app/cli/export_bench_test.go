package cli_test

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/slant-annotate/slant/store/storetest"
)

// BenchmarkExportCSV100kUnits is `slant export --format csv --annotator
// ana --out FILE` on the team project (10,000 documents ana finished:
// 87,471 labels of documents, targets and quotes, and 228,754 labelled
// entity spans, a row each) as a process of its own, start-up included.
// measured-ms is the time per 100,000 labelled units (rows), per-label-ms
// per 100,000 labels alone (the whole export's time, scaled); budget
// 1,000 ms.
func BenchmarkExportCSV100kUnits(b *testing.B) {
	team := storetest.TeamProject(b)
	out := filepath.Join(b.TempDir(), "ana.csv")
	var total time.Duration
	n := 0
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		slantProcess(b, "export", "--db", team, "--format", "csv", "--annotator", "ana", "--out", out)
		total += time.Since(start)
		n++
	}
	b.StopTimer()
	data, err := os.ReadFile(out)
	if err != nil {
		b.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		b.Fatal(err)
	}
	labels := 0
	for _, r := range rows[1:] {
		if r[3] != "entity" {
			labels++
		}
	}
	if labels < 50000 {
		b.Fatalf("%d labels exported", labels)
	}
	b.ReportMetric(float64(labels), "labels")
	b.ReportMetric(float64(len(rows)-1), "rows")
	each := storetest.Ms(total / time.Duration(n))
	b.ReportMetric(each*100000/float64(len(rows)-1), "measured-ms")
	b.ReportMetric(each*100000/float64(labels), "per-label-ms")
	b.ReportMetric(1000, "budget-ms")
}
