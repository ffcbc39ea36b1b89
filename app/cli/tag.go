package cli

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/slant-annotate/slant/annotate/format"
	"github.com/slant-annotate/slant/annotate/pretag"
)

func init() {
	Register(Command{
		Name:    "tag",
		Args:    "[--json] FILE...",
		Summary: "pre-tag entities, targets and quotes in text files, without a project",
		Run:     runTag,
	})
}

// tagJSON is one line of `slant tag --json`: offsets in code points,
// half-open.
type tagJSON struct {
	File     string      `json:"file"`
	Entities []tagEntity `json:"entities"`
	Targets  []tagTarget `json:"targets"`
	Quotes   []tagQuote  `json:"quotes"`
}

type tagEntity struct {
	Start  int    `json:"start"`
	End    int    `json:"end"`
	Label  string `json:"label"`
	Text   string `json:"text"`
	Target string `json:"target"`
}

type tagTarget struct {
	Name     string   `json:"name"`
	Label    string   `json:"label"`
	Mentions [][2]int `json:"mentions"`
}

type tagSpan struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

type tagQuote struct {
	Start   int      `json:"start"`
	End     int      `json:"end"`
	Text    string   `json:"text"`
	Speaker *tagSpan `json:"speaker"`
}

func tagRecord(file string, r *pretag.Result) tagJSON {
	out := tagJSON{File: file, Entities: []tagEntity{}, Targets: []tagTarget{}, Quotes: []tagQuote{}}
	for _, e := range r.Entities {
		out.Entities = append(out.Entities, tagEntity{e.Start, e.End, e.Label, e.Text, r.Targets[e.Target].Name})
	}
	for _, t := range r.Targets {
		m := t.Mentions
		if m == nil {
			m = [][2]int{}
		}
		out.Targets = append(out.Targets, tagTarget{t.Name, t.Label, m})
	}
	for _, q := range r.Quotes {
		tq := tagQuote{Start: q.Start, End: q.End, Text: q.Text}
		if q.Speaker != nil {
			tq.Speaker = &tagSpan{q.Speaker.Start, q.Speaker.End, q.Speaker.Text}
		}
		out.Quotes = append(out.Quotes, tq)
	}
	return out
}

func runTag(env *Env, args []string) int {
	cmd := commands["tag"]
	fs := NewFlags(env, &cmd)
	asJSON := fs.Bool("json", false, "write one JSON object per file (JSON Lines), offsets in code points")
	files, code := ParseFlags(fs, args)
	if code >= 0 {
		return code
	}
	if len(files) == 0 {
		fs.Usage()
		return 2
	}
	tagger := pretag.NewTagger()
	enc := json.NewEncoder(env.Stdout)
	enc.SetEscapeHTML(false)
	status := 0
	for _, f := range files {
		doc, err := format.ReadTextFile(f)
		if errors.Is(err, format.ErrEmpty) {
			err = nil // nothing to tag: an empty result, as for any text without names
		}
		if err != nil {
			fmt.Fprintf(env.Stderr, "slant tag: %v\n", err)
			status = 1
			continue
		}
		r := tagger.Tag(doc.Text)
		if *asJSON {
			if err := enc.Encode(tagRecord(f, r)); err != nil {
				fmt.Fprintf(env.Stderr, "slant tag: %v\n", err)
				return 1
			}
			continue
		}
		printTag(env, f, r)
	}
	return status
}

func printTag(env *Env, file string, r *pretag.Result) {
	w := env.Stdout
	fmt.Fprintf(w, "%s: %d entities, %d targets, %d quotes (%s)\n", file, len(r.Entities), len(r.Targets), len(r.Quotes), r.Engine)
	if len(r.Targets) > 0 {
		fmt.Fprintln(w, "  targets:")
	}
	for _, t := range r.Targets {
		fmt.Fprintf(w, "    %-7s %-28s %2d× %v\n", t.Label, t.Name, len(t.Mentions), t.Aliases)
	}
	if len(r.Entities) > 0 {
		fmt.Fprintln(w, "  entities:")
	}
	for _, e := range r.Entities {
		fmt.Fprintf(w, "    [%d,%d) %-7s %q → %s\n", e.Start, e.End, e.Label, e.Text, r.Targets[e.Target].Name)
	}
	if len(r.Quotes) > 0 {
		fmt.Fprintln(w, "  quotes:")
	}
	for _, q := range r.Quotes {
		who := "(unattributed)"
		if q.Speaker != nil {
			who = fmt.Sprintf("— %s [%d,%d)", q.Speaker.Text, q.Speaker.Start, q.Speaker.End)
			if q.Target >= 0 {
				who += " → " + r.Targets[q.Target].Name
			}
			if q.Inherited {
				who += " (carried over)"
			}
		}
		fmt.Fprintf(w, "    [%d,%d) %s %s\n", q.Start, q.End, q.Text, who)
	}
}
