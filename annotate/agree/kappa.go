package agree

import (
	"fmt"
	"math"
)

// Weights chooses the disagreement weights of weighted kappa.
type Weights int

const (
	Linear    Weights = iota // |i-j|
	Quadratic                // (i-j)²
)

// PairResult is the agreement between two coders over the units both coded.
type PairResult struct {
	A, B              int     // coder indices
	Units             int     // units coded by both
	Agreement         float64 // share of those units with the same value
	Cohen             float64 // Cohen's kappa
	Scott             float64 // Scott's pi
	WeightedLinear    float64 // weighted kappa, linear weights
	WeightedQuadratic float64 // weighted kappa, quadratic weights
}

// Pair computes the two-coder metrics for coders a and b. A unit that lacks
// either coder is dropped. Weighted kappa weighs a disagreement by the
// distance between the positions of the two categories in the category
// order, over the whole declared category set (unused categories included),
// so it is meaningful only when the categories are ordered. Every metric is
// NaN when undefined (no common unit, or no disagreement expected by chance).
// It runs in O(units + categories).
func Pair(r *Reliability, a, b int) (PairResult, error) {
	nan := math.NaN()
	res := PairResult{A: a, B: b, Agreement: nan, Cohen: nan, Scott: nan, WeightedLinear: nan, WeightedQuadratic: nan}
	if err := r.Validate(); err != nil {
		return res, err
	}
	k := len(r.Coders)
	if a < 0 || b < 0 || a >= k || b >= k || a == b {
		return res, fmt.Errorf("agree: coders %d and %d: need two different coders of %d", a, b, k)
	}
	return pair(r, a, b), nil
}

// pair is Pair on checked data and coders.
func pair(r *Reliability, a, b int) PairResult {
	if V := len(r.Values); V*V <= maxConfusion {
		return allPairs(r, [][2]int{{a, b}}, nil)[0]
	}
	k := len(r.Coders)
	pt := newPairTally(len(r.Values))
	for i, nU := 0, r.NumUnits(); i < nU; i++ {
		x, y := r.Cells[i*k+a], r.Cells[i*k+b]
		if x >= 0 && y >= 0 {
			pt.add(x, y, 1)
		}
	}
	return pt.result(a, b)
}

// maxConfusion bounds the categories² up to which pairs are tallied in a
// confusion table (one increment per unit) rather than in marginals.
const maxConfusion = 1024

// allPairs computes the given coder pairs in one pass over the units,
// tallying a confusion table per pair (categories² must not exceed
// maxConfusion). Row u stands for w[u] units (w nil: one each).
func allPairs(r *Reliability, pairs [][2]int, w []int64) []PairResult {
	k := len(r.Coders)
	V := len(r.Values)
	conf := make([]int64, len(pairs)*V*V)
	for u, nU := 0, r.NumUnits(); u < nU; u++ {
		row := r.Cells[u*k : u*k+k]
		wu := int64(1)
		if w != nil {
			wu = w[u]
		}
		for p, ab := range pairs {
			x, y := row[ab[0]], row[ab[1]]
			if x >= 0 && y >= 0 {
				conf[p*V*V+int(x)*V+int(y)] += wu
			}
		}
	}
	res := make([]PairResult, len(pairs))
	for p, ab := range pairs {
		pt := newPairTally(V)
		for x := 0; x < V; x++ {
			for y := 0; y < V; y++ {
				if c := conf[p*V*V+x*V+y]; c != 0 {
					pt.add(int32(x), int32(y), c)
				}
			}
		}
		res[p] = pt.result(ab[0], ab[1])
	}
	return res
}

// pairTally holds what the two-coder metrics need: the units both coded,
// their agreements, the weighted disagreement sums and both marginals.
type pairTally struct {
	pa, pb                 []int64
	n, agree, abs, squares int64
}

func newPairTally(V int) *pairTally {
	return &pairTally{pa: make([]int64, V), pb: make([]int64, V)}
}

// add counts c units on which the coders gave x and y.
func (t *pairTally) add(x, y int32, c int64) {
	t.n += c
	t.pa[x] += c
	t.pb[y] += c
	if d := int64(x - y); d == 0 {
		t.agree += c
	} else {
		t.abs += c * abs64(d)
		t.squares += c * d * d
	}
}

