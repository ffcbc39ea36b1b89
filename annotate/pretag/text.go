package pretag

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Helpers on byte offsets of a text. All internal offsets are bytes on rune
// boundaries; code points appear only in the public Result.

func runeBefore(text string, i int) rune {
	if i <= 0 {
		return -1
	}
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	return r
}

func runeAt(text string, i int) rune {
	if i >= len(text) {
		return -1
	}
	r, _ := utf8.DecodeRuneInString(text[i:])
	return r
}

func isWordRune(r rune) bool { return r >= 0 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }

func isUpperStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

// allCaps reports whether s has at least two letters and no lower-case one.
func allCaps(s string) bool {
	n := 0
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n >= 2
}

// line is one line of the text with its kind.
type line struct {
	s, e int // bytes, without the newline
	kind lineKind
}

type lineKind uint8

const (
	bodyLine    lineKind = iota
	headingLine          // emoji/symbol-led or short title-case line
	listLine             // bullet item
)

// splitLines classifies every line. A text of a single line (a sentence on
// its own, as in NewsMTSC) has no headings.
func splitLines(text string) []line {
	var ls []line
	for s := 0; s <= len(text); {
		e := strings.IndexByte(text[s:], '\n')
		if e < 0 {
			e = len(text)
		} else {
			e += s
		}
		ls = append(ls, line{s: s, e: e})
		s = e + 1
	}
	if len(ls) < 2 {
		return ls
	}
	for i := range ls {
		ls[i].kind = classifyLine(text[ls[i].s:ls[i].e])
	}
	return ls
}

func classifyLine(l string) lineKind {
	t := strings.TrimSpace(l)
	if t == "" {
		return bodyLine
	}
	r, n := utf8.DecodeRuneInString(t)
	switch {
	case (r == '-' || r == '*' || r == '•' || r == '–' || r == '—' || r == '·') && n < len(t) && t[n] == ' ':
		return listLine
	case r == '•':
		return listLine
	case isSymbolRune(r):
		return headingLine
	}
	// A short title-case line without closing punctuation.
	last, _ := utf8.DecodeLastRuneInString(t)
	if strings.ContainsRune(".!?:;,\"”’)", last) {
		return bodyLine
	}
	words := strings.Fields(t)
	if len(words) > 10 {
		return bodyLine
	}
	caps := 0
	for _, w := range words {
		if isUpperStart(w) || !unicode.IsLetter([]rune(w)[0]) {
			caps++
		}
	}
	if caps*10 >= len(words)*7 {
		return headingLine
	}
	return bodyLine
}

// isSymbolRune reports emoji, pictographs and other symbols that open
// headings ("⚖️ Trade Leverage", "📉 Market Reaction").
func isSymbolRune(r rune) bool {
	return unicode.Is(unicode.So, r) || unicode.Is(unicode.Sk, r) || (r >= 0x1F000 && r <= 0x1FAFF) || (r >= 0x2600 && r <= 0x27BF)
}

// lineOf returns the index of the line containing byte offset b.
func lineOf(ls []line, b int) int {
	lo, hi := 0, len(ls)-1
	for lo < hi {
		m := (lo + hi + 1) / 2
		if ls[m].s <= b {
			lo = m
		} else {
			hi = m - 1
		}
	}
	return lo
}
