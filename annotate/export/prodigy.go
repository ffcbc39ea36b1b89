package export

import (
	"bufio"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"strings"
	"unicode"
)

// The prodigy format is spaCy/Prodigy JSONL, as `prodigy db-out` writes it
// and `prodigy db-in` or spaCy's converters read it. Each record becomes
// one "spans_manual" task (tokens, entity spans, quotes as QUOTE and
// speakers as SPEAKER, and a SPOKEN_BY relation from each quote, the head,
// to its speaker, the child) and one "choice" task per document label.
//
// Every key has one JSON type in every line: tokens, spans and relations
// are always arrays, meta always has doc_id, sha256, source, task and
// towards ("" where they do not apply). Spans that are empty or outside
// the text are left out, with their relations.
//
// Hashes: Prodigy's _input_hash and _task_hash are any stable ints, so ours
// are the first 4 bytes of a SHA-256, big-endian, as a signed int32. The
// input hash is that of the text; the task hash that of the text, a NUL
// byte and the task kind: "spans_manual" for the span task,
// "choice:" + the task's name for a document label. The same question on
// the same text has the same task hash whoever answered it.
//
// Relations: as Prodigy's relations UI writes them, "head" and "child" are
// the index of the LAST token (token_end) of the head and child spans.

// newProdigy returns the prodigy encoder writing to w (a buffered writer
// the caller flushes through Close).
func newProdigy(w *bufio.Writer) Encoder {
	return &jsonLines{w: w, enc: newJSON(w), many: prodigyLines}
}

