package format

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/slant-annotate/slant/annotate"
)

func TestJSONL(t *testing.T) {
	dir := t.TempDir()
	lines := []string{
		`{"id": "a1", "title": "Trade war", "text": "Amazon rose.\r\nWalmart fell.", "source": "Reuters", "tags": ["x"], "score": 0.25}`,
		``,
		`   `,
		`{"id": 12345678901234567890, "body": "Body text ⚖️"}`,
		`{"content": "Heading line\nA sentence follows here.", "id": null}`,
	}
	p := write(t, dir, "docs.jsonl", []byte("\ufeff"+strings.Join(lines, "\n")+"\n"))
	docs := mustRead(t, p, Options{})
	if len(docs) != 3 {
		t.Fatalf("%d docs", len(docs))
	}
	d := docs[0]
	if d.ExternalID != "a1" || d.Title != "Trade war" || d.Text != "Amazon rose.\nWalmart fell." || d.Source != p+":1" {
		t.Errorf("doc 0: %+v", d)
	}
	if d.Meta["source"] != "Reuters" || d.Meta["score"] != json.Number("0.25") || len(d.Meta) != 3 {
		t.Errorf("meta: %#v", d.Meta)
	}
	if _, ok := d.Meta["id"]; ok {
		t.Error("id kept in meta")
	}
	d = docs[1]
	if d.ExternalID != "12345678901234567890" || d.Text != "Body text ⚖️" || d.Source != p+":4" || d.Meta != nil || d.Title != "" {
		t.Errorf("doc 1: %+v", d)
	}
	d = docs[2]
	if d.ExternalID != "" || d.Title != "Heading line" || d.Source != p+":5" {
		t.Errorf("doc 2: %+v", d)
	}
	if v, ok := d.Meta["id"]; !ok || v != nil {
		t.Errorf("doc 2 meta %#v", d.Meta)
	}

	// An explicit text field; "text" then stays in Meta.
	p = write(t, dir, "custom.ndjson", []byte(`{"text": "short", "sentence_normalized": "The long one."}`+"\n"))
	d = mustRead(t, p, Options{TextField: "sentence_normalized"})[0]
	if d.Text != "The long one." || d.Meta["text"] != "short" {
		t.Errorf("custom: %+v", d)
	}
}

