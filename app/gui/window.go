// Package gui is Slant's window. It holds no business logic: it calls the
// same operations (package ops) and store queries as the command line.
// Nothing here needs cgo; the driver is chosen in main.
package gui

import (
	"context"
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/slant-annotate/slant/app/ops"
	"github.com/slant-annotate/slant/assets"
	"github.com/slant-annotate/slant/store"
)

// UI is one project's window.
type UI struct {
	app     fyne.App
	win     fyne.Window
	db      *store.DB
	docs    *docList
	article *articleView
	status  *widget.Label
	imports *importer

	pretagBar   *widget.ProgressBar
	pretagging  bool
	pretagAgain bool
	onPretagged func(ops.PretagSummary) // for tests
}

// New builds the window for an open project; call Show or ShowAndRun.
func New(a fyne.App, db *store.DB) (*UI, error) {
	u := &UI{app: a, db: db}
	a.SetIcon(assets.Icon)
	u.win = a.NewWindow(u.title())
	u.win.SetIcon(assets.Icon)
	u.status = widget.NewLabel("")
	u.status.Truncation = fyne.TextTruncateEllipsis
	u.article = newArticleView()
	u.docs = newDocList(u)
	u.imports = newImporter(u)
	u.pretagBar = widget.NewProgressBar()
	u.pretagBar.TextFormatter = func() string {
		return fmt.Sprintf("pre-tagging %.0f/%.0f", u.pretagBar.Value, u.pretagBar.Max)
	}
	u.pretagBar.Hide()

	left := container.NewBorder(u.docs.filter, nil, nil, nil, u.docs.list)
	split := container.NewHSplit(left, container.NewPadded(u.article.root))
	split.Offset = 0.32
	bottom := container.NewBorder(nil, nil, nil, container.NewHBox(u.imports.bar,
		container.NewGridWrap(fyne.NewSize(220, u.pretagBar.MinSize().Height), u.pretagBar)), u.status)
	u.win.SetContent(container.NewBorder(nil, bottom, nil, nil, split))
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
	u.win.Resize(fyne.NewSize(1100, 720))
	if err := u.docs.reloadNow(); err != nil {
		return nil, err
	}
	if u.docs.pager.count > 0 {
		u.docs.list.Select(0)
	}
	u.pretagInBackground()
	return u, nil
}

// Window is the project's window.
func (u *UI) Window() fyne.Window { return u.win }

func (u *UI) title() string {
	t := "Slant — " + u.db.Name()
	if u.db.ReadOnly() {
		t += " (read-only)"
	}
	return t
}

func (u *UI) menu() *fyne.MainMenu {
	importFile := fyne.NewMenuItem("Import File…", u.imports.chooseFile)
	importFile.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault}
	importFolder := fyne.NewMenuItem("Import Folder…", u.imports.chooseFolder)
	importPath := fyne.NewMenuItem("Import Path…", u.imports.typePaths)
	importPath.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyI, Modifier: fyne.KeyModifierShortcutDefault}
	quit := fyne.NewMenuItem("Quit", u.app.Quit)
	quit.IsQuit = true
	quit.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}
	file := fyne.NewMenu("File", importFile, importFolder, importPath, fyne.NewMenuItemSeparator(), quit)
	return fyne.NewMainMenu(file)
}

func (u *UI) addShortcuts() {
	c := u.win.Canvas()
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) { u.imports.chooseFile() })
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyI, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) { u.imports.typePaths() })
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) { u.app.Quit() })
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) { c.Focus(u.docs.filter) })
}

// showDocument loads a document's text and suggestions and shows them.
func (u *UI) showDocument(id int64) {
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
		u.showDocument(id)
	}
}

// updateStatus shows the project's counts.
func (u *UI) updateStatus() {
	st, err := u.db.Stats(context.Background())
	if err != nil {
		u.status.SetText(err.Error())
		return
	}
	text := fmt.Sprintf("%d documents · %d words · %s", st.Documents, st.Words, u.db.Path())
	if f := u.docs.filter.Text; f != "" {
		text = fmt.Sprintf("%d of %d documents match · %d words in all · %s", u.docs.pager.count, st.Documents, st.Words, u.db.Path())
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
	dialog.ShowError(err, u.win)
}
