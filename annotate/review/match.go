// Package review compares annotators' layers: it matches the units each
// annotator labelled (the document, targets, quotes) across layers, turns
// their labels into reliability data for package agree, lists the
// disagreements a reviewer adjudicates, and sums it all up in a Report.
//
// One matcher serves agreement, review, gold and the majority export, so
// that every part of Slant agrees on which units are "the same". The rules:
//
//   - The document is one unit for document tasks.
//   - Targets seeded from the same suggestion are the same target when each
//     annotator still has it (not merged away). Every other target (added,
//     split off, or whose suggestion another annotator no longer has) is
//     matched by its mentions: two targets match when at least half of the
//     smaller mention set overlaps mentions of the other, best pairs first,
//     one to one.
//   - Quotes match by span overlap: at least half of the shorter span, best
//     pairs first, one to one.
//   - Entity spans, for reviewing the span layers, match the same way as
//     quotes.
//
// A unit that an annotator does not have is a missing value, never a
// disagreement.
package review

import (
	"sort"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/schema"
)

// Unit is one unit of a document found across layers: Refs[i] is layer i's
// unit key (annotate.UnitDocument, annotate.TargetUnit(id) or
// annotate.QuoteUnit(id)), or "" when layer i does not have it.
type Unit struct {
	Scope schema.Scope
	Refs  []string
	// Name is a target's name or a quote's opening words, from the first
	// layer that has the unit.
	Name string
	// Start and End locate the unit in the text (code points): a quote's
	// span, a target's first mention; 0, 0 for the document.
	Start, End int
}

// Matched is a document's units matched across layers.
type Matched struct {
	Document Unit
	Targets  []Unit
	Quotes   []Unit
	// Entities are the entity spans, matched for the review of the span
	// layers (gold's rejected spans among them: gold decided "none").
	Entities []Unit
	// targetOf maps layer i's target id to its index in Targets.
	targetOf []map[int64]int
	// seeded holds the mentions of targets matched by suggestion, for
	// matching the rest by mentions.
	seeded []map[int64][][2]int
}

// TargetIndex returns the matched target that layer i's target id belongs
// to, or -1.
func (m *Matched) TargetIndex(layer int, id int64) int {
	if layer < 0 || layer >= len(m.targetOf) {
		return -1
	}
	if t, ok := m.targetOf[layer][id]; ok {
		return t
	}
	return -1
}

// Units returns the units of a scope.
func (m *Matched) Units(scope schema.Scope) []Unit {
	switch scope {
	case schema.ScopeTarget:
		return m.Targets
	case schema.ScopeQuote:
		return m.Quotes
	case ScopeEntity:
		return m.Entities
	}
	return []Unit{m.Document}
}

// Match matches the units of one document's layers. A nil layer (an
// annotator who did not count on this document) has no units.
func Match(layers []*annotate.Layer, text func(start, end int) string) *Matched {
	return match(layers, -1, text)
}

// match is Match with gold's layer at index gold (-1: none), whose
// rejected spans are matched too.
func match(layers []*annotate.Layer, gold int, text func(start, end int) string) *Matched {
	n := len(layers)
	m := &Matched{targetOf: make([]map[int64]int, n), seeded: make([]map[int64][][2]int, n)}
	m.Document = Unit{Scope: schema.ScopeDocument, Refs: make([]string, n)}
	for i, l := range layers {
		m.targetOf[i] = map[int64]int{}
		m.seeded[i] = map[int64][][2]int{}
		if l != nil {
			m.Document.Refs[i] = annotate.UnitDocument
		}
	}
	m.matchTargets(layers, text)
	m.matchQuotes(layers, gold, text)
	m.matchEntities(layers, gold, text)
	return m
}

// candidate is one layer's unit waiting to be matched.
type candidate struct {
	id         int64
	spans      [][2]int // a target's live mentions, or a quote's span
	name       string
	start, end int
}

