package gui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/review"
	"github.com/slant-annotate/slant/store"
)

// The review tests label the fixture project as three annotators through
// the store, then review it in the window as ana: keys go to whatever the
// window has focused, as the driver sends them.

// rvTeam labels the fixture as ana, ben and cai, everyone finishing the
// sample and the Walmart article:
//
//	sample, document_sentiment: positive, negative, positive (majority positive)
//	sample, first target:       negative, neutral, positive  (a tie)
//	sample, second target:      neutral, neutral, positive   (majority neutral)
//	sample, third target:       positive ×3                  (agreed)
//	Walmart, document_sentiment: neutral ×3                  (agreed)
//
// It returns the sample's first three target names.
func rvTeam(t *testing.T, db *store.DB) []string {
	t.Helper()
	ctx := context.Background()
	_, version, err := db.Schema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	values := map[string][]string{
		"doc": {"positive", "negative", "positive"},
		"t0":  {"negative", "neutral", "positive"},
		"t1":  {"neutral", "neutral", "positive"},
		"t2":  {"positive", "positive", "positive"},
	}
	var names []string
	for a, name := range []string{"ana", "ben", "cai"} {
		ann, err := db.EnsureAnnotator(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		l, err := db.Layer(ctx, wsSample, ann.ID)
		if err != nil {
			t.Fatal(err)
		}
		set := func(doc int64, task, unit, value string) {
			if _, err := db.SetLabel(ctx, ann.ID, doc, task, unit, annotate.LabelValue{Value: value}, version); err != nil {
				t.Fatal(err)
			}
		}
		set(wsSample, "document_sentiment", annotate.UnitDocument, values["doc"][a])
		live := l.LiveTargets()
		for i := range 3 {
			set(wsSample, "target_sentiment", annotate.TargetUnit(live[i].ID), values[fmt.Sprintf("t%d", i)][a])
			if a == 0 {
				names = append(names, live[i].Name)
			}
		}
		if _, err := db.Layer(ctx, wsDocWalmart, ann.ID); err != nil {
			t.Fatal(err)
		}
		set(wsDocWalmart, "document_sentiment", annotate.UnitDocument, "neutral")
		for _, doc := range []int64{wsSample, wsDocWalmart} {
			if _, err := db.SetStatus(ctx, ann.ID, doc, annotate.StatusDone, 10); err != nil {
				t.Fatal(err)
			}
		}
	}
	return names
}

// rvGold returns gold's labels: "doc task target" → value.
func rvGold(t *testing.T, db *store.DB) map[string]string {
	t.Helper()
	ctx := context.Background()
	gold, err := db.Gold(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	err = db.EachLabel(ctx, store.LabelFilter{AnnotatorID: gold.ID}, func(r store.LabelRecord) error {
		out[fmt.Sprintf("%d %s %s", r.DocID, r.Task, r.Target)] = r.Value
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rvType sends a key to what has the keyboard, as the driver does.
func rvType(t *testing.T, u *UI, k string) {
	t.Helper()
	c := u.win.Canvas()
	f := c.Focused()
	if f == nil {
		t.Fatalf("nothing has the keyboard for %q", k)
	}
	if len([]rune(k)) == 1 {
		f.TypedRune([]rune(k)[0])
		return
	}
	f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyName(k)})
}

// rvOpen presses Ctrl+R and, when asked, confirms; it waits for the review
// to load.
func rvOpen(t *testing.T, u *UI, confirm bool) *reviewMode {
	t.Helper()
	if u.review == nil {
		u.review = newReviewMode(u)
	}
	loaded := make(chan error, 1)
	u.review.onLoaded = func(err error) { loaded <- err }
	wsShortcut(u, fyne.KeyR, fyne.KeyModifierShortcutDefault)
	top := u.win.Canvas().Overlays().Top()
	if confirm != (top != nil) {
		t.Fatalf("confirmation shown: %v, want %v", top != nil, confirm)
	}
	if confirm {
		text := ""
		wsWalk(top, func(o fyne.CanvasObject) {
			if l, ok := o.(*widget.Label); ok {
				text += l.Text
			}
		})
		if !strings.Contains(text, "You will see other annotators' labels") || !strings.Contains(text, "not blind") {
			t.Errorf("confirmation says %q", text)
		}
		rvType(t, u, string(fyne.KeyReturn))
		if u.win.Canvas().Overlays().Top() != nil {
			t.Fatal("Enter did not confirm")
		}
	}
	select {
	case err := <-loaded:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the review did not load")
	}
	return u.review
}

func TestReviewAdjudicate(t *testing.T) {
	path := wsProject(t)
	db := wsOpenDB(t, path)
	targets := rvTeam(t, db)
	ctx := context.Background()
	u := wsNew(t, test.NewTempApp(t), db, "ana")
	labelling := u.win.Content()

	// Escape cancels the confirmation: nothing recorded, still labelling.
	wsShortcut(u, fyne.KeyR, fyne.KeyModifierShortcutDefault)
	if u.win.Canvas().Overlays().Top() == nil {
		t.Fatal("no confirmation")
	}
	rvType(t, u, "Escape")
	if a, _ := db.FindAnnotator(ctx, "ana"); a.Unblinded != "" || u.reviewing() || u.win.Content() != labelling {
		t.Fatalf("cancelled, yet unblinded %q, reviewing %v", a.Unblinded, u.reviewing())
	}

	m := rvOpen(t, u, true)
	if a, _ := db.FindAnnotator(ctx, "ana"); a.Unblinded == "" {
		t.Error("ana is not recorded as unblinded")
	}
	if b, _ := db.FindAnnotator(ctx, "ben"); b.Unblinded != "" {
		t.Error("ben is recorded as unblinded")
	}
	if u.win.Content() != m.root || u.win.Canvas().Focused() != m.list {
		t.Fatal("the review is not on screen with the keyboard on its list")
	}
	// Furthest apart first: the three-way split, then the document (two
	// values a whole scale apart), then the second target (half the scale).
	want := []string{"target_sentiment " + targets[0], "document_sentiment the article", "target_sentiment " + targets[1]}
	if len(m.shown) != 3 || m.list.list.Length() != 3 {
		t.Fatalf("%d disagreements listed (%d rows), want 3", len(m.shown), m.list.list.Length())
	}
	for p, i := range m.shown {
		d := m.rev.Disagreements[i]
		if got := d.Task + " " + unitName(m.rev.Unit(i)); got != want[p] {
			t.Errorf("row %d is %q, want %q", p, got, want[p])
		}
	}
	if got := valueLine(m.rev, &m.rev.Disagreements[m.shown[1]]); got != "ana positive · ben negative · cai positive" {
		t.Errorf("values %q", got)
	}
	if m.progress.Text != "decided 0 of 3" {
		t.Errorf("progress %q", m.progress.Text)
	}
	if len(m.rev.Report.Tasks) != 3 || !strings.Contains(m.rev.Report.Tasks[0].Methods, "Krippendorff's α (ordinal)") {
		t.Errorf("report %+v", m.rev.Report.Tasks)
	}

	// Enter opens the first; G on a tie says so and decides nothing.
	rvType(t, u, string(fyne.KeyReturn))
	if m.open != m.shown[0] || m.right.Objects[0] != m.detail.root {
		t.Fatalf("open %d", m.open)
	}
	if !strings.Contains(m.detail.title.Text, "target_sentiment") || m.detail.text.Text() == "" || len(m.detail.text.highlights) == 0 {
		t.Errorf("detail %q, %d highlights", m.detail.title.Text, len(m.detail.text.highlights))
	}
	if m.detail.card[0].value.Text != "negative" || m.detail.card[1].value.Text != "neutral" || m.detail.card[3].value.Text != "undecided" {
		t.Errorf("cards %q %q %q", m.detail.card[0].value.Text, m.detail.card[1].value.Text, m.detail.card[3].value.Text)
	}
	rvType(t, u, "g")
	if !strings.Contains(m.status.Text, "no majority") || len(rvGold(t, db)) != 0 || m.open != m.shown[0] {
		t.Errorf("G on a tie: %q, gold %v", m.status.Text, rvGold(t, db))
	}
	// A digit writes gold and opens the next.
	rvType(t, u, "2")
	key0 := fmt.Sprintf("%d target_sentiment %s", wsSample, targets[0])
	if g := rvGold(t, db); g[key0] != "neutral" || len(g) != 1 {
		t.Errorf("gold %v", g)
	}
	if m.open != m.shown[1] || m.cursor != 1 || m.progress.Text != "decided 1 of 3" {
		t.Errorf("after a digit: open %d, cursor %d, %q", m.open, m.cursor, m.progress.Text)
	}
	// G takes the majority, and the next opens.
	rvType(t, u, "G")
	keyDoc := fmt.Sprintf("%d document_sentiment ", wsSample)
	if g := rvGold(t, db); g[keyDoc] != "positive" {
		t.Errorf("gold after G %v", g)
	}
	if m.open != m.shown[2] || m.progress.Text != "decided 2 of 3" {
		t.Errorf("after G: open %d, %q", m.open, m.progress.Text)
	}
	rvType(t, u, "g")
	key1 := fmt.Sprintf("%d target_sentiment %s", wsSample, targets[1])
	if g := rvGold(t, db); g[key1] != "neutral" || m.progress.Text != "decided 3 of 3" {
		t.Errorf("gold %v, %q", g, m.progress.Text)
	}
	if row := m.rev.Disagreements[m.shown[2]]; !strings.HasSuffix(valueLine(m.rev, &row), "→  gold neutral") {
		t.Errorf("the row shows %q", valueLine(m.rev, &row))
	}
	// Ctrl+Z takes the last decision back and returns to it; redo and
	// undo again.
	wsUndo(u)
	if g := rvGold(t, db); g[key1] != "" || g[keyDoc] != "positive" || m.progress.Text != "decided 2 of 3" || m.open != m.shown[2] {
		t.Errorf("after undo: gold %v, %q, open %d", g, m.progress.Text, m.open)
	}
	wsShortcut(u, fyne.KeyZ, fyne.KeyModifierShortcutDefault|fyne.KeyModifierShift)
	if g := rvGold(t, db); g[key1] != "neutral" || m.progress.Text != "decided 3 of 3" {
		t.Errorf("after redo: gold %v, %q", g, m.progress.Text)
	}
	wsUndo(u)
	// ana's own labels are untouched by gold's undo.
	ana, _ := db.FindAnnotator(ctx, "ana")
	if v := wsLabel(t, db, wsSample, ana.ID, "document_sentiment", "doc"); v.Value != "positive" {
		t.Errorf("ana's label %+v", v)
	}

	// Accept all where everyone agrees: the third target and the Walmart
	// article, in one action.
	test.Tap(m.accept)
	keyWalmart := fmt.Sprintf("%d document_sentiment ", wsDocWalmart)
	key2 := fmt.Sprintf("%d target_sentiment %s", wsSample, targets[2])
	g := rvGold(t, db)
	if g[key2] != "positive" || g[keyWalmart] != "neutral" || len(g) != 4 {
		t.Errorf("after accept all: %v", g)
	}
	if !strings.Contains(m.status.Text, "accepted 2 units") || m.progress.Text != "decided 2 of 3" {
		t.Errorf("status %q, progress %q", m.status.Text, m.progress.Text)
	}
	if u.win.Canvas().Focused() != m.list {
		t.Error("the keyboard left the list after the button")
	}
	wsUndo(u)
	if g := rvGold(t, db); g[key2] != "" || g[keyWalmart] != "" || len(g) != 2 {
		t.Errorf("accept all undone: %v", g)
	}

	// Filters: by task, by annotator.
	m.taskSel.SetSelected("document_sentiment")
	if len(m.shown) != 1 || m.progress.Text != "decided 2 of 3 (this list: 1 of 1)" {
		t.Errorf("task filter: %d shown, %q", len(m.shown), m.progress.Text)
	}
	m.taskSel.SetSelected("every task")
	m.annSel.SetSelected("ben")
	if len(m.shown) != 3 || u.win.Canvas().Focused() != m.list {
		t.Errorf("annotator filter: %d shown", len(m.shown))
	}

	// The summary's pictures: a heatmap cell per pair, a confusion matrix.
	m.summary.taskSel.SetSelected("target_sentiment")
	if len(m.summary.pairSel.Options) != 3 || m.summary.pairSel.Selected != "ana × ben" || len(m.summary.charts.Objects) != 7 {
		t.Errorf("pairs %v (%q), %d chart objects", m.summary.pairSel.Options, m.summary.pairSel.Selected, len(m.summary.charts.Objects))
	}

	// Escape closes the disagreement, then the review; labelling keys work
	// again.
	rvType(t, u, string(fyne.KeyReturn))
	if m.open < 0 {
		t.Fatal("Enter opened nothing")
	}
	rvType(t, u, "Escape")
	if m.open != -1 || !u.reviewing() {
		t.Fatalf("first Escape: open %d, reviewing %v", m.open, u.reviewing())
	}
	rvType(t, u, "Escape")
	if u.reviewing() || u.win.Content() != labelling || u.win.Canvas().Focused() != u.ws.panel {
		t.Fatal("second Escape did not go back to labelling")
	}
	// Reopening asks nothing: ana is already not blind.
	m = rvOpen(t, u, false)
	if d, n := m.rev.Progress(); d != 2 || n != 3 {
		t.Errorf("reopened progress %d of %d", d, n)
	}
	wsShortcut(u, fyne.KeyR, fyne.KeyModifierShortcutDefault)
	if u.reviewing() {
		t.Error("Ctrl+R did not go back to labelling")
	}
}

// A reviewer who never labelled is asked too, and the project's only
// labeller has no disagreements to show.
func TestReviewNoDisagreements(t *testing.T) {
	path := wsProject(t)
	db := wsOpenDB(t, path)
	u := wsNew(t, test.NewTempApp(t), db, "ana")
	m := rvOpen(t, u, true)
	if len(m.shown) != 0 || m.progress.Text != "decided 0 of 0" {
		t.Errorf("%d shown, %q", len(m.shown), m.progress.Text)
	}
	for _, k := range []string{"1", "g", string(fyne.KeyReturn), "Down"} {
		rvType(t, u, k)
	}
	if m.open != -1 || len(rvGold(t, db)) != 0 {
		t.Error("keys did something with nothing to review")
	}
}

// Span layers are adjudicated like labels: cai rejects an entity the
// others kept, and a digit takes the first annotator's span for gold.
func TestReviewAdjudicatesSpans(t *testing.T) {
	path := wsProject(t)
	db := wsOpenDB(t, path)
	rvTeam(t, db)
	ctx := context.Background()
	cai, _ := db.FindAnnotator(ctx, "cai")
	l, err := db.Layer(ctx, wsSample, cai.ID)
	if err != nil {
		t.Fatal(err)
	}
	var dropped annotate.Span
	for _, s := range l.Spans {
		if s.Kind == annotate.KindEntity && s.Live() {
			dropped = s
			break
		}
	}
	rejected := annotate.Rejected
	if _, err := db.EditSpan(ctx, cai.ID, wsSample, dropped.ID, store.SpanEdit{Decision: &rejected}); err != nil {
		t.Fatal(err)
	}
	u := wsNew(t, test.NewTempApp(t), db, "ana")
	m := rvOpen(t, u, true)
	m.taskSel.SetSelected(review.EntitySpans)
	if len(m.shown) != 1 {
		t.Fatalf("%d entity span disagreements listed, want 1", len(m.shown))
	}
	d := &m.rev.Disagreements[m.shown[0]]
	if m.rev.Unit(m.shown[0]).Start != dropped.Start || d.Values[2] != review.NoSpan || d.Values[0] != d.Values[1] {
		t.Fatalf("disagreement at %d: %q", m.rev.Unit(m.shown[0]).Start, d.Values)
	}
	u.win.Canvas().Focus(m.list)
	rvType(t, u, string(fyne.KeyReturn))
	if m.detail.card[2].value.Text != review.NoSpan || m.detail.card[0].value.Text != d.Values[0] ||
		!strings.Contains(m.detail.keys.text.Text, "1 ana's") || !strings.Contains(m.detail.keys.text.Text, "0 none") {
		t.Errorf("cards %q %q, keys %q", m.detail.card[0].value.Text, m.detail.card[2].value.Text, m.detail.keys.text.Text)
	}
	rvType(t, u, "1")
	if d.Gold != d.Values[0] || m.progress.Text != "decided 1 of 4 (this list: 1 of 1)" {
		t.Errorf("gold %q, progress %q", d.Gold, m.progress.Text)
	}
	gl, err := db.GoldLayer(ctx, wsSample)
	if err != nil {
		t.Fatal(err)
	}
	copied := false
	for _, s := range gl.Spans {
		if s.Kind == annotate.KindEntity && s.Start == dropped.Start && s.End == dropped.End && s.Label == dropped.Label && s.Live() {
			copied = true
		}
	}
	if !copied {
		t.Errorf("gold's layer lacks ana's span %+v", dropped)
	}
}
