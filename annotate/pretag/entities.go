package pretag

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ent is an entity mention during processing (byte offsets).
type ent struct {
	s, e   int
	label  string
	src    string // prose, gazetteer, ticker, rule, known
	canon  string // canonical target name when evidence gives one
	strong bool   // the label comes from strong evidence (gazetteer, ticker)
	dead   bool
}

func proseLabel(iob string) string {
	t := iob
	if i := strings.IndexByte(iob, '-'); i >= 0 {
		t = iob[i+1:]
	}
	switch t {
	case "ORGANIZATION":
		return "ORG"
	}
	return t
}

// onlySpaces reports whether s is non-empty horizontal white space.
func onlySpaces(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r == '\n' || !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// chunkProse groups labelled tokens into entities. Unlike prose's own
// chunker it never crosses a line break or punctuation, keeps the entity
// that ends the text, splits on a B- of another type, and does not swallow
// unlabelled tokens that happen to share a POS tag ("Indian exports—which").
// With raw=true it reproduces prose's chunker instead (the baseline).
func chunkProse(text string, toks []token, raw bool) []ent {
	if raw {
		return chunkProseRaw(toks)
	}
	var out []ent
	for i := 0; i < len(toks); {
		if toks[i].label == "O" || toks[i].label == "" {
			i++
			continue
		}
		j := i + 1
		person := strings.HasSuffix(toks[i].label, "PERSON")
		for j < len(toks) && toks[j].label != "O" && toks[j].label != "" &&
			onlySpaces(text[toks[j-1].end:toks[j].start]) {
			l := toks[j].label
			if strings.HasPrefix(l, "B-") && proseLabel(l) != proseLabel(toks[i].label) && !(isProper(toks[j].tag) && isProper(toks[j-1].tag)) {
				break
			}
			if strings.HasSuffix(l, "PERSON") {
				person = true
			}
			j++
		}
		// trim lower-case edges ("exports", "the")
		a, b := i, j
		for a < b && !startsCapOrDigit(toks[a].text) {
			a++
		}
		for b > a && !startsCapOrDigit(toks[b-1].text) {
			b--
		}
		if a < b {
			label := proseLabel(toks[i].label)
			if person && b-a == 2 && isProper(toks[a].tag) && isProper(toks[b-1].tag) {
				label = "PERSON"
			}
			out = append(out, ent{s: toks[a].start, e: toks[b-1].end, label: label, src: "prose"})
		}
		i = j
	}
	return out
}

// chunkProseRaw is prose v2.0.0's chunker, on aligned tokens.
func chunkProseRaw(toks []token) []ent {
	var out []ent
	end := ""
	var parts []token
	flush := func() {
		labels := make([]string, len(parts))
		for i, p := range parts {
			labels[i] = p.label
		}
		label := proseLabel(labels[0])
		if len(labels) == 2 && (labels[0] == "B-PERSON" || labels[1] == "B-PERSON") {
			label = "PERSON"
		}
		out = append(out, ent{s: parts[0].start, e: parts[len(parts)-1].end, label: label, src: "prose"})
		parts, end = nil, ""
	}
	for _, tok := range toks {
		label := tok.label
		n := len(parts)
		if (label != "O" && label != end) || (n > 0 && tok.tag == parts[n-1].tag) || (n > 0 && tok.tag == "CD" && parts[n-1].label != "O") {
			end = strings.Replace(label, "B", "I", 1)
			parts = append(parts, tok)
		} else if (label == "O" && end != "") || label == end {
			if label != "O" {
				parts = append(parts, tok)
			}
			flush()
		}
	}
	return out
}

func isProper(tag string) bool { return tag == "NNP" || tag == "NNPS" }

func startsCapOrDigit(s string) bool {
	for _, r := range s {
		return unicode.IsUpper(r) || unicode.IsDigit(r)
	}
	return false
}

var ownership = map[string]bool{"owned": true, "backed": true, "controlled": true, "funded": true, "operated": true, "run": true, "financed": true}

var calendarWords = map[string]bool{"Monday": true, "Tuesday": true, "Wednesday": true, "Thursday": true, "Friday": true, "Saturday": true, "Sunday": true,
	"January": true, "February": true, "March": true, "April": true, "May": true, "June": true, "July": true, "August": true,
	"September": true, "October": true, "November": true, "December": true}

// repairBoundaries fixes prose's boundary errors:
//   - "Walmart-owned Flipkart" → Walmart (ORG) and Flipkart (ORG);
//     "Washington-based attorney" → nothing;
//   - "Financial" + "Times" → "Financial Times" (a following capitalised
//     proper noun on the same line joins the entity).
func repairBoundaries(text string, toks []token, es []ent) []ent {
	var out []ent
	ti := 0
	for _, x := range es {
		for ti < len(toks) && toks[ti].start < x.s {
			ti++
		}
		// first token "X-suffix"
		if ti < len(toks) && toks[ti].start == x.s {
			w := text[toks[ti].start:toks[ti].end]
			if h := strings.LastIndexByte(w, '-'); h > 0 && h < len(w)-1 && unicode.IsLower(runeAt(w, h+1)) {
				suffix := w[h+1:]
				if ownership[suffix] && isUpperStart(w) {
					out = append(out, ent{s: x.s, e: x.s + h, label: "ORG", src: "rule", strong: true})
					x.label = "ORG"
				}
				// the rest of the entity after the hyphenated word
				x.s = toks[ti].end
				for x.s < x.e && unicode.IsSpace(runeAt(text, x.s)) {
					x.s += utf8.RuneLen(runeAt(text, x.s))
				}
				if x.s >= x.e {
					continue
				}
			}
		}
		// extend over following proper nouns
		k := ti
		for k < len(toks) && toks[k].end <= x.e {
			k++
		}
		for k < len(toks) && toks[k].end > x.e && toks[k].start >= x.e && text[x.e:toks[k].start] == " " &&
			isProper(toks[k].tag) && isUpperStart(toks[k].text) && (toks[k].label == "O" || strings.HasPrefix(toks[k].label, "I-")) &&
			!calendarWords[toks[k].text] && !isGazForm(toks[k].text) && isWordRune(runeAt(toks[k].text, len(toks[k].text)-1)) {
			x.e = toks[k].end
			k++
		}
		out = append(out, x)
	}
	return out
}

func isGazForm(s string) bool { _, ok := gazetteer[s]; return ok }

// gazetteerMatches finds every gazetteer form in text at word boundaries.
func gazetteerMatches(text string) []ent {
	var out []ent
	for i := 0; i < len(text); {
		c := text[i]
		if c < 'A' || c > 'Z' || (i > 0 && (isWordRune(runeBefore(text, i)) || text[i-1] == '.')) {
			i++
			continue
		}
		best := ""
		for _, f := range gazByFirst[c] {
			if len(f) > len(best) && strings.HasPrefix(text[i:], f) && !isWordRune(runeAt(text, i+len(f))) {
				best = f
			}
		}
		if best == "" || (best == "US" && usIsPronoun(text, i)) {
			i++
			continue
		}
		// "U.S" followed by "." is fine; "US." too.
		g := gazetteer[best]
		out = append(out, ent{s: i, e: i + len(best), label: "GPE", src: "gazetteer", canon: g.name, strong: true})
		i += len(best)
	}
	return out
}

var gazByFirst = func() map[byte][]string {
	m := map[byte][]string{}
	for f := range gazetteer {
		m[f[0]] = append(m[f[0]], f)
	}
	return m
}()

// usIsPronoun reports whether "US" at i is the pronoun in all-caps text.
func usIsPronoun(text string, i int) bool {
	// look at the neighbouring words
	l := strings.LastIndexAny(text[:i], " \n")
	prev := ""
	if l > 0 {
		p := strings.TrimRight(text[:l], " ")
		k := strings.LastIndexAny(p, " \n")
		prev = p[k+1:]
	}
	rest := strings.TrimLeft(text[i+2:], " ")
	k := strings.IndexAny(rest, " \n")
	next := rest
	if k >= 0 {
		next = rest[:k]
	}
	return allCaps(prev) && !gazHas(prev) || allCaps(next) && !gazHas(next)
}

func gazHas(w string) bool {
	w = strings.Trim(w, ".,;:()\"'")
	_, ok := gazetteer[w]
	return ok
}

var (
	exchangeRE = regexp.MustCompile(`\(?\b(NASDAQ|Nasdaq|NYSE|NYSE American|AMEX|NYSEArca|LSE|TSX|TSE|BSE|NSE|HKEX|SGX|ASX|OTC|OTCQX|Euronext|XETRA|FTSE)\s*:\s*([A-Z][A-Za-z0-9]{0,5}(?:\.[A-Z]{1,2})?)\)?`)
	ricRE      = regexp.MustCompile(`\(([A-Z]{1,5})\.(O|N|OQ|L|T|TO|HK|DE|PA|NS|BO|AX|K|SS|SZ|KS|F|MI|AS)\)`)
)

// tickerMatches finds ticker evidence: "(NASDAQ: AMZN)", "NYSE: WMT",
// "(AMZN.O)". It returns the ticker spans, the span of the whole evidence
// (where other entities are not allowed) and where the company name must
// end (the start of the parenthesis).
type tickerHit struct {
	ts, te   int // the ticker symbol
	zs, ze   int // the whole evidence
	before   int // the company's name ends before this offset (or -1)
	exchange bool
}

func tickerMatches(text string) []tickerHit {
	var out []tickerHit
	if !strings.Contains(text, ":") && !strings.Contains(text, "(") {
		return nil
	}
	for _, m := range exchangeRE.FindAllStringSubmatchIndex(text, -1) {
		h := tickerHit{ts: m[4], te: m[5], zs: m[0], ze: m[1], before: -1, exchange: true}
		if text[m[0]] == '(' {
			h.before = m[0]
		}
		out = append(out, h)
	}
	for _, m := range ricRE.FindAllStringSubmatchIndex(text, -1) {
		out = append(out, tickerHit{ts: m[2], te: m[3], zs: m[0], ze: m[1], before: m[0]})
	}
	return out
}

// titleWords precede a person's name.
var titleWords = map[string]bool{"Mr.": true, "Mrs.": true, "Ms.": true, "Dr.": true, "Sen.": true, "Rep.": true, "Gov.": true, "President": true, "Senator": true, "Judge": true, "Justice": true}

var corpSuffix = regexp.MustCompile(`^(?:,?\s(?:Inc\.?|Corp\.?|Corporation|Co\.|Ltd\.?|LLC|plc|PLC|Group|Holdings|AG|SA|NV)\b|\sshares\b|'s\sshares|’s\sshares|\sstock\b)`)

// sortEnts orders mentions and drops dead ones and overlaps (the earlier,
// then longer, mention wins).
func sortEnts(es []ent) []ent {
	live := es[:0]
	for _, x := range es {
		if !x.dead && x.e > x.s {
			live = append(live, x)
		}
	}
	sort.SliceStable(live, func(i, j int) bool {
		if live[i].s != live[j].s {
			return live[i].s < live[j].s
		}
		return live[i].e > live[j].e
	})
	out := live[:0]
	last := -1
	for _, x := range live {
		if x.s < last {
			continue
		}
		out = append(out, x)
		last = x.e
	}
	return out
}
