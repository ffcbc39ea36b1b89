package export

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Encoder writes records in one format, one document at a time, so that
// an export streams whatever the project's size.
type Encoder interface {
	Write(Record) error
	// Close flushes what is buffered; it does not close the writer.
	Close() error
}

// Formats are the export formats by name, as --format takes them.
var Formats = []string{"doccano", "prodigy", "targets", "csv", "stance"}

// CheckFormat refuses a format Slant does not write.
func CheckFormat(format string) error {
	if !slices.Contains(Formats, format) {
		return fmt.Errorf("unknown format %q (formats: %s)", format, strings.Join(Formats, ", "))
	}
	return nil
}

// Extension is the file extension, without the dot, of an export in
// format: every format is JSON lines but csv.
func Extension(format string) string {
	if format == "csv" {
		return "csv"
	}
	return "jsonl"
}

// New returns an encoder of format writing to w.
func New(format string, w io.Writer) (Encoder, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	switch format {
	case "doccano":
		return &jsonLines{w: bw, enc: newJSON(bw), line: doccanoLine}, nil
	case "prodigy":
		return newProdigy(bw), nil
	case "stance":
		return &jsonLines{w: bw, enc: newJSON(bw), many: stanceLines}, nil
	case "targets":
		return &jsonLines{w: bw, enc: newJSON(bw), many: targetsLines}, nil
	case "csv":
		c := &csvRows{w: bw, csv: csv.NewWriter(bw)}
		return c, c.csv.Write(csvHeader)
	}
	if err := CheckFormat(format); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("format %q has no encoder", format)
}

func newJSON(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

// jsonLines writes one JSON object per record (line) or several (many).
type jsonLines struct {
	w    *bufio.Writer
	enc  *json.Encoder
	line func(Record) any
	many func(Record) []any
}

func (j *jsonLines) Write(r Record) error {
	if j.line != nil {
		return j.enc.Encode(j.line(r))
	}
	for _, v := range j.many(r) {
		if err := j.enc.Encode(v); err != nil {
			return err
		}
	}
	return nil
}

func (j *jsonLines) Close() error { return j.w.Flush() }

// doccanoRecord is doccano's sequence-labelling JSONL, with the document
// labels as categories ("task:value") beside the spans, so that every key
// has one type in every line.
type doccanoRecord struct {
	ID     int64    `json:"id"`
	SHA256 string   `json:"sha256"`
	Source string   `json:"source"`
	Text   string   `json:"text"`
	Label  [][3]any `json:"label"` // [start, end, label]
	Cats   []string `json:"cats"`
}

func doccanoLine(r Record) any {
	d := doccanoRecord{ID: r.DocID, SHA256: r.SHA256, Source: r.Source, Text: r.Text, Label: [][3]any{}, Cats: []string{}}
	for _, e := range r.Entities {
		d.Label = append(d.Label, [3]any{e.Start, e.End, e.Label})
	}
	for _, q := range r.Quotes {
		d.Label = append(d.Label, [3]any{q.Start, q.End, "QUOTE"})
		if q.Speaker != nil {
			d.Label = append(d.Label, [3]any{q.Speaker[0], q.Speaker[1], "SPEAKER"})
		}
	}
	slices.SortStableFunc(d.Label, func(a, b [3]any) int { return a[0].(int) - b[0].(int) })
	for _, l := range r.Labels {
		d.Cats = append(d.Cats, l.Task+":"+l.Value)
	}
	return d
}

// stanceRecord is one stance: a quote's, or the document's.
type stanceRecord struct {
	DocID   int64  `json:"doc_id"`
	SHA256  string `json:"sha256"`
	Source  string `json:"source"`
	Kind    string `json:"kind"` // "quote" or "document"
	Task    string `json:"task"`
	Stance  string `json:"stance"`
	Target  string `json:"target"`
	Text    string `json:"text"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
	Speaker string `json:"speaker"`
}

func stanceLines(r Record) []any {
	var out []any
	for _, l := range r.Labels {
		if l.Towards != "" {
			out = append(out, stanceRecord{DocID: r.DocID, SHA256: r.SHA256, Source: r.Source, Kind: "document", Task: l.Task,
				Stance: l.Value, Target: l.Towards, Text: r.Text, Start: 0, End: utf8.RuneCountInString(r.Text)})
		}
	}
	for _, q := range r.Quotes {
		for _, l := range q.Labels {
			out = append(out, stanceRecord{DocID: r.DocID, SHA256: r.SHA256, Source: r.Source, Kind: "quote", Task: l.Task,
				Stance: l.Value, Target: l.Towards, Text: q.Text, Start: q.Start, End: q.End, Speaker: q.SpeakerText})
		}
	}
	return out
}

// csvHeader names the columns of the csv format: one row per label, and
// one per entity span (unit "entity", its label as the value).
var csvHeader = []string{"doc_id", "sha256", "source", "unit", "task", "target", "start", "end", "text", "value", "towards"}

type csvRows struct {
	w   *bufio.Writer
	csv *csv.Writer
}

func (c *csvRows) Write(r Record) error {
	id := strconv.FormatInt(r.DocID, 10)
	row := func(unit, task, target string, start, end int, text, value, towards string) error {
		s, e := "", ""
		if start >= 0 {
			s, e = strconv.Itoa(start), strconv.Itoa(end)
		}
		return c.csv.Write([]string{id, r.SHA256, cell(r.Source), unit, cell(task), cell(target), s, e, cell(text), cell(value), cell(towards)})
	}
	for _, l := range r.Labels {
		if err := row("document", l.Task, "", -1, -1, "", l.Value, l.Towards); err != nil {
			return err
		}
	}
	for _, t := range r.Targets {
		for _, l := range t.Labels {
			start, end := -1, -1
			if len(t.Mentions) > 0 {
				start, end = t.Mentions[0][0], t.Mentions[0][1]
			}
			if err := row("target", l.Task, t.Name, start, end, t.Text, l.Value, l.Towards); err != nil {
				return err
			}
		}
	}
	for _, q := range r.Quotes {
		for _, l := range q.Labels {
			if err := row("quote", l.Task, "", q.Start, q.End, q.Text, l.Value, l.Towards); err != nil {
				return err
			}
		}
	}
	for _, e := range r.Entities {
		if err := row("entity", "", e.Target, e.Start, e.End, e.Text, e.Label, ""); err != nil {
			return err
		}
	}
	return c.csv.Error()
}

func (c *csvRows) Close() error {
	c.csv.Flush()
	if err := c.csv.Error(); err != nil {
		return err
	}
	return c.w.Flush()
}

// cell keeps a spreadsheet from reading s as a formula: a cell that starts
// with =, +, -, @, a tab or a carriage return gets a leading apostrophe,
// which Excel, LibreOffice and Google Sheets show as text.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
