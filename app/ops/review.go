package ops

import (
	"context"
	"errors"
	"fmt"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/review"
	"github.com/slant-annotate/slant/store"
)

// Review is a reviewer's session over the project's disagreements: the
// agreement report, every disagreement (furthest apart first), and gold's
// decisions, which it writes as the reserved annotator gold.
type Review struct {
	db       *store.DB
	Reviewer store.Annotator
	Set      *review.Set
	Matches  []*review.Matched
	Report   *review.Report
	// Items are every labelled unit; Disagreements those the annotators
	// disagree on, sorted (see review.Set.Disagreements).
	Items         []review.Item
	Disagreements []review.Disagreement
	// itemsOf and disagreementsOf index Items and Disagreements by
	// document, so that a decision touches only its document's.
	itemsOf, disagreementsOf map[int][]int
	anns                     []store.Annotator // Set.Annotators'
	loaded                   []bool            // whose layers are read
	titled                   []bool            // whose title is read (nil: all are)
	// For a review opened from the documents' stats, whose units are read
	// as documents are shown: each document's stat's annotators and number
	// of items, and whether its units are read (nil: all are).
	statIDs   [][]int64
	statItems []int
	unitsRead []bool
}

// ErrNoMajority is returned when no value has more votes than the others.
var ErrNoMajority = errors.New("no majority: annotators are split evenly")

// OpenReview records that reviewer has now seen others' labels (they are
// no longer blind) and loads the review.
func OpenReview(ctx context.Context, db *store.DB, reviewer string, o AgreementOptions) (*Review, error) {
	rev, err := db.EnsureAnnotator(ctx, reviewer)
	if err != nil {
		return nil, err
	}
	if err := db.Unblind(ctx, rev.ID); err != nil {
		return nil, err
	}
	if _, err := db.RefreshDigests(ctx); err != nil {
		return nil, err
	}
	r := &Review{db: db, Reviewer: rev}
	if o.Annotators == nil && !o.IncludeInProgress {
		err = r.openFromStats(ctx, o)
	} else {
		err = r.openFromLayers(ctx, o)
	}
	if err != nil {
		return nil, fmt.Errorf("review: %w", err)
	}
	markBlind(r.Report, r.anns)
	if len(o.Tasks) > 0 {
		want := map[string]bool{}
		for _, t := range o.Tasks {
			want[t] = true
		}
		items := r.Items[:0]
		for _, it := range r.Items {
			if want[it.Task] {
				items = append(items, it)
			}
		}
		r.Items = items
		kept := r.Disagreements[:0]
		for _, d := range r.Disagreements {
			if want[d.Task] {
				kept = append(kept, d)
			}
		}
		r.Disagreements = kept
	}
	r.itemsOf, r.disagreementsOf = map[int][]int{}, map[int][]int{}
	for i, it := range r.Items {
		r.itemsOf[it.Doc] = append(r.itemsOf[it.Doc], i)
	}
	for i, d := range r.Disagreements {
		r.disagreementsOf[d.Doc] = append(r.disagreementsOf[d.Doc], i)
	}
	return r, nil
}

// openFromLayers loads every document's layers and matches them.
func (r *Review) openFromLayers(ctx context.Context, o AgreementOptions) error {
	set, anns, err := r.db.ReviewSet(ctx, store.ReviewOptions{Annotators: o.Annotators,
		IncludeInProgress: o.IncludeInProgress, Text: true})
	if err != nil {
		return err
	}
	r.Set, r.anns = set, anns
	r.Matches = set.Matches()
	r.loaded = make([]bool, len(set.Docs))
	for d := range r.loaded {
		r.loaded[d] = true
	}
	r.Items = set.Items(r.Matches)
	r.Disagreements = set.Disagreements(r.Items)
	r.Report, err = set.Report(r.Matches, r.Items, r.Disagreements, review.Options{Tasks: o.Tasks, Bootstrap: o.Bootstrap, Seed: o.Seed})
	return err
}

