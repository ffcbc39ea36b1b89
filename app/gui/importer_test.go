package gui

import (
	"context"
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

// imStart starts importing paths as dropping them does, and waits for the
// question about .ann files.
func imStart(t *testing.T, u *UI, paths ...string) (chan ops.ImportSummary, *bratQuestion) {
	t.Helper()
	done := make(chan ops.ImportSummary, 1)
	onUI(func() { u.Import(paths, func(s ops.ImportSummary) { lastStatus.Store(u.status.Text); done <- s }) })
	var q *bratQuestion
	eventually(t, "the question whose annotations they are", 10*time.Second, func() bool { q = u.imports.asking; return q != nil })
	return done, q
}

func imWait(t *testing.T, u *UI, done chan ops.ImportSummary) ops.ImportSummary {
	t.Helper()
	select {
	case s := <-done:
		settle(t, u)
		return s
	case <-time.After(time.Minute):
		t.Fatal("the import did not finish within a minute")
	}
	return ops.ImportSummary{}
}

// imLayer is annotator name's layer on the document whose text is text.
func imLayer(t *testing.T, db *store.DB, name, text string) *annotate.Layer {
	t.Helper()
	ctx := context.Background()
	a, err := db.FindAnnotator(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := db.ListDocuments(ctx, "", 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		doc, err := db.Document(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if doc.Text == text {
			l, err := db.Layer(ctx, d.ID, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			return l
		}
	}
	t.Fatalf("no document %q", text)
	return nil
}

func TestImportBratFolderAsksWhose(t *testing.T) {
	u, db := openWindow(t, filepath.Join(t.TempDir(), "p.slant"), false)
	dir := t.TempDir()
	writeFile(t, dir, "a.txt", "Ana said no.\n")
	writeFile(t, dir, "a_x1.ann", "T1\tPerson 0 3\tAna\n")
	done, q := imStart(t, u, dir)
	onUI(func() {
		texts := mgTexts(u)
		for _, want := range []string{"Whose annotations are these?", "a_x1.ann", bratFromSuffix, bratNamed} {
			if !strings.Contains(texts, want) {
				t.Errorf("the question does not say %q:\n%s", want, texts)
			}
		}
		if q.choice.Selected != bratFromSuffix {
			t.Errorf("every file name ends in _<id>, yet %q is chosen", q.choice.Selected)
		}
		if f := u.win.Canvas().Focused(); f != q.name {
			t.Errorf("%T has the keyboard, want the name entry", f)
		}
		test.Tap(wsButton(t, u.win.Canvas().Overlays().Top(), "Import (Enter)"))
	})
	sum := imWait(t, u, done)
	if sum.Added != 1 || sum.Failed != 0 || sum.Brat.Layers != 1 || sum.Brat.Entities != 1 {
		t.Fatalf("summary %s %v", sum, sum.Errors)
	}
	l := imLayer(t, db, "x1", "Ana said no.\n")
	if l.Status != annotate.StatusDone || len(l.Spans) != 1 || l.Spans[0].Start != 0 || l.Spans[0].End != 3 {
		t.Errorf("x1's layer: status %q, spans %+v", l.Status, l.Spans)
	}
	if st := lastStatus.Load().(string); !strings.Contains(st, "brat: 1 annotator layers added") {
		t.Errorf("status %q", st)
	}
	onUI(func() {
		if top := u.win.Canvas().Overlays().Top(); top != nil {
			t.Errorf("a dialog is still open: %s", mgTexts(u))
		}
		if f := u.win.Canvas().Focused(); f != u.ws.panel {
			t.Errorf("after the import %T has the keyboard, want the label panel", f)
		}
	})
}

func TestImportBratNamedCancelAndNoSuffix(t *testing.T) {
	u, db := openWindow(t, filepath.Join(t.TempDir(), "p.slant"), false)
	ctx := context.Background()
	// A file name without _<id>: the name is asked, typed, Enter.
	dir := t.TempDir()
	writeFile(t, dir, "b.txt", "Ben said yes.\n")
	ann := writeFile(t, dir, "b.ann", "T1\tPerson 0 3\tBen\n")
	done, q := imStart(t, u, ann)
	onUI(func() {
		if q.choice.Selected != bratNamed {
			t.Errorf("no file name ends in _<id>, yet %q is chosen", q.choice.Selected)
		}
		q.name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // no name yet: asks for one
		if u.imports.asking != q || !q.problem.Visible() {
			t.Error("Enter without a name went on")
		}
		test.Type(q.name, "ana")
		q.name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	if sum := imWait(t, u, done); sum.Added != 1 || sum.Brat.Layers != 1 {
		t.Fatalf("summary %s %v", sum, sum.Errors)
	}
	if l := imLayer(t, db, "ana", "Ben said yes.\n"); len(l.Spans) != 1 {
		t.Errorf("ana's spans %+v", l.Spans)
	}
	// Escape cancels: nothing is imported.
	dir2 := t.TempDir()
	writeFile(t, dir2, "c.txt", "Cai left.\n")
	writeFile(t, dir2, "c_x2.ann", "T1\tPerson 0 3\tCai\n")
	done, q = imStart(t, u, dir2)
	onUI(func() { q.name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape}) })
	if sum := imWait(t, u, done); sum.Added != 0 || sum.Files != 0 {
		t.Errorf("a cancelled import: %s", sum)
	}
	if _, err := db.FindAnnotator(ctx, "x2"); err == nil {
		t.Error("a cancelled import added x2")
	}
	if n, _ := db.CountDocuments(ctx, ""); n != 2 {
		t.Errorf("%d documents after a cancelled import", n)
	}
	onUI(func() {
		if !strings.Contains(u.status.Text, "import cancelled") {
			t.Errorf("status %q", u.status.Text)
		}
		if f := u.win.Canvas().Focused(); f != u.ws.panel {
			t.Errorf("after cancelling %T has the keyboard, want the label panel", f)
		}
	})
	// Names from the file names, but one has none: it fails, and the
	// message speaks of the window, not of command-line flags.
	dir3 := t.TempDir()
	writeFile(t, dir3, "d.txt", "Dee won.\n")
	noSuffix := writeFile(t, dir3, "d.ann", "T1\tPerson 0 3\tDee\n")
	writeFile(t, dir3, "e.txt", "Eve lost.\n")
	writeFile(t, dir3, "e_x3.ann", "T1\tPerson 0 3\tEve\n")
	done, q = imStart(t, u, dir3)
	onUI(func() {
		if !strings.Contains(mgTexts(u), "1 of the files have no _<id>") {
			t.Errorf("the question does not warn of the file without _<id>:\n%s", mgTexts(u))
		}
		q.choice.SetSelected(bratFromSuffix)
		test.Tap(wsButton(t, u.win.Canvas().Overlays().Top(), "Import (Enter)"))
	})
	sum := imWait(t, u, done)
	if sum.Added != 1 || sum.Failed != 1 {
		t.Fatalf("summary %s %v", sum, sum.Errors)
	}
	var texts string
	onUI(func() { texts = overlayText(u) })
	if !strings.Contains(texts, "Import problems") || !strings.Contains(texts, noSuffix) || !strings.Contains(texts, "no _<annotator> before .ann") {
		t.Errorf("the failure dialog:\n%s", texts)
	}
	if strings.Contains(texts, "--annotator") {
		t.Errorf("the window tells of command-line flags:\n%s", texts)
	}
	if l := imLayer(t, db, "x3", "Eve lost.\n"); len(l.Spans) != 1 {
		t.Errorf("x3's spans %+v", l.Spans)
	}
}

func TestImportWithoutBratAsksNothing(t *testing.T) {
	u, _ := openWindow(t, filepath.Join(t.TempDir(), "p.slant"), false)
	p := writeFile(t, t.TempDir(), "a.txt", "Tariff talk\n\nIndia and the U.S. resume talks.\n")
	if sum := importAndWait(t, u, p); sum.Added != 1 {
		t.Fatalf("%s", sum)
	}
	if u.imports.asking != nil {
		t.Error("asked whose annotations a .txt file is")
	}
}

func TestImportWindowWording(t *testing.T) {
	for _, opts := range []ops.ImportOptions{{}, {AnnotatorFromSuffix: true}} {
		_, err := ops.BratAnnotatorOf("/x/a.ann", opts)
		if err == nil {
			t.Fatal("no error")
		}
		got := windowWording(err).Error()
		if strings.Contains(got, "--annotator") || !strings.HasPrefix(got, "/x/a.ann: ") {
			t.Errorf("%+v: %q", opts, got)
		}
	}
}
