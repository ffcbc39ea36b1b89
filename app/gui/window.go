// Package gui is Slant's window. It holds no business logic: it calls the
// same operations (package ops) and store queries as the command line.
// Nothing here needs cgo; the driver is chosen in main.
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
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/slant-annotate/slant/app/ops"
	"github.com/slant-annotate/slant/store"
)

// Options configure a window.
type Options struct {
	// Annotator is who labels; empty means the last one on this machine,
	// or ask.
	Annotator string
	// AutoBackup keeps a rolling backup of the project (store.AutoBackup),
	// made in the background when the window opens.
	AutoBackup bool
	// CheckOnOpen runs SQLite's quick check in the background when the
	// window opens; a damaged file is then never written to (the window
	// says so, and how to restore).
	CheckOnOpen bool
}

// UI is one project's window.
type UI struct {
	app     fyne.App
	win     fyne.Window
	db      *store.DB
	docs    *docList
	article *articleView
	status  *widget.Label
	imports *importer
	merges  merger   // File → Merge…
	exports exporter // File → Export…
	// File → Save a Copy…'s entry while shown, and a hook, for tests.
	copyPath       *escEntry
	onCopySaved    func(error)
	annotatorEntry *escEntry // Switch Annotator's, while shown (for tests)
	ws             *workspace
	theme          *slantTheme

	progress       *widget.ProgressBar
	annotatorLabel *widget.Label
	panelHolder    *fyne.Container
	modal          dialog.Dialog // the dialog Escape closes
	review         *reviewMode   // the review mode, once opened

	pretagBar   *widget.ProgressBar
	pretagging  bool
	pretagAgain bool
	onPretagged func(ops.PretagSummary) // for tests
}

// New builds the window for an open project; call Show or ShowAndRun.
func New(a fyne.App, db *store.DB, opts Options) (*UI, error) {
	u := &UI{app: a, db: db}
	a.SetIcon(appIcon)
	u.theme = newSlantTheme(a.Preferences())
	a.Settings().SetTheme(u.theme)
	u.win = a.NewWindow(u.title())
	u.win.SetIcon(appIcon)
	u.status = widget.NewLabel("")
	u.status.Truncation = fyne.TextTruncateClip
	u.article = newArticleView()
	u.docs = newDocList(u)
	u.imports = newImporter(u)
	u.pretagBar = widget.NewProgressBar()
	u.pretagBar.TextFormatter = func() string {
		return fmt.Sprintf("pre-tagging %.0f/%.0f", u.pretagBar.Value, u.pretagBar.Max)
	}
	u.pretagBar.Hide()
	u.progress = widget.NewProgressBar()
	u.progress.TextFormatter = func() string { return fmt.Sprintf("%.0f / %.0f done", u.progress.Value, u.progress.Max) }
	u.progress.Hide() // until someone is labelling
	u.annotatorLabel = widget.NewLabel("")
	u.panelHolder = container.NewStack(widget.NewLabel("Who is labelling?"))

	left := container.NewBorder(u.docs.controls, nil, nil, nil, u.docs.list)
	center := container.NewHSplit(container.NewPadded(u.article.root), u.panelHolder)
	center.Offset = 0.62
	split := container.NewHSplit(left, center)
	split.Offset = 0.24
	top := container.NewBorder(nil, nil, nil, container.NewGridWrap(fyne.NewSize(260, u.progress.MinSize().Height), u.progress), u.annotatorLabel)
	bottom := container.NewBorder(nil, nil, nil, container.NewHBox(u.imports.bar,
		container.NewGridWrap(fyne.NewSize(220, u.pretagBar.MinSize().Height), u.pretagBar)), u.status)
	u.win.SetContent(container.NewBorder(top, bottom, nil, nil, split))
	u.win.SetMainMenu(u.menu())
	u.addShortcuts()
	u.win.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) {
		var paths []string
		for _, uri := range uris {
			if uri.Scheme() == "file" {
				paths = append(paths, uri.Path())
			}
		}
		u.Import(paths, nil)
	})
	p := a.Preferences()
	u.win.Resize(fyne.NewSize(float32(p.FloatWithFallback("window.width", 1280)), float32(p.FloatWithFallback("window.height", 800))))
	u.win.SetCloseIntercept(func() {
		u.saveWindowState()
		u.win.Close()
	})
	if err := u.docs.reloadNow(); err != nil {
		return nil, err
	}
	name := opts.Annotator
	if name == "" {
		name = p.String("annotator")
	}
	if name != "" {
		if err := u.SetAnnotator(name); err != nil {
			return nil, err
		}
	} else {
		u.showDocument(u.firstDocument())
		u.win.Canvas().SetOnTypedRune(nil)
		fyne.Do(u.askAnnotator)
	}
	u.pretagInBackground()
	if opts.CheckOnOpen || opts.AutoBackup {
		go u.maintain(opts)
	}
	return u, nil
}

