package gui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/slant-annotate/slant/annotate/review"
	"github.com/slant-annotate/slant/app/ops"
)

// reviewSummary is agreement on the project: per task α with its interval
// and the methods sentence, then for a chosen task the pair heatmap, the
// confusion matrix of a chosen pair and per-label agreement.
type reviewSummary struct {
	m       *reviewMode
	rev     *ops.Review
	tasks   *fyne.Container // one block per task
	taskSel *widget.Select
	pairSel *widget.Select
	charts  *fyne.Container
	root    fyne.CanvasObject
}

func newReviewSummary(m *reviewMode) *reviewSummary {
	s := &reviewSummary{m: m, tasks: container.NewVBox(widget.NewLabel("Loading the review…")), charts: container.NewVBox()}
	s.taskSel = widget.NewSelect(nil, func(string) { s.showCharts(); m.refocus() })
	s.pairSel = widget.NewSelect(nil, func(string) { s.showCharts(); m.refocus() })
	pickers := container.NewHBox(widget.NewLabel("Task"), s.taskSel, widget.NewLabel("Pair"), s.pairSel)
	s.root = container.NewVScroll(container.NewPadded(container.NewVBox(
		heading("Agreement per task"), s.tasks, widget.NewSeparator(),
		heading("Pictures"), pickers, s.charts)))
	return s
}

func heading(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// taskLine sums a task up in one line: α with its interval, and counts.
func taskLine(tr *review.TaskReport) string {
	var b strings.Builder
	fmt.Fprintf(&b, "α (%s) = %s", tr.Level, tr.Alpha)
	if len(tr.AlphaCI) == 2 && tr.AlphaCI[0].Defined() {
		fmt.Fprintf(&b, ", 95%% CI [%.3f, %.3f]", float64(tr.AlphaCI[0]), float64(tr.AlphaCI[1]))
	}
	fmt.Fprintf(&b, " · %s pairable of %d · agreement %s", plural(tr.PairableUnits, "unit"), tr.Units, percent(tr.PercentAgreement))
	if tr.FleissKappa.Defined() {
		fmt.Fprintf(&b, " · Fleiss' κ %s", tr.FleissKappa)
	}
	fmt.Fprintf(&b, " · %s", plural(tr.Disagreements, "disagreement"))
	if tr.UnitsNotShared > 0 {
		fmt.Fprintf(&b, " · %d units not shared", tr.UnitsNotShared)
	}
	if st := tr.Stance; st != nil && st.Units > 0 {
		fmt.Fprintf(&b, " · towards differed in %s of units", percent(st.DifferedShare))
	}
	return b.String()
}

func percent(n review.Num) string {
	if !n.Defined() {
		return "undefined"
	}
	return fmt.Sprintf("%.1f%%", float64(n)*100)
}

// show fills the summary from a loaded review.
func (s *reviewSummary) show(rev *ops.Review) {
	s.rev = rev
	var blocks []fyne.CanvasObject
	var names []string
	for i := range rev.Report.Tasks {
		tr := &rev.Report.Tasks[i]
		names = append(names, tr.Task)
		methods := widget.NewLabel(tr.Methods)
		methods.Wrapping = fyne.TextWrapWord
		methods.Importance = widget.LowImportance
		line := widget.NewLabel(taskLine(tr))
		line.Wrapping = fyne.TextWrapWord
		blocks = append(blocks, widget.NewLabelWithStyle(tr.Task, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), line, methods)
	}
	if len(blocks) == 0 {
		blocks = append(blocks, widget.NewLabel("No task has labels from two annotators yet."))
	}
	var blind []string
	for _, a := range rev.Report.Annotators {
		st := "blind"
		if !a.Blind {
			st = "not blind"
		}
		blind = append(blind, fmt.Sprintf("%s (%s, %s)", a.Name, plural(a.Documents, "document"), st))
	}
	who := widget.NewLabel("Annotators: " + strings.Join(blind, " · "))
	who.Wrapping = fyne.TextWrapWord
	s.tasks.Objects = append([]fyne.CanvasObject{who}, blocks...)
	s.tasks.Refresh()
	s.taskSel.Options = names
	s.taskSel.Selected = ""
	if len(names) > 0 {
		s.taskSel.Selected = names[0]
	}
	s.taskSel.Refresh()
	s.pairSel.Selected = ""
	s.showCharts()
}

// task returns the chosen task's report.
func (s *reviewSummary) task() *review.TaskReport {
	if s.rev == nil {
		return nil
	}
	for i := range s.rev.Report.Tasks {
		if s.rev.Report.Tasks[i].Task == s.taskSel.Selected {
			return &s.rev.Report.Tasks[i]
		}
	}
	return nil
}

func pairName(p review.PairReport) string { return p.A + " × " + p.B }

// showCharts draws the chosen task's pictures.
func (s *reviewSummary) showCharts() {
	tr := s.task()
	if tr == nil {
		s.charts.Objects = nil
		s.charts.Refresh()
		return
	}
	var pairs []string
	chosen := -1
	for i, p := range tr.Pairs {
		pairs = append(pairs, pairName(p))
		if pairName(p) == s.pairSel.Selected {
			chosen = i
		}
	}
	if chosen < 0 && len(pairs) > 0 {
		chosen = 0
	}
	s.pairSel.Options = pairs
	if chosen >= 0 {
		s.pairSel.Selected = pairs[chosen]
	}
	s.pairSel.Refresh()
	what := "Cohen's κ"
	if tr.Level == "ordinal" {
		what = "κ (linear weighted)"
	}
	objs := []fyne.CanvasObject{
		heading(fmt.Sprintf("%s of each pair of annotators · %s", what, tr.Task)),
		pairHeatmap(s.rev.Set.Annotators, tr), scaleLegend(what),
	}
	if chosen >= 0 {
		p := tr.Pairs[chosen]
		objs = append(objs, heading(fmt.Sprintf("Confusion matrix · %s · %s shared units · κ %s · π %s · agreement %s",
			pairName(p), fmt.Sprint(p.SharedUnits), p.Kappa, p.Pi, percent(p.Agreement))),
			confusionMatrix(p, tr.Categories))
	}
	objs = append(objs, heading("Per-label (specific) agreement: of the pairs of values where one is the label, the share where both are"),
		labelBars(tr.Labels))
	s.charts.Objects = objs
	s.charts.Refresh()
}
