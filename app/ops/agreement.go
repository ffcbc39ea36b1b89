package ops

import (
	"context"
	"fmt"

	"github.com/slant-annotate/slant/annotate/review"
	"github.com/slant-annotate/slant/store"
)

// AgreementOptions choose what agreement measures.
type AgreementOptions struct {
	Tasks             []string // nil: every task
	Annotators        []string // nil: everyone but gold
	IncludeInProgress bool     // count documents started but not done
	Bootstrap         int      // resamples for alpha's 95% interval
	Seed              uint64
	Spans             bool // span layers too (entities, quotes, speakers)
}

// Agreement measures how far the project's annotators agree, on the units
// the review matcher finds in their layers.
func Agreement(ctx context.Context, db *store.DB, o AgreementOptions) (*review.Report, error) {
	if o.Annotators == nil && !o.IncludeInProgress {
		// Everyone's finished work: summed from the documents' stats.
		stats, anns, sch, err := db.AgreementStats(ctx, o.Spans, false)
		if err != nil {
			return nil, err
		}
		names := make([]string, len(anns))
		ids := make([]int64, len(anns))
		for i, a := range anns {
			names[i], ids[i] = a.Name, a.ID
		}
		rep, err := review.ReportFromStats(sch, names, ids, stats, review.Options{Tasks: o.Tasks, Bootstrap: o.Bootstrap, Seed: o.Seed, Spans: o.Spans})
		if err != nil {
			return nil, fmt.Errorf("agreement: %w", err)
		}
		markBlind(rep, anns)
		return rep, nil
	}
	set, anns, err := db.ReviewSet(ctx, store.ReviewOptions{Annotators: o.Annotators,
		IncludeInProgress: o.IncludeInProgress})
	if err != nil {
		return nil, fmt.Errorf("agreement: %w", err)
	}
	rep, err := review.Compute(set, review.Options{Tasks: o.Tasks, Bootstrap: o.Bootstrap, Seed: o.Seed, Spans: o.Spans})
	if err != nil {
		return nil, fmt.Errorf("agreement: %w", err)
	}
	markBlind(rep, anns)
	return rep, nil
}

// markBlind says which annotators have seen others' labels.
func markBlind(rep *review.Report, anns []store.Annotator) {
	for i := range rep.Annotators {
		if i < len(anns) {
			rep.Annotators[i].Blind = anns[i].Unblinded == ""
		}
	}
}
