package pretag

import (
	"sort"
	"strings"
	"unicode"
)

// findEntities runs prose and the rules over text and returns mentions.
func findEntities(text string, toks []token, ls []line) []ent {
	es := chunkProse(text, toks, false)
	es = repairBoundaries(text, toks, es)
	// Titles are not part of a name: "Mr. Kaine" → Kaine (PERSON).
	for i := range es {
		x := &es[i]
		w := text[x.s:x.e]
		if k := strings.IndexByte(w, ' '); k > 0 && personTitles[w[:k]] && isUpperStart(w[k+1:]) {
			x.s += k + 1
			if w[:k] != "President" && w[:k] != "Secretary" {
				x.label = "PERSON"
			}
		}
	}

	// Headings and list lines produce no entities of their own: prose's
	// entities there are dropped (known names are re-found below).
	kept := es[:0]
	for _, x := range es {
		if ls[lineOf(ls, x.s)].kind == headingLine {
			continue
		}
		kept = append(kept, x)
	}
	es = kept

	// Names prose missed: a title and a capitalised name ("Mr. Trump",
	// "Judge Kavanaugh"), and runs of capitalised proper nouns.
	es = sortEnts(es)
	es = append(es, properNames(text, toks, ls, es)...)

	// Gazetteer: countries, aliases, demonyms. (es is sorted and its
	// mentions do not overlap, so the ones a match touches are found by
	// binary search.)
	es = sortEnts(es)
	var add []ent
	for _, g := range gazetteerMatches(text) {
		placed := false
		for i := sort.Search(len(es), func(i int) bool { return es[i].e > g.s }); i < len(es) && es[i].s < g.e; i++ {
			x := &es[i]
			if x.dead {
				continue
			}
			switch {
			case x.s == g.s && x.e == g.e:
				x.label, x.canon, x.strong, x.src = "GPE", g.canon, true, "gazetteer"
				placed = true
			case x.s <= g.s && x.e >= g.e && strings.ContainsAny(text[x.s:x.e], " ") && !strings.ContainsAny(text[x.s:x.e], "-–—/"):
				// a longer name containing the place ("American Airlines")
				placed = true
			default:
				// "U.S.-India", or a boundary that cuts the place
				x.dead = true
			}
		}
		if !placed {
			add = append(add, g)
		}
	}
	es = sortEnts(append(es, add...))
	add = add[:0]

	// Tickers: strong ORG evidence for the company named just before.
	for _, h := range tickerMatches(text) {
		company := ""
		for i := sort.Search(len(es), func(i int) bool { return es[i].e > h.zs }); i < len(es) && es[i].s < h.ze; i++ {
			es[i].dead = true // "NASDAQ" is not an entity of its own
		}
		if h.before >= 0 {
			i := sort.Search(len(es), func(i int) bool { return es[i].e > h.before }) - 1
			if i >= 0 && !es[i].dead && strings.TrimSpace(text[es[i].e:h.before]) == "" {
				es[i].label, es[i].strong = "ORG", true
				company = text[es[i].s:es[i].e]
			}
		}
		if company == "" && h.before >= 0 {
			// take the capitalised words before the parenthesis
			s, e := capsBefore(text, h.before)
			if s < e {
				company = text[s:e]
				add = append(add, ent{s: s, e: e, label: "ORG", src: "ticker", strong: true})
			}
		}
		if company == "" {
			company = text[h.ts:h.te]
		}
		add = append(add, ent{s: h.ts, e: h.te, label: "ORG", src: "ticker", canon: company, strong: true})
	}
	es = append(es, add...)

	// Relabelling by evidence.
	for i := range es {
		x := &es[i]
		if x.dead || x.strong {
			continue
		}
		w := text[x.s:x.e]
		switch {
		case corpSuffix.MatchString(text[x.e:min(len(text), x.e+24)]):
			x.label = "ORG"
		case x.label == "GPE" && allCaps(w) && !strings.Contains(w, ".") && !isGazForm(w):
			// acronyms prose calls GPE are organisations (USTR, FDA)
			x.label = "ORG"
		}
		if x.label != "PERSON" {
			if p := prevWord(text, x.s); titleWords[p] && p != "President" {
				x.label = "PERSON"
			}
		}
	}
	es = sortEnts(es)
	es = refind(text, es)
	return es
}

