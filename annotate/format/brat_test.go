package format

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/slant-annotate/slant/annotate"
)

// cp slices s by code points, as Python does.
func cp(s string, start, end int) string { return string([]rune(s)[start:end]) }

func parseBrat(t *testing.T, ann, text string) (*BratFile, error) {
	t.Helper()
	return ParseBrat(strings.NewReader(ann), "a_4b22.ann", []byte(text), "a.txt")
}

func mustParseBrat(t *testing.T, ann, text string) *BratFile {
	t.Helper()
	f, err := parseBrat(t, ann, text)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// The emoji (two code points, six bytes) catches any byte/code point mix-up.
const bratText = "⚖️ Trade\n“We will win,” said Amazon's chief, Andy Jassy. Amazon and amazon agreed.\n"

func TestBratEntitiesLabelsAndTargets(t *testing.T) {
	ann := "T1\tOrganization 29 35\tAmazon\n" +
		"T2\tPer 45 55\tAndy Jassy\n" +
		"T3\tORG 57 63\tAmazon\n" +
		"T4\torganization 68 74\tamazon\n" +
		"T5\tEvent 75 81\tagreed\n" +
		"T6\tCountry 3 8;9 10\tTrade “\n" +
		"R1\tWorksFor Arg1:T2 Arg2:T1\n" +
		"A1\tNegated T5\n" +
		"#1\tAnnotatorNotes T1\tthe company\n"
	f := mustParseBrat(t, ann, bratText)
	type got struct {
		label, text string
	}
	var ents []got
	for _, e := range f.Entities {
		ents = append(ents, got{e.Label, cp(f.Document.Text, e.Start, e.End)})
	}
	want := []got{{"ORG", "Amazon"}, {"PERSON", "Andy Jassy"}, {"ORG", "Amazon"}, {"ORG", "amazon"}, {"Event", "agreed"}, {"GPE", "Trade\n“"}}
	if !reflect.DeepEqual(ents, want) {
		t.Fatalf("entities %q, want %q", ents, want)
	}
	if fr := f.Entities[5].Fragments; !reflect.DeepEqual(fr, [][2]int{{3, 8}, {9, 10}}) {
		t.Errorf("discontinuous entity fragments %v", fr)
	}
	if f.Skipped.Other != 2 || f.Skipped.Flags != 1 {
		t.Errorf("skipped %+v, want 2 other lines (R, A) and 1 note", f.Skipped)
	}
	targets, spans := f.Spans()
	var names []string
	for _, tg := range targets {
		names = append(names, tg.Label+":"+tg.Name)
	}
	if want := []string{"ORG:Amazon", "PERSON:Andy Jassy", "Event:agreed", "GPE:Trade “"}; !reflect.DeepEqual(names, want) {
		t.Errorf("targets %q, want %q", names, want)
	}
	if spans[0].TargetID != 1 || spans[2].TargetID != 1 || spans[3].TargetID != 1 || spans[1].TargetID != 2 {
		t.Errorf("Amazon's three mentions share one target: %+v", spans)
	}
	for _, s := range spans {
		if s.Decision != annotate.Added || s.Kind != annotate.KindEntity {
			t.Errorf("span %+v: want an added entity", s)
		}
	}
}

func TestBratLabelMapping(t *testing.T) {
	for in, want := range map[string]string{"Person": "PERSON", "PER": "PERSON", "organization": "ORG", "Org": "ORG",
		"gpe": "GPE", "Country": "GPE", "CITY": "GPE", "Location": "LOC", "loc": "LOC", "Weapon": "Weapon"} {
		if got := BratLabel(in); got != want {
			t.Errorf("BratLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

// polnearText and polnearAnn follow PolNeAR: a discontinuous Content,
// events before and after their T lines, a second Content, an attribution
// without Content, Source/Cue/Content lines no event uses, and flags.
const polnearText = "⚖️ Senators said on Monday that “the bill is dead,” adding: “We will try again.”\nThe minister, Ms. Li, denied it.\n"

func TestBratPolNeARAttributions(t *testing.T) {
	ann := "T1\tSource 3 11\tSenators\n" +
		"T2\tCue 12 16\tsaid\n" +
		"T3\tContent 27 51;60 80\tthat “the bill is dead,” “We will try again.”\n" +
		"T4\tAttribution 12 16\tsaid\n" +
		"E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n" +
		"E2\tAttribution:T8 Cue:T7 Source:T5 Content:T6 Content2:T9\n" +
		"T5\tSource 81 93;95 101\tThe minister Ms. Li\n" +
		"T6\tContent 110 112\tit\n" +
		"T7\tCue 103 109\tdenied\n" +
		"T8\tAttribution 103 109\tdenied\n" +
		"T9\tContent 81 84\tThe\n" +
		"T10\tCue 52 58\tadding\n" +
		"T11\tAttribution 52 58\tadding\n" +
		"E3\tAttribution:T11 Cue:T10\n" +
		"T12\tContent 60 80\t“We will try again.”\n" +
		"T13\tDiscuss 60 62\t“W\n" +
		"E4\tAttribution-no-source:T4 \n"
	f := mustParseBrat(t, ann, polnearText)
	text := f.Document.Text
	if len(f.Entities) != 0 {
		t.Errorf("attribution parts are not entities: %+v", f.Entities)
	}
	if len(f.Attributions) != 2 {
		t.Fatalf("%d attributions, want 2: %+v", len(f.Attributions), f.Attributions)
	}
	a := f.Attributions[0]
	if a.ID != "E1" || a.Line != 5 || !reflect.DeepEqual(a.Content, [][2]int{{27, 51}, {60, 80}}) {
		t.Errorf("E1: %+v", a)
	}
	if cp(text, a.Content[1][0], a.Content[1][1]) != "“We will try again.”" || cp(text, a.Source[0], a.Source[1]) != "Senators" ||
		cp(text, a.Cue[0], a.Cue[1]) != "said" {
		t.Errorf("E1 offsets: %+v", a)
	}
	b := f.Attributions[1]
	if !b.HasSource || cp(text, b.Source[0], b.Source[1]) != "The minister, Ms. Li" {
		t.Errorf("a discontinuous Source is its first to last offset: %+v", b)
	}
	// Content and Content2 are one quote in pieces, in text order.
	if !reflect.DeepEqual(b.Content, [][2]int{{81, 84}, {110, 112}}) {
		t.Errorf("E2 content %v", b.Content)
	}
	want := BratSkipped{NoContent: 2, Unattached: 1, Flags: 1}
	if f.Skipped != want {
		t.Errorf("skipped %+v, want %+v", f.Skipped, want)
	}
	_, spans := f.Spans()
	if len(spans) != 2 {
		t.Fatalf("spans %+v", spans)
	}
	q := spans[0]
	if q.Kind != annotate.KindQuote || q.Start != 27 || q.End != 80 || !q.HasSpeaker || !q.HasCue ||
		!reflect.DeepEqual(q.Fragments, [][2]int{{27, 51}, {60, 80}}) || q.Decision != annotate.Added {
		t.Errorf("quote %+v", q)
	}
	if cp(text, q.SpeakerStart, q.SpeakerEnd) != "Senators" || cp(text, q.CueStart, q.CueEnd) != "said" {
		t.Errorf("speaker and cue %+v", q)
	}
}

func TestBratCRLFAndBOMOffsetsMapped(t *testing.T) {
	// brat counts the raw file's characters: the BOM and each CR.
	raw := "\ufeffHeadline\r\n\r\n“Yes,” said Ana Pérez.\r\nBye ⚖️ now.\r\n"
	ann := "T1\tContent 13 19\t“Yes,”\n" +
		"T2\tPerson 25 34\tAna Pérez\n" +
		"T3\tLocation 37 45\tBye ⚖️ n\n"
	f := mustParseBrat(t, ann, raw)
	text := f.Document.Text
	if strings.ContainsAny(text, "\r\ufeff") || f.Normalised {
		t.Fatalf("text %q, normalised offsets %v", text, f.Normalised)
	}
	got := []string{cp(text, f.Entities[0].Start, f.Entities[0].End), cp(text, f.Entities[1].Start, f.Entities[1].End)}
	if !reflect.DeepEqual(got, []string{"Ana Pérez", "Bye ⚖️ n"}) {
		t.Errorf("mapped entities %q (%+v)", got, f.Entities)
	}
	if f.Entities[0].Start != 22 || f.Entities[1].Start != 33 {
		t.Errorf("offsets in the stored text: %+v", f.Entities)
	}
	if f.Skipped.Unattached != 1 {
		t.Errorf("skipped %+v", f.Skipped)
	}
	// A tool that read the file with universal newlines counts the
	// normalised text; that is recognised when every span then matches.
	ann2 := "T1\tPerson 22 31\tAna Pérez\n"
	f2 := mustParseBrat(t, ann2, raw)
	if !f2.Normalised || cp(f2.Document.Text, f2.Entities[0].Start, f2.Entities[0].End) != "Ana Pérez" {
		t.Errorf("normalised offsets: %+v", f2.Entities)
	}
	// When neither counting matches, the error is about the raw file.
	_, err := parseBrat(t, "T1\tPerson 23 32\tAna Pérez\n", raw)
	if err == nil || !strings.Contains(err.Error(), "a_4b22.ann:1: T1: the text \"Ana Pérez\" does not match") {
		t.Errorf("err %v", err)
	}
}

func TestBratContinuationLines(t *testing.T) {
	// brat writes a span's line breaks as they are: the rest of the text is
	// on the following lines (PolNeAR has three such files).
	text := "3.\n\nThe number of people said so.\n"
	ann := "T1\tContent 0 24\t3.\n\nThe number of people\nT2\tCue 25 29\tsaid\n"
	f := mustParseBrat(t, ann, text)
	if f.Skipped.Unattached != 2 {
		t.Errorf("skipped %+v", f.Skipped)
	}
	// A line that is neither is malformed.
	_, err := parseBrat(t, "T1\tPerson 4 7\tThe\nrubbish here\nT2\tCue 25 29\tsaid\n", text)
	if err == nil || !strings.Contains(err.Error(), "a_4b22.ann:2: malformed line") {
		t.Errorf("err %v", err)
	}
	_, err = parseBrat(t, "rubbish\n", text)
	if err == nil || !strings.Contains(err.Error(), "a_4b22.ann:1: malformed line \"rubbish\"") {
		t.Errorf("err %v", err)
	}
}

func TestBratBadInput(t *testing.T) {
	text := "Ana said “no”.\n"
	for _, c := range []struct{ ann, want string }{
		{"T1\tPerson 0 3\tAnna\n", `a_4b22.ann:1: T1: the text "Anna" does not match the text at 0–3, "Ana"`},
		{"T1\tPerson 0 3\tAna\nT2\tPerson 10 40\tno\n", "a_4b22.ann:2: T2: offsets 10–40 are beyond the end of the text (15 characters)"},
		{"T1\tSource 0 3\tAna\nE1\tAttribution:T9 Source:T1 Content:T7\n", "a_4b22.ann:2: E1 names T9, which is not in the file"},
		{"T1\tPerson 0 x\tAna\n", `a_4b22.ann:1: malformed offsets "0 x" in T1`},
		{"T1\tPerson 3 0\tAna\n", "a_4b22.ann:1: T1 ends (0) before it starts (3)"},
		{"T1\tPerson\tAna\n", `a_4b22.ann:1: malformed T line: "Person" has no offsets`},
		{"T1\tPerson 0 3\tAna\nT1\tPerson 0 3\tAna\n", "a_4b22.ann:2: T1 is defined twice (first on line 1)"},
		{"E1\tAttribution:T1 Content\n", `a_4b22.ann:1: malformed argument "Content" in E1`},
		{"T1\tPerson 0 3\tAna\n\xff\n", "a_4b22.ann:2: invalid UTF-8"},
	} {
		_, err := parseBrat(t, c.ann, text)
		var fe *Error
		if err == nil || !errors.As(err, &fe) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: err %v, want %q", c.ann, err, c.want)
		}
	}
	// The text file's own problems name the text file.
	_, err := ParseBrat(strings.NewReader(""), "a.ann", []byte("bad \xff"), "a.txt")
	if err == nil || !strings.HasPrefix(err.Error(), "a.txt:1: invalid UTF-8") {
		t.Errorf("err %v", err)
	}
}

func TestBratTextAndAnnotator(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, s string) string {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	beside := write("x/doc.ann", "")
	txt := write("x/doc.txt", "hi")
	polAnn := write("train/attributions/art_2016_4b22.ann", "")
	polTxt := write("train/text/art_2016.txt", "hi")
	lonely := write("y/none_ab.ann", "")
	for ann, want := range map[string]string{beside: txt, polAnn: polTxt} {
		if got, err := BratText(ann); err != nil || got != want {
			t.Errorf("BratText(%s) = %s, %v; want %s", ann, got, err, want)
		}
	}
	if _, err := BratText(lonely); err == nil || !strings.Contains(err.Error(), "no text for this brat file: looked for") {
		t.Errorf("err %v", err)
	}
	if id, ok := BratAnnotator(polAnn); !ok || id != "4b22" {
		t.Errorf("suffix %q %v", id, ok)
	}
	if _, ok := BratAnnotator(beside); ok {
		t.Error("doc.ann has no annotator suffix")
	}
	f, err := ReadBrat(write("x/doc.ann", "T1\tPerson 0 2\thi\n"))
	if err != nil || len(f.Entities) != 1 || f.Document.Source != txt {
		t.Fatalf("ReadBrat: %+v %v", f, err)
	}
}

func TestExpandClaimsBratText(t *testing.T) {
	dir := t.TempDir()
	for _, rel := range []string{"train/text/a.txt", "train/text/b.txt", "train/attributions/a_1.ann", "train/attributions/a_2.ann", "notes.txt"} {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("x"), 0o644)
	}
	files, _, problems := Expand([]string{dir})
	var rel []string
	for _, f := range files {
		r, _ := filepath.Rel(dir, f)
		rel = append(rel, filepath.ToSlash(r))
	}
	// a.txt is read with its .ann files; b.txt, which has none, on its own.
	want := []string{"notes.txt", "train/attributions/a_1.ann", "train/attributions/a_2.ann", "train/text/b.txt"}
	if len(problems) > 0 || !reflect.DeepEqual(rel, want) {
		t.Errorf("files %q problems %v, want %q", rel, problems, want)
	}
}

// TestBratPolNeAR reads every PolNeAR .ann file against its text.
func TestBratPolNeAR(t *testing.T) {
	root := dataFile(t, "polnear")
	var anns []string
	for _, part := range []string{"annotator-training", "dev", "train"} {
		m, _ := filepath.Glob(filepath.Join(root, part, "attributions", "*.ann"))
		anns = append(anns, m...)
	}
	if len(anns) < 1000 {
		t.Fatalf("only %d .ann files", len(anns))
	}
	var skipped BratSkipped
	quotes, frags, speakers := 0, 0, 0
	for _, p := range anns {
		f, err := ReadBrat(p)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if len(f.Entities) > 0 || f.Normalised {
			t.Errorf("%s: %d entities, normalised %v", p, len(f.Entities), f.Normalised)
		}
		skipped.Add(f.Skipped)
		_, spans := f.Spans()
		n := len([]rune(f.Document.Text))
		for _, s := range spans {
			quotes++
			if len(s.Fragments) > 0 {
				frags++
			}
			if s.HasSpeaker {
				speakers++
			}
			if s.Start < 0 || s.End > n || s.End <= s.Start || s.HasSpeaker && s.SpeakerEnd <= s.SpeakerStart {
				t.Errorf("%s: bad span %+v", p, s)
			}
		}
	}
	t.Logf("%d .ann files: %d quotes (%d in pieces, %d with a speaker); skipped %+v", len(anns), quotes, frags, speakers, skipped)
	if quotes < 20000 {
		t.Errorf("only %d quotes", quotes)
	}
}
