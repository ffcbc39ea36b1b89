package ops_test

import (
	"context"
	"errors"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/app/ops"
	"github.com/slant-annotate/slant/store"
)

// bratArticle is a CRLF text with an emoji: brat offsets count the raw
// file's characters (each CR too), Slant stores LF text.
const bratArticle = "⚖️ Trade talks\r\n\r\nSenators said on Monday that “the bill is dead,” adding: “We will try again.”\r\nMs. Li, of Acme Corp, denied it.\r\n"

// layerOf returns an annotator's layer on the only document with text
// containing needle.
func layerOf(t *testing.T, db *store.DB, annotator string) (*annotate.Layer, string) {
	t.Helper()
	ctx := context.Background()
	ann, err := db.FindAnnotator(ctx, annotator)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs(t, db) {
		if strings.Contains(d.Text, "Senators") {
			l, err := db.Layer(ctx, d.ID, ann.ID)
			if err != nil {
				t.Fatal(err)
			}
			return l, d.Text
		}
	}
	t.Fatal("no article")
	return nil, ""
}

func sliceCP(s string, a, b int) string { return string([]rune(s)[a:b]) }

func TestImportBratPolNeARLayout(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "train/text/senate-bill.txt", []byte(bratArticle))
	write(t, dir, "train/text/no-annotations.txt", []byte("An article nobody annotated.\n"))
	// Raw offsets: the CRs before "Senators" (index 18) count.
	write(t, dir, "train/attributions/senate-bill_4b22.ann", []byte(
		"T1\tSource 18 26\tSenators\n"+
			"T2\tCue 27 31\tsaid\n"+
			"T3\tContent 42 66;75 95\tthat “the bill is dead,” “We will try again.”\n"+
			"T4\tAttribution 27 31\tsaid\n"+
			"E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"+
			"T5\tCue 67 73\tadding\n"))
	write(t, dir, "train/attributions/senate-bill_ef2d.ann", []byte(
		"T1\tPerson 97 103\tMs. Li\n"+
			"T2\tOrganization 108 117\tAcme Corp\n"+
			"T3\tPER 97 100\tMs.\n"))
	// A bad file: its T2's offsets are one off.
	bad := write(t, dir, "train/attributions/senate-bill_d473.ann", []byte(
		"T1\tSource 18 26\tSenators\n"+
			"T2\tCue 28 32\tsaid\n"))
	opts := ops.ImportOptions{AnnotatorFromSuffix: true}
	db := emptyProject(t)
	sum := importPaths(t, db, opts, filepath.Join(dir, "train"))
	wantSummary(t, sum, 2, 0, 1)
	wantError(t, sum, bad, `:2: T2: the text "said" does not match the text at 28–32, "aid "`)
	if sum.Brat.Layers != 2 || sum.Brat.Quotes != 1 || sum.Brat.Entities != 3 || sum.Brat.Skipped.Unattached != 1 {
		t.Errorf("brat summary %+v", sum.Brat)
	}
	if got := sum.String(); got != "imported 2, duplicates skipped 0, failed 1; brat: 2 annotator layers added (3 entities, 1 quotes), 0 already imported; skipped 1 Source/Cue/Content spans in no attribution" {
		t.Errorf("summary line %q", got)
	}
	if n := count(t, db); n != 2 {
		t.Errorf("%d documents: the text of the .ann files is one document", n)
	}
	if _, err := db.FindAnnotator(context.Background(), "d473"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the bad file's annotator was added: %v", err)
	}

	l, text := layerOf(t, db, "4b22")
	if strings.Contains(text, "\r") || l.Status != annotate.StatusDone {
		t.Fatalf("text %q status %q", text, l.Status)
	}
	q := l.Quotes()
	if len(q) != 1 || len(q[0].Fragments) != 2 {
		t.Fatalf("quotes %+v", q)
	}
	got := []string{sliceCP(text, q[0].Fragments[0][0], q[0].Fragments[0][1]), sliceCP(text, q[0].Fragments[1][0], q[0].Fragments[1][1]),
		sliceCP(text, q[0].SpeakerStart, q[0].SpeakerEnd), sliceCP(text, q[0].CueStart, q[0].CueEnd)}
	if want := []string{"that “the bill is dead,”", "“We will try again.”", "Senators", "said"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("quote pieces %q, want %q", got, want)
	}
	if q[0].Start != 40 || q[0].End != 93 || q[0].SpeakerStart != 16 {
		t.Errorf("offsets in the stored text: %+v", q[0])
	}
	l2, _ := layerOf(t, db, "ef2d")
	var names []string
	for _, tg := range l2.Targets {
		names = append(names, tg.Label+" "+tg.Name+" "+sliceCP(text, l2.Mentions(tg.ID)[0].Start, l2.Mentions(tg.ID)[0].End))
	}
	if want := []string{"PERSON Ms. Li Ms. Li", "ORG Acme Corp Acme Corp", "PERSON Ms. Ms."}; strings.Join(names, "|") != strings.Join(want, "|") {
		t.Errorf("targets %q", names)
	}

	// Again: nothing new; the layers are duplicates, the bad file fails again.
	sum = importPaths(t, db, opts, filepath.Join(dir, "train"))
	wantSummary(t, sum, 0, 1, 1) // no-annotations.txt is a duplicate document
	if sum.Brat.Duplicates != 2 || sum.Brat.Layers != 0 {
		t.Errorf("again: %+v", sum.Brat)
	}
	if !strings.Contains(sum.String(), "brat: 0 annotator layers added (0 entities, 0 quotes), 2 already imported") {
		t.Errorf("summary line %q", sum.String())
	}
}

