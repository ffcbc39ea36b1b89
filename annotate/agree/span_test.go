package agree

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

func TestSpanF1(t *testing.T) {
	units := []SpanUnit{
		{
			A: []Span{{0, 2, "ORG"}, {3, 5, "PER"}, {7, 9, "ORG"}},
			B: []Span{{0, 2, "ORG"}, {3, 4, "PER"}, {7, 9, "PER"}},
		},
		{A: []Span{{0, 1, "PER"}}, B: nil},
	}
	ex := SpanF1(units, Exact)
	// TP 1 (the ORG at 0); A has 4 spans, B 3.
	if ex.Micro.MatchedA != 1 || ex.Micro.MatchedB != 1 || ex.Micro.A != 4 || ex.Micro.B != 3 {
		t.Fatalf("%+v", ex.Micro)
	}
	approx(t, "exact F1", ex.Micro.F1, 2.0/7, 1e-12)
	approx(t, "exact P", ex.Micro.Precision, 1.0/3, 1e-12)
	approx(t, "exact R", ex.Micro.Recall, 1.0/4, 1e-12)
	if !reflect.DeepEqual(ex.Labels, []string{"ORG", "PER"}) {
		t.Errorf("labels %v", ex.Labels)
	}
	approx(t, "ORG F1", ex.PerLabel["ORG"].F1, 2.0/3, 1e-12) // A 2, B 1, TP 1
	approx(t, "PER F1", ex.PerLabel["PER"].F1, 0, 1e-12)

	ov := SpanF1(units, Overlap)
	// A recalled: ORG@0, PER@3 -> 2 of 4; B precise: ORG@0, PER@3 -> 2 of 3.
	approx(t, "overlap R", ov.Micro.Recall, 0.5, 1e-12)
	approx(t, "overlap P", ov.Micro.Precision, 2.0/3, 1e-12)
	approx(t, "overlap F1", ov.Micro.F1, 2*0.5*(2.0/3)/(0.5+2.0/3), 1e-12)
}

func TestSpanF1Edges(t *testing.T) {
	// Nobody marked anything: undefined.
	r := SpanF1([]SpanUnit{{}}, Exact)
	if !math.IsNaN(r.Micro.F1) || !math.IsNaN(r.Micro.Precision) {
		t.Errorf("%+v", r.Micro)
	}
	// One side empty: F1 0, precision undefined.
	r = SpanF1([]SpanUnit{{A: []Span{{0, 3, "X"}}}}, Overlap)
	if r.Micro.F1 != 0 || !math.IsNaN(r.Micro.Precision) || r.Micro.Recall != 0 {
		t.Errorf("%+v", r.Micro)
	}
	// End exclusive: touching spans do not overlap; labels must agree.
	r = SpanF1([]SpanUnit{{A: []Span{{0, 3, "X"}, {5, 8, "Y"}}, B: []Span{{3, 5, "X"}, {6, 7, "X"}}}}, Overlap)
	if r.Micro.MatchedA != 0 || r.Micro.MatchedB != 0 || r.Micro.F1 != 0 {
		t.Errorf("%+v", r.Micro)
	}
	// Many-to-one overlap: both B halves are precise, the A span recalled once.
	r = SpanF1([]SpanUnit{{A: []Span{{0, 10, "X"}}, B: []Span{{0, 4, "X"}, {6, 10, "X"}}}}, Overlap)
	if r.Micro.MatchedA != 1 || r.Micro.MatchedB != 2 || r.Micro.F1 != 1 {
		t.Errorf("%+v", r.Micro)
	}
	// Duplicate spans match one to one in exact mode; empty spans never overlap.
	r = SpanF1([]SpanUnit{{A: []Span{{0, 2, "X"}, {0, 2, "X"}}, B: []Span{{0, 2, "X"}}}}, Exact)
	if r.Micro.MatchedA != 1 {
		t.Errorf("%+v", r.Micro)
	}
	r = SpanF1([]SpanUnit{{A: []Span{{2, 2, "X"}}, B: []Span{{0, 5, "X"}}}}, Overlap)
	if r.Micro.MatchedA != 0 || r.Micro.MatchedB != 0 {
		t.Errorf("empty span matched: %+v", r.Micro)
	}
	// A span nested inside a long earlier span is found.
	r = SpanF1([]SpanUnit{{A: []Span{{5, 6, "X"}}, B: []Span{{0, 20, "X"}, {1, 2, "X"}}}}, Overlap)
	if r.Micro.MatchedA != 1 || r.Micro.MatchedB != 1 {
		t.Errorf("nested: %+v", r.Micro)
	}
}

