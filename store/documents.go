package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slant-annotate/slant/annotate"
)

// DocSummary is what a list shows of a document, without its text.
type DocSummary struct {
	ID     int64  `json:"id"`
	Title  string `json:"title"`
	Words  int    `json:"words"`
	Status string `json:"status"`
	Source string `json:"source"`
	// Annotators maps each annotator who has worked on the document to
	// their status, when the query asked for everyone's (Annotator 0).
	Annotators map[string]string `json:"annotators,omitempty"`
}

// overallStatus sums up several annotators' statuses: done when everyone
// who started finished it, skipped when everyone skipped it, else in
// progress.
func overallStatus(byAnnotator map[string]string) string {
	if len(byAnnotator) == 0 {
		return StatusToDo
	}
	done, skipped := 0, 0
	for _, s := range byAnnotator {
		switch s {
		case annotate.StatusDone:
			done++
		case annotate.StatusSkipped:
			skipped++
		}
	}
	switch {
	case skipped == len(byAnnotator):
		return annotate.StatusSkipped
	case done+skipped == len(byAnnotator) && done > 0:
		return annotate.StatusDone
	}
	return annotate.StatusInProgress
}

// StatusToDo is the status of a document nobody has worked on yet.
const StatusToDo = annotate.StatusToDo

// Batch adds documents inside one transaction: either all of them are added
// or, after Rollback or a crash, none.
type Batch struct {
	tx         *sql.Tx
	insert     *sql.Stmt
	now        string
	lastID     int64                // the highest document id before the batch
	Added      int                  // documents new to the project
	Duplicates int                  // documents the project (or this batch) already held
	annotators map[string]int64     // ids of the annotators whose layers it added (AddLayer)
	stmts      map[string]*sql.Stmt // AddLayer's, for the rest of the batch
	marked     [2]int               // Added and Duplicates at Mark
}

// BeginBatch starts adding documents; call Commit or Rollback.
func (db *DB) BeginBatch(ctx context.Context) (*Batch, error) {
	if err := db.writable(); err != nil {
		return nil, err
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	var lastID int64
	if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM documents").Scan(&lastID); err != nil {
		tx.Rollback()
		return nil, err
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO documents
		(sha256, title, words, chars, external_id, source, format, url, imported_at, meta, text)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(sha256) DO NOTHING`)
	if err != nil {
		tx.Rollback()
		return nil, err
	}
	return &Batch{tx: tx, insert: stmt, now: time.Now().UTC().Format(time.RFC3339), lastID: lastID}, nil
}

// Add adds one document unless a document with the same text is already in
// the project.
func (b *Batch) Add(ctx context.Context, d annotate.Document) error {
	meta := "{}"
	if len(d.Meta) > 0 {
		m, err := json.Marshal(d.Meta)
		if err != nil {
			return fmt.Errorf("metadata: %w", err)
		}
		meta = string(m)
	}
	title := annotate.CleanTitle(d.Title)
	if title == "" {
		title = annotate.CleanTitle(fallbackTitle(d.Text))
	}
	res, err := b.insert.ExecContext(ctx, d.SHA256(), title, annotate.Words(d.Text),
		utf8.RuneCountInString(d.Text), d.ExternalID, d.Source, sourceFormat(d.Source), d.URL, b.now, meta, d.Text)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		b.Added++
	} else {
		b.Duplicates++
	}
	return nil
}

// Commit indexes the batch's documents for full-text search, in one go,
// and makes them part of the project.
func (b *Batch) Commit() error {
	b.insert.Close()
	if b.Added > 0 {
		if _, err := b.tx.Exec(`INSERT INTO documents_fts(rowid, title, text)
			SELECT id, title, text FROM documents WHERE id > ?`, b.lastID); err != nil {
			b.tx.Rollback()
			return fmt.Errorf("index the new documents: %w", err)
		}
	}
	return b.tx.Commit()
}

// Mark starts a part of the batch (an SQLite savepoint) that Drop takes
// back on its own, leaving the rest: one file of many.
func (b *Batch) Mark(ctx context.Context) error {
	b.marked = [2]int{b.Added, b.Duplicates}
	_, err := b.tx.ExecContext(ctx, "SAVEPOINT part")
	return err
}

// Keep ends the part Mark started, keeping it.
func (b *Batch) Keep(ctx context.Context) error {
	_, err := b.tx.ExecContext(ctx, "RELEASE part")
	return err
}

// Drop takes back everything since Mark.
func (b *Batch) Drop(ctx context.Context) error {
	if _, err := b.tx.ExecContext(ctx, "ROLLBACK TO part"); err != nil {
		return err
	}
	b.Added, b.Duplicates = b.marked[0], b.marked[1]
	b.annotators = nil // any added since were taken back too
	_, err := b.tx.ExecContext(ctx, "RELEASE part")
	return err
}

// Rollback discards the batch.
func (b *Batch) Rollback() error {
	b.insert.Close()
	return b.tx.Rollback()
}

// fallbackTitle makes a title from the text's first words, for documents
// whose source gave none.
func fallbackTitle(text string) string {
	words := strings.Fields(text)
	if len(words) > 10 {
		return strings.Join(words[:10], " ") + "…"
	}
	if len(words) == 0 {
		return "(untitled)"
	}
	return strings.Join(words, " ")
}

// sourceFormat names the kind of file a document came from ("csv" for
// "persent/dev.csv:12"), for statistics.
func sourceFormat(source string) string {
	if source == SampleSource {
		return "sample"
	}
	source = strings.TrimRight(source, "0123456789")
	source = strings.TrimSuffix(source, ":")
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(source), "."))
	if ext == "htm" {
		ext = "html"
	}
	return ext
}

// ftsQuery turns what a user typed into an FTS5 query: every word must
// occur, the last one as a prefix (so the list narrows as they type).
// Quoting each word keeps FTS5 syntax characters literal.
func ftsQuery(filter string) string {
	var terms []string
	for _, w := range strings.FieldsFunc(filter, func(r rune) bool {
		return !(r == '_' || r == '\'' || r == '’' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r > 0x7f)
	}) {
		terms = append(terms, `"`+strings.ReplaceAll(w, `"`, `""`)+`"`)
	}
	if len(terms) == 0 {
		return ""
	}
	// The last word is a prefix while it is being typed. A first letter
	// alone does not filter yet: every word starting with it would match
	// (slowly), and a whole-word match would empty the list mid-word.
	if last := filter[len(filter)-1]; last != ' ' {
		if utf8.RuneCountInString(terms[len(terms)-1]) <= 3 { // one letter and its quotes
			terms = terms[:len(terms)-1]
		} else {
			terms[len(terms)-1] += "*"
		}
	}
	if len(terms) == 0 {
		return ""
	}
	return strings.Join(terms, " ")
}

