package gui

// The document list's memory does not grow with the number of documents:
// scrolling the docPager over every row of a 10k and a 100k project keeps
// the Go heap in use (after GC) within a fixed bound.

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slant-annotate/slant/store"
	"github.com/slant-annotate/slant/store/storetest"
)

// benchMaxHeapGrowth bounds how much the heap in use may grow while
// scrolling through a whole project, whatever its size.
const benchMaxHeapGrowth = 30 << 20

// benchMemSample is the heap in use after a full GC, and the process's
// resident set (0 where /proc is not available).
func benchMemSample() (heap, rss uint64) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	if status, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(status), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
				kb, _ := strconv.ParseUint(f[1], 10, 64)
				rss = kb << 10
			}
		}
	}
	return m.HeapInuse, rss
}

func BenchmarkDocPagerScroll10k(b *testing.B)  { benchDocPagerScroll(b, 10000) }
func BenchmarkDocPagerScroll100k(b *testing.B) { benchDocPagerScroll(b, 100000) }

// benchScroll is what one full scroll through a project's list measured.
type benchScroll struct {
	heapGrowth, rssGrowth int64 // peak growth over the start, after GC
	took, slowest         time.Duration
}

// benchScrolls caches each project size's full scroll: the benchmark
// function runs more than once per process, and one scroll through 100k rows
// takes over a minute.
var benchScrolls = map[int]benchScroll{}

// benchScrollAll makes the list's pager as the window does and asks it for
// every row in order, sampling the heap in use (after GC) every 5,000 rows.
func benchScrollAll(b *testing.B, db *store.DB, n int) benchScroll {
	if s, ok := benchScrolls[n]; ok {
		return s
	}
	ctx := context.Background()
	var s benchScroll
	heap0, rss0 := benchMemSample()
	start := time.Now()
	var sampling time.Duration
	p, err := newDocPager(ctx, db, store.DocQuery{})
	if err != nil {
		b.Fatal(err)
	}
	if p.count != n {
		b.Fatalf("pager counts %d rows, want %d", p.count, n)
	}
	for i := range n {
		t0 := time.Now()
		row, ok := p.row(i)
		if d := time.Since(t0); d > s.slowest {
			s.slowest = d
		}
		if !ok || row.Title == "" {
			b.Fatalf("row %d missing", i)
		}
		if (i+1)%5000 == 0 {
			t1 := time.Now()
			heap, rss := benchMemSample()
			s.heapGrowth = max(s.heapGrowth, int64(heap)-int64(heap0))
			if rss0 > 0 {
				s.rssGrowth = max(s.rssGrowth, int64(rss)-int64(rss0))
			}
			sampling += time.Since(t1)
		}
	}
	runtime.KeepAlive(p)
	s.took = time.Since(start) - sampling
	benchScrolls[n] = s
	return s
}

// benchDocPagerScroll checks that the list's memory does not depend on the
// project's size: one full scroll through every row (once per process) must
// not grow the heap in use by more than benchMaxHeapGrowth. It reports the
// peak growth of the heap (heap-MB) and of the resident set (rss-MB, which
// includes SQLite's page cache), the peak heap growth over the bound as
// budget-ratio, the time of the full scroll (scroll-s) and its slowest
// row(i) call (slowest-page-ms: one page read from SQLite). The timed op is
// a jump to the end of the list: a new pager (not timed) asked for the last
// row, which reads the last page.
func benchDocPagerScroll(b *testing.B, n int) {
	path := storetest.Project(b, n)
	ctx := context.Background()
	db := storetest.OpenRW(b, ctx, path)
	defer db.Close()
	s := benchScrollAll(b, db, n)
	if s.heapGrowth > benchMaxHeapGrowth {
		b.Errorf("heap in use grew by %.1f MB scrolling %d rows; want under %d MB", float64(s.heapGrowth)/(1<<20), n, benchMaxHeapGrowth>>20)
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		p, err := newDocPager(ctx, db, store.DocQuery{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if row, ok := p.row(n - 1); !ok || row.Title == "" {
			b.Fatalf("last row missing")
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(s.heapGrowth)/(1<<20), "heap-MB")
	b.ReportMetric(float64(s.rssGrowth)/(1<<20), "rss-MB")
	b.ReportMetric(float64(s.heapGrowth)/benchMaxHeapGrowth, "budget-ratio")
	b.ReportMetric(s.took.Seconds(), "scroll-s")
	b.ReportMetric(float64(s.slowest.Microseconds())/1000, "slowest-page-ms")
}
