// Package report writes an agreement report (review.Report) as one
// self-contained HTML file: no scripts, no external fonts, stylesheets or
// images; the pictures (pair heatmaps, confusion matrices) are inline SVG.
// It reads well on screen and prints on A4 or Letter.
package report

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/slant-annotate/slant/annotate/review"
)

// Meta is what the report says about how it was made.
type Meta struct {
	// Project is the project's name (e.g. its file's base name).
	Project string
	// Made is when the report was computed; the zero time leaves it out.
	Made time.Time
	// IncludeInProgress says documents still in progress were counted.
	IncludeInProgress bool
	// Bootstrap is the number of resamples for α's 95% interval (0: none)
	// and Seed their random seed.
	Bootstrap int
	Seed      uint64
	// Version is Slant's version string.
	Version string
}

// WriteHTML writes r as one self-contained HTML file to w.
func WriteHTML(w io.Writer, r *review.Report, meta Meta) error {
	if r == nil {
		return fmt.Errorf("report: no agreement report to write")
	}
	return page.Execute(w, build(r, meta))
}

var page = template.Must(template.New("report").Parse(pageTemplate))

// The view model: everything the template shows, already formatted and
// laid out, so that the template only places values (and html/template
// escapes every one of them).

type view struct {
	Title       string
	Meta        Meta
	Made        string
	Options     []kv
	Annotators  []annotatorView
	NotBlind    int
	Documents   int
	Tasks       []taskView
	Spans       *spansView
	HasContents bool
}

type kv struct{ Key, Value string }

type annotatorView struct {
	Name      string
	Documents int
	Blind     bool
}

type taskView struct {
	Anchor     string
	Name       string
	Scope      string
	Level      string
	Units      int
	Categories []string
	Methods    string
	Metrics    []metricRow
	Weighted   bool
	Pairs      []pairRow
	Labels     []labelRow
	Heatmap    heatmap
	Confusions []confusion
	// NoPairs is set when no two annotators share a unit.
	NoPairs bool
}

type metricRow struct {
	Name, Value, Note string
	Undefined         bool
}

type pairRow struct {
	A, B                                         string
	Shared                                       int
	Agreement, Kappa, Pi, Weighted, WeightedQuad cell
}

// cell is a formatted number; Undefined greys it out.
type cell struct {
	Text      string
	Undefined bool
}

type labelRow struct {
	Label    string
	Count    int
	Specific cell
	// Bar is the specific agreement as a percentage width ("" if undefined).
	Bar string
}

type spansView struct {
	Layers   []spanLayerView
	Speakers []metricRow
	Methods  string
}

type spanLayerView struct {
	Anchor   string
	Name     string
	About    string
	Metrics  []metricRow
	PerLabel []spanLabelRow
	Pairs    []spanPairRow
}

type spanLabelRow struct {
	Label              string
	ExactF1, OverlapF1 cell
}

type spanPairRow struct {
	A, B               string
	ExactF1, OverlapF1 cell
}

func build(r *review.Report, meta Meta) *view {
	v := &view{Title: "Agreement", Meta: meta, Documents: r.Documents}
	if meta.Project != "" {
		v.Title = "Agreement — " + meta.Project
	}
	if !meta.Made.IsZero() {
		v.Made = meta.Made.Format("2 January 2006, 15:04 MST")
	}
	inProgress := "no: only documents marked done"
	if meta.IncludeInProgress {
		inProgress = "yes: documents in progress count too"
	}
	boot := "none (no confidence interval)"
	if meta.Bootstrap > 0 {
		boot = fmt.Sprintf("%s resamples, seed %d", thousands(meta.Bootstrap), meta.Seed)
	}
	v.Options = []kv{{"Include in progress", inProgress}, {"Bootstrap for α's 95% CI", boot}}
	if meta.Version != "" {
		v.Options = append(v.Options, kv{"Slant version", meta.Version})
	}
	for _, a := range r.Annotators {
		v.Annotators = append(v.Annotators, annotatorView{Name: a.Name, Documents: a.Documents, Blind: a.Blind})
		if !a.Blind {
			v.NotBlind++
		}
	}
	for i := range r.Tasks {
		v.Tasks = append(v.Tasks, buildTask(r, i))
	}
	if r.Spans != nil {
		v.Spans = buildSpans(r.Spans)
	}
	v.HasContents = len(v.Tasks)+btoi(v.Spans != nil) > 1
	return v
}

