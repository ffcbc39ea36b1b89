package gui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/store"
)

// Corrections of the pre-tags: each writes to the annotator's own layer
// (the suggestions stay as they were) and is one undoable action.

// entityLabel relabels the selected entity, or makes the text selection a
// new entity with that label (its own new target, named after its text).
func (w *workspace) entityLabel(label string) {
	ctx := context.Background()
	switch {
	case w.selSpan != 0:
		s, _ := w.layer.Span(w.selSpan)
		if s.Kind != annotate.KindEntity {
			return
		}
		w.apply(w.ui.db.EditSpan(ctx, w.ann.ID, w.doc.ID, w.selSpan, store.SpanEdit{Label: &label}))
	case w.selText[1] > w.selText[0]:
		name := w.slice(w.selText[0], w.selText[1])
		target := w.layer.TargetNamed(name, w.slice)
		id, _, err := w.ui.db.AddSpan(ctx, w.ann.ID, w.doc.ID, annotate.Span{Kind: annotate.KindEntity,
			Start: w.selText[0], End: w.selText[1], Label: label, TargetID: target}, name)
		if err != nil {
			w.ui.showError(err)
			return
		}
		w.selText, w.selSpan = [2]int{}, id
	default:
		return
	}
	w.reload()
}

// newQuote makes the text selection a quote of the annotator's own.
func (w *workspace) newQuote() {
	if w.selText[1] <= w.selText[0] {
		return
	}
	id, _, err := w.ui.db.AddSpan(context.Background(), w.ann.ID, w.doc.ID,
		annotate.Span{Kind: annotate.KindQuote, Start: w.selText[0], End: w.selText[1]}, "")
	if err != nil {
		w.ui.showError(err)
		return
	}
	w.selText, w.selSpan = [2]int{}, id
	w.reload()
}

// setSpeaker makes the text selection (or the selected span) the speaker
// of the focused quote.
func (w *workspace) setSpeaker() {
	r := w.panel.current()
	if r == nil || r.quote == 0 {
		w.ui.status.SetText("focus a quote first (Tab), then select its speaker and press w")
		return
	}
	var sp [2]int
	switch {
	case w.selText[1] > w.selText[0]:
		sp = w.selText
	case w.selSpan != 0:
		s, _ := w.layer.Span(w.selSpan)
		sp = [2]int{s.Start, s.End}
	default:
		return
	}
	w.apply(w.ui.db.EditSpan(context.Background(), w.ann.ID, w.doc.ID, r.quote, store.SpanEdit{Speaker: &sp}))
	w.selText, w.selSpan = [2]int{}, 0
	w.reload()
}

// targetKey: on a quote's stance row, the next target as what the stance is
// towards; with a mention selected, split it off into a target of its own.
func (w *workspace) targetKey() {
	ctx := context.Background()
	if s, ok := w.layer.Span(w.selSpan); ok && w.selSpan != 0 && s.Kind == annotate.KindEntity {
		if s.TargetID != 0 {
			_, _, err := w.ui.db.SplitTarget(ctx, w.ann.ID, w.doc.ID, s.TargetID, []int64{s.ID}, w.slice(s.Start, s.End))
			if err != nil {
				w.ui.showError(err)
			}
			w.reload()
		}
		return
	}
	r := w.panel.current()
	if r == nil || r.quote == 0 || r.task == nil {
		return
	}
	targets := w.layer.LiveTargets()
	if len(targets) == 0 {
		return
	}
	next := targets[0].ID
	for i, t := range targets {
		if t.ID == r.towards {
			next = targets[(i+1)%len(targets)].ID
		}
	}
	r.towards = next
	r.detail = w.towardsText(r.task, next)
	if r.value != "" {
		w.setLabel(r, r.value) // the stance now points elsewhere: save it so
		return
	}
	w.panel.setRow(r)
	w.panel.paintFocus()
}

