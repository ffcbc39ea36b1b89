package review

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/agree"
	"github.com/slant-annotate/slant/annotate/schema"
)

// layer builds a layer: targets (id, suggestion), entity spans
// (id, start, end, target), quotes (id, start, end) and labels.
type lb struct{ l *annotate.Layer }

func newLayer() *lb {
	return &lb{&annotate.Layer{Labels: map[annotate.LabelKey]annotate.LabelValue{}, Status: annotate.StatusDone}}
}

func (b *lb) target(id int64, name string, suggestion int, deleted bool) *lb {
	b.l.Targets = append(b.l.Targets, annotate.Target{ID: id, Name: name, Label: "ORG", Suggestion: suggestion, Deleted: deleted})
	return b
}

func (b *lb) mention(id int64, start, end int, target int64) *lb {
	b.l.Spans = append(b.l.Spans, annotate.Span{ID: id, Kind: annotate.KindEntity, Start: start, End: end, Label: "ORG", TargetID: target, Decision: annotate.Pending})
	return b
}

func (b *lb) quote(id int64, start, end int) *lb {
	b.l.Spans = append(b.l.Spans, annotate.Span{ID: id, Kind: annotate.KindQuote, Start: start, End: end, Decision: annotate.Pending})
	return b
}

func (b *lb) label(task, unit, value string, towards int64) *lb {
	b.l.Labels[annotate.LabelKey{Task: task, Unit: unit}] = annotate.LabelValue{Value: value, Towards: towards}
	return b
}

func TestMatchTargetsBySuggestionThenMentions(t *testing.T) {
	// a: seeded Amazon (s1) with two mentions, Walmart (s2).
	a := newLayer().target(1, "Amazon", 1, false).target(2, "Walmart", 2, false).
		mention(10, 0, 6, 1).mention(11, 50, 56, 1).mention(12, 20, 27, 2).l
	// b: the same seeds, but Walmart merged away into a target b added
	// (no suggestion) with the same mentions; and a target of its own.
	b := newLayer().target(5, "Amazon", 1, false).target(6, "Walmart", 2, true).target(7, "Walmart Inc", 0, false).
		target(8, "Flipkart", 0, false).
		mention(20, 0, 6, 5).mention(21, 50, 56, 5).mention(22, 20, 27, 7).mention(23, 80, 88, 8).l
	m := Match([]*annotate.Layer{a, b, nil}, nil)
	if len(m.Targets) != 3 {
		t.Fatalf("%d targets, want 3: %+v", len(m.Targets), m.Targets)
	}
	want := [][]string{{"t1", "t5", ""}, {"t2", "t7", ""}, {"", "t8", ""}}
	for i, w := range want {
		if strings.Join(m.Targets[i].Refs, ",") != strings.Join(w, ",") {
			t.Errorf("target %d refs %v, want %v", i, m.Targets[i].Refs, w)
		}
	}
	if m.TargetIndex(1, 7) != 1 || m.TargetIndex(0, 1) != 0 || m.TargetIndex(1, 6) != -1 {
		t.Errorf("target index wrong")
	}
	if m.Document.Refs[2] != "" || m.Document.Refs[0] != annotate.UnitDocument {
		t.Errorf("document refs %v", m.Document.Refs)
	}
}

func TestMatchTargetsNeedHalfTheSmallerSet(t *testing.T) {
	a := newLayer().target(1, "X", 0, false).mention(1, 0, 3, 1).mention(2, 10, 13, 1).mention(3, 20, 23, 1).mention(4, 30, 33, 1).l
	b := newLayer().target(2, "X", 0, false).mention(5, 0, 3, 2).mention(6, 40, 43, 2).mention(7, 50, 53, 2).l
	// one of b's three mentions (less than half) overlaps: no match.
	if m := Match([]*annotate.Layer{a, b}, nil); len(m.Targets) != 2 {
		t.Fatalf("matched with 1 of 3 mentions: %+v", m.Targets)
	}
	b = newLayer().target(2, "X", 0, false).mention(5, 1, 3, 2).mention(6, 10, 12, 2).mention(7, 50, 53, 2).l
	if m := Match([]*annotate.Layer{a, b}, nil); len(m.Targets) != 1 {
		t.Fatalf("not matched with 2 of 3 mentions: %+v", m.Targets)
	}
}

