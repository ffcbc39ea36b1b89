package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/slant-annotate/slant/annotate/export"
	"github.com/slant-annotate/slant/app/ops"
)

func init() {
	c := Command{
		Name:    "export",
		Args:    "[--db FILE] --format " + strings.Join(export.Formats, "|") + " (--annotator NAME | --gold) [--include-in-progress] [--out PATH]",
		Summary: "write an annotator's (or gold's) labels as a training set: doccano JSONL, CSV, or stance JSONL (offsets in code points)",
	}
	c.Run = func(env *Env, args []string) int { return runExport(env, &c, args) }
	Register(c)
}

func runExport(env *Env, c *Command, args []string) int {
	fs := NewFlags(env, c)
	db := projectFlag(fs)
	var o ops.ExportOptions
	fs.StringVar(&o.Format, "format", "", "the format: "+strings.Join(export.Formats, ", "))
	fs.StringVar(&o.Annotator, "annotator", "", "export this annotator's finished documents")
	fs.BoolVar(&o.Gold, "gold", false, "export the adjudicated labels (gold's layer)")
	fs.BoolVar(&o.IncludeInProgress, "include-in-progress", false, "add the annotator's started documents")
	out := fs.String("out", "", "write to this file (default: standard output)")
	rest, code := ParseFlags(fs, args)
	if code >= 0 {
		return code
	}
	if len(rest) > 0 {
		fmt.Fprintf(env.Stderr, "slant export: unexpected argument %q\n", rest[0])
		fs.Usage()
		return 2
	}
	if o.Format == "" || (o.Annotator == "") == !o.Gold {
		fmt.Fprintln(env.Stderr, "slant export: give --format and one of --annotator NAME or --gold")
		fs.Usage()
		return 2
	}
	project, ok := openProject(env, *db, true)
	if !ok {
		return 1
	}
	defer project.Close()
	w, finish := io.Writer(env.Stdout), func(ok bool) error { return nil }
	if *out != "" {
		// Written beside the target and renamed into place: a failed export
		// never leaves half a file where a whole one was.
		tmp, err := os.CreateTemp(filepath.Dir(*out), ".slant-export-*")
		if err != nil {
			fmt.Fprintln(env.Stderr, "slant export:", err)
			return 1
		}
		w = tmp
		finish = func(ok bool) error {
			err := tmp.Close()
			if !ok || err != nil {
				os.Remove(tmp.Name())
				return err
			}
			return os.Rename(tmp.Name(), *out)
		}
	}
	bar := newProgressBar(env, "exporting")
	o.Progress = func(done, total int) { bar.set(done, total, "") }
	sum, err := ops.Export(context.Background(), project, w, o)
	bar.done()
	if ferr := finish(err == nil); err == nil {
		err = ferr
	}
	if err != nil {
		fmt.Fprintln(env.Stderr, "slant export:", err)
		return 1
	}
	if *out != "" {
		fmt.Fprintf(env.Stderr, "exported %d documents of %s to %s (%s)\n", sum.Documents, sum.Source, *out, o.Format)
	}
	return 0
}
