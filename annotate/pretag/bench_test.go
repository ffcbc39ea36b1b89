package pretag_test

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	prose "github.com/jdkato/prose/v2"
	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/pretag"
	"github.com/slant-annotate/slant/annotate/pretag/eval"
	"github.com/slant-annotate/slant/assets"
)

var (
	proseOnce  sync.Once
	proseModel *prose.Model
)

// benchModel is prose's model for the baseline, loaded once.
func benchModel() *prose.Model {
	proseOnce.Do(func() { proseModel = prose.ModelFromData("en-v2.0.0") })
	return proseModel
}

// persent returns up to n PerSenT articles (column DOCUMENT of dev.csv,
// then random_test.csv), or skips.
func persent(b testing.TB, n int) []string {
	wd, _ := os.Getwd()
	d := eval.FindData(wd)
	if d == "" {
		b.Skip("shared/data not found beside an ancestor of the working directory: skipping PerSenT benchmarks")
	}
	var out []string
	for _, name := range []string{"dev.csv", "random_test.csv"} {
		f, err := os.Open(filepath.Join(d, "persent", name))
		if err != nil {
			b.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		col := -1
		for i, h := range rows[0] {
			if h == "DOCUMENT" {
				col = i
			}
		}
		for _, r := range rows[1:] {
			text, err := annotate.NormalizeText([]byte(r[col]))
			if err != nil || text == "" {
				continue
			}
			out = append(out, text)
			if len(out) == n {
				return out
			}
		}
	}
	return out
}

// proseMs is prose's own NER (default pipeline, shared model) on text, in
// milliseconds per call.
func proseMs(text string, n int, opts ...prose.DocOpt) float64 {
	m := benchModel()
	start := time.Now()
	for i := 0; i < n; i++ {
		prose.NewDocument(text, append([]prose.DocOpt{prose.UsingModel(m)}, opts...)...)
	}
	return float64(time.Since(start).Microseconds()) / 1000 / float64(n)
}

func benchTexts(b *testing.B) map[string]string {
	texts := map[string]string{"sample": string(assets.SampleArticle)}
	if p := persent(b, 1); len(p) > 0 {
		texts["persent"] = p[0]
	}
	return texts
}

// BenchmarkProseNER is the baseline: prose's own pipeline with the model
// loaded once.
func BenchmarkProseNER(b *testing.B) {
	for _, name := range []string{"sample", "persent"} {
		b.Run(name, func(b *testing.B) {
			text := benchTexts(b)[name]
			m := benchModel()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				prose.NewDocument(text, prose.UsingModel(m))
			}
		})
	}
}

// BenchmarkPretag is the full pre-tag (prose, rules, targets, quotes);
// budget: 1.25 × prose's own NER on the same text, measured alongside.
func BenchmarkPretag(b *testing.B) {
	for _, name := range []string{"sample", "persent"} {
		b.Run(name, func(b *testing.B) {
			text := benchTexts(b)[name]
			tg := pretag.NewTagger()
			tg.Tag(text)
			base := proseMs(text, 20)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				tg.Tag(text)
			}
			b.StopTimer()
			b.ReportMetric(1.25*base, "budget-ms")
			b.ReportMetric(base, "prose-ms")
			// prose without its sentence splitter, which Slant does not use:
			// what the rules and quotes add on top of prose's NER proper.
			b.ReportMetric(proseMs(text, 20, prose.WithSegmentation(false)), "prose-noseg-ms")
		})
	}
}

// BenchmarkTagAllSpeedup tags PerSenT articles with 1 and with 2 workers;
// budget: 2 workers at least 1.6× the throughput of 1.
func BenchmarkTagAllSpeedup(b *testing.B) {
	texts := persent(b, 120)
	tg := pretag.NewTagger()
	tg.Tag(texts[0])
	run := func(workers int) time.Duration {
		start := time.Now()
		err := tg.TagAll(context.Background(), workers, func(yield func(int, string) bool) {
			for i, t := range texts {
				if !yield(i, t) {
					return
				}
			}
		}, func(int, *pretag.Result) error { return nil }, nil)
		if err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	var one, two time.Duration
	for i := 0; i < b.N; i++ {
		one += run(1)
		two += run(2)
	}
	speedup := float64(one) / float64(two)
	b.ReportMetric(speedup, "speedup")
	b.ReportMetric(1.6/speedup, "budget-ratio")
	b.ReportMetric(float64(two.Milliseconds())/float64(b.N), "measured-ms")
	b.ReportMetric(float64(len(texts)), "articles")
}

// BenchmarkTagAll1000Memory pre-tags 1,000 PerSenT articles with 2 workers
// and reports the peak memory obtained from the OS (runtime Sys) while doing
// it; budget 300 MB.
func BenchmarkTagAll1000Memory(b *testing.B) {
	texts := persent(b, 1000)
	tg := pretag.NewTagger()
	tg.Tag(texts[0])
	var peak atomic.Uint64
	for i := 0; i < b.N; i++ {
		runtime.GC()
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			var ms runtime.MemStats
			for {
				runtime.ReadMemStats(&ms)
				if ms.Sys > peak.Load() {
					peak.Store(ms.Sys)
				}
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		}()
		n := 0
		start := time.Now()
		err := tg.TagAll(context.Background(), 2, func(yield func(int, string) bool) {
			for i, t := range texts {
				if !yield(i, t) {
					return
				}
			}
		}, func(int, *pretag.Result) error { n++; return nil }, nil)
		close(stop)
		<-done
		if err != nil || n != len(texts) {
			b.Fatalf("%v, %d of %d", err, n, len(texts))
		}
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "measured-ms")
	}
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-MB")
	b.ReportMetric(300, "budget-MB")
	b.ReportMetric(float64(len(texts)), "articles")
}
