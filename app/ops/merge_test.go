package ops_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/app/ops"
	"github.com/slant-annotate/slant/store"
	"github.com/slant-annotate/slant/store/storetest"
)

// TestMergeHelperProcess is the child of the crash tests: the test binary
// run again with SLANT_MERGE_HELPER set. It opens SLANT_TEST_DB, merges
// SLANT_TEST_OTHER into it printing "step NAME" as each step begins, and,
// at step SLANT_MERGE_STOP, prints "stopped" and waits to be killed
// (inside the merge's transaction); it prints "finished" if it gets to the
// end.
func TestMergeHelperProcess(t *testing.T) {
	if os.Getenv("SLANT_MERGE_HELPER") == "" {
		return
	}
	ctx := context.Background()
	db, err := store.Open(ctx, os.Getenv("SLANT_TEST_DB"), store.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(3)
	}
	stop := os.Getenv("SLANT_MERGE_STOP")
	fmt.Println("open")
	sum, err := ops.Merge(ctx, db, []string{os.Getenv("SLANT_TEST_OTHER")}, ops.MergeOptions{Progress: func(file, step string) {
		fmt.Println("step", step)
		if step == stop {
			fmt.Println("stopped")
			select {}
		}
	}})
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(4)
	}
	fmt.Println("finished", sum)
	db.Close()
	os.Exit(0)
}

type mergeChild struct {
	cmd   *exec.Cmd
	lines chan string
}

func startMerge(t *testing.T, db, other, stop string) *mergeChild {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestMergeHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), "SLANT_MERGE_HELPER=1", "SLANT_TEST_DB="+db, "SLANT_TEST_OTHER="+other, "SLANT_MERGE_STOP="+stop)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &mergeChild{cmd: cmd, lines: make(chan string, 100)}
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

// waitFor reads the child's lines until one equals want.
func (c *mergeChild) waitFor(t *testing.T, want string, limit time.Duration) {
	t.Helper()
	deadline := time.After(limit)
	for {
		select {
		case line, ok := <-c.lines:
			if !ok {
				t.Fatalf("the child ended before %q: %v", want, c.cmd.Wait())
			}
			if line == want {
				return
			}
			if strings.HasPrefix(line, "finished") {
				t.Fatalf("the child finished the merge before %q", want)
			}
		case <-deadline:
			t.Fatalf("no %q from the child in %v", want, limit)
		}
	}
}

// kill kills the child with SIGKILL and checks it never finished.
func (c *mergeChild) kill(t *testing.T) {
	t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for line := range c.lines {
		if strings.HasPrefix(line, "finished") {
			t.Fatal("the child finished the merge before it was killed")
		}
	}
	err := c.cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child was not killed: %v", err)
	}
}

// dumpFile renders every row of every table of the project at path.
func dumpFile(t *testing.T, path string) string {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query("SELECT name, sql FROM sqlite_schema WHERE type = 'table' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var name, text string
		rows.Scan(&name, &text)
		if !strings.HasPrefix(text, "CREATE VIRTUAL") {
			names = append(names, name)
		}
	}
	rows.Close()
	var b strings.Builder
	for _, name := range names {
		rows, err := conn.Query(fmt.Sprintf("SELECT * FROM %q", name))
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			lines = append(lines, fmt.Sprintf("%v", vals))
		}
		rows.Close()
		sort.Strings(lines)
		fmt.Fprintf(&b, "== %s (%d)\n%s\n", name, len(lines), strings.Join(lines, "\n"))
	}
	return b.String()
}

// labelledProject writes a closed project of n pre-tagged articles, with
// ana's labels and statuses on the first few, and returns its path.
func labelledProject(t *testing.T, n int) string {
	t.Helper()
	ctx := context.Background()
	db, ids := storetest.PretaggedProject(t, n, 300)
	ana, err := db.EnsureAnnotator(ctx, "ana")
	if err != nil {
		t.Fatal(err)
	}
	_, sv, err := db.Schema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids[:min(len(ids), 20)] {
		if _, err := db.Layer(ctx, id, ana.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SetLabel(ctx, ana.ID, id, "document_sentiment", annotate.UnitDocument, annotate.LabelValue{Value: "neutral"}, sv); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SetStatus(ctx, ana.ID, id, annotate.StatusDone, 30); err != nil {
			t.Fatal(err)
		}
	}
	path := db.Path()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkUnchanged reopens the project after the crash and checks that it
// opens for writing, is sound, and holds exactly what it held before.
func checkUnchanged(t *testing.T, path, before string) {
	t.Helper()
	db, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatalf("reopen after the crash: %v", err)
	}
	db.Close()
	integrity(t, path)
	if after := dumpFile(t, path); after != before {
		t.Errorf("the killed merge changed the project (%d bytes of dump before, %d after)", len(before), len(after))
	}
}

func TestCrashInsideMergeLeavesProjectAsItWas(t *testing.T) {
	other := labelledProject(t, 300)
	otherBefore, _ := os.ReadFile(other)
	path := filepath.Join(t.TempDir(), "here.slant")
	db, err := ops.OpenProject(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// An annotator of its own: not empty, so the merge goes step by step
	// rather than copying the other whole.
	if _, err := db.EnsureAnnotator(context.Background(), "zed"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before := dumpFile(t, path)
	for _, stop := range []string{"spans", "events"} {
		c := startMerge(t, path, other, stop)
		c.waitFor(t, "stopped", 60*time.Second)
		c.kill(t)
		checkUnchanged(t, path, before)
	}
	if now, _ := os.ReadFile(other); !bytes.Equal(now, otherBefore) {
		t.Error("the other project was changed")
	}
	// And the merge itself works on what the crash left.
	db, err = store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sum, err := ops.Merge(context.Background(), db, []string{other}, ops.MergeOptions{})
	if err != nil || sum.Total.Documents != 300 || sum.Total.Annotators != 1 || sum.Total.LayersAdded != 20 {
		t.Fatalf("merge after the crashes: %v %v", sum, err)
	}
	t.Log(sum)
}

func TestCrashMidMergeOfTeamProject(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: merges the 10,000-document team project in a child process")
	}
	team := storetest.TeamProject(t)
	path := filepath.Join(t.TempDir(), "empty.slant")
	db, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	before := dumpFile(t, path)
	c := startMerge(t, path, team, "")
	c.waitFor(t, "step layer_spans", 60*time.Second)
	time.Sleep(300 * time.Millisecond) // in the middle of copying 766,000 spans
	c.kill(t)
	checkUnchanged(t, path, before)
}

func TestMergeSummaryLine(t *testing.T) {
	other := labelledProject(t, 5)
	db := newProject(t)
	sum, err := ops.Merge(context.Background(), db, []string{other}, ops.MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := "merged 1 project: 5 documents added, 1 annotator added, layers 5 added / 0 updated / 0 unchanged / 0 kept here, 5 labels, 10 events, 1 schema version"
	if sum.String() != want {
		t.Errorf("summary %q\nwant    %q", sum, want)
	}
	sum, err = ops.Merge(context.Background(), db, []string{other}, ops.MergeOptions{})
	if err != nil || !strings.HasSuffix(sum.String(), "nothing new") || sum.Total.LayersUnchanged != 5 {
		t.Errorf("again: %q %v", sum, err)
	}
	if _, err := ops.Merge(context.Background(), db, nil, ops.MergeOptions{}); err == nil {
		t.Error("a merge of nothing succeeded")
	}
}
