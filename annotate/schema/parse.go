package schema

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

// Parse reads a schema. file names the source in error messages. The error,
// if any, is an Errors listing every problem found as "FILE:LINE: problem".
//
// The format (assets/schema.toml explains it to users):
//
//	format = 1              # optional; the only format so far
//	name = "my schema"      # optional; defaults to the file's name
//
//	[[tasks]]
//	name = "document_sentiment"
//	question = "How does the article as a whole come across?"
//	scope = "document"      # document, target or quote
//	ordinal = true          # optional, default false
//	towards = "claim:ID"    # optional: quote_target, target:NAME or claim:ID
//	labels = ["negative", "neutral", "positive"]            # keys 1, 2, 3
//	# or: labels = [{ value = "negative", key = "n" }, ...]  # or [[tasks.labels]]
//
//	[[claims]]
//	id = "ID"
//	text = "..."
func Parse(data []byte, file string) (*Schema, error) {
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			msg := pe.Message
			if pe.Usage != "" {
				msg += " (" + strings.Join(strings.Fields(pe.Usage), " ") + ")"
			}
			// The library counts an error at a line's end as on the next
			// line; the byte offset is exact.
			line := pe.Position.Line
			if st := pe.Position.Start; st >= 0 && st <= len(data) {
				line = 1 + bytes.Count(data[:st], []byte("\n"))
			}
			return nil, Errors{{File: file, Line: line, Msg: "invalid TOML: " + msg}}
		}
		return nil, Errors{{File: file, Msg: "invalid TOML: " + err.Error()}}
	}
	p := &parser{file: file, loc: locate(string(data))}
	s := p.schema(raw)
	if len(p.errs) > 0 {
		sort.SliceStable(p.errs, func(i, j int) bool { return p.errs[i].Line < p.errs[j].Line })
		return nil, p.errs
	}
	if s.Name == "" {
		s.Name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}
	return s, nil
}

type parser struct {
	file string
	loc  *locator
	errs Errors
}

func (p *parser) errorf(path string, format string, args ...any) {
	p.errs = append(p.errs, &Error{File: p.file, Line: p.loc.line(path), Msg: fmt.Sprintf(format, args...)})
}

// table is a TOML table and where it is.
type table struct {
	m    map[string]any
	path string // indexed path, for the locator
	name string // as the user sees it: "[[tasks]]"
}

// unknown reports keys of t not in known, naming the known ones.
func (p *parser) unknown(t table, known ...string) {
	keys := make([]string, 0, len(t.m))
	for k := range t.m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !contains(known, k) {
			where := ""
			if t.name != "" {
				where = " in " + t.name
			}
			if m := closest(k, known); m != "" {
				p.errorf(join(t.path, k), "unknown key %q%s: did you mean %q?", k, where, m)
			} else {
				p.errorf(join(t.path, k), "unknown key %q%s (known keys: %s)", k, where, strings.Join(known, ", "))
			}
		}
	}
}

func has(m map[string]int, k string) bool {
	_, ok := m[k]
	return ok
}

// closest returns the known key within two edits of k (typos such as
// "scpoe" or "lables"), or "".
func closest(k string, known []string) string {
	best, bestD := "", 3
	for _, w := range known {
		if d := editDistance(strings.ToLower(k), w); d < bestD {
			best, bestD = w, d
		}
	}
	return best
}

// editDistance is the optimal string alignment distance: insertions,
// deletions, substitutions and swaps of neighbours.
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// str returns t[key] as a trimmed string ("" if absent or of another type,
// which is reported).
func (p *parser) str(t table, key string) string {
	v, ok := t.m[key]
	if !ok {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		p.errorf(join(t.path, key), "%s must be a string, not %s", key, typeName(v))
		return ""
	}
	return strings.TrimSpace(s)
}

func typeName(v any) string {
	switch v.(type) {
	case string:
		return "text"
	case int64:
		return "a number"
	case float64:
		return "a number"
	case bool:
		return "true/false"
	case []any, []map[string]any:
		return "a list"
	case map[string]any:
		return "a table"
	}
	return fmt.Sprintf("%T", v)
}

// tables returns t[key] as a list of tables: [[key]] blocks or an inline
// array of inline tables.
func (p *parser) tables(t table, key string) []table {
	v, ok := t.m[key]
	if !ok {
		return nil
	}
	path := join(t.path, key)
	var ms []map[string]any
	switch v := v.(type) {
	case []map[string]any:
		ms = v
	case []any:
		for i, e := range v {
			m, ok := e.(map[string]any)
			if !ok {
				p.errorf(path+"#"+strconv.Itoa(i), "each of %s must be a table, not %s", key, typeName(e))
				return nil
			}
			ms = append(ms, m)
		}
	default:
		p.errorf(path, "%s must be a list of [[%s]] tables, not %s", key, key, typeName(v))
		return nil
	}
	ts := make([]table, len(ms))
	for i, m := range ms {
		ts[i] = table{m: m, path: path + "#" + strconv.Itoa(i), name: "[[" + key + "]]"}
	}
	return ts
}

