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
