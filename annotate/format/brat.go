package format

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slant-annotate/slant/annotate"
)

// Brat standoff (.ann) files: https://brat.nlplab.org/standoff.html
//
// A .ann file annotates a .txt file. Its text-bound lines
//
//	T1<TAB>Label START END[;START END...]<TAB>text
//
// give code point offsets into the raw text file (a byte-order mark and the
// CR of a CRLF count, as Python reads the file); ReadBrat maps them onto the
// document's normalised text. Entity lines become entity spans; PolNeAR's
// attributions (Source, Cue and Content spans tied together by an event line
// E1<TAB>Attribution:T4 Content:T3 Cue:T2 Source:T1) become quotes with
// speakers and cues.

// BratFile is one .ann file read against its text.
type BratFile struct {
	Ann      string            // the .ann path, as given
	Document annotate.Document // the text file as a document (as a .txt is imported)
	// Entities are the entity lines, in file order; Attributions the
	// attribution events with a Content, in file order.
	Entities     []BratEntity
	Attributions []BratAttribution
	// Normalised is true when the offsets counted the normalised text
	// rather than the raw file (a tool that read the file with universal
	// newlines); false when they counted the raw file, as brat does.
	Normalised bool
	Skipped    BratSkipped
}

// BratSkipped counts what of a .ann file does not become a span.
type BratSkipped struct {
	// NoContent: attribution events without a Content span.
	NoContent int
	// Unattached: Source, Cue and Content lines that no event line uses.
	Unattached int
	// Flags: PolNeAR's annotator flags (Discard, Discuss) and AnnotatorNotes.
	Flags int
	// Other: relations, attributes, normalisations, equivalences and
	// events that are not attributions.
	Other int
	// Empty: text-bound lines whose span is empty.
	Empty int
}

// Add adds o's counts to s.
func (s *BratSkipped) Add(o BratSkipped) {
	s.NoContent += o.NoContent
	s.Unattached += o.Unattached
	s.Flags += o.Flags
	s.Other += o.Other
	s.Empty += o.Empty
}

// BratEntity is an entity line: a mention.
type BratEntity struct {
	ID    string // T1
	Line  int    // its line in the .ann file
	Label string // the label mapped to Slant's (PERSON, ORG, GPE, LOC), or kept as written
	// Start and End are code points of Document.Text, half-open; Fragments
	// are the pieces of a discontinuous mention (nil for one piece).
	Start, End int
	Fragments  [][2]int
}

// BratAttribution is an attribution event: a quote (its Content), with its
// speaker (Source) and cue when the event has them.
type BratAttribution struct {
	ID   string // E1
	Line int
	// Content is the quote's pieces in text order (a discontinuous Content,
	// and a second Content of the same event, give several).
	Content    [][2]int
	Source     [2]int // first to last offset of the Source
	HasSource  bool
	Cue        [2]int // first to last offset of the Cue
	HasCue     bool
	ContentIDs []string // the T lines of the Content, for messages
}