func (p *parser) schema(raw map[string]any) *Schema {
	top := table{m: raw}
	p.unknown(top, "format", "name", "tasks", "claims")
	if v, ok := raw["format"]; ok {
		if n, ok := v.(int64); !ok || n != Format {
			p.errorf("format", "format = %v: this Slant reads format = %d", v, Format)
		}
	}
	s := &Schema{Name: p.str(top, "name")}
	if _, ok := raw["name"]; ok && s.Name == "" {
		p.errorf("name", "the schema's name is empty (leave name out to use the file's name)")
	}

	claimLine := map[string]int{}
	for _, ct := range p.tables(top, "claims") {
		p.unknown(ct, "id", "text")
		c := Claim{ID: p.str(ct, "id"), Text: p.str(ct, "text")}
		switch {
		case c.ID == "":
			p.errorf(join(ct.path, "id"), "a claim has no id")
		case !validName(c.ID):
			p.errorf(join(ct.path, "id"), "claim id %q: use letters, digits, _ and -, starting with a letter", c.ID)
		case has(claimLine, c.ID):
			p.errorf(join(ct.path, "id"), "duplicate claim id %q (first at line %d)", c.ID, claimLine[c.ID])
		default:
			claimLine[c.ID] = p.loc.line(join(ct.path, "id"))
		}
		if c.Text == "" {
			p.errorf(join(ct.path, "text"), "claim %q has no text", c.ID)
		}
		s.Claims = append(s.Claims, c)
	}

	tasks := p.tables(top, "tasks")
	if _, ok := raw["tasks"]; !ok {
		p.errs = append(p.errs, &Error{File: p.file, Line: 0, Msg: "no tasks: declare at least one [[tasks]]"})
	}
	taskLine := map[string]int{}
	for i, tt := range tasks {
		p.unknown(tt, "name", "question", "scope", "ordinal", "towards", "labels")
		t := Task{Name: p.str(tt, "name"), Question: p.str(tt, "question"), Scope: Scope(p.str(tt, "scope")), Towards: p.str(tt, "towards")}
		what := fmt.Sprintf("task %q", t.Name)
		switch {
		case t.Name == "":
			what = fmt.Sprintf("task %d", i+1)
			p.errorf(join(tt.path, "name"), "task %d has no name", i+1)
		case !validName(t.Name):
			p.errorf(join(tt.path, "name"), "task name %q: use letters, digits, _ and -, starting with a letter", t.Name)
		case has(taskLine, t.Name):
			p.errorf(join(tt.path, "name"), "duplicate task name %q (first at line %d)", t.Name, taskLine[t.Name])
		default:
			taskLine[t.Name] = p.loc.line(join(tt.path, "name"))
		}
		if t.Question == "" {
			p.errorf(join(tt.path, "question"), "%s has no question (what the analyst is asked)", what)
		}
		switch t.Scope {
		case ScopeDocument, ScopeTarget, ScopeQuote:
		case "":
			p.errorf(join(tt.path, "scope"), `%s has no scope (use "document", "target" or "quote")`, what)
		default:
			p.errorf(join(tt.path, "scope"), `%s: unknown scope %q (use "document", "target" or "quote")`, what, t.Scope)
		}
		if v, ok := tt.m["ordinal"]; ok {
			b, ok := v.(bool)
			if !ok {
				p.errorf(join(tt.path, "ordinal"), "%s: ordinal must be true or false, not %s", what, typeName(v))
			}
			t.Ordinal = b
		}
		p.towards(tt, &t, what, claimLine)
		t.Labels = p.labels(tt, what)
		s.Tasks = append(s.Tasks, t)
	}
	return s
}

