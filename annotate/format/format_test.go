package format

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slant-annotate/slant/annotate"
)

// write creates dir/name with content and returns its path.
func write(t testing.TB, dir, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// readAll reads path and returns what Read emitted and its error.
func readAll(t testing.TB, path string, opts Options) ([]annotate.Document, error) {
	t.Helper()
	var docs []annotate.Document
	err := Read(path, opts, func(d annotate.Document) error {
		docs = append(docs, d)
		return nil
	})
	return docs, err
}

// mustRead reads path and fails the test on an error.
func mustRead(t testing.TB, path string, opts Options) []annotate.Document {
	t.Helper()
	docs, err := readAll(t, path, opts)
	if err != nil {
		t.Fatalf("Read(%s): %v", path, err)
	}
	return docs
}

// wantErr checks that err is an *Error for file at line whose message
// contains each of parts.
func wantErr(t testing.TB, err error, file string, line int, parts ...string) *Error {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one containing %q", parts)
	}
	var fe *Error
	if !errors.As(err, &fe) {
		t.Fatalf("error %T %v is not an *Error", err, err)
	}
	if fe.File != file || fe.Line != line {
		t.Errorf("error names %s:%d, want %s:%d (%v)", fe.File, fe.Line, file, line, err)
	}
	msg := err.Error()
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("error %q does not contain %q", msg, p)
		}
	}
	prefix := file + ":"
	if !strings.HasPrefix(msg, prefix) {
		t.Errorf("error %q does not start with %q", msg, prefix)
	}
	return fe
}

func TestKindOf(t *testing.T) {
	for path, want := range map[string]Kind{
		"a.txt": Text, "b/C.TXT": Text, "x.md": Text, "x.text": Text,
		"a.jsonl": JSONL, "a.NDJSON": JSONL, "a.csv": CSV, "a.tsv": TSV,
		"a.html": HTML, "a.Htm": HTML,
	} {
		if got, ok := KindOf(path); !ok || got != want {
			t.Errorf("KindOf(%q) = %v, %v; want %v", path, got, ok, want)
		}
	}
	for _, path := range []string{"a.pdf", "a", "a.txt.gz", ".txt/x"} {
		if got, ok := KindOf(path); ok {
			t.Errorf("KindOf(%q) = %v, true; want unknown", path, got)
		}
	}
	if CSV.String() != "CSV" || Kind(99).String() != "unknown" {
		t.Error("Kind.String")
	}
}

func TestErrorFormat(t *testing.T) {
	inner := errors.New("boom")
	e := &Error{File: "a.csv", Line: 3, Err: inner}
	if e.Error() != "a.csv:3: boom" || !errors.Is(e, inner) {
		t.Errorf("got %q", e.Error())
	}
	e = &Error{File: "a.csv", Err: inner}
	if e.Error() != "a.csv: boom" {
		t.Errorf("got %q", e.Error())
	}
}

func TestTextFile(t *testing.T) {
	dir := t.TempDir()
	raw := "\ufeffTrade War ⚖️ Looms\r\n\r\nAmazon said “no”.\rMore text.\n"
	p := write(t, dir, "us-india.txt", []byte(raw))
	docs := mustRead(t, p, Options{})
	if len(docs) != 1 {
		t.Fatalf("%d docs", len(docs))
	}
	d := docs[0]
	want := "Trade War ⚖️ Looms\n\nAmazon said “no”.\nMore text.\n"
	if d.Text != want {
		t.Errorf("text %q, want %q", d.Text, want)
	}
	if d.Title != "Trade War ⚖️ Looms" || d.Source != p || d.ExternalID != "" {
		t.Errorf("doc %+v", d)
	}

	// No heading: the title comes from the file name.
	p = write(t, dir, "us-india_e-commerce.md", []byte("One sentence, then another.\nAnd more."))
	d = mustRead(t, p, Options{})[0]
	if d.Title != "us india e commerce" {
		t.Errorf("title %q", d.Title)
	}

	// A Markdown heading loses its '#'s in the title, not in the text.
	p = write(t, dir, "notes.md", []byte("## Trade war\n\nText follows.\n"))
	d = mustRead(t, p, Options{})[0]
	if d.Title != "Trade war" || d.Text != "## Trade war\n\nText follows.\n" {
		t.Errorf("markdown: %+v", d)
	}
}

