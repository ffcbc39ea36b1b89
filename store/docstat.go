package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strconv"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/review"
	"github.com/slant-annotate/slant/annotate/schema"
)

// docStatFormat is the document stat encoding's version; a stat of
// another version is treated as missing.
const docStatFormat = 4

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
	var finished int
	if err := db.sql.QueryRowContext(ctx, "SELECT count(DISTINCT doc_id) FROM doc_status WHERE status = 'done' AND annotator_id != ?",
		goldID).Scan(&finished); err != nil {
		return nil, nil, nil, fmt.Errorf("agreement: %w", err)
	}
	stored, err := db.readDocStats(ctx, finished, spans, units)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("agreement: %w", err)
	}
	// A stored stat is always of a finished document (triggers drop it
	// with any change of status), so as many stats as finished documents
	// means every one is there.
	var docs, missing []int64
	if len(stored) == finished {
		for d := range stored {
			docs = append(docs, d)
		}
		slices.Sort(docs)
	} else {
		docs, err = queryIDs(ctx, db.sql, "SELECT DISTINCT doc_id FROM doc_status WHERE status = 'done' AND annotator_id != ? ORDER BY doc_id", goldID)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("agreement: %w", err)
		}
		for _, d := range docs {
			if _, ok := stored[d]; !ok {
				missing = append(missing, d)
			}
		}
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
			var data []byte
			err := q.QueryRowContext(ctx, "SELECT data FROM layer_digests WHERE doc_id = ? AND annotator_id = ?", doc, id).Scan(&data)
			if err == nil {
				if runs, err := dr.decode(data, l); err == nil {
					dl.runs[i] = runs
					continue
				}
				*l = annotate.Layer{DocID: doc, AnnotatorID: id, Labels: map[annotate.LabelKey]annotate.LabelValue{}, Status: annotate.StatusDone}
			} else if err != sql.ErrNoRows {
				return nil, err
			}
			byKey[docAnn{doc, id}] = l
			fromRows = true
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

