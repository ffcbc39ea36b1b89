package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/pretag"
	"github.com/slant-annotate/slant/store"
)

// teamVersion is the team project generator's version, part of its cache
// key: bump it whenever TeamProject's output changes.
const teamVersion = "v4"

// The team project's size (see TeamProject).
const (
	TeamDocs     = 10000 // documents, every one finished by every annotator
	TeamAgree    = 0.75  // chance an annotator gives a unit's "true" value
	teamMentions = 0.05  // entity mentions per word: about one in twenty words
)

// TeamAnnotators are the team project's annotators.
var TeamAnnotators = []string{"ana", "ben", "cai"}

// TeamProject returns the path of a project of TeamDocs pre-tagged articles
// (200–600 words, a mention every twenty words or so, a quote in one
// sentence of ten) that each of TeamAnnotators has finished: document
// sentiment, every target's sentiment and every quote's stance (towards the
// quote's target), each annotator giving the unit's true value with chance
// TeamAgree and a random one otherwise, and rejecting one suggested mention
// in about one document of five. Each label and status is in the event log,
// and every layer has its digest, as the window leaves them.
// It is built once (a minute or two) and cached under os.TempDir(); open it
// with OpenRW, or copy it to change it.
func TeamProject(tb testing.TB) string {
	tb.Helper()
	key := cacheKey(tb, teamVersion, pretag.Provenance())
	path := filepath.Join(os.TempDir(), fmt.Sprintf("slant-bench-team-%dk-%s.slant", TeamDocs/1000, key))
	return cached(tb, path, fmt.Sprintf("team %d-document project", TeamDocs), func(tmp string, alive func()) {
		buildTeam(tb, tmp, alive)
	})
}

