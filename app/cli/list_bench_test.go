package cli_test

// `slant list` streams: its first line is out before the table has been read
// (a structural test on 20k documents, and the time to the first line and
// to the end on a 100k-document project).

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/app/cli"
	"github.com/slant-annotate/slant/store"
	"github.com/slant-annotate/slant/store/storetest"
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
	path := storetest.Project(b, 100000)
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
