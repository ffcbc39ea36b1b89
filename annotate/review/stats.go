package review

import (
	"fmt"
	"strings"
	"sync"

	"github.com/slant-annotate/slant/annotate/agree"
	"github.com/slant-annotate/slant/annotate/schema"
)

// DocStat is what one document adds to a Report, over the annotators who
// count on it: its labelled units with their values, span agreement of
// each pair of them, token label patterns and speaker counts. A Report
// summed from every document's DocStat (ReportFromStats) is the one Compute
// gives; the store keeps one per document so that agreement need not read
// every layer.
type DocStat struct {
	DocID int64
	// IDs are the annotators who count on the document (the store's ids),
	// in the set's order; values and pairs below index them.
	IDs   []int64
	Items []StatItem
	// Units are the items' units, in the same order (nil when not read:
	// agreement does without them).
	Units []StatUnit
	// Spans holds, for the entity layer and the quote layer, each pair's
	// span agreement.
	Spans [2][]PairSpans
	// Tokens holds, for token alpha over entity labels and over
	// Source/Cue/Content, each stretch of tokens by its labels.
	Tokens   [2][]TokenPattern
	Speakers SpeakerReport
}

// StatItem is one labelled unit of a DocStat.
type StatItem struct {
	Task          string
	Values        []string // per annotator of the DocStat; "" missing
	Towards       []int    // stance tasks: the matched target, -1 none
	TowardsDiffer bool
	NotShared     bool
	// Gold is gold's value ("" undecided) and GoldTowards its target.
	Gold        string
	GoldTowards int
}

// StatUnit is the unit of a StatItem as the review lists it: Refs has one
// key per annotator of the DocStat, then gold's.
type StatUnit struct {
	Scope      schema.Scope
	Refs       []string
	Name       string
	Start, End int
}

// Unit is the unit su stands for among a set's k annotators, cols giving
// the set's column of each annotator of the DocStat.
func (su *StatUnit) Unit(cols []int, k int) Unit {
	u := Unit{Scope: su.Scope, Name: su.Name, Start: su.Start, End: su.End, Refs: make([]string, k+1)}
	for j, c := range cols {
		if j < len(su.Refs) {
			u.Refs[c] = su.Refs[j]
		}
	}
	if len(su.Refs) > len(cols) {
		u.Refs[k] = su.Refs[len(cols)]
	}
	return u
}

// PairSpans is span agreement of annotators A and B (indices in IDs), as
// counts per label.
type PairSpans struct {
	A, B   int
	Labels []SpanTally
}

// SpanTally is one label's span counts between two annotators: their
// spans, and those matched exactly and by overlap.
type SpanTally struct {
	Label              string
	A, B               int
	ExactA, ExactB     int // matched exactly
	OverlapA, OverlapB int // matched by overlap
}

// pairSpans tallies span agreement of two annotators over one unit.
func pairSpans(a, b int, u []agree.SpanUnit) PairSpans {
	exact, overlap := agree.SpanF1(u, agree.Exact), agree.SpanF1(u, agree.Overlap)
	p := PairSpans{A: a, B: b}
	for _, l := range exact.Labels {
		e, o := exact.PerLabel[l], overlap.PerLabel[l]
		p.Labels = append(p.Labels, SpanTally{Label: l, A: e.A, B: e.B, ExactA: e.MatchedA, ExactB: e.MatchedB, OverlapA: o.MatchedA, OverlapB: o.MatchedB})
	}
	return p
}

// spanResults turns summed tallies back into span agreement, exact and by
// overlap.
func spanResults(tallies map[string]*SpanTally) (exact, overlap agree.SpanResult) {
	exact = agree.SpanResult{PerLabel: map[string]agree.SpanScore{}}
	overlap = agree.SpanResult{PerLabel: map[string]agree.SpanScore{}}
	for l, t := range tallies {
		exact.Labels, overlap.Labels = append(exact.Labels, l), append(overlap.Labels, l)
		exact.PerLabel[l] = agree.SpanScore{A: t.A, B: t.B, MatchedA: t.ExactA, MatchedB: t.ExactB}
		overlap.PerLabel[l] = agree.SpanScore{A: t.A, B: t.B, MatchedA: t.OverlapA, MatchedB: t.OverlapB}
	}
	return agree.MergeSpanResults(agree.Exact, exact), agree.MergeSpanResults(agree.Overlap, overlap)
}

// TokenPattern is N tokens that the annotators labelled Labels (one per
// annotator of the DocStat).
type TokenPattern struct {
	Labels []string
	N      int
}