// mergeDialog merges the focused target into another one chosen by name.
func (w *workspace) mergeDialog() {
	r := w.panel.current()
	if r == nil || r.target == 0 {
		return
	}
	from, _ := w.layer.Target(r.target)
	var names []string
	ids := map[string]int64{}
	for _, t := range w.layer.LiveTargets() {
		if t.ID != from.ID {
			names = append(names, t.Name)
			ids[t.Name] = t.ID
		}
	}
	if len(names) == 0 {
		return
	}
	sel := widget.NewSelect(names, nil)
	sel.SetSelectedIndex(0)
	dialog.ShowCustomConfirm(fmt.Sprintf("Merge %s into", from.Name), "Merge", "Cancel", sel, func(ok bool) {
		defer w.refocus()
		if ok {
			w.apply(w.ui.db.MergeTargets(context.Background(), w.ann.ID, w.doc.ID, ids[sel.Selected], from.ID))
			w.reload()
		}
	}, w.ui.win)
}

// stepSpan selects the previous or next live span in text order.
func (w *workspace) stepSpan(forward bool) {
	if w.layer == nil {
		return
	}
	var spans []annotate.Span
	for _, s := range w.layer.Spans {
		if s.Live() {
			spans = append(spans, s)
		}
	}
	if len(spans) == 0 {
		return
	}
	at := -1
	for i, s := range spans {
		if s.ID == w.selSpan {
			at = i
		}
	}
	switch {
	case at < 0 && forward:
		at = 0
	case at < 0:
		at = len(spans) - 1
	case forward:
		at = (at + 1) % len(spans)
	default:
		at = (at - 1 + len(spans)) % len(spans)
	}
	w.selSpan, w.selText = spans[at].ID, [2]int{}
	w.focusUnitOf(spans[at])
	w.ui.article.text.ScrollToOffset(spans[at].Start)
	w.focusChanged()
}

// moveBoundary moves the selected span's start or end by one token. With
// no span selected it works on a text selection instead — starting one, a
// token long, at the focused unit's first span (or where the text begins) —
// so that new spans can be made without the mouse.
func (w *workspace) moveBoundary(a action) {
	if w.selSpan == 0 {
		w.moveSelection(a)
		return
	}
	s, _ := w.layer.Span(w.selSpan)
	start, end, ok := w.moved(a, s.Start, s.End)
	if !ok {
		return
	}
	w.apply(w.ui.db.EditSpan(context.Background(), w.ann.ID, w.doc.ID, w.selSpan, store.SpanEdit{Start: &start, End: &end}))
	w.reload()
}

// moved returns [start, end) with one boundary moved by a token.
func (w *workspace) moved(a action, start, end int) (int, int, bool) {
	s0, e0 := start, end
	switch a {
	case actGrowEnd:
		end = annotate.NextTokenEnd(w.runes, end)
	case actShrinkEnd:
		end = annotate.PrevTokenEnd(w.runes, end, start)
	case actGrowStart:
		start = annotate.PrevTokenStart(w.runes, start)
	case actShrinkStrt:
		start = annotate.NextTokenStart(w.runes, start, end)
	}
	return start, end, (start != s0 || end != e0) && end > start
}

// moveSelection grows or shrinks the text selection by a token.
func (w *workspace) moveSelection(a action) {
	if w.selText[1] <= w.selText[0] {
		at := 0
		if r := w.panel.current(); r != nil && r.first > 0 {
			at = r.first
		}
		at = annotate.SkipSpace(w.runes, at)
		w.selText = [2]int{at, annotate.NextTokenEnd(w.runes, at)}
		if w.selText[1] <= w.selText[0] {
			w.selText = [2]int{}
		}
	} else if start, end, ok := w.moved(a, w.selText[0], w.selText[1]); ok {
		w.selText = [2]int{start, end}
	}
	w.ui.article.text.ScrollToOffset(w.selText[0])
	w.focusChanged()
}
