package report

import (
	"bytes"
	"encoding/xml"
	"html/template"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/review"
	"github.com/slant-annotate/slant/annotate/schema"
)

var nan = review.Num(math.NaN())

const evil = "<b>x&y</b>"

const handMethods = "Krippendorff's α (ordinal) = 0.71, 95% CI [0.66, 0.76]; 3 annotators, 412 documents, 980 units (tone <&> \"x\") coded by two or more."

// handReport is a report made by hand: an ordinal task with everything,
// a nominal task with undefined values, and span layers.
func handReport() *review.Report {
	return &review.Report{
		Annotators: []review.AnnotatorInfo{{Name: "ana", Documents: 412, Blind: true}, {Name: evil, Documents: 400, Blind: false}, {Name: "carl", Documents: 390, Blind: true}},
		Documents:  412,
		Tasks: []review.TaskReport{{
			Task: "tone", Scope: "document", Level: "ordinal", Categories: []string{"negative", "neutral", "positive"},
			Annotators: 3, Documents: 412, Units: 412, PairableUnits: 980, UnitsNotShared: 12,
			Alpha: 0.7123, AlphaCI: []review.Num{0.66, 0.76}, PercentAgreement: 0.81, AllAgree: 0.64, FleissKappa: 0.69,
			Pairs: []review.PairReport{
				{A: "ana", B: evil, SharedUnits: 390, Agreement: 0.8, Kappa: 0.7, Pi: 0.69, WeightedKappa: 0.74, WeightedQuadratic: 0.8,
					Confusion: [][]int{{100, 20, 3}, {15, 150, 10}, {2, 12, 78}}},
				{A: "ana", B: "carl", SharedUnits: 380, Agreement: 0.7, Kappa: 0.55, Pi: 0.54, WeightedKappa: -0.2, WeightedQuadratic: 0.6,
					Confusion: [][]int{{90, 30, 5}, {20, 140, 10}, {5, 10, 70}}},
				{A: evil, B: "carl", SharedUnits: 370, Agreement: 0.75, Kappa: 0.6, Pi: 0.6, WeightedKappa: nan, WeightedQuadratic: nan,
					Confusion: [][]int{{80, 25, 0}, {20, 150, 15}, {0, 10, 70}}},
			},
			Labels:        []review.LabelStat{{Label: "negative", Count: 300, Specific: 0.75}, {Label: "neutral", Count: 500, Specific: 0.8}, {Label: "positive", Count: 200, Specific: nan}},
			Disagreements: 140, Methods: handMethods,
		}, {
			Task: "stance", Scope: "quote", Level: "nominal", Categories: []string{"against & <no>", "favor"},
			Annotators: 2, Documents: 3, Units: 4, PairableUnits: 1,
			Alpha: nan, PercentAgreement: nan, AllAgree: nan, FleissKappa: nan,
			Pairs: []review.PairReport{{A: "ana", B: "carl", SharedUnits: 1, Agreement: 1, Kappa: nan, Pi: nan, WeightedKappa: nan, WeightedQuadratic: nan,
				Confusion: [][]int{{0, 0}, {0, 1}}}},
			Labels:  []review.LabelStat{{Label: "against & <no>", Count: 0, Specific: nan}, {Label: "favor", Count: 2, Specific: 1}},
			Stance:  &review.StanceReport{Units: 1, TowardsMatched: 1, DifferedShare: 0},
			Methods: "Krippendorff's α (nominal) = undefined; 2 annotators, 3 documents, 1 unit (stance) coded by two or more.",
		}},
		Spans: &review.SpanReport{
			Entities: review.SpanLayerReport{Documents: 400, ExactF1: 0.82, OverlapF1: 0.9, TokenAlpha: 0.77, Tokens: 120000, Labels: []string{"ORG", "PERSON", "none"},
				PerLabel: []review.LabelF1{{Label: "ORG", ExactF1: 0.7, OverlapF1: 0.8}, {Label: "PERSON", ExactF1: 0.9, OverlapF1: nan}},
				Pairs:    []review.SpanPairF1{{A: "ana", B: evil, ExactF1: 0.8, OverlapF1: 0.9}}},
			Quotes:   review.SpanLayerReport{ExactF1: nan, OverlapF1: nan, TokenAlpha: nan},
			Speakers: review.SpeakerReport{Agreement: nan},
		},
	}
}

var handMeta = Meta{Project: "Tariffs <2025>", Made: time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC), Bootstrap: 1000, Seed: 7, Version: "0.9.0"}

