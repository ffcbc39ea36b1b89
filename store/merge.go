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
	"strings"
	"time"

	"github.com/slant-annotate/slant/annotate"
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
	// The merge commits to the write-ahead log, where it is durable; the
	// log's pages are copied into the file by a checkpoint afterwards (see
	// Checkpoint), not at once by this commit.
	var autoCheckpoint int
	if err := conn.QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&autoCheckpoint); err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA wal_autocheckpoint = 0"); err != nil {
		return nil, err
	}
	defer conn.ExecContext(context.Background(), fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", autoCheckpoint))
	// Into an empty project the first file is copied whole: its pages are
	// then written once, straight into the file under a rollback journal
	// (as atomic), rather than into the write-ahead log and later again
	// into the file. That needs the file to itself: idle connections are
	// let go, and while anyone else has it open the merge stays in WAL
	// mode. The next open puts WAL mode back if this cannot.
	if empty, err := emptyFor(ctx, conn, srcs[0].alias); err == nil && empty {
		db.sql.SetMaxIdleConns(0)
		db.sql.SetMaxIdleConns(2)
		var mode string
		if err := conn.QueryRowContext(ctx, "PRAGMA main.journal_mode = DELETE").Scan(&mode); err == nil && mode == "delete" {
			defer func() {
				var back string
				if conn.QueryRowContext(context.Background(), "PRAGMA main.journal_mode = WAL").Scan(&back) != nil {
					return
				}
				// An empty checkpoint on this connection sets up the new
				// log; without it the next checkpoint (the window's, after
				// a merge) finds the database locked once.
				var busy, frames, done int
				conn.QueryRowContext(context.Background(), "PRAGMA main.wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &done)
			}()
		}
	}
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
