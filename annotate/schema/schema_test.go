package schema

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/slant-annotate/slant/assets"
)

func TestDefault(t *testing.T) {
	s := Default()
	if s.Name != "default" {
		t.Errorf("name %q", s.Name)
	}
	want := []struct {
		name    string
		scope   Scope
		values  string
		towards string
	}{
		{"document_sentiment", ScopeDocument, "negative neutral positive", ""},
		{"target_sentiment", ScopeTarget, "negative neutral positive", ""},
		{"quote_stance", ScopeQuote, "against neutral favor", "quote_target"},
	}
	if len(s.Tasks) != len(want) {
		t.Fatalf("%d tasks", len(s.Tasks))
	}
	for i, w := range want {
		task := s.Tasks[i]
		if task.Name != w.name || task.Scope != w.scope || !task.Ordinal || task.Towards != w.towards || task.Question == "" {
			t.Errorf("task %d: %+v", i, task)
		}
		if got := strings.Join(task.Values(), " "); got != w.values {
			t.Errorf("%s: labels %s", task.Name, got)
		}
		for j, l := range task.Labels {
			if l.Key != string(rune('1'+j)) {
				t.Errorf("%s: key %q for %s", task.Name, l.Key, l.Value)
			}
		}
	}
	// Default returns a copy.
	s.Tasks[0].Labels[0].Value = "changed"
	if Default().Tasks[0].Labels[0].Value != "negative" {
		t.Error("Default shares its labels")
	}
}

func TestLookups(t *testing.T) {
	s := Default()
	task, ok := s.Task("quote_stance")
	if !ok || task.Scope != ScopeQuote {
		t.Fatal("quote_stance missing")
	}
	if _, ok := s.Task("nope"); ok {
		t.Error("found a missing task")
	}
	if l, ok := task.LabelForKey("3"); !ok || l.Value != "favor" {
		t.Errorf("key 3: %v %v", l, ok)
	}
	if _, ok := task.LabelForKey("4"); ok {
		t.Error("key 4 found")
	}
	if task.Index("neutral") != 1 || task.Index("favor") != 2 || task.Index("x") != -1 {
		t.Error("Index")
	}
	if ts := s.TasksFor(ScopeTarget); len(ts) != 1 || ts[0].Name != "target_sentiment" {
		t.Errorf("TasksFor(target) = %v", ts)
	}
	if ts := s.TasksFor(ScopeDocument); len(ts) != 1 || ts[0].Name != "document_sentiment" {
		t.Errorf("TasksFor(document) = %v", ts)
	}
}

const full = `# comment
format = 1
name = "stance study"

[[claims]]
id = "tariffs"
text = "Tariffs protect \"domestic\" jobs."

[[tasks]]
name = "frame"
question = "Which frame?"
scope = "document"
labels = [
  { value = "economic", key = "e" },
  { value = "security", key = "Q" },   # upper case is stored lower
  "human interest",                     # position 3: key "3"
]

[[tasks]]
name = "claim_stance"
question = "Stance on the claim?"
scope = "quote"
ordinal = true
towards = "claim:tariffs"

[[tasks.labels]]
value = "against"
key = "1"

[[tasks.labels]]
value = "favor"
key = "2"

[[tasks]]
name = "about_india"
question = "Stance towards India?"
scope = "document"
towards = "target:India"
labels = ["a1", "b2", "c3", "d4", "e5", "f6", "g7", "h8", "i9", { value = "tenth", key = "0" }]
`

func TestParseForms(t *testing.T) {
	s, err := Parse([]byte(full), "study.toml")
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "stance study" || len(s.Claims) != 1 || s.Claims[0].Text != `Tariffs protect "domestic" jobs.` {
		t.Errorf("%+v", s)
	}
	frame, _ := s.Task("frame")
	want := []Label{{"economic", "e"}, {"security", "q"}, {"human interest", "3"}}
	if !reflect.DeepEqual(frame.Labels, want) || frame.Ordinal {
		t.Errorf("frame: %+v", frame)
	}
	if l, ok := frame.LabelForKey("Q"); !ok || l.Value != "security" {
		t.Error("LabelForKey is not case-insensitive")
	}
	cs, _ := s.Task("claim_stance")
	if len(cs.Labels) != 2 || cs.Labels[1] != (Label{"favor", "2"}) || cs.Towards != "claim:tariffs" {
		t.Errorf("claim_stance: %+v", cs)
	}
	if id, ok := cs.TowardsClaimID(); !ok || id != "tariffs" {
		t.Error("TowardsClaimID")
	}
	ai, _ := s.Task("about_india")
	if len(ai.Labels) != 10 || ai.Labels[9].Key != "0" {
		t.Errorf("about_india: %+v", ai.Labels)
	}
	if n, ok := ai.TowardsTargetName(); !ok || n != "India" {
		t.Error("TowardsTargetName")
	}
}

