package report

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/slant-annotate/slant/annotate/review"
)

// Pictures are laid out here, in user units (px at 100%), and drawn by
// the template. Text widths are estimated: charW per character at the
// pictures' 11px font.
const (
	charW     = 7
	maxAxis   = 18 // characters of a name shown on an axis
	legendBar = 14
)

// heatmap is the pairs of one task: annotator × annotator, coloured by κ.
type heatmap struct {
	W, H      float64
	Metric    string
	Cells     []heatCell
	RowLabels []label
	ColLabels []label
	Legend    []swatch
	Ticks     []label
	Undefined heatCell // the legend's undefined swatch
	UndefText label
	Title     label
	Empty     bool
}

type heatCell struct {
	X, Y, S  float64
	Fill     string
	Text     string
	TextX    float64
	TextY    float64
	TextFill string
	FontSize float64
	Title    string
	Self     bool
	Hatch    []segment
}

type segment struct{ X1, Y1, X2, Y2 float64 }

type label struct {
	X, Y   float64
	Text   string
	Full   string // shown as a tooltip when Text is cut short
	Anchor string
	Rotate string // a transform, or ""
}

type swatch struct {
	X, Y, W, H float64
	Fill       string
}

func r1(v float64) float64 { return math.Round(v*10) / 10 }

func textWidth(s string, max int) float64 {
	return float64(min(utf8.RuneCountInString(s), max)) * charW
}

// heatAnnotators is the annotators of a task's pairs, in report order.
func heatAnnotators(r *review.Report, t *review.TaskReport) []string {
	in := map[string]bool{}
	for _, p := range t.Pairs {
		in[p.A], in[p.B] = true, true
	}
	var out []string
	seen := map[string]bool{}
	for _, a := range r.Annotators {
		if in[a.Name] && !seen[a.Name] {
			out = append(out, a.Name)
			seen[a.Name] = true
		}
	}
	for _, p := range t.Pairs {
		for _, n := range []string{p.A, p.B} {
			if !seen[n] {
				out = append(out, n)
				seen[n] = true
			}
		}
	}
	if len(out) == 0 {
		for _, a := range r.Annotators {
			if !seen[a.Name] {
				out = append(out, a.Name)
				seen[a.Name] = true
			}
		}
	}
	return out
}

func buildHeatmap(r *review.Report, t *review.TaskReport, weighted bool) heatmap {
	names := heatAnnotators(r, t)
	n := len(names)
	h := heatmap{Metric: "Cohen's κ", Empty: len(t.Pairs) == 0}
	if weighted {
		h.Metric = "weighted κ (linear)"
	}
	type key struct{ a, b string }
	pairs := map[key]review.PairReport{}
	for _, p := range t.Pairs {
		pairs[key{p.A, p.B}] = p
		pairs[key{p.B, p.A}] = p
	}
	labelW := 0.0
	for _, a := range names {
		labelW = math.Max(labelW, textWidth(a, maxAxis))
	}
	s := 56.0
	if n > 6 {
		s = math.Max(30, math.Floor(336/float64(n)))
	}
	left := labelW + 12
	top := r1(labelW*0.71 + 16)
	font := 11.0
	if s < 44 {
		font = 9
	}
	for i, a := range names {
		y := top + float64(i)*s
		h.RowLabels = append(h.RowLabels, label{X: left - 6, Y: r1(y + s/2 + 4), Text: shorten(a, maxAxis), Full: a, Anchor: "end"})
		x := left + float64(i)*s + s/2
		h.ColLabels = append(h.ColLabels, label{X: r1(x), Y: top - 6, Text: shorten(a, maxAxis), Full: a, Anchor: "start",
			Rotate: fmt.Sprintf("rotate(-45 %s %s)", ff(r1(x)), ff(top-6))})
		for j, b := range names {
			c := heatCell{X: left + float64(j)*s, Y: y, S: s, FontSize: font}
			c.TextX, c.TextY = r1(c.X+s/2), r1(y+s/2+font*0.36)
			switch p, ok := pairs[key{a, b}]; {
			case i == j:
				c.Self, c.Fill, c.Title = true, "#ffffff", a
			case !ok:
				c.Fill, c.Title = "#e6e6e6", a+" × "+b+": no shared units"
				c.Hatch = hatch(c.X, c.Y, s)
			default:
				k := p.Kappa
				if weighted {
					k = p.WeightedKappa
				}
				c.Title = fmt.Sprintf("%s × %s: %s = %s (%s)", a, b, h.Metric, k.String(), plural(p.SharedUnits, "shared unit"))
				if !k.Defined() {
					c.Fill = "#e6e6e6"
					c.Hatch = hatch(c.X, c.Y, s)
					c.Text, c.TextFill = "undefined", "#333333"
					c.FontSize = r1(math.Min(9, s/5.2))
					c.TextY = r1(y + s/2 + c.FontSize*0.36)
					break
				}
				v := clamp(float64(k), -1, 1)
				c.Fill = diverging(v)
				c.Text = strconv.FormatFloat(float64(k), 'f', 2, 64)
				c.TextFill = "#1a1a1a"
				if math.Abs(v) >= 0.6 {
					c.TextFill = "#ffffff"
				}
			}
			h.Cells = append(h.Cells, c)
		}
	}
	// The legend: a bar from 1 (top) to -1, ticks, an undefined swatch.
	// (clear of the last column's name, which rises to the right)
	lx := r1(math.Max(left+float64(n)*s+28, left+(float64(n)-0.5)*s+textWidth(lastName(names), maxAxis)*0.71+12))
	barH := 160.0
	ly := top
	const steps = 40
	for i := 0; i < steps; i++ {
		v := 1 - 2*(float64(i)+0.5)/steps
		h.Legend = append(h.Legend, swatch{X: lx, Y: r1(ly + float64(i)*barH/steps), W: legendBar, H: r1(barH/steps + 0.6), Fill: diverging(v)})
	}
	for _, v := range []float64{1, 0.5, 0, -0.5, -1} {
		y := ly + (1-v)/2*barH
		h.Ticks = append(h.Ticks, label{X: lx + legendBar + 5, Y: r1(y + 4), Text: strconv.FormatFloat(v, 'f', -1, 64), Anchor: "start"})
	}
	h.Title = label{X: lx, Y: ly - 10, Text: "κ", Anchor: "start"}
	us := 18.0
	h.Undefined = heatCell{X: lx - 2, Y: ly + barH + 14, S: us, Fill: "#e6e6e6", Hatch: hatch(lx-2, ly+barH+14, us)}
	h.UndefText = label{X: lx + us + 4, Y: r1(ly + barH + 14 + us/2 + 4), Text: "undefined", Anchor: "start"}
	h.W = r1(lx + legendBar + 5 + 70)
	h.H = r1(math.Max(top+float64(n)*s, ly+barH+14+us) + 8)
	return h
}

