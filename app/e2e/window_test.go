//go:build window

// Package e2e drives the real slant binary in a real X window (Xvfb) with
// keystrokes only, as a user would. make test builds the binary and runs it:
//
//	go test -tags window ./app/e2e -args -slant=$PWD/slant -shots=$PWD/build
package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

var (
	slantBin = flag.String("slant", "", "the slant binary to drive")
	shotsDir = flag.String("shots", "", "folder for screenshots")
)

// display starts Xvfb on a free display and returns its name.
func display(t *testing.T) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		t.Fatalf("start Xvfb (make test installs it): %v", err)
	}
	w.Close()
	t.Cleanup(func() { x.Process.Kill(); x.Wait() })
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		t.Fatalf("Xvfb gave no display: %v", err)
	}
	return ":" + strings.TrimSpace(line)
}

// waitFor polls cond until it holds or the time is up.
func waitFor(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", limit, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

type listed struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
	Words int    `json:"words"`
}

// list runs slant list --json, which reads while the window is open.
func list(t *testing.T, db string) []listed {
	t.Helper()
	out, err := exec.Command(*slantBin, "list", "--json", "--db", db).Output()
	if err != nil {
		t.Fatalf("slant list: %v", err)
	}
	var docs []listed
	for _, line := range bytes.Split(bytes.TrimSpace(out), []byte("\n")) {
		var d listed
		if err := json.Unmarshal(line, &d); err != nil {
			t.Fatalf("slant list --json line %q: %v", line, err)
		}
		docs = append(docs, d)
	}
	return docs
}

func TestRealWindowImport(t *testing.T) {
	if *slantBin == "" {
		t.Fatal("-slant=PATH is required (make test passes it)")
	}
	for _, tool := range []string{"Xvfb", "xdotool", "/usr/bin/import"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing (make test installs it): %v", tool, err)
		}
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "window-test.slant")
	article := filepath.Join(dir, "maersk.txt")
	os.WriteFile(article, []byte("Maersk warns on Red Sea\n\nShipping group Maersk said on Tuesday that freight rates would stay high, the company told investors.\n"), 0o644)

	env := append(os.Environ(), "DISPLAY="+display(t), "LANG=en_US.UTF-8", "HOME="+dir, "XDG_CONFIG_HOME="+dir)
	app := exec.Command(*slantBin, "--db", db)
	app.Env = env
	var appLog bytes.Buffer
	app.Stdout, app.Stderr = &appLog, &appLog
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- app.Wait() }()
	t.Cleanup(func() {
		app.Process.Kill()
		if t.Failed() {
			t.Logf("slant's output:\n%s", appLog.String())
		}
	})

	xdo := func(args ...string) string {
		cmd := exec.Command("xdotool", args...)
		cmd.Env = env
		out, _ := cmd.Output()
		return strings.TrimSpace(string(out))
	}
	var win string
	waitFor(t, "the Slant window", 60*time.Second, func() bool {
		win = strings.Split(xdo("search", "--name", "^Slant .*window-test$"), "\n")[0]
		return win != ""
	})
	if docs := list(t, db); len(docs) != 1 || !strings.Contains(docs[0].Title, "sample") {
		t.Fatalf("a new project should hold just the sample article, has %+v", docs)
	}
	time.Sleep(time.Second) // let the first frame settle before typing
	xdo("windowactivate", "--sync", win)
	xdo("key", "--window", win, "ctrl+i")
	time.Sleep(700 * time.Millisecond)
	xdo("type", "--delay", "15", article)
	xdo("key", "Return")
	waitFor(t, "the imported article in slant list", 30*time.Second, func() bool { return len(list(t, db)) == 2 })
	time.Sleep(time.Second) // the window refreshes its list after the commit

	shotDir := *shotsDir
	if shotDir == "" {
		shotDir = dir
	}
	os.MkdirAll(shotDir, 0o755)
	shot := filepath.Join(shotDir, "window.png")
	imp := exec.Command("/usr/bin/import", "-window", win, shot)
	imp.Env = env
	if out, err := imp.CombinedOutput(); err != nil {
		t.Fatalf("screenshot: %v\n%s", err, out)
	}
	checkScreenshot(t, shot)

	xdo("key", "--window", win, "ctrl+q")
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("slant exited with %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("slant did not quit on Ctrl+Q")
	}
	docs := list(t, db)
	if len(docs) != 2 || docs[1].Title != "Maersk warns on Red Sea" || docs[1].Words != 21 {
		t.Fatalf("after quitting, slant list shows %+v", docs)
	}
	t.Logf("window test passed; screenshot at %s", shot)
}

