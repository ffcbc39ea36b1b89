package gui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/slant-annotate/slant/annotate/format"
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
	asking  *bratQuestion // the question about .ann files, while it is shown
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
		// Whose work brat .ann files are is asked once per import, before
		// anything is read into the project.
		opts, ok := im.options(paths)
		if !ok {
			fyne.Do(func() { im.cancelled(done) })
			return
		}
		sum := ops.Import(context.Background(), im.ui.db, paths, opts, func(p ops.ImportProgress) {
			fyne.Do(func() {
				im.label.SetText(fmt.Sprintf("Importing %d/%d: %s", p.FilesDone, p.FilesTotal, filepath.Base(p.File)))
				im.percent.SetValue(float64(p.FilesDone) / float64(p.FilesTotal))
			})
		})
		for i, err := range sum.Errors {
			sum.Errors[i] = windowWording(err)
		}
		fyne.Do(func() { im.finish(sum, done) })
	}()
}

// cancelled ends an import the user cancelled before anything was read.
func (im *importer) cancelled(done func(ops.ImportSummary)) {
	im.running = false
	im.bar.Hide()
	im.ui.status.SetText("import cancelled: nothing was imported · " + im.ui.status.Text)
	if done != nil {
		done(ops.ImportSummary{})
	}
	im.next()
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
	im.next()
}

