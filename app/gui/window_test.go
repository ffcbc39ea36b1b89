package gui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/slant-annotate/slant/app/ops"
	"github.com/slant-annotate/slant/assets"
	"github.com/slant-annotate/slant/store"
)

// The test driver runs fyne.Do at once on the calling goroutine, so the
// window's background work (list reloads, imports, pre-tagging) would touch
// widgets concurrently with each other and with the test, which a real
// driver never does. mainThread restores the real driver's rule: every
// fyne.Do callback, and everything the test does to the window (onUI), runs
// one at a time. The lock is re-entrant for the goroutine holding it, as
// fyne.Do on the main thread runs at once.
type mainThread struct {
	mu    sync.Mutex
	owner atomic.Int64
	depth int
}

var uiThread mainThread

func goid() int64 {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	f := strings.Fields(string(buf))
	id, _ := strconv.ParseInt(f[1], 10, 64)
	return id
}

func (m *mainThread) do(fn func()) {
	id := goid()
	if m.owner.Load() == id {
		m.depth++
		defer func() { m.depth-- }()
		fn()
		return
	}
	m.mu.Lock()
	m.owner.Store(id)
	defer func() {
		m.owner.Store(0)
		m.mu.Unlock()
	}()
	fn()
}

// onUI runs fn as if on the main thread.
func onUI(fn func()) { uiThread.do(fn) }

type serialDriver struct{ fyne.Driver }

func (d serialDriver) DoFromGoroutine(fn func(), _ bool) { uiThread.do(fn) }

type serialApp struct{ fyne.App }

func (a serialApp) Driver() fyne.Driver { return serialDriver{a.App.Driver()} }

// newSerialApp is test.NewTempApp whose fyne.Do runs on one "main thread".
func newSerialApp(t *testing.T) fyne.App {
	a := serialApp{test.NewTempApp(t)}
	fyne.SetCurrentApp(a)
	return a
}

// eventually polls cond (background work applies its results through
// fyne.Do) until it holds or limit passes.
func eventually(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	holds := func() (ok bool) {
		onUI(func() { ok = cond() })
		return ok
	}
	for !holds() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", limit, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// openWindow opens the project at path (a new one gets the sample) and
// builds its window in a test app. Cleanup waits for background
// pre-tagging so the project is not closed under it.
func openWindow(t *testing.T, path string, readOnly bool) (*UI, *store.DB) {
	t.Helper()
	a := newSerialApp(t)
	db, err := ops.OpenProject(context.Background(), path, store.Options{ReadOnly: readOnly})
	if err != nil {
		t.Fatal(err)
	}
	var u *UI
	onUI(func() { u, err = New(a, db, Options{Annotator: "tester"}) })
	if err != nil {
		db.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		settle(t, u)
		onUI(u.win.Close)
		db.Close()
	})
	// Pre-tagging starts with the window and, when it ends, redraws the
	// status bar from another goroutine (the test driver runs fyne.Do at
	// once): let it finish so that it does not race the test's checks.
	settle(t, u)
	return u, db
}

