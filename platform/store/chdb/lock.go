package chdb

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// lockFile is the file in the data directory whose flock marks the process
// that has the store open; it holds that process's pid.
const lockFile = "tributary.lock"

// lockDir takes the lock of the data directory dir. It fails with a
// *store.InUseError naming the owner's pid when another process holds it.
// The lock lasts until the returned file is closed or the process exits
// (the kernel releases it even after kill -9).
func lockDir(dir string) (*os.File, error) {
	path := filepath.Join(dir, lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("chdb: lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &store.InUseError{Path: dir, PID: readPID(path)}
		}
		return nil, fmt.Errorf("chdb: lock %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return f, nil
}

// readPID returns the pid written in a lock file, 0 when unknown.
func readPID(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0
	}
	return pid
}
