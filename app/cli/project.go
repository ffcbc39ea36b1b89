package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"

	"github.com/slant-annotate/slant/app/ops"
	"github.com/slant-annotate/slant/store"
)

// projectFlag adds --db to a command's flags.
func projectFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "", "project file (default: $SLANT_DB, else the default project)")
}

// openProject opens the project a command names, reporting failures on
// stderr. Read-only commands work while a window has the project open.
func openProject(env *Env, dbFlag string, readOnly bool) (*store.DB, bool) {
	path, err := ops.ProjectPath(dbFlag, env.Getenv)
	if err != nil {
		fmt.Fprintln(env.Stderr, "slant:", err)
		return nil, false
	}
	if _, err := os.Stat(path); readOnly && errors.Is(err, fs.ErrNotExist) {
		if def, _ := ops.ProjectPath("", func(k string) string {
			if k == "SLANT_DB" {
				return ""
			}
			return env.Getenv(k)
		}); path != def {
			fmt.Fprintf(env.Stderr, "slant: no project at %s (create it with: slant import --db %s FILE...)\n", path, path)
			return nil, false
		}
		readOnly = false // the default project is made on first use, as the window does
	}
	db, err := ops.OpenProject(context.Background(), path, store.Options{ReadOnly: readOnly})
	if err != nil {
		fmt.Fprintln(env.Stderr, "slant:", err)
		return nil, false
	}
	return db, true
}
