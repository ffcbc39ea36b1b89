package ops

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/export"
	"github.com/slant-annotate/slant/annotate/format"
	"github.com/slant-annotate/slant/annotate/schema"
	"github.com/slant-annotate/slant/store"
)

// ImportOptions pick which fields and columns hold the text, and whose
// layer a brat .ann file is.
type ImportOptions = format.Options

// ImportProgress is reported after each file.
type ImportProgress struct {
	File       string // the file just finished
	FilesDone  int
	FilesTotal int
	Added      int // documents added so far
}

// ImportSummary is what an import did.
type ImportSummary struct {
	Files      int      // files read (or tried)
	Added      int      // documents new to the project
	Duplicates int      // documents skipped because the project already held their text
	Failed     int      // files that failed (nothing of them was imported)
	Skipped    int      // files in folders that are of no kind Slant reads
	Errors     []error  // one per failed file or path, naming it (and the line)
	FailedList []string // the failed files, in order
	// Brat is what the brat .ann files brought: their documents count in
	// Added, their layers here.
	Brat BratSummary
	// Layers are the annotator's layers that labelled records brought in
	// (NewsMTSC targets with --annotator).
	Layers int
	// LeftOut are the symbolic links inside a folder that lead out of it,
	// not followed (FollowLinks follows them).
	LeftOut []string
}

// String is the one summary line the command line prints.
func (s ImportSummary) String() string {
	line := fmt.Sprintf("imported %d, duplicates skipped %d, failed %d", s.Added, s.Duplicates, s.Failed)
	if s.Skipped > 0 {
		line += fmt.Sprintf(" (%d files of other kinds ignored)", s.Skipped)
	}
	if s.Brat.Files > 0 {
		line += "; " + s.Brat.String()
	}
	if s.Layers > 0 {
		line += fmt.Sprintf("; %d labelled layers", s.Layers)
	}
	if len(s.LeftOut) > 0 {
		line += fmt.Sprintf("; %d links leading out of the folder not followed", len(s.LeftOut))
	}
	return line
}

// Import reads every file under paths (folders recursively) into the
// project. Each file is one transaction: a file with any problem imports
// nothing and is reported, and every other file is still imported. progress,
// if not nil, is called after each file. Cancelling ctx stops after the file
// being read, which is rolled back.
//
// A brat .ann file imports its text (found by format.BratText) as a
// document and the annotator's layer on it (opts.Annotator or
// opts.AnnotatorFromSuffix names them) in one transaction; the .txt of
// .ann files in a folder is not imported a second time on its own.
func Import(ctx context.Context, db *store.DB, paths []string, opts ImportOptions, progress func(ImportProgress)) ImportSummary {
	x := format.ExpandLinks(paths, opts.FollowLinks)
	files, problems := x.Files, x.Problems
	sum := ImportSummary{Skipped: x.Skipped, LeftOut: x.LeftOut}
	for _, p := range problems {
		sum.Failed++
		sum.Errors = append(sum.Errors, p)
		sum.FailedList = append(sum.FailedList, p.File)
	}
	// Files go in together, many to a transaction (a synced commit per
	// small file would cap a folder of them at a few hundred a second),
	// each file behind a savepoint so that it stays all or nothing.
	g := &importGroup{db: db, sum: &sum}
	done := 0
	// A file is reported done once it is committed (or has failed).
	g.report = func(file string) {
		done++
		if progress != nil {
			progress(ImportProgress{File: file, FilesDone: done, FilesTotal: len(files), Added: sum.Added})
		}
	}
	defer g.commit()
	for i, file := range files {
		if ctx.Err() != nil {
			rest := len(files) - i
			if rest == 1 {
				sum.Errors = append(sum.Errors, fmt.Errorf("%s: import cancelled", file))
			} else {
				sum.Errors = append(sum.Errors, fmt.Errorf("import cancelled: %d files not imported, from %s on", rest, file))
			}
			sum.Failed += rest
			sum.FailedList = append(sum.FailedList, files[i:]...)
			break
		}
		sum.Files++
		if k, _ := format.KindOf(file); k == format.Brat {
			g.commit() // a brat layer is its own transaction
			added, err := importBrat(ctx, db, file, opts, &sum.Brat)
			if err != nil {
				sum.fail(file, err)
			} else {
				sum.Added += added
			}
			g.report(file)
		} else if err := g.add(ctx, file, opts); err != nil {
			sum.fail(file, err)
			g.report(file)
		}
	}
	g.commit()
	if sum.Brat.Layers > 0 || sum.Layers > 0 {
		// Imported layers are finished work: give them digests for
		// agreement. Digests are an index, so a failure loses nothing
		// (agreement reads those layers from their rows).
		db.RefreshDigests(ctx)
	}
	return sum
}

