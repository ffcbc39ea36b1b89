package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/review"
)

// GoldDecision is a reviewer's answer for one unit: the value gold takes,
// and for a stance the matched target it is towards (index in the
// document's Matched.Targets, or -1).
type GoldDecision struct {
	Doc     *review.Doc // with gold's layer last (see GoldLayer)
	Matched *review.Matched
	Item    review.Item
	Value   string // "" clears gold's value
	Towards int
}

// GoldLayer returns gold's layer of a document. Unlike an annotator's, it
// is never seeded from the suggestions: it holds the units a reviewer
// decided, each copied from an annotator who has it (see DecideGold), so
// deciding the first unit of a document costs one commit.
func (db *DB) GoldLayer(ctx context.Context, docID int64) (*annotate.Layer, error) {
	gold, err := db.Gold(ctx)
	if err != nil {
		return nil, err
	}
	return db.readLayer(ctx, docID, gold.ID)
}

// DecideGold writes gold's value for each decision as one action of the
// reviewer's, logged under gold with the reviewer as who decided: "gold
// decided" when the reviewer chose, "gold agreed" when the annotators all
// agreed and the reviewer accepted them together. A unit gold's layer
// lacks (a target or quote only an annotator made) is copied into it from
// the first annotator who has it. Undo (of gold) takes the action back.
func (db *DB) DecideGold(ctx context.Context, reviewerID int64, ds []GoldDecision, agreed bool) (Event, error) {
	if len(ds) == 0 {
		return Event{}, nil
	}
	gold, err := db.Gold(ctx)
	if err != nil {
		return Event{}, err
	}
	_, schemaVersion, err := db.Schema(ctx)
	if err != nil {
		return Event{}, err
	}
	docID := ds[0].Doc.ID
	for _, d := range ds[1:] {
		if d.Doc.ID != docID {
			docID = 0 // an action over many documents
			break
		}
	}
	action := "gold decided"
	if agreed {
		action = "gold agreed"
	}
	if len(ds) == 1 {
		action += " " + ds[0].Item.Task + " " + ds[0].Item.Unit.Refs[len(ds[0].Item.Unit.Refs)-1]
	} else {
		action += " " + strconv.Itoa(len(ds)) + " units"
	}
	return db.mutateBy(ctx, gold.ID, reviewerID, docID, action, func(rec *recorder) error {
		started := map[int64]bool{}
		start := func(doc int64) error {
			if started[doc] {
				return nil
			}
			started[doc] = true
			if err := startDocument(rec, gold.ID, doc); err != nil {
				return err
			}
			// Mark gold's layer as made, so that nothing ever seeds
			// suggestions into it.
			_, err := rec.tx.ExecContext(rec.ctx, `INSERT OR IGNORE INTO layers(doc_id, annotator_id, seeded_at, engine)
				VALUES (?, ?, ?, 'gold')`, doc, gold.ID, now())
			return err
		}
		for _, d := range ds {
			g := len(d.Doc.Layers) - 1
			if g < 0 || d.Doc.Layers[g] == nil {
				return fmt.Errorf("document %d: gold's layer is not loaded", d.Doc.ID)
			}
			if review.IsSpanTask(d.Item.Task) {
				if err := decideSpan(rec, gold.ID, d); err != nil {
					return err
				}
				if err := start(d.Doc.ID); err != nil {
					return err
				}
				continue
			}
			ref, err := goldRef(rec, gold.ID, d.Doc, d.Item.Unit)
			if err != nil {
				return err
			}
			key := row{"doc_id": d.Doc.ID, "annotator_id": gold.ID, "task": d.Item.Task, "unit": ref}
			if d.Value == "" {
				if err := rec.remove("labels", key); err != nil {
					return err
				}
				continue
			}
			var towards any
			if d.Towards >= 0 && d.Towards < len(d.Matched.Targets) {
				tref, err := goldRef(rec, gold.ID, d.Doc, d.Matched.Targets[d.Towards])
				if err != nil {
					return err
				}
				_, id, _ := annotate.ParseUnit(tref)
				towards = id
			}
			if err := rec.put("labels", row{"doc_id": d.Doc.ID, "annotator_id": gold.ID, "task": d.Item.Task, "unit": ref,
				"value": d.Value, "towards": towards, "schema_version": int64(schemaVersion), "updated_at": now()}); err != nil {
				return err
			}
			if err := start(d.Doc.ID); err != nil {
				return err
			}
		}
		return nil
	})
}