func TestWhitespaceTokens(t *testing.T) {
	got := WhitespaceTokens("  Amazon ⚖️ rose\n3%  ")
	want := []Token{{2, 8}, {9, 11}, {12, 16}, {17, 19}} // code points: ⚖️ is two
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if WhitespaceTokens(" \n") != nil {
		t.Error("tokens in white space")
	}
}

func TestTokenAlpha(t *testing.T) {
	text := "Walmart owns Flipkart in India"
	toks := WhitespaceTokens(text) // Walmart[0,7) owns[8,12) Flipkart[13,21) in[22,24) India[25,30)
	docs := []SpanDoc{{
		Tokens: toks,
		Layers: [][]Span{
			{{0, 7, "ORG"}, {13, 21, "ORG"}, {25, 30, "GPE"}},
			{{0, 12, "ORG"}, {13, 21, "ORG"}},
			nil, // the third annotator did not annotate this document
		},
	}, {
		Tokens: []Token{{0, 1}, {1, 2}},
		Layers: [][]Span{{{0, 2, "PER"}}, {{1, 2, "PER"}}, {}},
	}}
	r, err := TokenReliability(docs, []string{"a", "b", "c"})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := FromLabels([]string{"a", "b", "c"}, [][]string{
		{"ORG", "ORG", ""},
		{"none", "ORG", ""},
		{"ORG", "ORG", ""},
		{"none", "none", ""},
		{"GPE", "none", ""},
		{"PER", "none", "none"},
		{"PER", "PER", "none"},
	}, nil)
	got := mustAlpha(t, r, Nominal)
	approx(t, "token alpha", got.Alpha, mustAlpha(t, want, Nominal).Alpha, 1e-12)
	if got.PairableUnits != 7 || r.NumUnits() != 7 || r.Units != nil {
		t.Errorf("%+v, %d units", got, r.NumUnits())
	}
	ta, _ := TokenAlpha(docs, []string{"a", "b", "c"})
	approx(t, "TokenAlpha", ta.Alpha, got.Alpha, 0)
	// A span cutting a token labels it; with two spans on a token the larger overlap wins.
	r, _ = TokenReliability([]SpanDoc{{Tokens: []Token{{0, 10}}, Layers: [][]Span{{{0, 3, "X"}, {3, 10, "Y"}}, {{9, 12, "X"}}}}}, []string{"a", "b"})
	if r.Label(r.Cells[0]) != "Y" || r.Label(r.Cells[1]) != "X" {
		t.Errorf("cells %v labels %v", r.Cells, r.Labels)
	}
	if _, err := TokenReliability([]SpanDoc{{Layers: [][]Span{nil}}}, []string{"a", "b"}); err == nil {
		t.Error("layer count mismatch accepted")
	}
}

// RunTokenAlpha gives what expanding runs token by token gives.
func TestRunTokenAlphaMatchesExpansion(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	labels := []string{NoSpan, "PER", "ORG", "GPE"}
	var docs [][][]Run
	for d := 0; d < 40; d++ {
		n := 5 + rng.IntN(60)
		var layers [][]Run
		for a := 0; a < 3; a++ {
			if rng.IntN(6) == 0 {
				layers = append(layers, nil)
				continue
			}
			var runs []Run
			for left := n; left > 0; {
				k := 1 + rng.IntN(min(left, 8))
				runs = append(runs, Run{Label: labels[rng.IntN(len(labels))], N: k})
				left -= k
			}
			layers = append(layers, runs)
		}
		docs = append(docs, layers)
	}
	coders := []string{"a", "b", "c"}
	r, err := RunReliability(docs, coders)
	if err != nil {
		t.Fatal(err)
	}
	want := mustAlpha(t, r, Nominal)
	got, tokens, _, err := RunTokenAlpha(docs, coders)
	if err != nil {
		t.Fatal(err)
	}
	if tokens != r.NumUnits() || math.Abs(got.Alpha-want.Alpha) > 1e-12 || got.PairableUnits != want.PairableUnits {
		t.Errorf("runs: alpha %v over %d tokens (%d pairable); expanded: %v over %d (%d)", got.Alpha, tokens, got.PairableUnits, want.Alpha, r.NumUnits(), want.PairableUnits)
	}
}
