package store

// Merging projects: bringing another project file's annotators, their
// layers, labels, statuses and events, and the documents this project lacks
// (with their pre-tags) into this one, in one transaction.
//
// The other file is attached read-only to the writer's connection and
// copied set-based (INSERT ... SELECT through temporary id-mapping tables),
// so that a 10,000-document project of three annotators merges in seconds.
// The rules (see MergeOptions and the README):
//
//   - Documents are matched by the SHA-256 of their text; a document this
//     project lacks is added, with its pre-tags. Pre-tags are also brought
//     for a document this project has but never pre-tagged.
//   - Annotators are matched by their random id (uid). An incoming annotator
//     whose name is taken here by a different person is refused, unless
//     MergeOptions.As renames them. The reserved annotator gold is matched
//     by name: gold work is brought only for documents where this project
//     has no gold work yet (adjudication here is never overwritten).
//   - Per (document, annotator): if this project has nothing of theirs on
//     the document, their work is copied with new ids. If it has, and it is
//     the same work (compared without ids), nothing happens; if it differs,
//     the version whose latest change is newer wins (a tie keeps this
//     project's), and the other is counted.
//   - Copied events keep the other project's row ids inside their changes:
//     they are history (audit, timing) and are marked merged_in, so undo and
//     redo never replay them. This project's events of a layer that a merge
//     replaced are marked replaced_in, for the same reason.
//   - A schema version with the same TOML text as one here is that version;
//     another version is stored, marked merged_in, so labels keep their
//     schema without changing which schema is current here (a project with
//     no schema yet takes the other's as current). A version whose task has
//     the same name as a task of the current schema here but another scope,
//     scale or label values is refused.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/schema"
)

// Errors a merge is refused with, for errors.Is (ErrNewer too).
var (
	ErrNotProject  = errors.New("not a Slant project")
	ErrSameProject = errors.New("cannot merge a project into itself")
	ErrNameClash   = errors.New("two different annotators have the same name")
	ErrSchemaClash = errors.New("a task of the same name has other labels")
)

// MaxMergeFiles is how many projects one merge can bring in at once (each
// is attached to the project's connection; SQLite allows ten databases).
const MaxMergeFiles = 9

// MergeOptions say how to merge.
type MergeOptions struct {
	// As renames the incoming annotator whose name is taken here by a
	// different person (another uid). It applies to one person only: if
	// more than one incoming annotator clashes, the merge is refused. Once
	// merged, that person is matched by uid, so running the same merge
	// again (with or without As) changes nothing.
	As string
	// Progress, if set, is called as each step of each file begins
	// (inside the transaction): file is the path as given.
	Progress func(file, step string)
}

// MergeStats is what merging one file did.
type MergeStats struct {
	File              string `json:"file"`
	Documents         int    `json:"documents_added"`
	Pretagged         int    `json:"pretags_added"` // documents whose pre-tags were brought
	Annotators        int    `json:"annotators_added"`
	AnnotatorsUpdated int    `json:"annotators_updated"` // when they first saw others' labels
	Renamed           string `json:"renamed,omitempty"`  // "bob → bob2", with As
	Schemas           int    `json:"schema_versions_added"`
	// Layers are (document, annotator) pairs the other project has work in.
	LayersAdded     int `json:"layers_added"`     // new here: copied
	LayersUpdated   int `json:"layers_updated"`   // different, and newer there: replaced
	LayersUnchanged int `json:"layers_unchanged"` // the same work in both
	LayersKept      int `json:"layers_kept"`      // different, and newer here (or gold here): kept
	Targets         int `json:"targets"`          // rows brought
	Spans           int `json:"spans"`
	Labels          int `json:"labels"`
	Statuses        int `json:"statuses"`
	Events          int `json:"events"`
	LabelsDropped   int `json:"labels_dropped"` // labels of a target or quote that no longer exists there
}

// Changed reports whether merging the file changed this project.
func (s MergeStats) Changed() bool {
	return s.Documents+s.Pretagged+s.Annotators+s.AnnotatorsUpdated+s.Schemas+s.LayersAdded+s.LayersUpdated > 0
}

