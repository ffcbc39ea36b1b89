package annotate

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Document is one article: its text, exactly as stored, and what is known
// about where it came from. Offsets into Text are code points everywhere
// outside Go.
type Document struct {
	ID         int64          // the project's id; 0 until stored
	ExternalID string         // the id the source gave it (JSONL "id", a CSV column), if any
	Title      string         // shown in lists
	Text       string         // normalised text (see NormalizeText)
	Source     string         // the file it was imported from, and the line or row for multi-document files
	URL        string         // where a saved web page came from, if known
	Meta       map[string]any // every other field the source carried
}

// SHA256 returns the hex SHA-256 of the document's text, by which a project
// recognises a document it already holds.
func (d *Document) SHA256() string { return TextHash(d.Text) }

// TextHash returns the hex SHA-256 of text.
func TextHash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// Words counts the words in text: maximal runs of letters and digits, with
// their combining marks (apostrophes and hyphens inside a word do not split it).
func Words(text string) int {
	n := 0
	in := false
	for _, r := range text {
		if unicode.IsMark(r) {
			continue // a combining mark or emoji variation selector belongs to what precedes it
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if !in {
				n++
			}
			in = true
			continue
		}
		if in && (r == '\'' || r == '’' || r == '-') {
			continue // inside a word such as don't or e-commerce
		}
		in = false
	}
	return n
}

// HeadingTitle returns text's first line when it reads as a heading (short,
// not ending like a sentence, followed by more text), and "" otherwise.
func HeadingTitle(text string) string {
	first, rest, found := strings.Cut(text, "\n")
	first = strings.TrimSpace(first)
	if !found || strings.TrimSpace(rest) == "" || first == "" {
		return ""
	}
	if utf8.RuneCountInString(first) > 120 || Words(first) > 16 {
		return ""
	}
	switch last, _ := utf8.DecodeLastRuneInString(first); last {
	case '.', ',', ';', ':', '"', '”', '’':
		return ""
	}
	return first
}

// CleanTitle makes s safe to show on one line and in a terminal: control
// characters (escape sequences, bells, line breaks) and the invisible
// controls that reorder text (bidirectional overrides) become spaces,
// runs of spaces one, and the ends are trimmed.
func CleanTitle(s string) string {
	clean := strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r), r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F:
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(clean), " ")
}
