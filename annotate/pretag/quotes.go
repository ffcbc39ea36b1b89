package pretag

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/slant-annotate/slant/annotate"
)

// qspan is a quote during processing (byte offsets, marks included).
type qspan struct {
	s, e      int
	line      int
	group     int  // quotes continuing across paragraphs share a group
	part      int  // 0 for the first paragraph of a group
	closed    bool // ends with a closing mark
	spk       [2]int
	cue       [2]int
	hasSpk    bool
	inherited bool
}

// quote marks: opener → closer.
var closerOf = map[rune]rune{'“': '”', '«': '»', '‹': '›', '‘': '’', '"': '"', '\'': '\''}

func isOpenerContext(text string, i int) bool {
	p := runeBefore(text, i)
	return p < 0 || unicode.IsSpace(p) || strings.ContainsRune("([{—–-/:;,“‘\"'«”", p)
}

// scanQuotes finds the direct quotes of one line [s,e). It returns the
// closed quotes and, when the line ends inside a quote, the start of that
// unclosed quote (else -1).
func scanQuotes(text string, s, e int) (qs [][2]int, open int) {
	open = -1
	for i := s; i < e; {
		r, n := utf8.DecodeRuneInString(text[i:])
		cl, isOpen := closerOf[r]
		if !isOpen || !isOpenerContext(text, i) {
			i += n
			continue
		}
		next := runeAt(text, i+n)
		if next < 0 || i+n >= e || unicode.IsSpace(next) && r != '"' {
			i += n
			continue
		}
		single := r == '‘' || r == '\''
		if single && !unicode.IsLetter(next) {
			i += n // ‘90s, 'em…
			continue
		}
		// find the closer
		j := i + n
		end := -1
		depth := 0 // nested “…” inside “…” (improper but common)
		for j < e {
			c, m := utf8.DecodeRuneInString(text[j:])
			if single && (c == '“' || c == '”' || c == '"' || j-i > 400) {
				break
			}
			if c == cl && depth > 0 && cl != r {
				depth--
			} else if c == cl {
				after := runeAt(text, j+m)
				if !single || (!unicode.IsLetter(after) && !unicode.IsSpace(runeBefore(text, j))) {
					end = j + m
					break
				}
			} else if c == r && cl != r && isOpenerContext(text, j) {
				depth++
			}
			j += m
		}
		if end < 0 {
			if single {
				i += n
				continue
			}
			// unclosed double quote: runs to the end of the paragraph
			open = i
			return qs, open
		}
		if end-i > 2*n {
			qs = append(qs, [2]int{i, end})
		}
		i = end
	}
	return qs, open
}

// cueWords are attribution verbs (and "according" of "according to").
var cueWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`said says say told tells tell added adds wrote writes argued argues asked asks
		noted notes explained explains stated declared declares continued continues insisted insists warned warns
		claimed claims replied replies responded responds remarked recalled recalls acknowledged acknowledges
		admitted admits announced announces observed observes suggested suggests tweeted tweets posted countered
		conceded concedes complained complains joked jokes predicted predicts testified maintained maintains
		emphasized emphasised stressed stresses urged urges shouted cried yelled whispered concluded concludes
		adding saying telling according explaining noting arguing asking writing recalling insisting warning
		wondered wonders quipped mused boasted bragged vowed vows promised promises pleaded lamented agreed agrees
		cautioned confirmed confirms reported reports revealed reveals described describes responded screamed
		repeated repeats retorted added tweeting`) {
		cueWords[w] = true
	}
}

var pronouns = map[string]bool{"he": true, "she": true, "they": true, "i": true, "we": true, "it": true, "you": true}

func npTag(t token) bool {
	switch t.tag {
	case "DT", "PDT", "JJ", "JJR", "JJS", "NN", "NNS", "NNP", "NNPS", "POS", "PRP", "PRP$", "CD", "FW", "VBN":
		return !cueWords[strings.ToLower(t.text)] && t.text != `"` && t.text != "'"
	}
	switch t.tag {
	case "IN", "WRB", "WDT", "WP", "CC", "TO", "MD", "RB", "UH", "EX":
		return false
	}
	// names the tagger gets wrong
	return isUpperStart(t.text) && !cueWords[strings.ToLower(t.text)] && isWordRune(runeAt(t.text, 0)) &&
		!strings.ContainsAny(t.text, "“”\"")
}

// qctx gives quote rules access to tokens.
type qctx struct {
	text string
	toks []token
}

