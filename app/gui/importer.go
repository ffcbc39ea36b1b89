package gui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/slant-annotate/slant/app/ops"
)

// importer runs imports in the background with a progress bar in the
// status bar, one import at a time, and reports failed files in a dialog.
type importer struct {
	ui      *UI
	bar     *fyne.Container
	label   *widget.Label
	percent *widget.ProgressBar
	running bool
	queue   []queuedImport
}

type queuedImport struct {
	paths []string
	done  func(ops.ImportSummary)
}

func newImporter(ui *UI) *importer {
	im := &importer{ui: ui, label: widget.NewLabel(""), percent: widget.NewProgressBar()}
	im.bar = container.NewHBox(im.label, container.NewGridWrap(fyne.NewSize(180, im.percent.MinSize().Height), im.percent))
	im.bar.Hide()
	return im
}

// Import imports paths (files and folders) into the project in the
// background, as File → Import and dropping files do. done, if not nil, is
// called on the UI thread with the summary when the import has finished.
func (u *UI) Import(paths []string, done func(ops.ImportSummary)) {
	u.imports.start(paths, done)
}

func (im *importer) start(paths []string, done func(ops.ImportSummary)) {
	if len(paths) == 0 {
		return
	}
	if im.ui.db.ReadOnly() {
		err := fmt.Errorf("cannot import into %s: it is open read-only (another Slant has it open for writing)", im.ui.db.Name())
		im.ui.showError(err)
		if done != nil {
			done(ops.ImportSummary{Failed: len(paths), Errors: []error{err}, FailedList: paths})
		}
		return
	}
	if im.running {
		// One import at a time: files dropped meanwhile wait their turn.
		im.queue = append(im.queue, queuedImport{paths, done})
		im.label.SetText(fmt.Sprintf("Importing… (%d more waiting)", len(im.queue)))
		return
	}
	im.running = true
	im.label.SetText("Importing…")
	im.percent.SetValue(0)
	im.bar.Show()
	go func() {
		sum := ops.Import(context.Background(), im.ui.db, paths, ops.ImportOptions{}, func(p ops.ImportProgress) {
			fyne.Do(func() {
				im.label.SetText(fmt.Sprintf("Importing %d/%d: %s", p.FilesDone, p.FilesTotal, filepath.Base(p.File)))
				im.percent.SetValue(float64(p.FilesDone) / float64(p.FilesTotal))
			})
		})
		fyne.Do(func() { im.finish(sum, done) })
	}()
}

func (im *importer) finish(sum ops.ImportSummary, done func(ops.ImportSummary)) {
	im.running = false
	im.bar.Hide()
	if err := im.ui.docs.reloadNow(); err != nil {
		im.ui.showError(err)
	}
	// Show the first article just imported: new documents are last in
	// import order, unless a filter hides them.
	if n := im.ui.docs.pager.count; sum.Added > 0 && im.ui.docs.filter.Text == "" && n >= sum.Added {
		im.ui.docs.list.Select(n - sum.Added)
		im.ui.docs.list.ScrollTo(n - sum.Added)
	}
	im.ui.status.SetText(sum.String() + " · " + im.ui.status.Text)
	if len(sum.Errors) > 0 {
		im.showFailures(sum)
	}
	if sum.Added > 0 {
		im.ui.pretagInBackground()
	}
	if done != nil {
		done(sum)
	}
	if len(im.queue) > 0 {
		next := im.queue[0]
		im.queue = im.queue[1:]
		im.start(next.paths, next.done)
	}
}

// showFailures lists every file that could not be imported and why.
func (im *importer) showFailures(sum ops.ImportSummary) {
	var b strings.Builder
	for _, err := range sum.Errors {
		b.WriteString(err.Error())
		b.WriteString("\n")
	}
	text := widget.NewLabel(strings.TrimSpace(b.String()))
	text.Wrapping = fyne.TextWrapWord
	text.Selectable = true
	scroll := container.NewVScroll(text)
	scroll.SetMinSize(fyne.NewSize(560, 160))
	head := widget.NewLabel(fmt.Sprintf("%d file(s) could not be imported; nothing of them was added. %s.",
		sum.Failed, strings.ToUpper(sum.String()[:1])+sum.String()[1:]))
	head.Wrapping = fyne.TextWrapWord
	dialog.ShowCustom("Import problems", "Close", container.NewBorder(head, nil, nil, nil, scroll), im.ui.win)
}

func (im *importer) chooseFile() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			im.ui.showError(err)
			return
		}
		if r == nil {
			return
		}
		r.Close()
		im.start([]string{r.URI().Path()}, nil)
	}, im.ui.win)
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

func (im *importer) chooseFolder() {
	d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil {
			im.ui.showError(err)
			return
		}
		if l == nil {
			return
		}
		im.start([]string{l.Path()}, nil)
	}, im.ui.win)
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// typePaths asks for a path typed or pasted: the fastest way from the
// keyboard (Ctrl+I, type, Enter).
func (im *importer) typePaths() {
	entry := widget.NewEntry()
	entry.SetPlaceHolder("/path/to/articles.csv or /path/to/folder")
	var d dialog.Dialog
	submit := func() {
		path := strings.TrimSpace(entry.Text)
		d.Hide()
		if path != "" {
			im.start([]string{path}, nil)
		}
	}
	entry.OnSubmitted = func(string) { submit() }
	form := widget.NewForm(widget.NewFormItem("File or folder", entry))
	form.SubmitText = "Import"
	form.OnSubmit = submit
	form.CancelText = "Cancel"
	form.OnCancel = func() { d.Hide() }
	d = dialog.NewCustomWithoutButtons("Import a file or folder", form, im.ui.win)
	d.Resize(fyne.NewSize(640, 160))
	d.Show()
	im.ui.win.Canvas().Focus(entry)
}