// Spans returns the file as an annotator's layer: targets (mentions with
// the same label and normalised text share one; a span's TargetID is its
// target's position in targets plus one) and spans (entities, then quotes),
// every one of them added by the annotator.
func (f *BratFile) Spans() (targets []annotate.Target, spans []annotate.Span) {
	type key struct{ label, name string }
	byName := map[key]int64{}
	text := f.Document.Text
	idx := annotate.NewOffsetIndex(text)
	slice := func(a, b int) string { return text[idx.RuneToByte(a):idx.RuneToByte(b)] }
	piece := func(frags [][2]int, start, end int) string {
		if len(frags) == 0 {
			return slice(start, end)
		}
		parts := make([]string, len(frags))
		for i, fr := range frags {
			parts[i] = slice(fr[0], fr[1])
		}
		return strings.Join(parts, " ")
	}
	for _, e := range f.Entities {
		name := strings.Join(strings.Fields(piece(e.Fragments, e.Start, e.End)), " ")
		k := key{e.Label, annotate.NormalName(name)}
		tid, ok := byName[k]
		if !ok {
			targets = append(targets, annotate.Target{Name: name, Label: e.Label})
			tid = int64(len(targets))
			byName[k] = tid
		}
		spans = append(spans, annotate.Span{Kind: annotate.KindEntity, Start: e.Start, End: e.End, Label: e.Label,
			TargetID: tid, Fragments: e.Fragments, Decision: annotate.Added})
	}
	for _, a := range f.Attributions {
		s := annotate.Span{Kind: annotate.KindQuote, Start: a.Content[0][0], End: a.Content[len(a.Content)-1][1], Decision: annotate.Added}
		if len(a.Content) > 1 {
			s.Fragments = a.Content
		}
		if a.HasSource {
			s.SpeakerStart, s.SpeakerEnd, s.HasSpeaker = a.Source[0], a.Source[1], true
		}
		if a.HasCue {
			s.CueStart, s.CueEnd, s.HasCue = a.Cue[0], a.Cue[1], true
		}
		spans = append(spans, s)
	}
	return targets, spans
}

// BratLabel maps a brat entity label to Slant's where the meaning is plain
// (case does not matter): Person/PER → PERSON, Organization/ORG → ORG,
// GPE/Country/City/State → GPE, Location/LOC → LOC. Any other label is kept
// as written.
func BratLabel(label string) string {
	switch strings.ToLower(label) {
	case "person", "per", "persons", "people":
		return "PERSON"
	case "organization", "organisation", "org", "organizations", "organisations", "company":
		return "ORG"
	case "gpe", "country", "city", "state", "geopolitical_entity", "geo-political_entity":
		return "GPE"
	case "location", "loc":
		return "LOC"
	}
	return label
}

// BratAnnotator returns the annotator id that ends a .ann file's name
// (<article>_<id>.ann → id), and false when the name has none.
func BratAnnotator(annPath string) (string, bool) {
	stem := strings.TrimSuffix(filepath.Base(annPath), filepath.Ext(annPath))
	i := strings.LastIndexByte(stem, '_')
	if i <= 0 || i == len(stem)-1 {
		return "", false
	}
	return stem[i+1:], true
}

// BratText finds the text a .ann file annotates: <name>.txt beside it or
// in a sibling text/ folder (../text/<name>.txt), or the same for the
// article's name without the annotator's _<id> (PolNeAR:
// X/attributions/<article>_<id>.ann annotates X/text/<article>.txt).
func BratText(annPath string) (string, error) {
	dir := filepath.Dir(annPath)
	stem := strings.TrimSuffix(filepath.Base(annPath), filepath.Ext(annPath))
	stems := []string{stem}
	if i := strings.LastIndexByte(stem, '_'); i > 0 {
		stems = append(stems, stem[:i])
	}
	var tried []string
	for _, s := range stems {
		for _, d := range []string{dir, filepath.Join(filepath.Dir(dir), "text")} {
			p := filepath.Join(d, s+".txt")
			tried = append(tried, p)
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
				return p, nil
			}
		}
	}
	return "", fmt.Errorf("no text for this brat file: looked for %s", strings.Join(tried, ", "))
}

// ReadBrat reads a .ann file and the text it annotates (found by
// BratText). Any problem is an *Error naming the file and line: a malformed
// line, offsets beyond the text, a span whose text is not the text at its
// offsets, an event naming a T line that does not exist.
func ReadBrat(annPath string) (*BratFile, error) {
	textPath, err := BratText(annPath)
	if err != nil {
		return nil, &Error{File: annPath, Err: err}
	}
	raw, err := readRaw(textPath)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(annPath)
	if err != nil {
		return nil, &Error{File: annPath, Err: pathErr(err)}
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > MaxRecordBytes {
		return nil, &Error{File: annPath, Err: tooLarge("the file", st.Size(), MaxRecordBytes, "for a .ann file")}
	}
	return ParseBrat(f, annPath, raw, textPath)
}

// readRaw reads a text file whole, refusing one far over MaxTextBytes.
func readRaw(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{File: path, Err: pathErr(err)}
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, 2*MaxTextBytes+1))
	if err != nil {
		return nil, &Error{File: path, Err: pathErr(err)}
	}
	if len(raw) > 2*MaxTextBytes {
		return nil, &Error{File: path, Err: textTooLarge("the file", int64(len(raw)))}
	}
	return raw, nil
}