func lastName(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return names[len(names)-1]
}

// hatch draws diagonal lines across a square cell at x, y of side s.
func hatch(x, y, s float64) []segment {
	var out []segment
	for _, c := range []float64{-s * 2 / 3, -s / 3, 0, s / 3, s * 2 / 3} {
		// The line u − v = c within [0, s]².
		u1, u2 := math.Max(0, c), math.Min(s, s+c)
		out = append(out, segment{X1: r1(x + u1), Y1: r1(y + u1 - c), X2: r1(x + u2), Y2: r1(y + u2 - c)})
	}
	return out
}

// confusion is one pair's confusion matrix on one task.
type confusion struct {
	A, B      string
	Shared    int
	Total     int
	Caption   string
	W, H      float64
	Cells     []confCell
	RowLabels []label
	ColLabels []label
	RowTotals []label
	ColTotals []label
	TotalHead label
	ATitle    label
	BTitle    label
}

type confCell struct {
	X, Y, S      float64
	Row, Col     int
	Count        int
	Fill         string
	TextX, TextY float64
	TextFill     string
	Diag         bool
	Title        string
}

func buildConfusion(t *review.TaskReport, p review.PairReport) confusion {
	cats := t.Categories
	k := len(cats)
	// A confusion matrix may be bigger than the categories (a hand-made
	// report): name the extra rows by number.
	for _, row := range p.Confusion {
		k = max(k, len(row))
	}
	k = max(k, len(p.Confusion))
	name := func(i int) string {
		if i < len(cats) {
			return cats[i]
		}
		return "#" + strconv.Itoa(i+1)
	}
	count := func(i, j int) int {
		if i < len(p.Confusion) && j < len(p.Confusion[i]) {
			return p.Confusion[i][j]
		}
		return 0
	}
	c := confusion{A: p.A, B: p.B, Shared: p.SharedUnits}
	most := 0
	for i := 0; i < k; i++ {
		for j := 0; j < k; j++ {
			most = max(most, count(i, j))
			c.Total += count(i, j)
		}
	}
	const capLen = 14
	labelW := 0.0
	for i := 0; i < k; i++ {
		labelW = math.Max(labelW, textWidth(name(i), capLen))
	}
	s := 40.0
	if k > 6 {
		s = math.Max(24, math.Floor(240/float64(k)))
	}
	left := 20 + labelW + 8
	top := r1(22 + labelW*0.71 + 8)
	for i := 0; i < k; i++ {
		y := top + float64(i)*s
		c.RowLabels = append(c.RowLabels, label{X: left - 6, Y: r1(y + s/2 + 4), Text: shorten(name(i), capLen), Full: name(i), Anchor: "end"})
		x := r1(left + float64(i)*s + s/2)
		c.ColLabels = append(c.ColLabels, label{X: x, Y: top - 6, Text: shorten(name(i), capLen), Full: name(i), Anchor: "start",
			Rotate: fmt.Sprintf("rotate(-45 %s %s)", ff(x), ff(top-6))})
		rowTotal, colTotal := 0, 0
		for j := 0; j < k; j++ {
			n := count(i, j)
			rowTotal += n
			colTotal += count(j, i)
			cc := confCell{X: left + float64(j)*s, Y: y, S: s, Row: i, Col: j, Count: n, Diag: i == j,
				Title: fmt.Sprintf("%s: %s, %s: %s — %d", p.A, name(i), p.B, name(j), n)}
			cc.TextX, cc.TextY = r1(cc.X+s/2), r1(y+s/2+4)
			share := 0.0
			if most > 0 {
				share = float64(n) / float64(most)
			}
			cc.Fill = sequential(share)
			cc.TextFill = "#1a1a1a"
			switch {
			case n == 0:
				cc.TextFill = "#9a9a9a"
			case share >= 0.55:
				cc.TextFill = "#ffffff"
			}
			c.Cells = append(c.Cells, cc)
		}
		c.RowTotals = append(c.RowTotals, label{X: left + float64(k)*s + 8, Y: r1(y + s/2 + 4), Text: strconv.Itoa(rowTotal), Anchor: "start"})
		c.ColTotals = append(c.ColTotals, label{X: x, Y: r1(top + float64(k)*s + 15), Text: strconv.Itoa(colTotal), Anchor: "middle"})
	}
	c.Caption = plural(c.Total, "shared unit")
	c.TotalHead = label{X: left + float64(k)*s + 8, Y: top - 6, Text: "Σ", Anchor: "start"}
	c.BTitle = label{X: r1(left + float64(k)*s/2), Y: 13, Text: shorten(p.B, 24), Full: p.B, Anchor: "middle"}
	ay := r1(top + float64(k)*s/2)
	c.ATitle = label{X: 13, Y: ay, Text: shorten(p.A, 24), Full: p.A, Anchor: "middle", Rotate: fmt.Sprintf("rotate(-90 13 %s)", ff(ay))}
	c.W = left + float64(k)*s + 8 + textWidth(strconv.Itoa(c.Total), 8) + 6
	c.W = math.Max(c.W, left+float64(k)*s/2+textWidth(c.BTitle.Text, 24)/2+4)
	if k > 0 { // the last column's name rises to the right
		c.W = math.Max(c.W, left+(float64(k)-0.5)*s+textWidth(name(k-1), capLen)*0.71+8)
	}
	c.W = r1(c.W)
	c.H = r1(top + float64(k)*s + 22)
	return c
}

