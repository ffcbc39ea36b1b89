package cli_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slant-annotate/slant/annotate/schema"
	"github.com/slant-annotate/slant/app/cli"
	"github.com/slant-annotate/slant/assets"
)

func runSchemaCmd(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code = cli.Run(env, append([]string{"schema"}, args...))
	return out.String(), errb.String(), code
}

func writeSchemaFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const framesSchema = `name = "frames"

[[tasks]]
name = "target_sentiment"
question = "How does the article portray this target?"
scope = "target"
ordinal = true
labels = ["negative", "neutral", "positive"]

[[tasks]]
name = "frame"
question = "Which frame dominates?"
scope = "document"
labels = [{ value = "economic", key = "e" }, { value = "security", key = "y" }]
`

func TestSchemaCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.slant")

	// A project that does not exist yet.
	if _, errs, code := runSchemaCmd(t, "show", "--db", db); code != 1 || !strings.Contains(errs, "no project") {
		t.Fatalf("show on a missing project: %d %q", code, errs)
	}

	// set creates the project; the default becomes version 1, the file 2.
	file := writeSchemaFile(t, dir, "frames.toml", framesSchema)
	out, errs, code := runSchemaCmd(t, "set", "--db", db, file)
	if code != 0 {
		t.Fatalf("set: %d %s", code, errs)
	}
	for _, want := range []string{
		"schema version 2 stored (from frames.toml; was version 1)",
		"added tasks:   frame",
		"removed tasks: document_sentiment, quote_stance",
		"stay in the project and in exports, marked as from a removed task",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("set output lacks %q:\n%s", want, out)
		}
	}

	// The same file again changes nothing.
	out, _, code = runSchemaCmd(t, "set", file, "--db", db)
	if code != 0 || !strings.Contains(out, "schema unchanged: version 2") {
		t.Fatalf("set again: %d %s", code, out)
	}

	// show prints the current version, which parses back to the same schema.
	out, errs, code = runSchemaCmd(t, "show", "--db", db)
	if code != 0 {
		t.Fatalf("show: %d %s", code, errs)
	}
	first, rest, _ := strings.Cut(out, "\n")
	if !strings.HasPrefix(first, "# p: schema version 2, from frames.toml, ") {
		t.Errorf("show header %q", first)
	}
	shown, err := schema.Parse([]byte(out), "shown")
	if err != nil {
		t.Fatalf("show output does not parse: %v\n%s", err, out)
	}
	want, _ := schema.Parse([]byte(framesSchema), "frames.toml")
	if string(shown.TOML()) != string(want.TOML()) || !strings.Contains(rest, `key = "e"`) {
		t.Errorf("show printed\n%s", out)
	}

	// An older version.
	out, _, code = runSchemaCmd(t, "show", "--db", db, "--version", "1")
	if code != 0 || !strings.Contains(out, "schema version 1, from default") || !strings.Contains(out, `name = "quote_stance"`) {
		t.Errorf("show --version 1: %d\n%s", code, out)
	}
	if _, errs, code := runSchemaCmd(t, "show", "--db", db, "--version", "7"); code != 1 || !strings.Contains(errs, "version 7") {
		t.Errorf("show --version 7: %d %q", code, errs)
	}

	// versions, as a table and as JSON.
	out, _, code = runSchemaCmd(t, "versions", "--db", db)
	if code != 0 || !strings.Contains(out, "2*") || !strings.Contains(out, "frames.toml") || !strings.Contains(out, "document_sentiment, target_sentiment, quote_stance") {
		t.Errorf("versions: %d\n%s", code, out)
	}
	out, _, _ = runSchemaCmd(t, "versions", "--db", db, "--json")
	var vs []struct {
		Version int
		Source  string
		Tasks   []string
	}
	if err := json.Unmarshal([]byte(out), &vs); err != nil || len(vs) != 2 || vs[1].Source != "frames.toml" || len(vs[1].Tasks) != 2 {
		t.Errorf("versions --json: %v\n%s", err, out)
	}
}

func TestSchemaSetRefusesInvalidFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.slant")
	bad := writeSchemaFile(t, dir, "bad.toml", strings.Replace(framesSchema, `scope = "document"`, `scpoe = "document"`, 1))
	out, errs, code := runSchemaCmd(t, "set", "--db", db, bad)
	if code != 1 || out != "" {
		t.Fatalf("set bad: %d %q %q", code, out, errs)
	}
	if !strings.Contains(errs, bad+`:13: unknown key "scpoe" in [[tasks]]`) || !strings.Contains(errs, bad+`:10: task "frame" has no scope`) {
		t.Errorf("errors:\n%s", errs)
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("a project was made for an invalid schema")
	}
}

