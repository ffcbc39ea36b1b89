package annotate

import "sort"

// OffsetIndex converts offsets in one text between bytes (how Go slices),
// Unicode code points (how Slant stores and exports offsets, and how Python
// slices a str) and UTF-16 code units (how JavaScript does). Every conversion
// is O(log k), where k is the number of non-ASCII characters: between two of
// them every character is one byte, one code point and one UTF-16 unit.
//
// Offsets passed in must lie on character boundaries; offsets inside a
// character are rounded down to its start.
type OffsetIndex struct {
	bytes, runes, units int      // totals
	anchors             []anchor // one per non-ASCII character, in text order
}

type anchor struct {
	b, r, u int32 // where the character starts, in each unit
	bw, uw  int8  // its width in bytes and in UTF-16 units
}

// NewOffsetIndex builds the index for text.
func NewOffsetIndex(text string) *OffsetIndex {
	x := &OffsetIndex{bytes: len(text)}
	r, u := 0, 0
	for i, c := range text {
		if c >= 0x80 {
			bw := 2
			switch {
			case c >= 0x10000:
				bw = 4
			case c >= 0x800:
				bw = 3
			}
			uw := 1
			if c >= 0x10000 {
				uw = 2
			}
			if c == 0xFFFD && (i+3 > len(text) || text[i:i+3] != "\uFFFD") {
				bw = 1 // an invalid byte decoded as U+FFFD
			}
			x.anchors = append(x.anchors, anchor{int32(i), int32(r), int32(u), int8(bw), int8(uw)})
			u += uw
		} else {
			u++
		}
		r++
	}
	x.runes, x.units = r, u
	return x
}

// Len reports the text's length in bytes, code points and UTF-16 units.
func (x *OffsetIndex) Len() (bytes, runes, utf16 int) { return x.bytes, x.runes, x.units }

// RuneLen reports the text's length in code points.
func (x *OffsetIndex) RuneLen() int { return x.runes }

// ByteToRune converts a byte offset to a code point offset.
func (x *OffsetIndex) ByteToRune(b int) int {
	k := sort.Search(len(x.anchors), func(i int) bool { return int(x.anchors[i].b) >= b })
	if k < len(x.anchors) && int(x.anchors[k].b) == b {
		return int(x.anchors[k].r)
	}
	if k == 0 {
		return b
	}
	a := x.anchors[k-1]
	end := int(a.b) + int(a.bw)
	if b < end {
		return int(a.r)
	}
	return int(a.r) + 1 + b - end
}

// RuneToByte converts a code point offset to a byte offset.
func (x *OffsetIndex) RuneToByte(r int) int {
	k := sort.Search(len(x.anchors), func(i int) bool { return int(x.anchors[i].r) >= r })
	if k < len(x.anchors) && int(x.anchors[k].r) == r {
		return int(x.anchors[k].b)
	}
	if k == 0 {
		return r
	}
	a := x.anchors[k-1]
	return int(a.b) + int(a.bw) + r - int(a.r) - 1
}

// RuneToUTF16 converts a code point offset to a UTF-16 code unit offset.
func (x *OffsetIndex) RuneToUTF16(r int) int {
	k := sort.Search(len(x.anchors), func(i int) bool { return int(x.anchors[i].r) >= r })
	if k < len(x.anchors) && int(x.anchors[k].r) == r {
		return int(x.anchors[k].u)
	}
	if k == 0 {
		return r
	}
	a := x.anchors[k-1]
	return int(a.u) + int(a.uw) + r - int(a.r) - 1
}

// UTF16ToRune converts a UTF-16 code unit offset to a code point offset. An
// offset between the two halves of a surrogate pair rounds down.
func (x *OffsetIndex) UTF16ToRune(u int) int {
	k := sort.Search(len(x.anchors), func(i int) bool { return int(x.anchors[i].u) >= u })
	if k < len(x.anchors) && int(x.anchors[k].u) == u {
		return int(x.anchors[k].r)
	}
	if k == 0 {
		return u
	}
	a := x.anchors[k-1]
	end := int(a.u) + int(a.uw)
	if u < end {
		return int(a.r)
	}
	return int(a.r) + 1 + u - end
}

// ByteToUTF16 converts a byte offset to a UTF-16 code unit offset.
func (x *OffsetIndex) ByteToUTF16(b int) int { return x.RuneToUTF16(x.ByteToRune(b)) }

// UTF16ToByte converts a UTF-16 code unit offset to a byte offset.
func (x *OffsetIndex) UTF16ToByte(u int) int { return x.RuneToByte(x.UTF16ToRune(u)) }

// RuneSlicer returns a function that cuts text[start:end] in code points,
// or "" when out of range, through an offset index built on first use: for
// code that cuts many spans of one text.
func RuneSlicer(text string) func(start, end int) string {
	var x *OffsetIndex
	return func(start, end int) string {
		if x == nil {
			x = NewOffsetIndex(text)
		}
		if start < 0 || start > end || end > x.RuneLen() {
			return ""
		}
		return text[x.RuneToByte(start):x.RuneToByte(end)]
	}
}
