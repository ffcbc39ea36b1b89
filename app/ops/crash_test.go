package ops_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/app/cli"
	"github.com/slant-annotate/slant/app/ops"
	"github.com/slant-annotate/slant/store"
)

// The child process: the test binary run again with SLANT_TEST_HELPER set.
// It reports on stdout, one line at a time, so the parent can time a kill.
//
//	import: opens SLANT_TEST_DB, prints "open", imports SLANT_TEST_PATHS
//	        (path-list separated) printing "done FILE ADDED" after each file,
//	        then "finished".
//	hold:   opens SLANT_TEST_DB for writing, prints "ready", and keeps it
//	        open until its standard input closes.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv("SLANT_TEST_HELPER")
	if mode == "" {
		return
	}
	ctx := context.Background()
	db, err := ops.OpenProject(ctx, os.Getenv("SLANT_TEST_DB"), store.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(3)
	}
	switch mode {
	case "import":
		fmt.Println("open")
		paths := filepath.SplitList(os.Getenv("SLANT_TEST_PATHS"))
		sum := ops.Import(ctx, db, paths, ops.ImportOptions{}, func(p ops.ImportProgress) {
			fmt.Printf("done %s %d\n", p.File, p.Added)
		})
		fmt.Println("finished", sum.String())
	case "hold":
		fmt.Println("ready")
		io.Copy(io.Discard, os.Stdin)
	case "label":
		// Five labels, each reported once saved, then wait to be killed.
		ann, _ := db.EnsureAnnotator(ctx, "ana")
		doc := int64(1)
		l, err := db.Layer(ctx, doc, ann.ID)
		if err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			os.Exit(3)
		}
		_, sv, _ := db.Schema(ctx)
		values := []string{"negative", "neutral", "positive"}
		for i, tg := range l.LiveTargets()[:5] {
			if _, err := db.SetLabel(ctx, ann.ID, doc, "target_sentiment", annotate.TargetUnit(tg.ID), annotate.LabelValue{Value: values[i%3]}, sv); err != nil {
				fmt.Fprintln(os.Stderr, "helper:", err)
				os.Exit(3)
			}
			fmt.Println("saved", annotate.TargetUnit(tg.ID))
		}
		select {}
	}
	db.Close()
	os.Exit(0)
}

// child starts the helper in mode on the project at db.
type child struct {
	cmd   *exec.Cmd
	lines chan string
	stdin io.WriteCloser
}

func startChild(t *testing.T, mode, db string, paths ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(),
		"SLANT_TEST_HELPER="+mode,
		"SLANT_TEST_DB="+db,
		"SLANT_TEST_PATHS="+strings.Join(paths, string(os.PathListSeparator)))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, lines: make(chan string, 1000), stdin: in}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
		close(c.lines)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() && stderr.Len() > 0 {
			t.Logf("child stderr:\n%s", stderr.String())
		}
	})
	return c
}

// next waits for the child's next line.
func (c *child) next(t *testing.T, limit time.Duration) string {
	t.Helper()
	select {
	case line, ok := <-c.lines:
		if !ok {
			t.Fatalf("the child ended early: %v", c.cmd.Wait())
		}
		return line
	case <-time.After(limit):
		t.Fatalf("no word from the child in %v", limit)
	}
	return ""
}

// makeJSONL writes n distinct records to dir/name.
func makeJSONL(t *testing.T, dir, name string, n int) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `{"id":"%s-%d","title":"Record %d of %s","text":"Record %d of %s: Amazon and Walmart press India on e-commerce rules, said a trade attorney in Washington on day %d."}`+"\n",
			name, i, i, name, i, name, i)
	}
	return write(t, dir, name, []byte(b.String()))
}

