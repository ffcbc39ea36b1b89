package format

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slant-annotate/slant/annotate"
)

var (
	defaultTextCols  = []string{"text", "body", "content", "document", "article"}
	defaultTitleCols = []string{"title", "headline"}
	defaultIDCols    = []string{"id"}
)

// readCSV reads a header row and then one document per record. Quoted
// fields may span lines. Every column other than text, title and id goes to
// Meta as a string (empty cells included, so every document has the same
// keys). For TSV (comma '\t') quotes are lazy: a quote inside an unquoted
// field is kept as is, as spreadsheet programs write it.
func readCSV(r io.Reader, name string, comma rune, opts Options, emit func(annotate.Document) error) error {
	what := "a CSV file"
	if comma == '\t' {
		what = "a TSV file"
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if err := sniff(br, what); err != nil {
		return &Error{File: name, Err: err}
	}
	lim := &recordLimiter{r: br}
	cr := csv.NewReader(lim)
	cr.Comma = comma
	cr.ReuseRecord = true
	cr.LazyQuotes = comma == '\t'

	header, err := cr.Read()
	if err == io.EOF {
		return &Error{File: name, Err: ErrEmpty}
	}
	if err != nil {
		return csvErr(name, 0, err)
	}
	if err := checkFields(header, cr); err != nil {
		return &Error{File: name, Line: err.line, Err: err}
	}
	header = headerNames(header)
	cols, err := csvColumns(header, opts)
	if err != nil {
		return &Error{File: name, Line: 1, Err: err}
	}

	rows, prevLine := 0, 1
	for {
		lim.mark(cr.InputOffset())
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
			return lineErr(name, pe.StartLine, "the row has %d fields but the header has %d", len(rec), len(header))
		}
		if err != nil {
			return csvErr(name, prevLine, err)
		}
		line, _ := cr.FieldPos(0)
		if err := checkFields(rec, cr); err != nil {
			return &Error{File: name, Line: err.line, Err: err}
		}
		text := rec[cols.text]
		if isBlank(text) {
			return lineErr(name, line, "the text column %q is empty", header[cols.text])
		}
		text, err = checkedText(header[cols.text], text)
		if err != nil {
			return &Error{File: name, Line: line, Err: err}
		}
		last, _ := cr.FieldPos(len(rec) - 1)
		prevLine = last + strings.Count(rec[len(rec)-1], "\n")
		doc := annotate.Document{Text: text, Source: name + ":" + strconv.Itoa(line)}
		if cols.title >= 0 {
			doc.Title = strings.TrimSpace(rec[cols.title])
		}
		if doc.Title == "" {
			doc.Title = annotate.HeadingTitle(text)
		}
		if cols.id >= 0 {
			doc.ExternalID = strings.TrimSpace(rec[cols.id])
		}
		if len(cols.meta) > 0 {
			doc.Meta = make(map[string]any, len(cols.meta))
			for _, i := range cols.meta {
				doc.Meta[header[i]] = rec[i]
			}
		}
		if err := emit(doc); err != nil {
			return emitErr(name, line, err)
		}
		rows++
	}
	if rows == 0 {
		return &Error{File: name, Err: fmt.Errorf("%w: the header has no rows after it", ErrEmpty)}
	}
	return nil
}

type csvCols struct {
	text, title, id int
	meta            []int
}

// csvColumns finds the text, title and id columns and the rest.
func csvColumns(header []string, opts Options) (csvCols, error) {
	c := csvCols{text: -1, title: -1, id: -1}
	find := func(opt, flag, role string, defaults []string, required bool) (int, error) {
		if opt != "" {
			if i := column(header, opt); i >= 0 {
				return i, nil
			}
			return -1, fmt.Errorf("no column %q (%s); the columns are %s", opt, flag, quoteList(header))
		}
		for _, d := range defaults {
			if i := column(header, d); i >= 0 {
				return i, nil
			}
		}
		if required {
			return -1, fmt.Errorf("no %s column: expected one of %s (use %s); the columns are %s",
				role, quoteList(defaults), flag, quoteList(header))
		}
		return -1, nil
	}
	var err error
	if c.text, err = find(opts.TextCol, "--text-col", "text", defaultTextCols, true); err != nil {
		return c, err
	}
	if c.title, err = find(opts.TitleCol, "--title-col", "title", defaultTitleCols, false); err != nil {
		return c, err
	}
	if c.id, err = find(opts.IDCol, "--id-col", "id", defaultIDCols, false); err != nil {
		return c, err
	}
	if c.title == c.text {
		c.title = -1
	}
	if c.id == c.text {
		c.id = -1
	}
	for i := range header {
		if i != c.text && i != c.title && i != c.id {
			c.meta = append(c.meta, i)
		}
	}
	return c, nil
}

