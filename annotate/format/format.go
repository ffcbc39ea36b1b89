// Package format reads the files analysts have — plain text, JSON Lines,
// CSV/TSV and saved web pages — into annotate.Documents.
//
// Read and ReadFrom parse one file and hand each document to an emit
// callback, in file order, without holding the file in memory for the
// multi-document formats (JSONL, CSV, TSV): memory is bounded by the largest
// record, not the file. A plain-text or HTML file is one document and is read
// whole, up to MaxTextBytes and MaxHTMLBytes. The first problem stops the
// read with an *Error naming the file and line; the caller discards the
// documents it was given for that file, so a file imports whole or not at
// all.
//
// Expand turns the paths a user gave into the files to read.
package format

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/slant-annotate/slant/annotate"
)

// Limits. A document whose normalised text is larger than MaxTextBytes is
// refused: no news article is 10 MiB of text, and such a file is almost
// always a mistake (a log, a dump, a concatenation of articles).
const (
	// MaxTextBytes is the largest text of one document, in bytes of UTF-8.
	MaxTextBytes = 10 << 20
	// MaxHTMLBytes is the largest saved web page read (pages saved "complete"
	// as one file inline their images, so this is larger than MaxTextBytes).
	MaxHTMLBytes = 64 << 20
	// MaxRecordBytes is the largest single JSONL line or CSV/TSV record.
	MaxRecordBytes = 64 << 20
)

// Kind is a file format, recognised by its extension.
type Kind int

// The known kinds. Unknown is the zero value.
const (
	Unknown Kind = iota
	Text         // .txt, .text, .md: one article per file
	JSONL        // .jsonl, .ndjson: one JSON object per line
	CSV          // .csv: header row, one article per row
	TSV          // .tsv, .tab: as CSV, separated by tabs
	HTML         // .html, .htm: a saved web page, one article
	Brat         // .ann: brat standoff annotations of a .txt (see ReadBrat)
)

var kindNames = [...]string{"unknown", "text", "JSONL", "CSV", "TSV", "HTML", "brat"}

func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return kindNames[0]
	}
	return kindNames[k]
}

var extKinds = map[string]Kind{
	".txt": Text, ".text": Text, ".md": Text,
	".jsonl": JSONL, ".ndjson": JSONL,
	".csv": CSV,
	".tsv": TSV, ".tab": TSV,
	".html": HTML, ".htm": HTML,
	".ann": Brat,
}

// Extensions lists the known extensions, for messages and file pickers.
var Extensions = []string{".txt", ".text", ".md", ".jsonl", ".ndjson", ".csv", ".tsv", ".tab", ".html", ".htm", ".ann"}

// KindOf returns the kind of the file at path from its extension (case does
// not matter), and false when the extension is not one Slant reads.
func KindOf(path string) (Kind, bool) {
	k, ok := extKinds[strings.ToLower(filepath.Ext(path))]
	return k, ok
}

// Options picks the fields and columns holding each part of a document.
// Zero values mean auto-detect.
type Options struct {
	// TextField is the JSONL field holding the text; by default the first
	// of "text", "body", "content" that the line has.
	TextField string
	// TextCol, TitleCol and IDCol name CSV/TSV columns by header (matched
	// without regard to case or surrounding spaces). By default the text is
	// the first of text, body, content, document, article; the title the
	// first of title, headline; the id the column named id. A named column
	// that is not in the header is an error listing the header's columns.
	TextCol, TitleCol, IDCol string
	// Annotator names whose layer a brat .ann file is; with
	// AnnotatorFromSuffix the name is the _<id> that ends the file name
	// (<article>_<id>.ann). A .ann file needs one of the two.
	Annotator           string
	AnnotatorFromSuffix bool
	// FollowLinks follows symbolic links inside a folder that lead out of
	// it (by default they are left out; see ExpandLinks).
	FollowLinks bool
}

// Error is a problem with one file (and line, when known).
type Error struct {
	File string // the path as given
	Line int    // 1-based line, 0 when the problem is not on a line
	Err  error
}

func (e *Error) Error() string {
	msg := "<nil>"
	if te, ok := e.Err.(*annotate.TextError); ok {
		msg = fmt.Sprintf("%s (at byte offset %d)", te.Reason, te.Byte)
	} else if e.Err != nil {
		msg = e.Err.Error()
	}
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, msg)
	}
	return fmt.Sprintf("%s: %s", e.File, msg)
}

func (e *Error) Unwrap() error { return e.Err }

// ErrTooLarge is wrapped by errors about a document, page or record over its
// limit.
var ErrTooLarge = errors.New("too large")

// ErrEmpty is wrapped by errors about a file with nothing to import.
var ErrEmpty = errors.New("empty file")

