package cli_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/app/ops"
	"github.com/slant-annotate/slant/store"
)

// exportProject is a new project (the sample article, whose emoji
// headings put code points and bytes apart) pre-tagged, then labelled and
// finished by ana: the document, the first target, the first quote's
// stance, and an entity she added whose new target's name a spreadsheet
// would take for a formula.
func exportProject(t *testing.T) (path string, entities []annotate.Span, text string) {
	t.Helper()
	path = newProjectPath(t)
	mustSlant(t, nil, "pretag", "--db", path)
	ctx := context.Background()
	db, err := ops.OpenProject(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ana, err := db.EnsureAnnotator(ctx, "ana")
	if err != nil {
		t.Fatal(err)
	}
	docs, err := db.ListDocuments(ctx, "", 0, 1)
	if err != nil || len(docs) != 1 {
		t.Fatalf("documents %v %v", docs, err)
	}
	doc := docs[0].ID
	d, _ := db.Document(ctx, doc)
	l, err := db.Layer(ctx, doc, ana.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, sv, _ := db.Schema(ctx)
	set := func(task, unit string, v annotate.LabelValue) {
		if _, err := db.SetLabel(ctx, ana.ID, doc, task, unit, v, sv); err != nil {
			t.Fatal(err)
		}
	}
	set("document_sentiment", annotate.UnitDocument, annotate.LabelValue{Value: "negative"})
	set("target_sentiment", annotate.TargetUnit(l.LiveTargets()[0].ID), annotate.LabelValue{Value: "positive"})
	qs := l.Quotes()
	if len(qs) == 0 {
		t.Fatal("the sample has no quote")
	}
	set("quote_stance", annotate.QuoteUnit(qs[0].ID), annotate.LabelValue{Value: "against", Towards: l.QuoteTarget(qs[0], [2]int{0, 0})})
	// "Washington" at [3000, 3010) is no pre-tag.
	if _, _, err := db.AddSpan(ctx, ana.ID, doc, annotate.Span{Kind: annotate.KindEntity, Start: 3000, End: 3010, Label: "ORG"}, "=HYPERLINK(1)"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetStatus(ctx, ana.ID, doc, annotate.StatusDone, 10); err != nil {
		t.Fatal(err)
	}
	l, _ = db.ReadLayer(ctx, doc, ana.ID)
	for _, s := range l.Spans {
		if s.Kind == annotate.KindEntity && s.Live() {
			entities = append(entities, s)
		}
	}
	return path, entities, d.Text
}

func TestExportFormats(t *testing.T) {
	path, entities, text := exportProject(t)
	dir := t.TempDir()
	files := map[string]string{}
	for _, f := range []string{"doccano", "prodigy", "csv", "stance"} {
		files[f] = filepath.Join(dir, "ana."+f)
		_, errOut, code := runSlant(t, nil, "export", "--db", path, "--format", f, "--annotator", "ana", "--out", files[f])
		if code != 0 || !strings.Contains(errOut, "exported 1 records of ana") {
			t.Fatalf("export %s: exit %d: %s", f, code, errOut)
		}
	}
	// doccano: one line, every entity at its code-point offsets.
	data, _ := os.ReadFile(files["doccano"])
	var rec struct {
		ID    int64    `json:"id"`
		Text  string   `json:"text"`
		Label [][3]any `json:"label"`
		Cats  []string `json:"cats"`
	}
	if err := json.Unmarshal(data, &rec); err != nil || strings.Count(string(data), "\n") != 1 {
		t.Fatalf("doccano file: %v\n%s", err, data)
	}
	if rec.Text != text || len(rec.Cats) != 1 || rec.Cats[0] != "document_sentiment:negative" {
		t.Errorf("doccano text or cats: %q", rec.Cats)
	}
	runes := []rune(text)
	found := 0
	for _, e := range entities {
		for _, l := range rec.Label {
			if int(l[0].(float64)) == e.Start && int(l[1].(float64)) == e.End && l[2] == e.Label {
				found++
				break
			}
		}
	}
	if found != len(entities) || len(entities) < 10 {
		t.Errorf("doccano has %d of the %d entities", found, len(entities))
	}
	if got := string(runes[3000:3010]); !strings.Contains(string(data), `[3000,3010,"ORG"]`) || got == "" {
		t.Errorf("ana's entity at [3000, 3010) (%q) is missing", got)
	}
	// csv: the formula-like target name is text to a spreadsheet.
	table, _ := os.ReadFile(files["csv"])
	if !strings.Contains(string(table), "'=HYPERLINK(1)") || strings.Contains(string(table), ",=HYPERLINK") {
		t.Errorf("csv does not defuse the formula:\n%s", table)
	}
	// stance: the quote's stance with its speaker, every line one type per key.
	sc := bufio.NewScanner(strings.NewReader(mustRead(t, files["stance"])))
	quotes := 0
	for sc.Scan() {
		var s map[string]any
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatal(err)
		}
		if s["kind"] == "quote" && s["stance"] == "against" {
			quotes++
		}
	}
	if quotes != 1 {
		t.Errorf("%d quote stances, want 1", quotes)
	}
	// And as a Python user slices them.
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed: the offsets were checked in Go only")
	}
	out, err := exec.Command(python, "testdata/check_export.py", files["doccano"], files["csv"], files["stance"], files["prodigy"]).CombinedOutput()
	if err != nil {
		t.Fatalf("python check: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

func TestExportRefusals(t *testing.T) {
	path, _, _ := exportProject(t)
	for _, c := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"--format", "csv"}, 2, "one of --annotator NAME, --gold, --majority or --all"},
		{[]string{"--format", "csv", "--annotator", "ana", "--gold"}, 2, "one of --annotator NAME, --gold, --majority or --all"},
		{[]string{"--format", "csv", "--majority", "--min-agreement", "1.5"}, 1, "--min-agreement 1.5"},
		{[]string{"--format", "parquet", "--annotator", "ana"}, 1, `unknown format "parquet"`},
		{[]string{"--format", "csv", "--annotator", "zed"}, 1, `no annotator "zed"`},
		{[]string{"--format", "csv", "--gold"}, 1, "nothing is adjudicated yet"},
	} {
		out, errOut, code := runSlant(t, nil, append([]string{"export", "--db", path}, c.args...)...)
		if code != c.code || !strings.Contains(errOut, c.says) || out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", c.args, code, out, errOut)
		}
	}
	// A failed export to a file leaves no file behind.
	target := filepath.Join(t.TempDir(), "x.csv")
	if _, _, code := runSlant(t, nil, "export", "--db", path, "--format", "csv", "--annotator", "zed", "--out", target); code != 1 {
		t.Fatal(code)
	}
	if entries, _ := os.ReadDir(filepath.Dir(target)); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// ben finishes the same article, the document negative too: --all writes a
// record each, --majority one record whose document label both agree on.
func TestExportMajorityAndAll(t *testing.T) {
	path, _, _ := exportProject(t)
	ctx := context.Background()
	db, err := ops.OpenProject(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ben, _ := db.EnsureAnnotator(ctx, "ben")
	docs, _ := db.ListDocuments(ctx, "", 0, 1)
	doc := docs[0].ID
	if _, err := db.Layer(ctx, doc, ben.ID); err != nil {
		t.Fatal(err)
	}
	_, sv, _ := db.Schema(ctx)
	if _, err := db.SetLabel(ctx, ben.ID, doc, "document_sentiment", annotate.UnitDocument, annotate.LabelValue{Value: "negative"}, sv); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetStatus(ctx, ben.ID, doc, annotate.StatusDone, 5); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out, errOut, code := runSlant(t, nil, "export", "--db", path, "--format", "doccano", "--all")
	if code != 0 || strings.Count(out, "\n") != 2 || !strings.Contains(out, `"source":"ana"`) || !strings.Contains(out, `"source":"ben"`) {
		t.Errorf("--all: exit %d, %s\n%.300s", code, errOut, out)
	}
	out, errOut, code = runSlant(t, nil, "export", "--db", path, "--format", "csv", "--majority")
	if code != 0 || !strings.Contains(out, ",majority,document,document_sentiment,,,,,negative,") {
		t.Errorf("--majority: exit %d, %s\n%.600s", code, errOut, out)
	}
	// ana's target and quote labels have no second vote: left out, and said.
	if strings.Contains(out, "target_sentiment") || !strings.Contains(errOut, "left out below 0.67 agreement") {
		t.Errorf("--majority kept a lone label, or did not say: %s\n%.600s", errOut, out)
	}
}

// Exports read back: doccano and Prodigy files exported from one project
// and imported into a new one (under the annotator they name) export
// again to the same spans and labels.
func TestExportImportRoundTrip(t *testing.T) {
	path, _, _ := exportProject(t)
	dir := t.TempDir()
	for _, f := range []string{"doccano", "prodigy"} {
		first := filepath.Join(dir, "first."+f+".jsonl")
		mustSlant(t, nil, "export", "--db", path, "--format", f, "--annotator", "ana", "--out", first)
		other := filepath.Join(dir, f+".slant")
		out := mustSlant(t, nil, "import", "--db", other, first)
		if !strings.Contains(out, "1 labelled layers") {
			t.Fatalf("%s import: %s", f, out)
		}
		again := mustSlant(t, nil, "export", "--db", other, "--format", f, "--annotator", "ana")
		if a, b := withoutIDs(t, mustRead(t, first)), withoutIDs(t, again); a != b {
			t.Errorf("%s: exported again differs:\n%.800s\nwant\n%.800s", f, b, a)
		}
	}
}

// withoutIDs drops the project's document ids (another project numbers
// them otherwise) from JSON lines.
func withoutIDs(t *testing.T, jsonl string) string {
	t.Helper()
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(jsonl), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		delete(m, "id")
		if meta, ok := m["meta"].(map[string]any); ok {
			delete(meta, "doc_id")
		}
		b, _ := json.Marshal(m)
		out = append(out, string(b))
	}
	return strings.Join(out, "\n")
}

// A span outside its text, or a label the schema lacks, names the file and
// line, and nothing of the file comes in.
func TestImportLabelledRefusals(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ line, says string }{
		{`{"text": "Acme rose.", "label": [[0, 99, "ORG"]], "cats": [], "source": "ana"}`, "outside the text (10 characters)"},
		{`{"text": "Acme rose.", "label": [[0, 4, "ORG"]], "cats": ["mood:sunny"], "source": "ana"}`, `no document task "mood"`},
		{`{"text": "Acme rose.", "label": [], "cats": ["document_sentiment:sunny"], "source": "ana"}`, `"sunny" is not a label of document_sentiment`},
		{`{"text": "Acme rose.", "label": [], "cats": [], "source": "gold"}`, "reserved"},
		{`{"format": "slant", "version": 1, "sha256": "00", "text": "Acme rose.", "layers": []}`, "does not match its sha256"},
		{`{"format": "slant", "version": 9, "sha256": "00", "text": "Acme rose.", "layers": []}`, "slant format version 9; this Slant reads version 1"},
		{`{"text": "😀 Acme", "tokens": [{"text": "Acme", "start": 1, "end": 5, "id": 0, "ws": false}], "spans": [], "_view_id": "spans_manual", "_annotator_id": "ana"}`, `token 0 "Acme" is not the text at its offsets`},
	} {
		file := putFile(t, dir, "x.jsonl", `{"text": "A fine first line.", "label": [], "cats": [], "source": "ana"}`+"\n"+c.line+"\n")
		out, errOut, code := runSlant(t, nil, "import", "--db", newProjectPath(t), file)
		if code != 1 || !strings.Contains(errOut, file+":2") || !strings.Contains(errOut, c.says) || !strings.Contains(out, "imported 0,") {
			t.Errorf("%s:\nexit %d, stdout %s, stderr %s", c.line, code, out, errOut)
		}
	}
}

