package agree

import (
	"fmt"
	"hash/maphash"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MatrixError is a problem in a reliability-data CSV file.
type MatrixError struct {
	File string
	Line int // 1-based; 0 when the problem is the file as a whole
	Msg  string
}

func (e *MatrixError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// MatrixOptions says how to read the values of a matrix.
type MatrixOptions struct {
	Level Level
	// Categories declares the ordered category set (nil: the values that
	// occur, in numeric order when all are numbers).
	Categories []string
}

// ParseMatrix reads reliability data from CSV (RFC 4180: commas, optional
// double quotes with "" inside, CRLF or LF). The header row names the coders
// after a first unit-id column; then one row per unit. An empty cell is a
// missing value; spaces around an unquoted cell are ignored, and rows whose
// cells are all empty are skipped. Values are numbers or labels: labels are
// accepted at the nominal level, or at the ordinal level when Categories
// orders them; the interval and ratio levels need numbers. name is the file
// name used in error messages, which are *MatrixError values naming the line.
func ParseMatrix(name string, data []byte, o MatrixOptions) (*Reliability, error) {
	fail := func(line int, format string, a ...any) error {
		return &MatrixError{File: name, Line: line, Msg: fmt.Sprintf(format, a...)}
	}
	if o.Level < Nominal || o.Level > Ratio {
		return nil, fail(0, "unknown level %d", int(o.Level))
	}
	if o.Categories != nil {
		if len(o.Categories) == 0 {
			return nil, fail(0, "the declared category set is empty")
		}
		seen := map[string]bool{}
		for _, c := range o.Categories {
			if c == "" || seen[c] {
				return nil, fail(0, "declared categories must be distinct and not empty (%q)", c)
			}
			seen[c] = true
		}
	}
	s := string(data)
	s = strings.TrimPrefix(s, "\uFEFF")
	if i := strings.IndexByte(s, 0); i >= 0 {
		return nil, fail(1+strings.Count(s[:i], "\n"), "NUL byte: not a text file")
	}
	if !utf8.ValidString(s) {
		for i, c := range s {
			if c == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD") {
				return nil, fail(1+strings.Count(s[:i], "\n"), "invalid UTF-8 at byte %d", i)
			}
		}
	}
	p := &csvScanner{s: s, line: 1}
	var header []string
	headerLine := 0
	for header == nil {
		line := p.line
		rec, err := p.record()
		if err != nil {
			return nil, fail(p.errLine, "%v", err)
		}
		if rec == nil {
			return nil, fail(0, "empty file: expected a header row naming the coders after a unit-id column")
		}
		if !blank(rec) {
			header = append([]string(nil), rec...)
			headerLine = line
		}
	}
	coders := header[1:]
	switch len(coders) {
	case 0:
		return nil, fail(headerLine, "the header names no coder: expected a unit-id column and then one column per coder")
	case 1:
		return nil, fail(headerLine, "the header names one coder (%q): agreement needs two or more", coders[0])
	}
	seen := make(map[string]int, len(coders))
	for j, c := range coders {
		if c == "" {
			return nil, fail(headerLine, "column %d has no coder name", j+2)
		}
		if prev, dup := seen[c]; dup {
			return nil, fail(headerLine, "coder %q named twice (columns %d and %d)", c, prev+2, j+2)
		}
		seen[c] = j
	}
	k := len(coders)
	cols := k + 1

	// Rows: unit ids and interned value tokens.
	in := interner{}
	rows := strings.Count(s[p.i:], "\n") + 1 // at least the rows left
	r := &Reliability{Coders: coders, Units: make([]string, 0, rows)}
	// Ids that keep increasing (shorter first, then byte order: 9 < 10) are
	// distinct without a lookup; the hash set is built when they stop.
	var units *idSet
	unitLines := make([]int32, 0, rows)
	tokCells := make([]int32, 0, rows*k)
	for {
		line := p.line
		rec, err := p.record()
		if err != nil {
			return nil, fail(p.errLine, "%v", err)
		}
		if rec == nil {
			break
		}
		if len(rec) != cols {
			if blank(rec) {
				continue
			}
			return nil, fail(line, "%d cells, but the header has %d columns (a unit id and %d coders)", len(rec), cols, k)
		}
		id := rec[0]
		if id == "" {
			if blank(rec) {
				continue
			}
			return nil, fail(line, "the unit id (first cell) is empty")
		}
		if units == nil {
			if n := len(r.Units); n > 0 && !shortlexLess(r.Units[n-1], id) {
				units = newIDSet(rows)
				for i := range r.Units {
					units.add(r.Units[:i], r.Units[i])
				}
			}
		}
		if units != nil {
			if prev := units.add(r.Units, id); prev >= 0 {
				return nil, fail(line, "unit %q appears twice (first on line %d)", id, unitLines[prev])
			}
		}
		r.Units = append(r.Units, id)
		unitLines = append(unitLines, int32(line))
		for j, f := range rec[1:] {
			switch {
			case f == "":
				tokCells = append(tokCells, Missing)
			case len(f) == 1 && in.one[f[0]] > 0: // the usual one-character value
				tokCells = append(tokCells, in.one[f[0]]-1)
			default:
				tokCells = append(tokCells, in.code(f, line, j))
			}
		}
	}

	// Categories.
	remap, err := categorize(r, &in, o, func(t int, format string, a ...any) error {
		return fail(in.line[t], "coder %s: "+format, append([]any{coders[in.coder[t]]}, a...)...)
	})
	if err != nil {
		return nil, err
	}
	for i, t := range tokCells {
		if t >= 0 {
			tokCells[i] = remap[t]
		}
	}
	r.Cells = tokCells
	if r.Cells == nil {
		r.Cells = []int32{}
	}
	return r, nil
}

// categorize sets r's categories from the distinct tokens and returns the
// category of each token.
func categorize(r *Reliability, in *interner, o MatrixOptions, fail func(tok int, format string, a ...any) error) ([]int32, error) {
	nums := make([]float64, len(in.toks))
	numeric := true
	for t, s := range in.toks {
		nums[t] = parseNumber(s)
		if math.IsNaN(nums[t]) {
			numeric = false
		}
	}
	remap := make([]int32, len(in.toks))
	if o.Categories != nil {
		r.Labels = o.Categories
		r.Values = make([]float64, len(o.Categories))
		r.Ordered = true
		byName := make(map[string]int32, len(o.Categories))
		byNum := map[float64]int32{}
		for i, c := range o.Categories {
			byName[c] = int32(i)
			v := parseNumber(c)
			r.Values[i] = v
			if !math.IsNaN(v) {
				if _, dup := byNum[v]; !dup {
					byNum[v] = int32(i)
				}
			}
		}
		for t, s := range in.toks {
			c, ok := byName[s]
			if !ok && !math.IsNaN(nums[t]) {
				c, ok = byNum[nums[t]]
			}
			if !ok {
				return nil, fail(t, "value %q is not one of the declared categories (%s)", s, strings.Join(o.Categories, ","))
			}
			remap[t] = c
		}
	} else if numeric {
		order := make([]int, len(in.toks))
		for i := range order {
			order[i] = i
		}
		sort.Slice(order, func(i, j int) bool { return nums[order[i]] < nums[order[j]] })
		r.Ordered = true
		for _, t := range order {
			v := nums[t]
			if n := len(r.Values); n == 0 || r.Values[n-1] != v {
				r.Values = append(r.Values, v)
				r.Labels = append(r.Labels, strconv.FormatFloat(v, 'g', -1, 64))
			}
			remap[t] = int32(len(r.Values) - 1)
		}
	} else {
		if o.Level != Nominal {
			for t := range in.toks {
				if math.IsNaN(nums[t]) {
					how := "give --categories to order labels"
					if o.Level != Ordinal {
						how = "use the nominal level, or the ordinal level with --categories, for labels"
					}
					return nil, fail(t, "value %q is not a number: the %s level needs numbers (%s)", in.toks[t], o.Level, how)
				}
			}
		}
		order := make([]int, len(in.toks))
		for i := range order {
			order[i] = i
		}
		sort.Slice(order, func(i, j int) bool { return in.toks[order[i]] < in.toks[order[j]] })
		for i, t := range order {
			remap[t] = int32(i)
			r.Labels = append(r.Labels, in.toks[t])
			r.Values = append(r.Values, nums[t])
		}
	}
	if o.Level == Interval || o.Level == Ratio {
		for t := range in.toks {
			v := r.Values[remap[t]]
			if math.IsNaN(v) {
				return nil, fail(t, "value %q is not a number: the %s level needs numbers", in.toks[t], o.Level)
			}
			if o.Level == Ratio && v < 0 {
				return nil, fail(t, "value %q is negative: the ratio level needs values of zero or more", in.toks[t])
			}
		}
	}
	return remap, nil
}

func blank(rec []string) bool {
	for _, f := range rec {
		if f != "" {
			return false
		}
	}
	return true
}

// interner numbers distinct value tokens, remembering where each was first
// seen. Few distinct tokens (the usual case) are found by a linear scan,
// which beats hashing.
type interner struct {
	toks  []string
	line  []int
	coder []int
	index map[string]int32
	one   [256]int32 // code+1 of each one-byte token
}

func (in *interner) code(f string, line, coder int) int32 {
	if len(f) == 1 {
		if c := in.one[f[0]]; c > 0 {
			return c - 1
		}
	}
	if in.index == nil {
		for i, t := range in.toks {
			if t == f {
				return int32(i)
			}
		}
	} else if c, ok := in.index[f]; ok {
		return c
	}
	c := int32(len(in.toks))
	if len(f) == 1 {
		in.one[f[0]] = c + 1
	}
	in.toks = append(in.toks, f)
	in.line = append(in.line, line)
	in.coder = append(in.coder, coder)
	if in.index != nil {
		in.index[f] = c
	} else if len(in.toks) > 16 {
		in.index = make(map[string]int32, 64)
		for i, t := range in.toks {
			in.index[t] = int32(i)
		}
	}
	return c
}

// fieldEnd marks the bytes that end an unquoted field.
var fieldEnd = [256]bool{',': true, '\n': true, '\r': true}

// csvScanner reads RFC 4180 records from a string without copying unquoted
// fields.
type csvScanner struct {
	s       string
	i       int
	line    int // line of the next byte
	errLine int
	rec     []string
}

// record returns the next record (reused between calls; fields trimmed of
// spaces and tabs around them), or nil at the end.
func (p *csvScanner) record() ([]string, error) {
	s := p.s
	if p.i >= len(s) {
		return nil, nil
	}
	rec := p.rec[:0]
	for {
		i := p.i
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		var f string
		if i < len(s) && s[i] == '"' {
			start := p.line
			var b strings.Builder
			i++
			for {
				j := strings.IndexByte(s[i:], '"')
				if j < 0 {
					p.errLine = start
					return nil, fmt.Errorf("quoted field never closed (the opening quote is on this line)")
				}
				p.line += strings.Count(s[i:i+j], "\n")
				b.WriteString(s[i : i+j])
				i += j + 1
				if i < len(s) && s[i] == '"' {
					b.WriteByte('"')
					i++
					continue
				}
				break
			}
			f = strings.TrimSpace(b.String())
			if strings.Contains(f, "\r") { // line breaks inside quotes become LF, as everywhere in Slant
				f = strings.ReplaceAll(strings.ReplaceAll(f, "\r\n", "\n"), "\r", "\n")
			}
			for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
				i++
			}
			if i < len(s) && s[i] != ',' && s[i] != '\n' && s[i] != '\r' {
				p.errLine = p.line
				return nil, fmt.Errorf("unexpected %q after a closing quote (write a quote inside a quoted field as \"\")", s[i])
			}
		} else {
			j := i
			for j < len(s) && !fieldEnd[s[j]] {
				j++
			}
			e := j
			for e > i && (s[e-1] == ' ' || s[e-1] == '\t') {
				e--
			}
			f = s[i:e]
			i = j
		}
		rec = append(rec, f)
		if i >= len(s) {
			p.i = i
			break
		}
		c := s[i]
		i++
		if c == ',' {
			p.i = i
			continue
		}
		if c == '\r' && i < len(s) && s[i] == '\n' {
			i++
		}
		p.line++
		p.i = i
		break
	}
	p.rec = rec
	return rec, nil
}