func (m *Matched) matchTargets(layers []*annotate.Layer, text func(start, end int) string) {
	n := len(layers)
	per := make([][]candidate, n)
	bySuggestion := map[int][]int{} // suggestion → layers that still have it live
	for i, l := range layers {
		if l == nil {
			continue
		}
		mentions := map[int64][][2]int{}
		for _, s := range l.Spans {
			if s.Kind == annotate.KindEntity && s.Live() && s.TargetID != 0 {
				mentions[s.TargetID] = append(mentions[s.TargetID], [2]int{s.Start, s.End})
			}
		}
		for _, t := range l.Targets {
			if t.Deleted {
				continue
			}
			c := candidate{id: t.ID, spans: mentions[t.ID], name: t.Name}
			if len(c.spans) > 0 {
				c.start, c.end = c.spans[0][0], c.spans[0][1]
				for _, sp := range c.spans {
					if sp[0] < c.start {
						c.start, c.end = sp[0], sp[1]
					}
				}
			}
			per[i] = append(per[i], c)
			if t.Suggestion != 0 {
				bySuggestion[t.Suggestion] = append(bySuggestion[t.Suggestion], i)
			}
		}
	}
	// Seeded from the same suggestion: one unit, in the engine's order.
	sugg := make([]int, 0, len(bySuggestion))
	for s := range bySuggestion {
		sugg = append(sugg, s)
	}
	sort.Ints(sugg)
	suggestionUnit := map[int]int{}
	for _, s := range sugg {
		suggestionUnit[s] = len(m.Targets)
		m.Targets = append(m.Targets, Unit{Scope: schema.ScopeTarget, Refs: make([]string, n)})
	}
	rest := make([][]candidate, n)
	for i, l := range layers {
		if l == nil {
			continue
		}
		for k, c := range per[i] {
			t, _ := l.Target(c.id)
			u, ok := suggestionUnit[t.Suggestion]
			if t.Suggestion == 0 || !ok || m.Targets[u].Refs[i] != "" {
				rest[i] = append(rest[i], per[i][k])
				continue
			}
			m.place(u, i, c, annotate.TargetUnit(c.id), text)
			m.targetOf[i][c.id] = u
			m.seeded[i][c.id] = c.spans
		}
	}
	// Everything else by mention sets, into the existing units first (a
	// target one annotator split off may be another's seeded target).
	m.cluster(&m.Targets, schema.ScopeTarget, rest, targetScore, func(i int, c candidate) string {
		return annotate.TargetUnit(c.id)
	}, func(u, i int, c candidate) { m.targetOf[i][c.id] = u }, text)
	// Drop units no layer has (a suggestion everyone merged away).
	kept := m.Targets[:0]
	remap := map[int]int{}
	for u, t := range m.Targets {
		if hasAny(t.Refs) {
			remap[u] = len(kept)
			kept = append(kept, t)
		}
	}
	m.Targets = kept
	for i := range m.targetOf {
		for id, u := range m.targetOf[i] {
			m.targetOf[i][id] = remap[u]
		}
	}
}

func (m *Matched) matchQuotes(layers []*annotate.Layer, gold int, text func(start, end int) string) {
	per := spanCandidates(layers, annotate.KindQuote, gold)
	m.cluster(&m.Quotes, schema.ScopeQuote, per, quoteScore, func(i int, c candidate) string {
		return annotate.QuoteUnit(c.id)
	}, nil, text)
	sort.SliceStable(m.Quotes, func(a, b int) bool { return m.Quotes[a].Start < m.Quotes[b].Start })
}

func (m *Matched) matchEntities(layers []*annotate.Layer, gold int, text func(start, end int) string) {
	per := spanCandidates(layers, annotate.KindEntity, gold)
	m.cluster(&m.Entities, ScopeEntity, per, quoteScore, func(i int, c candidate) string {
		return annotate.EntityUnit(c.id)
	}, nil, text)
	sort.SliceStable(m.Entities, func(a, b int) bool { return m.Entities[a].Start < m.Entities[b].Start })
}

// spanCandidates are each layer's live spans of a kind (and gold's rejected
// ones: where gold decided there is none).
func spanCandidates(layers []*annotate.Layer, kind string, gold int) [][]candidate {
	per := make([][]candidate, len(layers))
	for i, l := range layers {
		if l == nil {
			continue
		}
		for _, s := range l.Spans {
			if s.Kind == kind && (s.Live() || i == gold) {
				per[i] = append(per[i], candidate{id: s.ID, spans: [][2]int{{s.Start, s.End}}, start: s.Start, end: s.End})
			}
		}
	}
	return per
}

