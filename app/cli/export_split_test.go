package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// splitProject is a project of 200 articles ana labelled (imported as
// doccano lines naming her), ten of them reprints of another with a new
// first sentence: the same wire story in another outlet.
func splitProject(t *testing.T) (path string, reprints map[string]string) {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("tariff india trade talks market shares rose fell company minister said deal week talks growth bank rates election court ruling union strike oil price energy climate summit")
	article := func() string {
		var b strings.Builder
		for range 120 {
			b.WriteString(words[r.IntN(len(words))])
			b.WriteByte(' ')
		}
		return strings.TrimSpace(b.String()) + "."
	}
	values := []string{"negative", "neutral", "positive"}
	var lines []string
	var texts []string
	reprints = map[string]string{}
	for i := range 200 {
		text := fmt.Sprintf("Story %d. %s", i, article())
		if i >= 190 {
			orig := texts[i-190]
			text = fmt.Sprintf("Reprinted by outlet %d. ", i) + orig[strings.Index(orig, ".")+2:]
			reprints[text] = orig
		}
		texts = append(texts, text)
		rec, _ := json.Marshal(map[string]any{"text": text, "label": [][3]any{}, "cats": []string{"document_sentiment:" + values[i%3]}, "source": "ana"})
		lines = append(lines, string(rec))
	}
	file := putFile(t, t.TempDir(), "ana.jsonl", strings.Join(lines, "\n")+"\n")
	path = newProjectPath(t)
	if out := mustSlant(t, nil, "import", "--db", path, file); !strings.Contains(out, "200 labelled layers") {
		t.Fatalf("import: %s", out)
	}
	return path, reprints
}

func TestExportSplits(t *testing.T) {
	path, reprints := splitProject(t)
	split := func(seed string) string {
		dir := t.TempDir()
		_, errOut, code := runSlant(t, nil, "export", "--db", path, "--format", "doccano", "--annotator", "ana",
			"--split", "train=0.8,dev=0.1,test=0.1", "--seed", seed, "--out", dir)
		if code != 0 || !strings.Contains(errOut, "exported 200 records of ana into 3 splits") || !strings.Contains(errOut, "10 near-duplicate groups") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		return dir
	}
	dir := split("7")
	where := map[string]string{}
	perSplit := map[string]int{}
	for _, name := range []string{"train", "dev", "test"} {
		data, err := os.ReadFile(filepath.Join(dir, name+".jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			var rec struct{ Text string }
			json.Unmarshal([]byte(line), &rec)
			where[rec.Text] = name
			perSplit[name]++
		}
	}
	if len(where) != 200 || perSplit["train"] < 155 || perSplit["train"] > 165 || perSplit["dev"] < 15 || perSplit["test"] < 15 {
		t.Errorf("%d documents, per split %v", len(where), perSplit)
	}
	for reprint, orig := range reprints {
		if where[reprint] != where[orig] {
			t.Errorf("a reprint is in %s, its original in %s", where[reprint], where[orig])
		}
	}
	var m struct {
		Seed      uint64 `json:"seed"`
		Documents int    `json:"documents"`
		Splits    map[string]struct {
			Documents int            `json:"documents"`
			Labels    map[string]int `json:"labels"`
		} `json:"splits"`
		Command string `json:"command"`
	}
	data, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err := json.Unmarshal(data, &m); err != nil || m.Seed != 7 || m.Documents != 200 || m.Splits["dev"].Documents != perSplit["dev"] ||
		!strings.Contains(m.Command, "--split train=0.8,dev=0.1,test=0.1") {
		t.Errorf("manifest (%v):\n%s", err, data)
	}
	// Stratified: each split holds each label in about its share.
	for name, s := range m.Splits {
		for _, v := range []string{"negative", "neutral", "positive"} {
			n := s.Labels["document_sentiment:"+v]
			if want := float64(s.Documents) / 3; float64(n) < want-4 || float64(n) > want+4 {
				t.Errorf("%s holds %d %s of %d documents", name, n, v, s.Documents)
			}
		}
	}
	// The same seed, the same files (the manifest differs only in the
	// command line, whose --out is another folder); another seed, others.
	again := split("7")
	for _, f := range []string{"train.jsonl", "dev.jsonl", "test.jsonl", "manifest.json"} {
		a, _ := os.ReadFile(filepath.Join(dir, f))
		b, _ := os.ReadFile(filepath.Join(again, f))
		if f == "manifest.json" {
			a, b = bytes.ReplaceAll(a, []byte(dir), nil), bytes.ReplaceAll(b, []byte(again), nil)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs with the same seed", f)
		}
	}
	other := split("8")
	a, _ := os.ReadFile(filepath.Join(dir, "test.jsonl"))
	b, _ := os.ReadFile(filepath.Join(other, "test.jsonl"))
	if bytes.Equal(a, b) {
		t.Error("another seed gives the same test split")
	}
	// Refusals.
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"--split", "train=0.8,dev=0.3"}, "sum to 1.1"},
		{[]string{"--split", "train=1"}, "--split needs --out DIR"},
	} {
		args := append([]string{"export", "--db", path, "--format", "csv", "--annotator", "ana"}, c.args...)
		if c.says != "--split needs --out DIR" {
			args = append(args, "--out", t.TempDir())
		}
		if _, errOut, code := runSlant(t, nil, args...); code != 2 || !strings.Contains(errOut, c.says) {
			t.Errorf("%v: exit %d, %s", c.args, code, errOut)
		}
	}
}

// slant stats reports the near-duplicate articles an export keeps together.
func TestStatsNearDuplicates(t *testing.T) {
	path, _ := splitProject(t)
	var s struct {
		Documents      int       `json:"documents"`
		NearDuplicates [][]int64 `json:"near_duplicates"`
	}
	if err := json.Unmarshal([]byte(mustSlant(t, nil, "stats", "--db", path, "--json")), &s); err != nil {
		t.Fatal(err)
	}
	if s.Documents != 201 || len(s.NearDuplicates) != 10 {
		t.Errorf("%d documents, near-duplicate groups %v", s.Documents, s.NearDuplicates)
	}
	for _, g := range s.NearDuplicates {
		// The original (imported first) and its reprint, 190 documents on.
		if len(g) != 2 || g[1]-g[0] != 190 {
			t.Errorf("group %v", g)
		}
	}
	if out := mustSlant(t, nil, "stats", "--db", path); !strings.Contains(out, "near-duplicates  10 groups, 20 documents") {
		t.Errorf("stats:\n%s", out)
	}
}