func TestRoundTrip(t *testing.T) {
	for _, src := range []string{full, string(assets.DefaultSchema)} {
		s, err := Parse([]byte(src), "a.toml")
		if err != nil {
			t.Fatal(err)
		}
		out := s.TOML()
		s2, err := Parse(out, "canonical.toml")
		if err != nil {
			t.Fatalf("canonical form does not parse: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(s, s2) {
			t.Errorf("round trip differs:\n%+v\n%+v\n%s", s, s2, out)
		}
		if string(s2.TOML()) != string(out) {
			t.Errorf("TOML is not canonical:\n%s\n---\n%s", out, s2.TOML())
		}
	}
	// Awkward strings survive.
	s := Default()
	s.Tasks[0].Question = "Tab\there, \"quotes\", back\\slash, é, \x01 and\nnewline"
	s2, err := Parse(s.TOML(), "x")
	if err != nil || s2.Tasks[0].Question != s.Tasks[0].Question {
		t.Errorf("%v %q", err, s2.Tasks[0].Question)
	}
}

func TestDefaultNameFromFile(t *testing.T) {
	s, err := Parse([]byte("[[tasks]]\nname='x'\nquestion='q'\nscope='document'\nlabels=['a','b']\n"), "/tmp/my-study.toml")
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "my-study" {
		t.Errorf("name %q", s.Name)
	}
}

func TestRemovedAndChanged(t *testing.T) {
	old := Default()
	newer := Default()
	newer.Tasks = newer.Tasks[1:] // drop document_sentiment
	newer.Tasks[0].Question = "Different?"
	newer.Tasks = append(newer.Tasks, Task{Name: "frame", Question: "q", Scope: ScopeDocument, Labels: []Label{{"a", "1"}, {"b", "2"}}})
	if got := old.Removed(newer); !reflect.DeepEqual(got, []string{"document_sentiment"}) {
		t.Errorf("removed %v", got)
	}
	if got := newer.Removed(old); !reflect.DeepEqual(got, []string{"frame"}) {
		t.Errorf("added %v", got)
	}
	if got := old.Changed(newer); !reflect.DeepEqual(got, []string{"target_sentiment"}) {
		t.Errorf("changed %v", got)
	}
	if old.Removed(Default()) != nil {
		t.Error("removed from an identical schema")
	}
}

// task builds a one-task schema around the given task body lines.
func task(body string) string {
	return "name = \"s\"\n\n[[tasks]]\n" + body
}

func TestValidation(t *testing.T) {
	ok := "name = \"t\"\nquestion = \"q?\"\nscope = \"document\"\nlabels = [\"a\", \"b\"]\n"
	cases := []struct {
		name, src string
		line      int
		want      string
	}{
		{"syntax", "name = \"s\"\n[[tasks]\nname = 1\n", 2, "invalid TOML"},
		{"syntax unterminated string", "name = \"s\n", 1, "invalid TOML"},
		{"duplicate TOML key", task(ok + "scope = \"quote\"\n"), 8, "invalid TOML"},
		{"duplicate task", task(ok) + "\n[[tasks]]\n" + ok, 10, `duplicate task name "t" (first at line 4)`},
		{"unknown scope", task(strings.Replace(ok, `"document"`, `"paragraph"`, 1)), 6, `unknown scope "paragraph"`},
		{"missing scope", task(strings.Replace(ok, "scope = \"document\"\n", "", 1)), 3, "has no scope"},
		{"one label", task(strings.Replace(ok, `["a", "b"]`, `["a"]`, 1)), 7, "needs at least 2 labels, has 1"},
		{"no labels", task(strings.Replace(ok, "labels = [\"a\", \"b\"]\n", "", 1)), 3, "has no labels"},
		{"duplicate value", task(strings.Replace(ok, `["a", "b"]`, "[\n  \"a\",\n  \"b\",\n  \"a\",\n]", 1)), 10, `duplicate label "a" (first at line 8)`},
		{"duplicate key", task(strings.Replace(ok, `["a", "b"]`, `[{value="a", key="1"}, {value="b", key="1"}]`, 1)), 7, `key "1" is given to both "a" and "b"`},
		{"duplicate key across forms", task(strings.Replace(ok, `["a", "b"]`, `["a", {value="b", key="1"}]`, 1)), 7, `key "1" is given to both "a" and "b"`},
		{"duplicate key by case", task(strings.Replace(ok, `["a", "b"]`, `[{value="a", key="q"}, {value="b", key="Q"}]`, 1)), 7, `key "q" is given to both`},
		{"long key", task(strings.Replace(ok, `["a", "b"]`, `[{value="a", key="10"}, "b"]`, 1)), 7, `key "10" must be a single letter or digit`},
		{"empty key", task(strings.Replace(ok, `["a", "b"]`, `[{value="a", key=""}, "b"]`, 1)), 7, `key is empty`},
		{"punctuation key", task(strings.Replace(ok, `["a", "b"]`, `[{value="a", key="?"}, "b"]`, 1)), 7, `key "?" must be a letter`},
		{"non-ASCII key", task(strings.Replace(ok, `["a", "b"]`, `[{value="a", key="é"}, "b"]`, 1)), 7, `key "é" must be a letter`},
		{"key not text", task(strings.Replace(ok, `["a", "b"]`, `[{value="a", key=1}, "b"]`, 1)), 7, `key must be a string, not a number`},
		{"tab key", task(strings.Replace(ok, `["a", "b"]`, `[{value="a", key="\t"}, "b"]`, 1)), 7, `must be a letter`},
		{"reserved key j", task(strings.Replace(ok, `["a", "b"]`, `[{value="a", key="j"}, "b"]`, 1)), 7, `key "j" is reserved`},
		{"reserved key X", task(strings.Replace(ok, `["a", "b"]`, `[{value="a", key="X"}, "b"]`, 1)), 7, `key "X" is reserved`},
		{"ten compact labels", task(strings.Replace(ok, `["a", "b"]`, `["1","2","3","4","5","6","7","8","9","10"]`, 1)), 7, `label "10" needs a key`},
		{"empty label", task(strings.Replace(ok, `["a", "b"]`, `["a", " ", "b"]`, 1)), 7, `label 2 has no value`},
		{"label of wrong type", task(strings.Replace(ok, `["a", "b"]`, `["a", 2]`, 1)), 7, `each label must be text`},
		{"unknown label key", task(strings.Replace(ok, `["a", "b"]`, "[\n  \"a\",\n  {value=\"b\", kye=\"2\"},\n]", 1)), 9, `unknown key "kye" in a label`},
		{"quote_target on document", task(ok + "towards = \"quote_target\"\n"), 8, `towards = "quote_target" only makes sense with scope = "quote"`},
		{"quote_target on target", task(strings.Replace(ok, `"document"`, `"target"`, 1) + "towards = \"quote_target\"\n"), 8, `only makes sense with scope = "quote", not "target"`},
		{"named target on target", task(strings.Replace(ok, `"document"`, `"target"`, 1) + "towards = \"target:India\"\n"), 8, `towards a named target makes no sense with scope = "target"`},
		{"empty target name", task(ok + "towards = \"target: \"\n"), 8, `needs the target's name`},
		{"unknown claim", task(ok+"towards = \"claim:tarifs\"\n") + "\n[[claims]]\nid = \"tariffs\"\ntext = \"T.\"\n", 8, `towards = "claim:tarifs" but no [[claims]] has id = "tarifs"`},
		{"bad towards", task(ok + "towards = \"India\"\n"), 8, `use "quote_target", "target:NAME" or "claim:ID"`},
		{"typo scpoe", task(strings.Replace(ok, "scope", "scpoe", 1)), 6, `unknown key "scpoe" in [[tasks]]: did you mean "scope"?`},
		{"far typo", task(ok + "colour = \"red\"\n"), 8, `unknown key "colour" in [[tasks]] (known keys: name, question, scope, ordinal, towards, labels)`},
		{"typo in second task", task(ok) + "\n[[tasks]]\n" + strings.Replace(strings.Replace(ok, `"t"`, `"u"`, 1), "question", "qestion", 1), 11, `unknown key "qestion"`},
		{"typo top level", "nmae = \"x\"\n" + task(ok), 1, `unknown key "nmae": did you mean "name"?`},
		{"typo in claim", task(ok) + "\n[[claims]]\nid = \"c\"\ntxt = \"T.\"\n", 11, `unknown key "txt" in [[claims]]: did you mean "text"?`},
		{"empty task name", task(strings.Replace(ok, `"t"`, `""`, 1)), 4, "task 1 has no name"},
		{"bad task name", task(strings.Replace(ok, `"t"`, `"my task"`, 1)), 4, `task name "my task": use letters`},
		{"empty schema name", strings.Replace(task(ok), `name = "s"`, `name = ""`, 1), 1, "the schema's name is empty"},
		{"empty question", task(strings.Replace(ok, `"q?"`, `""`, 1)), 5, "has no question"},
		{"ordinal not bool", task(ok + "ordinal = \"yes\"\n"), 8, "ordinal must be true or false, not text"},
		{"scope not string", task(strings.Replace(ok, `"document"`, `3`, 1)), 6, "scope must be a string, not a number"},
		{"no tasks", "name = \"s\"\n", 0, "no tasks"},
		{"tasks not tables", "tasks = [1, 2]\n", 1, "each of tasks must be a table"},
		{"format 2", "format = 2\n" + task(ok), 1, "this Slant reads format = 1"},
		{"duplicate claim", task(ok) + "\n[[claims]]\nid = \"c\"\ntext = \"T.\"\n\n[[claims]]\nid = \"c\"\ntext = \"U.\"\n", 14, `duplicate claim id "c" (first at line 10)`},
		{"claim without text", task(ok) + "\n[[claims]]\nid = \"c\"\n", 9, `claim "c" has no text`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.src), "bad.toml")
			if err == nil {
				t.Fatalf("no error for\n%s", c.src)
			}
			es, ok := AsErrors(err)
			if !ok {
				t.Fatalf("error is not Errors: %T %v", err, err)
			}
			for _, e := range es {
				if strings.Contains(e.Msg, c.want) {
					if e.Line != c.line {
						t.Errorf("line %d, want %d: %v\n%s", e.Line, c.line, e, numbered(c.src))
					}
					prefix := "bad.toml:"
					if c.line > 0 {
						prefix += itoa(c.line) + ": "
					}
					if !strings.HasPrefix(e.Error(), prefix) {
						t.Errorf("message %q does not start with %q", e.Error(), prefix)
					}
					return
				}
			}
			t.Errorf("no error containing %q; got:\n%v", c.want, err)
		})
	}
}

