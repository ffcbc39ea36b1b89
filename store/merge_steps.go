package store

// The steps of merging one project file: the whole of it into an empty
// project, or its schemas, annotators and documents mapped onto this one's.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/schema"
)

func (m *merger) merge(src *mergeSource) (MergeStats, error) {
	m.src = src
	st := MergeStats{File: src.given}
	m.dropTemp()
	m.begin("start")
	for _, q := range []string{
		"CREATE TEMP TABLE m_schema(ov INTEGER PRIMARY KEY, hv INTEGER NOT NULL)",
		"CREATE TEMP TABLE m_ann(oid INTEGER PRIMARY KEY, hid INTEGER NOT NULL, gold INTEGER NOT NULL)",
		"CREATE TEMP TABLE m_doc(oid INTEGER PRIMARY KEY, hid INTEGER NOT NULL, added INTEGER NOT NULL)",
		"CREATE TEMP TABLE m_pre(oid INTEGER PRIMARY KEY, hid INTEGER NOT NULL)",
		"CREATE TEMP TABLE m_sugg(oid INTEGER PRIMARY KEY, hid INTEGER NOT NULL)",
		`CREATE TEMP TABLE m_pair(id INTEGER PRIMARY KEY, odoc INTEGER NOT NULL, oann INTEGER NOT NULL,
			hdoc INTEGER NOT NULL, hann INTEGER NOT NULL, gold INTEGER NOT NULL, action INTEGER NOT NULL DEFAULT 0,
			pre INTEGER NOT NULL DEFAULT 0)`,
	} {
		if _, err := m.exec(q); err != nil {
			return st, err
		}
	}
	empty, err := m.empty()
	if err != nil {
		return st, err
	}
	if empty {
		// Nothing here yet: every id of the other project is free, so its
		// rows are copied as they are (SQLite's transfer optimisation
		// copies records and index entries without decoding them), events
		// included, which stay undoable since their ids are this
		// project's too.
		if err := m.copyAll(&st); err != nil {
			return st, err
		}
	}
	res, err := m.tx.ExecContext(m.ctx, "INSERT INTO main.merges(source, source_created, at) VALUES (?, ?, ?)",
		src.abs, src.created, now())
	if err != nil {
		return st, fmt.Errorf("merge %s: %w", src.given, err)
	}
	mergeID, _ := res.LastInsertId()
	if !empty {
		if err := m.schemas(&st, mergeID); err != nil {
			return st, err
		}
		if err := m.annotators(&st); err != nil {
			return st, err
		}
		if err := m.documents(&st); err != nil {
			return st, err
		}
		if err := m.pairs(); err != nil {
			return st, err
		}
		if err := m.compare(); err != nil {
			return st, err
		}
		if err := m.copyLayers(&st, mergeID); err != nil {
			return st, err
		}
		// The layers copied or replaced lose their digests (rebuilt by
		// RefreshDigests).
		if _, err := m.exec(`DELETE FROM main.layer_digests WHERE EXISTS (SELECT 1 FROM m_pair p
			WHERE p.action IN (1, 2) AND p.hdoc = layer_digests.doc_id AND p.hann = layer_digests.annotator_id)`); err != nil {
			return st, err
		}
		if _, err := m.exec(`DELETE FROM main.doc_stats WHERE doc_id IN (SELECT hdoc FROM m_pair WHERE action IN (1, 2))`); err != nil {
			return st, err
		}
	}
	m.begin("finish")
	if !st.Changed() {
		// Nothing changed: no trace of the merge either, so that merging
		// the same file again changes nothing at all.
		_, err := m.exec("DELETE FROM main.merges WHERE id = ?", mergeID)
		return st, err
	}
	summary, _ := json.Marshal(st)
	_, err = m.exec("UPDATE main.merges SET summary = ? WHERE id = ?", string(summary), mergeID)
	return st, err
}

// copied lists, in order, the tables an empty project copies whole.
var copied = []string{"annotators", "schemas", "merges", "documents", "pretag_runs", "suggested_targets",
	"suggested_spans", "layers", "layer_targets", "layer_spans", "labels", "doc_status", "events", "layer_digests", "doc_stats", "doc_units"}

// empty reports whether this project holds nothing a merge would keep
// (see emptyFor), so that it takes a copy of the other whole.
func (m *merger) empty() (bool, error) {
	empty, err := emptyFor(m.ctx, m.tx, m.src.alias)
	if err != nil {
		return false, fmt.Errorf("merge %s: %w", m.src.given, err)
	}
	return empty, nil
}

