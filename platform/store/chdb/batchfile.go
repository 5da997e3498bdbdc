package chdb

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// batchFilePattern names the files Insert stages its batches in.
const batchFilePattern = "tributary-batch-*.native"

// legacyBatchFilePattern named them before they were locked; such a file
// cannot tell whether its process still runs, so it is removed only once it
// is older than legacyBatchFileAge (an insert takes seconds at most).
const (
	legacyBatchFilePattern = "tributary-insert-*.native"
	legacyBatchFileAge     = 10 * time.Minute
)

// createBatchFile creates a batch file in dir and holds an exclusive flock on
// it until it is closed: removeAbandonedBatchFiles, run by every process that
// opens a store, removes only files nobody holds, so two processes on one
// machine never delete each other's batch. A sweep can take a file between
// its creation and the flock; then the path no longer leads to the locked
// file, and a new one is made.
func createBatchFile(dir string) (*os.File, error) {
	for range 3 {
		f, err := os.CreateTemp(dir, batchFilePattern)
		if err != nil {
			return nil, err
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
			return nil, fmt.Errorf("lock %s: %w", f.Name(), err)
		}
		held, err1 := f.Stat()
		named, err2 := os.Stat(f.Name())
		if err1 == nil && err2 == nil && os.SameFile(held, named) {
			return f, nil
		}
		_ = f.Close() // removed by a sweep before we locked it
	}
	return nil, fmt.Errorf("create a batch file in %s: removed by another process three times", dir)
}

// removeAbandonedBatchFiles deletes the batch files in dir that no process
// holds: those of a process killed during an insert.
func removeAbandonedBatchFiles(dir string) {
	names, _ := filepath.Glob(filepath.Join(dir, batchFilePattern))
	legacy, _ := filepath.Glob(filepath.Join(dir, legacyBatchFilePattern))
	for _, name := range legacy {
		if st, err := os.Stat(name); err == nil && time.Since(st.ModTime()) > legacyBatchFileAge {
			names = append(names, name)
		}
	}
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			continue
		}
		if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
			_ = os.Remove(name) // while locked, so no creator can mistake it for its own
		}
		_ = f.Close()
	}
}