func (s *ImportSummary) fail(file string, err error) {
	s.Failed++
	s.Errors = append(s.Errors, err)
	s.FailedList = append(s.FailedList, file)
}

// importGroup is the transaction files are being imported in: committed
// every half second or thousand files, and at the end. What it holds
// counts in the summary only once committed.
type importGroup struct {
	db                  *store.DB
	sum                 *ImportSummary
	report              func(file string)
	batch               *store.Batch
	started             time.Time
	files               []string
	added, dups, layers int
	schema              *schema.Schema
	schemaVersion       int
	schemaRead          bool
}

// add imports file into the group behind a savepoint.
func (g *importGroup) add(ctx context.Context, file string, opts ImportOptions) error {
	var labelled *labelledImport
	if k, _ := format.KindOf(file); k == format.JSONL {
		if !g.schemaRead {
			// Read before a transaction holds the project's one writer.
			g.commit()
			sch, version, err := g.db.Schema(ctx)
			if err != nil {
				return fmt.Errorf("%s: %w", file, err)
			}
			g.schema, g.schemaVersion, g.schemaRead = sch, version, true
		}
		labelled = &labelledImport{annotator: opts.Annotator, engine: "import:" + filepath.Base(file), schema: g.schema,
			schemaVersion: g.schemaVersion, seen: map[string]bool{}}
	}
	if g.batch == nil {
		// Not bound to ctx: cancelling stops between files, and the
		// files already whole are committed.
		b, err := g.db.BeginBatch(context.WithoutCancel(ctx))
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		g.batch, g.started = b, time.Now()
	}
	if err := g.batch.Mark(ctx); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	added, dups := g.batch.Added, g.batch.Duplicates
	layers, err := importInto(ctx, g.batch, file, opts, labelled)
	if err != nil {
		if derr := g.batch.Drop(ctx); derr != nil {
			g.batch.Rollback() // nothing of the group is kept: its files fail
			g.batch = nil
			for _, f := range g.files {
				g.sum.fail(f, fmt.Errorf("%s: save: %w", f, derr))
				g.report(f)
			}
			g.files, g.added, g.dups, g.layers = nil, 0, 0, 0
		}
		return err
	}
	if err := g.batch.Keep(ctx); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	g.files = append(g.files, file)
	g.added += g.batch.Added - added
	g.dups += g.batch.Duplicates - dups
	g.layers += layers
	// Committed every half second, thousand documents or thousand files:
	// a big file is its own transaction, as before; small ones share.
	if time.Since(g.started) > 500*time.Millisecond || g.batch.Added+g.batch.Duplicates >= 1000 || len(g.files) >= 1000 {
		g.commit()
	}
	return nil
}

// commit makes the group's files part of the project; if that fails,
// every one of them fails with the reason.
func (g *importGroup) commit() {
	if g.batch == nil {
		return
	}
	err := g.batch.Commit()
	g.batch = nil
	if err != nil {
		for _, f := range g.files {
			g.sum.fail(f, fmt.Errorf("%s: save: %w", f, err))
		}
	} else {
		g.sum.Added += g.added
		g.sum.Duplicates += g.dups
		g.sum.Layers += g.layers
	}
	for _, f := range g.files {
		g.report(f)
	}
	g.files, g.added, g.dups, g.layers = nil, 0, 0, 0
}

// importInto reads one file into the batch. The file is parsed in a
// goroutine while SQLite stores what is already parsed, so the two halves
// of an import use both cores. With labelled set, labelled records
// (NewsMTSC's targets and polarities, doccano, Prodigy and slant lines)
// come in as annotators' finished layers.
func importInto(ctx context.Context, batch *store.Batch, file string, opts ImportOptions, labelled *labelledImport) (layers int, err error) {
	readCtx, stop := context.WithCancel(ctx)
	defer stop()
	docs := make(chan annotate.Document, 64)
	readErr := make(chan error, 1)
	go func() {
		defer close(docs)
		readErr <- format.Read(file, opts, func(d annotate.Document) error {
			select {
			case docs <- d:
				return nil
			case <-readCtx.Done():
				return readCtx.Err()
			}
		})
	}()
	var addErr error
	for d := range docs {
		if addErr == nil {
			var n int
			if labelled != nil {
				n, addErr = labelled.add(ctx, batch, d)
			} else {
				addErr = batch.Add(ctx, d)
			}
			layers += n
			if addErr != nil {
				stop() // the reader stops at its next document
			}
		}
	}
	err = <-readErr
	if addErr != nil {
		err = fmt.Errorf("%s: save: %w", file, addErr)
	}
	if err != nil {
		var fe *format.Error
		if errors.As(err, &fe) {
			return 0, err
		}
		return 0, fmt.Errorf("%s: %w", file, err)
	}
	return layers, nil
}

