// Package pretag suggests entities, targets and direct quotes with their
// speakers for a news article: prose v2's named-entity recogniser aligned
// back to the text, with rules on top (tickers, a gazetteer of countries,
// headings, boundary repair, re-finding known names, grouping into targets)
// and a rule-based quote extractor. Every offset in a Result is a Unicode
// code point index, half-open, as Python slices a str.
package pretag

import (
	"unicode/utf8"

	prose "github.com/jdkato/prose/v2"
	"github.com/slant-annotate/slant/annotate"
)

// Labels used in Results: PERSON, ORG, GPE (countries, states, cities) and
// LOC (other places), as prose's model emits them (ORGANIZATION renamed
// ORG), plus MISC for a capitalised name prose missed whose kind no rule
// could tell.
const (
	LabelPerson = "PERSON"
	LabelOrg    = "ORG"
	LabelGPE    = "GPE"
	LabelLoc    = "LOC"
	LabelMisc   = "MISC" // a capitalised name of unknown kind that prose missed
)

// Span is a stretch of the text in code points, half-open.
type Span struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// Entity is one mention of a named entity.
type Entity struct {
	Start  int    `json:"start"`
	End    int    `json:"end"`
	Label  string `json:"label"`
	Text   string `json:"text"`
	Target int    `json:"-"` // index in Result.Targets
	// Source says which evidence produced the mention: "prose", "gazetteer",
	// "ticker", "rule" (boundary repair) or "known" (a name re-found).
	Source string `json:"-"`
}

// Target is one real-world entity: every mention that refers to it.
type Target struct {
	Name     string   `json:"name"`  // canonical name ("United States")
	Label    string   `json:"label"` // PERSON, ORG, GPE, LOC
	Mentions [][2]int `json:"mentions"`
	Entities []int    `json:"-"` // indexes in Result.Entities
	Aliases  []string `json:"-"` // distinct mention texts ("U.S.", "AMZN")
}

// Quote is a direct quotation, quote marks included.
type Quote struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
	// Speaker is the speaker's span in the text (a name, a description
	// such as "a former USTR official", or a pronoun), nil when unattributed.
	Speaker *Span `json:"speaker"`
	// Cue is the attribution cue ("said", "told", "according to"), if any.
	Cue *Span `json:"-"`
	// Target is the index of the target the speaker refers to, or -1. A
	// pronoun speaker resolves to the last named speaker before it.
	Target int `json:"-"`
	// Inherited is true when the quote has no attribution of its own and
	// takes the previous quote's speaker.
	Inherited bool `json:"-"`
	// Part is 0 for a quote's first paragraph, 1, 2, … for the paragraphs a
	// quote continues into (a paragraph that opens a quote without closing
	// it, followed by one that reopens it).
	Part int `json:"-"`
}

// Result is everything pre-tagged in one text.
type Result struct {
	Entities []Entity `json:"entities"`
	Targets  []Target `json:"targets"`
	Quotes   []Quote  `json:"quotes"`
	Engine   string   `json:"-"` // Provenance()
}

// Tagger pre-tags texts. It is safe for concurrent use; all Taggers share
// one prose model, loaded once per process on first use.
type Tagger struct {
	raw bool
}

// Option configures a Tagger.
type Option func(*Tagger)

// RawProse makes the Tagger return prose's own entities only (its chunker,
// aligned back to the text, one target per distinct text, no quotes): the
// baseline the evaluation compares with.
func RawProse() Option { return func(t *Tagger) { t.raw = true } }

// NewTagger returns a Tagger.
func NewTagger(opts ...Option) *Tagger {
	t := &Tagger{}
	for _, o := range opts {
		o(t)
	}
	return t
}

// Tag pre-tags text, which must be valid UTF-8 (as annotate.NormalizeText
// returns it); for invalid UTF-8 the Result is empty.
func (t *Tagger) Tag(text string) *Result {
	res := &Result{Engine: Provenance(), Entities: []Entity{}, Targets: []Target{}, Quotes: []Quote{}}
	if text == "" || !utf8.ValidString(text) {
		return res
	}
	return t.tagTokens(text, proseTokens(text))
}

// tagTokens is Tag after prose: rules, targets and quotes over the aligned
// tokens.
func (t *Tagger) tagTokens(text string, toks []token) *Result {
	res := &Result{Engine: Provenance(), Entities: []Entity{}, Targets: []Target{}, Quotes: []Quote{}}
	ls := splitLines(text)
	var es []ent
	if t.raw {
		es = sortEnts(chunkProse(text, toks, true))
	} else {
		es = findEntities(text, toks, ls)
	}
	tg, of := groupTargets(text, es)
	if t.raw {
		// one target per distinct text
		tg, of = nil, make([]int, len(es))
		idx := map[string]int{}
		for i, x := range es {
			k := text[x.s:x.e]
			j, ok := idx[k]
			if !ok {
				j = len(tg)
				idx[k] = j
				tg = append(tg, Target{Name: k, Label: x.label})
			}
			of[i] = j
		}
	}
	ox := annotate.NewOffsetIndex(text)
	res.Targets = append(res.Targets, tg...)
	seen := make([]map[string]bool, len(tg))
	for i, x := range es {
		s, e := ox.ByteToRune(x.s), ox.ByteToRune(x.e)
		res.Entities = append(res.Entities, Entity{Start: s, End: e, Label: tg[of[i]].Label, Text: text[x.s:x.e], Target: of[i], Source: x.src})
		tt := &res.Targets[of[i]]
		tt.Mentions = append(tt.Mentions, [2]int{s, e})
		tt.Entities = append(tt.Entities, i)
		if seen[of[i]] == nil {
			seen[of[i]] = map[string]bool{}
		}
		if w := text[x.s:x.e]; !seen[of[i]][w] {
			seen[of[i]][w] = true
			tt.Aliases = append(tt.Aliases, w)
		}
	}
	if !t.raw {
		res.Quotes = findQuotes(text, toks, ls, es, of, ox)
	}
	return res
}

// proseTokens runs prose's tokenizer, tagger and entity classifier with the
// shared model and aligns the tokens back to text. Sentence segmentation is
// not used (Slant's quote rules work on the text itself).
func proseTokens(text string) []token {
	doc, err := prose.NewDocument(text, prose.UsingModel(model()), prose.WithSegmentation(false))
	if err != nil {
		return nil
	}
	return alignTokens(text, doc.Tokens())
}
