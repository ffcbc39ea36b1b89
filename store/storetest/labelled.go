package storetest

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/pretag"
	"github.com/slant-annotate/slant/store"
)

// labelledVersion is the labelled project generator's version, part of the
// cache key with the schema migrations and the pre-tagging engine's
// provenance (a stale engine would make the window pre-tag every document
// in the background): bump it whenever LabelledArticle, buildLabelled or
// fillLabels changes.
const labelledVersion = "v1"

// The labelled project's size (see LabelledProject).
const (
	LabelledDocs = 100000 // documents in the labelled project
	LabelledDone = 2000   // documents each annotator has finished
)

// annotators are the labelled project's annotators; each finished
// LabelledDone documents, ana from the first, the others overlapping her.
var annotators = []struct {
	name  string
	first int64
}{{"ana", 1}, {"ben", 1001}, {"cai", 1501}}

var (
	firstNames = strings.Fields(`Narendra Donald Jeff Doug Kalyan Piyush Katherine Nirmala Xi Ursula José Søren
Ayşe Zhang Olaf Emmanuel Rishi Janet Jerome Christine Priya Rahul Anjali Maria Chen Fatima Omar Lars Ingrid
Mohammed Aisha Kenji Yuki Carlos Lucía François Élodie Hans Greta Raj Sunita Arjun Meera Ravi Wei Li Pedro`)
	surnames = strings.Fields(`Modi Trump Bezos McMillon Krishnamurthy Goyal Tai Sitharaman Jinping Leyen Álvarez
Østergaard Yılmaz Wei Scholz Macron Sunak Yellen Powell Lagarde Sharma Gandhi Mehta Rossi Zhao Khan Haddad
Nilsson Berg Rahman Siddiqui Tanaka Sato García Fernández Dubois Lefèvre Müller Schmidt Patel Reddy Iyer
Nair Kumar Wang Liu Santos Oliveira Kowalski Novák`)
	orgs = []string{"Amazon", "Walmart", "Flipkart", "Reliance Industries", "Tata Group", "Reuters",
		"World Trade Organization", "European Commission", "Alibaba", "Infosys", "Goldman Sachs",
		"Federal Reserve", "Nestlé", "Société Générale", "Reserve Bank of India", "Samsung Electronics",
		"Toyota", "BHP", "Siemens", "HSBC", "JPMorgan Chase", "Microsoft", "Apple", "Google",
		"International Monetary Fund", "World Bank", "Bharti Airtel", "Adani Group", "Paytm", "Zomato"}
	places = []string{"India", "United States", "China", "Germany", "Brazil", "Japan", "New Delhi",
		"Washington", "Beijing", "Brussels", "São Paulo", "Zürich", "Mumbai", "Bengaluru", "France",
		"United Kingdom", "Mexico", "Canada", "Indonesia", "South Africa", "Türkiye", "Vietnam", "Seoul",
		"Singapore", "Geneva", "London", "Paris", "Tokyo", "Jakarta", "Nairobi"}
	filler = strings.Fields(`the of to and a in for on that is was with by as at it from be have has are
not but an its they this were who been their had will would more after about than up which one new also over
there when two or out into year could percent people government first last market company minister trade
police state economy other city officials court prices country week since million billion years party report
election bank workers policy deal foreign security national group business investors shares tariffs growth
exports imports talks agreement rules retailers sellers online platform investment inflation rates quarter
sales profit losses jobs farmers consumers regulators analysts negotiators sources plans rally slump record`)
	cues = []string{"said", "told reporters", "added", "warned", "argued"}
)

// entity is a cast member: a target and how it is mentioned.
type entity struct {
	name, label string
	short       string // a later mention's text (a surname), or ""
}

