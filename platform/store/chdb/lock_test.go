package chdb

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// holdLock takes dir's lock the way another process would (flock on its own
// open file description) and writes pid into it.
func holdLock(t *testing.T, dir string, pid string) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(pid); err != nil {
		t.Fatal(err)
	}
}

// Issue 7, item 14: opening a store another process has open says so, with
// its pid, instead of chDB's "Cannot lock file …/status".
func TestOpenStoreInUseByAnotherProcessNamesItsPID(t *testing.T) {
	dir := t.TempDir()
	holdLock(t, dir, "4242\n")
	_, err := Open(dir)
	var inUse *store.InUseError
	if !errors.As(err, &inUse) || inUse.PID != 4242 || inUse.Path != dir {
		t.Fatalf("Open of a locked store = %v, want *store.InUseError{%s, 4242}", err, dir)
	}
	if want := "the store " + dir + " is in use by a running Tributary (pid 4242)"; inUse.Error() != want {
		t.Errorf("message = %q, want %q", inUse.Error(), want)
	}
}

func TestOpenWritesPIDAndReleasesLockOnClose(t *testing.T) {
	dir := t.TempDir()
	e, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if pid := readPID(filepath.Join(dir, lockFile)); pid != os.Getpid() {
		t.Errorf("lock file pid = %d, want %d", pid, os.Getpid())
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	holdLock(t, dir, "1\n") // free again once the session is closed
}

// Issue 7, item 26: batch files left by a killed process are removed when a
// store is opened, and only those: a file another live process holds stays.
func TestAbandonedBatchFilesRemovedButHeldOnesKept(t *testing.T) {
	dir := t.TempDir()
	abandoned := filepath.Join(dir, "tributary-batch-123.native")
	oldLegacy := filepath.Join(dir, "tributary-insert-456.native")
	newLegacy := filepath.Join(dir, "tributary-insert-789.native")
	other := filepath.Join(dir, "unrelated.native")
	for _, p := range []string{abandoned, oldLegacy, newLegacy, other} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	past := time.Now().Add(-time.Hour)
	if err := os.Chtimes(oldLegacy, past, past); err != nil {
		t.Fatal(err)
	}
	held, err := createBatchFile(dir) // in flight in a live process
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()

	removeAbandonedBatchFiles(dir)

	for p, want := range map[string]bool{abandoned: false, oldLegacy: false, newLegacy: true, other: true, held.Name(): true} {
		if _, err := os.Stat(p); (err == nil) != want {
			t.Errorf("%s exists = %v, want %v", filepath.Base(p), err == nil, want)
		}
	}
}