// emptyFor reports whether this project holds nothing that merging the
// project attached as alias would keep: no rows of the tables a merge
// copies, but for what a new project starts with (the bundled sample
// article, untouched by anyone, and schema versions the other project has
// too), which the copy replaces.
func emptyFor(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, alias string) (bool, error) {
	starter := map[string]bool{"documents": true, "schemas": true, "pretag_runs": true, "suggested_targets": true, "suggested_spans": true}
	var parts []string
	for _, t := range copied {
		if !starter[t] {
			parts = append(parts, "EXISTS (SELECT 1 FROM main."+t+")")
		}
	}
	parts = append(parts, "EXISTS (SELECT 1 FROM main.documents WHERE source != ?)",
		"EXISTS (SELECT 1 FROM main.schemas WHERE toml NOT IN (SELECT toml FROM "+alias+".schemas))")
	var any bool
	if err := q.QueryRowContext(ctx, "SELECT "+strings.Join(parts, " OR "), SampleSource).Scan(&any); err != nil {
		return false, err
	}
	return !any, nil
}

// dropIndexes drops this project's indexes of tables (not those that
// carry a primary key or a unique constraint) and returns the statements
// that create them again.
func (m *merger) dropIndexes(tables []string) ([]string, error) {
	list, err := json.Marshal(tables)
	if err != nil {
		return nil, err
	}
	rows, err := m.tx.QueryContext(m.ctx, `SELECT name, sql FROM main.sqlite_master
		WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (SELECT value FROM json_each(?)) ORDER BY name`, string(list))
	if err != nil {
		return nil, fmt.Errorf("merge %s: %w", m.src.given, err)
	}
	var names, creates []string
	for rows.Next() {
		var name, create string
		if err := rows.Scan(&name, &create); err != nil {
			rows.Close()
			return nil, err
		}
		names, creates = append(names, name), append(creates, create)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, name := range names {
		if _, err := m.exec(`DROP INDEX main."` + name + `"`); err != nil {
			return nil, err
		}
	}
	return creates, nil
}

// copyAll copies every table of the other project into this empty one,
// ids and all.
func (m *merger) copyAll(st *MergeStats) error {
	counts := map[string]*int{"annotators": &st.Annotators, "schemas": &st.Schemas, "documents": &st.Documents,
		"pretag_runs": &st.Pretagged, "layers": &st.LayersAdded, "layer_targets": &st.Targets, "layer_spans": &st.Spans,
		"labels": &st.Labels, "doc_status": &st.Statuses, "events": &st.Events}
	// What a new project starts with goes (see empty); a sample the other
	// has too is not counted as added.
	var had int
	if err := m.tx.QueryRowContext(m.ctx, m.rewrite("SELECT count(*) FROM main.documents WHERE sha256 IN (SELECT sha256 FROM o.documents)")).Scan(&had); err != nil {
		return fmt.Errorf("merge %s: %w", m.src.given, err)
	}
	defer func() { st.Documents -= had }()
	for _, t := range []string{"suggested_spans", "suggested_targets", "pretag_runs", "documents", "schemas"} {
		if _, err := m.exec("DELETE FROM main." + t); err != nil {
			return err
		}
	}
	// Indexes are built once the rows are in, by sorting, rather than
	// row by row in an order that wanders over their pages.
	indexes, err := m.dropIndexes(copied)
	if err != nil {
		return err
	}
	for _, t := range copied {
		m.begin(t)
		n, err := m.exec("INSERT INTO main." + t + " SELECT * FROM o." + t)
		if err != nil {
			return err
		}
		if c := counts[t]; c != nil {
			*c = n
		}
	}
	// This project is now a copy of the other, stale documents and all
	// (the triggers marked every copied status's document).
	if _, err := m.exec("DELETE FROM main.stale_docs"); err != nil {
		return err
	}
	if _, err := m.exec("INSERT INTO main.stale_docs SELECT * FROM o.stale_docs"); err != nil {
		return err
	}
	m.begin("indexes")
	for _, create := range indexes {
		if _, err := m.tx.ExecContext(m.ctx, create); err != nil {
			return fmt.Errorf("merge %s: %w", m.src.given, err)
		}
	}
	// The documents keep their ids, so the other's full-text index is
	// this project's too: copy its tables rather than index every text
	// again (same migrations, so the same tokenizer and prefixes).
	m.begin("search index")
	for _, t := range []string{"documents_fts_data", "documents_fts_idx", "documents_fts_docsize", "documents_fts_config"} {
		if _, err := m.exec("DELETE FROM main." + t); err != nil {
			return err
		}
		if _, err := m.exec("INSERT INTO main." + t + " SELECT * FROM o." + t); err != nil {
			return err
		}
	}
	// A layer is a (document, annotator) pair with any work.
	n := 0
	// (Grouped first, each through its index where it has one: a
	// compound of the raw rows would sort a million of them.)
	err = m.tx.QueryRowContext(m.ctx, `SELECT count(*) FROM (SELECT doc_id, annotator_id FROM main.layers
		UNION SELECT doc_id, annotator_id FROM main.layer_targets GROUP BY doc_id, annotator_id
		UNION SELECT doc_id, annotator_id FROM main.layer_spans GROUP BY doc_id, annotator_id
		UNION SELECT doc_id, annotator_id FROM main.labels GROUP BY doc_id, annotator_id
		UNION SELECT doc_id, annotator_id FROM main.doc_status
		UNION SELECT doc_id, annotator_id FROM main.events GROUP BY doc_id, annotator_id)`).Scan(&n)
	st.LayersAdded = n
	return err
}

// schemas maps the other project's schema versions to this project's,
// storing the ones this project lacks.
func (m *merger) schemas(st *MergeStats, mergeID int64) error {
	m.begin("schemas")
	type version struct {
		v       int
		text    string
		source  string
		created string
		merged  bool
	}
	read := func(db string) ([]version, error) {
		rows, err := m.query("SELECT version, toml, source, created_at, merged_in IS NOT NULL FROM " + db + ".schemas ORDER BY version")
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var vs []version
		for rows.Next() {
			var v version
			if err := rows.Scan(&v.v, &v.text, &v.source, &v.created, &v.merged); err != nil {
				return nil, err
			}
			vs = append(vs, v)
		}
		return vs, rows.Err()
	}
	here, err := read("main")
	if err != nil {
		return err
	}
	other, err := read("o")
	if err != nil {
		return err
	}
	if len(other) == 0 {
		return nil
	}
	var current *schema.Schema // this project's current schema
	for i := len(here) - 1; i >= 0; i-- {
		if !here[i].merged {
			if current, err = schema.Parse([]byte(here[i].text), fmt.Sprintf("%s schema version %d", m.here, here[i].v)); err != nil {
				return fmt.Errorf("merge %s: this project's schema: %w", m.src.given, err)
			}
			break
		}
	}
	// The versions needed: those of the other's labels and its current.
	needed := map[int]bool{}
	rows, err := m.query("SELECT DISTINCT schema_version FROM o.labels")
	if err != nil {
		return err
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return err
		}
		needed[v] = true
	}
	rows.Close()
	for i := len(other) - 1; i >= 0; i-- {
		if !other[i].merged {
			needed[other[i].v] = true
			break
		}
	}
	for _, ov := range other {
		if current != nil && !needed[ov.v] {
			continue
		}
		hv := 0
		for _, h := range here {
			if h.text == ov.text {
				hv = h.v
				break
			}
		}
		if hv == 0 {
			var merged any = mergeID
			if current != nil {
				s, err := schema.Parse([]byte(ov.text), fmt.Sprintf("%s schema version %d", m.src.given, ov.v))
				if err != nil {
					return fmt.Errorf("merge %s: its schema version %d is damaged: %w", m.src.given, ov.v, err)
				}
				if err := compatible(current, s); err != nil {
					return fmt.Errorf("merge %s: %w: %v (schema version %d there, the current schema here in %s); make the schemas agree first",
						m.src.given, ErrSchemaClash, err, ov.v, m.here)
				}
			} else if !ov.merged {
				merged = nil // a project without a schema takes the other's
			}
			res, err := m.tx.ExecContext(m.ctx, "INSERT INTO main.schemas(toml, source, created_at, merged_in) VALUES (?, ?, ?, ?)",
				ov.text, ov.source, ov.created, merged)
			if err != nil {
				return fmt.Errorf("merge %s: store schema version %d: %w", m.src.given, ov.v, err)
			}
			id, _ := res.LastInsertId()
			hv = int(id)
			here = append(here, version{v: hv, text: ov.text})
			st.Schemas++
		}
		if _, err := m.exec("INSERT INTO m_schema(ov, hv) VALUES (?, ?)", ov.v, hv); err != nil {
			return err
		}
	}
	return nil
}

