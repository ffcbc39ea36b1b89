package gui

import (
	"image/color"
	"sort"
	"sync"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Highlight marks a span of a TextView's text, in code point offsets.
type Highlight struct {
	Start, End int
	Color      color.Color // background, drawn as a rounded rectangle
}

// TextView shows a long text, word-wrapped, with highlighted spans. Fyne's
// Label and RichText re-measure whole strings with the shaper on every
// layout and draw every line; TextView measures each character once per
// size, wraps with the cached widths, and draws only the lines on screen,
// so that a 5,000-word article lays out in milliseconds and scrolls without
// redrawing what is off screen.
type TextView struct {
	widget.BaseWidget

	text       string
	highlights []Highlight

	content *textContent
	scroll  *container.Scroll
	width   float32 // the width the current lines were wrapped for

	// overlays are drawn over the text without re-wrapping it: the
	// selection and the outline of the focused unit's spans.
	overlays []Overlay

	// OnTapped is called with the code point offset under a tap.
	OnTapped func(offset int)
	// OnSelected is called when a drag has selected [start, end).
	OnSelected func(start, end int)
	dragFrom   int
}

// Overlay is a rectangle drawn over a span of text: a fill for a selection,
// a stroke for emphasis.
type Overlay struct {
	Start, End int
	Fill       color.Color
	Stroke     color.Color
}

// SetOverlays replaces the overlays; the text is not re-wrapped.
func (v *TextView) SetOverlays(o []Overlay) {
	v.overlays = o
	v.content.Refresh()
}

// ScrollToOffset scrolls so that the line holding a code point offset is
// on screen.
func (v *TextView) ScrollToOffset(offset int) {
	c := v.content
	for li, l := range c.lines {
		if lineEnd(l) > offset || li == len(c.lines)-1 {
			y := float32(li) * c.lineHeight
			view := v.scroll.Size().Height
			if y < v.scroll.Offset.Y || y+c.lineHeight > v.scroll.Offset.Y+view {
				v.scroll.Offset.Y = max(0, y-view/3)
				v.scroll.Refresh()
				c.Refresh()
			}
			return
		}
	}
}

// OffsetAt returns the code point offset at a position in the text's
// scrolled content.
func (v *TextView) OffsetAt(pos fyne.Position) int {
	c := v.content
	if len(c.lines) == 0 || c.lineHeight == 0 {
		return 0
	}
	li := int((pos.Y - theme.Padding()) / c.lineHeight)
	li = max(0, min(li, len(c.lines)-1))
	l := c.lines[li]
	if len(l.segs) == 0 {
		return l.start
	}
	x := pos.X - theme.Padding()
	widths := runeWidths(c.textSize)
	for _, s := range l.segs {
		if x >= s.x+s.w {
			continue
		}
		off, at := s.start, s.x
		for _, r := range s.text {
			w, ok := widths.get(r)
			if !ok {
				w = widths.measure(r)
			}
			if x < at+w/2 {
				return off
			}
			at += w
			off++
		}
		return off
	}
	return lineEnd(l)
}

func lineEnd(l textLine) int {
	if len(l.segs) == 0 {
		return l.start
	}
	s := l.segs[len(l.segs)-1]
	return s.start + utf8.RuneCountInString(s.text)
}

// xRange returns where [start, end) lies on a line, if it does.
func (c *textContent) xRange(l textLine, start, end int) (x0, x1 float32, ok bool) {
	widths := runeWidths(c.textSize)
	found := false
	for _, s := range l.segs {
		n := utf8.RuneCountInString(s.text)
		if s.start+n <= start || s.start >= end {
			continue
		}
		at := s.x
		off := s.start
		for _, r := range s.text {
			w, ok := widths.get(r)
			if !ok {
				w = widths.measure(r)
			}
			if off >= start && off < end {
				if !found {
					x0, found = at, true
				}
				x1 = at + w
			}
			at += w
			off++
		}
	}
	return x0, x1, found
}

// NewTextView returns an empty text view.
func NewTextView() *TextView {
	v := &TextView{dragFrom: -1}
	v.content = &textContent{view: v}
	v.content.ExtendBaseWidget(v.content)
	v.scroll = container.NewVScroll(v.content)
	v.scroll.OnScrolled = func(fyne.Position) { v.content.Refresh() }
	v.ExtendBaseWidget(v)
	return v
}

// SetText replaces the text and its highlights and scrolls to the top.
func (v *TextView) SetText(text string, highlights []Highlight) {
	v.text = text
	v.highlights = highlights
	v.width = -1
	v.scroll.Offset = fyne.Position{}
	v.relayout(v.Size().Width)
}

// SetTextKeepScroll is SetText for the same document after a change: the
// scroll position stays where the reader is.
func (v *TextView) SetTextKeepScroll(text string, highlights []Highlight) {
	v.text = text
	v.highlights = highlights
	v.width = -1
	v.relayout(v.Size().Width)
}

// Text returns the text shown.
func (v *TextView) Text() string { return v.text }

// LineCount reports how many lines the text wraps to at the current width.
func (v *TextView) LineCount() int { return len(v.content.lines) }

// CreateRenderer is part of fyne.Widget.
func (v *TextView) CreateRenderer() fyne.WidgetRenderer {
	return &textViewRenderer{view: v}
}

func (v *TextView) relayout(width float32) {
	if width <= 0 {
		return
	}
	inner := width - theme.Padding()*2 - theme.ScrollBarSize()
	if inner < 50 {
		inner = 50
	}
	if inner != v.width {
		v.width = inner
		v.content.wrap(v.text, v.highlights, inner)
		v.scroll.Refresh()
	}
	v.content.Refresh()
}

type textViewRenderer struct{ view *TextView }

func (r *textViewRenderer) Layout(size fyne.Size) {
	r.view.scroll.Resize(size)
	r.view.relayout(size.Width)
}
func (r *textViewRenderer) MinSize() fyne.Size           { return fyne.NewSize(120, 60) }
func (r *textViewRenderer) Refresh()                     { r.view.relayout(r.view.Size().Width) }
func (r *textViewRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.view.scroll} }
func (r *textViewRenderer) Destroy()                     {}