func ff(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

type rgb [3]float64

func (c rgb) hex() string {
	return fmt.Sprintf("#%02x%02x%02x", int(math.Round(c[0])), int(math.Round(c[1])), int(math.Round(c[2])))
}

func mix(a, b rgb, t float64) rgb {
	return rgb{a[0] + (b[0]-a[0])*t, a[1] + (b[1]-a[1])*t, a[2] + (b[2]-a[2])*t}
}

// The diverging scale for κ (ColorBrewer RdBu): red below 0, white at 0,
// blue towards 1.
var divergingStops = []rgb{
	{178, 24, 43},   // -1
	{239, 138, 98},  // -0.5
	{247, 247, 247}, // 0
	{103, 169, 207}, // 0.5
	{33, 102, 172},  // 1
}

func diverging(v float64) string {
	v = clamp(v, -1, 1)
	pos := (v + 1) * 2 // 0..4
	i := int(math.Floor(pos))
	if i >= len(divergingStops)-1 {
		return divergingStops[len(divergingStops)-1].hex()
	}
	return mix(divergingStops[i], divergingStops[i+1], pos-float64(i)).hex()
}

// sequential shades a count's share of the largest: white to blue.
func sequential(t float64) string {
	t = clamp(t, 0, 1)
	if t == 0 {
		return "#ffffff"
	}
	return mix(rgb{239, 243, 255}, rgb{33, 102, 172}, math.Pow(t, 0.85)).hex()
}