// Add sums o into s (the file name is kept).
func (s *MergeStats) Add(o MergeStats) {
	s.Documents += o.Documents
	s.Pretagged += o.Pretagged
	s.Annotators += o.Annotators
	s.AnnotatorsUpdated += o.AnnotatorsUpdated
	if o.Renamed != "" {
		s.Renamed = o.Renamed
	}
	s.Schemas += o.Schemas
	s.LayersAdded += o.LayersAdded
	s.LayersUpdated += o.LayersUpdated
	s.LayersUnchanged += o.LayersUnchanged
	s.LayersKept += o.LayersKept
	s.Targets += o.Targets
	s.Spans += o.Spans
	s.Labels += o.Labels
	s.Statuses += o.Statuses
	s.Events += o.Events
	s.LabelsDropped += o.LabelsDropped
}

// Merge brings the project at otherPath into this one (see MergeAll).
func (db *DB) Merge(ctx context.Context, otherPath string, opts MergeOptions) (MergeStats, error) {
	st, err := db.MergeAll(ctx, []string{otherPath}, opts)
	if err != nil {
		return MergeStats{}, err
	}
	return st[0], nil
}

// MergeAll brings the projects at paths into this one, in one transaction:
// after an error, a cancelled ctx or a crash the project is exactly as it
// was. The other files are opened read-only and never changed; one from an
// older Slant is copied to a temporary file and upgraded there first. A
// file that is not a Slant project, one from a newer Slant, this project
// itself, a name clash between two people, or a task of the same name with
// other labels is refused with an error naming the file.
func (db *DB) MergeAll(ctx context.Context, paths []string, opts MergeOptions) ([]MergeStats, error) {
	if err := db.writable(); err != nil {
		return nil, fmt.Errorf("merge into %s: %w", db.path, err)
	}
	if len(paths) == 0 {
		return nil, errors.New("merge: no project to merge")
	}
	if len(paths) > MaxMergeFiles {
		return nil, fmt.Errorf("merge: at most %d projects at once (%d given); merge the rest in another run", MaxMergeFiles, len(paths))
	}
	if opts.As != "" {
		opts.As = strings.TrimSpace(opts.As)
		if opts.As == "" {
			return nil, errors.New("merge: --as needs a name")
		}
		if strings.EqualFold(opts.As, annotate.GoldAnnotator) {
			return nil, fmt.Errorf("merge: --as %s: %q is reserved for adjudicated labels: %w", opts.As, opts.As, ErrReservedName)
		}
	}
	var srcs []*mergeSource
	defer func() {
		for _, s := range srcs {
			s.cleanup()
		}
	}()
	for _, p := range paths {
		s, err := db.prepareMerge(ctx, p)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, s)
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	for i, s := range srcs {
		uri := "file:" + (&url.URL{Path: s.attach}).EscapedPath() + "?mode=ro"
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("ATTACH DATABASE ? AS o%d", i), uri); err != nil {
			return nil, fmt.Errorf("merge %s: open it read-only: %w", s.given, err)
		}
		s.alias = fmt.Sprintf("o%d", i)
		// Read the other file through a memory map: no read call and no
		// cached copy per page.
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA o%d.mmap_size = %d", i, int64(1)<<40)); err != nil {
			return nil, fmt.Errorf("merge %s: %w", s.given, err)
		}
	}
	defer func() {
		// Detached even when ctx was cancelled: the connection goes back
		// to the pool.
		for _, s := range srcs {
			if s.alias != "" {
				conn.ExecContext(context.Background(), "DETACH DATABASE "+s.alias)
			}
		}
	}()
	// Foreign keys are not checked row by row during the merge: every id
	// it writes comes from a mapping of rows it has just written or found,
	// and checking each span's document, annotator and target would read
	// back pages of the documents just copied (half the merge's time).
	if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
		return nil, err
	}
	defer conn.ExecContext(context.Background(), "PRAGMA foreign_keys = ON")
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var stats []MergeStats
	m := &merger{ctx: ctx, tx: tx, opts: opts, here: db.path}
	// Layer digests are dropped per layer the merge changes, not per row
	// by the triggers (see m.merge).
	if err := withoutDigestTriggers(ctx, tx, func() error {
		for _, s := range srcs {
			st, err := m.merge(s)
			m.dropTemp()
			if err != nil {
				return err
			}
			stats = append(stats, st)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	return stats, nil
}

// mergeSource is one file to merge.
type mergeSource struct {
	given   string // the path as given
	abs     string
	attach  string // the file attached: abs, or an upgraded copy
	tmpDir  string
	created string
	alias   string
}

func (s *mergeSource) cleanup() {
	if s.tmpDir != "" {
		os.RemoveAll(s.tmpDir)
	}
}

// prepareMerge checks that path is a Slant project this Slant can read and
// not this project, and upgrades a copy of one from an older Slant.
func (db *DB) prepareMerge(ctx context.Context, path string) (*mergeSource, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("merge %s: %w", path, err)
	}
	s := &mergeSource{given: path, abs: abs, attach: abs}
	fi, err := os.Stat(abs)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("merge %s: no such file", path)
		}
		return nil, fmt.Errorf("merge %s: %w", path, err)
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("merge %s: %w (a folder)", path, ErrNotProject)
	}
	if here, err := os.Stat(db.path); err == nil && os.SameFile(here, fi) {
		return nil, fmt.Errorf("merge %s: %w: it is this project (%s)", path, ErrSameProject, db.path)
	}
	f, err := os.Open(abs)
	if err != nil {
		return nil, fmt.Errorf("merge %s: %w", path, err)
	}
	head := make([]byte, 16)
	n, _ := io.ReadFull(f, head)
	f.Close()
	if n == 0 {
		return nil, fmt.Errorf("merge %s: %w (an empty file)", path, ErrNotProject)
	}
	if string(head[:n]) != "SQLite format 3\x00" {
		return nil, fmt.Errorf("merge %s: %w (not an SQLite file)", path, ErrNotProject)
	}
	raw, err := sql.Open("sqlite", dsn(abs, true))
	if err != nil {
		return nil, fmt.Errorf("merge %s: %w", path, err)
	}
	defer raw.Close()
	var appID, version int
	if err := raw.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return nil, fmt.Errorf("merge %s: %w (%v)", path, ErrNotProject, err)
	}
	if err := raw.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return nil, fmt.Errorf("merge %s: %w (%v)", path, ErrNotProject, err)
	}
	ms, err := loadMigrations()
	if err != nil {
		return nil, err
	}
	latest := len(ms)
	if appID != applicationID || version == 0 {
		return nil, fmt.Errorf("merge %s: %w (another program's SQLite file)", path, ErrNotProject)
	}
	if version > latest {
		return nil, fmt.Errorf("merge %s: %w (schema version %d; this Slant knows up to %d): update Slant to merge it", path, ErrNewer, version, latest)
	}
	if version < latest {
		// An older project: upgrade a copy, never the file itself.
		s.tmpDir, err = os.MkdirTemp("", "slant-merge-")
		if err != nil {
			return nil, fmt.Errorf("merge %s: %w", path, err)
		}
		s.attach = filepath.Join(s.tmpDir, "upgraded.slant")
		if _, err := raw.ExecContext(ctx, "VACUUM INTO ?", s.attach); err != nil {
			s.cleanup()
			return nil, fmt.Errorf("merge %s: copy it to upgrade it (schema %d → %d): %w", path, version, latest, err)
		}
		up, err := Open(ctx, s.attach, Options{})
		if err != nil {
			s.cleanup()
			return nil, fmt.Errorf("merge %s: upgrade a copy (schema %d → %d): %w", path, version, latest, err)
		}
		if err := up.Close(); err != nil {
			s.cleanup()
			return nil, fmt.Errorf("merge %s: %w", path, err)
		}
	}
	raw.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = 'created_at'").Scan(&s.created)
	return s, nil
}