// maintain checks the project and backs it up, in the background: a
// damaged file is reported and never backed up over a good backup.
func (u *UI) maintain(opts Options) {
	db := u.db
	if opts.CheckOnOpen {
		if err := db.QuickCheck(context.Background()); err != nil {
			fyne.Do(func() {
				u.showError(err)
				u.status.SetText("DAMAGED: nothing more is written · " + u.status.Text)
			})
			return
		}
	}
	if opts.AutoBackup && !db.ReadOnly() {
		if p, err := db.AutoBackup(context.Background()); err != nil {
			fyne.Do(func() { u.status.SetText("automatic backup failed: " + err.Error() + " · " + u.status.Text) })
		} else if p != "" {
			fyne.Do(func() { u.status.SetText("backed up to " + filepath.Base(p) + " · " + u.status.Text) })
		}
	}
}

// Window is the project's window.
func (u *UI) Window() fyne.Window { return u.win }

// Workspace exposes the labelling state, for tests.
func (u *UI) Workspace() *workspace { return u.ws }

func (u *UI) title() string {
	t := "Slant — " + u.db.Name()
	if u.db.ReadOnly() {
		t += " (read-only)"
	}
	return t
}

func lastDocPref(db *store.DB) string { return "lastDoc:" + db.Path() }

// firstDocument is where to start: the last document open in this project,
// else the first to do, else the first.
func (u *UI) firstDocument() int64 {
	ctx := context.Background()
	if id := int64(u.app.Preferences().Int(lastDocPref(u.db))); id != 0 {
		if _, err := u.db.Document(ctx, id); err == nil {
			return id
		}
	}
	if u.ws != nil {
		if id, ok, _ := u.db.NextToDo(ctx, u.ws.ann.ID, 0); ok {
			return id
		}
	}
	if rows, _ := u.db.ListDocuments(ctx, "", 0, 1); len(rows) > 0 {
		return rows[0].ID
	}
	return 0
}

// SetAnnotator makes name the one labelling, and opens their workspace.
func (u *UI) SetAnnotator(name string) error {
	if u.reviewing() {
		u.review.close() // the review is the previous annotator's
	}
	ann, err := u.db.EnsureAnnotator(context.Background(), name)
	if errors.Is(err, store.ErrReadOnly) {
		err = fmt.Errorf("annotator %s is new, and the project is open read-only", name)
	}
	if err != nil {
		return err
	}
	ws, err := newWorkspace(u, ann)
	if err != nil {
		return err
	}
	u.ws = ws
	u.app.Preferences().SetString("annotator", ann.Name)
	u.progress.Show()
	u.panelHolder.Objects = []fyne.CanvasObject{ws.panel}
	u.panelHolder.Refresh()
	c := u.win.Canvas()
	c.SetOnTypedRune(func(r rune) { ws.key(string(r), true) })
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) { ws.key(string(ev.Name), false) })
	if err := u.docs.reloadNow(); err != nil {
		return err
	}
	if id := u.firstDocument(); id != 0 {
		u.docs.selectID(id)
		return ws.open(id)
	}
	ws.updateProgress()
	return nil
}

