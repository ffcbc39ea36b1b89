package format

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skip("no symlinks here:", err)
	}
}

func TestExpand(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "corpus")
	for _, name := range []string{
		"b.txt", "a.csv", "notes.pdf", "image.png", ".hidden.txt", ".git/config.txt",
		"sub/z.jsonl", "sub/y.HTML", "sub/.secret/x.txt", "sub/deeper/w.md", "sub/readme",
	} {
		write(t, root, name, []byte("x"))
	}
	other := filepath.Join(dir, "other")
	write(t, other, "o.tsv", []byte("x"))
	symlink(t, other, filepath.Join(root, "sub", "linked"))                     // link to a folder outside
	symlink(t, filepath.Join(root, "b.txt"), filepath.Join(root, "c-link.txt")) // link to a file
	symlink(t, root, filepath.Join(root, "sub", "deeper", "up"))                // loop back to the root
	symlink(t, "nowhere.txt", filepath.Join(root, "dangling.txt"))              // broken
	self := filepath.Join(root, "self.txt")
	symlink(t, self, self) // loops on itself

	explicit := write(t, dir, ".explicit-hidden.md", []byte("x"))
	files, skipped, problems := Expand([]string{
		root,
		explicit,
		filepath.Join(dir, "missing"),
		filepath.Join(root, "notes.pdf"),
		filepath.Join(root, "b.txt"), // already listed
	})
	rel := func(ps []string) []string {
		out := make([]string, len(ps))
		for i, p := range ps {
			r, _ := filepath.Rel(dir, p)
			out[i] = filepath.ToSlash(r)
		}
		return out
	}
	// The link to a folder outside is not followed (it is left out and
	// said), unless links are to be followed.
	want := []string{
		"corpus/a.csv", "corpus/b.txt", "corpus/c-link.txt",
		"corpus/sub/deeper/w.md", "corpus/sub/y.HTML", "corpus/sub/z.jsonl",
		".explicit-hidden.md",
	}
	if got := rel(files); !reflect.DeepEqual(got, want) {
		t.Errorf("files\n got %q\nwant %q", got, want)
	}
	x := ExpandLinks([]string{root}, false)
	if got := rel(x.LeftOut); !reflect.DeepEqual(got, []string{"corpus/sub/linked"}) {
		t.Errorf("left out %q", got)
	}
	followed := ExpandLinks([]string{root}, true)
	if got := rel(followed.Files); !slices.Contains(got, "corpus/sub/linked/o.tsv") || len(followed.LeftOut) != 0 {
		t.Errorf("following links: files %q, left out %q", got, followed.LeftOut)
	}
	if skipped != 3 { // notes.pdf, image.png, sub/readme
		t.Errorf("skipped %d, want 3", skipped)
	}
	wantProblems := map[string]string{
		"corpus/dangling.txt":  `broken symlink to "nowhere.txt"`,
		"corpus/self.txt":      "symlink loop",
		"corpus/sub/deeper/up": "symlink loop",
		"missing":              "no such file or directory",
		"corpus/notes.pdf":     `unknown file type ".pdf"`,
	}
	if len(problems) != len(wantProblems) {
		t.Errorf("%d problems, want %d: %v", len(problems), len(wantProblems), problems)
	}
	for _, p := range problems {
		r := rel([]string{p.File})[0]
		w, ok := wantProblems[r]
		if !ok || !strings.Contains(p.Error(), w) || !strings.HasPrefix(p.Error(), p.File+": ") {
			t.Errorf("problem %q for %s; want %q", p.Error(), r, w)
		}
	}

	// The same call gives the same answer.
	files2, _, _ := Expand([]string{root, explicit, filepath.Join(dir, "missing"), filepath.Join(root, "notes.pdf")})
	if !reflect.DeepEqual(files, files2) {
		t.Error("order is not stable")
	}
}

func TestExpandLoopGivenDirectly(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	symlink(t, b, a)
	symlink(t, a, b)
	notDir := write(t, dir, "plain.txt", []byte("x"))
	files, skipped, problems := Expand([]string{a, filepath.Join(dir, "a.txt"), filepath.Join(notDir, "x.txt")})
	if len(files) != 0 || skipped != 0 || len(problems) != 3 {
		t.Fatalf("files %v skipped %d problems %v", files, skipped, problems)
	}
	if !strings.Contains(problems[0].Error(), "symlink loop") || problems[0].File != a {
		t.Errorf("problem %v", problems[0])
	}
	if !strings.Contains(problems[2].Error(), "not a directory") {
		t.Errorf("problem %v", problems[2])
	}

	// A folder linking to itself, given directly.
	loopDir := filepath.Join(dir, "d")
	write(t, loopDir, "x.txt", []byte("x"))
	symlink(t, ".", filepath.Join(loopDir, "again"))
	files, _, problems = Expand([]string{loopDir})
	if len(files) != 1 || len(problems) != 1 || !strings.Contains(problems[0].Error(), "symlink loop") {
		t.Errorf("files %v problems %v", files, problems)
	}
}

func TestExpandUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: permissions are not enforced")
	}
	dir := t.TempDir()
	locked := filepath.Join(dir, "locked")
	write(t, locked, "a.txt", []byte("x"))
	write(t, dir, "ok.txt", []byte("x"))
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(locked, 0o755)
	files, _, problems := Expand([]string{dir})
	if len(files) != 1 || len(problems) != 1 || !strings.Contains(problems[0].Error(), "permission denied") {
		t.Errorf("files %v problems %v", files, problems)
	}
}
