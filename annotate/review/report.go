package review

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/slant-annotate/slant/annotate/agree"
	"github.com/slant-annotate/slant/annotate/schema"
)

// Num is a metric's value: NaN (undefined, or not applicable) is written
// as null in JSON, never as a made-up number.
type Num float64

// MarshalJSON writes the value rounded to six places, or null.
func (n Num) MarshalJSON() ([]byte, error) {
	v := float64(n)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return []byte(strconv.FormatFloat(math.Round(v*1e6)/1e6, 'f', -1, 64)), nil
}

// Defined reports whether the value is a number.
func (n Num) Defined() bool { return !math.IsNaN(float64(n)) && !math.IsInf(float64(n), 0) }

// String shows the value to three places, or "undefined".
func (n Num) String() string {
	if !n.Defined() {
		return "undefined"
	}
	return strconv.FormatFloat(float64(n), 'f', 3, 64)
}

var nan = Num(math.NaN())

// Options choose what Compute measures.
type Options struct {
	// Tasks limits the report to these tasks (nil: every task).
	Tasks []string
	// Bootstrap is the number of resamples for alpha's 95% interval.
	Bootstrap int
	Seed      uint64
	// Spans adds the span layers (entities, quotes, speakers).
	Spans bool
}

// Report is agreement on a project: per task, per annotator pair, per
// label, and on the span layers. Its JSON keys are stable (see README).
type Report struct {
	Annotators []AnnotatorInfo `json:"annotators"`
	Documents  int             `json:"documents"`
	Tasks      []TaskReport    `json:"tasks"`
	Spans      *SpanReport     `json:"spans"`
}

// AnnotatorInfo is one annotator in a report.
type AnnotatorInfo struct {
	Name      string `json:"name"`
	Documents int    `json:"documents"` // documents they count on
	// Blind is false once they have opened the review and seen others'
	// labels.
	Blind bool `json:"blind"`
}

// TaskReport is agreement on one task.
type TaskReport struct {
	Task       string   `json:"task"`
	Scope      string   `json:"scope"`
	Level      string   `json:"level"`
	Categories []string `json:"categories"`
	Annotators int      `json:"annotators"` // annotators who gave a value
	Documents  int      `json:"documents"`  // documents with a value
	Units      int      `json:"units"`      // units with a value
	// PairableUnits have two or more values.
	PairableUnits int `json:"pairable_units"`
	// UnitsNotShared are units that an annotator counting on the document
	// does not have (they split, merged, rejected or never made it).
	UnitsNotShared   int          `json:"units_not_shared"`
	Alpha            Num          `json:"krippendorff_alpha"`
	AlphaCI          []Num        `json:"alpha_ci95"`
	PercentAgreement Num          `json:"percent_agreement"`
	AllAgree         Num          `json:"all_agree"`
	FleissKappa      Num          `json:"fleiss_kappa"`
	Pairs            []PairReport `json:"pairs"`
	Labels           []LabelStat  `json:"labels"`
	// Stance is set for stance tasks.
	Stance        *StanceReport `json:"stance"`
	Disagreements int           `json:"disagreements"`
	// Methods is a sentence ready for a methods section.
	Methods string `json:"methods"`
}

// PairReport is agreement between two annotators on one task.
type PairReport struct {
	A           string `json:"a"`
	B           string `json:"b"`
	SharedUnits int    `json:"shared_units"`
	Agreement   Num    `json:"percent_agreement"`
	Kappa       Num    `json:"cohen_kappa"`
	Pi          Num    `json:"scott_pi"`
	// WeightedKappa is linear weighted kappa, for ordinal tasks (null for
	// nominal ones); WeightedQuadratic the same with quadratic weights.
	WeightedKappa     Num `json:"weighted_kappa"`
	WeightedQuadratic Num `json:"weighted_kappa_quadratic"`
	// Confusion counts shared units by A's value (row) and B's (column),
	// in the order of the task's categories.
	Confusion [][]int `json:"confusion"`
}

// LabelStat is how often annotators agree on one label.
type LabelStat struct {
	Label string `json:"label"`
	Count int    `json:"count"` // values given, in pairable units
	// Specific is specific agreement: of the pairs of values in a unit
	// where one is this label, the share where the other is too (one label
	// against the rest; 2·a/(2·a+b+c) for two annotators).
	Specific Num `json:"specific_agreement"`
}

// StanceReport says how often annotators' stances were towards the same
// target: only those values are compared.
type StanceReport struct {
	Units           int `json:"units"` // units with two or more values
	TowardsMatched  int `json:"towards_matched"`
	TowardsDiffered int `json:"towards_differed"`
	DifferedShare   Num `json:"towards_differed_share"`
}