// openFromStats lists the units from the documents' stats (everyone's
// finished work) and reads a document's layers only when it is opened or
// decided (see load).
func (r *Review) openFromStats(ctx context.Context, o AgreementOptions) error {
	stats, anns, sch, err := r.db.AgreementStats(ctx, false, false)
	if err != nil {
		return err
	}
	r.statIDs, r.statItems, r.unitsRead = make([][]int64, len(stats)), make([]int, len(stats)), make([]bool, len(stats))
	for d, st := range stats {
		r.statIDs[d], r.statItems[d] = st.IDs, len(st.Items)
	}
	names := make([]string, len(anns))
	ids := make([]int64, len(anns))
	for i, a := range anns {
		names[i], ids[i] = a.Name, a.ID
	}
	// Titles are read as rows of the list show them (see Title): reading
	// 10,000 of them costs a page of each document.
	set := &review.Set{Schema: sch, Annotators: names, Gold: true, Docs: make([]review.Doc, len(stats))}
	for d, st := range stats {
		set.Docs[d] = review.Doc{ID: st.DocID, Layers: make([]*annotate.Layer, len(anns)+1)}
	}
	r.titled = make([]bool, len(stats))
	r.Set, r.anns = set, anns
	r.Matches = make([]*review.Matched, len(stats))
	r.loaded = make([]bool, len(stats))
	if r.Items, err = review.ItemsFromStats(stats, ids); err != nil {
		return err
	}
	// The list and the report read the items only: one each per core.
	listed := make(chan []review.Disagreement)
	go func() { listed <- set.Disagreements(r.Items) }()
	r.Report, err = review.ReportFromItems(sch, names, ids, stats, r.Items, review.Options{Tasks: o.Tasks, Bootstrap: o.Bootstrap, Seed: o.Seed})
	r.Disagreements = <-listed
	return err
}

// load reads document d's layers and matches them, the first time it is
// needed; the units of its items and disagreements then come from that
// match (the annotators' unit keys are the same).
func (r *Review) load(ctx context.Context, d int) error {
	if r.loaded[d] {
		return nil
	}
	if err := r.readUnits(ctx, d); err != nil {
		return err
	}
	doc, err := r.db.ReviewDoc(ctx, r.Set.Docs[d].ID, r.anns)
	if err != nil {
		return err
	}
	r.Set.Docs[d] = doc
	r.loaded[d] = true
	return r.refreshGold(ctx, d)
}

// readUnits fills in the units of document d's items and disagreements
// from its stat, the first time they are needed.
func (r *Review) readUnits(ctx context.Context, d int) error {
	if r.unitsRead == nil || r.unitsRead[d] {
		return nil
	}
	units, err := r.db.DocUnits(ctx, r.Set.Docs[d].ID, r.statIDs[d], r.statItems[d])
	if err != nil {
		return err
	}
	k := len(r.anns)
	cols := make([]int, len(r.statIDs[d]))
	for j, id := range r.statIDs[d] {
		cols[j] = -1
		for c, a := range r.anns {
			if a.ID == id {
				cols[j] = c
			}
		}
		if cols[j] < 0 {
			return fmt.Errorf("document %d: annotator %d is not among the annotators", r.Set.Docs[d].ID, id)
		}
	}
	fill := func(it *review.Item) {
		if it.Pos < len(units) {
			it.Unit = units[it.Pos].Unit(cols, k)
		}
	}
	for _, i := range r.itemsOf[d] {
		fill(&r.Items[i])
	}
	for _, i := range r.disagreementsOf[d] {
		fill(&r.Disagreements[i].Item)
	}
	r.unitsRead[d] = true
	return nil
}

// Unit is the unit of disagreement i, read the first time it is asked for
// (empty when its document cannot be read).
func (r *Review) Unit(i int) review.Unit {
	d := &r.Disagreements[i]
	r.readUnits(context.Background(), d.Doc)
	return d.Unit
}

// Title is the title of document d (an index in Set.Docs), read the first
// time it is asked for.
func (r *Review) Title(d int) string {
	doc := &r.Set.Docs[d]
	if r.titled != nil && !r.titled[d] && !r.loaded[d] {
		if t, err := r.db.Title(context.Background(), doc.ID); err == nil {
			doc.Title = t
		}
		r.titled[d] = true
	}
	return doc.Title
}

