package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/pretag"
)

// SavePretags replaces a document's suggestions with r, in one transaction.
func (db *DB) SavePretags(ctx context.Context, docID int64, r *pretag.Result, took time.Duration) error {
	return db.SavePretagsBatch(ctx, []PretagResult{{DocID: docID, Result: r, Took: took}})
}

// PretagResult is one document's pre-tags, for SavePretagsBatch.
type PretagResult struct {
	DocID  int64
	Result *pretag.Result
	Took   time.Duration
}

// SavePretagsBatch saves several documents' suggestions in one transaction
// (one fsync for many documents when pre-tagging a whole project).
func (db *DB) SavePretagsBatch(ctx context.Context, results []PretagResult) error {
	if err := db.writable(); err != nil {
		return err
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := time.Now().UTC().Format(time.RFC3339)
	insTarget, err := tx.PrepareContext(ctx, `INSERT INTO suggested_targets(doc_id, ord, name, label, aliases) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer insTarget.Close()
	insSpan, err := tx.PrepareContext(ctx, `INSERT INTO suggested_spans
		(doc_id, kind, start, end, label, target_ord, speaker_start, speaker_end, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer insSpan.Close()
	for _, pr := range results {
		id, r := pr.DocID, pr.Result
		for _, q := range []string{"DELETE FROM suggested_spans WHERE doc_id = ?", "DELETE FROM suggested_targets WHERE doc_id = ?"} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO pretag_runs(doc_id, engine, tagged_at, millis) VALUES (?, ?, ?, ?)
			ON CONFLICT(doc_id) DO UPDATE SET engine = excluded.engine, tagged_at = excluded.tagged_at, millis = excluded.millis`,
			id, r.Engine, now, float64(pr.Took.Microseconds())/1000); err != nil {
			return fmt.Errorf("save pre-tags of document %d: %w", id, err)
		}
		for i, t := range r.Targets {
			aliases, _ := json.Marshal(t.Aliases)
			if _, err := insTarget.ExecContext(ctx, id, i, t.Name, t.Label, string(aliases)); err != nil {
				return fmt.Errorf("save pre-tags of document %d: %w", id, err)
			}
		}
		for _, e := range r.Entities {
			if _, err := insSpan.ExecContext(ctx, id, "entity", e.Start, e.End, e.Label, nullableOrd(e.Target), nil, nil, e.Source); err != nil {
				return fmt.Errorf("save pre-tags of document %d: %w", id, err)
			}
		}
		for _, q := range r.Quotes {
			var ss, se any
			if q.Speaker != nil {
				ss, se = q.Speaker.Start, q.Speaker.End
			}
			evidence := ""
			if q.Inherited {
				evidence = "inherited"
			}
			if _, err := insSpan.ExecContext(ctx, id, "quote", q.Start, q.End, "", nullableOrd(q.Target), ss, se, evidence); err != nil {
				return fmt.Errorf("save pre-tags of document %d: %w", id, err)
			}
		}
	}
	return tx.Commit()
}

func nullableOrd(i int) any {
	if i < 0 {
		return nil
	}
	return i
}

// Pretags returns a document's suggestions, with span texts filled in from
// the document's text, or ok=false when it has not been pre-tagged.
func (db *DB) Pretags(ctx context.Context, doc annotate.Document) (r *pretag.Result, ok bool, err error) {
	r = &pretag.Result{Entities: []pretag.Entity{}, Targets: []pretag.Target{}, Quotes: []pretag.Quote{}}
	err = db.sql.QueryRowContext(ctx, "SELECT engine FROM pretag_runs WHERE doc_id = ?", doc.ID).Scan(&r.Engine)
	if err == sql.ErrNoRows {
		return r, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("pre-tags of document %d: %w", doc.ID, err)
	}
	x := annotate.NewOffsetIndex(doc.Text)
	slice := func(s, e int) string {
		n := x.RuneLen()
		if s < 0 || e > n || s > e {
			return ""
		}
		return doc.Text[x.RuneToByte(s):x.RuneToByte(e)]
	}
	rows, err := db.sql.QueryContext(ctx, "SELECT name, label, aliases FROM suggested_targets WHERE doc_id = ? ORDER BY ord", doc.ID)
	if err != nil {
		return nil, false, err
	}
	for rows.Next() {
		var t pretag.Target
		var aliases string
		if err := rows.Scan(&t.Name, &t.Label, &aliases); err != nil {
			rows.Close()
			return nil, false, err
		}
		json.Unmarshal([]byte(aliases), &t.Aliases)
		t.Mentions = [][2]int{}
		r.Targets = append(r.Targets, t)
	}
	rows.Close()
	rows, err = db.sql.QueryContext(ctx, `SELECT kind, start, end, label, target_ord, speaker_start, speaker_end, evidence
		FROM suggested_spans WHERE doc_id = ? ORDER BY start, id`, doc.ID)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var kind, label, evidence string
		var start, end int
		var ord, ss, se sql.NullInt64
		if err := rows.Scan(&kind, &start, &end, &label, &ord, &ss, &se, &evidence); err != nil {
			return nil, false, err
		}
		target := -1
		if ord.Valid && int(ord.Int64) < len(r.Targets) {
			target = int(ord.Int64)
		}
		switch kind {
		case "entity":
			r.Entities = append(r.Entities, pretag.Entity{Start: start, End: end, Label: label, Text: slice(start, end), Target: target, Source: evidence})
			if target >= 0 {
				t := &r.Targets[target]
				t.Mentions = append(t.Mentions, [2]int{start, end})
				t.Entities = append(t.Entities, len(r.Entities)-1)
			}
		case "quote":
			q := pretag.Quote{Start: start, End: end, Text: slice(start, end), Target: target, Inherited: evidence == "inherited"}
			if ss.Valid && se.Valid {
				q.Speaker = &pretag.Span{Start: int(ss.Int64), End: int(se.Int64), Text: slice(int(ss.Int64), int(se.Int64))}
			}
			r.Quotes = append(r.Quotes, q)
		}
	}
	return r, true, rows.Err()
}

// IDsToPretag lists the documents not yet pre-tagged by engine (all
// documents when redo), in id order. It returns ids, not texts, so that the
// caller reads one text at a time while it writes results.
func (db *DB) IDsToPretag(ctx context.Context, engine string, redo bool) ([]int64, error) {
	q := `SELECT d.id FROM documents d LEFT JOIN pretag_runs p ON p.doc_id = d.id
		WHERE p.doc_id IS NULL OR p.engine != ? ORDER BY d.id`
	if redo {
		q = `SELECT id FROM documents WHERE ? IS NOT NULL ORDER BY id`
	}
	ids, err := queryIDs(ctx, db.sql, q, engine)
	if err != nil {
		return nil, fmt.Errorf("documents to pre-tag: %w", err)
	}
	return ids, nil
}

// Text returns a document's text alone.
func (db *DB) Text(ctx context.Context, id int64) (string, error) {
	var text string
	err := db.sql.QueryRowContext(ctx, "SELECT text FROM documents WHERE id = ?", id).Scan(&text)
	if err == sql.ErrNoRows {
		return "", fmt.Errorf("document %d: %w", id, ErrNotFound)
	}
	return text, err
}
