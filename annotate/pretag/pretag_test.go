package pretag

import (
	"context"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/slant-annotate/slant/assets"
)

var sample = string(assets.SampleArticle)

// checkSpans asserts every span of r is in bounds, on code point boundaries
// (by construction: code point offsets) and slices to its text.
func checkSpans(t testing.TB, text string, r *Result) {
	t.Helper()
	runes := []rune(text)
	ok := func(s, e int, want, what string) {
		if s < 0 || e > len(runes) || s > e {
			t.Fatalf("%s [%d,%d) out of bounds (%d code points)", what, s, e, len(runes))
		}
		if got := string(runes[s:e]); got != want {
			t.Fatalf("%s [%d,%d) slices to %q, text says %q", what, s, e, got, want)
		}
	}
	for _, e := range r.Entities {
		ok(e.Start, e.End, e.Text, "entity")
		if e.Target < 0 || e.Target >= len(r.Targets) {
			t.Fatalf("entity %q has target %d of %d", e.Text, e.Target, len(r.Targets))
		}
	}
	for _, tg := range r.Targets {
		for _, m := range tg.Mentions {
			if m[0] < 0 || m[1] > len(runes) || m[0] >= m[1] {
				t.Fatalf("target %q mention %v out of bounds", tg.Name, m)
			}
		}
	}
	for _, q := range r.Quotes {
		ok(q.Start, q.End, q.Text, "quote")
		if q.Speaker != nil {
			ok(q.Speaker.Start, q.Speaker.End, q.Speaker.Text, "speaker")
		}
		if q.Cue != nil {
			ok(q.Cue.Start, q.Cue.End, q.Cue.Text, "cue")
		}
	}
}

func TestSampleExactOffsets(t *testing.T) {
	r := NewTagger().Tag(sample)
	checkSpans(t, sample, r)
	if n := utf8.RuneCountInString(sample); n != 3207 {
		t.Fatalf("sample has %d code points, want 3207", n)
	}
	if e := r.Entities[0]; e.Start != 4 || e.End != 17 || e.Text != "United States" || e.Label != "GPE" {
		t.Errorf("first entity %+v, want United States [4,17) GPE", e)
	}
	want := map[[2]int]string{
		{154, 158}: "AMZN", {164, 171}: "Walmart", {178, 186}: "Flipkart", {219, 234}: "Financial Times",
		{954, 958}: "U.S.", {959, 964}: "India", {1565, 1571}: "Amazon", {1639, 1642}: "WMT", {2995, 2999}: "USTR", {3062, 3069}: "Walmart",
	}
	got := map[[2]int]string{}
	for _, e := range r.Entities {
		got[[2]int{e.Start, e.End}] = r.Targets[e.Target].Name + "|" + e.Text
	}
	for span, text := range want {
		if !strings.HasSuffix(got[span], "|"+text) {
			t.Errorf("no entity %q at %v (got %q)", text, span, got[span])
		}
	}
	if got[[2]int{154, 158}] != "Amazon|AMZN" || got[[2]int{1639, 1642}] != "Walmart|WMT" || got[[2]int{954, 958}] != "United States|U.S." {
		t.Errorf("tickers/aliases not grouped: %q %q %q", got[[2]int{154, 158}], got[[2]int{1639, 1642}], got[[2]int{954, 958}])
	}
	for _, e := range r.Entities {
		for _, bad := range []string{"NASDAQ", "Trade Leverage", "Walmart Caught", "Regulatory Limbo", "Than Commerce", "Market Reaction", "Washington"} {
			if strings.Contains(e.Text, bad) {
				t.Errorf("entity %q should not exist", e.Text)
			}
		}
	}
	if len(r.Quotes) != 3 {
		t.Fatalf("%d quotes, want 3", len(r.Quotes))
	}
	q := r.Quotes[0]
	if q.Start != 1184 || q.End != 1223 || q.Speaker == nil || q.Speaker.Start != 1229 || q.Speaker.End != 1262 ||
		q.Speaker.Text != "a Washington-based trade attorney" {
		t.Errorf("first quote %+v speaker %+v", q, q.Speaker)
	}
	q = r.Quotes[1]
	if q.Start != 1264 || q.End != 1337 || q.Speaker == nil || q.Speaker.Start != 1229 || !q.Inherited {
		t.Errorf("second quote %+v speaker %+v", q, q.Speaker)
	}
	q = r.Quotes[2]
	if q.Start != 2847 || q.End != 2980 || q.Speaker == nil || q.Speaker.Text != "a former USTR official" || q.Speaker.Start != 2986 || q.Target != -1 {
		t.Errorf("third quote %+v speaker %+v", q, q.Speaker)
	}
	if r.Engine != "slant-pretag/1 prose/v2.0.0" {
		t.Errorf("engine %q", r.Engine)
	}
}

func TestModelLoadedOnce(t *testing.T) {
	tg := NewTagger()
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); tg.Tag("Apple hired Tim Cook in California.") }()
	}
	wg.Wait()
	NewTagger().Tag("Another tagger, same model.")
	texts := func(yield func(int, string) bool) {
		for i := 0; i < 20; i++ {
			if !yield(i, "Angela Merkel met Emmanuel Macron in Paris.") {
				return
			}
		}
	}
	n := 0
	if err := tg.TagAll(context.Background(), 3, texts, func(int, *Result) error { n++; return nil }, nil); err != nil || n != 20 {
		t.Fatalf("TagAll: %v, %d results", err, n)
	}
	if ModelLoads() != 1 {
		t.Fatalf("model loaded %d times, want once", ModelLoads())
	}
}

