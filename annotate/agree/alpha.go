package agree

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// AlphaResult is Krippendorff's alpha with the quantities behind it.
type AlphaResult struct {
	Alpha          float64 // 1 - Observed/Expected; NaN when undefined
	Level          Level
	PairableUnits  int     // units with two or more values
	PairableValues int     // n: the values in pairable units
	Observed       float64 // D_o, observed disagreement
	Expected       float64 // D_e, disagreement expected by chance
}

// Alpha computes Krippendorff's alpha in its coincidence-matrix form
// (Krippendorff 2011): units with fewer than two values are not pairable and
// are ignored; a unit with m values adds 1/(m-1) per ordered pair of its
// values. The ordinal distance uses the marginals of the values that occur
// (so it depends only on the order of the categories); interval is (c-k)²;
// ratio ((c-k)/(c+k))². Alpha is NaN when there is no pairable unit or when
// every pairable value is the same (no expected disagreement).
//
// It runs in O(cells + categories), except at the ratio level, whose expected
// disagreement is O(categories used²).
func Alpha(r *Reliability, level Level) (AlphaResult, error) {
	if err := checkLevel(r, level); err != nil {
		return AlphaResult{Alpha: math.NaN(), Level: level, Observed: math.NaN(), Expected: math.NaN()}, err
	}
	return alpha(r, level), nil
}

// alpha is Alpha on checked data.
func alpha(r *Reliability, level Level) AlphaResult {
	if ps := countPatterns(r); ps != nil {
		return ps.alpha(r, level)
	}
	return alphaByUnits(r, level)
}

// alphaByUnits computes alpha unit by unit, for any number of categories.
func alphaByUnits(r *Reliability, level Level) AlphaResult {
	res := AlphaResult{Alpha: math.NaN(), Level: level, Observed: math.NaN(), Expected: math.NaN()}
	k := len(r.Coders)
	nU := r.NumUnits()
	V := len(r.Values)
	nc := make([]float64, V)
	// Pass 1: marginals of pairable values.
	for u := 0; u < nU; u++ {
		row := r.Cells[u*k : u*k+k]
		m := 0
		for _, c := range row {
			if c >= 0 {
				m++
			}
		}
		if m < 2 {
			continue
		}
		res.PairableUnits++
		res.PairableValues += m
		for _, c := range row {
			if c >= 0 {
				nc[c]++
			}
		}
	}
	n := float64(res.PairableValues)
	if res.PairableUnits == 0 {
		return res
	}
	xs := positions(r, level, nc)
	// Pass 2: observed disagreement, unit by unit.
	var do float64
	switch level {
	case Nominal:
		cnt := make([]int32, V)
		for u := 0; u < nU; u++ {
			row := r.Cells[u*k : u*k+k]
			m, sq := int32(0), int32(0)
			for _, c := range row {
				if c >= 0 {
					m++
					sq += 2*cnt[c] + 1
					cnt[c]++
				}
			}
			for _, c := range row {
				if c >= 0 {
					cnt[c] = 0
				}
			}
			if m >= 2 {
				do += float64(m*m-sq) / float64(m-1)
			}
		}
	case Ordinal, Interval:
		for u := 0; u < nU; u++ {
			row := r.Cells[u*k : u*k+k]
			m, sum := 0, 0.0
			for _, c := range row {
				if c >= 0 {
					m++
					sum += xs[c]
				}
			}
			if m < 2 {
				continue
			}
			mean := sum / float64(m)
			ss := 0.0
			for _, c := range row {
				if c >= 0 {
					d := xs[c] - mean
					ss += d * d
				}
			}
			do += 2 * float64(m) * ss / float64(m-1)
		}
	case Ratio:
		for u := 0; u < nU; u++ {
			row := r.Cells[u*k : u*k+k]
			m := 0
			for _, c := range row {
				if c >= 0 {
					m++
				}
			}
			if m < 2 {
				continue
			}
			s := 0.0
			for i, c := range row {
				if c < 0 {
					continue
				}
				for _, d := range row[i+1:] {
					if d >= 0 {
						s += ratioDelta(xs[c], xs[d])
					}
				}
			}
			do += 2 * s / float64(m-1)
		}
	}
	res.Observed = do / n
	res.Expected = expectedSum(level, nc, xs, n) / (n * (n - 1))
	res.Alpha = alphaOf(res.Observed, res.Expected)
	return res
}

