package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/store"
)

// newsVersion is the news generator's version, part of the cache key: bump
// it whenever Vocabulary, Article or buildProject changes.
const newsVersion = "v1"

// Words planted at known rates, for filter benchmarks.
const (
	RareWord   = "quokkanomics" // in every 10,000th article
	CommonWord = "the"          // in practically every article
)

var functionWords = strings.Fields(`the of to and a in said for on that is was with
by as at it from he his be have has are not but an its they this were who been
their had will would more after about than up which she her one new also over
there when two we or out into year could percent people government president
first last market company minister trade police state economy other city last
officials court prices country week since million billion years party report
election bank workers policy week told month while before spokesman analysts
under public deal foreign security national group business investors shares`)

// Vocabulary returns a deterministic vocabulary of n words: common news
// words first (the most frequent ranks), then made-up words built from
// syllables.
func Vocabulary(n int) []string {
	r := rand.New(rand.NewPCG(1, 2))
	onsets := strings.Fields("b c d f g h j k l m n p r s t v w z br ch cl cr dr fl gr pl pr sh st tr th")
	nuclei := strings.Fields("a e i o u ai ea ou io ia")
	codas := []string{"", "", "", "n", "r", "s", "l", "t", "m", "nd", "st", "ck"}
	seen := map[string]bool{RareWord: true}
	var vocab []string
	for _, w := range functionWords {
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

// Article returns article i: a title and 300–600 words in sentences and
// paragraphs, with an occasional quote, words drawn Zipf-distributed from
// vocab (RareWord planted when i is a multiple of 10,000). The same i
// always gives the same article.
func Article(i int, vocab []string) annotate.Document {
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
				w = RareWord
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

// Project returns the path of a project of n articles (Article(0) to
// Article(n-1) over Vocabulary(30000)), built once and cached under
// os.TempDir(). Building 100,000 articles takes minutes. Open it with
// OpenRW; do not change it.
func Project(tb testing.TB, n int) string {
	tb.Helper()
	name := fmt.Sprintf("slant-bench-%dk-%s.slant", n/1000, cacheKey(tb, newsVersion))
	path := filepath.Join(os.TempDir(), name)
	return cached(tb, path, fmt.Sprintf("%d-document project", n), func(tmp string, alive func()) {
		buildProject(tb, tmp, n, alive)
	})
}

// buildProject writes a new project of n articles at path through
// store.BeginBatch, in large batches, calling alive after each.
func buildProject(tb testing.TB, path string, n int, alive func()) {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	vocab := Vocabulary(30000)
	const batchSize = 10000
	for i := 0; i < n; i += batchSize {
		b, err := db.BeginBatch(ctx)
		if err != nil {
			tb.Fatal(err)
		}
		for j := i; j < min(n, i+batchSize); j++ {
			if err := b.Add(ctx, Article(j, vocab)); err != nil {
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
