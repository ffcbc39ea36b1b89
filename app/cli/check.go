package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/slant-annotate/slant/app/ops"
	"github.com/slant-annotate/slant/store"
)

func init() {
	c := Command{
		Name:    "check",
		Args:    "[--db FILE] [--json]",
		Summary: "check the project: SQLite's integrity, the full-text index, every span within its text (exit 1 on a problem)",
	}
	c.Run = func(env *Env, args []string) int { return runCheck(env, &c, args) }
	Register(c)
	b := Command{
		Name:    "backup",
		Args:    "[--db FILE] COPY.slant",
		Summary: "write a consistent copy of the project to a new file, even while a window has it open",
	}
	b.Run = func(env *Env, args []string) int { return runBackup(env, &b, args) }
	Register(b)
	r := Command{
		Name:    "restore",
		Args:    "[--db FILE] [BACKUP.slant]",
		Summary: "put a backup in place of a damaged project (the newest automatic one unless named); the project as it was is kept beside it",
	}
	r.Run = func(env *Env, args []string) int { return runRestore(env, &r, args) }
	Register(r)
}

func runRestore(env *Env, c *Command, args []string) int {
	fs := NewFlags(env, c)
	db := projectFlag(fs)
	rest, code := ParseFlags(fs, args)
	if code >= 0 {
		return code
	}
	path, err := ops.ProjectPath(*db, env.Getenv)
	if err != nil {
		fmt.Fprintln(env.Stderr, "slant restore:", err)
		return 1
	}
	var from string
	switch len(rest) {
	case 0:
		backups, err := store.Backups(path)
		if err != nil || len(backups) == 0 {
			fmt.Fprintf(env.Stderr, "slant restore: no automatic backup of %s (in %s); name a backup file\n", path, store.BackupsDir(path))
			return 1
		}
		from = backups[0]
	case 1:
		from = rest[0]
	default:
		fs.Usage()
		return 2
	}
	kept, err := store.Restore(path, from)
	if err != nil {
		fmt.Fprintln(env.Stderr, "slant restore:", err)
		return 1
	}
	msg := fmt.Sprintf("restored %s from %s", path, from)
	if kept != "" {
		msg += "; the project as it was is kept as " + kept
	}
	fmt.Fprintln(env.Stderr, msg)
	return 0
}

func runCheck(env *Env, c *Command, args []string) int {
	fs := NewFlags(env, c)
	db := projectFlag(fs)
	asJSON := fs.Bool("json", false, "print a JSON object")
	if _, code := ParseFlags(fs, args); code >= 0 {
		return code
	}
	path, err := ops.ProjectPath(*db, env.Getenv)
	if err != nil {
		fmt.Fprintln(env.Stderr, "slant check:", err)
		return 1
	}
	// For writing if it can (the full-text check runs as a write that
	// changes nothing), else read-only alongside the window that has it.
	project, err := store.Open(context.Background(), path, store.Options{})
	indexChecked := err == nil
	if errors.Is(err, store.ErrLocked) {
		project, err = store.Open(context.Background(), path, store.Options{ReadOnly: true})
	}
	if err != nil {
		fmt.Fprintln(env.Stderr, "slant check:", err)
		return 1
	}
	defer project.Close()
	problems, err := project.Check(context.Background())
	if err != nil {
		fmt.Fprintln(env.Stderr, "slant check:", err)
		return 1
	}
	if *asJSON {
		if problems == nil {
			problems = []store.Problem{}
		}
		json.NewEncoder(env.Stdout).Encode(struct {
			Path         string          `json:"path"`
			OK           bool            `json:"ok"`
			IndexChecked bool            `json:"search_index_checked"`
			Problems     []store.Problem `json:"problems"`
		}{path, len(problems) == 0, indexChecked, problems})
	} else {
		for _, p := range problems {
			fmt.Fprintf(env.Stdout, "%s: %s\n", p.Check, p.Detail)
		}
		if len(problems) == 0 {
			what := "integrity, search index and spans"
			if !indexChecked {
				what = "integrity and spans (the search index is not checked while another Slant writes to the project)"
			}
			fmt.Fprintf(env.Stdout, "%s: ok: %s\n", path, what)
		}
	}
	if len(problems) > 0 {
		fmt.Fprintf(env.Stderr, "slant check: %d problems in %s; restore a backup (PROJECT.vN.bak, or one made with slant backup)\n", len(problems), path)
		return 1
	}
	return 0
}

func runBackup(env *Env, c *Command, args []string) int {
	fs := NewFlags(env, c)
	db := projectFlag(fs)
	rest, code := ParseFlags(fs, args)
	if code >= 0 {
		return code
	}
	if len(rest) != 1 {
		fmt.Fprintln(env.Stderr, "slant backup: name the new file to write, once")
		fs.Usage()
		return 2
	}
	project, ok := openProject(env, *db, true)
	if !ok {
		return 1
	}
	defer project.Close()
	if err := project.Backup(context.Background(), rest[0]); err != nil {
		fmt.Fprintln(env.Stderr, "slant backup:", err)
		return 1
	}
	fmt.Fprintf(env.Stderr, "backed up %s to %s\n", project.Path(), rest[0])
	return 0
}
