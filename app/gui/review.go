package gui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/slant-annotate/slant/annotate/review"
	"github.com/slant-annotate/slant/annotate/schema"
	"github.com/slant-annotate/slant/app/ops"
)

// reviewMode is the window's Review mode: agreement on the project (the
// summary, with its pictures), the list of disagreements and the one open,
// where a key decides gold's value. It replaces the labelling view while it
// is on (Ctrl+R, or Review → Review Agreement…) and gives it back on
// Escape. The keyboard stays on the disagreement list: the review has no
// text field.
type reviewMode struct {
	ui     *UI
	rev    *ops.Review
	schema *schema.Schema
	active bool
	// labelling is the window's labelling content, put back on close.
	labelling fyne.CanvasObject

	root     fyne.CanvasObject
	header   *widget.Label
	progress *widget.Label
	top      *fyne.Container // the bar with the header, progress and buttons
	status   *widget.Label
	accept   *widget.Button
	taskSel  *widget.Select
	annSel   *widget.Select
	list     *disagreementList
	right    *fyne.Container // the summary, or the open disagreement
	summary  *reviewSummary
	detail   *reviewDetail

	shown  []int // the disagreements the filters keep (indices in rev.Disagreements)
	cursor int   // position in shown
	open   int   // the disagreement shown in detail, or -1
	// decided holds the disagreement each of this session's actions was
	// about (-1 for accepting many), so undo and redo can return to it.
	decided, undone []int

	// onLoaded is called when a review has loaded (for tests), with the
	// error if it failed.
	onLoaded func(error)
}

// reviewBootstrap is the number of resamples for alpha's interval, as
// `slant agreement` makes.
const reviewBootstrap = 1000

// reviewing reports whether the window shows the review.
func (u *UI) reviewing() bool { return u.review != nil && u.review.active }

// toggleReview opens the review, or goes back to labelling (Ctrl+R).
func (u *UI) toggleReview() {
	if u.reviewing() {
		u.review.close()
		return
	}
	u.openReview()
}

// undo takes back the last action of whoever the window shows: gold's
// decisions in the review, else the annotator's labels.
func (u *UI) undo(redo bool) {
	if u.reviewing() {
		u.review.undo(redo)
		return
	}
	u.withWorkspace(func(w *workspace) { w.undo(redo) })
}

// openReview asks once whether the annotator wants to see others' labels
// (they are no longer blind from then on), then shows the review.
func (u *UI) openReview() {
	if u.ws == nil {
		u.showError(errors.New("say who you are first (Annotator → Switch Annotator…): the review records who has seen others' labels"))
		return
	}
	if u.review == nil {
		u.review = newReviewMode(u)
	}
	ann, err := u.db.FindAnnotator(context.Background(), u.ws.ann.Name)
	if err != nil {
		u.showError(err)
		return
	}
	if ann.Unblinded != "" {
		u.review.start()
		return
	}
	u.confirmUnblind(u.review.start)
}

// confirmUnblind asks before the annotator sees others' labels: Enter or
// the button goes on, Escape cancels.
func (u *UI) confirmUnblind(yes func()) {
	msg := widget.NewLabel("You will see other annotators' labels. From now on, agreement will mark you (" +
		u.ws.ann.Name + ") as not blind.\nThis is asked only once.")
	msg.Wrapping = fyne.TextWrapWord
	var d dialog.Dialog
	keys := &dialogKeys{}
	keys.ExtendBaseWidget(keys)
	keys.onEnter = func() { d.Hide(); yes() }
	keys.onEscape = func() { d.Hide(); u.refocus() }
	ok := widget.NewButton("Show others' labels (Enter)", keys.onEnter)
	ok.Importance = widget.HighImportance
	cancel := widget.NewButton("Cancel (Escape)", keys.onEscape)
	content := container.NewVBox(msg, container.NewHBox(keys, cancel, ok))
	d = dialog.NewCustomWithoutButtons("Review agreement", content, u.win)
	d.Resize(fyne.NewSize(520, 180))
	d.Show()
	u.win.Canvas().Focus(keys)
}

