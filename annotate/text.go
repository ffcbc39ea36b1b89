// Package annotate is Slant's domain: documents, text offsets, spans, labels
// and the rules that act on them. It imports neither Fyne nor SQL.
package annotate

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// TextError reports why raw bytes cannot become a document's text. Line and
// Byte are 1-based and 0-based respectively and refer to the raw input.
type TextError struct {
	Line   int    // 1-based line of the problem
	Byte   int    // 0-based byte offset of the problem in the raw input
	Reason string // what is wrong, for a person
}

func (e *TextError) Error() string {
	return fmt.Sprintf("line %d (byte %d): %s", e.Line, e.Byte, e.Reason)
}

// NormalizeText turns raw bytes into a document's text with the only three
// changes Slant ever makes: strip a UTF-8 byte-order mark, turn CRLF into LF
// and turn a lone CR into LF. Invalid UTF-8 and NUL bytes are refused with a
// *TextError naming the line and byte, never repaired silently.
func NormalizeText(raw []byte) (string, error) {
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	if err := CheckText(raw); err != nil {
		return "", err
	}
	if bytes.IndexByte(raw, '\r') < 0 {
		return string(raw), nil
	}
	var b strings.Builder
	b.Grow(len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c == '\r' {
			b.WriteByte('\n')
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
			continue
		}
		b.WriteByte(c)
	}
	return b.String(), nil
}

// CheckText reports the first NUL byte or invalid UTF-8 sequence in raw.
func CheckText(raw []byte) error {
	if i := bytes.IndexByte(raw, 0); i >= 0 {
		return &TextError{Line: lineAt(raw, i), Byte: i, Reason: binaryReason(raw, "NUL byte")}
	}
	if utf8.Valid(raw) {
		return nil
	}
	for i := 0; i < len(raw); {
		r, size := utf8.DecodeRune(raw[i:])
		if r == utf8.RuneError && size <= 1 {
			return &TextError{Line: lineAt(raw, i), Byte: i,
				Reason: binaryReason(raw, fmt.Sprintf("invalid UTF-8 (byte 0x%02x)", raw[i]))}
		}
		i += size
	}
	return nil
}

// binaryReason names the kind of file when its first bytes say what it is,
// because "invalid UTF-8" alone does not tell a user they picked a PDF.
func binaryReason(raw []byte, what string) string {
	kind := http.DetectContentType(raw)
	if strings.HasPrefix(kind, "text/") || kind == "application/octet-stream" {
		if what == "NUL byte" {
			return "binary content (NUL byte); not a text file"
		}
		return what + "; the file must be saved as UTF-8"
	}
	return fmt.Sprintf("%s: looks like %s, not text", what, kind)
}

func lineAt(raw []byte, i int) int {
	return bytes.Count(raw[:i], []byte{'\n'}) + 1
}
