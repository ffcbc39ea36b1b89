package gui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/pretag"
)

// articleView shows the selected document: its title, where it came from,
// and its text, wrapped and scrollable.
type articleView struct {
	title  *widget.Label
	meta   *oneLine
	text   *TextView
	root   fyne.CanvasObject
	docID  int64
	words  int
	source string
}

func newArticleView() *articleView {
	v := &articleView{
		title: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		meta:  newOneLine(),
		text:  NewTextView(),
	}
	v.text.SetText("Select a document, or import articles with File → Import (Ctrl+O, or Ctrl+I to type a path), or drop files on this window.", nil)
	v.title.Truncation = fyne.TextTruncateClip // wrapping re-measures on every document
	v.root = container.NewBorder(container.NewVBox(v.title, v.meta.root), legend(), nil, nil, v.text)
	return v
}

// showDoc shows a document's title and facts; the text is set by the caller.
func (v *articleView) showDoc(d annotate.Document, summary string) {
	v.docID = d.ID
	v.title.SetText(d.Title)
	v.words = annotate.Words(d.Text)
	v.source = d.Source
	if d.URL != "" {
		v.source += " · " + d.URL
	}
	v.setSummary(summary)
}

// setSummary updates the line under the title.
func (v *articleView) setSummary(summary string) {
	v.meta.SetText(fmt.Sprintf("#%d · %d words · %s · %s", v.docID, v.words, summary, v.source))
}

// show shows a document with its suggestions, before anyone is labelling.
func (v *articleView) show(d annotate.Document, r *pretag.Result, tagged bool) {
	v.showDoc(d, summarise(r, tagged))
	v.text.SetText(d.Text, highlightsFor(r))
}

// oneLine is a line of secondary text, cut at the edge of its space. A
// Label cut to its width searches for the cut by shaping the text again
// and again; this measures the text once and lets a scroller clip it.
type oneLine struct {
	text *canvas.Text
	root *container.Scroll
}

func newOneLine() *oneLine {
	t := canvas.NewText("", theme.Color(theme.ColorNamePlaceHolder))
	t.TextSize = theme.TextSize()
	l := &oneLine{text: t, root: container.NewHScroll(container.NewPadded(t))}
	return l
}

// SetText replaces the line.
func (l *oneLine) SetText(s string) {
	if l.text.Text == s {
		return
	}
	l.text.Text = s
	l.text.Color = theme.Color(theme.ColorNamePlaceHolder)
	l.text.TextSize = theme.TextSize()
	l.text.Refresh()
	l.root.Refresh()
}

// Text returns the line.
func (l *oneLine) Text() string { return l.text.Text }
