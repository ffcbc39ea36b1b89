package cli_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestImportCommandBrat(t *testing.T) {
	dir := t.TempDir()
	putFile(t, dir, "x/text/bill.txt", "Ana said “no”.\r\n")
	putFile(t, dir, "x/attributions/bill_4b22.ann", "T1\tSource 0 3\tAna\nT2\tCue 4 8\tsaid\nT3\tContent 9 13\t“no”\nE1\tAttribution:T2 Source:T1 Cue:T2 Content:T3\n")
	bad := putFile(t, dir, "x/attributions/bill_ef2d.ann", "T1\tSource 0 3\tAna\nE1\tAttribution:T1 Source:T1 Content:T7\n")
	db := newProjectPath(t)

	_, errOut, code := runSlant(t, nil, "import", "--db", db, filepath.Join(dir, "x"))
	if code != 1 || !strings.Contains(errOut, "bill_4b22.ann: whose annotations are these? Give --annotator NAME, or --annotator-from-suffix") {
		t.Fatalf("without an annotator: exit %d, stderr %q", code, errOut)
	}
	_, errOut, code = runSlant(t, nil, "import", "--db", db, "--annotator", "ana", "--annotator-from-suffix", dir)
	if code != 2 || !strings.Contains(errOut, "not both") {
		t.Fatalf("both flags: exit %d, stderr %q", code, errOut)
	}
	out, errOut, code := runSlant(t, nil, "import", "--db", db, filepath.Join(dir, "x"), "--annotator-from-suffix")
	want := "imported 1, duplicates skipped 0, failed 1; brat: 1 annotator layers added (0 entities, 1 quotes), 0 already imported\n"
	if code != 1 || out != want || errOut != "slant import: "+bad+":2: E1 names T7, which is not in the file\n" {
		t.Fatalf("exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}
	if rows := cmdListJSON(t, db); len(rows) != 2 || rows[1].Title != "bill" || rows[1].Status != "done" {
		t.Errorf("list: %+v", rows)
	}
}

// A link inside a folder that leads out of it is not followed unless
// --follow-links, and is said.
func TestImportLeavesLinksOutOfTheFolder(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "news")
	putFile(t, folder, "a.txt", "An article inside.")
	outside := filepath.Join(dir, "elsewhere")
	putFile(t, outside, "b.txt", "An article outside.")
	if err := os.Symlink(outside, filepath.Join(folder, "docs")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	db := newProjectPath(t)
	out, errOut, code := runSlant(t, nil, "import", "--db", db, folder)
	if code != 0 || !strings.Contains(out, "imported 1,") || !strings.Contains(errOut, filepath.Join(folder, "docs")+": a link leading out of the folder, not followed") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	if out := mustSlant(t, nil, "import", "--db", db, "--follow-links", folder); !strings.Contains(out, "imported 1, duplicates skipped 1") {
		t.Errorf("with --follow-links: %s", out)
	}
}

// Ctrl-C during an import stops it between files, keeps what is whole and
// prints the summary of what was committed.
func TestImportInterrupted(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for f := range 40 {
		var b strings.Builder
		for i := range 2000 {
			fmt.Fprintf(&b, `{"text": "Record %d of file %d: markets moved as the minister spoke."}`+"\n", i, f)
		}
		files = append(files, putFile(t, dir, fmt.Sprintf("f%02d.jsonl", f), b.String()))
	}
	db := newProjectPath(t)
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--", "import", "--db", db}, files...)...)
	cmd.Env = append(os.Environ(), "SLANT_CLI_PROCESS=1")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(700 * time.Millisecond)
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	if !strings.Contains(errOut.String(), "import cancelled") {
		if err == nil {
			t.Skipf("the import finished before the interrupt: %s", out.String())
		}
		t.Fatalf("%v\nstdout %s\nstderr %s", err, out.String(), errOut.String())
	}
	var added, dups, failed int
	if _, err := fmt.Sscanf(out.String(), "imported %d, duplicates skipped %d, failed %d", &added, &dups, &failed); err != nil || cmd.ProcessState.ExitCode() != 1 {
		t.Fatalf("exit %d, summary %q (%v)", cmd.ProcessState.ExitCode(), out.String(), err)
	}
	// What it says was imported is what the project holds: whole files.
	if added%2000 != 0 || failed != 40-added/2000 {
		t.Errorf("imported %d, failed %d: not whole files", added, failed)
	}
	listed := strings.Count(mustSlant(t, nil, "list", "--db", db, "--json"), "\n")
	if listed != added+1 { // and the sample
		t.Errorf("the project holds %d documents; the summary said %d imported", listed-1, added)
	}
}
