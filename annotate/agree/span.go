package agree

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"
)

// Span is a labelled range [Start, End), end exclusive, in whatever unit the
// caller uses (code points, tokens).
type Span struct {
	Start, End int
	Label      string
}

// Match says when two spans agree.
type Match int

const (
	// Exact: same start, end and label.
	Exact Match = iota
	// Overlap: same label and at least one position in common. An A span is
	// recalled if any B span overlaps it, a B span is precise if any A span
	// overlaps it (many-to-one matches count).
	Overlap
)

func (m Match) String() string {
	if m == Overlap {
		return "overlap"
	}
	return "exact"
}

// SpanUnit holds the spans two annotators, A and B, marked in one unit (a
// sentence or a document). Spans of different units never match.
type SpanUnit struct {
	A, B []Span
}

// SpanScore is span agreement between annotators A and B. Precision takes A
// as the reference and B as the prediction; F1 is symmetric.
type SpanScore struct {
	A, B      int     // spans of each annotator
	MatchedA  int     // A spans matched by B (recall numerator)
	MatchedB  int     // B spans matched by A (precision numerator)
	Precision float64 // MatchedB/B; NaN when B has no span
	Recall    float64 // MatchedA/A; NaN when A has no span
	F1        float64 // 2PR/(P+R); 0 when nothing matches; NaN when neither has a span
}

// SpanResult is micro-averaged span agreement and the same per label.
type SpanResult struct {
	Match    Match
	Micro    SpanScore
	Labels   []string // sorted
	PerLabel map[string]SpanScore
}

// SpanF1 compares two annotators' spans over units, micro-averaged over all
// units and labels, and per label.
func SpanF1(units []SpanUnit, match Match) SpanResult {
	per := map[string]*spanTally{}
	var as, bs []Span // scratch, sorted copies of a unit's spans
	for _, u := range units {
		as = append(as[:0], u.A...)
		bs = append(bs[:0], u.B...)
		sortSpans(as)
		sortSpans(bs)
		// Label by label: as and bs are sorted by label first.
		for i, j := 0, 0; i < len(as) || j < len(bs); {
			var l string
			switch {
			case j >= len(bs) || (i < len(as) && as[i].Label <= bs[j].Label):
				l = as[i].Label
			default:
				l = bs[j].Label
			}
			i2, j2 := i, j
			for i2 < len(as) && as[i2].Label == l {
				i2++
			}
			for j2 < len(bs) && bs[j2].Label == l {
				j2++
			}
			t := per[l]
			if t == nil {
				t = &spanTally{}
				per[l] = t
			}
			xa, xb := as[i:i2], bs[j:j2]
			t.a += len(xa)
			t.b += len(xb)
			if match == Exact {
				n := countExact(xa, xb)
				t.ma += n
				t.mb += n
			} else {
				t.ma += countOverlapped(xa, xb)
				t.mb += countOverlapped(xb, xa)
			}
			i, j = i2, j2
		}
	}
	return spanResult(match, per)
}

// spanTally counts spans and matched spans of one label.
type spanTally struct{ a, b, ma, mb int }

func spanResult(match Match, per map[string]*spanTally) SpanResult {
	res := SpanResult{Match: match, PerLabel: map[string]SpanScore{}}
	var all spanTally
	for l, t := range per {
		res.Labels = append(res.Labels, l)
		res.PerLabel[l] = score(t.a, t.b, t.ma, t.mb)
		all.a += t.a
		all.b += t.b
		all.ma += t.ma
		all.mb += t.mb
	}
	sort.Strings(res.Labels)
	res.Micro = score(all.a, all.b, all.ma, all.mb)
	return res
}

// MergeSpanResults sums span agreement computed over disjoint sets of
// units (for instance one per pair of annotators) into one micro-average:
// the same as SpanF1 over all their units.
func MergeSpanResults(match Match, rs ...SpanResult) SpanResult {
	per := map[string]*spanTally{}
	for _, r := range rs {
		for l, sc := range r.PerLabel {
			t := per[l]
			if t == nil {
				t = &spanTally{}
				per[l] = t
			}
			t.a += sc.A
			t.b += sc.B
			t.ma += sc.MatchedA
			t.mb += sc.MatchedB
		}
	}
	return spanResult(match, per)
}

// sortSpans orders spans by label, start, end.
func sortSpans(s []Span) {
	slices.SortFunc(s, func(a, b Span) int {
		if c := strings.Compare(a.Label, b.Label); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Start, b.Start); c != 0 {
			return c
		}
		return cmp.Compare(a.End, b.End)
	})
}

