package ops

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/export"
	"github.com/slant-annotate/slant/annotate/schema"
	"github.com/slant-annotate/slant/store"
)

// ExportOptions choose what Export writes. Exactly one source: Annotator,
// Gold, Majority or All.
type ExportOptions struct {
	Format string // one of export.Formats
	// Annotator exports that annotator's finished documents.
	Annotator string
	// Gold exports the reviewer's decisions (gold's layer).
	Gold bool
	// Majority exports what most annotators who finished a document say,
	// unit by unit, keeping units whose majority reaches MinAgreement
	// (export.Majority).
	Majority     bool
	MinAgreement float64
	// All exports every annotator's finished documents, a record each.
	All bool
	// IncludeInProgress adds started documents (Annotator and All).
	IncludeInProgress bool
	// Progress, if set, is told how many records are written of all.
	Progress func(done, total int)
}

// ExportSummary says what an export wrote.
type ExportSummary struct {
	Records int
	Source  string
	// Majority: units kept, and left out below the threshold.
	Kept, LeftOut int
}

// DefaultMinAgreement is --majority's threshold unless given.
const DefaultMinAgreement = 0.67

// Export writes the chosen labels of every document they cover to w in
// one format, a document at a time (memory does not grow with the
// project). It never writes to the project.
func Export(ctx context.Context, db *store.DB, w io.Writer, o ExportOptions) (ExportSummary, error) {
	if err := o.check(); err != nil {
		return ExportSummary{}, err
	}
	enc, err := export.New(o.Format, w)
	if err != nil {
		return ExportSummary{}, err
	}
	sum, err := eachRecord(ctx, db, o, func(r export.Record, done, total int) error {
		if err := enc.Write(r); err != nil {
			return fmt.Errorf("write document %d: %w", r.DocID, err)
		}
		if o.Progress != nil {
			o.Progress(done, total)
		}
		return nil
	})
	if err != nil {
		return sum, err
	}
	return sum, enc.Close()
}

// Sources counts whose labels the options choose (--annotator, --gold,
// --majority, --all): an export takes exactly one.
func (o ExportOptions) Sources() int {
	n := 0
	for _, on := range []bool{o.Annotator != "", o.Gold, o.Majority, o.All} {
		if on {
			n++
		}
	}
	return n
}

// check refuses options that choose no source, or more than one.
func (o ExportOptions) check() error {
	if o.Sources() != 1 {
		return errors.New("choose whose labels: one of --annotator NAME, --gold, --majority or --all")
	}
	if o.Majority && (o.MinAgreement <= 0 || o.MinAgreement > 1) {
		return fmt.Errorf("--min-agreement %g: give a share above 0 and at most 1", o.MinAgreement)
	}
	return nil
}

// eachRecord calls fn with every record the options choose, in document
// order (annotator by annotator for All), with how many of all it is.
func eachRecord(ctx context.Context, db *store.DB, o ExportOptions, fn func(r export.Record, done, total int) error) (ExportSummary, error) {
	var sum ExportSummary
	sch, _, err := db.Schema(ctx)
	if err != nil {
		return sum, err
	}
	if o.Majority {
		sum.Source = export.MajoritySource
		return sum, exportMajority(ctx, db, sch, o, &sum, fn)
	}
	anns, err := exportSources(ctx, db, o)
	if err != nil {
		return sum, err
	}
	statuses := []string{annotate.StatusDone}
	if o.Gold || o.IncludeInProgress { // gold's layer is never marked done
		statuses = append(statuses, annotate.StatusInProgress)
	}
	total := 0
	for _, a := range anns {
		n, err := db.CountLayers(ctx, a.ID, statuses...)
		if err != nil {
			return sum, err
		}
		total += n
	}
	sum.Source = anns[0].Name
	if o.All {
		sum.Source = "every annotator"
	}
	for _, a := range anns {
		err := db.EachLayer(ctx, a.ID, statuses, func(doc annotate.Document, sha string, l *annotate.Layer) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			sum.Records++
			return fn(export.FromLayer(doc, sha, l, sch, a.Name), sum.Records, total)
		})
		if err != nil {
			return sum, err
		}
	}
	return sum, nil
}

// exportSources are the annotators whose layers an export writes.
func exportSources(ctx context.Context, db *store.DB, o ExportOptions) ([]store.Annotator, error) {
	if o.All {
		all, err := db.Annotators(ctx)
		if err != nil {
			return nil, err
		}
		var anns []store.Annotator
		for _, a := range all {
			if a.Name != annotate.GoldAnnotator {
				anns = append(anns, a)
			}
		}
		if len(anns) == 0 {
			return nil, errors.New("no one has annotated this project yet")
		}
		return anns, nil
	}
	name := o.Annotator
	if o.Gold {
		name = annotate.GoldAnnotator
	}
	a, err := db.FindAnnotator(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		if o.Gold {
			return nil, errors.New("nothing is adjudicated yet (no gold labels): open the review (Ctrl+R) first")
		}
		return nil, fmt.Errorf("no annotator %q in this project", name)
	}
	if err != nil {
		return nil, err
	}
	return []store.Annotator{a}, nil
}

// exportMajority makes the majority record of every finished document.
func exportMajority(ctx context.Context, db *store.DB, sch *schema.Schema, o ExportOptions, sum *ExportSummary,
	fn func(r export.Record, done, total int) error) error {
	all, err := db.Annotators(ctx)
	if err != nil {
		return err
	}
	var anns []store.Annotator
	for _, a := range all {
		if a.Name != annotate.GoldAnnotator {
			anns = append(anns, a)
		}
	}
	docs, err := db.FinishedDocuments(ctx)
	if err != nil {
		return err
	}
	for _, id := range docs {
		if err := ctx.Err(); err != nil {
			return err
		}
		doc, err := db.Document(ctx, id)
		if err != nil {
			return err
		}
		rd, err := db.ReviewDoc(ctx, id, anns)
		if err != nil {
			return err
		}
		r, count := export.Majority(doc, "", rd.Layers[:len(anns)], sch, o.MinAgreement)
		sum.Kept += count.Kept
		sum.LeftOut += count.LeftOut
		sum.Records++
		if err := fn(r, sum.Records, len(docs)); err != nil {
			return err
		}
	}
	return nil
}

// ExportFile is Export into the file at path: written beside it under a
// temporary name and renamed into place when whole, so that a failed or
// cancelled export never leaves half a file where a whole one was.
func ExportFile(ctx context.Context, db *store.DB, path string, o ExportOptions) (ExportSummary, error) {
	var sum ExportSummary
	err := writeWhole(path, func(w io.Writer) (err error) {
		sum, err = Export(ctx, db, w, o)
		return err
	})
	return sum, err
}

// ExportNativeFile is ExportNative into the file at path, as ExportFile.
func ExportNativeFile(ctx context.Context, db *store.DB, path string, progress func(done, total int)) (ExportSummary, error) {
	var sum ExportSummary
	err := writeWhole(path, func(w io.Writer) (err error) {
		sum, err = ExportNative(ctx, db, w, progress)
		return err
	})
	return sum, err
}

// writeWhole writes path through fn into a temporary file beside it,
// renamed into place only when fn succeeds.
func writeWhole(path string, fn func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".slant-export-*")
	if err != nil {
		return err
	}
	err = fn(tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
