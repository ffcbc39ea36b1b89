package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/slant-annotate/slant/app/ops"
	"github.com/slant-annotate/slant/store"
)

func init() {
	c := Command{
		Name:    "stats",
		Args:    "[--db FILE] [--json]",
		Summary: "summarise the project: documents, words, where they came from, near-duplicate articles",
	}
	c.Run = func(env *Env, args []string) int { return runStats(env, &c, args) }
	Register(c)
}

func runStats(env *Env, c *Command, args []string) int {
	fs := NewFlags(env, c)
	db := projectFlag(fs)
	asJSON := fs.Bool("json", false, "print a JSON object")
	if _, status := ParseFlags(fs, args); status >= 0 {
		return status
	}
	project, ok := openProject(env, *db, true)
	if !ok {
		return 1
	}
	defer project.Close()
	s, err := project.Stats(context.Background())
	if err != nil {
		fmt.Fprintln(env.Stderr, "slant stats:", err)
		return 1
	}
	dups, err := ops.NearDuplicates(context.Background(), project)
	if err != nil {
		fmt.Fprintln(env.Stderr, "slant stats:", err)
		return 1
	}
	if dups == nil {
		dups = [][]int64{}
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(struct {
			store.Stats
			NearDuplicates [][]int64 `json:"near_duplicates"` // groups of document ids
		}{s, dups})
		return 0
	}
	w := env.Stdout
	fmt.Fprintf(w, "project    %s\n", s.Path)
	fmt.Fprintf(w, "created    %s (schema v%d, %s on disk)\n", s.Created, s.Schema, humanBytes(s.SizeBytes))
	fmt.Fprintf(w, "documents  %d (%d pre-tagged)\n", s.Documents, s.Pretagged)
	fmt.Fprintf(w, "words      %d", s.Words)
	if s.Documents > 0 {
		fmt.Fprintf(w, " (%.0f per document)", float64(s.Words)/float64(s.Documents))
	}
	fmt.Fprintln(w)
	kinds := make([]string, 0, len(s.Formats))
	for k := range s.Formats {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(w, "  from %-6s %d\n", k, s.Formats[k])
	}
	in := 0
	for _, g := range dups {
		in += len(g)
	}
	fmt.Fprintf(w, "near-duplicates  %d groups, %d documents (kept in one split by slant export --split)\n", len(dups), in)
	for i, g := range dups {
		if i == 5 {
			fmt.Fprintf(w, "  … %d more groups (--json lists them all)\n", len(dups)-5)
			break
		}
		ids := make([]string, len(g))
		for j, id := range g {
			ids[j] = fmt.Sprintf("#%d", id)
		}
		fmt.Fprintf(w, "  %s\n", strings.Join(ids, " ~ "))
	}
	return 0
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
