package gui

import (
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/review"
	"github.com/slant-annotate/slant/annotate/schema"
	"github.com/slant-annotate/slant/app/ops"
)

// reviewDetail shows one disagreement: the article with the unit
// highlighted, and each annotator's value (and target, for a stance) side
// by side, with gold's.
type reviewDetail struct {
	m      *reviewMode
	title  *widget.Label
	facts  *oneLine
	keys   *oneLine
	cards  *fyne.Container
	card   []*valueCard // one per annotator, then gold
	text   *TextView
	root   fyne.CanvasObject
	docIdx int // the document shown, -1
}

// valueCard is one annotator's answer.
type valueCard struct {
	bg      *canvas.Rectangle
	name    *canvas.Text
	value   *canvas.Text
	towards *canvas.Text
	root    fyne.CanvasObject
}

func newValueCard() *valueCard {
	c := &valueCard{bg: canvas.NewRectangle(color.Transparent)}
	c.bg.CornerRadius = 6
	c.bg.StrokeWidth = 1
	c.name = canvas.NewText("", theme.Color(theme.ColorNamePlaceHolder))
	c.value = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	c.value.TextStyle.Bold = true
	c.value.TextSize = theme.TextSize() * 1.3
	c.towards = canvas.NewText("", theme.Color(theme.ColorNamePlaceHolder))
	c.towards.TextSize = theme.TextSize() * 0.9
	c.root = container.NewStack(c.bg, container.NewPadded(container.NewVBox(c.name, c.value, c.towards)))
	return c
}

func (c *valueCard) set(name, value, towards string, fill color.Color) {
	c.name.Text, c.value.Text, c.towards.Text = name, value, towards
	c.bg.FillColor = fill
	c.bg.StrokeColor = theme.Color(theme.ColorNameSeparator)
	c.name.Refresh()
	c.value.Refresh()
	c.towards.Refresh()
	c.bg.Refresh()
}

func newReviewDetail(m *reviewMode) *reviewDetail {
	d := &reviewDetail{m: m, docIdx: -1}
	d.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.title.Truncation = fyne.TextTruncateClip
	d.facts = newOneLine()
	d.keys = newOneLine()
	d.cards = container.NewGridWithColumns(1)
	d.text = NewTextView()
	d.root = container.NewBorder(container.NewVBox(d.title, d.facts.root, d.cards, d.keys.root), nil, nil, nil, d.text)
	return d
}

// setup makes a card per annotator, and gold's.
func (d *reviewDetail) setup(rev *ops.Review) {
	d.card = nil
	var objs []fyne.CanvasObject
	for range len(rev.Set.Annotators) + 1 {
		c := newValueCard()
		d.card = append(d.card, c)
		objs = append(objs, c.root)
	}
	d.cards.Objects = objs
	d.cards.Layout = container.NewGridWithColumns(len(objs)).Layout
	d.cards.Refresh()
	d.docIdx = -1
}

