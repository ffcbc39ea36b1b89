package ops_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/slant-annotate/slant/app/ops"
	"github.com/slant-annotate/slant/store"
)

// benchSharedData finds shared/data by walking up from the working
// directory, skipping the benchmark (with a message) where it is absent.
func benchSharedData(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "data")
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Skip("shared/data not found above the working directory: real-data benchmarks skipped")
		}
		dir = parent
	}
}

// BenchmarkImportPerSent imports PerSent's dev.csv and random_test.csv (1,157
// articles) into a new project through ops.Import, as both front ends do.
// Budget: 2,000 articles/s, i.e. 578.5 ms per import. Each op is a fresh
// project in its own temporary folder; creating it (ops.OpenProject, which
// also adds the sample article) and closing it are not timed, and are
// reported as create-ms.
func BenchmarkImportPerSent(b *testing.B) {
	dir := filepath.Join(benchSharedData(b), "persent")
	files := []string{filepath.Join(dir, "dev.csv"), filepath.Join(dir, "random_test.csv")}
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			b.Skipf("PerSent data missing: %v", err)
		}
	}
	const articles = 1157
	opts := ops.ImportOptions{TextCol: "DOCUMENT", TitleCol: "TITLE", IDCol: "DOCUMENT_INDEX"}
	ctx := context.Background()
	var create, imp time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		t0 := time.Now()
		db, err := ops.OpenProject(ctx, filepath.Join(b.TempDir(), "p.slant"), store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		create += time.Since(t0)
		b.StartTimer()
		t1 := time.Now()
		sum := ops.Import(ctx, db, files, opts, nil)
		imp += time.Since(t1)
		b.StopTimer()
		if sum.Failed != 0 || sum.Added+sum.Duplicates != articles {
			b.Fatalf("import: %s; errors %v", sum, sum.Errors)
		}
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(articles*1000.0/2000, "budget-ms") // 2,000 articles/s
	b.ReportMetric(articles*float64(b.N)/imp.Seconds(), "articles/s")
	b.ReportMetric(float64(create.Microseconds())/1000/float64(b.N), "create-ms")
}
