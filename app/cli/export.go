package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/slant-annotate/slant/annotate/export"
	"github.com/slant-annotate/slant/app/ops"
)

func init() {
	c := Command{
		Name:    "export",
		Args:    "[--db FILE] --format slant|" + strings.Join(export.Formats, "|") + " (--annotator NAME | --gold | --majority [--min-agreement S] | --all) [--include-in-progress] [--out PATH | --split train=0.8,dev=0.1,test=0.1 [--seed N] --out DIR]",
		Summary: "write labels as a training set: an annotator's, gold's, the majority's or everyone's (offsets in code points)",
	}
	c.Run = func(env *Env, args []string) int { return runExport(env, &c, args) }
	Register(c)
}

func runExport(env *Env, c *Command, args []string) int {
	fs := NewFlags(env, c)
	db := projectFlag(fs)
	var o ops.ExportOptions
	fs.StringVar(&o.Format, "format", "", "the format: slant (lossless: every layer, for importing elsewhere), "+strings.Join(export.Formats, ", "))
	fs.StringVar(&o.Annotator, "annotator", "", "export this annotator's finished documents")
	fs.BoolVar(&o.Gold, "gold", false, "export the adjudicated labels (gold's layer)")
	fs.BoolVar(&o.Majority, "majority", false, "export what most annotators who finished a document say, unit by unit")
	fs.Float64Var(&o.MinAgreement, "min-agreement", ops.DefaultMinAgreement, "with --majority: the share of annotators a unit's majority needs (units below are left out and counted)")
	fs.BoolVar(&o.All, "all", false, "export every annotator's finished documents, a record each")
	fs.BoolVar(&o.IncludeInProgress, "include-in-progress", false, "add started documents (with --annotator or --all)")
	out := fs.String("out", "", "write to this file (default: standard output); with --split, into this folder")
	split := fs.String("split", "", "split by document into files, e.g. train=0.8,dev=0.1,test=0.1 (near-duplicate articles stay together), with manifest.json")
	seed := fs.Uint64("seed", 1, "with --split: the seed (the same seed gives the same files)")
	rest, code := ParseFlags(fs, args)
	if code >= 0 {
		return code
	}
	if len(rest) > 0 {
		fmt.Fprintf(env.Stderr, "slant export: unexpected argument %q\n", rest[0])
		fs.Usage()
		return 2
	}
	sources := o.Sources()
	if o.Format == export.NativeFormat {
		if sources != 0 || *split != "" {
			fmt.Fprintln(env.Stderr, "slant export: the slant format holds every document with every annotator's layer: give no --annotator, --gold, --majority, --all or --split")
			return 2
		}
		return exportNative(env, *db, *out)
	}
	if o.Format == "" || sources != 1 {
		fmt.Fprintln(env.Stderr, "slant export: give --format and one of --annotator NAME, --gold, --majority or --all")
		fs.Usage()
		return 2
	}
	var splits []export.Split
	if *split != "" {
		var err error
		if splits, err = export.ParseSplits(*split); err != nil {
			fmt.Fprintln(env.Stderr, "slant export: --split:", err)
			return 2
		}
		if *out == "" {
			fmt.Fprintln(env.Stderr, "slant export: --split needs --out DIR, the folder for its files")
			return 2
		}
	}
	project, ok := openProject(env, *db, true)
	if !ok {
		return 1
	}
	defer project.Close()
	bar := newProgressBar(env, "exporting")
	o.Progress = func(done, total int) { bar.set(done, total, "") }
	if *split != "" {
		sum, err := ops.ExportSplits(context.Background(), project, *out, o, ops.SplitOptions{Splits: splits, Seed: *seed,
			Command: "slant export " + strings.Join(args, " ")})
		bar.done()
		if err != nil {
			fmt.Fprintln(env.Stderr, "slant export:", err)
			return 1
		}
		fmt.Fprintf(env.Stderr, "exported %d records of %s into %d splits in %s (%d near-duplicate groups kept together; manifest.json)\n",
			sum.Records, sum.Source, len(splits), *out, sum.Groups)
		return 0
	}
	var sum ops.ExportSummary
	var err error
	if *out != "" {
		sum, err = ops.ExportFile(context.Background(), project, *out, o)
	} else {
		sum, err = ops.Export(context.Background(), project, env.Stdout, o)
	}
	bar.done()
	if err != nil {
		fmt.Fprintln(env.Stderr, "slant export:", err)
		return 1
	}
	msg := fmt.Sprintf("exported %d records of %s", sum.Records, sum.Source)
	if *out != "" {
		msg += " to " + *out
	}
	msg += " (" + o.Format + ")"
	if o.Majority {
		msg += fmt.Sprintf("; %d units kept, %d left out below %g agreement", sum.Kept, sum.LeftOut, o.MinAgreement)
	}
	fmt.Fprintln(env.Stderr, msg)
	return 0
}

// exportNative writes the whole project in the slant format.
func exportNative(env *Env, db, out string) int {
	project, ok := openProject(env, db, true)
	if !ok {
		return 1
	}
	defer project.Close()
	bar := newProgressBar(env, "exporting")
	progress := func(done, total int) { bar.set(done, total, "") }
	var sum ops.ExportSummary
	var err error
	if out != "" {
		sum, err = ops.ExportNativeFile(context.Background(), project, out, progress)
	} else {
		sum, err = ops.ExportNative(context.Background(), project, env.Stdout, progress)
	}
	bar.done()
	if err != nil {
		fmt.Fprintln(env.Stderr, "slant export:", err)
		return 1
	}
	msg := fmt.Sprintf("exported %d documents with %s (slant)", sum.Records, sum.Source)
	if out != "" {
		msg += " to " + out
	}
	fmt.Fprintln(env.Stderr, msg)
	return 0
}
