package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/slant-annotate/slant/annotate/review"
	"github.com/slant-annotate/slant/app/ops"
)

// projectAgreementFlags are the flags of `slant agreement` on a project.
type projectAgreementFlags struct {
	db, tasks, annotators, report *string
	inProgress, noSpans           *bool
	set                           map[string]bool
	fs                            *flag.FlagSet
}

func (p *projectAgreementFlags) add(fs *flag.FlagSet) {
	p.fs = fs
	p.db = projectFlag(fs)
	p.tasks = fs.String("task", "", "only these tasks, comma-separated (default: every task in the schema)")
	p.annotators = fs.String("annotators", "", "only these annotators, comma-separated (default: everyone but gold)")
	p.inProgress = fs.Bool("include-in-progress", false, "count documents annotators have started but not marked done (skipped ones never count)")
	p.noSpans = fs.Bool("no-spans", false, "leave out the span layers (entities, quotes, speakers)")
	p.report = fs.String("report", "", "also write a self-contained HTML report to this file")
}

// used reports whether any project flag was given.
func (p *projectAgreementFlags) used() bool {
	used := false
	p.fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "db", "task", "annotators", "include-in-progress", "no-spans", "report":
			used = true
		}
	})
	return used
}

func splitList(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func runProjectAgreement(env *Env, p *projectAgreementFlags, boot int, seed uint64, asJSON bool) int {
	project, ok := openProject(env, *p.db, true)
	if !ok {
		return 1
	}
	defer project.Close()
	ctx := context.Background()
	o := ops.AgreementOptions{Tasks: splitList(*p.tasks), Annotators: splitList(*p.annotators),
		IncludeInProgress: *p.inProgress, Bootstrap: boot, Seed: seed, Spans: !*p.noSpans}
	rep, err := ops.Agreement(ctx, project, o)
	if err != nil {
		fmt.Fprintln(env.Stderr, "slant agreement:", err)
		return 1
	}
	if len(rep.Annotators) < 2 {
		fmt.Fprintf(env.Stderr, "slant agreement: warning: %s: agreement needs two or more annotators; this project has %d\n",
			project.Path(), len(rep.Annotators))
	}
	if *p.report != "" {
		if err := writeReport(*p.report, project.Name(), rep, o); err != nil {
			fmt.Fprintln(env.Stderr, "slant agreement:", err)
			return 1
		}
	}
	if asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintln(env.Stderr, "slant agreement:", err)
			return 1
		}
		return 0
	}
	writeProjectTable(env.Stdout, rep)
	return 0
}

func writeProjectTable(w io.Writer, rep *review.Report) {
	var names []string
	for _, a := range rep.Annotators {
		n := fmt.Sprintf("%s (%s", a.Name, count(a.Documents, "document"))
		if !a.Blind {
			n += ", not blind"
		}
		names = append(names, n+")")
	}
	fmt.Fprintf(w, "Annotators  %s\nDocuments   %d (counted by at least one of them)\n", strings.Join(names, ", "), rep.Documents)
	for _, t := range rep.Tasks {
		fmt.Fprintf(w, "\n%s (%s, %s)\n", t.Task, t.Scope, t.Level)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		row := func(k, v string) { fmt.Fprintf(tw, "  %s\t%s\n", k, v) }
		ci := ""
		if len(t.AlphaCI) == 2 {
			ci = fmt.Sprintf("  95%% CI [%s, %s]", t.AlphaCI[0], t.AlphaCI[1])
		}
		row("Krippendorff's alpha", t.Alpha.String()+ci)
		row("Percent agreement", fmt.Sprintf("%s pairwise, %s all agree", t.PercentAgreement, t.AllAgree))
		if t.FleissKappa.Defined() {
			row("Fleiss' kappa", t.FleissKappa.String())
		} else {
			row("Fleiss' kappa", "not applicable (units have different numbers of values; use alpha)")
		}
		row("Units", fmt.Sprintf("%d (%d pairable), %d not shared by every annotator; %s, %s",
			t.Units, t.PairableUnits, t.UnitsNotShared, count(t.Annotators, "annotator"), count(t.Documents, "document")))
		row("Disagreements", fmt.Sprint(t.Disagreements))
		if t.Stance != nil {
			row("Stance towards", fmt.Sprintf("the same target in %d of %d units (%s differed: not compared)",
				t.Stance.TowardsMatched, t.Stance.Units, t.Stance.DifferedShare))
		}
		tw.Flush()
		if len(t.Pairs) > 0 {
			tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
			hdr := "  pair\tshared\tagreement\tCohen's kappa\tScott's pi\t"
			if t.Level == "ordinal" {
				hdr += "weighted kappa (linear)\t"
			}
			fmt.Fprintln(tw, hdr)
			for _, p := range t.Pairs {
				line := fmt.Sprintf("  %s–%s\t%d\t%s\t%s\t%s\t", p.A, p.B, p.SharedUnits, p.Agreement, p.Kappa, p.Pi)
				if t.Level == "ordinal" {
					line += p.WeightedKappa.String() + "\t"
				}
				fmt.Fprintln(tw, line)
			}
			tw.Flush()
		}
		var labels []string
		for _, l := range t.Labels {
			labels = append(labels, fmt.Sprintf("%s %s (%d)", l.Label, l.Specific, l.Count))
		}
		fmt.Fprintf(w, "  Specific agreement: %s\n  %s\n", strings.Join(labels, ", "), t.Methods)
	}
	if s := rep.Spans; s != nil {
		fmt.Fprintln(w, "\nSpan layers")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		layer := func(name string, l review.SpanLayerReport, tokens string) {
			fmt.Fprintf(tw, "  %s\texact F1 %s, overlap F1 %s; token alpha %s over %d tokens (%s); %s\n",
				name, l.ExactF1, l.OverlapF1, l.TokenAlpha, l.Tokens, tokens, count(l.Documents, "document"))
		}
		layer("Entities", s.Entities, strings.Join(s.Entities.Labels, "/"))
		layer("Quotes", s.Quotes, strings.Join(s.Quotes.Labels, "/"))
		fmt.Fprintf(tw, "  Speakers\t%s agree over %d matched quotes (%d pairs, %d identical spans)\n",
			s.Speakers.Agreement, s.Speakers.MatchedQuotes, s.Speakers.Pairs, s.Speakers.Exact)
		tw.Flush()
	}
}

// count writes "1 document", "2 documents".
func count(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
