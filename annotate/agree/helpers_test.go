package agree

// patternAlpha computes alpha through the bootstrap's grouped patterns, each
// unit counted once.
func patternAlpha(r *Reliability, level Level) float64 {
	b := newBootstrapper(r, level)
	w := make([]int32, len(b.m))
	for _, p := range b.unitP {
		w[p]++
	}
	return b.alphaFor(w)
}
