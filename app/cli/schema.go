package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/slant-annotate/slant/annotate/schema"
	"github.com/slant-annotate/slant/app/ops"
	"github.com/slant-annotate/slant/assets"
	"github.com/slant-annotate/slant/store"
)

func init() {
	c := Command{
		Name:    "schema",
		Args:    "show|set|check|versions [ARGS]",
		Summary: "show, check, or change the label schema (the tasks and labels analysts use)",
	}
	c.Run = func(env *Env, args []string) int { return runSchema(env, &c, args) }
	Register(c)
}

// schemaSubs are the sub-commands of "slant schema", in help order.
var schemaSubs = []struct {
	name, args, summary string
	run                 func(env *Env, c *Command, args []string) int
}{
	{"show", "[--db FILE] [--version N] [--default]", "print the project's label schema (TOML), or the commented built-in default", runSchemaShow},
	{"set", "[--db FILE] FILE", "check a schema file and make it the project's schema (a new version)", runSchemaSet},
	{"check", "FILE", "check a schema file, without a project", runSchemaCheck},
	{"versions", "[--db FILE] [--json]", "list the project's schema versions", runSchemaVersions},
}

func runSchema(env *Env, c *Command, args []string) int {
	if len(args) > 0 {
		for _, sub := range schemaSubs {
			if args[0] == sub.name {
				sc := Command{Name: c.Name + " " + sub.name, Args: sub.args, Summary: sub.summary}
				return sub.run(env, &sc, args[1:])
			}
		}
	}
	w, status := env.Stderr, 2
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help" || args[0] == "help") {
		w, status = env.Stdout, 0
	} else if len(args) > 0 {
		fmt.Fprintf(env.Stderr, "slant schema: unknown sub-command %q\n", args[0])
	}
	fmt.Fprintf(w, "usage: slant schema SUB-COMMAND\n  %s\n\n", c.Summary)
	for _, sub := range schemaSubs {
		fmt.Fprintf(w, "  slant schema %s %s\n      %s\n", sub.name, sub.args, sub.summary)
	}
	fmt.Fprintln(w, "\nThe built-in schema, with comments explaining the format: slant schema show --default")
	return status
}

func runSchemaShow(env *Env, c *Command, args []string) int {
	fs := NewFlags(env, c)
	db := projectFlag(fs)
	version := fs.Int("version", 0, "show this version (default: the current one)")
	def := fs.Bool("default", false, "print the built-in default schema, with comments explaining the format (no project needed)")
	_, status := ParseArgs(fs, args, 0)
	if status >= 0 {
		return status
	}
	if *def {
		env.Stdout.Write(assets.DefaultSchema)
		return 0
	}
	project, ok := openProject(env, *db, true)
	if !ok {
		return 1
	}
	defer project.Close()
	ctx := context.Background()
	var s *schema.Schema
	var sv store.SchemaVersion
	var err error
	if *version > 0 {
		s, sv, err = project.SchemaAt(ctx, *version)
	} else {
		var v int
		s, v, err = project.Schema(ctx)
		sv = store.SchemaVersion{Version: v, Source: store.SchemaSourceDefault}
		if err == nil && v > 0 {
			_, sv, err = project.SchemaAt(ctx, v)
		}
	}
	if err != nil {
		fmt.Fprintln(env.Stderr, "slant schema show:", err)
		return 1
	}
	if sv.Version == 0 {
		fmt.Fprintf(env.Stdout, "# %s: the built-in default schema (not stored in the project yet)\n", project.Name())
	} else {
		fmt.Fprintf(env.Stdout, "# %s: schema version %d, from %s, %s\n", project.Name(), sv.Version, sv.Source, sv.Created)
	}
	env.Stdout.Write(s.TOML())
	return 0
}

