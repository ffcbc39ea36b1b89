// Package store keeps a Slant project in one SQLite file: embedded, numbered
// migrations tracked with PRAGMA user_version, WAL, foreign keys, and every
// write committed at once.
package store

import (
	"context"
	"database/sql"
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationSource is where migrations are read from; tests replace it.
var migrationSource fs.FS = migrationFiles

// applicationID marks a SQLite file as a Slant project ("SLNT").
const applicationID = 0x534C4E54

// Options say how to open a project.
type Options struct {
	// ReadOnly opens without taking the writer's lock and without creating
	// or migrating anything: for commands that only read, and for a second
	// window on a project that is already open.
	ReadOnly bool
}

// DB is an open project.
type DB struct {
	sql      *sql.DB
	path     string
	readOnly bool
	lock     *fileLock
	// damaged, once a check found the file damaged, refuses every write
	// from then on, so that nothing is written into a broken file.
	damaged atomic.Pointer[error]
}

// Common errors, for errors.Is.
var (
	ErrLocked   = errors.New("project is open for writing in another Slant")
	ErrNewer    = errors.New("project was made by a newer Slant")
	ErrNotFound = errors.New("not found")
	ErrReadOnly = errors.New("project is open read-only")
	ErrDamaged  = errors.New("project file is damaged; nothing more is written to it")
)

// Open opens the project at path, creating it (and its folder) if missing
// unless opts.ReadOnly. A project made by a newer Slant, a file that is not a
// Slant project, or a project another process has open for writing is
// refused with an error that says so.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open project %s: %w", path, err)
	}
	db := &DB{path: abs, readOnly: opts.ReadOnly}
	// Everything that can be refused is refused before anything is
	// created or changed: no folder, lock file or journal is left behind.
	if fi, err := os.Stat(abs); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("open project %s: it is a folder; give a project file (such as %s)", path, filepath.Join(path, "news.slant"))
	} else if opts.ReadOnly && err != nil {
		return nil, fmt.Errorf("open project %s: %w", path, err)
	}
	if err := checkHeader(abs); err != nil {
		return nil, err
	}
	if !opts.ReadOnly {
		// Projects hold articles, annotator names and labels: private to
		// their owner (SQLite gives its journal files the file's mode).
		if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
			return nil, fmt.Errorf("create project folder for %s: %w", path, err)
		}
		if f, err := os.OpenFile(abs, os.O_RDONLY|os.O_CREATE, 0o600); err == nil {
			f.Close()
		}
		if db.lock, err = lockFile(abs + "-lock"); err != nil {
			return nil, fmt.Errorf("open project %s: %w", path, err)
		}
	}
	db.sql, err = sql.Open("sqlite", dsn(abs, opts.ReadOnly))
	if err != nil {
		db.releaseLock()
		return nil, fmt.Errorf("open project %s: %w", path, err)
	}
	if err := db.init(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open project %s: %w", path, err)
	}
	return db, nil
}

// dsn builds the connection string: WAL so that readers never block the
// writer, synchronous=FULL so a committed label survives a power cut,
// busy_timeout so that a reader in another process waits instead of failing,
// and immediate transactions so two writers never deadlock.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	if readOnly {
		q.Add("mode", "ro")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_txlock", "immediate")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// checkHeader refuses a file that exists but is not SQLite, before SQLite
// gets a chance to report the vaguer "file is not a database".
func checkHeader(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open project %s: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, 100)
	n, _ := io.ReadFull(f, head)
	if n == 0 {
		return nil // an empty file becomes a new project
	}
	if n < 16 || string(head[:16]) != "SQLite format 3\x00" {
		return fmt.Errorf("open project %s: not a Slant project (not an SQLite file)", path)
	}
	// The header's user version (offset 60) and application id (68): an
	// SQLite file that is neither ours nor blank is another program's.
	if n == 100 {
		version := binary.BigEndian.Uint32(head[60:64])
		app := binary.BigEndian.Uint32(head[68:72])
		pages := binary.BigEndian.Uint32(head[28:32]) // a blank database has one
		if app != applicationID && (app != 0 || version != 0 || pages > 1) {
			return fmt.Errorf("open project %s: not a Slant project (another program's SQLite file); nothing was changed", path)
		}
	}
	return nil
}

