package wal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	rfs "github.com/hashicorp/raft-wal/fs"
	"github.com/hashicorp/raft-wal/types"
)

// fullWhileReserved is a disk with no room while the log's reserve is on it.
type fullWhileReserved struct {
	*rfs.FS
	dir string
}

func (d fullWhileReserved) Create(dir, name string, size uint64) (types.WritableFile, error) {
	if _, err := os.Stat(filepath.Join(d.dir, reserveName)); err == nil {
		return nil, fmt.Errorf("preallocate %s: %w", name, syscall.ENOSPC)
	}
	return d.FS.Create(dir, name, size)
}

// Issue 8, disk full ("after space returns, nothing is missing"; the
// README: a restart on a completely full disk): a process killed while the
// disk was full must open its log again. The log keeps a reserve file and
// releases it when opening finds no room; it writes it again once it can.
func TestIssue8_LogOpensOnAFullDiskByReleasingItsReserve(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dir, reserveName)); err != nil || fi.Size() != reserveSize {
		t.Fatalf("after an open the reserve is %v, %v; want %d bytes", fi, err, reserveSize)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	// A new log on a disk that is full while the reserve is there: opening
	// needs a segment file.
	full := t.TempDir()
	if err := writeReserve(filepath.Join(full, reserveName)); err != nil {
		t.Fatal(err)
	}
	l, err = Open(full, nil, WithFS(fullWhileReserved{FS: rfs.New(), dir: full}))
	if err != nil {
		t.Fatalf("open on a full disk with a reserve: %v", err)
	}
	if _, err := l.Append(records(1, 3)); err != nil {
		t.Fatal(err)
	}
	readAll(t, l, 1, 3)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	// Without a reserve there is no room to make: the error says why.
	bare := t.TempDir()
	disk := &fullDisk{FS: rfs.New()}
	disk.full.Store(true)
	if _, err := Open(bare, nil, WithFS(disk)); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("open on a full disk without a reserve: %v, want ENOSPC", err)
	}
}
