package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/slant-annotate/slant/annotate"
)

// EachLayer calls fn, in document order, for every document where the
// annotator's layer has one of the statuses, with the document, its
// SHA-256 and that layer as stored (never seeded): for exports. It reads a few hundred
// documents at a time, each layer from its digest where it has one (else
// from its rows), so memory does not grow with the project and no query
// is left open while fn runs.
func (db *DB) EachLayer(ctx context.Context, annID int64, statuses []string, fn func(doc annotate.Document, sha256 string, l *annotate.Layer) error) error {
	list, err := json.Marshal(statuses)
	if err != nil {
		return err
	}
	type item struct {
		doc   annotate.Document
		sha   string
		meta  string
		layer *annotate.Layer
	}
	dr := newDigestReader()
	after := int64(-1)
	for {
		var batch []item
		rows, err := db.sql.QueryContext(ctx, `SELECT d.id, d.sha256, d.title, d.external_id, d.source, d.url, d.meta, d.text, s.status, g.data
			FROM doc_status s JOIN documents d ON d.id = s.doc_id
			LEFT JOIN layer_digests g ON g.doc_id = s.doc_id AND g.annotator_id = s.annotator_id
			WHERE s.annotator_id = ? AND s.status IN (SELECT value FROM json_each(?)) AND s.doc_id > ?
			ORDER BY s.doc_id LIMIT 2048`, annID, string(list), after)
		if err != nil {
			return fmt.Errorf("read layers: %w", err)
		}
		for rows.Next() {
			var it item
			var status string
			var digest []byte
			if err := rows.Scan(&it.doc.ID, &it.sha, &it.doc.Title, &it.doc.ExternalID, &it.doc.Source, &it.doc.URL, &it.meta, &it.doc.Text,
				&status, &digest); err != nil {
				rows.Close()
				return fmt.Errorf("read layers: %w", err)
			}
			it.layer = &annotate.Layer{DocID: it.doc.ID, AnnotatorID: annID, Labels: map[annotate.LabelKey]annotate.LabelValue{}, Status: status}
			if digest == nil || dr.fill(digest, it.layer) == nil {
				it.layer = nil // read from its rows below, with this query closed
			}
			batch = append(batch, it)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read layers: %w", err)
		}
		if len(batch) == 0 {
			return nil
		}
		for _, it := range batch {
			if it.meta != "" && it.meta != "{}" {
				if err := json.Unmarshal([]byte(it.meta), &it.doc.Meta); err != nil {
					return fmt.Errorf("document %d: metadata: %w", it.doc.ID, err)
				}
			}
			if it.layer == nil {
				if it.layer, err = db.readLayer(ctx, it.doc.ID, annID); err != nil {
					return fmt.Errorf("layer of document %d: %w", it.doc.ID, err)
				}
			}
			if err := fn(it.doc, it.sha, it.layer); err != nil {
				return err
			}
			after = it.doc.ID
		}
	}
}

// FinishedDocuments returns, in order, the documents an annotator (gold
// aside) marked done.
func (db *DB) FinishedDocuments(ctx context.Context) ([]int64, error) {
	ids, err := queryIDs(ctx, db.sql, `SELECT DISTINCT doc_id FROM doc_status WHERE status = 'done'
		AND annotator_id NOT IN (SELECT id FROM annotators WHERE name = ?) ORDER BY doc_id`, annotate.GoldAnnotator)
	if err != nil {
		return nil, fmt.Errorf("finished documents: %w", err)
	}
	return ids, nil
}

// EachText calls fn with every document's id and text, in order,
// streaming (fn must not query the project).
func (db *DB) EachText(ctx context.Context, fn func(id int64, text string) error) error {
	return db.eachRow(ctx, "SELECT id, text FROM documents ORDER BY id", func(r *sql.Rows) error {
		var id int64
		var text string
		if err := r.Scan(&id, &text); err != nil {
			return err
		}
		return fn(id, text)
	})
}