// DocQuery selects documents for a list. Zero fields select everything.
type DocQuery struct {
	Filter    string // words in the title or text (the last one a prefix)
	Annotator int64  // whose status to show and filter by; 0: nobody's
	Status    string // with Annotator: "to do", "in progress", "done" or "skipped"
	Target    string // a target's name (or part of it) among the suggestions or the annotator's own
}

// where builds the FROM and WHERE clauses of q.
func (q DocQuery) where() (string, []any) {
	from := " FROM documents d"
	var conds []string
	var args []any
	if q.Annotator != 0 {
		from += " LEFT JOIN doc_status s ON s.doc_id = d.id AND s.annotator_id = ?"
		args = append(args, q.Annotator)
	}
	if f := ftsQuery(q.Filter); f != "" {
		conds = append(conds, "d.id IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)")
		args = append(args, f)
	}
	if q.Annotator != 0 && q.Status != "" {
		if q.Status == StatusToDo {
			conds = append(conds, "s.status IS NULL")
		} else {
			conds = append(conds, "s.status = ?")
			args = append(args, q.Status)
		}
	}
	if t := strings.TrimSpace(q.Target); t != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(t) + "%"
		cond := `(d.id IN (SELECT doc_id FROM suggested_targets WHERE name LIKE ? ESCAPE '\')`
		args = append(args, like)
		if q.Annotator != 0 {
			cond += ` OR d.id IN (SELECT doc_id FROM layer_targets WHERE annotator_id = ? AND deleted = 0 AND name LIKE ? ESCAPE '\')`
			args = append(args, q.Annotator, like)
		}
		conds = append(conds, cond+")")
	}
	if len(conds) > 0 {
		from += " WHERE " + strings.Join(conds, " AND ")
	}
	return from, args
}

// CountDocuments counts the documents that match filter (all when empty).
func (db *DB) CountDocuments(ctx context.Context, filter string) (int, error) {
	return db.CountDocs(ctx, DocQuery{Filter: filter})
}

// forCount drops what cannot change which documents q selects: the
// annotator's status join, when no status is asked for (doc_status has one
// row per document and annotator at most).
func (q DocQuery) forCount() DocQuery {
	if q.Status == "" && q.Target == "" {
		q.Annotator = 0
	}
	return q
}