// Read parses the file at path, whose kind KindOf gives, and calls emit for
// each document in file order. It returns an *Error naming the file and line
// on the first problem, including an error returned by emit (which it
// wraps, so errors.Is/As still see it). Documents emitted before an error
// must be discarded by the caller.
func Read(path string, opts Options, emit func(annotate.Document) error) error {
	kind, ok := KindOf(path)
	if !ok {
		return &Error{File: path, Err: unknownExt(path)}
	}
	f, err := os.Open(path)
	if err != nil {
		return &Error{File: path, Err: pathErr(err)}
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return &Error{File: path, Err: errors.New("is a folder, not a file")}
	}
	return ReadFrom(f, path, kind, opts, emit)
}

// ReadFrom is Read on an open stream: name is the path used in errors, in
// Source and, for Text and HTML, for the fallback title and page URL.
func ReadFrom(r io.Reader, name string, kind Kind, opts Options, emit func(annotate.Document) error) error {
	var err error
	switch kind {
	case Text:
		err = readText(r, name, emit)
	case JSONL:
		err = readJSONL(r, name, opts, emit)
	case CSV:
		err = readCSV(r, name, ',', opts, emit)
	case TSV:
		err = readCSV(r, name, '\t', opts, emit)
	case HTML:
		err = readHTML(r, name, emit)
	case Brat:
		err = errors.New("a brat .ann file is read with its text (ReadBrat), not as a document of its own")
	default:
		err = unknownExt(name)
	}
	if err == nil {
		return nil
	}
	var fe *Error
	if errors.As(err, &fe) {
		return fe
	}
	return &Error{File: name, Err: err}
}

// lineErr is an error on one line, turned into an *Error by ReadFrom.
func lineErr(name string, line int, format string, args ...any) *Error {
	return &Error{File: name, Line: line, Err: fmt.Errorf(format, args...)}
}

// emitErr wraps an error returned by the caller's emit.
func emitErr(name string, line int, err error) *Error {
	return &Error{File: name, Line: line, Err: err}
}

func unknownExt(path string) error {
	ext := filepath.Ext(path)
	if ext == "" {
		return fmt.Errorf("no file extension; Slant reads %s", strings.Join(Extensions, ", "))
	}
	return fmt.Errorf("unknown file type %q; Slant reads %s", ext, strings.Join(Extensions, ", "))
}

// pathErr drops the operation and path from an *os.PathError, since *Error
// names the file already.
func pathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		if isLoop(pe.Err) {
			return errors.New("symlink loop (too many levels of symbolic links)")
		}
		return pe.Err
	}
	return err
}

// sniff looks at the start of a stream for content that is plainly not
// text (an image, a PDF, an archive, UTF-16) so that the message says what
// the file is rather than "invalid UTF-8".
func sniff(br *bufio.Reader, what string) error {
	head, _ := br.Peek(512)
	if len(head) == 0 {
		return nil
	}
	if bytes.HasPrefix(head, []byte{0xff, 0xfe}) || bytes.HasPrefix(head, []byte{0xfe, 0xff}) {
		return fmt.Errorf("the file is UTF-16 text; save it as UTF-8 to import it")
	}
	kind := http.DetectContentType(head)
	if strings.HasPrefix(kind, "text/") || kind == "application/octet-stream" {
		return nil
	}
	return fmt.Errorf("looks like %s, not %s", strings.SplitN(kind, ";", 2)[0], what)
}

// fileTitle turns a file name into a title: the base name without its
// extension, with '_' and '-' as spaces.
func fileTitle(name string) string {
	base := filepath.Base(name)
	base = strings.TrimSuffix(base, filepath.Ext(base))
	base = strings.Map(func(r rune) rune {
		if r == '_' || r == '-' {
			return ' '
		}
		return r
	}, base)
	return strings.Join(strings.Fields(base), " ")
}

// textTitle is the title of a plain-text document: its heading line without
// Markdown's leading '#'s, or else the file name.
func textTitle(text, name string) string {
	title := annotate.HeadingTitle(text)
	if t := strings.TrimSpace(strings.TrimLeft(title, "#")); t != "" && strings.HasPrefix(title, "#") {
		title = t
	}
	if title == "" {
		title = fileTitle(name)
	}
	return title
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	if n == 1 {
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}

// tooLarge says how big something is against its limit, and by how much
// it is over (which rounding could hide: "10.0 MiB; the limit is 10.0 MiB").
func tooLarge(what string, size int64, limit int64, per string) error {
	return fmt.Errorf("%w: %s is %s, %s over the limit of %s %s", ErrTooLarge, what, humanBytes(size), humanBytes(size-limit), humanBytes(limit), per)
}

// textTooLarge is tooLarge for the text of one document.
func textTooLarge(what string, size int64) error {
	return tooLarge(what, size, MaxTextBytes, "of text per document")
}

// isBlank reports whether s is empty or only white space.
func isBlank(s string) bool { return strings.TrimSpace(s) == "" }
