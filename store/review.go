package store

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"sort"
	"strings"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/review"
)

// ReviewOptions choose whose work is compared.
type ReviewOptions struct {
	// Annotators limits the comparison to these names (nil: everyone but
	// gold).
	Annotators []string
	// IncludeInProgress counts documents an annotator has started but not
	// marked done. Skipped documents never count.
	IncludeInProgress bool
	// Text loads each document's text (for token alpha and quote names).
	Text bool
}

// ReviewSet loads what agreement and review compare: the schema, the
// annotators (sorted by name; gold apart), and for every document that at
// least one of them counts on, each one's layer and gold's. A layer is read
// from its digest (one row; see RefreshDigests), else from its rows; it
// never seeds a layer.
func (db *DB) ReviewSet(ctx context.Context, o ReviewOptions) (*review.Set, []Annotator, error) {
	sch, _, err := db.Schema(ctx)
	if err != nil {
		return nil, nil, err
	}
	all, err := db.Annotators(ctx)
	if err != nil {
		return nil, nil, err
	}
	var anns []Annotator
	var gold *Annotator
	for i, a := range all {
		if a.Name == annotate.GoldAnnotator {
			gold = &all[i]
			continue
		}
		anns = append(anns, a)
	}
	if o.Annotators != nil {
		byName := map[string]Annotator{}
		for _, a := range anns {
			byName[strings.ToLower(a.Name)] = a
		}
		anns = anns[:0:0]
		seen := map[string]bool{}
		for _, n := range o.Annotators {
			a, ok := byName[strings.ToLower(strings.TrimSpace(n))]
			if !ok {
				return nil, nil, fmt.Errorf("no annotator named %q in this project (annotators: %s): %w", n, names(all), ErrNotFound)
			}
			if !seen[a.Name] {
				seen[a.Name] = true
				anns = append(anns, a)
			}
		}
		sort.Slice(anns, func(i, j int) bool { return strings.ToLower(anns[i].Name) < strings.ToLower(anns[j].Name) })
	}
	k := len(anns)
	col := map[int64]int{} // annotator id → layer index
	for i, a := range anns {
		col[a.ID] = i
	}
	if gold != nil {
		col[gold.ID] = k
	}
	set := &review.Set{Schema: sch, Gold: true}
	for _, a := range anns {
		set.Annotators = append(set.Annotators, a.Name)
	}
	// Which documents count, for whom.
	docIdx := map[int64]int{}
	rows, err := db.sql.QueryContext(ctx, "SELECT doc_id, annotator_id, status FROM doc_status ORDER BY doc_id")
	if err != nil {
		return nil, nil, fmt.Errorf("review: %w", err)
	}
	type docCol struct {
		doc int64
		col int
	}
	counted := map[docCol]*annotate.Layer{}
	var goldDocs []int64
	for rows.Next() {
		var doc, ann int64
		var status string
		if err := rows.Scan(&doc, &ann, &status); err != nil {
			rows.Close()
			return nil, nil, err
		}
		c, ok := col[ann]
		if !ok {
			continue
		}
		if c == k {
			goldDocs = append(goldDocs, doc)
			continue
		}
		if status != annotate.StatusDone && !(o.IncludeInProgress && status == annotate.StatusInProgress) {
			continue
		}
		d, ok := docIdx[doc]
		if !ok {
			d = len(set.Docs)
			docIdx[doc] = d
			set.Docs = append(set.Docs, review.Doc{ID: doc, Layers: make([]*annotate.Layer, k+1)})
		}
		l := &annotate.Layer{DocID: doc, AnnotatorID: ann, Labels: map[annotate.LabelKey]annotate.LabelValue{}, Status: status}
		set.Docs[d].Layers[c] = l
		counted[docCol{doc, c}] = l
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	// Gold's layers of the documents in the set: gold has a status where a
	// reviewer decided something.
	for _, doc := range goldDocs {
		if d, ok := docIdx[doc]; ok {
			l := &annotate.Layer{DocID: doc, AnnotatorID: gold.ID, Labels: map[annotate.LabelKey]annotate.LabelValue{}}
			set.Docs[d].Layers[k] = l
			counted[docCol{doc, k}] = l
		}
	}
	layerOf := func(doc, ann int64) *annotate.Layer {
		c, ok := col[ann]
		if !ok {
			return nil
		}
		return counted[docCol{doc, c}]
	}
	if len(set.Docs) == 0 {
		return set, anns, nil
	}
	// Layers with a digest are read from it (decoded by two workers while
	// SQLite reads on); the rest from their rows.
	fromDigest, err := db.readDigests(ctx, set, docIdx, layerOf, func(ann int64) int { return col[ann] })
	if err != nil {
		return nil, nil, fmt.Errorf("review: %w", err)
	}
	var rowDocs []int64
	for _, d := range set.Docs {
		for _, l := range d.Layers {
			if l != nil && !fromDigest[l] {
				rowDocs = append(rowDocs, d.ID)
				break
			}
		}
	}
	if len(rowDocs) > 0 {
		if err := loadLayerRows(ctx, db.sql, rowDocs, func(doc, ann int64) *annotate.Layer {
			if l := layerOf(doc, ann); l != nil && !fromDigest[l] {
				return l
			}
			return nil
		}); err != nil {
			return nil, nil, fmt.Errorf("review: %w", err)
		}
	}
	// Titles, and texts when asked for or needed for token labels (layers
	// read from rows).
	cols := "id, title, ''"
	if o.Text || len(rowDocs) > manyDocs {
		cols = "id, title, text"
	}
	if err := db.eachRow(ctx, "SELECT "+cols+" FROM documents ORDER BY id", func(r *sql.Rows) error {
		var id int64
		var title, text string
		if err := r.Scan(&id, &title, &text); err != nil {
			return err
		}
		if d, ok := docIdx[id]; ok {
			set.Docs[d].Title, set.Docs[d].Text = title, text
		}
		return nil
	}); err != nil {
		return nil, nil, err
	}
	if cols == "id, title, ''" {
		for _, id := range rowDocs {
			if err := db.sql.QueryRowContext(ctx, "SELECT text FROM documents WHERE id = ?", id).Scan(&set.Docs[docIdx[id]].Text); err != nil {
				return nil, nil, fmt.Errorf("review: document %d: %w", id, err)
			}
		}
	}
	return set, anns, nil
}

// eachRow runs a query and calls fn for every row.
func (db *DB) eachRow(ctx context.Context, query string, fn func(*sql.Rows) error) error {
	return db.eachRowArgs(ctx, query, nil, fn)
}

func names(as []Annotator) string {
	var ns []string
	for _, a := range as {
		if a.Name != annotate.GoldAnnotator {
			ns = append(ns, a.Name)
		}
	}
	if len(ns) == 0 {
		return "none yet"
	}
	return strings.Join(ns, ", ")
}

// digestRow is one layer digest waiting to be decoded.
type digestRow struct {
	layer *annotate.Layer
	runs  **review.TokenRuns
	data  []byte
}

// readDigests decodes the digests of the layers layerOf returns into them
// and reports which it filled.
func (db *DB) readDigests(ctx context.Context, set *review.Set, docIdx map[int64]int,
	layerOf func(doc, ann int64) *annotate.Layer, colOf func(ann int64) int) (map[*annotate.Layer]bool, error) {
	k := len(set.Annotators)
	for i := range set.Docs {
		set.Docs[i].Runs = make([]*review.TokenRuns, k+1)
	}
	const batch = 256
	work := make(chan []digestRow, 4)
	failed := make(chan []*annotate.Layer, 2)
	workers := max(1, min(2, runtime.GOMAXPROCS(0)))
	for range workers {
		go func() {
			dr := newDigestReader()
			var bad []*annotate.Layer
			for rows := range work {
				for _, r := range rows {
					runs := dr.fill(r.data, r.layer)
					if runs == nil {
						bad = append(bad, r.layer)
						continue
					}
					*r.runs = runs
				}
			}
			failed <- bad
		}()
	}
	fromDigest := map[*annotate.Layer]bool{}
	var pending []digestRow
	err := db.eachRow(ctx, "SELECT doc_id, annotator_id, data FROM layer_digests", func(r *sql.Rows) error {
		var doc, ann int64
		var data sql.RawBytes
		if err := r.Scan(&doc, &ann, &data); err != nil {
			return err
		}
		l := layerOf(doc, ann)
		if l == nil {
			return nil
		}
		fromDigest[l] = true
		pending = append(pending, digestRow{layer: l, runs: &set.Docs[docIdx[doc]].Runs[colOf(ann)], data: bytes.Clone(data)})
		if len(pending) == batch {
			work <- pending
			pending = make([]digestRow, 0, batch)
		}
		return nil
	})
	work <- pending
	close(work)
	for range workers {
		for _, l := range <-failed {
			delete(fromDigest, l)
		}
	}
	return fromDigest, err
}