// labelledImport brings labelled records in as an annotator's layers:
// NewsMTSC's targets and polarities, doccano's and Prodigy's spans and
// document labels (as Slant exports them, or as those tools do).
type labelledImport struct {
	annotator, engine string // annotator: --annotator, else the record's
	schema            *schema.Schema
	schemaVersion     int
	seen              map[string]bool // texts of this file already brought in
}

// TargetSentiment is the task NewsMTSC's polarities become.
const TargetSentiment = "target_sentiment"

// add adds d, with an annotator's layer when d is a labelled record.
func (li *labelledImport) add(ctx context.Context, b *store.Batch, d annotate.Document) (layers int, err error) {
	if n, ok, err := nativeRecord(d); ok || err != nil {
		if err != nil {
			return 0, err
		}
		// The document as it was in its project: its source and metadata
		// travel with it.
		doc := annotate.Document{Title: d.Title, Text: d.Text, ExternalID: n.ExternalID, URL: n.URL, Source: n.Source, Meta: n.Meta}
		res, err := b.AddNative(ctx, doc, n)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", d.Source, err)
		}
		return res.Layers, nil
	}
	l, ok, err := li.layer(d)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, b.Add(ctx, d)
	}
	// A second record of the same text (NewsMTSC has a few; Prodigy writes
	// a line per document label) adds to the layer the first made.
	sha := d.SHA256()
	l.Append = li.seen[sha]
	li.seen[sha] = true
	res, err := b.AddLayer(ctx, d, l)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", d.Source, err)
	}
	if res.Duplicate || l.Append {
		return 0, nil
	}
	return 1, nil
}

// layer is the layer a labelled record brings, if it is one.
func (li *labelledImport) layer(d annotate.Document) (store.ImportedLayer, bool, error) {
	l := store.ImportedLayer{Annotator: li.annotator, Engine: li.engine, SchemaVersion: li.schemaVersion}
	targets, ok, err := format.NewsMTSCTargets(d)
	if err != nil {
		return l, false, err
	}
	if ok {
		if l.Annotator == "" {
			return l, false, nil // no one's labels: the sentence alone (its targets kept in its metadata)
		}
		if err := li.checkLabel(d, TargetSentiment, schema.ScopeTarget, maps.Keys(format.NewsMTSCScores)); err != nil {
			return l, false, err
		}
		for i, t := range targets {
			l.Targets = append(l.Targets, annotate.Target{Name: t.Mention})
			l.Spans = append(l.Spans, annotate.Span{Kind: annotate.KindEntity, Start: t.From, End: t.To, TargetID: int64(i + 1)})
			l.Labels = append(l.Labels, store.ImportedLabel{Task: TargetSentiment, Target: i + 1, Value: t.Value})
		}
		return l, true, nil
	}
	rec, ok, err := format.LabelledRecord(d)
	if err != nil || !ok {
		return l, false, err
	}
	if l.Annotator == "" {
		l.Annotator = rec.Annotator
	}
	if l.Annotator == "" {
		return l, false, nil // no one's labels: the text alone
	}
	if l.Annotator == export.MajoritySource {
		return l, false, fmt.Errorf("%s: the record's labels are the majority's, no one annotator's: give --annotator NAME to bring them in under a name", d.Source)
	}
	for _, e := range rec.Entities {
		l.Spans = append(l.Spans, annotate.Span{Kind: annotate.KindEntity, Start: e.Start, End: e.End, Label: e.Label})
	}
	for _, q := range rec.Quotes {
		s := annotate.Span{Kind: annotate.KindQuote, Start: q.Start, End: q.End}
		if q.Speaker != nil {
			s.HasSpeaker, s.SpeakerStart, s.SpeakerEnd = true, q.Speaker[0], q.Speaker[1]
		}
		l.Spans = append(l.Spans, s)
	}
	for _, tv := range rec.DocLabels {
		if err := li.checkLabel(d, tv[0], schema.ScopeDocument, slices.Values([]string{tv[1]})); err != nil {
			return l, false, err
		}
		l.Labels = append(l.Labels, store.ImportedLabel{Task: tv[0], Value: tv[1]})
	}
	return l, true, nil
}

// checkLabel refuses a label of a task the schema lacks (at that scope),
// or a value the task does not have, naming the record's line.
func (li *labelledImport) checkLabel(d annotate.Document, task string, scope schema.Scope, values iter.Seq[string]) error {
	t, ok := li.schema.Task(task)
	if !ok || t.Scope != scope {
		return fmt.Errorf("%s: the schema has no %s task %q for these labels", d.Source, scope, task)
	}
	for v := range values {
		if t.Index(v) < 0 {
			return fmt.Errorf("%s: %q is not a label of %s (%s)", d.Source, v, task, strings.Join(t.Values(), ", "))
		}
	}
	return nil
}
