package ops_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/slant-annotate/slant/app/ops"
	"github.com/slant-annotate/slant/store"
	"github.com/slant-annotate/slant/store/storetest"
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

// BenchmarkImportFolder5000 imports a folder of 5,000 short articles (a
// file each) into a new project through ops.Import. Each file stays all or
// nothing, but many share a transaction. Budget 2,000 files/s: 2,500 ms.
func BenchmarkImportFolder5000(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "news")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	for i := range 5000 {
		text := fmt.Sprintf("Story %d\n\nMarkets moved on day %d as the minister spoke about trade and tariffs with India.\n", i, i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%04d.txt", i)), []byte(text), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	var total time.Duration
	for i := range b.N {
		b.StopTimer()
		db, err := ops.OpenProject(ctx, filepath.Join(b.TempDir(), fmt.Sprintf("p%d.slant", i)), store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		sum := ops.Import(ctx, db, []string{dir}, ops.ImportOptions{}, nil)
		total += time.Since(start)
		b.StopTimer()
		db.Close()
		if sum.Added != 5000 || sum.Failed != 0 {
			b.Fatalf("%s", sum)
		}
		b.StartTimer()
	}
	b.ReportMetric(storetest.Ms(total/time.Duration(b.N)), "measured-ms")
	b.ReportMetric(5000/(total/time.Duration(b.N)).Seconds(), "files/s")
	b.ReportMetric(2500, "budget-ms")
}
