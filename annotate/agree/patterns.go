package agree

import "math"

// maxPatternKeys bounds (coders+1)^categories, the number of possible count
// vectors, up to which units are tallied by count vector in an array.
const maxPatternKeys = 1 << 16

// patterns tallies units by the number of values each category got: the
// coincidence matrix, percent agreement and Fleiss' kappa depend on nothing
// else. With few categories and coders there are few possible count vectors,
// so one cheap pass (a table lookup and an add per cell, an increment per
// unit) replaces per-unit arithmetic.
type patterns struct {
	V      int
	counts [][]int32 // count vector of each pattern that occurs
	m      []int64   // values in it
	units  []int64   // units with it
}

// countPatterns tallies r's units, or returns nil when the key space is too
// large.
func countPatterns(r *Reliability) *patterns { return countPatternsWeighted(r, nil) }

// countPatternsWeighted is countPatterns where row u stands for w[u] units
// (w nil: one each).
func countPatternsWeighted(r *Reliability, w []int64) *patterns {
	k, V := len(r.Coders), len(r.Values)
	if V == 0 {
		return nil
	}
	pow := keyPowers(V, k+1)
	if pow == nil {
		return nil
	}
	hist := make([]int64, int(pow[V-1])*(k+1))
	step := make([]int32, V+1) // step[c+1] = pow[c]; step[0] = 0 for Missing: no branch
	copy(step[1:], pow)
	cells := r.Cells
	for u := 0; len(cells) >= k; u++ {
		row := cells[:k:k]
		key := int32(0)
		for _, c := range row {
			key += step[c+1]
		}
		if w == nil {
			hist[key]++
		} else {
			hist[key] += w[u]
		}
		cells = cells[k:]
	}
	ps := &patterns{V: V}
	for key, h := range hist {
		if h == 0 {
			continue
		}
		cnt := make([]int32, V)
		m := int64(0)
		for c, rest := 0, key; c < V; c++ {
			cnt[c] = int32(rest % (k + 1))
			rest /= k + 1
			m += int64(cnt[c])
		}
		ps.counts = append(ps.counts, cnt)
		ps.m = append(ps.m, m)
		ps.units = append(ps.units, h)
	}
	return ps
}

// keyPowers returns base^0 .. base^(n-1), or nil when base^n exceeds
// maxPatternKeys.
func keyPowers(n, base int) []int32 {
	pow := make([]int32, n)
	size := 1
	for i := range pow {
		pow[i] = int32(size)
		size *= base
		if size > maxPatternKeys {
			return nil
		}
	}
	return pow
}

// distinctRows returns the distinct rows of r (sharing its categories) and
// how many units each stands for, or nil when there could be too many kinds
// of row ((categories+1)^coders > maxPatternKeys). With 5 coders and 3
// categories there are at most 1,024, however many units.
func distinctRows(r *Reliability) (*Reliability, []int64) {
	k, V := len(r.Coders), len(r.Values)
	pow := keyPowers(k, V+1)
	if pow == nil {
		return nil, nil
	}
	hist := make([]int64, int(pow[k-1])*(V+1))
	cells := r.Cells
	for len(cells) >= k {
		row := cells[:k:k]
		key := int32(0)
		for j, c := range row {
			key += (c + 1) * pow[j]
		}
		hist[key]++
		cells = cells[k:]
	}
	d := &Reliability{Coders: r.Coders, Labels: r.Labels, Values: r.Values, Ordered: r.Ordered}
	var w []int64
	for key, h := range hist {
		if h == 0 {
			continue
		}
		for j, rest := 0, key; j < k; j++ {
			d.Cells = append(d.Cells, int32(rest%(V+1))-1)
			rest /= V + 1
		}
		w = append(w, h)
	}
	return d, w
}

// alpha computes Krippendorff's alpha from the coincidence matrix.
func (ps *patterns) alpha(r *Reliability, level Level) AlphaResult {
	res := AlphaResult{Alpha: math.NaN(), Level: level, Observed: math.NaN(), Expected: math.NaN()}
	V := ps.V
	o := make([]float64, V*V)
	for p, cnt := range ps.counts {
		m := ps.m[p]
		if m < 2 {
			continue
		}
		res.PairableUnits += int(ps.units[p])
		res.PairableValues += int(ps.units[p] * m)
		f := float64(ps.units[p]) / float64(m-1)
		for c, x := range cnt {
			if x == 0 {
				continue
			}
			o[c*V+c] += f * float64(x) * float64(x-1)
			for d := c + 1; d < V; d++ {
				if y := cnt[d]; y != 0 {
					v := f * float64(x) * float64(y)
					o[c*V+d] += v
					o[d*V+c] += v
				}
			}
		}
	}
	if res.PairableUnits == 0 {
		return res
	}
	n := float64(res.PairableValues)
	nc := make([]float64, V) // exact: the rows of o, summed from integers
	for p, cnt := range ps.counts {
		if ps.m[p] >= 2 {
			for c, x := range cnt {
				nc[c] += float64(ps.units[p] * int64(x))
			}
		}
	}
	xs := positions(r, level, nc)
	do := 0.0
	for c := 0; c < V; c++ {
		for d := c + 1; d < V; d++ {
			if v := o[c*V+d]; v != 0 {
				do += 2 * v * delta(level, xs, c, d)
			}
		}
	}
	res.Observed = do / n
	res.Expected = expectedSum(level, nc, xs, n) / (n * (n - 1))
	res.Alpha = alphaOf(res.Observed, res.Expected)
	return res
}

// delta is the squared distance between categories c and d at a level,
// with xs from positions.
func delta(level Level, xs []float64, c, d int) float64 {
	switch level {
	case Nominal:
		if c == d {
			return 0
		}
		return 1
	case Ratio:
		return ratioDelta(xs[c], xs[d])
	}
	x := xs[c] - xs[d]
	return x * x
}

// percent computes both kinds of percent agreement.
func (ps *patterns) percent() Percent {
	res := Percent{Pairwise: math.NaN(), All: math.NaN()}
	var share float64
	var all, units int64
	for p, cnt := range ps.counts {
		m := ps.m[p]
		if m < 2 {
			continue
		}
		sq := int64(0)
		for _, x := range cnt {
			sq += int64(x) * int64(x)
		}
		h := ps.units[p]
		units += h
		share += float64(h) * float64(sq-m) / float64(m*(m-1))
		if sq == m*m {
			all += h
		}
	}
	res.Units = int(units)
	if units > 0 {
		res.Pairwise = share / float64(units)
		res.All = float64(all) / float64(units)
	}
	return res
}

// fleiss computes Fleiss' kappa (see FleissKappa).
func (ps *patterns) fleiss() (kappa float64, applicable bool) {
	var m0, units, sqSum int64
	nc := make([]int64, ps.V)
	for p, cnt := range ps.counts {
		m := ps.m[p]
		if m == 0 {
			continue
		}
		if m0 == 0 {
			m0 = m
		} else if m != m0 {
			return math.NaN(), false
		}
		h := ps.units[p]
		units += h
		for c, x := range cnt {
			sqSum += h * int64(x) * int64(x)
			nc[c] += h * int64(x)
		}
	}
	return fleissFrom(units, m0, sqSum, nc)
}