// dialogKeys takes a dialog's keyboard: Enter and Escape.
type dialogKeys struct {
	widget.BaseWidget
	onEnter, onEscape func()
}

func (k *dialogKeys) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack())
}
func (k *dialogKeys) FocusGained()       {}
func (k *dialogKeys) FocusLost()         {}
func (k *dialogKeys) TypedRune(rune)     {}
func (k *dialogKeys) MinSize() fyne.Size { return fyne.NewSize(0, 0) }
func (k *dialogKeys) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		k.onEnter()
	case fyne.KeyEscape:
		k.onEscape()
	}
}

func newReviewMode(u *UI) *reviewMode {
	m := &reviewMode{ui: u, open: -1}
	m.header = widget.NewLabelWithStyle("REVIEW", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	m.progress = widget.NewLabel("")
	m.status = widget.NewLabel("")
	m.status.Truncation = fyne.TextTruncateClip
	m.accept = widget.NewButton("Accept all where everyone agrees", m.acceptAgreed)
	back := widget.NewButton("Back to labelling (Esc)", m.close)
	m.taskSel = widget.NewSelect(nil, func(string) { m.applyFilter(); m.refocus() })
	m.annSel = widget.NewSelect(nil, func(string) { m.applyFilter(); m.refocus() })
	m.list = newDisagreementList(m)
	m.summary = newReviewSummary(m)
	m.detail = newReviewDetail(m)
	m.right = container.NewStack(m.summary.root)
	filters := container.NewGridWithColumns(2, m.taskSel, m.annSel)
	left := container.NewBorder(container.NewVBox(widget.NewLabelWithStyle("Disagreements, furthest apart first",
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), filters), nil, nil, nil, m.list)
	split := container.NewHSplit(left, m.right)
	split.Offset = 0.36
	m.top = container.NewBorder(nil, nil, m.header, container.NewHBox(m.progress, m.accept, back))
	m.root = container.NewBorder(m.top, m.status, nil, nil, split)
	return m
}

// start shows the review and loads it in the background.
func (m *reviewMode) start() {
	u := m.ui
	m.show()
	m.rev = nil
	m.header.SetText("REVIEW · loading…")
	m.status.SetText("reading every annotator's labels and matching their units…")
	m.refocus()
	name := u.ws.ann.Name
	db := u.db
	go func() {
		rev, err := ops.OpenReview(context.Background(), db, name, ops.AgreementOptions{Bootstrap: reviewBootstrap, Seed: 1})
		fyne.Do(func() {
			if err == nil && m.active {
				err = m.install(rev)
			}
			if err != nil {
				m.status.SetText(err.Error())
				u.showError(err)
			}
			if m.onLoaded != nil {
				m.onLoaded(err)
			}
		})
	}()
}

// show puts the review in the window, with the keyboard.
func (m *reviewMode) show() {
	if m.active {
		return
	}
	u := m.ui
	m.labelling = u.win.Content()
	m.active = true
	u.win.SetContent(m.root)
	c := u.win.Canvas()
	c.SetOnTypedRune(func(r rune) { m.key(string(r), true) })
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) { m.key(string(ev.Name), false) })
}

