package walqueue

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	rfs "github.com/hashicorp/raft-wal/fs"
	"github.com/hashicorp/raft-wal/types"

	"github.com/tributary-lrs/tributary/processor/wal"
	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// faultyDisk is the log's file system with faults on demand: full makes
// every write and every new segment fail with ENOSPC; unopenable makes
// opening a segment for writing fail too, so the log cannot be reopened.
type faultyDisk struct {
	*rfs.FS
	full, unopenable atomic.Bool
}

func (d *faultyDisk) Create(dir, name string, size uint64) (types.WritableFile, error) {
	if d.full.Load() {
		return nil, fmt.Errorf("create %s: %w", name, syscall.ENOSPC)
	}
	f, err := d.FS.Create(dir, name, size)
	return faultyFile{WritableFile: f, d: d}, err
}

func (d *faultyDisk) OpenWriter(dir, name string) (types.WritableFile, error) {
	if d.unopenable.Load() {
		return nil, fmt.Errorf("open %s: %w", name, syscall.EIO)
	}
	f, err := d.FS.OpenWriter(dir, name)
	return faultyFile{WritableFile: f, d: d}, err
}

type faultyFile struct {
	types.WritableFile
	d *faultyDisk
}

func (f faultyFile) WriteAt(p []byte, off int64) (int, error) {
	if f.d.full.Load() {
		return 0, syscall.ENOSPC
	}
	return f.WritableFile.WriteAt(p, off)
}

func onDisk(d *faultyDisk) Options { return Options{logOptions: []wal.Option{wal.WithFS(d)}} }

// Issue 8, disk full: "clients get 503 [...] rather than an ack that can be
// lost; [...] after space returns, nothing is missing." An append that fails
// answers 503 (store.ErrUnavailable), stores nothing of its request, and
// leaves the statements acknowledged before it readable by id and on their
// way to the store without waiting for another write: the log is reopened
// at once, not by the next request.
func TestIssue8_AFailedAppendLeavesTheLogReadableAndDraining(t *testing.T) {
	disk := &faultyDisk{FS: rfs.New()}
	rec := &recorder{}
	opt := onDisk(disk)
	opt.BatchAge = 300 * time.Millisecond // the drainer starts on acked after the failure
	opt.RetryMin, opt.RetryMax = 10*time.Millisecond, 10*time.Second
	q := open(t, t.TempDir(), rec, nil, opt)
	acked := newStmts(3)
	if err := q.Publish(context.Background(), acked); err != nil {
		t.Fatal(err)
	}
	disk.full.Store(true)
	refused := stmt(uuid.New(), "refused")
	if err := q.Publish(context.Background(), []*envelope.Envelope{refused}); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("Publish on a full disk: %v, want store.ErrUnavailable (503)", err)
	}
	raw, _, _, ok := q.Statement("t", acked[0].ID)
	if !ok || string(raw) != string(acked[0].Statement) {
		t.Fatalf("an acknowledged statement after a failed append: %q %v, want it readable", raw, ok)
	}
	disk.full.Store(false)
	eventually(t, "the acknowledged statements stored with no write after the failed one", func() bool {
		return len(rec.storedIDs()) == len(acked)
	})
	later := newStmts(2)
	if err := q.Publish(context.Background(), later); err != nil {
		t.Fatalf("Publish once the space returned: %v", err)
	}
	closeAll(t, q)
	if got, want := rec.storedIDs(), ids(append(acked, later...)...); !slices.Equal(got, want) {
		t.Fatalf("stored %v, want %v (the refused statement never)", got, want)
	}
}