func TestImportBratNeedsAnnotator(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.txt", []byte("Ana said no.\n"))
	ann := write(t, dir, "a.ann", []byte("T1\tPerson 0 3\tAna\n"))
	db := emptyProject(t)
	sum := importPaths(t, db, ops.ImportOptions{}, dir)
	wantSummary(t, sum, 0, 0, 1)
	wantError(t, sum, ann, "Give --annotator NAME, or --annotator-from-suffix")
	sum = importPaths(t, db, ops.ImportOptions{AnnotatorFromSuffix: true}, ann)
	wantError(t, sum, ann, "no _<annotator> before .ann")
	sum = importPaths(t, db, ops.ImportOptions{Annotator: "ana"}, dir)
	wantSummary(t, sum, 1, 0, 0)
	if sum.Brat.Entities != 1 {
		t.Errorf("%+v", sum.Brat)
	}
}

// polnearFiles lists PolNeAR's annotator-training .ann files and those of
// the train and dev articles annotated by five or six people.
func polnearFiles(t *testing.T) (files []string, articles int) {
	root := sharedData(t, "polnear")
	for _, part := range []string{"annotator-training", "train", "dev"} {
		anns, _ := filepath.Glob(filepath.Join(root, part, "attributions", "*.ann"))
		byArticle := map[string][]string{}
		for _, a := range anns {
			base := strings.TrimSuffix(filepath.Base(a), ".ann")
			art := base[:strings.LastIndexByte(base, '_')]
			byArticle[art] = append(byArticle[art], a)
		}
		var arts []string
		for art, list := range byArticle {
			if len(list) >= 5 {
				arts = append(arts, art)
			}
		}
		sort.Strings(arts)
		for _, art := range arts {
			files = append(files, byArticle[art]...)
		}
		articles += len(arts)
	}
	return files, articles
}

func TestImportBratPolNeARMultiAnnotated(t *testing.T) {
	files, articles := polnearFiles(t)
	if articles != 22 {
		t.Errorf("%d multi-annotated articles, want 22 (4 annotator-training, 16 train, 2 dev)", articles)
	}
	db := emptyProject(t)
	sum := importPaths(t, db, ops.ImportOptions{AnnotatorFromSuffix: true}, files...)
	wantSummary(t, sum, articles, 0, 0)
	if sum.Brat.Layers != len(files) {
		t.Errorf("%d layers from %d files", sum.Brat.Layers, len(files))
	}
	t.Logf("%d .ann files of %d articles: %s", len(files), articles, sum.String())
	ctx := context.Background()
	anns, err := db.Annotators(ctx)
	if err != nil || len(anns) != 6 {
		t.Errorf("annotators %+v %v", anns, err)
	}
	// Every stored quote lies inside its document.
	quotes := 0
	for _, d := range docs(t, db) {
		n := len([]rune(d.Text))
		for _, a := range anns {
			l, err := db.Layer(ctx, d.ID, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range l.Quotes() {
				quotes++
				if q.End > n || (q.HasSpeaker && q.SpeakerEnd > n) {
					t.Errorf("doc %d: quote %+v beyond %d", d.ID, q, n)
				}
			}
		}
	}
	if quotes != sum.Brat.Quotes {
		t.Errorf("%d quotes stored, %d imported", quotes, sum.Brat.Quotes)
	}
	again := importPaths(t, db, ops.ImportOptions{AnnotatorFromSuffix: true}, files...)
	if again.Added != 0 || again.Brat.Duplicates != len(files) || again.Brat.Layers != 0 {
		t.Errorf("again: %s", again.String())
	}
}

// TestImportBratPolNeARFolder imports the annotator-training folder whole,
// as a user would: its four texts are imported once, with the 24 layers.
func TestImportBratPolNeARFolder(t *testing.T) {
	root := sharedData(t, "polnear/annotator-training")
	db := emptyProject(t)
	sum := importPaths(t, db, ops.ImportOptions{AnnotatorFromSuffix: true}, root)
	wantSummary(t, sum, 4, 0, 0)
	if sum.Files != 24 || sum.Brat.Layers != 24 {
		t.Errorf("%d files, %s", sum.Files, sum.String())
	}
	t.Log(sum.String())
}