// sourcesPerFile counts the project's documents by the file they came from.
func sourcesPerFile(t *testing.T, db *store.DB) map[string]int {
	t.Helper()
	per := map[string]int{}
	err := db.EachDocument(context.Background(), "", func(d store.DocSummary) error {
		file := d.Source
		if i := strings.LastIndexByte(file, ':'); i > 0 && file != store.SampleSource {
			file = file[:i]
		}
		per[file]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return per
}

// integrity runs SQLite's own checks on the project file, the FTS index's
// included, over a connection of its own.
func integrity(t *testing.T, path string) {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var res string
	if err := conn.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check: %q %v", res, err)
	}
	if _, err := conn.Exec("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')"); err != nil {
		t.Fatalf("FTS index integrity-check: %v", err)
	}
	var docs, fts int
	conn.QueryRow("SELECT count(*) FROM documents").Scan(&docs)
	conn.QueryRow("SELECT count(*) FROM documents_fts").Scan(&fts)
	if docs != fts {
		t.Fatalf("%d documents but %d rows in the full-text index", docs, fts)
	}
}

func TestCrashMidImportKeepsWholeFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: imports 30,000 records in a child process")
	}
	dir := t.TempDir()
	// 12 files of different sizes, 30,600 records in all: a file's count
	// tells a whole file from a part of one.
	var files []string
	sizes := map[string]int{}
	total := 0
	for k := 0; k < 12; k++ {
		n := 2000 + 100*k
		f := makeJSONL(t, dir, fmt.Sprintf("batch%02d.jsonl", k), n)
		files = append(files, f)
		sizes[f] = n
		total += n
	}
	path := filepath.Join(t.TempDir(), "crash.slant")
	c := startChild(t, "import", path, files...)
	if line := c.next(t, 30*time.Second); line != "open" {
		t.Fatalf("child said %q, want open", line)
	}
	opened := time.Now()
	first := c.next(t, 60*time.Second)
	if !strings.HasPrefix(first, "done "+files[0]+" ") {
		t.Fatalf("child said %q", first)
	}
	perFile := time.Since(opened)

	// While the child writes, a read-only list works.
	var out, errb bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	if code := cli.Run(env, []string{"list", "--json", "--db", path}); code != 0 {
		t.Fatalf("slant list during the import: exit %d: %s", code, errb.String())
	}
	if n := strings.Count(out.String(), "\n"); n < 1+sizes[files[0]] {
		t.Errorf("slant list during the import shows %d documents, want at least the sample and the first file's %d", n, sizes[files[0]])
	}

	// Kill in the middle of a later file.
	time.Sleep(perFile * 3 / 2)
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	reported := map[string]bool{files[0]: true}
	finished := false
	for line := range c.lines {
		if f, ok := strings.CutPrefix(line, "done "); ok {
			reported[f[:strings.LastIndexByte(f, ' ')]] = true
		}
		if strings.HasPrefix(line, "finished") {
			finished = true
		}
	}
	err := c.cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child was not killed: %v", err)
	}
	if finished {
		t.Fatalf("the child finished all %d files before the kill; the test did not kill it mid-import", len(files))
	}

	// The project opens for writing (no lock left behind) and is sound.
	db, err := ops.OpenProject(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatalf("reopen after the crash: %v", err)
	}
	defer db.Close()
	integrity(t, path)
	per := sourcesPerFile(t, db)
	if per[store.SampleSource] != 1 {
		t.Errorf("sample: %d", per[store.SampleSource])
	}
	whole := 0
	for i, f := range files {
		got := per[f]
		switch {
		case got == sizes[f]:
			whole++
			if whole != i+1 {
				t.Errorf("%s is whole but an earlier file is not", filepath.Base(f))
			}
		case got == 0:
			if reported[f] {
				t.Errorf("%s was reported done but is missing after the crash", filepath.Base(f))
			}
		default:
			t.Errorf("%s: %d of its %d records survived the crash: a file must import whole or not at all", filepath.Base(f), got, sizes[f])
		}
	}
	t.Logf("killed after %d of %d files (%.0f ms per file)", whole, len(files), perFile.Seconds()*1000)
	if whole == len(files) {
		t.Error("every file is whole, yet the child had not finished")
	}

	// Importing again completes the project: what survived counts as duplicates.
	sum := ops.Import(context.Background(), db, files, ops.ImportOptions{}, nil)
	have := 0
	for _, f := range files[:whole] {
		have += sizes[f]
	}
	if sum.Failed != 0 || sum.Added != total-have || sum.Duplicates != have {
		t.Errorf("re-import after the crash: %s; want %d added, %d duplicates", sum, total-have, have)
	}
	if n := count(t, db); n != 1+total {
		t.Errorf("%d documents after the re-import, want %d", n, 1+total)
	}
}