// Compute measures agreement on a set.
func Compute(s *Set, o Options) (*Report, error) {
	matches := s.Matches()
	items := s.Items(matches)
	return s.Report(matches, items, s.Disagreements(items), o)
}

// Report is Compute for a caller that has already matched the units and
// listed the items and disagreements (the review view).
func (s *Set) Report(matches []*Matched, items []Item, disagreements []Disagreement, o Options) (*Report, error) {
	rep := &Report{Documents: len(s.Docs)}
	for i, a := range s.Annotators {
		n := 0
		for _, d := range s.Docs {
			if d.Layers[i] != nil {
				n++
			}
		}
		rep.Annotators = append(rep.Annotators, AnnotatorInfo{Name: a, Documents: n, Blind: true})
	}
	want := map[string]bool{}
	for _, t := range o.Tasks {
		want[t] = true
	}
	byTask := map[string][]Item{}
	for _, it := range items {
		byTask[it.Task] = append(byTask[it.Task], it)
	}
	dis := map[string]int{}
	for _, d := range disagreements {
		dis[d.Task]++
	}
	for _, t := range o.Tasks {
		if _, ok := s.Schema.Task(t); !ok {
			return nil, fmt.Errorf("no task %q in the schema (tasks: %s)", t, strings.Join(s.Schema.TaskNames(), ", "))
		}
	}
	// Tasks and span layers are independent: measure them at once.
	var wg sync.WaitGroup
	if o.Spans {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep.Spans = spanReport(s, matches)
		}()
	}
	tasks, err := taskReports(s, byTask, want, func(task string, _ []Item) int { return dis[task] }, o)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	rep.Tasks = tasks
	return rep, nil
}

// taskReports measures each wanted task (every task when want is empty),
// all at once; disagreements counts a task's disagreements.
func taskReports(s *Set, byTask map[string][]Item, want map[string]bool, disagreements func(task string, items []Item) int, o Options) ([]TaskReport, error) {
	var tasks []schema.Task
	for _, task := range s.Schema.Tasks {
		if len(want) == 0 || want[task.Name] {
			tasks = append(tasks, task)
		}
	}
	reports := make([]*TaskReport, len(tasks))
	errs := make([]error, len(tasks))
	var wg sync.WaitGroup
	for i, task := range tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			items := byTask[task.Name]
			reports[i], errs[i] = taskReport(s, task, items, o)
			if errs[i] == nil {
				reports[i].Disagreements = disagreements(task.Name, items)
			}
		}()
	}
	wg.Wait()
	out := make([]TaskReport, 0, len(tasks))
	for i, tr := range reports {
		if errs[i] != nil {
			return nil, fmt.Errorf("task %s: %w", tasks[i].Name, errs[i])
		}
		out = append(out, *tr)
	}
	return out, nil
}

// Reliability turns a task's items into reliability data: one unit per
// item, one coder per annotator, the task's labels as categories (ordered
// for an ordinal task).
func Reliability(annotators []string, task schema.Task, items []Item) (*agree.Reliability, error) {
	cats := make([]string, len(task.Labels))
	for i, l := range task.Labels {
		cats[i] = l.Value
	}
	index := map[string]int32{}
	for i, c := range cats {
		index[c] = int32(i)
	}
	k := len(annotators)
	r := &agree.Reliability{Coders: annotators, Labels: cats, Values: make([]float64, len(cats)), Ordered: task.Ordinal,
		Cells: make([]int32, 0, len(items)*k)}
	for i := range r.Values {
		r.Values[i] = math.NaN()
	}
	for _, it := range items {
		for _, v := range it.Compared() {
			c, ok := index[v]
			switch {
			case v == "":
				c = agree.Missing
			case !ok:
				// A value of a label since removed from the task: a
				// category of its own, after the declared ones.
				c = int32(len(r.Labels))
				index[v] = c
				r.Labels = append(r.Labels, v)
				r.Values = append(r.Values, math.NaN())
			}
			r.Cells = append(r.Cells, c)
		}
	}
	return r, r.Validate()
}

