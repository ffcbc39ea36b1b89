package agree

import "math"

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
	s := &Summary{Level: o.Level, Units: r.NumUnits(), Coders: len(r.Coders)}
	var err error
	if s.Alpha, err = Alpha(r, o.Level); err != nil {
		return nil, err
	}
	s.AlphaCI = CI{Low: math.NaN(), High: math.NaN()}
	if o.Bootstrap > 0 {
		if s.AlphaCI, err = BootstrapAlpha(r, o.Level, o.Bootstrap, o.Seed); err != nil {
			return nil, err
		}
	}
	if s.Percent, err = PercentAgreement(r); err != nil {
		return nil, err
	}
	if s.Fleiss, s.FleissApplicable, err = FleissKappa(r); err != nil {
		return nil, err
	}
	for a := 0; a < len(r.Coders); a++ {
		for b := a + 1; b < len(r.Coders); b++ {
			p, err := Pair(r, a, b)
			if err != nil {
				return nil, err
			}
			if !r.Ordered {
				p.WeightedLinear, p.WeightedQuadratic = math.NaN(), math.NaN()
			}
			s.Pairs = append(s.Pairs, p)
		}
	}
	return s, nil
}
