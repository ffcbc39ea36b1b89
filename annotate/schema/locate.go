package schema

import (
	"strconv"
	"strings"
)

// locator finds the line on which a key, a table or an array element of a
// (syntactically valid) TOML file starts, since the TOML library reports
// positions only for syntax errors.
//
// Paths name array elements by index: "tasks#1.scope" is the scope key of
// the second [[tasks]]; "tasks#1.labels#2" is the third element of its
// labels array (or its third [[tasks.labels]] table).
type locator struct {
	lines map[string]int
	order []locEntry
}

type locEntry struct {
	path  string // with indices
	plain string // without: "tasks.scope"
	line  int
}

func (l *locator) add(path string, line int) {
	if _, ok := l.lines[path]; ok {
		return
	}
	l.lines[path] = line
	l.order = append(l.order, locEntry{path, stripIndices(path), line})
}

// line returns the line of path, else of its nearest ancestor that has one,
// else 0.
func (l *locator) line(path string) int {
	for path != "" {
		if n, ok := l.lines[path]; ok {
			return n
		}
		i := strings.LastIndexAny(path, ".#")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return 0
}

// plainLine returns the first line on which a key with this index-free
// path appears, or 0.
func (l *locator) plainLine(plain string) int {
	for _, e := range l.order {
		if e.plain == plain {
			return e.line
		}
	}
	return 0
}

func stripIndices(path string) string {
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		if path[i] == '#' {
			for i+1 < len(path) && path[i+1] >= '0' && path[i+1] <= '9' {
				i++
			}
			continue
		}
		b.WriteByte(path[i])
	}
	return b.String()
}

// locate scans src, which must be valid TOML.
func locate(src string) *locator {
	l := &locator{lines: map[string]int{}}
	s := &scanner{src: src, line: 1}
	arrays := map[string]int{} // indexed array path → elements so far
	table := ""
	// resolve turns key parts into an indexed path below base, pointing at
	// the latest element of each array of tables on the way.
	resolve := func(base string, parts []string) string {
		p := base
		for _, part := range parts {
			if p != "" {
				p += "."
			}
			p += part
			if n, ok := arrays[p]; ok && n > 0 {
				p += "#" + strconv.Itoa(n-1)
			}
		}
		return p
	}
	for !s.eof() {
		s.skipBlank()
		if s.eof() {
			break
		}
		c := s.peek()
		switch {
		case c == '\n':
			s.next()
		case c == '[':
			line := s.line
			s.next()
			array := !s.eof() && s.peek() == '['
			if array {
				s.next()
			}
			parts := s.keyParts("]")
			s.skipTo('\n')
			if !array {
				table = resolve("", parts)
				l.add(table, line)
				continue
			}
			parent := resolve("", parts[:len(parts)-1])
			p := parts[len(parts)-1]
			if parent != "" {
				p = parent + "." + p
			}
			n := arrays[p]
			arrays[p] = n + 1
			l.add(p, line)
			table = p + "#" + strconv.Itoa(n)
			l.add(table, line)
		default:
			line := s.line
			parts := s.keyParts("=")
			path := resolve(table, parts)
			l.add(path, line)
			s.value(func(i, line int) { l.add(path+"#"+strconv.Itoa(i), line) })
		}
	}
	return l
}

type scanner struct {
	src  string
	i    int
	line int
}

func (s *scanner) eof() bool  { return s.i >= len(s.src) }
func (s *scanner) peek() byte { return s.src[s.i] }
func (s *scanner) next() byte {
	c := s.src[s.i]
	s.i++
	if c == '\n' {
		s.line++
	}
	return c
}

// skipBlank skips spaces, tabs, carriage returns and comments, not newlines.
func (s *scanner) skipBlank() {
	for !s.eof() {
		switch s.peek() {
		case ' ', '\t', '\r':
			s.next()
		case '#':
			for !s.eof() && s.peek() != '\n' {
				s.next()
			}
		default:
			return
		}
	}
}

func (s *scanner) skipTo(c byte) {
	for !s.eof() && s.peek() != c {
		if q := s.peek(); q == '"' || q == '\'' {
			s.str()
			continue
		}
		s.next()
	}
}

// keyParts reads a dotted key up to (and past) the terminator ("=" or "]").
func (s *scanner) keyParts(term string) []string {
	var parts []string
	var cur strings.Builder
	for !s.eof() {
		c := s.peek()
		switch {
		case c == '"' || c == '\'':
			raw := s.str()
			if c == '"' {
				if u, err := strconv.Unquote(raw); err == nil {
					raw = u
				} else {
					raw = strings.Trim(raw, `"`)
				}
			} else {
				raw = strings.Trim(raw, "'")
			}
			cur.WriteString(raw)
		case c == '.':
			s.next()
			parts = append(parts, strings.TrimSpace(cur.String()))
			cur.Reset()
		case strings.IndexByte(term, c) >= 0:
			s.next()
			if term == "]" && !s.eof() && s.peek() == ']' {
				s.next()
			}
			return append(parts, strings.TrimSpace(cur.String()))
		case c == '\n':
			return append(parts, strings.TrimSpace(cur.String()))
		default:
			cur.WriteByte(s.next())
		}
	}
	return append(parts, strings.TrimSpace(cur.String()))
}

// str reads a quoted string (any of TOML's four kinds) and returns it with
// its quotes.
func (s *scanner) str() string {
	start := s.i
	q := s.next()
	multi := strings.HasPrefix(s.src[s.i:], string([]byte{q, q}))
	if multi {
		s.next()
		s.next()
	}
	for !s.eof() {
		c := s.next()
		if c == '\\' && q == '"' && !s.eof() {
			s.next()
			continue
		}
		if c != q {
			if c == '\n' && !multi {
				break
			}
			continue
		}
		if !multi {
			break
		}
		if strings.HasPrefix(s.src[s.i:], string([]byte{q, q})) {
			s.next()
			s.next()
			// Up to two more quotes may belong to the content.
			for k := 0; k < 2 && !s.eof() && s.peek() == q; k++ {
				s.next()
			}
			break
		}
	}
	return s.src[start:s.i]
}

// value reads a value to the end of its line (or of its last line), calling
// elem with the index and line of each element of a top-level array.
func (s *scanner) value(elem func(i, line int)) {
	s.skipBlank()
	depth := 0
	topArray := !s.eof() && s.peek() == '['
	expect := false
	n := 0
	for !s.eof() {
		c := s.peek()
		if depth == 1 && topArray && expect && c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '#' && c != ',' && c != ']' {
			elem(n, s.line)
			n++
			expect = false
		}
		switch c {
		case '"', '\'':
			s.str()
			continue
		case '#':
			for !s.eof() && s.peek() != '\n' {
				s.next()
			}
			continue
		case '[', '{':
			depth++
			if depth == 1 && c == '[' {
				expect = true
			}
		case ']', '}':
			depth--
		case ',':
			if depth == 1 {
				expect = true
			}
		case '\n':
			if depth <= 0 {
				return
			}
		}
		s.next()
	}
}
