package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strconv"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/review"
	"github.com/slant-annotate/slant/annotate/schema"
)

// docStatFormat is the document stat encoding's version, and unitsFormat
// its units'; a stat of another version is treated as missing (worked out
// again).
const (
	docStatFormat = 5
	unitsFormat   = 1
)

// querier runs queries on the database or inside a transaction.
type querier interface {
	rowQuerier
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// AgreementStats returns what every document that an annotator (gold
// aside) finished adds to the agreement report, with the annotators by
// name: from the stored document stats where they are current, else
// worked out from the layers (without storing them: this may be a
// read-only project). Without spans, the span layers are left out;
// without units, the units' keys and names.
func (db *DB) AgreementStats(ctx context.Context, spans, units bool) ([]review.DocStat, []Annotator, *schema.Schema, error) {
	sch, _, err := db.Schema(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	all, err := db.Annotators(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	var anns []Annotator
	goldID := int64(-1)
	for _, a := range all {
		if a.Name == annotate.GoldAnnotator {
			goldID = a.ID
		} else {
			anns = append(anns, a)
		}
	}
	stored, damaged, err := db.readDocStats(ctx, spans, units)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("agreement: %w", err)
	}
	// A stored stat is always of a finished document (triggers drop it
	// with any change of status), and a finished document without one is
	// stale (migration 10): only those are worked out here.
	missing, err := queryIDs(ctx, db.sql, `SELECT x.doc_id FROM stale_docs x
		WHERE EXISTS (SELECT 1 FROM doc_status s WHERE s.doc_id = x.doc_id AND s.status = 'done' AND s.annotator_id != ?)
		AND NOT EXISTS (SELECT 1 FROM doc_stats d WHERE d.doc_id = x.doc_id) ORDER BY x.doc_id`, goldID)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("agreement: %w", err)
	}
	// A stat that does not decode is worked out again too.
	if len(damaged) > 0 {
		missing = append(missing, damaged...)
		slices.Sort(missing)
		missing = slices.Compact(missing)
	}
	if len(missing) > 0 {
		computed, err := docStats(ctx, db.sql, missing, sch, goldID)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("agreement: %w", err)
		}
		for d, st := range computed {
			stored[d] = st
		}
	}
	docs := make([]int64, 0, len(stored))
	for d, st := range stored {
		if len(st.IDs) > 0 {
			docs = append(docs, d)
		}
	}
	slices.Sort(docs)
	stats := make([]review.DocStat, 0, len(docs))
	for _, d := range docs {
		if st, ok := stored[d]; ok {
			stats = append(stats, st)
		}
	}
	return stats, anns, sch, nil
}

// docStats works out the stats of the given documents (sorted) from their
// layers: each finished layer from its digest, or from its rows.
func docStats(ctx context.Context, q querier, docs []int64, sch *schema.Schema, goldID int64) (map[int64]review.DocStat, error) {
	out := map[int64]review.DocStat{}
	dr := newDigestReader()
	var rowsNeeded []int64
	type docLayers struct {
		ids    []int64
		layers []*annotate.Layer // the annotators', then gold's (or nil)
		runs   []*review.TokenRuns
	}
	byDoc := map[int64]*docLayers{}
	byKey := map[docAnn]*annotate.Layer{}
	for _, doc := range docs {
		ids, err := queryIDs(ctx, q, "SELECT annotator_id FROM doc_status WHERE doc_id = ? AND status = 'done' AND annotator_id != ? ORDER BY annotator_id", doc, goldID)
		if err != nil {
			return nil, err
		}
		if len(ids) == 0 {
			continue
		}
		dl := &docLayers{ids: ids, layers: make([]*annotate.Layer, len(ids)+1), runs: make([]*review.TokenRuns, len(ids)+1)}
		byDoc[doc] = dl
		fromRows := false
		// Gold's layer, where a reviewer decided something (gold then has
		// a status), is the last.
		layerIDs := ids
		var goldStatus int
		if goldID >= 0 {
			if err := q.QueryRowContext(ctx, "SELECT count(*) FROM doc_status WHERE doc_id = ? AND annotator_id = ?", doc, goldID).Scan(&goldStatus); err != nil {
				return nil, err
			}
		}
		if goldStatus > 0 {
			layerIDs = append(append([]int64(nil), ids...), goldID)
		}
		for i, id := range layerIDs {
			l := &annotate.Layer{DocID: doc, AnnotatorID: id, Labels: map[annotate.LabelKey]annotate.LabelValue{}, Status: annotate.StatusDone}
			dl.layers[i] = l
			runs, err := layerDigest(ctx, q, dr, l)
			if err != nil {
				return nil, err
			}
			if dl.runs[i] = runs; runs == nil {
				byKey[docAnn{doc, id}] = l
				fromRows = true
			}
		}
		if fromRows {
			rowsNeeded = append(rowsNeeded, doc)
		}
	}
	if len(rowsNeeded) > 0 {
		if err := loadLayerRows(ctx, q, rowsNeeded, func(doc, ann int64) *annotate.Layer { return byKey[docAnn{doc, ann}] }); err != nil {
			return nil, err
		}
	}
	for _, doc := range docs {
		dl := byDoc[doc]
		if dl == nil {
			continue
		}
		names := make([]string, len(dl.ids))
		for i, id := range dl.ids {
			names[i] = strconv.FormatInt(id, 10)
		}
		// The text names quotes (and tokenises layers read from rows).
		d := review.Doc{ID: doc, Layers: dl.layers, Runs: dl.runs}
		if err := q.QueryRowContext(ctx, "SELECT text FROM documents WHERE id = ?", doc).Scan(&d.Text); err != nil {
			return nil, err
		}
		set := &review.Set{Schema: sch, Annotators: names, Gold: true, Docs: []review.Doc{d}}
		matches := set.Matches()
		out[doc] = set.DocStat(0, matches[0], set.Items(matches), dl.ids)
	}
	return out, nil
}