// CountDocs counts the documents q selects.
func (db *DB) CountDocs(ctx context.Context, q DocQuery) (int, error) {
	q = q.forCount()
	var n int
	var err error
	if q.Annotator == 0 && q.Target == "" && ftsQuery(q.Filter) == "" {
		err = db.sql.QueryRowContext(ctx, "SELECT count(*) FROM documents").Scan(&n)
	} else if q.Annotator == 0 && q.Target == "" {
		err = db.sql.QueryRowContext(ctx, "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ?", ftsQuery(q.Filter)).Scan(&n)
	} else {
		from, args := q.where()
		err = db.sql.QueryRowContext(ctx, "SELECT count(*)"+from, args...).Scan(&n)
	}
	if err != nil {
		return 0, fmt.Errorf("count documents: %w", err)
	}
	return n, nil
}

// ListDocuments returns up to limit documents matching filter, in import
// order, starting at offset. It reads no document text.
func (db *DB) ListDocuments(ctx context.Context, filter string, offset, limit int) ([]DocSummary, error) {
	return db.ListDocs(ctx, DocQuery{Filter: filter}, offset, limit)
}

// ListDocs returns up to limit documents that q selects, in import order,
// starting at offset, with their status for q.Annotator.
func (db *DB) ListDocs(ctx context.Context, q DocQuery, offset, limit int) ([]DocSummary, error) {
	out := make([]DocSummary, 0, min(max(limit, 0), 256))
	err := db.eachDocument(ctx, q, offset, limit, func(d DocSummary) error {
		out = append(out, d)
		return nil
	})
	return out, err
}

// EachDocument calls fn for every document matching filter, in import order,
// streaming: fn sees the first document before the rest are read.
func (db *DB) EachDocument(ctx context.Context, filter string, fn func(DocSummary) error) error {
	return db.eachDocument(ctx, DocQuery{Filter: filter}, 0, -1, fn)
}

// EachDoc is EachDocument for a DocQuery.
func (db *DB) EachDoc(ctx context.Context, q DocQuery, fn func(DocSummary) error) error {
	return db.eachDocument(ctx, q, 0, -1, fn)
}