func TestMatchQuotesByOverlapOneToOne(t *testing.T) {
	a := newLayer().quote(1, 0, 100).quote(2, 200, 260).l
	// b's first quote covers 60 of a's 100 (≥ half of the shorter, 60);
	// its second overlaps a's second by 10 of 50: no match.
	b := newLayer().quote(3, 40, 100).quote(4, 250, 300).l
	c := newLayer().quote(5, 0, 100).l
	m := Match([]*annotate.Layer{a, b, c}, func(s, e int) string { return "q" })
	if len(m.Quotes) != 3 {
		t.Fatalf("%d quotes: %+v", len(m.Quotes), m.Quotes)
	}
	if got := strings.Join(m.Quotes[0].Refs, ","); got != "q1,q3,q5" {
		t.Errorf("first quote %s", got)
	}
	if m.Quotes[1].Start != 200 || m.Quotes[2].Start != 250 {
		t.Errorf("quotes not in text order: %+v", m.Quotes)
	}
}

func set(layers ...[]*annotate.Layer) *Set {
	s := &Set{Schema: schema.Default(), Annotators: []string{"ana", "ben", "cai"}, Gold: true}
	for i, ls := range layers {
		s.Docs = append(s.Docs, Doc{ID: int64(i + 1), Text: strings.Repeat("word ", 60), Layers: ls})
	}
	return s
}

func TestComputeMatchesTheEngine(t *testing.T) {
	const task = "document_sentiment"
	values := [][]string{
		{"negative", "negative", "neutral"},
		{"positive", "positive", "positive"},
		{"neutral", "", "neutral"},
		{"positive", "neutral", "negative"},
	}
	var docs [][]*annotate.Layer
	for _, row := range values {
		var ls []*annotate.Layer
		for _, v := range row {
			l := newLayer()
			if v != "" {
				l.label(task, annotate.UnitDocument, v, 0)
			}
			ls = append(ls, l.l)
		}
		docs = append(docs, append(ls, nil))
	}
	s := set(docs...)
	rep, err := Compute(s, Options{Tasks: []string{task}})
	if err != nil {
		t.Fatal(err)
	}
	tr := rep.Tasks[0]
	want, _ := agree.FromLabels(s.Annotators, values, []string{"negative", "neutral", "positive"})
	alpha, _ := agree.Alpha(want, agree.Ordinal)
	if tr.Level != "ordinal" || math.Abs(float64(tr.Alpha)-alpha.Alpha) > 1e-12 {
		t.Errorf("alpha %v (%s), want %v ordinal", tr.Alpha, tr.Level, alpha.Alpha)
	}
	if tr.Units != 4 || tr.PairableUnits != 4 || tr.Documents != 4 || tr.Annotators != 3 {
		t.Errorf("counts %+v", tr)
	}
	// Unit 3 lacks ben's value but ben has the document: still shared (the
	// document is the unit); a missing value, not a disagreement.
	if tr.UnitsNotShared != 0 || tr.Disagreements != 2 {
		t.Errorf("not shared %d, disagreements %d", tr.UnitsNotShared, tr.Disagreements)
	}
	// ana–ben: shared units 1, 2, 4 → negative/negative, positive/positive, positive/neutral.
	p := tr.Pairs[0]
	if p.A != "ana" || p.B != "ben" || p.SharedUnits != 3 || p.Confusion[0][0] != 1 || p.Confusion[2][2] != 1 || p.Confusion[2][1] != 1 {
		t.Errorf("pair %+v", p)
	}
	// Specific agreement for "positive" over the coincidences: unit 2 gives
	// 3 agreeing values (6 ordered pairs / 2 = 3 each... o_pp = 3), unit 4
	// has one positive among three distinct values (o_p· = 1, o_pp = 0).
	var pos LabelStat
	for _, l := range tr.Labels {
		if l.Label == "positive" {
			pos = l
		}
	}
	if pos.Count != 4 || math.Abs(float64(pos.Specific)-3.0/4.0) > 1e-12 {
		t.Errorf("positive %+v, want count 4, specific 0.75", pos)
	}
	js, _ := json.Marshal(rep)
	for _, key := range []string{`"krippendorff_alpha"`, `"pairable_units"`, `"units_not_shared"`, `"specific_agreement"`, `"confusion"`, `"methods"`} {
		if !strings.Contains(string(js), key) {
			t.Errorf("JSON lacks %s", key)
		}
	}
	if !strings.Contains(tr.Methods, "Krippendorff's α (ordinal) = ") || !strings.Contains(tr.Methods, "3 annotators, 4 documents") {
		t.Errorf("methods %q", tr.Methods)
	}
}

