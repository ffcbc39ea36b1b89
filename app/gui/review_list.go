package gui

import (
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// disagreementList is the review's list of disagreements (a virtual list:
// only the rows on screen are built) and the review's keyboard: it is
// focused while the review is on, so that a digit decides at once.
type disagreementList struct {
	widget.BaseWidget
	m       *reviewMode
	list    *widget.List
	focused bool
	modifiers
}

func newDisagreementList(m *reviewMode) *disagreementList {
	l := &disagreementList{m: m}
	l.list = widget.NewList(
		func() int { return len(m.shown) },
		func() fyne.CanvasObject { return newDisagreementRow() },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(m.shown) && m.rev != nil {
				o.(*disagreementRow).show(m, m.shown[i], i == m.cursor, l.focused)
			}
		})
	l.list.HideSeparators = true
	l.list.OnSelected = func(i widget.ListItemID) {
		l.list.UnselectAll()
		if i < len(m.shown) {
			m.openDisagreement(m.shown[i])
		}
		m.refocus()
	}
	l.ExtendBaseWidget(l)
	return l
}

// CreateRenderer is part of fyne.Widget.
func (l *disagreementList) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(l.list)
}

// refresh redraws every row (the list changed).
func (l *disagreementList) refresh() {
	l.list.Refresh()
	l.showCursor()
}

// refreshRow redraws the row at position p.
func (l *disagreementList) refreshRow(p int) {
	if p >= 0 && p < len(l.m.shown) {
		l.list.RefreshItem(p)
	}
}

// refreshIndex redraws the row of disagreement i, if listed.
func (l *disagreementList) refreshIndex(i int) {
	for p, j := range l.m.shown {
		if j == i {
			l.list.RefreshItem(p)
			return
		}
	}
}

// showCursor redraws the cursor's row and scrolls it into view.
func (l *disagreementList) showCursor() {
	if c := l.m.cursor; c >= 0 && c < len(l.m.shown) {
		l.list.RefreshItem(c)
		l.list.ScrollTo(c)
	}
}

// FocusGained is part of fyne.Focusable.
func (l *disagreementList) FocusGained() { l.focused = true; l.refreshRow(l.m.cursor) }

// FocusLost is part of fyne.Focusable.
func (l *disagreementList) FocusLost() {
	l.focused, l.shift, l.ctrl = false, false, false
	l.refreshRow(l.m.cursor)
}

// AcceptsTab keeps Tab for moving down the list.
func (l *disagreementList) AcceptsTab() bool { return true }

// TypedRune decides gold's value (a label's key, G).
func (l *disagreementList) TypedRune(r rune) { l.m.key(string(r), true) }

// TypedKey moves, opens and closes.
func (l *disagreementList) TypedKey(ev *fyne.KeyEvent) {
	l.m.key(l.keyName(ev), false)
}

// disagreementRow draws one disagreement: its task, document and unit,
// then each annotator's value and gold's.
type disagreementRow struct {
	widget.BaseWidget
	bg     *canvas.Rectangle
	title  *fitText
	values *fitText
	box    *fyne.Container
}

func newDisagreementRow() *disagreementRow {
	r := &disagreementRow{bg: canvas.NewRectangle(color.Transparent),
		title: newFitText(theme.ColorNameForeground), values: newFitText(theme.ColorNamePlaceHolder)}
	r.bg.CornerRadius = 4
	r.box = container.NewStack(r.bg, container.NewVBox(r.title, r.values))
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer is part of fyne.Widget.
func (r *disagreementRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(r.box)
}

func (r *disagreementRow) show(m *reviewMode, i int, cursor, keyboard bool) {
	d := &m.rev.Disagreements[i]
	title := m.rev.Title(d.Doc)
	r.title.set(fmt.Sprintf("%s · %s · %s", d.Task, unitName(m.rev.Unit(i)), clipText(title, 80)), d.Gold == "")
	r.values.set(valueLine(m.rev, d), false)
	fill, stroke, width := color.Color(color.Transparent), color.Color(nil), float32(0)
	switch {
	case cursor && keyboard:
		fill, stroke, width = theme.Color(theme.ColorNameSelection), theme.Color(theme.ColorNamePrimary), 2
	case cursor:
		fill = theme.Color(theme.ColorNameHover)
	}
	if r.bg.FillColor != fill || r.bg.StrokeColor != stroke || r.bg.StrokeWidth != width {
		r.bg.FillColor, r.bg.StrokeColor, r.bg.StrokeWidth = fill, stroke, width
		r.bg.Refresh()
	}
}