// next starts the import waiting its turn, if any.
func (im *importer) next() {
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
	im.ui.showModal(dialog.NewCustom("Import problems", "Close", container.NewBorder(head, nil, nil, nil, scroll), im.ui.win))
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
	d.SetOnClosed(im.ui.refocus)
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
	d.SetOnClosed(im.ui.refocus)
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// typePaths asks for a path typed or pasted: the fastest way from the
// keyboard (Ctrl+I, type, Enter).
func (im *importer) typePaths() {
	var d dialog.Dialog
	entry := newEscEntry(func() { d.Hide() })
	entry.SetPlaceHolder("/path/to/articles.csv or /path/to/folder")
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
	im.ui.showModal(d)
	im.ui.win.Canvas().Focus(entry)
}

// options says how to import paths: when they hold brat .ann files
// (given, or inside folders), it asks on the UI thread whose annotations
// they are and waits for the answer; false means the user cancelled. It
// runs off the UI thread: finding the files walks the folders.
func (im *importer) options(paths []string) (ops.ImportOptions, bool) {
	files, _, _ := format.Expand(paths)
	var anns []string
	for _, f := range files {
		if k, _ := format.KindOf(f); k == format.Brat {
			anns = append(anns, f)
		}
	}
	if len(anns) == 0 {
		return ops.ImportOptions{}, true
	}
	answer := make(chan bratAnswer, 1)
	fyne.Do(func() {
		im.label.SetText("Importing… whose annotations are the .ann files?")
		im.askAnnotator(anns, answer)
	})
	a := <-answer
	return a.opts, a.ok
}

type bratAnswer struct {
	opts ops.ImportOptions
	ok   bool
}

// bratQuestion is the dialog asking whose brat annotations are imported.
type bratQuestion struct {
	dialog  dialog.Dialog
	choice  *widget.RadioGroup
	name    *escEntry
	problem *widget.Label
	submit  func()
}

// The two answers to "Whose annotations are these?".
const (
	bratFromSuffix = "The annotator named at the end of each file name (<article>_<id>.ann)"
	bratNamed      = "This annotator:"
)

// askAnnotator asks whose annotations the .ann files anns are: the
// annotator named by each file name's _<id>, or one name typed. The answer
// goes to answer once; closing the dialog (Escape) cancels the import.
func (im *importer) askAnnotator(anns []string, answer chan<- bratAnswer) {
	q := &bratQuestion{}
	noSuffix := 0
	for _, f := range anns {
		if _, ok := format.BratAnnotator(f); !ok {
			noSuffix++
		}
	}
	examples := make([]string, 0, 3)
	for _, f := range anns {
		if len(examples) == cap(examples) {
			examples = append(examples, "…")
			break
		}
		examples = append(examples, filepath.Base(f))
	}
	head := widget.NewLabel(fmt.Sprintf("%s to import: %s.", plural(len(anns), "brat annotation file"), strings.Join(examples, ", ")))
	head.Wrapping = fyne.TextWrapWord
	q.choice = widget.NewRadioGroup([]string{bratFromSuffix, bratNamed}, nil)
	q.choice.Required = true
	q.name = newEscEntry(func() { q.dialog.Hide() })
	q.name.SetPlaceHolder("name or initials")
	q.name.OnChanged = func(s string) {
		if strings.TrimSpace(s) != "" {
			q.choice.SetSelected(bratNamed)
		}
	}
	q.problem = widget.NewLabel("")
	q.problem.Wrapping = fyne.TextWrapWord
	q.problem.Importance = widget.WarningImportance
	q.problem.Hide()
	note := widget.NewLabel("")
	note.Wrapping = fyne.TextWrapWord
	switch {
	case noSuffix == 0:
		q.choice.SetSelected(bratFromSuffix)
		if id, ok := format.BratAnnotator(anns[0]); ok {
			note.SetText(fmt.Sprintf("For example %s is %s's. Each file becomes that annotator's layer, marked done.", filepath.Base(anns[0]), id))
		}
	case noSuffix == len(anns):
		q.choice.SetSelected(bratNamed)
		note.SetText("The file names end in no _<id>: type whose annotations they are. They become that annotator's layer, marked done.")
	default:
		q.choice.SetSelected(bratNamed)
		note.SetText(fmt.Sprintf("%d of the files have no _<id> at the end of their name: with the first choice they are not imported.", noSuffix))
	}
	answered := false
	give := func(a bratAnswer) {
		if answered {
			return
		}
		answered = true
		im.asking = nil
		answer <- a
	}
	q.submit = func() {
		opts := ops.ImportOptions{AnnotatorFromSuffix: true}
		if q.choice.Selected == bratNamed {
			name := strings.TrimSpace(q.name.Text)
			if name == "" {
				q.problem.SetText("Type whose annotations these are, or take the names from the file names.")
				q.problem.Show()
				im.ui.win.Canvas().Focus(q.name)
				return
			}
			opts = ops.ImportOptions{Annotator: name}
		}
		give(bratAnswer{opts: opts, ok: true})
		q.dialog.Hide()
	}
	q.name.OnSubmitted = func(string) { q.submit() }
	cancel := widget.NewButton("Cancel (Escape)", func() { q.dialog.Hide() })
	ok := &widget.Button{Text: "Import (Enter)", Importance: widget.HighImportance, OnTapped: q.submit}
	content := container.NewVBox(head, q.choice, q.name, note, q.problem,
		container.NewHBox(layout.NewSpacer(), cancel, ok))
	q.dialog = dialog.NewCustomWithoutButtons("Whose annotations are these?", content, im.ui.win)
	q.dialog.SetOnClosed(func() { give(bratAnswer{}) }) // closed without an answer: cancelled
	q.dialog.Resize(fyne.NewSize(640, 300))
	im.asking = q
	im.ui.showModal(q.dialog)
	im.ui.win.Canvas().Focus(q.name)
}

// windowWording rewords an import error that tells the user about
// command-line flags (ops words them for the command line) for the window.
func windowWording(err error) error {
	msg := err.Error()
	if !strings.Contains(msg, "--annotator") {
		return err
	}
	if i := strings.Index(msg, ": the file name has no _<annotator> before .ann"); i >= 0 {
		return fmt.Errorf("%s: the file name has no _<annotator> before .ann, so it does not say whose annotations they are: import it again and type the annotator's name", msg[:i])
	}
	if i := strings.Index(msg, ": whose annotations are these?"); i >= 0 {
		return fmt.Errorf("%s: whose annotations are these? Import it again and say whose: a name, or the annotator named at the end of the file name (<article>_<annotator>.ann)", msg[:i])
	}
	return err
}

// escEntry is a one-line entry whose Escape closes the dialog it is in
// (a focused entry takes every key, so the window never sees Escape).
type escEntry struct {
	widget.Entry
	onEscape func()
}

func newEscEntry(onEscape func()) *escEntry {
	e := &escEntry{onEscape: onEscape}
	e.ExtendBaseWidget(e)
	return e
}

// newEscMultiLineEntry is an escEntry of several lines (Shift+Enter submits).
func newEscMultiLineEntry(onEscape func()) *escEntry {
	e := newEscEntry(onEscape)
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapBreak
	return e
}

// TypedKey gives Escape to the dialog, every other key to the entry.
func (e *escEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && e.onEscape != nil {
		e.onEscape()
		return
	}
	e.Entry.TypedKey(ev)
}
