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
	"strings"

	"fyne.io/fyne/v2/app"

	"github.com/slant-annotate/slant/app/cli"
	"github.com/slant-annotate/slant/app/gui"
	_ "github.com/slant-annotate/slant/app/locale" // before Fyne reads $LANG
	"github.com/slant-annotate/slant/app/ops"
	"github.com/slant-annotate/slant/store"
)

func main() {
	if len(os.Args) > 1 && cli.Is(os.Args[1]) {
		os.Exit(cli.Run(cli.OSEnv(), os.Args[1:]))
	}
	os.Exit(openWindow(os.Args[1:]))
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
