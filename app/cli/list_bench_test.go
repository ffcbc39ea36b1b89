package cli_test

// `slant list` streams: its first line is out before the table has been read
// (a structural test on 20k documents, and the time to the first line and
// to the end on a 100k-document project).

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/app/cli"
	"github.com/slant-annotate/slant/store"
)

// firstWriteRecorder is a stdout that notes when, from where and with how
// many lines it was first written to, and counts the rest.
type firstWriteRecorder struct {
	mu         sync.Mutex
	start      time.Time
	first      time.Duration // since start, at the first Write
	firstLines int           // lines in the first Write
	firstStack string        // the writing goroutine's stack at the first Write
	lines      int
	bytes      int
	keepStack  bool
}

func (w *firstWriteRecorder) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.bytes == 0 && len(p) > 0 {
		w.first = time.Since(w.start)
		w.firstLines = bytes.Count(p, []byte{'\n'})
		if w.keepStack {
			buf := make([]byte, 64<<10)
			w.firstStack = string(buf[:runtime.Stack(buf, false)])
		}
	}
	w.bytes += len(p)
	w.lines += bytes.Count(p, []byte{'\n'})
	return len(p), nil
}

func runListTo(tb testing.TB, w *firstWriteRecorder, args ...string) {
	tb.Helper()
	var errb bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: w, Stderr: &errb, Getenv: func(string) string { return "" }}
	w.start = time.Now()
	if code := cli.Run(env, append([]string{"list"}, args...)); code != 0 {
		tb.Fatalf("slant list exited %d: %s", code, errb.String())
	}
}

// TestListStreams checks that `slant list` writes its first line from inside
// the row loop (store's EachDocument has not returned yet), with only the
// header and the first row in it, and the rest later.
func TestListStreams(t *testing.T) {
	const n = 20000
	path := filepath.Join(t.TempDir(), "p.slant")
	ctx := context.Background()
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.BeginBatch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		d := annotate.Document{Title: fmt.Sprintf("Article %d", i), Text: fmt.Sprintf("Body of article %d about trade.\n", i)}
		if err := b.Add(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	db.Close()

	for _, args := range [][]string{{"--db", path}, {"--db", path, "--json"}, {"--db", path, "--filter", "trade"}} {
		w := &firstWriteRecorder{keepStack: true}
		runListTo(t, w, args...)
		want := n
		if !strings.Contains(strings.Join(args, " "), "--json") {
			want++ // the header
		}
		if w.lines != want {
			t.Errorf("%v: %d lines, want %d", args, w.lines, want)
		}
		if w.firstLines > 2 || w.firstLines >= w.lines {
			t.Errorf("%v: the first write held %d of %d lines; want the header and the first row only", args, w.firstLines, w.lines)
		}
		if !strings.Contains(w.firstStack, "slant/store.(*DB).") {
			t.Errorf("%v: the first line was written after the store had finished reading (not from within EachDocument); stack:\n%s", args, w.firstStack)
		}
	}
}

// BenchmarkList100k runs `slant list` on a 100k-document project: the time
// to its first line (measured-ms, budget 100 ms: the first line comes before
// the whole table is read) and to its end (total-ms). Opening the project is
// part of both.
func BenchmarkList100k(b *testing.B) {
	path := benchProject(b, 100000)
	for _, c := range []struct {
		name string
		args []string
	}{
		{"table", []string{"--db", path}},
		{"json", []string{"--db", path, "--json"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var first, total time.Duration
			for range b.N {
				w := &firstWriteRecorder{}
				runListTo(b, w, c.args...)
				total += time.Since(w.start)
				first += w.first
				if w.lines < 100000 {
					b.Fatalf("%d lines", w.lines)
				}
			}
			b.ReportMetric(100, "budget-ms")
			b.ReportMetric(float64(first.Microseconds())/1000/float64(b.N), "measured-ms")
			b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "total-ms")
		})
	}
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
