package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/slant-annotate/slant/annotate/pretag"
	"github.com/slant-annotate/slant/annotate/pretag/eval"
)

func init() {
	Register(Command{
		Name:    "eval",
		Args:    "[--data DIR] [--split train,dev] [--workers N] [--no-baseline]",
		Summary: "measure pre-tagging against gold data (sample article, PolNeAR, NewsMTSC), raw prose beside it",
		Run:     runEval,
	})
}

func runEval(env *Env, args []string) int {
	cmd := commands["eval"]
	fs := NewFlags(env, &cmd)
	data := fs.String("data", "", "the data folder (default: shared/data found beside an ancestor of the working directory or of the executable)")
	split := fs.String("split", "train,dev", "PolNeAR splits to measure, comma-separated")
	workers := fs.Int("workers", 0, "tagging workers (default: one per CPU)")
	noBase := fs.Bool("no-baseline", false, "do not measure raw prose")
	_, code := ParseArgs(fs, args, 0)
	if code >= 0 {
		return code
	}
	dir := *data
	if dir == "" {
		wd, _ := os.Getwd()
		exe, _ := os.Executable()
		if exe != "" {
			exe = filepath.Dir(exe)
		}
		dir = eval.FindData(wd, exe)
	}
	if dir == "" {
		fmt.Fprintln(env.Stderr, "slant eval:", eval.ErrNoData)
		return 1
	}
	if _, err := os.Stat(filepath.Join(dir, "seed", "gold.json")); err != nil {
		fmt.Fprintf(env.Stderr, "slant eval: %s is not an evaluation data folder (no seed/gold.json)\n", dir)
		return 1
	}
	var splits []string
	for _, s := range filepath.SplitList(stringsReplaceComma(*split)) {
		if s != "" {
			splits = append(splits, s)
		}
	}
	ctx := context.Background()
	fmt.Fprintf(env.Stderr, "evaluating on %s …\n", dir)
	ours, err := eval.Run(ctx, dir, pretag.NewTagger(), pretag.Provenance(), *workers, splits...)
	if err != nil {
		fmt.Fprintln(env.Stderr, "slant eval:", err)
		return 1
	}
	reps := []*eval.Report{ours}
	if !*noBase {
		raw, err := eval.Run(ctx, dir, pretag.NewTagger(pretag.RawProse()), "raw prose v2.0.0", *workers, splits...)
		if err != nil {
			fmt.Fprintln(env.Stderr, "slant eval:", err)
			return 1
		}
		reps = append(reps, raw)
	}
	eval.Table(env.Stdout, reps...)
	return 0
}

func stringsReplaceComma(s string) string {
	b := []byte(s)
	for i := range b {
		if b[i] == ',' {
			b[i] = filepath.ListSeparator
		}
	}
	return string(b)
}
