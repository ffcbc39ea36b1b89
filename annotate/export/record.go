// Package export turns annotators' layers into the files people train
// with: one Record per document and source (an annotator, or gold), written
// by an Encoder in one format (Formats). Offsets are Unicode code points,
// as everywhere in Slant, so that Python's text[start:end] is the span's
// text. Pure Go: the store reads the layers, app/ops streams them here.
package export

import (
	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/schema"
)

// Record is one document's labels from one source, as the exports write
// them: what the source labelled and the spans it kept (rejected
// suggestions are left out).
type Record struct {
	DocID  int64
	SHA256 string
	Title  string
	URL    string
	Text   string
	// Source is whose labels these are: an annotator's name, or "gold".
	Source   string
	Labels   []Label // document labels, in schema order
	Entities []Entity
	Targets  []Target
	Quotes   []Quote
}

// Label is one task's value.
type Label struct {
	Task, Value string
	// Towards, for a stance, is the name of the target it is towards ("" if
	// none).
	Towards string
}

// Entity is an entity span with the target it refers to.
type Entity struct {
	Start, End int
	Label      string
	Text       string
	Target     string // the target's name, "" if none
}

// Target is a real-world entity the document mentions, with its labels.
type Target struct {
	Name     string
	Label    string
	Mentions [][2]int
	Text     string // the first mention's text
	Labels   []Label
}

// Quote is a direct quote with its speaker and labels.
type Quote struct {
	Start, End int
	Text       string
	// Speaker is the speaker's span, nil when unattributed.
	Speaker     *[2]int
	SpeakerText string
	Labels      []Label
}

// FromLayer makes the record of layer l of doc under schema sch, for
// source; sha256 is the text's, as stored ("": worked out here).
func FromLayer(doc annotate.Document, sha256 string, l *annotate.Layer, sch *schema.Schema, source string) Record {
	slice := annotate.RuneSlicer(doc.Text)
	if sha256 == "" {
		sha256 = doc.SHA256()
	}
	r := Record{DocID: doc.ID, SHA256: sha256, Title: doc.Title, URL: doc.URL, Text: doc.Text, Source: source}
	targetName := map[int64]string{}
	for _, t := range l.LiveTargets() {
		targetName[t.ID] = t.Name
	}
	labels := func(scope schema.Scope, unit string) []Label {
		var out []Label
		for _, task := range sch.Tasks {
			if task.Scope != scope {
				continue
			}
			if v, ok := l.Labels[annotate.LabelKey{Task: task.Name, Unit: unit}]; ok && v.Value != "" {
				out = append(out, Label{Task: task.Name, Value: v.Value, Towards: targetName[v.Towards]})
			}
		}
		return out
	}
	r.Labels = labels(schema.ScopeDocument, annotate.UnitDocument)
	// Each target's mentions, in one pass over the spans (a target per
	// span pass would be quadratic on a long article).
	mentions := map[int64][][2]int{}
	for _, s := range l.Spans {
		if s.Kind == annotate.KindEntity && s.Live() && s.TargetID != 0 {
			mentions[s.TargetID] = append(mentions[s.TargetID], [2]int{s.Start, s.End})
		}
	}
	for _, t := range l.LiveTargets() {
		tg := Target{Name: t.Name, Label: t.Label, Mentions: mentions[t.ID], Labels: labels(schema.ScopeTarget, annotate.TargetUnit(t.ID))}
		if len(tg.Mentions) > 0 {
			tg.Text = slice(tg.Mentions[0][0], tg.Mentions[0][1])
		}
		r.Targets = append(r.Targets, tg)
	}
	for _, s := range l.Spans {
		if s.Kind != annotate.KindEntity || !s.Live() {
			continue
		}
		r.Entities = append(r.Entities, Entity{Start: s.Start, End: s.End, Label: s.Label, Text: slice(s.Start, s.End),
			Target: targetName[s.TargetID]})
	}
	for _, q := range l.Quotes() {
		rq := Quote{Start: q.Start, End: q.End, Text: slice(q.Start, q.End), Labels: labels(schema.ScopeQuote, annotate.QuoteUnit(q.ID))}
		if q.HasSpeaker {
			rq.Speaker = &[2]int{q.SpeakerStart, q.SpeakerEnd}
			rq.SpeakerText = slice(q.SpeakerStart, q.SpeakerEnd)
		}
		r.Quotes = append(r.Quotes, rq)
	}
	return r
}
