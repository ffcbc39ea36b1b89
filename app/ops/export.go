package ops

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/export"
	"github.com/slant-annotate/slant/store"
)

// ExportOptions choose what Export writes.
type ExportOptions struct {
	Format string // one of export.Formats
	// Annotator exports that annotator's finished documents; Gold, the
	// reviewer's decisions (gold's layer) instead. One of the two.
	Annotator string
	Gold      bool
	// IncludeInProgress adds the annotator's started documents.
	IncludeInProgress bool
	// Progress, if set, is told how many documents are written of all.
	Progress func(done, total int)
}

// ExportSummary says what an export wrote.
type ExportSummary struct {
	Documents int
	Source    string
}

// Export writes the chosen labels of every document they cover to w in
// one format, a document at a time (memory does not grow with the
// project). It never writes to the project.
func Export(ctx context.Context, db *store.DB, w io.Writer, o ExportOptions) (ExportSummary, error) {
	sum := ExportSummary{}
	if (o.Annotator == "") == !o.Gold {
		return sum, errors.New("choose whose labels: --annotator NAME or --gold")
	}
	enc, err := export.New(o.Format, w)
	if err != nil {
		return sum, err
	}
	name := o.Annotator
	if o.Gold {
		name = annotate.GoldAnnotator
	}
	ann, err := db.FindAnnotator(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		if o.Gold {
			return sum, errors.New("nothing is adjudicated yet (no gold labels): open the review (Ctrl+R) first")
		}
		return sum, fmt.Errorf("no annotator %q in this project", name)
	}
	if err != nil {
		return sum, err
	}
	sum.Source = ann.Name
	// Gold's layer is started by its first decision and never marked done.
	statuses := []string{annotate.StatusDone}
	if o.Gold || o.IncludeInProgress {
		statuses = append(statuses, annotate.StatusInProgress)
	}
	total, err := db.CountLayers(ctx, ann.ID, statuses...)
	if err != nil {
		return sum, err
	}
	sch, _, err := db.Schema(ctx)
	if err != nil {
		return sum, err
	}
	err = db.EachLayer(ctx, ann.ID, statuses, func(doc annotate.Document, sha string, l *annotate.Layer) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := enc.Write(export.FromLayer(doc, sha, l, sch, ann.Name)); err != nil {
			return fmt.Errorf("write document %d: %w", doc.ID, err)
		}
		sum.Documents++
		if o.Progress != nil {
			o.Progress(sum.Documents, total)
		}
		return nil
	})
	if err != nil {
		return sum, err
	}
	if err := enc.Close(); err != nil {
		return sum, err
	}
	return sum, nil
}
