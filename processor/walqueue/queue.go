// Package walqueue is the write path of the all-in-one mode: a local
// write-ahead log plays Kafka's role. Publish acknowledges statements once
// they are in the log (group-committed fsync); a drainer inserts them into
// the store in big batches behind it and trims the log only after the
// insert returned. After a crash the log is replayed: nothing acknowledged
// is lost, and nothing is stored twice, because every batch is inserted
// under a deduplication token naming its log range, and the range of the
// batch being inserted is recorded (the intent) before the insert, so a
// batch cut short is redone with exactly the same rows and token.
//
// Statements in the log but not stored yet are pending: the conflict check
// (409 / no change) and the statementId reads see them.
package walqueue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tributary-lrs/tributary/processor/consumer"
	"github.com/tributary-lrs/tributary/processor/wal"
	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// Writer stores a batch under a deduplication token; *sink.Sink implements
// it. WriteNew is Write for a batch whose ids are stored by no other batch:
// the writer need not look for stored copies.
type Writer interface {
	Write(ctx context.Context, token string, batch []*envelope.Envelope) ([]consumer.Rejected, error)
	WriteNew(ctx context.Context, token string, batch []*envelope.Envelope) ([]consumer.Rejected, error)
}

// Lookup reads the content hashes of stored statements (the 409 check).
type Lookup interface {
	ContentHashes(ctx context.Context, keys []store.StatementKey) (map[store.StatementKey]string, error)
}

// MaxBatchBytes caps the log records of one insert: an insert takes ten to
// twenty times its bytes of memory while it runs (decoded rows, the engine's
// blocks), and a backlog drained at once must not take more than the process
// can spare.
const MaxBatchBytes = 8 << 20

// Options tune the queue.
type Options struct {
	// Dir holds the log.
	Dir string
	// BatchRows, BatchBytes and BatchAge bound an insert: it starts when
	// the oldest statement waiting is BatchAge old, or earlier when
	// BatchRows or BatchBytes are waiting.
	BatchRows  int
	BatchBytes int
	BatchAge   time.Duration
	// MaxPendingBytes bounds the log records acknowledged but not stored:
	// the flow control that keeps the consistency lag short under a load the
	// store cannot keep up with. Past it, Publish waits (up to BacklogWait
	// and its context) until the store caught up, and answers
	// store.ErrUnavailable (503) if it does not, or at once while the store
	// is failing.
	MaxPendingBytes int
	// BacklogWait bounds the wait of Publish for the backlog to shrink.
	BacklogWait time.Duration
	// RetryMin and RetryMax bound the backoff between insert attempts.
	RetryMin, RetryMax time.Duration
	// LookupTimeout bounds the store lookup of the conflict check.
	LookupTimeout time.Duration
	// RecentFor is how long the ids of stored statements stay in memory for
	// the conflict check: at least as long as a request may wait between
	// its own check and its publish (ingest.publish_timeout).
	RecentFor time.Duration
	// MinFreeBytes is the space the log's file system must have available
	// for a write to be taken; below it writes get ErrDiskFull (503) at
	// once, so that the disk never fills while the engine writes (see
	// checkRoom). Default: 64 MiB, or a log segment and twice
	// MaxPendingBytes when that is more; negative turns the check off.
	MinFreeBytes int64
	// logOptions are passed to wal.Open (tests: a file system that fails).
	logOptions []wal.Option
	// freeBytes reads the space available on a directory's file system
	// (tests: a disk filling up).
	freeBytes func(dir string) (uint64, error)
}

func (o *Options) defaults() {
	if o.BatchRows <= 0 {
		o.BatchRows = 50000
	}
	if o.BatchBytes <= 0 || o.BatchBytes > MaxBatchBytes {
		o.BatchBytes = MaxBatchBytes
	}
	if o.BatchAge <= 0 {
		o.BatchAge = 100 * time.Millisecond
	}
	if o.MaxPendingBytes <= 0 {
		o.MaxPendingBytes = 16 << 20
	}
	if o.MinFreeBytes == 0 {
		o.MinFreeBytes = minFreeBytes(o.MaxPendingBytes)
	}
	if o.freeBytes == nil {
		o.freeBytes = availableBytes
	}
	if o.BacklogWait <= 0 {
		o.BacklogWait = 5 * time.Second
	}
	if o.RetryMin <= 0 {
		o.RetryMin = 100 * time.Millisecond
	}
	if o.RetryMax < o.RetryMin {
		o.RetryMax = max(5*time.Second, o.RetryMin)
	}
	if o.LookupTimeout <= 0 {
		o.LookupTimeout = 10 * time.Second
	}
	if o.RecentFor <= 0 {
		o.RecentFor = 30 * time.Second
	}
}