// checkScreenshot makes sure the picture shows a drawn window, not a blank.
func checkScreenshot(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("screenshot %s: %v", path, err)
	}
	colours := map[uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[r>>8<<16|g>>8<<8|bl>>8] = true
		}
	}
	if b.Dx() < 600 || b.Dy() < 400 || len(colours) < 20 {
		t.Fatalf("screenshot %s looks blank: %dx%d, %d colours", path, b.Dx(), b.Dy(), len(colours))
	}
	fmt.Printf("screenshot %s: %dx%d, %d colours\n", path, b.Dx(), b.Dy(), len(colours))
}

// session is a running slant window under one Xvfb display.
type session struct {
	t      *testing.T
	env    []string
	db     string
	app    *exec.Cmd
	log    *bytes.Buffer
	exited chan error
	win    string
}

func startSlant(t *testing.T, display, dir, db string, extraEnv ...string) *session {
	t.Helper()
	s := &session{t: t, db: db, log: &bytes.Buffer{}, exited: make(chan error, 1)}
	s.env = append(os.Environ(), "DISPLAY="+display, "LANG=en_US.UTF-8", "HOME="+dir, "XDG_CONFIG_HOME="+dir)
	s.env = append(s.env, extraEnv...)
	s.app = exec.Command(*slantBin, "--db", db)
	s.app.Env = s.env
	s.app.Stdout, s.app.Stderr = s.log, s.log
	if err := s.app.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.exited <- s.app.Wait() }()
	t.Cleanup(func() {
		s.app.Process.Kill()
		if t.Failed() {
			t.Logf("slant's output:\n%s", s.log.String())
		}
	})
	name := strings.TrimSuffix(filepath.Base(db), filepath.Ext(db))
	waitFor(t, "the Slant window", 60*time.Second, func() bool {
		s.win = strings.Split(s.xdo("search", "--name", "^Slant .*"+name+"$"), "\n")[0]
		return s.win != ""
	})
	return s
}

func (s *session) xdo(args ...string) string {
	cmd := exec.Command("xdotool", args...)
	cmd.Env = s.env
	out, _ := cmd.Output()
	return strings.TrimSpace(string(out))
}

// keys types keys into the window, one at a time, as a person would.
func (s *session) keys(keys ...string) {
	for _, k := range keys {
		s.xdo("key", "--window", s.win, k)
		time.Sleep(120 * time.Millisecond)
	}
}