// capsBefore returns the run of capitalised words ending just before b
// (spaces before b are skipped), on one line.
func capsBefore(text string, b int) (int, int) {
	e := b
	for e > 0 && text[e-1] == ' ' {
		e--
	}
	s := e
	for s > 0 {
		k := strings.LastIndexAny(text[:s], " \n")
		w := text[k+1 : s]
		if w == "" || !isUpperStart(w) {
			break
		}
		s = k + 1
		if k < 0 || text[k] != ' ' || !isUpperStart(lastWord(text[:k])) {
			break
		}
		s = k
	}
	return s, e
}

func lastWord(s string) string {
	k := strings.LastIndexAny(s, " \n")
	return s[k+1:]
}

func prevWord(text string, s int) string {
	p := strings.TrimRight(text[:s], " ")
	if len(p) == len(text[:s]) && s > 0 {
		return "" // not separated by a space
	}
	return lastWord(p)
}

// refind adds every other occurrence of a name already found, in the body
// and in headings, with the label and canonical name of the first. A
// multi-word person's surname is re-found too ("Trump" for "Donald Trump").
func refind(text string, es []ent) []ent {
	type known struct {
		label, canon string
	}
	names := map[string]known{}
	add := func(n string, k known) {
		if len(n) < 2 || !isUpperStart(n) {
			return
		}
		if _, ok := names[n]; !ok {
			names[n] = k
		}
	}
	for _, x := range es {
		n := text[x.s:x.e]
		canon := x.canon
		if canon == "" {
			canon = n
		}
		add(n, known{x.label, canon})
	}
	for _, x := range es {
		n := text[x.s:x.e]
		if x.label == "PERSON" && strings.Contains(n, " ") {
			sur := lastWord(n)
			if len(sur) > 2 && !strings.HasSuffix(sur, ".") {
				add(sur, known{"PERSON", n})
			}
		}
	}
	if len(names) == 0 {
		return es
	}
	// index names by their first word
	byFirst := map[string][]string{}
	for n := range names {
		byFirst[leadKey(n)] = append(byFirst[leadKey(n)], n)
	}
	covered := func(s, e int, list []ent) bool {
		i := sort.Search(len(list), func(i int) bool { return list[i].e > s })
		return i < len(list) && list[i].s < e
	}
	var added []ent
	for i := 0; i < len(text); {
		r := runeAt(text, i)
		if !unicode.IsUpper(r) || isWordRune(runeBefore(text, i)) {
			i += max(1, len(string(r)))
			continue
		}
		lead := leadKey(text[i:])
		j := i + len(lead)
		cands := byFirst[lead]
		best := ""
		for _, n := range cands {
			if len(n) > len(best) && strings.HasPrefix(text[i:], n) && !isWordRune(runeAt(text, i+len(n))) {
				best = n
			}
		}
		if best != "" {
			e := i + len(best)
			if !covered(i, e, es) {
				k := names[best]
				added = append(added, ent{s: i, e: e, label: k.label, canon: k.canon, src: "known"})
			}
			i = e
			continue
		}
		i = max(j, i+1)
	}
	if len(added) == 0 {
		return es
	}
	return sortEnts(append(es, added...))
}

// leadKey is the leading run of word characters, dots and ampersands of s,
// without trailing dots: the key under which names are indexed.
func leadKey(s string) string {
	j := 0
	for j < len(s) {
		r := runeAt(s, j)
		if !isWordRune(r) && r != '.' && r != '&' {
			break
		}
		j += len(string(r))
	}
	return strings.TrimRight(s[:j], ".")
}

