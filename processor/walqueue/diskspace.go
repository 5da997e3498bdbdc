package walqueue

import (
	"fmt"

	"github.com/tributary-lrs/tributary/processor/wal"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// ErrDiskFull is returned by Publish while the file system of the log has
// less than Options.MinFreeBytes available: the write is refused (503)
// before anything is written.
var ErrDiskFull = fmt.Errorf("the disk of the write-ahead log is nearly full: %w", store.ErrUnavailable)

// minFreeBytes is the default of Options.MinFreeBytes: room for a new log
// segment and for the engine's parts of twice the backlog, at least 64 MiB.
func minFreeBytes(maxPendingBytes int) int64 {
	return max(64<<20, int64(wal.SegmentSize)+2*int64(maxPendingBytes))
}

// checkRoom returns ErrDiskFull when the log's file system has less than
// MinFreeBytes available. Nothing may fill the disk while the embedded
// engine writes: chDB (libchdb 26.5) commits a part whose write failed with
// ENOSPC, empty or cut short, and the table cannot be read any more
// (reproduced on tmpfs and ext4). The log's own growth is the usual cause: a
// new segment is preallocated (16 MiB at once), and after a failed
// preallocation the log appends to a segment that grows with every write.
// Refusing writes while the engine still has room keeps both from racing the
// engine's writes; the statements already acknowledged are stored in that
// room. When the space cannot be read the check passes.
func (q *Queue) checkRoom() error {
	if q.opt.MinFreeBytes < 0 {
		return nil
	}
	free, err := q.opt.freeBytes(q.opt.Dir)
	if err != nil || free >= uint64(q.opt.MinFreeBytes) {
		return nil
	}
	return fmt.Errorf("%w: %d MiB available, writes resume above %d MiB", ErrDiskFull, free>>20, q.opt.MinFreeBytes>>20)
}
