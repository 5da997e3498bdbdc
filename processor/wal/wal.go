// Package wal is a durable, append-only log of records on local disk, with
// group-committed appends (one fsync per Append) and head truncation: the
// all-in-one mode's stand-in for a Kafka partition. It wraps HashiCorp's
// raft-wal (segment files with CRC-checked commit frames, torn tails
// truncated on recovery, preallocated segments, metadata in bbolt).
//
// Records have consecutive indexes. An Epoch names the log's index space:
// it is drawn afresh whenever the log is opened empty, so an index never
// names two different records of one epoch, even across restarts. (Trimming
// never empties a log, see TrimThrough: its indexes go on.)
package wal

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/google/uuid"
	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/raft"
	rwal "github.com/hashicorp/raft-wal"
	rfs "github.com/hashicorp/raft-wal/fs"
	"github.com/hashicorp/raft-wal/metadb"
	"github.com/hashicorp/raft-wal/segment"
	"github.com/hashicorp/raft-wal/types"
)

// SegmentSize is the size of one segment file (preallocated).
const SegmentSize = 16 << 20

var keyEpoch = []byte("tributary.epoch")

// ErrClosed is returned after Close.
var ErrClosed = errors.New("wal: closed")

// Log is an open log. Append, Trim and the meta calls are safe for
// concurrent use; Append calls are serialised.
type Log struct {
	w     *rwal.WAL
	meta  types.MetaStore
	epoch string

	mu     sync.Mutex // serialises appends and guards next
	next   uint64     // index of the next record
	closed bool
}

// Option changes how Open opens the log.
type Option func(*options)

type options struct {
	segmentSize int
	fs          types.VFS
	// meta wraps the metadata store (tests: failures of its writes).
	meta func(types.MetaStore) types.MetaStore
}

// WithFS puts the log's segment files on fs instead of the operating
// system's file system (tests inject failures such as a full disk).
func WithFS(fs types.VFS) Option { return func(o *options) { o.fs = fs } }

// WithSegmentSize sets the size of a segment file (SegmentSize by default).
func WithSegmentSize(n int) Option { return func(o *options) { o.segmentSize = n } }

