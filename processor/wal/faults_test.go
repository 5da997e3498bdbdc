package wal

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"

	rfs "github.com/hashicorp/raft-wal/fs"
	"github.com/hashicorp/raft-wal/types"
)

// fullDisk is a file system whose space runs out on demand: a new segment
// file is then created but cannot be preallocated (the error a full disk
// gives, leaving the empty file behind, as the OS file system does), while
// segments already preallocated still take records.
type fullDisk struct {
	*rfs.FS
	full atomic.Bool
}

func (d *fullDisk) Create(dir, name string, size uint64) (types.WritableFile, error) {
	if d.full.Load() {
		f, err := os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_EXCL|os.O_RDWR, 0o644)
		if err == nil {
			_ = f.Close()
		}
		return nil, fmt.Errorf("preallocate %s: %w", name, syscall.ENOSPC)
	}
	return d.FS.Create(dir, name, size)
}

// failingMeta is a metadata store whose writes fail on demand.
type failingMeta struct {
	types.MetaStore
	fail *atomic.Bool
}

func (m failingMeta) CommitState(s types.PersistentState) error {
	if m.fail.Load() {
		return fmt.Errorf("commit metadata: %w", syscall.ENOSPC)
	}
	return m.MetaStore.CommitState(s)
}

func withFailingMeta(fail *atomic.Bool) Option {
	return func(o *options) {
		o.meta = func(m types.MetaStore) types.MetaStore { return failingMeta{MetaStore: m, fail: fail} }
	}
}

func readAll(t *testing.T, l *Log, from, to uint64) {
	t.Helper()
	for i := from; i <= to; i++ {
		b, err := l.Read(i)
		if err != nil || !bytes.HasPrefix(b, []byte(fmt.Sprintf("record %d", i))) {
			t.Fatalf("record %d: %q, %v", i, b, err)
		}
	}
}

// Issue 8, disk full: the log is trimmed of every record it holds while the
// disk has no room for a new segment, then takes more records (its segment
// is preallocated). They must all be there after a reopen. raft-wal, asked
// to remove every record, records a new segment in its metadata before it
// creates the file, and when the creation fails it goes on appending to the
// old file, which the next open deletes: acknowledged records lost.
func TestIssue8_TrimmedOfEveryRecordOnAFullDiskTheLogLosesNothing(t *testing.T) {
	dir := t.TempDir()
	disk := &fullDisk{FS: rfs.New()}
	l, err := Open(dir, nil, WithFS(disk))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append(records(1, 3)); err != nil {
		t.Fatal(err)
	}
	disk.full.Store(true)
	if err := l.TrimThrough(3); err != nil {
		t.Logf("trim on a full disk: %v", err)
	}
	if first, err := l.Append(records(4, 2)); err != nil || first != 4 {
		t.Fatalf("Append on a full disk into the preallocated segment = %d, %v", first, err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	disk.full.Store(false)
	l, err = Open(dir, nil, WithFS(disk))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if f, la, err := l.Bounds(); err != nil || f > 4 || la != 5 {
		t.Fatalf("Bounds after the reopen = %d..%d, %v; want the acknowledged records 4..5 in it", f, la, err)
	}
	readAll(t, l, 4, 5)
}

// Issue 8: the metadata write of a segment rotation fails (a full disk) or
// never happens (kill -9 between the append that sealed the segment and the
// rotation). Open completes the rotation: the log takes records again and
// every record is readable.
func TestIssue8_ARotationCutShortIsCompletedOnOpen(t *testing.T) {
	dir := t.TempDir()
	var metaFails atomic.Bool
	opts := []Option{WithSegmentSize(64 << 10), withFailingMeta(&metaFails)}
	l, err := Open(dir, nil, opts...)
	if err != nil {
		t.Fatal(err)
	}
	pad := bytes.Repeat([]byte{'.'}, 1000)
	rec := func(i uint64) [][]byte { return [][]byte{append([]byte(fmt.Sprintf("record %d", i)), pad...)} }
	metaFails.Store(true)
	n := uint64(0)
	for ; n < 200; n++ {
		if _, err := l.Append(rec(n + 1)); err != nil {
			if !errors.Is(err, types.ErrSealed) {
				t.Fatalf("Append %d: %v", n+1, err)
			}
			break
		}
	}
	if n == 200 {
		t.Fatal("the segment never filled")
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	metaFails.Store(false)
	l, err = Open(dir, nil, opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for i := n + 1; i <= n+100; i++ {
		if first, err := l.Append(rec(i)); err != nil || first != i {
			t.Fatalf("Append %d after the reopen = %d, %v", i, first, err)
		}
	}
	readAll(t, l, 1, n+100)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l, err = Open(dir, nil, opts...)
	if err != nil {
		t.Fatalf("open the completed log again: %v", err)
	}
	readAll(t, l, 1, n+100)
}
