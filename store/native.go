package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/export"
)

// NativeDoc reads everything the project knows of a document for the
// slant format: the document, its pre-tags, and every annotator's layer
// (by name), ids turned into positions.
func (db *DB) NativeDoc(ctx context.Context, docID int64) (export.NativeDoc, error) {
	n := export.NativeDoc{Format: export.NativeFormat, Version: export.NativeVersion, Meta: map[string]any{}, Layers: []export.NativeLayer{}}
	var meta string
	if err := db.sql.QueryRowContext(ctx, `SELECT sha256, external_id, title, url, source, meta, text FROM documents WHERE id = ?`, docID).
		Scan(&n.SHA256, &n.ExternalID, &n.Title, &n.URL, &n.Source, &meta, &n.Text); err != nil {
		return n, fmt.Errorf("document %d: %w", docID, err)
	}
	if meta != "" {
		if err := json.Unmarshal([]byte(meta), &n.Meta); err != nil {
			return n, fmt.Errorf("document %d: metadata: %w", docID, err)
		}
	}
	suggestion, err := db.nativePretag(ctx, docID, &n)
	if err != nil {
		return n, fmt.Errorf("document %d: pre-tags: %w", docID, err)
	}
	type who struct {
		id              int64
		name, uid, seed string
	}
	var anns []who
	err = db.eachRowArgs(ctx, `SELECT a.id, a.name, a.uid, coalesce((SELECT engine FROM layers l WHERE l.doc_id = ?1 AND l.annotator_id = a.id), '')
		FROM annotators a WHERE EXISTS (SELECT 1 FROM layers l WHERE l.doc_id = ?1 AND l.annotator_id = a.id)
		OR EXISTS (SELECT 1 FROM doc_status s WHERE s.doc_id = ?1 AND s.annotator_id = a.id) ORDER BY a.name`, []any{docID}, func(r *sql.Rows) error {
		var w who
		if err := r.Scan(&w.id, &w.name, &w.uid, &w.seed); err != nil {
			return err
		}
		anns = append(anns, w)
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("document %d: %w", docID, err)
	}
	for _, a := range anns {
		l, err := db.readLayer(ctx, docID, a.id)
		if err != nil {
			return n, fmt.Errorf("document %d: layer of %s: %w", docID, a.name, err)
		}
		nl := export.NativeLayer{Annotator: a.name, UID: a.uid, Seeded: a.seed, Targets: []export.NativeTarget{},
			Spans: []export.NativeSpan{}, Labels: []export.NativeLabel{}}
		if err := db.sql.QueryRowContext(ctx, "SELECT status, seconds FROM doc_status WHERE doc_id = ? AND annotator_id = ?", docID, a.id).
			Scan(&nl.Status, &nl.Seconds); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return n, err
		}
		target := map[int64]int{}
		for i, t := range l.Targets {
			target[t.ID] = i
			nl.Targets = append(nl.Targets, export.NativeTarget{Name: t.Name, Label: t.Label, Deleted: t.Deleted, Suggestion: t.Suggestion - 1})
		}
		index := func(id int64) int {
			if i, ok := target[id]; ok {
				return i
			}
			return -1
		}
		quote := map[int64]int{}
		for i, s := range l.Spans {
			quote[s.ID] = i
			ns := export.NativeSpan{Kind: s.Kind, Start: s.Start, End: s.End, Label: s.Label, Target: index(s.TargetID),
				Fragments: s.Fragments, Suggestion: -1, Decision: string(s.Decision)}
			if s.HasSpeaker {
				ns.Speaker = &[2]int{s.SpeakerStart, s.SpeakerEnd}
			}
			if s.HasCue {
				ns.Cue = &[2]int{s.CueStart, s.CueEnd}
			}
			if s.SuggestionID != 0 {
				i, ok := suggestion[s.SuggestionID]
				if !ok {
					return n, fmt.Errorf("document %d: a span of %s comes from suggestion %d, which is gone", docID, a.name, s.SuggestionID)
				}
				ns.Suggestion = i
			}
			nl.Spans = append(nl.Spans, ns)
		}
		err = db.eachRowArgs(ctx, `SELECT task, unit, value, coalesce(towards, 0), schema_version FROM labels WHERE doc_id = ? AND annotator_id = ?`,
			[]any{docID, a.id}, func(r *sql.Rows) error {
				var unit string
				var towards int64
				lb := export.NativeLabel{Index: -1}
				if err := r.Scan(&lb.Task, &unit, &lb.Value, &towards, &lb.SchemaVersion); err != nil {
					return err
				}
				lb.Towards = index(towards)
				switch scope, id, _ := annotate.ParseUnit(unit); scope {
				case "document":
					lb.Unit = "document"
				case "target":
					lb.Unit, lb.Index = "target", index(id)
				case "quote":
					lb.Unit = "quote"
					if i, ok := quote[id]; ok {
						lb.Index = i
					}
				default:
					return fmt.Errorf("label %s of unit %q", lb.Task, unit)
				}
				nl.Labels = append(nl.Labels, lb)
				return nil
			})
		if err != nil {
			return n, fmt.Errorf("document %d: labels of %s: %w", docID, a.name, err)
		}
		slices.SortFunc(nl.Labels, func(x, y export.NativeLabel) int {
			return cmp.Or(cmp.Compare(x.Task, y.Task), cmp.Compare(x.Unit, y.Unit), cmp.Compare(x.Index, y.Index))
		})
		n.Layers = append(n.Layers, nl)
	}
	return n, nil
}