func render(t *testing.T, r *review.Report, m Meta) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteHTML(&b, r, m); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	// SLANT_REPORT_OUT=DIR keeps each test's report as DIR/TestName.html,
	// to look at.
	if dir := os.Getenv("SLANT_REPORT_OUT"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, t.Name()+".html"), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// checkSelfContained checks what every report must be.
func checkSelfContained(t *testing.T, s string) {
	t.Helper()
	low := strings.ToLower(s)
	for _, bad := range []string{"http://", "https://", "src=", "<script", "@import", "url(", "<link", "<img", "<iframe", "<object"} {
		if strings.Contains(low, bad) {
			t.Errorf("report contains %q", bad)
		}
	}
	for _, bad := range []string{"NaN", "Inf", "ZgotmplZ", "%!"} {
		if strings.Contains(s, bad) {
			i := strings.Index(s, bad)
			t.Errorf("report contains %q: …%s…", bad, s[max(0, i-80):min(len(s), i+40)])
		}
	}
	if o, c := strings.Count(s, "<svg"), strings.Count(s, "</svg>"); o != c {
		t.Errorf("%d <svg but %d </svg>", o, c)
	}
	// The file is well-formed XML too: every element closed, only numeric
	// character references.
	d := xml.NewDecoder(strings.NewReader(s))
	d.Strict = true
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			line, _ := d.InputPos()
			lines := strings.Split(s, "\n")
			t.Fatalf("not well-formed: %v (line %d: %s)", err, line, lines[min(line, len(lines))-1])
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	if depth != 0 {
		t.Errorf("unbalanced elements: depth %d at the end", depth)
	}
}

func TestHandReport(t *testing.T) {
	r := handReport()
	s := render(t, r, handMeta)
	checkSelfContained(t, s)

	if !strings.Contains(s, template.HTMLEscapeString(handMethods)) {
		t.Errorf("the methods sentence is missing or not escaped as %q", template.HTMLEscapeString(handMethods))
	}
	if !strings.Contains(s, "Krippendorff&#39;s α (ordinal) = 0.71, 95% CI [0.66, 0.76]") {
		t.Error("the methods sentence is not readable")
	}
	if strings.Contains(s, evil) || strings.Contains(s, "<b>x") {
		t.Error("an annotator's name is not escaped")
	}
	if !strings.Contains(s, "&lt;b&gt;x&amp;y&lt;/b&gt;") {
		t.Error("the escaped annotator's name is missing")
	}
	if strings.Contains(s, "Tariffs <2025>") || !strings.Contains(s, "Tariffs &lt;2025&gt;") {
		t.Error("the project's name is not escaped")
	}
	if !strings.Contains(s, "not blind") {
		t.Error("no not-blind marker")
	}
	if n := strings.Count(s, `<span class="badge"`); n != 1 {
		t.Errorf("%d not-blind markers, want 1", n)
	}
	for _, want := range []string{">undefined<", ">not applicable<", "0.712", "[0.660, 0.760]", "81.0%", "14 March 2025", "0.9.0",
		"1,000 resamples, seed 7", "κ, linear weights", "Span layers", "120,000", "Speakers", "Towards different targets"} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q", want)
		}
	}

	if n := strings.Count(s, `<svg class="heatmap"`); n != len(r.Tasks) {
		t.Errorf("%d heatmaps, want one per task (%d)", n, len(r.Tasks))
	}
	pairs := 0
	for _, task := range r.Tasks {
		pairs += len(task.Pairs)
	}
	if n := strings.Count(s, `<svg class="confusion"`); n != pairs {
		t.Errorf("%d confusion matrices, want one per pair and task (%d)", n, pairs)
	}
	checkConfusions(t, s, r)
	checkHeatmaps(t, s, r)
}

var (
	svgRe   = regexp.MustCompile(`(?s)<svg class="(heatmap|confusion)".*?</svg>`)
	countRe = regexp.MustCompile(`<text class="count" data-row="(\d+)" data-col="(\d+)"[^>]*>(\d+)</text>`)
	pairRe  = regexp.MustCompile(`(?s)<g class="pair"><title>(.*?)</title>.*?</g>`)
)

