// Package storetest provides generated projects for the tests and
// benchmarks of the store and of the programs built on it: news-like
// articles, with or without their pre-tags, and large projects built once
// and cached under os.TempDir() (keyed by the generator's version and the
// schema migrations, so a schema change never reuses a stale file).
package storetest

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/slant-annotate/slant/store"
)

// ModuleRoot returns the module's root, found by walking up from the
// working directory (a test's package folder) to go.mod.
func ModuleRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// cacheKey is version and a hash of store/migrations (each file's name,
// length and body) followed by each of extra, NUL-terminated.
func cacheKey(tb testing.TB, version string, extra ...string) string {
	tb.Helper()
	h := sha256.New()
	dir := filepath.Join(ModuleRoot(tb), "store", "migrations")
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range entries {
		body, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			tb.Fatal(err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", e.Name(), len(body))
		h.Write(body)
	}
	for _, x := range extra {
		fmt.Fprintf(h, "%s\x00", x)
	}
	return fmt.Sprintf("%s-%x", version, h.Sum(nil)[:6])
}

// cached returns path, calling build first if no file is there yet. build
// writes a new project at its tmp argument, calling alive now and then. One
// process builds at a time (a lock folder beside the file); others wait for
// its result.
func cached(tb testing.TB, path, what string, build func(tmp string, alive func())) string {
	tb.Helper()
	lock := path + ".building.d"
	for {
		if _, err := os.Stat(path); err == nil {
			return path
		}
		if err := os.Mkdir(lock, 0o755); err == nil {
			break
		}
		// Another process is building; a lock untouched for 10 minutes
		// was left by a build that died.
		if fi, err := os.Stat(lock); err == nil && time.Since(fi.ModTime()) > 10*time.Minute {
			os.Remove(lock)
		}
		time.Sleep(time.Second)
	}
	defer os.Remove(lock)
	if _, err := os.Stat(path); err == nil {
		return path // built while we waited for the lock
	}
	start := time.Now()
	tmp := path + ".building"
	for _, suffix := range []string{"", "-wal", "-shm", "-lock"} {
		os.Remove(tmp + suffix)
	}
	build(tmp, func() { os.Chtimes(lock, time.Now(), time.Now()) })
	// Rename is atomic: a reader sees no file or a complete one.
	if err := os.Rename(tmp, path); err != nil {
		tb.Fatal(err)
	}
	os.Remove(tmp + "-lock")
	tb.Logf("built %s %s in %v", what, path, time.Since(start).Round(time.Second))
	return path
}

// OpenRW opens path for writing, waiting (up to 10 minutes) while another
// process holds the writer's lock, such as another benchmark run using the
// same cached file.
func OpenRW(tb testing.TB, ctx context.Context, path string) *store.DB {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Minute)
	for {
		db, err := store.Open(ctx, path, store.Options{})
		if err == nil {
			return db
		}
		if !errors.Is(err, store.ErrLocked) || time.Now().After(deadline) {
			tb.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Ms is d in milliseconds, to microsecond precision.
func Ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// ReportP95 reports the 95th percentile of times as measured-ms against
// budgetMs (budget-ms), with the median (p50-ms), the worst (max-ms) and the
// number of samples.
func ReportP95(b *testing.B, times []time.Duration, budgetMs float64) {
	b.Helper()
	s := slices.Clone(times)
	slices.Sort(s)
	p := func(q float64) time.Duration { return s[min(len(s)-1, int(q*float64(len(s))))] }
	b.ReportMetric(budgetMs, "budget-ms")
	b.ReportMetric(Ms(p(0.95)), "measured-ms")
	b.ReportMetric(Ms(p(0.5)), "p50-ms")
	b.ReportMetric(Ms(s[len(s)-1]), "max-ms")
	b.ReportMetric(float64(len(s)), "samples")
}

// CopyProject copies the project at src into a new file in a temporary
// directory and returns its path, streaming it so that a benchmark's heap
// does not start with the whole file in it.
func CopyProject(tb testing.TB, src string) string {
	tb.Helper()
	dst := filepath.Join(tb.TempDir(), filepath.Base(src))
	in, err := os.Open(src)
	if err != nil {
		tb.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		tb.Fatal(err)
	}
	if err := out.Close(); err != nil {
		tb.Fatal(err)
	}
	return dst
}
