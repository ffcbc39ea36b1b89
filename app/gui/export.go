package gui

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/export"
	"github.com/slant-annotate/slant/app/ops"
)

// exporter runs File → Export…: the format, whose labels and the file
// chosen, then ops.ExportFile in the background with a progress bar.
type exporter struct {
	running bool
	// The dialog's widgets while it is shown, for tests.
	format, source *widget.Select
	path, min      *escEntry
	submit         func()
	onDone         func(ops.ExportSummary, error)
}

// Sources offered besides each annotator.
const (
	exportGold     = "gold (the review's decisions)"
	exportMajority = "majority of the annotators"
	exportAll      = "every annotator, a record each"
)

// chooseExport asks what to export and where.
func (u *UI) chooseExport() {
	e := &u.exports
	if e.running {
		u.showError(fmt.Errorf("an export is already running"))
		return
	}
	anns, err := u.db.Annotators(context.Background())
	if err != nil {
		u.showError(err)
		return
	}
	sources := []string{exportGold, exportMajority, exportAll}
	for _, a := range anns {
		if a.Name != annotate.GoldAnnotator {
			sources = append(sources, a.Name)
		}
	}
	var d dialog.Dialog
	format := widget.NewSelect(append([]string{export.NativeFormat}, export.Formats...), nil)
	format.SetSelected(export.Formats[0])
	source := widget.NewSelect(sources, nil)
	// Your own labels first: the majority needs a team.
	source.SetSelected(exportMajority)
	if u.ws != nil && slices.Contains(sources, u.ws.ann.Name) {
		source.SetSelected(u.ws.ann.Name)
	}
	min := newEscEntry(func() { d.Hide() })
	min.SetText(strconv.FormatFloat(ops.DefaultMinAgreement, 'f', -1, 64))
	path := newEscEntry(func() { d.Hide() })
	path.SetPlaceHolder("/path/to/training.jsonl")
	path.SetText(filepath.Join(filepath.Dir(u.db.Path()), strings.TrimSuffix(filepath.Base(u.db.Path()), filepath.Ext(u.db.Path()))+"."+export.Extension(format.Selected)))
	format.OnChanged = func(f string) {
		if p := path.Text; p != "" {
			path.SetText(strings.TrimSuffix(p, filepath.Ext(p)) + "." + export.Extension(f))
		}
	}
	problem := widget.NewLabel("")
	problem.Wrapping = fyne.TextWrapWord
	problem.Importance = widget.WarningImportance
	problem.Hide()
	submit := func() {
		o := ops.ExportOptions{Format: format.Selected}
		switch source.Selected {
		case exportGold:
			o.Gold = true
		case exportMajority:
			o.Majority = true
			v, err := strconv.ParseFloat(strings.TrimSpace(min.Text), 64)
			if err != nil || v <= 0 || v > 1 {
				problem.SetText("The minimum agreement is a share above 0 and at most 1, such as 0.67.")
				problem.Show()
				return
			}
			o.MinAgreement = v
		case exportAll:
			o.All = true
		default:
			o.Annotator = source.Selected
		}
		p := strings.TrimSpace(path.Text)
		if p == "" {
			problem.SetText("Type or choose the file to write.")
			problem.Show()
			return
		}
		d.Hide()
		u.runExport(p, o)
	}
	path.OnSubmitted = func(string) { submit() }
	browse := u.chooseSaveFileButton(path)
	cancel := widget.NewButton("Cancel (Escape)", func() { d.Hide() })
	ok := &widget.Button{Text: "Export (Enter)", Importance: widget.HighImportance, OnTapped: submit}
	form := widget.NewForm(
		widget.NewFormItem("Format", format),
		widget.NewFormItem("Labels of", source),
		widget.NewFormItem("Minimum agreement", min),
		widget.NewFormItem("File", container.NewBorder(nil, nil, nil, browse, path)),
	)
	head := widget.NewLabel("A training set: offsets in Unicode code points, as Python slices text. With the majority, units whose majority falls short of the minimum agreement are left out and counted. The slant format holds every document with every layer, for importing into another project.")
	head.Wrapping = fyne.TextWrapWord
	content := container.NewVBox(head, form, problem, container.NewHBox(layout.NewSpacer(), cancel, ok))
	d = dialog.NewCustomWithoutButtons("Export", content, u.win)
	d.SetOnClosed(func() { e.format, e.source, e.path, e.min, e.submit = nil, nil, nil, nil, nil })
	d.Resize(fyne.NewSize(680, 360))
	e.format, e.source, e.path, e.min, e.submit = format, source, path, min, submit
	u.showModal(d)
	u.win.Canvas().Focus(path)
}

// runExport writes the export off the UI thread with a progress bar; it
// can be cancelled, which leaves no file.
func (u *UI) runExport(path string, o ops.ExportOptions) {
	e := &u.exports
	e.running = true
	step := widget.NewLabel("Exporting to " + path)
	step.Wrapping = fyne.TextWrapWord
	bar := widget.NewProgressBar()
	ctx, cancel := context.WithCancel(context.Background())
	stop := widget.NewButton("Cancel", func() { cancel() })
	d := dialog.NewCustomWithoutButtons("Exporting", container.NewVBox(step, bar, container.NewHBox(layout.NewSpacer(), stop)), u.win)
	d.Resize(fyne.NewSize(560, 170))
	d.Show()
	o.Progress = func(done, total int) {
		if total > 0 && (done%64 == 0 || done == total) {
			v := float64(done) / float64(total)
			go fyne.Do(func() { bar.SetValue(v) })
		}
	}
	db := u.db
	go func() {
		var sum ops.ExportSummary
		var err error
		if o.Format == export.NativeFormat { // every layer: whose labels does not apply
			sum, err = ops.ExportNativeFile(ctx, db, path, o.Progress)
		} else {
			sum, err = ops.ExportFile(ctx, db, path, o)
		}
		fyne.Do(func() {
			cancel()
			d.Hide()
			e.running = false
			if err != nil {
				u.showError(fmt.Errorf("export to %s: %w", path, err))
			} else {
				msg := fmt.Sprintf("exported %d records of %s to %s", sum.Records, sum.Source, filepath.Base(path))
				if o.Majority {
					msg += fmt.Sprintf(" (%d units kept, %d left out)", sum.Kept, sum.LeftOut)
				}
				u.status.SetText(msg + " · " + u.status.Text)
			}
			if e.onDone != nil {
				e.onDone(sum, err)
			}
		})
	}()
}