// Issue 8: a log that cannot even be reopened after a failed append keeps
// refusing writes (503), Close returns (it used to dereference the closed
// log), and the next start stores every statement acknowledged before.
func TestIssue8_ALogThatCannotBeReopenedLosesNothingAcrossARestart(t *testing.T) {
	dir := t.TempDir()
	disk := &faultyDisk{FS: rfs.New()}
	opt := onDisk(disk)
	opt.BatchAge = time.Hour
	opt.RetryMin = 10 * time.Millisecond
	q := open(t, dir, &recorder{}, nil, opt)
	acked := newStmts(3)
	if err := q.Publish(context.Background(), acked); err != nil {
		t.Fatal(err)
	}
	disk.full.Store(true)
	disk.unopenable.Store(true)
	for range 2 {
		if err := q.Publish(context.Background(), newStmts(1)); !errors.Is(err, store.ErrUnavailable) {
			t.Fatalf("Publish with the log broken: %v, want store.ErrUnavailable (503)", err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := q.Close(ctx); err == nil {
		t.Fatal("Close stored everything with the log closed?")
	}
	rec := &recorder{}
	q = open(t, dir, rec, nil, Options{BatchAge: time.Millisecond})
	eventually(t, "the acknowledged statements stored after the restart", func() bool { return len(rec.storedIDs()) == len(acked) })
	closeAll(t, q)
	if got := rec.storedIDs(); !slices.Equal(got, ids(acked...)) {
		t.Fatalf("stored %v, want %v", got, ids(acked...))
	}
}

// The log is never trimmed of its last record (wal.Log.TrimThrough); the
// stored batch recorded in the log's metadata keeps a restart from
// inserting it again.
func TestIssue8_RestartsInsertNothingStoredAgain(t *testing.T) {
	dir := t.TempDir()
	rec := &recorder{}
	var want []uuid.UUID
	for range 3 {
		q := open(t, dir, rec, nil, Options{BatchAge: time.Millisecond})
		envs := newStmts(2)
		want = append(want, ids(envs...)...)
		if err := q.Publish(context.Background(), envs); err != nil {
			t.Fatal(err)
		}
		eventually(t, "stored", func() bool { return len(rec.storedIDs()) == len(want) })
		closeNow(q) // as a crash would: after the insert, whatever else
	}
	q := open(t, dir, rec, nil, Options{BatchAge: time.Millisecond})
	closeAll(t, q)
	if got := rec.storedIDs(); !slices.Equal(got, want) {
		t.Fatalf("stored %v, want each once: %v", got, want)
	}
}

// Issue 8: an intent names its batch by the log's epoch; one of another
// epoch (the log was created anew since) must not make the records now at
// those indexes be inserted under its token, which the store would take for
// a batch it has already stored, dropping them.
func TestIssue8_AnIntentOfAnotherEpochIsNotRedone(t *testing.T) {
	dir := t.TempDir()
	l, err := wal.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	envs := newStmts(2)
	for _, e := range envs {
		b, err := e.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.Append([][]byte{b}); err != nil {
			t.Fatal(err)
		}
	}
	old := intent{first: 1, last: 2, token: batchToken("an-older-epoch", 1, 2)}
	if err := l.SetMeta(intentKey, []byte(old.String())); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	q := open(t, dir, rec, nil, Options{BatchAge: time.Millisecond})
	closeAll(t, q)
	got := rec.stored()
	if len(got) == 0 || !slices.Equal(rec.storedIDs(), ids(envs...)) {
		t.Fatalf("stored %v, want %v", rec.storedIDs(), ids(envs...))
	}
	for _, b := range got {
		if b.token == old.token {
			t.Fatalf("the records were inserted under the token %s of another epoch", old.token)
		}
	}
}

// Issue 8, disk full: below MinFreeBytes available on the log's file system
// (64 MiB by default) a write is refused at once with 503
// (store.ErrUnavailable) and nothing of it is written, so that neither the
// log's growth nor the store's inserts of what was acknowledged fill the
// disk (the embedded engine commits parts whose writes hit ENOSPC: see
// checkRoom); once the space is back, writes are taken again.
func TestIssue8_WritesAreRefusedWhileTheDiskIsNearlyFull(t *testing.T) {
	var free atomic.Uint64
	free.Store(1 << 30)
	rec := &recorder{}
	opt := Options{BatchAge: time.Millisecond, freeBytes: func(string) (uint64, error) { return free.Load(), nil }}
	q := open(t, t.TempDir(), rec, nil, opt)
	acked := newStmts(2)
	if err := q.Publish(context.Background(), acked); err != nil {
		t.Fatal(err)
	}
	free.Store(64<<20 - 1)
	start := time.Now()
	err := q.Publish(context.Background(), newStmts(2))
	if !errors.Is(err, ErrDiskFull) || !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("Publish with less than 64 MiB free: %v, want ErrDiskFull (503)", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("the refusal took %s", took)
	}
	eventually(t, "the statements acknowledged before stored", func() bool { return len(rec.storedIDs()) == len(acked) })
	free.Store(64 << 20)
	later := newStmts(1)
	if err := q.Publish(context.Background(), later); err != nil {
		t.Fatalf("Publish with the space back: %v", err)
	}
	closeAll(t, q)
	if got, want := rec.storedIDs(), ids(append(acked, later...)...); !slices.Equal(got, want) {
		t.Fatalf("stored %v, want %v", got, want)
	}
}