// segment is a run of text on one line with one highlight (or none).
type segment struct {
	text      string
	start     int // code point offset of the segment's first character
	x, w      float32
	highlight int // index into highlights, or -1
}

// textLine is one wrapped line; start is the code point offset where an
// empty line sits (for lines with segments, the first segment's start).
type textLine struct {
	segs  []segment
	start int
}

// textContent is the scrolled, tall part of a TextView.
type textContent struct {
	widget.BaseWidget
	view       *TextView
	lines      []textLine
	lineHeight float32
	textSize   float32
	height     float32
}

func (c *textContent) MinSize() fyne.Size {
	return fyne.NewSize(10, c.height)
}

// Tapped reports the offset under the pointer.
func (c *textContent) Tapped(ev *fyne.PointEvent) {
	if f := c.view.OnTapped; f != nil {
		f(c.view.OffsetAt(ev.Position))
	}
}

// Dragged extends a selection from where the drag began.
func (c *textContent) Dragged(ev *fyne.DragEvent) {
	v := c.view
	off := v.OffsetAt(ev.Position)
	if v.dragFrom < 0 {
		v.dragFrom = v.OffsetAt(ev.Position.Subtract(ev.Dragged))
	}
	a, b := min(v.dragFrom, off), max(v.dragFrom, off)
	if f := v.OnSelected; f != nil && b > a {
		f(a, b)
	}
}

// DragEnd ends the selection.
func (c *textContent) DragEnd() { c.view.dragFrom = -1 }

func (c *textContent) CreateRenderer() fyne.WidgetRenderer {
	return &textContentRenderer{content: c}
}