// cli runs a slant command on the session's project and returns stdout.
func (s *session) cli(args ...string) string {
	s.t.Helper()
	out, err := exec.Command(*slantBin, append(args, "--db", s.db)...).Output()
	if err != nil {
		s.t.Fatalf("slant %s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}

type labelRecord struct {
	DocID     int64  `json:"doc_id"`
	Annotator string `json:"annotator"`
	Task      string `json:"task"`
	Unit      string `json:"unit"`
	Target    string `json:"target"`
	Value     string `json:"value"`
	Towards   string `json:"towards"`
}

func (s *session) labels() []labelRecord {
	var out []labelRecord
	for _, line := range strings.Split(strings.TrimSpace(s.cli("labels", "--json")), "\n") {
		if line == "" {
			continue
		}
		var r labelRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			s.t.Fatalf("slant labels --json: %q: %v", line, err)
		}
		out = append(out, r)
	}
	return out
}

func (s *session) pretagged() int {
	var st struct {
		Pretagged int `json:"pretagged"`
	}
	json.Unmarshal([]byte(s.cli("stats", "--json")), &st)
	return st.Pretagged
}

// TestRealWindowLabelSampleByKeyboard labels the sample article completely
// with keystrokes only — the document, every target, every quote — marks
// it done with Enter, quits, and checks the labels with the command line;
// then it labels again, kills the app with SIGKILL, and checks nothing the
// screen had shown as saved was lost.
func TestRealWindowLabelSampleByKeyboard(t *testing.T) {
	if *slantBin == "" {
		t.Fatal("-slant=PATH is required (make test passes it)")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "labelling.slant")
	display := display(t)
	// What the pre-tagger finds in the sample decides how many units there are.
	var tagged struct {
		Targets []struct{ Name string } `json:"targets"`
		Quotes  []struct{ Text string } `json:"quotes"`
	}
	out, err := exec.Command(*slantBin, "tag", "--json", "../../assets/sample/us-india-ecommerce.txt").Output()
	if err != nil || json.Unmarshal(out, &tagged) != nil {
		t.Fatalf("slant tag: %v", err)
	}
	nTargets, nQuotes := len(tagged.Targets), len(tagged.Quotes)
	if nTargets < 5 || nQuotes != 3 {
		t.Fatalf("pre-tagger found %d targets, %d quotes in the sample", nTargets, nQuotes)
	}

	s := startSlant(t, display, dir, db, "SLANT_ANNOTATOR=e2e")
	waitFor(t, "pre-tagging of the sample", 60*time.Second, func() bool { return s.pretagged() == 1 })
	time.Sleep(1500 * time.Millisecond) // the window re-opens the article with its suggestions
	s.xdo("windowactivate", "--sync", s.win)

	// The focus starts on the document's first unit: digits label at once,
	// and each label moves on to the next unit.
	keys := []string{"3"} // document: positive
	for i := 0; i < nTargets; i++ {
		keys = append(keys, []string{"1", "2", "3"}[i%3])
	}
	for i := 0; i < nQuotes; i++ {
		keys = append(keys, "1") // against
	}
	s.keys(keys...)
	waitFor(t, "every label on disk", 10*time.Second, func() bool { return len(s.labels()) == 1+nTargets+nQuotes })
	s.keys("Return")
	waitFor(t, "the document marked done", 10*time.Second, func() bool { return strings.Contains(s.cli("list", "--json"), `"status":"done"`) })
	s.keys("Escape", "ctrl+q")
	select {
	case err := <-s.exited:
		if err != nil {
			t.Fatalf("slant exited with %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("slant did not quit on Ctrl+Q")
	}
	labels := s.labels()
	byUnit := map[string]labelRecord{}
	for _, l := range labels {
		if l.Annotator != "e2e" || l.DocID != 1 {
			t.Fatalf("label %+v", l)
		}
		byUnit[l.Task+"/"+l.Unit+"/"+l.Target] = l
	}
	if byUnit["document_sentiment/document/"].Value != "positive" {
		t.Fatalf("document sentiment: %+v", labels)
	}
	if l := byUnit["target_sentiment/target/"+tagged.Targets[0].Name]; l.Value != "negative" {
		t.Fatalf("first target %s: %+v", tagged.Targets[0].Name, l)
	}
	quotes := 0
	for _, l := range labels {
		if l.Task == "quote_stance" {
			quotes++
			if l.Value != "against" || l.Towards == "" {
				t.Fatalf("quote stance %+v: want against, towards a target", l)
			}
		}
	}
	if quotes != nQuotes {
		t.Fatalf("%d quote labels, want %d", quotes, nQuotes)
	}

	// SIGKILL right after keystrokes loses nothing shown as saved.
	exec.Command(*slantBin, "import", "--db", db, "../../assets/sample/us-india-ecommerce.txt").Run() // a duplicate: nothing new
	art := filepath.Join(dir, "second.txt")
	os.WriteFile(art, []byte("Walmart and Amazon fight in India\n\nWalmart said on Monday that Amazon had cut prices in India, where both compete with Reliance.\n"), 0o644)
	if out, err := exec.Command(*slantBin, "import", "--db", db, art).CombinedOutput(); err != nil {
		t.Fatalf("import: %v %s", err, out)
	}
	s = startSlant(t, display, dir, db, "SLANT_ANNOTATOR=e2e")
	waitFor(t, "pre-tagging of the second article", 60*time.Second, func() bool { return s.pretagged() == 2 })
	time.Sleep(1500 * time.Millisecond)
	s.xdo("windowactivate", "--sync", s.win)
	// The window reopens the last document (the sample, done); Enter moves
	// on to the next one to do.
	s.keys("Return")
	time.Sleep(500 * time.Millisecond)
	s.keys("1", "2", "3")
	time.Sleep(400 * time.Millisecond) // long enough for the screen to show them saved
	s.app.Process.Signal(syscall.SIGKILL)
	<-s.exited
	second := 0
	for _, l := range s.labels() {
		if l.DocID == 2 {
			second++
		}
	}
	if second != 3 {
		t.Fatalf("after SIGKILL the second article has %d labels, want the 3 typed", second)
	}
	if out := s.cli("stats"); !strings.Contains(out, "documents  2") {
		t.Fatalf("project after SIGKILL: %s", out)
	}
}
