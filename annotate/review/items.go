package review

import (
	"cmp"
	"runtime"
	"slices"
	"sync"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/schema"
)

// Doc is one document with its layers: one per annotator of the Set (nil
// where that annotator does not count on it), then gold's layer (or nil)
// when the Set has gold.
type Doc struct {
	ID     int64
	Title  string
	Text   string
	Layers []*annotate.Layer
	// Runs, where not nil, are each layer's token labels, already
	// computed (the store keeps them with its layer digests); a layer
	// without them is tokenised from Text.
	Runs []*TokenRuns
}

// Set is what is compared: the schema, the annotators, and their layers of
// every document that at least one of them counts on.
type Set struct {
	Schema     *schema.Schema
	Annotators []string
	// Gold says each Doc has one more layer, last: the reserved annotator
	// gold's (nil where nothing was decided).
	Gold bool
	Docs []Doc
}

// Item is one task's unit in one document, with each annotator's value.
type Item struct {
	Doc   int // index in Set.Docs
	DocID int64
	// Pos is the item's place among its document's items, which stays
	// the same while the document's layers do.
	Pos  int
	Task string
	Unit Unit
	// Values has one value per annotator; "" is missing.
	Values []string
	// Towards, for a stance task, has for each annotator the matched target
	// (index in the document's Matched.Targets) their stance is towards,
	// or -1.
	Towards []int
	// TowardsDiffer is set when annotators' stances are towards different
	// targets: only the values towards the most common one are compared.
	TowardsDiffer bool
	// Gold is the decided value ("" while undecided) and GoldTowards its
	// target (-1 if none).
	Gold        string
	GoldTowards int
	// NotShared is set when an annotator who counts on the document does
	// not have the unit (a missing value, not a disagreement).
	NotShared bool
}

// Compared returns the values that are compared: for a stance task whose
// annotators chose different targets, those towards the most common target
// (the others are missing).
func (it *Item) Compared() []string {
	if !it.TowardsDiffer {
		return it.Values
	}
	mode := it.ModalTowards()
	out := make([]string, len(it.Values))
	for i, v := range it.Values {
		if v != "" && it.Towards[i] == mode {
			out[i] = v
		}
	}
	return out
}

// ModalTowards is the target most annotators' stance is towards (the
// first on a tie), or -1.
func (it *Item) ModalTowards() int {
	if it.Towards == nil {
		return -1
	}
	counts := map[int]int{}
	best, bestN := -1, 0
	for i, v := range it.Values {
		if v == "" {
			continue
		}
		t := it.Towards[i]
		counts[t]++
		if counts[t] > bestN {
			best, bestN = t, counts[t]
		}
	}
	return best
}

// Valued counts the annotators with a value.
func (it *Item) Valued() int {
	n := 0
	for _, v := range it.Values {
		if v != "" {
			n++
		}
	}
	return n
}

// Majority is the value more annotators gave than any other (and its
// target), or "" on a tie or when no one gave one.
func (it *Item) Majority() (string, int) {
	counts := map[string]int{}
	for _, v := range it.Compared() {
		if v != "" {
			counts[v]++
		}
	}
	best, bestN, tie := "", 0, false
	for v, n := range counts {
		switch {
		case n > bestN:
			best, bestN, tie = v, n, false
		case n == bestN:
			tie = true
		}
	}
	if tie {
		return "", -1
	}
	return best, it.ModalTowards()
}

// Matches returns the matched units of every document, in Set order, each
// with gold's layer last when the set has gold.
func (s *Set) Matches() []*Matched {
	out := make([]*Matched, len(s.Docs))
	parallel(len(s.Docs), func(from, to int) {
		for d := from; d < to; d++ {
			out[d] = s.match(d)
		}
	})
	return out
}

// parallel splits [0, n) into one stretch per processor and runs fn on
// each at once.
func parallel(n int, fn func(from, to int)) {
	workers := min(runtime.GOMAXPROCS(0), max(1, n/256))
	if workers <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(n*w/workers, n*(w+1)/workers)
		}()
	}
	wg.Wait()
}

func (s *Set) match(d int) *Matched {
	doc := &s.Docs[d]
	gold := -1
	if s.Gold {
		gold = len(doc.Layers) - 1
	}
	return match(doc.Layers, gold, annotate.RuneSlicer(doc.Text))
}