func TestSeveralErrorsInLineOrder(t *testing.T) {
	src := "[[tasks]]\nname = \"a\"\nquestion = \"q\"\nscope = \"doc\"\nlabels = [\"x\"]\n\n[[tasks]]\nname = \"a\"\nquestion = \"q\"\nscope = \"quote\"\nlabels = [\"x\", \"y\"]\n"
	_, err := Parse([]byte(src), "f.toml")
	es, _ := AsErrors(err)
	var lines []int
	for _, e := range es {
		lines = append(lines, e.Line)
	}
	if !reflect.DeepEqual(lines, []int{4, 5, 8}) {
		t.Errorf("lines %v:\n%v", lines, err)
	}
}

func TestLocatorEdgeCases(t *testing.T) {
	src := "a = \"\"\"\n[[tasks]]\nname = 'fake'\n\"\"\"\n# [[tasks]]\n[[tasks]] # real\n\"quoted key\" = [ # comment\n  'x', # a , b\n  \"y]\",\n  [1, 2],\n]\nb.c = 1\n[[tasks]]\n[[tasks.labels]]\n[[tasks.labels]]\nvalue = 1\n"
	l := locate(src)
	for path, want := range map[string]int{
		"a": 1, "tasks#0": 6, "tasks#0.quoted key": 7, "tasks#0.quoted key#0": 8,
		"tasks#0.quoted key#1": 9, "tasks#0.quoted key#2": 10, "tasks#0.b.c": 12,
		"tasks#1": 13, "tasks#1.labels#0": 14, "tasks#1.labels#1": 15, "tasks#1.labels#1.value": 16,
	} {
		if got := l.line(path); got != want {
			t.Errorf("%s: line %d, want %d", path, got, want)
		}
	}
	if _, ok := l.lines["tasks#2"]; ok {
		t.Error("a [[tasks]] inside a string counted")
	}
	if got := l.plainLine("tasks.labels.value"); got != 16 {
		t.Errorf("plainLine %d", got)
	}
}

func numbered(s string) string {
	var b strings.Builder
	for i, line := range strings.Split(s, "\n") {
		b.WriteString(itoa(i+1) + "  " + line + "\n")
	}
	return b.String()
}

func itoa(n int) string { return strconv.Itoa(n) }
