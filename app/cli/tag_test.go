package cli_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slant-annotate/slant/app/cli"
	"github.com/slant-annotate/slant/assets"
)

func tagRun(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Run(&cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, args)
	return out.String(), errb.String(), code
}

type tagLine struct {
	File     string `json:"file"`
	Entities []struct {
		Start, End  int
		Label, Text string
		Target      string
	} `json:"entities"`
	Targets []struct {
		Name, Label string
		Mentions    [][2]int
	} `json:"targets"`
	Quotes []struct {
		Start, End int
		Text       string
		Speaker    *struct {
			Start, End int
			Text       string
		}
	} `json:"quotes"`
}

func slice(text string, s, e int) string {
	r := []rune(text)
	return string(r[s:e])
}

func TestTagJSONSample(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sample.txt")
	os.WriteFile(p, assets.SampleArticle, 0o644)
	empty := filepath.Join(dir, "empty.txt")
	os.WriteFile(empty, nil, 0o644)
	out, errs, code := tagRun(t, "tag", "--json", p, empty)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 JSON lines, got %d", len(lines))
	}
	// exact key order and shape
	if !strings.HasPrefix(lines[0], `{"file":"`+p+`","entities":[{"start":4,"end":17,"label":"GPE","text":"United States","target":"United States"}`) {
		t.Errorf("first line starts %.200s", lines[0])
	}
	if !strings.Contains(lines[0], `"quotes":[{"start":1184,"end":1223,"text":"“This is classic Trump trade strategy,”","speaker":{"start":1229,"end":1262,"text":"a Washington-based trade attorney"}}`) {
		t.Errorf("first quote not as expected")
	}
	if lines[1] != `{"file":"`+empty+`","entities":[],"targets":[],"quotes":[]}` {
		t.Errorf("empty file: %s", lines[1])
	}
	var l tagLine
	if err := json.Unmarshal([]byte(lines[0]), &l); err != nil {
		t.Fatal(err)
	}
	text := string(assets.SampleArticle)
	n := utf8.RuneCountInString(text)
	for _, e := range l.Entities {
		if e.Start < 0 || e.End > n || slice(text, e.Start, e.End) != e.Text {
			t.Errorf("entity %+v does not slice the text", e)
		}
	}
	for _, q := range l.Quotes {
		if slice(text, q.Start, q.End) != q.Text {
			t.Errorf("quote %+v does not slice the text", q)
		}
		if q.Speaker != nil && slice(text, q.Speaker.Start, q.Speaker.End) != q.Speaker.Text {
			t.Errorf("speaker %+v does not slice the text", q.Speaker)
		}
	}
	names := map[string]string{}
	for _, tg := range l.Targets {
		names[tg.Name] = tg.Label
	}
	for name, label := range map[string]string{"United States": "GPE", "India": "GPE", "Amazon": "ORG", "Walmart": "ORG",
		"Flipkart": "ORG", "Donald Trump": "PERSON", "Financial Times": "ORG", "USTR": "ORG"} {
		if names[name] != label {
			t.Errorf("target %s: label %q, want %q", name, names[name], label)
		}
	}
	if len(l.Targets) != 8 {
		t.Errorf("%d targets, want 8: %v", len(l.Targets), names)
	}
}

func TestTagReadable(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a.txt")
	os.WriteFile(p, []byte("“We will win,” said Jane Smith, the mayor of Springfield.\r\n"), 0o644)
	out, errs, code := tagRun(t, "tag", p)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{p + ":", "Jane Smith", "“We will win,”", "quotes:"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestTagErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("ok\xffno"), 0o644)
	_, errs, code := tagRun(t, "tag", "--json", bad)
	if code != 1 || !strings.Contains(errs, bad) || !strings.Contains(errs, "invalid UTF-8") {
		t.Errorf("invalid UTF-8: exit %d, stderr %q", code, errs)
	}
	_, errs, code = tagRun(t, "tag", filepath.Join(dir, "missing.txt"))
	if code != 1 || !strings.Contains(errs, "missing.txt") {
		t.Errorf("missing file: exit %d, stderr %q", code, errs)
	}
	if _, _, code = tagRun(t, "tag"); code != 2 {
		t.Errorf("no files: exit %d, want 2", code)
	}
}

// slant tag reads files as import does: a pipe, a device or a file over
// the size limit is refused with its name, never read without end.
func TestTagRefusesWhatImportRefuses(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.txt")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	big := filepath.Join(dir, "big.txt")
	if err := os.WriteFile(big, bytes.Repeat([]byte("word "), 5<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ file, says string }{
		{fifo, "not a regular file"},
		{"/dev/zero", "not a regular file"},
		{big, "over the limit"},
	} {
		done := make(chan struct{})
		var errOut string
		var code int
		go func() {
			defer close(done)
			_, errOut, code = runSlant(t, nil, "tag", c.file)
		}()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatalf("slant tag %s did not return", c.file)
		}
		if code != 1 || !strings.Contains(errOut, c.file) || !strings.Contains(errOut, c.says) {
			t.Errorf("%s: exit %d, %s", c.file, code, errOut)
		}
	}
}
