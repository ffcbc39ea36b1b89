package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slant-annotate/slant/annotate"
)

// ImportedLayer is one annotator's finished work on a document, made in
// another tool (a brat .ann file).
type ImportedLayer struct {
	Annotator string
	// Engine names where the layer came from ("brat:<file name>"); it is
	// recorded as the layer's seed, so pre-tagging never seeds suggestions
	// into it, and importing the same file again is recognised.
	Engine string
	// Targets are the layer's targets (their IDs are ignored); a span
	// names its target by position in Targets plus one (0: none).
	Targets []annotate.Target
	// Spans are entity mentions and quotes in code points of the
	// document's text; they are stored as added by the annotator.
	Spans []annotate.Span
	// Labels are the layer's labels, made under SchemaVersion.
	Labels        []ImportedLabel
	SchemaVersion int
	// Append adds to the layer this engine already made on the document
	// (a second record of the same text in one file) instead of reporting
	// a duplicate.
	Append bool
}

// ImportedLabel is one label of an imported layer: of the document, or of
// the target at position Target-1 of the layer's Targets.
type ImportedLabel struct {
	Task   string
	Target int
	Value  string
}

// LayerImport is what ImportLayer did.
type LayerImport struct {
	DocID     int64
	DocAdded  bool // the document was new to the project
	Duplicate bool // the annotator already had this very layer: nothing was changed
	Targets   int  // targets written
	Spans     int  // spans written
	Labels    int  // labels written
}

// ErrLayerExists refuses to import a layer for an annotator who already
// has other work on the document.
var ErrLayerExists = errors.New("the annotator already has work on this document")

// ImportLayer adds doc (unless the project holds its text already) and
// the annotator's layer on it, in one transaction (see Batch.AddLayer).
// Spans outside the text are refused, and then nothing is written, the
// document included.
func (db *DB) ImportLayer(ctx context.Context, doc annotate.Document, l ImportedLayer) (LayerImport, error) {
	b, err := db.BeginBatch(ctx)
	if err != nil {
		return LayerImport{}, err
	}
	res, err := b.AddLayer(ctx, doc, l)
	if err != nil || res.Duplicate {
		b.Rollback()
		return res, err
	}
	if err := b.Commit(); err != nil {
		return res, err
	}
	return res, nil
}

