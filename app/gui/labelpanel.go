package gui

import (
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
	section string // "Document", "Targets — question", "Quotes"
	task    *schema.Task
	unit    string // "doc", "t<id>", "q<id>"
	title   string
	detail  string
	value   string
	towards int64     // quote rows: the target the stance is towards
	spans   []Overlay // what to outline in the text when focused
	first   int       // offset to scroll to when focused
	target  int64     // target rows: the target
	quote   int64     // quote rows: the quote span
	saved   bool      // false while a write is pending or failed
	header  bool      // the first row of its section shows the section
}

// maxChips is the most labels a task can have (keys 1–9 or letters).
const maxChips = 12

// LabelPanel lists the document's units and their labels and takes the
// keyboard: it is the workspace's focus, so that a digit labels at once.
// The rows live in a virtual list: only those on screen are built, so
// opening a document with a hundred units costs no more than one with ten.
type LabelPanel struct {
	widget.BaseWidget
	ws      *workspace
	rows    []*unitRow
	focus   int
	list    *widget.List
	focused bool
	shift   bool
	ctrl    bool
	// items are what the list shows: section headers and unit rows. Unit
	// rows all have one height, so switching documents changes the height
	// of a few header items only.
	items   []panelItem
	itemOf  []int     // list item of each row
	heights []float32 // the height set for each list item
	headerH float32   // measured once
	unitH   float32
}

// panelItem is a section header (row < 0) or a unit row.
type panelItem struct {
	header string
	row    int
}

func newLabelPanel(ws *workspace) *LabelPanel {
	p := &LabelPanel{ws: ws}
	p.list = widget.NewList(
		func() int { return len(p.items) },
		func() fyne.CanvasObject { return newRowView(p) },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(p.items) {
				return
			}
			v := o.(*rowView)
			if it := p.items[i]; it.row < 0 {
				v.showHeader(it.header)
			} else {
				v.show(p.rows[it.row], it.row == p.focus, p.focused)
			}
		})
	p.list.HideSeparators = true
	p.list.OnSelected = func(i widget.ListItemID) {
		p.list.UnselectAll()
		if i < len(p.items) && p.items[i].row >= 0 {
			p.focusRow(p.items[i].row)
		}
		p.ws.refocus()
	}
	p.ExtendBaseWidget(p)
	return p
}

// CreateRenderer is part of fyne.Widget.
func (p *LabelPanel) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(p.list)
}

// FocusGained is part of fyne.Focusable.
func (p *LabelPanel) FocusGained() { p.focused = true; p.refreshRow(p.focus) }

// FocusLost is part of fyne.Focusable.
func (p *LabelPanel) FocusLost() {
	p.focused = false
	p.shift, p.ctrl = false, false
	p.refreshRow(p.focus)
}

// refreshRow redraws row i's list item.
func (p *LabelPanel) refreshRow(i int) {
	if i >= 0 && i < len(p.itemOf) {
		p.list.RefreshItem(p.itemOf[i])
	}
}

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
	p.items = p.items[:0]
	p.itemOf = p.itemOf[:0]
	section := ""
	for i, r := range rows {
		r.header = r.section != section
		if r.header {
			p.items = append(p.items, panelItem{header: r.section, row: -1})
		}
		section = r.section
		p.itemOf = append(p.itemOf, len(p.items))
		p.items = append(p.items, panelItem{row: i})
	}
	p.focus = max(0, min(focus, len(rows)-1))
	if p.headerH == 0 {
		probe := newRowView(p)
		probe.showHeader("Targets — How does the article portray this target?")
		p.headerH = probe.MinSize().Height
		probe.show(&unitRow{title: "t", detail: "d", task: &schema.Task{Labels: []schema.Label{{Value: "v", Key: "1"}}}}, false, false)
		p.unitH = probe.MinSize().Height
	}
	for i, it := range p.items {
		want := p.unitH
		if it.row < 0 {
			want = p.headerH
		}
		for len(p.heights) <= i {
			p.heights = append(p.heights, 0)
		}
		if p.heights[i] != want {
			p.heights[i] = want
			p.list.SetItemHeight(i, want)
		}
	}
	p.list.Refresh()
	if len(p.itemOf) > 0 {
		p.list.ScrollTo(p.itemOf[p.focus])
	}
}

// resetHeights forgets measured heights (after a text size change).
func (p *LabelPanel) resetHeights() {
	p.headerH, p.unitH = 0, 0
	p.heights = p.heights[:0]
}

// setRow redraws one row from its state.
func (p *LabelPanel) setRow(r *unitRow) {
	if i := p.indexOf(r); i >= 0 {
		p.refreshRow(i)
	}
}