// writeDocStats works out and stores the stats of docs inside tx.
func (db *DB) writeDocStats(ctx context.Context, tx *sql.Tx, docs []int64) error {
	sch, _, err := db.latestSchema(ctx, tx)
	if err != nil {
		return err
	}
	if sch == nil {
		sch = schema.Default()
	}
	goldID := int64(-1)
	if err := tx.QueryRowContext(ctx, "SELECT id FROM annotators WHERE name = ?", annotate.GoldAnnotator).Scan(&goldID); err != nil && err != sql.ErrNoRows {
		return err
	}
	stats, err := docStats(ctx, tx, docs, sch, goldID)
	if err != nil {
		return err
	}
	keys := make([]int64, 0, len(stats))
	for d := range stats {
		keys = append(keys, d)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	for _, d := range keys {
		if _, err := tx.ExecContext(ctx, "INSERT OR REPLACE INTO doc_stats(doc_id, data) VALUES (?, ?)", d, encodeDocStat(stats[d])); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT OR REPLACE INTO doc_units(doc_id, data) VALUES (?, ?)", d, encodeUnits(stats[d])); err != nil {
			return err
		}
	}
	return nil
}

// refreshDocStats stores the stats of stale documents someone finished
// that have none, a few hundred per transaction.
func (db *DB) refreshDocStats(ctx context.Context) error {
	docs, err := queryIDs(ctx, db.sql, `SELECT x.doc_id FROM stale_docs x
		WHERE EXISTS (SELECT 1 FROM doc_status s WHERE s.doc_id = x.doc_id AND s.status = 'done')
		AND NOT EXISTS (SELECT 1 FROM doc_stats d WHERE d.doc_id = x.doc_id) ORDER BY x.doc_id`)
	if err != nil {
		return err
	}
	const perTx = 200
	for i := 0; i < len(docs); i += perTx {
		tx, err := db.sql.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if err := db.writeDocStats(ctx, tx, docs[i:min(i+perTx, len(docs))]); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// readDocStats decodes every stored document stat (two workers decode
// while SQLite reads on); a stat that does not decode is left out, and its
// document returned among the damaged.
func (db *DB) readDocStats(ctx context.Context, spans, units bool) (stored map[int64]review.DocStat, damaged []int64, err error) {
	type row struct {
		doc         int64
		data, units []byte
	}
	const batch = 256
	work := make(chan []row, 4)
	type result struct {
		stats   map[int64]review.DocStat
		damaged []int64
	}
	results := make(chan result, 2)
	workers := max(1, min(2, runtime.GOMAXPROCS(0)))
	for range workers {
		go func() {
			dec := &statReader{}
			out := result{stats: map[int64]review.DocStat{}}
			for rows := range work {
				for _, r := range rows {
					st, err := dec.decode(r.data, spans)
					if err == nil && units {
						st.Units, err = decodeUnits(&dec.digestReader, r.units, len(st.Items), len(st.IDs))
					}
					if err == nil {
						out.stats[r.doc] = st
					} else {
						out.damaged = append(out.damaged, r.doc)
					}
				}
			}
			results <- out
		}()
	}
	pending := make([]row, 0, batch)
	query := "SELECT doc_id, data, NULL FROM doc_stats"
	if units {
		query = "SELECT s.doc_id, s.data, u.data FROM doc_stats s LEFT JOIN doc_units u ON u.doc_id = s.doc_id"
	}
	err = db.eachRow(ctx, query, func(r *sql.Rows) error {
		var doc int64
		var data, unitData sql.RawBytes
		if err := r.Scan(&doc, &data, &unitData); err != nil {
			return err
		}
		pending = append(pending, row{doc, bytes.Clone(data), bytes.Clone(unitData)})
		if len(pending) == batch {
			work <- pending
			pending = make([]row, 0, batch)
		}
		return nil
	})
	work <- pending
	close(work)
	first := <-results
	stored, damaged = first.stats, first.damaged
	for range workers - 1 {
		more := <-results
		damaged = append(damaged, more.damaged...)
		if len(more.stats) > len(stored) {
			stored, more.stats = more.stats, stored
		}
		for d, st := range more.stats {
			stored[d] = st
		}
	}
	return stored, damaged, err
}

// DocUnits returns the units of document docID's stat, as AgreementStats
// with units would (the review reads them as it shows documents): for the
// stat of the annotators ids with items items, from its stored row, or
// worked out again. ErrStatChanged means the document's stat is no longer
// that one.
func (db *DB) DocUnits(ctx context.Context, docID int64, ids []int64, items int) ([]review.StatUnit, error) {
	var data []byte
	err := db.sql.QueryRowContext(ctx, "SELECT data FROM doc_units WHERE doc_id = ?", docID).Scan(&data)
	if err == nil {
		if units, err := decodeUnits(newDigestReader(), data, items, len(ids)); err == nil {
			return units, nil
		}
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("document %d: %w", docID, err)
	}
	sch, _, err := db.Schema(ctx)
	if err != nil {
		return nil, err
	}
	goldID := int64(-1)
	if gold, err := db.FindAnnotator(ctx, annotate.GoldAnnotator); err == nil {
		goldID = gold.ID
	}
	stats, err := docStats(ctx, db.sql, []int64{docID}, sch, goldID)
	if err != nil {
		return nil, fmt.Errorf("document %d: %w", docID, err)
	}
	st, ok := stats[docID]
	if !ok || !slices.Equal(st.IDs, ids) || len(st.Units) != items {
		return nil, fmt.Errorf("document %d: %w", docID, ErrStatChanged)
	}
	return st.Units, nil
}

// ErrStatChanged is returned when a document changed under a review.
var ErrStatChanged = errors.New("its labels changed since the review opened; open the review again")

// ReviewDoc loads one document as ReviewSet would (done layers of anns,
// in their order, then gold's), for a review that reads documents only
// when it opens them.
func (db *DB) ReviewDoc(ctx context.Context, docID int64, anns []Annotator) (review.Doc, error) {
	doc := review.Doc{ID: docID, Layers: make([]*annotate.Layer, len(anns)+1), Runs: make([]*review.TokenRuns, len(anns)+1)}
	if err := db.sql.QueryRowContext(ctx, "SELECT title, text FROM documents WHERE id = ?", docID).Scan(&doc.Title, &doc.Text); err != nil {
		return doc, fmt.Errorf("document %d: %w", docID, err)
	}
	col := map[int64]int{}
	for i, a := range anns {
		col[a.ID] = i
	}
	gold, err := db.FindAnnotator(ctx, annotate.GoldAnnotator)
	hasGold := err == nil
	if hasGold {
		col[gold.ID] = len(anns)
	}
	rows, err := db.sql.QueryContext(ctx, "SELECT annotator_id, status FROM doc_status WHERE doc_id = ?", docID)
	if err != nil {
		return doc, err
	}
	byAnn := map[int64]*annotate.Layer{}
	for rows.Next() {
		var ann int64
		var status string
		if err := rows.Scan(&ann, &status); err != nil {
			rows.Close()
			return doc, err
		}
		c, ok := col[ann]
		if !ok || (c < len(anns) && status != annotate.StatusDone) {
			continue
		}
		l := &annotate.Layer{DocID: docID, AnnotatorID: ann, Labels: map[annotate.LabelKey]annotate.LabelValue{}, Status: status}
		doc.Layers[c] = l
		byAnn[ann] = l
	}
	rows.Close()
	dr := newDigestReader()
	fromRows := map[docAnn]*annotate.Layer{}
	for ann, l := range byAnn {
		runs, err := layerDigest(ctx, db.sql, dr, l)
		if err != nil {
			return doc, err
		}
		if doc.Runs[col[ann]] = runs; runs == nil {
			fromRows[docAnn{docID, ann}] = l
		}
	}
	if len(fromRows) > 0 {
		if err := loadLayerRows(ctx, db.sql, []int64{docID}, func(d, ann int64) *annotate.Layer { return fromRows[docAnn{d, ann}] }); err != nil {
			return doc, err
		}
	}
	return doc, nil
}

// Title returns a document's title.
func (db *DB) Title(ctx context.Context, id int64) (string, error) {
	var title string
	err := db.sql.QueryRowContext(ctx, "SELECT title FROM documents WHERE id = ?", id).Scan(&title)
	if err != nil {
		return "", fmt.Errorf("document %d: %w", id, err)
	}
	return title, nil
}
