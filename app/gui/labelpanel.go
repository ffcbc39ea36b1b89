package gui

import (
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/slant-annotate/slant/annotate/schema"
)

// unitRow is one line of the label panel: one task for one unit.
type unitRow struct {
	section string // "Document", "Targets", "Quotes"
	task    *schema.Task
	unit    string // "doc", "t<id>", "q<id>"
	title   string
	detail  string
	value   string
	towards int64           // quote rows: the target the stance is towards
	spans   []Overlay       // what to outline in the text when focused
	first   int             // offset to scroll to when focused
	target  int64           // target rows: the target
	quote   int64           // quote rows: the quote span
	saved   bool            // false while a write is pending or failed
	view    *fyne.Container // the row's widgets, rebuilt by setRow
}

// LabelPanel lists the document's units and their labels and takes the
// keyboard: it is the workspace's focus, so that a digit labels at once.
type LabelPanel struct {
	widget.BaseWidget
	ws      *workspace
	rows    []*unitRow
	focus   int
	box     *fyne.Container
	scroll  *container.Scroll
	focused bool
	shift   bool
	ctrl    bool
}

func newLabelPanel(ws *workspace) *LabelPanel {
	p := &LabelPanel{ws: ws, box: container.NewVBox()}
	p.scroll = container.NewVScroll(p.box)
	p.ExtendBaseWidget(p)
	return p
}

// CreateRenderer is part of fyne.Widget.
func (p *LabelPanel) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(p.scroll)
}

// FocusGained is part of fyne.Focusable.
func (p *LabelPanel) FocusGained() { p.focused = true; p.paintFocus() }

// FocusLost is part of fyne.Focusable.
func (p *LabelPanel) FocusLost() { p.focused = false; p.shift, p.ctrl = false, false; p.paintFocus() }

// AcceptsTab keeps Tab for moving between units.
func (p *LabelPanel) AcceptsTab() bool { return true }

// KeyDown tracks modifiers (Fyne reports keys without them).
func (p *LabelPanel) KeyDown(ev *fyne.KeyEvent) {
	switch ev.Name {
	case desktop.KeyShiftLeft, desktop.KeyShiftRight:
		p.shift = true
	case desktop.KeyControlLeft, desktop.KeyControlRight:
		p.ctrl = true
	}
}

// KeyUp tracks modifiers.
func (p *LabelPanel) KeyUp(ev *fyne.KeyEvent) {
	switch ev.Name {
	case desktop.KeyShiftLeft, desktop.KeyShiftRight:
		p.shift = false
	case desktop.KeyControlLeft, desktop.KeyControlRight:
		p.ctrl = false
	}
}

// TypedRune handles label keys and letter commands.
func (p *LabelPanel) TypedRune(r rune) { p.ws.key(string(r), true) }

// TypedKey handles named keys (Tab, Return, arrows...).
func (p *LabelPanel) TypedKey(ev *fyne.KeyEvent) {
	name := string(ev.Name)
	switch {
	case p.ctrl:
		name = "Ctrl+" + name
	case p.shift:
		name = "Shift+" + name
	}
	p.ws.key(name, false)
}

// setRows replaces the rows (a new document or new units).
func (p *LabelPanel) setRows(rows []*unitRow, focus int) {
	p.rows = rows
	p.box.Objects = p.box.Objects[:0]
	section := ""
	for _, r := range rows {
		if r.section != section {
			section = r.section
			h := widget.NewLabelWithStyle(section, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			h.Wrapping = fyne.TextWrapWord
			p.box.Add(h)
		}
		r.view = container.NewStack()
		p.setRow(r)
		p.box.Add(r.view)
	}
	if len(rows) == 0 {
		p.box.Add(widget.NewLabel("Nothing to label: the schema has no tasks for this document's units."))
	}
	p.focus = max(0, min(focus, len(rows)-1))
	p.box.Refresh()
	p.paintFocus()
}

// setRow (re)draws one row from its state.
func (p *LabelPanel) setRow(r *unitRow) {
	bg := canvas.NewRectangle(color.Transparent)
	bg.CornerRadius = 6
	title := widget.NewLabel(r.title)
	title.Truncation = fyne.TextTruncateEllipsis
	title.TextStyle.Bold = r.unit == "doc"
	var lines []fyne.CanvasObject
	lines = append(lines, title)
	if r.detail != "" {
		d := widget.NewLabel(r.detail)
		d.Importance = widget.LowImportance
		d.Truncation = fyne.TextTruncateEllipsis
		lines = append(lines, d)
	}
	if r.task != nil {
		chips := container.NewHBox()
		for _, l := range r.task.Labels {
			l := l
			b := widget.NewButton(fmt.Sprintf("%s %s", l.Key, l.Value), func() {
				p.focusRow(p.indexOf(r))
				p.ws.setLabel(r, l.Value)
			})
			if l.Value == r.value {
				b.Importance = widget.HighImportance
			} else {
				b.Importance = widget.LowImportance
			}
			chips.Add(b)
		}
		state := ""
		if r.value != "" && !r.saved {
			state = "unsaved"
		}
		st := widget.NewLabel(state)
		st.Importance = widget.DangerImportance
		lines = append(lines, container.NewBorder(nil, nil, nil, st, chips))
	}
	r.view.Objects = []fyne.CanvasObject{bg, container.NewPadded(container.NewVBox(lines...))}
	r.view.Refresh()
}

func (p *LabelPanel) indexOf(r *unitRow) int {
	for i, x := range p.rows {
		if x == r {
			return i
		}
	}
	return 0
}

// paintFocus marks the focused row and scrolls it into view.
func (p *LabelPanel) paintFocus() {
	for i, r := range p.rows {
		if r.view == nil || len(r.view.Objects) == 0 {
			continue
		}
		bg := r.view.Objects[0].(*canvas.Rectangle)
		switch {
		case i == p.focus && p.focused:
			bg.FillColor = theme.Color(theme.ColorNameSelection)
			bg.StrokeColor = theme.Color(theme.ColorNamePrimary)
			bg.StrokeWidth = 2
		case i == p.focus:
			bg.FillColor = theme.Color(theme.ColorNameHover)
			bg.StrokeWidth = 0
		default:
			bg.FillColor = color.Transparent
			bg.StrokeWidth = 0
		}
		bg.Refresh()
	}
	if p.focus < len(p.rows) && p.rows[p.focus].view != nil {
		v := p.rows[p.focus].view
		top, h := v.Position().Y, v.Size().Height
		if top < p.scroll.Offset.Y {
			p.scroll.Offset.Y = top
			p.scroll.Refresh()
		} else if view := p.scroll.Size().Height; view > 0 && top+h > p.scroll.Offset.Y+view {
			p.scroll.Offset.Y = top + h - view
			p.scroll.Refresh()
		}
	}
}

// focusRow moves the focus to row i.
func (p *LabelPanel) focusRow(i int) {
	if len(p.rows) == 0 {
		return
	}
	p.focus = max(0, min(i, len(p.rows)-1))
	p.paintFocus()
	p.ws.focusChanged()
}

// current returns the focused row, if any.
func (p *LabelPanel) current() *unitRow {
	if p.focus < len(p.rows) {
		return p.rows[p.focus]
	}
	return nil
}
