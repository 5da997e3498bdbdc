// Package wal is a durable, append-only log of records on local disk, with
// group-committed appends (one fsync per Append) and head truncation: the
// all-in-one mode's stand-in for a Kafka partition. It wraps HashiCorp's
// raft-wal (segment files with CRC-checked commit frames, torn tails
// truncated on recovery, preallocated segments, metadata in bbolt).
//
// Records have consecutive indexes. An Epoch names the log's index space:
// it is drawn afresh whenever the log is opened empty, so an index never
// names two different records of one epoch, even across restarts and
// after everything was trimmed.
package wal

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/google/uuid"
	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/raft"
	rwal "github.com/hashicorp/raft-wal"
	"github.com/hashicorp/raft-wal/metadb"
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
	meta  *metadb.BoltMetaDB
	epoch string

	mu     sync.Mutex // serialises appends and guards next
	next   uint64     // index of the next record
	closed bool
}

// Open opens (or creates) the log in dir; the library's own messages go to
// log (nil discards them).
func Open(dir string, log *slog.Logger) (*Log, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("wal: create %s: %w", dir, err)
	}
	meta := &metadb.BoltMetaDB{}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	hlog := hclog.FromStandardLogger(slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		&hclog.LoggerOptions{Name: "wal", Level: hclog.Warn})
	w, err := rwal.Open(dir, rwal.WithMetaStore(meta), rwal.WithSegmentSize(SegmentSize), rwal.WithLogger(hlog))
	if err != nil {
		_ = meta.Close()
		return nil, fmt.Errorf("wal: open %s: %w", dir, err)
	}
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

// TrimThrough removes every record up to and including index.
func (l *Log) TrimThrough(index uint64) error {
	first, _, err := l.bounds()
	if err != nil {
		return err
	}
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