func alphaOf(do, de float64) float64 {
	if !(de > 0) {
		return math.NaN()
	}
	return 1 - do/de
}

func ratioDelta(a, b float64) float64 {
	if a == b {
		return 0
	}
	d := (a - b) / (a + b)
	return d * d
}

// checkLevel reports values that the level cannot measure.
func checkLevel(r *Reliability, level Level) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if level < Nominal || level > Ratio {
		return fmt.Errorf("agree: unknown level %d", int(level))
	}
	if level != Interval && level != Ratio {
		return nil
	}
	used := make([]bool, len(r.Values))
	for _, c := range r.Cells {
		if c >= 0 {
			used[c] = true
		}
	}
	for c, v := range r.Values {
		if !used[c] {
			continue
		}
		if math.IsNaN(v) {
			return fmt.Errorf("agree: the %s level needs numbers, and %q is not a number", level, r.Label(int32(c)))
		}
		if level == Ratio && v < 0 {
			return fmt.Errorf("agree: the ratio level needs values of zero or more, and %s is negative", r.Label(int32(c)))
		}
	}
	return nil
}

// positions gives each category the number its distance uses: the category
// value at the interval and ratio levels; at the ordinal level the mid-rank
// n_<c + n_c/2 of the pairable values, since Krippendorff's ordinal distance
// (sum over g from c to k of n_g, minus (n_c+n_k)/2)² is exactly the squared
// difference of these mid-ranks. Nil at the nominal level.
func positions(r *Reliability, level Level, nc []float64) []float64 {
	switch level {
	case Interval, Ratio:
		return r.Values
	case Ordinal:
		xs := make([]float64, len(nc))
		ordinalPositions(nc, xs)
		return xs
	}
	return nil
}

func ordinalPositions(nc, xs []float64) {
	cum := 0.0
	for c, v := range nc {
		xs[c] = cum + v/2
		cum += v
	}
}

// expectedSum is the sum over ordered pairs of pairable values of their
// distance: sum over c,k of n_c n_k delta(c,k).
func expectedSum(level Level, nc, xs []float64, n float64) float64 {
	switch level {
	case Nominal:
		sq := 0.0
		for _, v := range nc {
			sq += v * v
		}
		return n*n - sq
	case Ordinal, Interval:
		used := 0
		for _, v := range nc {
			if v != 0 {
				used++
			}
		}
		if used <= 64 { // pairwise: exactly zero when every value is the same
			s := 0.0
			for c, v := range nc {
				if v == 0 {
					continue
				}
				for d := c + 1; d < len(nc); d++ {
					if w := nc[d]; w != 0 {
						x := xs[c] - xs[d]
						s += v * w * x * x
					}
				}
			}
			return 2 * s
		}
		sum := 0.0
		for c, v := range nc {
			if v != 0 {
				sum += v * xs[c]
			}
		}
		mean := sum / n
		ss := 0.0
		for c, v := range nc {
			if v != 0 {
				d := xs[c] - mean
				ss += v * d * d
			}
		}
		return 2 * n * ss
	case Ratio:
		s := 0.0
		for c, v := range nc {
			if v == 0 {
				continue
			}
			for d := c + 1; d < len(nc); d++ {
				if w := nc[d]; w != 0 {
					s += v * w * ratioDelta(xs[c], xs[d])
				}
			}
		}
		return 2 * s
	}
	return math.NaN()
}

// CI is a bootstrap confidence interval.
type CI struct {
	Low, High float64 // NaN when undefined
	Resamples int     // resamples drawn
	Defined   int     // resamples in which alpha was defined (the others are left out)
}

