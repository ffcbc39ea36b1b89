package cli_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// newsMTSCFile finds ../shared/data/newsmtsc/name, skipping the test (with
// a message) where the shared data is absent.
func newsMTSCFile(tb testing.TB, name string) string {
	tb.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "data", "newsmtsc", name))
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("%s not found (../shared absent): the NewsMTSC round trip is skipped", p)
	}
	return p
}

// newsMTSCRows reads a NewsMTSC-style file as its (sentence, from, to,
// polarity) rows, sorted.
func newsMTSCRows(t *testing.T, data []byte) []string {
	t.Helper()
	var rows []string
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var rec struct {
			Text    string `json:"sentence_normalized"`
			Targets []struct {
				From, To int
				Mention  string
				Polarity float64
			} `json:"targets"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		for _, tg := range rec.Targets {
			rows = append(rows, fmt.Sprintf("%s\t%d\t%d\t%s\t%g", rec.Text, tg.From, tg.To, tg.Mention, tg.Polarity))
		}
	}
	slices.Sort(rows)
	return rows
}

// Importing NewsMTSC with --annotator brings its targets and polarities in
// as that annotator's layers; exporting them as targets gives back the
// same sentences, offsets and polarities.
func TestNewsMTSCRoundTrip(t *testing.T) {
	src := newsMTSCFile(t, "devtest_rw.jsonl")
	path := newProjectPath(t)
	out := mustSlant(t, nil, "import", "--db", path, "--text-field", "sentence_normalized", "--annotator", "nmt", src)
	if !strings.Contains(out, "imported 1067,") || !strings.Contains(out, "1067 labelled layers") {
		t.Fatalf("import: %s", out)
	}
	exported := mustSlant(t, nil, "export", "--db", path, "--format", "targets", "--annotator", "nmt")
	in, _ := os.ReadFile(src)
	want, got := newsMTSCRows(t, in), newsMTSCRows(t, []byte(exported))
	if len(want) != 1146 || !slices.Equal(got, want) {
		t.Errorf("%d rows back, want the %d in (first difference below)", len(got), len(want))
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Errorf("got  %q\nwant %q", got[i], want[i])
				break
			}
		}
	}
	// As a Python user slices it.
	if python, err := exec.LookPath("python3"); err == nil {
		file := filepath.Join(t.TempDir(), "targets.jsonl")
		os.WriteFile(file, []byte(exported), 0o644)
		if out, err := exec.Command(python, "testdata/check_export.py", "--targets", file).CombinedOutput(); err != nil {
			t.Errorf("python check: %v\n%s", err, out)
		} else {
			t.Logf("%s", out)
		}
	}
	// Importing the file again changes nothing.
	if again := mustSlant(t, nil, "import", "--db", path, "--text-field", "sentence_normalized", "--annotator", "nmt", src); !strings.Contains(again, "imported 0, duplicates skipped 1067") || strings.Contains(again, "labelled layers") {
		t.Errorf("again: %s", again)
	}
}

// A mention that is not the text at its offsets is an error naming the
// file and line, and nothing of the file comes in.
func TestNewsMTSCBadMention(t *testing.T) {
	dir := t.TempDir()
	good := `{"primary_gid": "a", "sentence_normalized": "Mr. Trump spoke.", "targets": [{"from": 0, "to": 9, "mention": "Mr. Trump", "polarity": 4.0}]}`
	bad := `{"primary_gid": "b", "sentence_normalized": "😀 Acme rose.", "targets": [{"from": 1, "to": 6, "mention": "Acme", "polarity": 6.0}]}`
	file := putFile(t, dir, "n.jsonl", good+"\n"+bad+"\n")
	path := newProjectPath(t)
	out, errOut, code := runSlant(t, nil, "import", "--db", path, "--text-field", "sentence_normalized", "--annotator", "nmt", file)
	if code != 1 || !strings.Contains(errOut, file+":2") || !strings.Contains(errOut, `not the mention "Acme"`) || !strings.Contains(out, "imported 0,") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
}

// BenchmarkImportNewsMTSCTrain is `slant import --annotator nmt` of
// NewsMTSC's train.jsonl (7,758 sentences, 8,739 targets with polarities)
// into a new project, as a process of its own. Budget 1,000 ms.
func BenchmarkImportNewsMTSCTrain(b *testing.B) {
	src := newsMTSCFile(b, "train.jsonl")
	dir := b.TempDir()
	n := 0
	for b.Loop() {
		out := slantProcess(b, "import", "--db", filepath.Join(dir, fmt.Sprintf("p%d.slant", n)), "--text-field", "sentence_normalized", "--annotator", "nmt", src)
		n++
		if !strings.Contains(string(out), "imported 7739,") {
			b.Fatalf("%s", out)
		}
	}
	b.ReportMetric(1000, "budget-ms")
}