// show shows disagreement i.
func (d *reviewDetail) show(i int) {
	rev := d.m.rev
	dis := &rev.Disagreements[i]
	doc, matched := rev.Doc(i)
	task, ok := d.m.schema.Task(dis.Task)
	if !ok { // a span layer, or a task since removed from the schema
		task = &schema.Task{Name: dis.Task}
		if review.IsSpanTask(dis.Task) {
			task.Question = "which span is right: an annotator's (its digit), or none (0)?"
		}
	}
	d.title.SetText(fmt.Sprintf("%s · %s", dis.Task, doc.Title))
	kind := string(dis.Unit.Scope)
	facts := fmt.Sprintf("#%d · %s: %s · %s", doc.ID, kind, unitName(dis.Unit), task.Question)
	if task.Ordinal {
		facts += fmt.Sprintf(" · %.0f%% of the scale apart", dis.Distance*100)
	}
	if dis.TowardsDiffer {
		facts += " · their stances are towards different targets"
	}
	d.facts.SetText(facts)
	towardsName := func(t int) string {
		if task.Towards == "" {
			return ""
		}
		if t >= 0 && t < len(matched.Targets) {
			return "towards " + matched.Targets[t].Name
		}
		if task.Towards == schema.TowardsQuoteTarget {
			return "towards no target"
		}
		return ""
	}
	for a, name := range rev.Set.Annotators {
		v, tw := dis.Values[a], ""
		if v == "" {
			v = "—"
		} else if dis.Towards != nil {
			tw = towardsName(dis.Towards[a])
		}
		d.card[a].set(name, v, tw, valueFill(*task, dis.Values[a]))
	}
	g, gt := dis.Gold, ""
	if g == "" {
		g = "undecided"
	} else {
		gt = towardsName(dis.GoldTowards)
	}
	gold := d.card[len(d.card)-1]
	gold.set("gold", g, gt, valueFill(*task, dis.Gold))
	gold.bg.StrokeColor = theme.Color(theme.ColorNamePrimary)
	gold.bg.StrokeWidth = 2
	gold.bg.Refresh()
	var keys []string
	for _, l := range task.Labels {
		keys = append(keys, l.Key+" "+l.Value)
	}
	if review.IsSpanTask(dis.Task) {
		for a, name := range rev.Set.Annotators {
			if a < 9 && dis.Values[a] != "" && dis.Values[a] != review.NoSpan {
				keys = append(keys, fmt.Sprintf("%d %s's", a+1, name))
			}
		}
		keys = append(keys, "0 none")
	}
	maj, _ := dis.Majority()
	majority := "G majority (" + maj + ")"
	if maj == "" {
		majority = "G majority (none: a tie)"
	}
	d.keys.SetText(strings.Join(keys, " · ") + " · " + majority + " · Backspace clears · ↑/↓ previous/next · Esc back")
	hls, first := unitHighlights(doc, dis.Unit)
	if d.docIdx == dis.Doc {
		d.text.SetTextKeepScroll(doc.Text, hls)
	} else {
		d.text.SetText(doc.Text, hls)
		d.docIdx = dis.Doc
	}
	var ov []Overlay
	if dis.Unit.Scope != schema.ScopeDocument && dis.Unit.End > dis.Unit.Start {
		ov = append(ov, Overlay{Start: dis.Unit.Start, End: dis.Unit.End, Stroke: selectStroke})
	}
	d.text.SetOverlays(ov)
	if first >= 0 {
		d.text.ScrollToOffset(first)
	}
}

// valueFill colours a value by its place on the task's scale (red at one
// end, green at the other), faintly; nothing for no value.
func valueFill(task schema.Task, v string) color.Color {
	for i, l := range task.Labels {
		if l.Value == v {
			x := 0.5
			if len(task.Labels) > 1 {
				x = float64(i) / float64(len(task.Labels)-1)
			}
			c := scaleColor(x)
			c.A = 0x50
			return c
		}
	}
	return color.Transparent
}

// unitHighlights marks a unit in its document: a quote (with its speaker)
// as each annotator who has it drew it, a target's mentions in every
// annotator's layer. It returns where the unit first appears, or -1.
func unitHighlights(doc *review.Doc, u review.Unit) ([]Highlight, int) {
	seen := map[[2]int]bool{}
	var hls []Highlight
	first := -1
	add := func(start, end int, c color.Color) {
		k := [2]int{start, end}
		if end <= start || seen[k] {
			return
		}
		seen[k] = true
		hls = append(hls, Highlight{Start: start, End: end, Color: c})
		if first < 0 || start < first {
			first = start
		}
	}
	for i, ref := range u.Refs {
		if ref == "" || i >= len(doc.Layers) || doc.Layers[i] == nil {
			continue
		}
		l := doc.Layers[i]
		scope, id, _ := annotate.ParseUnit(ref)
		switch scope {
		case "target":
			for _, s := range l.Mentions(id) {
				add(s.Start, s.End, reviewMention)
			}
		case "quote":
			if q, ok := l.Span(id); ok {
				add(q.Start, q.End, quoteColor)
				if q.HasSpeaker {
					add(q.SpeakerStart, q.SpeakerEnd, speakerColor)
				}
			}
		case "entity":
			if s, ok := l.Span(id); ok && s.Live() {
				add(s.Start, s.End, reviewMention)
			}
		}
	}
	if first < 0 && u.End > u.Start {
		add(u.Start, u.End, reviewMention)
	}
	return hls, first
}

var reviewMention = color.NRGBA{0xf5, 0x9e, 0x0b, 0x90}
