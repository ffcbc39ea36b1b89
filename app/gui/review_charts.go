package gui

import (
	"fmt"
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"github.com/slant-annotate/slant/annotate/review"
)

// The review's pictures are drawn with canvas rectangles and texts placed
// by hand in a container of fixed size: a heatmap of agreement between
// annotator pairs, a confusion matrix for a pair, a colour scale with its
// legend, and bars of per-label agreement.

// fixedLayout keeps its objects where they were placed and asks for size.
type fixedLayout struct{ size fyne.Size }

func (l fixedLayout) Layout([]fyne.CanvasObject, fyne.Size) {}
func (l fixedLayout) MinSize([]fyne.CanvasObject) fyne.Size { return l.size }

// chart collects placed canvas objects.
type chart struct {
	objs []fyne.CanvasObject
	w, h float32
}

func (c *chart) rect(x, y, w, h float32, fill, stroke color.Color) *canvas.Rectangle {
	r := canvas.NewRectangle(fill)
	if stroke != nil {
		r.StrokeColor, r.StrokeWidth = stroke, 2
	}
	r.Move(fyne.NewPos(x, y))
	r.Resize(fyne.NewSize(w, h))
	c.objs = append(c.objs, r)
	c.w, c.h = max(c.w, x+w), max(c.h, y+h)
	return r
}

// text places s in the box (x, y, w, h), aligned as align says.
func (c *chart) text(s string, x, y, w, h float32, col color.Color, align fyne.TextAlign, bold bool) *canvas.Text {
	t := canvas.NewText(s, col)
	t.TextSize = theme.TextSize() * 0.9
	t.TextStyle.Bold = bold
	t.Alignment = align
	t.Move(fyne.NewPos(x, y))
	t.Resize(fyne.NewSize(w, h))
	c.objs = append(c.objs, t)
	c.w, c.h = max(c.w, x+w), max(c.h, y+h)
	return t
}

func (c *chart) object() fyne.CanvasObject {
	return container.New(fixedLayout{fyne.NewSize(c.w+4, c.h+4)}, c.objs...)
}

// scaleColor is the colour of x on a 0–1 scale: red, yellow, green.
func scaleColor(x float64) color.NRGBA {
	x = max(0, min(1, x))
	lo, mid, hi := color.NRGBA{0xd7, 0x30, 0x27, 0xff}, color.NRGBA{0xfe, 0xe0, 0x8b, 0xff}, color.NRGBA{0x1a, 0x98, 0x50, 0xff}
	if x < 0.5 {
		return mix(lo, mid, x*2)
	}
	return mix(mid, hi, (x-0.5)*2)
}

// countColor is the colour of a share of the largest count: white to blue.
func countColor(x float64) color.NRGBA {
	return mix(color.NRGBA{0xf7, 0xfb, 0xff, 0xff}, color.NRGBA{0x08, 0x51, 0x9c, 0xff}, max(0, min(1, x)))
}

func mix(a, b color.NRGBA, x float64) color.NRGBA {
	f := func(p, q uint8) uint8 { return uint8(math.Round(float64(p) + (float64(q)-float64(p))*x)) }
	return color.NRGBA{f(a.R, b.R), f(a.G, b.G), f(a.B, b.B), 0xff}
}

var (
	chartInk     = color.NRGBA{0x11, 0x18, 0x27, 0xff} // text on a coloured cell
	chartInkLite = color.NRGBA{0xff, 0xff, 0xff, 0xff}
	chartNone    = color.NRGBA{0x9c, 0xa3, 0xaf, 0x60}
)

// pairKappa is the pair's agreement shown in the heatmap: weighted κ for an
// ordinal task, else Cohen's κ.
func pairKappa(p review.PairReport) review.Num {
	if p.WeightedKappa.Defined() {
		return p.WeightedKappa
	}
	return p.Kappa
}

const (
	cellW  = 64
	cellH  = 30
	labelW = 96
)

// pairHeatmap draws annotator × annotator, each cell coloured by the
// pair's κ with its value written in it (1 on the diagonal).
func pairHeatmap(annotators []string, tr *review.TaskReport) fyne.CanvasObject {
	c := &chart{}
	fg := theme.Color(theme.ColorNameForeground)
	n := len(annotators)
	idx := map[string]int{}
	for i, a := range annotators {
		idx[a] = i
		c.text(a, labelW+float32(i)*cellW, 0, cellW, cellH, fg, fyne.TextAlignCenter, true)
		c.text(a, 0, cellH+float32(i)*cellH, labelW-6, cellH, fg, fyne.TextAlignTrailing, true)
	}
	k := make([][]review.Num, n)
	for i := range k {
		k[i] = make([]review.Num, n)
		for j := range k[i] {
			k[i][j] = review.Num(math.NaN())
		}
	}
	for _, p := range tr.Pairs {
		a, okA := idx[p.A]
		b, okB := idx[p.B]
		if okA && okB {
			k[a][b], k[b][a] = pairKappa(p), pairKappa(p)
		}
	}
	for i := range n {
		for j := range n {
			x, y := labelW+float32(j)*cellW, cellH+float32(i)*cellH
			if i == j {
				c.rect(x+1, y+1, cellW-2, cellH-2, chartNone, nil)
				c.text("—", x, y, cellW, cellH, fg, fyne.TextAlignCenter, false)
				continue
			}
			v := k[i][j]
			if !v.Defined() {
				c.rect(x+1, y+1, cellW-2, cellH-2, chartNone, nil)
				c.text("n/a", x, y, cellW, cellH, fg, fyne.TextAlignCenter, false)
				continue
			}
			c.rect(x+1, y+1, cellW-2, cellH-2, scaleColor(float64(v)), nil)
			c.text(fmt.Sprintf("%.2f", float64(v)), x, y, cellW, cellH, chartInk, fyne.TextAlignCenter, false)
		}
	}
	return c.object()
}

