package gui

import (
	"context"
	"fmt"
	"image/color"
	"sort"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/schema"
	"github.com/slant-annotate/slant/store"
)

// workspace is where an annotator labels: the open document, their layer
// over it, the label panel and the keyboard. Every change goes to the store
// at once; the screen shows a change as saved only after it is on disk.
type workspace struct {
	ui            *UI
	ann           store.Annotator
	schema        *schema.Schema
	schemaVersion int
	keys          *keymap
	panel         *LabelPanel

	doc    annotate.Document
	runes  []rune // the document's text, for token moves
	layer  *annotate.Layer
	opened time.Time

	selSpan int64  // selected span id, 0 none
	selText [2]int // a text selection [start, end), or {0, 0}

	session struct {
		started  time.Time
		finished int
		seconds  []float64
	}
	ahead struct {
		sync.Mutex
		next *prefetched
		gen  int // bumped by dropPrefetch, so a read in flight is not kept
	}
	retry   *time.Timer
	pending []pendingLabel // labels whose write failed, retried until written
}

func newWorkspace(ui *UI, ann store.Annotator) (*workspace, error) {
	w := &workspace{ui: ui, ann: ann, keys: loadKeymap(ui.app.Preferences())}
	w.session.started = time.Now()
	var err error
	w.schema, w.schemaVersion, err = ui.db.Schema(context.Background())
	if err != nil {
		return nil, err
	}
	w.panel = newLabelPanel(w)
	ui.article.text.OnTapped = w.tapped
	ui.article.text.OnSelected = w.selected
	return w, nil
}

// refocus gives the keyboard back to the label panel.
func (w *workspace) refocus() { w.ui.win.Canvas().Focus(w.panel) }

// open shows a document with the annotator's layer and focuses its first unit.
func (w *workspace) open(id int64) error {
	doc, layer, err := w.load(id)
	if err != nil {
		return err
	}
	w.doc, w.layer, w.opened = doc, layer, time.Now()
	w.runes = []rune(doc.Text)
	w.selSpan, w.selText = 0, [2]int{}
	w.ui.article.showDoc(doc, w.summary())
	w.ui.article.text.SetText(doc.Text, w.highlights())
	w.panel.setRows(w.rows(), 0)
	w.focusChanged()
	w.refocus()
	w.ui.app.Preferences().SetInt(lastDocPref(w.ui.db), int(id))
	w.updateProgress()
	go w.prefetch(id)
	return nil
}

// load reads a document and the annotator's layer over it, or takes them
// from the prefetch when it read this very document.
func (w *workspace) load(id int64) (annotate.Document, *annotate.Layer, error) {
	w.ahead.Lock()
	p := w.ahead.next
	w.ahead.next = nil
	w.ahead.Unlock()
	if p != nil && p.doc.ID == id {
		return p.doc, p.layer, nil
	}
	ctx := context.Background()
	doc, err := w.ui.db.Document(ctx, id)
	if err != nil {
		return doc, nil, err
	}
	layer, err := w.ui.db.Layer(ctx, id, w.ann.ID)
	return doc, layer, err
}

// prefetched is a document read ahead, with the annotator's layer.
type prefetched struct {
	doc   annotate.Document
	layer *annotate.Layer
}

// prefetch reads (and seeds) the next document to do in the background, so
// that Enter shows it without reading or writing first. Only this window
// writes the project, and any change to the prefetched document (an undo
// that reaches it) drops the prefetch.
func (w *workspace) prefetch(after int64) {
	w.ahead.Lock()
	gen := w.ahead.gen
	w.ahead.Unlock()
	ctx := context.Background()
	next, ok, err := w.ui.db.NextToDo(ctx, w.ann.ID, after)
	if err != nil || !ok || next == after {
		return
	}
	doc, err := w.ui.db.Document(ctx, next)
	if err != nil {
		return
	}
	layer, err := w.ui.db.Layer(ctx, next, w.ann.ID)
	if err != nil {
		return
	}
	w.ahead.Lock()
	if w.ahead.gen == gen { // nothing was dropped while reading
		w.ahead.next = &prefetched{doc, layer}
	}
	w.ahead.Unlock()
}