// checkConfusions is the golden check: the counts drawn in each confusion
// matrix are the report's, cell by cell, in task and pair order.
func checkConfusions(t *testing.T, s string, r *review.Report) {
	t.Helper()
	var svgs []string
	for _, m := range svgRe.FindAllStringSubmatch(s, -1) {
		if m[1] == "confusion" {
			svgs = append(svgs, m[0])
		}
	}
	i := 0
	for _, task := range r.Tasks {
		for _, p := range task.Pairs {
			if i >= len(svgs) {
				t.Fatalf("too few confusion matrices")
			}
			got := map[[2]int]int{}
			for _, c := range countRe.FindAllStringSubmatch(svgs[i], -1) {
				row, _ := strconv.Atoi(c[1])
				col, _ := strconv.Atoi(c[2])
				n, _ := strconv.Atoi(c[3])
				got[[2]int{row, col}] = n
			}
			want := 0
			for a, row := range p.Confusion {
				for b, n := range row {
					want++
					if g, ok := got[[2]int{a, b}]; !ok || g != n {
						t.Errorf("%s, %s × %s: cell (%d, %d) drawn %d (present %v), report %d", task.Task, p.A, p.B, a, b, g, ok, n)
					}
				}
			}
			if len(got) != want {
				t.Errorf("%s, %s × %s: %d cells drawn, want %d", task.Task, p.A, p.B, len(got), want)
			}
			for _, c := range task.Categories {
				if !strings.Contains(svgs[i], ">"+template.HTMLEscapeString(c)+"</text>") {
					t.Errorf("%s, %s × %s: category %q not on the axes", task.Task, p.A, p.B, c)
				}
			}
			i++
		}
	}
}

// checkHeatmaps checks each heatmap has both cells of every pair, with
// the pair's κ (weighted for ordinal tasks) written in them.
func checkHeatmaps(t *testing.T, s string, r *review.Report) {
	t.Helper()
	var svgs []string
	for _, m := range svgRe.FindAllStringSubmatch(s, -1) {
		if m[1] == "heatmap" {
			svgs = append(svgs, m[0])
		}
	}
	for i, task := range r.Tasks {
		cells := pairRe.FindAllStringSubmatch(svgs[i], -1)
		if len(cells) != 2*len(task.Pairs) {
			t.Errorf("%s: %d pair cells, want %d", task.Task, len(cells), 2*len(task.Pairs))
		}
		for _, p := range task.Pairs {
			k := p.Kappa
			if task.Level == "ordinal" {
				k = p.WeightedKappa
			}
			want := "undefined"
			if k.Defined() {
				want = strconv.FormatFloat(float64(k), 'f', 2, 64)
			}
			n := 0
			for _, c := range cells {
				if strings.HasPrefix(c[1], template.HTMLEscapeString(p.A)+" × "+template.HTMLEscapeString(p.B)) ||
					strings.HasPrefix(c[1], template.HTMLEscapeString(p.B)+" × "+template.HTMLEscapeString(p.A)) {
					n++
					if !strings.Contains(c[0], ">"+want+"</text>") {
						t.Errorf("%s, %s × %s: cell lacks %q: %s", task.Task, p.A, p.B, want, c[0])
					}
				}
			}
			if n != 2 {
				t.Errorf("%s, %s × %s: %d cells, want 2", task.Task, p.A, p.B, n)
			}
		}
	}
}

func TestEmptyReport(t *testing.T) {
	s := render(t, &review.Report{}, Meta{})
	checkSelfContained(t, s)
	if !strings.Contains(s, "No task to report") {
		t.Error("an empty report does not say so")
	}
	if err := WriteHTML(io.Discard, nil, Meta{}); err == nil {
		t.Error("a nil report was written")
	}
}