// wrap lays the text out in lines no wider than width.
func (c *textContent) wrap(text string, hls []Highlight, width float32) {
	c.textSize = theme.TextSize()
	widths := runeWidths(c.textSize)
	c.lineHeight = fyne.MeasureText("Mg", c.textSize, fyne.TextStyle{}).Height + theme.LineSpacing()
	owner := highlightOwners(text, hls)

	c.lines = c.lines[:0]
	var line textLine
	var x float32
	// pieces are the smallest units: a run of one highlight inside a word or
	// a run of spaces; a line may break before a piece that starts a word.
	type piece struct {
		text      string
		start     int
		w         float32
		highlight int
		space     bool
	}
	var word []piece
	var wordW float32
	emit := func(p piece) {
		if n := len(line.segs); n > 0 && line.segs[n-1].highlight == p.highlight {
			s := &line.segs[n-1]
			s.text += p.text
			s.w += p.w
		} else {
			line.segs = append(line.segs, segment{text: p.text, start: p.start, x: x, w: p.w, highlight: p.highlight})
		}
		x += p.w
	}
	newLine := func() {
		c.lines = append(c.lines, line)
		line = textLine{}
		x = 0
	}
	flushWord := func() {
		if len(word) == 0 {
			return
		}
		if x > 0 && x+wordW > width {
			newLine()
		}
		for _, p := range word {
			if p.w > width-x && x > 0 && !p.space {
				newLine() // a word longer than the line breaks where it must
			}
			emit(p)
		}
		word, wordW = word[:0], 0
	}
	runeIdx := 0
	start, startRune := 0, 0
	curHL, curSpace := -2, false
	var curW float32
	cut := func(end, endRune int) {
		if end > start {
			word = append(word, piece{text[start:end], startRune, curW, curHL, curSpace})
			wordW += curW
		}
		start, startRune, curW = end, endRune, 0
	}
	for i, r := range text {
		hl := -1
		if owner != nil {
			hl = owner[runeIdx]
		}
		runeIdx++
		if r == '\n' {
			cut(i, runeIdx-1)
			flushWord()
			line.start = runeIdx - 1
			newLine()
			start, startRune = i+1, runeIdx
			curHL = -2
			continue
		}
		space := unicode.IsSpace(r)
		if hl != curHL || space != curSpace {
			cut(i, runeIdx-1)
			if curSpace && !space {
				flushWord() // a new word begins: the one before may wrap on its own
			}
			curHL, curSpace = hl, space
		}
		w, ok := widths.get(r)
		if !ok {
			w = widths.measure(r)
		}
		curW += w
		// A very long run without spaces is cut so it can wrap.
		if curW > width/2 && !space {
			cut(i+utf8.RuneLen(r), runeIdx)
			flushWord()
		}
	}
	cut(len(text), runeIdx)
	flushWord()
	newLine()
	c.height = float32(len(c.lines))*c.lineHeight + theme.Padding()*2
}

// highlightOwners returns, for each code point, the index of the shortest
// highlight covering it (or -1), so nested spans show the innermost one.
func highlightOwners(text string, hls []Highlight) []int {
	if len(hls) == 0 {
		return nil
	}
	n := utf8.RuneCountInString(text)
	owner := make([]int, n)
	for i := range owner {
		owner[i] = -1
	}
	order := make([]int, len(hls))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		return hls[order[a]].End-hls[order[a]].Start > hls[order[b]].End-hls[order[b]].Start
	})
	for _, k := range order {
		h := hls[k]
		for i := max(h.Start, 0); i < min(h.End, n); i++ {
			owner[i] = k
		}
	}
	return owner
}

type textContentRenderer struct {
	content *textContent
	texts   []*canvas.Text
	rects   []*canvas.Rectangle
	objects []fyne.CanvasObject
}

func (r *textContentRenderer) Layout(fyne.Size) { r.Refresh() }
func (r *textContentRenderer) MinSize() fyne.Size {
	return r.content.MinSize()
}
func (r *textContentRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *textContentRenderer) Destroy()                     {}

