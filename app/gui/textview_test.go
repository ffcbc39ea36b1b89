package gui

import (
	"fmt"
	"image/color"
	"math"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/slant-annotate/slant/assets"
)

var tvRed = color.NRGBA{0xff, 0, 0, 0x70}

// newTestTextView lays text out in a TextView of the given size.
func newTestTextView(t testing.TB, text string, hls []Highlight, width, height float32) *TextView {
	t.Helper()
	v := NewTextView()
	v.SetText(text, hls)
	v.Resize(fyne.NewSize(width, height))
	return v
}

// tvSeg is a laid-out segment with its code point range.
type tvSeg struct {
	line, start, end int // code points [start, end)
	text             string
	highlight        int
}

// checkLayout proves that every character of the text is in exactly one
// segment, in order: walking the lines, each segment is the next piece of
// the text, and what lies between two lines is either nothing (a soft
// wrap) or the one "\n" of a hard break. It also checks each segment's x
// and that no line is wider than the wrap width.
func checkLayout(t testing.TB, v *TextView) []tvSeg {
	t.Helper()
	text := v.Text()
	rest := text
	cp := 0
	breaks := 0
	var segs []tvSeg
	for li, line := range v.content.lines {
		if li > 0 && strings.HasPrefix(rest, "\n") {
			rest = rest[1:]
			cp++
			breaks++
		}
		var x float32
		ink := float32(0) // width up to the last non-space
		for si, s := range line.segs {
			if s.text == "" {
				t.Fatalf("line %d segment %d is empty", li, si)
			}
			if strings.Contains(s.text, "\n") {
				t.Fatalf("line %d segment %d holds a newline: %q", li, si, s.text)
			}
			if !strings.HasPrefix(rest, s.text) {
				t.Fatalf("line %d segment %d is %q, but the text goes on with %.40q", li, si, s.text, rest)
			}
			if si > 0 && line.segs[si-1].highlight == s.highlight {
				t.Errorf("line %d: segments %d and %d have the same highlight and were not merged", li, si-1, si)
			}
			if math.Abs(float64(s.x-x)) > 0.01 {
				t.Errorf("line %d segment %d at x=%v, want %v (after the segments before it)", li, si, s.x, x)
			}
			n := utf8.RuneCountInString(s.text)
			segs = append(segs, tvSeg{li, cp, cp + n, s.text, s.highlight})
			rest = rest[len(s.text):]
			cp += n
			if trimmed := strings.TrimRightFunc(s.text, unicode.IsSpace); trimmed != "" {
				ink = x + s.w*float32(len(trimmed))/float32(len(s.text))
			}
			x += s.w
		}
		if ink > v.width+0.5 && len(line.segs) > 0 {
			t.Errorf("line %d is %v wide, over the wrap width %v: %q", li, ink, v.width, lineText(line))
		}
	}
	if rest != "" {
		t.Fatalf("the segments end before the text does: %.60q is missing", rest)
	}
	if want := strings.Count(text, "\n"); breaks != want {
		t.Fatalf("%d hard breaks between lines, want %d", breaks, want)
	}
	return segs
}

func lineText(l textLine) string {
	var b strings.Builder
	for _, s := range l.segs {
		b.WriteString(s.text)
	}
	return b.String()
}

// innermost is the expected owner of each code point: the shortest
// highlight covering it (no two highlights here are of equal length).
func innermost(n int, hls []Highlight) []int {
	owner := make([]int, n)
	for i := range owner {
		owner[i] = -1
		best := math.MaxInt
		for k, h := range hls {
			if h.Start <= i && i < h.End && h.End-h.Start < best {
				owner[i], best = k, h.End-h.Start
			}
		}
	}
	return owner
}

func TestTextViewSegmentsReproduceText(t *testing.T) {
	test.NewTempApp(t)
	texts := map[string]string{
		"sample":   string(assets.SampleArticle),
		"blank":    "\n\nFirst paragraph after blank lines.\n\n\n   indented line\n\ttabbed\n",
		"long run": "See https://example.com/" + strings.Repeat("abcdefghij", 40) + " for more, and " + strings.Repeat("x", 300),
		"emoji":    "⚖️ Trade Leverage\n👩🏽‍💻 e\u0301cole café – “quoted” text ✅ with 🇮🇳 flags and ZWJ 👨‍👩‍👧 families",
		"empty":    "",
		"spaces":   "word" + strings.Repeat(" ", 400) + "end",
	}
	for name, text := range texts {
		for _, w := range []float32{120, 260, 500, 1000} {
			t.Run(fmt.Sprintf("%s/%v", name, w), func(t *testing.T) {
				v := newTestTextView(t, text, nil, w, 400)
				checkLayout(t, v)
				if v.LineCount() < strings.Count(text, "\n")+1 {
					t.Errorf("%d lines for %d hard lines", v.LineCount(), strings.Count(text, "\n")+1)
				}
			})
		}
	}
}

