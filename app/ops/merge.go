package ops

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/slant-annotate/slant/store"
)

// MergeOptions say how to merge other projects into this one.
type MergeOptions struct {
	// As renames the one incoming annotator whose name is taken here by a
	// different person (see store.MergeOptions).
	As string
	// Progress, if set, is called as each step of each file begins.
	Progress func(file, step string)
}

// MergeSummary is what a merge did: per file, and in total.
type MergeSummary struct {
	Files []store.MergeStats
	Total store.MergeStats
}

// String is the summary in one line.
func (s MergeSummary) String() string {
	t := s.Total
	var b strings.Builder
	fmt.Fprintf(&b, "merged %s: %s added, %s added", plural(len(s.Files), "project"),
		plural(t.Documents, "document"), plural(t.Annotators, "annotator"))
	fmt.Fprintf(&b, ", layers %d added / %d updated / %d unchanged / %d kept here", t.LayersAdded, t.LayersUpdated, t.LayersUnchanged, t.LayersKept)
	fmt.Fprintf(&b, ", %s, %s", plural(t.Labels, "label"), plural(t.Events, "event"))
	if t.Schemas > 0 {
		fmt.Fprintf(&b, ", %s", plural(t.Schemas, "schema version"))
	}
	if t.Renamed != "" {
		fmt.Fprintf(&b, " (renamed %s)", t.Renamed)
	}
	if !t.Changed() {
		b.WriteString(" — nothing new")
	}
	return b.String()
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// Merge brings the projects at paths into db in one transaction: their
// annotators with their layers, labels, statuses and events, and the
// documents db lacks with their pre-tags. The other files are only read.
// Nothing is changed when any file is refused (not a Slant project, from a
// newer Slant, db itself, a name shared by two people, a task of the same
// name with other labels): the error names the file.
func Merge(ctx context.Context, db *store.DB, paths []string, opts MergeOptions) (MergeSummary, error) {
	if len(paths) == 0 {
		return MergeSummary{}, errors.New("name at least one project file to merge")
	}
	stats, err := db.MergeAll(ctx, paths, store.MergeOptions{As: opts.As, Progress: opts.Progress})
	if err != nil {
		return MergeSummary{}, err
	}
	sum := MergeSummary{Files: stats}
	for _, st := range stats {
		sum.Total.Add(st)
	}
	if sum.Total.Changed() {
		// The layers brought in get their digests for agreement; digests
		// are an index, so a failure loses nothing (agreement reads those
		// layers from their rows).
		db.RefreshDigests(ctx)
	}
	return sum, nil
}
