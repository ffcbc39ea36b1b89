package gui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/app/ops"
	"github.com/slant-annotate/slant/store"
)

// File → Export… writes the chosen labels to the chosen file in the
// background, and says so in the status bar.
func TestExportFromMenu(t *testing.T) {
	ctx := context.Background()
	u, db := openWindow(t, filepath.Join(t.TempDir(), "main.slant"), false)
	tester, err := db.FindAnnotator(ctx, "tester")
	if err != nil {
		t.Fatal(err)
	}
	_, sv, _ := db.Schema(ctx)
	if _, err := db.SetLabel(ctx, tester.ID, wsSample, "document_sentiment", annotate.UnitDocument, annotate.LabelValue{Value: "neutral"}, sv); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetStatus(ctx, tester.ID, wsSample, annotate.StatusDone, 3); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "tester.csv")
	done := make(chan ops.ExportSummary, 1)
	onUI(func() {
		u.exports.onDone = func(s ops.ExportSummary, err error) {
			if err != nil {
				t.Error(err)
			}
			done <- s
		}
		mgMenu(t, u, "File", "Export…")
		e := &u.exports
		if e.path == nil || u.win.Canvas().Focused() != e.path {
			t.Fatalf("File → Export… shows no dialog with the keyboard on its file entry: %s", mgTexts(u))
		}
		if e.source.Selected != "tester" {
			t.Errorf("the dialog offers %q first, not the window's annotator", e.source.Selected)
		}
		e.format.SetSelected("csv")
		if !strings.HasSuffix(e.path.Text, ".csv") {
			t.Errorf("the file name does not follow the format: %q", e.path.Text)
		}
		e.source.SetSelected("tester")
		e.path.SetText(out)
		test.Tap(wsButton(t, u.win.Canvas().Overlays().Top(), "Export (Enter)"))
	})
	select {
	case s := <-done:
		if s.Records != 1 || s.Source != "tester" {
			t.Errorf("summary %+v", s)
		}
	case <-time.After(time.Minute):
		t.Fatal("the export did not finish within a minute")
	}
	data, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(data), ",tester,document,document_sentiment,,,,,neutral,") {
		t.Errorf("exported file (%v):\n%s", err, data)
	}
	var status string
	onUI(func() { status = u.status.Text })
	if !strings.Contains(status, "exported 1 records of tester to tester.csv") {
		t.Errorf("status %q", status)
	}
	// A bad minimum agreement is said in the dialog, and nothing runs.
	onUI(func() {
		mgMenu(t, u, "File", "Export…")
		u.exports.source.SetSelected(exportMajority)
		u.exports.min.SetText("2")
		u.exports.submit()
		if s := mgTexts(u); !strings.Contains(s, "a share above 0 and at most 1") || u.exports.running {
			t.Errorf("a bad minimum agreement: running %v, dialog says:\n%s", u.exports.running, s)
		}
		u.closeModal()
	})
}

// File → Save a Copy… writes a consistent copy of the open project.
func TestSaveACopy(t *testing.T) {
	u, _ := openWindow(t, filepath.Join(t.TempDir(), "main.slant"), false)
	out := filepath.Join(t.TempDir(), "copy.slant")
	done := make(chan error, 1)
	onUI(func() {
		u.onCopySaved = func(err error) { done <- err }
		mgMenu(t, u, "File", "Save a Copy…")
		if u.copyPath == nil {
			t.Fatalf("no dialog: %s", mgTexts(u))
		}
		u.copyPath.SetText(out)
		test.Tap(wsButton(t, u.win.Canvas().Overlays().Top(), "Save Copy (Enter)"))
	})
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the copy was not saved within a minute")
	}
	db, err := store.Open(context.Background(), out, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, _ := db.CountDocuments(context.Background(), ""); n != 1 {
		t.Errorf("the copy holds %d documents, want the sample", n)
	}
}