// ParseBrat reads a .ann file from ann (annName names it in errors) against
// the raw bytes of its text file (textName: the document's source and
// fallback title). The document is the text as a .txt import makes it.
func ParseBrat(ann io.Reader, annName string, rawText []byte, textName string) (*BratFile, error) {
	var doc annotate.Document
	if err := readText(bytes.NewReader(rawText), textName, func(d annotate.Document) error { doc = d; return nil }); err != nil {
		return nil, err
	}
	lines, err := readBratLines(ann, annName)
	if err != nil {
		return nil, err
	}
	p := &bratParser{name: annName, file: &BratFile{Ann: annName, Document: doc}}
	if err := p.parse(lines); err != nil {
		return nil, err
	}
	// Offsets count the raw file (brat reads it without translating line
	// ends); a tool that read it with universal newlines counts the
	// normalised text. Try the first, fall back on the second only when
	// every span then matches.
	rawView := newBratView(string(rawText), true)
	err = p.resolve(rawView)
	if err != nil && rawView.differs {
		p2 := &bratParser{name: annName, file: &BratFile{Ann: annName, Document: doc}}
		if p2.parse(lines) == nil && p2.resolve(newBratView(doc.Text, false)) == nil {
			p2.file.Normalised = true
			return p2.file, nil
		}
	}
	if err != nil {
		return nil, err
	}
	return p.file, nil
}

// bratLine is one line of a .ann file (with any continuation lines of a T
// line's text joined to it).
type bratLine struct {
	n    int
	text string
	cont int // the line number of the first continuation line, 0 if none
}

// readBratLines splits a .ann file into its annotation lines. A line that
// does not start like an annotation (an id and a tab) continues the text
// of the T line before it: brat writes a span's line breaks as they are.
func readBratLines(r io.Reader, name string) ([]bratLine, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), MaxRecordBytes)
	var out []bratLine
	var blank []int // blank lines that may be inside a T line's text
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSuffix(sc.Text(), "\r")
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		if !utf8.ValidString(line) {
			return nil, lineErr(name, n, "invalid UTF-8")
		}
		if strings.IndexByte(line, 0) >= 0 {
			return nil, lineErr(name, n, "NUL byte in the line")
		}
		if line == "" {
			blank = append(blank, n)
			continue
		}
		if isBratID(line) {
			out = append(out, bratLine{n: n, text: line})
			blank = blank[:0]
			continue
		}
		if len(out) == 0 || out[len(out)-1].text[0] != 'T' {
			return nil, lineErr(name, n, "malformed line %q: a brat annotation line starts with an id (T1, E1, R1, A1, #1...) and a tab", clip(line))
		}
		last := &out[len(out)-1]
		if last.cont == 0 {
			last.cont = n
			if len(blank) > 0 {
				last.cont = blank[0]
			}
		}
		last.text += strings.Repeat("\n", len(blank)+1) + line
		blank = blank[:0]
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, lineErr(name, n+1, "%v", tooLarge("the line", MaxRecordBytes, MaxRecordBytes, "per line"))
		}
		return nil, &Error{File: name, Err: pathErr(err)}
	}
	return out, nil
}

