package gui

import (
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// chooseSaveFileButton is a "Choose File…" button that opens the save
// dialog at the name path holds and puts the chosen file's path into it;
// the dialog's own writer is closed unused and the empty file it made is
// removed: the caller writes the file.
func (u *UI) chooseSaveFileButton(path *escEntry) *widget.Button {
	return widget.NewButton("Choose File…", func() {
		fd := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
			if err != nil || w == nil {
				return
			}
			w.Close()
			// The dialog has created the file, empty: take it away again,
			// or Save Copy would find it there and refuse to write over it.
			if fi, err := os.Stat(w.URI().Path()); err == nil && fi.Size() == 0 {
				os.Remove(w.URI().Path())
			}
			path.SetText(w.URI().Path())
		}, u.win)
		fd.SetFileName(filepath.Base(path.Text))
		fd.Resize(fyne.NewSize(800, 560))
		fd.Show()
	})
}