// refreshDocStats stores the stats of documents someone finished that have
// none, a few hundred per transaction.
func (db *DB) refreshDocStats(ctx context.Context) error {
	docs, err := queryIDs(ctx, db.sql, `SELECT DISTINCT s.doc_id FROM doc_status s
		WHERE s.status = 'done' AND NOT EXISTS (SELECT 1 FROM doc_stats d WHERE d.doc_id = s.doc_id) ORDER BY s.doc_id`)
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

// encodeUnits writes the units of a document stat's items, as the review
// lists them, apart from the rest (agreement does not read them).
func encodeUnits(st review.DocStat) []byte {
	var b []byte
	num := func(v int64) { b = binary.AppendVarint(b, v) }
	raw := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendUvarint(b, uint64(len(st.Units)))
	for _, it := range st.Units {
		raw(string(it.Scope))
		for j := 0; j <= len(st.IDs); j++ {
			r := ""
			if j < len(it.Refs) {
				r = it.Refs[j]
			}
			switch scope, id, ok := annotate.ParseUnit(r); {
			case r == "":
				b = append(b, unitNone)
			case ok && scope == "document":
				b = append(b, unitDoc)
			case ok && scope == "target" && annotate.TargetUnit(id) == r:
				b = append(b, unitTarget)
				num(id)
			case ok && scope == "quote" && annotate.QuoteUnit(id) == r:
				b = append(b, unitQuote)
				num(id)
			default:
				b = append(b, unitOther)
				raw(r)
			}
		}
		raw(it.Name)
		num(int64(it.Start))
		num(int64(it.End))
		raw(it.Gold)
		num(int64(it.GoldTowards))
	}
	return b
}

// decodeUnits fills in the units of st's items from encodeUnits' bytes.
func decodeUnits(d *digestReader, data []byte, st *review.DocStat) error {
	d.b, d.err = data, nil
	if d.count() != len(st.Items) {
		return errDigest
	}
	k := len(st.IDs)
	refs := make([]string, len(st.Items)*(k+1))
	st.Units = make([]review.StatUnit, len(st.Items))
	for i := range st.Units {
		it := &st.Units[i]
		it.Scope = schema.Scope(d.raw())
		it.Refs, refs = refs[:k+1:k+1], refs[k+1:]
		for j := range it.Refs {
			switch d.byte1() {
			case unitNone:
			case unitDoc:
				it.Refs[j] = annotate.UnitDocument
			case unitTarget:
				it.Refs[j] = annotate.TargetUnit(d.varint())
			case unitQuote:
				it.Refs[j] = annotate.QuoteUnit(d.varint())
			default:
				it.Refs[j] = d.raw()
			}
		}
		it.Name = d.raw()
		it.Start, it.End = int(d.varint()), int(d.varint())
		it.Gold = d.raw()
		it.GoldTowards = int(d.varint())
	}
	if d.err != nil || len(d.b) != 0 {
		return errDigest
	}
	return nil
}

// encodeDocStat writes a document stat but its units (see encodeUnits),
// its strings in a table at the start.
func encodeDocStat(st review.DocStat) []byte {
	table := map[string]int{}
	var strs []string
	var body []byte
	unum := func(v uint64) { body = binary.AppendUvarint(body, v) }
	num := func(v int64) { body = binary.AppendVarint(body, v) }
	ref := func(s string) {
		i, ok := table[s]
		if !ok {
			i = len(strs)
			table[s] = i
			strs = append(strs, s)
		}
		unum(uint64(i))
	}
	flag := func(b bool) {
		if b {
			body = append(body, 1)
		} else {
			body = append(body, 0)
		}
	}
	num(st.DocID)
	unum(uint64(len(st.IDs)))
	for _, id := range st.IDs {
		num(id)
	}
	unum(uint64(len(st.Items)))
	for _, it := range st.Items {
		ref(it.Task)
		for _, v := range it.Values {
			ref(v)
		}

		flag(it.Towards != nil)
		for _, t := range it.Towards {
			num(int64(t))
		}
		flag(it.TowardsDiffer)
		flag(it.NotShared)
	}
	for layer := range st.Spans {
		unum(uint64(len(st.Spans[layer])))
		for _, p := range st.Spans[layer] {
			unum(uint64(p.A))
			unum(uint64(p.B))
			unum(uint64(len(p.Labels)))
			for _, t := range p.Labels {
				ref(t.Label)
				for _, n := range []int{t.A, t.B, t.ExactA, t.ExactB, t.OverlapA, t.OverlapB} {
					unum(uint64(n))
				}
			}
		}
		unum(uint64(len(st.Tokens[layer])))
		for _, tp := range st.Tokens[layer] {
			for _, l := range tp.Labels {
				ref(l)
			}
			unum(uint64(tp.N))
		}
	}
	for _, n := range []int{st.Speakers.MatchedQuotes, st.Speakers.Pairs, st.Speakers.Agreed, st.Speakers.Exact} {
		unum(uint64(n))
	}
	b := binary.AppendUvarint(nil, docStatFormat)
	b = binary.AppendUvarint(b, uint64(len(strs)))
	for _, s := range strs {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return append(b, body...)
}

// statReader decodes document stats, interning their strings.
type statReader struct {
	digestReader
	tables map[string][]string // string tables seen, by their bytes
}

// decode reads a document stat (but its units); without spans, it skips
// the span layers.
func (d *statReader) decode(data []byte, spans bool) (review.DocStat, error) {
	if d.intern == nil {
		d.intern = map[string]string{}
	}
	d.b, d.err = data, nil
	var st review.DocStat
	if d.uvarint() != docStatFormat {
		return st, errDigest
	}
	// Documents share their few strings, usually in the same order: a
	// table seen before is looked up whole.
	start := d.b
	for count := d.count(); count > 0 && d.err == nil; count-- { // skip to its end
		size := d.uvarint()
		if size > uint64(len(d.b)) {
			return st, errDigest
		}
		d.b = d.b[size:]
	}
	if d.err != nil {
		return st, errDigest
	}
	raw := start[:len(start)-len(d.b)]
	if t, ok := d.tables[string(raw)]; ok {
		d.table = t
	} else {
		rest := d.b
		d.b = start
		table := make([]string, d.count())
		for i := range table {
			table[i] = d.str()
		}
		d.b = rest
		if d.tables == nil {
			d.tables = map[string][]string{}
		}
		d.tables[string(raw)] = table
		d.table = table
	}
	st.DocID = d.varint()
	st.IDs = make([]int64, d.count())
	for i := range st.IDs {
		st.IDs[i] = d.varint()
	}
	k := len(st.IDs)
	st.Items = make([]review.StatItem, d.count())
	values := make([]string, len(st.Items)*k) // one backing array for the stat
	var towards []int
	for i := range st.Items {
		it := &st.Items[i]
		it.Task = d.ref()
		it.Values, values = values[:k:k], values[k:]
		for j := range it.Values {
			it.Values[j] = d.ref()
		}

		if d.byte1() == 1 {
			if len(towards) < k {
				towards = make([]int, k*(len(st.Items)-i))
			}
			it.Towards, towards = towards[:k:k], towards[k:]
			for j := range it.Towards {
				it.Towards[j] = int(d.varint())
			}
		}
		it.TowardsDiffer = d.byte1() == 1
		it.NotShared = d.byte1() == 1
	}
	n := func() int { return int(d.uvarint()) }
	for layer := range st.Spans {
		pairs := d.count()
		if spans {
			st.Spans[layer] = make([]review.PairSpans, pairs)
		}
		for i := 0; i < pairs; i++ {
			var p review.PairSpans
			p.A, p.B = n(), n()
			if p.A >= k || p.B >= k {
				return review.DocStat{}, errDigest
			}
			tallies := d.count()
			if spans {
				p.Labels = make([]review.SpanTally, tallies)
			}
			for j := 0; j < tallies; j++ {
				t := review.SpanTally{Label: d.ref()}
				t.A, t.B, t.ExactA, t.ExactB, t.OverlapA, t.OverlapB = n(), n(), n(), n(), n(), n()
				if spans {
					p.Labels[j] = t
				}
			}
			if spans {
				st.Spans[layer][i] = p
			}
		}
		patterns := d.count()
		if !spans {
			for range patterns * (k + 1) {
				d.uvarint()
			}
			continue
		}
		st.Tokens[layer] = make([]review.TokenPattern, patterns)
		labels := make([]string, patterns*k) // one backing array
		for i := range st.Tokens[layer] {
			tp := &st.Tokens[layer][i]
			tp.Labels, labels = labels[:k:k], labels[k:]
			for j := range tp.Labels {
				tp.Labels[j] = d.ref()
			}
			tp.N = int(d.uvarint())
		}
	}
	st.Speakers.MatchedQuotes, st.Speakers.Pairs = int(d.uvarint()), int(d.uvarint())
	st.Speakers.Agreed, st.Speakers.Exact = int(d.uvarint()), int(d.uvarint())
	if d.err != nil || len(d.b) != 0 {
		return review.DocStat{}, errDigest
	}
	return st, nil
}

// readDocStats decodes every stored document stat (two workers decode
// while SQLite reads on); a stat that does not decode is left out.
func (db *DB) readDocStats(ctx context.Context, hint int, spans, units bool) (map[int64]review.DocStat, error) {
	type row struct {
		doc         int64
		data, units []byte
	}
	const batch = 256
	work := make(chan []row, 4)
	results := make(chan map[int64]review.DocStat, 2)
	workers := max(1, min(2, runtime.GOMAXPROCS(0)))
	for range workers {
		go func() {
			dec := &statReader{}
			out := make(map[int64]review.DocStat, hint/workers+1)
			for rows := range work {
				for _, r := range rows {
					st, err := dec.decode(r.data, spans)
					if err == nil && units {
						err = decodeUnits(&dec.digestReader, r.units, &st)
					}
					if err == nil {
						out[r.doc] = st
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
	err := db.eachRow(ctx, query, func(r *sql.Rows) error {
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
	stored := make(map[int64]review.DocStat, hint)
	for range workers {
		for d, st := range <-results {
			stored[d] = st
		}
	}
	return stored, err
}

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
		var data []byte
		err := db.sql.QueryRowContext(ctx, "SELECT data FROM layer_digests WHERE doc_id = ? AND annotator_id = ?", docID, ann).Scan(&data)
		if err == nil {
			if runs, err := dr.decode(data, l); err == nil {
				doc.Runs[col[ann]] = runs
				continue
			}
			*l = annotate.Layer{DocID: docID, AnnotatorID: ann, Labels: map[annotate.LabelKey]annotate.LabelValue{}, Status: l.Status}
		} else if err != sql.ErrNoRows {
			return doc, err
		}
		fromRows[docAnn{docID, ann}] = l
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
