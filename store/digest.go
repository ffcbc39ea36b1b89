package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"regexp"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/agree"
	"github.com/slant-annotate/slant/annotate/review"
)

// digestFormat is the layer digest encoding's version; a digest of
// another version is treated as missing.
const digestFormat = 2

// rowQuerier runs queries on the database or inside a transaction.
type rowQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// docAnn names one annotator's layer of one document.
type docAnn struct{ doc, ann int64 }

// manyDocs is how many documents make loading layers by scanning whole
// tables cheaper than looking each document up.
const manyDocs = 2000

// loadLayerRows fills in the layers want returns (nil: not wanted) from
// their rows: targets, spans and labels, of the given documents (nil: all).
func loadLayerRows(ctx context.Context, q rowQuerier, docs []int64, want func(doc, ann int64) *annotate.Layer) error {
	each := func(query string, fn func(*sql.Rows) error) error {
		run := func(args ...any) error { // no args: every document
			rows, err := q.QueryContext(ctx, query, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				if err := fn(rows); err != nil {
					return err
				}
			}
			return rows.Err()
		}
		if docs == nil || len(docs) > manyDocs {
			return run()
		}
		for _, d := range docs {
			if err := run(d); err != nil {
				return err
			}
		}
		return nil
	}
	where := " WHERE doc_id = ?"
	if docs == nil || len(docs) > manyDocs {
		where = ""
	}
	if err := each(`SELECT doc_id, annotator_id, id, name, label, deleted, coalesce(suggested_ord + 1, 0)
		FROM layer_targets`+where+` ORDER BY doc_id, annotator_id, id`, func(r *sql.Rows) error {
		var doc, ann int64
		var t annotate.Target
		if err := r.Scan(&doc, &ann, &t.ID, &t.Name, &t.Label, &t.Deleted, &t.Suggestion); err != nil {
			return err
		}
		if l := want(doc, ann); l != nil {
			l.Targets = append(l.Targets, t)
		}
		return nil
	}); err != nil {
		return fmt.Errorf("load targets: %w", err)
	}
	if err := each(`SELECT `+spanCols+`, doc_id, annotator_id
		FROM layer_spans`+where+` ORDER BY doc_id, annotator_id, start, end DESC, id`, func(r *sql.Rows) error {
		var doc, ann int64
		s, err := scanSpan(r, &doc, &ann)
		if err != nil {
			return err
		}
		if l := want(doc, ann); l != nil {
			l.Spans = append(l.Spans, s)
		}
		return nil
	}); err != nil {
		return fmt.Errorf("load spans: %w", err)
	}
	if err := each(`SELECT doc_id, annotator_id, task, unit, value, coalesce(towards, 0) FROM labels`+where, func(r *sql.Rows) error {
		var doc, ann int64
		var key annotate.LabelKey
		var v annotate.LabelValue
		if err := r.Scan(&doc, &ann, &key.Task, &key.Unit, &v.Value, &v.Towards); err != nil {
			return err
		}
		if l := want(doc, ann); l != nil {
			l.Labels[key] = v
		}
		return nil
	}); err != nil {
		return fmt.Errorf("load labels: %w", err)
	}
	return nil
}

