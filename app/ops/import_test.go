package ops_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"unicode/utf8"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/app/ops"
	"github.com/slant-annotate/slant/assets"
	"github.com/slant-annotate/slant/store"
)

// sharedData finds ../shared/data by walking up from the working folder,
// and skips the test where it is absent (a fresh clone without shared/).
func sharedData(t testing.TB, rel string) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		p := filepath.Join(dir, "shared", "data", rel)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		if filepath.Dir(dir) == dir {
			t.Skipf("shared/data/%s not found above %s: skipping the test that reads it", rel, wd)
		}
	}
}

// newProject makes a new project as a user gets it: with the sample.
func newProject(t testing.TB) *store.DB {
	t.Helper()
	db, err := ops.OpenProject(context.Background(), filepath.Join(t.TempDir(), "test.slant"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// emptyProject makes a project without the sample.
func emptyProject(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "empty.slant"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// write creates dir/name (and its folders) holding data.
func write(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// docs returns every document in the project, text included, in import order.
func docs(t testing.TB, db *store.DB) []annotate.Document {
	t.Helper()
	ctx := context.Background()
	var list []store.DocSummary
	if err := db.EachDocument(ctx, "", func(s store.DocSummary) error {
		list = append(list, s)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	out := make([]annotate.Document, 0, len(list))
	for _, s := range list {
		d, err := db.Document(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

func count(t testing.TB, db *store.DB) int {
	t.Helper()
	n, err := db.CountDocuments(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func importPaths(t testing.TB, db *store.DB, opts ops.ImportOptions, paths ...string) ops.ImportSummary {
	t.Helper()
	return ops.Import(context.Background(), db, paths, opts, nil)
}

// wantSummary checks the summary's counts.
func wantSummary(t testing.TB, sum ops.ImportSummary, added, dups, failed int) {
	t.Helper()
	if sum.Added != added || sum.Duplicates != dups || sum.Failed != failed {
		t.Fatalf("summary: added %d, duplicates %d, failed %d; want %d, %d, %d (errors: %v)",
			sum.Added, sum.Duplicates, sum.Failed, added, dups, failed, sum.Errors)
	}
	if len(sum.Errors) != failed || len(sum.FailedList) != failed {
		t.Fatalf("summary has %d errors and %d failed files for %d failures: %v %v", len(sum.Errors), len(sum.FailedList), failed, sum.Errors, sum.FailedList)
	}
}

// wantError checks that the summary's only error names file and says each of parts.
func wantError(t testing.TB, sum ops.ImportSummary, file string, parts ...string) {
	t.Helper()
	if len(sum.Errors) != 1 {
		t.Fatalf("want one error about %s, got %d: %v", file, len(sum.Errors), sum.Errors)
	}
	msg := sum.Errors[0].Error()
	if !strings.HasPrefix(msg, file+":") {
		t.Errorf("error %q does not start by naming the file %s", msg, file)
	}
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("error %q does not say %q", msg, p)
		}
	}
	if len(sum.FailedList) != 1 || sum.FailedList[0] != file {
		t.Errorf("failed files %v, want [%s]", sum.FailedList, file)
	}
}

// --- each format ---------------------------------------------------------

func TestNewProjectHoldsTheSample(t *testing.T) {
	db := newProject(t)
	ds := docs(t, db)
	if len(ds) != 1 {
		t.Fatalf("a new project holds %d documents, want the sample only", len(ds))
	}
	d := ds[0]
	if d.Title != assets.SampleTitle || d.Source != store.SampleSource {
		t.Errorf("sample: title %q source %q", d.Title, d.Source)
	}
	if n := utf8.RuneCountInString(d.Text); n != 3207 {
		t.Errorf("sample text has %d code points, want 3207", n)
	}
	if len(d.Text) != 3242 {
		t.Errorf("sample text has %d bytes, want 3242", len(d.Text))
	}
}

func TestImportSeedArticleExact(t *testing.T) {
	seed := sharedData(t, "seed/us-india-ecommerce.txt")
	raw, err := os.ReadFile(seed)
	if err != nil {
		t.Fatal(err)
	}
	db := emptyProject(t)
	sum := importPaths(t, db, ops.ImportOptions{}, seed)
	wantSummary(t, sum, 1, 0, 0)
	ds := docs(t, db)
	if len(ds) != 1 {
		t.Fatalf("%d documents", len(ds))
	}
	d := ds[0]
	if d.Text != string(raw) {
		t.Errorf("stored text differs from the file (%d bytes stored, %d in the file)", len(d.Text), len(raw))
	}
	if n := utf8.RuneCountInString(d.Text); n != 3207 {
		t.Errorf("stored text has %d code points, want 3207", n)
	}
	if d.Source != seed {
		t.Errorf("source %q, want %q", d.Source, seed)
	}
	if d.Title == "" {
		t.Error("no title")
	}

	// The new project's sample is this article: importing it again is a duplicate.
	db2 := newProject(t)
	wantSummary(t, importPaths(t, db2, ops.ImportOptions{}, seed), 0, 1, 0)
	if n := count(t, db2); n != 1 {
		t.Errorf("%d documents after importing the sample into a new project, want 1", n)
	}
}

func TestImportTextNormalises(t *testing.T) {
	dir := t.TempDir()
	// BOM, CRLF, a lone CR, an emoji of two code points, NFD é: only the
	// BOM and the line ends may change.
	raw := "\xef\xbb\xbf# Trade talks \u2696\ufe0f\r\n\r\nAmazon and Walmart\rface new rules. Cafe\u0301 owners \u201cworry\u201d.\r\n"
	want := "# Trade talks \u2696\ufe0f\n\nAmazon and Walmart\nface new rules. Cafe\u0301 owners \u201cworry\u201d.\n"
	p := write(t, dir, "talks.txt", []byte(raw))
	plain := write(t, dir, "no_heading.txt", []byte("just one line of text without a heading"))
	db := emptyProject(t)
	sum := importPaths(t, db, ops.ImportOptions{}, p, plain)
	wantSummary(t, sum, 2, 0, 0)
	if sum.Files != 2 {
		t.Errorf("files %d, want 2", sum.Files)
	}
	ds := docs(t, db)
	if ds[0].Text != want {
		t.Errorf("stored %q\nwant   %q", ds[0].Text, want)
	}
	if ds[0].Title != "Trade talks \u2696\ufe0f" {
		t.Errorf("title %q", ds[0].Title)
	}
	if ds[1].Text != "just one line of text without a heading" {
		t.Errorf("stored %q", ds[1].Text)
	}
	if ds[1].Title != "no heading" {
		t.Errorf("title %q, want the file name", ds[1].Title)
	}
}

func TestImportFolderRecursiveSkipsHidden(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.txt", []byte("Alpha article.\n"))
	write(t, dir, "sub/b.txt", []byte("Beta article.\n"))
	write(t, dir, "sub/deeper/c.md", []byte("Gamma article.\n"))
	write(t, dir, "sub/d.jsonl", []byte(`{"text":"Delta one."}`+"\n"+`{"text":"Delta two."}`+"\n"))
	write(t, dir, ".hidden.txt", []byte("Hidden file.\n"))
	write(t, dir, ".git/e.txt", []byte("Hidden folder.\n"))
	write(t, dir, "sub/.cache/f.txt", []byte("Hidden sub-folder.\n"))
	write(t, dir, "notes.pdf", []byte("%PDF-1.4"))
	write(t, dir, "sub/image.png", []byte("\x89PNG"))
	db := emptyProject(t)
	sum := importPaths(t, db, ops.ImportOptions{}, dir)
	wantSummary(t, sum, 5, 0, 0)
	if sum.Skipped != 2 || sum.Files != 4 {
		t.Errorf("skipped %d files of other kinds and read %d, want 2 and 4", sum.Skipped, sum.Files)
	}
	if !strings.Contains(sum.String(), "2 files of other kinds ignored") {
		t.Errorf("summary line %q does not mention the ignored files", sum.String())
	}
	var texts []string
	for _, d := range docs(t, db) {
		texts = append(texts, d.Text)
	}
	want := []string{"Alpha article.\n", "Beta article.\n", "Delta one.", "Delta two.", "Gamma article.\n"}
	if strings.Join(texts, "|") != strings.Join(want, "|") {
		t.Errorf("imported %q\nwant %q (in folder order, hidden files passed over)", texts, want)
	}
}

func TestImportJSONL(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "news.jsonl", []byte("\xef\xbb\xbf"+
		`{"id": 17, "title": "  Flipkart rules ", "text": "India\r\nchanged its rules.", "outlet": "FT", "score": 0.25}`+"\n"+
		"\n"+
		`{"id": "x-2", "body": "Walmart \u201cwelcomed\u201d it. \ud83d\ude00"}`+"\n"+
		`{"content": "Heading line\nThe article body follows here."}`+"\r\n"))
	db := emptyProject(t)
	wantSummary(t, importPaths(t, db, ops.ImportOptions{}, p), 3, 0, 0)
	ds := docs(t, db)
	if len(ds) != 3 {
		t.Fatalf("%d documents", len(ds))
	}
	checks := []struct{ title, text, id, source string }{
		{"Flipkart rules", "India\nchanged its rules.", "17", p + ":1"},
		{"Walmart “welcomed” it. 😀", "Walmart “welcomed” it. 😀", "x-2", p + ":3"},
		{"Heading line", "Heading line\nThe article body follows here.", "", p + ":4"},
	}
	for i, c := range checks {
		d := ds[i]
		if d.Text != c.text || d.ExternalID != c.id || d.Source != c.source {
			t.Errorf("doc %d: text %q id %q source %q; want %q %q %q", i, d.Text, d.ExternalID, d.Source, c.text, c.id, c.source)
		}
		if i != 1 && d.Title != c.title {
			t.Errorf("doc %d: title %q, want %q", i, d.Title, c.title)
		}
	}
	if ds[1].Title == "" {
		t.Error("doc 1 has no title")
	}
	if ds[0].Meta["outlet"] != "FT" || ds[0].Meta["score"] == nil {
		t.Errorf("meta %v", ds[0].Meta)
	}
	if _, ok := ds[0].Meta["text"]; ok {
		t.Error("the text is repeated in the metadata")
	}
}

func TestImportCSVNamedColumns(t *testing.T) {
	dir := t.TempDir()
	csv := "\xef\xbb\xbfdoc_id,headline,body,desk\r\n" +
		"a1,\"Trade, again\",\"First paragraph.\r\n\r\n\"\"Quoted,\"\" said a lawyer.\",world\r\n" +
		"a2,Short one,Single line body.,\r\n" +
		"a3,\"Multi\nline title\",\"Line one\nline two\nline three\",biz\r\n"
	p := write(t, dir, "articles.csv", []byte(csv))
	opts := ops.ImportOptions{TextCol: "body", TitleCol: "headline", IDCol: "doc_id"}
	db := emptyProject(t)
	wantSummary(t, importPaths(t, db, opts, p), 3, 0, 0)
	ds := docs(t, db)
	if len(ds) != 3 {
		t.Fatalf("%d documents", len(ds))
	}
	want := []struct{ id, title, text, source string }{
		{"a1", "Trade, again", "First paragraph.\n\n\"Quoted,\" said a lawyer.", p + ":2"},
		{"a2", "Short one", "Single line body.", p + ":5"},
		{"a3", "Multi\nline title", "Line one\nline two\nline three", p + ":6"},
	}
	for i, w := range want {
		d := ds[i]
		if d.ExternalID != w.id || d.Text != w.text || d.Source != w.source {
			t.Errorf("row %d: id %q text %q source %q; want %q %q %q", i, d.ExternalID, d.Text, d.Source, w.id, w.text, w.source)
		}
		if strings.Join(strings.Fields(d.Title), " ") != strings.Join(strings.Fields(w.title), " ") {
			t.Errorf("row %d: title %q, want %q", i, d.Title, w.title)
		}
	}
	if ds[0].Meta["desk"] != "world" || ds[1].Meta["desk"] != "" {
		t.Errorf("meta %v / %v", ds[0].Meta, ds[1].Meta)
	}

	// Named columns that are not there: a clear message, nothing imported.
	db2 := emptyProject(t)
	sum := importPaths(t, db2, ops.ImportOptions{TextCol: "article_text"}, p)
	wantSummary(t, sum, 0, 0, 1)
	wantError(t, sum, p, ":1:", `no column "article_text"`, "--text-col", `"doc_id", "headline", "body", "desk"`)
}

const pageHTML = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>US presses India on e-commerce | Example News</title>
<link rel="canonical" href="https://news.example.com/2019/india">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article>
<h1>US presses India on e-commerce</h1>
<p>The United States is set to press India for broader e-commerce access in upcoming trade talks, officials said on Tuesday, as Washington seeks relief for Amazon and Walmart.</p>
<p>“This is classic Trump trade strategy,” said a Washington-based trade attorney who asked not to be named because the talks are private.</p>
<p>India’s rules, which took effect in February, bar online sellers from offering products from companies in which they hold stakes.</p>
</article>
<footer>© Example News</footer>
</body></html>`

func TestImportHTML(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "saved page.html", []byte(pageHTML))
	db := emptyProject(t)
	wantSummary(t, importPaths(t, db, ops.ImportOptions{}, p), 1, 0, 0)
	d := docs(t, db)[0]
	if !strings.Contains(d.Title, "US presses India on e-commerce") {
		t.Errorf("title %q", d.Title)
	}
	if d.URL != "https://news.example.com/2019/india" {
		t.Errorf("url %q", d.URL)
	}
	paras := []string{
		"The United States is set to press India for broader e-commerce access in upcoming trade talks, officials said on Tuesday, as Washington seeks relief for Amazon and Walmart.",
		"“This is classic Trump trade strategy,” said a Washington-based trade attorney who asked not to be named because the talks are private.",
		"India’s rules, which took effect in February, bar online sellers from offering products from companies in which they hold stakes.",
	}
	if !strings.HasSuffix(d.Text, strings.Join(paras, "\n\n")) {
		t.Errorf("text %q\ndoes not end with the three paragraphs, blank-line separated", d.Text)
	}
	for _, junk := range []string{"Home", "World", "©", "<p>"} {
		if strings.Contains(d.Text, junk) {
			t.Errorf("text keeps %q: %q", junk, d.Text)
		}
	}
}

func TestReimportAddsNothing(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.txt", []byte("Alpha.\n"))
	write(t, dir, "b.jsonl", []byte(`{"text":"One."}`+"\n"+`{"text":"Two."}`+"\n"+`{"text":"One."}`+"\n"))
	write(t, dir, "c.csv", []byte("text\nThree.\nFour.\n"))
	db := newProject(t)
	// The third line of b.jsonl repeats the first: a duplicate within the import.
	wantSummary(t, importPaths(t, db, ops.ImportOptions{}, dir), 5, 1, 0)
	if n := count(t, db); n != 6 {
		t.Fatalf("%d documents, want 6 (sample + 5)", n)
	}
	before := docs(t, db)
	sum := importPaths(t, db, ops.ImportOptions{}, dir)
	wantSummary(t, sum, 0, 6, 0)
	if sum.String() != "imported 0, duplicates skipped 6, failed 0" {
		t.Errorf("summary line %q", sum.String())
	}
	after := docs(t, db)
	if len(after) != len(before) {
		t.Fatalf("%d documents after re-importing, want %d", len(after), len(before))
	}
	for i := range after {
		if after[i].ID != before[i].ID || after[i].Text != before[i].Text {
			t.Errorf("document %d changed on re-import", i)
		}
	}
}

func TestImportPerSenT(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the PerSenT import reads 5 MB")
	}
	dev := sharedData(t, "persent/dev.csv")
	test := sharedData(t, "persent/random_test.csv")
	db := newProject(t)
	opts := ops.ImportOptions{TextCol: "DOCUMENT", TitleCol: "TITLE", IDCol: "DOCUMENT_INDEX"}
	var progress []ops.ImportProgress
	sum := ops.Import(context.Background(), db, []string{dev, test}, opts, func(p ops.ImportProgress) {
		progress = append(progress, p)
	})
	wantSummary(t, sum, 1157, sum.Duplicates, 0)
	if n := count(t, db); n != 1158 {
		t.Errorf("%d documents, want 1,157 + the sample", n)
	}
	if len(progress) != 2 || progress[1].FilesDone != 2 || progress[1].FilesTotal != 2 || progress[1].Added != 1157 {
		t.Errorf("progress %+v", progress)
	}
	ds, err := db.ListDocuments(context.Background(), "", 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	first, err := db.Document(context.Background(), ds[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if first.ExternalID != "3360" || first.Title != "AS VALUES DROP MORE HOMEOWNERS WALKING AWAY FROM MORTGAGES" ||
		!strings.HasPrefix(first.Text, "In 2006  Benjamin Koellmann bought a condominium in Miami Beach.") ||
		first.Source != dev+":2" || first.Meta["TARGET_ENTITY"] != "Benjamin Koellmann" {
		t.Errorf("first PerSenT document: id %q title %q source %q meta target %v text %.60q",
			first.ExternalID, first.Title, first.Source, first.Meta["TARGET_ENTITY"], first.Text)
	}
	// Again: all duplicates.
	rows := sum.Added + sum.Duplicates
	sum = ops.Import(context.Background(), db, []string{dev, test}, opts, nil)
	if sum.Added != 0 || sum.Failed != 0 || sum.Duplicates != rows {
		t.Errorf("re-import: %s; want all %d rows counted as duplicates", sum, rows)
	}
	if n := count(t, db); n != 1158 {
		t.Errorf("%d documents after re-import", n)
	}
}

// --- bad input -------------------------------------------------------------

// badImport imports good1.txt, the bad file, good2.jsonl (two records) into
// a new project and checks that exactly the bad one failed with parts in
// its message and that the good ones were imported whole.
func badImport(t *testing.T, name string, data []byte, parts ...string) ops.ImportSummary {
	t.Helper()
	dir := t.TempDir()
	good1 := write(t, dir, "good1.txt", []byte("A good article before the bad file.\n"))
	bad := filepath.Join(dir, name)
	if data != nil {
		write(t, dir, name, data)
	}
	good2 := write(t, dir, "good2.jsonl", []byte(`{"text":"A good record after."}`+"\n"+`{"text":"And another."}`+"\n"))
	return checkBadImport(t, []string{good1, bad, good2}, bad, parts...)
}

func checkBadImport(t *testing.T, paths []string, bad string, parts ...string) ops.ImportSummary {
	t.Helper()
	db := newProject(t)
	sum := importPaths(t, db, ops.ImportOptions{}, paths...)
	wantSummary(t, sum, 3, 0, 1)
	wantError(t, sum, bad, parts...)
	var texts []string
	for _, d := range docs(t, db)[1:] {
		texts = append(texts, d.Text)
		if strings.HasPrefix(d.Source, bad) {
			t.Errorf("a document of the failed file was imported: %q", d.Source)
		}
	}
	if want := "A good article before the bad file.\n|A good record after.|And another."; strings.Join(texts, "|") != want {
		t.Errorf("imported %q, want the good files' documents", texts)
	}
	return sum
}

func TestImportBadInvalidUTF8(t *testing.T) {
	badImport(t, "latin1.txt", []byte("Title line\nThe caf\xe9 is open.\n"), "latin1.txt:2:", "invalid UTF-8", "0xe9", "byte offset 18")
}

func TestImportBadNULBytes(t *testing.T) {
	badImport(t, "nul.txt", []byte("Title line\nsome text\x00more\n"), "nul.txt:2:", "NUL byte", "not a text file")
}

func TestImportBadPNGNamedTxt(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa")
	badImport(t, "photo.txt", png, "photo.txt:", "image/png", "not a text file")
}

func TestImportBadEmptyFile(t *testing.T) {
	badImport(t, "empty.txt", []byte{}, "empty file")
}

func TestImportBadBlankFile(t *testing.T) {
	badImport(t, "blank.txt", []byte(" \n\t\n"), "empty file", "white space")
}

func TestImportBadHugeText(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.txt")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	line := bytes.Repeat([]byte("All work and no play makes Jack a dull boy. "), 20)
	line = append(line, '\n')
	for written := 0; written < 50<<20; written += len(line) {
		if _, err := f.Write(line); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
	good1 := write(t, dir, "good1.txt", []byte("A good article before the bad file.\n"))
	good2 := write(t, dir, "good2.jsonl", []byte(`{"text":"A good record after."}`+"\n"+`{"text":"And another."}`+"\n"))
	checkBadImport(t, []string{good1, huge, good2}, huge, "too large", "50.0 MiB", "over the limit of 10.0 MiB")
}

func TestImportBadCSVRaggedRow(t *testing.T) {
	csv := "id,text\n1,\"A first row\nover two lines\"\n2,Second row\n3,Third row,with an extra field\n4,Fourth row\n"
	badImport(t, "ragged.csv", []byte(csv), "ragged.csv:5:", "3 fields", "header has 2")
}

func TestImportBadJSONLMalformedMiddle(t *testing.T) {
	lines := `{"text":"Line one is fine."}` + "\n" +
		`{"text":"Line two is fine."}` + "\n" +
		`{"text":"Line three is cut off` + "\n" +
		`{"text":"Line four is fine."}` + "\n" +
		`{"text":"Line five is fine."}` + "\n"
	badImport(t, "broken.jsonl", []byte(lines), "broken.jsonl:3:", "malformed JSON")
}

func TestImportBadJSONLMissingText(t *testing.T) {
	lines := `{"text":"Line one is fine."}` + "\n" + `{"title":"No text here","id":2}` + "\n" + `{"text":"Line three."}` + "\n"
	badImport(t, "notext.jsonl", []byte(lines), "notext.jsonl:2:", "no text field", `"id", "title"`)
}

func TestImportBadJSONLNamedFieldMissing(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "x.jsonl", []byte(`{"text":"Here."}`+"\n"))
	db := newProject(t)
	sum := importPaths(t, db, ops.ImportOptions{TextField: "body"}, p)
	wantSummary(t, sum, 0, 0, 1)
	wantError(t, sum, p, "x.jsonl:1:", `no text field "body"`, `"text"`)
}

func TestImportBadCSVEmptyTextCell(t *testing.T) {
	csv := "id,text\n1,Fine\n2,\n3,Also fine\n"
	badImport(t, "hole.csv", []byte(csv), "hole.csv:3:", `text column "text" is empty`)
}

func TestImportBadMissingPath(t *testing.T) {
	badImport(t, "does-not-exist.txt", nil, "does-not-exist.txt: ", "no such file or directory")
}

func TestImportBadUnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: file permissions do not stop reading")
	}
	dir := t.TempDir()
	p := write(t, dir, "secret.txt", []byte("Cannot read me.\n"))
	if err := os.Chmod(p, 0); err != nil {
		t.Fatal(err)
	}
	good1 := write(t, dir, "good1.txt", []byte("A good article before the bad file.\n"))
	good2 := write(t, dir, "good2.jsonl", []byte(`{"text":"A good record after."}`+"\n"+`{"text":"And another."}`+"\n"))
	checkBadImport(t, []string{good1, p, good2}, p, "permission denied")
}

func TestImportBadNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.txt")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	good1 := write(t, dir, "good1.txt", []byte("A good article before the bad file.\n"))
	good2 := write(t, dir, "good2.jsonl", []byte(`{"text":"A good record after."}`+"\n"+`{"text":"And another."}`+"\n"))
	checkBadImport(t, []string{good1, fifo, good2}, fifo, "not a regular file")
}

func TestImportBadUnknownExtension(t *testing.T) {
	badImport(t, "report.pdf", []byte("%PDF-1.4\n"), `unknown file type ".pdf"`, ".txt", ".jsonl", ".csv", ".html")
}

func TestImportBadSymlinkLoop(t *testing.T) {
	dir := t.TempDir()
	good1 := write(t, dir, "good1.txt", []byte("A good article before the bad file.\n"))
	self := filepath.Join(dir, "self.txt")
	if err := os.Symlink("self.txt", self); err != nil {
		t.Skipf("symlinks: %v", err)
	}
	good2 := write(t, dir, "good2.jsonl", []byte(`{"text":"A good record after."}`+"\n"+`{"text":"And another."}`+"\n"))
	checkBadImport(t, []string{good1, self, good2}, self, "symlink loop")

	// A folder holding a link back to itself: the folder's files are
	// imported once and the link is reported.
	tree := t.TempDir()
	write(t, tree, "one.txt", []byte("A good article before the bad file.\n"))
	write(t, tree, "sub/two.jsonl", []byte(`{"text":"A good record after."}`+"\n"+`{"text":"And another."}`+"\n"))
	loop := filepath.Join(tree, "sub", "back")
	if err := os.Symlink("..", loop); err != nil {
		t.Fatal(err)
	}
	db := newProject(t)
	sum := importPaths(t, db, ops.ImportOptions{}, tree)
	wantSummary(t, sum, 3, 0, 1)
	wantError(t, sum, loop, "symlink loop", `".."`)
}

// Cancelled once the first file is committed (a file of a thousand records
// is committed on its own; small files share a transaction), the import
// stops before the next file, keeping what is whole.
func TestImportCancelled(t *testing.T) {
	dir := t.TempDir()
	var lines []string
	for i := range 1000 {
		lines = append(lines, fmt.Sprintf(`{"text": "Record %d of the first file."}`, i))
	}
	a := write(t, dir, "a.jsonl", []byte(strings.Join(lines, "\n")+"\n"))
	b := write(t, dir, "b.txt", []byte("Second.\n"))
	db := newProject(t)
	ctx, cancel := context.WithCancel(context.Background())
	sum := ops.Import(ctx, db, []string{a, b}, ops.ImportOptions{}, func(ops.ImportProgress) { cancel() })
	if sum.Added != 1000 || sum.Failed != 1 || len(sum.FailedList) != 1 || sum.FailedList[0] != b {
		t.Errorf("cancelled after the first file: %s %v", sum, sum.FailedList)
	}
	if n := count(t, db); n != 1001 {
		t.Errorf("%d documents, want the sample and the first file's 1,000", n)
	}
}

func TestImportReadOnlyProject(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.slant")
	db, err := ops.OpenProject(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	ro, err := ops.OpenProject(context.Background(), path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	p := write(t, t.TempDir(), "a.txt", []byte("Text.\n"))
	sum := importPaths(t, ro, ops.ImportOptions{}, p)
	wantSummary(t, sum, 0, 0, 1)
	if !errors.Is(sum.Errors[0], store.ErrReadOnly) || !strings.HasPrefix(sum.Errors[0].Error(), p+":") {
		t.Errorf("error %v: want ErrReadOnly naming the file", sum.Errors[0])
	}
}