// countExact counts the spans two sorted lists have in common, each
// matched once.
func countExact(xs, ys []Span) int {
	n := 0
	for i, j := 0, 0; i < len(xs) && j < len(ys); {
		switch x, y := xs[i], ys[j]; {
		case x.Start == y.Start && x.End == y.End:
			n++
			i++
			j++
		case x.Start < y.Start || (x.Start == y.Start && x.End < y.End):
			i++
		default:
			j++
		}
	}
	return n
}

func score(a, b, ma, mb int) SpanScore {
	s := SpanScore{A: a, B: b, MatchedA: ma, MatchedB: mb, Precision: math.NaN(), Recall: math.NaN(), F1: math.NaN()}
	if b > 0 {
		s.Precision = float64(mb) / float64(b)
	}
	if a > 0 {
		s.Recall = float64(ma) / float64(a)
	}
	switch {
	case a == 0 && b == 0:
	case a == 0 || b == 0 || ma+mb == 0:
		s.F1 = 0
	default:
		s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
	}
	return s
}

// countOverlapped counts the spans of xs that share a position with a span of
// ys. O((x+y) log y).
func countOverlapped(xs, ys []Span) int {
	if len(ys) == 0 {
		return 0
	}
	ys = append([]Span(nil), ys...)
	sort.Slice(ys, func(i, j int) bool { return ys[i].Start < ys[j].Start })
	maxEnd := make([]int, len(ys)) // maxEnd[i]: largest End of ys[:i+1] that is not empty
	best := math.MinInt
	for i, y := range ys {
		if y.End > y.Start && y.End > best {
			best = y.End
		}
		maxEnd[i] = best
	}
	n := 0
	for _, x := range xs {
		if x.End <= x.Start {
			continue
		}
		// ys starting before x ends; one of them overlaps x iff it ends after x starts.
		i := sort.Search(len(ys), func(i int) bool { return ys[i].Start >= x.End })
		if i > 0 && maxEnd[i-1] > x.Start {
			n++
		}
	}
	return n
}

// Token is a token's range [Start, End).
type Token struct{ Start, End int }

// WhitespaceTokens splits text at Unicode white space and returns the tokens
// as code point offsets (how Slant stores offsets).
func WhitespaceTokens(text string) []Token {
	var toks []Token
	start, i := -1, 0
	for _, c := range text {
		if unicode.IsSpace(c) {
			if start >= 0 {
				toks = append(toks, Token{start, i})
				start = -1
			}
		} else if start < 0 {
			start = i
		}
		i++
	}
	if start >= 0 {
		toks = append(toks, Token{start, i})
	}
	return toks
}

// NoSpan labels a token that no span covers.
const NoSpan = "none"

// SpanDoc is one document's tokens and each annotator's span layer over it,
// in the same offsets. A nil layer means the annotator did not annotate the
// document (their values are missing); an empty, non-nil layer means they
// marked nothing.
type SpanDoc struct {
	Tokens []Token
	Layers [][]Span // one per annotator
}

// Run is a stretch of N consecutive tokens with one label.
type Run struct {
	Label string
	N     int
}

// TokenRuns labels each of tokens (taken in start order; they must not
// overlap one another) with the label of the span that covers it (shares a
// position with it; where several do, the one sharing most, then the
// first), or NoSpan, and returns the labels as runs.
func TokenRuns(tokens []Token, spans []Span) []Run {
	order := make([]int, len(tokens))
	for i := range order {
		order[i] = i
	}
	if !sort.SliceIsSorted(order, func(i, j int) bool { return tokens[order[i]].Start < tokens[order[j]].Start }) {
		sort.SliceStable(order, func(i, j int) bool { return tokens[order[i]].Start < tokens[order[j]].Start })
	}
	labels := make([]string, len(tokens)) // by position in order
	overlap := make([]int, len(tokens))
	for _, s := range spans {
		if s.End <= s.Start {
			continue
		}
		i := sort.Search(len(order), func(i int) bool { return tokens[order[i]].End > s.Start })
		for ; i < len(order); i++ {
			tok := tokens[order[i]]
			if tok.Start >= s.End {
				break
			}
			if ov := min(tok.End, s.End) - max(tok.Start, s.Start); ov > overlap[i] {
				overlap[i] = ov
				labels[i] = s.Label
			}
		}
	}
	var runs []Run
	for _, l := range labels {
		if l == "" {
			l = NoSpan
		}
		if n := len(runs); n > 0 && runs[n-1].Label == l {
			runs[n-1].N++
		} else {
			runs = append(runs, Run{Label: l, N: 1})
		}
	}
	if runs == nil {
		runs = []Run{}
	}
	return runs
}