// merger runs the merge of each file inside one transaction.
type merger struct {
	ctx   context.Context
	tx    *sql.Tx
	opts  MergeOptions
	here  string
	asUID string // the uid of the annotator As renamed
	soff  int64  // the offset of the suggested spans' ids this merge copied
	src   *mergeSource
	step  string
}

// exec runs one statement of the merge, with o. standing for the file's
// alias, and returns the rows it changed.
func (m *merger) exec(q string, args ...any) (int, error) {
	q = m.rewrite(q)
	if !strings.Contains(q, "?") {
		args = nil
	}
	res, err := m.tx.ExecContext(m.ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("merge %s (%s): %w", m.src.given, m.step, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// otherTable finds "o." standing for the other project's database.
var otherTable = regexp.MustCompile(`\bo\.`)

// rewrite puts the file's alias for "o." in q.
func (m *merger) rewrite(q string) string {
	return otherTable.ReplaceAllString(q, m.src.alias+".")
}

func (m *merger) query(q string, args ...any) (*sql.Rows, error) {
	q = m.rewrite(q)
	rows, err := m.tx.QueryContext(m.ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("merge %s (%s): %w", m.src.given, m.step, err)
	}
	return rows, nil
}

func (m *merger) begin(step string) {
	m.step = step
	if m.opts.Progress != nil {
		m.opts.Progress(m.src.given, step)
	}
}

var mergeTemps = []string{"m_schema", "m_ann", "m_doc", "m_pre", "m_sugg", "m_pair",
	"h_ev", "fx_t", "fx_s", "fx_l", "fx_e", "fp_h", "fp_o"}

func (m *merger) dropTemp() {
	for _, t := range mergeTemps {
		m.tx.ExecContext(context.Background(), "DROP TABLE IF EXISTS temp."+t)
	}
}

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
	"suggested_spans", "layers", "layer_targets", "layer_spans", "labels", "doc_status", "events", "layer_digests"}

// empty reports whether this project holds nothing that a merge copies.
func (m *merger) empty() (bool, error) {
	var parts []string
	for _, t := range copied {
		parts = append(parts, "EXISTS (SELECT 1 FROM main."+t+")")
	}
	var any bool
	if err := m.tx.QueryRowContext(m.ctx, "SELECT "+strings.Join(parts, " OR ")).Scan(&any); err != nil {
		return false, fmt.Errorf("merge %s: %w", m.src.given, err)
	}
	return !any, nil
}

// copyAll copies every table of the other project into this empty one,
// ids and all.
func (m *merger) copyAll(st *MergeStats) error {
	counts := map[string]*int{"annotators": &st.Annotators, "schemas": &st.Schemas, "documents": &st.Documents,
		"pretag_runs": &st.Pretagged, "layers": &st.LayersAdded, "layer_targets": &st.Targets, "layer_spans": &st.Spans,
		"labels": &st.Labels, "doc_status": &st.Statuses, "events": &st.Events}
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
	err := m.tx.QueryRowContext(m.ctx, `SELECT count(*) FROM (SELECT doc_id, annotator_id FROM main.layers
		UNION SELECT doc_id, annotator_id FROM main.layer_targets UNION SELECT doc_id, annotator_id FROM main.layer_spans
		UNION SELECT doc_id, annotator_id FROM main.labels UNION SELECT doc_id, annotator_id FROM main.doc_status
		UNION SELECT doc_id, annotator_id FROM main.events)`).Scan(&n)
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

// pairs lists the (document, annotator) pairs the other project has
// anything of, and marks those this project has nothing of (action 1).
func (m *merger) pairs() error {
	m.begin("layers")
	for _, q := range []string{
		`INSERT INTO m_pair(odoc, oann, hdoc, hann, gold)
		SELECT p.doc_id, p.annotator_id, d.hid, a.hid, a.gold FROM (
			SELECT doc_id, annotator_id FROM o.layers
			UNION SELECT doc_id, annotator_id FROM o.layer_targets
			UNION SELECT doc_id, annotator_id FROM o.layer_spans
			UNION SELECT doc_id, annotator_id FROM o.labels
			UNION SELECT doc_id, annotator_id FROM o.doc_status
			UNION SELECT doc_id, annotator_id FROM o.events WHERE replaced_in IS NULL) p
		JOIN m_doc d ON d.oid = p.doc_id JOIN m_ann a ON a.oid = p.annotator_id
		ORDER BY p.doc_id, p.annotator_id`,
		// pre: the document's pre-tags came with this merge, so its
		// suggested spans' ids are the other's plus an offset.
		"UPDATE m_pair SET pre = 1 WHERE odoc IN (SELECT oid FROM m_pre)",
		// Covering: copying a row finds everything it needs here.
		"CREATE UNIQUE INDEX temp.m_pair_o ON m_pair(odoc, oann, action, hdoc, hann, pre)",
		`CREATE TEMP TABLE h_ev AS SELECT DISTINCT doc_id, annotator_id FROM main.events
			WHERE replaced_in IS NULL AND annotator_id IN (SELECT DISTINCT hann FROM m_pair)`,
		"CREATE INDEX temp.h_ev_i ON h_ev(doc_id, annotator_id)",
		`UPDATE m_pair SET action = 1 WHERE
			NOT EXISTS (SELECT 1 FROM main.layers x WHERE x.doc_id = hdoc AND x.annotator_id = hann) AND
			NOT EXISTS (SELECT 1 FROM main.layer_targets x WHERE x.doc_id = hdoc AND x.annotator_id = hann) AND
			NOT EXISTS (SELECT 1 FROM main.layer_spans x WHERE x.doc_id = hdoc AND x.annotator_id = hann) AND
			NOT EXISTS (SELECT 1 FROM main.labels x WHERE x.doc_id = hdoc AND x.annotator_id = hann) AND
			NOT EXISTS (SELECT 1 FROM main.doc_status x WHERE x.doc_id = hdoc AND x.annotator_id = hann) AND
			NOT EXISTS (SELECT 1 FROM h_ev x WHERE x.doc_id = hdoc AND x.annotator_id = hann)`,
	} {
		if _, err := m.exec(q); err != nil {
			return err
		}
	}
	return nil
}

// suggestion is the SQL for the suggested span here of the other's span s
// in pair p (NULL if none).
func (m *merger) suggestion(p, s string) string {
	return fmt.Sprintf("(CASE WHEN %[1]s.pre = 1 THEN %[2]s.suggestion_id + %[3]d ELSE (SELECT hid FROM m_sugg WHERE oid = %[2]s.suggestion_id) END)", p, s, m.soff)
}

// compare decides, for each pair both projects have work in, whether the
// work is the same (action 3), to be replaced by the other's newer work
// (2), or kept (4). Work is compared without ids: targets and spans by their
// order in the layer, labels by the unit they label, suggestions by what
// they suggest.
func (m *merger) compare() error {
	var n int
	if err := m.tx.QueryRowContext(m.ctx, "SELECT count(*) FROM m_pair WHERE action = 0").Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	m.begin("compare")
	type side struct {
		db, doc, ann, sugg, sv, fp string
	}
	for _, s := range []side{
		// Suggestions compare by their id here: the other's mapped as a
		// copy would map it.
		{"main", "hdoc", "hann", "s.suggestion_id", "l.schema_version", "fp_h"},
		{"o", "odoc", "oann", m.suggestion("p", "s"),
			"coalesce((SELECT hv FROM m_schema WHERE ov = l.schema_version), l.schema_version)", "fp_o"},
	} {
		r := strings.NewReplacer("S.", s.db+".", "DOC", s.doc, "ANN", s.ann, "SUGG", s.sugg, "SV", s.sv, "FP", s.fp)
		for _, q := range []string{
			"DROP TABLE IF EXISTS temp.fx_t", "DROP TABLE IF EXISTS temp.fx_s", "DROP TABLE IF EXISTS temp.fx_l", "DROP TABLE IF EXISTS temp.fx_e",
			`CREATE TEMP TABLE fx_t AS SELECT p.id AS pid, t.id AS tid, row_number() OVER (PARTITION BY p.id ORDER BY t.id) AS r,
				t.name, t.label, t.suggested_ord, t.deleted
				FROM m_pair p JOIN S.layer_targets t ON t.doc_id = p.DOC AND t.annotator_id = p.ANN WHERE p.action = 0`,
			"CREATE INDEX temp.fx_t_tid ON fx_t(tid)",
			"CREATE INDEX temp.fx_t_pid ON fx_t(pid, r)",
			`CREATE TEMP TABLE fx_s AS SELECT p.id AS pid, s.id AS sid, row_number() OVER (PARTITION BY p.id ORDER BY s.id) AS r,
				s.kind||'|'||s.start||'|'||s.end||'|'||s.label||'|'||ifnull(t.r, '-')||'|'||ifnull(s.speaker_start, '-')||'|'||
				ifnull(s.speaker_end, '-')||'|'||ifnull(SUGG, '-')||'|'||s.decision||'|'||ifnull(s.cue_start, '-')||'|'||
				ifnull(s.cue_end, '-')||'|'||ifnull(s.fragments, '-') AS fp
				FROM m_pair p JOIN S.layer_spans s ON s.doc_id = p.DOC AND s.annotator_id = p.ANN
				LEFT JOIN fx_t t ON t.tid = s.target_id AND t.pid = p.id
				WHERE p.action = 0`,
			"CREATE INDEX temp.fx_s_sid ON fx_s(sid)",
			"CREATE INDEX temp.fx_s_pid ON fx_s(pid, r)",
			`CREATE TEMP TABLE fx_l AS SELECT pid, task, unit, fp FROM (SELECT p.id AS pid, l.task,
				CASE WHEN l.unit GLOB 't[0-9]*' THEN 't'||t.r WHEN l.unit GLOB 'q[0-9]*' THEN 'q'||q.r ELSE l.unit END AS unit,
				l.value||'|'||ifnull(w.r, '-')||'|'||SV||'|'||l.updated_at AS fp
				FROM m_pair p JOIN S.labels l ON l.doc_id = p.DOC AND l.annotator_id = p.ANN
				LEFT JOIN fx_t t ON l.unit GLOB 't[0-9]*' AND t.tid = CAST(substr(l.unit, 2) AS INTEGER) AND t.pid = p.id
				LEFT JOIN fx_s q ON l.unit GLOB 'q[0-9]*' AND q.sid = CAST(substr(l.unit, 2) AS INTEGER) AND q.pid = p.id
				LEFT JOIN fx_t w ON w.tid = l.towards AND w.pid = p.id
				WHERE p.action = 0) WHERE unit IS NOT NULL`,
			"CREATE INDEX temp.fx_l_pid ON fx_l(pid, task, unit)",
			`CREATE TEMP TABLE fx_e AS SELECT doc_id, annotator_id, max(julianday(at)) AS at FROM S.events
				WHERE replaced_in IS NULL AND annotator_id IN (SELECT ANN FROM m_pair WHERE action = 0)
				GROUP BY doc_id, annotator_id`,
			"CREATE INDEX temp.fx_e_i ON fx_e(doc_id, annotator_id)",
			`CREATE TEMP TABLE FP AS SELECT p.id AS pid,
				coalesce((SELECT group_concat(r||'|'||name||'|'||label||'|'||ifnull(suggested_ord, '-')||'|'||deleted, char(30) ORDER BY r)
					FROM fx_t WHERE pid = p.id), '')||char(29)||
				coalesce((SELECT group_concat(fp, char(30) ORDER BY r) FROM fx_s WHERE pid = p.id), '')||char(29)||
				coalesce((SELECT group_concat(task||'|'||unit||'|'||fp, char(30) ORDER BY task, unit) FROM fx_l WHERE pid = p.id), '')||char(29)||
				coalesce((SELECT status||'|'||updated_at||'|'||seconds FROM S.doc_status WHERE doc_id = p.DOC AND annotator_id = p.ANN), '') AS fp,
				max(coalesce((SELECT max(julianday(updated_at)) FROM S.labels WHERE doc_id = p.DOC AND annotator_id = p.ANN), 0),
					coalesce((SELECT julianday(updated_at) FROM S.doc_status WHERE doc_id = p.DOC AND annotator_id = p.ANN), 0),
					coalesce((SELECT julianday(seeded_at) FROM S.layers WHERE doc_id = p.DOC AND annotator_id = p.ANN), 0),
					coalesce((SELECT at FROM fx_e WHERE doc_id = p.DOC AND annotator_id = p.ANN), 0)) AS latest
				FROM m_pair p WHERE p.action = 0`,
			"CREATE UNIQUE INDEX temp.FP_pid ON FP(pid)",
		} {
			if _, err := m.exec(r.Replace(q)); err != nil {
				return err
			}
		}
	}
	_, err := m.exec(`UPDATE m_pair SET action = (SELECT CASE
			WHEN h.fp = x.fp THEN 3
			WHEN m_pair.gold = 0 AND x.latest > h.latest THEN 2
			ELSE 4 END
		FROM fp_h h JOIN fp_o x ON x.pid = h.pid WHERE h.pid = m_pair.id)
		WHERE action = 0`)
	return err
}

// copyLayers replaces this project's layers that lost to newer work there,
// and copies every layer that is new here, with new ids.
func (m *merger) copyLayers(st *MergeStats, mergeID int64) error {
	rows, err := m.query("SELECT action, count(*) FROM m_pair GROUP BY action")
	if err != nil {
		return err
	}
	for rows.Next() {
		var action, n int
		if err := rows.Scan(&action, &n); err != nil {
			rows.Close()
			return err
		}
		switch action {
		case 1:
			st.LayersAdded = n
		case 2:
			st.LayersUpdated = n
		case 3:
			st.LayersUnchanged = n
		case 4:
			st.LayersKept = n
		}
	}
	rows.Close()
	if st.LayersUpdated > 0 {
		m.begin("replace")
		const pairs = "(doc_id, annotator_id) IN (SELECT hdoc, hann FROM m_pair WHERE action = 2)"
		for _, q := range []string{
			"DELETE FROM main.labels WHERE " + pairs,
			"DELETE FROM main.layer_spans WHERE " + pairs,
			"DELETE FROM main.layer_targets WHERE " + pairs,
			"DELETE FROM main.doc_status WHERE " + pairs,
			"DELETE FROM main.layers WHERE " + pairs,
		} {
			if _, err := m.exec(q); err != nil {
				return err
			}
		}
		if _, err := m.exec("UPDATE main.events SET replaced_in = ? WHERE replaced_in IS NULL AND "+pairs, mergeID); err != nil {
			return err
		}
	}
	if st.LayersAdded+st.LayersUpdated == 0 {
		return nil
	}
	m.begin("copy")
	// New ids are the other's plus an offset past this project's largest,
	// so a reference (a span's target, a label's unit) is mapped by
	// arithmetic, not looked up; ids keep their order.
	var toff, soff int64
	if err := m.tx.QueryRowContext(m.ctx, "SELECT coalesce(max(id), 0) FROM main.layer_targets").Scan(&toff); err != nil {
		return err
	}
	if err := m.tx.QueryRowContext(m.ctx, "SELECT coalesce(max(id), 0) FROM main.layer_spans").Scan(&soff); err != nil {
		return err
	}
	const copying = "p.action IN (1, 2)"
	steps := []struct {
		step, q string
		args    []any
		count   *int
	}{
		{"copy", `INSERT INTO main.layers(doc_id, annotator_id, seeded_at, engine)
			SELECT p.hdoc, p.hann, l.seeded_at, l.engine FROM m_pair p JOIN o.layers l ON l.doc_id = p.odoc AND l.annotator_id = p.oann
			WHERE ` + copying + ` ORDER BY p.hdoc, p.hann`, nil, nil},
		{"targets", `INSERT INTO main.layer_targets(id, doc_id, annotator_id, name, label, suggested_ord, deleted)
			SELECT t.id + ?1, p.hdoc, p.hann, t.name, t.label, t.suggested_ord, t.deleted
			FROM o.layer_targets t JOIN m_pair p ON p.odoc = t.doc_id AND p.oann = t.annotator_id
			WHERE ` + copying + ` ORDER BY t.id`, []any{toff}, &st.Targets},
		// A span's target is in its own layer, copied with it.
		{"spans", `INSERT INTO main.layer_spans(id, doc_id, annotator_id, kind, start, end, label, target_id, speaker_start, speaker_end,
				suggestion_id, decision, cue_start, cue_end, fragments)
			SELECT s.id + ?2, p.hdoc, p.hann, s.kind, s.start, s.end, s.label, s.target_id + ?1, s.speaker_start, s.speaker_end,
				` + m.suggestion("p", "s") + `, s.decision, s.cue_start, s.cue_end, s.fragments
			FROM o.layer_spans s JOIN m_pair p ON p.odoc = s.doc_id AND p.oann = s.annotator_id
			WHERE ` + copying + ` ORDER BY s.id`, []any{toff, soff}, &st.Spans},
		// A label of a target or quote that is not in its layer there (a
		// quote since deleted) is not brought.
		{"labels", `INSERT INTO main.labels(doc_id, annotator_id, task, unit, value, towards, schema_version, updated_at)
			SELECT p.hdoc, p.hann, l.task,
				CASE WHEN l.unit GLOB 't[0-9]*' THEN 't'||(t.id + ?1) WHEN l.unit GLOB 'q[0-9]*' THEN 'q'||(q.id + ?2) ELSE l.unit END,
				l.value, w.id + ?1, coalesce(v.hv, l.schema_version), l.updated_at
			FROM m_pair p JOIN o.labels l ON l.doc_id = p.odoc AND l.annotator_id = p.oann
			LEFT JOIN o.layer_targets t ON l.unit GLOB 't[0-9]*' AND t.id = CAST(substr(l.unit, 2) AS INTEGER)
				AND t.doc_id = l.doc_id AND t.annotator_id = l.annotator_id
			LEFT JOIN o.layer_spans q ON l.unit GLOB 'q[0-9]*' AND q.id = CAST(substr(l.unit, 2) AS INTEGER)
				AND q.doc_id = l.doc_id AND q.annotator_id = l.annotator_id
			LEFT JOIN o.layer_targets w ON w.id = l.towards AND w.doc_id = l.doc_id AND w.annotator_id = l.annotator_id
			LEFT JOIN m_schema v ON v.ov = l.schema_version
			WHERE ` + copying + ` AND NOT (l.unit GLOB 't[0-9]*' AND t.id IS NULL) AND NOT (l.unit GLOB 'q[0-9]*' AND q.id IS NULL)
			ORDER BY p.hdoc, p.hann`, []any{toff, soff}, &st.Labels},
		{"statuses", `INSERT INTO main.doc_status(doc_id, annotator_id, status, updated_at, seconds)
			SELECT p.hdoc, p.hann, s.status, s.updated_at, s.seconds FROM m_pair p
			JOIN o.doc_status s ON s.doc_id = p.odoc AND s.annotator_id = p.oann WHERE ` + copying + ` ORDER BY p.hdoc, p.hann`, nil, &st.Statuses},
		{"events", `INSERT INTO main.events(annotator_id, doc_id, at, action, changes, undone, by_annotator, merged_in)
			SELECT p.hann, p.hdoc, e.at, e.action, e.changes, e.undone, b.hid, ?1
			FROM o.events e JOIN m_pair p ON p.odoc = e.doc_id AND p.oann = e.annotator_id
			LEFT JOIN m_ann b ON b.oid = e.by_annotator
			WHERE ` + copying + ` AND e.replaced_in IS NULL ORDER BY e.id`, []any{mergeID}, &st.Events},
	}
	for _, s := range steps {
		if s.step != m.step {
			m.begin(s.step)
		}
		n, err := m.exec(s.q, s.args...)
		if err != nil {
			return err
		}
		if s.count != nil {
			*s.count = n
		}
	}
	var all int
	if err := m.tx.QueryRowContext(m.ctx, m.rewrite(`SELECT count(*) FROM m_pair p JOIN o.labels l
		ON l.doc_id = p.odoc AND l.annotator_id = p.oann WHERE `+copying)).Scan(&all); err != nil {
		return err
	}
	st.LabelsDropped = all - st.Labels
	return nil
}

// Merges lists the merges recorded in this project, oldest first.
func (db *DB) Merges(ctx context.Context) ([]MergeRecord, error) {
	rows, err := db.sql.QueryContext(ctx, "SELECT id, source, source_created, at, summary FROM merges ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MergeRecord
	for rows.Next() {
		var r MergeRecord
		var summary, at string
		if err := rows.Scan(&r.ID, &r.Source, &r.SourceCreated, &at, &summary); err != nil {
			return nil, err
		}
		r.At, _ = time.Parse(time.RFC3339Nano, at)
		if err := json.Unmarshal([]byte(summary), &r.Stats); err != nil {
			return nil, fmt.Errorf("merge %d: summary %q: %w", r.ID, summary, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// MergeRecord is one recorded merge.
type MergeRecord struct {
	ID            int64
	Source        string // the merged file's absolute path
	SourceCreated string // when that project was created
	At            time.Time
	Stats         MergeStats
}
