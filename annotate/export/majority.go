package export

import (
	"math"
	"strconv"
	"strings"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/review"
	"github.com/slant-annotate/slant/annotate/schema"
)

// MajoritySource is the Record.Source of majority records.
const MajoritySource = "majority"

// MajorityCount says what a majority record kept and left out.
type MajorityCount struct {
	Kept, LeftOut int // units whose majority reached the threshold, and not
}

// Add adds o to c.
func (c *MajorityCount) Add(o MajorityCount) { c.Kept += o.Kept; c.LeftOut += o.LeftOut }

// Majority is the record of what most of the annotators who finished doc
// (layers, one per annotator; nil for one who did not) say, with units
// matched across them by the review's rules (package review). A label is
// kept when at least minAgreement of the annotators who gave the unit a
// value, and at least two of them, gave the majority's value (a stance
// also the majority's target); an entity span or a quote when that share
// of the annotators who finished the document drew it the same (not
// drawing it counts as a vote for none). Shares are compared as they are
// shown, to two decimals: two of three (0.67) reaches 0.67. Everything
// else is left out and counted.
func Majority(doc annotate.Document, sha256 string, layers []*annotate.Layer, sch *schema.Schema, minAgreement float64) (Record, MajorityCount) {
	if sha256 == "" {
		sha256 = doc.SHA256()
	}
	r := Record{DocID: doc.ID, SHA256: sha256, Title: doc.Title, URL: doc.URL, Text: doc.Text, Source: MajoritySource}
	var count MajorityCount
	names := make([]string, len(layers))
	counted := 0
	for i, l := range layers {
		if l != nil {
			counted++
			names[i] = strconv.Itoa(i)
		}
	}
	set := &review.Set{Schema: sch, Annotators: names, Docs: []review.Doc{{ID: doc.ID, Text: doc.Text, Layers: layers}}}
	m := set.Matches()[0]
	items := set.Items([]*review.Matched{m})
	slice := annotate.RuneSlicer(doc.Text)
	// The labels of each unit, by the unit's refs.
	key := func(u review.Unit) string { return string(u.Scope) + "|" + strings.Join(u.Refs, "|") }
	labels := map[string][]Label{}
	for i := range items {
		it := &items[i]
		if review.IsSpanTask(it.Task) {
			continue
		}
		v, towards := it.Majority()
		votes := 0
		for j, x := range it.Compared() {
			if x != "" && x == v && (it.Towards == nil || it.Towards[j] == towards) {
				votes++
			}
		}
		valued := it.Valued()
		if v == "" || valued < 2 || !reaches(votes, valued, minAgreement) {
			count.LeftOut++
			continue
		}
		l := Label{Task: it.Task, Value: v}
		if towards >= 0 && towards < len(m.Targets) {
			l.Towards = m.Targets[towards].Name
		}
		labels[key(it.Unit)] = append(labels[key(it.Unit)], l)
	}
	r.Labels = labels[key(m.Document)]
	count.Kept += len(r.Labels)
	// A unit as the first annotator who has it drew it.
	first := func(u review.Unit) (int, int64) {
		for i, ref := range u.Refs {
			if ref != "" && i < len(layers) && layers[i] != nil {
				_, id, _ := annotate.ParseUnit(ref)
				return i, id
			}
		}
		return -1, 0
	}
	for _, u := range m.Targets {
		i, id := first(u)
		if i < 0 {
			continue
		}
		t, _ := layers[i].Target(id)
		tg := Target{Name: t.Name, Label: t.Label, Labels: labels[key(u)]}
		count.Kept += len(tg.Labels)
		for _, s := range layers[i].Mentions(id) {
			tg.Mentions = append(tg.Mentions, [2]int{s.Start, s.End})
		}
		if len(tg.Mentions) > 0 {
			tg.Text = slice(tg.Mentions[0][0], tg.Mentions[0][1])
		}
		r.Targets = append(r.Targets, tg)
	}
	// Spans: kept where the share of annotators drawing it the same reaches
	// the threshold.
	agreed := func(u review.Unit) (annotate.Span, int, bool) {
		votes := map[string]int{}
		spanOf := map[string]annotate.Span{}
		layerOf := map[string]int{}
		for i, l := range layers {
			if l == nil {
				continue
			}
			v := review.NoSpan
			if sp, ok := review.SpanAt(l, u.Refs[i]); ok {
				v = review.SpanValue(doc.Text, sp)
				if _, seen := spanOf[v]; !seen {
					spanOf[v], layerOf[v] = sp, i
				}
			}
			votes[v]++
		}
		best, n := "", 0
		for v, c := range votes {
			if c > n || c == n && v < best {
				best, n = v, c
			}
		}
		if best == review.NoSpan || counted == 0 || !reaches(n, counted, minAgreement) {
			return annotate.Span{}, -1, false
		}
		return spanOf[best], layerOf[best], true
	}
	targetName := func(i int, id int64) string {
		if t := m.TargetIndex(i, id); t >= 0 {
			return m.Targets[t].Name
		}
		return ""
	}
	for _, u := range m.Entities {
		sp, i, ok := agreed(u)
		if !ok {
			count.LeftOut++
			continue
		}
		count.Kept++
		r.Entities = append(r.Entities, Entity{Start: sp.Start, End: sp.End, Label: sp.Label, Text: slice(sp.Start, sp.End),
			Target: targetName(i, sp.TargetID)})
	}
	for _, u := range m.Quotes {
		sp, _, ok := agreed(u)
		if !ok {
			count.LeftOut += 1 + len(labels[key(u)]) // its labels go with it
			continue
		}
		q := Quote{Start: sp.Start, End: sp.End, Text: slice(sp.Start, sp.End), Labels: labels[key(u)]}
		count.Kept += 1 + len(q.Labels)
		if sp.HasSpeaker {
			q.Speaker = &[2]int{sp.SpeakerStart, sp.SpeakerEnd}
			q.SpeakerText = slice(sp.SpeakerStart, sp.SpeakerEnd)
		}
		r.Quotes = append(r.Quotes, q)
	}
	return r, count
}

// reaches reports whether votes of n, to two decimals, is at least min.
func reaches(votes, n int, min float64) bool {
	return math.Round(float64(votes)/float64(n)*100) >= math.Round(min*100)
}