// The slant format is lossless: exported, imported into a new project and
// exported again, the same bytes, pre-tags, fates, gold and all.
func TestNativeRoundTrip(t *testing.T) {
	path, _, _ := exportProject(t)
	ctx := context.Background()
	// ben too, and a gold decision, so that more than one layer travels.
	db, err := ops.OpenProject(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ben, _ := db.EnsureAnnotator(ctx, "ben")
	docs, _ := db.ListDocuments(ctx, "", 0, 1)
	doc := docs[0].ID
	l, _ := db.Layer(ctx, doc, ben.ID)
	_, sv, _ := db.Schema(ctx)
	db.SetLabel(ctx, ben.ID, doc, "document_sentiment", annotate.UnitDocument, annotate.LabelValue{Value: "positive"}, sv)
	for _, s := range l.Spans[:3] {
		rejected := annotate.Rejected
		db.EditSpan(ctx, ben.ID, doc, s.ID, store.SpanEdit{Decision: &rejected})
	}
	db.SetStatus(ctx, ben.ID, doc, annotate.StatusDone, 7)
	r, err := ops.OpenReview(ctx, db, "rita", ops.AgreementOptions{})
	if err != nil || len(r.Disagreements) == 0 {
		t.Fatalf("review: %v", err)
	}
	if _, err := r.Decide(ctx, 0, r.Disagreements[0].Values[0]); err != nil {
		t.Fatal(err)
	}
	db.Close()
	dir := t.TempDir()
	first := filepath.Join(dir, "first.jsonl")
	if _, errOut, code := runSlant(t, nil, "export", "--db", path, "--format", "slant", "--out", first); code != 0 {
		t.Fatalf("export: %s", errOut)
	}
	data := mustRead(t, first)
	for _, want := range []string{`"annotator":"ana"`, `"annotator":"ben"`, `"annotator":"gold"`, `"decision":"rejected"`, `"pretag":{"engine":`} {
		if !strings.Contains(data, want) {
			t.Errorf("the slant export lacks %s", want)
		}
	}
	other := filepath.Join(dir, "other.slant")
	if out := mustSlant(t, nil, "import", "--db", other, first); !strings.Contains(out, "labelled layers") {
		t.Fatalf("import: %s", out)
	}
	again := mustSlant(t, nil, "export", "--db", other, "--format", "slant")
	if again != data {
		t.Errorf("exported again differs:\n%.1500s\nwant\n%.1500s", again, data)
	}
	// And the other project agrees on everything agreement reads (but who
	// has looked at others' labels: rita, with no layer, did not travel).
	report := func(db string) string {
		var m map[string]any
		if err := json.Unmarshal([]byte(mustSlant(t, nil, "agreement", "--db", db, "--json", "--seed", "3", "--annotators", "ana,ben")), &m); err != nil {
			t.Fatal(err)
		}
		delete(m, "annotators")
		out, _ := json.Marshal(m)
		return string(out)
	}
	if a, b := report(path), report(other); a != b {
		i := 0
		for i < len(a) && i < len(b) && a[i] == b[i] {
			i++
		}
		t.Errorf("agreement differs after the round trip, from byte %d:\n%.300s\nwant\n%.300s", i, b[max(0, i-100):], a[max(0, i-100):])
	}
}
