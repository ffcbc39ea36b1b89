package annotate

import (
	"errors"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalizeText(t *testing.T) {
	cases := map[string]string{
		"\xef\xbb\xbfHello":        "Hello",
		"a\r\nb\rc\n\r\n":          "a\nb\nc\n\n",
		"\r\r\n":                   "\n\n",
		"e\u0301 café":             "e\u0301 café", // no Unicode normalisation
		"":                         "",
		"\xef\xbb\xbf\xef\xbb\xbf": "\ufeff", // only one BOM is a BOM
	}
	for in, want := range cases {
		got, err := NormalizeText([]byte(in))
		if err != nil || got != want {
			t.Errorf("NormalizeText(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestNormalizeTextRefusesBinary(t *testing.T) {
	cases := []struct {
		in         string
		line, byte int
		reason     string
	}{
		{"ok\nbad \xff here", 2, 7, "invalid UTF-8 (byte 0xff)"},
		{"one\ntwo\nthree\x00", 3, 13, "NUL"},
		{"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3, 8, "image/png"},
		{"%PDF-1.7\n\xe2\xe3\xcf\xd3", 2, 9, "application/pdf"},
		{"caf\xc3", 1, 3, "invalid UTF-8"},
	}
	for _, c := range cases {
		_, err := NormalizeText([]byte(c.in))
		var te *TextError
		if !errors.As(err, &te) || te.Line != c.line || te.Byte != c.byte || !strings.Contains(te.Reason, c.reason) {
			t.Errorf("NormalizeText(%q) error = %v; want line %d byte %d containing %q", c.in, err, c.line, c.byte, c.reason)
		}
	}
}

// samplePath finds the shared sample article, or skips.
func samplePath(t testing.TB) string {
	for dir := "."; len(dir) < 40; dir += "/.." {
		p := dir + "/../shared/data/seed/us-india-ecommerce.txt"
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skip("../shared/data is absent: skipping the test on the real sample article")
	return ""
}

func TestSampleArticleOffsets(t *testing.T) {
	raw, err := os.ReadFile(samplePath(t))
	if err != nil {
		t.Fatal(err)
	}
	text, err := NormalizeText(raw)
	if err != nil {
		t.Fatal(err)
	}
	x := NewOffsetIndex(text)
	b, r, u := x.Len()
	if b != 3242 || r != 3207 {
		t.Fatalf("sample article: %d bytes, %d code points; want 3242 and 3207", b, r)
	}
	if u != utf16Len(text) {
		t.Fatalf("utf16 length %d, want %d", u, utf16Len(text))
	}
	// "United States" is [4,17) in code points (gold.json).
	if got := text[x.RuneToByte(4):x.RuneToByte(17)]; got != "United States" {
		t.Fatalf("[4,17) = %q", got)
	}
	checkIndexAgainstNaive(t, text)
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// checkIndexAgainstNaive compares every boundary with a linear count.
func checkIndexAgainstNaive(t *testing.T, text string) {
	t.Helper()
	x := NewOffsetIndex(text)
	r, u := 0, 0
	check := func(b int) {
		if got := x.ByteToRune(b); got != r {
			t.Fatalf("%q: ByteToRune(%d) = %d, want %d", text, b, got, r)
		}
		if got := x.RuneToByte(r); got != b {
			t.Fatalf("%q: RuneToByte(%d) = %d, want %d", text, r, got, b)
		}
		if got := x.RuneToUTF16(r); got != u {
			t.Fatalf("%q: RuneToUTF16(%d) = %d, want %d", text, r, got, u)
		}
		if got := x.UTF16ToRune(u); got != r {
			t.Fatalf("%q: UTF16ToRune(%d) = %d, want %d", text, u, got, r)
		}
		if got := x.UTF16ToByte(u); got != b {
			t.Fatalf("%q: UTF16ToByte(%d) = %d, want %d", text, u, got, b)
		}
		if got := x.ByteToUTF16(b); got != u {
			t.Fatalf("%q: ByteToUTF16(%d) = %d, want %d", text, b, got, u)
		}
	}
	for b, c := range text {
		check(b)
		r++
		u += utf16Len(string(c))
	}
	check(len(text))
}

func TestOffsetIndex(t *testing.T) {
	for _, text := range []string{
		"",
		"plain ascii",
		"⚖️ Trade Leverage\n",            // emoji + variation selector: 2 code points, 6 bytes
		"e\u0301e\u0301 combining marks", // combining acute accents
		"😀x😀😀 astral (surrogate pairs)",  // 4 bytes, 2 UTF-16 units each
		"ends with emoji 🇮🇳",
		"\u200bzero\u200dwidth",
		"mixed é 中文 𝄞 end",
	} {
		checkIndexAgainstNaive(t, text)
	}
	// CRLF input is normalised before it is indexed.
	text, _ := NormalizeText([]byte("a\r\n😀\r\nb"))
	checkIndexAgainstNaive(t, text)
	if x := NewOffsetIndex(text); x.RuneToByte(4) != len("a\n😀\n") {
		t.Fatal("offset after CRLF normalisation")
	}
	// An offset inside a character rounds down to its start.
	x := NewOffsetIndex("a😀b")
	if x.ByteToRune(2) != 1 || x.UTF16ToRune(2) != 1 {
		t.Fatal("mid-character offsets must round down")
	}
}

func FuzzOffsetIndex(f *testing.F) {
	for _, s := range []string{"", "abc", "⚖️ x", "😀😀", "e\u0301", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		checkIndexAgainstNaive(t, s)
	})
}

func TestWordsAndHeading(t *testing.T) {
	for in, want := range map[string]int{"": 0, "one two": 2, "don't stop": 2, "e-commerce access": 2,
		"⚖️ Trade Leverage": 2, "$125 billion": 2, "café\u0301 au lait": 3} {
		if got := Words(in); got != want {
			t.Errorf("Words(%q) = %d, want %d", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"Amazon in India\n\nThe United States...": "Amazon in India",
		"A sentence on its own.\nMore.":           "",
		"Only one line":                           "",
		"Headline?\nbody":                         "Headline?",
		strings.Repeat("long ", 30) + "\nbody":    "",
	} {
		if got := HeadingTitle(in); got != want {
			t.Errorf("HeadingTitle(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkOffsetIndexSample(b *testing.B) {
	raw, err := os.ReadFile(samplePath(b))
	if err != nil {
		b.Fatal(err)
	}
	text, _ := NormalizeText(raw)
	x := NewOffsetIndex(text)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x.RuneToByte(i % 3207)
	}
}
