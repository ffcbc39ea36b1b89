// Slant is a desktop tool for labelling how news articles portray the people,
// companies and countries in them. With no arguments it opens the window;
// with a sub-command it runs the command line (slant help lists them).
//
// This is the only file that imports fyne.io/fyne/v2/app, the one Fyne
// package that needs cgo and OpenGL: everything else builds and tests
// without cgo.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"

	"fyne.io/fyne/v2/app"

	"github.com/slant-annotate/slant/app/cli"
	"github.com/slant-annotate/slant/app/gui"
	_ "github.com/slant-annotate/slant/app/locale" // before Fyne reads $LANG
	"github.com/slant-annotate/slant/app/ops"
	"github.com/slant-annotate/slant/store"
)

func main() {
	command, window, err := cli.Route(os.Args[1:], func(p string) bool { _, err := os.Stat(p); return err == nil })
	switch {
	case err != nil:
		fmt.Fprintln(os.Stderr, "slant:", err)
		fmt.Fprintln(os.Stderr, "slant help lists the commands")
		os.Exit(2)
	case command != nil:
		os.Exit(cli.Run(cli.OSEnv(), command))
	}
	if !hasDisplay() {
		fmt.Fprintln(os.Stderr, "slant: no display to open the window on (run it in a desktop session); slant help lists the commands")
		os.Exit(1)
	}
	os.Exit(openWindow(window))
}

// hasDisplay reports whether a window can open: on X11 and Wayland
// systems, a display must be named; macOS and Windows always have one.
func hasDisplay() bool {
	switch runtime.GOOS {
	case "darwin", "windows", "ios", "android":
		return true
	}
	return os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
}

// openWindow runs the GUI: slant [--db FILE] [--annotator NAME] [PATH...]
// opens the project and imports PATHs as if they had been dropped on the
// window.
func openWindow(args []string) int {
	fs := flag.NewFlagSet("slant", flag.ContinueOnError)
	dbFlag := fs.String("db", "", "project file (default: $SLANT_DB, else the default project)")
	annotator := fs.String("annotator", os.Getenv("SLANT_ANNOTATOR"), "who is labelling (default: $SLANT_ANNOTATOR, else the last one, else ask)")
	fs.Usage = func() { cli.Run(cli.OSEnv(), []string{"help"}) }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	path, err := ops.ProjectPath(*dbFlag, os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "slant:", err)
		return 1
	}
	ctx := context.Background()
	db, err := ops.OpenProject(ctx, path, store.Options{})
	if errors.Is(err, store.ErrLocked) {
		fmt.Fprintln(os.Stderr, "slant:", err, "— opening read-only")
		db, err = ops.OpenProject(ctx, path, store.Options{ReadOnly: true})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "slant:", err)
		return 1
	}
	defer db.Close()
	a := app.NewWithID("io.github.slant-annotate.slant")
	ui, err := gui.New(a, db, gui.Options{Annotator: *annotator, AutoBackup: true, CheckOnOpen: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, "slant:", strings.TrimSpace(err.Error()))
		return 1
	}
	if paths := fs.Args(); len(paths) > 0 {
		ui.Import(paths, nil)
	}
	ui.Window().ShowAndRun()
	return 0
}
