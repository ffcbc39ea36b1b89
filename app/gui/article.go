package gui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/pretag"
)

// articleView shows the selected document: its title, where it came from,
// and its text, wrapped and scrollable.
type articleView struct {
	title  *widget.Label
	meta   *widget.Label
	text   *TextView
	root   fyne.CanvasObject
	docID  int64
	words  int
	source string
}

func newArticleView() *articleView {
	v := &articleView{
		title: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		meta:  widget.NewLabel(""),
		text:  NewTextView(),
	}
	v.text.SetText("Select a document, or import articles with File → Import (Ctrl+O, or Ctrl+I to type a path), or drop files on this window.", nil)
	v.title.Truncation = fyne.TextTruncateClip // wrapping re-measures on every document
	v.meta.Importance = widget.LowImportance
	v.meta.Truncation = fyne.TextTruncateClip // ellipsis re-shapes the text on every change
	v.root = container.NewBorder(container.NewVBox(v.title, v.meta), legend(), nil, nil, v.text)
	return v
}

// showDoc shows a document's title and facts; the text is set by the caller.
func (v *articleView) showDoc(d annotate.Document, summary string) {
	v.docID = d.ID
	v.title.SetText(d.Title)
	v.words = annotate.Words(d.Text)
	v.source = d.Source
	v.setSummary(summary)
}

// setSummary updates the line under the title.
func (v *articleView) setSummary(summary string) {
	setText(v.meta, fmt.Sprintf("#%d · %d words · %s · %s", v.docID, v.words, summary, v.source))
}

func (v *articleView) show(d annotate.Document, r *pretag.Result, tagged bool) {
	v.docID = d.ID
	v.title.SetText(d.Title)
	meta := fmt.Sprintf("#%d · %d words · %s · %s", d.ID, annotate.Words(d.Text), summarise(r, tagged), d.Source)
	if d.URL != "" {
		meta += " · " + d.URL
	}
	v.meta.SetText(meta)
	v.text.SetText(d.Text, highlightsFor(r))
}
