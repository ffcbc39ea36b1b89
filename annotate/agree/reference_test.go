package agree

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// referenceFile finds shared/iaa/reference_cases.json in the working
// directory or one of its ancestors (the repository's sibling "shared").
func referenceFile(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Skipf("no working directory: %v", err)
	}
	for {
		p := filepath.Join(dir, "shared", "iaa", "reference_cases.json")
		if _, err := os.Stat(p); err == nil {
			return p
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Skip("shared/iaa/reference_cases.json not found beside the repository (expected at ../../../shared/iaa from this package); skipping the published reference cases")
		}
		dir = up
	}
}

type refCase struct {
	Name       string                       `json:"name"`
	Metric     string                       `json:"metric"`
	Level      string                       `json:"level"`
	Categories []json.Number                `json:"categories"`
	Weights    string                       `json:"weights"`
	Variant    string                       `json:"variant"`
	Match      string                       `json:"match"`
	Data       []map[string]json.RawMessage `json:"data"`
	Expected   *float64                     `json:"expected"`
	Tolerance  float64                      `json:"tolerance"`
}

func loadReference(t *testing.T) []refCase {
	raw, err := os.ReadFile(referenceFile(t))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cases []refCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Cases) == 0 {
		t.Fatal("no reference cases")
	}
	return doc.Cases
}

func coderNames(data []map[string]json.RawMessage) []string {
	set := map[string]bool{}
	for _, u := range data {
		for c := range u {
			set[c] = true
		}
	}
	var cs []string
	for c := range set {
		cs = append(cs, c)
	}
	sort.Strings(cs)
	return cs
}

// reliabilityOf turns a case's units (coder -> number or string) into labels.
func reliabilityOf(t *testing.T, c refCase) *Reliability {
	coders := coderNames(c.Data)
	rows := make([][]string, len(c.Data))
	for i, u := range c.Data {
		rows[i] = make([]string, len(coders))
		for j, name := range coders {
			v, ok := u[name]
			if !ok {
				continue
			}
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				var n json.Number
				d := json.NewDecoder(bytes.NewReader(v))
				d.UseNumber()
				if err := d.Decode(&n); err != nil {
					t.Fatalf("%s: unit %d: value %s", c.Name, i, v)
				}
				s = n.String()
			}
			rows[i][j] = s
		}
	}
	var cats []string
	for _, n := range c.Categories {
		cats = append(cats, n.String())
	}
	r, err := FromLabels(coders, rows, cats)
	if err != nil {
		t.Fatalf("%s: %v", c.Name, err)
	}
	return r
}

func spanUnitsOf(t *testing.T, c refCase) []SpanUnit {
	coders := coderNames(c.Data)
	if len(coders) != 2 {
		t.Fatalf("%s: span F1 needs two annotators, got %v", c.Name, coders)
	}
	var units []SpanUnit
	for i, u := range c.Data {
		var layers [2][]Span
		for j, name := range coders {
			var raw [][3]json.RawMessage
			if v, ok := u[name]; ok {
				if err := json.Unmarshal(v, &raw); err != nil {
					t.Fatalf("%s: unit %d: %v", c.Name, i, err)
				}
			}
			for _, s := range raw {
				var sp Span
				if json.Unmarshal(s[0], &sp.Start) != nil || json.Unmarshal(s[1], &sp.End) != nil || json.Unmarshal(s[2], &sp.Label) != nil {
					t.Fatalf("%s: unit %d: bad span", c.Name, i)
				}
				layers[j] = append(layers[j], sp)
			}
		}
		units = append(units, SpanUnit{A: layers[0], B: layers[1]})
	}
	return units
}

func computeCase(t *testing.T, c refCase) float64 {
	if c.Metric == "span_f1" {
		units := spanUnitsOf(t, c)
		m := Exact
		if c.Match == "overlap" {
			m = Overlap
		} else if c.Match != "exact" {
			t.Fatalf("%s: unknown match %q", c.Name, c.Match)
		}
		got := SpanF1(units, m).Micro.F1
		swapped := make([]SpanUnit, len(units))
		for i, u := range units {
			swapped[i] = SpanUnit{A: u.B, B: u.A}
		}
		if back := SpanF1(swapped, m).Micro.F1; !sameFloat(back, got, 1e-12) {
			t.Errorf("%s: span F1 not symmetric: %v vs %v", c.Name, got, back)
		}
		return got
	}
	r := reliabilityOf(t, c)
	pair := func() PairResult {
		if len(r.Coders) != 2 {
			t.Fatalf("%s: %s needs two coders, got %v", c.Name, c.Metric, r.Coders)
		}
		p, err := Pair(r, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	switch c.Metric {
	case "krippendorff_alpha":
		level, err := ParseLevel(c.Level)
		if err != nil {
			t.Fatal(err)
		}
		a, err := Alpha(r, level)
		if err != nil {
			t.Fatal(err)
		}
		return a.Alpha
	case "cohen_kappa":
		return pair().Cohen
	case "scott_pi":
		return pair().Scott
	case "weighted_kappa":
		switch c.Weights {
		case "linear":
			return pair().WeightedLinear
		case "quadratic":
			return pair().WeightedQuadratic
		}
		t.Fatalf("%s: unknown weights %q", c.Name, c.Weights)
	case "fleiss_kappa":
		k, ok, err := FleissKappa(r)
		if err != nil || !ok {
			t.Fatalf("%s: fleiss not applicable (%v)", c.Name, err)
		}
		return k
	case "percent_agreement":
		p, err := PercentAgreement(r)
		if err != nil {
			t.Fatal(err)
		}
		switch c.Variant {
		case "pairwise", "":
			return p.Pairwise
		case "all":
			return p.All
		}
		t.Fatalf("%s: unknown variant %q", c.Name, c.Variant)
	}
	t.Fatalf("%s: unknown metric %q", c.Name, c.Metric)
	return 0
}

func sameFloat(a, b, tol float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= tol
}

func TestReferenceCases(t *testing.T) {
	for _, c := range loadReference(t) {
		t.Run(c.Name, func(t *testing.T) {
			got := computeCase(t, c)
			if c.Expected == nil {
				if !math.IsNaN(got) {
					t.Fatalf("got %v, want undefined (NaN)", got)
				}
				return
			}
			if !sameFloat(got, *c.Expected, c.Tolerance) {
				t.Fatalf("got %.10f, want %.10f ± %g", got, *c.Expected, c.Tolerance)
			}
		})
	}
}

// Every reliability case also gives the same alpha through the bootstrap's
// pattern grouping (a resample that draws each unit once is the data).
func TestReferencePatternsMatchAlpha(t *testing.T) {
	for _, c := range loadReference(t) {
		if c.Metric == "span_f1" {
			continue
		}
		r := reliabilityOf(t, c)
		for _, level := range []Level{Nominal, Ordinal, Interval, Ratio} {
			if (level == Interval || level == Ratio) && !r.Numeric() {
				continue
			}
			want, err := Alpha(r, level)
			if err != nil {
				t.Fatal(err)
			}
			got := patternAlpha(r, level)
			if !sameFloat(got, want.Alpha, 1e-9) {
				t.Errorf("%s %s: patterns give %v, Alpha %v", c.Name, level, got, want.Alpha)
			}
		}
	}
}