// paintFocus redraws the focused row and scrolls it into view (with its
// section header when it is the first of its section).
func (p *LabelPanel) paintFocus() {
	if p.focus >= len(p.itemOf) {
		return
	}
	p.refreshRow(p.focus)
	item := p.itemOf[p.focus]
	if p.rows[p.focus].header && item > 0 {
		p.list.ScrollTo(item - 1)
	}
	p.list.ScrollTo(item)
}

func (p *LabelPanel) indexOf(r *unitRow) int {
	for i, x := range p.rows {
		if x == r {
			return i
		}
	}
	return -1
}

// focusRow moves the focus to row i.
func (p *LabelPanel) focusRow(i int) {
	if len(p.rows) == 0 {
		return
	}
	old := p.focus
	p.focus = max(0, min(i, len(p.rows)-1))
	p.refreshRow(old)
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

// rowView draws one row; the list reuses views as it scrolls.
type rowView struct {
	widget.BaseWidget
	panel  *LabelPanel
	row    *unitRow
	bg     *canvas.Rectangle
	header *widget.Label
	title  *widget.Label
	detail *widget.Label
	chips  []*widget.Button
	state  *widget.Label
	unit   *fyne.Container
	box    *fyne.Container
}

// showHeader makes the view a section header.
func (v *rowView) showHeader(text string) {
	v.row = nil
	v.unit.Hide()
	v.header.Show()
	setText(v.header, text)
}

func newRowView(p *LabelPanel) *rowView {
	v := &rowView{panel: p, bg: canvas.NewRectangle(color.Transparent)}
	v.bg.CornerRadius = 6
	v.header = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.header.Truncation = fyne.TextTruncateClip
	v.title = widget.NewLabel("")
	v.title.Truncation = fyne.TextTruncateClip
	v.detail = widget.NewLabel("")
	v.detail.Importance = widget.LowImportance
	v.detail.Truncation = fyne.TextTruncateClip
	v.state = widget.NewLabel("")
	v.state.Importance = widget.DangerImportance
	chips := container.NewHBox()
	for i := 0; i < maxChips; i++ {
		i := i
		b := widget.NewButton("", func() { v.choose(i) })
		b.Importance = widget.LowImportance
		v.chips = append(v.chips, b)
		chips.Add(b)
	}
	v.unit = container.NewStack(v.bg, container.NewPadded(container.NewVBox(v.title, v.detail,
		container.NewBorder(nil, nil, nil, v.state, chips))))
	v.box = container.NewVBox(v.header, v.unit)
	v.ExtendBaseWidget(v)
	return v
}

// CreateRenderer is part of fyne.Widget.
func (v *rowView) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(v.box) }

// choose labels the row with its i-th label (a click on a chip).
func (v *rowView) choose(i int) {
	r := v.row
	if r == nil || r.task == nil || i >= len(r.task.Labels) {
		return
	}
	if j := v.panel.indexOf(r); j >= 0 {
		v.panel.focusRow(j)
	}
	v.panel.ws.setLabel(r, r.task.Labels[i].Value)
	v.panel.ws.refocus()
}

// show fills the view from a row, touching only what changed: a label
// refresh re-shapes its text, and the list calls show on every redraw.
func (v *rowView) show(r *unitRow, focus, keyboard bool) {
	v.row = r
	v.header.Hide()
	v.unit.Show()
	if bold := r.unit == "doc"; v.title.TextStyle.Bold != bold {
		v.title.TextStyle.Bold = bold
		v.title.Refresh()
	}
	setText(v.title, r.title)
	setText(v.detail, r.detail)
	for i, b := range v.chips {
		if r.task == nil || i >= len(r.task.Labels) {
			b.Hide()
			continue
		}
		l := r.task.Labels[i]
		imp := widget.LowImportance
		if l.Value == r.value {
			imp = widget.HighImportance
		}
		if text := l.Key + " " + l.Value; b.Text != text || b.Importance != imp {
			b.Text, b.Importance = text, imp
			b.Refresh()
		}
		b.Show()
	}
	state := ""
	if r.value != "" && !r.saved {
		state = "unsaved"
	}
	setText(v.state, state)
	fill, stroke, width := color.Color(color.Transparent), color.Color(nil), float32(0)
	switch {
	case focus && keyboard:
		fill, stroke, width = theme.Color(theme.ColorNameSelection), theme.Color(theme.ColorNamePrimary), 2
	case focus:
		fill = theme.Color(theme.ColorNameHover)
	}
	if v.bg.FillColor != fill || v.bg.StrokeColor != stroke || v.bg.StrokeWidth != width {
		v.bg.FillColor, v.bg.StrokeColor, v.bg.StrokeWidth = fill, stroke, width
		v.bg.Refresh()
	}
}

func setText(l *widget.Label, text string) {
	if l.Text != text {
		l.SetText(text)
	}
}

func setVisible(o fyne.CanvasObject, on bool) {
	if on {
		o.Show()
	} else {
		o.Hide()
	}
}
