package cli_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slant-annotate/slant/app/cli"
	"github.com/slant-annotate/slant/assets"
)

// slant runs the command line in-process with env as its environment.
func runSlant(t testing.TB, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &cli.Env{
		Stdin:  strings.NewReader(""),
		Stdout: &out,
		Stderr: &errb,
		Getenv: func(k string) string { return env[k] },
	}
	code = cli.Run(e, args)
	return out.String(), errb.String(), code
}

// project returns the path of a project that does not exist yet.
func newProjectPath(t *testing.T) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "news.slant")
}

func putFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustSlant(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	out, errOut, code := runSlant(t, env, args...)
	if code != 0 {
		t.Fatalf("slant %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

type cmdListRow struct {
	ID     int64  `json:"id"`
	Title  string `json:"title"`
	Words  int    `json:"words"`
	Status string `json:"status"`
}

func cmdListJSON(t *testing.T, db string, extra ...string) []cmdListRow {
	t.Helper()
	out := mustSlant(t, nil, append([]string{"list", "--json", "--db", db}, extra...)...)
	var rows []cmdListRow
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("list --json line %q: %v", line, err)
		}
		for _, k := range []string{"id", "title", "words", "status"} {
			if _, ok := m[k]; !ok {
				t.Errorf("list --json line %q has no %q", line, k)
			}
		}
		var r cmdListRow
		json.Unmarshal([]byte(line), &r)
		rows = append(rows, r)
	}
	return rows
}

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	a := putFile(t, dir, "a.txt", "Headline A\r\n\r\nFirst article text.\r\n")
	b := putFile(t, dir, "more/b.jsonl", `{"text":"Second article."}`+"\n"+`{"text":"Third article."}`+"\n")
	db := newProjectPath(t)
	out, errOut, code := runSlant(t, nil, "import", "--db", db, a, filepath.Dir(b))
	if code != 0 || out != "imported 3, duplicates skipped 0, failed 0\n" || errOut != "" {
		t.Fatalf("import: exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}
	// Again: everything is a duplicate, and that is not a failure.
	out, errOut, code = runSlant(t, nil, "import", "--db", db, a, filepath.Dir(b))
	if code != 0 || out != "imported 0, duplicates skipped 3, failed 0\n" || errOut != "" {
		t.Fatalf("re-import: exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}
	rows := cmdListJSON(t, db)
	if len(rows) != 4 || rows[0].Title != assets.SampleTitle || rows[1].Title != "Headline A" {
		t.Fatalf("list after import: %+v", rows)
	}
	// show prints the stored text exactly: CRLF became LF, nothing else changed.
	if got := mustSlant(t, nil, "show", "--db", db, "2"); got != "Headline A\n\nFirst article text.\n" {
		t.Errorf("show 2 printed %q", got)
	}
}

func TestImportCommandFailures(t *testing.T) {
	dir := t.TempDir()
	good := putFile(t, dir, "good.txt", "A good article.\n")
	latin := putFile(t, dir, "latin1.txt", "Title\nCaf\xe9 society.\n")
	broken := putFile(t, dir, "broken.jsonl", `{"text":"one"}`+"\n"+`{"text":"two"}`+"\n"+`{"text": oops}`+"\n"+`{"text":"four"}`+"\n")
	ragged := putFile(t, dir, "ragged.csv", "id,text\n1,fine\n2,too,many\n")
	missing := filepath.Join(dir, "missing.txt")
	db := newProjectPath(t)
	out, errOut, code := runSlant(t, nil, "import", "--db", db, good, latin, broken, missing, ragged)
	if code != 1 {
		t.Errorf("exit %d, want 1 when a file failed", code)
	}
	if out != "imported 1, duplicates skipped 0, failed 4\n" {
		t.Errorf("stdout %q, want the one summary line", out)
	}
	lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
	want := []*regexp.Regexp{
		regexp.MustCompile("^slant import: " + regexp.QuoteMeta(missing) + ": no such file or directory$"),
		regexp.MustCompile("^slant import: " + regexp.QuoteMeta(latin) + ":2: invalid UTF-8 \\(byte 0xe9\\)"),
		regexp.MustCompile("^slant import: " + regexp.QuoteMeta(broken) + ":3: malformed JSON"),
		regexp.MustCompile("^slant import: " + regexp.QuoteMeta(ragged) + ":3: the row has 3 fields but the header has 2$"),
	}
	if len(lines) != len(want) {
		t.Fatalf("stderr has %d lines, want one per failure:\n%s", len(lines), errOut)
	}
	for i, re := range want {
		if !re.MatchString(lines[i]) {
			t.Errorf("stderr line %d: %q\ndoes not match %s", i+1, lines[i], re)
		}
	}
	rows := cmdListJSON(t, db)
	if len(rows) != 2 || rows[1].Title != "good" {
		t.Errorf("project holds %+v; want the sample and good.txt only", rows)
	}

	// Only duplicates and nothing failed: exit 0.
	if _, _, code := runSlant(t, nil, "import", "--db", db, good); code != 0 {
		t.Errorf("exit %d importing a duplicate", code)
	}
	// No paths: a usage error.
	_, errOut, code = runSlant(t, nil, "import", "--db", db)
	if code != 2 || !strings.Contains(errOut, "name at least one file or folder") {
		t.Errorf("import without paths: exit %d, stderr %q", code, errOut)
	}
}

func TestImportCommandCSVFlagsAfterArguments(t *testing.T) {
	dir := t.TempDir()
	csv := putFile(t, dir, "wire.csv", "doc_id,headline,story\n"+
		"w1,\"Rules, revised\",\"First line\nsecond line, with \"\"quotes\"\"\"\n"+
		"w2,Plain,Plain body.\n")
	db := newProjectPath(t)
	out := mustSlant(t, nil, "import", csv, "--db", db, "--text-col", "story", "--title-col", "headline", "--id-col", "doc_id")
	if out != "imported 2, duplicates skipped 0, failed 0\n" {
		t.Fatalf("stdout %q", out)
	}
	var doc struct {
		ID         int64  `json:"id"`
		Title      string `json:"title"`
		ExternalID string `json:"external_id"`
		Source     string `json:"source"`
		Text       string `json:"text"`
	}
	if err := json.Unmarshal([]byte(mustSlant(t, nil, "show", "2", "--json", "--db", db)), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Title != "Rules, revised" || doc.ExternalID != "w1" || doc.Text != "First line\nsecond line, with \"quotes\"" || doc.Source != csv+":2" {
		t.Errorf("show --json: %+v", doc)
	}
	// Without the flags the CSV has no text column Slant knows: the message lists the columns.
	_, errOut, code := runSlant(t, nil, "import", "--db", newProjectPath(t), csv)
	if code != 1 || !strings.Contains(errOut, csv+":1: no text column") || !strings.Contains(errOut, "--text-col") ||
		!strings.Contains(errOut, `"doc_id", "headline", "story"`) {
		t.Errorf("import without --text-col: exit %d, stderr %q", code, errOut)
	}
}

func TestImportCommandTextField(t *testing.T) {
	p := putFile(t, t.TempDir(), "x.jsonl", `{"story":"The story text.","text":"not this"}`+"\n")
	db := newProjectPath(t)
	mustSlant(t, nil, "import", "--text-field", "story", "--db", db, p)
	if got := mustSlant(t, nil, "show", "--db", db, "2"); got != "The story text." {
		t.Errorf("show printed %q", got)
	}
}

func TestListTable(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("Very long headline words ", 5)
	putFile(t, dir, "a.jsonl", `{"title":"`+long+`","text":"The body of the article has some words in it."}`+"\n")
	db := newProjectPath(t)
	mustSlant(t, nil, "import", "--db", db, dir)
	out := mustSlant(t, nil, "list", "--db", db)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("list printed %d lines, want a header and 2 rows:\n%s", len(lines), out)
	}
	if f := strings.Fields(lines[0]); strings.Join(f, " ") != "ID TITLE WORDS STATUS" {
		t.Errorf("header %q", lines[0])
	}
	sample := regexp.MustCompile(`^\s+1  US to press India for e-commerce access \(sample\)\s+\d+  to do$`)
	if !sample.MatchString(lines[1]) {
		t.Errorf("first row %q: want the sample with id 1, its words and status", lines[1])
	}
	row := regexp.MustCompile(`^\s+2  Very long headline words .*…\s+(\d+)  to do$`)
	if m := row.FindStringSubmatch(lines[2]); m == nil || m[1] != "10" {
		t.Errorf("second row %q: want the title clipped with … and 10 words", lines[2])
	}
	col := func(line string) int { return utf8.RuneCountInString(line[:strings.Index(line, "to do")]) }
	if col(lines[1]) != col(lines[2]) {
		t.Errorf("columns do not line up:\n%s\n%s", lines[1], lines[2])
	}
}

func TestListJSONAndFilter(t *testing.T) {
	dir := t.TempDir()
	putFile(t, dir, "a.txt", "Walmart expands\n\nWalmart opens stores in Mexico.\n")
	putFile(t, dir, "b.txt", "Rain in Spain\n\nIt rains mainly on the plain.\n")
	db := newProjectPath(t)
	mustSlant(t, nil, "import", "--db", db, dir)
	rows := cmdListJSON(t, db)
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	for i, r := range rows {
		if r.ID != int64(i+1) || r.Status != "to do" || r.Words == 0 || r.Title == "" {
			t.Errorf("row %d: %+v", i, r)
		}
	}
	if rows[1].Title != "Walmart expands" || rows[1].Words != 7 {
		t.Errorf("row 2: %+v", rows[1])
	}
	// The filter matches title and text, as a prefix while typing.
	titles := func(rs []cmdListRow) string {
		var s []string
		for _, r := range rs {
			s = append(s, r.Title)
		}
		return strings.Join(s, "|")
	}
	for _, c := range []struct{ filter, want string }{
		{"walmart", assets.SampleTitle + "|Walmart expands"},
		{"Mexico", "Walmart expands"},
		{"rain", "Rain in Spain"},
		{"plai", "Rain in Spain"},
		{"plai ", ""},
		{"walmart mexico", "Walmart expands"},
		{"zebra", ""},
		{`"zebra( *`, ""},
		{`AND`, assets.SampleTitle},
	} {
		if got := titles(cmdListJSON(t, db, "--filter", c.filter)); got != c.want {
			t.Errorf("--filter %q: %q, want %q", c.filter, got, c.want)
		}
	}
	// Words after the flags filter too.
	if got := titles(cmdListJSON(t, db, "mexico")); got != "Walmart expands" {
		t.Errorf("list mexico: %q", got)
	}
	// The table with a filter that matches nothing is just the header.
	if out := mustSlant(t, nil, "list", "--db", db, "--filter", "zebra"); strings.Count(out, "\n") != 1 {
		t.Errorf("empty table: %q", out)
	}
}

func TestShow(t *testing.T) {
	db := newProjectPath(t)
	mustSlant(t, nil, "list", "--db", db+"x", "--help") // -h never opens a project
	putFile(t, filepath.Dir(db), "in/a.txt", "x")
	mustSlant(t, nil, "import", "--db", db, filepath.Join(filepath.Dir(db), "in"))
	if got := mustSlant(t, nil, "show", "--db", db, "1"); got != string(assets.SampleArticle) {
		t.Errorf("show 1 differs from the sample article (%d bytes, want %d)", len(got), len(assets.SampleArticle))
	}
	if got := mustSlant(t, nil, "show", "--db", db, "2"); got != "x" {
		t.Errorf("show 2 printed %q: want the text exactly, with no newline added", got)
	}
	out, errOut, code := runSlant(t, nil, "show", "--db", db, "999")
	if code != 1 || out != "" || !strings.Contains(errOut, "document 999") || !strings.Contains(errOut, "not found") {
		t.Errorf("show 999: exit %d stdout %q stderr %q", code, out, errOut)
	}
	_, errOut, code = runSlant(t, nil, "show", "--db", db, "abc")
	if code != 2 || !strings.Contains(errOut, `"abc" is not a document id`) {
		t.Errorf("show abc: exit %d stderr %q", code, errOut)
	}
	_, _, code = runSlant(t, nil, "show", "--db", db)
	if code != 2 {
		t.Errorf("show without an id: exit %d, want 2", code)
	}
}

func TestStats(t *testing.T) {
	dir := t.TempDir()
	putFile(t, dir, "a.txt", "One two three.\n")
	putFile(t, dir, "b.jsonl", `{"text":"four five"}`+"\n"+`{"text":"six"}`+"\n")
	db := newProjectPath(t)
	mustSlant(t, nil, "import", "--db", db, dir)
	out := mustSlant(t, nil, "stats", "--db", db)
	abs, _ := filepath.Abs(db)
	for _, want := range []string{"project    " + abs + "\n", "documents  4", "  from jsonl  2\n", "  from sample 1\n", "  from txt    1\n", "schema v"} {
		if !strings.Contains(out, want) {
			t.Errorf("stats does not say %q:\n%s", want, out)
		}
	}
	var s struct {
		Documents int            `json:"documents"`
		Words     int            `json:"words"`
		Formats   map[string]int `json:"formats"`
	}
	if err := json.Unmarshal([]byte(mustSlant(t, nil, "stats", "--json", "--db", db)), &s); err != nil {
		t.Fatal(err)
	}
	if s.Documents != 4 || s.Formats["txt"] != 1 || s.Formats["jsonl"] != 2 || s.Formats["sample"] != 1 {
		t.Errorf("stats --json: %+v", s)
	}
}

func TestProjectFlagBeatsEnvironment(t *testing.T) {
	dir := t.TempDir()
	fromEnv := filepath.Join(dir, "env.slant")
	fromFlag := filepath.Join(dir, "flag.slant")
	env := map[string]string{"SLANT_DB": fromEnv}
	a := putFile(t, dir, "in/a.txt", "Only in the flag project.\n")
	b := putFile(t, dir, "in/b.txt", "Only in the env project.\n")

	out, _, code := runSlant(t, env, "import", "--db", fromFlag, a)
	if code != 0 || out != "imported 1, duplicates skipped 0, failed 0\n" {
		t.Fatalf("import --db: %d %q", code, out)
	}
	if _, err := os.Stat(fromEnv); err == nil {
		t.Fatal("--db given, yet the $SLANT_DB project was created")
	}
	mustSlant(t, env, "import", b) // no --db: $SLANT_DB
	if _, err := os.Stat(fromEnv); err != nil {
		t.Fatalf("import without --db did not use $SLANT_DB: %v", err)
	}
	if got := mustSlant(t, env, "show", "2"); got != "Only in the env project.\n" {
		t.Errorf("show 2 via $SLANT_DB: %q", got)
	}
	if got := mustSlant(t, env, "show", "2", "--db", fromFlag); got != "Only in the flag project.\n" {
		t.Errorf("show 2 --db (flag after the argument): %q", got)
	}
	if got := mustSlant(t, env, "stats", "--db", fromFlag); !strings.Contains(got, "flag.slant") {
		t.Errorf("stats --db: %q", got)
	}
}

func TestDefaultProject(t *testing.T) {
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg) // where the platform does not keep it in the environment
	t.Setenv("HOME", cfg)
	want := filepath.Join(cfg, "slant", "default.slant")
	if _, err := os.UserConfigDir(); err != nil {
		t.Skip(err)
	}
	// With neither --db nor $SLANT_DB, list makes the default project, as the
	// window does; the configuration folder comes from the command's own
	// environment.
	out := mustSlant(t, map[string]string{"XDG_CONFIG_HOME": cfg, "HOME": cfg}, "list")
	if !strings.Contains(out, "US to press India") {
		t.Errorf("list of the new default project: %q", out)
	}
	if _, err := os.Stat(want); err != nil {
		t.Errorf("default project not at %s: %v", want, err)
	}
}

func TestMissingExplicitProject(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nowhere", "typo.slant")
	for _, args := range [][]string{
		{"list", "--db", missing},
		{"list", "--json", "--db", missing},
		{"show", "--db", missing, "1"},
		{"stats", "--db", missing},
	} {
		out, errOut, code := runSlant(t, nil, args...)
		if code != 1 || out != "" {
			t.Errorf("slant %s: exit %d stdout %q", strings.Join(args, " "), code, out)
		}
		if !strings.Contains(errOut, "no project at "+missing) || !strings.Contains(errOut, "slant import --db "+missing) {
			t.Errorf("slant %s: stderr %q", strings.Join(args, " "), errOut)
		}
	}
	// The same through $SLANT_DB.
	_, errOut, code := runSlant(t, map[string]string{"SLANT_DB": missing}, "list")
	if code != 1 || !strings.Contains(errOut, "no project at "+missing) {
		t.Errorf("list via $SLANT_DB: exit %d stderr %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Dir(missing)); err == nil {
		t.Error("a read-only command created the project's folder")
	}
	// A file that is not a project.
	notProject := putFile(t, dir, "notes.slant", "just some notes\n")
	_, errOut, code = runSlant(t, nil, "list", "--db", notProject)
	if code != 1 || !strings.Contains(errOut, "not a Slant project") {
		t.Errorf("list of a text file: exit %d stderr %q", code, errOut)
	}
}

func TestHelpAndUnknownCommand(t *testing.T) {
	for _, args := range [][]string{{"help"}, {}, {"--help"}, {"-h"}} {
		out, errOut, code := runSlant(t, nil, args...)
		if code != 0 || errOut != "" {
			t.Errorf("slant %v: exit %d stderr %q", args, code, errOut)
		}
		for _, want := range []string{"slant import ", "slant list ", "slant show ", "slant stats ", "--db FILE, else $SLANT_DB"} {
			if !strings.Contains(out, want) {
				t.Errorf("slant %v does not mention %q:\n%s", args, want, out)
			}
		}
	}
	for _, cmd := range []string{"import", "list", "show", "stats"} {
		out, errOut, code := runSlant(t, nil, "help", cmd)
		if code != 0 || !strings.Contains(out, "usage: slant "+cmd) || !strings.Contains(out, "-db") || errOut != "" {
			t.Errorf("help %s (asked for: on stdout): exit %d\nstdout %s\nstderr %s", cmd, code, out, errOut)
		}
		if _, _, code := runSlant(t, nil, cmd, "-h"); code != 0 {
			t.Errorf("%s -h: exit %d", cmd, code)
		}
	}
	out, errOut, code := runSlant(t, nil, "frobnicate", "x")
	if code != 2 || out != "" || !strings.HasPrefix(errOut, `slant: unknown command "frobnicate"`) || !strings.Contains(errOut, "slant import ") {
		t.Errorf("unknown command: exit %d stdout %q stderr %q", code, out, errOut)
	}
	_, errOut, code = runSlant(t, nil, "list", "--no-such-flag")
	if code != 2 || !strings.Contains(errOut, "no-such-flag") {
		t.Errorf("bad flag: exit %d stderr %q", code, errOut)
	}
	for _, name := range []string{"import", "list", "show", "stats", "help"} {
		if !cli.Is(name) {
			t.Errorf("cli.Is(%q) is false", name)
		}
	}
	if cli.Is("frobnicate") {
		t.Error(`cli.Is("frobnicate")`)
	}
}

// A title cannot clear the screen or retitle the terminal: control
// characters are taken out on import, and never printed raw.
func TestTitlesHoldNoControlCharacters(t *testing.T) {
	dir := t.TempDir()
	file := putFile(t, dir, "t.jsonl", `{"title": "\u001b[2J\u001b]0;pwned\u0007Breaking\tnews \u202eevil", "text": "Some news."}`+"\n")
	db := newProjectPath(t)
	mustSlant(t, nil, "import", "--db", db, file)
	out := mustSlant(t, nil, "list", "--db", db)
	if strings.ContainsAny(out, "\u001b\u0007\u202e\t") || !strings.Contains(out, "[2J ]0;pwned Breaking news evil") {
		t.Errorf("list:\n%q", out)
	}
	js := mustSlant(t, nil, "list", "--db", db, "--json")
	if strings.Contains(js, `\u001b`) {
		t.Errorf("the stored title keeps an escape: %s", js)
	}
}
