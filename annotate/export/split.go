package export

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// SplitDoc is what splitting needs of a document.
type SplitDoc struct {
	ID     int64
	Text   string
	Labels []string // what to stratify by (e.g. the document's labels as "task:value"); may be empty
}

// Split is one named share of the documents.
type Split struct {
	Name  string
	Share float64
}

// splitExample is shown when --split is missing or malformed.
const splitExample = `"train=0.8,dev=0.1,test=0.1"`

// ParseSplits parses "train=0.8,dev=0.1,test=0.1": comma-separated
// name=share parts, spaces around them allowed. Names are made of a-z, 0-9,
// _ and - (they become file names) and are unique; shares are positive and
// sum to 1.
func ParseSplits(s string) ([]Split, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("no splits: expected e.g. %s", splitExample)
	}
	var out []Split
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			return nil, fmt.Errorf("splits %q: an empty split (two commas in a row, or one at an end)", s)
		}
		name, share, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("split %q: expected name=share, e.g. %s", part, splitExample)
		}
		name, share = strings.TrimSpace(name), strings.TrimSpace(share)
		f, err := strconv.ParseFloat(share, 64)
		if err != nil || math.IsNaN(f) {
			if share == "" {
				return nil, fmt.Errorf("split %q: the share is missing", part)
			}
			return nil, fmt.Errorf("split %q: the share is not a number", part)
		}
		sp := Split{Name: name, Share: f}
		if err := checkSplit(sp, out); err != nil {
			return nil, fmt.Errorf("split %q: %v", part, err)
		}
		out = append(out, sp)
	}
	if err := checkShareSum(out); err != nil {
		return nil, err
	}
	return out, nil
}

// checkSplits is ParseSplits' validation for splits built in code, so that
// Assign never divides by a share it cannot honour.
func checkSplits(splits []Split) error {
	if len(splits) == 0 {
		return fmt.Errorf("no splits: expected e.g. %s", splitExample)
	}
	for i, sp := range splits {
		if err := checkSplit(sp, splits[:i]); err != nil {
			return fmt.Errorf("split %q: %v", sp.Name, err)
		}
	}
	return checkShareSum(splits)
}

// checkSplit checks one split against those before it.
func checkSplit(sp Split, before []Split) error {
	if sp.Name == "" {
		return fmt.Errorf("the name is empty")
	}
	for _, r := range sp.Name {
		if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '_' || r == '-') {
			return fmt.Errorf("the name may only hold a-z, 0-9, _ and -")
		}
	}
	for _, b := range before {
		if b.Name == sp.Name {
			return fmt.Errorf("the name %q is used twice", sp.Name)
		}
	}
	switch {
	case math.IsNaN(sp.Share):
		return fmt.Errorf("the share is not a number")
	case math.IsInf(sp.Share, 0):
		return fmt.Errorf("the share is not a finite number")
	case sp.Share <= 0:
		return fmt.Errorf("the share must be more than 0")
	}
	return nil
}

// checkShareSum allows 1e-6 of slack so that thirds written as 0.333333 pass.
func checkShareSum(splits []Split) error {
	sum := 0.0
	for _, sp := range splits {
		sum += sp.Share
	}
	if math.Abs(sum-1) > 1e-6 {
		return fmt.Errorf("the shares sum to %s, not 1", strconv.FormatFloat(sum, 'g', 6, 64))
	}
	return nil
}

// Assignment is where each document goes, with what each split holds.
type Assignment struct {
	Of     map[int64]string          // document id → split name
	Counts map[string]map[string]int // split → label → documents with that label
	Docs   map[string]int            // split → documents
	Groups int                       // near-duplicate groups of two or more kept together
}

