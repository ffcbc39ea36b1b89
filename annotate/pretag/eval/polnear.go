package eval

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/slant-annotate/slant/annotate/pretag"
)

// QuoteScores are PolNeAR quote measurements for one split.
type QuoteScores struct {
	Split string
	Docs  int
	// Gold direct quotes: Content fragments that begin with a quotation
	// mark; Found: those overlapped by a predicted quote.
	Gold, Found int
	// Pred: predicted quotes; PredRight: those lying within a gold Content
	// span (the extent of its fragments, 2 code points of slack each side).
	Pred, PredRight int
	// SpeakerGold: found gold direct quotes whose attribution has a Source;
	// SpeakerRight: those whose predicted speaker overlaps that Source.
	SpeakerGold, SpeakerRight int
	// Misses etc. keep a few examples for tuning.
	Examples []string
}

func (q *QuoteScores) Recall() float64    { return ratio(q.Found, q.Gold) }
func (q *QuoteScores) Precision() float64 { return ratio(q.PredRight, q.Pred) }
func (q *QuoteScores) Speaker() float64   { return ratio(q.SpeakerRight, q.SpeakerGold) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

type span struct{ s, e int }

type bratAttr struct {
	content []span
	source  []span
}

// readBrat reads a brat standoff file: text-bound annotations and the
// Attribution events linking Content, Cue and Source.
func readBrat(path string) ([]bratAttr, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tb := map[string][]span{}
	var events [][]string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		p := strings.Split(sc.Text(), "\t")
		if len(p) < 2 {
			continue
		}
		switch p[0][0] {
		case 'T':
			typ, rest, ok := strings.Cut(p[1], " ")
			if !ok {
				continue
			}
			_ = typ
			var ss []span
			for _, frag := range strings.Split(rest, ";") {
				a, b, ok := strings.Cut(strings.TrimSpace(frag), " ")
				if !ok {
					continue
				}
				s, err1 := strconv.Atoi(a)
				e, err2 := strconv.Atoi(b)
				if err1 != nil || err2 != nil {
					return nil, fmt.Errorf("%s: bad span %q", path, frag)
				}
				ss = append(ss, span{s, e})
			}
			tb[p[0]] = ss
		case 'E':
			events = append(events, strings.Fields(p[1]))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	var out []bratAttr
	for _, ev := range events {
		var a bratAttr
		for _, arg := range ev {
			role, id, ok := strings.Cut(arg, ":")
			if !ok {
				continue
			}
			switch role {
			case "Content":
				a.content = append(a.content, tb[id]...)
			case "Source":
				a.source = append(a.source, tb[id]...)
			}
		}
		if len(a.content) > 0 {
			out = append(out, a)
		}
	}
	return out, nil
}

func isQuoteMark(r rune) bool { return strings.ContainsRune("“\"«‘„", r) }

// PolNeAR measures direct-quote recall, quote precision and speaker
// accuracy on one split (data/polnear/<split>). Where an article has several
// annotators, the first annotation file in name order is the gold.
func PolNeAR(ctx context.Context, dir, split string, tagger *pretag.Tagger, workers int) (*QuoteScores, error) {
	base := filepath.Join(dir, "polnear", split)
	names, err := filepath.Glob(filepath.Join(base, "text", "*.txt"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no articles", base)
	}
	sort.Strings(names)
	texts := make([]string, len(names))
	golds := make([][]bratAttr, len(names))
	for i, n := range names {
		if texts[i], err = readText(n); err != nil {
			return nil, err
		}
		art := strings.TrimSuffix(filepath.Base(n), ".txt")
		anns, _ := filepath.Glob(filepath.Join(base, "attributions", art+"_*.ann"))
		sort.Strings(anns)
		if len(anns) == 0 {
			continue
		}
		if golds[i], err = readBrat(anns[0]); err != nil {
			return nil, err
		}
	}
	q := &QuoteScores{Split: split, Docs: len(names)}
	err = tagger.TagAll(ctx, workers, func(yield func(int, string) bool) {
		for i, t := range texts {
			if !yield(i, t) {
				return
			}
		}
	}, func(i int, r *pretag.Result) error {
		scoreQuotes(q, []rune(texts[i]), golds[i], r, filepath.Base(names[i]))
		return nil
	}, nil)
	return q, err
}

func scoreQuotes(q *QuoteScores, text []rune, gold []bratAttr, r *pretag.Result, name string) {
	overlaps := func(a, b span) bool { return a.s < b.e && b.s < a.e }
	for _, a := range gold {
		for _, c := range a.content {
			if c.s < 0 || c.e > len(text) || c.s >= c.e || !isQuoteMark(text[c.s]) {
				continue
			}
			q.Gold++
			var hit *pretag.Quote
			for i := range r.Quotes {
				p := &r.Quotes[i]
				if overlaps(span{p.Start, p.End}, c) {
					hit = p
					break
				}
			}
			if hit == nil {
				if len(q.Examples) < 400 {
					q.Examples = append(q.Examples, fmt.Sprintf("MISS %s %d %.100q", name, c.s, string(text[c.s:c.e])))
				}
				continue
			}
			q.Found++
			if len(a.source) == 0 {
				continue
			}
			q.SpeakerGold++
			ok := false
			if hit.Speaker != nil {
				for _, s := range a.source {
					if overlaps(span{hit.Speaker.Start, hit.Speaker.End}, s) {
						ok = true
					}
				}
			}
			if ok {
				q.SpeakerRight++
			} else if len(q.Examples) < 400 {
				got := "none"
				if hit.Speaker != nil {
					got = hit.Speaker.Text
				}
				src := a.source[0]
				q.Examples = append(q.Examples, fmt.Sprintf("SPK %s %d %.80q got %q want %q", name, hit.Start, hit.Text, got, string(text[src.s:src.e])))
			}
		}
	}
	for _, p := range r.Quotes {
		q.Pred++
		ok := false
		for _, a := range gold {
			lo, hi := len(text), 0
			for _, c := range a.content {
				lo, hi = min(lo, c.s), max(hi, c.e)
			}
			if p.Start >= lo-2 && p.End <= hi+2 {
				ok = true
				break
			}
		}
		if ok {
			q.PredRight++
		} else if len(q.Examples) < 400 {
			q.Examples = append(q.Examples, fmt.Sprintf("FP %s %d %.100q", name, p.Start, p.Text))
		}
	}
}