// Items lists every task's units, document by document (in Set order), then
// task by task (schema order), then unit by unit (text order): the units
// at least one annotator (or gold) gave a value; then the document's span
// layers' units where annotators differ or gold decided (see
// appendSpanItems).
func (s *Set) Items(matches []*Matched) []Item {
	var out []Item
	k := len(s.Annotators)
	for d, doc := range s.Docs {
		m := matches[d]
		first := len(out) // the document's first item
		for _, task := range s.Schema.Tasks {
			stance := task.Towards != ""
			for _, u := range m.Units(task.Scope) {
				it := Item{Doc: d, DocID: doc.ID, Task: task.Name, Unit: u, Values: make([]string, k), GoldTowards: -1}
				if stance {
					it.Towards = make([]int, k)
				}
				any := false
				for i, ref := range u.Refs {
					if ref == "" || doc.Layers[i] == nil {
						if i < k && stance {
							it.Towards[i] = -1
						}
						continue
					}
					v, ok := doc.Layers[i].Labels[annotate.LabelKey{Task: task.Name, Unit: ref}]
					towards := -1
					if ok && v.Towards != 0 {
						towards = m.TargetIndex(i, v.Towards)
					}
					if i >= k {
						if ok {
							it.Gold, it.GoldTowards = v.Value, towards
							any = true
						}
						continue
					}
					if stance {
						it.Towards[i] = towards
					}
					if ok && v.Value != "" {
						it.Values[i] = v.Value
						any = true
					}
				}
				if !any {
					continue
				}
				for i := 0; i < k; i++ {
					if doc.Layers[i] != nil && u.Refs[i] == "" {
						it.NotShared = true
					}
				}
				if stance {
					first := -2
					for i, v := range it.Values {
						if v == "" {
							continue
						}
						if first == -2 {
							first = it.Towards[i]
						} else if it.Towards[i] != first {
							it.TowardsDiffer = true
						}
					}
				}
				it.Pos = len(out) - first
				out = append(out, it)
			}
		}
		out = s.appendSpanItems(out, d, m, first)
	}
	return out
}

// Disagreement is an item whose annotators gave different values.
type Disagreement struct {
	Item
	// Distance is how far apart the values are: for an ordinal task the
	// widest gap between two values as a share of the scale (0–1); for a
	// nominal task 1. A stance towards different targets counts as 1.
	Distance float64
	// Distinct is the number of distinct values given.
	Distinct int
}

// Disagreements returns the items on which annotators disagree (at least
// two values, not all the same, or stances towards different targets),
// furthest apart first: by distance, then by the number of distinct
// values, then in document and text order.
func (s *Set) Disagreements(items []Item) []Disagreement {
	// Sort small keys, then copy each item once: items are large and a
	// project has tens of thousands of disagreements.
	type key struct {
		item     int
		distance float64
		distinct int
	}
	g := s.gauge()
	var keys []key
	for i := range items {
		if distance, distinct, ok := g.measure(&items[i]); ok {
			keys = append(keys, key{i, distance, distinct})
		}
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.distance != b.distance {
			return cmp.Compare(b.distance, a.distance)
		}
		if a.distinct != b.distinct {
			return cmp.Compare(b.distinct, a.distinct)
		}
		return cmp.Compare(a.item, b.item)
	})
	out := make([]Disagreement, len(keys))
	for i, k := range keys {
		out[i] = Disagreement{Item: items[k.item], Distance: k.distance, Distinct: k.distinct}
	}
	return out
}

// CountDisagreements is len(s.Disagreements(items)), without listing them.
func (s *Set) CountDisagreements(items []Item) int {
	g := s.gauge()
	n := 0
	for i := range items {
		if _, _, ok := g.measure(&items[i]); ok {
			n++
		}
	}
	return n
}

// gauge measures how far apart an item's values are.
type gauge struct {
	tasks     map[string]schema.Task
	positions map[string]map[string]int // task → label → position
	distinct  []string                  // scratch: the distinct values of one item
}

func (s *Set) gauge() *gauge {
	g := &gauge{tasks: map[string]schema.Task{}, positions: map[string]map[string]int{}}
	for _, t := range s.Schema.Tasks {
		g.tasks[t.Name] = t
		g.positions[t.Name] = map[string]int{}
		for i, l := range t.Labels {
			g.positions[t.Name][l.Value] = i
		}
	}
	return g
}

// measure reports whether annotators disagree on it, and if so how far
// apart their values are and how many distinct values they gave (see
// Disagreement).
func (g *gauge) measure(it *Item) (distance float64, distinct int, ok bool) {
	if it.Valued() < 2 {
		return 0, 0, false
	}
	task, pos := g.tasks[it.Task], g.positions[it.Task]
	g.distinct = g.distinct[:0]
	lo, hi := len(task.Labels), -1
	for _, v := range it.Values {
		if v == "" || slices.Contains(g.distinct, v) {
			continue
		}
		g.distinct = append(g.distinct, v)
		if p, ok := pos[v]; ok {
			lo, hi = min(lo, p), max(hi, p)
		}
	}
	distinct = len(g.distinct)
	switch {
	case distinct < 2 && !it.TowardsDiffer:
		return 0, 0, false
	case distinct < 2: // same stance, different targets
		return 1, 2, true
	case it.TowardsDiffer:
		return 1, distinct, true
	case task.Ordinal && len(task.Labels) > 1 && hi >= lo:
		return float64(hi-lo) / float64(len(task.Labels)-1), distinct, true
	}
	return 1, distinct, true
}

// slice is text[start:end] in code points, or "" when out of range. It
// walks the text rather than converting it, as it is called for a few
// quotes per document.
func slice(text string, start, end int) string {
	if start < 0 || start > end {
		return ""
	}
	i, from := 0, -1
	for b := range text {
		if i == start {
			from = b
		}
		if i == end {
			return text[from:b]
		}
		i++
	}
	if i == end && from >= 0 {
		return text[from:]
	}
	return ""
}
