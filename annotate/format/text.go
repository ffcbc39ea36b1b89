package format

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/slant-annotate/slant/annotate"
)

// readText reads a plain-text file as one document. The text is the whole
// file after annotate.NormalizeText (the heading stays in the text, so that
// offsets are those of the file); the title is its heading line or else the
// file name.
func readText(r io.Reader, name string, emit func(annotate.Document) error) error {
	// A text file whose normalised text is at most MaxTextBytes is at most
	// about twice that on disk (CRLF line ends); refuse anything bigger
	// before reading it.
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > 2*MaxTextBytes {
			return &Error{File: name, Err: textTooLarge("the file", st.Size())}
		}
	}
	br := bufio.NewReader(r)
	if err := sniff(br, "a text file"); err != nil {
		return &Error{File: name, Err: err}
	}
	raw, err := io.ReadAll(io.LimitReader(br, 2*MaxTextBytes+1))
	if err != nil {
		return &Error{File: name, Err: pathErr(err)}
	}
	if len(raw) > 2*MaxTextBytes {
		return &Error{File: name, Err: textTooLarge("the file", int64(len(raw)))}
	}
	text, err := annotate.NormalizeText(raw)
	if err != nil {
		var te *annotate.TextError
		if errors.As(err, &te) {
			return &Error{File: name, Line: te.Line, Err: te}
		}
		return &Error{File: name, Err: err}
	}
	if len(text) > MaxTextBytes {
		return &Error{File: name, Err: textTooLarge("the text", int64(len(text)))}
	}
	if text == "" {
		return &Error{File: name, Err: ErrEmpty}
	}
	if isBlank(text) {
		return &Error{File: name, Err: fmt.Errorf("%w (only white space)", ErrEmpty)}
	}
	if err := emit(annotate.Document{Title: textTitle(text, name), Text: text, Source: name}); err != nil {
		return emitErr(name, 0, err)
	}
	return nil
}

func isLoop(err error) bool { return errors.Is(err, syscall.ELOOP) }

// ReadTextFile reads one plain-text file as import does (readText), for
// commands that take files without a project (slant tag): only a regular
// file, never a pipe or a device, within the size limit.
func ReadTextFile(path string) (annotate.Document, error) {
	st, err := os.Stat(path)
	if err != nil {
		return annotate.Document{}, &Error{File: path, Err: pathErr(err)}
	}
	if !st.Mode().IsRegular() {
		return annotate.Document{}, &Error{File: path, Err: errors.New("not a regular file")}
	}
	f, err := os.Open(path)
	if err != nil {
		return annotate.Document{}, &Error{File: path, Err: pathErr(err)}
	}
	defer f.Close()
	var doc annotate.Document
	err = readText(f, path, func(d annotate.Document) error { doc = d; return nil })
	return doc, err
}
