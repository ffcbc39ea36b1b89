package format

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slant-annotate/slant/annotate"
)

// defaultTextFields are tried in order when Options.TextField is empty.
var defaultTextFields = []string{"text", "body", "content"}

// readJSONL reads one JSON object per line. Blank lines are skipped. The text
// comes from Options.TextField or the first of defaultTextFields present;
// "id" (string or number) becomes ExternalID and "title" (a string) the
// title; every other field goes to Meta as decoded by encoding/json with
// UseNumber (so numbers are json.Number and keep their exact digits).
func readJSONL(r io.Reader, name string, opts Options, emit func(annotate.Document) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	if err := sniff(br, "a JSONL file"); err != nil {
		return &Error{File: name, Err: err}
	}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 0, 64<<10), MaxRecordBytes+1)
	lineNo, docs := 0, 0
	for sc.Scan() {
		lineNo++
		line := sc.Bytes()
		if lineNo == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		doc, err := jsonlDoc(line, opts)
		if err != nil {
			return &Error{File: name, Line: lineNo, Err: err}
		}
		doc.Source = name + ":" + strconv.Itoa(lineNo)
		if err := emit(doc); err != nil {
			return emitErr(name, lineNo, err)
		}
		docs++
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return &Error{File: name, Line: lineNo + 1,
				Err: fmt.Errorf("%w: line is longer than the limit of %s", ErrTooLarge, humanBytes(MaxRecordBytes))}
		}
		return &Error{File: name, Line: lineNo + 1, Err: pathErr(err)}
	}
	if docs == 0 {
		if lineNo == 0 {
			return &Error{File: name, Err: ErrEmpty}
		}
		return &Error{File: name, Err: fmt.Errorf("%w (only blank lines)", ErrEmpty)}
	}
	return nil
}

// jsonlDoc turns one non-blank JSONL line into a document (without Source).
func jsonlDoc(line []byte, opts Options) (annotate.Document, error) {
	var doc annotate.Document
	if !utf8.Valid(line) {
		i := invalidUTF8(line)
		return doc, fmt.Errorf("invalid UTF-8 (byte 0x%02x at column %d); the file must be saved as UTF-8", line[i], i+1)
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	if err == nil {
		if _, err = dec.Token(); err == io.EOF {
			err = nil
		} else if err == nil {
			err = fmt.Errorf("more than one JSON value on the line (column %d)", dec.InputOffset())
		}
	}
	if err != nil {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			return doc, fmt.Errorf("malformed JSON at column %d: %v", se.Offset, se)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return doc, errors.New("malformed JSON: the line ends before the object does")
		}
		return doc, fmt.Errorf("malformed JSON: %v", err)
	}
	fields, ok := v.(map[string]any)
	if !ok {
		return doc, fmt.Errorf("line is a JSON %s, not an object", typeOf(v))
	}
	if key, dup := duplicateKey(line, fields); dup {
		return doc, fmt.Errorf("the key %q appears twice on the line; which one is meant?", key)
	}
	if err := checkSurrogates(line); err != nil {
		return doc, err
	}

	key := opts.TextField
	if key == "" {
		for _, k := range defaultTextFields {
			if _, ok := fields[k]; ok {
				key = k
				break
			}
		}
		if key == "" {
			return doc, fmt.Errorf("no text field: expected one of %s (use --text-field); this line has %s",
				quoteList(defaultTextFields), fieldList(fields))
		}
	}
	tv, ok := fields[key]
	if !ok {
		return doc, fmt.Errorf("no text field %q; this line has %s", key, fieldList(fields))
	}
	text, ok := tv.(string)
	if !ok {
		return doc, fmt.Errorf("field %q is a JSON %s, not a string", key, typeOf(tv))
	}
	if isBlank(text) {
		return doc, fmt.Errorf("text field %q is empty", key)
	}
	if doc.Text, err = checkedText(key, text); err != nil {
		return doc, err
	}
	delete(fields, key)

	if id, ok := fields["id"]; ok {
		switch id := id.(type) {
		case string:
			doc.ExternalID = id
		case json.Number:
			doc.ExternalID = id.String()
		case nil:
		default:
			return doc, fmt.Errorf(`field "id" is a JSON %s; it must be a string or a number`, typeOf(id))
		}
		if doc.ExternalID != "" {
			delete(fields, "id")
		}
		if strings.IndexByte(doc.ExternalID, 0) >= 0 {
			return doc, errors.New(`field "id" contains a NUL character`)
		}
	}
	if title, ok := fields["title"].(string); ok {
		if strings.IndexByte(title, 0) >= 0 {
			return doc, errors.New(`field "title" contains a NUL character`)
		}
		doc.Title = strings.TrimSpace(title)
		delete(fields, "title")
	}
	if doc.Title == "" {
		doc.Title = annotate.HeadingTitle(doc.Text)
	}
	if len(fields) > 0 {
		doc.Meta = fields
	}
	return doc, nil
}