func TestSchemaCheck(t *testing.T) {
	dir := t.TempDir()
	good := writeSchemaFile(t, dir, "frames.toml", framesSchema)
	out, errs, code := runSchemaCmd(t, "check", good)
	if code != 0 || !strings.Contains(out, `ok: schema "frames", 2 tasks: target_sentiment (target, 3 labels), frame (document, 2 labels)`) {
		t.Fatalf("check: %d %q %q", code, out, errs)
	}
	bad := writeSchemaFile(t, dir, "bad.toml", "[[tasks]]\nname = \"a\"\nquestion = \"?\"\nscope = \"document\"\nlabels = [\"x\"\n")
	_, errs, code = runSchemaCmd(t, "check", bad)
	if code != 1 || !strings.HasPrefix(errs, bad+":") || !strings.Contains(errs, "invalid TOML") {
		t.Fatalf("check bad syntax: %d %q", code, errs)
	}
	bad2 := writeSchemaFile(t, dir, "bad2.toml", "[[tasks]]\nname = \"a\"\nquestion = \"?\"\nscope = \"doc\"\nlabels = [\"x\"]\n")
	_, errs, code = runSchemaCmd(t, "check", bad2)
	if code != 1 || !strings.Contains(errs, bad2+`:4: task "a": unknown scope "doc"`) || !strings.Contains(errs, bad2+`:5: task "a" needs at least 2 labels`) || !strings.Contains(errs, "2 problems") {
		t.Fatalf("check bad: %d %q", code, errs)
	}
	if _, errs, code := runSchemaCmd(t, "check", filepath.Join(dir, "missing.toml")); code != 1 || !strings.Contains(errs, "missing.toml") {
		t.Fatalf("check missing: %d %q", code, errs)
	}
	if _, _, code := runSchemaCmd(t, "check"); code != 2 {
		t.Fatalf("check without a file: %d", code)
	}
}

func TestSchemaShowDefaultAndReadOnly(t *testing.T) {
	out, _, code := runSchemaCmd(t, "show", "--default")
	if code != 0 || out != string(assets.DefaultSchema) {
		t.Fatalf("show --default: %d", code)
	}
	// A project without a stored schema, shown read-only: the default,
	// version 0, and nothing is stored.
	dir := t.TempDir()
	db := filepath.Join(dir, "p.slant")
	var o, e bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &o, Stderr: &e, Getenv: func(string) string { return "" }}
	txt := writeSchemaFile(t, dir, "a.txt", "A short article about India and the United States.")
	if code := cli.Run(env, []string{"import", "--db", db, txt}); code != 0 {
		t.Fatalf("import: %d %s", code, e.String())
	}
	out, errs, code := runSchemaCmd(t, "show", "--db", db)
	if code != 0 || !strings.HasPrefix(out, "# p: the built-in default schema (not stored in the project yet)") {
		t.Fatalf("show: %d %q\n%s", code, errs, out)
	}
	out, _, _ = runSchemaCmd(t, "versions", "--db", db)
	if !strings.Contains(out, "no schema stored yet") {
		t.Errorf("versions: %s", out)
	}
}

func TestSchemaUsage(t *testing.T) {
	if _, errs, code := runSchemaCmd(t); code != 2 || !strings.Contains(errs, "slant schema set") {
		t.Errorf("no sub-command: %d %q", code, errs)
	}
	if _, errs, code := runSchemaCmd(t, "frob"); code != 2 || !strings.Contains(errs, `unknown sub-command "frob"`) {
		t.Errorf("unknown: %d %q", code, errs)
	}
	if out, _, code := runSchemaCmd(t, "-h"); code != 0 || !strings.Contains(out, "slant schema versions") {
		t.Errorf("-h: %d %q", code, out)
	}
	if _, errs, code := runSchemaCmd(t, "set", "-h"); code != 0 || !strings.Contains(errs, "usage: slant schema set") {
		t.Errorf("set -h: %d %q", code, errs)
	}
}

// A label key the workspace uses for corrections is refused with the
// reason.
func TestSchemaRefusesCorrectionKeys(t *testing.T) {
	file := putFile(t, t.TempDir(), "s.toml", `name = "mood"
[[tasks]]
name = "mood"
question = "How does it read?"
scope = "document"
labels = [{ value = "negative", key = "n" }, { value = "positive", key = "p" }]
`)
	_, errOut, code := runSlant(t, nil, "schema", "check", file)
	if code != 1 || !strings.Contains(errOut, `label "positive": key "p" corrects spans in the workspace`) {
		t.Errorf("exit %d: %s", code, errOut)
	}
}