// tokAt returns the index of the first token starting at or after b.
func (c *qctx) tokAt(b int) int {
	return sort.Search(len(c.toks), func(i int) bool { return c.toks[i].start >= b })
}

func (c *qctx) isCue(i int) bool {
	if i < 0 || i >= len(c.toks) {
		return false
	}
	w := strings.ToLower(c.toks[i].text)
	if w == "according" {
		return i+1 < len(c.toks) && strings.ToLower(c.toks[i+1].text) == "to"
	}
	return cueWords[w]
}

// npForward returns the noun phrase starting at token i (a speaker after
// its cue: "said a Washington-based trade attorney").
func (c *qctx) npForward(i, limit int) (int, int, bool) {
	j := i
	for j < len(c.toks) && c.toks[j].end <= limit && npTag(c.toks[j]) && j-i < 12 {
		j++
	}
	if j == i {
		return 0, 0, false
	}
	// drop a trailing determiner or calendar word
	for j > i && (c.toks[j-1].tag == "DT" || calendarWords[c.toks[j-1].text]) {
		j--
	}
	if j == i || calendarWords[c.toks[i].text] || strings.EqualFold(c.toks[i].text, "today") || !c.hasHead(i, j) {
		return 0, 0, false
	}
	return c.toks[i].start, c.toks[j-1].end, true
}

// npBackward returns the noun phrase ending just before token j (a speaker
// before its cue: "Smith said", "a White House spokesman said"). Adverbs
// between the phrase and the cue ("also said") are skipped.
func (c *qctx) npBackward(j, floor int) (int, int, bool) {
	for j > 0 && c.toks[j-1].start >= floor && (strings.HasPrefix(c.toks[j-1].tag, "RB") || strings.HasPrefix(c.toks[j-1].tag, "MD") || isAux(c.toks[j-1].text)) {
		j--
	}
	i := j
	for i > 0 && c.toks[i-1].start >= floor && npTag(c.toks[i-1]) && j-i < 12 {
		i--
	}
	if i == j && j > 0 && c.toks[j-1].text == "," {
		// an appositive: "Smith, a spokesman for the firm, said"
		for k := j - 2; k > 0 && k > j-20 && c.toks[k].start >= floor; k-- {
			if c.toks[k].text == "," {
				return c.npBackward(k, floor)
			}
			if isPunctTok(c.toks[k], ".;:\"?!") || c.isCue(k) {
				break
			}
		}
	}
	if i == j || !c.hasHead(i, j) {
		return 0, 0, false
	}
	return c.toks[i].start, c.toks[j-1].end, true
}

// hasHead reports whether tokens [i,j) hold a noun, pronoun or name: a
// phrase of determiners and adjectives alone ("the", "last") is no speaker.
func (c *qctx) hasHead(i, j int) bool {
	for k := i; k < j; k++ {
		t := c.toks[k]
		if strings.HasPrefix(t.tag, "NN") || t.tag == "PRP" || t.tag == "CD" || isUpperStart(t.text) && len(t.text) > 1 {
			return true
		}
	}
	return false
}

func isAux(w string) bool {
	switch strings.ToLower(w) {
	case "has", "have", "had", "also", "later", "then", "once", "previously", "recently", "has\u00a0":
		return true
	}
	return false
}

func isPunctTok(t token, set string) bool { return len(t.text) == 1 && strings.Contains(set, t.text) }