// askAnnotator asks who is labelling: at first start (someone must), or
// to switch (Escape or Cancel keeps the current annotator).
func (u *UI) askAnnotator() {
	var d dialog.Dialog
	switching := u.ws != nil
	cancel := func() {
		if switching {
			d.Hide()
			u.refocus()
		}
	}
	entry := newEscEntry(cancel)
	entry.SetPlaceHolder("your name or initials")
	problem := widget.NewLabel("")
	problem.Importance = widget.WarningImportance
	problem.Hide()
	submit := func() {
		name := strings.TrimSpace(entry.Text)
		if name == "" {
			problem.SetText("Type your name or initials: labels are kept per annotator.")
			problem.Show()
			u.win.Canvas().Focus(entry)
			return
		}
		d.Hide()
		if err := u.SetAnnotator(name); err != nil {
			u.showError(err)
		}
	}
	entry.OnSubmitted = func(string) { submit() }
	ok := &widget.Button{Text: "Start labelling (Enter)", Importance: widget.HighImportance, OnTapped: submit}
	buttons := container.NewHBox(layout.NewSpacer(), ok)
	if switching {
		buttons = container.NewHBox(layout.NewSpacer(), widget.NewButton("Cancel (Escape)", cancel), ok)
	}
	content := container.NewVBox(widget.NewForm(widget.NewFormItem("Name", entry)), problem, buttons)
	d = dialog.NewCustomWithoutButtons("Who is labelling? (labels are kept per annotator)", content, u.win)
	d.Resize(fyne.NewSize(480, 200))
	u.annotatorEntry = entry
	d.Show()
	u.win.Canvas().Focus(entry)
}

func (u *UI) menu() *fyne.MainMenu {
	ctrl := fyne.KeyModifierShortcutDefault
	item := func(label string, key fyne.KeyName, mod fyne.KeyModifier, fn func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, fn)
		if key != "" {
			it.Shortcut = &desktop.CustomShortcut{KeyName: key, Modifier: mod}
		}
		return it
	}
	quit := item("Quit", fyne.KeyQ, ctrl, u.quit)
	quit.IsQuit = true
	file := fyne.NewMenu("File",
		item("Import File…", fyne.KeyO, ctrl, u.imports.chooseFile),
		item("Import Folder…", "", 0, u.imports.chooseFolder),
		item("Import Path…", fyne.KeyI, ctrl, u.imports.typePaths),
		fyne.NewMenuItemSeparator(),
		item("Merge…", "", 0, u.chooseMerge),
		item("Export…", fyne.KeyE, ctrl|fyne.KeyModifierShift, u.chooseExport),
		item("Save a Copy…", "", 0, u.saveCopy),
		fyne.NewMenuItemSeparator(), quit)
	edit := fyne.NewMenu("Edit",
		item("Undo", fyne.KeyZ, ctrl, func() { u.undo(false) }),
		item("Redo", fyne.KeyZ, ctrl|fyne.KeyModifierShift, func() { u.undo(true) }),
		fyne.NewMenuItemSeparator(),
		item("Search Documents", fyne.KeyF, ctrl, func() { u.win.Canvas().Focus(u.docs.filter) }),
		fyne.NewMenuItemSeparator(),
		item("Keys…", "", 0, func() { u.withWorkspace(func(w *workspace) { w.showKeySettings() }) }),
		item("Label Schema…", "", 0, u.showSchemaSettings))
	view := fyne.NewMenu("View",
		item("Keyboard Cheat Sheet", fyne.KeyF1, 0, func() { u.withWorkspace(func(w *workspace) { w.showCheatSheet() }) }),
		item("Larger Text", fyne.KeyEqual, ctrl, func() { u.zoom(1) }),
		item("Smaller Text", fyne.KeyMinus, ctrl, func() { u.zoom(-1) }),
		item("Light Theme", "", 0, func() { u.theme.setVariant(u.app, "light") }),
		item("Dark Theme", "", 0, func() { u.theme.setVariant(u.app, "dark") }))
	annotator := fyne.NewMenu("Annotator", item("Switch Annotator…", "", 0, u.askAnnotator))
	rev := fyne.NewMenu("Review",
		item("Review Agreement…", fyne.KeyR, ctrl, u.toggleReview),
		item("Back to Labelling (Esc)", "", 0, func() {
			if u.reviewing() {
				u.review.close()
			}
		}))
	return fyne.NewMainMenu(file, edit, view, annotator, rev)
}

func (u *UI) withWorkspace(fn func(*workspace)) {
	if u.ws != nil {
		fn(u.ws)
	}
}

