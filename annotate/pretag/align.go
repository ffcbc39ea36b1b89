package pretag

import (
	"strings"

	prose "github.com/jdkato/prose/v2"
)

// token is a prose token aligned back to the original text (byte offsets).
type token struct {
	start, end int    // bytes in the original text, half-open
	text       string // prose's text of the token (after its quote rewriting)
	tag, label string // POS tag and IOB entity label
}

// sanitize reproduces prose's rewriting of curly quotes (and "&rsquo;") to
// straight ones, and returns the rewritten text with, for each of its bytes,
// the byte offset in text it came from (plus one final entry for the end).
func sanitize(text string) (string, []int) {
	var b strings.Builder
	b.Grow(len(text))
	m := make([]int, 0, len(text)+1)
	for i := 0; i < len(text); {
		rep, n := "", 0
		switch {
		case strings.HasPrefix(text[i:], "\u201c"), strings.HasPrefix(text[i:], "\u201d"):
			rep, n = `"`, 3
		case strings.HasPrefix(text[i:], "\u2018"), strings.HasPrefix(text[i:], "\u2019"):
			rep, n = "'", 3
		case strings.HasPrefix(text[i:], "&rsquo;"):
			rep, n = "'", 7
		}
		if n > 0 {
			b.WriteString(rep)
			m = append(m, i)
			i += n
			continue
		}
		b.WriteByte(text[i])
		m = append(m, i)
		i++
	}
	m = append(m, len(text))
	return b.String(), m
}

// alignTokens finds each prose token in the original text. Tokens are
// substrings of the sanitized text in order; a token that cannot be found
// (prose drops or rewrites a few) is skipped rather than guessed.
func alignTokens(text string, toks []prose.Token) []token {
	clean, m := sanitize(text)
	out := make([]token, 0, len(toks))
	cur := 0
	for _, t := range toks {
		if t.Text == "" {
			continue
		}
		// Tokens are near the cursor; search a bounded window first.
		lim := cur + 256 + len(t.Text)
		if lim > len(clean) {
			lim = len(clean)
		}
		k := strings.Index(clean[cur:lim], t.Text)
		if k < 0 {
			k = strings.Index(clean[cur:], t.Text)
			if k < 0 {
				continue
			}
		}
		s := cur + k
		e := s + len(t.Text)
		end := m[e]
		// prose leaves the full stop on a text's or paragraph's last word
		// ("Lee."): keep it out of the token unless it is an abbreviation.
		if w := t.Text; len(w) > 2 && w[len(w)-1] == '.' && !strings.Contains(w[:len(w)-1], ".") && !abbrev[w] &&
			(end == len(text) || text[end] == '\n' || text[end] == ' ' && strings.HasPrefix(strings.TrimLeft(text[end:], " "), "\n")) {
			end--
		}
		tt := t.Text
		if end < m[e] {
			tt = tt[:len(tt)-1]
		}
		out = append(out, token{start: m[s], end: end, text: tt, tag: t.Tag, label: t.Label})
		cur = e
	}
	return out
}

// abbrev are words whose full stop belongs to them.
var abbrev = map[string]bool{"Inc.": true, "Jr.": true, "Sr.": true, "Co.": true, "Corp.": true, "Ltd.": true, "St.": true,
	"Mr.": true, "Mrs.": true, "Ms.": true, "Dr.": true, "etc.": true, "Bros.": true, "Gen.": true, "Sen.": true, "Rep.": true, "Gov.": true}