// Assign splits docs by document. Near-duplicates (NearDuplicates) go to
// one split together, so that no story is trained on and tested on; within
// that, each split gets its share of the documents and of each label.
// The same seed and documents, in any order, give the same assignment.
// Every split and every label has an entry in Docs and Counts, zero or
// not, so that a report can print them all. An empty docs gives an empty
// assignment; invalid splits or a repeated id are errors.
func Assign(docs []SplitDoc, splits []Split, seed uint64) (Assignment, error) {
	if err := checkSplits(splits); err != nil {
		return Assignment{}, err
	}
	seen := make(map[int64]int, len(docs))
	labelSet := make(map[string]struct{})
	for i, d := range docs {
		if _, ok := seen[d.ID]; ok {
			return Assignment{}, fmt.Errorf("document %d is given twice", d.ID)
		}
		seen[d.ID] = i
		for _, l := range d.Labels {
			if l != "" {
				labelSet[l] = struct{}{}
			}
		}
	}
	// Labels by number, in sorted order, so that float sums run in the
	// same order whatever the input's.
	labels := make([]string, 0, len(labelSet))
	for l := range labelSet {
		labels = append(labels, l)
	}
	slices.Sort(labels)
	labelNo := make(map[string]int, len(labels))
	for k, l := range labels {
		labelNo[l] = k
	}

	a := Assignment{
		Of:     make(map[int64]string, len(docs)),
		Counts: make(map[string]map[string]int, len(splits)),
		Docs:   make(map[string]int, len(splits)),
	}
	for _, sp := range splits {
		a.Docs[sp.Name] = 0
		a.Counts[sp.Name] = make(map[string]int, len(labels))
		for _, l := range labels {
			a.Counts[sp.Name][l] = 0
		}
	}
	if len(docs) == 0 {
		return a, nil
	}

	// Units: near-duplicate groups, and every other document alone.
	type unit struct {
		ids    []int64
		labels []splitLabelCount
		key    uint64 // the seeded shuffle
	}
	groups := NearDuplicates(docs)
	a.Groups = len(groups)
	grouped := make(map[int64]bool)
	units := make([]unit, 0, len(docs))
	for _, g := range groups {
		units = append(units, unit{ids: g})
		for _, id := range g {
			grouped[id] = true
		}
	}
	for _, d := range docs {
		if !grouped[d.ID] {
			units = append(units, unit{ids: []int64{d.ID}})
		}
	}
	total := make([]int, len(labels)) // documents with each label
	for u := range units {
		units[u].key = dupMix(seed ^ dupMix(uint64(units[u].ids[0])))
		var lc []splitLabelCount
		for _, id := range units[u].ids {
			for _, k := range splitDocLabels(docs[seen[id]].Labels, labelNo) {
				total[k]++
				if j := slices.IndexFunc(lc, func(c splitLabelCount) bool { return c.label == k }); j >= 0 {
					lc[j].n++
				} else {
					lc = append(lc, splitLabelCount{k, 1})
				}
			}
		}
		slices.SortFunc(lc, func(x, y splitLabelCount) int { return x.label - y.label })
		units[u].labels = lc
	}
	// Largest first, while every split still has room for them; then a
	// seeded order, so that a new seed gives a new split; then the first
	// id, should two keys ever agree.
	slices.SortFunc(units, func(x, y unit) int {
		if len(x.ids) != len(y.ids) {
			return len(y.ids) - len(x.ids)
		}
		if x.key != y.key {
			if x.key < y.key {
				return -1
			}
			return 1
		}
		return cmp.Compare(x.ids[0], y.ids[0])
	})

	N := float64(len(docs))
	have := make([]int, len(splits))    // documents per split
	count := make([][]int, len(splits)) // documents per split and label
	for s := range count {
		count[s] = make([]int, len(labels))
	}
	for _, u := range units {
		// Each unit goes where it is most wanted: the split furthest below
		// its share of documents, plus, on average over the unit's labels,
		// furthest below its share of each. Both are fractions of their
		// totals, so a rare label weighs as much as a common one.
		best, bestScore := 0, math.Inf(-1)
		for s, sp := range splits {
			score := (sp.Share*N - float64(have[s])) / N
			if len(u.labels) > 0 {
				var sum, w float64
				for _, c := range u.labels {
					t := float64(total[c.label])
					sum += float64(c.n) * (sp.Share*t - float64(count[s][c.label])) / t
					w += float64(c.n)
				}
				score += sum / w
			}
			if score > bestScore { // ties: the split named first
				best, bestScore = s, score
			}
		}
		have[best] += len(u.ids)
		for _, c := range u.labels {
			count[best][c.label] += c.n
		}
		for _, id := range u.ids {
			a.Of[id] = splits[best].Name
		}
	}
	for s, sp := range splits {
		a.Docs[sp.Name] = have[s]
		for k, l := range labels {
			a.Counts[sp.Name][l] = count[s][k]
		}
	}
	return a, nil
}

// splitLabelCount is how many of a unit's documents have a label.
type splitLabelCount struct{ label, n int }

// splitDocLabels returns a document's labels by number, each once (a label
// given twice is still one document with it), "" left out.
func splitDocLabels(ls []string, labelNo map[string]int) []int {
	ks := make([]int, 0, len(ls))
	for _, l := range ls {
		if l != "" {
			ks = append(ks, labelNo[l])
		}
	}
	slices.Sort(ks)
	return slices.Compact(ks)
}