// settle waits for background pre-tagging to finish.
func settle(t *testing.T, u *UI) {
	t.Helper()
	eventually(t, "pre-tagging to finish", 2*time.Minute, func() bool { return !u.pretagging && !u.pretagAgain })
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// listTitles is what the list shows, row by row, read through the pager
// the list's callbacks use.
func listTitles(u *UI) []string {
	n := u.docs.list.Length()
	out := make([]string, 0, n)
	for i := 0; i < n; i++ {
		row, _ := u.docs.pager.row(i)
		out = append(out, row.Title)
	}
	return out
}

// importAndWait runs ui.Import and waits for done.
// The status bar's text when done was called is in lastStatus.
func importAndWait(t *testing.T, u *UI, paths ...string) ops.ImportSummary {
	t.Helper()
	ch := make(chan ops.ImportSummary, 1)
	onUI(func() {
		u.Import(paths, func(s ops.ImportSummary) {
			lastStatus.Store(u.status.Text)
			ch <- s
		})
	})
	select {
	case s := <-ch:
		settle(t, u) // the import starts pre-tagging the new documents
		return s
	case <-time.After(time.Minute):
		t.Fatal("import did not call done within a minute")
	}
	return ops.ImportSummary{}
}

var lastStatus atomic.Value

// overlayText renders the window's top overlay (a dialog) as markup.
func overlayText(u *UI) string {
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	return test.RenderObjectToMarkup(top)
}

func seedProject(t *testing.T) (path string, texts []string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "desk.slant")
	db, err := ops.OpenProject(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	texts = []string{
		"Walmart expands\n\nWalmart opens twelve stores in Mexico this year.\n",
		"Rain in Spain\n\nIt rains mainly on the plain, forecasters said.\n",
		"Flipkart results\n\nWalmart-owned Flipkart reported higher sales.\n",
	}
	var paths []string
	for i, tx := range texts {
		paths = append(paths, writeFile(t, dir, string(rune('a'+i))+".txt", tx))
	}
	if sum := ops.Import(context.Background(), db, paths, ops.ImportOptions{}, nil); sum.Added != 3 {
		t.Fatalf("seed: %s %v", sum, sum.Errors)
	}
	db.Close()
	return path, texts
}

func TestWindowTitleListAndSample(t *testing.T) {
	path := filepath.Join(t.TempDir(), "world news.slant")
	u, db := openWindow(t, path, false)
	if got := u.Window().Title(); got != "Slant — world news" || !strings.HasPrefix(got, "Slant — ") {
		t.Errorf("title %q, want \"Slant — \" and the project name", got)
	}
	if got := listTitles(u); len(got) != 1 || got[0] != assets.SampleTitle {
		t.Fatalf("list %q, want the sample", got)
	}
	// The first row is selected and its text shown, exactly.
	if got := u.article.text.Text(); got != string(assets.SampleArticle) {
		t.Errorf("article view shows %.60q, want the sample article", got)
	}
	if u.article.title.Text != assets.SampleTitle {
		t.Errorf("article title %q", u.article.title.Text)
	}
	if !strings.Contains(u.article.meta.Text(), "#1") || !strings.Contains(u.article.meta.Text(), "475 words") {
		t.Errorf("article meta %q", u.article.meta.Text())
	}
	st := u.status.Text
	if !strings.Contains(st, "1 documents") || !strings.Contains(st, db.Path()) {
		t.Errorf("status bar %q: want the counts and the project path", st)
	}
	// The list row, as drawn, carries the title and word count.
	var m string
	onUI(func() {
		u.win.Resize(fyne.NewSize(1100, 720))
		m = test.RenderObjectToMarkup(u.docs.list)
	})
	if !strings.Contains(m, "US to press In") || !strings.Contains(m, "475 words") {
		t.Errorf("list markup lacks the sample row:\n%.2000s", m)
	}
}

func TestWindowSelectingRowsShowsText(t *testing.T) {
	path, texts := seedProject(t)
	u, _ := openWindow(t, path, false)
	want := []string{assets.SampleTitle, "Walmart expands", "Rain in Spain", "Flipkart results"}
	if got := listTitles(u); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("list %q, want %q", got, want)
	}
	if !strings.Contains(u.status.Text, "4 documents") {
		t.Errorf("status %q", u.status.Text)
	}
	for _, i := range []int{2, 1, 3, 0, 3} {
		onUI(func() { u.docs.list.Select(i) })
		wantText := string(assets.SampleArticle)
		if i > 0 {
			wantText = texts[i-1]
		}
		if got := u.article.text.Text(); got != wantText {
			t.Errorf("row %d selected: the view shows %.50q, want %.50q", i, got, wantText)
		}
		if u.article.title.Text != want[i] {
			t.Errorf("row %d selected: title %q", i, u.article.title.Text)
		}
	}
}

