package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// tableDef describes a table that the event log can change: its columns
// and which of them form the key.
type tableDef struct {
	cols []string
	key  []string
}

var tables = map[string]tableDef{
	"labels": {
		cols: []string{"doc_id", "annotator_id", "task", "unit", "value", "towards", "schema_version", "updated_at"},
		key:  []string{"doc_id", "annotator_id", "task", "unit"},
	},
	"doc_status": {
		cols: []string{"doc_id", "annotator_id", "status", "updated_at", "seconds"},
		key:  []string{"doc_id", "annotator_id"},
	},
	"layer_spans": {
		cols: []string{"id", "doc_id", "annotator_id", "kind", "start", "end", "label", "target_id",
			"speaker_start", "speaker_end", "suggestion_id", "decision", "cue_start", "cue_end", "fragments"},
		key: []string{"id"},
	},
	"layer_targets": {
		cols: []string{"id", "doc_id", "annotator_id", "name", "label", "suggested_ord", "deleted"},
		key:  []string{"id"},
	},
}

// row is one table row by column name; nil means "no row".
type row map[string]any

// change is one row's state before and after an action.
type change struct {
	Table  string `json:"t"`
	Key    row    `json:"k"`
	Before row    `json:"b"`
	After  row    `json:"a"`
}

// recorder applies row changes inside a transaction and remembers them for
// the event log.
type recorder struct {
	ctx     context.Context
	tx      *sql.Tx
	changes []change
	// stmts, when set, keeps the statements it prepares for the rest of
	// the transaction: an import writes thousands of rows of a few shapes.
	stmts map[string]*sql.Stmt
	// lateCopy leaves the change in the write-ahead log, committed, for
	// the next label's commit to copy into the project file: set by
	// writes too large to copy within a keypress's budget.
	lateCopy bool
}

// exec runs query in the transaction, through a statement kept in
// rec.stmts when there is one.
func (rec *recorder) exec(query string, args ...any) (sql.Result, error) {
	if rec.stmts == nil {
		return rec.tx.ExecContext(rec.ctx, query, args...)
	}
	st, ok := rec.stmts[query]
	if !ok {
		var err error
		if st, err = rec.tx.PrepareContext(rec.ctx, query); err != nil {
			return nil, err
		}
		rec.stmts[query] = st
	}
	return st.ExecContext(rec.ctx, args...)
}

func keyOf(def tableDef, r row) row {
	k := row{}
	for _, c := range def.key {
		k[c] = r[c]
	}
	return k
}

