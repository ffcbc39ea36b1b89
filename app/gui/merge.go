package gui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/slant-annotate/slant/app/ops"
	"github.com/slant-annotate/slant/store"
)

// merger runs File → Merge…: other project files chosen or typed, a
// confirmation, ops.Merge in the background with its progress, then the
// summary and a refreshed window. A merge is one transaction (ops.Merge):
// refused or cancelled, it changes nothing.
type merger struct {
	running bool
	// The dialogs' widgets while they are shown, for tests.
	paths   *escEntry   // the files to merge
	confirm *dialogKeys // the confirmation's keyboard
	rename  *escEntry   // the new name of a clashing annotator
	onDone  func(ops.MergeSummary, error)
}

// chooseMerge asks which project files to merge: typed or pasted, one per
// line, or picked with a file dialog that shows .slant files.
func (u *UI) chooseMerge() {
	if u.refuseMerge() {
		return
	}
	m := &u.merges
	var d dialog.Dialog
	entry := newEscMultiLineEntry(func() { d.Hide() })
	entry.SetPlaceHolder("/path/to/other.slant")
	entry.SetMinRowsVisible(3)
	problem := widget.NewLabel("")
	problem.Wrapping = fyne.TextWrapWord
	problem.Importance = widget.WarningImportance
	problem.Hide()
	submit := func() {
		paths := splitPaths(entry.Text)
		if len(paths) == 0 {
			problem.SetText("Type or choose at least one project file.")
			problem.Show()
			u.win.Canvas().Focus(entry)
			return
		}
		d.Hide()
		u.confirmMerge(paths)
	}
	entry.OnSubmitted = func(string) { submit() } // Shift+Enter
	browse := widget.NewButton("Choose File…", func() {
		fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			defer u.win.Canvas().Focus(entry)
			if err != nil {
				problem.SetText(err.Error())
				problem.Show()
				return
			}
			if r == nil {
				return
			}
			r.Close()
			text := strings.TrimRight(entry.Text, "\n ")
			if text != "" {
				text += "\n"
			}
			entry.SetText(text + r.URI().Path())
		}, u.win)
		fd.SetFilter(storage.NewExtensionFileFilter([]string{".slant"}))
		fd.Resize(fyne.NewSize(800, 560))
		fd.Show()
	})
	cancel := widget.NewButton("Cancel (Escape)", func() { d.Hide() })
	ok := &widget.Button{Text: "Merge… (Shift+Enter)", Importance: widget.HighImportance, OnTapped: submit}
	head := widget.NewLabel("Project files to bring into this one, one per line. Their annotators (layers, labels, statuses, events) and the documents this project lacks are added; the other files are only read.")
	head.Wrapping = fyne.TextWrapWord
	content := container.NewBorder(head, container.NewVBox(problem, container.NewHBox(browse, layout.NewSpacer(), cancel, ok)), nil, nil, entry)
	d = dialog.NewCustomWithoutButtons("Merge other projects", content, u.win)
	d.SetOnClosed(func() { m.paths = nil })
	d.Resize(fyne.NewSize(680, 300))
	m.paths = entry
	u.showModal(d)
	u.win.Canvas().Focus(entry)
}

