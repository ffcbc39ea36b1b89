package format

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Expand turns the paths a user gave (files and folders) into the files to
// read, in a stable order: the paths in the order given, each folder's
// entries by name, depth first.
//
//   - A file given explicitly is kept if KindOf knows its extension and is a
//     problem otherwise. Hidden names are not skipped when given explicitly.
//   - A folder is read recursively. Inside it, hidden files and folders
//     (names starting with ".") are passed over silently; files of an unknown
//     kind are passed over and counted in skipped.
//   - Symbolic links are followed, to files and to folders; a link to a
//     folder that is already being walked (a loop) is a problem, as is a
//     link that loops on itself or points nowhere.
//   - A missing or unreadable path is a problem. Problems never stop the
//     rest; each names the path it is about.
//
// A file reached twice under the same path is listed once. A .txt that a
// brat .ann file in the list annotates (see BratText) is left out: it is
// imported with its annotations, not a second time on its own.
func Expand(paths []string) (files []string, skipped int, problems []*Error) {
	e := &expander{seen: map[string]bool{}}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			e.problem(p, pathErr(err))
			continue
		}
		if st.IsDir() {
			e.walk(p, []os.FileInfo{st})
			continue
		}
		if _, ok := KindOf(p); !ok {
			e.problem(p, unknownExt(p))
			continue
		}
		if !st.Mode().IsRegular() {
			e.problem(p, errors.New("not a regular file"))
			continue
		}
		e.add(p)
	}
	return withoutBratTexts(e.files), e.skipped, e.problems
}

// withoutBratTexts drops the texts of the .ann files in files.
func withoutBratTexts(files []string) []string {
	claimed := map[string]bool{}
	for _, f := range files {
		if k, _ := KindOf(f); k == Brat {
			if txt, err := BratText(f); err == nil {
				claimed[filepath.Clean(txt)] = true
			}
		}
	}
	if len(claimed) == 0 {
		return files
	}
	out := files[:0:0]
	for _, f := range files {
		if !claimed[filepath.Clean(f)] {
			out = append(out, f)
		}
	}
	return out
}

type expander struct {
	files    []string
	skipped  int
	problems []*Error
	seen     map[string]bool
}

func (e *expander) problem(path string, err error) {
	e.problems = append(e.problems, &Error{File: path, Err: err})
}

func (e *expander) add(path string) {
	key := filepath.Clean(path)
	if e.seen[key] {
		return
	}
	e.seen[key] = true
	e.files = append(e.files, path)
}

// walk lists dir, whose FileInfo is the last of ancestors (the folders from
// the path given down to dir, symlinks resolved), for loop detection.
func (e *expander) walk(dir string, ancestors []os.FileInfo) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		e.problem(dir, pathErr(err))
		if len(entries) == 0 {
			return
		}
	}
	for _, ent := range entries {
		name := ent.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		path := filepath.Join(dir, name)
		mode := ent.Type()
		if mode&fs.ModeSymlink != 0 {
			st, err := os.Stat(path)
			if err != nil {
				if isLoop(err) {
					e.problem(path, errors.New("symlink loop (too many levels of symbolic links)"))
				} else if errors.Is(err, fs.ErrNotExist) {
					target, _ := os.Readlink(path)
					e.problem(path, fmt.Errorf("broken symlink to %q", target))
				} else {
					e.problem(path, pathErr(err))
				}
				continue
			}
			if st.IsDir() {
				if anc := loopAncestor(st, ancestors); anc >= 0 {
					target, _ := os.Readlink(path)
					e.problem(path, fmt.Errorf("symlink loop: %q leads back to a folder being read", target))
					continue
				}
				e.walk(path, append(ancestors[:len(ancestors):len(ancestors)], st))
				continue
			}
			mode = st.Mode().Type()
		}
		switch {
		case mode.IsDir():
			st, err := os.Stat(path)
			if err != nil {
				e.problem(path, pathErr(err))
				continue
			}
			e.walk(path, append(ancestors[:len(ancestors):len(ancestors)], st))
		case mode.IsRegular():
			if _, ok := KindOf(name); ok {
				e.add(path)
			} else {
				e.skipped++
			}
		default: // sockets, devices, pipes
			e.skipped++
		}
	}
}

func loopAncestor(st os.FileInfo, ancestors []os.FileInfo) int {
	for i, a := range ancestors {
		if os.SameFile(st, a) {
			return i
		}
	}
	return -1
}
