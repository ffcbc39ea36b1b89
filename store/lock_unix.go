//go:build unix

package store

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// fileLock is an advisory lock held for as long as a project is open for
// writing. The kernel drops it when the process dies, even by SIGKILL, so a
// crash never leaves a project locked.
type fileLock struct{ f *os.File }

func lockFile(path string) (*fileLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		owner := make([]byte, 32)
		n, _ := f.ReadAt(owner, 0)
		f.Close()
		if pid := strings.TrimSpace(string(owner[:n])); pid != "" {
			if _, perr := strconv.Atoi(pid); perr == nil {
				return nil, fmt.Errorf("%w (process %s); close it there, or open this one read-only", ErrLocked, pid)
			}
		}
		return nil, fmt.Errorf("%w; close it there, or open this one read-only", ErrLocked)
	}
	f.Truncate(0)
	f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return &fileLock{f}, nil
}

func (l *fileLock) release() {
	syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	l.f.Close()
}
