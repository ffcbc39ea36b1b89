package format

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/slant-annotate/slant/annotate"
)

// Labelled is what a labelled JSONL record (a doccano or Prodigy line, as
// Slant and those tools write them) says about its text: spans and
// document labels, offsets in code points.
type Labelled struct {
	// Annotator is the annotator the record names ("source" in Slant's
	// doccano lines, "_annotator_id" in Prodigy's), if any.
	Annotator string
	Entities  []LabelledSpan
	Quotes    []LabelledQuote
	// DocLabels are "task:value" categories (doccano's cats, Prodigy's
	// accepted choices with meta.task), as task and value.
	DocLabels [][2]string
}

// LabelledSpan is an entity span.
type LabelledSpan struct {
	Start, End int
	Label      string
}

// LabelledQuote is a quote with its speaker's span, if linked.
type LabelledQuote struct {
	Start, End int
	Speaker    *[2]int
}

// LabelledRecord reads d (a JSONL line read by Read) as a doccano or
// Prodigy record, reporting whether it is one. Spans outside the text are
// errors naming the line (d.Source); a Prodigy token whose text is not the
// text at its offsets too, since then every offset would be off.
func LabelledRecord(d annotate.Document) (Labelled, bool, error) {
	var l Labelled
	n := utf8.RuneCountInString(d.Text)
	check := func(what string, s, e int) error {
		if s < 0 || s >= e || e > n {
			return fmt.Errorf("%s: %s [%d, %d) is outside the text (%d characters) or empty", d.Source, what, s, e, n)
		}
		return nil
	}
	if spans, ok := d.Meta["label"].([]any); ok { // doccano
		l.Annotator, _ = d.Meta["source"].(string)
		for i, raw := range spans {
			t, ok := raw.([]any)
			if !ok || len(t) != 3 {
				return l, true, fmt.Errorf("%s: label %d is not [start, end, label]", d.Source, i+1)
			}
			s, err1 := number(t[0])
			e, err2 := number(t[1])
			label, ok := t[2].(string)
			if err1 != nil || err2 != nil || !ok {
				return l, true, fmt.Errorf("%s: label %d is not [start, end, label]", d.Source, i+1)
			}
			if err := check("label "+label, int(s), int(e)); err != nil {
				return l, true, err
			}
			switch label {
			case "QUOTE":
				l.Quotes = append(l.Quotes, LabelledQuote{Start: int(s), End: int(e)})
			case "SPEAKER":
				// linked below to the quote it is nearest before or after
				l.Entities = append(l.Entities, LabelledSpan{Start: int(s), End: int(e), Label: "SPEAKER"})
			default:
				l.Entities = append(l.Entities, LabelledSpan{Start: int(s), End: int(e), Label: label})
			}
		}
		if cats, ok := d.Meta["cats"].([]any); ok {
			for _, c := range cats {
				if task, value, ok := strings.Cut(fmt.Sprint(c), ":"); ok {
					l.DocLabels = append(l.DocLabels, [2]string{task, value})
				}
			}
		}
		l.Entities = linkSpeakers(&l.Quotes, l.Entities)
		return l, true, nil
	}
	if _, ok := d.Meta["_view_id"]; !ok {
		return l, false, nil
	}
	// Prodigy.
	l.Annotator, _ = d.Meta["_annotator_id"].(string)
	if toks, ok := d.Meta["tokens"].([]any); ok {
		runes := []rune(d.Text)
		for i, raw := range toks {
			t, _ := raw.(map[string]any)
			s, err1 := number(t["start"])
			e, err2 := number(t["end"])
			text, _ := t["text"].(string)
			if err1 != nil || err2 != nil || int(s) < 0 || int(s) > int(e) || int(e) > n || string(runes[int(s):int(e)]) != text {
				return l, true, fmt.Errorf("%s: token %d %q is not the text at its offsets", d.Source, i, text)
			}
		}
	}
	spans, _ := d.Meta["spans"].([]any)
	var speakers []LabelledSpan
	for i, raw := range spans {
		sp, _ := raw.(map[string]any)
		s, err1 := number(sp["start"])
		e, err2 := number(sp["end"])
		label, _ := sp["label"].(string)
		if err1 != nil || err2 != nil {
			return l, true, fmt.Errorf("%s: span %d has no start and end", d.Source, i+1)
		}
		if err := check("span "+label, int(s), int(e)); err != nil {
			return l, true, err
		}
		switch label {
		case "QUOTE":
			l.Quotes = append(l.Quotes, LabelledQuote{Start: int(s), End: int(e)})
		case "SPEAKER":
			speakers = append(speakers, LabelledSpan{Start: int(s), End: int(e), Label: label})
		default:
			l.Entities = append(l.Entities, LabelledSpan{Start: int(s), End: int(e), Label: label})
		}
	}
	// SPOKEN_BY relations link a quote (head) to its speaker (child).
	rels, _ := d.Meta["relations"].([]any)
	for _, raw := range rels {
		r, _ := raw.(map[string]any)
		head, _ := r["head_span"].(map[string]any)
		child, _ := r["child_span"].(map[string]any)
		hs, _ := number(head["start"])
		he, _ := number(head["end"])
		cs, _ := number(child["start"])
		ce, _ := number(child["end"])
		for i := range l.Quotes {
			if q := &l.Quotes[i]; q.Start == int(hs) && q.End == int(he) && check("speaker", int(cs), int(ce)) == nil {
				q.Speaker = &[2]int{int(cs), int(ce)}
			}
		}
	}
	if accept, ok := d.Meta["accept"].([]any); ok {
		meta, _ := d.Meta["meta"].(map[string]any)
		task, _ := meta["task"].(string)
		for _, a := range accept {
			if v := fmt.Sprint(a); task != "" && v != "" {
				l.DocLabels = append(l.DocLabels, [2]string{task, v})
			}
		}
	}
	return l, true, nil
}

// linkSpeakers gives each quote the SPEAKER span nearest to it (doccano
// has no relations), and returns the other entities.
func linkSpeakers(quotes *[]LabelledQuote, entities []LabelledSpan) []LabelledSpan {
	var rest, speakers []LabelledSpan
	for _, e := range entities {
		if e.Label == "SPEAKER" {
			speakers = append(speakers, e)
		} else {
			rest = append(rest, e)
		}
	}
	for i := range *quotes {
		q := &(*quotes)[i]
		best, bestGap := -1, 0
		for j, s := range speakers {
			gap := max(s.Start-q.End, q.Start-s.End, 0)
			if best < 0 || gap < bestGap {
				best, bestGap = j, gap
			}
		}
		if best >= 0 {
			q.Speaker = &[2]int{speakers[best].Start, speakers[best].End}
		}
	}
	return rest
}
