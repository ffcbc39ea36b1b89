package gui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/slant-annotate/slant/annotate/schema"
)

// unitRow is one line of the label panel: one task for one unit.
type unitRow struct {
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
	kind    string    // DOCUMENT, TARGET or QUOTE: shown before the title
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
	modifiers
}

func newLabelPanel(ws *workspace) *LabelPanel {
	p := &LabelPanel{ws: ws}
	p.list = widget.NewList(
		func() int { return len(p.rows) },
		func() fyne.CanvasObject { return newRowView(p) },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(p.rows) {
				o.(*rowView).show(p.rows[i], i == p.focus, p.focused)
			}
		})
	p.list.HideSeparators = true
	p.list.OnSelected = func(i widget.ListItemID) {
		p.list.UnselectAll()
		p.focusRow(i)
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

// refreshRow redraws row i.
func (p *LabelPanel) refreshRow(i int) {
	if i >= 0 && i < len(p.rows) {
		p.list.RefreshItem(i)
	}
}

// AcceptsTab keeps Tab for moving between units.
func (p *LabelPanel) AcceptsTab() bool { return true }

// TypedRune handles label keys and letter commands.
func (p *LabelPanel) TypedRune(r rune) { p.ws.key(string(r), true) }

// TypedKey handles named keys (Tab, Return, arrows...).
func (p *LabelPanel) TypedKey(ev *fyne.KeyEvent) {
	p.ws.key(p.keyName(ev), false)
}

// setRows replaces the rows (a new document or new units). Every row has
// the same shape and height, so nothing is re-measured.
func (p *LabelPanel) setRows(rows []*unitRow, focus int) {
	p.rows = rows
	p.focus = max(0, min(focus, len(rows)-1))
	p.list.Refresh()
	if len(rows) > 0 {
		p.list.ScrollTo(p.focus)
	}
}

// setRow redraws one row from its state.
func (p *LabelPanel) setRow(r *unitRow) {
	if i := p.indexOf(r); i >= 0 {
		p.refreshRow(i)
	}
}

// paintFocus redraws the focused row and scrolls it into view.
func (p *LabelPanel) paintFocus() {
	if p.focus >= len(p.rows) {
		return
	}
	p.refreshRow(p.focus)
	p.list.ScrollTo(p.focus)
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
	kind   *widget.Label // DOCUMENT, TARGET, QUOTE
	title  *fitText
	detail *fitText
	chips  []*widget.Button
	state  *widget.Label
	box    *fyne.Container
}

func newRowView(p *LabelPanel) *rowView {
	v := &rowView{panel: p, bg: canvas.NewRectangle(color.Transparent)}
	v.bg.CornerRadius = 6
	v.kind = widget.NewLabelWithStyle("DOCUMENT", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.kind.Importance = widget.LowImportance
	v.title = newFitText(theme.ColorNameForeground)
	v.detail = newFitText(theme.ColorNamePlaceHolder)
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
	v.box = container.NewStack(v.bg, container.NewPadded(container.NewVBox(
		container.NewBorder(nil, nil, v.kind, nil, v.title), v.detail,
		container.NewBorder(nil, nil, nil, v.state, chips))))
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
	setText(v.kind, r.kind)
	v.title.set(r.title, r.unit == "doc")
	v.detail.set(r.detail, false)
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

// fitText is one line of text cut with "…" to the width it is given. The
// cut is found with the text view's cached glyph widths, so it costs no
// shaping: a Label cut to its width shapes its text again and again, and
// the label panel redraws rows on every key.
type fitText struct {
	widget.BaseWidget
	full  string
	bold  bool
	color fyne.ThemeColorName
	text  *canvas.Text
}

func newFitText(c fyne.ThemeColorName) *fitText {
	t := &fitText{color: c, text: canvas.NewText("", theme.Color(c))}
	t.ExtendBaseWidget(t)
	return t
}

// set changes the text (and weight), redrawing only on a change.
func (t *fitText) set(s string, bold bool) {
	if s == t.full && bold == t.bold {
		return
	}
	t.full, t.bold = s, bold
	t.fit(t.Size().Width - 2*theme.InnerPadding())
}

func (t *fitText) fit(width float32) {
	size := theme.TextSize()
	t.text.TextSize = size
	t.text.TextStyle.Bold = t.bold
	t.text.Color = theme.Color(t.color)
	t.text.Text = cutToWidth(t.full, width, size, t.bold)
	t.text.Refresh()
}

// CreateRenderer is part of fyne.Widget.
func (t *fitText) CreateRenderer() fyne.WidgetRenderer { return &fitTextRenderer{t} }

type fitTextRenderer struct{ t *fitText }

func (r *fitTextRenderer) Layout(size fyne.Size) {
	inset := theme.InnerPadding() // as a Label insets its text
	r.t.text.Move(fyne.NewPos(inset, 0))
	r.t.text.Resize(fyne.NewSize(size.Width-2*inset, size.Height))
	r.t.fit(size.Width - 2*inset)
}
func (r *fitTextRenderer) MinSize() fyne.Size {
	h := fyne.MeasureText("Mg", theme.TextSize(), fyne.TextStyle{}).Height
	return fyne.NewSize(20, h+theme.InnerPadding()/2)
}
func (r *fitTextRenderer) Refresh()                     { r.t.fit(r.t.Size().Width - 2*theme.InnerPadding()) }
func (r *fitTextRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.t.text} }
func (r *fitTextRenderer) Destroy()                     {}

// cutToWidth returns s, or its longest prefix that fits width with "…".
func cutToWidth(s string, width, size float32, bold bool) string {
	if width <= 0 {
		return s
	}
	widths := runeWidths(size)
	scale := float32(1)
	if bold {
		scale = 1.06 // bold glyphs are a little wider
	}
	ell, ok := widths.get('…')
	if !ok {
		ell = widths.measure('…')
	}
	var w float32
	cut := -1
	for i, r := range s {
		cw, ok := widths.get(r)
		if !ok {
			cw = widths.measure(r)
		}
		if cut < 0 && (w+cw)*scale+ell > width {
			cut = i
		}
		w += cw
		if w*scale > width {
			if cut <= 0 {
				return "…"
			}
			return s[:cut] + "…"
		}
	}
	return s
}