func TestTextViewNarrowerWrapsMore(t *testing.T) {
	test.NewTempApp(t)
	text := string(assets.SampleArticle)
	prev := 0
	for _, w := range []float32{1600, 900, 600, 400, 250} {
		v := newTestTextView(t, text, nil, w, 400)
		n := v.LineCount()
		if n <= prev {
			t.Errorf("width %v: %d lines, not more than the %d of the wider view", w, n, prev)
		}
		prev = n
	}
	// Resizing the same view re-wraps it.
	v := newTestTextView(t, text, nil, 900, 400)
	wide := v.LineCount()
	v.Resize(fyne.NewSize(300, 400))
	if v.LineCount() <= wide {
		t.Errorf("after narrowing: %d lines, was %d", v.LineCount(), wide)
	}
	checkLayout(t, v)
	v.Resize(fyne.NewSize(900, 400))
	if v.LineCount() != wide {
		t.Errorf("after widening back: %d lines, want %d", v.LineCount(), wide)
	}
	// A text without breaks is one line when wide enough.
	v = newTestTextView(t, "short line", nil, 900, 400)
	if v.LineCount() != 1 {
		t.Errorf("short text: %d lines", v.LineCount())
	}
}

func TestTextViewHighlightSplitsAtCodePoints(t *testing.T) {
	test.NewTempApp(t)
	text := "⚖️ Amazon and Walmart press India"
	// ⚖️ is two code points (six bytes): Walmart is [14, 21) in code points
	// and [18, 25) in bytes; a byte/code point mix-up shows here.
	start, end := 14, 21
	if got := utf8.RuneCountInString(text[:strings.Index(text, "Walmart")]); got != start {
		t.Fatalf("test text: Walmart starts at code point %d", got)
	}
	v := newTestTextView(t, text, []Highlight{{Start: start, End: end, Color: tvRed}}, 1000, 200)
	segs := checkLayout(t, v)
	var got []string
	for _, s := range segs {
		got = append(got, fmt.Sprintf("%q/%d", s.text, s.highlight))
	}
	want := []string{`"⚖️ Amazon and "/-1`, `"Walmart"/0`, `" press India"/-1`}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("segments %v\nwant     %v", got, want)
	}
	// A highlight covering the emoji's two code points exactly.
	v = newTestTextView(t, text, []Highlight{{Start: 0, End: 2, Color: tvRed}}, 1000, 200)
	segs = checkLayout(t, v)
	if segs[0].text != "⚖️" || segs[0].highlight != 0 || segs[1].text != " Amazon and Walmart press India" {
		t.Errorf("emoji highlight: %+v", segs)
	}
}

func TestTextViewHighlightsNestedAndWrapped(t *testing.T) {
	test.NewTempApp(t)
	text := string(assets.SampleArticle)
	n := utf8.RuneCountInString(text)
	// Find spans by code point: a quote and its speaker, names, and spans
	// crossing line breaks and the end of the text.
	runes := []rune(text)
	find := func(s string) (int, int) {
		i := strings.Index(text, s)
		if i < 0 {
			t.Fatalf("%q not in the sample", s)
		}
		st := utf8.RuneCountInString(text[:i])
		return st, st + utf8.RuneCountInString(s)
	}
	var hls []Highlight
	add := func(s, e int) { hls = append(hls, Highlight{Start: s, End: e, Color: tvRed}) }
	qs, qe := find("“This is classic Trump trade strategy,” said a Washington-based trade attorney")
	add(qs, qe)
	add(find("Trump"))
	add(find("Washington-based trade attorney"))
	add(find("Amazon"))
	add(find("Flipkart"))
	add(find("⚖️"))
	nl := strings.Index(text, "\n")
	nlCP := utf8.RuneCountInString(text[:nl])
	add(nlCP-3, nlCP+4) // across the first line break
	add(n-5, n+50)      // past the end: clamped
	add(-3, 1)          // before the start: clamped
	if string(runes[qs]) != "“" {
		t.Fatalf("quote starts with %q", string(runes[qs]))
	}
	for _, w := range []float32{200, 350, 700} {
		v := newTestTextView(t, text, hls, w, 400)
		segs := checkLayout(t, v)
		owner := innermost(n, hls)
		for _, s := range segs {
			for i := s.start; i < s.end; i++ {
				if owner[i] != s.highlight {
					t.Fatalf("width %v: code point %d (%q) in segment %q has highlight %d, want %d",
						w, i, string(runes[i]), s.text, s.highlight, owner[i])
				}
			}
		}
		// Each highlight's text is exactly what its segments hold.
		for k, h := range hls[:6] {
			var b strings.Builder
			for _, s := range segs {
				if s.highlight == k {
					b.WriteString(s.text)
				}
			}
			want := string(runes[h.Start:h.End])
			if k == 0 { // the quote minus what the inner spans took
				continue
			}
			if b.String() != want {
				t.Errorf("width %v: highlight %d shows %q, want %q", w, k, b.String(), want)
			}
		}
	}
}