// attribute finds the speaker of quote q from the text around it.
func (c *qctx) attribute(q *qspan, ls []line) {
	l := ls[q.line]
	text := c.text
	// After the quote: “…,” said X / “…,” X said / “…,” according to X.
	lastIn, _ := utf8.DecodeLastRuneInString(strings.TrimRight(text[q.s:q.e], "”\"»’'›"))
	i := c.tokAt(q.e)
	if i < len(c.toks) && c.toks[i].start < l.e && isPunctTok(c.toks[i], ",") {
		lastIn = ','
		i++
	}
	if q.closed && strings.ContainsRune(",?!—–-…", lastIn) && i < len(c.toks) && c.toks[i].start < l.e {
		if c.isCue(i) && !objectCue[strings.ToLower(c.toks[i].text)] {
			k := i + 1
			if strings.ToLower(c.toks[i].text) == "according" {
				k++
			}
			if s, e, ok := c.npForward(k, l.e); ok {
				q.spk, q.cue, q.hasSpk = [2]int{s, e}, [2]int{c.toks[i].start, c.toks[k-1].end}, true
				return
			}
		}
		// NP then cue, allowing an appositive: “…,” Smith, a spokesman, said
		if s, e, ok := c.npForward(i, l.e); ok {
			k := c.tokAt(e)
			for n := 0; k < len(c.toks) && c.toks[k].start < l.e && n < 14; n, k = n+1, k+1 {
				if c.isCue(k) {
					q.spk, q.cue, q.hasSpk = [2]int{s, e}, [2]int{c.toks[k].start, c.toks[k].end}, true
					return
				}
				t := c.toks[k]
				if isPunctTok(t, ".;:\"?!") || (n == 0 && t.text != "," && !strings.HasPrefix(t.tag, "RB") && !isAux(t.text) && !strings.HasPrefix(t.tag, "MD")) {
					break
				}
			}
		}
	}
	// Before the quote: X said: “…” / X said, “…” / according to X, “…”
	j := c.tokAt(q.s)
	floor := l.s
	// the clause before the quote starts after the previous sentence end or quote
	for k := j - 1; k >= 0 && c.toks[k].start >= l.s; k-- {
		t := c.toks[k]
		if j-k > 40 {
			floor = t.end // clauses are short; bounded work on huge lines
			break
		}
		if isPunctTok(t, ".?!\"") || strings.HasSuffix(t.text, ".") && len(t.text) > 1 && !isUpperStart(t.text) {
			floor = t.end
			break
		}
	}
	for k := j - 1; k >= 0 && c.toks[k].start >= floor; k-- {
		if !c.isCue(k) {
			continue
		}
		if strings.ToLower(c.toks[k].text) == "according" {
			if s, e, ok := c.npForward(k+2, q.s); ok {
				q.spk, q.cue, q.hasSpk = [2]int{s, e}, [2]int{c.toks[k].start, c.toks[k+1].end}, true
				return
			}
			continue
		}
		if s, e, ok := c.npBackward(k, floor); ok {
			q.spk, q.cue, q.hasSpk = [2]int{s, e}, [2]int{c.toks[k].start, c.toks[k].end}, true
			return
		}
	}
	// A headline or transcript style "Kasich: ‘We are going…’".
	if j > 0 && c.toks[j-1].start >= floor && c.toks[j-1].text == ":" {
		if s, e, ok := c.npBackward(j-1, floor); ok && j-1 > 0 && isUpperStart(c.toks[j-2].text) {
			q.spk, q.hasSpk = [2]int{s, e}, true
			return
		}
	}
	// Later in the same sentence: “…” Smith said in a statement.
	if q.closed && i < len(c.toks) && c.toks[i].start < l.e {
		for k, n := i, 0; k < len(c.toks) && c.toks[k].start < l.e && n < 10; k, n = k+1, n+1 {
			if isPunctTok(c.toks[k], ".?!\"") || c.toks[k].text == "“" {
				break
			}
			if c.isCue(k) && strings.ToLower(c.toks[k].text) == "according" {
				if s, e, ok := c.npForward(k+2, l.e); ok {
					q.spk, q.cue, q.hasSpk = [2]int{s, e}, [2]int{c.toks[k].start, c.toks[k+1].end}, true
					return
				}
			}
		}
	}
}

// paragraphCue looks for "X said" / "said X" in the quote's paragraph,
// outside every quote: first the closest before the quote, then the closest
// after it.
func (c *qctx) paragraphCue(q *qspan, ls []line, qs []qspan) {
	l := ls[q.line]
	inQuote := func(b int) bool { // qs is sorted by start and does not overlap
		i := sort.Search(len(qs), func(i int) bool { return qs[i].e > b })
		return i < len(qs) && qs[i].s <= b
	}
	try := func(k int) bool {
		if !c.isCue(k) || inQuote(c.toks[k].start) {
			return false
		}
		if strings.ToLower(c.toks[k].text) == "according" {
			if s, e, ok := c.npForward(k+2, l.e); ok && !inQuote(s) {
				q.spk, q.cue, q.hasSpk = [2]int{s, e}, [2]int{c.toks[k].start, c.toks[k+1].end}, true
				return true
			}
			return false
		}
		if s, e, ok := c.npBackward(k, l.s); ok && !inQuote(s) {
			q.spk, q.cue, q.hasSpk = [2]int{s, e}, [2]int{c.toks[k].start, c.toks[k].end}, true
			return true
		}
		return false
	}
	const reach = 60 // tokens searched each side
	j := c.tokAt(q.s)
	for k := j - 1; k >= 0 && k >= j-reach && c.toks[k].start >= l.s; k-- {
		if try(k) {
			return
		}
	}
	// the previous paragraph introduces the quote: "Cruz said:"
	if pl := prevNonEmpty(c.text, ls, q.line); pl >= 0 && q.part == 0 && startsLine(c.text, l, q.s) &&
		strings.HasSuffix(strings.TrimSpace(c.text[ls[pl].s:ls[pl].e]), ":") {
		p := ls[pl]
		for k, k0 := c.tokAt(p.e)-1, c.tokAt(p.e)-1; k >= 0 && k > k0-reach && c.toks[k].start >= p.s; k-- {
			if isPunctTok(c.toks[k], ".?!") {
				break
			}
			if c.isCue(k) {
				if s, e, ok := c.npBackward(k, p.s); ok {
					q.spk, q.cue, q.hasSpk = [2]int{s, e}, [2]int{c.toks[k].start, c.toks[k].end}, true
					return
				}
			}
		}
	}
	for k, k0 := c.tokAt(q.e), c.tokAt(q.e); k < len(c.toks) && k < k0+reach && c.toks[k].start < l.e; k++ {
		if try(k) {
			return
		}
	}
}