func TestTextFileBad(t *testing.T) {
	dir := t.TempDir()
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0, 1, 2}, 50)...)
	pdf := []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
	cases := []struct {
		name    string
		content []byte
		line    int
		parts   []string
	}{
		{"latin1.txt", []byte("Line one\nCaf\xe9 society\n"), 2, []string{"invalid UTF-8", "0xe9", "byte offset 12"}},
		{"nul.txt", []byte("Line one\nbad\x00byte\n"), 2, []string{"NUL"}},
		{"image.txt", png, 0, []string{"looks like image/png"}},
		{"paper.txt", pdf, 0, []string{"looks like application/pdf"}},
		{"empty.txt", nil, 0, []string{"empty file"}},
		{"blank.txt", []byte(" \n\t\r\n  \n"), 0, []string{"empty file"}},
		{"utf16.txt", []byte("\xff\xfeH\x00i\x00"), 0, []string{"UTF-16"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := write(t, dir, c.name, c.content)
			docs, err := readAll(t, p, Options{})
			wantErr(t, err, p, c.line, c.parts...)
			if len(docs) != 0 {
				t.Errorf("emitted %d documents", len(docs))
			}
		})
	}
	if _, err := readAll(t, filepath.Join(dir, "empty.txt"), Options{}); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty: %v is not ErrEmpty", err)
	}
}

func TestTextFileTooLarge(t *testing.T) {
	dir := t.TempDir()
	// 50 MB of ordinary text lines.
	line := []byte("The quick brown fox jumps over the lazy dog near the river bank today.\n")
	big := bytes.Repeat(line, 50_000_000/len(line))
	p := write(t, dir, "big.txt", big)
	_, err := readAll(t, p, Options{})
	wantErr(t, err, p, 0, "the file is 47.7 MiB, 37.7 MiB over the limit of 10.0 MiB of text per document")
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("%v is not ErrTooLarge", err)
	}

	// Just over the limit after normalisation, but under twice it on disk.
	over := bytes.Repeat([]byte("a"), MaxTextBytes+1)
	p = write(t, dir, "over.txt", over)
	_, err = readAll(t, p, Options{})
	wantErr(t, err, p, 0, "text is 10.0 MiB, 1 byte over the limit of 10.0 MiB")

	// A CRLF file whose text is under the limit once normalised is fine.
	crlf := bytes.Repeat([]byte("abcdefgh\r\n"), (MaxTextBytes-100)/9)
	p = write(t, dir, "crlf.txt", crlf)
	docs := mustRead(t, p, Options{})
	if len(docs[0].Text) != len(crlf)/10*9 {
		t.Errorf("text is %d bytes", len(docs[0].Text))
	}

	// Through ReadFrom (not an *os.File) the limit holds too.
	err = ReadFrom(bytes.NewReader(big), "pipe.txt", Text, Options{}, func(annotate.Document) error { return nil })
	wantErr(t, err, "pipe.txt", 0, "over the limit of 10.0 MiB")
}

func TestReadMissingAndUnknown(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "nope.txt")
	_, err := readAll(t, p, Options{})
	wantErr(t, err, p, 0, "no such file")
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%v is not ErrNotExist", err)
	}
	p = write(t, dir, "a.pdf", []byte("x"))
	_, err = readAll(t, p, Options{})
	wantErr(t, err, p, 0, `unknown file type ".pdf"`, ".jsonl")

	p = filepath.Join(dir, "folder.txt")
	os.Mkdir(p, 0o755)
	_, err = readAll(t, p, Options{})
	wantErr(t, err, p, 0, "folder")

	loop := filepath.Join(dir, "loop.txt")
	if err := os.Symlink(loop, loop); err != nil {
		t.Skip("no symlinks:", err)
	}
	_, err = readAll(t, loop, Options{})
	wantErr(t, err, loop, 0, "symlink loop")
}

func TestEmitErrorStops(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "a.jsonl", []byte(`{"text":"one"}`+"\n"+`{"text":"two"}`+"\n"))
	stop := errors.New("disk full")
	n := 0
	err := Read(p, Options{}, func(annotate.Document) error { n++; return stop })
	if n != 1 || !errors.Is(err, stop) {
		t.Fatalf("n=%d err=%v", n, err)
	}
	wantErr(t, err, p, 1, "disk full")
}