// RefreshDigests builds the missing digests of every layer that has a
// status (a layer still to do never counts), a few hundred documents per
// transaction, and returns how many it built; then the missing stats of
// every document someone finished. Only stale documents (migration 10) are
// looked at, so a project with nothing changed costs one query. Agreement
// and review call it when they can write; a layer without a digest is
// still read, from its rows, only more slowly.
func (db *DB) RefreshDigests(ctx context.Context) (int, error) {
	if err := db.writable(); err != nil {
		return 0, err
	}
	var stale bool
	if err := db.sql.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM stale_docs)").Scan(&stale); err != nil {
		return 0, fmt.Errorf("refresh digests: %w", err)
	}
	if !stale {
		return 0, nil
	}
	var missing []docAnn
	rows, err := db.sql.QueryContext(ctx, `SELECT s.doc_id, s.annotator_id FROM stale_docs x JOIN doc_status s ON s.doc_id = x.doc_id
		WHERE NOT EXISTS (SELECT 1 FROM layer_digests d WHERE d.doc_id = s.doc_id AND d.annotator_id = s.annotator_id)
		ORDER BY s.doc_id, s.annotator_id`)
	if err != nil {
		return 0, fmt.Errorf("refresh digests: %w", err)
	}
	for rows.Next() {
		var k docAnn
		if err := rows.Scan(&k.doc, &k.ann); err != nil {
			rows.Close()
			return 0, err
		}
		missing = append(missing, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	built := 0
	const perTx = 300 // layers: keeps each transaction short for a window's writes
	for i := 0; i < len(missing); i += perTx {
		n, err := db.buildDigests(ctx, missing[i:min(i+perTx, len(missing))])
		built += n
		if err != nil {
			return built, fmt.Errorf("refresh digests: %w", err)
		}
	}
	if err := db.refreshDocStats(ctx); err != nil {
		return built, fmt.Errorf("refresh document stats: %w", err)
	}
	// Checked again, in one statement, so that a document changed since
	// (by this process or another) stays stale.
	if _, err := db.sql.ExecContext(ctx, `DELETE FROM stale_docs WHERE
		NOT EXISTS (SELECT 1 FROM doc_status s WHERE s.doc_id = stale_docs.doc_id
			AND NOT EXISTS (SELECT 1 FROM layer_digests d WHERE d.doc_id = s.doc_id AND d.annotator_id = s.annotator_id))
		AND NOT (EXISTS (SELECT 1 FROM doc_status s WHERE s.doc_id = stale_docs.doc_id AND s.status = 'done')
			AND NOT EXISTS (SELECT 1 FROM doc_stats t WHERE t.doc_id = stale_docs.doc_id))`); err != nil {
		return built, fmt.Errorf("refresh digests: %w", err)
	}
	return built, nil
}

// buildDigests writes the digests of the given layers in one transaction,
// reading their rows inside it so that no change slips in between.
func (db *DB) buildDigests(ctx context.Context, layers []docAnn) (int, error) {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	n, err := writeDigests(ctx, tx, layers)
	if err != nil {
		return 0, err
	}
	return n, tx.Commit()
}

// writeDigests builds and stores the digests of layers inside tx.
func writeDigests(ctx context.Context, tx *sql.Tx, layers []docAnn) (int, error) {
	byKey := map[docAnn]*annotate.Layer{}
	var docs []int64
	for _, k := range layers {
		if len(docs) == 0 || docs[len(docs)-1] != k.doc {
			docs = append(docs, k.doc)
		}
		byKey[k] = &annotate.Layer{DocID: k.doc, AnnotatorID: k.ann, Labels: map[annotate.LabelKey]annotate.LabelValue{}}
	}
	if err := loadLayerRows(ctx, tx, docs, func(doc, ann int64) *annotate.Layer { return byKey[docAnn{doc, ann}] }); err != nil {
		return 0, err
	}
	n := 0
	for _, doc := range docs {
		var text string
		if err := tx.QueryRowContext(ctx, "SELECT text FROM documents WHERE id = ?", doc).Scan(&text); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			return n, err
		}
		tokens := agree.WhitespaceTokens(text)
		for _, k := range layers {
			if k.doc != doc {
				continue
			}
			l := byKey[k]
			data := encodeDigest(l, review.LayerRuns(tokens, l))
			if _, err := tx.ExecContext(ctx, "INSERT OR REPLACE INTO layer_digests(doc_id, annotator_id, data) VALUES (?, ?, ?)",
				k.doc, k.ann, data); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// Codes of the digest's small vocabularies.
var (
	kindCodes     = []string{annotate.KindEntity, annotate.KindQuote}
	decisionCodes = []annotate.Decision{annotate.Pending, annotate.Accepted, annotate.Edited, annotate.Rejected, annotate.Added}
)

// Unit key kinds in a digest.
const (
	unitDoc    = 0
	unitTarget = 1
	unitQuote  = 2
	unitOther  = 3 // kept as a string
	unitNone   = 4 // no unit (document stats: an annotator without it)
)

// encodeDigest writes a layer (without its status) and its token runs.
// Repeated strings (labels, tasks, values) are written once, in a table at
// the start, and referred to by number.
func encodeDigest(l *annotate.Layer, runs review.TokenRuns) []byte {
	table := map[string]int{}
	var strs []string
	ref := func(s string) uint64 {
		i, ok := table[s]
		if !ok {
			i = len(strs)
			table[s] = i
			strs = append(strs, s)
		}
		return uint64(i)
	}
	var body []byte
	num := func(v int64) { body = binary.AppendVarint(body, v) }
	unum := func(v uint64) { body = binary.AppendUvarint(body, v) }
	raw := func(s string) {
		unum(uint64(len(s)))
		body = append(body, s...)
	}
	code := func(s string, codes []string) {
		for i, c := range codes {
			if c == s {
				body = append(body, byte(i))
				return
			}
		}
		body = append(body, 255)
		raw(s)
	}
	unum(uint64(len(l.Targets)))
	for _, t := range l.Targets {
		num(t.ID)
		num(int64(t.Suggestion))
		if t.Deleted {
			body = append(body, 1)
		} else {
			body = append(body, 0)
		}
		raw(t.Name)
		unum(ref(t.Label))
	}
	decisions := make([]string, len(decisionCodes))
	for i, d := range decisionCodes {
		decisions[i] = string(d)
	}
	unum(uint64(len(l.Spans)))
	for _, s := range l.Spans {
		num(s.ID)
		code(s.Kind, kindCodes)
		num(int64(s.Start))
		num(int64(s.End))
		unum(ref(s.Label))
		num(s.TargetID)
		num(s.SuggestionID)
		code(string(s.Decision), decisions)
		var flags byte
		if s.HasSpeaker {
			flags |= 1
		}
		if s.HasCue {
			flags |= 2
		}
		body = append(body, flags)
		if s.HasSpeaker {
			num(int64(s.SpeakerStart))
			num(int64(s.SpeakerEnd))
		}
		if s.HasCue {
			num(int64(s.CueStart))
			num(int64(s.CueEnd))
		}
		unum(uint64(len(s.Fragments)))
		for _, f := range s.Fragments {
			num(int64(f[0]))
			num(int64(f[1]))
		}
	}
	unum(uint64(len(l.Labels)))
	for k, v := range l.Labels {
		unum(ref(k.Task))
		switch scope, id, ok := annotate.ParseUnit(k.Unit); {
		case ok && scope == "document":
			body = append(body, unitDoc)
		case ok && scope == "target" && annotate.TargetUnit(id) == k.Unit:
			body = append(body, unitTarget)
			num(id)
		case ok && scope == "quote" && annotate.QuoteUnit(id) == k.Unit:
			body = append(body, unitQuote)
			num(id)
		default:
			body = append(body, unitOther)
			raw(k.Unit)
		}
		unum(ref(v.Value))
		num(v.Towards)
	}
	for _, rs := range [][]agree.Run{runs.Entities, runs.Attribution} {
		unum(uint64(len(rs)))
		for _, r := range rs {
			unum(ref(r.Label))
			unum(uint64(r.N))
		}
	}
	b := make([]byte, 0, len(body)+16*len(strs)+8)
	b = binary.AppendUvarint(b, digestFormat)
	b = binary.AppendUvarint(b, uint64(len(strs)))
	for _, s := range strs {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return append(b, body...)
}

// digestReader decodes a digest; strings are interned across digests, so
// that a project's few thousand distinct names and values are allocated
// once.
type digestReader struct {
	b         []byte
	err       error
	intern    map[string]string
	table     []string // the current digest's strings
	decisions []string // decisionCodes as strings
}

func newDigestReader() *digestReader {
	d := &digestReader{intern: map[string]string{}}
	for _, c := range decisionCodes {
		d.decisions = append(d.decisions, string(c))
	}
	return d
}

var errDigest = errors.New("malformed layer digest")

func (d *digestReader) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err, d.b = errDigest, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *digestReader) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err, d.b = errDigest, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *digestReader) byte1() byte {
	if len(d.b) == 0 {
		d.err = errDigest
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *digestReader) str() string {
	n := d.uvarint()
	if uint64(len(d.b)) < n {
		d.err, d.b = errDigest, nil
		return ""
	}
	raw := d.b[:n]
	d.b = d.b[n:]
	if s, ok := d.intern[string(raw)]; ok {
		return s
	}
	s := string(raw)
	d.intern[s] = s
	return s
}

// count reads a length that must fit in what is left (each item takes a
// byte or more), so that a damaged digest cannot ask for a huge slice.
func (d *digestReader) count() int {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.err, d.b = errDigest, nil
		return 0
	}
	return int(n)
}

// raw reads a string that is not in the table.
func (d *digestReader) raw() string {
	n := d.uvarint()
	if uint64(len(d.b)) < n {
		d.err, d.b = errDigest, nil
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

// ref reads a reference to the digest's string table.
func (d *digestReader) ref() string {
	i := d.uvarint()
	if i >= uint64(len(d.table)) {
		d.err, d.b = errDigest, nil
		return ""
	}
	return d.table[i]
}

// code reads a string of a small vocabulary.
func (d *digestReader) code(codes []string) string {
	c := d.byte1()
	if int(c) < len(codes) {
		return codes[c]
	}
	return d.raw()
}

// decode fills l from a digest and returns its token runs.
func (d *digestReader) decode(data []byte, l *annotate.Layer) (*review.TokenRuns, error) {
	d.b, d.err = data, nil
	if d.uvarint() != digestFormat {
		return nil, errDigest
	}
	d.table = d.table[:0]
	for n := d.count(); n > 0; n-- {
		d.table = append(d.table, d.str())
	}
	l.Targets = make([]annotate.Target, d.count())
	for i := range l.Targets {
		t := &l.Targets[i]
		t.ID = d.varint()
		t.Suggestion = int(d.varint())
		t.Deleted = d.byte1() == 1
		t.Name = d.raw()
		t.Label = d.ref()
	}
	l.Spans = make([]annotate.Span, d.count())
	for i := range l.Spans {
		s := &l.Spans[i]
		s.ID = d.varint()
		s.Kind = d.code(kindCodes)
		s.Start, s.End = int(d.varint()), int(d.varint())
		s.Label = d.ref()
		s.TargetID = d.varint()
		s.SuggestionID = d.varint()
		s.Decision = annotate.Decision(d.code(d.decisions))
		flags := d.byte1()
		if flags&1 != 0 {
			s.HasSpeaker = true
			s.SpeakerStart, s.SpeakerEnd = int(d.varint()), int(d.varint())
		}
		if flags&2 != 0 {
			s.HasCue = true
			s.CueStart, s.CueEnd = int(d.varint()), int(d.varint())
		}
		if n := d.count(); n > 0 {
			s.Fragments = make([][2]int, n)
			for j := range s.Fragments {
				s.Fragments[j] = [2]int{int(d.varint()), int(d.varint())}
			}
		}
	}
	n := d.count()
	l.Labels = make(map[annotate.LabelKey]annotate.LabelValue, n)
	for range n {
		k := annotate.LabelKey{Task: d.ref()}
		switch d.byte1() {
		case unitDoc:
			k.Unit = annotate.UnitDocument
		case unitTarget:
			k.Unit = annotate.TargetUnit(d.varint())
		case unitQuote:
			k.Unit = annotate.QuoteUnit(d.varint())
		default:
			k.Unit = d.raw()
		}
		l.Labels[k] = annotate.LabelValue{Value: d.ref(), Towards: d.varint()}
	}
	runs := &review.TokenRuns{}
	for _, rs := range []*[]agree.Run{&runs.Entities, &runs.Attribution} {
		*rs = make([]agree.Run, d.count())
		for i := range *rs {
			(*rs)[i] = agree.Run{Label: d.ref(), N: int(d.uvarint())}
		}
	}
	if d.err != nil || len(d.b) != 0 {
		return nil, errDigest
	}
	return runs, nil
}

// digestTrigger matches one of migration 9's triggers that drop digests.
var digestTrigger = regexp.MustCompile(`(?s)CREATE TRIGGER (\w+_digest_\w+) .*?\nEND;`)

// withoutDigestTriggers runs fn inside tx with the triggers that drop
// digests removed, and puts them back: for a bulk writer (merge) that
// drops the digests of the layers it changed itself, once per layer
// rather than once per row.
func withoutDigestTriggers(ctx context.Context, tx *sql.Tx, fn func() error) error {
	body, err := fs.ReadFile(migrationFiles, "migrations/0009_layer_digests.sql")
	if err != nil {
		return err
	}
	triggers := digestTrigger.FindAllStringSubmatch(string(body), -1)
	if len(triggers) == 0 {
		return errors.New("no digest triggers in migration 9")
	}
	for _, t := range triggers {
		if _, err := tx.ExecContext(ctx, "DROP TRIGGER "+t[1]); err != nil {
			return err
		}
	}
	if err := fn(); err != nil {
		return err
	}
	for _, t := range triggers {
		if _, err := tx.ExecContext(ctx, t[0]); err != nil {
			return err
		}
	}
	return nil
}

// fill decodes a layer's digest into l and returns its token runs, or,
// when the digest does not decode, leaves l empty (to be read from its
// rows) and returns nil.
func (d *digestReader) fill(data []byte, l *annotate.Layer) *review.TokenRuns {
	runs, err := d.decode(data, l)
	if err != nil {
		*l = annotate.Layer{DocID: l.DocID, AnnotatorID: l.AnnotatorID, Labels: map[annotate.LabelKey]annotate.LabelValue{}, Status: l.Status}
		return nil
	}
	return runs
}

// layerDigest reads l's stored digest into it (see fill); nil runs mean l
// is to be read from its rows.
func layerDigest(ctx context.Context, q querier, d *digestReader, l *annotate.Layer) (*review.TokenRuns, error) {
	var data []byte
	err := q.QueryRowContext(ctx, "SELECT data FROM layer_digests WHERE doc_id = ? AND annotator_id = ?", l.DocID, l.AnnotatorID).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return d.fill(data, l), nil
}