func (p *parser) towards(tt table, t *Task, what string, claims map[string]int) {
	path := join(tt.path, "towards")
	switch {
	case t.Towards == "":
		if _, ok := tt.m["towards"]; ok {
			p.errorf(path, `%s: towards is empty (leave it out, or use "quote_target", "target:NAME" or "claim:ID")`, what)
		}
	case t.Towards == TowardsQuoteTarget:
		if t.Scope != ScopeQuote && t.Scope != "" {
			p.errorf(path, `%s: towards = "quote_target" only makes sense with scope = "quote", not %q`, what, t.Scope)
		}
	case strings.HasPrefix(t.Towards, TowardsTarget):
		name := strings.TrimSpace(strings.TrimPrefix(t.Towards, TowardsTarget))
		if name == "" {
			p.errorf(path, `%s: towards = "target:" needs the target's name ("target:NAME")`, what)
		}
		if t.Scope == ScopeTarget {
			p.errorf(path, `%s: towards a named target makes no sense with scope = "target" (each target is the unit labelled); use scope "document" or "quote"`, what)
		}
		t.Towards = TowardsTarget + name
	case strings.HasPrefix(t.Towards, TowardsClaim):
		id := strings.TrimSpace(strings.TrimPrefix(t.Towards, TowardsClaim))
		if _, ok := claims[id]; !ok {
			p.errorf(path, `%s: towards = %q but no [[claims]] has id = %q`, what, t.Towards, id)
		}
		t.Towards = TowardsClaim + id
	default:
		p.errorf(path, `%s: towards = %q: use "quote_target", "target:NAME" or "claim:ID"`, what, t.Towards)
	}
}

// labels reads a task's labels: a list of values, of { value, key } tables,
// or a mix; a label without a key gets its position's digit (1 to 9).
func (p *parser) labels(tt table, what string) []Label {
	path := join(tt.path, "labels")
	v, ok := tt.m["labels"]
	if !ok {
		p.errorf(tt.path, "%s has no labels (labels = [\"a\", \"b\", ...])", what)
		return nil
	}
	var elems []any
	switch v := v.(type) {
	case []any:
		elems = v
	case []map[string]any:
		for _, m := range v {
			elems = append(elems, m)
		}
	default:
		p.errorf(path, "%s: labels must be a list, not %s", what, typeName(v))
		return nil
	}
	if len(elems) < 2 {
		p.errorf(path, "%s needs at least 2 labels, has %d", what, len(elems))
	}
	var labels []Label
	valueAt := map[string]int{}
	keyAt := map[string]string{}
	for i, e := range elems {
		epath := path + "#" + strconv.Itoa(i)
		var l Label
		explicitKey := false
		switch e := e.(type) {
		case string:
			l.Value = strings.TrimSpace(e)
		case map[string]any:
			lt := table{m: e, path: epath, name: "a label"}
			p.unknown(lt, "value", "key")
			l.Value = p.str(lt, "value")
			if _, ok := e["key"]; ok {
				explicitKey = true
				if k, ok := e["key"].(string); ok {
					l.Key = k // untrimmed: " " and "\t" are not keys
				} else {
					p.str(lt, "key") // reports the type
					continue
				}
			}
		default:
			p.errorf(epath, "%s: each label must be text or { value = ..., key = ... }, not %s", what, typeName(e))
			continue
		}
		if l.Value == "" {
			p.errorf(epath, "%s: label %d has no value", what, i+1)
			continue
		}
		if first, dup := valueAt[l.Value]; dup {
			p.errorf(epath, "%s: duplicate label %q (first at line %d)", what, l.Value, first)
		} else {
			valueAt[l.Value] = p.loc.line(epath)
		}
		if !explicitKey {
			if i >= len(defaultKeys) {
				p.errorf(epath, "%s: label %q needs a key: only the first 9 labels get one (1 to 9) by default", what, l.Value)
				continue
			}
			l.Key = defaultKeys[i : i+1]
		} else if msg := checkKey(l.Key); msg != "" {
			p.errorf(epath, "%s: label %q: %s", what, l.Value, msg)
			continue
		}
		l.Key = strings.ToLower(l.Key)
		if other, dup := keyAt[l.Key]; dup {
			p.errorf(epath, "%s: key %q is given to both %q and %q", what, l.Key, other, l.Value)
		} else {
			keyAt[l.Key] = l.Value
		}
		labels = append(labels, l)
	}
	return labels
}

// checkKey says what is wrong with a label's key, or "".
func checkKey(key string) string {
	r, size := utf8.DecodeRuneInString(key)
	switch {
	case key == "":
		return "key is empty"
	case size != len(key):
		return fmt.Sprintf("key %q must be a single letter or digit", key)
	case r > unicode.MaxASCII || !(unicode.IsLetter(r) || unicode.IsDigit(r)):
		return fmt.Sprintf("key %q must be a letter (a-z) or a digit", key)
	case strings.ContainsRune(ReservedKeys, unicode.ToLower(r)):
		return fmt.Sprintf("key %q is reserved for moving around the workspace (Tab, J, K, S, A, X, Enter); choose another", key)
	}
	return ""
}

// validName reports whether s can name a task or a claim: a letter, then
// letters, digits, _ and -.
func validName(s string) bool {
	for i, r := range s {
		switch {
		case unicode.IsLetter(r):
		case i > 0 && (unicode.IsDigit(r) || r == '_' || r == '-'):
		default:
			return false
		}
	}
	return s != ""
}