// place puts layer i's candidate c into unit u.
func (m *Matched) place(u, i int, c candidate, ref string, text func(start, end int) string) {
	units := &m.Targets
	switch ref[0] {
	case 'q':
		units = &m.Quotes
	case 'e':
		units = &m.Entities
	}
	unit := &(*units)[u]
	unit.Refs[i] = ref
	if unit.Name == "" {
		unit.Name, unit.Start, unit.End = c.name, c.start, c.end
		if unit.Name == "" && text != nil {
			unit.Name = preview(text(c.start, c.end))
		}
	}
}

// cluster matches each layer's remaining candidates into units, layer by
// layer: every (unit, candidate) pair that scores is ranked, best first,
// and taken when neither is taken yet; a candidate left over starts a unit
// of its own. A unit is compared through the spans of the layers already
// in it (the best of them).
func (m *Matched) cluster(units *[]Unit, scope schema.Scope, per [][]candidate,
	score func(a, b [][2]int) float64, ref func(i int, c candidate) string,
	placed func(u, i int, c candidate), text func(start, end int) string) {
	n := len(per)
	spansOf := make([][][][2]int, len(*units)) // unit → spans of each member
	for u := range *units {
		spansOf[u] = make([][][2]int, n)
	}
	m.seedSpans(scope, spansOf)
	for i := 0; i < n; i++ {
		type pair struct {
			u, c int
			s    float64
		}
		var pairs []pair
		for ci, c := range per[i] {
			for u := range *units {
				if (*units)[u].Refs[i] != "" {
					continue
				}
				best := 0.0
				for j := 0; j < n; j++ {
					if j != i && spansOf[u][j] != nil {
						if s := score(c.spans, spansOf[u][j]); s > best {
							best = s
						}
					}
				}
				if best > 0 {
					pairs = append(pairs, pair{u, ci, best})
				}
			}
		}
		sort.SliceStable(pairs, func(a, b int) bool { return pairs[a].s > pairs[b].s })
		takenU := map[int]bool{}
		takenC := map[int]bool{}
		for _, p := range pairs {
			if takenU[p.u] || takenC[p.c] {
				continue
			}
			takenU[p.u], takenC[p.c] = true, true
			c := per[i][p.c]
			m.place(p.u, i, c, ref(i, c), text)
			spansOf[p.u][i] = c.spans
			if placed != nil {
				placed(p.u, i, c)
			}
		}
		for ci, c := range per[i] {
			if takenC[ci] {
				continue
			}
			u := len(*units)
			*units = append(*units, Unit{Scope: scope, Refs: make([]string, n)})
			spansOf = append(spansOf, make([][][2]int, n))
			m.place(u, i, c, ref(i, c), text)
			spansOf[u][i] = c.spans
			if placed != nil {
				placed(u, i, c)
			}
		}
	}
}

// seedSpans fills in the spans of the targets already placed by suggestion.
func (m *Matched) seedSpans(scope schema.Scope, spansOf [][][][2]int) {
	if scope != schema.ScopeTarget {
		return
	}
	for i, ids := range m.targetOf {
		for id, u := range ids {
			if u < len(spansOf) {
				spansOf[u][i] = m.seeded[i][id]
			}
		}
	}
}

func hasAny(refs []string) bool {
	for _, r := range refs {
		if r != "" {
			return true
		}
	}
	return false
}

// targetScore is how well two mention sets match: the share of the smaller
// set that overlaps a mention of the other, when at least half; else 0.
func targetScore(a, b [][2]int) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	small, big := a, b
	if len(b) < len(a) {
		small, big = b, a
	}
	hit := 0
	for _, x := range small {
		for _, y := range big {
			if x[0] < y[1] && y[0] < x[1] {
				hit++
				break
			}
		}
	}
	share := float64(hit) / float64(len(small))
	if hit == 0 || 2*hit < len(small) {
		return 0
	}
	// Prefer the pair with more shared mentions when shares tie.
	return share + float64(hit)*1e-6
}

// quoteScore is how well two quotes match: their overlap as a share of the
// shorter, when at least half; else 0.
func quoteScore(a, b [][2]int) float64 {
	x, y := a[0], b[0]
	ov := min(x[1], y[1]) - max(x[0], y[0])
	shorter := min(x[1]-x[0], y[1]-y[0])
	if ov <= 0 || shorter <= 0 || 2*ov < shorter {
		return 0
	}
	return float64(ov)/float64(shorter) + float64(ov)*1e-9
}

// preview is the opening words of a quote, for lists.
func preview(s string) string {
	r := []rune(s)
	if len(r) <= 60 {
		return s
	}
	return string(r[:59]) + "…"
}
