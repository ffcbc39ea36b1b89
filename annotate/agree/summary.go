package agree

import (
	"fmt"
	"math"
)

// Options chooses what Summarize computes.
type Options struct {
	Level Level
	// Bootstrap is the number of resamples for alpha's 95% interval (0: none).
	Bootstrap int
	Seed      uint64
}

// Summary is every metric for one reliability data set, as the command line
// and the review view show it. Undefined or inapplicable values are NaN.
type Summary struct {
	Level            Level
	Units, Coders    int
	Alpha            AlphaResult
	AlphaCI          CI // NaN bounds without bootstrap
	Percent          Percent
	Fleiss           float64
	FleissApplicable bool
	// Pairs holds every pair of coders (for two coders, the one pair), in
	// order (0,1), (0,2), ..., (1,2), ...
	Pairs []PairResult
}

// Summarize computes every metric. Weighted kappa is computed only when the
// categories are ordered (r.Ordered).
func Summarize(r *Reliability, o Options) (*Summary, error) {
	if err := checkLevel(r, o.Level); err != nil {
		return nil, err
	}
	if o.Bootstrap < 0 {
		return nil, fmt.Errorf("agree: negative number of resamples")
	}
	s := &Summary{Level: o.Level, Units: r.NumUnits(), Coders: len(r.Coders)}
	// With few categories and coders, tally the distinct rows once; every
	// metric then works on at most (categories+1)^coders rows.
	d, w := distinctRows(r)
	if d == nil {
		d = r
	}
	ps := countPatternsWeighted(d, w)
	if ps != nil {
		s.Alpha = ps.alpha(r, o.Level)
		s.Percent = ps.percent()
		s.Fleiss, s.FleissApplicable = ps.fleiss()
	} else {
		s.Alpha = alphaByUnits(r, o.Level)
		s.Percent = percentByUnits(r)
		s.Fleiss, s.FleissApplicable = fleissByUnits(r)
	}
	s.AlphaCI = CI{Low: math.NaN(), High: math.NaN()}
	if o.Bootstrap > 0 {
		s.AlphaCI = bootstrap(r, o.Level, o.Bootstrap, o.Seed)
	}
	var pairs [][2]int
	for a := 0; a < len(r.Coders); a++ {
		for b := a + 1; b < len(r.Coders); b++ {
			pairs = append(pairs, [2]int{a, b})
		}
	}
	if V := len(r.Values); V*V <= maxConfusion && len(pairs) <= 64 {
		s.Pairs = allPairs(d, pairs, w)
	} else {
		for _, ab := range pairs {
			s.Pairs = append(s.Pairs, pair(r, ab[0], ab[1]))
		}
	}
	if !r.Ordered {
		for i := range s.Pairs {
			s.Pairs[i].WeightedLinear, s.Pairs[i].WeightedQuadratic = math.NaN(), math.NaN()
		}
	}
	return s, nil
}