// readSchemaFile reads and checks a schema file, reporting every problem
// as "FILE:LINE: problem" on stderr.
func readSchemaFile(env *Env, cmd, file string) (*schema.Schema, bool) {
	data, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(env.Stderr, "slant %s: %v\n", cmd, err)
		return nil, false
	}
	s, err := schema.Parse(data, file)
	if err != nil {
		fmt.Fprintln(env.Stderr, err)
		if es, ok := schema.AsErrors(err); ok && len(es) > 1 {
			fmt.Fprintf(env.Stderr, "%s: %d problems\n", file, len(es))
		}
		return nil, false
	}
	if clashes := schema.CorrectionKeyClashes(s); len(clashes) > 0 {
		for _, c := range clashes {
			fmt.Fprintf(env.Stderr, "%s: %s\n", file, c)
		}
		return nil, false
	}
	return s, true
}

func runSchemaCheck(env *Env, c *Command, args []string) int {
	fs := NewFlags(env, c)
	pos, status := ParseArgs(fs, args, 1)
	if status >= 0 {
		return status
	}
	s, ok := readSchemaFile(env, c.Name, pos[0])
	if !ok {
		return 1
	}
	fmt.Fprintf(env.Stdout, "%s: ok: schema %q, %s\n", pos[0], s.Name, describeTasks(s))
	return 0
}

func describeTasks(s *schema.Schema) string {
	parts := make([]string, len(s.Tasks))
	for i, t := range s.Tasks {
		parts[i] = fmt.Sprintf("%s (%s, %d labels)", t.Name, t.Scope, len(t.Labels))
	}
	out := plural(len(s.Tasks), "task") + ": " + strings.Join(parts, ", ")
	if len(s.Claims) > 0 {
		out += "; " + plural(len(s.Claims), "claim")
	}
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func runSchemaSet(env *Env, c *Command, args []string) int {
	fs := NewFlags(env, c)
	db := projectFlag(fs)
	pos, status := ParseArgs(fs, args, 1)
	if status >= 0 {
		return status
	}
	s, ok := readSchemaFile(env, c.Name, pos[0])
	if !ok {
		return 1
	}
	project, ok := openProject(env, *db, false)
	if !ok {
		return 1
	}
	defer project.Close()
	change, err := ops.SetSchema(context.Background(), project, s, filepath.Base(pos[0]))
	if err != nil {
		fmt.Fprintln(env.Stderr, "slant schema set:", err)
		return 1
	}
	for _, line := range change.Lines(filepath.Base(pos[0])) {
		fmt.Fprintln(env.Stdout, line)
	}
	return 0
}

func runSchemaVersions(env *Env, c *Command, args []string) int {
	fs := NewFlags(env, c)
	db := projectFlag(fs)
	asJSON := fs.Bool("json", false, "print a JSON array")
	_, status := ParseArgs(fs, args, 0)
	if status >= 0 {
		return status
	}
	project, ok := openProject(env, *db, true)
	if !ok {
		return 1
	}
	defer project.Close()
	vs, err := project.SchemaVersions(context.Background())
	if err != nil {
		fmt.Fprintln(env.Stderr, "slant schema versions:", err)
		return 1
	}
	if *asJSON {
		if vs == nil {
			vs = []store.SchemaVersion{}
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(vs)
		return 0
	}
	if len(vs) == 0 {
		fmt.Fprintln(env.Stdout, "no schema stored yet: the project uses the built-in default (slant schema show --default)")
		return 0
	}
	fmt.Fprintf(env.Stdout, "%-8s %-20s %-20s %s\n", "version", "created", "source", "tasks")
	for i, v := range vs {
		mark := " "
		if i == len(vs)-1 {
			mark = "*"
		}
		fmt.Fprintf(env.Stdout, "%-8s %-20s %-20s %s\n", fmt.Sprintf("%d%s", v.Version, mark), v.Created, v.Source, strings.Join(v.Tasks, ", "))
	}
	fmt.Fprintln(env.Stdout, "* current")
	return 0
}