// Progress is how many disagreements gold has decided, of all.
func (r *Review) Progress() (decided, total int) {
	for _, d := range r.Disagreements {
		if d.Gold != "" {
			decided++
		}
	}
	return decided, len(r.Disagreements)
}

// Filter returns the indices of the disagreements of task (all when "")
// that annotator (any when "") gave a value in.
func (r *Review) Filter(task, annotator string) []int {
	col := -1
	for i, a := range r.Set.Annotators {
		if a == annotator {
			col = i
		}
	}
	var out []int
	for i, d := range r.Disagreements {
		if task != "" && d.Task != task {
			continue
		}
		if annotator != "" && (col < 0 || d.Values[col] == "") {
			continue
		}
		out = append(out, i)
	}
	return out
}

// Doc returns the document of disagreement i, with its matched units,
// reading it the first time. A document that cannot be read comes back
// with its title only and an empty match.
func (r *Review) Doc(i int) (*review.Doc, *review.Matched) {
	d := r.Disagreements[i].Doc
	if err := r.load(context.Background(), d); err != nil || r.Matches[d] == nil {
		return &r.Set.Docs[d], &review.Matched{}
	}
	return &r.Set.Docs[d], r.Matches[d]
}

// Decide makes value gold's answer for disagreement i (a stance towards the
// target most annotators chose); "" clears it.
func (r *Review) Decide(ctx context.Context, i int, value string) (store.Event, error) {
	if i < 0 || i >= len(r.Disagreements) {
		return store.Event{}, fmt.Errorf("no disagreement %d", i)
	}
	d := &r.Disagreements[i]
	if err := r.loadGold(ctx, d.Doc); err != nil {
		return store.Event{}, err
	}
	towards := d.ModalTowards()
	ev, err := r.db.DecideGold(ctx, r.Reviewer.ID, []store.GoldDecision{{Doc: &r.Set.Docs[d.Doc], Matched: r.Matches[d.Doc],
		Item: d.Item, Value: value, Towards: towards}}, false)
	if err != nil {
		return ev, err
	}
	return ev, r.refreshGold(ctx, d.Doc)
}

// TakeMajority decides disagreement i by the majority's value (G).
func (r *Review) TakeMajority(ctx context.Context, i int) (string, store.Event, error) {
	if i < 0 || i >= len(r.Disagreements) {
		return "", store.Event{}, fmt.Errorf("no disagreement %d", i)
	}
	v, _ := r.Disagreements[i].Majority()
	if v == "" {
		return "", store.Event{}, ErrNoMajority
	}
	ev, err := r.Decide(ctx, i, v)
	return v, ev, err
}

// AcceptAgreed makes gold take the value of every unit where two or more
// annotators gave a value and all agree (stances towards the same target),
// and gold has no value yet: one action, logged as agreed rather than
// decided. It returns how many units it decided.
func (r *Review) AcceptAgreed(ctx context.Context) (int, store.Event, error) {
	var ds []store.GoldDecision
	docs := map[int]bool{}
	for i := range r.Items {
		it := &r.Items[i]
		if it.Gold != "" || it.Valued() < 2 || it.TowardsDiffer {
			continue
		}
		v, towards := it.Majority()
		same := true
		for _, x := range it.Values {
			if x != "" && x != v {
				same = false
			}
		}
		if !same || v == "" {
			continue
		}
		if !docs[it.Doc] {
			if err := r.loadGold(ctx, it.Doc); err != nil {
				return 0, store.Event{}, err
			}
			docs[it.Doc] = true
		}
		ds = append(ds, store.GoldDecision{Doc: &r.Set.Docs[it.Doc], Matched: r.Matches[it.Doc], Item: *it, Value: v, Towards: towards})
	}
	if len(ds) == 0 {
		return 0, store.Event{}, nil
	}
	ev, err := r.db.DecideGold(ctx, r.Reviewer.ID, ds, true)
	if err != nil {
		return 0, ev, err
	}
	for d := range docs {
		if err := r.refreshGold(ctx, d); err != nil {
			return len(ds), ev, err
		}
	}
	return len(ds), ev, nil
}

