package ops_test

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/review"
	"github.com/slant-annotate/slant/app/ops"
	"github.com/slant-annotate/slant/store"
)

// reviewProject is the pre-tagged sample article, labelled by ana and ben
// (both done): the same document sentiment, different sentiment for the
// first target, and ben adds a target of his own (a new entity) that ana
// does not have, and labels it.
func reviewProject(t *testing.T) (*store.DB, int64) {
	t.Helper()
	ctx := context.Background()
	db, err := ops.OpenProject(ctx, filepath.Join(t.TempDir(), "team.slant"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := ops.Pretag(ctx, db, ops.PretagOptions{Workers: 1}, nil); err != nil {
		t.Fatal(err)
	}
	_, sv, _ := db.Schema(ctx)
	docs, _ := db.ListDocuments(ctx, "", 0, 1)
	doc := docs[0].ID
	for _, p := range []struct{ name, docValue, firstTarget string }{{"ana", "negative", "negative"}, {"ben", "negative", "positive"}} {
		a, err := db.EnsureAnnotator(ctx, p.name)
		if err != nil {
			t.Fatal(err)
		}
		l, err := db.Layer(ctx, doc, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		set := func(task, unit, v string) {
			if _, err := db.SetLabel(ctx, a.ID, doc, task, unit, annotate.LabelValue{Value: v}, sv); err != nil {
				t.Fatal(err)
			}
		}
		set("document_sentiment", annotate.UnitDocument, p.docValue)
		set("target_sentiment", annotate.TargetUnit(l.LiveTargets()[0].ID), p.firstTarget)
		if p.name == "ben" {
			// "Washington" in the first words of the sample is no pre-tag:
			// ben adds an entity (and so a target) at [3000, 3010).
			_, _, err := db.AddSpan(ctx, a.ID, doc, annotate.Span{Kind: annotate.KindEntity, Start: 3000, End: 3010, Label: "ORG"}, "Acme")
			if err != nil {
				t.Fatal(err)
			}
			l, _ = db.Layer(ctx, doc, a.ID)
			for _, tg := range l.LiveTargets() {
				if tg.Name == "Acme" {
					set("target_sentiment", annotate.TargetUnit(tg.ID), "neutral")
				}
			}
		}
		if _, err := db.SetStatus(ctx, a.ID, doc, annotate.StatusDone, 10); err != nil {
			t.Fatal(err)
		}
	}
	return db, doc
}

func TestReviewDecidesGold(t *testing.T) {
	ctx := context.Background()
	db, doc := reviewProject(t)
	r, err := ops.OpenReview(ctx, db, "rita", ops.AgreementOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rita, _ := db.FindAnnotator(ctx, "rita")
	if rita.Unblinded == "" {
		t.Error("the reviewer is still recorded as blind")
	}
	// The target ana and ben labelled differently, and the entity ben
	// added (span layers are reviewed too).
	if len(r.Disagreements) != 2 || r.Disagreements[0].Task != "target_sentiment" || r.Disagreements[1].Task != review.EntitySpans {
		t.Fatalf("disagreements %+v", r.Disagreements)
	}
	if decided, total := r.Progress(); decided != 0 || total != 2 {
		t.Errorf("progress %d of %d", decided, total)
	}
	if _, _, err := r.TakeMajority(ctx, 0); err != ops.ErrNoMajority {
		t.Errorf("majority of a 1–1 split: %v", err)
	}
	if _, err := r.Decide(ctx, 0, "negative"); err != nil {
		t.Fatal(err)
	}
	if decided, _ := r.Progress(); decided != 1 || r.Disagreements[0].Gold != "negative" {
		t.Errorf("after deciding: %d decided, gold %q", decided, r.Disagreements[0].Gold)
	}
	// Gold's layer holds what was decided (the target, copied with its
	// mentions), never the suggestions.
	gl, err := db.GoldLayer(ctx, doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(gl.Targets) != 1 || len(gl.Mentions(gl.Targets[0].ID)) == 0 || len(gl.Quotes()) != 0 {
		t.Errorf("gold's layer: %d targets, %d quotes", len(gl.Targets), len(gl.Quotes()))
	}
	// Accept all agreed: the document sentiment (both negative). Ben's own
	// target has one value only: not agreed by two, left alone.
	n, _, err := r.AcceptAgreed(ctx)
	if err != nil || n != 1 {
		t.Fatalf("accepted %d (%v), want 1", n, err)
	}
	gold, err := db.Gold(ctx)
	if err != nil {
		t.Fatal(err)
	}
	labels, _, err := db.DocLabels(ctx, doc, gold.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(labels) != 2 || labels[annotate.LabelKey{Task: "document_sentiment", Unit: annotate.UnitDocument}].Value != "negative" {
		t.Errorf("gold labels %+v", labels)
	}
	// Who decided is in the event log; gold is not an annotator agreement counts.
	rep, err := ops.Agreement(ctx, db, ops.AgreementOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Annotators) != 3 { // ana, ben, rita (no work): gold is not among them
		t.Errorf("annotators %+v", rep.Annotators)
	}
	// Undo takes back the accept-all, then the decision.
	if _, ok, err := r.Undo(ctx); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if _, ok, err := r.Undo(ctx); !ok || err != nil {
		t.Fatal(ok, err)
	}
	labels, _, _ = db.DocLabels(ctx, doc, gold.ID)
	if len(labels) != 0 || r.Disagreements[0].Gold != "" {
		t.Errorf("after undo: gold %+v, disagreement gold %q", labels, r.Disagreements[0].Gold)
	}
	if _, ok, err := r.Redo(ctx); !ok || err != nil || r.Disagreements[0].Gold != "negative" {
		t.Errorf("redo: %v %v, gold %q", ok, err, r.Disagreements[0].Gold)
	}
	if _, err := db.EnsureAnnotator(ctx, "Gold"); err == nil {
		t.Error("a person may call themselves gold")
	}
}

func TestGoldCopiesAUnitOnlyAnAnnotatorHas(t *testing.T) {
	ctx := context.Background()
	db, doc := reviewProject(t)
	// carl labels ben's target too, differently, so that it is a
	// disagreement that gold's layer (seeded from suggestions) lacks.
	carl, _ := db.EnsureAnnotator(ctx, "carl")
	_, sv, _ := db.Schema(ctx)
	if _, err := db.Layer(ctx, doc, carl.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err := db.AddSpan(ctx, carl.ID, doc, annotate.Span{Kind: annotate.KindEntity, Start: 3000, End: 3010, Label: "ORG"}, "Acme Corp")
	if err != nil {
		t.Fatal(err)
	}
	l, _ := db.Layer(ctx, doc, carl.ID)
	for _, tg := range l.LiveTargets() {
		if tg.Name == "Acme Corp" {
			db.SetLabel(ctx, carl.ID, doc, "target_sentiment", annotate.TargetUnit(tg.ID), annotate.LabelValue{Value: "positive"}, sv)
		}
	}
	db.SetStatus(ctx, carl.ID, doc, annotate.StatusDone, 5)
	r, err := ops.OpenReview(ctx, db, "rita", ops.AgreementOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var acme = -1
	for i, d := range r.Disagreements {
		if r.Unit(i).Start == 3000 && d.Task == "target_sentiment" {
			acme = i
		}
	}
	if acme < 0 {
		t.Fatalf("ben's and carl's added target not matched into one disagreement: %+v", r.Disagreements)
	}
	if _, err := r.Decide(ctx, acme, "neutral"); err != nil {
		t.Fatal(err)
	}
	gl, err := db.GoldLayer(ctx, doc)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, tg := range gl.LiveTargets() {
		ms := gl.Mentions(tg.ID)
		if len(ms) == 1 && ms[0].Start == 3000 && ms[0].End == 3010 {
			found = gl.Labels[annotate.LabelKey{Task: "target_sentiment", Unit: annotate.TargetUnit(tg.ID)}].Value == "neutral"
		}
	}
	if !found {
		t.Errorf("gold's layer lacks the copied target with its value: %+v", gl.Targets)
	}
	// Deciding again reuses the copy.
	if _, err := r.Decide(ctx, acme, "positive"); err != nil {
		t.Fatal(err)
	}
	gl2, _ := db.GoldLayer(ctx, doc)
	if len(gl2.Targets) != len(gl.Targets) {
		t.Errorf("a second decision copied the target again: %d → %d targets", len(gl.Targets), len(gl2.Targets))
	}
}

// A review opened from the documents' stats (everyone's finished work)
// lists what one opened from every layer lists, and decides the same way.
func TestReviewFromStatsMatchesLayers(t *testing.T) {
	ctx := context.Background()
	db, _ := reviewProject(t)
	carl, _ := db.EnsureAnnotator(ctx, "carl")
	docs, _ := db.ListDocuments(ctx, "", 0, 1)
	l, _ := db.Layer(ctx, docs[0].ID, carl.ID)
	_, sv, _ := db.Schema(ctx)
	db.SetLabel(ctx, carl.ID, docs[0].ID, "target_sentiment", annotate.TargetUnit(l.LiveTargets()[0].ID), annotate.LabelValue{Value: "neutral"}, sv)
	db.SetStatus(ctx, carl.ID, docs[0].ID, annotate.StatusDone, 3)
	fast, err := ops.OpenReview(ctx, db, "rita", ops.AgreementOptions{})
	if err != nil {
		t.Fatal(err)
	}
	full, err := ops.OpenReview(ctx, db, "rita", ops.AgreementOptions{Annotators: []string{"ana", "ben", "carl", "rita"}})
	if err != nil {
		t.Fatal(err)
	}
	describe := func(r *ops.Review) []string {
		var out []string
		for i, d := range r.Disagreements {
			u := r.Unit(i)
			out = append(out, fmt.Sprintf("%d %s %v %v %q [%d,%d) gold %q", d.DocID, d.Task, d.Values, u.Refs, u.Name, u.Start, u.End, d.Gold))
		}
		return out
	}
	if f, w := describe(fast), describe(full); !reflect.DeepEqual(f, w) || len(f) == 0 {
		t.Fatalf("from stats:\n%s\nfrom layers:\n%s", strings.Join(f, "\n"), strings.Join(w, "\n"))
	}
	if len(fast.Set.Docs) != len(full.Set.Docs) || fast.Title(0) != full.Set.Docs[0].Title || fast.Title(0) == "" {
		t.Errorf("documents %d vs %d", len(fast.Set.Docs), len(full.Set.Docs))
	}
	// Opening a disagreement reads its document; deciding writes gold.
	doc, m := fast.Doc(0)
	if doc.Text == "" || len(m.Targets) == 0 {
		t.Fatalf("opened document: %d chars, %d targets", len(doc.Text), len(m.Targets))
	}
	if _, err := fast.Decide(ctx, 0, "positive"); err != nil {
		t.Fatal(err)
	}
	again, err := ops.OpenReview(ctx, db, "rita", ops.AgreementOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if again.Disagreements[0].Gold != "positive" {
		t.Errorf("reopened: gold %q", again.Disagreements[0].Gold)
	}
	if _, ok, err := again.Undo(ctx); !ok || err != nil || again.Disagreements[0].Gold != "" {
		t.Errorf("undo in a new review: %v %v, gold %q", ok, err, again.Disagreements[0].Gold)
	}
}

func TestReviewDecidesSpans(t *testing.T) {
	ctx := context.Background()
	db, doc := reviewProject(t)
	r, err := ops.OpenReview(ctx, db, "rita", ops.AgreementOptions{})
	if err != nil {
		t.Fatal(err)
	}
	i := -1
	for j, d := range r.Disagreements {
		if d.Task == review.EntitySpans {
			i = j
		}
	}
	if i < 0 {
		t.Fatalf("the entity ben added is not a disagreement: %+v", r.Disagreements)
	}
	d, unit := r.Disagreements[i], r.Unit(i)
	bens := d.Values[1]
	if d.Values[0] != review.NoSpan || !strings.HasPrefix(bens, "ORG «") || unit.Start != 3000 || unit.End != 3010 {
		t.Fatalf("values %q at [%d, %d)", d.Values, unit.Start, unit.End)
	}
	goldSpans := func() []annotate.Span {
		gl, err := db.GoldLayer(ctx, doc)
		if err != nil {
			t.Fatal(err)
		}
		var out []annotate.Span
		for _, s := range gl.Spans {
			if s.Kind == annotate.KindEntity && s.Start == 3000 {
				out = append(out, s)
			}
		}
		return out
	}
	// A digit takes ben's span: gold's layer gets a copy of it.
	if _, err := r.Decide(ctx, i, bens); err != nil {
		t.Fatal(err)
	}
	if g := r.Disagreements[i].Gold; g != bens {
		t.Errorf("gold %q, want ben's %q", g, bens)
	}
	if s := goldSpans(); len(s) != 1 || s[0].End != 3010 || s[0].Label != "ORG" || !s[0].Live() {
		t.Errorf("gold's spans at 3000: %+v", s)
	}
	// "none" rejects it in gold's layer, which reads as decided.
	if _, err := r.Decide(ctx, i, review.NoSpan); err != nil {
		t.Fatal(err)
	}
	if g := r.Disagreements[i].Gold; g != review.NoSpan {
		t.Errorf("gold %q, want none", g)
	}
	if s := goldSpans(); len(s) != 1 || s[0].Live() {
		t.Errorf("gold's spans at 3000 after none: %+v", s)
	}
	if decided, total := r.Progress(); decided != 1 || total != 2 {
		t.Errorf("progress %d of %d", decided, total)
	}
	// Undo goes back to ben's span; a new review sees gold's decision.
	if _, ok, err := r.Undo(ctx); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if g := r.Disagreements[i].Gold; g != bens {
		t.Errorf("after undo gold %q, want ben's", g)
	}
	again, err := ops.OpenReview(ctx, db, "rita", ops.AgreementOptions{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range again.Disagreements {
		if d.Task == review.EntitySpans && d.Gold == bens {
			found = true
		}
	}
	if !found {
		t.Errorf("reopened: gold's span decision lost: %+v", again.Disagreements)
	}
	// Span tasks are not label tasks: agreement reports only the schema's.
	rep, err := ops.Agreement(ctx, db, ops.AgreementOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range rep.Tasks {
		if review.IsSpanTask(task.Task) {
			t.Errorf("a span layer reported as a task: %+v", task)
		}
	}
}