// DocStat sums up document d of a set whose Annotators are named by ids.
func (s *Set) DocStat(d int, m *Matched, items []Item, ids []int64) DocStat {
	doc := &s.Docs[d]
	k := len(s.Annotators)
	var cols []int
	st := DocStat{DocID: doc.ID}
	for i := 0; i < k; i++ {
		if doc.Layers[i] != nil {
			cols = append(cols, i)
			st.IDs = append(st.IDs, ids[i])
		}
	}
	for _, it := range items {
		if it.Doc != d {
			continue
		}
		si := StatItem{Task: it.Task, TowardsDiffer: it.TowardsDiffer, NotShared: it.NotShared, Values: make([]string, len(cols)),
			Gold: it.Gold, GoldTowards: it.GoldTowards}
		su := StatUnit{Scope: it.Unit.Scope, Refs: make([]string, len(cols)+1), Name: it.Unit.Name, Start: it.Unit.Start,
			End: it.Unit.End}
		if it.Towards != nil {
			si.Towards = make([]int, len(cols))
		}
		for j, c := range cols {
			si.Values[j] = it.Values[c]
			su.Refs[j] = it.Unit.Refs[c]
			if it.Towards != nil {
				si.Towards[j] = it.Towards[c]
			}
		}
		if len(it.Unit.Refs) > k {
			su.Refs[len(cols)] = it.Unit.Refs[k]
		}
		st.Items = append(st.Items, si)
		st.Units = append(st.Units, su)
	}
	if len(cols) < 2 {
		return st
	}
	for layer, pick := range []func(*Doc, int) []agree.Span{
		func(doc *Doc, i int) []agree.Span { return entitySpans(doc.Layers[i]) },
		func(doc *Doc, i int) []agree.Span { return quoteSpans(doc.Layers[i]) },
	} {
		for a := 0; a < len(cols); a++ {
			for b := a + 1; b < len(cols); b++ {
				u := []agree.SpanUnit{{A: pick(doc, cols[a]), B: pick(doc, cols[b])}}
				st.Spans[layer] = append(st.Spans[layer], pairSpans(a, b, u))
			}
		}
	}
	var tokens []agree.Token
	runsOf := func(i int) TokenRuns {
		if i < len(doc.Runs) && doc.Runs[i] != nil {
			return *doc.Runs[i]
		}
		if tokens == nil {
			tokens = agree.WhitespaceTokens(doc.Text)
		}
		return LayerRuns(tokens, doc.Layers[i])
	}
	var ents, attrs [][]agree.Run
	for _, c := range cols {
		r := runsOf(c)
		ents, attrs = append(ents, r.Entities), append(attrs, r.Attribution)
	}
	st.Tokens[0], st.Tokens[1] = runPatterns(ents), runPatterns(attrs)
	st.Speakers.count(doc, m, k)
	return st
}

// runPatterns tallies the stretches of tokens where no annotator's label
// changes, by their labels.
func runPatterns(layers [][]agree.Run) []TokenPattern {
	var out []TokenPattern
	index := map[string]int{}
	idx := make([]int, len(layers))
	left := make([]int, len(layers))
	cur := make([]string, len(layers))
	n := 0
	for _, r := range layers[0] {
		n += r.N
	}
	for done := 0; done < n; {
		step := n - done
		for a, runs := range layers {
			for left[a] == 0 && idx[a] < len(runs) {
				left[a], cur[a] = runs[idx[a]].N, runs[idx[a]].Label
				idx[a]++
			}
			if left[a] == 0 { // runs of another length: not comparable
				return out
			}
			step = min(step, left[a])
		}
		key := strings.Join(cur, "\x00")
		p, ok := index[key]
		if !ok {
			p = len(out)
			index[key] = p
			out = append(out, TokenPattern{Labels: append([]string(nil), cur...)})
		}
		out[p].N += step
		for a := range layers {
			left[a] -= step
		}
		done += step
	}
	return out
}

// ReportFromStats sums documents' DocStats into the Report that Compute
// gives over the same layers. annotators names every annotator (ids gives
// their ids, in the same order); a DocStat's ids must be among them.
func ReportFromStats(sch *schema.Schema, annotators []string, ids []int64, stats []DocStat, o Options) (*Report, error) {
	items, err := ItemsFromStats(stats, ids)
	if err != nil {
		return nil, err
	}
	return ReportFromItems(sch, annotators, ids, stats, items, o)
}

