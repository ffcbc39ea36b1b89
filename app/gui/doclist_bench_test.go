package gui

// The document list's memory does not grow with the number of documents:
// scrolling the docPager over every row of a 10k and a 100k project keeps
// the Go heap in use (after GC) within a fixed bound.

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/store"
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
	path := benchProject(b, n)
	ctx := context.Background()
	db := benchOpenRW(b, ctx, path)
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

// ---- Synthetic news-like projects, shared by the store, CLI and GUI
// benchmarks (each package carries an identical copy, as test files cannot
// be shared between packages). Bump benchFixtureVersion whenever the
// generator changes; the cache key also hashes store/migrations, so a schema
// change never reuses a stale file.

const benchFixtureVersion = "v1"

// Words planted at known rates, for filter benchmarks.
const (
	benchRareWord   = "quokkanomics" // in every 10,000th document
	benchCommonWord = "the"          // in practically every document
)

var benchFunctionWords = strings.Fields(`the of to and a in said for on that is was with
by as at it from he his be have has are not but an its they this were who been
their had will would more after about than up which she her one new also over
there when two we or out into year could percent people government president
first last market company minister trade police state economy other city last
officials court prices country week since million billion years party report
election bank workers policy week told month while before spokesman analysts
under public deal foreign security national group business investors shares`)

// benchVocabulary returns a deterministic vocabulary: common news words
// first (the most frequent ranks), then made-up words built from syllables.
func benchVocabulary(n int) []string {
	r := rand.New(rand.NewPCG(1, 2))
	onsets := strings.Fields("b c d f g h j k l m n p r s t v w z br ch cl cr dr fl gr pl pr sh st tr th")
	nuclei := strings.Fields("a e i o u ai ea ou io ia")
	codas := []string{"", "", "", "n", "r", "s", "l", "t", "m", "nd", "st", "ck"}
	seen := map[string]bool{benchRareWord: true}
	var vocab []string
	for _, w := range benchFunctionWords {
		if !seen[w] {
			seen[w] = true
			vocab = append(vocab, w)
		}
	}
	for len(vocab) < n {
		var b strings.Builder
		for s := 2 + r.IntN(3); s > 0; s-- {
			b.WriteString(onsets[r.IntN(len(onsets))])
			b.WriteString(nuclei[r.IntN(len(nuclei))])
		}
		b.WriteString(codas[r.IntN(len(codas))])
		if w := b.String(); !seen[w] {
			seen[w] = true
			vocab = append(vocab, w)
		}
	}
	return vocab
}

// benchArticle writes document i: a title and 300–600 words in sentences and
// paragraphs, with an occasional quote, words drawn Zipf-distributed from
// vocab. The same i always gives the same article.
func benchArticle(i int, vocab []string) annotate.Document {
	r := rand.New(rand.NewPCG(uint64(i), 0x5eed))
	z := rand.NewZipf(r, 1.07, 2.7, uint64(len(vocab)-1))
	word := func() string { return vocab[z.Uint64()] }
	capital := func(w string) string { return strings.ToUpper(w[:1]) + w[1:] }
	var title strings.Builder
	for k, n := 0, 5+r.IntN(8); k < n; k++ {
		if k > 0 {
			title.WriteByte(' ')
		}
		title.WriteString(capital(word()))
	}
	var text strings.Builder
	text.Grow(4096)
	words := 300 + r.IntN(301)
	sentence := 0
	for words > 0 {
		n := min(words, 8+r.IntN(18))
		words -= n
		quote := r.IntN(8) == 0
		if quote {
			text.WriteString("“")
		}
		for k := 0; k < n; k++ {
			w := word()
			if k == 0 {
				w = capital(w)
			} else {
				text.WriteByte(' ')
				if r.IntN(14) == 0 {
					w = capital(w) // a name
				}
			}
			if i%10000 == 0 && sentence == 3 && k == 1 {
				w = benchRareWord
			}
			text.WriteString(w)
			if k > 2 && k < n-2 && r.IntN(12) == 0 {
				text.WriteByte(',')
			}
		}
		if quote {
			text.WriteString(",” said " + capital(word()) + " " + capital(word()) + ".")
		} else {
			text.WriteByte('.')
		}
		sentence++
		if r.IntN(5) == 0 {
			text.WriteString("\n\n")
		} else {
			text.WriteByte(' ')
		}
	}
	return annotate.Document{
		Title:      title.String(),
		Text:       strings.TrimSpace(text.String()) + "\n",
		ExternalID: fmt.Sprintf("bench-%d", i),
		Source:     fmt.Sprintf("bench/news.jsonl:%d", i+1),
	}
}

// benchModuleRoot finds the module's root by walking up to go.mod.
func benchModuleRoot(tb testing.TB) string {
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

// benchProjectPath is where the n-document project is cached: under
// os.TempDir(), keyed by the generator version and the schema migrations.
func benchProjectPath(tb testing.TB, n int) string {
	h := sha256.New()
	dir := filepath.Join(benchModuleRoot(tb), "store", "migrations")
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
	key := fmt.Sprintf("%s-%x", benchFixtureVersion, h.Sum(nil)[:6])
	return filepath.Join(os.TempDir(), fmt.Sprintf("slant-bench-%dk-%s.slant", n/1000, key))
}

// benchProject returns the path of a project of n generated documents,
// building it once (through store.BeginBatch, in large batches) and reusing
// it from the cache afterwards. Building 100k documents takes minutes. One
// process builds at a time (a lock folder beside the file); others wait for
// its result.
func benchProject(tb testing.TB, n int) string {
	tb.Helper()
	path := benchProjectPath(tb, n)
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
	benchBuildProject(tb, tmp, n, func() { os.Chtimes(lock, time.Now(), time.Now()) })
	// Rename is atomic: a reader sees no file or a complete one.
	if err := os.Rename(tmp, path); err != nil {
		tb.Fatal(err)
	}
	os.Remove(tmp + "-lock")
	tb.Logf("built %d-document project %s in %v", n, path, time.Since(start).Round(time.Second))
	return path
}

// benchBuildProject writes a new project of n generated documents at path,
// calling alive after each batch.
func benchBuildProject(tb testing.TB, path string, n int, alive func()) {
	tb.Helper()
	ctx := context.Background()
	for _, suffix := range []string{"", "-wal", "-shm", "-lock"} {
		os.Remove(path + suffix)
	}
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	vocab := benchVocabulary(30000)
	const batchSize = 10000
	for i := 0; i < n; i += batchSize {
		b, err := db.BeginBatch(ctx)
		if err != nil {
			tb.Fatal(err)
		}
		for j := i; j < min(n, i+batchSize); j++ {
			if err := b.Add(ctx, benchArticle(j, vocab)); err != nil {
				b.Rollback()
				tb.Fatal(err)
			}
		}
		if err := b.Commit(); err != nil {
			tb.Fatal(err)
		}
		alive()
	}
	if got, err := db.CountDocuments(ctx, ""); err != nil || got != n {
		tb.Fatalf("built project holds %d documents (%v), want %d", got, err, n)
	}
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
}

// benchOpenRW opens path for writing, waiting while another process holds
// the writer's lock (another benchmark run using the same cached file).
func benchOpenRW(tb testing.TB, ctx context.Context, path string) *store.DB {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Minute)
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