// LabelledArticle returns article seed: a headline and about `words` words of
// news prose in paragraphs, where about rate of the words are mentions of
// a cast of people, companies and places (full name first, surname after),
// and about one sentence in ten is a direct quote with its speaker; it
// returns the document and the suggestions the pre-tagger would make
// (every mention an entity, grouped into targets; every quote with its
// speaker, a later one sometimes inheriting it). Offsets are code points;
// names with accents and curly quotes keep bytes and code points apart.
func LabelledArticle(seed uint64, words int, rate float64) (annotate.Document, *pretag.Result) {
	r := rand.New(rand.NewPCG(seed, 0x1ab5))
	castSize := max(6, words/80)
	cast := make([]entity, 0, castSize)
	seen := map[string]bool{}
	for len(cast) < castSize {
		var e entity
		switch k := r.IntN(10); {
		case k < 5:
			first, last := firstNames[r.IntN(len(firstNames))], surnames[r.IntN(len(surnames))]
			e = entity{name: first + " " + last, label: pretag.LabelPerson, short: last}
		case k < 8:
			e = entity{name: orgs[r.IntN(len(orgs))], label: pretag.LabelOrg}
		default:
			e = entity{name: places[r.IntN(len(places))], label: pretag.LabelGPE}
		}
		if !seen[e.name] {
			seen[e.name] = true
			cast = append(cast, e)
		}
	}
	var people []int
	for i, e := range cast {
		if e.label == pretag.LabelPerson {
			people = append(people, i)
		}
	}
	if len(people) == 0 {
		cast[0] = entity{name: "Priya Sharma", label: pretag.LabelPerson, short: "Sharma"}
		people = append(people, 0)
	}
	zipf := rand.NewZipf(r, 1.3, 1, uint64(len(cast)-1))

	res := &pretag.Result{Engine: pretag.Provenance(), Entities: []pretag.Entity{}, Targets: []pretag.Target{}, Quotes: []pretag.Quote{}}
	targetOf := map[int]int{} // cast index → target index
	var sb strings.Builder
	sb.Grow(words * 7)
	pos := 0 // code points written
	write := func(s string) {
		sb.WriteString(s)
		pos += utf8.RuneCountInString(s)
	}
	mention := func(ci int) pretag.Span {
		e := cast[ci]
		t, ok := targetOf[ci]
		if !ok {
			t = len(res.Targets)
			targetOf[ci] = t
			res.Targets = append(res.Targets, pretag.Target{Name: e.name, Label: e.label})
		}
		text := e.name
		if ok && e.short != "" && r.IntN(3) > 0 {
			text = e.short
		}
		start := pos
		write(text)
		tg := &res.Targets[t]
		tg.Mentions = append(tg.Mentions, [2]int{start, pos})
		tg.Entities = append(tg.Entities, len(res.Entities))
		if !slices.Contains(tg.Aliases, text) {
			tg.Aliases = append(tg.Aliases, text)
		}
		res.Entities = append(res.Entities, pretag.Entity{Start: start, End: pos, Label: e.label, Text: text, Target: t, Source: "prose"})
		return pretag.Span{Start: start, End: pos, Text: text}
	}
	capital := func(w string) string { return strings.ToUpper(w[:1]) + w[1:] }
	// A headline, then the body.
	for k := range 6 + r.IntN(5) {
		if k > 0 {
			write(" ")
		}
		if k == 2 {
			mention(int(zipf.Uint64()))
			continue
		}
		write(capital(filler[r.IntN(len(filler))]))
	}
	title := sb.String()
	write("\n\n")
	written, sentences := 0, 0
	var lastSpeaker *pretag.Span
	lastTarget := -1
	for written < words {
		n := min(words-written, 8+r.IntN(18))
		quote := r.IntN(10) == 0 && n > 4
		var qStart int
		if quote {
			qStart = pos
			write("“")
		}
		for k := range n {
			if k > 0 {
				write(" ")
			}
			if r.Float64() < rate {
				mention(int(zipf.Uint64()))
			} else if w := filler[r.IntN(len(filler))]; k == 0 {
				write(capital(w))
			} else {
				write(w)
			}
			if k > 2 && k < n-2 && r.IntN(14) == 0 {
				write(",")
			}
		}
		written += n
		if quote {
			q := pretag.Quote{Start: qStart, Target: -1}
			if lastSpeaker != nil && r.IntN(4) == 0 {
				write(".”")
				q.End = pos
				sp := *lastSpeaker
				q.Speaker, q.Target, q.Inherited = &sp, lastTarget, true
			} else {
				write(",”")
				q.End = pos
				write(" " + cues[r.IntN(len(cues))] + " ")
				ci := people[r.IntN(len(people))]
				sp := mention(ci)
				q.Speaker, q.Target = &sp, targetOf[ci]
				lastSpeaker, lastTarget = &sp, q.Target
				write(".")
			}
			q.Text = string([]rune(sb.String())[q.Start:q.End])
			res.Quotes = append(res.Quotes, q)
		} else {
			write(".")
		}
		sentences++
		if r.IntN(5) == 0 {
			write("\n\n")
		} else {
			write(" ")
		}
	}
	doc := annotate.Document{
		Title:      title,
		Text:       strings.TrimRight(sb.String(), " \n") + "\n",
		ExternalID: fmt.Sprintf("lbl-%d-%d", words, seed),
		Source:     fmt.Sprintf("bench/labelled-%d.jsonl:%d", words, seed+1),
	}
	return doc, res
}

