package format

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slant-annotate/slant/annotate"
)

// sharedData finds shared/data by walking up from the working directory and
// looking for a sibling "shared/data" at each level; it skips the test when
// there is none (a fresh clone).
func sharedData(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Skip("no working directory:", err)
	}
	for {
		p := filepath.Join(dir, "shared", "data")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("shared/data not found above the working directory; real-data tests need the project's shared data")
		}
		dir = parent
	}
}

// dataFile returns shared/data/rel, skipping the test when it is absent.
func dataFile(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(sharedData(t), filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s not available: %v", rel, err)
	}
	return p
}

var persentOpts = Options{TextCol: "DOCUMENT", TitleCol: "TITLE", IDCol: "DOCUMENT_INDEX"}

func TestPerSenT(t *testing.T) {
	dev := dataFile(t, "persent/dev.csv")
	test := dataFile(t, "persent/random_test.csv")
	counts := map[string]int{}
	ids := map[string]bool{}
	var sample *annotate.Document
	untitled := 0
	for _, p := range []string{dev, test} {
		for _, d := range mustRead(t, p, persentOpts) {
			counts[filepath.Base(p)]++
			if d.Text == "" || !utf8.ValidString(d.Text) || strings.ContainsRune(d.Text, 0) || strings.Contains(d.Text, "\r") {
				t.Errorf("%s: bad text", d.Source)
			}
			if d.Title == "" {
				untitled++ // no TITLE, and the text has no heading line
			}
			if d.ExternalID == "" || !strings.HasPrefix(d.Source, p+":") {
				t.Errorf("%s: doc %q %q", d.Source, d.ExternalID, d.Title)
			}
			if ids[d.ExternalID] {
				t.Errorf("%s: id %s repeated", d.Source, d.ExternalID)
			}
			ids[d.ExternalID] = true
			if _, ok := d.Meta["TARGET_ENTITY"]; !ok || len(d.Meta) != 19 {
				t.Errorf("%s: meta has %d keys", d.Source, len(d.Meta))
			}
			if d.ExternalID == "3360" {
				sample = &d
			}
		}
	}
	if counts["dev.csv"] != 578 || counts["random_test.csv"] != 579 || len(ids) != 1157 {
		t.Errorf("counts %v, %d ids; want 578 + 579 = 1157", counts, len(ids))
	}
	if untitled != 9 {
		t.Errorf("%d untitled articles, want 9", untitled)
	}
	if sample == nil {
		t.Fatal("article 3360 not found")
	}
	if sample.Title != "AS VALUES DROP MORE HOMEOWNERS WALKING AWAY FROM MORTGAGES" ||
		sample.Source != dev+":2" ||
		sample.Meta["TARGET_ENTITY"] != "Benjamin Koellmann" || sample.Meta["TRUE_SENTIMENT"] == "" ||
		!strings.HasPrefix(sample.Text, "In 2006  Benjamin Koellmann bought a condominium in Miami Beach.") ||
		!strings.HasSuffix(sample.Text, `"That may have been the last straw " Koellmann said.`) ||
		strings.Count(sample.Text, "\n") != 5 {
		t.Errorf("article 3360: %q %q %v\n%q", sample.Title, sample.Source, sample.Meta["TARGET_ENTITY"], sample.Text)
	}

	// Auto-detection finds DOCUMENT and TITLE by name (not the id, which
	// is not called "id").
	d := mustRead(t, dev, Options{})[0]
	if d.Title != sample.Title || d.Text != sample.Text || d.ExternalID != "" || d.Meta["DOCUMENT_INDEX"] != "3360" {
		t.Errorf("auto-detected: %q %q", d.Title, d.ExternalID)
	}
}

func TestNewsMTSC(t *testing.T) {
	p := dataFile(t, "newsmtsc/devtest_rw.jsonl")
	docs := mustRead(t, p, Options{TextField: "sentence_normalized"})
	if len(docs) != 1067 {
		t.Errorf("%d documents, want 1067", len(docs))
	}
	d := docs[0]
	if d.Text != "A group of congressional Democrats said Wednesday that they will ask Congress to take the rare step of officially censuring Mr. Trump." ||
		d.Source != p+":1" || d.Meta["primary_gid"] != "allsides_703_283_55_Mr. Trump_124_133" {
		t.Errorf("first: %+v", d)
	}
	targets, ok := d.Meta["targets"].([]any)
	if !ok || len(targets) != 1 {
		t.Fatalf("targets %#v", d.Meta["targets"])
	}
	tg := targets[0].(map[string]any)
	// Offsets in the data are code points into the text.
	from, _ := tg["from"].(interface{ Int64() (int64, error) }).Int64()
	to, _ := tg["to"].(interface{ Int64() (int64, error) }).Int64()
	if got := string([]rune(d.Text)[from:to]); got != tg["mention"] {
		t.Errorf("mention %q at [%d,%d), want %q", got, from, to, tg["mention"])
	}

	// Without the option, the error says what to do on line 1.
	_, err := readAll(t, p, Options{})
	wantErr(t, err, p, 1, "no text field", "--text-field", `"sentence_normalized"`)
}

// BenchmarkPerSenT reads both PerSenT files (1,157 articles) through Read.
// The import budget is 2,000 articles/s including SQLite, so parsing is
// given a tenth of it: 20,000 articles/s, 57.85 ms per 1,157.
func BenchmarkPerSenT(b *testing.B) {
	files := []string{dataFile(b, "persent/dev.csv"), dataFile(b, "persent/random_test.csv")}
	var size int64
	for _, p := range files {
		st, _ := os.Stat(p)
		size += st.Size()
	}
	b.SetBytes(size)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n = 0
		for _, p := range files {
			if err := Read(p, persentOpts, func(annotate.Document) error { n++; return nil }); err != nil {
				b.Fatal(err)
			}
		}
	}
	if n != 1157 {
		b.Fatalf("%d articles", n)
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "articles/s")
	b.ReportMetric(1157.0/20000*1000, "budget-ms")
}

// BenchmarkNewsMTSC reads newsmtsc train.jsonl (7,758 sentences) through Read.
func BenchmarkNewsMTSC(b *testing.B) {
	p := dataFile(b, "newsmtsc/train.jsonl")
	st, _ := os.Stat(p)
	b.SetBytes(st.Size())
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n = 0
		if err := Read(p, Options{TextField: "sentence_normalized"}, func(annotate.Document) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
	b.ReportMetric(float64(n)/20000*1000, "budget-ms")
}
