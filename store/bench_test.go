package store_test

// Budgets of issue 2 for the storage layer, on a generated project of
// 100,000 news-like documents (cached under os.TempDir(); see benchProject):
// opening it and reading the first page of the list as the GUI does, and
// filtering it by words as typed.

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/store"
)

const benchBigProject = 100000

// BenchmarkOpenFirstPage100k is the GUI's start on a 100k-document project:
// open for writing, count the documents, read the first page of 100 rows.
// Budget 300 ms. Closing is not timed.
func BenchmarkOpenFirstPage100k(b *testing.B) {
	path := benchProject(b, benchBigProject)
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		db := benchOpenRW(b, ctx, path)
		n, err := db.CountDocuments(ctx, "")
		if err != nil || n != benchBigProject {
			b.Fatalf("count %d, %v", n, err)
		}
		rows, err := db.ListDocuments(ctx, "", 0, 100)
		if err != nil || len(rows) != 100 {
			b.Fatalf("first page: %d rows, %v", len(rows), err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(300, "budget-ms") // after ResetTimer, which clears metrics
}

// BenchmarkFilter100k is one keystroke in the GUI's filter box on a
// 100k-document project: count the matches and read their first page, the
// text passed as typed (the last word is a prefix). Budget 200 ms each.
func BenchmarkFilter100k(b *testing.B) {
	path := benchProject(b, benchBigProject)
	ctx := context.Background()
	db := benchOpenRW(b, ctx, path)
	defer db.Close()
	for _, c := range []struct{ name, filter string }{
		{"rare", benchRareWord + " "},     // a word in 10 documents, typed in full
		{"common", benchCommonWord + " "}, // a word in every document, typed in full
		{"typed-p", "p"},                  // typing "president", keystroke by keystroke
		{"typed-pr", "pr"},
		{"typed-pre", "pre"},
		{"typed-president", "president"},
		{"typed-trade_p", "trade p"}, // a second word begun
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportMetric(200, "budget-ms")
			matches := 0
			for range b.N {
				n, err := db.CountDocuments(ctx, c.filter)
				if err != nil {
					b.Fatal(err)
				}
				rows, err := db.ListDocuments(ctx, c.filter, 0, 100)
				if err != nil || len(rows) != min(n, 100) {
					b.Fatalf("%d rows of %d matches, %v", len(rows), n, err)
				}
				matches = n
			}
			b.ReportMetric(float64(matches), "matches")
		})
	}
}

// BenchmarkListLastPage100k reads the last page of the unfiltered list, as
// the GUI does when scrolled to the end (no budget of its own: it bounds how
// smoothly a long list scrolls).
func BenchmarkListLastPage100k(b *testing.B) {
	path := benchProject(b, benchBigProject)
	ctx := context.Background()
	db := benchOpenRW(b, ctx, path)
	defer db.Close()
	b.ResetTimer()
	for range b.N {
		rows, err := db.ListDocuments(ctx, "", benchBigProject-100, 100)
		if err != nil || len(rows) != 100 {
			b.Fatalf("%d rows, %v", len(rows), err)
		}
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
