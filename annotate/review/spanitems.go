package review

import (
	"fmt"
	"slices"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/schema"
)

// The span layers are reviewed as two tasks of their own, beside the
// schema's: a unit is an entity span or a quote matched across layers, and
// an annotator's value is their span as it reads (SpanValue), or "none"
// where they have no span there. Only units where annotators differ are
// items: agreement on spans is the span report's. They are not in the schema, so no label
// report counts them (the span report does); gold's answer is a span
// copied from the annotator chosen, or a rejected one for "none".
const (
	EntitySpans = "entity spans"
	QuoteSpans  = "quote spans"
	// NoSpan is the value of an annotator who has no span at a unit.
	NoSpan = "none"
	// ScopeEntity is the scope of an entity span unit.
	ScopeEntity schema.Scope = "entity"
)

// IsSpanTask reports whether task is one of the span layers' review tasks.
func IsSpanTask(task string) bool { return task == EntitySpans || task == QuoteSpans }

// SpanValue is how a span reads as a review value: an entity's label and
// text; a quote's place, opening words and speaker; NoSpan for a rejected
// span. Two spans read the same only when they are the same span.
func SpanValue(text string, s annotate.Span) string {
	if !s.Live() {
		return NoSpan
	}
	if s.Kind == annotate.KindEntity {
		return fmt.Sprintf("%s «%s»", s.Label, slice(text, s.Start, s.End))
	}
	v := fmt.Sprintf("%d–%d «%s»", s.Start, s.End, preview(slice(text, s.Start, s.End)))
	if s.HasSpeaker {
		v += fmt.Sprintf(" · speaker «%s»", slice(text, s.SpeakerStart, s.SpeakerEnd))
	}
	for _, f := range s.Fragments {
		v += fmt.Sprintf(" · part %d–%d", f[0], f[1])
	}
	return v
}

// SpanAt returns layer's span that ref (an annotate.EntityUnit or
// annotate.QuoteUnit key) names.
func SpanAt(l *annotate.Layer, ref string) (annotate.Span, bool) {
	if l == nil || ref == "" {
		return annotate.Span{}, false
	}
	_, id, ok := annotate.ParseUnit(ref)
	if !ok {
		return annotate.Span{}, false
	}
	return l.Span(id)
}

// GoldSpanValue is gold's value of a span unit: its span's (NoSpan when
// gold rejected it), or "" while gold has none there.
func (doc *Doc) GoldSpanValue(u Unit) string {
	g := len(doc.Layers) - 1
	if g < 0 || g >= len(u.Refs) {
		return ""
	}
	if sp, ok := SpanAt(doc.Layers[g], u.Refs[g]); ok {
		return SpanValue(doc.Text, sp)
	}
	return ""
}

// appendSpanItems adds document d's span-layer units on which the
// annotators who count differ; the document's items start at out[first].
func (s *Set) appendSpanItems(out []Item, d int, m *Matched, first int) []Item {
	doc := &s.Docs[d]
	k := len(s.Annotators)
	counted := 0
	for i := 0; i < k; i++ {
		if doc.Layers[i] != nil {
			counted++
		}
	}
	if counted < 2 {
		return out
	}
	spans := make([]annotate.Span, k)
	has := make([]bool, k)
	for _, layer := range []struct {
		task  string
		units []Unit
	}{{EntitySpans, m.Entities}, {QuoteSpans, m.Quotes}} {
		for _, u := range layer.units {
			// Most units are the same span in every layer: compared as
			// spans first, and read as values (walking the text) only
			// where they differ.
			live, same := false, true
			for i := 0; i < k; i++ {
				has[i] = false
				if doc.Layers[i] == nil {
					continue
				}
				spans[i], has[i] = SpanAt(doc.Layers[i], u.Refs[i])
				if !has[i] {
					same = false
					continue
				}
				live = live || spans[i].Live()
				for j := 0; j < i && same; j++ {
					if has[j] && !sameSpan(spans[i], spans[j]) {
						same = false
					}
				}
			}
			if !live || same {
				continue
			}
			it := Item{Doc: d, DocID: doc.ID, Task: layer.task, Unit: u, Values: make([]string, k), GoldTowards: -1}
			for i := 0; i < k; i++ {
				switch {
				case has[i]:
					it.Values[i] = SpanValue(doc.Text, spans[i])
				case doc.Layers[i] != nil:
					it.Values[i] = NoSpan
				}
			}
			differ, seen := false, ""
			for _, v := range it.Values {
				if v == "" {
					continue
				}
				if seen == "" {
					seen = v
				} else if v != seen {
					differ = true
				}
			}
			// Which units are items depends on the annotators' layers only,
			// never on gold's (whose target decisions copy mentions too).
			if !differ {
				continue
			}
			if s.Gold && len(doc.Layers) > k {
				it.Gold = doc.GoldSpanValue(u)
			}
			it.Pos = len(out) - first
			out = append(out, it)
		}
	}
	return out
}

// sameSpan reports whether two layers' spans read the same (see SpanValue).
func sameSpan(a, b annotate.Span) bool {
	return a.Live() == b.Live() && a.Kind == b.Kind && a.Start == b.Start && a.End == b.End && a.Label == b.Label &&
		a.HasSpeaker == b.HasSpeaker && (!a.HasSpeaker || a.SpeakerStart == b.SpeakerStart && a.SpeakerEnd == b.SpeakerEnd) &&
		slices.Equal(a.Fragments, b.Fragments)
}
