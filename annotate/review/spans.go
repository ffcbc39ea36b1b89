package review

import (
	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/agree"
)

// Attribution labels: how quotes are compared token by token, as in
// PolNeAR (the quote is the Content, its speaker the Source, its cue the
// Cue).
const (
	LabelContent = "Content"
	LabelSource  = "Source"
	LabelCue     = "Cue"
)

// SpanReport is agreement on the span layers.
type SpanReport struct {
	Entities SpanLayerReport `json:"entities"`
	// Quotes compares quote spans; its token alpha is over
	// Source/Cue/Content/none.
	Quotes   SpanLayerReport `json:"quotes"`
	Speakers SpeakerReport   `json:"speakers"`
}

// SpanLayerReport is span F1 (exact and overlap, micro-averaged over every
// pair of annotators and document, and per label) and token-level alpha.
type SpanLayerReport struct {
	Documents  int          `json:"documents"` // documents two or more annotators count on
	ExactF1    Num          `json:"exact_f1"`
	OverlapF1  Num          `json:"overlap_f1"`
	PerLabel   []LabelF1    `json:"per_label"`
	Pairs      []SpanPairF1 `json:"pairs"`
	TokenAlpha Num          `json:"token_alpha"`
	Tokens     int          `json:"tokens"`
	Labels     []string     `json:"token_labels"`
}

// LabelF1 is span F1 for one label.
type LabelF1 struct {
	Label     string `json:"label"`
	ExactF1   Num    `json:"exact_f1"`
	OverlapF1 Num    `json:"overlap_f1"`
}

// SpanPairF1 is span F1 between two annotators.
type SpanPairF1 struct {
	A         string `json:"a"`
	B         string `json:"b"`
	ExactF1   Num    `json:"exact_f1"`
	OverlapF1 Num    `json:"overlap_f1"`
}

// SpeakerReport is agreement on who speaks, over quotes matched across
// annotators: a pair agrees when both left the quote unattributed or their
// speaker spans overlap by at least half of the shorter.
type SpeakerReport struct {
	MatchedQuotes int `json:"matched_quotes"` // quotes two or more annotators have
	Pairs         int `json:"pairs"`          // annotator pairs compared on them
	Agreed        int `json:"agreed"`
	Exact         int `json:"exact"` // pairs with identical speaker spans
	Agreement     Num `json:"agreement"`
}

// entitySpans are a layer's live entity spans, labelled by entity label.
func entitySpans(l *annotate.Layer) []agree.Span {
	var out []agree.Span
	for _, sp := range l.Spans {
		if sp.Kind == annotate.KindEntity && sp.Live() {
			out = append(out, agree.Span{Start: sp.Start, End: sp.End, Label: sp.Label})
		}
	}
	return out
}

// quoteSpans are a layer's live quotes.
func quoteSpans(l *annotate.Layer) []agree.Span {
	var out []agree.Span
	for _, q := range l.Quotes() {
		out = append(out, agree.Span{Start: q.Start, End: q.End, Label: "quote"})
	}
	return out
}

// attributionSpans are a layer's quotes as PolNeAR labels them: the
// quote's pieces are Content, its speaker the Source, its cue the Cue.
func attributionSpans(l *annotate.Layer) []agree.Span {
	var out []agree.Span
	for _, q := range l.Quotes() {
		if len(q.Fragments) > 0 {
			for _, f := range q.Fragments {
				out = append(out, agree.Span{Start: f[0], End: f[1], Label: LabelContent})
			}
		} else {
			out = append(out, agree.Span{Start: q.Start, End: q.End, Label: LabelContent})
		}
		if q.HasSpeaker {
			out = append(out, agree.Span{Start: q.SpeakerStart, End: q.SpeakerEnd, Label: LabelSource})
		}
		if q.HasCue {
			out = append(out, agree.Span{Start: q.CueStart, End: q.CueEnd, Label: LabelCue})
		}
	}
	return out
}

// TokenRuns are a layer's token labels (agree.TokenRuns) for token alpha:
// over its entity labels, and over Source/Cue/Content.
type TokenRuns struct {
	Entities, Attribution []agree.Run
}

// LayerRuns labels tokens from a layer's spans.
func LayerRuns(tokens []agree.Token, l *annotate.Layer) TokenRuns {
	return TokenRuns{Entities: agree.TokenRuns(tokens, entitySpans(l)), Attribution: agree.TokenRuns(tokens, attributionSpans(l))}
}

func spanReport(s *Set, matches []*Matched) *SpanReport {
	k := len(s.Annotators)
	rep := &SpanReport{}
	rep.Entities = layerReport(s, entitySpans, func(r TokenRuns) []agree.Run { return r.Entities })
	rep.Quotes = layerReport(s, quoteSpans, func(r TokenRuns) []agree.Run { return r.Attribution })
	for d, m := range matches {
		rep.Speakers.count(&s.Docs[d], m, k)
	}
	rep.Speakers.finish()
	return rep
}

