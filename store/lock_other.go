//go:build !unix

package store

// fileLock is a no-op where flock is unavailable; SQLite's own locking still
// keeps the file consistent, but two writers are not told about each other.
type fileLock struct{}

func lockFile(string) (*fileLock, error) { return &fileLock{}, nil }

func (*fileLock) release() {}