// shortlexLess orders shorter strings first, then by bytes.
func shortlexLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// idSet finds repeated unit ids: an open-addressing table of indices into
// the ids seen so far, each with the top 32 bits of its hash, which also
// place it, so that most probes need no string comparison; cheaper than a
// map[string] for many short ids.
type idSet struct {
	seed  maphash.Seed
	slots []uint64 // hash>>32 << 32 | index+1 into ids; 0 is empty
	mask  uint64
	n     int
}

func newIDSet(hint int) *idSet {
	size := 16
	for size < 2*hint {
		size <<= 1
	}
	return &idSet{seed: maphash.MakeSeed(), slots: make([]uint64, size), mask: uint64(size - 1)}
}

// add records id as ids[len(ids)] (the caller appends it) and returns -1, or
// the index of an equal id seen before.
func (t *idSet) add(ids []string, id string) int {
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	h := maphash.String(t.seed, id)
	tag := h &^ 0xffffffff
	for i := h >> 32 & t.mask; ; i = (i + 1) & t.mask {
		s := t.slots[i]
		if s == 0 {
			t.slots[i] = tag | uint64(len(ids)+1)
			t.n++
			return -1
		}
		if s&^0xffffffff == tag {
			if j := int(s&0xffffffff) - 1; ids[j] == id {
				return j
			}
		}
	}
}

func (t *idSet) grow() {
	old := t.slots
	t.slots = make([]uint64, 2*len(old))
	t.mask = uint64(len(t.slots) - 1)
	for _, s := range old {
		if s == 0 {
			continue
		}
		i := s >> 32 & t.mask
		for t.slots[i] != 0 {
			i = (i + 1) & t.mask
		}
		t.slots[i] = s
	}
}