// PretaggedProject makes a new project in tb.TempDir() of n articles
// LabelledArticle(0, words, 0.2) to LabelledArticle(n-1, words, 0.2), with
// their suggestions saved as the pre-tagger would, and returns it open (the
// caller closes it) with its document ids in order.
func PretaggedProject(tb testing.TB, n, words int) (*store.DB, []int64) {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(tb.TempDir(), "bench.slant"), store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	batch, err := db.BeginBatch(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	var results []*pretag.Result
	for i := range n {
		doc, r := LabelledArticle(uint64(i), words, 0.2)
		if err := batch.Add(ctx, doc); err != nil {
			tb.Fatal(err)
		}
		results = append(results, r)
	}
	if err := batch.Commit(); err != nil {
		tb.Fatal(err)
	}
	rows, err := db.ListDocuments(ctx, "", 0, n)
	if err != nil || len(rows) != n {
		tb.Fatalf("%d documents, %v", len(rows), err)
	}
	var ids []int64
	var prs []store.PretagResult
	for i, row := range rows {
		ids = append(ids, row.ID)
		prs = append(prs, store.PretagResult{DocID: row.ID, Result: results[i]})
	}
	if err := db.SavePretagsBatch(ctx, prs); err != nil {
		tb.Fatal(err)
	}
	return db, ids
}

// LabelledProject returns the path of a project of LabelledDocs pre-tagged
// articles where annotators ana (from document 1), ben (from 1001) and cai
// (from 1501) have each labelled and finished LabelledDone documents (see
// buildLabelled). It is built once (a few minutes) and cached under
// os.TempDir(), keyed by the generator's version, the schema migrations and
// the pre-tagging engine. Open it with OpenRW, or copy it to change it.
func LabelledProject(tb testing.TB) string {
	tb.Helper()
	key := cacheKey(tb, labelledVersion, pretag.Provenance())
	path := filepath.Join(os.TempDir(), fmt.Sprintf("slant-bench-labelled-%dk-%s.slant", LabelledDocs/1000, key))
	return cached(tb, path, fmt.Sprintf("labelled %d-document project", LabelledDocs), func(tmp string, alive func()) {
		buildLabelled(tb, tmp, alive)
	})
}

// buildLabelled writes the labelled project at path: LabelledDocs
// generated articles of 200–600 words, all pre-tagged (a mention every ten
// words or so), through the store's own batch APIs; then, in one raw SQL
// transaction (the store's API commits each label on its own, which would
// take an hour of fsyncs), each annotator's seeded layer, labels (document
// sentiment, three targets' sentiment, the first quote's stance), finished
// status and event log for LabelledDone documents, as the GUI would have left
// them, plus the seeded layers of the next two documents ana opens.
func buildLabelled(tb testing.TB, path string, alive func()) {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	_, schemaVersion, err := db.Schema(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	const batchSize = 5000
	for i := 0; i < LabelledDocs; i += batchSize {
		b, err := db.BeginBatch(ctx)
		if err != nil {
			tb.Fatal(err)
		}
		var results []*pretag.Result
		for j := i; j < min(LabelledDocs, i+batchSize); j++ {
			r := rand.New(rand.NewPCG(uint64(j), 7))
			doc, res := LabelledArticle(uint64(j), 200+r.IntN(401), 0.1)
			if err := b.Add(ctx, doc); err != nil {
				b.Rollback()
				tb.Fatal(err)
			}
			results = append(results, res)
		}
		if err := b.Commit(); err != nil {
			tb.Fatal(err)
		}
		var prs []store.PretagResult
		for k, res := range results {
			prs = append(prs, store.PretagResult{DocID: int64(i + k + 1), Result: res, Took: 40 * time.Millisecond})
		}
		if err := db.SavePretagsBatch(ctx, prs); err != nil {
			tb.Fatal(err)
		}
		alive()
	}
	if got, err := db.CountDocuments(ctx, ""); err != nil || got != LabelledDocs {
		tb.Fatalf("built project holds %d documents (%v), want %d", got, err, LabelledDocs)
	}
	var annIDs []int64
	for _, a := range annotators {
		ann, err := db.EnsureAnnotator(ctx, a.name)
		if err != nil {
			tb.Fatal(err)
		}
		annIDs = append(annIDs, ann.ID)
	}
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
	if err != nil {
		tb.Fatal(err)
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	if err := fillLabels(ctx, raw, annIDs, schemaVersion); err != nil {
		tb.Fatal(err)
	}
	alive()
	if _, err := raw.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		tb.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, "ANALYZE"); err != nil {
		tb.Fatal(err)
	}
}

// fillLabels writes the annotators' work into the project, in one
// transaction; see buildLabelled.
func fillLabels(ctx context.Context, raw *sql.DB, annIDs []int64, schemaVersion int) error {
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	base := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	values := []string{"negative", "neutral", "positive"}
	stances := []string{"against", "neutral", "favor"}
	for a, annID := range annIDs {
		first := annotators[a].first
		last := first + LabelledDone - 1
		seedTo := last
		if a == 0 {
			seedTo = last + 2 // the document ana opens next, and the one the window prefetches
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO layer_targets(doc_id, annotator_id, name, label, suggested_ord)
			SELECT doc_id, ?, name, label, ord FROM suggested_targets WHERE doc_id BETWEEN ? AND ? ORDER BY doc_id, ord`,
			annID, first, seedTo); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO layer_spans
			(doc_id, annotator_id, kind, start, end, label, target_id, speaker_start, speaker_end, suggestion_id, decision)
			SELECT s.doc_id, ?, s.kind, s.start, s.end, s.label, lt.id, s.speaker_start, s.speaker_end, s.id, 'pending'
			FROM suggested_spans s LEFT JOIN layer_targets lt
			  ON lt.doc_id = s.doc_id AND lt.annotator_id = ? AND lt.suggested_ord = s.target_ord
			WHERE s.doc_id BETWEEN ? AND ? ORDER BY s.doc_id, s.start, s.id`, annID, annID, first, seedTo); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO layers(doc_id, annotator_id, seeded_at, engine)
			SELECT doc_id, ?, ?, engine FROM pretag_runs WHERE doc_id BETWEEN ? AND ?`,
			annID, base.Format(time.RFC3339Nano), first, seedTo); err != nil {
			return err
		}
		at := base.Add(time.Duration(a) * time.Hour)
		for doc := first; doc <= last; doc++ {
			r := rand.New(rand.NewPCG(uint64(doc), uint64(annID)))
			var targets []int64
			rows, err := tx.QueryContext(ctx, "SELECT id FROM layer_targets WHERE doc_id = ? AND annotator_id = ? ORDER BY id LIMIT 3", doc, annID)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				targets = append(targets, id)
			}
			rows.Close()
			var quote int64
			if err := tx.QueryRowContext(ctx, "SELECT id FROM layer_spans WHERE doc_id = ? AND annotator_id = ? AND kind = 'quote' ORDER BY start LIMIT 1",
				doc, annID).Scan(&quote); err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			type lbl struct {
				task, unit, value string
				towards           any
			}
			labels := []lbl{{"document_sentiment", annotate.UnitDocument, values[r.IntN(3)], nil}}
			for _, t := range targets {
				labels = append(labels, lbl{"target_sentiment", annotate.TargetUnit(t), values[r.IntN(3)], nil})
			}
			if quote != 0 && len(targets) > 0 {
				labels = append(labels, lbl{"quote_stance", annotate.QuoteUnit(quote), stances[r.IntN(3)], targets[0]})
			}
			status := map[string]any{"doc_id": doc, "annotator_id": annID, "status": annotate.StatusInProgress, "updated_at": "", "seconds": 0.0}
			for k, l := range labels {
				at = at.Add(time.Duration(2+r.IntN(8)) * time.Second)
				stamp := at.Format(time.RFC3339Nano)
				after := map[string]any{"doc_id": doc, "annotator_id": annID, "task": l.task, "unit": l.unit, "value": l.value,
					"towards": l.towards, "schema_version": schemaVersion, "updated_at": stamp}
				if _, err := tx.ExecContext(ctx, `INSERT INTO labels(doc_id, annotator_id, task, unit, value, towards, schema_version, updated_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, doc, annID, l.task, l.unit, l.value, l.towards, schemaVersion, stamp); err != nil {
					return err
				}
				changes := []change{{Table: "labels", Key: map[string]any{"doc_id": doc, "annotator_id": annID, "task": l.task, "unit": l.unit}, After: after}}
				if k == 0 {
					status["updated_at"] = stamp
					changes = append(changes, change{Table: "doc_status", Key: map[string]any{"doc_id": doc, "annotator_id": annID}, After: status})
				}
				if err := event(ctx, tx, annID, doc, stamp, "label "+l.task+" "+l.unit, changes); err != nil {
					return err
				}
			}
			at = at.Add(time.Duration(5+r.IntN(20)) * time.Second)
			stamp := at.Format(time.RFC3339Nano)
			done := map[string]any{"doc_id": doc, "annotator_id": annID, "status": annotate.StatusDone, "updated_at": stamp, "seconds": float64(20 + r.IntN(90))}
			if _, err := tx.ExecContext(ctx, "INSERT INTO doc_status(doc_id, annotator_id, status, updated_at, seconds) VALUES (?, ?, ?, ?, ?)",
				doc, annID, annotate.StatusDone, stamp, done["seconds"]); err != nil {
				return err
			}
			if err := event(ctx, tx, annID, doc, stamp, "status done",
				[]change{{Table: "doc_status", Key: map[string]any{"doc_id": doc, "annotator_id": annID}, Before: status, After: done}}); err != nil {
				return err
			}
		}
	}
	return tx.Commit()
}

// change is one row's change in the event log, as the store writes it.
type change struct {
	Table  string         `json:"t"`
	Key    map[string]any `json:"k"`
	Before map[string]any `json:"b"`
	After  map[string]any `json:"a"`
}

// event appends one action to the event log, as the store's mutate does.
func event(ctx context.Context, tx *sql.Tx, annID, doc int64, at, action string, changes []change) error {
	js, err := json.Marshal(changes)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO events(annotator_id, doc_id, at, action, changes) VALUES (?, ?, ?, ?, ?)",
		annID, doc, at, action, string(js))
	return err
}