// count adds the speakers of one document's matched quotes, over its
// first k layers (the annotators'; gold aside).
func (sr *SpeakerReport) count(doc *Doc, m *Matched, k int) {
	for _, u := range m.Quotes {
		var spk []*annotate.Span
		for i := 0; i < k; i++ {
			if u.Refs[i] == "" || doc.Layers[i] == nil {
				continue
			}
			_, id, _ := annotate.ParseUnit(u.Refs[i])
			if q, ok := doc.Layers[i].Span(id); ok {
				spk = append(spk, &q)
			}
		}
		if len(spk) < 2 {
			continue
		}
		sr.MatchedQuotes++
		for a := 0; a < len(spk); a++ {
			for b := a + 1; b < len(spk); b++ {
				sr.Pairs++
				x, y := spk[a], spk[b]
				switch {
				case !x.HasSpeaker && !y.HasSpeaker:
					sr.Agreed++
					sr.Exact++
				case x.HasSpeaker && y.HasSpeaker:
					if x.SpeakerStart == y.SpeakerStart && x.SpeakerEnd == y.SpeakerEnd {
						sr.Exact++
					}
					if quoteScore([][2]int{{x.SpeakerStart, x.SpeakerEnd}}, [][2]int{{y.SpeakerStart, y.SpeakerEnd}}) > 0 {
						sr.Agreed++
					}
				}
			}
		}
	}
}

// finish works out the share of pairs that agree (undefined without pairs).
func (sr *SpeakerReport) finish() {
	sr.Agreement = nan
	if sr.Pairs > 0 {
		sr.Agreement = Num(float64(sr.Agreed) / float64(sr.Pairs))
	}
}

// layerReport compares one span layer: spans picks the spans for F1, runs
// the token labels for token alpha.
func layerReport(s *Set, spans func(*annotate.Layer) []agree.Span, runs func(TokenRuns) []agree.Run) SpanLayerReport {
	k := len(s.Annotators)
	rep := SpanLayerReport{ExactF1: nan, OverlapF1: nan, TokenAlpha: nan, PerLabel: []LabelF1{}, Pairs: []SpanPairF1{}}
	pairUnits := make([][]agree.SpanUnit, k*k)
	all := 0 // units compared
	var docs [][][]agree.Run
	for _, doc := range s.Docs {
		n := 0
		for i := 0; i < k; i++ {
			if doc.Layers[i] != nil {
				n++
			}
		}
		if n < 2 {
			continue
		}
		rep.Documents++
		per := make([][]agree.Span, k)
		tok := make([][]agree.Run, k)
		var tokens []agree.Token
		for i := 0; i < k; i++ {
			if doc.Layers[i] == nil {
				continue
			}
			per[i] = spans(doc.Layers[i])
			if i < len(doc.Runs) && doc.Runs[i] != nil {
				tok[i] = runs(*doc.Runs[i])
			} else {
				if tokens == nil {
					tokens = agree.WhitespaceTokens(doc.Text)
				}
				tok[i] = runs(LayerRuns(tokens, doc.Layers[i]))
			}
		}
		for a := 0; a < k; a++ {
			for b := a + 1; b < k; b++ {
				if doc.Layers[a] == nil || doc.Layers[b] == nil {
					continue
				}
				pairUnits[a*k+b] = append(pairUnits[a*k+b], agree.SpanUnit{A: per[a], B: per[b]})
				all++
			}
		}
		docs = append(docs, tok)
	}
	if all == 0 {
		return rep
	}
	var exacts, overlaps []agree.SpanResult
	for a := 0; a < k; a++ {
		for b := a + 1; b < k; b++ {
			us := pairUnits[a*k+b]
			if len(us) == 0 {
				continue
			}
			e, o := agree.SpanF1(us, agree.Exact), agree.SpanF1(us, agree.Overlap)
			exacts, overlaps = append(exacts, e), append(overlaps, o)
			rep.Pairs = append(rep.Pairs, SpanPairF1{A: s.Annotators[a], B: s.Annotators[b],
				ExactF1: Num(e.Micro.F1), OverlapF1: Num(o.Micro.F1)})
		}
	}
	exact, overlap := agree.MergeSpanResults(agree.Exact, exacts...), agree.MergeSpanResults(agree.Overlap, overlaps...)
	rep.ExactF1, rep.OverlapF1 = Num(exact.Micro.F1), Num(overlap.Micro.F1)
	for _, l := range exact.Labels {
		rep.PerLabel = append(rep.PerLabel, LabelF1{Label: l, ExactF1: Num(exact.PerLabel[l].F1), OverlapF1: Num(overlap.PerLabel[l].F1)})
	}
	if a, tokens, labels, err := agree.RunTokenAlpha(docs, s.Annotators); err == nil {
		rep.TokenAlpha, rep.Tokens, rep.Labels = Num(a.Alpha), tokens, labels
	}
	return rep
}
