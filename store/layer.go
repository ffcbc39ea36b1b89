package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/slant-annotate/slant/annotate"
)

// Annotator is a person who labels, or the reserved annotator gold.
type Annotator struct {
	ID   int64
	Name string
	// UID is a random id made when the annotator was created, so that two
	// people under one name are told apart when projects are merged.
	UID string
	// Unblinded is when they first saw other annotators' labels (opened
	// the review); empty while they are blind.
	Unblinded string
}

// ErrReservedName refuses a person's name that Slant reserves (gold).
var ErrReservedName = errors.New("reserved name")

const annotatorCols = "id, name, coalesce(uid, ''), coalesce(unblinded_at, '')"

func scanAnnotator(s interface{ Scan(...any) error }) (Annotator, error) {
	var a Annotator
	err := s.Scan(&a.ID, &a.Name, &a.UID, &a.Unblinded)
	return a, err
}

// EnsureAnnotator returns the annotator with name (case-insensitive),
// adding them, with a new random id, on first use. The name gold is
// reserved for adjudicated labels (see Gold).
func (db *DB) EnsureAnnotator(ctx context.Context, name string) (Annotator, error) {
	name = strings.TrimSpace(name)
	if strings.EqualFold(name, annotate.GoldAnnotator) {
		return Annotator{}, fmt.Errorf("%q is reserved for adjudicated labels; choose another name: %w", name, ErrReservedName)
	}
	return db.ensureAnnotator(ctx, name)
}

// Gold returns the reserved annotator gold, whose layer holds the labels a
// reviewer decided, adding it on first use.
func (db *DB) Gold(ctx context.Context) (Annotator, error) {
	return db.ensureAnnotator(ctx, annotate.GoldAnnotator)
}

func (db *DB) ensureAnnotator(ctx context.Context, name string) (Annotator, error) {
	if name == "" {
		return Annotator{}, errors.New("an annotator needs a name")
	}
	a, err := scanAnnotator(db.sql.QueryRowContext(ctx, "SELECT "+annotatorCols+" FROM annotators WHERE name = ?", name))
	if err == nil {
		return a, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return a, err
	}
	if err := db.writable(); err != nil {
		return a, fmt.Errorf("add annotator %s: %w", name, err)
	}
	a = Annotator{Name: name, UID: NewUID()}
	res, err := db.sql.ExecContext(ctx, "INSERT INTO annotators(name, created_at, uid) VALUES (?, ?, ?)", name, now(), a.UID)
	if err != nil {
		return a, fmt.Errorf("add annotator %s: %w", name, err)
	}
	a.ID, err = res.LastInsertId()
	return a, err
}

// NewUID returns a new random annotator id: 16 hex digits.
func NewUID() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("store: no randomness: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}

// FindAnnotator returns the annotator with name, without adding one.
func (db *DB) FindAnnotator(ctx context.Context, name string) (Annotator, error) {
	a, err := scanAnnotator(db.sql.QueryRowContext(ctx, "SELECT "+annotatorCols+" FROM annotators WHERE name = ?", strings.TrimSpace(name)))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("no annotator named %q in this project: %w", name, ErrNotFound)
	}
	return a, err
}