// TokenReliability turns span layers into reliability data with one unit per
// token, in document and token order (without unit ids: there are
// millions): each annotator labels a token as TokenRuns does.
func TokenReliability(docs []SpanDoc, annotators []string) (*Reliability, error) {
	runs := make([][][]Run, len(docs))
	for d, doc := range docs {
		if len(doc.Layers) != len(annotators) {
			return nil, fmt.Errorf("agree: document %d has %d layers for %d annotators", d, len(doc.Layers), len(annotators))
		}
		runs[d] = make([][]Run, len(doc.Layers))
		for a, layer := range doc.Layers {
			if layer != nil {
				runs[d][a] = TokenRuns(doc.Tokens, layer)
			}
		}
	}
	return RunReliability(runs, annotators)
}

// RunReliability builds token reliability data from runs: docs[d][a] is
// annotator a's labels of document d's tokens as runs (TokenRuns), nil
// when a did not annotate d. Every annotator's runs of a document cover
// the same number of tokens.
func RunReliability(docs [][][]Run, annotators []string) (*Reliability, error) {
	k := len(annotators)
	if k == 0 {
		return nil, fmt.Errorf("agree: no annotators")
	}
	labels := map[string]int32{NoSpan: 0}
	r := &Reliability{Coders: annotators, Labels: []string{NoSpan}}
	total := 0
	sizes := make([]int, len(docs))
	for d, layers := range docs {
		if len(layers) != k {
			return nil, fmt.Errorf("agree: document %d has %d layers for %d annotators", d, len(layers), k)
		}
		sizes[d] = -1
		for a, runs := range layers {
			if runs == nil {
				continue
			}
			n := 0
			for _, run := range runs {
				n += run.N
			}
			if sizes[d] >= 0 && n != sizes[d] {
				return nil, fmt.Errorf("agree: document %d: annotator %s's runs cover %d tokens, another's %d", d, annotators[a], n, sizes[d])
			}
			sizes[d] = n
		}
		total += max(sizes[d], 0)
	}
	r.Cells = make([]int32, total*k)
	base := 0
	for d, layers := range docs {
		n := max(sizes[d], 0)
		cells := r.Cells[base : base+n*k]
		base += n * k
		for a, runs := range layers {
			if runs == nil {
				for t := 0; t < n; t++ {
					cells[t*k+a] = Missing
				}
				continue
			}
			t := 0
			for _, run := range runs {
				c, ok := labels[run.Label]
				if !ok {
					c = int32(len(r.Labels))
					labels[run.Label] = c
					r.Labels = append(r.Labels, run.Label)
				}
				for i := 0; i < run.N; i++ {
					cells[(t+i)*k+a] = c
				}
				t += run.N
			}
		}
	}
	r.Values = make([]float64, len(r.Labels))
	for i := range r.Values {
		r.Values[i] = math.NaN()
	}
	return r, nil
}

// TokenAlpha is nominal Krippendorff's alpha over tokens labelled from span
// layers (see TokenReliability); any number of annotators.
func TokenAlpha(docs []SpanDoc, annotators []string) (AlphaResult, error) {
	r, err := TokenReliability(docs, annotators)
	if err != nil {
		return AlphaResult{Alpha: math.NaN(), Observed: math.NaN(), Expected: math.NaN()}, err
	}
	return Alpha(r, Nominal)
}