func buildTeam(tb testing.TB, path string, alive func()) {
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
	b, err := db.BeginBatch(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	var prs []store.PretagResult
	for j := range TeamDocs {
		r := rand.New(rand.NewPCG(uint64(j), 11))
		doc, res := LabelledArticle(uint64(j)+1e6, 200+r.IntN(401), teamMentions)
		if err := b.Add(ctx, doc); err != nil {
			b.Rollback()
			tb.Fatal(err)
		}
		prs = append(prs, store.PretagResult{DocID: int64(j + 1), Result: res, Took: 40 * time.Millisecond})
	}
	if err := b.Commit(); err != nil {
		tb.Fatal(err)
	}
	if err := db.SavePretagsBatch(ctx, prs); err != nil {
		tb.Fatal(err)
	}
	alive()
	var annIDs []int64
	for _, name := range TeamAnnotators {
		a, err := db.EnsureAnnotator(ctx, name)
		if err != nil {
			tb.Fatal(err)
		}
		annIDs = append(annIDs, a.ID)
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
	if err := fillTeam(ctx, raw, annIDs, schemaVersion); err != nil {
		tb.Fatal(err)
	}
	alive()
	if err := raw.Close(); err != nil {
		tb.Fatal(err)
	}
	// As the window leaves them: every finished layer has its digest.
	db, err = store.Open(ctx, path, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := db.RefreshDigests(ctx); err != nil {
		tb.Fatal(err)
	}
	alive()
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
	raw, err = sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)")
	if err != nil {
		tb.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{"PRAGMA wal_checkpoint(TRUNCATE)", "ANALYZE"} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			tb.Fatal(err)
		}
	}
}

// fillTeam seeds every annotator's layer of every document and writes
// their labels, statuses and events, in one transaction.
func fillTeam(ctx context.Context, raw *sql.DB, annIDs []int64, schemaVersion int) error {
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	base := time.Date(2025, 5, 5, 9, 0, 0, 0, time.UTC)
	values := []string{"negative", "neutral", "positive"}
	stances := []string{"against", "neutral", "favor"}
	for _, annID := range annIDs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO layer_targets(doc_id, annotator_id, name, label, suggested_ord)
			SELECT doc_id, ?, name, label, ord FROM suggested_targets ORDER BY doc_id, ord`, annID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO layer_spans
			(doc_id, annotator_id, kind, start, end, label, target_id, speaker_start, speaker_end, suggestion_id, decision)
			SELECT s.doc_id, ?, s.kind, s.start, s.end, s.label, lt.id, s.speaker_start, s.speaker_end, s.id, 'pending'
			FROM suggested_spans s LEFT JOIN layer_targets lt
			  ON lt.doc_id = s.doc_id AND lt.annotator_id = ? AND lt.suggested_ord = s.target_ord
			ORDER BY s.doc_id, s.start, s.id`, annID, annID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO layers(doc_id, annotator_id, seeded_at, engine)
			SELECT doc_id, ?, ?, engine FROM pretag_runs`, annID, base.Format(time.RFC3339Nano)); err != nil {
			return err
		}
	}
	type unitRow struct {
		doc, ann, id, target int64
		kind                 string
	}
	load := func(q string) ([]unitRow, error) {
		rows, err := tx.QueryContext(ctx, q)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []unitRow
		for rows.Next() {
			var u unitRow
			if err := rows.Scan(&u.doc, &u.ann, &u.id, &u.target, &u.kind); err != nil {
				return nil, err
			}
			out = append(out, u)
		}
		return out, rows.Err()
	}
	targets, err := load("SELECT doc_id, annotator_id, id, coalesce(suggested_ord, 0), 'target' FROM layer_targets ORDER BY doc_id, annotator_id, id")
	if err != nil {
		return err
	}
	spans, err := load("SELECT doc_id, annotator_id, id, coalesce(target_id, 0), kind FROM layer_spans ORDER BY doc_id, annotator_id, start, id")
	if err != nil {
		return err
	}
	type docAnn struct{ doc, ann int64 }
	targetsOf := map[docAnn][]unitRow{}
	for _, t := range targets {
		k := docAnn{t.doc, t.ann}
		targetsOf[k] = append(targetsOf[k], t)
	}
	spansOf := map[docAnn][]unitRow{}
	for _, s := range spans {
		k := docAnn{s.doc, s.ann}
		spansOf[k] = append(spansOf[k], s)
	}
	for a, annID := range annIDs {
		at := base.Add(time.Duration(a) * time.Hour)
		for doc := int64(1); doc <= TeamDocs; doc++ {
			truth := rand.New(rand.NewPCG(uint64(doc), 0x7ea))
			own := rand.New(rand.NewPCG(uint64(doc), uint64(annID)))
			pick := func(scale []string) string {
				v := scale[truth.IntN(len(scale))]
				if own.Float64() >= TeamAgree {
					v = scale[own.IntN(len(scale))]
				}
				return v
			}
			type lbl struct {
				task, unit, value string
				towards           any
			}
			labels := []lbl{{"document_sentiment", annotate.UnitDocument, pick(values), nil}}
			ts := targetsOf[docAnn{doc, annID}]
			for _, t := range ts {
				labels = append(labels, lbl{"target_sentiment", annotate.TargetUnit(t.id), pick(values), nil})
			}
			ss := spansOf[docAnn{doc, annID}]
			var entities []unitRow
			for _, s := range ss {
				if s.kind == annotate.KindQuote {
					var towards any
					if s.target != 0 {
						towards = s.target
					}
					labels = append(labels, lbl{"quote_stance", annotate.QuoteUnit(s.id), pick(stances), towards})
				} else {
					entities = append(entities, s)
				}
			}
			status := map[string]any{"doc_id": doc, "annotator_id": annID, "status": annotate.StatusInProgress, "updated_at": "", "seconds": 0.0}
			for k, l := range labels {
				at = at.Add(time.Duration(2+own.IntN(8)) * time.Second)
				stamp := at.Format(time.RFC3339Nano)
				if _, err := tx.ExecContext(ctx, `INSERT INTO labels(doc_id, annotator_id, task, unit, value, towards, schema_version, updated_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, doc, annID, l.task, l.unit, l.value, l.towards, schemaVersion, stamp); err != nil {
					return err
				}
				after := map[string]any{"doc_id": doc, "annotator_id": annID, "task": l.task, "unit": l.unit, "value": l.value,
					"towards": l.towards, "schema_version": schemaVersion, "updated_at": stamp}
				changes := []change{{Table: "labels", Key: map[string]any{"doc_id": doc, "annotator_id": annID, "task": l.task, "unit": l.unit}, After: after}}
				if k == 0 {
					status["updated_at"] = stamp
					changes = append(changes, change{Table: "doc_status", Key: map[string]any{"doc_id": doc, "annotator_id": annID}, After: status})
				}
				if err := event(ctx, tx, annID, doc, stamp, "label "+l.task+" "+l.unit, changes); err != nil {
					return err
				}
			}
			if len(entities) > 0 && own.IntN(5) == 0 {
				s := entities[own.IntN(len(entities))]
				if _, err := tx.ExecContext(ctx, "UPDATE layer_spans SET decision = 'rejected' WHERE id = ?", s.id); err != nil {
					return err
				}
			}
			at = at.Add(time.Duration(5+own.IntN(20)) * time.Second)
			stamp := at.Format(time.RFC3339Nano)
			done := map[string]any{"doc_id": doc, "annotator_id": annID, "status": annotate.StatusDone, "updated_at": stamp, "seconds": float64(20 + own.IntN(90))}
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
