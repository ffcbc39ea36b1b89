// Package schema reads, checks and writes label schemas: the TOML files
// that declare a project's annotation tasks (see assets/schema.toml, the
// default, for the format as users see it).
//
// The package is plain Go: no GUI and no SQL. The default schema's text is
// embedded by package assets (which depends only on Fyne's small core
// package, never on a driver), so that the file users read and the schema
// Slant uses are one and the same.
package schema

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/slant-annotate/slant/assets"
)

// Scope is what a task labels.
type Scope string

// The scopes.
const (
	ScopeDocument Scope = "document" // the article as a whole
	ScopeTarget   Scope = "target"   // each target in the article
	ScopeQuote    Scope = "quote"    // each quote
)

// Towards values that are not a prefix form.
const (
	TowardsQuoteTarget = "quote_target" // the quote's target
	TowardsTarget      = "target:"      // prefix: "target:NAME"
	TowardsClaim       = "claim:"       // prefix: "claim:ID"
)

// Format is the version of the file format this package reads and writes.
const Format = 1

// ReservedKeys are the keys the workspace uses for navigation (besides Tab
// and Enter); labels cannot use them, in either case.
const ReservedKeys = "jksax"

// CorrectionKeys are the workspace's default keys for correcting spans and
// targets: T (stance target), M (merge), Q (quote), W (speaker), and P, O,
// G, L (person, organisation, place, location). A label may not take one
// in a new schema (CorrectionKeyClashes); schemas already stored keep
// working.
const CorrectionKeys = "tmqwpogl"

// CorrectionKeyClashes lists, one message each, the labels of s whose key
// is a correction key.
func CorrectionKeyClashes(s *Schema) []string {
	var out []string
	for _, t := range s.Tasks {
		for _, l := range t.Labels {
			if strings.Contains(CorrectionKeys, strings.ToLower(l.Key)) {
				out = append(out, fmt.Sprintf("task %s, label %q: key %q corrects spans in the workspace (T stance target, M merge, Q quote, W speaker, P O G L person, organisation, place, location); choose another", t.Name, l.Value, l.Key))
			}
		}
	}
	return out
}

// Label is one answer of a task and the key that chooses it. Keys are one
// ASCII letter (stored in lower case) or digit.
type Label struct {
	Value string
	Key   string
}

// Task is one question asked of every unit in its scope.
type Task struct {
	Name     string
	Question string
	Scope    Scope
	Labels   []Label // in order: for an ordinal task, from one end of the scale to the other
	Ordinal  bool
	// Towards says what a stance task's stance is towards: "" (not a
	// stance task), "quote_target", "target:NAME" or "claim:ID".
	Towards string
}

// Claim is a statement stance tasks can be towards ("claim:ID").
type Claim struct {
	ID   string
	Text string
}

// Schema is a set of tasks.
type Schema struct {
	Name   string
	Tasks  []Task
	Claims []Claim
}

