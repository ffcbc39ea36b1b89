package pretag

import (
	"strings"
	"unicode"
)

// findEntities runs prose and the rules over text and returns mentions.
func findEntities(text string, toks []token, ls []line) []ent {
	es := chunkProse(text, toks, false)
	es = repairBoundaries(text, toks, es)

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

	// Gazetteer: countries, aliases, demonyms.
	for _, g := range gazetteerMatches(text) {
		placed := false
		for i := range es {
			x := &es[i]
			if x.dead || x.e <= g.s || x.s >= g.e {
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
			es = append(es, g)
		}
	}

	// Tickers: strong ORG evidence for the company named just before.
	for _, h := range tickerMatches(text) {
		company := ""
		for i := range es {
			x := &es[i]
			if x.dead {
				continue
			}
			if x.s < h.ze && x.e > h.zs {
				x.dead = true // "NASDAQ" is not an entity of its own
				continue
			}
			if h.before >= 0 && x.e <= h.before && strings.TrimSpace(text[x.e:h.before]) == "" {
				x.label, x.strong = "ORG", true
				company = text[x.s:x.e]
			}
		}
		if company == "" && h.before >= 0 {
			// take the capitalised words before the parenthesis
			s, e := capsBefore(text, h.before)
			if s < e {
				company = text[s:e]
				es = append(es, ent{s: s, e: e, label: "ORG", src: "ticker", strong: true})
			}
		}
		if company == "" {
			company = text[h.ts:h.te]
		}
		es = append(es, ent{s: h.ts, e: h.te, label: "ORG", src: "ticker", canon: company, strong: true})
	}

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
		for _, x := range list {
			if x.s < e && x.e > s {
				return true
			}
		}
		return false
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