// BootstrapAlpha returns a 95% percentile bootstrap interval for alpha,
// resampling the pairable units with replacement. The same seed gives the
// same interval. Each resample sums the units' precomputed contributions
// (identical units are grouped), drawing how many units of each distinct
// pattern it holds from their multinomial distribution, so its cost
// depends on the number of patterns, not of units. Resamples in which alpha is undefined
// are left out; if none is defined the interval is NaN.
func BootstrapAlpha(r *Reliability, level Level, resamples int, seed uint64) (CI, error) {
	ci := CI{Low: math.NaN(), High: math.NaN(), Resamples: resamples}
	if resamples < 0 {
		return ci, fmt.Errorf("agree: negative number of resamples")
	}
	if err := checkLevel(r, level); err != nil {
		return ci, err
	}
	return bootstrap(r, level, resamples, seed), nil
}

// bootstrap is BootstrapAlpha on checked data.
func bootstrap(r *Reliability, level Level, resamples int, seed uint64) CI {
	ci := CI{Low: math.NaN(), High: math.NaN(), Resamples: resamples}
	b := newBootstrapper(r, level)
	if b.units == 0 || resamples <= 0 {
		return ci
	}
	src := rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)
	alphas := make([]float64, 0, resamples)
	for i := 0; i < resamples; i++ {
		if a := b.resample(src); !math.IsNaN(a) {
			alphas = append(alphas, a)
		}
	}
	ci.Defined = len(alphas)
	if len(alphas) == 0 {
		return ci
	}
	sort.Float64s(alphas)
	ci.Low = quantile(alphas, 0.025)
	ci.High = quantile(alphas, 0.975)
	return ci
}

// quantile of sorted xs, interpolating linearly between order statistics.
func quantile(xs []float64, p float64) float64 {
	h := p * float64(len(xs)-1)
	i := int(h)
	if i+1 >= len(xs) {
		return xs[len(xs)-1]
	}
	return xs[i] + (h-float64(i))*(xs[i+1]-xs[i])
}

// bootstrapper holds the pairable units grouped into patterns: the multiset
// of category indices a unit holds. A pattern's contribution to the
// coincidence matrix is fixed; only how often it is drawn varies.
type bootstrapper struct {
	level  Level
	values []float64
	units  int     // pairable units
	unitP  []int32 // pattern of each pairable unit
	count  []int64 // units of each pattern
	start  []int32 // entries of pattern p: ent[start[p]:start[p+1]]
	cat    []int32 // entry category
	cnt    []float64
	m      []float64 // values in pattern p
	do     []float64 // observed-disagreement sum of pattern p (not ordinal)
	// scratch
	w      []int32
	nc, xs []float64
}

func newBootstrapper(r *Reliability, level Level) *bootstrapper {
	k := len(r.Coders)
	V := len(r.Values)
	b := &bootstrapper{level: level, values: r.Values, start: []int32{0}, nc: make([]float64, V), xs: make([]float64, V)}
	ids := map[string]int32{}
	vals := make([]int32, 0, k)
	key := make([]byte, 0, 8*k)
	for u, nU := 0, r.NumUnits(); u < nU; u++ {
		vals = vals[:0]
		for _, c := range r.Cells[u*k : u*k+k] {
			if c >= 0 {
				vals = append(vals, c)
			}
		}
		if len(vals) < 2 {
			continue
		}
		for i := 1; i < len(vals); i++ { // insertion sort: rows are short
			for j := i; j > 0 && vals[j] < vals[j-1]; j-- {
				vals[j], vals[j-1] = vals[j-1], vals[j]
			}
		}
		key = key[:0]
		for _, c := range vals {
			key = append(key, byte(c), byte(c>>8), byte(c>>16), byte(c>>24))
		}
		p, ok := ids[string(key)]
		if !ok {
			p = int32(len(b.m))
			ids[string(key)] = p
			b.addPattern(vals)
		}
		b.unitP = append(b.unitP, p)
	}
	b.units = len(b.unitP)
	b.w = make([]int32, len(b.m))
	b.count = make([]int64, len(b.m))
	for _, p := range b.unitP {
		b.count[p]++
	}
	return b
}

