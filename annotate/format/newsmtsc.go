package format

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/slant-annotate/slant/annotate"
)

// NewsMTSCTarget is one target mention of a NewsMTSC sentence, with its
// polarity as the schema's target_sentiment value.
type NewsMTSCTarget struct {
	From, To int // code points into the sentence
	Mention  string
	Value    string // negative, neutral or positive
}

// NewsMTSCValues maps NewsMTSC's polarity scores to target_sentiment
// values; NewsMTSCScores is the reverse.
var (
	NewsMTSCValues = map[float64]string{2: "negative", 4: "neutral", 6: "positive"}
	NewsMTSCScores = map[string]float64{"negative": 2, "neutral": 4, "positive": 6}
)

// NewsMTSCTargets returns the targets of a NewsMTSC record read as a
// document (its "targets" kept in Meta), and whether it is one. A mention
// that is not the sentence's text at its offsets, or a polarity other than
// 2, 4 or 6, is an error naming the document's source (file and line).
func NewsMTSCTargets(d annotate.Document) ([]NewsMTSCTarget, bool, error) {
	raw, ok := d.Meta["targets"].([]any)
	if !ok || d.Meta["primary_gid"] == nil {
		return nil, false, nil
	}
	runes := []rune(d.Text)
	var out []NewsMTSCTarget
	for i, r := range raw {
		m, ok := r.(map[string]any)
		if !ok {
			return nil, true, fmt.Errorf("%s: target %d is not an object", d.Source, i+1)
		}
		from, err1 := number(m["from"])
		to, err2 := number(m["to"])
		score, err3 := number(m["polarity"])
		mention, _ := m["mention"].(string)
		if err1 != nil || err2 != nil || err3 != nil {
			return nil, true, fmt.Errorf("%s: target %d: from, to and polarity must be numbers", d.Source, i+1)
		}
		f, t := int(from), int(to)
		if f < 0 || f >= t || t > len(runes) {
			return nil, true, fmt.Errorf("%s: target %d %q at [%d, %d): outside the sentence (%d characters)", d.Source, i+1, mention, f, t, len(runes))
		}
		if got := string(runes[f:t]); got != mention {
			return nil, true, fmt.Errorf("%s: target %d: the text at [%d, %d) is %q, not the mention %q", d.Source, i+1, f, t, got, mention)
		}
		v, ok := NewsMTSCValues[score]
		if !ok {
			return nil, true, fmt.Errorf("%s: target %d %q: polarity %g is not 2 (negative), 4 (neutral) or 6 (positive)", d.Source, i+1, mention, score)
		}
		out = append(out, NewsMTSCTarget{From: f, To: t, Mention: mention, Value: v})
	}
	return out, true, nil
}

// number reads a JSON number however the reader kept it.
func number(v any) (float64, error) {
	switch n := v.(type) {
	case json.Number:
		return n.Float64()
	case float64:
		return n, nil
	case string:
		return strconv.ParseFloat(n, 64)
	}
	return 0, fmt.Errorf("not a number: %v", v)
}