// dropPrefetch forgets what was read ahead (after an undo or redo).
func (w *workspace) dropPrefetch() {
	w.ahead.Lock()
	w.ahead.next = nil
	w.ahead.gen++
	w.ahead.Unlock()
}

// reload re-reads the layer after a structural change, keeping the focus.
func (w *workspace) reload() {
	layer, err := w.ui.db.Layer(context.Background(), w.doc.ID, w.ann.ID)
	if err != nil {
		w.ui.showError(err)
		return
	}
	w.layer = layer
	if s, ok := layer.Span(w.selSpan); !ok || !s.Live() {
		w.selSpan = 0 // undone, or rejected: nothing to act on
	}
	focus := w.panel.focus
	w.ui.article.text.SetTextKeepScroll(w.doc.Text, w.highlights())
	w.ui.article.setSummary(w.summary())
	w.panel.setRows(w.rows(), focus)
	w.focusChanged()
	w.updateProgress()
}

func (w *workspace) summary() string {
	if w.layer == nil {
		return ""
	}
	c := w.layer.Counts()
	return fmt.Sprintf("%d targets · %d quotes · suggestions: %d kept, %d edited, %d rejected, %d pending; %d added · %s",
		len(w.layer.LiveTargets()), len(w.layer.Quotes()), c[annotate.Accepted], c[annotate.Edited], c[annotate.Rejected],
		c[annotate.Pending], c[annotate.Added], w.layer.Status)
}

// rows lists the units to label: the document's tasks, then each target,
// then each quote.
func (w *workspace) rows() []*unitRow {
	var rows []*unitRow
	l := w.layer
	for _, t := range w.schema.TasksFor(schema.ScopeDocument) {
		t := t
		rows = append(rows, &unitRow{kind: "DOCUMENT", task: &t, unit: annotate.UnitDocument,
			title: t.Question, detail: "the article as a whole", value: l.Labels[annotate.LabelKey{Task: t.Name, Unit: annotate.UnitDocument}].Value, saved: true})
	}
	targetTasks := w.schema.TasksFor(schema.ScopeTarget)
	for _, tg := range l.LiveTargets() {
		mentions := l.Mentions(tg.ID)
		if len(mentions) == 0 {
			continue // every mention rejected or moved: nothing left to label
		}
		var spans []Overlay
		first := -1
		for _, m := range mentions {
			spans = append(spans, Overlay{Start: m.Start, End: m.End, Stroke: focusStroke})
			if first < 0 {
				first = m.Start
			}
		}
		title := tg.Name
		facts := fmt.Sprintf("%s · %s", tg.Label, plural(len(mentions), "mention"))
		unit := annotate.TargetUnit(tg.ID)
		if len(targetTasks) == 0 {
			rows = append(rows, &unitRow{kind: "TARGET", unit: unit, title: title, detail: facts, spans: spans, first: first, target: tg.ID, saved: true})
		}
		for _, t := range targetTasks {
			t := t
			detail := facts + " · " + t.Question
			rows = append(rows, &unitRow{kind: "TARGET", task: &t, unit: unit, title: title, detail: detail,
				value: l.Labels[annotate.LabelKey{Task: t.Name, Unit: unit}].Value, spans: spans, first: first, target: tg.ID, saved: true})
		}
	}
	quoteTasks := w.schema.TasksFor(schema.ScopeQuote)
	for _, q := range l.Quotes() {
		unit := annotate.QuoteUnit(q.ID)
		text := w.slice(q.Start, q.End)
		speaker := "no speaker"
		if q.HasSpeaker {
			speaker = w.slice(q.SpeakerStart, q.SpeakerEnd)
		}
		spans := []Overlay{{Start: q.Start, End: q.End, Stroke: focusStroke}}
		if q.HasSpeaker {
			spans = append(spans, Overlay{Start: q.SpeakerStart, End: q.SpeakerEnd, Stroke: focusStroke})
		}
		title := clipText(text, 90) + " — " + speaker
		if len(quoteTasks) == 0 {
			rows = append(rows, &unitRow{kind: "QUOTE", unit: unit, title: title, detail: "speaker: " + speaker, spans: spans, first: q.Start, quote: q.ID, saved: true})
		}
		for _, t := range quoteTasks {
			t := t
			v := l.Labels[annotate.LabelKey{Task: t.Name, Unit: unit}]
			towards := v.Towards
			if towards == 0 && t.Towards == schema.TowardsQuoteTarget {
				towards = l.QuoteTarget(q, annotate.Paragraph(w.runes, q.Start, q.End))
			}
			rows = append(rows, &unitRow{kind: "QUOTE", task: &t, unit: unit, title: title,
				detail: w.towardsText(&t, towards), value: v.Value, towards: towards, spans: spans, first: q.Start, quote: q.ID, saved: true})
		}
	}
	return rows
}