// install shows a loaded review.
func (m *reviewMode) install(rev *ops.Review) error {
	sch, _, err := m.ui.db.Schema(context.Background())
	if err != nil {
		return err
	}
	m.rev, m.schema = rev, sch
	m.decided, m.undone = nil, nil
	who := rev.Reviewer.Name + " (not blind)"
	m.header.SetText(fmt.Sprintf("REVIEW · %s · %s · annotators: %s", who, plural(len(rev.Set.Docs), "document"),
		strings.Join(rev.Set.Annotators, ", ")))
	tasks := []string{"every task"}
	for _, t := range sch.Tasks {
		tasks = append(tasks, t.Name)
	}
	tasks = append(tasks, review.EntitySpans, review.QuoteSpans)
	anns := append([]string{"every annotator"}, rev.Set.Annotators...)
	m.taskSel.Options, m.annSel.Options = tasks, anns
	m.taskSel.Selected, m.annSel.Selected = tasks[0], anns[0]
	m.taskSel.Refresh()
	m.annSel.Refresh()
	m.summary.show(rev)
	m.detail.setup(rev)
	m.open = -1
	m.right.Objects = []fyne.CanvasObject{m.summary.root}
	m.right.Refresh()
	m.cursor = 0
	m.applyFilter()
	m.status.SetText("Enter opens a disagreement · a label's key decides gold's value · G takes the majority · Ctrl+Z undoes · Esc goes back")
	m.refocus()
	return nil
}

// close goes back to labelling.
func (m *reviewMode) close() {
	if !m.active {
		return
	}
	u := m.ui
	m.active = false
	u.win.SetContent(m.labelling)
	c := u.win.Canvas()
	if ws := u.ws; ws != nil {
		c.SetOnTypedRune(func(r rune) { ws.key(string(r), true) })
		c.SetOnTypedKey(func(ev *fyne.KeyEvent) { ws.key(string(ev.Name), false) })
	} else {
		c.SetOnTypedRune(nil)
		c.SetOnTypedKey(nil)
	}
	u.refocus()
}

// spanChoice is the value key k picks for a span-layer disagreement: a
// digit takes that annotator's span (1 the first), 0 or N takes none; ""
// when the key picks nothing.
func spanChoice(d *review.Disagreement, k string) string {
	if k == "0" || k == "n" || k == "N" {
		return review.NoSpan
	}
	if len(k) == 1 && k[0] >= '1' && k[0] <= '9' {
		if a := int(k[0] - '1'); a < len(d.Values) {
			return d.Values[a]
		}
	}
	return ""
}

// refocus gives the keyboard back to the disagreement list.
func (m *reviewMode) refocus() { m.ui.win.Canvas().Focus(m.list) }

// filterValues returns the task and annotator the filters choose ("" any).
func (m *reviewMode) filterValues() (task, ann string) {
	task, ann = m.taskSel.Selected, m.annSel.Selected
	if task == "every task" {
		task = ""
	}
	if ann == "every annotator" {
		ann = ""
	}
	return task, ann
}

// applyFilter lists the disagreements the filters keep.
func (m *reviewMode) applyFilter() {
	if m.rev == nil {
		return
	}
	at := m.current()
	m.shown = m.rev.Filter(m.filterValues())
	m.cursor = 0
	found := false
	for p, i := range m.shown {
		if i == at {
			m.cursor, found = p, true
		}
	}
	if !found && m.open >= 0 {
		m.closeDetail()
	}
	m.list.refresh()
	m.updateProgress()
}

// current is the disagreement the keys act on: the one open, else the one
// under the cursor; -1 if none.
func (m *reviewMode) current() int {
	if m.open >= 0 {
		return m.open
	}
	if m.cursor >= 0 && m.cursor < len(m.shown) {
		return m.shown[m.cursor]
	}
	return -1
}

// updateProgress shows how many disagreements gold has decided.
func (m *reviewMode) updateProgress() {
	if m.rev == nil {
		return
	}
	decided, total := m.rev.Progress()
	text := fmt.Sprintf("decided %d of %d", decided, total)
	if len(m.shown) != total {
		n := 0
		for _, i := range m.shown {
			if m.rev.Disagreements[i].Gold != "" {
				n++
			}
		}
		text += fmt.Sprintf(" (this list: %d of %d)", n, len(m.shown))
	}
	if m.progress.Text != text {
		m.progress.SetText(text)
		m.top.Refresh() // the bar lays its parts out again for the new width
	}
}