func (t *pairTally) result(a, b int) PairResult {
	nan := math.NaN()
	res := PairResult{A: a, B: b, Agreement: nan, Cohen: nan, Scott: nan, WeightedLinear: nan, WeightedQuadratic: nan}
	n, agree, pa, pb, V := t.n, t.agree, t.pa, t.pb, len(t.pa)
	res.Units = int(n)
	if n == 0 {
		return res
	}
	res.Agreement = float64(agree) / float64(n)
	// Cohen: (n·agree - Σ pa pb) / (n² - Σ pa pb), exact in integers.
	// Scott: the same with the pooled marginals (pa+pb)/2.
	var cross, pooled int64
	for c := range pa {
		cross += pa[c] * pb[c]
		s := pa[c] + pb[c]
		pooled += s * s
	}
	res.Cohen = ratio(float64(n*agree-cross), float64(n*n-cross))
	res.Scott = ratio(float64(4*n*agree-pooled), float64(4*n*n-pooled))
	// Weighted: 1 - observed/expected mean weight, with the expectation over
	// independent draws from the two coders' marginals.
	fn := float64(n)
	var expAbs, ma, mb, ma2, mb2 float64
	var ca, cb int64 // cumulative counts
	for c := 0; c < V; c++ {
		qa, qb := float64(pa[c])/fn, float64(pb[c])/fn
		fc := float64(c)
		ma += qa * fc
		mb += qb * fc
		ma2 += qa * fc * fc
		mb2 += qb * fc * fc
		ca += pa[c]
		cb += pb[c]
		if c < V-1 { // |I-J| counts the unit steps between c and c+1 it crosses
			fa, fb := float64(ca)/fn, float64(cb)/fn
			expAbs += fa*(1-fb) + fb*(1-fa)
		}
	}
	expSq := ma2 - 2*ma*mb + mb2
	res.WeightedLinear = 1 - ratio(float64(t.abs)/fn, expAbs)
	res.WeightedQuadratic = 1 - ratio(float64(t.squares)/fn, expSq)
	return res
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// ratio is x/y, NaN when y is zero (or rounding made it tiny or negative).
func ratio(x, y float64) float64 {
	if !(y > 1e-15) {
		return math.NaN()
	}
	return x / y
}

// CohenKappa is Cohen's kappa for coders a and b (see Pair).
func CohenKappa(r *Reliability, a, b int) (float64, error) {
	p, err := Pair(r, a, b)
	return p.Cohen, err
}

// ScottPi is Scott's pi for coders a and b (see Pair).
func ScottPi(r *Reliability, a, b int) (float64, error) {
	p, err := Pair(r, a, b)
	return p.Scott, err
}

// WeightedKappa is weighted kappa for coders a and b (see Pair).
func WeightedKappa(r *Reliability, a, b int, w Weights) (float64, error) {
	p, err := Pair(r, a, b)
	if w == Quadratic {
		return p.WeightedQuadratic, err
	}
	return p.WeightedLinear, err
}

// Percent is percent agreement (as a proportion) over the units with two or
// more values.
type Percent struct {
	Pairwise float64 // mean over units of the share of agreeing coder pairs
	All      float64 // share of units on which every coder who coded it agrees
	Units    int     // units with two or more values
}

// PercentAgreement computes both variants of percent agreement; they are
// equal for two coders. NaN when no unit has two values.
func PercentAgreement(r *Reliability) (Percent, error) {
	if err := r.Validate(); err != nil {
		return Percent{Pairwise: math.NaN(), All: math.NaN()}, err
	}
	return percent(r), nil
}

// percent is PercentAgreement on checked data.
func percent(r *Reliability) Percent {
	if ps := countPatterns(r); ps != nil {
		return ps.percent()
	}
	return percentByUnits(r)
}

func percentByUnits(r *Reliability) Percent {
	res := Percent{Pairwise: math.NaN(), All: math.NaN()}
	k := len(r.Coders)
	cnt := make([]int32, len(r.Values))
	var share float64
	var all int
	for u, nU := 0, r.NumUnits(); u < nU; u++ {
		row := r.Cells[u*k : u*k+k]
		m, sq := unitCounts(row, cnt)
		if m < 2 {
			continue
		}
		res.Units++
		share += float64(sq-m) / float64(m*(m-1))
		if sq == m*m {
			all++
		}
	}
	if res.Units > 0 {
		res.Pairwise = share / float64(res.Units)
		res.All = float64(all) / float64(res.Units)
	}
	return res
}

// unitCounts returns the number of values in row and the sum over categories
// of the squared count, using cnt (zero on entry and on return) as scratch.
func unitCounts(row []int32, cnt []int32) (m, sq int64) {
	for _, c := range row {
		if c >= 0 {
			m++
			sq += int64(2*cnt[c] + 1)
			cnt[c]++
		}
	}
	for _, c := range row {
		if c >= 0 {
			cnt[c] = 0
		}
	}
	return m, sq
}

// FleissKappa computes Fleiss' kappa. It applies only where every unit has
// the same number (two or more) of values; units with no value at all are
// ignored. Otherwise applicable is false and kappa NaN: with incomplete data
// use alpha. Kappa is NaN when undefined (a single category used).
func FleissKappa(r *Reliability) (kappa float64, applicable bool, err error) {
	if err := r.Validate(); err != nil {
		return math.NaN(), false, err
	}
	kappa, applicable = fleiss(r)
	return kappa, applicable, nil
}

// fleiss is FleissKappa on checked data.
func fleiss(r *Reliability) (kappa float64, applicable bool) {
	if ps := countPatterns(r); ps != nil {
		return ps.fleiss()
	}
	return fleissByUnits(r)
}

func fleissByUnits(r *Reliability) (kappa float64, applicable bool) {
	k := len(r.Coders)
	V := len(r.Values)
	cnt := make([]int32, V)
	nc := make([]int64, V)
	var m0, units, sqSum int64
	for u, nU := 0, r.NumUnits(); u < nU; u++ {
		row := r.Cells[u*k : u*k+k]
		m, sq := unitCounts(row, cnt)
		if m == 0 {
			continue
		}
		if m0 == 0 {
			m0 = m
		} else if m != m0 {
			return math.NaN(), false
		}
		units++
		sqSum += sq
		for _, c := range row {
			if c >= 0 {
				nc[c]++
			}
		}
	}
	return fleissFrom(units, m0, sqSum, nc)
}

// fleissFrom computes Fleiss' kappa from the units, the values per unit, the
// sum over units and categories of the squared counts, and the marginals.
func fleissFrom(units, m0, sqSum int64, nc []int64) (float64, bool) {
	if units == 0 || m0 < 2 {
		return math.NaN(), false
	}
	total := units * m0
	var ncSq int64
	for _, v := range nc {
		ncSq += v * v
	}
	if ncSq == total*total {
		return math.NaN(), true
	}
	pBar := float64(sqSum-total) / float64(total*(m0-1))
	pe := float64(ncSq) / (float64(total) * float64(total))
	return (pBar - pe) / (1 - pe), true
}