func TestTextViewDrawsOnlyVisibleLines(t *testing.T) {
	test.NewTempApp(t)
	text := words5000()
	v := NewTextView()
	w := test.NewWindow(v)
	defer w.Close()
	w.Resize(fyne.NewSize(600, 400))
	v.SetText(text, nil)
	if v.LineCount() < 200 {
		t.Fatalf("only %d lines", v.LineCount())
	}
	r := test.WidgetRenderer(v.content).(*textContentRenderer)
	visible := func() []*canvas.Text {
		var out []*canvas.Text
		for _, o := range r.Objects() {
			if tx, ok := o.(*canvas.Text); ok && tx.Visible() {
				out = append(out, tx)
			}
		}
		return out
	}
	shown := visible()
	maxLines := int(v.scroll.Size().Height/v.content.lineHeight) + 3
	if len(shown) == 0 || len(shown) > maxLines {
		t.Fatalf("%d text objects drawn for a view of about %d lines", len(shown), maxLines)
	}
	if shown[0].Text != v.content.lines[0].segs[0].text {
		t.Errorf("first drawn text %q, want the first line", shown[0].Text)
	}
	// Scroll down with the wheel: the lines drawn follow.
	for i := 0; i < 50; i++ {
		v.scroll.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.Delta{DY: -40}})
	}
	if v.scroll.Offset.Y < 1000 {
		t.Fatalf("scrolled to %v only", v.scroll.Offset.Y)
	}
	shown = visible()
	if len(shown) == 0 || len(shown) > maxLines {
		t.Fatalf("after scrolling, %d text objects drawn", len(shown))
	}
	first := int(v.scroll.Offset.Y / v.content.lineHeight)
	found := false
	for _, tx := range shown {
		for li := max(first-2, 0); li <= first+2 && li < len(v.content.lines); li++ {
			if len(v.content.lines[li].segs) > 0 && tx.Text == v.content.lines[li].segs[0].text && tx.Position().Y <= v.scroll.Offset.Y+v.content.lineHeight*2 {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("no drawn text is from line %d, at the scroll offset %v", first, v.scroll.Offset.Y)
	}
	// A new text scrolls back to the top.
	v.SetText("short", nil)
	if v.scroll.Offset.Y != 0 {
		t.Errorf("offset %v after SetText", v.scroll.Offset.Y)
	}
	if s := visible(); len(s) != 1 || s[0].Text != "short" {
		t.Errorf("after SetText, drawn %d texts", len(s))
	}
}

// words5000 is a 5,000-word news text (the sample article, repeated).
func words5000() string {
	sample := string(assets.SampleArticle)
	var b strings.Builder
	for words := 0; words < 5000; {
		for _, para := range strings.Split(sample, "\n") {
			if words >= 5000 {
				break
			}
			f := strings.Fields(para)
			if words+len(f) > 5000 {
				f = f[:5000-words]
			}
			b.WriteString(strings.Join(f, " "))
			b.WriteString("\n")
			words += len(f)
		}
	}
	return b.String()
}

// highlights1000 puts 1,000 highlights on words spread through text,
// some nested in longer spans.
func highlights1000(text string) []Highlight {
	var starts []int
	cp, inWord := 0, false
	for _, r := range text {
		if !unicode.IsSpace(r) && !inWord {
			starts = append(starts, cp)
		}
		inWord = !unicode.IsSpace(r)
		cp++
	}
	hls := make([]Highlight, 0, 1000)
	step := len(starts) / 900
	for i := 0; len(hls) < 1000 && i < len(starts)-10; i += step {
		hls = append(hls, Highlight{Start: starts[i], End: starts[i] + 5, Color: tvRed})
		if i%(10*step) == 0 {
			hls = append(hls, Highlight{Start: starts[i], End: starts[i+8], Color: tvRed})
		}
	}
	return hls[:1000]
}

// TestTextViewLayout5000Words checks the layout of a long article with many
// highlights; its speed budget is BenchmarkTextViewLayout5000Words (a timed
// test would flake on a loaded machine).
func TestTextViewLayout5000Words(t *testing.T) {
	test.NewTempApp(t)
	text := words5000()
	hls := highlights1000(text)
	v := newTestTextView(t, text, hls, 700, 600)
	checkLayout(t, v)
	v.SetText(text, hls) // laying out again gives the same lines
	checkLayout(t, v)
}

func BenchmarkTextViewLayout5000Words(b *testing.B) {
	test.NewTempApp(b)
	text := words5000()
	hls := highlights1000(text)
	v := newTestTextView(b, text, hls, 700, 600)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v.SetText(text, hls)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/layout")
	b.ReportMetric(50, "budget-ms")
}

func BenchmarkTextViewScrollFrame(b *testing.B) {
	test.NewTempApp(b)
	text := words5000()
	hls := highlights1000(text)
	v := NewTextView()
	w := test.NewWindow(v)
	defer w.Close()
	w.Resize(fyne.NewSize(800, 600))
	v.SetText(text, hls)
	maxY := v.content.MinSize().Height - v.scroll.Size().Height
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if v.scroll.Offset.Y >= maxY-1 {
			v.scroll.ScrollToTop()
		}
		v.scroll.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.Delta{DY: -37}})
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/frame")
	b.ReportMetric(8, "budget-ms")
}