func TestTagAllStopsOnError(t *testing.T) {
	texts := func(yield func(int, string) bool) {
		for i := 0; i < 100; i++ {
			if !yield(i, "Text number one.") {
				return
			}
		}
	}
	stop := context.Canceled
	n := 0
	err := NewTagger().TagAll(context.Background(), 2, texts, func(int, *Result) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	}, nil)
	if err != stop || n != 3 {
		t.Fatalf("err %v after %d", err, n)
	}
}

type qcase struct {
	text    string
	quotes  []string // quote texts in order
	speaker []string // speaker texts ("" for none)
}

func TestQuotes(t *testing.T) {
	cases := []qcase{
		{"“We will win,” said Jane Smith, the mayor.", []string{"“We will win,”"}, []string{"Jane Smith"}},
		{"“We will win,” Jane Smith said.", []string{"“We will win,”"}, []string{"Jane Smith"}},
		{"Jane Smith said: “We will win.”", []string{"“We will win.”"}, []string{"Jane Smith"}},
		{"\"We will win,\" the mayor told reporters.", []string{"\"We will win,\""}, []string{"the mayor"}},
		{"«Nous gagnerons», a former minister argued.", []string{"«Nous gagnerons»"}, []string{"a former minister"}},
		{"‘We will win the whole thing,’ wrote Bob Jones.", []string{"‘We will win the whole thing,’"}, []string{"Bob Jones"}},
		{"The city’s mayor didn’t say it. It’s the companies’ plan, rock ’n’ roll.", nil, nil},
		{"“We will win,” said Jane Smith. “They will lose everything they have.”", []string{"“We will win,”", "“They will lose everything they have.”"}, []string{"Jane Smith", "Jane Smith"}},
		{"Jane Smith arrived late.\n“It was a long day,” she said.", []string{"“It was a long day,”"}, []string{"she"}},
		{"“The plan is good and it will work for all of us,” according to Mark Twain.", []string{"“The plan is good and it will work for all of us,”"}, []string{"Mark Twain"}},
		{"“First paragraph of a long quote goes on\n“and the second paragraph ends it,” said Ann Lee.",
			[]string{"“First paragraph of a long quote goes on", "“and the second paragraph ends it,”"}, []string{"Ann Lee", "Ann Lee"}},
		{"He watched “Good Morning America” on TV.", nil, nil},
	}
	for _, c := range cases {
		r := NewTagger().Tag(c.text)
		checkSpans(t, c.text, r)
		if len(r.Quotes) != len(c.quotes) {
			t.Errorf("%q: %d quotes %v, want %d", c.text, len(r.Quotes), r.Quotes, len(c.quotes))
			continue
		}
		for i, q := range r.Quotes {
			sp := ""
			if q.Speaker != nil {
				sp = q.Speaker.Text
			}
			if q.Text != c.quotes[i] || sp != c.speaker[i] {
				t.Errorf("%q: quote %d = %q by %q, want %q by %q", c.text, i, q.Text, sp, c.quotes[i], c.speaker[i])
			}
		}
	}
}

func TestPronounResolvesToLastNamedSpeaker(t *testing.T) {
	text := "“We will fight it in court,” said Maria Lopez.\n“It will take years,” she said."
	r := NewTagger().Tag(text)
	if len(r.Quotes) != 2 || r.Quotes[0].Target < 0 || r.Quotes[1].Target != r.Quotes[0].Target {
		t.Fatalf("quotes %+v", r.Quotes)
	}
	if r.Targets[r.Quotes[1].Target].Name != "Maria Lopez" {
		t.Errorf("pronoun resolved to %q", r.Targets[r.Quotes[1].Target].Name)
	}
}

func TestEntityRules(t *testing.T) {
	text := "Shares of Amazon (AMZN.O) rose. The U.S.-India talks went on, Mr. Kaine said, and Indian officials agreed. Kaine left."
	r := NewTagger().Tag(text)
	checkSpans(t, text, r)
	by := map[string]string{}
	for _, e := range r.Entities {
		by[e.Text] = r.Targets[e.Target].Name + "/" + e.Label
	}
	for text, want := range map[string]string{"AMZN": "Amazon/ORG", "Amazon": "Amazon/ORG", "U.S.": "United States/GPE",
		"India": "India/GPE", "Indian": "India/GPE", "Kaine": "Kaine/PERSON"} {
		if by[text] != want {
			t.Errorf("%s: got %q, want %q (all: %v)", text, by[text], want, by)
		}
	}
}

func TestSentenceIsNotAHeading(t *testing.T) {
	// A sentence on its own (as in NewsMTSC) keeps its entities.
	r := NewTagger().Tag("Trade Talks Between Barack Obama And Angela Merkel")
	found := false
	for _, e := range r.Entities {
		if strings.Contains(e.Text, "Obama") {
			found = true
		}
	}
	if !found {
		t.Errorf("entities of a one-line text dropped: %+v", r.Entities)
	}
	if splitLines("Market Reaction\nShares fell on Monday.")[0].kind != headingLine {
		t.Errorf("title-case short line in a multi-line text should be a heading")
	}
}