func (u *UI) addShortcuts() {
	c := u.win.Canvas()
	ctrl := fyne.KeyModifierShortcutDefault
	add := func(key fyne.KeyName, mod fyne.KeyModifier, fn func()) {
		c.AddShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: mod}, func(fyne.Shortcut) { fn() })
	}
	add(fyne.KeyO, ctrl, u.imports.chooseFile)
	add(fyne.KeyI, ctrl, u.imports.typePaths)
	add(fyne.KeyQ, ctrl, u.quit)
	add(fyne.KeyF, ctrl, func() { c.Focus(u.docs.filter) })
	add(fyne.KeyZ, ctrl, func() { u.undo(false) })
	add(fyne.KeyZ, ctrl|fyne.KeyModifierShift, func() { u.undo(true) })
	add(fyne.KeyY, ctrl, func() { u.undo(true) })
	// The desktop driver reports Ctrl+Z and Ctrl+Y as these, not as custom shortcuts.
	c.AddShortcut(&fyne.ShortcutUndo{}, func(fyne.Shortcut) { u.undo(false) })
	c.AddShortcut(&fyne.ShortcutRedo{}, func(fyne.Shortcut) { u.undo(true) })
	add(fyne.KeyR, ctrl, u.toggleReview)
	add(fyne.KeyEqual, ctrl, func() { u.zoom(1) })
	add(fyne.KeyPlus, ctrl, func() { u.zoom(1) })
	add(fyne.KeyEqual, ctrl|fyne.KeyModifierShift, func() { u.zoom(1) })
	add(fyne.KeyMinus, ctrl, func() { u.zoom(-1) })
	add(fyne.KeyF1, 0, func() { u.withWorkspace(func(w *workspace) { w.showCheatSheet() }) })
}

// refocus returns the keyboard to the label panel (or, in the review, to
// the list of disagreements).
func (u *UI) refocus() {
	if u.reviewing() {
		u.review.refocus()
		return
	}
	u.withWorkspace(func(w *workspace) { w.refocus() })
}

func (u *UI) zoom(step int) {
	u.theme.zoom(u.app, step)
	if u.ws != nil && u.ws.layer != nil {
		u.ws.reload()
	}
}

// saveWindowState remembers the window's size for the next start.
func (u *UI) saveWindowState() {
	s := u.win.Canvas().Size()
	if s.Width > 200 && s.Height > 200 {
		u.app.Preferences().SetFloat("window.width", float64(s.Width))
		u.app.Preferences().SetFloat("window.height", float64(s.Height))
	}
}

func (u *UI) quit() {
	u.saveWindowState()
	u.app.Quit()
}

// showDocument opens a document: in the annotator's workspace, or before an
// annotator is known, with the suggestions only.
func (u *UI) showDocument(id int64) {
	if id == 0 {
		return
	}
	if u.ws != nil {
		if err := u.ws.open(id); err != nil {
			u.showError(err)
		}
		return
	}
	ctx := context.Background()
	d, err := u.db.Document(ctx, id)
	if err != nil {
		u.showError(err)
		return
	}
	r, tagged, err := u.db.Pretags(ctx, d)
	if err != nil {
		u.showError(err)
		return
	}
	u.article.show(d, r, tagged)
}

// refreshArticle re-reads the document on screen (after pre-tagging).
func (u *UI) refreshArticle() {
	if id := u.article.docID; id != 0 {
		if u.ws != nil && u.ws.layer != nil && len(u.ws.layer.Spans) > 0 {
			return // the annotator's layer is already seeded: leave their work as it is
		}
		u.showDocument(id)
	}
}

// updateStatus shows the project's counts.
func (u *UI) updateStatus() {
	n, err := u.db.CountDocuments(context.Background(), "")
	if err != nil {
		u.status.SetText(err.Error())
		return
	}
	text := fmt.Sprintf("%d documents · %s", n, u.db.Path())
	if u.docs.pager.count != n {
		text = fmt.Sprintf("%d of %d documents match · %s", u.docs.pager.count, n, u.db.Path())
	}
	if u.db.ReadOnly() {
		text += " · read-only: another Slant has this project open"
	}
	u.status.SetText(text)
}

func (u *UI) showError(err error) {
	if errors.Is(err, store.ErrReadOnly) {
		err = fmt.Errorf("%w: another Slant has this project open for writing; close it and reopen this one", err)
	}
	u.showModal(dialog.NewError(err, u.win))
}

// showModal shows a dialog that Escape or Enter closes, and gives the
// keyboard back to the label panel after it.
func (u *UI) showModal(d dialog.Dialog) {
	u.modal = d
	d.SetOnClosed(func() {
		if u.modal == d {
			u.modal = nil
		}
		u.refocus()
	})
	d.Show()
}

// closeModal closes the dialog opened by showModal, if any is open.
func (u *UI) closeModal() {
	if u.modal != nil {
		u.modal.Hide()
	}
}
