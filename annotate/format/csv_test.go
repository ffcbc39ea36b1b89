package format

import (
	"fmt"
	"strings"
	"testing"

	"github.com/slant-annotate/slant/annotate"
)

func TestCSV(t *testing.T) {
	dir := t.TempDir()
	content := "\ufeffID,Headline,Body,Section,\r\n" +
		"7,Trade war looms,\"First paragraph, with a comma.\r\nSecond \"\"quoted\"\" paragraph.\",World,\r\n" +
		"8,,\"Heading only\nThen a sentence.\",Business,x\r\n"
	p := write(t, dir, "articles.csv", []byte(content))
	docs := mustRead(t, p, Options{})
	if len(docs) != 2 {
		t.Fatalf("%d docs", len(docs))
	}
	d := docs[0]
	if d.ExternalID != "7" || d.Title != "Trade war looms" || d.Source != p+":2" ||
		d.Text != "First paragraph, with a comma.\nSecond \"quoted\" paragraph." {
		t.Errorf("doc 0: %+v", d)
	}
	if len(d.Meta) != 2 || d.Meta["Section"] != "World" || d.Meta["column_5"] != "" {
		t.Errorf("meta %#v", d.Meta)
	}
	d = docs[1]
	if d.ExternalID != "8" || d.Title != "Heading only" || d.Source != p+":4" || d.Meta["column_5"] != "x" {
		t.Errorf("doc 1: %+v", d)
	}

	// Named columns, in any case; the rest goes to Meta.
	docs = mustRead(t, p, Options{TextCol: "body", TitleCol: "section", IDCol: "headline"})
	if d := docs[0]; d.Title != "World" || d.ExternalID != "Trade war looms" || d.Meta["ID"] != "7" {
		t.Errorf("named: %+v", d)
	}
}

func TestTSV(t *testing.T) {
	dir := t.TempDir()
	// Bare quotes inside TSV fields are kept, as spreadsheets write them.
	p := write(t, dir, "a.tsv", []byte("title\ttext\tn\nA \"big\" day\tHe said \"no\" twice.\t1\n"))
	d := mustRead(t, p, Options{})[0]
	if d.Title != `A "big" day` || d.Text != `He said "no" twice.` || d.Meta["n"] != "1" {
		t.Errorf("%+v", d)
	}
}

func TestCSVBad(t *testing.T) {
	dir := t.TempDir()
	head := "id,title,text\n"
	cases := []struct {
		name    string
		content string
		opts    Options
		line    int
		parts   []string
	}{
		{"ragged", head + "1,a,\"multi\nline\"\n2,b,ok,extra\n3,c,fine\n", Options{}, 4, []string{"the row has 4 fields but the header has 3"}},
		{"ragged multiline", head + "1,a,ok\n2,b,\"multi\nline\"\n3,c,\"x\ny\",extra\n", Options{}, 5, []string{"4 fields", "header has 3"}},
		{"short row", head + "1,a,ok\n2,b\n", Options{}, 3, []string{"the row has 2 fields"}},
		{"unknown text col", head + "1,a,ok\n", Options{TextCol: "DOCUMENT"}, 1, []string{`no column "DOCUMENT" (--text-col)`, `"id", "title", "text"`}},
		{"unknown id col", head + "1,a,ok\n", Options{IDCol: "key"}, 1, []string{`no column "key" (--id-col)`}},
		{"no text col", "id,name\n1,x\n", Options{}, 1, []string{"no text column", `"text", "body"`, "--text-col", `"id", "name"`}},
		{"empty text", head + "1,a,ok\n2,b,\"  \"\n", Options{}, 3, []string{`text column "text" is empty`}},
		{"invalid utf8", head + "1,a,ok\n2,b,\"caf\xe9\"\n", Options{}, 3, []string{"invalid UTF-8", "0xe9"}},
		{"invalid utf8 multiline", head + "1,a,\"line\nline\ncaf\xe9\"\n", Options{}, 4, []string{"invalid UTF-8"}},
		{"invalid utf8 meta", "id,text,x\n1,ok,\xff\n", Options{}, 2, []string{"invalid UTF-8", "0xff"}},
		{"invalid utf8 header", "id,t\xe9xt\n", Options{}, 1, []string{"invalid UTF-8"}},
		{"nul", head + "1,a,\"b\x00c\"\n", Options{}, 2, []string{"NUL"}},
		{"bare quote", head + "1,a,say \"hi\"\n", Options{}, 2, []string{`quote (")`}},
		{"unterminated", head + "1,a,\"never closed\n2,b,c\n", Options{}, 2, []string{"unterminated quoted field", "gave up at line 3"}},
		{"stray quote", head + "1,a,\"quoted\" then more\n", Options{}, 2, []string{"stray quote", "column"}},
		{"header only", head, Options{}, 0, []string{"empty file", "no rows"}},
		{"empty", "", Options{}, 0, []string{"empty file"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := write(t, dir, strings.ReplaceAll(c.name, " ", "_")+".csv", []byte(c.content))
			docs, err := readAll(t, p, c.opts)
			wantErr(t, err, p, c.line, c.parts...)
			_ = docs
		})
	}
}

// A large CSV of normal rows streams through.
func TestCSVStreams(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,title,text,extra\n")
	const n = 100_000
	for i := range n {
		fmt.Fprintf(&b, "%d,Title %d,\"Paragraph one of %d.\nParagraph two, with a comma.\",x\n", i, i, i)
	}
	count := 0
	err := ReadFrom(strings.NewReader(b.String()), "big.csv", CSV, Options{}, func(d annotate.Document) error {
		if want := fmt.Sprintf("big.csv:%d", 2+2*count); d.Source != want {
			return fmt.Errorf("source %s, want %s", d.Source, want)
		}
		count++
		return nil
	})
	if err != nil || count != n {
		t.Fatalf("count %d, err %v", count, err)
	}
}

func TestCSVRecordTooLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 65 MiB")
	}
	// An unbalanced quote swallows the rest of a large file into one field.
	var b strings.Builder
	b.WriteString("id,text\n1,ok\n2,\"unbalanced\n")
	row := strings.Repeat("x", 1000) + "\n"
	for b.Len() < MaxRecordBytes+1<<20 {
		b.WriteString(row)
	}
	err := ReadFrom(strings.NewReader(b.String()), "q.csv", CSV, Options{}, func(annotate.Document) error { return nil })
	wantErr(t, err, "q.csv", 0, "after line 2", "longer than the limit of 64.0 MiB")
}