func taskReport(s *Set, task schema.Task, items []Item, o Options) (*TaskReport, error) {
	level := agree.Nominal
	if task.Ordinal {
		level = agree.Ordinal
	}
	tr := &TaskReport{Task: task.Name, Scope: string(task.Scope), Level: level.String(), Units: len(items),
		Pairs: []PairReport{}, Labels: []LabelStat{}}
	r, err := Reliability(s.Annotators, task, items)
	if err != nil {
		return nil, err
	}
	tr.Categories = r.Labels
	docs := map[int]bool{}
	valued := make([]bool, len(s.Annotators))
	stance := &StanceReport{}
	for _, it := range items {
		docs[it.Doc] = true
		for i, v := range it.Values {
			if v != "" {
				valued[i] = true
			}
		}
		if it.NotShared {
			tr.UnitsNotShared++
		}
		if task.Towards != "" && it.Valued() >= 2 {
			stance.Units++
			if it.TowardsDiffer {
				stance.TowardsDiffered++
			} else {
				stance.TowardsMatched++
			}
		}
	}
	if task.Towards != "" {
		stance.DifferedShare = nan
		if stance.Units > 0 {
			stance.DifferedShare = Num(float64(stance.TowardsDiffered) / float64(stance.Units))
		}
		tr.Stance = stance
	}
	tr.Documents = len(docs)
	for _, v := range valued {
		if v {
			tr.Annotators++
		}
	}
	sum, err := agree.Summarize(r, agree.Options{Level: level, Bootstrap: o.Bootstrap, Seed: o.Seed})
	if err != nil {
		return nil, err
	}
	tr.Alpha = Num(sum.Alpha.Alpha)
	tr.PairableUnits = sum.Alpha.PairableUnits
	if o.Bootstrap > 0 {
		tr.AlphaCI = []Num{Num(sum.AlphaCI.Low), Num(sum.AlphaCI.High)}
	}
	tr.PercentAgreement, tr.AllAgree = Num(sum.Percent.Pairwise), Num(sum.Percent.All)
	tr.FleissKappa = nan
	if sum.FleissApplicable {
		tr.FleissKappa = Num(sum.Fleiss)
	}
	for _, p := range sum.Pairs {
		pr := PairReport{A: s.Annotators[p.A], B: s.Annotators[p.B], SharedUnits: p.Units, Agreement: Num(p.Agreement),
			Kappa: Num(p.Cohen), Pi: Num(p.Scott), WeightedKappa: nan, WeightedQuadratic: nan, Confusion: confusion(r, p.A, p.B)}
		if task.Ordinal {
			pr.WeightedKappa, pr.WeightedQuadratic = Num(p.WeightedLinear), Num(p.WeightedQuadratic)
		}
		tr.Pairs = append(tr.Pairs, pr)
	}
	tr.Labels = specificAgreement(r)
	tr.Methods = methods(tr, len(s.Annotators))
	return tr, nil
}

// confusion counts the units both a and b coded by a's value and b's.
func confusion(r *agree.Reliability, a, b int) [][]int {
	n := len(r.Labels)
	m := make([][]int, n)
	for i := range m {
		m[i] = make([]int, n)
	}
	for u := 0; u < r.NumUnits(); u++ {
		row := r.Row(u)
		if row[a] != agree.Missing && row[b] != agree.Missing {
			m[row[a]][row[b]]++
		}
	}
	return m
}

// specificAgreement is, for each category, the share of the pairable
// value pairs involving it in which both values are it (the coincidence
// matrix's o_cc / n_c).
func specificAgreement(r *agree.Reliability) []LabelStat {
	n := len(r.Labels)
	o := make([][]float64, n)
	for i := range o {
		o[i] = make([]float64, n)
	}
	counts := make([]int, n)
	for u := 0; u < r.NumUnits(); u++ {
		row := r.Row(u)
		m := 0
		for _, c := range row {
			if c != agree.Missing {
				m++
			}
		}
		if m < 2 {
			continue
		}
		w := 1 / float64(m-1)
		for i, c := range row {
			if c == agree.Missing {
				continue
			}
			counts[c]++
			for j, d := range row {
				if j != i && d != agree.Missing {
					o[c][d] += w
				}
			}
		}
	}
	out := make([]LabelStat, n)
	for c := range out {
		nc := 0.0
		for _, v := range o[c] {
			nc += v
		}
		out[c] = LabelStat{Label: r.Labels[c], Count: counts[c], Specific: nan}
		if nc > 0 {
			out[c].Specific = Num(o[c][c] / nc)
		}
	}
	return out
}

// methods writes the sentence a methods section cites.
func methods(tr *TaskReport, annotators int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Krippendorff's α (%s) = %s", tr.Level, fmtNum(tr.Alpha, 2))
	if len(tr.AlphaCI) == 2 && tr.AlphaCI[0].Defined() {
		fmt.Fprintf(&b, ", 95%% CI [%s, %s]", fmtNum(tr.AlphaCI[0], 2), fmtNum(tr.AlphaCI[1], 2))
	}
	fmt.Fprintf(&b, "; %d annotators, %s, %s (%s)", tr.Annotators, plural(tr.Documents, "document"),
		plural(tr.PairableUnits, "unit"), tr.Task)
	b.WriteString(" coded by two or more.")
	return b.String()
}

func fmtNum(n Num, places int) string {
	if !n.Defined() {
		return "undefined"
	}
	return strconv.FormatFloat(float64(n), 'f', places, 64)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
