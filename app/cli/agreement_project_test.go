package cli_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/app/ops"
	"github.com/slant-annotate/slant/store"
)

// teamProject makes a project with the pre-tagged sample article labelled
// by ana, ben and cai, and returns its path. ana and ben finish it; cai
// leaves it in progress.
func teamProject(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := newProjectPath(t)
	db, err := ops.OpenProject(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := ops.Pretag(ctx, db, ops.PretagOptions{Workers: 1}, nil); err != nil {
		t.Fatal(err)
	}
	_, sv, err := db.Schema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := db.ListDocuments(ctx, "", 0, 10)
	if err != nil || len(docs) != 1 {
		t.Fatalf("%v %v", docs, err)
	}
	doc := docs[0].ID
	plan := map[string]struct {
		doc     string
		targets []string // sentiment of the first targets, in order
		stance  string   // the first quote's stance, towards its pre-filled target
		status  string
	}{
		"ana": {"negative", []string{"negative", "neutral", "positive"}, "against", annotate.StatusDone},
		"ben": {"negative", []string{"negative", "positive", "positive"}, "against", annotate.StatusDone},
		"cai": {"neutral", []string{"positive", "positive", "positive"}, "favor", annotate.StatusInProgress},
	}
	for name, p := range plan {
		a, err := db.EnsureAnnotator(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		l, err := db.Layer(ctx, doc, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		set := func(task, unit, v string, towards int64) {
			if _, err := db.SetLabel(ctx, a.ID, doc, task, unit, annotate.LabelValue{Value: v, Towards: towards}, sv); err != nil {
				t.Fatal(err)
			}
		}
		set("document_sentiment", annotate.UnitDocument, p.doc, 0)
		targets := l.LiveTargets()
		for i, v := range p.targets {
			set("target_sentiment", annotate.TargetUnit(targets[i].ID), v, 0)
		}
		q := l.Quotes()[0]
		set("quote_stance", annotate.QuoteUnit(q.ID), p.stance, l.QuoteTarget(q, [2]int{0, 0}))
		if _, err := db.SetStatus(ctx, a.ID, doc, p.status, 30); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func TestAgreementOnProject(t *testing.T) {
	path := teamProject(t)
	env := map[string]string{"SLANT_DB": path}
	out := mustSlant(t, env, "agreement", "--json", "--bootstrap", "200")
	var rep struct {
		Annotators []struct {
			Name      string
			Documents int
			Blind     bool
		}
		Documents int
		Tasks     []struct {
			Task              string
			Level             string
			Units             int
			PairableUnits     int `json:"pairable_units"`
			Alpha             *float64
			AlphaCI           []*float64 `json:"alpha_ci95"`
			PercentAgreement  float64    `json:"percent_agreement"`
			Pairs             []struct{ A, B string }
			Methods           string
			Disagreements     int
			UnitsNotShared    int      `json:"units_not_shared"`
			KrippendorffAlpha *float64 `json:"krippendorff_alpha"`
			FleissKappa       *float64 `json:"fleiss_kappa"`
		}
		Spans *struct {
			Entities struct {
				ExactF1 *float64 `json:"exact_f1"`
			}
			Speakers struct {
				MatchedQuotes int `json:"matched_quotes"`
				Agreement     *float64
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// cai is in progress: only ana and ben count by default.
	if len(rep.Annotators) != 3 || rep.Annotators[2].Documents != 0 || rep.Documents != 1 {
		t.Fatalf("annotators %+v, documents %d", rep.Annotators, rep.Documents)
	}
	byTask := map[string]int{}
	for i, tr := range rep.Tasks {
		byTask[tr.Task] = i
	}
	doc := rep.Tasks[byTask["document_sentiment"]]
	if doc.Level != "ordinal" || doc.Units != 1 || doc.PairableUnits != 1 || doc.PercentAgreement != 1 || doc.Disagreements != 0 {
		t.Errorf("document_sentiment %+v", doc)
	}
	tgt := rep.Tasks[byTask["target_sentiment"]]
	// Three targets: negative/negative, neutral/positive, positive/positive.
	if tgt.Units != 3 || tgt.PairableUnits != 3 || tgt.Disagreements != 1 || tgt.UnitsNotShared != 0 {
		t.Errorf("target_sentiment %+v", tgt)
	}
	if tgt.KrippendorffAlpha == nil || len(tgt.AlphaCI) != 2 || !strings.Contains(tgt.Methods, "2 annotators, 1 document") {
		t.Errorf("alpha %v, CI %v, methods %q", tgt.KrippendorffAlpha, tgt.AlphaCI, tgt.Methods)
	}
	if rep.Spans == nil || rep.Spans.Entities.ExactF1 == nil || *rep.Spans.Entities.ExactF1 != 1 || rep.Spans.Speakers.MatchedQuotes < 3 {
		t.Errorf("spans %+v", rep.Spans)
	}

	// With cai's work in progress counted: three annotators, the document
	// sentiment now disagrees.
	out = mustSlant(t, env, "agreement", "--json", "--include-in-progress", "--task", "document_sentiment", "--no-spans")
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Tasks) != 1 || rep.Tasks[0].Disagreements != 1 || len(rep.Tasks[0].Pairs) != 3 || rep.Spans != nil {
		t.Errorf("with in-progress: %s", out)
	}

	// The table, and the HTML report.
	html := filepath.Join(t.TempDir(), "agreement.html")
	table := mustSlant(t, env, "agreement", "--report", html, "--annotators", "ana,ben")
	for _, want := range []string{"target_sentiment (target, ordinal)", "Krippendorff's alpha", "ana–ben", "Krippendorff's α (ordinal) = ", "Span layers", "Speakers"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	body, err := os.ReadFile(html)
	if err != nil || !strings.Contains(string(body), "<svg") || strings.Contains(string(body), "<script") {
		t.Errorf("report: %v, %d bytes", err, len(body))
	}
}

func TestAgreementOnProjectErrors(t *testing.T) {
	path := teamProject(t)
	env := map[string]string{"SLANT_DB": path}
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"agreement", "--task", "frames"}, 1, `no task "frames"`},
		{[]string{"agreement", "--annotators", "ana,zed"}, 1, `no annotator named "zed"`},
		{[]string{"agreement", "--matrix", "m.csv", "--level", "nominal", "--task", "x"}, 2, "are for a project"},
		{[]string{"agreement", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"agreement", "--db", filepath.Join(t.TempDir(), "none.slant")}, 1, "no project at"},
	}
	for _, c := range cases {
		_, stderr, code := runSlant(t, env, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, stderr, c.code, c.want)
		}
	}
}