// Opened on a damaged file, the window says so at once (the check runs in
// the background) and writes nothing more to it.
func TestWindowCatchesDamage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "main.slant")
	u, db := openWindow(t, path, false)
	db.Checkpoint(context.Background())
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := f.Stat()
	for off := int64(4096); off < fi.Size(); off += 997 {
		f.WriteAt([]byte{0xde, 0xad, 0xbe, 0xef}, off)
	}
	f.Close()
	u.maintain(Options{CheckOnOpen: true})
	var status string
	onUI(func() { status = u.status.Text })
	if !strings.Contains(status, "DAMAGED") {
		t.Errorf("status %q", status)
	}
	if _, err := db.BeginBatch(context.Background()); !errors.Is(err, store.ErrDamaged) {
		t.Errorf("a write after the check: %v", err)
	}
}

// Undo and redo say what changed in words, never a unit's id.
func TestDescribeActionsInWords(t *testing.T) {
	u, _, _, _ := wsSetup(t)
	ws := u.ws
	tg := ws.layer.LiveTargets()[0]
	q := ws.layer.Quotes()[0]
	for action, want := range map[string]string{
		"label target_sentiment " + annotate.TargetUnit(tg.ID): "target_sentiment of the target " + tg.Name,
		"label quote_stance " + annotate.QuoteUnit(q.ID):       "quote_stance of the quote “",
		"label document_sentiment doc":                         "document_sentiment of the article",
		"status done":                                          "marking the document done",
		"merge targets":                                        "merging targets",
		"rejected target":                                      "rejected target",
	} {
		if got := ws.describe(action); !strings.HasPrefix(got, want) || strings.ContainsAny(got, "0123456789") && !strings.Contains(want, "of the") {
			t.Errorf("%q described as %q, want %q", action, got, want)
		}
	}
}

// Switch Annotator: Escape keeps who is labelling; an empty name is said,
// not ignored; a name switches.
func TestSwitchAnnotatorDialog(t *testing.T) {
	u, _, _, _ := wsSetup(t)
	u.askAnnotator()
	e := u.annotatorEntry
	if e == nil || u.win.Canvas().Focused() != e {
		t.Fatal("the dialog's name entry has not the keyboard")
	}
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if u.win.Canvas().Overlays().Top() != nil || u.ws.ann.Name != "ana" {
		t.Errorf("Escape: dialog still shown or annotator %q", u.ws.ann.Name)
	}
	u.askAnnotator()
	e = u.annotatorEntry
	e.OnSubmitted("")
	if s := mgTexts(u); !strings.Contains(s, "Type your name or initials") {
		t.Errorf("an empty name says nothing:\n%s", s)
	}
	e.SetText("ben")
	e.OnSubmitted("ben")
	if u.ws.ann.Name != "ben" {
		t.Errorf("annotator %q after switching to ben", u.ws.ann.Name)
	}
}

// A filter that leaves the open document out shows its list from the top,
// not where the old list was scrolled to.
func TestFilterStartsTheListAtItsTop(t *testing.T) {
	path := filepath.Join(t.TempDir(), "main.slant")
	db0, err := ops.OpenProject(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := db0.BeginBatch(context.Background())
	for i := range 80 {
		word := "tariffs"
		if i%2 == 0 {
			word = "elections"
		}
		b.Add(context.Background(), annotate.Document{Title: fmt.Sprintf("Story %d", i), Text: fmt.Sprintf("Story %d is about %s and markets.", i, word)})
	}
	b.Commit()
	db0.Close()
	u, _ := openWindow(t, path, false)
	onUI(func() {
		u.docs.list.ScrollToBottom()
		if u.docs.list.GetScrollOffset() == 0 {
			t.Fatal("the list did not scroll")
		}
		u.docs.filter.SetText("elections")
	})
	eventually(t, "the filtered list", 10*time.Second, func() bool {
		var n int
		onUI(func() { n = u.docs.pager.count })
		return n == 40
	})
	var offset float32
	onUI(func() { offset = u.docs.list.GetScrollOffset() })
	if offset != 0 {
		t.Errorf("the filtered list starts at %v, not its top", offset)
	}
}