// compatible reports the first task of other that current also has but
// with another scope, scale or label values.
func compatible(current, other *schema.Schema) error {
	for _, t := range other.Tasks {
		h, ok := current.Task(t.Name)
		if !ok {
			continue
		}
		values := func(t *schema.Task) []string {
			var vs []string
			for _, l := range t.Labels {
				vs = append(vs, l.Value)
			}
			return vs
		}
		switch {
		case h.Scope != t.Scope:
			return fmt.Errorf("task %q labels each %s there but each %s here", t.Name, t.Scope, h.Scope)
		case !slices.Equal(values(h), values(&t)):
			return fmt.Errorf("task %q has labels %s there but %s here", t.Name,
				strings.Join(values(&t), ", "), strings.Join(values(h), ", "))
		case h.Ordinal != t.Ordinal:
			return fmt.Errorf("task %q is ordinal in one project and not in the other", t.Name)
		}
	}
	return nil
}

type annRow struct {
	id                 int64
	name, uid, created string
	unblinded          sql.NullString
}

func (m *merger) readAnnotators(db string) ([]annRow, error) {
	rows, err := m.query("SELECT id, name, coalesce(uid, ''), created_at, unblinded_at FROM " + db + ".annotators ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []annRow
	for rows.Next() {
		var a annRow
		if err := rows.Scan(&a.id, &a.name, &a.uid, &a.created, &a.unblinded); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// annotators matches the other project's annotators with this project's,
// adding those it lacks.
func (m *merger) annotators(st *MergeStats) error {
	m.begin("annotators")
	here, err := m.readAnnotators("main")
	if err != nil {
		return err
	}
	other, err := m.readAnnotators("o")
	if err != nil {
		return err
	}
	byUID := map[string]annRow{}
	byName := map[string]annRow{}
	uidTaken := map[string]bool{}
	for _, a := range here {
		if a.uid != "" {
			byUID[a.uid] = a
			uidTaken[a.uid] = true
		}
		byName[strings.ToLower(a.name)] = a
	}
	add := func(a annRow, name string) (int64, error) {
		uid := a.uid
		if uid == "" || uidTaken[uid] {
			uid = NewUID()
		}
		res, err := m.tx.ExecContext(m.ctx, "INSERT INTO main.annotators(name, created_at, uid, unblinded_at) VALUES (?, ?, ?, ?)",
			name, a.created, uid, a.unblinded)
		if err != nil {
			return 0, fmt.Errorf("merge %s: add annotator %s: %w", m.src.given, name, err)
		}
		id, _ := res.LastInsertId()
		h := annRow{id: id, name: name, uid: uid, created: a.created, unblinded: a.unblinded}
		byUID[uid], byName[strings.ToLower(name)], uidTaken[uid] = h, h, true
		st.Annotators++
		return id, nil
	}
	var clashes []string
	for _, a := range other {
		gold := strings.EqualFold(a.name, annotate.GoldAnnotator)
		var hid int64
		h, found := byUID[a.uid]
		if a.uid == "" || gold {
			found = false
		}
		switch {
		case gold:
			if g, ok := byName[annotate.GoldAnnotator]; ok {
				h, found = g, true
			} else if hid, err = add(a, annotate.GoldAnnotator); err != nil {
				return err
			}
		case found:
		case byName[strings.ToLower(a.name)].id != 0:
			clash := byName[strings.ToLower(a.name)]
			if m.opts.As == "" || (m.asUID != "" && m.asUID != a.uid) {
				clashes = append(clashes, fmt.Sprintf("%q in %s and %q in %s", a.name, m.src.given, clash.name, m.here))
				continue
			}
			if taken, ok := byName[strings.ToLower(m.opts.As)]; ok {
				return fmt.Errorf("merge %s: %w: --as %s: %q is already someone else in %s (choose a name not used here)",
					m.src.given, ErrNameClash, m.opts.As, taken.name, m.here)
			}
			if hid, err = add(a, m.opts.As); err != nil {
				return err
			}
			m.asUID = a.uid
			st.Renamed = a.name + " → " + m.opts.As
		default:
			if hid, err = add(a, a.name); err != nil {
				return err
			}
		}
		if found {
			hid = h.id
			if a.unblinded.Valid {
				n, err := m.exec(`UPDATE main.annotators SET unblinded_at = ?
					WHERE id = ? AND (unblinded_at IS NULL OR julianday(?) < julianday(unblinded_at))`, a.unblinded.String, hid, a.unblinded.String)
				if err != nil {
					return err
				}
				st.AnnotatorsUpdated += n
			}
		}
		if hid == 0 {
			continue
		}
		g := 0
		if gold {
			g = 1
		}
		if _, err := m.exec("INSERT INTO m_ann(oid, hid, gold) VALUES (?, ?, ?)", a.id, hid, g); err != nil {
			return err
		}
	}
	if len(clashes) > 0 {
		hint := "to bring theirs in under another name, run the merge again with --as NEW"
		if len(clashes) > 1 || m.opts.As != "" {
			hint = "--as renames one person only: merge their projects one at a time"
		}
		return fmt.Errorf("merge %s: %w (different ids): %s; %s", m.src.given, ErrNameClash, strings.Join(clashes, "; "), hint)
	}
	return nil
}

// documents adds the documents this project lacks, and the pre-tags of
// those it has not pre-tagged, and maps the other's suggested spans to
// this project's.
func (m *merger) documents(st *MergeStats) error {
	m.begin("documents")
	var last int64
	if err := m.tx.QueryRowContext(m.ctx, "SELECT coalesce(max(id), 0) FROM main.documents").Scan(&last); err != nil {
		return err
	}
	steps := []struct {
		q     string
		count *int
	}{
		// Document 0 is no document: events of an action over many (gold
		// decided across documents).
		{`INSERT INTO m_doc(oid, hid, added) VALUES (0, 0, 0)`, nil},
		{`INSERT INTO m_doc(oid, hid, added) SELECT od.id, d.id, 0
			FROM o.documents od JOIN main.documents d ON d.sha256 = od.sha256`, nil},
		{`INSERT INTO m_doc(oid, hid, added) SELECT id, ?1 + row_number() OVER (ORDER BY id), 1
			FROM o.documents od WHERE NOT EXISTS (SELECT 1 FROM main.documents d WHERE d.sha256 = od.sha256)`, &st.Documents},
		{`INSERT INTO main.documents(id, sha256, title, words, chars, external_id, source, format, url, imported_at, meta, text)
			SELECT m.hid, d.sha256, d.title, d.words, d.chars, d.external_id, d.source, d.format, d.url, d.imported_at, d.meta, d.text
			FROM m_doc m JOIN o.documents d ON d.id = m.oid WHERE m.added = 1 ORDER BY m.hid`, nil},
		{`INSERT INTO main.documents_fts(rowid, title, text) SELECT id, title, text FROM main.documents WHERE id > ?1`, nil},
	}
	for _, s := range steps {
		n, err := m.exec(s.q, last)
		if err != nil {
			return err
		}
		if s.count != nil {
			*s.count = n
		}
	}
	m.begin("pre-tags")
	if err := m.tx.QueryRowContext(m.ctx, "SELECT coalesce(max(id), 0) FROM main.suggested_spans").Scan(&m.soff); err != nil {
		return err
	}
	soff := m.soff
	steps = []struct {
		q     string
		count *int
	}{
		{`INSERT INTO m_pre(oid, hid) SELECT m.oid, m.hid FROM m_doc m JOIN o.pretag_runs r ON r.doc_id = m.oid
			WHERE NOT EXISTS (SELECT 1 FROM main.pretag_runs h WHERE h.doc_id = m.hid)`, &st.Pretagged},
		{`INSERT INTO main.pretag_runs(doc_id, engine, tagged_at, millis)
			SELECT p.hid, r.engine, r.tagged_at, r.millis FROM m_pre p JOIN o.pretag_runs r ON r.doc_id = p.oid ORDER BY p.hid`, nil},
		{`INSERT INTO main.suggested_targets(doc_id, ord, name, label, aliases)
			SELECT p.hid, t.ord, t.name, t.label, t.aliases FROM m_pre p JOIN o.suggested_targets t ON t.doc_id = p.oid
			ORDER BY p.hid, t.ord`, nil},
		// Suggested spans get the other's ids plus an offset past this
		// project's largest, so that spans seeded from them map by
		// arithmetic.
		{`INSERT INTO main.suggested_spans(id, doc_id, kind, start, end, label, target_ord, speaker_start, speaker_end, evidence)
			SELECT s.id + ?1, p.hid, s.kind, s.start, s.end, s.label, s.target_ord, s.speaker_start, s.speaker_end, s.evidence
			FROM m_pre p JOIN o.suggested_spans s ON s.doc_id = p.oid ORDER BY s.id`, nil},
		// In a document pre-tagged in both, a suggested span there is the
		// one here with the same place, kind and label (the first, should
		// there be two), if any.
		{`INSERT INTO m_sugg(oid, hid) SELECT os.id, min(hs.id)
			FROM m_doc d JOIN o.suggested_spans os ON os.doc_id = d.oid
			JOIN main.suggested_spans hs ON hs.doc_id = d.hid AND hs.start = os.start AND hs.end = os.end
			  AND hs.kind = os.kind AND hs.label = os.label
			WHERE d.oid NOT IN (SELECT oid FROM m_pre)
			GROUP BY os.id`, nil},
	}
	for _, s := range steps {
		n, err := m.exec(s.q, soff)
		if err != nil {
			return err
		}
		if s.count != nil {
			*s.count = n
		}
	}
	return nil
}