// TestComputedReport renders a report computed from a tiny set: three
// annotators, the default schema, document labels and entity spans.
func TestComputedReport(t *testing.T) {
	anns := []string{"ana", evil, "carl"}
	doc := annotate.LabelKey{Task: "document_sentiment", Unit: annotate.UnitDocument}
	values := [][]string{ // document × annotator
		{"negative", "negative", "neutral"},
		{"positive", "positive", "positive"},
		{"neutral", "positive", "neutral"},
		{"negative", "negative", ""},
		{"positive", "neutral", "positive"},
	}
	text := "Ann Lee met Bob Ray in Paris and said it went well."
	set := &review.Set{Schema: schema.Default(), Annotators: anns}
	for d, vs := range values {
		rd := review.Doc{ID: int64(d + 1), Title: "doc " + strconv.Itoa(d+1), Text: text}
		for i, v := range vs {
			if v == "" && i == 2 && d == 3 {
				rd.Layers = append(rd.Layers, nil) // carl does not count on it
				continue
			}
			l := &annotate.Layer{DocID: rd.ID, AnnotatorID: int64(i + 1), Status: annotate.StatusDone,
				Labels: map[annotate.LabelKey]annotate.LabelValue{doc: {Value: v}},
				Spans: []annotate.Span{
					{ID: 1, Kind: annotate.KindEntity, Start: 0, End: 7, Label: "PERSON", Decision: annotate.Accepted},
					{ID: 2, Kind: annotate.KindEntity, Start: 12, End: 19 + i%2, Label: "PERSON", Decision: annotate.Accepted},
				}}
			rd.Layers = append(rd.Layers, l)
		}
		set.Docs = append(set.Docs, rd)
	}
	r, err := review.Compute(set, review.Options{Bootstrap: 200, Seed: 1, Spans: true})
	if err != nil {
		t.Fatal(err)
	}
	r.Annotators[1].Blind = false
	s := render(t, r, Meta{Project: "tiny", Made: time.Now(), Bootstrap: 200, Seed: 1, Version: "dev"})
	checkSelfContained(t, s)
	for _, task := range r.Tasks {
		if !strings.Contains(s, template.HTMLEscapeString(task.Methods)) {
			t.Errorf("%s: methods sentence %q missing", task.Task, task.Methods)
		}
	}
	if strings.Contains(s, "<b>x") || !strings.Contains(s, "&lt;b&gt;x&amp;y&lt;/b&gt;") {
		t.Error("an annotator's name is not escaped")
	}
	if n := strings.Count(s, `<svg class="heatmap"`); n != len(r.Tasks) {
		t.Errorf("%d heatmaps, want %d", n, len(r.Tasks))
	}
	pairs := 0
	for _, task := range r.Tasks {
		pairs += len(task.Pairs)
	}
	if n := strings.Count(s, `<svg class="confusion"`); n != pairs {
		t.Errorf("%d confusion matrices, want %d", n, pairs)
	}
	if pairs == 0 {
		t.Error("the computed report has no pairs")
	}
	checkConfusions(t, s, r)
	checkHeatmaps(t, s, r)
	if !strings.Contains(s, "Entities") || !strings.Contains(s, "Span F1, exact") {
		t.Error("no span layers section")
	}
}

func TestNoSpansSection(t *testing.T) {
	r := handReport()
	r.Spans = nil
	s := render(t, r, handMeta)
	if strings.Contains(s, `id="spans"`) {
		t.Error("a span section without span layers")
	}
}

// TestManyAnnotators lays out a larger report: eight annotators with long
// names, seven categories.
func TestManyAnnotators(t *testing.T) {
	r := &review.Report{Documents: 50}
	var names []string
	for i := 0; i < 8; i++ {
		n := "annotator-with-a-long-name-" + strconv.Itoa(i)
		names = append(names, n)
		r.Annotators = append(r.Annotators, review.AnnotatorInfo{Name: n, Documents: 50, Blind: i%3 != 0})
	}
	cats := []string{"strongly against the proposal", "against", "somewhat against", "neutral", "somewhat favor", "favor", "strongly favor"}
	task := review.TaskReport{Task: "stance_scale", Scope: "quote", Level: "ordinal", Categories: cats, Alpha: 0.5, PercentAgreement: 0.5,
		AllAgree: 0.2, FleissKappa: nan, Methods: "Krippendorff's α (ordinal) = 0.50; 8 annotators, 50 documents, 400 units (stance_scale) coded by two or more."}
	for a := 0; a < 8; a++ {
		for b := a + 1; b < 8; b++ {
			m := make([][]int, len(cats))
			for i := range m {
				m[i] = make([]int, len(cats))
				for j := range m[i] {
					m[i][j] = (a + 2*b + i*j) % 9
					if i == j {
						m[i][j] += 20
					}
				}
			}
			k := review.Num(float64((a*7+b*3)%20)/10 - 0.9)
			if (a+b)%5 == 0 {
				k = nan
			}
			task.Pairs = append(task.Pairs, review.PairReport{A: names[a], B: names[b], SharedUnits: 100, Agreement: 0.5, Kappa: k, Pi: k, WeightedKappa: k, WeightedQuadratic: k, Confusion: m})
		}
	}
	for _, c := range cats {
		task.Labels = append(task.Labels, review.LabelStat{Label: c, Count: 10, Specific: 0.4})
	}
	r.Tasks = []review.TaskReport{task}
	s := render(t, r, Meta{Project: "many"})
	checkSelfContained(t, s)
	if n := strings.Count(s, `<svg class="confusion"`); n != 28 {
		t.Errorf("%d confusion matrices, want 28", n)
	}
	checkHeatmaps(t, s, r)
}

func TestShorten(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{{"ana", 18, "ana"}, {"annotator-with-a-long-name-0", 18, "annotato…ng-name-0"}, {"strongly against", 14, "strong…against"}} {
		if got := shorten(c.in, c.n); got != c.want || utf8.RuneCountInString(got) > c.n {
			t.Errorf("shorten(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}