// ReportFromItems is ReportFromStats for a caller that already has the
// stats' items (ItemsFromStats).
func ReportFromItems(sch *schema.Schema, annotators []string, ids []int64, stats []DocStat, items []Item, o Options) (*Report, error) {
	k := len(annotators)
	col := map[int64]int{}
	for i, id := range ids {
		col[id] = i
	}
	rep := &Report{Documents: len(stats)}
	docs := make([]int, k)
	byTask := map[string][]Item{}
	for _, t := range sch.Tasks {
		byTask[t.Name] = nil
	}
	{
		counts := map[string]int{}
		for i := range items {
			counts[items[i].Task]++
		}
		for t, n := range counts {
			byTask[t] = make([]Item, 0, n)
		}
		for i := range items {
			byTask[items[i].Task] = append(byTask[items[i].Task], items[i])
		}
	}
	pairs := [2]map[[2]int]map[string]*SpanTally{{}, {}}
	hists := [2]map[string]*TokenPattern{{}, {}}
	spill := [2]map[string]*TokenPattern{{}, {}}
	tokens := newPatternKeys(k)
	var spanDocs int
	speakers := SpeakerReport{}
	for d, st := range stats {
		cols := make([]int, len(st.IDs))
		for j, id := range st.IDs {
			c, ok := col[id]
			if !ok {
				return nil, fmt.Errorf("document %d: annotator %d is not among the annotators", d, id)
			}
			cols[j] = c
			docs[c]++
		}
		if len(cols) >= 2 {
			spanDocs++
		}
		if !o.Spans {
			continue
		}
		for layer := range st.Spans {
			for _, p := range st.Spans[layer] {
				a, b := cols[p.A], cols[p.B]
				if a > b {
					a, b = b, a
				}
				acc := pairs[layer][[2]int{a, b}]
				if acc == nil {
					acc = map[string]*SpanTally{}
					pairs[layer][[2]int{a, b}] = acc
				}
				for _, t := range p.Labels {
					sum := acc[t.Label]
					if sum == nil {
						sum = &SpanTally{Label: t.Label}
						acc[t.Label] = sum
					}
					sum.A, sum.B = sum.A+t.A, sum.B+t.B
					sum.ExactA, sum.ExactB = sum.ExactA+t.ExactA, sum.ExactB+t.ExactB
					sum.OverlapA, sum.OverlapB = sum.OverlapA+t.OverlapA, sum.OverlapB+t.OverlapB
				}
			}
			for _, tp := range st.Tokens[layer] {
				hist := hists[layer]
				key, ok := tokens.key(tp.Labels, cols)
				if !ok { // past 255 labels: keys by the labels' text
					hist = spill[layer]
					labels := make([]string, k)
					for j, c := range cols {
						labels[c] = tp.Labels[j]
					}
					key = strings.Join(labels, "\x00")
				}
				h := hist[key]
				if h == nil {
					h = &TokenPattern{Labels: make([]string, k)}
					for j, c := range cols {
						h.Labels[c] = tp.Labels[j]
					}
					hist[key] = h
				}
				h.N += tp.N
			}
		}
		speakers.MatchedQuotes += st.Speakers.MatchedQuotes
		speakers.Pairs += st.Speakers.Pairs
		speakers.Agreed += st.Speakers.Agreed
		speakers.Exact += st.Speakers.Exact
	}
	for i, a := range annotators {
		rep.Annotators = append(rep.Annotators, AnnotatorInfo{Name: a, Documents: docs[i], Blind: true})
	}
	set := &Set{Schema: sch, Annotators: annotators}
	want := map[string]bool{}
	for _, t := range o.Tasks {
		if _, ok := sch.Task(t); !ok {
			return nil, fmt.Errorf("no task %q in the schema (tasks: %s)", t, strings.Join(sch.TaskNames(), ", "))
		}
		want[t] = true
	}
	// Tasks and span layers are independent: measure them at once.
	var wg sync.WaitGroup
	if o.Spans {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for layer := range spill {
				for key, h := range spill[layer] {
					hists[layer]["\xff"+key] = h // longer than any short key
				}
			}
			rep.Spans = statsSpanReport(annotators, spanDocs, pairs, hists, speakers)
		}()
	}
	tasks, err := taskReports(set, byTask, want, func(_ string, items []Item) int { return set.CountDisagreements(items) }, o)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	rep.Tasks = tasks
	return rep, nil
}

