package cli_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/app/cli"
	"github.com/slant-annotate/slant/app/ops"
	"github.com/slant-annotate/slant/store"
)

// Global flags work before or after the command; a word that is neither a
// command nor a path is an unknown command with the nearest one named.
func TestRoute(t *testing.T) {
	exists := func(p string) bool { return p == "story.txt" }
	for _, c := range []struct {
		args            string
		command, window string
		err             string
	}{
		{"", "", "", ""},
		{"--db p.slant import a.txt", "import --db p.slant a.txt", "", ""},
		{"--db=p.slant --annotator ana import a.txt", "import --db p.slant --annotator ana a.txt", "", ""},
		{"import --db p.slant a.txt", "import --db p.slant a.txt", "", ""},
		{"--db p.slant", "", "--db p.slant", ""},
		{"--db p.slant story.txt", "", "--db p.slant story.txt", ""},
		{"--version", "version", "", ""},
		{"help list", "help list", "", ""},
		{"lsit", "", "", `unknown command "lsit"; did you mean "list"?`},
		{"--db", "", "", "needs a value"},
	} {
		command, window, err := cli.Route(strings.Fields(c.args), exists)
		got := fmt.Sprint(strings.Join(command, " "), "|", strings.Join(window, " "), "|", err)
		if err != nil && c.err != "" && strings.Contains(err.Error(), c.err) && command == nil && window == nil {
			continue
		}
		if want := fmt.Sprint(c.command, "|", c.window, "|", "<nil>"); c.err != "" || got != want {
			t.Errorf("slant %s: %s", c.args, got)
		}
	}
}

func TestVersionAndHelpOfNothing(t *testing.T) {
	if out := mustSlant(t, nil, "version"); !strings.HasPrefix(out, "slant ") {
		t.Errorf("version: %q", out)
	}
	if _, errOut, code := runSlant(t, nil, "help", "lsit"); code != 2 || !strings.Contains(errOut, `no command "lsit"; did you mean "list"?`) {
		t.Errorf("help lsit: %d %s", code, errOut)
	}
}

func TestLabelsOfAMissingDocument(t *testing.T) {
	db := newProjectPath(t)
	mustSlant(t, nil, "pretag", "--db", db) // makes the project
	out, errOut, code := runSlant(t, nil, "labels", "--db", db, "--doc", "42")
	if code != 1 || out != "" || !strings.Contains(errOut, "document 42: not found") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// A label of a target the annotator then rejected is marked in slant
// labels, and left out of exports.
func TestLabelsOfRejectedUnitsAreMarked(t *testing.T) {
	path, _, _ := exportProject(t)
	ctx := context.Background()
	db, err := ops.OpenProject(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ana, _ := db.FindAnnotator(ctx, "ana")
	l, _ := db.ReadLayer(ctx, 1, ana.ID)
	first := l.LiveTargets()[0] // ana labelled it positive
	if _, err := db.DecideTarget(ctx, ana.ID, 1, first.ID, annotate.Rejected); err != nil {
		t.Fatal(err)
	}
	db.Close()
	js := mustSlant(t, nil, "labels", "--db", path, "--json")
	if !strings.Contains(js, `"target":"`+first.Name+`","value":"positive","schema_version":1,`) || !strings.Contains(js, `"rejected_unit":true`) {
		t.Errorf("labels:\n%s", js)
	}
	if out := mustSlant(t, nil, "labels", "--db", path); !strings.Contains(out, "(of a rejected unit") {
		t.Errorf("labels:\n%s", out)
	}
	if csv := mustSlant(t, nil, "export", "--db", path, "--format", "csv", "--annotator", "ana"); strings.Contains(csv, "target_sentiment,"+first.Name+",") {
		t.Errorf("the rejected target's label is exported:\n%s", csv)
	}
}
