package annotate

import "unicode"

// Token moves for correcting span boundaries from the keyboard. A token is
// a run of letters and digits (with their marks), or one other non-space
// character. Offsets are code points into rs, the text as runes.

func tokenClass(r rune) int {
	switch {
	case unicode.IsSpace(r):
		return 0
	case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
		return 1
	}
	return 2
}

// NextTokenEnd returns the end of the token after offset end.
func NextTokenEnd(rs []rune, end int) int {
	i := end
	for i < len(rs) && tokenClass(rs[i]) == 0 {
		i++
	}
	if i >= len(rs) {
		return end
	}
	c := tokenClass(rs[i])
	i++
	for c == 1 && i < len(rs) && tokenClass(rs[i]) == 1 {
		i++
	}
	return i
}

// PrevTokenEnd returns the end of the token before the last one in
// [floor, end), never at or below floor.
func PrevTokenEnd(rs []rune, end, floor int) int {
	i := end
	if i > 0 && tokenClass(rs[i-1]) == 1 {
		for i > floor && tokenClass(rs[i-1]) == 1 {
			i--
		}
	} else if i > floor {
		i--
	}
	for i > floor && tokenClass(rs[i-1]) == 0 {
		i--
	}
	if i <= floor {
		return end
	}
	return i
}

// PrevTokenStart returns the start of the token before offset start.
func PrevTokenStart(rs []rune, start int) int {
	i := start
	for i > 0 && tokenClass(rs[i-1]) == 0 {
		i--
	}
	if i == 0 {
		return start
	}
	c := tokenClass(rs[i-1])
	i--
	for c == 1 && i > 0 && tokenClass(rs[i-1]) == 1 {
		i--
	}
	return i
}

// NextTokenStart returns the start of the second token in [start, ceil).
func NextTokenStart(rs []rune, start, ceil int) int {
	i := start
	if i < len(rs) && tokenClass(rs[i]) == 1 {
		for i < ceil && tokenClass(rs[i]) == 1 {
			i++
		}
	} else if i < ceil {
		i++
	}
	for i < ceil && tokenClass(rs[i]) == 0 {
		i++
	}
	if i >= ceil {
		return start
	}
	return i
}

// SkipSpace returns the first offset at or after at that is not a space.
func SkipSpace(rs []rune, at int) int {
	for at < len(rs) && tokenClass(rs[at]) == 0 {
		at++
	}
	return at
}

// SnapToWords widens [start, end) so that it cuts no word in two, as a
// dragged selection should.
func SnapToWords(rs []rune, start, end int) (int, int) {
	for start > 0 && start < len(rs) && isWordRune(rs[start-1]) && isWordRune(rs[start]) {
		start--
	}
	for end < len(rs) && end > 0 && isWordRune(rs[end-1]) && isWordRune(rs[end]) {
		end++
	}
	return start, end
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// Paragraph returns the bounds of the paragraph(s) holding [start, end):
// from the line break before start to the one after end.
func Paragraph(rs []rune, start, end int) [2]int {
	for start > 0 && rs[start-1] != '\n' {
		start--
	}
	for end < len(rs) && rs[end] != '\n' {
		end++
	}
	return [2]int{start, end}
}