func buildTask(r *review.Report, i int) taskView {
	t := &r.Tasks[i]
	ordinal := t.Level == "ordinal"
	tv := taskView{Anchor: "task-" + strconv.Itoa(i+1), Name: t.Task, Scope: t.Scope, Level: t.Level, Units: t.Units,
		Categories: t.Categories, Methods: t.Methods, Weighted: ordinal, NoPairs: len(t.Pairs) == 0}
	ci, ciNote := "not computed", "no bootstrap resamples"
	if len(t.AlphaCI) == 2 {
		ci, ciNote = "["+num(t.AlphaCI[0])+", "+num(t.AlphaCI[1])+"]", ""
		if !t.AlphaCI[0].Defined() || !t.AlphaCI[1].Defined() {
			ci = "undefined"
		}
	}
	fleiss := metricRow{Name: "Fleiss' κ", Value: num(t.FleissKappa), Note: "nominal; every pairable unit coded by the same number of annotators"}
	if !t.FleissKappa.Defined() {
		fleiss.Value, fleiss.Undefined = "not applicable", true
	}
	tv.Metrics = []metricRow{
		numRow("Krippendorff's α ("+t.Level+")", t.Alpha, "1 is perfect agreement, 0 what chance gives"),
		{Name: "α, 95% bootstrap CI", Value: ci, Note: ciNote, Undefined: ci == "undefined" || ci == "not computed"},
		pctRow("Percent agreement", t.PercentAgreement, "agreeing pairs of values, averaged over units"),
		pctRow("All agree", t.AllAgree, "units on which every annotator agrees"),
		fleiss,
		intRow("Annotators", t.Annotators, "who gave a value"),
		intRow("Documents", t.Documents, "with a value"),
		intRow("Units", t.Units, "with a value"),
		intRow("Pairable units", t.PairableUnits, "with two or more values"),
		intRow("Units not shared", t.UnitsNotShared, "an annotator counting on the document does not have (missing, not a disagreement)"),
		intRow("Disagreements", t.Disagreements, "units whose values differ"),
	}
	if s := t.Stance; s != nil {
		tv.Metrics = append(tv.Metrics,
			intRow("Stance units", s.Units, "with two or more values"),
			intRow("Towards the same target", s.TowardsMatched, "stances compared"),
			intRow("Towards different targets", s.TowardsDiffered, "only stances towards the most common target compared"),
			pctRow("Towards differed", s.DifferedShare, "share of stance units"))
	}
	for _, p := range t.Pairs {
		tv.Pairs = append(tv.Pairs, pairRow{A: p.A, B: p.B, Shared: p.SharedUnits, Agreement: pctCell(p.Agreement),
			Kappa: numCell(p.Kappa), Pi: numCell(p.Pi), Weighted: numCell(p.WeightedKappa), WeightedQuad: numCell(p.WeightedQuadratic)})
	}
	for _, l := range t.Labels {
		row := labelRow{Label: l.Label, Count: l.Count, Specific: numCell(l.Specific)}
		if l.Specific.Defined() {
			row.Bar = strconv.FormatFloat(100*clamp(float64(l.Specific), 0, 1), 'f', 1, 64)
		}
		tv.Labels = append(tv.Labels, row)
	}
	tv.Heatmap = buildHeatmap(r, t, ordinal)
	for _, p := range t.Pairs {
		tv.Confusions = append(tv.Confusions, buildConfusion(t, p))
	}
	return tv
}