func TestSecondWriterLockedWhileListWorks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "held.slant")
	c := startChild(t, "hold", path)
	if line := c.next(t, 30*time.Second); line != "ready" {
		t.Fatalf("child said %q", line)
	}
	pid := strconv.Itoa(c.cmd.Process.Pid)

	_, err := store.Open(context.Background(), path, store.Options{})
	if !errors.Is(err, store.ErrLocked) {
		t.Fatalf("a second writer got %v, want store.ErrLocked", err)
	}
	for _, part := range []string{path, "open for writing in another Slant", "process " + pid, "read-only"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("message %q does not say %q", err, part)
		}
	}
	// The same through the command line: import refuses, list reads.
	var out, errb bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	txt := write(t, t.TempDir(), "a.txt", []byte("Text.\n"))
	if code := cli.Run(env, []string{"import", "--db", path, txt}); code != 1 {
		t.Errorf("slant import into a held project: exit %d, want 1", code)
	}
	if !strings.Contains(errb.String(), "open for writing in another Slant") {
		t.Errorf("slant import stderr %q", errb.String())
	}
	out.Reset()
	errb.Reset()
	if code := cli.Run(env, []string{"list", "--db", path}); code != 0 {
		t.Fatalf("slant list on a held project: exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "US to press India") {
		t.Errorf("slant list shows %q", out.String())
	}

	// When the holder exits, a writer gets in.
	c.stdin.Close()
	if err := c.cmd.Wait(); err != nil {
		t.Fatalf("holder: %v", err)
	}
	db, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatalf("open after the holder closed: %v", err)
	}
	db.Close()
}

func TestLockReleasedWhenHolderKilled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "killed.slant")
	c := startChild(t, "hold", path)
	if line := c.next(t, 30*time.Second); line != "ready" {
		t.Fatalf("child said %q", line)
	}
	c.cmd.Process.Signal(syscall.SIGKILL)
	c.cmd.Wait()
	db, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatalf("open after the holder was killed: %v", err)
	}
	db.Close()
	integrity(t, path)
}

// A copy of the .slant file alone, taken right after Slant is killed,
// holds every label it reported saved: none is left only in the
// write-ahead log beside it.
func TestProjectFileAloneHoldsSavedLabels(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.slant")
	db, err := ops.OpenProject(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ops.Pretag(context.Background(), db, ops.PretagOptions{}, nil); err != nil {
		t.Fatal(err)
	}
	db.Close()
	c := startChild(t, "label", path)
	var saved []string
	for len(saved) < 5 {
		line := c.next(t, 60*time.Second)
		unit, ok := strings.CutPrefix(line, "saved ")
		if !ok {
			t.Fatalf("child said %q", line)
		}
		saved = append(saved, unit)
	}
	c.cmd.Process.Signal(syscall.SIGKILL)
	c.cmd.Wait()
	// The .slant file alone: no -wal, no -shm beside the copy.
	alone := filepath.Join(t.TempDir(), "copy.slant")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(alone, data, 0o600); err != nil {
		t.Fatal(err)
	}
	copyDB, err := store.Open(context.Background(), alone, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	ana, err := copyDB.FindAnnotator(context.Background(), "ana")
	if err != nil {
		t.Fatalf("the copy lacks the annotator: %v", err)
	}
	labels, _, err := copyDB.DocLabels(context.Background(), 1, ana.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, unit := range saved {
		if _, ok := labels[annotate.LabelKey{Task: "target_sentiment", Unit: unit}]; !ok {
			t.Errorf("the .slant file alone lacks the label of %s", unit)
		}
	}
}