func (b *bootstrapper) addPattern(vals []int32) {
	m := float64(len(vals))
	for i := 0; i < len(vals); {
		j := i
		for j < len(vals) && vals[j] == vals[i] {
			j++
		}
		b.cat = append(b.cat, vals[i])
		b.cnt = append(b.cnt, float64(j-i))
		i = j
	}
	b.start = append(b.start, int32(len(b.cat)))
	b.m = append(b.m, m)
	p := len(b.m) - 1
	xs := b.values
	if b.level == Ordinal {
		xs = nil // depends on the resample's marginals
	}
	b.do = append(b.do, b.patternDo(p, xs))
}

// patternDo is the observed-disagreement sum of pattern p with positions xs:
// sum over ordered pairs of its values of delta, divided by m-1.
func (b *bootstrapper) patternDo(p int, xs []float64) float64 {
	cat, cnt := b.cat[b.start[p]:b.start[p+1]], b.cnt[b.start[p]:b.start[p+1]]
	m := b.m[p]
	s := 0.0
	switch b.level {
	case Nominal:
		sq := 0.0
		for _, c := range cnt {
			sq += c * c
		}
		s = m*m - sq
	case Ordinal, Interval:
		if b.level == Ordinal && xs == nil {
			return 0
		}
		sum := 0.0
		for i, c := range cat {
			sum += cnt[i] * xs[c]
		}
		mean := sum / m
		ss := 0.0
		for i, c := range cat {
			d := xs[c] - mean
			ss += cnt[i] * d * d
		}
		s = 2 * m * ss
	case Ratio:
		for i, c := range cat {
			for j := i + 1; j < len(cat); j++ {
				s += cnt[i] * cnt[j] * ratioDelta(xs[c], xs[cat[j]])
			}
		}
		s *= 2
	}
	return s / (m - 1)
}

// resample draws units units with replacement and returns alpha of the
// draw. Only how many units of each pattern are drawn matters, and those
// counts follow a multinomial distribution with the patterns' shares as
// probabilities: they are drawn exactly, as a chain of binomials (each
// pattern's count given the ones before), so that a resample costs one
// draw per pattern, not one per unit.
func (b *bootstrapper) resample(src rand.Source) float64 {
	w := b.w
	left, mass := float64(b.units), float64(b.units)
	for p, c := range b.count {
		switch {
		case left == 0:
			w[p] = 0
		case p == len(b.count)-1 || float64(c) >= mass:
			w[p] = int32(left)
		default:
			k := distuv.Binomial{N: left, P: float64(c) / mass, Src: src}.Rand()
			w[p] = int32(k)
			left -= k
		}
		mass -= float64(c)
	}
	return b.alphaFor(w)
}

// alphaFor computes alpha for data holding w[p] units of pattern p.
func (b *bootstrapper) alphaFor(w []int32) float64 {
	nc := b.nc
	clear(nc)
	n := 0.0
	for p, wp := range w {
		if wp == 0 {
			continue
		}
		f := float64(wp)
		n += f * b.m[p]
		for e := b.start[p]; e < b.start[p+1]; e++ {
			nc[b.cat[e]] += f * b.cnt[e]
		}
	}
	var xs []float64
	switch b.level {
	case Interval, Ratio:
		xs = b.values
	case Ordinal:
		xs = b.xs
		ordinalPositions(nc, xs)
	}
	do := 0.0
	for p, wp := range w {
		if wp == 0 {
			continue
		}
		if b.level == Ordinal {
			do += float64(wp) * b.patternDo(p, xs)
		} else {
			do += float64(wp) * b.do[p]
		}
	}
	return alphaOf(do/n, expectedSum(b.level, nc, xs, n)/(n*(n-1)))
}