func buildSpans(s *review.SpanReport) *spansView {
	layer := func(anchor, name, about, tokens string, l review.SpanLayerReport) spanLayerView {
		lv := spanLayerView{Anchor: anchor, Name: name, About: about, Metrics: []metricRow{
			intRow("Documents", l.Documents, "two or more annotators count on"),
			numRow("Span F1, exact", l.ExactF1, "same start, end and label; micro-averaged over pairs and documents"),
			numRow("Span F1, overlap", l.OverlapF1, "overlapping spans with the same label"),
			numRow("Token α (nominal)", l.TokenAlpha, tokens),
			intRow("Tokens", l.Tokens, "compared for token α"),
		}}
		for _, p := range l.PerLabel {
			lv.PerLabel = append(lv.PerLabel, spanLabelRow{Label: p.Label, ExactF1: numCell(p.ExactF1), OverlapF1: numCell(p.OverlapF1)})
		}
		for _, p := range l.Pairs {
			lv.Pairs = append(lv.Pairs, spanPairRow{A: p.A, B: p.B, ExactF1: numCell(p.ExactF1), OverlapF1: numCell(p.OverlapF1)})
		}
		return lv
	}
	entLabels, quoteLabels := "over the entity labels and none", "over Source, Cue, Content and none"
	if len(s.Entities.Labels) > 0 {
		entLabels = "over " + join(s.Entities.Labels)
	}
	if len(s.Quotes.Labels) > 0 {
		quoteLabels = "over " + join(s.Quotes.Labels)
	}
	v := &spansView{Layers: []spanLayerView{
		layer("entities", "Entities", "Entity mentions compared by span and label.", entLabels, s.Entities),
		layer("quotes", "Quotes", "Quote spans compared as spans; token α compares each token's role (the speaker is the Source, the quote the Content, its verb the Cue).", quoteLabels, s.Quotes),
	}}
	sp := s.Speakers
	v.Speakers = []metricRow{
		intRow("Matched quotes", sp.MatchedQuotes, "quotes two or more annotators have"),
		intRow("Pairs compared", sp.Pairs, "annotator pairs on those quotes"),
		intRow("Agreed", sp.Agreed, "both unattributed, or speaker spans overlapping by half the shorter"),
		intRow("Identical", sp.Exact, "the same speaker span (or both unattributed)"),
		pctRow("Speaker agreement", sp.Agreement, "agreed of pairs compared"),
	}
	v.Methods = spanMethods("Entities", s.Entities, "") + " " + spanMethods("Quotes", s.Quotes, " over Source, Cue, Content and none") + " "
	if sp.Pairs == 0 {
		v.Methods += "Speakers: no quote matched across annotators."
	} else {
		v.Methods += fmt.Sprintf("Speakers: %s of %s agree, over %s.", pct(sp.Agreement), plural(sp.Pairs, "annotator pair"),
			plural(sp.MatchedQuotes, "matched quote"))
	}
	return v
}

// spanMethods is a span layer's sentence for a methods section.
func spanMethods(name string, l review.SpanLayerReport, over string) string {
	if l.Documents == 0 {
		return name + ": no document that two or more annotators count on."
	}
	return fmt.Sprintf("%s: span F1 = %s exact, %s overlap; token-level Krippendorff's α (nominal%s) = %s (%s, %s).",
		name, num2(l.ExactF1), num2(l.OverlapF1), over, num2(l.TokenAlpha), plural(l.Tokens, "token"), plural(l.Documents, "document"))
}

func num(n review.Num) string { return n.String() }

func num2(n review.Num) string {
	if !n.Defined() {
		return "undefined"
	}
	return strconv.FormatFloat(float64(n), 'f', 2, 64)
}

func pct(n review.Num) string {
	if !n.Defined() {
		return "undefined"
	}
	return strconv.FormatFloat(100*float64(n), 'f', 1, 64) + "%"
}

func numCell(n review.Num) cell { return cell{Text: num(n), Undefined: !n.Defined()} }
func pctCell(n review.Num) cell { return cell{Text: pct(n), Undefined: !n.Defined()} }

func numRow(name string, n review.Num, note string) metricRow {
	return metricRow{Name: name, Value: num(n), Note: note, Undefined: !n.Defined()}
}

func pctRow(name string, n review.Num, note string) metricRow {
	return metricRow{Name: name, Value: pct(n), Note: note, Undefined: !n.Defined()}
}

func intRow(name string, n int, note string) metricRow {
	return metricRow{Name: name, Value: thousands(n), Note: note}
}

// thousands writes n with thin-space-free commas: 10,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return thousands(n) + " " + word + "s"
}

func join(xs []string) string {
	out := ""
	for i, x := range xs {
		switch {
		case i == 0:
		case i == len(xs)-1:
			out += " and "
		default:
			out += ", "
		}
		out += x
	}
	return out
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

// shorten cuts a name to at most n characters for a picture's axis,
// keeping its start and its end (names often differ only at the end); the
// full name is in the element's title.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	head := (n - 1) / 2
	tail := n - 1 - head
	return string(r[:head]) + "…" + string(r[len(r)-tail:])
}