func (db *DB) init(ctx context.Context) error {
	// One connection for writing keeps every write in order; readers in
	// read-only mode may use several.
	if !db.readOnly {
		db.sql.SetMaxOpenConns(1)
	}
	db.sql.SetMaxIdleConns(2)
	db.sql.SetConnMaxIdleTime(0)
	var appID, version int
	if err := db.sql.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return err
	}
	if err := db.sql.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return err
	}
	migrations, err := loadMigrations()
	if err != nil {
		return err
	}
	latest := len(migrations)
	if appID != applicationID && !(appID == 0 && version == 0) {
		return errors.New("not a Slant project (another program's SQLite file)")
	}
	if appID == 0 && version == 0 {
		var tables int
		if err := db.sql.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&tables); err != nil {
			return err
		}
		if tables > 0 {
			return errors.New("not a Slant project (an SQLite file with other tables)")
		}
	}
	if version > latest {
		return fmt.Errorf("%w (schema version %d; this Slant knows up to %d): update Slant to open it", ErrNewer, version, latest)
	}
	if version == latest {
		return nil
	}
	if db.readOnly {
		return fmt.Errorf("%w: it needs an upgrade (schema %d → %d); open it once for writing", ErrReadOnly, version, latest)
	}
	if version > 0 {
		backup := fmt.Sprintf("%s.v%d.bak", db.path, version)
		if err := snapshot(ctx, db.sql, backup); err != nil {
			return fmt.Errorf("back up before upgrading: %w", err)
		}
	}
	for _, m := range migrations[version:] {
		if err := db.apply(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationSource, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with its number", e.Name())
		}
		body, err := fs.ReadFile(migrationSource, "migrations/"+e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{v, e.Name(), string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected number %d", m.name, i+1)
		}
	}
	return ms, nil
}

// apply runs one migration and bumps user_version in the same transaction,
// so a crash leaves the project at the old version or the new, never between.
func (db *DB) apply(ctx context.Context, m migration) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", applicationID)); err != nil {
		return err
	}
	if m.version == 1 {
		now := time.Now().UTC().Format(time.RFC3339)
		if _, err := tx.ExecContext(ctx, "INSERT INTO settings(key, value) VALUES ('created_at', ?)", now); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// SchemaVersion reports the project's schema version.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.sql.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

// Path is the project file's absolute path.
func (db *DB) Path() string { return db.path }

// Name is the project's name: its file name without the extension.
func (db *DB) Name() string {
	return strings.TrimSuffix(filepath.Base(db.path), filepath.Ext(db.path))
}

// ReadOnly reports whether the project was opened read-only.
func (db *DB) ReadOnly() bool { return db.readOnly }

// Close closes the project and releases the writer's lock.
// Checkpoint copies the write-ahead log into the project file: a passive
// checkpoint, so readers and writers carry on meanwhile. A merge leaves
// this to be done afterwards (by this, or by Close), so that its commit
// does not also wait for the whole file to be written twice.
func (db *DB) Checkpoint(ctx context.Context) error {
	if _, err := db.sql.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)"); err != nil {
		return fmt.Errorf("checkpoint %s: %w", db.path, err)
	}
	return nil
}

func (db *DB) Close() error {
	var err error
	if db.sql != nil {
		err = db.sql.Close()
	}
	db.releaseLock()
	return err
}

func (db *DB) releaseLock() {
	if db.lock != nil {
		db.lock.release()
		db.lock = nil
	}
}

// writable returns ErrReadOnly for a read-only project.
func (db *DB) writable() error {
	if db.readOnly {
		return ErrReadOnly
	}
	if e := db.damaged.Load(); e != nil {
		return *e
	}
	return nil
}

// QuickCheck runs SQLite's quick check of the whole file through a
// connection of its own (the window's writes do not wait for it). When the
// file is damaged, every later write is refused with ErrDamaged, naming
// what is wrong and how to restore, and that error is returned.
func (db *DB) QuickCheck(ctx context.Context) error {
	reader, err := sql.Open("sqlite", dsn(db.path, true))
	if err != nil {
		return err
	}
	defer reader.Close()
	var problems []string
	rows, err := reader.QueryContext(ctx, "PRAGMA quick_check(10)")
	if err == nil {
		for rows.Next() {
			var msg string
			if rows.Scan(&msg) == nil && msg != "ok" {
				problems = append(problems, msg)
			}
		}
		err = rows.Err()
		rows.Close()
	}
	if err != nil && ctx.Err() == nil {
		problems = append(problems, err.Error())
	}
	if len(problems) == 0 {
		return nil
	}
	damaged := fmt.Errorf("%w (%s): restore the last good copy with: slant restore --db %s", ErrDamaged, strings.Join(problems, "; "), db.path)
	db.damaged.Store(&damaged)
	return damaged
}
