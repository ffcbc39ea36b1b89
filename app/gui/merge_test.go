package gui

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/app/ops"
	"github.com/slant-annotate/slant/store"
)

// mgOther makes another project (with the sample article) in which
// annotator labelled the sample's document sentiment as value, and returns
// its path.
func mgOther(t *testing.T, name, annotator, value string) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), name)
	db, err := ops.OpenProject(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, version, err := db.Schema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ann, err := db.EnsureAnnotator(ctx, annotator)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Layer(ctx, wsSample, ann.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetLabel(ctx, ann.ID, wsSample, "document_sentiment", annotate.UnitDocument, annotate.LabelValue{Value: value}, version); err != nil {
		t.Fatal(err)
	}
	return path
}

// mgMenu runs the action of a menu item, as clicking it does.
func mgMenu(t *testing.T, u *UI, menu, label string) {
	t.Helper()
	for _, m := range u.win.MainMenu().Items {
		if m.Label != menu {
			continue
		}
		for _, it := range m.Items {
			if it.Label == label {
				it.Action()
				return
			}
		}
	}
	t.Fatalf("no menu item %s → %s", menu, label)
}

// mgTexts is every label and button text of the dialog on top.
func mgTexts(u *UI) string {
	var b strings.Builder
	wsWalk(u.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			b.WriteString(x.Text + "\n")
		case *widget.Button:
			b.WriteString("[" + x.Text + "]\n")
		case *widget.RadioGroup:
			b.WriteString("(" + strings.Join(x.Options, ") (") + ")\n")
		}
	})
	return b.String()
}

type mgResult struct {
	sum    ops.MergeSummary
	err    error
	status string // the status bar when the merge finished
}

// mgStart opens File → Merge…, types path, and confirms with Enter; the
// result comes on the channel returned.
func mgStart(t *testing.T, u *UI, path string) chan mgResult {
	t.Helper()
	done := make(chan mgResult, 4)
	onUI(func() {
		u.merges.onDone = func(s ops.MergeSummary, err error) { done <- mgResult{s, err, u.status.Text} }
		mgMenu(t, u, "File", "Merge…")
		if u.merges.paths == nil {
			t.Fatalf("File → Merge… shows no paths dialog: %s", mgTexts(u))
		}
		if f := u.win.Canvas().Focused(); f != u.merges.paths {
			t.Errorf("the paths dialog's entry has not the keyboard (%T has)", f)
		}
		u.merges.paths.SetText(path)
		test.Tap(wsButton(t, u.win.Canvas().Overlays().Top(), "Merge… (Shift+Enter)"))
		if u.merges.confirm == nil {
			t.Fatalf("no confirmation: %s", mgTexts(u))
		}
		if s := mgTexts(u); !strings.Contains(s, "Bring in the other project's annotators and documents? The other file is not changed.") || !strings.Contains(s, path) {
			t.Errorf("the confirmation says:\n%s", s)
		}
		rvType(t, u, string(fyne.KeyReturn))
	})
	return done
}

func mgWait(t *testing.T, done chan mgResult) mgResult {
	t.Helper()
	select {
	case r := <-done:
		return r
	case <-time.After(time.Minute):
		t.Fatal("the merge did not finish within a minute")
	}
	return mgResult{}
}