// statsSpanReport is the span layers' report from summed tallies.
func statsSpanReport(annotators []string, spanDocs int, pairs [2]map[[2]int]map[string]*SpanTally,
	hists [2]map[string]*TokenPattern, speakers SpeakerReport) *SpanReport {
	k := len(annotators)
	rep := &SpanReport{}
	for layer, out := range []*SpanLayerReport{&rep.Entities, &rep.Quotes} {
		*out = SpanLayerReport{Documents: spanDocs, ExactF1: nan, OverlapF1: nan, TokenAlpha: nan, PerLabel: []LabelF1{}, Pairs: []SpanPairF1{}}
		var exacts, overlaps []agree.SpanResult
		for a := 0; a < k; a++ {
			for b := a + 1; b < k; b++ {
				acc := pairs[layer][[2]int{a, b}]
				if acc == nil {
					continue
				}
				e, o := spanResults(acc)
				exacts, overlaps = append(exacts, e), append(overlaps, o)
				out.Pairs = append(out.Pairs, SpanPairF1{A: annotators[a], B: annotators[b], ExactF1: Num(e.Micro.F1), OverlapF1: Num(o.Micro.F1)})
			}
		}
		if len(exacts) > 0 {
			exact, overlap := agree.MergeSpanResults(agree.Exact, exacts...), agree.MergeSpanResults(agree.Overlap, overlaps...)
			out.ExactF1, out.OverlapF1 = Num(exact.Micro.F1), Num(overlap.Micro.F1)
			for _, l := range exact.Labels {
				out.PerLabel = append(out.PerLabel, LabelF1{Label: l, ExactF1: Num(exact.PerLabel[l].F1), OverlapF1: Num(overlap.PerLabel[l].F1)})
			}
		}
		var rows [][]string
		var counts []int64
		for _, h := range hists[layer] {
			rows, counts = append(rows, h.Labels), append(counts, int64(h.N))
		}
		if a, tokens, labels, err := agree.PatternTokenAlpha(rows, counts, annotators); err == nil && spanDocs > 0 {
			out.TokenAlpha, out.Tokens, out.Labels = Num(a.Alpha), tokens, labels
		}
	}
	speakers.finish()
	rep.Speakers = speakers
	return rep
}

// patternKeys makes short map keys for token label patterns: each label a
// byte, in the report's annotator order (0 where an annotator has none).
type patternKeys struct {
	labels map[string]byte
	buf    []byte
}

func newPatternKeys(k int) *patternKeys {
	return &patternKeys{labels: map[string]byte{}, buf: make([]byte, k)}
}

// key is the key of a document's pattern whose labels are for the
// report's annotators cols; ok is false past 255 distinct labels.
func (p *patternKeys) key(labels []string, cols []int) (string, bool) {
	clear(p.buf)
	for j, c := range cols {
		b, ok := p.labels[labels[j]]
		if !ok {
			if len(p.labels) == 255 {
				return "", false
			}
			b = byte(len(p.labels) + 1)
			p.labels[labels[j]] = b
		}
		p.buf[c] = b
	}
	return string(p.buf), true
}

// ItemsFromStats lists the units of documents' stats, document by
// document (Item.Doc is the index in stats, Item.Pos the unit's in its
// stat), with values in the order of ids (the report's annotators). A
// stat's units, where read, fill in Item.Unit with gold's unit key last in
// Refs; where not, the review reads them when it shows the document (see
// StatUnit.Unit).
func ItemsFromStats(stats []DocStat, ids []int64) ([]Item, error) {
	k := len(ids)
	col := map[int64]int{}
	for i, id := range ids {
		col[id] = i
	}
	total := 0
	for _, st := range stats {
		total += len(st.Items)
	}
	items := make([]Item, total)
	// Values and targets in two backing arrays: a project has hundreds of
	// thousands of units.
	values := make([]string, total*k)
	towards := make([]int, total*k)
	cols := make([]int, 0, k)
	n := 0
	for d, st := range stats {
		cols = cols[:0]
		for _, id := range st.IDs {
			c, ok := col[id]
			if !ok {
				return nil, fmt.Errorf("document %d: annotator %d is not among the annotators", st.DocID, id)
			}
			cols = append(cols, c)
		}
		for i := range st.Items {
			si := &st.Items[i]
			it := &items[n]
			n++
			*it = Item{Doc: d, DocID: st.DocID, Pos: i, Task: si.Task, Values: values[:k:k], TowardsDiffer: si.TowardsDiffer,
				NotShared: si.NotShared, Gold: si.Gold, GoldTowards: si.GoldTowards}
			values = values[k:]
			if i < len(st.Units) {
				it.Unit = st.Units[i].Unit(cols, k)
			}
			if si.Towards != nil {
				it.Towards = towards[:k:k]
				for j := range it.Towards {
					it.Towards[j] = -1
				}
			}
			towards = towards[k:]
			for j, c := range cols {
				it.Values[c] = si.Values[j]
				if si.Towards != nil {
					it.Towards[c] = si.Towards[j]
				}
			}
		}
	}
	return items, nil
}