// findQuotes extracts direct quotes with their speakers.
func findQuotes(text string, toks []token, ls []line, es []ent, of []int, ox *annotate.OffsetIndex) []Quote {
	c := &qctx{text: text, toks: toks}
	var qs []qspan
	group := 0
	contin := false // the previous paragraph ended inside a quote
	for li, l := range ls {
		if strings.TrimSpace(text[l.s:l.e]) == "" {
			continue
		}
		closed, open := scanQuotes(text, l.s, l.e)
		first := true
		if contin && (len(closed) == 0 || !startsLine(text, l, closed[0][0])) && !(open >= 0 && startsLine(text, l, open)) {
			contin = false // the quote did not continue
		}
		for _, q := range closed {
			part := 0
			if first && contin && startsLine(text, l, q[0]) {
				part = qs[len(qs)-1].part + 1
			} else {
				group++
			}
			first = false
			qs = append(qs, qspan{s: q[0], e: q[1], line: li, group: group, part: part, closed: true})
		}
		contin = false
		if open >= 0 {
			e := l.e
			for e > open {
				r, n := utf8.DecodeLastRuneInString(text[:e])
				if !unicode.IsSpace(r) {
					break
				}
				e -= n
			}
			if e > open+1 {
				part := 0
				if first && len(qs) > 0 && qs[len(qs)-1].line < li && !qs[len(qs)-1].closed && startsLine(text, l, open) {
					part = qs[len(qs)-1].part + 1
				} else {
					group++
				}
				qs = append(qs, qspan{s: open, e: e, line: li, group: group, part: part})
				contin = true
			}
		}
	}
	// Attribution.
	for i := range qs {
		c.attribute(&qs[i], ls)
	}
	// A quote without attribution of its own takes the nearest cue of its
	// paragraph outside quotes ("Bozell said the party was split. “…”").
	for i := range qs {
		if !qs[i].hasSpk {
			c.paragraphCue(&qs[i], ls, qs)
		}
	}
	// Groups share the first speaker found; unattributed quotes inherit the
	// previous quote's speaker when it is in the same or the previous
	// paragraph.
	for i := range qs {
		if qs[i].hasSpk {
			continue
		}
		for j := i + 1; j < len(qs) && qs[j].group == qs[i].group; j++ {
			if qs[j].hasSpk {
				qs[i].spk, qs[i].cue, qs[i].hasSpk = qs[j].spk, qs[j].cue, true
				break
			}
		}
	}
	for i := range qs {
		if qs[i].hasSpk || i == 0 {
			continue
		}
		p := qs[i-1]
		if p.hasSpk && (p.group == qs[i].group || qs[i].line-p.line <= 1 || prevParagraph(text, ls, p.line, qs[i].line)) {
			qs[i].spk, qs[i].cue, qs[i].hasSpk, qs[i].inherited = p.spk, p.cue, true, true
		}
	}
	// Scare quotes and titles ("“undercard”", "“Good Morning America”") and
	// unattributed quotes in headings are not direct quotes.
	kept := qs[:0]
	for _, q := range qs {
		direct := q.hasSpk && !q.inherited
		body := strings.Trim(text[q.s:q.e], "“”\"'‘’«»‹› ,.")
		words := strings.Fields(body)
		pw := strings.ToLower(strings.TrimRight(lastWord(strings.TrimRight(text[:q.s], " \u00a0")), ","))
		switch {
		case titleWord[pw] || strings.HasSuffix(pw, "’s") || strings.HasSuffix(pw, "'s") || strings.HasSuffix(pw, "s’"):
			// a title or a term: on “This Week,” / the “Arab Spring” / Fox’s “Hannity”
			if len(words) <= 6 && (titleCase(words) || len(words) <= 4) {
				continue
			}
		}
		switch {
		case direct:
		case ls[q.line].kind == headingLine:
			continue
		case startsLine(text, ls[q.line], q.s) && q.part == 0 && !titleCase(words):
			// speech opening a paragraph: “This is fantastic!” beamed …
		case len(words) <= 3 && q.closed:
			continue
		case len(words) <= 6 && titleCase(words) && q.closed:
			continue
		}
		kept = append(kept, q)
	}
	qs = kept
	// Output, with target links and pronoun resolution.
	out := make([]Quote, 0, len(qs))
	lastNamed := -1
	for _, q := range qs {
		s, e := ox.ByteToRune(q.s), ox.ByteToRune(q.e)
		qq := Quote{Start: s, End: e, Text: text[q.s:q.e], Target: -1, Inherited: q.inherited, Part: q.part}
		if q.hasSpk {
			qq.Speaker = &Span{Start: ox.ByteToRune(q.spk[0]), End: ox.ByteToRune(q.spk[1]), Text: text[q.spk[0]:q.spk[1]]}
			if q.cue[1] > q.cue[0] {
				qq.Cue = &Span{Start: ox.ByteToRune(q.cue[0]), End: ox.ByteToRune(q.cue[1]), Text: text[q.cue[0]:q.cue[1]]}
			}
			w := strings.ToLower(text[q.spk[0]:q.spk[1]])
			if pronouns[w] {
				qq.Target = lastNamed
			} else if t := speakerTarget(es, of, q.spk); t >= 0 {
				qq.Target = t
				lastNamed = t
			}
		}
		out = append(out, qq)
	}
	return out
}