func (db *DB) eachDocument(ctx context.Context, q DocQuery, offset, limit int, fn func(DocSummary) error) error {
	from, args := q.where()
	// Without an annotator, every annotator's status, one "name\tstatus"
	// per line (an index lookup per row, so listing still streams).
	status := `(SELECT group_concat(a.name || char(9) || x.status, char(10)) FROM doc_status x
		JOIN annotators a ON a.id = x.annotator_id WHERE x.doc_id = d.id)`
	if q.Annotator != 0 {
		status = "s.status"
	}
	rows, err := db.sql.QueryContext(ctx, "SELECT d.id, d.title, d.words, d.source, "+status+from+
		" ORDER BY d.id LIMIT ? OFFSET ?", append(args, limit, offset)...)
	if err != nil {
		return fmt.Errorf("list documents: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		d := DocSummary{}
		var st sql.NullString
		if err := rows.Scan(&d.ID, &d.Title, &d.Words, &d.Source, &st); err != nil {
			return fmt.Errorf("list documents: %w", err)
		}
		d.Status = StatusToDo
		switch {
		case q.Annotator != 0 && st.Valid:
			d.Status = st.String
		case st.Valid:
			d.Annotators = map[string]string{}
			for _, line := range strings.Split(st.String, "\n") {
				if name, status, ok := strings.Cut(line, "\t"); ok {
					d.Annotators[name] = status
				}
			}
			d.Status = overallStatus(d.Annotators)
		}
		if err := fn(d); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list documents: %w", err)
	}
	return nil
}

// DocIndex returns the position of document id in the list q selects.
func (db *DB) DocIndex(ctx context.Context, q DocQuery, id int64) (int, bool, error) {
	from, args := q.forCount().where()
	// Count through the small id index: the table's rows hold whole articles.
	from = strings.Replace(from, " FROM documents d", " FROM documents d INDEXED BY documents_id", 1)
	cond := " AND "
	if !strings.Contains(from, " WHERE ") {
		cond = " WHERE "
	}
	var n, found int
	err := db.sql.QueryRowContext(ctx, "SELECT count(*), coalesce(sum(d.id = ?), 0)"+from+cond+"d.id <= ?",
		append([]any{id}, append(args, id)...)...).Scan(&n, &found)
	if err != nil || found == 0 {
		return 0, false, err
	}
	return n - 1, true, nil
}

// NextToDo returns the first document after afterID (wrapping around) that
// the annotator has not finished or skipped; ok is false when none is left.
func (db *DB) NextToDo(ctx context.Context, annID, afterID int64) (id int64, ok bool, err error) {
	const q = `SELECT d.id FROM documents d INDEXED BY documents_id LEFT JOIN doc_status s ON s.doc_id = d.id AND s.annotator_id = ?
		WHERE (s.status IS NULL OR s.status = 'in progress') AND d.id %s ? ORDER BY d.id LIMIT 1`
	for _, op := range []string{">", "<="} {
		err = db.sql.QueryRowContext(ctx, fmt.Sprintf(q, op), annID, afterID).Scan(&id)
		if err == nil {
			return id, true, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, false, err
		}
	}
	return 0, false, nil
}

// Progress counts the documents an annotator has finished (done or
// skipped) out of all.
func (db *DB) Progress(ctx context.Context, annID int64) (finished, total int, err error) {
	if err = db.sql.QueryRowContext(ctx, "SELECT count(*) FROM documents").Scan(&total); err != nil {
		return
	}
	err = db.sql.QueryRowContext(ctx, `SELECT count(*) FROM doc_status WHERE annotator_id = ? AND status IN ('done', 'skipped')`, annID).Scan(&finished)
	return
}

// ProgressParts counts an annotator's documents done and skipped, of all:
// what the progress bar shows (a skipped document is not work done).
func (db *DB) ProgressParts(ctx context.Context, annID int64) (done, skipped, total int, err error) {
	if err = db.sql.QueryRowContext(ctx, "SELECT count(*) FROM documents").Scan(&total); err != nil {
		return
	}
	err = db.sql.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE status = 'done'), count(*) FILTER (WHERE status = 'skipped')
		FROM doc_status WHERE annotator_id = ?`, annID).Scan(&done, &skipped)
	return
}

// Document returns one document with its text.
func (db *DB) Document(ctx context.Context, id int64) (annotate.Document, error) {
	var d annotate.Document
	var meta string
	err := db.sql.QueryRowContext(ctx, `SELECT id, title, external_id, source, url, meta, text
		FROM documents WHERE id = ?`, id).Scan(&d.ID, &d.Title, &d.ExternalID, &d.Source, &d.URL, &meta, &d.Text)
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("document %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("document %d: %w", id, err)
	}
	if meta != "" && meta != "{}" {
		if err := json.Unmarshal([]byte(meta), &d.Meta); err != nil {
			return d, fmt.Errorf("document %d: metadata: %w", id, err)
		}
	}
	return d, nil
}

// Stats summarises a project.
type Stats struct {
	Documents int            `json:"documents"`
	Pretagged int            `json:"pretagged"`
	Words     int64          `json:"words"`
	Chars     int64          `json:"chars"`
	Formats   map[string]int `json:"formats"` // documents per kind of file imported from
	Created   string         `json:"created"`
	Schema    int            `json:"schema_version"`
	Path      string         `json:"path"`
	SizeBytes int64          `json:"size_bytes"`
}

// Stats counts what the project holds.
func (db *DB) Stats(ctx context.Context) (Stats, error) {
	s := Stats{Formats: map[string]int{}, Path: db.path}
	err := db.sql.QueryRowContext(ctx, "SELECT count(*), coalesce(sum(words),0), coalesce(sum(chars),0) FROM documents").
		Scan(&s.Documents, &s.Words, &s.Chars)
	if err != nil {
		return s, fmt.Errorf("stats: %w", err)
	}
	rows, err := db.sql.QueryContext(ctx, "SELECT format, count(*) FROM documents GROUP BY format")
	if err != nil {
		return s, fmt.Errorf("stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return s, err
		}
		if k == "" {
			k = "other"
		}
		s.Formats[k] += n
	}
	db.sql.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = 'created_at'").Scan(&s.Created)
	db.sql.QueryRowContext(ctx, "SELECT count(*) FROM pretag_runs").Scan(&s.Pretagged)
	s.Schema, _ = db.SchemaVersion(ctx)
	var pages, pageSize int64
	db.sql.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages)
	db.sql.QueryRowContext(ctx, "PRAGMA page_size").Scan(&pageSize)
	s.SizeBytes = pages * pageSize
	return s, rows.Err()
}

// SampleSource is the source recorded for the bundled sample article.
const SampleSource = "sample:us-india-ecommerce.txt"