// ErrClosed is returned by Publish after Close.
var ErrClosed = fmt.Errorf("write-ahead log closed: %w", store.ErrUnavailable)

// ErrBacklog is returned by Publish when more than MaxPendingBytes wait to
// be stored and the store is failing, or did not catch up in time.
var ErrBacklog = fmt.Errorf("write-ahead log backlog full, the store is behind: %w", store.ErrUnavailable)

// Queue is the log, its pending statements, the appender and the drainer.
type Queue struct {
	opt    Options
	w      Writer
	lookup Lookup
	log    *slog.Logger
	m      *metrics

	wal   *wal.Log // nil while a reopen after a failed append fails
	epoch string   // of wal
	// broken: an append failed, the log must be reopened before the next
	// (appender only).
	broken bool
	walMu  sync.RWMutex
	pend   *pending
	known  *known
	snap   Snapshot

	reqs     chan *request
	wake     chan struct{} // a new entry for the drainer
	closing  chan struct{} // Close started: the drainer flushes everything
	mu       sync.RWMutex  // guards closed against sends on reqs
	closed   bool
	appended chan struct{} // closed when the appender returned
	drained  chan struct{} // closed when the drainer returned
	failing  atomic.Bool   // the last insert failed
	redo     *intent       // the batch replayed at start, inserted first as it was
	// insertedSinceFree counts the record bytes inserted since the heap was
	// last returned to the OS (drainer only).
	insertedSinceFree int
	lastIndex         uint64 // index of the last record pending (appender only)
	stop              context.CancelFunc
	stopCtx           context.Context
}

// Open opens the log in opt.Dir, replays what it holds and starts the
// appender and the drainer. snap, when not nil, is read in the background
// for what the process keeps in memory about the stored statements (see
// known); until then, and without it, the store is asked.
func Open(w Writer, lookup Lookup, snap Snapshot, opt Options, log *slog.Logger, reg prometheus.Registerer) (*Queue, error) {
	opt.defaults()
	m, err := newMetrics(reg)
	if err != nil {
		return nil, err
	}
	l, err := wal.Open(opt.Dir, log, opt.logOptions...)
	if err != nil {
		return nil, err
	}
	ctx, stop := context.WithCancel(context.Background())
	q := &Queue{opt: opt, w: w, lookup: lookup, snap: snap, log: log, m: m, wal: l, pend: newPending(opt.RecentFor), known: newKnown(),
		reqs: make(chan *request, 4096), wake: make(chan struct{}, 1), closing: make(chan struct{}),
		appended: make(chan struct{}), drained: make(chan struct{}), stop: stop, stopCtx: ctx}
	if err := q.replay(); err != nil {
		stop()
		_ = l.Close()
		return nil, err
	}
	go q.appendLoop()
	go q.drainLoop()
	if snap != nil {
		go q.loadKnown(func(ctx context.Context) error { return q.known.load(ctx, snap) })
	}
	return q, nil
}

// Close stops accepting statements, answers the requests already queued,
// inserts what the log holds (until ctx ends; the rest is replayed at the
// next start) and closes the log.
func (q *Queue) Close(ctx context.Context) error {
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		close(q.reqs)
	}
	q.mu.Unlock()
	var errs []error
	select {
	case <-q.appended:
	case <-ctx.Done():
		errs = append(errs, fmt.Errorf("close write-ahead log: requests still queued: %w", ctx.Err()))
	}
	close(q.closing)
	select {
	case <-q.drained:
	case <-ctx.Done():
		q.stop() // the insert in progress is abandoned; replayed at the next start
		<-q.drained
		errs = append(errs, fmt.Errorf("close write-ahead log: statements left for the next start: %w", ctx.Err()))
	}
	q.stop()
	q.walMu.Lock()
	if q.wal != nil { // nil: reopening it failed; the next start replays it
		errs = append(errs, q.wal.Close())
	}
	q.walMu.Unlock()
	return errors.Join(errs...)
}

// loadKnown runs a load of what the process knows about the stored
// statements, until it succeeds or the queue closes.
func (q *Queue) loadKnown(load func(ctx context.Context) error) {
	wait := q.opt.RetryMin
	for {
		err := load(q.stopCtx)
		if err == nil || q.stopCtx.Err() != nil {
			return
		}
		q.log.Warn("reading the stored statement ids and voided statements failed; retrying", "err", err)
		select {
		case <-q.stopCtx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, q.opt.RetryMax)
	}
}

// OldestPending returns the earliest stored time among the statements
// acknowledged but not stored yet (false when none): the consistency
// watermark must not pass it.
func (q *Queue) OldestPending() (time.Time, bool) { return q.pend.oldest() }
