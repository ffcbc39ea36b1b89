package pretag

import (
	"flag"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// bigTokens memoises prose's tokens of large inputs (the 1 MB seed takes
// prose tens of seconds), so that the fuzz targets run it once.
var bigTokens sync.Map

func cachedTokens(s string) []token {
	if len(s) < 1<<16 {
		return proseTokens(s)
	}
	if fuzzing() {
		// The fuzzing engine reports any input taking over 10 s as a hang;
		// prose needs longer on 1 MB, so while fuzzing huge inputs run the
		// rules without prose tokens. Plain go test runs prose on them.
		return nil
	}
	if v, ok := bigTokens.Load(s); ok {
		return v.([]token)
	}
	toks := proseTokens(s)
	bigTokens.Store(s, toks)
	return toks
}

// fuzzSeeds are the bad inputs every fuzz target starts from.
func fuzzSeeds(f *testing.F) {
	f.Add("")
	f.Add(strings.Repeat("Amazon and Walmart “said” U.S. officials, ", 1<<20/42)) // a 1 MB single line
	f.Add("“Unbalanced quote, said Jane\n“Nested “quotes” inside,” he said. ‘Single ‘nested’ one’ and \"straight \"in\" ones\"")
	f.Add("”Backwards“ and » reversed « and “ lone and ” lone ’ ‘ ' \" «")
	f.Add("Zero\u200bwidth\u200c join\u200d ers\ufeff in Ama\u200bzon and U.\u200bS. “quo\u200bte,” said Jo\u200bhn Smith.")
	f.Add("⚖️ Trade Leverage\n🛍️ Amazon, Walmart 👩‍👩‍👧 “emoji 🎉 quote,” said 🙂 Bob.\n- list item by Apple Inc.")
	f.Add("ALL CAPS TEXT: US PRESIDENT DONALD TRUMP SAID “WE WILL WIN” (NYSE: WMT) (AMZN.O) LET US GO TO THE USA.")
	f.Add(sample)
	f.Add("Mr. \n“\n”\n‘’ ' '' \"\" «» (NASDAQ: ) (.O) NYSE: - \n\n\n")
	f.Add("e\u0301\u0301 Ünïcödé “Zoë Çelik,” said Zoë. 中国 “你好” 说。")
}

// validText makes the fuzzer's bytes into what Tag accepts.
func validText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

func FuzzTag(f *testing.F) {
	fuzzSeeds(f)
	tg := NewTagger()
	f.Fuzz(func(t *testing.T, s string) {
		s = validText(s)
		if len(s) < 1<<16 {
			checkSpans(t, s, tg.Tag(s))
			return
		}
		checkSpans(t, s, tg.tagTokens(s, cachedTokens(s)))
	})
}

// FuzzAlign checks token alignment alone: every token lies in the text,
// in order, on rune boundaries.
func FuzzAlign(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		s = validText(s)
		toks := cachedTokens(s)
		last := 0
		for _, tk := range toks {
			if tk.start < last || tk.end > len(s) || tk.start > tk.end || !utf8.ValidString(s[tk.start:tk.end]) {
				t.Fatalf("token %+v out of order or bounds (last %d, len %d)", tk, last, len(s))
			}
			last = tk.start
		}
	})
}

// FuzzRules runs the entity rules and the quote extractor on their own
// over text without prose tokens, where they must not fail either.
func FuzzRules(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		s = validText(s)
		ls := splitLines(s)
		es := findEntities(s, nil, ls)
		for _, x := range es {
			if x.s < 0 || x.e > len(s) || x.s >= x.e || !utf8.ValidString(s[x.s:x.e]) {
				t.Fatalf("entity [%d,%d) bad in %d bytes", x.s, x.e, len(s))
			}
		}
		for _, l := range ls {
			qs, open := scanQuotes(s, l.s, l.e)
			for _, q := range qs {
				if q[0] < l.s || q[1] > l.e || q[0] >= q[1] || !utf8.ValidString(s[q[0]:q[1]]) {
					t.Fatalf("quote %v bad in line [%d,%d)", q, l.s, l.e)
				}
			}
			if open >= 0 && (open < l.s || open >= l.e) {
				t.Fatalf("open quote %d outside line", open)
			}
		}
	})
}

func fuzzing() bool {
	f := flag.Lookup("test.fuzz")
	return f != nil && f.Value.String() != ""
}
