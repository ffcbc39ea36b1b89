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
//   - Symbolic links inside a folder are followed, to files and to folders,
//     while they stay inside the folder given; one that leads out of it
//     (to /usr/share/doc, say) is passed over and listed in LeftOut, unless
//     followLinks. A link to a folder that is already being walked (a loop)
//     is a problem, as is a link that loops on itself or points nowhere.
//   - A missing or unreadable path is a problem. Problems never stop the
//     rest; each names the path it is about.
//
// A file reached twice under the same path is listed once. A .txt that a
// brat .ann file in the list annotates (see BratText) is left out: it is
// imported with its annotations, not a second time on its own.
func Expand(paths []string) (files []string, skipped int, problems []*Error) {
	x := ExpandLinks(paths, false)
	return x.Files, x.Skipped, x.Problems
}

// Expansion is what ExpandLinks found.
type Expansion struct {
	Files    []string
	Skipped  int
	Problems []*Error
	// LeftOut are the symbolic links inside a folder that lead out of it,
	// not followed.
	LeftOut []string
}

// ExpandLinks is Expand, following links that lead out of a folder given
// when followLinks.
func ExpandLinks(paths []string, followLinks bool) Expansion {
	e := &expander{seen: map[string]bool{}, followLinks: followLinks}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			e.problem(p, pathErr(err))
			continue
		}
		if st.IsDir() {
			e.root, _ = filepath.EvalSymlinks(p)
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
	return Expansion{Files: withoutBratTexts(e.files), Skipped: e.skipped, Problems: e.problems, LeftOut: e.leftOut}
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
	// root is the folder being walked, links resolved; a link leading
	// outside it is left out unless followLinks.
	root        string
	followLinks bool
	leftOut     []string
}

// leaves reports whether the symbolic link at path leads out of the
// folder being walked.
func (e *expander) leaves(path string) bool {
	if e.followLinks || e.root == "" {
		return false
	}
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return false // reported as broken or a loop below
	}
	rel, err := filepath.Rel(e.root, target)
	return err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator))
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
			if e.leaves(path) {
				e.leftOut = append(e.leftOut, path)
				continue
			}
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