// RunTokenAlpha is nominal alpha over tokens labelled by runs (the data of
// RunReliability) without expanding them token by token: each stretch of
// tokens where no annotator's label changes is one kind of row, counted as
// many times as it has tokens. It returns alpha, the number of tokens and
// the labels (NoSpan first, then in order).
func RunTokenAlpha(docs [][][]Run, annotators []string) (AlphaResult, int, []string, error) {
	k := len(annotators)
	undefined := AlphaResult{Alpha: math.NaN(), Level: Nominal, Observed: math.NaN(), Expected: math.NaN()}
	if k == 0 {
		return undefined, 0, nil, fmt.Errorf("agree: no annotators")
	}
	seen := map[string]bool{}
	for _, layers := range docs {
		for _, runs := range layers {
			for _, r := range runs {
				seen[r.Label] = true
			}
		}
	}
	names, labels := labelOrder(seen)
	V := len(names)
	pow := keyPowers(k, V+1)
	if pow == nil { // too many kinds of row to tally: expand
		r, err := RunReliability(docs, annotators)
		if err != nil {
			return undefined, 0, nil, err
		}
		a, err := Alpha(r, Nominal)
		return a, r.NumUnits(), r.Labels, err
	}
	hist := make([]int64, int(pow[k-1])*(V+1))
	idx := make([]int, k)   // current run of each layer
	left := make([]int, k)  // tokens left in it
	cur := make([]int32, k) // its label, or Missing
	tokens := 0
	for d, layers := range docs {
		if len(layers) != k {
			return undefined, 0, nil, fmt.Errorf("agree: document %d has %d layers for %d annotators", d, len(layers), k)
		}
		n := -1
		for a, runs := range layers {
			idx[a], left[a], cur[a] = 0, 0, Missing
			if runs == nil {
				continue
			}
			total := 0
			for _, r := range runs {
				total += r.N
			}
			if n >= 0 && total != n {
				return undefined, 0, nil, fmt.Errorf("agree: document %d: annotator %s's runs cover %d tokens, another's %d", d, annotators[a], total, n)
			}
			n = total
		}
		if n <= 0 {
			continue
		}
		tokens += n
		for done := 0; done < n; {
			step := n - done
			for a, runs := range layers {
				if runs == nil {
					continue
				}
				for left[a] == 0 {
					left[a], cur[a] = runs[idx[a]].N, labels[runs[idx[a]].Label]
					idx[a]++
				}
				step = min(step, left[a])
			}
			key := int32(0)
			for a := range layers {
				key += (cur[a] + 1) * pow[a]
				if layers[a] != nil {
					left[a] -= step
				}
			}
			hist[key] += int64(step)
			done += step
		}
	}
	rows := &Reliability{Coders: annotators, Labels: names, Values: make([]float64, V)}
	for i := range rows.Values {
		rows.Values[i] = math.NaN()
	}
	var w []int64
	for key, h := range hist {
		if h == 0 {
			continue
		}
		for j, rest := 0, key; j < k; j++ {
			rows.Cells = append(rows.Cells, int32(rest%(V+1))-1)
			rest /= V + 1
		}
		w = append(w, h)
	}
	if len(w) == 0 {
		return undefined, 0, names, nil
	}
	ps := countPatternsWeighted(rows, w)
	if ps == nil {
		a, err := Alpha(rows, Nominal) // unreachable with pow set; kept for safety
		return a, tokens, names, err
	}
	return ps.alpha(rows, Nominal), tokens, names, nil
}

// labelOrder numbers token labels: NoSpan first, then the others sorted.
func labelOrder(seen map[string]bool) ([]string, map[string]int32) {
	names := []string{NoSpan}
	for l := range seen {
		if l != NoSpan {
			names = append(names, l)
		}
	}
	slices.Sort(names[1:])
	index := make(map[string]int32, len(names))
	for i, l := range names {
		index[l] = int32(i)
	}
	return names, index
}

// PatternTokenAlpha is RunTokenAlpha over tokens already tallied: counts[p]
// tokens were labelled rows[p] (one label per annotator, "" where the
// annotator did not annotate the document).
func PatternTokenAlpha(rows [][]string, counts []int64, annotators []string) (AlphaResult, int, []string, error) {
	k := len(annotators)
	undefined := AlphaResult{Alpha: math.NaN(), Level: Nominal, Observed: math.NaN(), Expected: math.NaN()}
	if k == 0 {
		return undefined, 0, nil, fmt.Errorf("agree: no annotators")
	}
	seen := map[string]bool{}
	for p, row := range rows {
		if len(row) != k {
			return undefined, 0, nil, fmt.Errorf("agree: pattern %d has %d labels for %d annotators", p, len(row), k)
		}
		for _, l := range row {
			if l != "" {
				seen[l] = true
			}
		}
	}
	names, index := labelOrder(seen)
	r := &Reliability{Coders: annotators, Labels: names, Values: make([]float64, len(names))}
	for i := range r.Values {
		r.Values[i] = math.NaN()
	}
	tokens := 0
	var w []int64
	for p, row := range rows {
		if counts[p] <= 0 {
			continue
		}
		for _, l := range row {
			c := Missing
			if l != "" {
				c = index[l]
			}
			r.Cells = append(r.Cells, c)
		}
		w = append(w, counts[p])
		tokens += int(counts[p])
	}
	if len(w) == 0 {
		return undefined, 0, names, nil
	}
	if ps := countPatternsWeighted(r, w); ps != nil {
		return ps.alpha(r, Nominal), tokens, names, nil
	}
	// Too many kinds of row to tally (many annotators): expand.
	var cells []int32
	for p, n := range w {
		for range n {
			cells = append(cells, r.Cells[p*k:p*k+k]...)
		}
	}
	r.Cells = cells
	a, err := Alpha(r, Nominal)
	return a, tokens, names, err
}
