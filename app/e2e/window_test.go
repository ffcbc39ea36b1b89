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