// Refresh places text and highlight objects for the visible lines only,
// reusing the objects from the previous frame.
func (r *textContentRenderer) Refresh() {
	c := r.content
	v := c.view
	top := v.scroll.Offset.Y
	height := v.scroll.Size().Height
	if height <= 0 {
		height = 1000
	}
	pad := theme.Padding()
	first, last := 0, -1
	if c.lineHeight > 0 {
		first = int((top - pad) / c.lineHeight)
		last = int((top+height-pad)/c.lineHeight) + 1
	}
	first = max(first, 0)
	last = min(last, len(c.lines)-1)
	fg := theme.Color(theme.ColorNameForeground)
	nt, nr := 0, 0
	for li := first; li <= last; li++ {
		y := pad + float32(li)*c.lineHeight
		for _, s := range c.lines[li].segs {
			if s.highlight >= 0 && s.highlight < len(v.highlights) {
				if nr == len(r.rects) {
					r.rects = append(r.rects, &canvas.Rectangle{CornerRadius: 4})
				}
				rect := r.rects[nr]
				nr++
				rect.FillColor = v.highlights[s.highlight].Color
				rect.StrokeWidth = 0
				rect.Move(fyne.NewPos(pad+s.x-1, y))
				rect.Resize(fyne.NewSize(s.w+2, c.lineHeight-1))
				rect.Show()
			}
			if nt == len(r.texts) {
				r.texts = append(r.texts, canvas.NewText("", fg))
			}
			t := r.texts[nt]
			nt++
			t.Text = s.text
			t.Color = fg
			t.TextSize = c.textSize
			t.Move(fyne.NewPos(pad+s.x, y+theme.LineSpacing()/2))
			t.Resize(fyne.NewSize(s.w, c.lineHeight))
			t.Show()
		}
	}
	// Overlays: selection fills and emphasis outlines.
	for _, o := range v.overlays {
		for li := first; li <= last; li++ {
			x0, x1, ok := c.xRange(c.lines[li], o.Start, o.End)
			if !ok {
				continue
			}
			if nr == len(r.rects) {
				r.rects = append(r.rects, &canvas.Rectangle{CornerRadius: 4})
			}
			rect := r.rects[nr]
			nr++
			rect.FillColor = o.Fill
			if o.Fill == nil {
				rect.FillColor = color.Transparent
			}
			rect.StrokeColor = o.Stroke
			rect.StrokeWidth = 0
			if o.Stroke != nil {
				rect.StrokeWidth = 2
			}
			rect.Move(fyne.NewPos(pad+x0-2, pad+float32(li)*c.lineHeight-1))
			rect.Resize(fyne.NewSize(x1-x0+4, c.lineHeight+1))
			rect.Show()
		}
	}
	for _, t := range r.texts[nt:] {
		t.Hide()
	}
	for _, rect := range r.rects[nr:] {
		rect.Hide()
	}
	r.objects = r.objects[:0]
	for _, rect := range r.rects {
		r.objects = append(r.objects, rect)
	}
	for _, t := range r.texts {
		r.objects = append(r.objects, t)
	}
	for _, o := range r.objects {
		o.Refresh()
	}
}

// widthCache holds measured character widths for one text size.
type widthCache struct {
	mu    sync.RWMutex
	size  float32
	ascii [128]float32
	other map[rune]float32
}

var widthCaches sync.Map // float32 text size → *widthCache

func runeWidths(size float32) *widthCache {
	if c, ok := widthCaches.Load(size); ok {
		return c.(*widthCache)
	}
	c := &widthCache{size: size, other: map[rune]float32{}}
	for r := rune(32); r < 127; r++ {
		c.ascii[r] = fyne.MeasureText(string(r), size, fyne.TextStyle{}).Width
	}
	actual, _ := widthCaches.LoadOrStore(size, c)
	return actual.(*widthCache)
}

func (c *widthCache) get(r rune) (float32, bool) {
	if r >= 32 && r < 127 {
		return c.ascii[r], true
	}
	c.mu.RLock()
	w, ok := c.other[r]
	c.mu.RUnlock()
	return w, ok
}

func (c *widthCache) measure(r rune) float32 {
	w := fyne.MeasureText(string(r), c.size, fyne.TextStyle{}).Width
	if unicode.Is(unicode.Mn, r) || r == 0xFE0F || r == 0x200D || r == 0x200B {
		w = 0 // marks and joiners draw on the character before
	}
	c.mu.Lock()
	c.other[r] = w
	c.mu.Unlock()
	return w
}