func TestMergeFromMenu(t *testing.T) {
	ctx := context.Background()
	u, db := openWindow(t, filepath.Join(t.TempDir(), "main.slant"), false)
	other := mgOther(t, "bea.slant", "bea", "negative")
	// The other project has an article this one lacks.
	odb, err := ops.OpenProject(ctx, other, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	story := writeFile(t, t.TempDir(), "story.txt", "Tariff talk\n\nIndia and the U.S. resume talks.\n")
	if sum := ops.Import(ctx, odb, []string{story}, ops.ImportOptions{}, nil); sum.Added != 1 {
		t.Fatalf("%s %v", sum, sum.Errors)
	}
	odb.Close()
	before, err := os.ReadFile(other)
	if err != nil {
		t.Fatal(err)
	}
	r := mgWait(t, mgStart(t, u, other))
	if r.err != nil {
		t.Fatal(r.err)
	}
	if tot := r.sum.Total; tot.Annotators != 1 || tot.LayersAdded != 1 || tot.Documents != 1 || tot.Labels != 1 {
		t.Errorf("summary %s", r.sum)
	}
	var titles []string
	onUI(func() { titles = listTitles(u) })
	if len(titles) != 2 || titles[1] != "Tariff talk" {
		t.Errorf("the list after the merge: %q", titles)
	}
	bea, err := db.FindAnnotator(ctx, "bea")
	if err != nil {
		t.Fatalf("bea did not arrive: %v", err)
	}
	if l := wsLayer(t, db, wsSample, bea.ID); l.Labels[annotate.LabelKey{Task: "document_sentiment", Unit: annotate.UnitDocument}].Value != "negative" {
		t.Errorf("bea's labels: %v", l.Labels)
	}
	var texts string
	var summaryShown bool
	onUI(func() {
		texts = mgTexts(u)
		summaryShown = u.modal != nil
	})
	status := r.status
	for _, want := range []string{"Merge finished", "Merged 1 project.", "Annotators added", "Layers added", "Documents added"} {
		if !strings.Contains(texts, want) {
			t.Errorf("the summary does not say %q:\n%s", want, texts)
		}
	}
	if !summaryShown || !strings.Contains(status, "merged 1 project: 1 document added, 1 annotator added") {
		t.Errorf("summary shown %v, status %q", summaryShown, status)
	}
	// Closing the summary gives the keyboard back to the label panel.
	onUI(u.closeModal)
	onUI(func() {
		if f := u.win.Canvas().Focused(); f != u.ws.panel {
			t.Errorf("after the summary %T has the keyboard, want the label panel", f)
		}
	})
	if after, _ := os.ReadFile(other); !bytes.Equal(before, after) {
		t.Error("the other project file changed")
	}
	// Again: nothing new.
	r = mgWait(t, mgStart(t, u, other))
	if r.err != nil || r.sum.Total.Changed() {
		t.Fatalf("merging again: %s, %v", r.sum, r.err)
	}
	onUI(func() { texts = mgTexts(u) })
	if !strings.Contains(texts, "Nothing new") {
		t.Errorf("the second summary:\n%s", texts)
	}
	onUI(u.closeModal)
	settle(t, u)
}

func TestMergeRefusals(t *testing.T) {
	ctx := context.Background()
	u, db := openWindow(t, filepath.Join(t.TempDir(), "main.slant"), false)
	anns := func() int {
		a, err := db.Annotators(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return len(a)
	}
	n := anns()
	// The project itself.
	r := mgWait(t, mgStart(t, u, db.Path()))
	if !errors.Is(r.err, store.ErrSameProject) {
		t.Fatalf("merging the project into itself: %v", r.err)
	}
	var texts string
	onUI(func() { texts = mgTexts(u) })
	for _, want := range []string{"Merge refused", "into itself", db.Path(), "Nothing was changed"} {
		if !strings.Contains(texts, want) {
			t.Errorf("the error dialog does not say %q:\n%s", want, texts)
		}
	}
	onUI(u.closeModal)
	// Not a project.
	notes := writeFile(t, t.TempDir(), "notes.slant", "shopping list\n")
	r = mgWait(t, mgStart(t, u, notes))
	if !errors.Is(r.err, store.ErrNotProject) {
		t.Fatalf("merging a text file: %v", r.err)
	}
	onUI(func() { texts = mgTexts(u) })
	if !strings.Contains(texts, notes) || !strings.Contains(texts, "not a Slant project") {
		t.Errorf("the error dialog:\n%s", texts)
	}
	onUI(u.closeModal)
	if anns() != n {
		t.Error("a refused merge added annotators")
	}
	onUI(func() {
		if f := u.win.Canvas().Focused(); f != u.ws.panel {
			t.Errorf("after the error %T has the keyboard, want the label panel", f)
		}
	})
}

func TestMergeSameNameOffersRename(t *testing.T) {
	ctx := context.Background()
	u, db := openWindow(t, filepath.Join(t.TempDir(), "main.slant"), false)
	// Another person, also called tester.
	other := mgOther(t, "tester.slant", "tester", "positive")
	r := mgWait(t, mgStart(t, u, other))
	if !errors.Is(r.err, store.ErrNameClash) {
		t.Fatalf("merge: %v", r.err)
	}
	var texts string
	var entry *escEntry
	onUI(func() { texts, entry = mgTexts(u), u.merges.rename })
	if entry == nil {
		t.Fatalf("no offer to rename:\n%s", texts)
	}
	if strings.Contains(texts, "--as") || !strings.Contains(texts, other) || !strings.Contains(texts, "another name") {
		t.Errorf("the rename dialog says:\n%s", texts)
	}
	done := make(chan mgResult, 1)
	onUI(func() {
		u.merges.onDone = func(s ops.MergeSummary, err error) { done <- mgResult{s, err, u.status.Text} }
		test.Type(entry, "tester2")
		entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	r = mgWait(t, done)
	if r.err != nil || r.sum.Total.Renamed != "tester → tester2" {
		t.Fatalf("merge as tester2: %s %v", r.sum, r.err)
	}
	a, err := db.FindAnnotator(ctx, "tester2")
	if err != nil {
		t.Fatal(err)
	}
	if l := wsLayer(t, db, wsSample, a.ID); l.Labels[annotate.LabelKey{Task: "document_sentiment", Unit: annotate.UnitDocument}].Value != "positive" {
		t.Errorf("tester2's labels: %v", l.Labels)
	}
	onUI(func() { texts = mgTexts(u) })
	if !strings.Contains(texts, "tester → tester2") {
		t.Errorf("the summary does not name the renaming:\n%s", texts)
	}
	onUI(u.closeModal)
}

func TestMergeReadOnlyRefuses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.slant")
	writer, err := ops.OpenProject(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	if _, err := writer.EnsureAnnotator(context.Background(), "tester"); err != nil {
		t.Fatal(err)
	}
	u, _ := openWindow(t, path, true)
	var texts string
	var asked bool
	onUI(func() {
		mgMenu(t, u, "File", "Merge…")
		texts, asked = mgTexts(u), u.merges.paths != nil
	})
	if asked || !strings.Contains(strings.ToLower(texts), "cannot merge into shared") || !strings.Contains(texts, "read-only") {
		t.Errorf("a read-only window: paths asked %v, dialog:\n%s", asked, texts)
	}
}

func TestMergeErrorText(t *testing.T) {
	err := errors.New(`merge /a/b.slant: two different annotators have the same name (different ids): "bob" in /a/b.slant and "bob" in /c/d.slant; to bring theirs in under another name, run the merge again with --as NEW`)
	if got := mergeErrorText(err); strings.Contains(got, "--as") || !strings.HasSuffix(got, `"bob" in /c/d.slant`) {
		t.Errorf("%q", got)
	}
	if !canRename(err) {
		t.Error("a single clash cannot be renamed")
	}
}