// Annotators lists everyone who has labelled in the project (gold
// included, when a reviewer has decided anything).
func (db *DB) Annotators(ctx context.Context) ([]Annotator, error) {
	rows, err := db.sql.QueryContext(ctx, "SELECT "+annotatorCols+" FROM annotators ORDER BY name")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Annotator
	for rows.Next() {
		a, err := scanAnnotator(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Unblind records that an annotator has seen other annotators' labels
// (opened the review), once: agreement reports them as not blind from then.
func (db *DB) Unblind(ctx context.Context, annID int64) error {
	if err := db.writable(); err != nil {
		return err
	}
	_, err := db.sql.ExecContext(ctx, "UPDATE annotators SET unblinded_at = ? WHERE id = ? AND unblinded_at IS NULL", now(), annID)
	if err != nil {
		return fmt.Errorf("record that annotator %d has seen others' labels: %w", annID, err)
	}
	return nil
}

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }

// Layer returns one annotator's work on a document. The first time they
// open a pre-tagged document, their layer is seeded from the suggestions
// (every span pending), in one transaction; another annotator's layer is
// never read (annotation is blind).
func (db *DB) Layer(ctx context.Context, docID, annID int64) (*annotate.Layer, error) {
	if db.writable() == nil { // never seeded into a read-only or damaged file
		if err := db.seedLayer(ctx, docID, annID); err != nil {
			return nil, fmt.Errorf("layer of document %d: %w", docID, err)
		}
	}
	return db.readLayer(ctx, docID, annID)
}

// ReadLayer returns an annotator's layer of a document as it is stored,
// never seeding it: for exports and reports, which must not write.
func (db *DB) ReadLayer(ctx context.Context, docID, annID int64) (*annotate.Layer, error) {
	l, err := db.readLayer(ctx, docID, annID)
	if err != nil {
		return nil, fmt.Errorf("layer of document %d: %w", docID, err)
	}
	return l, nil
}

// CountLayers counts the documents where the annotator's layer has one of
// the statuses (what EachLayer goes through).
func (db *DB) CountLayers(ctx context.Context, annID int64, statuses ...string) (int, error) {
	list, err := json.Marshal(statuses)
	if err != nil {
		return 0, err
	}
	var n int
	if err := db.sql.QueryRowContext(ctx, `SELECT count(*) FROM doc_status WHERE annotator_id = ?
		AND status IN (SELECT value FROM json_each(?))`, annID, string(list)).Scan(&n); err != nil {
		return 0, fmt.Errorf("documents of annotator %d: %w", annID, err)
	}
	return n, nil
}

// readLayer reads an annotator's layer of a document as it is, without
// seeding it.
func (db *DB) readLayer(ctx context.Context, docID, annID int64) (*annotate.Layer, error) {
	l := &annotate.Layer{DocID: docID, AnnotatorID: annID, Labels: map[annotate.LabelKey]annotate.LabelValue{}, Status: annotate.StatusToDo}
	rows, err := db.sql.QueryContext(ctx, `SELECT id, name, label, deleted, coalesce(suggested_ord + 1, 0) FROM layer_targets
		WHERE doc_id = ? AND annotator_id = ? ORDER BY id`, docID, annID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var t annotate.Target
		if err := rows.Scan(&t.ID, &t.Name, &t.Label, &t.Deleted, &t.Suggestion); err != nil {
			rows.Close()
			return nil, err
		}
		l.Targets = append(l.Targets, t)
	}
	rows.Close()
	rows, err = db.sql.QueryContext(ctx, `SELECT `+spanCols+`
		FROM layer_spans WHERE doc_id = ? AND annotator_id = ? ORDER BY start, end DESC, id`, docID, annID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		s, err := scanSpan(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		l.Spans = append(l.Spans, s)
	}
	rows.Close()
	rows, err = db.sql.QueryContext(ctx, `SELECT task, unit, value, coalesce(towards, 0) FROM labels
		WHERE doc_id = ? AND annotator_id = ?`, docID, annID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var k annotate.LabelKey
		var v annotate.LabelValue
		if err := rows.Scan(&k.Task, &k.Unit, &v.Value, &v.Towards); err != nil {
			rows.Close()
			return nil, err
		}
		l.Labels[k] = v
	}
	rows.Close()
	err = db.sql.QueryRowContext(ctx, "SELECT status FROM doc_status WHERE doc_id = ? AND annotator_id = ?", docID, annID).Scan(&l.Status)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	return l, nil
}

// spanCols are the layer_spans columns scanSpan reads, in its order.
const spanCols = `id, kind, start, end, label, coalesce(target_id, 0), speaker_start, speaker_end,
	coalesce(suggestion_id, 0), decision, cue_start, cue_end, fragments`

// scanSpan reads one span selected with spanCols.
func scanSpan(rows interface{ Scan(...any) error }, extra ...any) (annotate.Span, error) {
	var s annotate.Span
	var ss, se, cs, ce sql.NullInt64
	var decision string
	var frags sql.NullString
	dest := append([]any{&s.ID, &s.Kind, &s.Start, &s.End, &s.Label, &s.TargetID, &ss, &se, &s.SuggestionID, &decision, &cs, &ce, &frags}, extra...)
	if err := rows.Scan(dest...); err != nil {
		return s, err
	}
	s.Decision = annotate.Decision(decision)
	if ss.Valid && se.Valid {
		s.SpeakerStart, s.SpeakerEnd, s.HasSpeaker = int(ss.Int64), int(se.Int64), true
	}
	if cs.Valid && ce.Valid {
		s.CueStart, s.CueEnd, s.HasCue = int(cs.Int64), int(ce.Int64), true
	}
	if frags.Valid && frags.String != "" {
		if err := json.Unmarshal([]byte(frags.String), &s.Fragments); err != nil {
			return s, fmt.Errorf("span %d: fragments %q: %w", s.ID, frags.String, err)
		}
	}
	return s, nil
}

// spanRow is the layer_spans row of s for the event log's recorder.
func spanRow(docID, annID int64, s annotate.Span, target any) row {
	var ss, se, cs, ce, frags, sugg any
	if s.HasSpeaker {
		ss, se = int64(s.SpeakerStart), int64(s.SpeakerEnd)
	}
	if s.HasCue {
		cs, ce = int64(s.CueStart), int64(s.CueEnd)
	}
	if len(s.Fragments) > 0 {
		js, _ := json.Marshal(s.Fragments)
		frags = string(js)
	}
	if s.SuggestionID != 0 {
		sugg = s.SuggestionID
	}
	return row{"doc_id": docID, "annotator_id": annID, "kind": s.Kind,
		"start": int64(s.Start), "end": int64(s.End), "label": s.Label, "target_id": target,
		"speaker_start": ss, "speaker_end": se, "suggestion_id": sugg, "decision": string(s.Decision),
		"cue_start": cs, "cue_end": ce, "fragments": frags}
}

// seedLayer copies a document's suggestions into an annotator's layer the
// first time they open it after it was pre-tagged.
func (db *DB) seedLayer(ctx context.Context, docID, annID int64) error {
	var seeded int
	if err := db.sql.QueryRowContext(ctx, `SELECT count(*) FROM layers WHERE doc_id = ? AND annotator_id = ?`,
		docID, annID).Scan(&seeded); err != nil || seeded > 0 {
		return err
	}
	var engine string
	err := db.sql.QueryRowContext(ctx, "SELECT engine FROM pretag_runs WHERE doc_id = ?", docID).Scan(&engine)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // not pre-tagged yet: seed when it is
	}
	if err != nil {
		return err
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Claim the seeding inside the transaction: a background prefetch and
	// the window may both get here for the same document.
	res, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO layers(doc_id, annotator_id, seeded_at, engine) VALUES (?, ?, ?, ?)",
		docID, annID, now(), engine)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // seeded meanwhile
	}
	ords := map[int64]int64{} // suggested ord → layer target id
	rows, err := tx.QueryContext(ctx, "SELECT ord, name, label FROM suggested_targets WHERE doc_id = ? ORDER BY ord", docID)
	if err != nil {
		return err
	}
	type st struct {
		ord         int64
		name, label string
	}
	var sts []st
	for rows.Next() {
		var s st
		if err := rows.Scan(&s.ord, &s.name, &s.label); err != nil {
			rows.Close()
			return err
		}
		sts = append(sts, s)
	}
	rows.Close()
	for _, s := range sts {
		res, err := tx.ExecContext(ctx, `INSERT INTO layer_targets(doc_id, annotator_id, name, label, suggested_ord) VALUES (?, ?, ?, ?, ?)`,
			docID, annID, s.name, s.label, s.ord)
		if err != nil {
			return err
		}
		ords[s.ord], _ = res.LastInsertId()
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO layer_spans
		(doc_id, annotator_id, kind, start, end, label, target_id, speaker_start, speaker_end, suggestion_id, decision)
		SELECT s.doc_id, ?, s.kind, s.start, s.end, s.label, lt.id, s.speaker_start, s.speaker_end, s.id, 'pending'
		FROM suggested_spans s LEFT JOIN layer_targets lt
		  ON lt.doc_id = s.doc_id AND lt.annotator_id = ? AND lt.suggested_ord = s.target_ord
		WHERE s.doc_id = ? ORDER BY s.start, s.id`, annID, annID, docID); err != nil {
		return err
	}
	return tx.Commit()
}

// DocLabels returns an annotator's labels and status for a document: what
// an undo of a label changes, without re-reading the whole layer.
func (db *DB) DocLabels(ctx context.Context, docID, annID int64) (map[annotate.LabelKey]annotate.LabelValue, string, error) {
	labels := map[annotate.LabelKey]annotate.LabelValue{}
	rows, err := db.sql.QueryContext(ctx, `SELECT task, unit, value, coalesce(towards, 0) FROM labels
		WHERE doc_id = ? AND annotator_id = ?`, docID, annID)
	if err != nil {
		return nil, "", err
	}
	for rows.Next() {
		var k annotate.LabelKey
		var v annotate.LabelValue
		if err := rows.Scan(&k.Task, &k.Unit, &v.Value, &v.Towards); err != nil {
			rows.Close()
			return nil, "", err
		}
		labels[k] = v
	}
	rows.Close()
	status := annotate.StatusToDo
	err = db.sql.QueryRowContext(ctx, "SELECT status FROM doc_status WHERE doc_id = ? AND annotator_id = ?", docID, annID).Scan(&status)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, "", err
	}
	return labels, status, nil
}

// SetLabel sets (or with value "" clears) one label and, on a document's
// first label, marks it in progress — as one undoable action, on disk
// before it returns.
func (db *DB) SetLabel(ctx context.Context, annID, docID int64, task, unit string, v annotate.LabelValue, schemaVersion int) (Event, error) {
	return db.mutate(ctx, annID, docID, "label "+task+" "+unit, func(rec *recorder) error {
		key := row{"doc_id": docID, "annotator_id": annID, "task": task, "unit": unit}
		if v.Value == "" {
			return rec.remove("labels", key)
		}
		var towards any
		if v.Towards != 0 {
			towards = v.Towards
		}
		if err := rec.put("labels", row{"doc_id": docID, "annotator_id": annID, "task": task, "unit": unit,
			"value": v.Value, "towards": towards, "schema_version": schemaVersion, "updated_at": now()}); err != nil {
			return err
		}
		return startDocument(rec, annID, docID)
	})
}

// startDocument marks a document in progress unless it already has a status.
func startDocument(rec *recorder, annID, docID int64) error {
	cur, err := rec.read("doc_status", row{"doc_id": docID, "annotator_id": annID})
	if err != nil || cur != nil {
		return err
	}
	return rec.put("doc_status", row{"doc_id": docID, "annotator_id": annID, "status": annotate.StatusInProgress,
		"updated_at": now(), "seconds": 0.0})
}

// SetStatus sets a document's status for an annotator (done, skipped, in
// progress; "to do" removes it), adding seconds to the time spent on it.
// Marking it done also writes the layer's digest, and any status the
// document's stats (see RefreshDigests).
func (db *DB) SetStatus(ctx context.Context, annID, docID int64, status string, seconds float64) (Event, error) {
	return db.mutate(ctx, annID, docID, "status "+status, func(rec *recorder) error {
		// Marking a document done also rewrites its digest and stats:
		// copying those into the file would cost Enter its budget, and
		// the next label's copy carries the status along.
		rec.lateCopy = true
		key := row{"doc_id": docID, "annotator_id": annID}
		if status == annotate.StatusToDo {
			return rec.remove("doc_status", key)
		}
		cur, err := rec.read("doc_status", key)
		if err != nil {
			return err
		}
		if cur != nil {
			if s, ok := cur["seconds"].(float64); ok {
				seconds += s
			}
		}
		if err := rec.put("doc_status", row{"doc_id": docID, "annotator_id": annID, "status": status, "updated_at": now(), "seconds": seconds}); err != nil {
			return err
		}
		if status == annotate.StatusDone {
			// A finished layer counts for agreement: keep its digest ready.
			if _, err := writeDigests(rec.ctx, rec.tx, []docAnn{{docID, annID}}); err != nil {
				return err
			}
		}
		// The document's stats changed with its statuses (a trigger
		// dropped them): work them out again.
		return db.writeDocStats(rec.ctx, rec.tx, []int64{docID})
	})
}

// SpanEdit is a change to one span; nil fields stay as they are.
type SpanEdit struct {
	Start, End   *int
	Label        *string
	TargetID     *int64
	Speaker      *[2]int // {-1,-1} removes the speaker
	Decision     *annotate.Decision
	NewTargetFor string // with TargetID nil: make a new target with this name for the span
}

// EditSpan changes an annotator's span. Changing a suggested span's
// boundaries, label or target marks it edited; its suggestion is untouched.
func (db *DB) EditSpan(ctx context.Context, annID, docID, spanID int64, e SpanEdit) (Event, error) {
	return db.mutate(ctx, annID, docID, "edit span", func(rec *recorder) error {
		cur, err := rec.read("layer_spans", row{"id": spanID})
		if err != nil {
			return err
		}
		if cur == nil || cur["annotator_id"] != annID {
			return fmt.Errorf("span %d: %w", spanID, ErrNotFound)
		}
		set := row{}
		edited := false
		if e.Start != nil && e.End != nil {
			if *e.End <= *e.Start {
				return fmt.Errorf("span %d: empty span [%d,%d)", spanID, *e.Start, *e.End)
			}
			set["start"], set["end"] = int64(*e.Start), int64(*e.End)
			edited = true
		}
		if e.Label != nil {
			set["label"] = *e.Label
			edited = true
			// A relabelled mention relabels its target: a target has one label.
			if tid, ok := cur["target_id"].(int64); ok && tid != 0 {
				if err := rec.update("layer_targets", row{"id": tid}, row{"label": *e.Label}); err != nil {
					return err
				}
			}
		}
		if e.NewTargetFor != "" && e.TargetID == nil {
			label, _ := cur["label"].(string)
			id, err := rec.insert("layer_targets", row{"doc_id": docID, "annotator_id": annID, "name": e.NewTargetFor, "label": label, "deleted": int64(0)})
			if err != nil {
				return err
			}
			set["target_id"] = id
			edited = true
		}
		if e.TargetID != nil {
			if *e.TargetID == 0 {
				set["target_id"] = nil
			} else {
				set["target_id"] = *e.TargetID
			}
			edited = true
		}
		if e.Speaker != nil {
			if e.Speaker[0] < 0 {
				set["speaker_start"], set["speaker_end"] = nil, nil
			} else {
				set["speaker_start"], set["speaker_end"] = int64(e.Speaker[0]), int64(e.Speaker[1])
			}
			edited = true
		}
		if e.Decision != nil {
			set["decision"] = string(*e.Decision)
		} else if edited && cur["decision"] != string(annotate.Added) {
			set["decision"] = string(annotate.Edited)
		}
		if err := rec.update("layer_spans", row{"id": spanID}, set); err != nil {
			return err
		}
		return startDocument(rec, annID, docID)
	})
}

// AddSpan adds a span of the annotator's own; for an entity with no target,
// a new target named after the span's text is made.
func (db *DB) AddSpan(ctx context.Context, annID, docID int64, s annotate.Span, newTargetName string) (int64, Event, error) {
	var id int64
	ev, err := db.mutate(ctx, annID, docID, "add "+s.Kind, func(rec *recorder) error {
		if s.End <= s.Start {
			return fmt.Errorf("empty span [%d,%d)", s.Start, s.End)
		}
		var target any
		if s.TargetID != 0 {
			target = s.TargetID
		} else if s.Kind == annotate.KindEntity && newTargetName != "" {
			tid, err := rec.insert("layer_targets", row{"doc_id": docID, "annotator_id": annID, "name": newTargetName, "label": s.Label, "deleted": int64(0)})
			if err != nil {
				return err
			}
			target = tid
		}
		s.SuggestionID, s.Decision = 0, annotate.Added
		var err error
		id, err = rec.insert("layer_spans", spanRow(docID, annID, s, target))
		if err != nil {
			return err
		}
		return startDocument(rec, annID, docID)
	})
	return id, ev, err
}

// DeleteSpan removes a span: a suggestion is marked rejected (so it is
// counted), a span the annotator added is deleted.
func (db *DB) DeleteSpan(ctx context.Context, annID, docID, spanID int64) (Event, error) {
	return db.mutate(ctx, annID, docID, "delete span", func(rec *recorder) error {
		cur, err := rec.read("layer_spans", row{"id": spanID})
		if err != nil {
			return err
		}
		if cur == nil || cur["annotator_id"] != annID {
			return fmt.Errorf("span %d: %w", spanID, ErrNotFound)
		}
		if cur["suggestion_id"] == nil {
			return rec.remove("layer_spans", row{"id": spanID})
		}
		if err := rec.update("layer_spans", row{"id": spanID}, row{"decision": string(annotate.Rejected)}); err != nil {
			return err
		}
		return startDocument(rec, annID, docID)
	})
}

// DecideTarget accepts or rejects every pending suggestion of a target (A
// and X on a target); rejecting also hides the target.
func (db *DB) DecideTarget(ctx context.Context, annID, docID, targetID int64, d annotate.Decision) (Event, error) {
	return db.mutate(ctx, annID, docID, string(d)+" target", func(rec *recorder) error {
		ids, err := spanIDs(rec, "SELECT id FROM layer_spans WHERE target_id = ? AND annotator_id = ? AND kind = 'entity'", targetID, annID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			cur, err := rec.read("layer_spans", row{"id": id})
			if err != nil {
				return err
			}
			if d == annotate.Accepted && cur["decision"] != string(annotate.Pending) {
				continue // keep edits as edits
			}
			if d == annotate.Rejected && cur["suggestion_id"] == nil {
				if err := rec.remove("layer_spans", row{"id": id}); err != nil {
					return err
				}
				continue
			}
			if err := rec.update("layer_spans", row{"id": id}, row{"decision": string(d)}); err != nil {
				return err
			}
		}
		if d == annotate.Rejected {
			if err := rec.update("layer_targets", row{"id": targetID}, row{"deleted": int64(1)}); err != nil {
				return err
			}
		}
		return startDocument(rec, annID, docID)
	})
}

func spanIDs(rec *recorder, q string, args ...any) ([]int64, error) {
	return queryIDs(rec.ctx, rec.tx, q, args...)
}

// queryIDs runs a query that selects one id column and returns the ids.
func queryIDs(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// MergeTargets moves every mention of from into into and removes from; its
// labels move too unless into already has that label.
func (db *DB) MergeTargets(ctx context.Context, annID, docID, into, from int64) (Event, error) {
	return db.mutate(ctx, annID, docID, "merge targets", func(rec *recorder) error {
		if into == from {
			return errors.New("cannot merge a target into itself")
		}
		ids, err := spanIDs(rec, "SELECT id FROM layer_spans WHERE target_id = ? AND annotator_id = ?", from, annID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			cur, err := rec.read("layer_spans", row{"id": id})
			if err != nil {
				return err
			}
			set := row{"target_id": into}
			if cur["decision"] == string(annotate.Pending) || cur["decision"] == string(annotate.Accepted) {
				set["decision"] = string(annotate.Edited)
			}
			if err := rec.update("layer_spans", row{"id": id}, set); err != nil {
				return err
			}
		}
		if err := rec.update("layer_targets", row{"id": from}, row{"deleted": int64(1)}); err != nil {
			return err
		}
		return startDocument(rec, annID, docID)
	})
}

// SplitTarget moves the given mentions of a target to a new target named
// name, and returns the new target's id.
func (db *DB) SplitTarget(ctx context.Context, annID, docID, targetID int64, spanIDs []int64, name string) (int64, Event, error) {
	var newID int64
	ev, err := db.mutate(ctx, annID, docID, "split target", func(rec *recorder) error {
		cur, err := rec.read("layer_targets", row{"id": targetID})
		if err != nil {
			return err
		}
		if cur == nil {
			return fmt.Errorf("target %d: %w", targetID, ErrNotFound)
		}
		newID, err = rec.insert("layer_targets", row{"doc_id": docID, "annotator_id": annID, "name": name, "label": cur["label"], "deleted": int64(0)})
		if err != nil {
			return err
		}
		for _, id := range spanIDs {
			s, err := rec.read("layer_spans", row{"id": id})
			if err != nil {
				return err
			}
			if s == nil || s["target_id"] != targetID {
				return fmt.Errorf("span %d is not a mention of target %d", id, targetID)
			}
			set := row{"target_id": newID}
			if s["decision"] != string(annotate.Added) {
				set["decision"] = string(annotate.Edited)
			}
			if err := rec.update("layer_spans", row{"id": id}, set); err != nil {
				return err
			}
		}
		return startDocument(rec, annID, docID)
	})
	return newID, ev, err
}

// RenameTarget changes a target's name or label.
func (db *DB) RenameTarget(ctx context.Context, annID, docID, targetID int64, name, label string) (Event, error) {
	return db.mutate(ctx, annID, docID, "rename target", func(rec *recorder) error {
		return rec.update("layer_targets", row{"id": targetID}, row{"name": name, "label": label})
	})
}
