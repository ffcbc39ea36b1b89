package export

import (
	"strconv"

	"github.com/slant-annotate/slant/annotate"
)

// The targets format is targeted sentiment as NewsMTSC writes it, one line
// per (document, target label): the text as "sentence_normalized", the
// target's mentions as "targets" with NewsMTSC's polarity score (2
// negative, 4 neutral, 6 positive; 0 for a value outside that scale, whose
// label is in "label" either way), and "primary_gid" naming the line.
// NewsMTSC's own loaders read it; importing a NewsMTSC file with
// --annotator and exporting it gives back its sentences, offsets and
// polarities.

type targetsRecord struct {
	DocID      int64           `json:"doc_id"`
	SHA256     string          `json:"sha256"`
	Source     string          `json:"source"`
	PrimaryGID string          `json:"primary_gid"`
	Text       string          `json:"sentence_normalized"`
	Target     string          `json:"target"`
	Task       string          `json:"task"`
	Label      string          `json:"label"`
	Targets    []targetMention `json:"targets"`
}

type targetMention struct {
	GID      string  `json:"Input.gid"`
	From     int     `json:"from"`
	To       int     `json:"to"`
	Mention  string  `json:"mention"`
	Polarity float64 `json:"polarity"`
}

// newsMTSCScores are NewsMTSC's polarity scores of the target_sentiment
// values (as annotate/format reads them).
var newsMTSCScores = map[string]float64{"negative": 2, "neutral": 4, "positive": 6}

func targetsLines(r Record) []any {
	var out []any
	x := annotate.RuneSlicer(r.Text)
	for _, t := range r.Targets {
		for _, l := range t.Labels {
			rec := targetsRecord{DocID: r.DocID, SHA256: r.SHA256, Source: r.Source, Text: r.Text, Target: t.Name,
				Task: l.Task, Label: l.Value, Targets: []targetMention{}}
			for i, m := range t.Mentions {
				gid := r.SHA256[:min(12, len(r.SHA256))] + "_" + t.Name + "_" + strconv.Itoa(m[0]) + "_" + strconv.Itoa(m[1])
				if i == 0 {
					rec.PrimaryGID = gid
				}
				rec.Targets = append(rec.Targets, targetMention{GID: gid, From: m[0], To: m[1], Mention: x(m[0], m[1]),
					Polarity: newsMTSCScores[l.Value]})
			}
			out = append(out, rec)
		}
	}
	return out
}