// decideSpan makes gold's span at a span-layer unit the one of the
// annotator whose value d.Value is (a copy, as decided), or a rejected
// copy for review.NoSpan; "" removes gold's span there.
func decideSpan(rec *recorder, goldID int64, d GoldDecision) error {
	doc, u := d.Doc, d.Item.Unit
	g := len(doc.Layers) - 1
	cur, hasCur := review.SpanAt(doc.Layers[g], u.Refs[g])
	if d.Value == "" {
		if !hasCur {
			return nil
		}
		return rec.remove("layer_spans", row{"id": cur.ID})
	}
	var src annotate.Span
	found := false
	for i := 0; i < g && i < len(u.Refs); i++ {
		sp, ok := review.SpanAt(doc.Layers[i], u.Refs[i])
		if !ok {
			continue
		}
		if d.Value == review.NoSpan && !found || review.SpanValue(doc.Text, sp) == d.Value {
			src, found = sp, true
			if d.Value != review.NoSpan {
				break
			}
		}
	}
	if !found {
		return fmt.Errorf("document %d: no annotator has %q at %s any more; reload the review", doc.ID, d.Value, d.Item.Unit.Name)
	}
	src.Decision = annotate.Added
	if d.Value == review.NoSpan {
		src.Decision = annotate.Rejected
	}
	src.SuggestionID = 0
	if hasCur {
		// Gold's span there (a target's mention, say) keeps its target.
		r := spanRow(doc.ID, goldID, src, nil)
		delete(r, "target_id")
		delete(r, "doc_id")
		delete(r, "annotator_id")
		return rec.update("layer_spans", row{"id": cur.ID}, r)
	}
	_, err := rec.insert("layer_spans", spanRow(doc.ID, goldID, src, nil))
	return err
}

// goldRef returns gold's unit key for a matched unit, copying the unit into
// gold's layer (and recording that in u) when gold does not have it.
func goldRef(rec *recorder, goldID int64, doc *review.Doc, u review.Unit) (string, error) {
	g := len(u.Refs) - 1
	if u.Scope == "document" {
		return annotate.UnitDocument, nil
	}
	if u.Refs[g] != "" {
		return u.Refs[g], nil
	}
	for i := 0; i < g; i++ {
		if u.Refs[i] == "" || doc.Layers[i] == nil {
			continue
		}
		src := doc.Layers[i]
		scope, id, _ := annotate.ParseUnit(u.Refs[i])
		var ref string
		switch scope {
		case "target":
			t, ok := src.Target(id)
			if !ok {
				continue
			}
			var sugg any
			if t.Suggestion != 0 {
				sugg = int64(t.Suggestion - 1)
			}
			tid, err := rec.insert("layer_targets", row{"doc_id": doc.ID, "annotator_id": goldID, "name": t.Name,
				"label": t.Label, "suggested_ord": sugg, "deleted": int64(0)})
			if err != nil {
				return "", err
			}
			for _, m := range src.Mentions(id) {
				if err := copyMention(rec, goldID, doc, m, tid); err != nil {
					return "", err
				}
			}
			ref = annotate.TargetUnit(tid)
		case "quote":
			q, ok := src.Span(id)
			if !ok {
				continue
			}
			q.Decision = annotate.Accepted
			if q.SuggestionID == 0 {
				q.Decision = annotate.Added
			}
			qid, err := rec.insert("layer_spans", spanRow(doc.ID, goldID, q, nil))
			if err != nil {
				return "", err
			}
			ref = annotate.QuoteUnit(qid)
		default:
			continue
		}
		u.Refs[g] = ref
		return ref, nil
	}
	return "", errors.New("no annotator has this unit any more; reload the review")
}

// copyMention makes gold's span at m's place a mention of target tid: its
// own span there is moved to the target, else m is copied.
func copyMention(rec *recorder, goldID int64, doc *review.Doc, m annotate.Span, tid int64) error {
	gl := doc.Layers[len(doc.Layers)-1]
	for _, s := range gl.Spans {
		if s.Kind == annotate.KindEntity && s.Start == m.Start && s.End == m.End {
			set := row{"target_id": tid}
			if !s.Live() || s.Decision == annotate.Pending {
				set["decision"] = string(annotate.Accepted)
			}
			return rec.update("layer_spans", row{"id": s.ID}, set)
		}
	}
	m.Decision = annotate.Accepted
	if m.SuggestionID == 0 {
		m.Decision = annotate.Added
	}
	_, err := rec.insert("layer_spans", spanRow(doc.ID, goldID, m, tid))
	return err
}