// startsLine reports whether offset b is the first non-space of line l.
func startsLine(text string, l line, b int) bool {
	return strings.TrimSpace(text[l.s:b]) == ""
}

// prevParagraph reports whether only blank lines separate lines a and b.
func prevParagraph(text string, ls []line, a, b int) bool {
	for k := a + 1; k < b; k++ {
		if strings.TrimSpace(text[ls[k].s:ls[k].e]) != "" {
			return false
		}
	}
	return true
}

// speakerTarget links a speaker span to the target of a name that ends it
// ("White House spokesman Josh Earnest" → Josh Earnest; "a former USTR
// official" → none, the official is not USTR).
func speakerTarget(es []ent, of []int, spk [2]int) int {
	k := sort.Search(len(es), func(i int) bool { return es[i].e >= spk[1] })
	for ; k < len(es) && es[k].s < spk[1]; k++ {
		if es[k].e == spk[1] && es[k].s >= spk[0] {
			return of[k]
		}
	}
	return -1
}

// titleCase reports whether every word starts with a capital or a digit.
func titleCase(words []string) bool {
	for _, w := range words {
		if !startsCapOrDigit(w) && len(w) > 3 {
			return false
		}
	}
	return len(words) > 0
}

// titleWord precedes titles of works and scare-quoted terms, not speech.
var titleWord = map[string]bool{"on": true, "of": true, "in": true, "the": true, "a": true, "an": true, "his": true, "her": true,
	"their": true, "its": true, "our": true, "my": true, "your": true, "called": true, "dubbed": true, "titled": true, "entitled": true,
	"named": true, "as": true, "so-called": true, "word": true, "term": true, "by": true, "with": true, "for": true, "about": true, "and": true, "or": true, "to": true}

// objectCue verbs take the addressee after them ("told reporters"), so
// "“…,” told X" never names the speaker X.
var objectCue = map[string]bool{"told": true, "tells": true, "telling": true, "tell": true, "saying": true, "adding": true,
	"explaining": true, "noting": true, "arguing": true, "asking": true, "writing": true, "recalling": true, "insisting": true, "warning": true, "tweeting": true}

// prevNonEmpty returns the closest non-blank line before line i, or -1.
func prevNonEmpty(text string, ls []line, i int) int {
	for k := i - 1; k >= 0; k-- {
		if strings.TrimSpace(text[ls[k].s:ls[k].e]) != "" {
			return k
		}
	}
	return -1
}
