package export

import (
	"fmt"
	"testing"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/schema"
)

func majorityLayer(id int64, docValue string, spans ...annotate.Span) *annotate.Layer {
	l := &annotate.Layer{DocID: 1, AnnotatorID: id, Status: annotate.StatusDone,
		Labels: map[annotate.LabelKey]annotate.LabelValue{{Task: "document_sentiment", Unit: annotate.UnitDocument}: {Value: docValue}}}
	for i, s := range spans {
		s.ID, s.Kind, s.Decision = int64(i+1), annotate.KindEntity, annotate.Accepted
		l.Spans = append(l.Spans, s)
	}
	return l
}

// Three annotators: the document positive, positive, negative; "Acme
// Corp" drawn whole by two and as "Acme" by one; "Beta Inc" by all;
// "Paris" by one.
func TestMajority(t *testing.T) {
	doc := annotate.Document{ID: 1, Text: "Acme Corp sued Beta Inc in Paris."}
	acme, acmeShort := annotate.Span{Start: 0, End: 9, Label: "ORG"}, annotate.Span{Start: 0, End: 4, Label: "ORG"}
	beta, paris := annotate.Span{Start: 15, End: 23, Label: "ORG"}, annotate.Span{Start: 27, End: 32, Label: "GPE"}
	layers := []*annotate.Layer{
		majorityLayer(1, "positive", acme, beta, paris),
		majorityLayer(2, "positive", acme, beta),
		majorityLayer(3, "negative", acmeShort, beta),
	}
	for _, c := range []struct {
		min           float64
		labels        string
		entities      string
		kept, leftOut int
	}{
		{0.67, "[{document_sentiment positive }]", "[{0 9 ORG Acme Corp } {15 23 ORG Beta Inc }]", 3, 1},
		{0.5, "[{document_sentiment positive }]", "[{0 9 ORG Acme Corp } {15 23 ORG Beta Inc }]", 3, 1},
		{0.9, "[]", "[{15 23 ORG Beta Inc }]", 1, 3},
	} {
		r, count := Majority(doc, "", layers, schema.Default(), c.min)
		if got := fmt.Sprint(r.Labels); got != c.labels && !(c.labels == "[]" && len(r.Labels) == 0) {
			t.Errorf("min %g: labels %s, want %s", c.min, got, c.labels)
		}
		if got := fmt.Sprint(r.Entities); got != c.entities {
			t.Errorf("min %g: entities %s, want %s", c.min, got, c.entities)
		}
		if count.Kept != c.kept || count.LeftOut != c.leftOut || r.Source != MajoritySource {
			t.Errorf("min %g: kept %d, left out %d (source %q), want %d and %d", c.min, count.Kept, count.LeftOut, r.Source, c.kept, c.leftOut)
		}
	}
	// One annotator alone is no majority for a label.
	r, count := Majority(doc, "", []*annotate.Layer{layers[0], nil, nil}, schema.Default(), 0.67)
	if len(r.Labels) != 0 || count.LeftOut == 0 {
		t.Errorf("a lone annotator's label was kept: %+v %+v", r.Labels, count)
	}
}