// nativePretag fills in n.Pretag and returns each suggested span's index
// by its id.
func (db *DB) nativePretag(ctx context.Context, docID int64, n *export.NativeDoc) (map[int64]int, error) {
	p := &export.NativePretag{Targets: []export.NativeSuggestedTarget{}, Spans: []export.NativeSuggestedSpan{}}
	err := db.sql.QueryRowContext(ctx, "SELECT engine, millis FROM pretag_runs WHERE doc_id = ?", docID).Scan(&p.Engine, &p.Millis)
	if errors.Is(err, sql.ErrNoRows) {
		return map[int64]int{}, nil
	}
	if err != nil {
		return nil, err
	}
	n.Pretag = p
	err = db.eachRowArgs(ctx, "SELECT ord, name, label, aliases FROM suggested_targets WHERE doc_id = ? ORDER BY ord", []any{docID}, func(r *sql.Rows) error {
		var t export.NativeSuggestedTarget
		var aliases string
		if err := r.Scan(&t.Ord, &t.Name, &t.Label, &aliases); err != nil {
			return err
		}
		t.Aliases = []string{}
		json.Unmarshal([]byte(aliases), &t.Aliases)
		p.Targets = append(p.Targets, t)
		return nil
	})
	if err != nil {
		return nil, err
	}
	index := map[int64]int{}
	err = db.eachRowArgs(ctx, `SELECT id, kind, start, end, label, coalesce(target_ord, -1), speaker_start, speaker_end, evidence
		FROM suggested_spans WHERE doc_id = ? ORDER BY id`, []any{docID}, func(r *sql.Rows) error {
		var id int64
		var s export.NativeSuggestedSpan
		var ss, se sql.NullInt64
		if err := r.Scan(&id, &s.Kind, &s.Start, &s.End, &s.Label, &s.TargetOrd, &ss, &se, &s.Evidence); err != nil {
			return err
		}
		if ss.Valid && se.Valid {
			s.Speaker = &[2]int{int(ss.Int64), int(se.Int64)}
		}
		index[id] = len(p.Spans)
		p.Spans = append(p.Spans, s)
		return nil
	})
	return index, err
}