// Error is one problem in a schema file.
type Error struct {
	File string
	Line int // 1-based; 0 when the problem has no single line
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Errors is every problem found in a schema file, in line order. Parse
// returns one as its error; errors.As finds it.
type Errors []*Error

func (es Errors) Error() string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

var (
	defaultOnce   sync.Once
	defaultSchema *Schema
)

// Default returns (a copy of) the built-in schema, assets/schema.toml.
func Default() *Schema {
	defaultOnce.Do(func() {
		s, err := Parse(assets.DefaultSchema, "default schema")
		if err != nil {
			panic("schema: the built-in schema is invalid: " + err.Error())
		}
		defaultSchema = s
	})
	return defaultSchema.Clone()
}

// Clone returns a deep copy of s.
func (s *Schema) Clone() *Schema {
	c := &Schema{Name: s.Name, Tasks: slices.Clone(s.Tasks), Claims: slices.Clone(s.Claims)}
	for i := range c.Tasks {
		c.Tasks[i].Labels = slices.Clone(c.Tasks[i].Labels)
	}
	return c
}

// Task returns the task called name.
func (s *Schema) Task(name string) (*Task, bool) {
	for i := range s.Tasks {
		if s.Tasks[i].Name == name {
			return &s.Tasks[i], true
		}
	}
	return nil, false
}

// TasksFor returns the tasks of a scope, in schema order.
func (s *Schema) TasksFor(scope Scope) []Task {
	var ts []Task
	for _, t := range s.Tasks {
		if t.Scope == scope {
			ts = append(ts, t)
		}
	}
	return ts
}

// Claim returns the claim with this id.
func (s *Schema) Claim(id string) (Claim, bool) {
	for _, c := range s.Claims {
		if c.ID == id {
			return c, true
		}
	}
	return Claim{}, false
}

// TaskNames returns the names of the tasks, in schema order.
func (s *Schema) TaskNames() []string {
	names := make([]string, len(s.Tasks))
	for i, t := range s.Tasks {
		names[i] = t.Name
	}
	return names
}

// Removed returns the names of the tasks of s that newer lacks, in s's
// order. newer.Removed(s) gives the tasks newer adds.
func (s *Schema) Removed(newer *Schema) []string {
	var gone []string
	for _, t := range s.Tasks {
		if _, ok := newer.Task(t.Name); !ok {
			gone = append(gone, t.Name)
		}
	}
	return gone
}

// Changed returns the names of the tasks both schemas have but that differ
// (question, scope, labels, keys, ordinal or towards), in s's order.
func (s *Schema) Changed(newer *Schema) []string {
	var changed []string
	for _, t := range s.Tasks {
		if n, ok := newer.Task(t.Name); ok && !t.equal(n) {
			changed = append(changed, t.Name)
		}
	}
	return changed
}

func (t *Task) equal(o *Task) bool {
	return t.Name == o.Name && t.Question == o.Question && t.Scope == o.Scope &&
		t.Ordinal == o.Ordinal && t.Towards == o.Towards && slices.Equal(t.Labels, o.Labels)
}

// LabelForKey returns the label a key chooses; letters match in either case.
func (t *Task) LabelForKey(key string) (Label, bool) {
	for _, l := range t.Labels {
		if strings.EqualFold(l.Key, key) {
			return l, true
		}
	}
	return Label{}, false
}

// Index returns the position of value among the task's labels (the rank on
// an ordinal scale), or -1.
func (t *Task) Index(value string) int {
	for i, l := range t.Labels {
		if l.Value == value {
			return i
		}
	}
	return -1
}

// Values returns the task's label values, in order.
func (t *Task) Values() []string {
	vs := make([]string, len(t.Labels))
	for i, l := range t.Labels {
		vs[i] = l.Value
	}
	return vs
}

// TowardsTargetName returns NAME for towards = "target:NAME".
func (t *Task) TowardsTargetName() (string, bool) {
	return strings.CutPrefix(t.Towards, TowardsTarget)
}

// TowardsClaimID returns ID for towards = "claim:ID".
func (t *Task) TowardsClaimID() (string, bool) {
	return strings.CutPrefix(t.Towards, TowardsClaim)
}

// defaultKeys are the keys labels get, by position, when the file gives none.
const defaultKeys = "123456789"

// TOML returns s in canonical form: no comments, keys in a fixed order,
// labels in the compact form when their keys are the defaults. Parse reads
// it back to an equal schema.
func (s *Schema) TOML() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "format = %d\nname = %s\n", Format, quote(s.Name))
	for _, t := range s.Tasks {
		fmt.Fprintf(&b, "\n[[tasks]]\nname = %s\nquestion = %s\nscope = %s\n", quote(t.Name), quote(t.Question), quote(string(t.Scope)))
		fmt.Fprintf(&b, "ordinal = %t\n", t.Ordinal)
		if t.Towards != "" {
			fmt.Fprintf(&b, "towards = %s\n", quote(t.Towards))
		}
		compact := len(t.Labels) <= len(defaultKeys)
		for i, l := range t.Labels {
			compact = compact && l.Key == defaultKeys[i:i+1]
		}
		b.WriteString("labels = [")
		for i, l := range t.Labels {
			if compact {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(quote(l.Value))
			} else {
				fmt.Fprintf(&b, "\n  { value = %s, key = %s },", quote(l.Value), quote(l.Key))
			}
		}
		if !compact {
			b.WriteString("\n")
		}
		b.WriteString("]\n")
	}
	for _, c := range s.Claims {
		fmt.Fprintf(&b, "\n[[claims]]\nid = %s\ntext = %s\n", quote(c.ID), quote(c.Text))
	}
	return b.Bytes()
}

// quote writes a TOML basic string.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// AsErrors returns the problems err lists, if it came from Parse.
func AsErrors(err error) (Errors, bool) {
	var es Errors
	if errors.As(err, &es) {
		return es, true
	}
	return nil, false
}
