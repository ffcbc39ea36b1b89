package store

import "context"

// CountRows counts a table's rows (tests only).
func (db *DB) CountRows(ctx context.Context, table string) (int, error) {
	var n int
	err := db.sql.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n)
	return n, err
}

// DropDigests deletes every layer digest (tests only).
func (db *DB) DropDigests(ctx context.Context) error {
	_, err := db.sql.ExecContext(ctx, "DELETE FROM layer_digests")
	return err
}

// CorruptDigests overwrites every digest with bytes that do not decode
// (tests only; the triggers do not fire on layer_digests itself).
func (db *DB) CorruptDigests(ctx context.Context) error {
	_, err := db.sql.ExecContext(ctx, "UPDATE layer_digests SET data = x'02ff'")
	return err
}

// CorruptDocStats overwrites every stored document stat and its units
// with bytes that do not decode, without marking anything stale.
func (db *DB) CorruptDocStats(ctx context.Context) error {
	if _, err := db.sql.ExecContext(ctx, "UPDATE doc_stats SET data = x'02ff'"); err != nil {
		return err
	}
	_, err := db.sql.ExecContext(ctx, "UPDATE doc_units SET data = x'02ff'")
	return err
}

// JournalMode is the project's journal mode ("wal" while open).
func (db *DB) JournalMode(ctx context.Context) (string, error) {
	var mode string
	err := db.sql.QueryRowContext(ctx, "PRAGMA main.journal_mode").Scan(&mode)
	return mode, err
}
