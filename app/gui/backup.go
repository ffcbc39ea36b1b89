package gui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// saveCopy runs File → Save a Copy…: a consistent copy of the project in a
// new file (store.Backup), for backing up, mailing or syncing, while the
// window goes on writing to the project.
func (u *UI) saveCopy() {
	var d dialog.Dialog
	path := newEscEntry(func() { d.Hide() })
	base := strings.TrimSuffix(filepath.Base(u.db.Path()), filepath.Ext(u.db.Path()))
	path.SetText(filepath.Join(filepath.Dir(u.db.Path()), base+"-"+time.Now().Format("2006-01-02-1504")+".slant"))
	problem := widget.NewLabel("")
	problem.Importance = widget.WarningImportance
	problem.Wrapping = fyne.TextWrapWord
	problem.Hide()
	submit := func() {
		p := strings.TrimSpace(path.Text)
		if p == "" {
			problem.SetText("Type or choose the new file.")
			problem.Show()
			return
		}
		d.Hide()
		db := u.db
		u.status.SetText("saving a copy… · " + u.status.Text)
		go func() {
			err := db.Backup(context.Background(), p)
			fyne.Do(func() {
				if err != nil {
					u.showError(err)
					u.updateStatus()
				} else {
					u.status.SetText(fmt.Sprintf("saved a copy to %s · ", p) + u.status.Text)
				}
				if u.onCopySaved != nil {
					u.onCopySaved(err)
				}
			})
		}()
	}
	path.OnSubmitted = func(string) { submit() }
	browse := u.chooseSaveFileButton(path)
	head := widget.NewLabel("A copy of the whole project in a new file, as it is now: every saved label, one file to back up, send or sync.")
	head.Wrapping = fyne.TextWrapWord
	ok := &widget.Button{Text: "Save Copy (Enter)", Importance: widget.HighImportance, OnTapped: submit}
	cancel := widget.NewButton("Cancel (Escape)", func() { d.Hide() })
	content := container.NewVBox(head, container.NewBorder(nil, nil, nil, browse, path), problem, container.NewHBox(layout.NewSpacer(), cancel, ok))
	d = dialog.NewCustomWithoutButtons("Save a Copy", content, u.win)
	d.Resize(fyne.NewSize(640, 220))
	u.copyPath = path
	u.showModal(d)
	u.win.Canvas().Focus(path)
}
