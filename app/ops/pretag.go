package ops

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/slant-annotate/slant/annotate/pretag"
	"github.com/slant-annotate/slant/store"
)

// PretagOptions say which documents to pre-tag and with how many workers.
type PretagOptions struct {
	Workers int  // 0: one per CPU
	Redo    bool // also documents already pre-tagged by this engine
}

// PretagSummary is what a pre-tagging run did.
type PretagSummary struct {
	Documents int
	Entities  int
	Quotes    int
	Elapsed   time.Duration
}

func (s PretagSummary) String() string {
	return fmt.Sprintf("pre-tagged %d documents: %d entity mentions, %d quotes in %.1fs",
		s.Documents, s.Entities, s.Quotes, s.Elapsed.Seconds())
}

var (
	taggerOnce sync.Once
	tagger     *pretag.Tagger
)

// Tagger is the process's one pre-tagger (its model is loaded once).
func Tagger() *pretag.Tagger {
	taggerOnce.Do(func() { tagger = pretag.NewTagger() })
	return tagger
}

// saveEvery bounds how many documents' suggestions share one commit: a
// crash loses at most that many, and they are recomputed on the next run.
const saveEvery = 64

// Pretag suggests entities, targets and quotes for every document that the
// current engine has not pre-tagged yet (every document with Redo), with a
// pool of workers. progress, if not nil, is called after each document.
func Pretag(ctx context.Context, db *store.DB, opts PretagOptions, progress func(done, total int)) (PretagSummary, error) {
	start := time.Now()
	var sum PretagSummary
	ids, err := db.IDsToPretag(ctx, pretag.Provenance(), opts.Redo)
	if err != nil || len(ids) == 0 {
		return sum, err
	}
	texts := func(yield func(int, string) bool) {
		for i, id := range ids {
			text, err := db.Text(ctx, id)
			if err != nil {
				continue // deleted meanwhile
			}
			if !yield(i, text) {
				return
			}
		}
	}
	// The summary counts what was saved: a full disk or Ctrl-C leaves the
	// rest unsaved, and unsaid.
	var pending []store.PretagResult
	var unsaved PretagSummary
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		// Saved even when ctx was just cancelled: what is tagged is kept.
		err := db.SavePretagsBatch(context.WithoutCancel(ctx), pending)
		pending = pending[:0]
		if err == nil {
			sum.Documents += unsaved.Documents
			sum.Entities += unsaved.Entities
			sum.Quotes += unsaved.Quotes
		}
		unsaved = PretagSummary{}
		return err
	}
	last := time.Now()
	err = Tagger().TagAll(ctx, opts.Workers, texts, func(i int, r *pretag.Result) error {
		now := time.Now()
		pending = append(pending, store.PretagResult{DocID: ids[i], Result: r, Took: now.Sub(last)})
		last = now
		unsaved.Documents++
		unsaved.Entities += len(r.Entities)
		unsaved.Quotes += len(r.Quotes)
		if len(pending) >= saveEvery {
			return flush()
		}
		return nil
	}, func(done int) {
		if progress != nil {
			progress(done, len(ids))
		}
	})
	if ferr := flush(); err == nil {
		err = ferr
	}
	sum.Elapsed = time.Since(start)
	return sum, err
}