// eachRowArgs is eachRow with arguments.
func (db *DB) eachRowArgs(ctx context.Context, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := db.sql.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// NativeImport is what AddNative did.
type NativeImport struct {
	DocAdded bool
	Layers   int // layers added
	Skipped  int // layers an annotator already had here
}

// AddNative adds a document of the slant format to the batch: the
// document (unless the project holds its text), its pre-tags (unless it
// has some), and each layer an annotator does not have here yet, with its
// targets, spans and their suggestions' fates, labels and status. An
// annotator is matched by name; one of that name with another id is a
// different person and refused (ErrAnnotatorClash).
func (b *Batch) AddNative(ctx context.Context, doc annotate.Document, n export.NativeDoc) (NativeImport, error) {
	var res NativeImport
	added := b.Added
	if err := b.Add(ctx, doc); err != nil {
		return res, fmt.Errorf("save the document: %w", err)
	}
	res.DocAdded = b.Added > added
	tx := b.tx
	var docID int64
	if err := tx.QueryRowContext(ctx, "SELECT id FROM documents WHERE sha256 = ?", doc.SHA256()).Scan(&docID); err != nil {
		return res, fmt.Errorf("find the document: %w", err)
	}
	suggestions, err := b.nativePretag(ctx, docID, n.Pretag)
	if err != nil {
		return res, fmt.Errorf("pre-tags: %w", err)
	}
	if b.stmts == nil {
		b.stmts = map[string]*sql.Stmt{}
	}
	for _, nl := range n.Layers {
		annID, err := b.nativeAnnotator(ctx, nl)
		if err != nil {
			return res, err
		}
		var has int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM layers WHERE doc_id = ?1 AND annotator_id = ?2)
			+ (SELECT count(*) FROM doc_status WHERE doc_id = ?1 AND annotator_id = ?2)`, docID, annID).Scan(&has); err != nil {
			return res, err
		}
		if has > 0 {
			res.Skipped++
			continue
		}
		rec := &recorder{ctx: ctx, tx: tx, stmts: b.stmts}
		if nl.Seeded != "" {
			if _, err := rec.exec("INSERT INTO layers(doc_id, annotator_id, seeded_at, engine) VALUES (?, ?, ?, ?)", docID, annID, now(), nl.Seeded); err != nil {
				return res, err
			}
		}
		targets := make([]int64, len(nl.Targets))
		for i, t := range nl.Targets {
			var sugg any
			if t.Suggestion >= 0 {
				sugg = int64(t.Suggestion)
			}
			deleted := int64(0)
			if t.Deleted {
				deleted = 1
			}
			if targets[i], err = rec.insert("layer_targets", row{"doc_id": docID, "annotator_id": annID, "name": t.Name, "label": t.Label,
				"suggested_ord": sugg, "deleted": deleted}); err != nil {
				return res, err
			}
		}
		target := func(i int) int64 {
			if i >= 0 && i < len(targets) {
				return targets[i]
			}
			return 0
		}
		spans := make([]int64, len(nl.Spans))
		for i, s := range nl.Spans {
			sp := annotate.Span{Kind: s.Kind, Start: s.Start, End: s.End, Label: s.Label, Fragments: s.Fragments, Decision: annotate.Decision(s.Decision)}
			if s.Speaker != nil {
				sp.HasSpeaker, sp.SpeakerStart, sp.SpeakerEnd = true, s.Speaker[0], s.Speaker[1]
			}
			if s.Cue != nil {
				sp.HasCue, sp.CueStart, sp.CueEnd = true, s.Cue[0], s.Cue[1]
			}
			if s.Suggestion >= 0 {
				if s.Suggestion >= len(suggestions) {
					return res, fmt.Errorf("a span of %s comes from suggestion %d of %d", nl.Annotator, s.Suggestion, len(suggestions))
				}
				sp.SuggestionID = suggestions[s.Suggestion]
			}
			var t any
			if id := target(s.Target); id != 0 {
				t = id
			}
			if spans[i], err = rec.insert("layer_spans", spanRow(docID, annID, sp, t)); err != nil {
				return res, fmt.Errorf("span %d of %s: %w", i+1, nl.Annotator, err)
			}
		}
		for _, lb := range nl.Labels {
			unit := annotate.UnitDocument
			switch lb.Unit {
			case "target":
				if target(lb.Index) == 0 {
					return res, fmt.Errorf("a label of %s names target %d of %d", nl.Annotator, lb.Index, len(targets))
				}
				unit = annotate.TargetUnit(target(lb.Index))
			case "quote":
				if lb.Index < 0 || lb.Index >= len(spans) {
					return res, fmt.Errorf("a label of %s names span %d of %d", nl.Annotator, lb.Index, len(spans))
				}
				unit = annotate.QuoteUnit(spans[lb.Index])
			}
			var towards any
			if id := target(lb.Towards); id != 0 {
				towards = id
			}
			if err := rec.create("labels", row{"doc_id": docID, "annotator_id": annID, "task": lb.Task, "unit": unit, "value": lb.Value,
				"towards": towards, "schema_version": int64(lb.SchemaVersion), "updated_at": now()}); err != nil {
				return res, err
			}
		}
		if nl.Status != "" {
			if err := rec.create("doc_status", row{"doc_id": docID, "annotator_id": annID, "status": nl.Status,
				"updated_at": now(), "seconds": nl.Seconds}); err != nil {
				return res, err
			}
		}
		if _, err := rec.appendEvent(Event{AnnotatorID: annID, DocID: docID, At: time.Now().UTC(), Action: "import slant"}, 0); err != nil {
			return res, err
		}
		res.Layers++
	}
	return res, nil
}

// ErrAnnotatorClash refuses a layer of a person other than the one this
// project knows by that name.
var ErrAnnotatorClash = errors.New("another person of that name is in this project")

// nativeAnnotator finds the layer's annotator by name, adding them with
// their id when new.
func (b *Batch) nativeAnnotator(ctx context.Context, nl export.NativeLayer) (int64, error) {
	var id int64
	var uid string
	err := b.tx.QueryRowContext(ctx, "SELECT id, uid FROM annotators WHERE name = ?", nl.Annotator).Scan(&id, &uid)
	switch {
	case err == nil && (uid == nl.UID || nl.UID == "" || uid == ""):
		return id, nil
	case err == nil:
		return 0, fmt.Errorf("%s: %w (merge their project with --as to rename them)", nl.Annotator, ErrAnnotatorClash)
	case !errors.Is(err, sql.ErrNoRows):
		return 0, err
	}
	uid = nl.UID
	if uid == "" {
		uid = NewUID()
	}
	r, err := b.tx.ExecContext(ctx, "INSERT INTO annotators(name, created_at, uid) VALUES (?, ?, ?)", nl.Annotator, now(), uid)
	if err != nil {
		return 0, fmt.Errorf("add annotator %s: %w", nl.Annotator, err)
	}
	return r.LastInsertId()
}

// nativePretag stores a document's pre-tags unless it has some, and
// returns the ids of its suggested spans in order (those stored before,
// which must be the same number, else the fates cannot be placed).
func (b *Batch) nativePretag(ctx context.Context, docID int64, p *export.NativePretag) ([]int64, error) {
	tx := b.tx
	var ids []int64
	var had bool
	if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pretag_runs WHERE doc_id = ?)", docID).Scan(&had); err != nil {
		return nil, err
	}
	if had {
		ids, err := queryIDs(ctx, tx, "SELECT id FROM suggested_spans WHERE doc_id = ? ORDER BY id", docID)
		if err != nil {
			return nil, err
		}
		if p != nil && len(ids) != len(p.Spans) {
			return nil, fmt.Errorf("the document is pre-tagged here with %d suggestions, in the file with %d: its layers' fates cannot be placed", len(ids), len(p.Spans))
		}
		return ids, nil
	}
	if p == nil {
		return nil, nil
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO pretag_runs(doc_id, engine, tagged_at, millis) VALUES (?, ?, ?, ?)",
		docID, p.Engine, time.Now().UTC().Format(time.RFC3339), p.Millis); err != nil {
		return nil, err
	}
	for _, t := range p.Targets {
		aliases, _ := json.Marshal(t.Aliases)
		if _, err := tx.ExecContext(ctx, "INSERT INTO suggested_targets(doc_id, ord, name, label, aliases) VALUES (?, ?, ?, ?, ?)",
			docID, t.Ord, t.Name, t.Label, string(aliases)); err != nil {
			return nil, err
		}
	}
	for _, s := range p.Spans {
		var ss, se any
		if s.Speaker != nil {
			ss, se = s.Speaker[0], s.Speaker[1]
		}
		r, err := tx.ExecContext(ctx, `INSERT INTO suggested_spans(doc_id, kind, start, end, label, target_ord, speaker_start, speaker_end, evidence)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, docID, s.Kind, s.Start, s.End, s.Label, nullableOrd(s.TargetOrd), ss, se, s.Evidence)
		if err != nil {
			return nil, err
		}
		id, _ := r.LastInsertId()
		ids = append(ids, id)
	}
	return ids, nil
}

// DocumentIDs returns every document's id, in order.
func (db *DB) DocumentIDs(ctx context.Context) ([]int64, error) {
	ids, err := queryIDs(ctx, db.sql, "SELECT id FROM documents ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("documents: %w", err)
	}
	return ids, nil
}
