package ops

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/slant-annotate/slant/annotate/format"
	"github.com/slant-annotate/slant/store"
)

// BratSummary is what an import did with brat .ann files.
type BratSummary struct {
	Files      int // .ann files imported or found already imported
	Layers     int // annotator layers added
	Duplicates int // .ann files whose layer the project already held
	Entities   int // entity spans added
	Quotes     int // quotes (attributions) added
	Skipped    format.BratSkipped
}

// String is the brat part of the summary line.
func (b BratSummary) String() string {
	line := fmt.Sprintf("brat: %d annotator layers added (%d entities, %d quotes), %d already imported",
		b.Layers, b.Entities, b.Quotes, b.Duplicates)
	s := b.Skipped
	var parts []string
	if s.NoContent > 0 {
		parts = append(parts, fmt.Sprintf("%d attributions without Content", s.NoContent))
	}
	if s.Unattached > 0 {
		parts = append(parts, fmt.Sprintf("%d Source/Cue/Content spans in no attribution", s.Unattached))
	}
	if s.Flags > 0 {
		parts = append(parts, fmt.Sprintf("%d flags and notes (Discard, Discuss, AnnotatorNotes)", s.Flags))
	}
	if s.Other > 0 {
		parts = append(parts, fmt.Sprintf("%d relations, attributes and other lines", s.Other))
	}
	if s.Empty > 0 {
		parts = append(parts, fmt.Sprintf("%d empty spans", s.Empty))
	}
	for i, p := range parts {
		if i == 0 {
			line += "; skipped "
		} else {
			line += ", "
		}
		line += p
	}
	return line
}

// BratAnnotatorOf returns whose layer a .ann file is: opts.Annotator, or
// with opts.AnnotatorFromSuffix the _<id> that ends its name.
func BratAnnotatorOf(file string, opts ImportOptions) (string, error) {
	switch {
	case opts.Annotator != "":
		return opts.Annotator, nil
	case opts.AnnotatorFromSuffix:
		id, ok := format.BratAnnotator(file)
		if !ok {
			return "", fmt.Errorf("%s: the file name has no _<annotator> before .ann, so --annotator-from-suffix cannot name its annotator; give --annotator NAME", file)
		}
		return id, nil
	}
	return "", fmt.Errorf("%s: whose annotations are these? Give --annotator NAME, or --annotator-from-suffix to take the name from the file name (<article>_<annotator>.ann)", file)
}

// importBrat imports one .ann file: its text as a document (unless the
// project has it) and the annotator's layer, in one transaction.
func importBrat(ctx context.Context, db *store.DB, file string, opts ImportOptions, sum *BratSummary) (added int, err error) {
	annotator, err := BratAnnotatorOf(file, opts)
	if err != nil {
		return 0, err
	}
	f, err := format.ReadBrat(file)
	if err != nil {
		return 0, err
	}
	targets, spans := f.Spans()
	res, err := db.ImportLayer(ctx, f.Document, store.ImportedLayer{
		Annotator: annotator,
		Engine:    "brat:" + filepath.Base(file),
		Targets:   targets,
		Spans:     spans,
	})
	if err != nil {
		var fe *format.Error
		if errors.As(err, &fe) {
			return 0, err
		}
		return 0, fmt.Errorf("%s: %w", file, err)
	}
	sum.Files++
	if res.Duplicate {
		sum.Duplicates++
		return 0, nil
	}
	sum.Layers++
	sum.Entities += len(f.Entities)
	sum.Quotes += len(f.Attributions)
	sum.Skipped.Add(f.Skipped)
	if res.DocAdded {
		added = 1
	}
	return added, nil
}