func TestJSONLBad(t *testing.T) {
	dir := t.TempDir()
	good := `{"text": "fine"}`
	cases := []struct {
		name  string
		lines []string
		opts  Options
		line  int
		parts []string
	}{
		{"malformed", []string{good, good, `{"text": "oops",}`, good}, Options{}, 3, []string{"malformed JSON", "column"}},
		{"truncated", []string{good, `{"text": "oops`}, Options{}, 2, []string{"malformed JSON"}},
		{"array", []string{good, `["text"]`}, Options{}, 2, []string{"JSON array, not an object"}},
		{"string", []string{`"just text"`}, Options{}, 1, []string{"JSON string, not an object"}},
		{"null", []string{`null`}, Options{}, 1, []string{"null, not an object"}},
		{"two objects", []string{`{"text":"a"} {"text":"b"}`}, Options{}, 1, []string{"malformed JSON"}},
		{"no text", []string{good, `{"title": "x", "sentence": "y"}`}, Options{}, 2,
			[]string{`no text field: expected one of "text", "body", "content" (use --text-field)`, `"sentence"`, `"title"`}},
		{"no named field", []string{`{"text": "x"}`}, Options{TextField: "sentence_normalized"}, 1,
			[]string{`no text field "sentence_normalized"`, `"text"`}},
		{"empty text", []string{good, good, `{"text": "  \n "}`}, Options{}, 3, []string{`text field "text" is empty`}},
		{"number text", []string{`{"text": 42}`}, Options{}, 1, []string{`field "text" is a JSON number, not a string`}},
		{"null text", []string{`{"body": null}`}, Options{}, 1, []string{`field "body" is a JSON null, not a string`}},
		{"nul escape", []string{good, `{"text": "a\u0000b"}`}, Options{}, 2, []string{"NUL"}},
		{"lone surrogate", []string{`{"text": "a\ud800b"}`}, Options{}, 1, []string{"unpaired UTF-16 surrogate", `\ud800`}},
		{"lone low surrogate", []string{`{"text": "ok", "x": "\udc00"}`}, Options{}, 1, []string{"unpaired UTF-16 surrogate"}},
		{"bad id", []string{`{"text": "a", "id": [1]}`}, Options{}, 1, []string{`field "id" is a JSON array`}},
		{"invalid utf8", []string{good, "{\"text\": \"caf\xe9\"}"}, Options{}, 2, []string{"invalid UTF-8", "0xe9", "column 14"}},
		{"only blank", []string{"", "  ", ""}, Options{}, 0, []string{"empty file"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := write(t, dir, strings.ReplaceAll(c.name, " ", "_")+".jsonl", []byte(strings.Join(c.lines, "\n")+"\n"))
			docs, err := readAll(t, p, c.opts)
			wantErr(t, err, p, c.line, c.parts...)
			if len(docs) >= len(c.lines) {
				t.Errorf("emitted %d documents", len(docs))
			}
		})
	}
	p := write(t, dir, "empty.jsonl", nil)
	_, err := readAll(t, p, Options{})
	wantErr(t, err, p, 0, "empty file")

	// Surrogate pairs and escaped backslashes are fine.
	p = write(t, dir, "pairs.jsonl", []byte(`{"text": "emoji \ud83d\ude00 and \\ud800 literally"}`+"\n"))
	d := mustRead(t, p, Options{})[0]
	if d.Text != `emoji 😀 and \ud800 literally` {
		t.Errorf("text %q", d.Text)
	}
}

// A large JSONL file of normal records streams: memory stays bounded by the
// record, and every record arrives.
func TestJSONLStreams(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	const n = 200_000
	for i := range n {
		fmt.Fprintf(&b, `{"id": %d, "text": "Article %d says the market rose by %d points on Tuesday.", "src": "wire"}`+"\n", i, i, i%97)
	}
	p := write(t, dir, "big.jsonl", []byte(b.String()))
	count := 0
	err := Read(p, Options{}, func(d annotate.Document) error {
		if d.ExternalID != fmt.Sprint(count) {
			return fmt.Errorf("record %d has id %s", count, d.ExternalID)
		}
		count++
		return nil
	})
	if err != nil || count != n {
		t.Fatalf("count %d err %v", count, err)
	}
}

func TestJSONLLineTooLong(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates 64 MiB")
	}
	dir := t.TempDir()
	long := `{"text": "` + strings.Repeat("a", MaxRecordBytes) + `"}`
	p := write(t, dir, "long.jsonl", []byte(`{"text": "ok"}`+"\n"+long+"\n"))
	_, err := readAll(t, p, Options{})
	wantErr(t, err, p, 2, "longer than the limit of 64.0 MiB")

	// A record under the line limit whose text is over the text limit.
	big := `{"text": "` + strings.Repeat("a", MaxTextBytes+1) + `"}`
	p = write(t, dir, "bigtext.jsonl", []byte(big+"\n"))
	_, err = readAll(t, p, Options{})
	wantErr(t, err, p, 1, "10.0 MiB", "limit")
}

// A key twice on a line is an error naming the line, not a silent choice
// of the last; a key name that is also a value, or nested, is no twin.
func TestJSONLDuplicateKey(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "d.jsonl", []byte(`{"text": "First.", "note": "text", "meta": {"text": "x"}}`+"\n"+
		`{"text": "One.", "title": "T", "text": "Two."}`+"\n"))
	_, err := readAll(t, p, Options{})
	wantErr(t, err, p, 2, `the key "text" appears twice`)
}