type prodigyToken struct {
	Text  string `json:"text"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	ID    int    `json:"id"`
	WS    bool   `json:"ws"`
}

type prodigySpan struct {
	Start      int    `json:"start"`
	End        int    `json:"end"`
	TokenStart int    `json:"token_start"`
	TokenEnd   int    `json:"token_end"` // inclusive
	Label      string `json:"label"`
}

type prodigyRelation struct {
	Head      int         `json:"head"`
	Child     int         `json:"child"`
	HeadSpan  prodigySpan `json:"head_span"`
	ChildSpan prodigySpan `json:"child_span"`
	Label     string      `json:"label"`
}

type prodigyMeta struct {
	DocID   int64  `json:"doc_id"`
	SHA256  string `json:"sha256"`
	Source  string `json:"source"`
	Task    string `json:"task"`
	Towards string `json:"towards"`
}

type prodigySpanTask struct {
	Text        string            `json:"text"`
	Tokens      []prodigyToken    `json:"tokens"`
	Spans       []prodigySpan     `json:"spans"`
	Relations   []prodigyRelation `json:"relations"`
	Answer      string            `json:"answer"`
	InputHash   int               `json:"_input_hash"`
	TaskHash    int               `json:"_task_hash"`
	AnnotatorID string            `json:"_annotator_id"`
	ViewID      string            `json:"_view_id"`
	Meta        prodigyMeta       `json:"meta"`
}

type prodigyOption struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

type prodigyChoiceTask struct {
	Text        string          `json:"text"`
	Options     []prodigyOption `json:"options"`
	Accept      []string        `json:"accept"`
	Answer      string          `json:"answer"`
	InputHash   int             `json:"_input_hash"`
	TaskHash    int             `json:"_task_hash"`
	AnnotatorID string          `json:"_annotator_id"`
	ViewID      string          `json:"_view_id"`
	Meta        prodigyMeta     `json:"meta"`
}

// prodigyHash is the first 4 bytes of the SHA-256 of parts joined by NUL
// bytes, big-endian, as a signed int32.
func prodigyHash(parts ...string) int {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return int(int32(binary.BigEndian.Uint32(sum[:4])))
}

func prodigyLines(r Record) []any {
	rs := []rune(r.Text)
	var spans []prodigySpan
	add := func(start, end int, label string) int {
		if start < 0 || start >= end || end > len(rs) {
			return -1
		}
		s := prodigySpan{Start: start, End: end, Label: label}
		if i := slices.Index(spans, s); i >= 0 {
			return i
		}
		spans = append(spans, s)
		return len(spans) - 1
	}
	for _, e := range r.Entities {
		add(e.Start, e.End, e.Label)
	}
	type pair struct{ head, child prodigySpan }
	var pairs []pair
	for _, q := range r.Quotes {
		h := add(q.Start, q.End, "QUOTE")
		if q.Speaker == nil {
			continue
		}
		if c := add(q.Speaker[0], q.Speaker[1], "SPEAKER"); h >= 0 && c >= 0 {
			pairs = append(pairs, pair{spans[h], spans[c]})
		}
	}
	bounds := make([]uint8, len(rs)+1)
	for _, s := range spans {
		bounds[s.Start] |= prodigyBoundStart
		bounds[s.End] |= prodigyBoundEnd
	}
	tokens := prodigyTokenize(rs, bounds)
	byStart, byEnd := map[int]int{}, map[int]int{}
	for _, t := range tokens {
		byStart[t.Start], byEnd[t.End] = t.ID, t.ID
	}
	tokenise := func(s prodigySpan) prodigySpan {
		s.TokenStart, s.TokenEnd = byStart[s.Start], byEnd[s.End]
		return s
	}
	for i := range spans {
		spans[i] = tokenise(spans[i])
	}
	slices.SortStableFunc(spans, func(a, b prodigySpan) int { return cmp.Or(a.Start-b.Start, a.End-b.End) })
	relations := []prodigyRelation{}
	for _, p := range pairs {
		h, c := tokenise(p.head), tokenise(p.child)
		relations = append(relations, prodigyRelation{Head: h.TokenEnd, Child: c.TokenEnd, HeadSpan: h, ChildSpan: c, Label: "SPOKEN_BY"})
	}
	input := prodigyHash(r.Text)
	meta := prodigyMeta{DocID: r.DocID, SHA256: r.SHA256, Source: r.Source}
	out := []any{prodigySpanTask{Text: r.Text, Tokens: tokens, Spans: append([]prodigySpan{}, spans...), Relations: relations,
		Answer: "accept", InputHash: input, TaskHash: prodigyHash(r.Text, "spans_manual"), AnnotatorID: r.Source,
		ViewID: "spans_manual", Meta: meta}}
	for _, l := range r.Labels {
		m := meta
		m.Task, m.Towards = l.Task, l.Towards
		out = append(out, prodigyChoiceTask{Text: r.Text, Options: []prodigyOption{{ID: l.Value, Text: l.Value}},
			Accept: []string{l.Value}, Answer: "accept", InputHash: input, TaskHash: prodigyHash(r.Text, "choice:"+l.Task),
			AnnotatorID: r.Source, ViewID: "choice", Meta: m})
	}
	return out
}

// Flags of bounds, per code point offset: a span starts or ends there.
const (
	prodigyBoundStart uint8 = 1 << iota
	prodigyBoundEnd
)

// prodigyTokenize splits rs into tokens, spaCy-style, so that spaCy's
// Doc(words, spaces) gives back the text exactly: a token is a run of
// letters, digits and marks (with apostrophes and hyphens between
// letters or digits, and . or , between digits: "don't", "Walmart-owned",
// "3.5"), or one other character (punctuation, a symbol, an emoji) with
// what extends it (marks, variation selectors, skin tones, a zero-width
// joiner and the character it joins). A single space after a token is its
// ws; other whitespace is a token of its own. Every offset flagged in
// bounds is a token boundary: a span start begins a token, a span end ends
// one, splitting words and whitespace where needed.
func prodigyTokenize(rs []rune, bounds []uint8) []prodigyToken {
	tokens := []prodigyToken{}
	emit := func(start, end int) {
		tokens = append(tokens, prodigyToken{Text: string(rs[start:end]), Start: start, End: end, ID: len(tokens)})
	}
	cut := func(i int) bool { return bounds[i] != 0 }
	n := len(rs)
	for i := 0; i < n; {
		if unicode.IsSpace(rs[i]) {
			j := i
			for j < n && unicode.IsSpace(rs[j]) {
				j++
			}
			k := i
			if len(tokens) > 0 && rs[i] == ' ' && bounds[i]&prodigyBoundStart == 0 && bounds[i+1]&prodigyBoundEnd == 0 {
				tokens[len(tokens)-1].WS = true
				k++
			}
			for p, q := k, k+1; q <= j; q++ {
				if q == j || cut(q) {
					emit(p, q)
					p = q
				}
			}
			i = j
			continue
		}
		j := i + 1
		if prodigyWordRune(rs[i]) {
			for j < n && !cut(j) {
				if prodigyWordRune(rs[j]) || prodigyExtender(rs[j]) {
					j++
				} else if j+1 < n && !cut(j+1) && prodigyJoins(rs[j-1], rs[j], rs[j+1]) {
					j += 2
				} else {
					break
				}
			}
		} else {
			for j < n && !cut(j) && prodigyExtender(rs[j]) {
				if rs[j] == '\u200d' && j+1 < n && !cut(j+1) && !unicode.IsSpace(rs[j+1]) {
					j++
				}
				j++
			}
		}
		emit(i, j)
		i = j
	}
	return tokens
}

func prodigyWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// prodigyExtender: a mark (variation selectors among them), a zero-width
// joiner, an emoji skin tone or a tag character (flags of regions).
func prodigyExtender(r rune) bool {
	return unicode.IsMark(r) || r == '\u200d' || (r >= 0x1f3fb && r <= 0x1f3ff) || (r >= 0xe0020 && r <= 0xe007f)
}

// prodigyJoins reports whether sep, between prev and next, keeps a word
// together: an apostrophe or hyphen between letters or digits, a point or
// comma between digits.
func prodigyJoins(prev, sep, next rune) bool {
	switch sep {
	case '\'', '’', '-', '‐', '‑':
		return prodigyWordRune(prev) && prodigyWordRune(next)
	case '.', ',':
		return unicode.IsDigit(prev) && unicode.IsDigit(next)
	}
	return false
}
