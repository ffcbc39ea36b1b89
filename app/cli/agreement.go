package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/slant-annotate/slant/annotate/agree"
)

func init() {
	Register(Command{
		Name:    "agreement",
		Args:    "--matrix FILE.csv --level LEVEL [--categories A,B,C] [--bootstrap N --seed S] [--json] | [--db FILE] [--task T] [--annotators A,B,C] [--include-in-progress] [--no-spans] [--json] [--report FILE.html]",
		Summary: "inter-annotator agreement on the project's labels (per task, pair, label and span layer), or of a units × coders CSV matrix",
		Run:     runAgreement,
	})
}

func runAgreement(env *Env, args []string) int {
	cmd := commands["agreement"]
	fs := NewFlags(env, &cmd)
	matrix := fs.String("matrix", "", "reliability data: CSV with a header row 'unit,CODER1,CODER2,...', one row per unit, an empty cell for a missing value")
	levelName := fs.String("level", "", "level of measurement: nominal, ordinal, interval or ratio (with --matrix)")
	cats := fs.String("categories", "", "the ordered category set, comma-separated (orders labels; weighted kappa counts unused categories)")
	boot := fs.Int("bootstrap", 0, "resamples for a 95% bootstrap interval of alpha (0: none; a project gets 1000 unless given)")
	seed := fs.Uint64("seed", 1, "random seed of the bootstrap (the same seed gives the same interval)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	var pf projectAgreementFlags
	pf.add(fs)
	rest, status := ParseFlags(fs, args)
	if status >= 0 {
		return status
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if *matrix == "" && !given["matrix"] && !given["level"] && !given["categories"] {
		switch {
		case len(rest) > 0:
			fmt.Fprintf(env.Stderr, "slant agreement: unexpected argument %q\n", rest[0])
		case *boot < 0:
			fmt.Fprintf(env.Stderr, "slant agreement: --bootstrap must be 0 or more, not %d\n", *boot)
		default:
			if !given["bootstrap"] {
				*boot = 1000
			}
			return runProjectAgreement(env, &pf, *boot, *seed, *asJSON)
		}
		fmt.Fprintf(env.Stderr, "usage: slant agreement %s\n", cmd.Args)
		return 2
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(env.Stderr, "slant agreement: "+format+"\n", a...)
		fmt.Fprintf(env.Stderr, "usage: slant agreement %s\n", cmd.Args)
		return 2
	}
	if len(rest) > 0 {
		return usageErr("unexpected argument %q", rest[0])
	}
	if *matrix == "" {
		return usageErr("--matrix FILE.csv is required with --level and --categories (without them, agreement is measured on the project)")
	}
	if pf.used() {
		return usageErr("--matrix measures a CSV file; --db, --task, --annotators, --include-in-progress, --no-spans and --report are for a project")
	}
	if *levelName == "" {
		return usageErr("--level is required: nominal, ordinal, interval or ratio")
	}
	level, err := agree.ParseLevel(*levelName)
	if err != nil {
		return usageErr("%v", err)
	}
	if *boot < 0 {
		return usageErr("--bootstrap must be 0 or more, not %d", *boot)
	}
	var categories []string
	if *cats != "" {
		seen := map[string]bool{}
		for _, c := range strings.Split(*cats, ",") {
			c = strings.TrimSpace(c)
			if c == "" {
				return usageErr("--categories %q has an empty category", *cats)
			}
			if seen[c] {
				return usageErr("--categories names %q twice", c)
			}
			seen[c] = true
			categories = append(categories, c)
		}
	}

	data, err := os.ReadFile(*matrix)
	if err != nil {
		fmt.Fprintf(env.Stderr, "slant agreement: %v\n", err)
		return 1
	}
	r, err := agree.ParseMatrix(*matrix, data, agree.MatrixOptions{Level: level, Categories: categories})
	if err != nil {
		var me *agree.MatrixError
		if errors.As(err, &me) {
			fmt.Fprintf(env.Stderr, "slant agreement: %v\n", err)
		} else {
			fmt.Fprintf(env.Stderr, "slant agreement: %s: %v\n", *matrix, err)
		}
		return 1
	}
	s, err := agree.Summarize(r, agree.Options{Level: level, Bootstrap: *boot, Seed: *seed})
	if err != nil {
		fmt.Fprintf(env.Stderr, "slant agreement: %s: %v\n", *matrix, err)
		return 1
	}
	if s.Alpha.PairableUnits == 0 {
		fmt.Fprintf(env.Stderr, "slant agreement: warning: %s: no unit has two or more values, so agreement is undefined\n", *matrix)
	}
	if *asJSON {
		writeAgreementJSON(env.Stdout, s)
	} else {
		writeAgreementTable(env.Stdout, *matrix, r, s, *boot, *seed)
	}
	return 0
}

// jsonNum writes a number, or null when it is undefined.
func jsonNum(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "null"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func writeAgreementJSON(w io.Writer, s *agree.Summary) {
	var b strings.Builder
	fmt.Fprintf(&b, "{\"units\": %d, \"coders\": %d, \"pairable_units\": %d", s.Units, s.Coders, s.Alpha.PairableUnits)
	fmt.Fprintf(&b, ", \"krippendorff_alpha\": %s", jsonNum(s.Alpha.Alpha))
	if math.IsNaN(s.AlphaCI.Low) || math.IsNaN(s.AlphaCI.High) {
		b.WriteString(", \"alpha_ci95\": null")
	} else {
		fmt.Fprintf(&b, ", \"alpha_ci95\": [%s, %s]", jsonNum(s.AlphaCI.Low), jsonNum(s.AlphaCI.High))
	}
	fmt.Fprintf(&b, ", \"percent_agreement\": %s", jsonNum(s.Percent.Pairwise))
	fleiss := math.NaN()
	if s.FleissApplicable {
		fleiss = s.Fleiss
	}
	fmt.Fprintf(&b, ", \"fleiss_kappa\": %s", jsonNum(fleiss))
	if s.Coders == 2 && len(s.Pairs) == 1 {
		p := s.Pairs[0]
		fmt.Fprintf(&b, ", \"cohen_kappa\": %s, \"scott_pi\": %s, \"weighted_kappa_linear\": %s, \"weighted_kappa_quadratic\": %s",
			jsonNum(p.Cohen), jsonNum(p.Scott), jsonNum(p.WeightedLinear), jsonNum(p.WeightedQuadratic))
	}
	b.WriteString("}\n")
	io.WriteString(w, b.String())
}

// fmtNum shows a value to four places, or "undefined".
func fmtNum(v float64) string {
	if math.IsNaN(v) {
		return "undefined"
	}
	return strconv.FormatFloat(v, 'f', 4, 64)
}

func fmtShare(v float64) string {
	if math.IsNaN(v) {
		return "undefined"
	}
	return fmt.Sprintf("%.4f (%.1f%%)", v, 100*v)
}

func writeAgreementTable(w io.Writer, file string, r *agree.Reliability, s *agree.Summary, boot int, seed uint64) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s\t%s\n", k, v) }
	row("Data", file)
	row("Units", fmt.Sprintf("%d (%d pairable: two or more values; %d values in them)", s.Units, s.Alpha.PairableUnits, s.Alpha.PairableValues))
	row("Coders", fmt.Sprintf("%d (%s)", s.Coders, strings.Join(r.Coders, ", ")))
	cats := fmt.Sprintf("%d", r.NumCategories())
	if !r.Ordered {
		cats += " (unordered labels)"
	}
	row("Categories", cats)
	fmt.Fprintln(tw)
	row(fmt.Sprintf("Krippendorff's alpha (%s)", s.Level), fmtNum(s.Alpha.Alpha))
	if boot > 0 {
		ci := "undefined"
		if !math.IsNaN(s.AlphaCI.Low) {
			ci = fmt.Sprintf("[%s, %s]", fmtNum(s.AlphaCI.Low), fmtNum(s.AlphaCI.High))
		}
		note := fmt.Sprintf("  (%d resamples of units, seed %d", boot, seed)
		if s.AlphaCI.Defined < boot {
			note += fmt.Sprintf("; alpha undefined in %d", boot-s.AlphaCI.Defined)
		}
		row("  95% bootstrap interval", ci+note+")")
	}
	row("Percent agreement (pairwise)", fmtShare(s.Percent.Pairwise))
	row("Percent agreement (all agree)", fmtShare(s.Percent.All))
	if s.FleissApplicable {
		row("Fleiss' kappa", fmtNum(s.Fleiss))
	} else {
		row("Fleiss' kappa", "not applicable (units have different numbers of values; use alpha)")
	}
	weighted := func(v float64) string {
		if !r.Ordered {
			return "not applicable (unordered labels; give --categories)"
		}
		return fmtNum(v)
	}
	if s.Coders == 2 && len(s.Pairs) == 1 {
		p := s.Pairs[0]
		row("Cohen's kappa", fmtNum(p.Cohen))
		row("Scott's pi", fmtNum(p.Scott))
		row("Weighted kappa (linear)", weighted(p.WeightedLinear))
		row("Weighted kappa (quadratic)", weighted(p.WeightedQuadratic))
		tw.Flush()
		return
	}
	tw.Flush()
	fmt.Fprintln(w, "\nCoder pairs (units coded by both):")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	hdr := "coder A\tcoder B\tunits\tagreement\tCohen's kappa\tScott's pi\t"
	if r.Ordered {
		hdr += "weighted kappa (linear)\tweighted kappa (quadratic)\t"
	}
	fmt.Fprintln(tw, hdr)
	for _, p := range s.Pairs {
		line := fmt.Sprintf("%s\t%s\t%d\t%s\t%s\t%s\t", r.Coders[p.A], r.Coders[p.B], p.Units, fmtNum(p.Agreement), fmtNum(p.Cohen), fmtNum(p.Scott))
		if r.Ordered {
			line += fmt.Sprintf("%s\t%s\t", fmtNum(p.WeightedLinear), fmtNum(p.WeightedQuadratic))
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
}
