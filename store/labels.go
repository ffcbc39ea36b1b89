package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/slant-annotate/slant/annotate"
)

// LabelRecord is one label with what it is about, for listing and export.
type LabelRecord struct {
	DocID         int64  `json:"doc_id"`
	Annotator     string `json:"annotator"`
	Task          string `json:"task"`
	Unit          string `json:"unit"`             // "document", "target" or "quote"
	Target        string `json:"target,omitempty"` // the target's name (target units)
	Start         *int   `json:"start,omitempty"`  // the quote's span, code points (quote units)
	End           *int   `json:"end,omitempty"`
	Value         string `json:"value"`
	Towards       string `json:"towards,omitempty"` // the target a stance is towards
	SchemaVersion int    `json:"schema_version"`
	UpdatedAt     string `json:"updated_at"`
	RemovedTask   bool   `json:"removed_task,omitempty"` // the task is not in the current schema
	// RejectedUnit marks a label of a target or quote the annotator has
	// since rejected (or of a stance towards a rejected target): exports
	// and agreement leave such labels out.
	RejectedUnit bool    `json:"rejected_unit,omitempty"`
	Seconds      float64 `json:"-"`
}

// LabelFilter selects labels; zero fields select all.
type LabelFilter struct {
	DocID       int64
	AnnotatorID int64
}

// EachLabel calls fn for every label the filter selects, in document,
// annotator, task order, with each unit described.
func (db *DB) EachLabel(ctx context.Context, f LabelFilter, fn func(LabelRecord) error) error {
	tasks := map[string]bool{}
	if s, _, err := db.Schema(ctx); err == nil {
		for _, t := range s.Tasks {
			tasks[t.Name] = true
		}
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT l.doc_id, a.name, l.task, l.unit, l.value, coalesce(l.towards, 0),
		l.schema_version, l.updated_at FROM labels l JOIN annotators a ON a.id = l.annotator_id
		WHERE (? = 0 OR l.doc_id = ?) AND (? = 0 OR l.annotator_id = ?)
		ORDER BY l.doc_id, a.name, l.task, l.unit`, f.DocID, f.DocID, f.AnnotatorID, f.AnnotatorID)
	if err != nil {
		return fmt.Errorf("labels: %w", err)
	}
	var recs []LabelRecord
	var towards []int64
	for rows.Next() {
		var r LabelRecord
		var tw int64
		if err := rows.Scan(&r.DocID, &r.Annotator, &r.Task, &r.Unit, &r.Value, &tw, &r.SchemaVersion, &r.UpdatedAt); err != nil {
			rows.Close()
			return err
		}
		recs = append(recs, r)
		towards = append(towards, tw)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// Describe units after the cursor is closed: the project has one
	// connection for writing, and these reads need it too.
	for i := range recs {
		r := &recs[i]
		r.RemovedTask = len(tasks) > 0 && !tasks[r.Task]
		scope, id, _ := annotate.ParseUnit(r.Unit)
		r.Unit = scope
		switch scope {
		case "target":
			var deleted bool
			db.sql.QueryRowContext(ctx, "SELECT name, deleted FROM layer_targets WHERE id = ?", id).Scan(&r.Target, &deleted)
			r.RejectedUnit = deleted
		case "quote":
			var s, e int
			var decision string
			if err := db.sql.QueryRowContext(ctx, "SELECT start, end, decision FROM layer_spans WHERE id = ?", id).Scan(&s, &e, &decision); err == nil {
				r.Start, r.End = &s, &e
				r.RejectedUnit = decision == string(annotate.Rejected)
			} else if err != sql.ErrNoRows {
				return err
			}
		}
		if towards[i] != 0 {
			var deleted bool
			db.sql.QueryRowContext(ctx, "SELECT name, deleted FROM layer_targets WHERE id = ?", towards[i]).Scan(&r.Towards, &deleted)
			r.RejectedUnit = r.RejectedUnit || deleted
		}
		if err := fn(*r); err != nil {
			return err
		}
	}
	return nil
}