// key runs a key of the review. While a dialog is open, keys belong to it.
func (m *reviewMode) key(k string, isRune bool) {
	u := m.ui
	if top := u.win.Canvas().Overlays().Top(); top != nil {
		if k == "Escape" || k == string(fyne.KeyReturn) || k == string(fyne.KeyEnter) {
			u.closeModal()
		}
		return
	}
	if k == "Escape" {
		if m.open >= 0 {
			m.closeDetail()
		} else {
			m.close()
		}
		return
	}
	if m.rev == nil {
		return
	}
	switch k {
	case "Down", "j", "Tab":
		m.moveCursor(m.cursor + 1)
		return
	case "Up", "k", "Shift+Tab":
		m.moveCursor(m.cursor - 1)
		return
	case "Page_Down", "PageDown":
		m.moveCursor(m.cursor + 10)
		return
	case "Page_Up", "PageUp":
		m.moveCursor(m.cursor - 10)
		return
	case string(fyne.KeyReturn), string(fyne.KeyEnter):
		if i := m.current(); i >= 0 {
			m.openDisagreement(i)
		}
		return
	case "BackSpace", "Delete":
		if i := m.current(); i >= 0 && m.rev.Disagreements[i].Gold != "" {
			m.decide(i, "", false)
		}
		return
	}
	if !isRune {
		return
	}
	i := m.current()
	if i < 0 {
		return
	}
	if k == "g" || k == "G" {
		m.majority(i)
		return
	}
	if d := &m.rev.Disagreements[i]; review.IsSpanTask(d.Task) {
		if v := spanChoice(d, k); v != "" {
			m.decide(i, v, true)
		}
		return
	}
	if t, ok := m.schema.Task(m.rev.Disagreements[i].Task); ok {
		if l, ok := t.LabelForKey(strings.ToLower(k)); ok {
			m.decide(i, l.Value, true)
		}
	}
}

// moveCursor moves the list's cursor; with a disagreement open, the one
// under the cursor opens.
func (m *reviewMode) moveCursor(p int) {
	if len(m.shown) == 0 {
		return
	}
	p = max(0, min(p, len(m.shown)-1))
	old := m.cursor
	m.cursor = p
	m.list.refreshRow(old)
	m.list.showCursor()
	if m.open >= 0 {
		m.openDisagreement(m.shown[p])
	}
}

// openDisagreement shows disagreement i with its article.
func (m *reviewMode) openDisagreement(i int) {
	m.open = i
	for p, j := range m.shown {
		if j == i && p != m.cursor {
			old := m.cursor
			m.cursor = p
			m.list.refreshRow(old)
			m.list.showCursor()
		}
	}
	m.detail.show(i)
	if len(m.right.Objects) != 1 || m.right.Objects[0] != m.detail.root {
		m.right.Objects = []fyne.CanvasObject{m.detail.root}
		m.right.Refresh()
	}
}

// closeDetail goes back from a disagreement to the summary.
func (m *reviewMode) closeDetail() {
	m.open = -1
	m.right.Objects = []fyne.CanvasObject{m.summary.root}
	m.right.Refresh()
}

// decide makes value gold's answer for disagreement i and, when advance
// is set, opens the next undecided one in the list at once.
func (m *reviewMode) decide(i int, value string, advance bool) {
	if _, err := m.rev.Decide(context.Background(), i, value); err != nil {
		m.ui.showError(err)
		return
	}
	m.decided, m.undone = append(m.decided, i), nil
	d := m.rev.Disagreements[i]
	if value == "" {
		m.status.SetText(fmt.Sprintf("cleared gold's %s of %s", d.Task, unitName(d.Unit)))
	} else {
		m.status.SetText(fmt.Sprintf("gold: %s of %s = %s", d.Task, unitName(d.Unit), value))
	}
	m.afterChange(i, advance)
}

