package cli

import (
	"context"
	"fmt"

	"github.com/slant-annotate/slant/app/ops"
)

func init() {
	c := Command{
		Name:    "merge",
		Args:    "[--db FILE] [--as NEW] OTHER.slant...",
		Summary: "bring other projects' annotators (layers, labels, statuses, events) and the documents this one lacks into it",
	}
	c.Run = func(env *Env, args []string) int { return runMerge(env, &c, args) }
	Register(c)
}

func runMerge(env *Env, c *Command, args []string) int {
	fs := NewFlags(env, c)
	db := projectFlag(fs)
	var opts ops.MergeOptions
	fs.StringVar(&opts.As, "as", "", "bring in the annotator whose name is taken here by someone else under this name")
	paths, status := ParseFlags(fs, args)
	if status >= 0 {
		return status
	}
	if len(paths) == 0 {
		fmt.Fprintln(env.Stderr, "slant merge: name at least one project file to merge")
		fs.Usage()
		return 2
	}
	project, ok := openProject(env, *db, false)
	if !ok {
		return 1
	}
	defer project.Close()
	files := map[string]int{}
	for i, p := range paths {
		files[p] = i
	}
	bar := newProgressBar(env, "merging")
	opts.Progress = func(file, step string) { bar.set(files[file], len(paths), step) }
	sum, err := ops.Merge(context.Background(), project, paths, opts)
	bar.done()
	if err != nil {
		fmt.Fprintln(env.Stderr, "slant merge:", err)
		fmt.Fprintln(env.Stderr, "slant merge: nothing was changed")
		return 1
	}
	fmt.Fprintln(env.Stdout, sum.String())
	return 0
}
