package gui

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/app/ops"
	"github.com/slant-annotate/slant/store"
)

// The workspace tests drive the labelling session the way a user does: by
// keys sent to the focused label panel, canvas shortcuts, taps and drags on
// the text (through the callbacks the TextView calls). Every check looks at
// both what the screen shows and what the store holds.

// Fixture article ids: the sample is 1, the imported ones follow.
const (
	wsSample     = int64(1)
	wsDocWalmart = int64(2)
	wsDocRain    = int64(3)
)

// wsProject makes a project with the sample and two small articles, all
// pre-tagged (so layers seed at once), and returns its path.
func wsProject(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ws.slant")
	db, err := ops.OpenProject(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dir := t.TempDir()
	var paths []string
	for i, text := range []string{
		"Walmart expands\n\nWalmart opens twelve stores in Mexico this year, the company said.\n",
		"Rain in Spain\n\nIt rains mainly on the plain, forecasters in Madrid said.\n",
	} {
		p := filepath.Join(dir, fmt.Sprintf("%c.txt", 'a'+i))
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	if sum := ops.Import(ctx, db, paths, ops.ImportOptions{}, nil); sum.Added != 2 {
		t.Fatalf("import: %s %v", sum, sum.Errors)
	}
	if _, err := ops.Pretag(ctx, db, ops.PretagOptions{Workers: 1}, nil); err != nil {
		t.Fatal(err)
	}
	return path
}

// wsOpenDB opens the project for writing, closed at the end of the test.
func wsOpenDB(t *testing.T, path string) *store.DB {
	t.Helper()
	db, err := ops.OpenProject(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// wsNew builds the window for annotator over db in app a. The window is
// closed (after background pre-tagging settles) at the end of the test.
func wsNew(t *testing.T, a fyne.App, db *store.DB, annotator string) *UI {
	t.Helper()
	// newDocList's status Select fires a background reload before the list
	// widget exists, and the test driver runs its fyne.Do at once (a real
	// driver queues it until New has returned): with two threads it can
	// reach d.list.Refresh() while d.list is still nil. One thread keeps
	// the goroutine from running before New has built the list.
	prev := runtime.GOMAXPROCS(1)
	u, err := New(a, db, Options{Annotator: annotator})
	runtime.GOMAXPROCS(prev)
	if err != nil {
		t.Fatal(err)
	}
	u.win.Resize(fyne.NewSize(1280, 800))
	t.Cleanup(func() { wsClose(t, u) })
	wsSettle(t, u)
	return u
}

// wsClose waits for background work and closes the window (idempotent).
func wsClose(t *testing.T, u *UI) {
	t.Helper()
	if _, done := wsClosed.LoadOrStore(u, true); done {
		return
	}
	wsSettle(t, u)
	if u.ws != nil && u.ws.retry != nil {
		u.ws.retry.Stop()
	}
	u.win.Close()
}

var wsClosed sync.Map // *UI → true once closed

func wsSettle(t *testing.T, u *UI) {
	t.Helper()
	wsEventually(t, "pre-tagging to settle", time.Minute, func() bool { return !u.pretagging && !u.pretagAgain })
}

func wsEventually(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", limit, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// wsSetup is the usual start: the fixture project open for "ana".
func wsSetup(t *testing.T) (*UI, *store.DB, fyne.App, string) {
	t.Helper()
	path := wsProject(t)
	db := wsOpenDB(t, path)
	a := test.NewTempApp(t)
	u := wsNew(t, a, db, "ana")
	return u, db, a, path
}

// Keys, as the driver delivers them to the focused panel.

func wsRune(u *UI, r rune) { u.ws.panel.TypedRune(r) }

func wsKey(u *UI, name fyne.KeyName) { u.ws.panel.TypedKey(&fyne.KeyEvent{Name: name}) }

func wsWith(u *UI, mod fyne.KeyName, name fyne.KeyName) {
	p := u.ws.panel
	p.KeyDown(&fyne.KeyEvent{Name: mod})
	p.TypedKey(&fyne.KeyEvent{Name: name})
	p.KeyUp(&fyne.KeyEvent{Name: mod})
}

func wsShortcut(u *UI, key fyne.KeyName, mod fyne.KeyModifier) {
	u.win.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: mod})
}

func wsUndo(u *UI) { wsShortcut(u, fyne.KeyZ, fyne.KeyModifierShortcutDefault) }

// wsFocusRow moves the panel's focus to row i with Tab and Shift+Tab.
func wsFocusRow(t *testing.T, u *UI, i int) {
	t.Helper()
	for n := 0; u.ws.panel.focus != i; n++ {
		if n > 200 {
			t.Fatalf("cannot reach row %d (at %d of %d)", i, u.ws.panel.focus, len(u.ws.panel.rows))
		}
		if u.ws.panel.focus < i {
			wsKey(u, fyne.KeyTab)
		} else {
			wsWith(u, desktop.KeyShiftLeft, fyne.KeyTab)
		}
	}
}

// wsRowOf returns the index of the first row whose unit is unit.
func wsRowOf(t *testing.T, u *UI, unit string) int {
	t.Helper()
	for i, r := range u.ws.panel.rows {
		if r.unit == unit {
			return i
		}
	}
	t.Fatalf("no row for unit %s", unit)
	return -1
}

func wsHasRow(u *UI, unit string) bool {
	for _, r := range u.ws.panel.rows {
		if r.unit == unit {
			return true
		}
	}
	return false
}

// wsRowTitle returns the title of the row of a unit, or "".
// wsRowTitle is what a unit's row shows as its name and facts: "Amazon ·
// ORG · 7 mentions" for a target (name on the first line, facts below).
func wsRowTitle(u *UI, unit string) string {
	for _, r := range u.ws.panel.rows {
		if r.unit == unit {
			if r.target != 0 {
				return r.title + " · " + r.detail
			}
			return r.title
		}
	}
	return ""
}

// Store reads.

func wsLayer(t *testing.T, db *store.DB, doc, ann int64) *annotate.Layer {
	t.Helper()
	l, err := db.Layer(context.Background(), doc, ann)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func wsLabel(t *testing.T, db *store.DB, doc, ann int64, task, unit string) annotate.LabelValue {
	t.Helper()
	return wsLayer(t, db, doc, ann).Labels[annotate.LabelKey{Task: task, Unit: unit}]
}

func wsSpan(t *testing.T, db *store.DB, doc, ann, id int64) annotate.Span {
	t.Helper()
	s, ok := wsLayer(t, db, doc, ann).Span(id)
	if !ok {
		t.Fatalf("span %d is not in the store", id)
	}
	return s
}

func wsSpanGone(t *testing.T, db *store.DB, doc, ann, id int64) bool {
	t.Helper()
	_, ok := wsLayer(t, db, doc, ann).Span(id)
	return !ok
}

func wsTarget(t *testing.T, db *store.DB, doc, ann, id int64) annotate.Target {
	t.Helper()
	tg, ok := wsLayer(t, db, doc, ann).Target(id)
	if !ok {
		t.Fatalf("target %d is not in the store", id)
	}
	return tg
}

// wsSeconds reads the time an annotator spent on a document, through a
// read-only connection of its own (the store has no reader for it).
func wsSeconds(t *testing.T, path string, doc, ann int64) float64 {
	t.Helper()
	c, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var s float64
	if err := c.QueryRow("SELECT seconds FROM doc_status WHERE doc_id = ? AND annotator_id = ?", doc, ann).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// Screen reads.

// wsOverlay renders the top overlay (a dialog) as markup; "" without one.
func wsOverlay(u *UI) string {
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	return test.RenderObjectToMarkup(top)
}

// wsCloseOverlays dismisses every dialog.
func wsCloseOverlays(u *UI) {
	for u.win.Canvas().Overlays().Top() != nil {
		u.win.Canvas().Overlays().Remove(u.win.Canvas().Overlays().Top())
	}
}

// wsWalk calls fn for o and everything drawn inside it.
func wsWalk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	fn(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			wsWalk(c, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			wsWalk(c, fn)
		}
	}
}

func wsButton(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var b *widget.Button
	wsWalk(o, func(c fyne.CanvasObject) {
		if x, ok := c.(*widget.Button); ok && x.Text == text && b == nil {
			b = x
		}
	})
	if b == nil {
		t.Fatalf("no %q button", text)
	}
	return b
}

// wsUnsavedShown reports whether the row view on screen for r draws its
// "unsaved" marker.
func wsUnsavedShown(p *LabelPanel, r *unitRow) bool {
	shown := false
	wsWalk(p, func(c fyne.CanvasObject) {
		if v, ok := c.(*rowView); ok && v.row == r && v.state.Text == "unsaved" && v.state.Visible() {
			shown = true
		}
	})
	return shown
}

// wsOffset returns the code point offset of the first sub in the open
// document's text.
func wsOffset(t *testing.T, u *UI, sub string) int {
	t.Helper()
	i := strings.Index(u.ws.doc.Text, sub)
	if i < 0 {
		t.Fatalf("%q is not in document %d", sub, u.ws.doc.ID)
	}
	return len([]rune(u.ws.doc.Text[:i]))
}

func wsHasOverlay(u *UI, start, end int, fill bool) bool {
	for _, o := range u.ws.ui.article.text.overlays {
		if o.Start == start && o.End == end && (o.Fill != nil) == fill {
			return true
		}
	}
	return false
}

// The sample's pre-tags (measured; see the test that checks them).
const (
	wsTUnitedStates = int64(1)
	wsTIndia        = int64(2)
	wsTAmazon       = int64(3)
	wsTWalmart      = int64(4)
	wsTFlipkart     = int64(5)
	wsTTrump        = int64(7)
	wsTUSTR         = int64(8)

	wsSUnitedStates = int64(1)  // [4,17) "United States"
	wsSIndia        = int64(2)  // [34,39) "India"
	wsSAMZN         = int64(4)  // [154,158) "AMZN"
	wsSFinTimes     = int64(7)  // [219,234) "Financial Times"
	wsSTrump        = int64(8)  // [334,346) "Donald Trump"
	wsQClassic      = int64(17) // “This is classic Trump trade strategy,”
	wsQTariffs      = int64(19)
	wsQLitmus       = int64(38)
)

// TestWorkspaceFixtureSuggestions pins the pre-tags the other tests rely on.
func TestWorkspaceFixtureSuggestions(t *testing.T) {
	u, _, _, _ := wsSetup(t)
	l := u.ws.layer
	for _, c := range []struct {
		id         int64
		start, end int
		text       string
		target     int64
	}{
		{wsSUnitedStates, 4, 17, "United States", wsTUnitedStates},
		{wsSIndia, 34, 39, "India", wsTIndia},
		{wsSAMZN, 154, 158, "AMZN", wsTAmazon},
		{wsSFinTimes, 219, 234, "Financial Times", 6},
		{wsSTrump, 334, 346, "Donald Trump", wsTTrump},
	} {
		s, ok := l.Span(c.id)
		if !ok || s.Start != c.start || s.End != c.end || u.ws.slice(s.Start, s.End) != c.text || s.TargetID != c.target || s.Decision != annotate.Pending {
			t.Fatalf("span %d = %+v, want %q [%d,%d) of target %d, pending: the pre-tagger changed; update the constants", c.id, s, c.text, c.start, c.end, c.target)
		}
	}
	for _, q := range []int64{wsQClassic, wsQTariffs, wsQLitmus} {
		if s, ok := l.Span(q); !ok || s.Kind != annotate.KindQuote {
			t.Fatalf("span %d is not a quote: %+v", q, s)
		}
	}
	if n := len(l.LiveTargets()); n != 8 {
		t.Fatalf("%d targets, want 8", n)
	}
}

// 1. The keyboard starts on the label panel's first unit; a digit labels
// it at once and moves on.
func TestWorkspaceOpenFocusAndDigitLabels(t *testing.T) {
	u, db, _, _ := wsSetup(t)
	ws := u.ws
	if u.win.Canvas().Focused() != fyne.Focusable(ws.panel) {
		t.Fatalf("focused %T, want the label panel", u.win.Canvas().Focused())
	}
	if ws.doc.ID != wsSample || ws.panel.focus != 0 || ws.panel.rows[0].unit != annotate.UnitDocument ||
		ws.panel.rows[0].task.Name != "document_sentiment" {
		t.Fatalf("doc %d, focus %d on %+v: want the sample's document_sentiment row", ws.doc.ID, ws.panel.focus, ws.panel.rows[0])
	}
	if !ws.panel.focused {
		t.Error("the focused row is not painted as focused")
	}
	wsRune(u, '2')
	if v := wsLabel(t, db, wsSample, ws.ann.ID, "document_sentiment", "doc"); v.Value != "neutral" {
		t.Fatalf("store has %+v, want neutral", v)
	}
	r := ws.panel.rows[0]
	if r.value != "neutral" || !r.saved || wsUnsavedShown(u.ws.panel, r) {
		t.Errorf("row 0 shows %q saved=%v", r.value, r.saved)
	}
	if ws.panel.focus != 1 {
		t.Errorf("focus %d after labelling, want 1", ws.panel.focus)
	}
	if !strings.Contains(u.status.Text, "saved document_sentiment = neutral") {
		t.Errorf("status %q", u.status.Text)
	}
	// The document is now in progress, in the store and in the list.
	if st := wsLayer(t, db, wsSample, ws.ann.ID).Status; st != annotate.StatusInProgress {
		t.Errorf("status %q, want in progress", st)
	}
	if row, _ := u.docs.pager.row(0); row.Status != annotate.StatusInProgress {
		t.Errorf("list shows %q for the sample", row.Status)
	}
	// A target row takes the same keys: 1 on United States.
	wsRune(u, '1')
	if v := wsLabel(t, db, wsSample, ws.ann.ID, "target_sentiment", annotate.TargetUnit(wsTUnitedStates)); v.Value != "negative" {
		t.Errorf("target label %+v, want negative", v)
	}
	if ws.panel.focus != 2 {
		t.Errorf("focus %d, want 2", ws.panel.focus)
	}
}

// 2. Tab, Down, J go forward; Shift+Tab, Up, K back; neither end wraps.
func TestWorkspaceNavigationKeys(t *testing.T) {
	u, _, _, _ := wsSetup(t)
	p := u.ws.panel
	last := len(p.rows) - 1
	if last < 5 {
		t.Fatalf("only %d rows", len(p.rows))
	}
	steps := []struct {
		what string
		do   func()
		want int
	}{
		{"Tab", func() { wsKey(u, fyne.KeyTab) }, 1},
		{"Down", func() { wsKey(u, fyne.KeyDown) }, 2},
		{"j", func() { wsRune(u, 'j') }, 3},
		{"J", func() { wsRune(u, 'J') }, 4},
		{"Shift+Tab", func() { wsWith(u, desktop.KeyShiftLeft, fyne.KeyTab) }, 3},
		{"Up", func() { wsKey(u, fyne.KeyUp) }, 2},
		{"k", func() { wsRune(u, 'k') }, 1},
		{"Shift+Tab (right shift)", func() { wsWith(u, desktop.KeyShiftRight, fyne.KeyTab) }, 0},
		{"Up at the top", func() { wsKey(u, fyne.KeyUp) }, 0},
		{"k at the top", func() { wsRune(u, 'k') }, 0},
	}
	for _, s := range steps {
		s.do()
		if p.focus != s.want {
			t.Fatalf("%s: focus %d, want %d", s.what, p.focus, s.want)
		}
	}
	// Shift is released: Tab goes forward again.
	wsKey(u, fyne.KeyTab)
	if p.focus != 1 {
		t.Fatalf("Tab after Shift+Tab: focus %d, want 1", p.focus)
	}
	for i := 0; i < len(p.rows)+3; i++ {
		wsKey(u, fyne.KeyTab)
	}
	if p.focus != last {
		t.Errorf("Tab past the end: focus %d, want %d (no wrap)", p.focus, last)
	}
	wsKey(u, fyne.KeyDown)
	if p.focus != last {
		t.Errorf("Down at the end: focus %d", p.focus)
	}
	// The focused unit's spans are outlined in the text.
	r := p.current()
	for _, sp := range r.spans {
		if !wsHasOverlay(u, sp.Start, sp.End, false) {
			t.Errorf("focused row %s: span [%d,%d) not outlined", r.unit, sp.Start, sp.End)
		}
	}
}

// 3. Enter marks done and opens the next to do; S skips; at the end an
// "All done" dialog.
func TestWorkspaceFinishSkipAllDone(t *testing.T) {
	u, db, _, path := wsSetup(t)
	ws := u.ws
	ann := ws.ann.ID
	time.Sleep(20 * time.Millisecond)
	wsKey(u, fyne.KeyReturn)
	if st := wsLayer(t, db, wsSample, ann).Status; st != annotate.StatusDone {
		t.Fatalf("sample status %q, want done", st)
	}
	if s := wsSeconds(t, path, wsSample, ann); s < 0.02 {
		t.Errorf("seconds %v, want the time the document was open", s)
	}
	if ws.doc.ID != wsDocWalmart || u.docs.selected != wsDocWalmart || u.article.title.Text != "Walmart expands" {
		t.Fatalf("after Enter: doc %d, list selection %d, title %q; want the Walmart article", ws.doc.ID, u.docs.selected, u.article.title.Text)
	}
	if ws.panel.focus != 0 || u.win.Canvas().Focused() != fyne.Focusable(ws.panel) {
		t.Errorf("the new document's first unit is not focused")
	}
	if row, _ := u.docs.pager.row(0); row.Status != annotate.StatusDone {
		t.Errorf("list shows %q for the sample", row.Status)
	}
	if done, total, _ := db.Progress(context.Background(), ann); done != 1 || total != 3 {
		t.Errorf("progress %d/%d", done, total)
	}
	if !strings.Contains(u.annotatorLabel.Text, "1 of 3 done") {
		t.Errorf("annotator label %q", u.annotatorLabel.Text)
	}
	wsRune(u, 's')
	if st := wsLayer(t, db, wsDocWalmart, ann).Status; st != annotate.StatusSkipped {
		t.Fatalf("Walmart status %q, want skipped", st)
	}
	if ws.doc.ID != wsDocRain || u.docs.selected != wsDocRain {
		t.Fatalf("after S: doc %d, selected %d", ws.doc.ID, u.docs.selected)
	}
	if wsOverlay(u) != "" {
		t.Fatalf("a dialog before the end:\n%s", wsOverlay(u))
	}
	wsKey(u, fyne.KeyReturn)
	if st := wsLayer(t, db, wsDocRain, ann).Status; st != annotate.StatusDone {
		t.Fatalf("Rain status %q", st)
	}
	if m := wsOverlay(u); !strings.Contains(m, "All done") {
		t.Fatalf("no All done dialog:\n%s", m)
	}
	if ws.doc.ID != wsDocRain {
		t.Errorf("doc %d after the last one", ws.doc.ID)
	}
	if done, total, _ := db.Progress(context.Background(), ann); done != 3 || total != 3 {
		t.Errorf("progress %d/%d", done, total)
	}
	// The skipped document is not counted as done, nor as left to do.
	if !strings.Contains(u.annotatorLabel.Text, "2 of 2 done (1 skipped)") || u.progress.Value != 2 || u.progress.Max != 2 {
		t.Errorf("annotator label %q, bar %v of %v", u.annotatorLabel.Text, u.progress.Value, u.progress.Max)
	}
}

// The numeric keypad's Enter (fyne.KeyEnter is "KP_Enter") should finish
// a document like Return.
func TestWorkspaceKeypadEnterFinishes(t *testing.T) {
	u, db, _, _ := wsSetup(t)
	wsKey(u, fyne.KeyEnter)
	if st := wsLayer(t, db, wsSample, u.ws.ann.ID).Status; st != annotate.StatusDone {
		t.Fatalf("keypad Enter: status %q, want done", st)
	}
}

// 4. Undo and redo, across documents and across a restart.
func TestWorkspaceUndoRedo(t *testing.T) {
	path := wsProject(t)
	ctx := context.Background()
	db, err := ops.OpenProject(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	u := wsNew(t, a, db, "ana")
	ws := u.ws
	ann := ws.ann.ID
	label := func() string { return wsLabel(t, db, wsSample, ann, "document_sentiment", "doc").Value }
	ctrl := fyne.KeyModifierShortcutDefault

	wsRune(u, '3')
	if label() != "positive" {
		t.Fatalf("label %q", label())
	}
	wsUndo(u)
	if label() != "" || ws.panel.rows[0].value != "" {
		t.Fatalf("after Ctrl+Z: store %q, row %q; want none", label(), ws.panel.rows[0].value)
	}
	if st := wsLayer(t, db, wsSample, ann).Status; st != annotate.StatusToDo {
		t.Errorf("after undoing the only label the status is %q, want to do", st)
	}
	if u.status.Text != "undone: document_sentiment of the article" {
		t.Errorf("status %q, want what was undone in words", u.status.Text)
	}
	wsShortcut(u, fyne.KeyZ, ctrl|fyne.KeyModifierShift)
	if label() != "positive" || ws.panel.rows[0].value != "positive" {
		t.Fatalf("after Ctrl+Shift+Z: store %q, row %q", label(), ws.panel.rows[0].value)
	}
	wsUndo(u)
	wsShortcut(u, fyne.KeyY, ctrl)
	if label() != "positive" || ws.panel.rows[0].value != "positive" {
		t.Fatalf("after Ctrl+Y: store %q, row %q", label(), ws.panel.rows[0].value)
	}
	wsShortcut(u, fyne.KeyY, ctrl)
	if !strings.Contains(u.status.Text, "nothing to redo") {
		t.Errorf("redo with nothing to redo: status %q", u.status.Text)
	}

	// Across documents: Enter opens the Walmart article; undo reopens the
	// sample and reverts its status, then its label.
	wsKey(u, fyne.KeyReturn)
	if ws.doc.ID != wsDocWalmart {
		t.Fatalf("doc %d after Enter", ws.doc.ID)
	}
	wsUndo(u)
	if ws.doc.ID != wsSample || u.docs.selected != wsSample {
		t.Fatalf("undoing the sample's status: doc %d, selected %d; want the sample reopened", ws.doc.ID, u.docs.selected)
	}
	if st := wsLayer(t, db, wsSample, ann).Status; st != annotate.StatusInProgress {
		t.Errorf("status %q, want in progress again", st)
	}
	if ws.panel.rows[0].value != "positive" {
		t.Errorf("the reopened sample's row shows %q", ws.panel.rows[0].value)
	}
	// A label in the Walmart article, then undo from the sample.
	u.docs.list.Select(1)
	if ws.doc.ID != wsDocWalmart {
		t.Fatalf("selecting row 1 opened %d", ws.doc.ID)
	}
	wsRune(u, '1')
	u.docs.list.Select(0)
	if ws.doc.ID != wsSample {
		t.Fatalf("selecting row 0 opened %d", ws.doc.ID)
	}
	wsUndo(u)
	if ws.doc.ID != wsDocWalmart || ws.panel.rows[0].value != "" {
		t.Fatalf("undo from another document: doc %d, row %q; want the Walmart article, unlabelled", ws.doc.ID, ws.panel.rows[0].value)
	}
	if v := wsLabel(t, db, wsDocWalmart, ann, "document_sentiment", "doc"); v.Value != "" {
		t.Errorf("Walmart label %+v after undo", v)
	}

	// Restart: close everything, reopen, undo the sample's label.
	wsClose(t, u)
	db.Close()
	db2 := wsOpenDB(t, path)
	u2 := wsNew(t, a, db2, "ana")
	wsUndo(u2)
	if v := wsLabel(t, db2, wsSample, ann, "document_sentiment", "doc"); v.Value != "" {
		t.Fatalf("undo after restart: store still has %+v", v)
	}
	if u2.ws.doc.ID != wsSample || u2.ws.panel.rows[0].value != "" {
		t.Errorf("undo after restart: doc %d, row %q", u2.ws.doc.ID, u2.ws.panel.rows[0].value)
	}
	wsShortcut(u2, fyne.KeyY, ctrl)
	if v := wsLabel(t, db2, wsSample, ann, "document_sentiment", "doc"); v.Value != "positive" {
		t.Errorf("redo after restart: %+v", v)
	}
}

// On Linux and Windows the GLFW driver turns Ctrl+Z into &fyne.ShortcutUndo{}
// and Ctrl+Y into &fyne.ShortcutRedo{} (internal/driver/glfw/window.go
// triggersShortcut), never into a desktop.CustomShortcut: the window must
// answer those.
func TestWorkspaceUndoFromDriverShortcut(t *testing.T) {
	u, db, _, _ := wsSetup(t)
	wsRune(u, '3')
	u.win.Canvas().(fyne.Shortcutable).TypedShortcut(&fyne.ShortcutUndo{})
	if v := wsLabel(t, db, wsSample, u.ws.ann.ID, "document_sentiment", "doc"); v.Value != "" {
		t.Fatalf("Ctrl+Z as the driver sends it: label still %+v", v)
	}
	u.win.Canvas().(fyne.Shortcutable).TypedShortcut(&fyne.ShortcutRedo{})
	if v := wsLabel(t, db, wsSample, u.ws.ann.ID, "document_sentiment", "doc"); v.Value != "positive" {
		t.Fatalf("Ctrl+Y as the driver sends it: label %+v", v)
	}
}

// 5. A and X on a target decide all its mentions; on a quote, the quote.
func TestWorkspaceAcceptRejectUnits(t *testing.T) {
	u, db, _, _ := wsSetup(t)
	ws := u.ws
	ann := ws.ann.ID
	mentions := func(target int64) []annotate.Span {
		var out []annotate.Span
		for _, s := range wsLayer(t, db, wsSample, ann).Spans {
			if s.Kind == annotate.KindEntity && s.TargetID == target {
				out = append(out, s)
			}
		}
		return out
	}
	wsFocusRow(t, u, wsRowOf(t, u, annotate.TargetUnit(wsTUnitedStates)))
	wsRune(u, 'a')
	ms := mentions(wsTUnitedStates)
	if len(ms) != 7 {
		t.Fatalf("%d United States mentions", len(ms))
	}
	for _, s := range ms {
		if s.Decision != annotate.Accepted {
			t.Errorf("mention [%d,%d) %s, want accepted", s.Start, s.End, s.Decision)
		}
	}
	if !wsHasRow(u, annotate.TargetUnit(wsTUnitedStates)) {
		t.Error("an accepted target left the rows")
	}
	if !strings.Contains(u.article.meta.Text(), "7 kept") {
		t.Errorf("summary %q, want 7 kept", u.article.meta.Text())
	}

	at := wsRowOf(t, u, annotate.TargetUnit(wsTIndia))
	wsFocusRow(t, u, at)
	wsRune(u, 'x')
	for _, s := range mentions(wsTIndia) {
		if s.Decision != annotate.Rejected {
			t.Errorf("India mention [%d,%d) %s, want rejected", s.Start, s.End, s.Decision)
		}
	}
	if !wsTarget(t, db, wsSample, ann, wsTIndia).Deleted {
		t.Error("the rejected target is not deleted in the store")
	}
	if wsHasRow(u, annotate.TargetUnit(wsTIndia)) {
		t.Error("the rejected target is still a row")
	}
	if ws.panel.focus != at || ws.panel.current().target != wsTAmazon {
		t.Errorf("focus %d on %s after rejecting, want the next target (Amazon) at %d", ws.panel.focus, ws.panel.current().unit, at)
	}
	wsUndo(u)
	if !wsHasRow(u, annotate.TargetUnit(wsTIndia)) || wsTarget(t, db, wsSample, ann, wsTIndia).Deleted {
		t.Fatal("Ctrl+Z did not bring India back")
	}
	for _, s := range mentions(wsTIndia) {
		if s.Decision != annotate.Pending {
			t.Errorf("after undo India mention %s", s.Decision)
		}
	}

	wsFocusRow(t, u, wsRowOf(t, u, annotate.QuoteUnit(wsQClassic)))
	wsRune(u, 'a')
	if s := wsSpan(t, db, wsSample, ann, wsQClassic); s.Decision != annotate.Accepted {
		t.Errorf("quote %s, want accepted", s.Decision)
	}
	wsFocusRow(t, u, wsRowOf(t, u, annotate.QuoteUnit(wsQTariffs)))
	wsRune(u, 'x')
	if s := wsSpan(t, db, wsSample, ann, wsQTariffs); s.Decision != annotate.Rejected {
		t.Errorf("quote %s, want rejected", s.Decision)
	}
	if wsHasRow(u, annotate.QuoteUnit(wsQTariffs)) {
		t.Error("the rejected quote is still a row")
	}
	for _, h := range ws.highlights() {
		if h.Start == wsSpan(t, db, wsSample, ann, wsQTariffs).Start {
			t.Error("the rejected quote is still highlighted")
		}
	}
	wsUndo(u)
	if !wsHasRow(u, annotate.QuoteUnit(wsQTariffs)) || wsSpan(t, db, wsSample, ann, wsQTariffs).Decision != annotate.Pending {
		t.Error("Ctrl+Z did not bring the quote back")
	}
}

// 6a. A tap selects the innermost span and focuses its target's row;
// Left and Right step between spans.
func TestWorkspaceTapSelectsSpanAndSteps(t *testing.T) {
	u, _, _, _ := wsSetup(t)
	ws := u.ws
	ws.tapped(6) // inside "United States" [4,17)
	if ws.selSpan != wsSUnitedStates {
		t.Fatalf("tap selected span %d", ws.selSpan)
	}
	if r := ws.panel.current(); r.target != wsTUnitedStates {
		t.Errorf("focus on %s, want the United States row", r.unit)
	}
	if !wsHasOverlay(u, 4, 17, true) {
		t.Errorf("the selection is not drawn: %+v", ws.ui.article.text.overlays)
	}
	if u.win.Canvas().Focused() != fyne.Focusable(ws.panel) {
		t.Error("a tap left the keyboard off the panel")
	}
	wsKey(u, fyne.KeyRight)
	if ws.selSpan != wsSIndia || ws.panel.current().target != wsTIndia || !wsHasOverlay(u, 34, 39, true) {
		t.Errorf("Right: span %d, row %s", ws.selSpan, ws.panel.current().unit)
	}
	wsKey(u, fyne.KeyLeft)
	if ws.selSpan != wsSUnitedStates {
		t.Errorf("Left: span %d", ws.selSpan)
	}
	// A tap inside a quote, off any entity, selects the quote and its row.
	ws.tapped(wsOffset(t, u, "classic"))
	if ws.selSpan != wsQClassic || ws.panel.current().quote != wsQClassic {
		t.Errorf("tap in a quote: span %d, row %s", ws.selSpan, ws.panel.current().unit)
	}
	// Inside the quote, on "Trump", the innermost (the mention) wins.
	ws.tapped(1202) // "Trump" [1201,1206) in “This is classic Trump trade strategy,”
	if ws.selSpan != 18 || ws.panel.current().target != wsTTrump {
		t.Errorf("tap on a mention inside a quote: span %d, row %s", ws.selSpan, ws.panel.current().unit)
	}
	// Escape and a tap off every span clear the selection.
	wsKey(u, fyne.KeyEscape)
	if ws.selSpan != 0 || wsHasOverlay(u, 1201, 1206, true) {
		t.Errorf("Escape left span %d selected", ws.selSpan)
	}
	ws.tapped(0)
	if ws.selSpan != 0 {
		t.Errorf("tap off spans: span %d", ws.selSpan)
	}
}

// 6b. Shift+arrows move the end, Ctrl+arrows the start, by a token; each
// move is one undoable edit.
func TestWorkspaceMoveBoundaries(t *testing.T) {
	u, db, _, _ := wsSetup(t)
	ws := u.ws
	ann := ws.ann.ID
	ws.tapped(5)
	for _, c := range []struct {
		mod        fyne.KeyName
		key        fyne.KeyName
		start, end int
		text       string
	}{
		{desktop.KeyShiftLeft, fyne.KeyRight, 4, 20, "United States is"},
		{desktop.KeyShiftLeft, fyne.KeyLeft, 4, 10, "United"},
		{desktop.KeyControlLeft, fyne.KeyLeft, 0, 17, "The United States"},
		{desktop.KeyControlLeft, fyne.KeyRight, 11, 17, "States"},
	} {
		wsWith(u, c.mod, c.key)
		s := wsSpan(t, db, wsSample, ann, wsSUnitedStates)
		if s.Start != c.start || s.End != c.end || s.Decision != annotate.Edited {
			t.Fatalf("%s+%s: span [%d,%d) %s, want [%d,%d) %q edited", c.mod, c.key, s.Start, s.End, s.Decision, c.start, c.end, c.text)
		}
		if got := ws.slice(s.Start, s.End); got != c.text {
			t.Errorf("%s+%s: %q", c.mod, c.key, got)
		}
		if ws.selSpan != wsSUnitedStates || !wsHasOverlay(u, c.start, c.end, true) {
			t.Errorf("%s+%s: the moved span is not still selected", c.mod, c.key)
		}
		wsUndo(u)
		s = wsSpan(t, db, wsSample, ann, wsSUnitedStates)
		if s.Start != 4 || s.End != 17 || s.Decision != annotate.Pending {
			t.Fatalf("%s+%s then Ctrl+Z: span [%d,%d) %s", c.mod, c.key, s.Start, s.End, s.Decision)
		}
	}
	// Shrinking the end of a one-token span does nothing.
	ws.tapped(35) // India [34,39)
	wsWith(u, desktop.KeyShiftLeft, fyne.KeyLeft)
	if s := wsSpan(t, db, wsSample, ann, wsSIndia); s.Start != 34 || s.End != 39 || s.Decision != annotate.Pending {
		t.Errorf("shrinking a one-token span: [%d,%d) %s", s.Start, s.End, s.Decision)
	}
}

// 6c. Backspace and Delete reject a selected suggestion; p/o/g/l relabel
// the selected entity.
func TestWorkspaceRejectAndRelabelSpan(t *testing.T) {
	u, db, _, _ := wsSetup(t)
	ws := u.ws
	ann := ws.ann.ID
	ws.tapped(220) // Financial Times
	wsKey(u, fyne.KeyBackspace)
	if s := wsSpan(t, db, wsSample, ann, wsSFinTimes); s.Decision != annotate.Rejected {
		t.Fatalf("Backspace: %s, want rejected", s.Decision)
	}
	if ws.selSpan != 0 {
		t.Errorf("the rejected span is still selected")
	}
	for _, h := range ws.highlights() {
		if h.Start == 219 {
			t.Error("the rejected span is still highlighted")
		}
	}
	wsUndo(u)
	if s := wsSpan(t, db, wsSample, ann, wsSFinTimes); s.Decision != annotate.Pending {
		t.Fatalf("undo: %s", s.Decision)
	}
	ws.tapped(5)
	wsKey(u, fyne.KeyDelete)
	if s := wsSpan(t, db, wsSample, ann, wsSUnitedStates); s.Decision != annotate.Rejected {
		t.Fatalf("Delete: %s", s.Decision)
	}
	wsUndo(u)

	ws.tapped(340) // Donald Trump
	for _, c := range []struct {
		key   rune
		label string
	}{{'o', "ORG"}, {'g', "GPE"}, {'l', "LOC"}, {'p', "PERSON"}} {
		wsRune(u, c.key)
		s := wsSpan(t, db, wsSample, ann, wsSTrump)
		if s.Label != c.label || s.Decision != annotate.Edited {
			t.Fatalf("%c: %s %s, want %s edited", c.key, s.Label, s.Decision, c.label)
		}
		if ws.selSpan != wsSTrump {
			t.Errorf("%c: selection lost", c.key)
		}
	}
	// A target row's label keys do not fire while a span is selected: the
	// row still has no label.
	if v := wsLabel(t, db, wsSample, ann, "target_sentiment", annotate.TargetUnit(wsTTrump)); v.Value != "" {
		t.Errorf("relabelling labelled the row: %+v", v)
	}
	for range 4 {
		wsUndo(u)
	}
	if s := wsSpan(t, db, wsSample, ann, wsSTrump); s.Label != "PERSON" || s.Decision != annotate.Pending {
		t.Errorf("four undos: %s %s", s.Label, s.Decision)
	}
}

// 6d. A dragged selection (snapped to words) becomes an entity with o (a
// new target named after it) or a quote with q.
func TestWorkspaceSelectionMakesEntityAndQuote(t *testing.T) {
	u, db, _, _ := wsSetup(t)
	ws := u.ws
	ann := ws.ann.ID
	start := wsOffset(t, u, "lobbyists")
	ws.selected(start+2, start+6) // "bbyi": snaps to the word
	if ws.selText != [2]int{start, start + 9} || !wsHasOverlay(u, start, start+9, true) {
		t.Fatalf("selection %v, want [%d,%d)", ws.selText, start, start+9)
	}
	rowsBefore := len(ws.panel.rows)
	wsRune(u, 'o')
	var added annotate.Span
	l := wsLayer(t, db, wsSample, ann)
	for _, s := range l.Spans {
		if s.Decision == annotate.Added {
			added = s
		}
	}
	if added.ID == 0 || added.Start != start || added.End != start+9 || added.Label != "ORG" || added.Kind != annotate.KindEntity {
		t.Fatalf("added span %+v", added)
	}
	tg, ok := l.Target(added.TargetID)
	if !ok || tg.Name != "lobbyists" || tg.Label != "ORG" {
		t.Fatalf("new target %+v", tg)
	}
	if ws.selSpan != added.ID || ws.selText != [2]int{} {
		t.Errorf("after o: selected span %d, text %v; want the new span", ws.selSpan, ws.selText)
	}
	if len(ws.panel.rows) != rowsBefore+1 || !strings.HasPrefix(wsRowTitle(u, annotate.TargetUnit(tg.ID)), "lobbyists · ORG · 1 mention") {
		t.Errorf("no row for the new target: %q", wsRowTitle(u, annotate.TargetUnit(tg.ID)))
	}
	wsUndo(u)
	if !wsSpanGone(t, db, wsSample, ann, added.ID) || wsHasRow(u, annotate.TargetUnit(tg.ID)) {
		t.Fatal("Ctrl+Z left the new entity")
	}

	// Selecting text that is an existing target's name joins that target.
	us := wsOffset(t, u, "United States is")
	ws.tapped(0)
	ws.selected(us+7, us+9)
	if ws.selText != [2]int{us + 7, us + 13} {
		t.Fatalf("selection %v", ws.selText)
	}

	q0 := wsOffset(t, u, "level playing field")
	ws.selected(q0, q0+len("level playing field"))
	wsRune(u, 'q')
	var quote annotate.Span
	for _, s := range wsLayer(t, db, wsSample, ann).Spans {
		if s.Decision == annotate.Added && s.Kind == annotate.KindQuote {
			quote = s
		}
	}
	if quote.ID == 0 || quote.Start != q0 || quote.End != q0+19 {
		t.Fatalf("new quote %+v", quote)
	}
	if !wsHasRow(u, annotate.QuoteUnit(quote.ID)) {
		t.Error("no row for the new quote")
	}
	wsUndo(u)
	if !wsSpanGone(t, db, wsSample, ann, quote.ID) || wsHasRow(u, annotate.QuoteUnit(quote.ID)) {
		t.Error("Ctrl+Z left the new quote")
	}
}

// 6e. On a focused quote, a selection and w set its speaker.
func TestWorkspaceSetSpeaker(t *testing.T) {
	u, db, _, _ := wsSetup(t)
	ws := u.ws
	ann := ws.ann.ID
	before := wsSpan(t, db, wsSample, ann, wsQLitmus)
	wsFocusRow(t, u, wsRowOf(t, u, annotate.QuoteUnit(wsQLitmus)))
	ws.selected(335, 345) // inside "Donald Trump" [334,346)
	if ws.panel.current().quote != wsQLitmus {
		t.Fatalf("the selection moved the focus to %s", ws.panel.current().unit)
	}
	wsRune(u, 'w')
	s := wsSpan(t, db, wsSample, ann, wsQLitmus)
	if !s.HasSpeaker || s.SpeakerStart != 334 || s.SpeakerEnd != 346 || s.Decision != annotate.Edited {
		t.Fatalf("speaker %v [%d,%d) %s, want [334,346) edited", s.HasSpeaker, s.SpeakerStart, s.SpeakerEnd, s.Decision)
	}
	if title := wsRowTitle(u, annotate.QuoteUnit(wsQLitmus)); !strings.HasSuffix(title, "— Donald Trump") {
		t.Errorf("row title %q", title)
	}
	if ws.selText != [2]int{} {
		t.Errorf("selection %v left after w", ws.selText)
	}
	wsUndo(u)
	s = wsSpan(t, db, wsSample, ann, wsQLitmus)
	if s.SpeakerStart != before.SpeakerStart || s.SpeakerEnd != before.SpeakerEnd || s.Decision != annotate.Pending {
		t.Errorf("undo: speaker [%d,%d) %s", s.SpeakerStart, s.SpeakerEnd, s.Decision)
	}
	// w off a quote row says what to do, and changes nothing.
	wsFocusRow(t, u, 0)
	ws.selected(335, 345)
	wsRune(u, 'w')
	if !strings.Contains(u.status.Text, "focus a quote first") {
		t.Errorf("status %q", u.status.Text)
	}
}

// 6f. t on a selected mention splits it off; m on a target merges it.
func TestWorkspaceSplitAndMerge(t *testing.T) {
	u, db, _, _ := wsSetup(t)
	ws := u.ws
	ann := ws.ann.ID
	ws.tapped(155) // AMZN, a mention of Amazon
	wsRune(u, 't')
	s := wsSpan(t, db, wsSample, ann, wsSAMZN)
	tg := wsTarget(t, db, wsSample, ann, s.TargetID)
	if s.TargetID == wsTAmazon || tg.Name != "AMZN" || tg.Label != "ORG" || s.Decision != annotate.Edited {
		t.Fatalf("split: span in target %+v, %s", tg, s.Decision)
	}
	if !strings.HasPrefix(wsRowTitle(u, annotate.TargetUnit(tg.ID)), "AMZN · ORG · 1 mention") ||
		!strings.HasPrefix(wsRowTitle(u, annotate.TargetUnit(wsTAmazon)), "Amazon · ORG · 6 mentions") {
		t.Errorf("rows after split: %q, %q", wsRowTitle(u, annotate.TargetUnit(tg.ID)), wsRowTitle(u, annotate.TargetUnit(wsTAmazon)))
	}
	wsUndo(u)
	if s := wsSpan(t, db, wsSample, ann, wsSAMZN); s.TargetID != wsTAmazon || s.Decision != annotate.Pending {
		t.Fatalf("undo split: %+v", s)
	}
	if wsHasRow(u, annotate.TargetUnit(tg.ID)) {
		t.Error("undo split left the AMZN row")
	}

	wsKey(u, fyne.KeyEscape)
	wsFocusRow(t, u, wsRowOf(t, u, annotate.TargetUnit(wsTFlipkart)))
	wsRune(u, 'm')
	top := u.win.Canvas().Overlays().Top()
	if top == nil || !strings.Contains(wsOverlay(u), "Merge Flipkart into") {
		t.Fatalf("no merge dialog:\n%s", wsOverlay(u))
	}
	var sel *widget.Select
	wsWalk(top, func(o fyne.CanvasObject) {
		if x, ok := o.(*widget.Select); ok {
			sel = x
		}
	})
	if sel == nil {
		t.Fatal("no target choice in the merge dialog")
	}
	for _, o := range sel.Options {
		if o == "Flipkart" {
			t.Error("Flipkart is offered as a target to merge itself into")
		}
	}
	sel.SetSelected("Walmart")
	test.Tap(wsButton(t, top, "Merge"))
	if wsOverlay(u) != "" {
		t.Errorf("the dialog stayed open")
	}
	if !wsTarget(t, db, wsSample, ann, wsTFlipkart).Deleted {
		t.Fatal("Flipkart not merged away")
	}
	for _, id := range []int64{6, 30} {
		if s := wsSpan(t, db, wsSample, ann, id); s.TargetID != wsTWalmart || s.Decision != annotate.Edited {
			t.Errorf("Flipkart mention %d: target %d %s", id, s.TargetID, s.Decision)
		}
	}
	if wsHasRow(u, annotate.TargetUnit(wsTFlipkart)) || !strings.HasPrefix(wsRowTitle(u, annotate.TargetUnit(wsTWalmart)), "Walmart · ORG · 9 mentions") {
		t.Errorf("rows after merge: Walmart %q", wsRowTitle(u, annotate.TargetUnit(wsTWalmart)))
	}
	if u.win.Canvas().Focused() != fyne.Focusable(ws.panel) {
		t.Error("the keyboard did not come back to the panel")
	}
	wsUndo(u)
	if wsTarget(t, db, wsSample, ann, wsTFlipkart).Deleted || wsSpan(t, db, wsSample, ann, 6).TargetID != wsTFlipkart {
		t.Error("undo did not unmerge")
	}
	if !wsHasRow(u, annotate.TargetUnit(wsTFlipkart)) {
		t.Error("undo did not bring the Flipkart row back")
	}
	// Cancel merges nothing.
	wsFocusRow(t, u, wsRowOf(t, u, annotate.TargetUnit(wsTFlipkart)))
	wsRune(u, 'm')
	test.Tap(wsButton(t, u.win.Canvas().Overlays().Top(), "Cancel"))
	if wsTarget(t, db, wsSample, ann, wsTFlipkart).Deleted {
		t.Error("Cancel merged")
	}
}

// After an undo removes the selected span, the selection should go with
// it: Backspace must not then report an error about a span that is gone.
func TestWorkspaceUndoDropsStaleSelection(t *testing.T) {
	u, _, _, _ := wsSetup(t)
	ws := u.ws
	start := wsOffset(t, u, "lobbyists")
	ws.selected(start, start+9)
	wsRune(u, 'o')
	wsUndo(u)
	wsKey(u, fyne.KeyBackspace)
	if m := wsOverlay(u); m != "" {
		t.Fatalf("Backspace after undoing a new span shows a dialog:\n%s", m)
	}
	if ws.selSpan != 0 {
		t.Errorf("selection %d points at a span that is gone", ws.selSpan)
	}
}

// 7. t on a quote stance row cycles its target; with a value it is saved.
func TestWorkspaceStanceTargetCycles(t *testing.T) {
	u, db, _, _ := wsSetup(t)
	ws := u.ws
	ann := ws.ann.ID
	unit := annotate.QuoteUnit(wsQClassic)
	at := wsRowOf(t, u, unit)
	wsFocusRow(t, u, at)
	r := ws.panel.current()
	if r.towards != wsTTrump || !strings.Contains(r.detail, "towards Donald Trump") {
		t.Fatalf("pre-filled towards %d %q, want Donald Trump", r.towards, r.detail)
	}
	wsRune(u, 't')
	if r.towards != wsTUSTR || !strings.Contains(r.detail, "towards USTR") {
		t.Errorf("t: towards %d %q, want USTR", r.towards, r.detail)
	}
	if v := wsLabel(t, db, wsSample, ann, "quote_stance", unit); v.Value != "" {
		t.Errorf("t without a value saved %+v", v)
	}
	wsRune(u, 't')
	if r.towards != wsTUnitedStates {
		t.Errorf("t wraps to the first target: towards %d", r.towards)
	}
	wsRune(u, '1')
	if v := wsLabel(t, db, wsSample, ann, "quote_stance", unit); v.Value != "against" || v.Towards != wsTUnitedStates {
		t.Fatalf("label %+v, want against towards United States", v)
	}
	wsRune(u, 'k')
	if ws.panel.focus != at {
		t.Fatalf("focus %d", ws.panel.focus)
	}
	r = ws.panel.current()
	wsRune(u, 't')
	v := wsLabel(t, db, wsSample, ann, "quote_stance", unit)
	if v.Value != "against" || v.Towards != wsTIndia {
		t.Fatalf("t on a labelled stance: %+v, want against towards India", v)
	}
	if !r.saved || !strings.Contains(r.detail, "towards India") {
		t.Errorf("row saved=%v %q", r.saved, r.detail)
	}
	var towards string
	db.EachLabel(context.Background(), store.LabelFilter{DocID: wsSample, AnnotatorID: ann}, func(l store.LabelRecord) error {
		if l.Task == "quote_stance" {
			towards = l.Towards
		}
		return nil
	})
	if towards != "India" {
		t.Errorf("EachLabel towards %q", towards)
	}
	wsUndo(u)
	if v := wsLabel(t, db, wsSample, ann, "quote_stance", unit); v.Towards != wsTUnitedStates {
		t.Errorf("undo: towards %d", v.Towards)
	}
	if r := ws.panel.rows[at]; r.towards != wsTUnitedStates {
		t.Errorf("undo: the row says towards %d", r.towards)
	}
}

// Clicking a quote focuses its stance row (and selects the quote span);
// t should then cycle the stance target as on a row reached by Tab.
func TestWorkspaceStanceTargetAfterClickingQuote(t *testing.T) {
	u, _, _, _ := wsSetup(t)
	ws := u.ws
	ws.tapped(wsOffset(t, u, "classic"))
	r := ws.panel.current()
	if r.quote != wsQClassic {
		t.Fatalf("focus on %s", r.unit)
	}
	wsRune(u, 't')
	if r.towards != wsTUSTR {
		t.Errorf("t after clicking the quote: towards %d, want the next target (USTR)", r.towards)
	}
}

// 8. A second annotator sees none of the first one's work.
func TestWorkspaceBlindAnnotators(t *testing.T) {
	path := wsProject(t)
	ctx := context.Background()
	db, err := ops.OpenProject(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	u := wsNew(t, a, db, "ana")
	anaID := u.ws.ann.ID
	wsRune(u, '3')
	wsRune(u, '1')
	u.ws.tapped(340)
	wsRune(u, 'o')
	wsFocusRow(t, u, wsRowOf(t, u, annotate.TargetUnit(wsTIndia)))
	wsRune(u, 'x')
	wsKey(u, fyne.KeyReturn)
	wsClose(t, u)
	db.Close()

	db2 := wsOpenDB(t, path)
	u2 := wsNew(t, a, db2, "bob")
	ws := u2.ws
	if ws.ann.ID == anaID || ws.ann.Name != "bob" {
		t.Fatalf("annotator %+v", ws.ann)
	}
	// ana's last document was the sample's successor; bob starts at his
	// first to do, which is the sample.
	u2.docs.list.Select(0)
	if ws.doc.ID != wsSample {
		t.Fatalf("bob sees doc %d", ws.doc.ID)
	}
	for _, r := range ws.panel.rows {
		if r.value != "" {
			t.Errorf("bob sees %s = %q", r.unit, r.value)
		}
	}
	if !wsHasRow(u2, annotate.TargetUnit(ws.layer.Targets[1].ID)) || ws.layer.Targets[1].Name != "India" {
		t.Error("bob does not see India, which ana rejected")
	}
	for _, s := range ws.layer.Spans {
		if s.Decision != annotate.Pending {
			t.Errorf("bob's span %d is %s", s.ID, s.Decision)
		}
		if s.Start == 334 && s.Label != "PERSON" {
			t.Errorf("bob sees ana's relabel: %s", s.Label)
		}
	}
	if len(ws.layer.Labels) != 0 || ws.layer.Status != annotate.StatusToDo {
		t.Errorf("bob's layer: %d labels, status %q", len(ws.layer.Labels), ws.layer.Status)
	}
	if row, _ := u2.docs.pager.row(0); row.Status != annotate.StatusToDo {
		t.Errorf("bob's list shows the sample %q, want to do", row.Status)
	}
	if done, _, _ := db2.Progress(ctx, ws.ann.ID); done != 0 {
		t.Errorf("bob's progress %d", done)
	}
	if !strings.HasPrefix(u2.annotatorLabel.Text, "bob · 0 of 3 done") {
		t.Errorf("annotator label %q", u2.annotatorLabel.Text)
	}
	// Everyone's statuses, per annotator.
	rows, err := db2.ListDocs(ctx, store.DocQuery{}, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if rows[0].Annotators["ana"] != annotate.StatusDone || rows[0].Annotators["bob"] != "" {
		t.Errorf("per-annotator statuses %v", rows[0].Annotators)
	}
	// bob's label lands in bob's layer only.
	wsRune(u2, '1')
	if v := wsLabel(t, db2, wsSample, anaID, "document_sentiment", "doc"); v.Value != "positive" {
		t.Errorf("ana's label became %+v", v)
	}
	if v := wsLabel(t, db2, wsSample, ws.ann.ID, "document_sentiment", "doc"); v.Value != "negative" {
		t.Errorf("bob's label %+v", v)
	}
	// bob's undo is bob's.
	wsUndo(u2)
	if v := wsLabel(t, db2, wsSample, anaID, "document_sentiment", "doc"); v.Value != "positive" {
		t.Errorf("bob's undo touched ana's label: %+v", v)
	}
	if v := wsLabel(t, db2, wsSample, ws.ann.ID, "document_sentiment", "doc"); v.Value != "" {
		t.Errorf("bob's undo: %+v", v)
	}
}

// 9. The cheat sheet lists every action and the schema's label keys;
// remapped keys work at once and persist.
func TestWorkspaceCheatSheetAndRemap(t *testing.T) {
	u, db, a, _ := wsSetup(t)
	ws := u.ws
	check := func(how string, byEscape bool) {
		t.Helper()
		m := wsOverlay(u)
		if !strings.Contains(m, "Keyboard") {
			t.Fatalf("%s: no cheat sheet:\n%.500s", how, m)
		}
		for act := range defaultKeys {
			if !strings.Contains(m, string(act)) {
				t.Errorf("%s: the cheat sheet lacks %q", how, act)
			}
		}
		for _, task := range ws.schema.Tasks {
			for _, l := range task.Labels {
				if !strings.Contains(m, l.Key+" "+l.Value) {
					t.Errorf("%s: the cheat sheet lacks %s's key %s %s", how, task.Name, l.Key, l.Value)
				}
			}
		}
		for _, s := range []string{"Ctrl+Z", "1 negative", "3 favor", "Tab, Down, j"} {
			if !strings.Contains(m, s) {
				t.Errorf("%s: the cheat sheet lacks %q", how, s)
			}
		}
		if byEscape {
			// Keys belong to the dialog: a label key reaches nothing behind it.
			wsRune(u, '1')
			if ws.panel.rows[0].value != "" {
				t.Errorf("%s: a digit labelled the document behind the cheat sheet", how)
			}
			wsKey(u, fyne.KeyEscape)
		} else {
			test.Tap(wsButton(t, u.win.Canvas().Overlays().Top(), "Close"))
		}
		if wsOverlay(u) != "" {
			t.Errorf("%s: Close left the dialog", how)
		}
		if u.win.Canvas().Focused() != fyne.Focusable(ws.panel) {
			t.Errorf("%s: the keyboard is not back on the panel", how)
		}
	}
	wsRune(u, '?')
	check("?", true)
	wsKey(u, fyne.KeyF1)
	check("F1", false)
	wsShortcut(u, fyne.KeyF1, 0)
	check("F1 shortcut", false)

	p := a.Preferences()
	if err := ws.keys.set(p, actSkip, "z"); err != nil {
		t.Fatal(err)
	}
	wsRune(u, 's')
	if ws.doc.ID != wsSample || wsLayer(t, db, wsSample, ws.ann.ID).Status != annotate.StatusToDo {
		t.Fatalf("s still skips after remapping skip to z")
	}
	wsRune(u, 'z')
	if st := wsLayer(t, db, wsSample, ws.ann.ID).Status; st != annotate.StatusSkipped || ws.doc.ID != wsDocWalmart {
		t.Fatalf("z: status %q, doc %d; want skipped and the next", st, ws.doc.ID)
	}
	err := ws.keys.set(p, actSkip, "a")
	if err == nil || !strings.Contains(err.Error(), string(actAccept)) {
		t.Errorf("a conflicting key: %v, want an error naming %q", err, actAccept)
	}
	if err := ws.keys.set(p, actSkip, "5"); err == nil {
		t.Error("a digit was accepted as a key")
	}
	if err := ws.keys.set(p, actSkip, " "); err == nil {
		t.Error("no key was accepted")
	}
	if act, _ := ws.keys.lookup("z"); act != actSkip {
		t.Errorf("a refused rebinding changed z to %q", act)
	}
	km := loadKeymap(p)
	if act, ok := km.lookup("z"); !ok || act != actSkip {
		t.Errorf("reloaded keymap: z is %q", act)
	}
	if _, ok := km.lookup("s"); ok {
		t.Error("reloaded keymap still has s")
	}
	if act, _ := km.lookup("a"); act != actAccept {
		t.Errorf("reloaded keymap: a is %q", act)
	}
	if !strings.Contains(ws.cheatSheet(), "z                            "+string(actSkip)) {
		t.Errorf("the cheat sheet does not show the new key:\n%s", ws.cheatSheet())
	}
}

// 10. On a read-only project a label is shown unsaved, with an error; the
// window keeps working.
func TestWorkspaceReadOnlyUnsaved(t *testing.T) {
	path := wsProject(t)
	ctx := context.Background()
	{
		db, err := ops.OpenProject(ctx, path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ann, err := db.EnsureAnnotator(ctx, "ana")
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{wsSample, wsDocWalmart, wsDocRain} {
			if _, err := db.Layer(ctx, id, ann.ID); err != nil {
				t.Fatal(err)
			}
		}
		db.Close()
	}
	db, err := store.Open(ctx, path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a := test.NewTempApp(t)
	u := wsNew(t, a, db, "ana")
	ws := u.ws
	if !strings.HasSuffix(u.win.Title(), "(read-only)") {
		t.Errorf("title %q", u.win.Title())
	}
	if len(ws.panel.rows) < 10 {
		t.Fatalf("%d rows: the layer seeded before is not shown", len(ws.panel.rows))
	}
	wsRune(u, '2')
	r := ws.panel.rows[0]
	if r.value != "neutral" || r.saved {
		t.Fatalf("row %q saved=%v, want neutral, unsaved", r.value, r.saved)
	}
	if !wsUnsavedShown(u.ws.panel, r) {
		t.Error("the row does not show \"unsaved\"")
	}
	if m := wsOverlay(u); !strings.Contains(m, "was not saved") {
		t.Errorf("no error dialog:\n%.800s", m)
	}
	if !strings.HasPrefix(u.status.Text, "NOT SAVED") {
		t.Errorf("status %q", u.status.Text)
	}
	// Nothing crashes: more keys, undo, finish.
	wsCloseOverlays(u)
	wsKey(u, fyne.KeyTab)
	wsRune(u, 'a')
	wsUndo(u)
	wsKey(u, fyne.KeyReturn)
	if ws.doc.ID != wsSample {
		t.Errorf("Enter on a read-only project moved to %d", ws.doc.ID)
	}
	if v := wsLabel(t, db, wsSample, ws.ann.ID, "document_sentiment", "doc"); v.Value != "" {
		t.Errorf("read-only store has %+v", v)
	}
}

// Two failed writes in a row: both labels must be retried until saved.
func TestWorkspaceRetriesEveryUnsavedLabel(t *testing.T) {
	path := wsProject(t)
	ctx := context.Background()
	{
		db, err := ops.OpenProject(ctx, path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ann, _ := db.EnsureAnnotator(ctx, "ana")
		db.Layer(ctx, wsSample, ann.ID)
		db.Close()
	}
	ro, err := store.Open(ctx, path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	u := wsNew(t, a, ro, "ana")
	wsRune(u, '1')           // fails: document row
	wsKey(u, fyne.KeyEscape) // closes the error
	wsRune(u, '3')           // fails: United States row
	if r := u.ws.panel.rows[1]; r.value != "positive" || r.saved {
		t.Fatalf("second row %q saved=%v, want an unsaved label", r.value, r.saved)
	}
	// The project becomes writable (the other window closed).
	ro.Close()
	db := wsOpenDB(t, path)
	u.db = db
	wsEventually(t, "both labels to be retried", 12*time.Second, func() bool {
		return u.ws.panel.rows[0].saved && u.ws.panel.rows[1].saved
	})
	if v := wsLabel(t, db, wsSample, u.ws.ann.ID, "document_sentiment", "doc"); v.Value != "negative" {
		t.Errorf("first label %+v", v)
	}
}

// 11. The status choice and the target entry narrow the list.
func TestWorkspaceListFilters(t *testing.T) {
	// The list reloads in the background and swaps the rows in with
	// fyne.Do: on one UI thread here, as in the app, with the test's own
	// steps on it too.
	u := wsNew(t, newSerialApp(t), wsOpenDB(t, wsProject(t)), "ana")
	ids := func() []int64 {
		var out []int64
		for i := 0; i < u.docs.pager.count; i++ {
			row, _ := u.docs.pager.row(i)
			out = append(out, row.ID)
		}
		return out
	}
	wait := func(what string, want ...int64) {
		t.Helper()
		wsEventually(t, what, 10*time.Second, func() bool {
			var got []int64
			onUI(func() { got = ids() })
			return fmt.Sprint(got) == fmt.Sprint(want)
		})
	}
	onUI(func() {
		wsKey(u, fyne.KeyReturn) // sample done
		wsRune(u, '2')           // Walmart in progress
	})
	if u.ws.doc.ID != wsDocWalmart {
		t.Fatalf("doc %d", u.ws.doc.ID)
	}
	onUI(func() { u.docs.status.SetSelected("done") })
	wait("done", wsSample)
	onUI(func() { u.docs.status.SetSelected("to do") })
	wait("to do", wsDocRain)
	onUI(func() { u.docs.status.SetSelected("in progress") })
	wait("in progress", wsDocWalmart)
	onUI(func() { u.docs.status.SetSelected("skipped") })
	wait("skipped")
	onUI(func() { u.docs.status.SetSelected("all documents") })
	wait("all", wsSample, wsDocWalmart, wsDocRain)

	onUI(func() { u.docs.target.SetText("Walmart") })
	wait("target Walmart", wsSample, wsDocWalmart)
	wsEventually(t, "the status bar count", 5*time.Second, func() bool {
		var text string
		onUI(func() { text = u.status.Text })
		return strings.Contains(text, "2 of 3 documents match")
	})
	onUI(func() { u.docs.status.SetSelected("done") })
	wait("target Walmart, done", wsSample)
	onUI(func() { u.docs.target.SetText("Flipkart") })
	wait("target Flipkart, done", wsSample)
	onUI(func() { u.docs.status.SetSelected("all documents") })
	onUI(func() { u.docs.target.SetText("Madrid") })
	wait("target Madrid", wsDocRain)
	onUI(func() { u.docs.target.SetText("") })
	wait("no filter", wsSample, wsDocWalmart, wsDocRain)
	// The open document is still the one on screen, and still selected.
	if u.ws.doc.ID != wsDocWalmart || u.docs.selected != wsDocWalmart {
		t.Errorf("filtering changed the open document to %d (selected %d)", u.ws.doc.ID, u.docs.selected)
	}
}

// 12. Text size and theme, remembered.
func TestWorkspaceTextSizeAndTheme(t *testing.T) {
	u, _, a, _ := wsSetup(t)
	ctrl := fyne.KeyModifierShortcutDefault
	base := u.theme.Size(theme.SizeNameText)
	wsShortcut(u, fyne.KeyEqual, ctrl)
	if u.theme.scale < 1.05 || u.theme.Size(theme.SizeNameText) <= base {
		t.Fatalf("Ctrl+=: scale %v", u.theme.scale)
	}
	if got := a.Preferences().Float("textScale"); float32(got) != u.theme.scale {
		t.Errorf("preference %v, scale %v", got, u.theme.scale)
	}
	if a.Settings().Theme() != fyne.Theme(u.theme) {
		t.Error("the app's theme is not Slant's")
	}
	wsShortcut(u, fyne.KeyEqual, ctrl)
	big := u.theme.scale
	wsShortcut(u, fyne.KeyMinus, ctrl)
	if u.theme.scale >= big {
		t.Errorf("Ctrl+-: scale %v, was %v", u.theme.scale, big)
	}
	// The bounds (straight on the theme: a full re-layout per step is slow).
	u.theme.scale = 0.72
	u.theme.zoom(a, -1)
	if u.theme.scale < 0.69 || u.theme.scale > 0.71 {
		t.Errorf("scale %v below the floor", u.theme.scale)
	}
	u.theme.scale = 2.15
	u.theme.zoom(a, 1)
	if u.theme.scale > 2.21 || u.theme.scale < 2.19 {
		t.Errorf("scale %v above the ceiling", u.theme.scale)
	}
	if got := newSlantTheme(a.Preferences()).scale; got != u.theme.scale {
		t.Errorf("a new theme from the preferences has scale %v, want %v", got, u.theme.scale)
	}
	// The workspace still works after a zoom (it re-lays out the panel).
	if u.ws.panel.focus != 0 || len(u.ws.panel.rows) < 10 {
		t.Errorf("after zoom: focus %d, %d rows", u.ws.panel.focus, len(u.ws.panel.rows))
	}

	u.theme.setVariant(a, "dark")
	if a.Preferences().String("theme") != "dark" {
		t.Error("dark not remembered")
	}
	dark := theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark)
	light := theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantLight)
	if u.theme.Color(theme.ColorNameBackground, theme.VariantLight) != dark {
		t.Error("dark theme does not draw dark")
	}
	u.theme.setVariant(a, "light")
	if u.theme.Color(theme.ColorNameBackground, theme.VariantDark) != light || a.Preferences().String("theme") != "light" {
		t.Error("light theme does not draw light")
	}
	if newSlantTheme(a.Preferences()).variant != "light" {
		t.Error("light not remembered")
	}
}

// Ctrl+= then Ctrl+- should return to the size the text had.
func TestWorkspaceZoomRoundTrip(t *testing.T) {
	u, _, _, _ := wsSetup(t)
	ctrl := fyne.KeyModifierShortcutDefault
	wsShortcut(u, fyne.KeyEqual, ctrl)
	wsShortcut(u, fyne.KeyMinus, ctrl)
	if u.theme.scale != 1 {
		t.Errorf("scale %v after Ctrl+= and Ctrl+-, want 1", u.theme.scale)
	}
}

// A project without documents: keys and taps must not crash.
func TestWorkspaceEmptyProjectKeys(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "empty.slant")
	db, err := store.Open(ctx, path, store.Options{}) // no sample
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	u := wsNew(t, test.NewTempApp(t), db, "ana")
	for _, k := range []fyne.KeyName{fyne.KeyEscape, fyne.KeyRight, fyne.KeyLeft, fyne.KeyTab} {
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("%s on an empty project: panic %v", k, p)
				}
			}()
			wsKey(u, k)
		}()
	}
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Errorf("a tap on an empty project: panic %v", p)
			}
		}()
		u.article.text.OnTapped(3)
	}()
}

// TestWorkspaceKeyboardOnlyNewEntity makes a new entity without the mouse:
// Shift+Right starts a text selection at the focused unit's first mention
// and grows it a token at a time, Ctrl+Right moves its start, and O makes
// it an organisation.
func TestWorkspaceKeyboardOnlyNewEntity(t *testing.T) {
	u, db, _, _ := wsSetup(t)
	ws := u.ws
	wsFocusRow(t, u, wsRowOf(t, u, annotate.TargetUnit(wsTUnitedStates)))
	wsWith(u, desktop.KeyShiftLeft, fyne.KeyRight) // starts at "United"
	if got := ws.slice(ws.selText[0], ws.selText[1]); got != "United" {
		t.Fatalf("first Shift+Right selects %q, want \"United\"", got)
	}
	wsWith(u, desktop.KeyShiftLeft, fyne.KeyRight)
	wsWith(u, desktop.KeyShiftLeft, fyne.KeyRight)
	if got := ws.slice(ws.selText[0], ws.selText[1]); got != "United States is" {
		t.Fatalf("selection %q", got)
	}
	wsWith(u, desktop.KeyControlLeft, fyne.KeyRight)
	if got := ws.slice(ws.selText[0], ws.selText[1]); got != "States is" {
		t.Fatalf("after Ctrl+Right: %q", got)
	}
	if !wsHasOverlay(u, ws.selText[0], ws.selText[1], true) {
		t.Error("the selection is not drawn")
	}
	wsRune(u, 'o')
	s, ok := ws.layer.Span(ws.selSpan)
	if !ok || s.Decision != annotate.Added || s.Label != "ORG" || ws.slice(s.Start, s.End) != "States is" {
		t.Fatalf("new span %+v", s)
	}
	if got := wsSpan(t, db, wsSample, ws.ann.ID, s.ID); got.Start != s.Start || got.End != s.End {
		t.Fatalf("store has %+v", got)
	}
}