// typeOf names the JSON type of a value decoded with UseNumber.
func typeOf(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// checkedText applies annotate.NormalizeText (CRLF and CR become LF) and the
// size limit to a text taken from a record.
func checkedText(what, s string) (string, error) {
	if len(s) > MaxTextBytes {
		return "", textTooLarge(fmt.Sprintf("the text in %q", what), int64(len(s)))
	}
	if strings.IndexByte(s, '\r') < 0 && !strings.HasPrefix(s, "\ufeff") {
		if i := strings.IndexByte(s, 0); i >= 0 {
			return "", fmt.Errorf("%q contains a NUL character at byte %d", what, i)
		}
		if !utf8.ValidString(s) {
			return "", fmt.Errorf("%q is not valid UTF-8", what)
		}
		return s, nil
	}
	t, err := annotate.NormalizeText([]byte(s))
	if err != nil {
		var te *annotate.TextError
		if errors.As(err, &te) {
			return "", fmt.Errorf("%q: %s (line %d of the text)", what, te.Reason, te.Line)
		}
		return "", fmt.Errorf("%q: %v", what, err)
	}
	return t, nil
}

// checkSurrogates refuses \u escapes that are lone UTF-16 surrogates, which
// encoding/json would silently turn into U+FFFD.
func checkSurrogates(line []byte) error {
	if !bytes.Contains(line, []byte(`\u`)) {
		return nil
	}
	hex4 := func(i int) (rune, bool) {
		if i+6 > len(line) || line[i] != '\\' || line[i+1] != 'u' {
			return 0, false
		}
		v, err := strconv.ParseUint(string(line[i+2:i+6]), 16, 32)
		return rune(v), err == nil
	}
	for i := 0; i < len(line); i++ {
		if line[i] != '\\' {
			continue
		}
		if i+1 < len(line) && line[i+1] != 'u' {
			i++ // a two-character escape such as \\ or \"
			continue
		}
		r, ok := hex4(i)
		if !ok {
			continue
		}
		switch {
		case r >= 0xd800 && r < 0xdc00:
			if r2, ok := hex4(i + 6); ok && r2 >= 0xdc00 && r2 < 0xe000 {
				i += 11
				continue
			}
			return fmt.Errorf(`unpaired UTF-16 surrogate \u%04x at column %d`, r, i+1)
		case r >= 0xdc00 && r < 0xe000:
			return fmt.Errorf(`unpaired UTF-16 surrogate \u%04x at column %d`, r, i+1)
		}
		i += 5
	}
	return nil
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

func fieldList(fields map[string]any) string {
	if len(fields) == 0 {
		return "no fields"
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) > 12 {
		return "fields " + quoteList(keys[:12]) + fmt.Sprintf(" and %d more", len(keys)-12)
	}
	return "fields " + quoteList(keys)
}

// invalidUTF8 returns the index of the first byte of b that does not start
// a valid UTF-8 sequence, or -1.
func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}

// duplicateKey reports a key that the line's object (decoded as fields)
// has twice: decoding would silently keep the last. A line where each key
// appears once as a quoted string has none, so most lines cost a few byte
// searches; the others are read again token by token.
func duplicateKey(line []byte, fields map[string]any) (string, bool) {
	once := true
	for k := range fields {
		if bytes.Count(line, []byte(`"`+k+`"`)) != 1 {
			once = false
			break
		}
	}
	if once {
		return "", false
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return "", false
	}
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return "", false
		}
		key, _ := t.(string)
		if seen[key] {
			return key, true
		}
		seen[key] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return "", false
		}
	}
	return "", false
}