// splitPaths returns the non-empty lines of text, trimmed.
func splitPaths(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if p := strings.TrimSpace(line); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// confirmMerge asks before merging paths: Enter merges, Escape cancels.
func (u *UI) confirmMerge(paths []string) {
	m := &u.merges
	what := "the other project's"
	if len(paths) > 1 {
		what = "the other projects'"
	}
	files := make([]string, len(paths))
	for i, p := range paths {
		files[i] = "  " + p
	}
	msg := widget.NewLabel(fmt.Sprintf("Bring in %s annotators and documents? The other file is not changed.\n\n%s",
		what, strings.Join(files, "\n")))
	if len(paths) > 1 {
		msg.SetText(strings.Replace(msg.Text, "The other file is not changed.", "The other files are not changed.", 1))
	}
	msg.Wrapping = fyne.TextWrapWord
	var d dialog.Dialog
	keys := &dialogKeys{}
	keys.ExtendBaseWidget(keys)
	keys.onEnter = func() {
		m.confirm = nil
		d.Hide()
		u.runMerge(paths, ops.MergeOptions{})
	}
	keys.onEscape = func() {
		m.confirm = nil
		d.Hide()
		u.refocus()
	}
	ok := widget.NewButton("Merge (Enter)", keys.onEnter)
	ok.Importance = widget.HighImportance
	cancel := widget.NewButton("Cancel (Escape)", keys.onEscape)
	content := container.NewVBox(msg, container.NewHBox(keys, layout.NewSpacer(), cancel, ok))
	d = dialog.NewCustomWithoutButtons("Merge", content, u.win)
	d.Resize(fyne.NewSize(600, 220))
	m.confirm = keys
	d.Show()
	u.win.Canvas().Focus(keys)
}

// refuseMerge says why the window cannot merge now, if it cannot.
func (u *UI) refuseMerge() bool {
	var err error
	switch {
	case u.db.ReadOnly():
		err = fmt.Errorf("cannot merge into %s: it is open read-only (another Slant has it open for writing); close that one and reopen this project to merge", u.db.Name())
	case u.merges.running:
		err = errors.New("a merge is already running")
	case u.imports.running:
		err = errors.New("an import is running: merge when it has finished")
	case u.ws != nil && len(u.ws.pending) > 0:
		err = fmt.Errorf("%d label(s) not saved yet (see the status bar): merge when every label is saved", len(u.ws.pending))
	}
	if err != nil {
		u.showError(err)
		return true
	}
	return false
}

// runMerge merges paths into the project off the UI thread, showing each
// step; the merge can be cancelled (nothing is then changed).
func (u *UI) runMerge(paths []string, opts ops.MergeOptions) {
	m := &u.merges
	if u.refuseMerge() {
		if m.onDone != nil {
			m.onDone(ops.MergeSummary{}, errors.New("refused"))
		}
		return
	}
	m.running = true
	index := map[string]int{}
	for i, p := range paths {
		index[p] = i
	}
	step := widget.NewLabel(fmt.Sprintf("Opening %s…", filepath.Base(paths[0])))
	step.Wrapping = fyne.TextWrapWord
	bar := widget.NewProgressBarInfinite()
	ctx, cancel := context.WithCancel(context.Background())
	stop := widget.NewButton("Cancel", func() {
		cancel()
		step.SetText("Cancelling… nothing will be changed.")
	})
	content := container.NewVBox(step, bar, container.NewHBox(layout.NewSpacer(), stop))
	d := dialog.NewCustomWithoutButtons("Merging", content, u.win)
	d.Resize(fyne.NewSize(560, 170))
	d.Show() // not u.modal: Escape and Enter do not close it
	u.status.SetText("merging… · " + u.status.Text)
	// Progress is reported from inside the merge's transaction, which holds
	// the project's one connection: it must never wait for the window
	// (which may itself be waiting for the connection), so the label is
	// updated from a goroutine of its own.
	opts.Progress = func(file, s string) {
		text := fmt.Sprintf("%s (%d of %d): %s", filepath.Base(file), index[file]+1, len(paths), s)
		go fyne.Do(func() {
			if ctx.Err() == nil {
				step.SetText(text)
			}
		})
	}
	db := u.db
	go func() {
		sum, err := ops.Merge(ctx, db, paths, opts)
		if err == nil && sum.Total.Changed() {
			// The merge is durable in the write-ahead log; copying it into
			// the file goes on here, while the window is back in use.
			go db.Checkpoint(context.Background())
		}
		fyne.Do(func() {
			cancel()
			bar.Stop()
			d.Hide()
			m.running = false
			if err != nil {
				u.updateStatus()
				u.showMergeError(paths, opts, err)
			} else {
				u.afterMerge()
				u.status.SetText(sum.String() + " · " + u.status.Text)
				u.showMergeSummary(sum)
			}
			if m.onDone != nil {
				m.onDone(sum, err)
			}
		})
	}()
}

// afterMerge shows what the merge brought: the list, the open document
// (the annotator's own layer may be newer now, and a project without a
// schema takes the other's), the review if it is open, and pre-tags for
// documents that came without.
func (u *UI) afterMerge() {
	if err := u.docs.reloadNow(); err != nil {
		u.showError(err)
	}
	if ws := u.ws; ws != nil {
		ws.dropPrefetch()
		if sch, v, err := u.db.Schema(context.Background()); err == nil {
			ws.schema, ws.schemaVersion = sch, v
		}
		id := ws.doc.ID
		if ws.layer == nil || id == 0 {
			id = u.firstDocument()
		}
		if id != 0 {
			u.docs.selectID(id)
			if err := ws.open(id); err != nil {
				u.showError(err)
			}
		} else {
			ws.updateProgress()
		}
	} else {
		id := u.article.docID
		if id == 0 {
			id = u.firstDocument()
		}
		u.showDocument(id)
	}
	if u.reviewing() {
		u.review.start() // reads everyone's labels again
	}
	u.pretagInBackground()
}

// showMergeSummary shows what the merge did, in total and per file.
func (u *UI) showMergeSummary(sum ops.MergeSummary) {
	t := sum.Total
	rows := [][2]string{
		{"Documents added", fmt.Sprint(t.Documents)},
		{"Annotators added", fmt.Sprint(t.Annotators)},
		{"Layers added", fmt.Sprint(t.LayersAdded)},
		{"Layers updated (newer there)", fmt.Sprint(t.LayersUpdated)},
		{"Layers unchanged", fmt.Sprint(t.LayersUnchanged)},
		{"Layers kept (newer here)", fmt.Sprint(t.LayersKept)},
		{"Labels brought", fmt.Sprint(t.Labels)},
		{"Events brought", fmt.Sprint(t.Events)},
	}
	if t.Renamed != "" {
		rows = append(rows, [2]string{"Renamed", t.Renamed})
	}
	if t.Pretagged > 0 {
		rows = append(rows, [2]string{"Pre-tags brought for", plural(t.Pretagged, "document")})
	}
	if t.Schemas > 0 {
		rows = append(rows, [2]string{"Schema versions added", fmt.Sprint(t.Schemas)})
	}
	if t.LabelsDropped > 0 {
		rows = append(rows, [2]string{"Labels dropped (their unit is gone there)", fmt.Sprint(t.LabelsDropped)})
	}
	grid := container.New(layout.NewFormLayout())
	for _, r := range rows {
		grid.Add(widget.NewLabelWithStyle(r[0], fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
		grid.Add(widget.NewLabel(r[1]))
	}
	head := "Merged " + plural(len(sum.Files), "project") + "."
	if !t.Changed() {
		head += " Nothing new: this project already had everything in it."
	}
	var files []string
	for _, f := range sum.Files {
		line := fmt.Sprintf("%s: %s, %s, %d layers added, %d updated", filepath.Base(f.File),
			plural(f.Documents, "document"), plural(f.Annotators, "annotator"), f.LayersAdded, f.LayersUpdated)
		files = append(files, line)
	}
	top := widget.NewLabel(head)
	top.Wrapping = fyne.TextWrapWord
	content := container.NewVBox(top, grid)
	if len(sum.Files) > 1 {
		per := widget.NewLabel(strings.Join(files, "\n"))
		per.Wrapping = fyne.TextWrapWord
		content.Add(per)
	}
	d := dialog.NewCustom("Merge finished", "Close", content, u.win)
	d.Resize(fyne.NewSize(560, 200))
	u.showModal(d)
}

// showMergeError shows why a merge was refused (the error names the file).
// Two people under one name: it offers to bring the incoming one in under
// another name.
func (u *UI) showMergeError(paths []string, opts ops.MergeOptions, err error) {
	msg := mergeErrorText(err)
	if errors.Is(err, context.Canceled) {
		msg = "The merge was cancelled."
	}
	msg += "\n\nNothing was changed; the other file is as it was."
	if errors.Is(err, store.ErrNameClash) && canRename(err) {
		u.askMergeName(paths, msg)
		return
	}
	text := widget.NewLabel(msg)
	text.Wrapping = fyne.TextWrapWord
	text.Selectable = true
	d := dialog.NewCustom("Merge refused", "Close", text, u.win)
	if errors.Is(err, context.Canceled) {
		d = dialog.NewCustom("Merge cancelled", "Close", text, u.win)
	}
	d.Resize(fyne.NewSize(600, 220))
	u.showModal(d)
}

// canRename reports whether a name clash is one person's, which a new
// name (ops.MergeOptions.As) resolves.
func canRename(err error) bool {
	s := err.Error()
	return strings.Contains(s, "run the merge again with --as") || strings.Contains(s, "is already someone else")
}

// mergeErrorText is a merge error in the window's words: ops and store
// word the renaming for the command line (--as).
func mergeErrorText(err error) string {
	s := err.Error()
	s = strings.Replace(s, "; to bring theirs in under another name, run the merge again with --as NEW", "", 1)
	s = strings.Replace(s, "--as renames one person only: merge their projects one at a time",
		"only one person can be renamed in a merge: merge their projects one at a time", 1)
	s = strings.ReplaceAll(s, "--as ", "the new name ")
	return s
}

// askMergeName offers to merge again with the clashing annotator renamed.
func (u *UI) askMergeName(paths []string, msg string) {
	m := &u.merges
	var d dialog.Dialog
	entry := newEscEntry(func() { d.Hide() })
	entry.SetPlaceHolder("a name not used in this project")
	problem := widget.NewLabel("")
	problem.Importance = widget.WarningImportance
	problem.Hide()
	submit := func() {
		name := strings.TrimSpace(entry.Text)
		if name == "" {
			problem.SetText("Type the name to bring them in under.")
			problem.Show()
			return
		}
		d.Hide()
		u.runMerge(paths, ops.MergeOptions{As: name})
	}
	entry.OnSubmitted = func(string) { submit() }
	text := widget.NewLabel(msg)
	text.Wrapping = fyne.TextWrapWord
	ask := widget.NewLabel("Two different people have the same name. Bring the other project's one in under another name:")
	ask.Wrapping = fyne.TextWrapWord
	cancel := widget.NewButton("Cancel (Escape)", func() { d.Hide() })
	ok := &widget.Button{Text: "Merge Under This Name (Enter)", Importance: widget.HighImportance, OnTapped: submit}
	content := container.NewVBox(text, ask, entry, problem, container.NewHBox(layout.NewSpacer(), cancel, ok))
	d = dialog.NewCustomWithoutButtons("Merge: the same name, another person", content, u.win)
	d.SetOnClosed(func() { m.rename = nil })
	d.Resize(fyne.NewSize(640, 300))
	m.rename = entry
	u.showModal(d)
	u.win.Canvas().Focus(entry)
}
