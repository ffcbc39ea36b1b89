package annotate

import (
	"strconv"
	"strings"
)

// Decision is what an annotator did with a suggested span.
type Decision string

// Decisions. Pending means the annotator has not touched the suggestion;
// counting how many were accepted unchanged measures both the pre-tagger and
// rubber-stamping.
const (
	Pending  Decision = "pending"
	Accepted Decision = "accepted"
	Edited   Decision = "edited"
	Rejected Decision = "rejected"
	Added    Decision = "added"
)

// Span kinds.
const (
	KindEntity = "entity"
	KindQuote  = "quote"
)

// Span is one of an annotator's spans: an entity mention or a direct quote.
// Offsets are code points, half-open.
type Span struct {
	ID         int64
	Kind       string // KindEntity or KindQuote
	Start, End int
	Label      string // entity label (PERSON, ORG, GPE, LOC); empty for quotes
	TargetID   int64  // the target an entity refers to, or a quote is about; 0 if none
	// Speaker is a quote's speaker span; HasSpeaker is false when unattributed.
	SpeakerStart, SpeakerEnd int
	HasSpeaker               bool
	SuggestionID             int64 // the suggestion it came from; 0 if added
	Decision                 Decision
	// Cue is a quote's cue ("said"), when known (brat attributions);
	// HasCue is false otherwise.
	CueStart, CueEnd int
	HasCue           bool
	// Fragments are the pieces of a discontinuous quote, in order, within
	// [Start, End); nil for a quote in one piece.
	Fragments [][2]int
}

// Live reports whether the span counts (it was not rejected).
func (s Span) Live() bool { return s.Decision != Rejected }

// Target is one of an annotator's targets: a real-world entity.
type Target struct {
	ID      int64
	Name    string
	Label   string
	Deleted bool
	// Suggestion is the suggested target it was seeded from, as its
	// position in the engine's list plus one; 0 for a target the
	// annotator made (added, split off).
	Suggestion int
}

// GoldAnnotator is the reserved annotator whose layer holds adjudicated
// labels: written like any other layer, with who decided in the event log.
const GoldAnnotator = "gold"

// Unit keys: what a label is about.
const UnitDocument = "doc"

// TargetUnit is the unit key of a target.
func TargetUnit(id int64) string { return string(AppendTargetUnit(nil, id)) }

// AppendTargetUnit appends the unit key of a target to b.
func AppendTargetUnit(b []byte, id int64) []byte { return strconv.AppendInt(append(b, 't'), id, 10) }

// QuoteUnit is the unit key of a quote.
func QuoteUnit(id int64) string { return string(AppendQuoteUnit(nil, id)) }

// AppendQuoteUnit appends the unit key of a quote to b.
func AppendQuoteUnit(b []byte, id int64) []byte { return strconv.AppendInt(append(b, 'q'), id, 10) }

// EntityUnit is the unit key of an entity span, as the review compares
// span layers (labels are never about one).
func EntityUnit(id int64) string { return "e" + strconv.FormatInt(id, 10) }

// ParseUnit splits a unit key into its scope and id.
func ParseUnit(unit string) (scope string, id int64, ok bool) {
	if unit == UnitDocument {
		return "document", 0, true
	}
	if len(unit) < 2 {
		return "", 0, false
	}
	id, err := strconv.ParseInt(unit[1:], 10, 64)
	if err != nil {
		return "", 0, false
	}
	switch unit[0] {
	case 't':
		return "target", id, true
	case 'q':
		return "quote", id, true
	case 'e':
		return "entity", id, true
	}
	return "", 0, false
}

// LabelKey names one label of a document: a task and a unit.
type LabelKey struct{ Task, Unit string }

// LabelValue is a label's value and, for stance, what it is towards.
type LabelValue struct {
	Value   string
	Towards int64 // a target id; 0 if not applicable
}

// Document statuses for one annotator.
const (
	StatusToDo       = "to do"
	StatusInProgress = "in progress"
	StatusDone       = "done"
	StatusSkipped    = "skipped"
)

// Layer is one annotator's work on one document: their targets and spans
// (seeded from the suggestions), their labels and the document's status.
type Layer struct {
	DocID       int64
	AnnotatorID int64
	Targets     []Target
	Spans       []Span
	Labels      map[LabelKey]LabelValue
	Status      string
}

// LiveTargets returns the targets not deleted, in order.
func (l *Layer) LiveTargets() []Target {
	out := make([]Target, 0, len(l.Targets))
	for _, t := range l.Targets {
		if !t.Deleted {
			out = append(out, t)
		}
	}
	return out
}

// Quotes returns the live quotes, in text order.
func (l *Layer) Quotes() []Span {
	var out []Span
	for _, s := range l.Spans {
		if s.Kind == KindQuote && s.Live() {
			out = append(out, s)
		}
	}
	return out
}

// Mentions returns the live entity spans of a target.
func (l *Layer) Mentions(targetID int64) []Span {
	var out []Span
	for _, s := range l.Spans {
		if s.Kind == KindEntity && s.Live() && s.TargetID == targetID {
			out = append(out, s)
		}
	}
	return out
}

// Target returns the target with id.
func (l *Layer) Target(id int64) (Target, bool) {
	for _, t := range l.Targets {
		if t.ID == id {
			return t, true
		}
	}
	return Target{}, false
}

// Span returns the span with id.
func (l *Layer) Span(id int64) (Span, bool) {
	for _, s := range l.Spans {
		if s.ID == id {
			return s, true
		}
	}
	return Span{}, false
}

// QuoteTarget returns the pre-filled target of a quote's stance: the target
// the quote mentions most, else the speaker's target, else the target
// mentioned most in the quote's paragraph [para[0], para[1]), else 0.
func (l *Layer) QuoteTarget(q Span, para [2]int) int64 {
	if t := l.mostMentioned(q.Start, q.End); t != 0 {
		return t
	}
	if q.TargetID != 0 {
		return q.TargetID
	}
	return l.mostMentioned(para[0], para[1])
}

// mostMentioned returns the target with the most live mentions inside
// [start, end), the earliest on a tie.
func (l *Layer) mostMentioned(start, end int) int64 {
	counts := map[int64]int{}
	best, bestN := int64(0), 0
	for _, s := range l.Spans {
		if s.Kind != KindEntity || !s.Live() || s.TargetID == 0 || s.Start < start || s.End > end {
			continue
		}
		counts[s.TargetID]++
		if n := counts[s.TargetID]; n > bestN {
			best, bestN = s.TargetID, n
		}
	}
	return best
}

// TargetNamed returns the live target called name, or one with a mention
// whose text is name (text gives a span's text), else 0: where a new
// mention of a known name belongs.
func (l *Layer) TargetNamed(name string, text func(start, end int) string) int64 {
	n := NormalName(name)
	for _, t := range l.LiveTargets() {
		if NormalName(t.Name) == n {
			return t.ID
		}
		for _, m := range l.Mentions(t.ID) {
			if NormalName(text(m.Start, m.End)) == n {
				return t.ID
			}
		}
	}
	return 0
}

// Counts tallies the annotator's decisions on suggestions.
func (l *Layer) Counts() map[Decision]int {
	c := map[Decision]int{}
	for _, s := range l.Spans {
		c[s.Decision]++
	}
	return c
}

// NormalName folds a target name for matching across annotators.
func NormalName(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(name), " "))
}