// majority decides disagreement i by the majority's value (G).
func (m *reviewMode) majority(i int) {
	v, _, err := m.rev.TakeMajority(context.Background(), i)
	if errors.Is(err, ops.ErrNoMajority) {
		m.status.SetText("no majority: the annotators are split evenly; choose gold's value with a label's key")
		return
	}
	if err != nil {
		m.ui.showError(err)
		return
	}
	m.decided, m.undone = append(m.decided, i), nil
	d := m.rev.Disagreements[i]
	m.status.SetText(fmt.Sprintf("gold takes the majority: %s of %s = %s", d.Task, unitName(d.Unit), v))
	m.afterChange(i, true)
}

// afterChange redraws after gold's value of disagreement i changed, and
// opens the next undecided disagreement when advance is set.
func (m *reviewMode) afterChange(i int, advance bool) {
	m.updateProgress()
	m.list.refreshIndex(i)
	if !advance {
		if m.open >= 0 {
			m.detail.show(m.open)
		}
		return
	}
	for p := m.cursor + 1; p < len(m.shown); p++ {
		if m.rev.Disagreements[m.shown[p]].Gold == "" {
			m.openDisagreement(m.shown[p])
			return
		}
	}
	if m.open >= 0 {
		m.detail.show(m.open)
	}
	m.status.SetText(m.status.Text + " · no undecided disagreement further down this list")
}

// acceptAgreed makes gold take every value all annotators agree on: one
// action.
func (m *reviewMode) acceptAgreed() {
	if m.rev == nil {
		return
	}
	n, _, err := m.rev.AcceptAgreed(context.Background())
	if err != nil {
		m.ui.showError(err)
		return
	}
	if n > 0 {
		m.decided, m.undone = append(m.decided, -1), nil
	}
	m.status.SetText(fmt.Sprintf("gold accepted %s where everyone agrees (one action: Ctrl+Z takes it back)", plural(n, "unit")))
	m.list.refresh()
	m.updateProgress()
	m.refocus()
}

// undo takes back (or redoes) gold's last decision and returns to the
// disagreement it was about.
func (m *reviewMode) undo(redo bool) {
	if m.rev == nil {
		return
	}
	ctx := context.Background()
	var ok bool
	var err error
	if redo {
		_, ok, err = m.rev.Redo(ctx)
	} else {
		_, ok, err = m.rev.Undo(ctx)
	}
	if err != nil {
		m.ui.showError(err)
		return
	}
	verb := map[bool]string{true: "redo", false: "undo"}[redo]
	if !ok {
		m.status.SetText("nothing of gold's to " + verb)
		return
	}
	i := -1
	from, to := &m.decided, &m.undone
	if redo {
		from, to = to, from
	}
	if n := len(*from); n > 0 {
		i = (*from)[n-1]
		*from = (*from)[:n-1]
		*to = append(*to, i)
	}
	m.list.refresh()
	m.updateProgress()
	if i >= 0 {
		m.openDisagreement(i)
		d := m.rev.Disagreements[i]
		m.status.SetText(fmt.Sprintf("%s: gold's %s of %s is now %q", map[bool]string{true: "redone", false: "undone"}[redo],
			d.Task, unitName(d.Unit), d.Gold))
	} else {
		if m.open >= 0 {
			m.detail.show(m.open)
		}
		m.status.SetText(map[bool]string{true: "redone", false: "undone"}[redo] + ": gold's last action")
	}
	m.refocus()
}

// unitName names a unit for people: a target's name, a quote's opening
// words, or "the article".
func unitName(u review.Unit) string {
	if u.Scope == schema.ScopeDocument {
		return "the article"
	}
	if u.Name == "" {
		return string(u.Scope)
	}
	return clipText(u.Name, 60)
}

// valueLine shows each annotator's value, and gold's when decided.
func valueLine(rev *ops.Review, d *review.Disagreement) string {
	var b strings.Builder
	for a, name := range rev.Set.Annotators {
		if a > 0 {
			b.WriteString(" · ")
		}
		v := d.Values[a]
		if v == "" {
			v = "—"
		}
		b.WriteString(name + " " + v)
	}
	if d.Gold != "" {
		b.WriteString("  →  gold " + d.Gold)
	}
	return b.String()
}
