// Package eval measures the pre-tagger against real gold data: the sample
// article's hand-made gold, PolNeAR's attribution annotations (direct quotes
// and their sources) and NewsMTSC's target mentions. Raw prose is measured
// the same way as the baseline. The data lives outside the repository in a
// "shared/data" folder (see FindData); nothing from it is copied.
package eval

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/pretag"
)

// ErrNoData is returned when the data folder is absent.
var ErrNoData = errors.New("evaluation data not found (expected a folder shared/data beside an ancestor of the working directory, or --data DIR)")

// FindData walks up from each start directory and returns the first
// "shared/data" folder found beside an ancestor ("/work/main/x" finds
// "/work/shared/data"), or "" when there is none.
func FindData(starts ...string) string {
	for _, s := range starts {
		if s == "" {
			continue
		}
		d, err := filepath.Abs(s)
		if err != nil {
			continue
		}
		for {
			for _, c := range []string{filepath.Join(d, "shared", "data"), filepath.Join(d, "data")} {
				if fi, err := os.Stat(filepath.Join(c, "seed", "gold.json")); err == nil && !fi.IsDir() {
					return c
				}
			}
			p := filepath.Dir(d)
			if p == d {
				break
			}
			d = p
		}
	}
	return ""
}

// readText reads a file as a document's text.
func readText(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	s, err := annotate.NormalizeText(b)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// Report is one engine's measurements.
type Report struct {
	Engine   string
	Seed     *SeedResult
	PolNeAR  map[string]*QuoteScores // by split: "train", "dev"
	NewsMTSC *MentionScores
	Elapsed  time.Duration
}

// Run measures tagger on every data set found in dir. splits are the
// PolNeAR splits to measure ("train", "dev").
func Run(ctx context.Context, dir string, tagger *pretag.Tagger, engine string, workers int, splits ...string) (*Report, error) {
	start := time.Now()
	r := &Report{Engine: engine, PolNeAR: map[string]*QuoteScores{}}
	var err error
	if r.Seed, err = Seed(dir, tagger); err != nil {
		return nil, err
	}
	for _, s := range splits {
		q, err := PolNeAR(ctx, dir, s, tagger, workers)
		if err != nil {
			return nil, err
		}
		r.PolNeAR[s] = q
	}
	if r.NewsMTSC, err = NewsMTSC(ctx, dir, tagger, workers); err != nil {
		return nil, err
	}
	r.Elapsed = time.Since(start)
	return r, nil
}

func pct(a, b int) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.3f", float64(a)/float64(b))
}

// Table prints reports side by side (the pre-tagger, then the baseline).
func Table(w io.Writer, reps ...*Report) {
	row := func(name string, f func(r *Report) string) {
		fmt.Fprintf(w, "%-44s", name)
		for _, r := range reps {
			fmt.Fprintf(w, " %22s", f(r))
		}
		fmt.Fprintln(w)
	}
	row("measure", func(r *Report) string { return r.Engine })
	fmt.Fprintln(w, strings.Repeat("-", 44+23*len(reps)))
	row("seed: gold targets found (label, ≥85%, 1 tgt)", func(r *Report) string {
		return fmt.Sprintf("%d/%d", r.Seed.TargetsOK(), len(r.Seed.Targets))
	})
	row("seed: not_entities produced", func(r *Report) string { return fmt.Sprint(len(r.Seed.NotEntities)) })
	row("seed: false targets", func(r *Report) string { return fmt.Sprint(len(r.Seed.FalseTargets)) })
	row("seed: quotes with right speaker", func(r *Report) string {
		return fmt.Sprintf("%d/%d", r.Seed.QuotesOK(), len(r.Seed.Quotes))
	})
	row("seed: passes every item", func(r *Report) string { return fmt.Sprint(r.Seed.Pass()) })
	for _, s := range []string{"train", "dev"} {
		if reps[0].PolNeAR[s] == nil {
			continue
		}
		row("PolNeAR "+s+": direct-quote recall", func(r *Report) string {
			q := r.PolNeAR[s]
			return fmt.Sprintf("%s (%d/%d)", pct(q.Found, q.Gold), q.Found, q.Gold)
		})
		row("PolNeAR "+s+": quote precision", func(r *Report) string {
			q := r.PolNeAR[s]
			return fmt.Sprintf("%s (%d/%d)", pct(q.PredRight, q.Pred), q.PredRight, q.Pred)
		})
		row("PolNeAR "+s+": speaker accuracy", func(r *Report) string {
			q := r.PolNeAR[s]
			return fmt.Sprintf("%s (%d/%d)", pct(q.SpeakerRight, q.SpeakerGold), q.SpeakerRight, q.SpeakerGold)
		})
	}
	row("NewsMTSC rw: capitalised-mention recall", func(r *Report) string {
		m := r.NewsMTSC
		return fmt.Sprintf("%s (%d/%d)", pct(m.Found, m.Gold), m.Found, m.Gold)
	})
	row("time", func(r *Report) string { return r.Elapsed.Round(time.Millisecond).String() })
	for _, r := range reps[:1] {
		for _, line := range r.Seed.Problems() {
			fmt.Fprintf(w, "  seed (%s): %s\n", r.Engine, line)
		}
	}
}