// Open opens (or creates) the log in dir; the library's own messages go to
// log (nil discards them).
func Open(dir string, log *slog.Logger, opts ...Option) (*Log, error) {
	o := options{segmentSize: SegmentSize, fs: rfs.New()}
	for _, opt := range opts {
		opt(&o)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("wal: create %s: %w", dir, err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	w, meta, err := openLog(dir, o, log)
	if errors.Is(err, syscall.ENOSPC) && releaseReserve(dir) {
		// Killed while the disk was full: the reserve makes the room the
		// log needs to open (and the store to be read) again.
		log.Warn("disk full: released the write-ahead log's reserve to open it", "dir", dir)
		w, meta, err = openLog(dir, o, log)
	}
	if err != nil {
		return nil, err
	}
	keepReserve(dir, log)
	l := &Log{w: w, meta: meta}
	first, last, err := l.bounds()
	if err != nil {
		_ = l.Close()
		return nil, err
	}
	l.next = last + 1
	epoch, err := w.Get(keyEpoch)
	if err != nil {
		_ = l.Close()
		return nil, fmt.Errorf("wal: read epoch: %w", err)
	}
	if first == 0 || len(epoch) == 0 {
		// Empty: nothing refers to the old indexes any more.
		epoch = []byte(uuid.NewString())
		if err := w.Set(keyEpoch, epoch); err != nil {
			_ = l.Close()
			return nil, fmt.Errorf("wal: write epoch: %w", err)
		}
	}
	l.epoch = string(epoch)
	return l, nil
}

// openLog opens the raft-wal log in dir, first completing a rotation a
// crash interrupted.
func openLog(dir string, o options, log *slog.Logger) (*rwal.WAL, types.MetaStore, error) {
	bolt := &metadb.BoltMetaDB{}
	var meta types.MetaStore = bolt
	if o.meta != nil {
		meta = o.meta(bolt)
	}
	files := segment.NewFiler(dir, o.fs)
	if err := completeRotation(dir, meta, files); err != nil {
		_ = meta.Close()
		return nil, nil, err
	}
	hlog := hclog.FromStandardLogger(slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		&hclog.LoggerOptions{Name: "wal", Level: hclog.Warn})
	w, err := rwal.Open(dir, rwal.WithMetaStore(meta), rwal.WithSegmentFiler(files),
		rwal.WithSegmentSize(o.segmentSize), rwal.WithLogger(hlog))
	if err != nil {
		_ = meta.Close()
		return nil, nil, fmt.Errorf("wal: open %s: %w", dir, err)
	}
	return w, meta, nil
}

// Epoch names the log's index space (see the package comment).
func (l *Log) Epoch() string { return l.epoch }

// bounds returns the first and last index held, (0, n) when empty.
func (l *Log) bounds() (first, last uint64, err error) {
	if first, err = l.w.FirstIndex(); err != nil {
		return 0, 0, fmt.Errorf("wal: first index: %w", err)
	}
	if last, err = l.w.LastIndex(); err != nil {
		return 0, 0, fmt.Errorf("wal: last index: %w", err)
	}
	if first == 0 || last < first {
		return 0, last, nil
	}
	return first, last, nil
}

// Bounds returns the first and last index held; first is 0 when the log is
// empty.
func (l *Log) Bounds() (first, last uint64, err error) { return l.bounds() }

// Append writes records with one fsync and returns the index of the first.
// On error nothing of the call is in the log (a partial write is cut off on
// the next open, and the indexes are reused by the next Append).
func (l *Log) Append(records [][]byte) (uint64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return 0, ErrClosed
	}
	if len(records) == 0 {
		return l.next, nil
	}
	logs := make([]*raft.Log, len(records))
	for i, r := range records {
		logs[i] = &raft.Log{Index: l.next + uint64(i), Type: raft.LogCommand, Data: r}
	}
	if err := l.w.StoreLogs(logs); err != nil {
		return 0, fmt.Errorf("wal: append %d records: %w", len(records), err)
	}
	first := l.next
	l.next += uint64(len(records))
	return first, nil
}

// Read returns the record at index.
func (l *Log) Read(index uint64) ([]byte, error) {
	var rec raft.Log
	if err := l.w.GetLog(index, &rec); err != nil {
		return nil, fmt.Errorf("wal: read %d: %w", index, err)
	}
	return rec.Data, nil
}

// TrimThrough removes every record up to and including index, except the
// last record the log holds: a log is never trimmed empty. Removing every
// record makes raft-wal replace the log's only segment, and it records the
// new segment in its metadata before it creates the file; when the creation
// fails (a full disk: segment files are preallocated) the metadata names a
// segment that does not exist while the log goes on appending to the old
// file, which the next Open deletes as unused, with every record
// acknowledged meanwhile. Keeping the last record keeps the segment it is
// in; the caller sees it again after a restart (as the first record) and
// must expect that it may be stored already.
func (l *Log) TrimThrough(index uint64) error {
	first, last, err := l.bounds()
	if err != nil {
		return err
	}
	index = min(index, last-1)
	if first == 0 || index < first {
		return nil
	}
	if err := l.w.DeleteRange(first, index); err != nil {
		return fmt.Errorf("wal: trim through %d: %w", index, err)
	}
	return nil
}

// SetMeta durably stores a small value under key (fsync'd before it returns).
func (l *Log) SetMeta(key string, val []byte) error {
	if err := l.w.Set([]byte(key), val); err != nil {
		return fmt.Errorf("wal: set %s: %w", key, err)
	}
	return nil
}

// GetMeta returns the value stored under key, nil when none.
func (l *Log) GetMeta(key string) ([]byte, error) {
	v, err := l.w.Get([]byte(key))
	if err != nil {
		return nil, fmt.Errorf("wal: get %s: %w", key, err)
	}
	return v, nil
}

// Close closes the log and its metadata store. It is safe to call more than
// once.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	// raft-wal's Close leaves the metadata store to its owner: close it, or
	// the next Open in this process waits for its file lock forever.
	return errors.Join(l.w.Close(), l.meta.Close())
}

// Size returns the bytes the log's files take on disk.
func Size(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			n += info.Size()
		}
		return err
	})
	return n, err
}