func TestWindowFilterNarrowsList(t *testing.T) {
	path, _ := seedProject(t)
	u, _ := openWindow(t, path, false)
	onUI(func() { u.win.Resize(fyne.NewSize(1100, 720)) })
	// Typed a key at a time, as a user does: each key reloads in the
	// background, and only the last filter's result may stay.
	onUI(func() { test.Type(u.docs.filter, "walmart") })
	// wantList waits for the list to show want and the status bar to say status.
	wantList := func(status string, want ...string) {
		t.Helper()
		eventually(t, "the list to show "+strings.Join(want, ", "), 10*time.Second, func() bool {
			return u.docs.pager.query.Filter == u.docs.filter.Text && strings.Join(listTitles(u), "|") == strings.Join(want, "|") &&
				strings.Contains(u.status.Text, status)
		})
	}
	wantList("3 of 4 documents match", assets.SampleTitle, "Walmart expands", "Flipkart results")
	// Narrow further, with a second word.
	onUI(func() { test.Type(u.docs.filter, " mexico") })
	wantList("1 of 4 documents match", "Walmart expands")
	onUI(func() { u.docs.list.Select(0) })
	if !strings.Contains(u.article.text.Text(), "twelve stores in Mexico") {
		t.Errorf("selecting the only match shows %.60q", u.article.text.Text())
	}
	// Nothing matches.
	onUI(func() { u.docs.filter.SetText("zebra") })
	wantList("0 of 4 documents match")
	// FTS syntax typed by a user is taken literally, not as an error.
	onUI(func() { u.docs.filter.SetText(`"spain* (`) })
	wantList("1 of 4 documents match", "Rain in Spain")
	if top := u.win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("a dialog opened for a filter: %s", overlayText(u))
	}
	// Clearing the filter brings every document back.
	onUI(func() { u.docs.filter.SetText("") })
	wantList("4 documents ·", assets.SampleTitle, "Walmart expands", "Rain in Spain", "Flipkart results")
	if st := u.status.Text; !strings.HasPrefix(st, "4 documents") {
		t.Errorf("status %q", st)
	}
}

func TestWindowImportInBackground(t *testing.T) {
	u, db := openWindow(t, filepath.Join(t.TempDir(), "p.slant"), false)
	dir := t.TempDir()
	a := writeFile(t, dir, "a.txt", "Tariff talk\n\nIndia and the U.S. resume talks.\n")
	b := writeFile(t, dir, "b.jsonl", `{"title":"Amazon wins","text":"Amazon won a ruling in Delhi."}`+"\n")
	sum := importAndWait(t, u, a, b)
	if sum.Added != 2 || sum.Failed != 0 || sum.Duplicates != 0 {
		t.Fatalf("summary %s %v", sum, sum.Errors)
	}
	if got := listTitles(u); strings.Join(got, "|") != assets.SampleTitle+"|Tariff talk|Amazon wins" {
		t.Errorf("list after import %q", got)
	}
	if n, _ := db.CountDocuments(context.Background(), ""); n != 3 {
		t.Errorf("%d documents stored", n)
	}
	// The first new article is shown.
	if got := u.article.text.Text(); got != "Tariff talk\n\nIndia and the U.S. resume talks.\n" {
		t.Errorf("after import the view shows %.60q", got)
	}
	st := lastStatus.Load().(string)
	if !strings.Contains(st, "imported 2, duplicates skipped 0, failed 0") || !strings.Contains(st, "3 documents") {
		t.Errorf("status %q: want the import summary and the new counts", st)
	}
	if u.imports.bar.Visible() {
		t.Error("the import progress bar is still shown")
	}
	if top := u.win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("a dialog opened for a clean import: %s", overlayText(u))
	}
	// The same files again: duplicates, nothing new.
	sum = importAndWait(t, u, a, b)
	if sum.Added != 0 || sum.Duplicates != 2 {
		t.Errorf("re-import %s", sum)
	}
	if n := u.docs.list.Length(); n != 3 {
		t.Errorf("list has %d rows after re-import", n)
	}
}

func TestWindowImportFailureDialog(t *testing.T) {
	u, db := openWindow(t, filepath.Join(t.TempDir(), "p.slant"), false)
	dir := t.TempDir()
	good := writeFile(t, dir, "good.txt", "Good one\n\nThis file is fine.\n")
	bad := writeFile(t, dir, "latin1-story.txt", "Title\nCaf\xe9 owners protest.\n")
	broken := writeFile(t, dir, "feed.jsonl", `{"text":"fine"}`+"\n"+`{"text":`+"\n")
	sum := importAndWait(t, u, good, bad, broken)
	if sum.Added != 1 || sum.Failed != 2 {
		t.Fatalf("summary %s", sum)
	}
	m := overlayText(u)
	if m == "" {
		t.Fatal("no dialog after a failed import")
	}
	for _, want := range []string{"Import problems", "2 file(s) could not be imported", bad + ":2:", "invalid UTF-8", broken + ":2:", "malformed JSON"} {
		if !strings.Contains(m, want) {
			t.Errorf("the dialog does not say %q:\n%s", want, m)
		}
	}
	if n, _ := db.CountDocuments(context.Background(), ""); n != 2 {
		t.Errorf("%d documents: want the sample and good.txt only", n)
	}
	if got := listTitles(u); len(got) != 2 || got[1] != "Good one" {
		t.Errorf("list %q", got)
	}
}