// Undo takes back gold's latest decision (of any reviewer) and returns
// its event (DocID 0 for an action over many documents); ok is false when
// there is nothing to undo.
func (r *Review) Undo(ctx context.Context) (store.Event, bool, error) {
	gold, err := r.db.Gold(ctx)
	if err != nil {
		return store.Event{}, false, err
	}
	ev, ok, err := r.db.Undo(ctx, gold.ID)
	if err != nil || !ok {
		return ev, ok, err
	}
	return ev, true, r.refreshAll(ctx, ev.DocID)
}

// Redo re-applies the decision undone last.
func (r *Review) Redo(ctx context.Context) (store.Event, bool, error) {
	gold, err := r.db.Gold(ctx)
	if err != nil {
		return store.Event{}, false, err
	}
	ev, ok, err := r.db.Redo(ctx, gold.ID)
	if err != nil || !ok {
		return ev, ok, err
	}
	return ev, true, r.refreshAll(ctx, ev.DocID)
}

// refreshAll re-reads gold's values of one document, or of every document
// gold has a layer on when docID is 0 (an action over many).
func (r *Review) refreshAll(ctx context.Context, docID int64) error {
	for d, doc := range r.Set.Docs {
		if !r.loaded[d] {
			if doc.ID == docID {
				return r.load(ctx, d)
			}
			continue // never decided in this review: its stats still hold
		}
		if (docID == 0 && doc.Layers[len(doc.Layers)-1] != nil) || doc.ID == docID {
			if err := r.refreshGold(ctx, d); err != nil {
				return err
			}
		}
	}
	return nil
}

// loadGold makes sure gold's layer of document d is seeded and loaded, and
// matched with the others'.
func (r *Review) loadGold(ctx context.Context, d int) error {
	if !r.loaded[d] {
		return r.load(ctx, d) // reads gold's layer too
	}
	doc := &r.Set.Docs[d]
	g := len(doc.Layers) - 1
	if doc.Layers[g] != nil {
		return nil
	}
	return r.refreshGold(ctx, d)
}

// refreshGold re-reads gold's layer of document d, matches it again and
// updates gold's values in the items and disagreements of that document.
func (r *Review) refreshGold(ctx context.Context, d int) error {
	doc := &r.Set.Docs[d]
	l, err := r.db.GoldLayer(ctx, doc.ID)
	if err != nil {
		return err
	}
	doc.Layers[len(doc.Layers)-1] = l
	r.Matches[d] = rematch(r.Set, d)
	// Units keep their identity by the annotators' refs; gold's ref and
	// value come from the new match.
	g := len(doc.Layers) - 1
	update := func(it *review.Item) {
		it.Gold, it.GoldTowards = "", -1
		for _, nu := range r.Matches[d].Units(it.Unit.Scope) {
			if !sameUnit(nu, it.Unit, g) {
				continue
			}
			it.Unit = nu
			if review.IsSpanTask(it.Task) {
				it.Gold = doc.GoldSpanValue(nu)
				return
			}
			if nu.Refs[g] == "" {
				return
			}
			if v, ok := l.Labels[annotate.LabelKey{Task: it.Task, Unit: nu.Refs[g]}]; ok {
				it.Gold = v.Value
				if v.Towards != 0 {
					it.GoldTowards = r.Matches[d].TargetIndex(g, v.Towards)
				}
			}
			return
		}
	}
	for _, i := range r.itemsOf[d] {
		update(&r.Items[i])
	}
	for _, i := range r.disagreementsOf[d] {
		update(&r.Disagreements[i].Item)
	}
	return nil
}

func rematch(s *review.Set, d int) *review.Matched {
	one := &review.Set{Schema: s.Schema, Annotators: s.Annotators, Gold: s.Gold, Docs: s.Docs[d : d+1]}
	return one.Matches()[0]
}

// sameUnit reports whether two matches of a unit are the same unit: they
// share an annotator's ref (the annotators' layers did not change).
func sameUnit(a, b review.Unit, gold int) bool {
	if a.Scope != b.Scope {
		return false
	}
	if a.Scope == "document" {
		return true
	}
	for i := 0; i < gold && i < len(a.Refs) && i < len(b.Refs); i++ {
		if a.Refs[i] != "" && a.Refs[i] == b.Refs[i] {
			return true
		}
	}
	return false
}
