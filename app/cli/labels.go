package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/slant-annotate/slant/store"
)

func init() {
	c := Command{
		Name:    "labels",
		Args:    "[--db FILE] [--doc ID] [--annotator NAME] [--json]",
		Summary: "list the labels annotators have made (--json prints JSON Lines, offsets in code points)",
	}
	c.Run = func(env *Env, args []string) int { return runLabels(env, &c, args) }
	Register(c)
}

func runLabels(env *Env, c *Command, args []string) int {
	fs := NewFlags(env, c)
	db := projectFlag(fs)
	doc := fs.Int64("doc", 0, "only this document's labels")
	annotator := fs.String("annotator", "", "only this annotator's labels")
	asJSON := fs.Bool("json", false, "one JSON object per label")
	if _, code := ParseFlags(fs, args); code >= 0 {
		return code
	}
	project, ok := openProject(env, *db, true)
	if !ok {
		return 1
	}
	defer project.Close()
	ctx := context.Background()
	if *doc != 0 {
		if _, err := project.Document(ctx, *doc); err != nil {
			fmt.Fprintln(env.Stderr, "slant labels:", err)
			return 1
		}
	}
	f := store.LabelFilter{DocID: *doc}
	if *annotator != "" {
		a, err := project.FindAnnotator(ctx, *annotator)
		if err != nil {
			fmt.Fprintln(env.Stderr, "slant labels:", err)
			return 1
		}
		f.AnnotatorID = a.ID
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetEscapeHTML(false)
	if !*asJSON {
		fmt.Fprintf(env.Stdout, "%6s  %-12s %-20s %-32s %s\n", "DOC", "ANNOTATOR", "TASK", "UNIT", "VALUE")
	}
	err := project.EachLabel(ctx, f, func(r store.LabelRecord) error {
		if *asJSON {
			return enc.Encode(r)
		}
		unit := r.Unit
		switch {
		case r.Target != "":
			unit = "target " + r.Target
		case r.Start != nil:
			unit = fmt.Sprintf("quote [%d,%d)", *r.Start, *r.End)
		}
		if r.Towards != "" {
			unit += " → " + r.Towards
		}
		value := r.Value
		if r.RemovedTask {
			value += " (task removed from the schema)"
		}
		if r.RejectedUnit {
			value += " (of a rejected unit: left out of exports and agreement)"
		}
		_, err := fmt.Fprintf(env.Stdout, "%6d  %-12s %-20s %-32s %s\n", r.DocID, clip(r.Annotator, 12), r.Task, clip(unit, 32), value)
		return err
	})
	if err != nil {
		fmt.Fprintln(env.Stderr, "slant labels:", err)
		return 1
	}
	return 0
}
