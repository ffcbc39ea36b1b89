package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/store"
)

func init() {
	c := Command{
		Name:    "list",
		Args:    "[--db FILE] [--filter WORDS] [--annotator NAME] [--status S] [--target NAME] [--json]",
		Summary: "list the project's documents: id, title, words, status (streams; --json prints JSON Lines)",
	}
	c.Run = func(env *Env, args []string) int { return runList(env, &c, args) }
	Register(c)
}

func runList(env *Env, c *Command, args []string) int {
	fs := NewFlags(env, c)
	db := projectFlag(fs)
	asJSON := fs.Bool("json", false, "one JSON object per document")
	filter := fs.String("filter", "", "only documents containing these words (title or text)")
	annotator := fs.String("annotator", "", "show this annotator's status (default: everyone's, summed up)")
	status := fs.String("status", "", `with --annotator: only "to do", "in progress", "done" or "skipped"`)
	target := fs.String("target", "", "only documents with a target whose name contains this")
	rest, code := ParseFlags(fs, args)
	if code >= 0 {
		return code
	}
	if len(rest) > 0 {
		*filter = strings.TrimSpace(*filter + " " + strings.Join(rest, " "))
	}
	project, ok := openProject(env, *db, true)
	if !ok {
		return 1
	}
	defer project.Close()
	q := store.DocQuery{Filter: *filter, Target: *target}
	if *annotator != "" {
		a, err := project.FindAnnotator(context.Background(), *annotator)
		if err != nil {
			fmt.Fprintln(env.Stderr, "slant list:", err)
			return 1
		}
		q.Annotator, q.Status = a.ID, *status
	} else if *status != "" {
		fmt.Fprintln(env.Stderr, "slant list: --status needs --annotator")
		return 2
	}
	// Flush after each of the first lines so a pipe sees output at once,
	// then buffer for speed.
	w := bufio.NewWriterSize(env.Stdout, 64<<10)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	n := 0
	if !*asJSON {
		fmt.Fprintf(w, "%7s  %-60s %7s  %s\n", "ID", "TITLE", "WORDS", "STATUS")
	}
	err := project.EachDoc(context.Background(), q, func(d store.DocSummary) error {
		if *asJSON {
			if err := enc.Encode(d); err != nil {
				return err
			}
		} else {
			fmt.Fprintf(w, "%7d  %-60s %7d  %s\n", d.ID, clip(d.Title, 60), d.Words, d.Status)
		}
		n++
		if n <= 1 {
			return w.Flush()
		}
		return nil
	})
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		fmt.Fprintln(env.Stderr, "slant list:", err)
		return 1
	}
	return 0
}

// clip shortens s to at most n characters, marking the cut.
func clip(s string, n int) string {
	// One line, and nothing a terminal would act on (a project from before
	// titles were cleaned on import may hold escape sequences).
	s = annotate.CleanTitle(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
