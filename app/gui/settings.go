package gui

import (
	"context"
	"io"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/slant-annotate/slant/annotate/schema"
	"github.com/slant-annotate/slant/app/ops"
)

// showSchemaSettings shows the project's label schema as TOML to edit or
// load from a file; saving validates it (errors name the line) and stores
// it as a new version, never deleting labels.
func (u *UI) showSchemaSettings() {
	ctx := context.Background()
	s, version, err := u.db.Schema(ctx)
	if err != nil {
		u.showError(err)
		return
	}
	editor := widget.NewMultiLineEntry()
	editor.TextStyle = fyne.TextStyle{Monospace: true}
	editor.SetText(string(s.TOML()))
	problems := widget.NewLabel("")
	problems.Wrapping = fyne.TextWrapWord
	problems.Importance = widget.DangerImportance
	var d dialog.Dialog
	save := func() {
		parsed, err := schema.Parse([]byte(editor.Text), "schema")
		if err != nil {
			problems.SetText(err.Error())
			return
		}
		change, err := ops.SetSchema(ctx, u.db, parsed, "settings")
		if err != nil {
			problems.SetText(err.Error())
			return
		}
		d.Hide()
		u.status.SetText(strings.Join(change.Lines("settings"), " · "))
		if u.ws != nil {
			u.ws.schema, u.ws.schemaVersion = parsed, change.Version
			if u.ws.layer != nil {
				u.ws.reload()
			}
		}
	}
	load := widget.NewButton("Load File…", func() {
		dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
			if err != nil || r == nil {
				return
			}
			defer r.Close()
			data, err := io.ReadAll(r)
			if err != nil {
				problems.SetText(err.Error())
				return
			}
			editor.SetText(string(data))
		}, u.win)
	})
	buttons := container.NewHBox(load, widget.NewButton("Cancel", func() { d.Hide() }),
		&widget.Button{Text: "Save as New Version", Importance: widget.HighImportance, OnTapped: save})
	head := widget.NewLabel("Label schema, version " + itoa(version) + ". Tasks, questions, labels and their keys (see slant schema show --default for the commented format).")
	head.Wrapping = fyne.TextWrapWord
	content := container.NewBorder(head, container.NewVBox(problems, buttons), nil, nil, editor)
	d = dialog.NewCustomWithoutButtons("Label Schema", content, u.win)
	d.SetOnClosed(u.refocus)
	d.Resize(fyne.NewSize(760, 600))
	d.Show()
}

func itoa(n int) string {
	if n == 0 {
		return "0 (the default, not stored yet)"
	}
	return strconv.Itoa(n)
}
