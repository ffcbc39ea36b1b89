package format

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slant-annotate/slant/annotate"
)

// fuzzRead reads data as kind and checks the invariants every reader keeps:
// no panic, every document's text is non-blank valid UTF-8 without NUL or
// CR and within the limit, and a failure is an *Error naming the input.
func fuzzRead(t *testing.T, data []byte, kind Kind, opts Options) {
	const name = "fuzz.in"
	err := ReadFrom(bytes.NewReader(data), name, kind, opts, func(d annotate.Document) error {
		switch {
		case !utf8.ValidString(d.Text):
			t.Fatalf("invalid UTF-8 text %q", d.Text)
		case strings.ContainsRune(d.Text, 0):
			t.Fatalf("NUL in text %q", d.Text)
		case strings.ContainsRune(d.Text, '\r'):
			t.Fatalf("CR in text %q", d.Text)
		case isBlank(d.Text):
			t.Fatalf("blank text %q", d.Text)
		case len(d.Text) > MaxTextBytes:
			t.Fatalf("text of %d bytes", len(d.Text))
		case !utf8.ValidString(d.Title) || !utf8.ValidString(d.ExternalID):
			t.Fatalf("invalid UTF-8 title/id %q %q", d.Title, d.ExternalID)
		case !strings.HasPrefix(d.Source, name+":"):
			t.Fatalf("source %q", d.Source)
		}
		return nil
	})
	if err != nil {
		var fe *Error
		if !errors.As(err, &fe) || fe.File != name || fe.Line < 0 {
			t.Fatalf("error %T %v", err, err)
		}
	}
}

func FuzzJSONL(f *testing.F) {
	for _, s := range []string{
		`{"id": 1, "title": "T", "text": "Hello\r\nworld", "x": [1, {"y": null}]}` + "\n\n" + `{"body": "b"}`,
		`{"text": "a\u0000b"}`,
		`{"text": "\ud83d\ude00 \ud800"}`,
		`{"content": "x", "id": true}`,
		"\ufeff{\"text\": \"bom\"}\r\n{\"text\": \"crlf\"}\r\n",
		`["text"]`,
		`{"text": "unterminated`,
		"{\"text\": \"caf\xe9\"}",
		`{"text":"a"} {"text":"b"}`,
		`{"sentence_normalized": "s", "text": 5}`,
		"",
		"\n  \n",
		`null`,
		`{"text": "\\u00e9 \\\\ \"q\""}`,
	} {
		f.Add([]byte(s), "")
	}
	f.Add([]byte(`{"sentence_normalized": "s", "text": 5}`), "sentence_normalized")
	f.Fuzz(func(t *testing.T, data []byte, field string) {
		fuzzRead(t, data, JSONL, Options{TextField: field})
	})
}

func FuzzCSV(f *testing.F) {
	for _, s := range []string{
		"id,title,text\n1,T,\"multi\r\nline \"\"q\"\"\"\n2,,Heading\nmore\n",
		"\ufefftext\nx\n",
		"id,title,text\n1,a,ok,extra\n",
		"id,title,text\n1,a,\"never closed\n",
		"id,title,text\n1,a,say \"hi\"\n",
		"id,title,text\n1,a,\"caf\xe9\"\n",
		"id,title,text\n1,a,b\x00c\n",
		"text,text,\n1,2,3\n",
		"a,b\n1,2\n",
		"text\n\"  \"\n",
		"text\r1\r2\r",
		"",
	} {
		f.Add([]byte(s), false)
	}
	f.Add([]byte("title\ttext\nA \"b\"\tc\td\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, tsv bool) {
		kind := CSV
		if tsv {
			kind = TSV
		}
		fuzzRead(t, data, kind, Options{})
	})
}