// AddLayer adds doc to the batch (unless the project holds its text
// already) and the annotator's finished layer on it: their targets, spans
// (decision added) and labels, the document marked done for them, the
// layer marked seeded by l.Engine (so pre-tagging never seeds into it),
// and one event in the log. The same layer again (same annotator, same
// engine) is reported as a duplicate and changes nothing; an annotator who
// already has other work on the document is refused (ErrLayerExists), as
// are spans outside the text or labels naming no target.
func (b *Batch) AddLayer(ctx context.Context, doc annotate.Document, l ImportedLayer) (LayerImport, error) {
	var res LayerImport
	name := strings.TrimSpace(l.Annotator)
	if name == "" {
		return res, errors.New("an imported layer needs an annotator")
	}
	if strings.EqualFold(name, annotate.GoldAnnotator) {
		return res, fmt.Errorf("%q is reserved for adjudicated labels; choose another name: %w", name, ErrReservedName)
	}
	if err := checkImportedLayer(doc.Text, l); err != nil {
		return res, err
	}
	added := b.Added
	if err := b.Add(ctx, doc); err != nil {
		return res, fmt.Errorf("save the document: %w", err)
	}
	res.DocAdded = b.Added > added
	tx := b.tx
	if err := tx.QueryRowContext(ctx, "SELECT id FROM documents WHERE sha256 = ?", doc.SHA256()).Scan(&res.DocID); err != nil {
		return res, fmt.Errorf("find the document: %w", err)
	}
	var err error
	annID, ok := b.annotators[name]
	if !ok {
		if annID, err = annotatorInTx(ctx, tx, name); err != nil {
			return res, err
		}
		if b.annotators == nil {
			b.annotators = map[string]int64{}
		}
		b.annotators[name] = annID
	}
	var engine string
	err = tx.QueryRowContext(ctx, "SELECT engine FROM layers WHERE doc_id = ? AND annotator_id = ?", res.DocID, annID).Scan(&engine)
	switch {
	case err == nil && engine == l.Engine && !l.Append:
		res.Duplicate = true
		return res, nil
	case err == nil && engine == l.Engine:
		// Appending: the layer and its status are there already.
	case err == nil:
		return res, fmt.Errorf("%s already has a layer on document %d (from %s): %w; import it under another name", name, res.DocID, engine, ErrLayerExists)
	case !errors.Is(err, sql.ErrNoRows):
		return res, err
	}
	appending := err == nil // adding to this engine's own layer
	var work int
	if !appending && !res.DocAdded { // a document new in this batch has no one's work yet
		err = tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM layer_spans WHERE doc_id = ?1 AND annotator_id = ?2)
		+ (SELECT count(*) FROM layer_targets WHERE doc_id = ?1 AND annotator_id = ?2)
		+ (SELECT count(*) FROM labels WHERE doc_id = ?1 AND annotator_id = ?2)
		+ (SELECT count(*) FROM doc_status WHERE doc_id = ?1 AND annotator_id = ?2)`, res.DocID, annID).Scan(&work)
		if err != nil {
			return res, err
		}
	}
	if work > 0 {
		return res, fmt.Errorf("%s has already worked on document %d in Slant: %w; import it under another name", name, res.DocID, ErrLayerExists)
	}
	if !appending {
		if _, err := tx.ExecContext(ctx, "INSERT INTO layers(doc_id, annotator_id, seeded_at, engine) VALUES (?, ?, ?, ?)",
			res.DocID, annID, now(), l.Engine); err != nil {
			return res, err
		}
	}
	if b.stmts == nil {
		b.stmts = map[string]*sql.Stmt{}
	}
	rec := &recorder{ctx: ctx, tx: tx, stmts: b.stmts}
	ids := make([]int64, len(l.Targets))
	for i, t := range l.Targets {
		ids[i], err = rec.insert("layer_targets", row{"doc_id": res.DocID, "annotator_id": annID, "name": t.Name, "label": t.Label, "deleted": int64(0)})
		if err != nil {
			return res, err
		}
	}
	for _, s := range l.Spans {
		var target any
		if s.TargetID != 0 {
			target = ids[s.TargetID-1]
		}
		s.SuggestionID, s.Decision = 0, annotate.Added
		if _, err := rec.insert("layer_spans", spanRow(res.DocID, annID, s, target)); err != nil {
			return res, err
		}
	}
	write := rec.put
	if !appending {
		write = rec.create // nothing of this layer exists yet
	}
	for _, lb := range l.Labels {
		unit := annotate.UnitDocument
		if lb.Target > 0 {
			unit = annotate.TargetUnit(ids[lb.Target-1])
		}
		if err := write("labels", row{"doc_id": res.DocID, "annotator_id": annID, "task": lb.Task, "unit": unit,
			"value": lb.Value, "towards": nil, "schema_version": int64(l.SchemaVersion), "updated_at": now()}); err != nil {
			return res, err
		}
	}
	if err := write("doc_status", row{"doc_id": res.DocID, "annotator_id": annID, "status": annotate.StatusDone,
		"updated_at": now(), "seconds": 0.0}); err != nil {
		return res, err
	}
	if _, err := rec.appendEvent(Event{AnnotatorID: annID, DocID: res.DocID, At: time.Now().UTC(), Action: "import " + l.Engine}, 0); err != nil {
		return res, err
	}
	res.Targets, res.Spans, res.Labels = len(l.Targets), len(l.Spans), len(l.Labels)
	return res, nil
}

// checkImportedLayer refuses spans that are empty, outside the text, or
// name a target that is not there.
func checkImportedLayer(text string, l ImportedLayer) error {
	n := utf8.RuneCountInString(text)
	in := func(a, b int) bool { return 0 <= a && a < b && b <= n }
	for i, s := range l.Spans {
		what := fmt.Sprintf("%s %d [%d,%d)", s.Kind, i+1, s.Start, s.End)
		if s.Kind != annotate.KindEntity && s.Kind != annotate.KindQuote {
			return fmt.Errorf("%s: unknown kind", what)
		}
		if !in(s.Start, s.End) {
			return fmt.Errorf("%s: outside the text (%d characters) or empty", what, n)
		}
		if s.HasSpeaker && !in(s.SpeakerStart, s.SpeakerEnd) {
			return fmt.Errorf("%s: speaker [%d,%d) outside the text or empty", what, s.SpeakerStart, s.SpeakerEnd)
		}
		if s.HasCue && !in(s.CueStart, s.CueEnd) {
			return fmt.Errorf("%s: cue [%d,%d) outside the text or empty", what, s.CueStart, s.CueEnd)
		}
		for _, f := range s.Fragments {
			if !in(f[0], f[1]) || f[0] < s.Start || f[1] > s.End {
				return fmt.Errorf("%s: fragment [%d,%d) outside the span or empty", what, f[0], f[1])
			}
		}
		if s.TargetID < 0 || s.TargetID > int64(len(l.Targets)) {
			return fmt.Errorf("%s: no target %d", what, s.TargetID)
		}
	}
	for _, lb := range l.Labels {
		if lb.Target < 0 || lb.Target > len(l.Targets) || lb.Task == "" || lb.Value == "" {
			return fmt.Errorf("label %s=%q of target %d: no such target, or no task or value", lb.Task, lb.Value, lb.Target)
		}
	}
	return nil
}

// annotatorInTx returns the id of the annotator called name, adding them
// (with a new random id) inside tx.
func annotatorInTx(ctx context.Context, tx *sql.Tx, name string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, "SELECT id FROM annotators WHERE name = ?", name).Scan(&id)
	if !errors.Is(err, sql.ErrNoRows) {
		return id, err
	}
	r, err := tx.ExecContext(ctx, "INSERT INTO annotators(name, created_at, uid) VALUES (?, ?, ?)", name, now(), NewUID())
	if err != nil {
		return 0, fmt.Errorf("add annotator %s: %w", name, err)
	}
	return r.LastInsertId()
}