func TestSpecificAgreementTwoCoders(t *testing.T) {
	// 2 coders: a = both yes (5), b = yes/no (2), c = no/yes (1), d = both no (2).
	var rows [][]string
	add := func(n int, x, y string) {
		for range n {
			rows = append(rows, []string{x, y})
		}
	}
	add(5, "yes", "yes")
	add(2, "yes", "no")
	add(1, "no", "yes")
	add(2, "no", "no")
	r, _ := agree.FromLabels([]string{"a", "b"}, rows, []string{"yes", "no"})
	got := specificAgreement(r)
	if math.Abs(float64(got[0].Specific)-10.0/13.0) > 1e-12 || math.Abs(float64(got[1].Specific)-4.0/7.0) > 1e-12 {
		t.Errorf("specific %+v, want 2a/(2a+b+c) = 10/13 and 2d/(2d+b+c) = 4/7", got)
	}
}

func TestStanceComparedOnlyTowardsTheSameTarget(t *testing.T) {
	mk := func(stance string, towards int64) *annotate.Layer {
		return newLayer().target(1, "Amazon", 1, false).target(2, "India", 2, false).
			mention(10, 5, 11, 1).mention(11, 30, 35, 2).quote(20, 0, 40).
			label("quote_stance", "q20", stance, towards).l
	}
	s := set([]*annotate.Layer{mk("against", 1), mk("against", 1), mk("favor", 2), nil})
	rep, err := Compute(s, Options{Tasks: []string{"quote_stance"}})
	if err != nil {
		t.Fatal(err)
	}
	st := rep.Tasks[0].Stance
	if st == nil || st.Units != 1 || st.TowardsDiffered != 1 || float64(st.DifferedShare) != 1 {
		t.Fatalf("stance %+v", st)
	}
	// Only ana and ben (towards Amazon) are compared: they agree.
	if rep.Tasks[0].PairableUnits != 1 || rep.Tasks[0].PercentAgreement != 1 {
		t.Errorf("task %+v", rep.Tasks[0])
	}
	items := s.Items(s.Matches())
	if v, towards := items[0].Majority(); v != "against" || towards != 0 {
		t.Errorf("majority %q towards %d", v, towards)
	}
	ds := s.Disagreements(items)
	if len(ds) != 1 || ds[0].Distance != 1 {
		t.Errorf("disagreements %+v", ds)
	}
}

func TestDisagreementsFurthestFirst(t *testing.T) {
	doc := func(vs ...string) []*annotate.Layer {
		var ls []*annotate.Layer
		for _, v := range vs {
			ls = append(ls, newLayer().label("document_sentiment", "doc", v, 0).l)
		}
		return append(ls, nil)
	}
	s := set(doc("neutral", "positive", "positive"), doc("negative", "positive", "positive"),
		doc("negative", "neutral", "positive"), doc("neutral", "neutral", "neutral"))
	ds := s.Disagreements(s.Items(s.Matches()))
	if len(ds) != 3 {
		t.Fatalf("%d disagreements", len(ds))
	}
	// docs 3 (distance 1, three values), 2 (distance 1, two), 1 (0.5).
	if ds[0].DocID != 3 || ds[1].DocID != 2 || ds[2].DocID != 1 || ds[2].Distance != 0.5 {
		t.Errorf("order %d %d %d, distance %v", ds[0].DocID, ds[1].DocID, ds[2].DocID, ds[2].Distance)
	}
	if v, _ := ds[0].Majority(); v != "" {
		t.Errorf("majority of a three-way split: %q", v)
	}
}

func TestNumJSON(t *testing.T) {
	js, _ := json.Marshal([]Num{Num(math.NaN()), 0.123456789, 1})
	if string(js) != "[null,0.123457,1]" {
		t.Errorf("%s", js)
	}
}

func TestSliceCountsCodePoints(t *testing.T) {
	text := "⚖️ Amazon — “Yes,” he said"
	r := []rune(text)
	for _, c := range [][2]int{{0, 2}, {3, 9}, {12, 18}, {0, len(r)}, {5, 5}, {len(r), len(r)}} {
		if got, want := slice(text, c[0], c[1]), string(r[c[0]:c[1]]); got != want {
			t.Errorf("slice %v = %q, want %q", c, got, want)
		}
	}
	if slice(text, 3, 99) != "" || slice(text, 4, 2) != "" {
		t.Error("out of range gave text")
	}
}
