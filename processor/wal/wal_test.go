package wal

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

func records(from, n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = []byte(fmt.Sprintf("record %d", from+i))
	}
	return out
}

func TestAppendReadTrimReopen(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	first, err := l.Append(records(1, 3))
	if err != nil || first != 1 {
		t.Fatalf("Append = %d, %v", first, err)
	}
	if first, err = l.Append(records(4, 2)); err != nil || first != 4 {
		t.Fatalf("second Append = %d, %v", first, err)
	}
	for i := uint64(1); i <= 5; i++ {
		if b, err := l.Read(i); err != nil || string(b) != fmt.Sprintf("record %d", i) {
			t.Fatalf("Read(%d) = %q, %v", i, b, err)
		}
	}
	if err := l.TrimThrough(2); err != nil {
		t.Fatal(err)
	}
	epoch := l.Epoch()
	if err := l.SetMeta("k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	// Reopen in the same process: the metadata store's lock was released.
	l, err = Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if f, la, err := l.Bounds(); err != nil || f != 3 || la != 5 {
		t.Fatalf("Bounds after trim and reopen = %d..%d, %v; want 3..5", f, la, err)
	}
	if l.Epoch() != epoch {
		t.Fatalf("a log reopened with records kept its epoch? %s -> %s", epoch, l.Epoch())
	}
	if v, err := l.GetMeta("k"); err != nil || string(v) != "v" {
		t.Fatalf("GetMeta = %q, %v", v, err)
	}
	if first, err := l.Append(records(6, 1)); err != nil || first != 6 {
		t.Fatalf("Append after reopen = %d, %v; want 6", first, err)
	}
}

// Issue 8: a batch's deduplication token is its epoch and index range. An
// index must never name two different records of one epoch: a log trimmed
// through its last record keeps that record (see TrimThrough), so its
// indexes go on after a reopen under the same epoch; a log opened empty
// starts a new epoch.
func TestIssue8_IndexesNeverRepeatWithinAnEpoch(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append(records(1, 2)); err != nil {
		t.Fatal(err)
	}
	if err := l.TrimThrough(2); err != nil {
		t.Fatal(err)
	}
	before := l.Epoch()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l, err = Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	first, err := l.Append(records(3, 1))
	if err != nil {
		t.Fatal(err)
	}
	if first != 3 || l.Epoch() != before {
		t.Fatalf("after a trim through the last record and a reopen: index %d of epoch %s; want index 3 of epoch %s", first, l.Epoch(), before)
	}
	other, err := Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if other.Epoch() == before {
		t.Fatalf("a new log has the epoch %s of another", before)
	}
}

// A torn tail (a crash in the middle of an append) is cut off on open: the
// records committed before it are all there.
func TestTornTailIsCutOff(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append(records(1, 3)); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	segs, _ := filepath.Glob(filepath.Join(dir, "*.wal"))
	sort.Strings(segs)
	if len(segs) == 0 {
		t.Fatal("no segment file")
	}
	tail := segs[len(segs)-1]
	f, err := os.OpenFile(tail, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Find the end of the committed data (the rest is preallocated zeros)
	// and write half a frame of garbage after it.
	data, _ := os.ReadFile(tail)
	end := len(bytes.TrimRight(data, "\x00"))
	if _, err := f.WriteAt([]byte{1, 0, 0, 0, 200, 0, 0, 0, 'x', 'y'}, int64(end+8-end%8)); err != nil {
		t.Fatal(err)
	}
	f.Close()
	l, err = Open(dir, nil)
	if err != nil {
		t.Fatalf("open with a torn tail: %v", err)
	}
	defer l.Close()
	if f, la, err := l.Bounds(); err != nil || f != 1 || la != 3 {
		t.Fatalf("Bounds = %d..%d, %v; want 1..3", f, la, err)
	}
	if first, err := l.Append(records(4, 1)); err != nil || first != 4 {
		t.Fatalf("Append after recovery = %d, %v", first, err)
	}
}