func (w *workspace) towardsText(t *schema.Task, towards int64) string {
	switch {
	case t.Towards == schema.TowardsQuoteTarget:
		name := "no target (press t to choose)"
		if tg, ok := w.layer.Target(towards); ok {
			name = tg.Name + " (t: next target)"
		}
		return t.Question + " · towards " + name
	case strings.HasPrefix(t.Towards, schema.TowardsTarget):
		return t.Question + " · towards " + strings.TrimPrefix(t.Towards, schema.TowardsTarget)
	case strings.HasPrefix(t.Towards, schema.TowardsClaim):
		id := strings.TrimPrefix(t.Towards, schema.TowardsClaim)
		if c, ok := w.schema.Claim(id); ok {
			return t.Question + " · towards “" + c.Text + "”"
		}
	}
	return t.Question
}

func (w *workspace) slice(start, end int) string {
	start, end = max(0, min(start, len(w.runes))), max(0, min(end, len(w.runes)))
	return string(w.runes[start:end])
}

func clipText(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

var (
	focusStroke  = color.NRGBA{0xff, 0xff, 0xff, 0xd0}
	selectFill   = color.NRGBA{0x3b, 0x82, 0xf6, 0x60}
	selectStroke = color.NRGBA{0xfb, 0xbf, 0x24, 0xff}
)

// highlights colours the annotator's live spans; untouched suggestions
// are paler than decided ones.
func (w *workspace) highlights() []Highlight {
	var hls []Highlight
	for _, s := range w.layer.Spans {
		if !s.Live() || s.Kind != annotate.KindQuote {
			continue
		}
		hls = append(hls, Highlight{Start: s.Start, End: s.End, Color: quoteColor})
		if s.HasSpeaker {
			hls = append(hls, Highlight{Start: s.SpeakerStart, End: s.SpeakerEnd, Color: speakerColor})
		}
	}
	for _, s := range w.layer.Spans {
		if !s.Live() || s.Kind != annotate.KindEntity {
			continue
		}
		c, ok := labelColors[s.Label]
		if !ok {
			c = otherColor
		}
		if s.Decision == annotate.Pending {
			c.A = c.A * 2 / 3
		} else {
			c.A = 0xa0
		}
		hls = append(hls, Highlight{Start: s.Start, End: s.End, Color: c})
	}
	return hls
}

// focusChanged outlines the focused unit's spans and the selection.
func (w *workspace) focusChanged() {
	if w.layer == nil {
		return
	}
	var ov []Overlay
	if r := w.panel.current(); r != nil {
		ov = append(ov, r.spans...)
		if r.first >= 0 && len(r.spans) > 0 {
			w.ui.article.text.ScrollToOffset(r.first)
		}
	}
	if s, ok := w.layer.Span(w.selSpan); ok && w.selSpan != 0 {
		ov = append(ov, Overlay{Start: s.Start, End: s.End, Fill: selectFill, Stroke: selectStroke})
	}
	if w.selText[1] > w.selText[0] {
		ov = append(ov, Overlay{Start: w.selText[0], End: w.selText[1], Fill: selectFill})
	}
	w.ui.article.text.SetOverlays(ov)
}

// setLabel labels the row's unit; the row shows "unsaved" until the label
// is on disk, and Slant retries a failed write until it succeeds.
func (w *workspace) setLabel(r *unitRow, value string) {
	if r.task == nil {
		return
	}
	// The write is synchronous: the row is drawn once, saved or unsaved.
	r.value, r.saved = value, false
	w.save(r)
}

func (w *workspace) save(r *unitRow) {
	if err := w.write(r, w.doc.ID); err != nil {
		w.ui.status.SetText("NOT SAVED: " + err.Error())
		w.ui.showError(fmt.Errorf("the label %q was not saved, and is marked unsaved; Slant retries every 5 seconds: %w", r.value, err))
		w.pending = append(w.pending, pendingLabel{row: r, doc: w.doc.ID})
		w.scheduleRetry()
		w.panel.setRow(r)
		return
	}
	w.markSaved(r)
}

// write stores a row's label for a document.
func (w *workspace) write(r *unitRow, doc int64) error {
	v := annotate.LabelValue{Value: r.value}
	if r.task.Towards == schema.TowardsQuoteTarget {
		v.Towards = r.towards
	}
	_, err := w.ui.db.SetLabel(context.Background(), w.ann.ID, doc, r.task.Name, r.unit, v, w.schemaVersion)
	return err
}

// markSaved shows a row as saved (and its document as started).
func (w *workspace) markSaved(r *unitRow) {
	r.saved = true
	v := annotate.LabelValue{Value: r.value}
	if r.task.Towards == schema.TowardsQuoteTarget {
		v.Towards = r.towards
	}
	if w.layer.Status == annotate.StatusToDo {
		w.layer.Status = annotate.StatusInProgress
		w.ui.docs.setStatus(w.doc.ID, w.layer.Status)
	}
	w.layer.Labels[annotate.LabelKey{Task: r.task.Name, Unit: r.unit}] = v
	w.panel.setRow(r)
	w.ui.status.SetText(fmt.Sprintf("saved %s = %s", r.task.Name, r.value))
}

// pendingLabel is a label whose write failed, to retry.
type pendingLabel struct {
	row *unitRow
	doc int64
}

// scheduleRetry retries every unsaved label in 5 seconds, whichever
// document is open by then, until each is written.
func (w *workspace) scheduleRetry() {
	if w.retry != nil {
		return
	}
	w.retry = time.AfterFunc(5*time.Second, func() {
		fyne.Do(func() {
			w.retry = nil
			var still []pendingLabel
			for _, p := range w.pending {
				if p.row.saved {
					continue // labelled again meanwhile, and saved
				}
				if err := w.write(p.row, p.doc); err != nil {
					still = append(still, p)
					continue
				}
				if p.doc == w.doc.ID {
					w.markSaved(p.row)
				} else {
					p.row.saved = true
				}
			}
			w.pending = still
			if len(still) > 0 {
				w.ui.status.SetText(fmt.Sprintf("NOT SAVED: %d labels still waiting to be written", len(still)))
				w.scheduleRetry()
			} else {
				w.ui.status.SetText("every label is saved")
			}
		})
	})
}

// key runs what a key is bound to. While a dialog is open, keys belong to
// it: Escape or Enter closes it, and nothing reaches the document behind.
func (w *workspace) key(k string, isRune bool) {
	if top := w.ui.win.Canvas().Overlays().Top(); top != nil {
		if k == "Escape" || k == string(fyne.KeyReturn) || k == string(fyne.KeyEnter) {
			w.ui.closeModal()
		}
		return
	}
	if w.layer == nil {
		return // no document open (an empty project)
	}
	r := w.panel.current()
	spanMode := w.selSpan != 0 || w.selText[1] > w.selText[0]
	if isRune && r != nil && r.task != nil {
		if l, ok := r.task.LabelForKey(strings.ToLower(k)); ok && !(spanMode && isSpanLetter(w.keys, k)) {
			w.setLabel(r, l.Value)
			if i := w.panel.focus; i+1 < len(w.panel.rows) && w.autoAdvance() {
				w.panel.focusRow(i + 1)
			}
			return
		}
	}
	a, ok := w.keys.lookup(k)
	if !ok && isRune {
		a, ok = w.keys.lookup(strings.ToLower(k))
	}
	if !ok {
		return
	}
	w.run(a)
}

// autoAdvance: after labelling, move to the next unit (Prodigy-style).
func (w *workspace) autoAdvance() bool {
	return w.ui.app.Preferences().BoolWithFallback("autoAdvance", true)
}

func isSpanLetter(km *keymap, k string) bool {
	a, ok := km.lookup(strings.ToLower(k))
	return ok && (a == actPerson || a == actOrg || a == actGPE || a == actLoc || a == actQuote || a == actSpeaker || a == actTarget)
}

func (w *workspace) run(a action) {
	p := w.panel
	switch a {
	case actNext:
		p.focusRow(p.focus + 1)
	case actPrev:
		p.focusRow(p.focus - 1)
	case actDone:
		w.finish(annotate.StatusDone)
	case actSkip:
		w.finish(annotate.StatusSkipped)
	case actHelp:
		w.showCheatSheet()
	case actEscape:
		w.selSpan, w.selText = 0, [2]int{}
		w.focusChanged()
	case actAccept, actReject:
		w.decide(a == actAccept)
	case actClear:
		if w.selSpan != 0 {
			w.apply(w.ui.db.DeleteSpan(context.Background(), w.ann.ID, w.doc.ID, w.selSpan))
			w.selSpan = 0
			w.reload()
		} else if r := p.current(); r != nil && r.value != "" {
			w.setLabel(r, "")
		}
	case actTarget:
		w.targetKey()
	case actMerge:
		w.mergeDialog()
	case actQuote:
		w.newQuote()
	case actSpeaker:
		w.setSpeaker()
	case actPerson, actOrg, actGPE, actLoc:
		w.entityLabel(map[action]string{actPerson: "PERSON", actOrg: "ORG", actGPE: "GPE", actLoc: "LOC"}[a])
	case actPrevSpan, actNextSpan:
		w.stepSpan(a == actNextSpan)
	case actGrowEnd, actShrinkEnd, actGrowStart, actShrinkStrt:
		w.moveBoundary(a)
	}
}

// apply reports an error from a store action.
func (w *workspace) apply(_ store.Event, err error) {
	if err != nil {
		w.ui.showError(err)
	}
}

// finish marks the document done or skipped and opens the next one to do.
func (w *workspace) finish(status string) {
	secs := time.Since(w.opened).Seconds()
	if _, err := w.ui.db.SetStatus(context.Background(), w.ann.ID, w.doc.ID, status, secs); err != nil {
		w.ui.showError(err)
		return
	}
	w.session.finished++
	if status == annotate.StatusDone {
		w.session.seconds = append(w.session.seconds, secs)
	}
	w.ui.docs.setStatus(w.doc.ID, status)
	next, ok, err := w.ui.db.NextToDo(context.Background(), w.ann.ID, w.doc.ID)
	if err != nil {
		w.ui.showError(err)
		return
	}
	if !ok {
		w.layer.Status = status
		w.updateProgress()
		w.ui.showModal(dialog.NewInformation("All done", "Every document is done or skipped. Thank you!", w.ui.win))
		return
	}
	w.ui.docs.selectID(next)
	if err := w.open(next); err != nil {
		w.ui.showError(err)
	}
}

// updateProgress shows documents finished of total and this session's pace.
func (w *workspace) updateProgress() {
	// Skipped documents are neither work done nor work to do.
	done, skipped, total, err := w.ui.db.ProgressParts(context.Background(), w.ann.ID)
	if err != nil {
		return
	}
	total -= skipped
	w.ui.progress.Max = float64(max(total, 1))
	w.ui.progress.SetValue(float64(done))
	pace := ""
	if h := time.Since(w.session.started).Hours(); w.session.finished > 0 && h > 0 {
		pace = fmt.Sprintf(" · this session %.0f docs/hour", float64(w.session.finished)/h)
	}
	if n := len(w.session.seconds); n > 0 {
		s := append([]float64(nil), w.session.seconds...)
		sort.Float64s(s)
		med := s[n/2]
		if n%2 == 0 {
			med = (s[n/2-1] + s[n/2]) / 2
		}
		pace += fmt.Sprintf(", median %.0f s/doc", med)
	}
	skips := ""
	if skipped > 0 {
		skips = fmt.Sprintf(" (%d skipped)", skipped)
	}
	w.ui.annotatorLabel.SetText(fmt.Sprintf("%s · %d of %d done%s%s", w.ann.Name, done, total, skips, pace))
}

// decide accepts or rejects the selected span, else the focused unit's
// suggestion (a target with all its mentions, or a quote).
func (w *workspace) decide(accept bool) {
	ctx := context.Background()
	d := annotate.Rejected
	if accept {
		d = annotate.Accepted
	}
	switch r := w.panel.current(); {
	case w.selSpan != 0:
		if accept {
			w.apply(w.ui.db.EditSpan(ctx, w.ann.ID, w.doc.ID, w.selSpan, store.SpanEdit{Decision: &d}))
		} else {
			w.apply(w.ui.db.DeleteSpan(ctx, w.ann.ID, w.doc.ID, w.selSpan))
			w.selSpan = 0
		}
	case r != nil && r.target != 0:
		w.apply(w.ui.db.DecideTarget(ctx, w.ann.ID, w.doc.ID, r.target, d))
	case r != nil && r.quote != 0:
		if accept {
			w.apply(w.ui.db.EditSpan(ctx, w.ann.ID, w.doc.ID, r.quote, store.SpanEdit{Decision: &d}))
		} else {
			w.apply(w.ui.db.DeleteSpan(ctx, w.ann.ID, w.doc.ID, r.quote))
		}
	default:
		return
	}
	w.reload()
}

// undo and redo revert or re-apply the annotator's last action, opening the
// document it was in.
func (w *workspace) undo(redo bool) {
	ctx := context.Background()
	var ev store.Event
	var ok bool
	var err error
	if redo {
		ev, ok, err = w.ui.db.Redo(ctx, w.ann.ID)
	} else {
		ev, ok, err = w.ui.db.Undo(ctx, w.ann.ID)
	}
	if err != nil {
		w.ui.showError(err)
		return
	}
	if !ok {
		w.ui.status.SetText("nothing to " + map[bool]string{true: "redo", false: "undo"}[redo])
		return
	}
	w.dropPrefetch()
	verb := map[bool]string{true: "redone", false: "undone"}[redo]
	switch {
	case ev.DocID != w.doc.ID:
		w.ui.docs.selectID(ev.DocID)
		if err := w.open(ev.DocID); err != nil {
			w.ui.showError(err)
		}
	case strings.HasPrefix(ev.Action, "label "):
		w.refreshLabels() // only labels changed: no need to re-read the layer
	default:
		w.reload()
	}
	w.ui.docs.setStatus(w.doc.ID, w.layer.Status)
	w.ui.status.SetText(verb + ": " + w.describe(ev.Action))
}

// describe says in words what an action of the event log did, naming the
// unit rather than its id ("label quote_stance q38" becomes "quote_stance
// of the quote “This is classic…”").
func (w *workspace) describe(action string) string {
	verb, rest, _ := strings.Cut(action, " ")
	switch verb {
	case "label":
		task, unit, _ := strings.Cut(rest, " ")
		return task + " of " + w.unitName(unit)
	case "status":
		return "marking the document " + rest
	case "add":
		return "adding " + map[string]string{annotate.KindEntity: "an entity", annotate.KindQuote: "a quote"}[rest]
	case "edit", "delete", "merge", "rename", "split":
		if words, ok := map[string]string{"edit span": "editing a span", "delete span": "deleting a span", "merge targets": "merging targets",
			"rename target": "renaming a target", "split target": "splitting a target"}[action]; ok {
			return words
		}
	case string(annotate.Accepted), string(annotate.Rejected), string(annotate.Edited):
		return verb + " " + rest
	}
	return action
}

// unitName names a unit key of the open document for a person.
func (w *workspace) unitName(unit string) string {
	scope, id, ok := annotate.ParseUnit(unit)
	if !ok {
		return unit
	}
	switch scope {
	case "document":
		return "the article"
	case "target":
		if t, ok := w.layer.Target(id); ok {
			return "the target " + t.Name
		}
		return "a target since removed"
	case "quote":
		if q, ok := w.layer.Span(id); ok {
			text := []rune(w.doc.Text)
			if q.Start >= 0 && q.End <= len(text) && q.Start < q.End {
				words := strings.Fields(string(text[q.Start:min(q.End, q.Start+40)]))
				return "the quote “" + strings.Trim(strings.Join(words, " "), "“”\"") + "…”"
			}
		}
		return "a quote since removed"
	}
	return unit
}

// refreshLabels re-reads the open document's labels and status and redraws
// the rows whose value changed.
func (w *workspace) refreshLabels() {
	labels, status, err := w.ui.db.DocLabels(context.Background(), w.doc.ID, w.ann.ID)
	if err != nil {
		w.ui.showError(err)
		return
	}
	w.layer.Labels, w.layer.Status = labels, status
	for _, r := range w.panel.rows {
		if r.task == nil {
			continue
		}
		v := labels[annotate.LabelKey{Task: r.task.Name, Unit: r.unit}]
		if v.Value == r.value && (v.Towards == 0 || v.Towards == r.towards) {
			continue
		}
		r.value, r.saved = v.Value, true
		if v.Towards != 0 {
			r.towards = v.Towards
			r.detail = w.towardsText(r.task, v.Towards)
		}
		w.panel.setRow(r)
	}
	w.ui.article.setSummary(w.summary())
	w.updateProgress()
}

// tapped selects the span under a click (the innermost), or clears.
func (w *workspace) tapped(offset int) {
	defer w.refocus()
	if w.layer == nil {
		return
	}
	w.selText = [2]int{}
	var best *annotate.Span
	for i, s := range w.layer.Spans {
		if s.Live() && s.Start <= offset && offset < s.End && (best == nil || s.End-s.Start < best.End-best.Start) {
			best = &w.layer.Spans[i]
		}
	}
	w.selSpan = 0
	if best != nil {
		w.selSpan = best.ID
		w.focusUnitOf(*best)
	}
	w.focusChanged()
}

// focusUnitOf moves the panel's focus to the unit a span belongs to.
func (w *workspace) focusUnitOf(s annotate.Span) {
	for i, r := range w.panel.rows {
		if (s.Kind == annotate.KindEntity && r.target != 0 && r.target == s.TargetID) || (s.Kind == annotate.KindQuote && r.quote == s.ID) {
			w.panel.focus = i
			w.panel.paintFocus()
			return
		}
	}
}

// selected records a text selection made by dragging, snapped to words.
func (w *workspace) selected(start, end int) {
	if w.layer == nil || end > len(w.runes) || start >= end {
		return
	}
	start, end = annotate.SnapToWords(w.runes, start, end)
	w.selText, w.selSpan = [2]int{start, end}, 0
	w.focusChanged()
	w.refocus()
}

// plural writes "1 mention", "2 mentions".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