// column returns the index of the header column named name, ignoring case
// and surrounding spaces; an exact match wins over a case-folded one.
func column(header []string, name string) int {
	name = strings.TrimSpace(name)
	for i, h := range header {
		if h == name {
			return i
		}
	}
	for i, h := range header {
		if strings.EqualFold(strings.TrimSpace(h), name) {
			return i
		}
	}
	return -1
}

type fieldErr struct {
	line int
	msg  string
}

func (e *fieldErr) Error() string { return e.msg }

// checkFields refuses invalid UTF-8 and NUL bytes in any field, naming the
// line where the bad byte is. On the header it also removes a UTF-8 BOM and
// names blank columns and repeated names apart ("column_3", "name_2").
func checkFields(rec []string, cr *csv.Reader) *fieldErr {
	for i, f := range rec {
		bad, what := -1, ""
		if j := strings.IndexByte(f, 0); j >= 0 {
			bad, what = j, "binary content (NUL byte); not a text file"
		}
		if !utf8.ValidString(f) {
			if j := invalidUTF8([]byte(f)); bad < 0 || j < bad {
				bad, what = j, fmt.Sprintf("invalid UTF-8 (byte 0x%02x); the file must be saved as UTF-8", f[j])
			}
		}
		if bad >= 0 {
			line, _ := cr.FieldPos(i)
			line += strings.Count(f[:bad], "\n")
			return &fieldErr{line: line, msg: what}
		}
	}
	return nil
}

// csvErr turns an error from csv.Reader into an *Error naming the line.
func csvErr(name string, prevLine int, err error) error {
	if errors.Is(err, errRecordTooLarge) {
		return &Error{File: name, Err: fmt.Errorf("%w: the record after line %d is longer than the limit of %s (an unbalanced quote?)",
			ErrTooLarge, prevLine, humanBytes(MaxRecordBytes))}
	}
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return &Error{File: name, Err: pathErr(err)}
	}
	switch {
	case errors.Is(pe.Err, csv.ErrQuote):
		if pe.Line == pe.StartLine {
			return lineErr(name, pe.Line, `stray quote (") after a quoted field, at column %d`, pe.Column)
		}
		return lineErr(name, pe.StartLine, `unterminated quoted field: the quote (") opened on this line is not closed properly (the reader gave up at line %d)`, pe.Line)
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return lineErr(name, pe.Line, `a quote (") inside an unquoted field at column %d; quote the field and double the quote inside it`, pe.Column)
	}
	return lineErr(name, pe.Line, "%v", pe.Err)
}

// headerNames copies the header, removing a UTF-8 BOM and surrounding
// spaces, naming blank columns "column_N" (1-based) and repeated names
// "name_2", "name_3", so that every column has its own Meta key.
func headerNames(rec []string) []string {
	h := make([]string, len(rec))
	seen := make(map[string]bool, len(rec))
	for i, name := range rec {
		if i == 0 {
			name = strings.TrimPrefix(name, "\ufeff")
		}
		name = strings.TrimSpace(name)
		if name == "" {
			name = "column_" + strconv.Itoa(i+1)
		}
		base := name
		for n := 2; seen[name]; n++ {
			name = base + "_" + strconv.Itoa(n)
		}
		seen[name] = true
		h[i] = name
	}
	return h
}

// errRecordTooLarge is returned by recordLimiter.
var errRecordTooLarge = errors.New("record too large")

// recordLimiter stops a CSV read when one record grows past MaxRecordBytes,
// so that a stray quote cannot pull a whole large file into one field.
type recordLimiter struct {
	r     io.Reader
	n     int64 // bytes read so far
	start int64 // input offset where the current record starts
}

func (l *recordLimiter) mark(off int64) { l.start = off }

func (l *recordLimiter) Read(p []byte) (int, error) {
	if l.n-l.start > MaxRecordBytes+64<<10 {
		return 0, errRecordTooLarge
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	return n, err
}
