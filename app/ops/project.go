// Package ops holds the operations both front ends perform — opening a
// project, importing files — as single functions, so that the window and
// the command line always behave the same.
package ops

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/assets"
	"github.com/slant-annotate/slant/store"
)

// defaultProjectPath is the project used when none is named: default.slant
// in the user's configuration folder. It reads that folder from getenv
// where the platform keeps it in the environment (XDG on Linux and BSDs),
// so that a command run in-process sees the same environment as its flags.
func defaultProjectPath(getenv func(string) string) (string, error) {
	dir := ""
	switch runtime.GOOS {
	case "windows", "darwin", "ios", "plan9", "android":
		d, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("find the default project folder: %w", err)
		}
		dir = d
	default:
		dir = getenv("XDG_CONFIG_HOME")
		if dir == "" || !filepath.IsAbs(dir) {
			home := getenv("HOME")
			if home == "" {
				return "", fmt.Errorf("find the default project folder: neither $XDG_CONFIG_HOME nor $HOME is set")
			}
			dir = filepath.Join(home, ".config")
		}
	}
	return filepath.Join(dir, "slant", "default.slant"), nil
}

// ProjectPath picks the project file: the --db flag, else $SLANT_DB, else
// the default project.
func ProjectPath(flag string, getenv func(string) string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if p := getenv("SLANT_DB"); p != "" {
		return p, nil
	}
	return defaultProjectPath(getenv)
}

// OpenProject opens (or creates) the project at path. A brand-new project
// starts with the bundled sample article, so there is something to look at.
func OpenProject(ctx context.Context, path string, opts store.Options) (*store.DB, error) {
	_, statErr := os.Stat(path)
	isNew := errors.Is(statErr, fs.ErrNotExist)
	db, err := store.Open(ctx, path, opts)
	if err != nil {
		return nil, err
	}
	if isNew && !opts.ReadOnly {
		if err := addSample(ctx, db); err != nil {
			db.Close()
			return nil, fmt.Errorf("add the sample article to %s: %w", path, err)
		}
	}
	return db, nil
}

func addSample(ctx context.Context, db *store.DB) error {
	text, err := annotate.NormalizeText(assets.SampleArticle)
	if err != nil {
		return err
	}
	b, err := db.BeginBatch(ctx)
	if err != nil {
		return err
	}
	doc := annotate.Document{Title: assets.SampleTitle, Text: text, Source: store.SampleSource}
	if err := b.Add(ctx, doc); err != nil {
		b.Rollback()
		return err
	}
	return b.Commit()
}