// personTitles precede a person's name.
var personTitles = map[string]bool{"Mr.": true, "Mrs.": true, "Ms.": true, "Dr.": true, "Mr": true, "Mrs": true, "Ms": true, "Dr": true,
	"Sen.": true, "Rep.": true, "Gov.": true, "Gen.": true, "Adm.": true, "Lt.": true, "Col.": true, "Prof.": true, "Judge": true,
	"General": true, "Senator": true, "President": true, "Justice": true, "Governor": true, "Secretary": true, "Sgt.": true, "Capt.": true}

// notNames are capitalised words that start sentences or headlines but do
// not name anything.
var notNames = map[string]bool{"I": true, "The": true, "A": true, "An": true, "This": true, "That": true, "These": true, "Those": true,
	"It": true, "He": true, "She": true, "We": true, "They": true, "You": true, "His": true, "Her": true, "Their": true, "Our": true,
	"My": true, "Its": true, "But": true, "And": true, "Or": true, "So": true, "If": true, "When": true, "While": true, "As": true,
	"In": true, "On": true, "At": true, "For": true, "With": true, "By": true, "From": true, "To": true, "Of": true, "After": true,
	"Before": true, "Mr.": true, "Mrs.": true, "Ms.": true, "Dr.": true, "Mr": true, "Mrs": true, "Ms": true, "Dr": true, "Yes": true,
	"No": true, "Not": true, "Now": true, "Then": true, "There": true, "Here": true, "What": true, "Who": true, "Why": true, "How": true,
	"Where": true, "Which": true, "All": true, "Some": true, "Many": true, "Most": true, "Both": true, "Each": true, "Every": true,
	"Also": true, "However": true, "Still": true, "Just": true, "Even": true, "OK": true, "Oh": true, "Well": true, "Please": true,
	"Story": true, "Continued": true, "Below": true, "VIDEO": true, "PHOTO": true, "Photo": true, "Video": true, "Read": true, "More": true}

func sentenceStart(text string, toks []token, i int) bool {
	if i == 0 {
		return true
	}
	if strings.ContainsRune(text[toks[i-1].end:toks[i].start], '\n') {
		return true
	}
	p := toks[i-1].text
	return p == "." || p == "!" || p == "?" || p == `"` || p == ":" || p == "'" || p == "—" || p == "(" || p == "|" || p == "#"
}

// properNames finds names prose missed (byte offsets), on body lines: a
// person title followed by capitalised words (the title left out), or a
// run of capitalised proper nouns (NNP) that is not a sentence's first word
// unless the tagger is sure (NNP there is rare for ordinary words).
func properNames(text string, toks []token, ls []line, have []ent) []ent {
	var out []ent
	// have is sorted by start and its mentions do not overlap.
	covered := func(s, e int) bool {
		i := sort.Search(len(have), func(i int) bool { return have[i].e > s })
		return i < len(have) && have[i].s < e
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		title := personTitles[t.text] && i+1 < len(toks) && onlySpaces(text[t.end:toks[i+1].start])
		if !title && (!isProper(t.tag) || t.label != "O" && t.label != "") {
			continue
		}
		j := i
		if title {
			j = i + 1
		}
		k := j
		for k < len(toks) && isUpperStart(toks[k].text) && isWordRune(runeAt(toks[k].text, len(toks[k].text)-1)) &&
			(k == j || onlySpaces(text[toks[k-1].end:toks[k].start]) && isProper(toks[k].tag)) &&
			!notNames[toks[k].text] && !calendarWords[toks[k].text] && !allCaps(toks[k].text) && k-j < 4 {
			k++
		}
		if k == j {
			continue
		}
		s, e := toks[j].start, toks[k-1].end
		if ls[lineOf(ls, s)].kind == headingLine || covered(s, e) || isGazForm(text[s:e]) {
			i = k - 1
			continue
		}
		if !title && sentenceStart(text, toks, j) && k-j == 1 {
			i = k - 1
			continue // "Analysts", "Tariffs"…
		}
		label := "MISC"
		if title {
			label = "PERSON"
		} else if k < len(toks) && (cueWords[toks[k].text] || strings.HasPrefix(toks[k].tag, "VB")) {
			label = "PERSON"
		}
		out = append(out, ent{s: s, e: e, label: label, src: "rule"})
		i = k - 1
	}
	return out
}