// scaleLegend draws the colour scale of the heatmap from 0 (or below) to 1.
func scaleLegend(what string) fyne.CanvasObject {
	c := &chart{}
	fg := theme.Color(theme.ColorNameForeground)
	const steps, w, x0 = 20, 12, 40
	// The scale's name on a line of its own, the bar below it.
	c.text(what, 0, 0, x0+steps*w+30, cellH, fg, fyne.TextAlignLeading, false)
	y := float32(cellH)
	for s := range steps {
		c.rect(x0+float32(s)*w, y+6, w, cellH-12, scaleColor(float64(s)/(steps-1)), nil)
	}
	c.text("≤ 0", 0, y, x0-4, cellH, fg, fyne.TextAlignTrailing, false)
	c.text("0.5", x0+steps*w/2-20, y+cellH-6, 40, cellH, fg, fyne.TextAlignCenter, false)
	c.text("1", x0+steps*w+4, y, 30, cellH, fg, fyne.TextAlignLeading, false)
	return c.object()
}

// confusionMatrix draws a pair's confusion matrix: A's values down, B's
// across, each cell shaded by its count (the diagonal, where they agree,
// outlined).
func confusionMatrix(p review.PairReport, categories []string) fyne.CanvasObject {
	c := &chart{}
	fg := theme.Color(theme.ColorNameForeground)
	n := len(p.Confusion)
	most := 0
	for _, row := range p.Confusion {
		for _, v := range row {
			most = max(most, v)
		}
	}
	c.text(p.B+" →", labelW, 0, float32(n)*cellW, cellH, fg, fyne.TextAlignCenter, true)
	c.text(p.A+" ↓", 0, 0, labelW-6, cellH, fg, fyne.TextAlignTrailing, true)
	for i := range n {
		name := fmt.Sprint(i)
		if i < len(categories) {
			name = categories[i]
		}
		c.text(clipText(name, 10), labelW+float32(i)*cellW, cellH, cellW, cellH, fg, fyne.TextAlignCenter, false)
		c.text(clipText(name, 12), 0, 2*cellH+float32(i)*cellH, labelW-6, cellH, fg, fyne.TextAlignTrailing, false)
	}
	for i, row := range p.Confusion {
		for j, v := range row {
			x, y := labelW+float32(j)*cellW, 2*cellH+float32(i)*cellH
			share := 0.0
			if most > 0 {
				share = float64(v) / float64(most)
			}
			var stroke color.Color
			if i == j {
				stroke = theme.Color(theme.ColorNamePrimary)
			}
			c.rect(x+1, y+1, cellW-2, cellH-2, countColor(share), stroke)
			ink := chartInk
			if share > 0.55 {
				ink = chartInkLite
			}
			c.text(fmt.Sprint(v), x, y, cellW, cellH, ink, fyne.TextAlignCenter, false)
		}
	}
	// The legend: the count scale.
	y := 2*cellH + float32(n)*cellH + 8
	const steps, w = 10, 12
	c.text("units:", 0, y, labelW-6, cellH, fg, fyne.TextAlignTrailing, false)
	c.text("0", labelW-2, y, 20, cellH, fg, fyne.TextAlignTrailing, false)
	for s := range steps {
		c.rect(labelW+20+float32(s)*w, y+6, w, cellH-12, countColor(float64(s)/(steps-1)), nil)
	}
	c.text(fmt.Sprint(most), labelW+24+steps*w, y, 60, cellH, fg, fyne.TextAlignLeading, false)
	return c.object()
}

// labelBars draws each label's specific agreement as a bar coloured on the
// same scale, with its value and how many values it has.
func labelBars(labels []review.LabelStat) fyne.CanvasObject {
	c := &chart{}
	fg := theme.Color(theme.ColorNameForeground)
	const barW = 200
	for i, l := range labels {
		y := float32(i) * cellH
		c.text(clipText(l.Label, 14), 0, y, labelW+20, cellH, fg, fyne.TextAlignTrailing, false)
		x := float32(labelW + 26)
		c.rect(x, y+5, barW, cellH-10, chartNone, nil)
		v := "undefined"
		if l.Specific.Defined() {
			c.rect(x, y+5, barW*float32(max(0, min(1, float64(l.Specific)))), cellH-10, scaleColor(float64(l.Specific)), nil)
			v = fmt.Sprintf("%.2f", float64(l.Specific))
		}
		c.text(fmt.Sprintf("%s  (%d values)", v, l.Count), x+barW+8, y, 160, cellH, fg, fyne.TextAlignLeading, false)
	}
	return c.object()
}