func TestWindowReadOnlyRefusesImport(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.slant")
	// Another Slant has the project open for writing; the annotator has
	// labelled there before (a new one cannot be added read-only).
	writer, err := ops.OpenProject(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	if _, err := writer.EnsureAnnotator(context.Background(), "tester"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Open(context.Background(), path, store.Options{}); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("a second writer got %v, want ErrLocked", err)
	}
	u, db := openWindow(t, path, true)
	if !db.ReadOnly() {
		t.Fatal("not read-only")
	}
	if got := u.Window().Title(); got != "Slant — shared (read-only)" {
		t.Errorf("title %q", got)
	}
	if !strings.Contains(u.status.Text, "read-only") || !strings.Contains(u.status.Text, "1 documents") {
		t.Errorf("status %q", u.status.Text)
	}
	if got := u.article.text.Text(); got != string(assets.SampleArticle) {
		t.Errorf("read-only window shows %.60q", got)
	}
	p := writeFile(t, t.TempDir(), "a.txt", "Some text.\n")
	called := make(chan ops.ImportSummary, 1)
	onUI(func() { u.Import([]string{p}, func(s ops.ImportSummary) { called <- s }) })
	var m string
	eventually(t, "a dialog refusing the import", 5*time.Second, func() bool { m = overlayText(u); return m != "" })
	if !strings.Contains(strings.ToLower(m), "cannot import into shared") || !strings.Contains(m, "read-only") {
		t.Errorf("dialog:\n%s", m)
	}
	if n, _ := writer.CountDocuments(context.Background(), ""); n != 1 {
		t.Errorf("%d documents after a refused import", n)
	}
	if u.imports.bar.Visible() {
		t.Error("the import progress bar shows for a refused import")
	}
	select {
	case s := <-called:
		if s.Failed != 1 {
			t.Errorf("done called with %s for a refused import", s)
		}
	case <-time.After(5 * time.Second):
		t.Error("UI.Import on a read-only project never called done")
	}
}

func TestWindowSecondImportWaitsItsTurn(t *testing.T) {
	u, db := openWindow(t, filepath.Join(t.TempDir(), "p.slant"), false)
	dir := t.TempDir()
	var files []string
	for _, name := range []string{"one.jsonl", "two.jsonl"} {
		var b strings.Builder
		for i := 0; i < 300; i++ {
			fmt.Fprintf(&b, `{"text":"Record %d of %s: tariffs between India and the U.S."}`+"\n", i, name)
		}
		files = append(files, writeFile(t, dir, name, b.String()))
	}
	done := make(chan ops.ImportSummary, 2)
	queuedAtFirstDone, finished := -1, 0
	onUI(func() {
		for _, f := range files {
			u.Import([]string{f}, func(s ops.ImportSummary) {
				if finished++; finished == 1 { // the first to finish: the other waits its turn
					queuedAtFirstDone = len(u.imports.queue)
				}
				done <- s
			})
		}
	})
	for i := 0; i < 2; i++ {
		select {
		case s := <-done:
			if s.Added != 300 || s.Failed != 0 {
				t.Errorf("import %d: %s", i, s)
			}
		case <-time.After(time.Minute):
			t.Fatal("imports did not finish")
		}
	}
	settle(t, u)
	var listed int
	var barShown bool
	onUI(func() { listed, barShown = u.docs.list.Length(), u.imports.bar.Visible() })
	if n, _ := db.CountDocuments(context.Background(), ""); n != 601 || listed != 601 {
		t.Errorf("%d documents stored, %d listed; want 601", n, listed)
	}
	if queuedAtFirstDone != 1 {
		t.Errorf("when the first import finished, %d imports were waiting; want the second one", queuedAtFirstDone)
	}
	if barShown {
		t.Error("the progress bar is still shown after both imports")
	}
}
