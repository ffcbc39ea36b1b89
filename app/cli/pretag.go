package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"github.com/slant-annotate/slant/app/ops"
)

func init() {
	c := Command{
		Name:    "pretag",
		Args:    "[--db FILE] [--workers N] [--redo]",
		Summary: "suggest entities, targets, quotes and speakers for documents not yet pre-tagged",
	}
	c.Run = func(env *Env, args []string) int { return runPretag(env, &c, args) }
	Register(c)
}

func runPretag(env *Env, c *Command, args []string) int {
	fs := NewFlags(env, c)
	db := projectFlag(fs)
	var opts ops.PretagOptions
	fs.IntVar(&opts.Workers, "workers", 0, "parallel workers (default: one per CPU)")
	fs.BoolVar(&opts.Redo, "redo", false, "pre-tag every document again, replacing earlier suggestions")
	if _, status := ParseFlags(fs, args); status >= 0 {
		return status
	}
	project, ok := openProject(env, *db, false)
	if !ok {
		return 1
	}
	defer project.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	bar := newProgressBar(env, "pre-tagging")
	sum, err := ops.Pretag(ctx, project, opts, func(done, total int) { bar.set(done, total, "") })
	bar.done()
	fmt.Fprintln(env.Stdout, sum.String())
	if err != nil {
		fmt.Fprintln(env.Stderr, "slant pretag:", err)
		return 1
	}
	return 0
}
