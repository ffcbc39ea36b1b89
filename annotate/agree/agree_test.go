package agree

import (
	"math"
	"math/rand/v2"
	"testing"
)

var nan = math.NaN()

func mustFloats(t testing.TB, coders []string, rows [][]float64) *Reliability {
	t.Helper()
	r, err := FromFloats(coders, rows)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func mustAlpha(t testing.TB, r *Reliability, l Level) AlphaResult {
	t.Helper()
	a, err := Alpha(r, l)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func approx(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if !sameFloat(got, want, tol) {
		t.Errorf("%s = %.10f, want %.10f", what, got, want)
	}
}

// Krippendorff (2011), section A: binary data, two observers; alpha 0.095
// (exactly 2/21: o01 = 4, n0 = 14, n1 = 6, n = 20).
func TestAlphaKrippendorff2011Binary(t *testing.T) {
	a := []float64{0, 1, 0, 0, 0, 0, 0, 0, 1, 0}
	b := []float64{1, 1, 1, 0, 0, 1, 0, 0, 0, 0}
	var rows [][]float64
	for i := range a {
		rows = append(rows, []float64{a[i], b[i]})
	}
	r := mustFloats(t, []string{"A", "B"}, rows)
	res := mustAlpha(t, r, Nominal)
	approx(t, "alpha", res.Alpha, 2.0/21, 1e-12)
	if res.PairableUnits != 10 || res.PairableValues != 20 {
		t.Errorf("pairable %d units, %d values", res.PairableUnits, res.PairableValues)
	}
	// With two values 0/1, every level gives the same alpha except ratio.
	approx(t, "ordinal", mustAlpha(t, r, Ordinal).Alpha, 2.0/21, 1e-12)
	approx(t, "interval", mustAlpha(t, r, Interval).Alpha, 2.0/21, 1e-12)
}

// By hand: units (1,2) and (3,3). n = 4; D_o = 2/4; ordered pair distances
// sum to 22 over n(n-1) = 12, so alpha = 1 - 0.5/(22/12) = 8/11.
func TestAlphaIntervalByHand(t *testing.T) {
	r := mustFloats(t, []string{"a", "b"}, [][]float64{{1, 2}, {3, 3}, {nan, 7}, {nan, nan}})
	res := mustAlpha(t, r, Interval)
	approx(t, "alpha", res.Alpha, 8.0/11, 1e-12)
	approx(t, "D_o", res.Observed, 0.5, 1e-12)
	approx(t, "D_e", res.Expected, 22.0/12, 1e-12)
	if res.PairableUnits != 2 {
		t.Errorf("pairable units %d", res.PairableUnits)
	}
}

func TestAlphaDegenerate(t *testing.T) {
	all := []Level{Nominal, Ordinal, Interval, Ratio}
	// No unit, no pairable unit, one value everywhere: undefined.
	for name, rows := range map[string][][]float64{
		"no units":    {},
		"no pairable": {{1, nan}, {nan, 2}, {nan, nan}},
		"one value":   {{3, 3}, {3, nan}, {3, 3}},
	} {
		r := mustFloats(t, []string{"a", "b"}, rows)
		for _, l := range all {
			if a := mustAlpha(t, r, l); !math.IsNaN(a.Alpha) {
				t.Errorf("%s %s: alpha %v, want NaN", name, l, a.Alpha)
			}
		}
		p, _ := Pair(r, 0, 1)
		for what, v := range map[string]float64{"cohen": p.Cohen, "scott": p.Scott, "linear": p.WeightedLinear, "quadratic": p.WeightedQuadratic} {
			if !math.IsNaN(v) {
				t.Errorf("%s: %s = %v, want NaN", name, what, v)
			}
		}
		ci, err := BootstrapAlpha(r, Nominal, 50, 1)
		if err != nil || !math.IsNaN(ci.Low) || !math.IsNaN(ci.High) {
			t.Errorf("%s: CI %+v %v", name, ci, err)
		}
	}
	// Perfect agreement with variation: 1 at every level.
	r := mustFloats(t, []string{"a", "b", "c"}, [][]float64{{1, 1, 1}, {2, 2, nan}, {5, nan, 5}, {0, 0, 0}})
	for _, l := range all {
		approx(t, l.String(), mustAlpha(t, r, l).Alpha, 1, 1e-12)
	}
	p, _ := Pair(r, 0, 1)
	approx(t, "kappa", p.Cohen, 1, 1e-12)
	approx(t, "linear", p.WeightedLinear, 1, 1e-12)
	// Systematic disagreement can go below zero.
	r = mustFloats(t, []string{"a", "b"}, [][]float64{{1, 2}, {2, 1}})
	if a := mustAlpha(t, r, Nominal).Alpha; !(a < 0) {
		t.Errorf("alpha %v, want negative", a)
	}
	// Fleiss: applicable and undefined with one category.
	r = mustFloats(t, []string{"a", "b"}, [][]float64{{3, 3}, {3, 3}})
	if k, ok, _ := FleissKappa(r); !ok || !math.IsNaN(k) {
		t.Errorf("fleiss %v %v", k, ok)
	}
}

func TestLevelChecks(t *testing.T) {
	r, err := FromLabels([]string{"a", "b"}, [][]string{{"low", "high"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []Level{Interval, Ratio} {
		if _, err := Alpha(r, l); err == nil {
			t.Errorf("%s alpha over labels: no error", l)
		}
	}
	if r.Ordered {
		t.Error("labels without a declared order are not ordered")
	}
	neg := mustFloats(t, []string{"a", "b"}, [][]float64{{-1, 2}})
	if _, err := Alpha(neg, Ratio); err == nil {
		t.Error("negative ratio value: no error")
	}
	if _, err := ParseLevel("cardinal"); err == nil {
		t.Error("bad level accepted")
	}
	bad := &Reliability{Coders: []string{"a", "b"}, Cells: []int32{0, 5}, Values: []float64{1}}
	if _, err := Alpha(bad, Nominal); err == nil {
		t.Error("out-of-range category: no error")
	}
}

// Ordinal alpha depends only on the order of the categories.
func TestOrdinalOrderOnly(t *testing.T) {
	rows := [][]float64{{1, 2, 3}, {2, 2, nan}, {3, 3, 1}, {1, 1, 2}, {3, nan, 3}}
	a := mustAlpha(t, mustFloats(t, []string{"a", "b", "c"}, rows), Ordinal).Alpha
	for _, row := range rows {
		for i, v := range row {
			row[i] = math.Pow(10, v) // monotone
		}
	}
	b := mustAlpha(t, mustFloats(t, []string{"a", "b", "c"}, rows), Ordinal).Alpha
	approx(t, "ordinal after a monotone map", b, a, 1e-12)
}

// bruteAlpha is Krippendorff's textbook computation: the full coincidence
// matrix and the distance functions as printed (ordinal with the explicit
// sum over the categories between c and k).
func bruteAlpha(r *Reliability, level Level) float64 {
	V := len(r.Values)
	k := len(r.Coders)
	o := make([][]float64, V)
	for i := range o {
		o[i] = make([]float64, V)
	}
	for u := 0; u < r.NumUnits(); u++ {
		var vals []int32
		for _, c := range r.Cells[u*k : u*k+k] {
			if c >= 0 {
				vals = append(vals, c)
			}
		}
		m := float64(len(vals))
		if m < 2 {
			continue
		}
		for i, c := range vals {
			for j, d := range vals {
				if i != j {
					o[c][d] += 1 / (m - 1)
				}
			}
		}
	}
	nc := make([]float64, V)
	n := 0.0
	for c := range o {
		for d := range o {
			nc[c] += o[c][d]
		}
		n += nc[c]
	}
	delta := func(c, d int) float64 {
		x, y := r.Values[c], r.Values[d]
		switch level {
		case Nominal:
			if c == d {
				return 0
			}
			return 1
		case Ordinal:
			lo, hi := min(c, d), max(c, d)
			s := 0.0
			for g := lo; g <= hi; g++ {
				s += nc[g]
			}
			s -= (nc[lo] + nc[hi]) / 2
			return s * s
		case Interval:
			return (x - y) * (x - y)
		}
		if x+y == 0 {
			return 0
		}
		return (x - y) * (x - y) / ((x + y) * (x + y))
	}
	num, den := 0.0, 0.0
	for c := 0; c < V; c++ {
		for d := 0; d < V; d++ {
			num += o[c][d] * delta(c, d)
			den += nc[c] * nc[d] * delta(c, d)
		}
	}
	if den == 0 {
		return math.NaN()
	}
	return 1 - (n-1)*num/den
}

func randomReliability(rng *rand.Rand, units, coders, cats int, missing float64) *Reliability {
	r := &Reliability{Coders: make([]string, coders), Values: make([]float64, cats), Ordered: true}
	for i := range r.Values {
		r.Values[i] = float64(i*i) + float64(rng.IntN(3)) // increasing, uneven
	}
	for i := 1; i < cats; i++ {
		if r.Values[i] <= r.Values[i-1] {
			r.Values[i] = r.Values[i-1] + 1
		}
	}
	for u := 0; u < units; u++ {
		truth := int32(rng.IntN(cats))
		for c := 0; c < coders; c++ {
			v := truth
			if rng.Float64() < 0.4 {
				v = int32(rng.IntN(cats))
			}
			if rng.Float64() < missing {
				v = Missing
			}
			r.Cells = append(r.Cells, v)
		}
	}
	return r
}

func TestAlphaMatchesTextbook(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 200; i++ {
		r := randomReliability(rng, 1+rng.IntN(30), 2+rng.IntN(5), 1+rng.IntN(6), 0.3*rng.Float64())
		for _, l := range []Level{Nominal, Ordinal, Interval, Ratio} {
			want := bruteAlpha(r, l)
			got := mustAlpha(t, r, l).Alpha
			if !sameFloat(got, want, 1e-9) {
				t.Fatalf("case %d %s: alpha %v, textbook %v", i, l, got, want)
			}
			if u := alphaByUnits(r, l).Alpha; !sameFloat(u, want, 1e-9) {
				t.Fatalf("case %d %s: alpha by units %v, textbook %v", i, l, u, want)
			}
			if p := patternAlpha(r, l); !sameFloat(p, want, 1e-9) {
				t.Fatalf("case %d %s: pattern alpha %v, textbook %v", i, l, p, want)
			}
		}
	}
}

// bruteWeighted is 1 - sum(w O)/sum(w E) over the dense category table.
func bruteWeighted(r *Reliability, a, b int, quad bool) float64 {
	V := len(r.Values)
	k := len(r.Coders)
	O := make([][]float64, V)
	for i := range O {
		O[i] = make([]float64, V)
	}
	pa, pb := make([]float64, V), make([]float64, V)
	n := 0.0
	for u := 0; u < r.NumUnits(); u++ {
		x, y := r.Cells[u*k+a], r.Cells[u*k+b]
		if x < 0 || y < 0 {
			continue
		}
		O[x][y]++
		pa[x]++
		pb[y]++
		n++
	}
	num, den := 0.0, 0.0
	for i := 0; i < V; i++ {
		for j := 0; j < V; j++ {
			w := math.Abs(float64(i - j))
			if quad {
				w *= w
			}
			num += w * O[i][j] / n
			den += w * pa[i] * pb[j] / (n * n)
		}
	}
	if den == 0 {
		return math.NaN()
	}
	return 1 - num/den
}

func TestWeightedKappaMatchesDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 200; i++ {
		r := randomReliability(rng, 1+rng.IntN(40), 2, 1+rng.IntN(7), 0.2)
		p, err := Pair(r, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		if w := bruteWeighted(r, 0, 1, false); !sameFloat(p.WeightedLinear, w, 1e-9) {
			t.Fatalf("case %d: linear %v, dense %v", i, p.WeightedLinear, w)
		}
		if w := bruteWeighted(r, 0, 1, true); !sameFloat(p.WeightedQuadratic, w, 1e-9) {
			t.Fatalf("case %d: quadratic %v, dense %v", i, p.WeightedQuadratic, w)
		}
	}
}

// Unused categories between used ones change weighted kappa: the weights
// use positions in the declared set.
func TestWeightedKappaUnusedCategories(t *testing.T) {
	rows := [][]string{{"1", "1"}, {"1", "2"}, {"2", "4"}, {"4", "4"}, {"2", "2"}}
	dense, _ := FromLabels([]string{"a", "b"}, rows, []string{"1", "2", "4"})
	gappy, _ := FromLabels([]string{"a", "b"}, rows, []string{"1", "2", "3", "4"})
	p1, _ := Pair(dense, 0, 1)
	p2, _ := Pair(gappy, 0, 1)
	if p1.WeightedLinear == p2.WeightedLinear {
		t.Errorf("unused category 3 ignored: %v", p1.WeightedLinear)
	}
	approx(t, "kappa unchanged", p2.Cohen, p1.Cohen, 1e-12)
	approx(t, "linear, 4 declared", p2.WeightedLinear, bruteWeighted(gappy, 0, 1, false), 1e-12)
}

func TestPercentAndFleiss(t *testing.T) {
	r, _ := FromLabels([]string{"a", "b", "c"}, [][]string{
		{"x", "x", "y"}, // 1 of 3 pairs agree
		{"x", "x", "x"}, // all
		{"y", "", "y"},  // 1 of 1
		{"", "", "x"},   // not pairable
	}, nil)
	p, _ := PercentAgreement(r)
	approx(t, "pairwise", p.Pairwise, (1.0/3+1+1)/3, 1e-12)
	approx(t, "all", p.All, 2.0/3, 1e-12)
	if p.Units != 3 {
		t.Errorf("units %d", p.Units)
	}
	if _, ok, _ := FleissKappa(r); ok {
		t.Error("fleiss applied to units with 3, 2 and 1 values")
	}
	// Complete data (empty rows ignored): by hand, P_i = 1/3, 1, 1/3, 1 ->
	// mean 2/3; p_x = p_y = 6/12 -> P_e = 1/2; kappa = (2/3-1/2)/(1/2) = 1/3.
	r, _ = FromLabels([]string{"a", "b", "c"}, [][]string{
		{"x", "x", "y"}, {"x", "x", "x"}, {"y", "y", "x"}, {"", "", ""}, {"y", "y", "y"},
	}, nil)
	k, ok, _ := FleissKappa(r)
	if !ok {
		t.Fatal("fleiss not applicable")
	}
	approx(t, "fleiss", k, 1.0/3, 1e-12)
}

func TestPairErrors(t *testing.T) {
	r := mustFloats(t, []string{"a", "b"}, [][]float64{{1, 2}})
	if _, err := Pair(r, 0, 0); err == nil {
		t.Error("same coder twice")
	}
	if _, err := Pair(r, 0, 2); err == nil {
		t.Error("coder out of range")
	}
	// No common unit: undefined, not an error.
	r = mustFloats(t, []string{"a", "b"}, [][]float64{{1, nan}, {nan, 2}})
	p, err := Pair(r, 0, 1)
	if err != nil || p.Units != 0 || !math.IsNaN(p.Cohen) || !math.IsNaN(p.Agreement) {
		t.Errorf("%+v %v", p, err)
	}
}

func TestBootstrap(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	r := randomReliability(rng, 400, 4, 5, 0.15)
	for _, l := range []Level{Nominal, Ordinal, Interval, Ratio} {
		a := mustAlpha(t, r, l).Alpha
		ci, err := BootstrapAlpha(r, l, 400, 17)
		if err != nil {
			t.Fatal(err)
		}
		if !(ci.Low < a && a < ci.High) || ci.High-ci.Low > 0.3 || ci.Defined != 400 {
			t.Errorf("%s: alpha %v, CI %+v", l, a, ci)
		}
		again, _ := BootstrapAlpha(r, l, 400, 17)
		if again != ci {
			t.Errorf("%s: same seed, %+v then %+v", l, ci, again)
		}
		other, _ := BootstrapAlpha(r, l, 400, 18)
		if other == ci {
			t.Errorf("%s: seeds 17 and 18 gave the same interval", l)
		}
	}
	if ci, _ := BootstrapAlpha(r, Nominal, 0, 1); !math.IsNaN(ci.Low) {
		t.Errorf("no resamples: %+v", ci)
	}
	if _, err := BootstrapAlpha(r, Nominal, -1, 1); err == nil {
		t.Error("negative resamples accepted")
	}
}

// The bootstrap's spread shrinks with more units, as it must.
func TestBootstrapWidthShrinks(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	small := randomReliability(rng, 100, 3, 3, 0.1)
	large := randomReliability(rng, 10000, 3, 3, 0.1)
	s, _ := BootstrapAlpha(small, Ordinal, 300, 1)
	l, _ := BootstrapAlpha(large, Ordinal, 300, 1)
	if !(l.High-l.Low < (s.High-s.Low)/4) {
		t.Errorf("100 units: width %v; 10,000 units: width %v", s.High-s.Low, l.High-l.Low)
	}
}

func TestSummarize(t *testing.T) {
	r, _ := FromLabels([]string{"a", "b", "c"}, [][]string{{"x", "x", "y"}, {"x", "x", "x"}, {"y", "y", "x"}}, nil)
	s, err := Summarize(r, Options{Level: Nominal, Bootstrap: 20, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if s.Units != 3 || s.Coders != 3 || len(s.Pairs) != 3 || !s.FleissApplicable {
		t.Errorf("%+v", s)
	}
	if !math.IsNaN(s.Pairs[0].WeightedLinear) {
		t.Error("weighted kappa over unordered labels")
	}
	if s.Pairs[2].A != 1 || s.Pairs[2].B != 2 {
		t.Errorf("pair order %+v", s.Pairs)
	}
}

// Many categories take the marginal path; few the confusion table: the same
// numbers either way.
func TestPairPathsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, cats := range []int{3, 40} {
		r := randomReliability(rng, 500, 3, cats, 0.2)
		for _, ab := range [][2]int{{0, 1}, {0, 2}, {1, 2}} {
			a := pair(r, ab[0], ab[1])
			b := allPairs(r, [][2]int{ab}, nil)[0]
			for i, v := range []float64{a.Agreement, a.Cohen, a.Scott, a.WeightedLinear, a.WeightedQuadratic} {
				w := []float64{b.Agreement, b.Cohen, b.Scott, b.WeightedLinear, b.WeightedQuadratic}[i]
				if !sameFloat(v, w, 1e-12) {
					t.Errorf("%d categories, pair %v, metric %d: %v vs %v", cats, ab, i, v, w)
				}
			}
			if w := bruteWeighted(r, ab[0], ab[1], true); !sameFloat(a.WeightedQuadratic, w, 1e-9) {
				t.Errorf("quadratic %v, dense %v", a.WeightedQuadratic, w)
			}
		}
	}
}

// Tallying units by count vector and going unit by unit agree.
func TestPatternPathsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	for i := 0; i < 300; i++ {
		r := randomReliability(rng, rng.IntN(60), 2+rng.IntN(6), 1+rng.IntN(5), 0.4*rng.Float64())
		if i%3 == 0 { // complete data, so that Fleiss applies
			for j := range r.Cells {
				if r.Cells[j] == Missing {
					r.Cells[j] = 0
				}
			}
		}
		ps := countPatterns(r)
		if ps == nil {
			continue
		}
		for _, l := range []Level{Nominal, Ordinal, Interval, Ratio} {
			a, b := ps.alpha(r, l), alphaByUnits(r, l)
			if !sameFloat(a.Alpha, b.Alpha, 1e-9) || a.PairableUnits != b.PairableUnits || a.PairableValues != b.PairableValues {
				t.Fatalf("case %d %s: patterns %+v, units %+v", i, l, a, b)
			}
		}
		p1, p2 := ps.percent(), percentByUnits(r)
		if !sameFloat(p1.Pairwise, p2.Pairwise, 1e-12) || !sameFloat(p1.All, p2.All, 1e-12) || p1.Units != p2.Units {
			t.Fatalf("case %d: percent %+v vs %+v", i, p1, p2)
		}
		k1, ok1 := ps.fleiss()
		k2, ok2 := fleissByUnits(r)
		if ok1 != ok2 || !sameFloat(k1, k2, 1e-12) {
			t.Fatalf("case %d: fleiss %v %v vs %v %v", i, k1, ok1, k2, ok2)
		}
	}
}

// Summaries over distinct rows equal those over every unit.
func TestDistinctRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for i := 0; i < 100; i++ {
		r := randomReliability(rng, rng.IntN(200), 2+rng.IntN(4), 1+rng.IntN(4), 0.3*rng.Float64())
		d, w := distinctRows(r)
		if d == nil {
			continue
		}
		total := int64(0)
		for _, x := range w {
			total += x
		}
		if total != int64(r.NumUnits()) {
			t.Fatalf("case %d: %d units in distinct rows, %d in data", i, total, r.NumUnits())
		}
		for _, l := range []Level{Nominal, Ordinal, Interval, Ratio} {
			s, err := Summarize(r, Options{Level: l})
			if err != nil {
				t.Fatal(err)
			}
			if a := alphaByUnits(r, l); !sameFloat(s.Alpha.Alpha, a.Alpha, 1e-9) || s.Alpha.PairableUnits != a.PairableUnits {
				t.Fatalf("case %d %s: summary alpha %+v, by units %+v", i, l, s.Alpha, a)
			}
			for _, p := range s.Pairs {
				q := pair(r, p.A, p.B)
				if !sameFloat(p.Cohen, q.Cohen, 1e-12) || !sameFloat(p.WeightedQuadratic, q.WeightedQuadratic, 1e-12) || p.Units != q.Units {
					t.Fatalf("case %d: pair %+v vs %+v", i, p, q)
				}
			}
			if p := percentByUnits(r); !sameFloat(p.Pairwise, s.Percent.Pairwise, 1e-12) || !sameFloat(p.All, s.Percent.All, 1e-12) {
				t.Fatalf("case %d: percent %+v vs %+v", i, s.Percent, p)
			}
			k, ok := fleissByUnits(r)
			if ok != s.FleissApplicable || !sameFloat(k, s.Fleiss, 1e-12) {
				t.Fatalf("case %d: fleiss %v %v vs %v %v", i, s.Fleiss, s.FleissApplicable, k, ok)
			}
		}
	}
}