func (rec *recorder) read(table string, key row) (row, error) {
	def := tables[table]
	where, args := whereKey(def, key)
	q := fmt.Sprintf("SELECT %s FROM %s WHERE %s", quoteCols(def.cols), table, where)
	vals := make([]any, len(def.cols))
	ptrs := make([]any, len(def.cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	err := rec.tx.QueryRowContext(rec.ctx, q, args...).Scan(ptrs...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	r := row{}
	for i, c := range def.cols {
		r[c] = vals[i]
	}
	return r, nil
}

// put writes a whole row (replacing the one with the same key) and records
// the change.
func (rec *recorder) put(table string, after row) error {
	def := tables[table]
	key := keyOf(def, after)
	before, err := rec.read(table, key)
	if err != nil {
		return err
	}
	if err := writeRow(rec.ctx, rec.tx, table, key, after); err != nil {
		return err
	}
	rec.changes = append(rec.changes, change{Table: table, Key: key, Before: before, After: after})
	return nil
}

// create writes a row known to be new (an imported layer's), recording
// the change without reading first.
func (rec *recorder) create(table string, after row) error {
	def := tables[table]
	key := keyOf(def, after)
	args := make([]any, len(def.cols))
	for i, c := range def.cols {
		args[i] = after[c]
	}
	if _, err := rec.exec(fmt.Sprintf("INSERT INTO %s(%s) VALUES (%s)", table, quoteCols(def.cols),
		strings.TrimSuffix(strings.Repeat("?, ", len(def.cols)), ", ")), args...); err != nil {
		return err
	}
	rec.changes = append(rec.changes, change{Table: table, Key: key, After: after})
	return nil
}

// insert adds a row with a new id (tables keyed by id) and returns the id.
func (rec *recorder) insert(table string, r row) (int64, error) {
	def := tables[table]
	var cols []string
	var args []any
	for _, c := range def.cols {
		if c == "id" {
			continue
		}
		cols = append(cols, c)
		args = append(args, r[c])
	}
	res, err := rec.exec(fmt.Sprintf("INSERT INTO %s(%s) VALUES (%s)", table, quoteCols(cols),
		strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")), args...)
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	after := row{"id": id}
	for i, c := range cols {
		after[c] = args[i]
	}
	rec.changes = append(rec.changes, change{Table: table, Key: row{"id": id}, After: after})
	return id, nil
}

// update changes some columns of an existing row.
func (rec *recorder) update(table string, key row, set row) error {
	before, err := rec.read(table, key)
	if err != nil {
		return err
	}
	if before == nil {
		return fmt.Errorf("%s %v: %w", table, key, ErrNotFound)
	}
	after := row{}
	for c, v := range before {
		after[c] = v
	}
	for c, v := range set {
		after[c] = v
	}
	return rec.put(table, after)
}

// remove deletes a row and records it.
func (rec *recorder) remove(table string, key row) error {
	before, err := rec.read(table, key)
	if err != nil || before == nil {
		return err
	}
	if err := writeRow(rec.ctx, rec.tx, table, key, nil); err != nil {
		return err
	}
	rec.changes = append(rec.changes, change{Table: table, Key: key, Before: before})
	return nil
}

// writeRow makes the row with key equal r, or deletes it when r is nil.
func writeRow(ctx context.Context, tx *sql.Tx, table string, key row, r row) error {
	def, ok := tables[table]
	if !ok {
		return fmt.Errorf("event log: unknown table %q", table)
	}
	if r == nil {
		where, args := whereKey(def, key)
		_, err := tx.ExecContext(ctx, fmt.Sprintf("DELETE FROM %s WHERE %s", table, where), args...)
		return err
	}
	args := make([]any, len(def.cols))
	for i, c := range def.cols {
		args[i] = r[c]
	}
	_, err := tx.ExecContext(ctx, fmt.Sprintf("INSERT OR REPLACE INTO %s(%s) VALUES (%s)", table, quoteCols(def.cols),
		strings.TrimSuffix(strings.Repeat("?, ", len(def.cols)), ", ")), args...)
	return err
}

func whereKey(def tableDef, key row) (string, []any) {
	parts := make([]string, len(def.key))
	args := make([]any, len(def.key))
	for i, c := range def.key {
		parts[i] = `"` + c + `" = ?`
		args[i] = key[c]
	}
	return strings.Join(parts, " AND "), args
}

func quoteCols(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = `"` + c + `"`
	}
	return strings.Join(q, ", ")
}

// Event is one logged action.
type Event struct {
	ID          int64
	AnnotatorID int64
	DocID       int64
	At          time.Time
	Action      string
}

// mutate runs fn in one transaction, appends the changes it made to the
// event log as one action, and clears the redo stack: the action is
// committed to disk (synchronous=FULL) before mutate returns.
func (db *DB) mutate(ctx context.Context, annID, docID int64, action string, fn func(rec *recorder) error) (Event, error) {
	return db.mutateBy(ctx, annID, 0, docID, action, fn)
}

// mutateBy is mutate for an action that byID takes on annID's layer (a
// reviewer deciding gold); byID 0 is annID themselves.
func (db *DB) mutateBy(ctx context.Context, annID, byID, docID int64, action string, fn func(rec *recorder) error) (Event, error) {
	if err := db.writable(); err != nil {
		return Event{}, err
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return Event{}, err
	}
	defer tx.Rollback()
	rec := &recorder{ctx: ctx, tx: tx}
	if err := fn(rec); err != nil {
		return Event{}, err
	}
	ev := Event{AnnotatorID: annID, DocID: docID, At: time.Now().UTC(), Action: action}
	if len(rec.changes) == 0 {
		return ev, tx.Commit()
	}
	if ev.ID, err = appendEvent(ctx, tx, ev, byID, rec.changes); err != nil {
		return Event{}, err
	}
	if rec.lateCopy {
		return ev, tx.Commit()
	}
	return ev, db.commitToFile(ctx, tx)
}

// commitToFile commits tx and copies it from the write-ahead log into the
// project file itself (a passive checkpoint of the little just written),
// so that a copy of the .slant file alone, taken at any moment after (a
// backup, a sync, an e-mail, even after kill -9), holds every label the
// screen showed as saved. The commit is durable either way; a checkpoint
// a reader holds up finishes with a later one.
func (db *DB) commitToFile(ctx context.Context, tx *sql.Tx) error {
	if err := tx.Commit(); err != nil {
		return err
	}
	db.sql.ExecContext(context.WithoutCancel(ctx), "PRAGMA wal_checkpoint(PASSIVE)")
	return nil
}

// appendEvent logs one action inside tx and clears the annotator's redo
// stack (events a merge brought in are history and stay as they are); it
// returns the event's id. byID is who acted for a reserved annotator, or 0.
func appendEvent(ctx context.Context, tx *sql.Tx, ev Event, byID int64, changes []change) (int64, error) {
	return (&recorder{ctx: ctx, tx: tx, changes: changes}).appendEvent(ev, byID)
}

// appendEvent is appendEvent of the recorded changes, through the
// recorder's kept statements.
func (rec *recorder) appendEvent(ev Event, byID int64) (int64, error) {
	if _, err := rec.exec("UPDATE events SET undone = 2 WHERE annotator_id = ? AND undone = 1 AND merged_in IS NULL AND replaced_in IS NULL",
		ev.AnnotatorID); err != nil {
		return 0, err
	}
	js, err := json.Marshal(rec.changes)
	if err != nil {
		return 0, err
	}
	var by any
	if byID != 0 {
		by = byID
	}
	res, err := rec.exec("INSERT INTO events(annotator_id, doc_id, at, action, changes, by_annotator) VALUES (?, ?, ?, ?, ?, ?)",
		ev.AnnotatorID, ev.DocID, ev.At.Format(time.RFC3339Nano), ev.Action, string(js), by)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// Undo reverts the annotator's latest action that is not undone, in
// whichever document it was, and returns it; ok is false when there is
// nothing to undo.
func (db *DB) Undo(ctx context.Context, annID int64) (ev Event, ok bool, err error) {
	return db.replay(ctx, annID, true)
}

// Redo re-applies the action undone last; ok is false when there is none.
func (db *DB) Redo(ctx context.Context, annID int64) (ev Event, ok bool, err error) {
	return db.replay(ctx, annID, false)
}

func (db *DB) replay(ctx context.Context, annID int64, undo bool) (Event, bool, error) {
	if err := db.writable(); err != nil {
		return Event{}, false, err
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return Event{}, false, err
	}
	defer tx.Rollback()
	// Events a merge brought in, or whose layer a merge replaced, are
	// history only (see merge.go): never undone or redone.
	q := "SELECT id, doc_id, at, action, changes FROM events WHERE annotator_id = ? AND undone = 0 AND merged_in IS NULL AND replaced_in IS NULL ORDER BY id DESC LIMIT 1"
	if !undo {
		q = "SELECT id, doc_id, at, action, changes FROM events WHERE annotator_id = ? AND undone = 1 AND merged_in IS NULL AND replaced_in IS NULL ORDER BY id ASC LIMIT 1"
	}
	ev := Event{AnnotatorID: annID}
	var at, raw string
	err = tx.QueryRowContext(ctx, q, annID).Scan(&ev.ID, &ev.DocID, &at, &ev.Action, &raw)
	if errors.Is(err, sql.ErrNoRows) {
		return ev, false, nil
	}
	if err != nil {
		return ev, false, err
	}
	ev.At, _ = time.Parse(time.RFC3339Nano, at)
	var changes []change
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&changes); err != nil {
		return ev, false, fmt.Errorf("event %d: %w", ev.ID, err)
	}
	if undo {
		for i := len(changes) - 1; i >= 0; i-- {
			c := changes[i]
			if err := writeRow(ctx, tx, c.Table, numbers(c.Key), numbers(c.Before)); err != nil {
				return ev, false, fmt.Errorf("undo event %d: %w", ev.ID, err)
			}
		}
	} else {
		for _, c := range changes {
			if err := writeRow(ctx, tx, c.Table, numbers(c.Key), numbers(c.After)); err != nil {
				return ev, false, fmt.Errorf("redo event %d: %w", ev.ID, err)
			}
		}
	}
	state := 1
	if !undo {
		state = 0
	}
	if _, err := tx.ExecContext(ctx, "UPDATE events SET undone = ? WHERE id = ?", state, ev.ID); err != nil {
		return ev, false, err
	}
	return ev, true, db.commitToFile(ctx, tx)
}

// numbers turns JSON numbers back into int64 or float64 for SQLite.
func numbers(r row) row {
	if r == nil {
		return nil
	}
	out := row{}
	for k, v := range r {
		if n, ok := v.(json.Number); ok {
			if i, err := n.Int64(); err == nil {
				out[k] = i
			} else if f, err := n.Float64(); err == nil {
				out[k] = f
			}
			continue
		}
		out[k] = v
	}
	return out
}

// EventCount counts an annotator's logged actions (undone ones included).
func (db *DB) EventCount(ctx context.Context, annID int64) (int, error) {
	var n int
	err := db.sql.QueryRowContext(ctx, "SELECT count(*) FROM events WHERE annotator_id = ?", annID).Scan(&n)
	return n, err
}