// isBratID reports whether line starts with a brat id and a tab: T1, E1,
// R1, A1, M1, N1, #1, or * (equivalence).
func isBratID(line string) bool {
	tab := strings.IndexByte(line, '\t')
	if tab <= 0 {
		return false
	}
	id := line[:tab]
	if id == "*" {
		return true
	}
	if !strings.ContainsRune("TERAMN#", rune(id[0])) {
		return false
	}
	if id[0] == '#' {
		return true
	}
	if len(id) < 2 {
		return false
	}
	for _, c := range id[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// bratT is a parsed T line, with offsets as written.
type bratT struct {
	id, label, text string
	first           string // the text on the T line itself, without continuation lines
	frags           [][2]int
	line, cont      int
	role            string // source, cue or content when the label is one
	used            bool
}

type bratE struct {
	id, typ string
	line    int
	args    [][2]string // role, id
}

type bratParser struct {
	name   string
	file   *BratFile
	ts     []*bratT
	tByID  map[string]*bratT
	es     []*bratE
	lineOf map[string]int
	// triggers are the labels of event types (Attribution): their T lines
	// anchor events and are not entities.
	triggers map[string]bool
}

func (p *bratParser) errf(line int, format string, args ...any) error {
	return lineErr(p.name, line, format, args...)
}

func (p *bratParser) parse(lines []bratLine) error {
	p.tByID, p.lineOf, p.triggers = map[string]*bratT{}, map[string]int{}, map[string]bool{}
	for _, l := range lines {
		fields := strings.SplitN(l.text, "\t", 3)
		id := fields[0]
		if id[0] != '#' && id != "*" {
			if first, dup := p.lineOf[id]; dup {
				return p.errf(l.n, "%s is defined twice (first on line %d)", id, first)
			}
			p.lineOf[id] = l.n
		}
		switch id[0] {
		case 'T':
			t, err := p.parseT(l, fields)
			if err != nil {
				return err
			}
			p.ts = append(p.ts, t)
			p.tByID[id] = t
		case 'E':
			e, err := p.parseE(l, fields)
			if err != nil {
				return err
			}
			p.es = append(p.es, e)
		case '#':
			p.file.Skipped.Flags++
		default:
			p.file.Skipped.Other++
		}
	}
	return nil
}

func (p *bratParser) parseT(l bratLine, fields []string) (*bratT, error) {
	if len(fields) < 2 {
		return nil, p.errf(l.n, "malformed T line: want %q", "T1<TAB>Label START END<TAB>text")
	}
	t := &bratT{id: fields[0], line: l.n, cont: l.cont}
	if len(fields) == 3 {
		t.text = fields[2]
		t.first, _, _ = strings.Cut(t.text, "\n")
	} else {
		t.text = "\x00" // no text to compare
	}
	sp := strings.IndexByte(fields[1], ' ')
	if sp <= 0 {
		return nil, p.errf(l.n, "malformed T line: %q has no offsets (want Label START END)", clip(fields[1]))
	}
	t.label = fields[1][:sp]
	for _, part := range strings.Split(fields[1][sp+1:], ";") {
		nums := strings.Fields(part)
		if len(nums) != 2 {
			return nil, p.errf(l.n, "malformed offsets %q in %s (want START END, pieces separated by ;)", clip(part), t.id)
		}
		a, err1 := strconv.Atoi(nums[0])
		b, err2 := strconv.Atoi(nums[1])
		if err1 != nil || err2 != nil || a < 0 || b < 0 {
			return nil, p.errf(l.n, "malformed offsets %q in %s (want two whole numbers)", clip(part), t.id)
		}
		if b < a {
			return nil, p.errf(l.n, "%s ends (%d) before it starts (%d)", t.id, b, a)
		}
		t.frags = append(t.frags, [2]int{a, b})
	}
	switch role := bratRole(t.label); role {
	case "source", "cue", "content":
		t.role = role
	}
	return t, nil
}

// bratRole folds a role or label name: lower case without trailing digits
// (Content2 is a second Content).
func bratRole(s string) string {
	return strings.ToLower(strings.TrimRight(s, "0123456789"))
}

func (p *bratParser) parseE(l bratLine, fields []string) (*bratE, error) {
	if len(fields) < 2 {
		return nil, p.errf(l.n, "malformed E line: want %q", "E1<TAB>Type:T1 Role:T2...")
	}
	e := &bratE{id: fields[0], line: l.n}
	for i, arg := range strings.Fields(fields[1]) {
		c := strings.LastIndexByte(arg, ':')
		if c <= 0 || c == len(arg)-1 {
			return nil, p.errf(l.n, "malformed argument %q in %s (want Role:T1)", clip(arg), e.id)
		}
		if i == 0 {
			e.typ = arg[:c]
			p.triggers[e.typ] = true
		}
		e.args = append(e.args, [2]string{arg[:c], arg[c+1:]})
	}
	if len(e.args) == 0 {
		return nil, p.errf(l.n, "malformed E line: %s has no type", e.id)
	}
	return e, nil
}

// bratView is the text offsets are counted in, and where each of its code
// points lands in the document's text.
type bratView struct {
	runes   []rune
	norm    []int // norm[i]: the document offset of view offset i; len(runes)+1 entries
	differs bool  // the view is not the document's text
}

// newBratView makes the view of text; raw: text is the file as read, and
// the document drops its leading BOM and the CR of each CRLF (a lone CR
// becomes LF, one code point for one).
func newBratView(text string, raw bool) *bratView {
	v := &bratView{runes: []rune(text)}
	v.norm = make([]int, len(v.runes)+1)
	n := 0
	for i, r := range v.runes {
		v.norm[i] = n
		switch {
		case raw && i == 0 && r == '\ufeff':
			v.differs = true
		case raw && r == '\r' && i+1 < len(v.runes) && v.runes[i+1] == '\n':
			v.differs = true
		default:
			n++
		}
	}
	v.norm[len(v.runes)] = n
	return v
}

// resolve checks every T line against the view and builds the file's
// entities and attributions in document offsets.
func (p *bratParser) resolve(v *bratView) error {
	f := p.file
	frags := map[*bratT][][2]int{}
	for _, t := range p.ts {
		for _, fr := range t.frags {
			if fr[1] > len(v.runes) {
				return p.errf(t.line, "%s: offsets %d–%d are beyond the end of the text (%d characters)", t.id, fr[0], fr[1], len(v.runes))
			}
		}
		if t.text != "\x00" {
			parts := make([]string, len(t.frags))
			for i, fr := range t.frags {
				parts[i] = string(v.runes[fr[0]:fr[1]])
			}
			want := strings.Join(parts, " ")
			if !sameText(want, t.text) {
				if t.cont > 0 && sameText(want, t.first) {
					return p.errf(t.cont, "malformed line (not a brat annotation, nor the rest of %s's text on line %d)", t.id, t.line)
				}
				return p.errf(t.line, "%s: the text %q does not match the text at %s, %q", t.id, clip(t.text), offsetsString(t.frags), clip(want))
			}
		}
		var doc [][2]int
		for _, fr := range t.frags {
			a, b := v.norm[fr[0]], v.norm[fr[1]]
			if a < b {
				doc = append(doc, [2]int{a, b})
			}
		}
		frags[t] = mergeFrags(doc)
	}
	// Events first: they decide which T lines are parts of attributions.
	for _, e := range p.es {
		var content [][2]int
		var source, cue [][2]int
		var contentIDs []string
		attribution := false
		for i, arg := range e.args {
			t, ok := p.tByID[arg[1]]
			if !ok {
				if _, isEvent := p.lineOf[arg[1]]; isEvent && arg[1][0] == 'E' {
					if r := bratRole(arg[0]); r == "source" || r == "cue" || r == "content" {
						return p.errf(e.line, "%s: %s:%s names an event, not a text span", e.id, arg[0], arg[1])
					}
					continue
				}
				return p.errf(e.line, "%s names %s, which is not in the file", e.id, arg[1])
			}
			if i == 0 {
				t.used = true // the trigger
				continue
			}
			switch bratRole(arg[0]) {
			case "content":
				attribution = true
				t.used = true
				content = append(content, frags[t]...)
				contentIDs = append(contentIDs, t.id)
			case "source":
				attribution = true
				t.used = true
				source = append(source, frags[t]...)
			case "cue":
				attribution = true
				t.used = true
				cue = append(cue, frags[t]...)
			}
		}
		if !attribution {
			if !p.isAttributionType(e.typ) {
				f.Skipped.Other++
				continue
			}
		}
		content = mergeFrags(content)
		if len(content) == 0 {
			f.Skipped.NoContent++
			continue
		}
		a := BratAttribution{ID: e.id, Line: e.line, Content: content, ContentIDs: contentIDs}
		if s, ok := outer(source); ok {
			a.Source, a.HasSource = s, true
		}
		if c, ok := outer(cue); ok {
			a.Cue, a.HasCue = c, true
		}
		f.Attributions = append(f.Attributions, a)
	}
	for _, t := range p.ts {
		switch {
		case t.used:
		case t.role != "":
			f.Skipped.Unattached++
		case p.triggers[t.label]:
			f.Skipped.Other++ // an event's anchor that no event uses
		case isBratFlag(t.label):
			f.Skipped.Flags++
		case len(frags[t]) == 0:
			f.Skipped.Empty++
		default:
			fr := frags[t]
			e := BratEntity{ID: t.id, Line: t.line, Label: BratLabel(t.label), Start: fr[0][0], End: fr[len(fr)-1][1]}
			if len(fr) > 1 {
				e.Fragments = fr
			}
			f.Entities = append(f.Entities, e)
		}
	}
	return nil
}

// isAttributionType reports whether an event type is an attribution
// (PolNeAR: Attribution, Attribution-no-source), which counts as skipped
// for want of Content even when it has no arguments.
func (p *bratParser) isAttributionType(typ string) bool {
	return strings.HasPrefix(strings.ToLower(typ), "attribution")
}

// isBratFlag reports whether a label is one of PolNeAR's annotator flags,
// which mark text to discuss or discard rather than an entity.
func isBratFlag(label string) bool {
	switch strings.ToLower(label) {
	case "discard", "discuss":
		return true
	}
	return false
}

// sameText compares a span's text in the .ann file with the text at its
// offsets: equal, or equal but for runs of white space (a tool may write a
// line break inside a span as a space).
func sameText(want, got string) bool {
	return want == got || strings.Join(strings.Fields(want), " ") == strings.Join(strings.Fields(got), " ")
}

// mergeFrags sorts pieces and joins those that overlap or touch.
func mergeFrags(frags [][2]int) [][2]int {
	if len(frags) < 2 {
		return frags
	}
	sort.Slice(frags, func(i, j int) bool { return frags[i][0] < frags[j][0] })
	out := [][2]int{frags[0]}
	for _, fr := range frags[1:] {
		last := &out[len(out)-1]
		if fr[0] <= last[1] {
			if fr[1] > last[1] {
				last[1] = fr[1]
			}
			continue
		}
		out = append(out, fr)
	}
	return out
}

// outer is the first start to the last end of pieces.
func outer(frags [][2]int) ([2]int, bool) {
	if len(frags) == 0 {
		return [2]int{}, false
	}
	r := frags[0]
	for _, fr := range frags[1:] {
		r[0], r[1] = min(r[0], fr[0]), max(r[1], fr[1])
	}
	return r, true
}

func offsetsString(frags [][2]int) string {
	parts := make([]string, len(frags))
	for i, fr := range frags {
		parts[i] = fmt.Sprintf("%d–%d", fr[0], fr[1])
	}
	return strings.Join(parts, ";")
}

// clip shortens s for a message.
func clip(s string) string {
	const n = 60
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
