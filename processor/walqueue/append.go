package walqueue

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/tributary-lrs/tributary/processor/wal"
	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// maxGroupRows bounds the statements of one append (one fsync).
const maxGroupRows = 20000

// A request's state: the appender claims it before writing it; Publish
// abandons it when the client's context ends first. Whichever comes first
// wins, so a request is either written and answered with the outcome, or
// abandoned and never written.
const (
	waiting int32 = iota
	claimed
	abandoned
)

type request struct {
	envs   []*envelope.Envelope
	state  atomic.Int32
	result chan error
}

// Publish writes envs to the log and returns nil once they are durable
// (fsync'd): they will be stored, also across a crash. A statement whose id
// is pending or stored with other content makes the whole call fail with
// store.ErrConflict and write nothing; one pending or stored with the same
// content is skipped (no change). When ctx ends before the statements were
// written, nothing is written and the error wraps store.ErrUnavailable and
// ctx.Err(); once writing began, Publish waits for its outcome (one fsync).
func (q *Queue) Publish(ctx context.Context, envs []*envelope.Envelope) error {
	err := q.publish(ctx, envs)
	if err != nil && !errors.Is(err, store.ErrConflict) {
		// The queue decides a write before it appends it and keeps what it
		// appended (pending): a failed Publish leaves nothing in flight.
		err = fmt.Errorf("%w (%w)", err, store.ErrNotWritten)
	}
	return err
}

func (q *Queue) publish(ctx context.Context, envs []*envelope.Envelope) error {
	if len(envs) == 0 {
		return nil
	}
	if err := q.waitForRoom(ctx); err != nil {
		q.m.refused.WithLabelValues("backlog").Add(float64(len(envs)))
		return err
	}
	r := &request{envs: envs, result: make(chan error, 1)}
	q.mu.RLock()
	if q.closed {
		q.mu.RUnlock()
		return ErrClosed
	}
	select {
	case q.reqs <- r:
		q.mu.RUnlock()
	case <-ctx.Done():
		q.mu.RUnlock()
		return fmt.Errorf("queue statements: %w: %w", store.ErrUnavailable, ctx.Err())
	}
	select {
	case err := <-r.result:
		return err
	case <-ctx.Done():
		if r.state.CompareAndSwap(waiting, abandoned) {
			q.m.refused.WithLabelValues("client_gone").Add(float64(len(envs)))
			return fmt.Errorf("queue statements: %w: %w", store.ErrUnavailable, ctx.Err())
		}
		return <-r.result // being written: the answer must say what happened
	}
}

// waitForRoom returns once the backlog is below MaxPendingBytes: at once
// when it is, ErrBacklog at once when the store is failing, else after the
// drainer caught up, or ErrBacklog after BacklogWait or when ctx ends.
func (q *Queue) waitForRoom(ctx context.Context) error {
	var timeout <-chan time.Time
	for {
		room, changed := q.pend.room(q.opt.MaxPendingBytes)
		if room {
			return nil
		}
		if q.failing.Load() {
			return ErrBacklog
		}
		if timeout == nil {
			t := time.NewTimer(q.opt.BacklogWait)
			defer t.Stop()
			timeout = t.C
		}
		select {
		case <-changed:
		case <-timeout:
			return ErrBacklog
		case <-ctx.Done():
			return fmt.Errorf("%w: %w", ErrBacklog, ctx.Err())
		}
	}
}

// appendLoop writes queued requests in groups, one fsync per group, until
// reqs is closed and empty. A log broken by a failed append is reopened at
// once, and again with backoff while that fails, without waiting for the
// next request: the drainer and the reads of pending statements need it.
func (q *Queue) appendLoop() {
	defer close(q.appended)
	var retry <-chan time.Time
	wait := q.opt.RetryMin
	for {
		select {
		case r, ok := <-q.reqs:
			if !ok {
				if q.broken {
					_ = q.reopen() // last chance for Close to store what the log holds
				}
				return
			}
			q.appendGroup(q.gather(r))
		case <-retry:
		}
		retry = nil
		if !q.broken {
			wait = q.opt.RetryMin
			continue
		}
		if err := q.reopen(); err != nil {
			q.log.Warn("reopening the write-ahead log failed; retrying", "backoff", wait, "err", err)
			retry = time.After(wait)
			wait = min(2*wait, q.opt.RetryMax)
		}
	}
}

// gather returns r and the requests queued behind it, up to maxGroupRows
// statements.
func (q *Queue) gather(r *request) []*request {
	group := []*request{r}
	rows := len(r.envs)
	for rows < maxGroupRows {
		select {
		case next, ok := <-q.reqs:
			if !ok {
				return group
			}
			group = append(group, next)
			rows += len(next.envs)
		default:
			return group
		}
	}
	return group
}

// appendGroup decides every request of group against the pending and
// stored statements (and the requests before it in the group), writes the
// accepted statements with one Append and answers each request.
func (q *Queue) appendGroup(group []*request) {
	live := group[:0]
	for _, r := range group {
		if r.state.CompareAndSwap(waiting, claimed) {
			live = append(live, r)
		}
	}
	if len(live) == 0 {
		return
	}
	if err := q.checkRoom(); err != nil {
		for _, r := range live {
			q.m.refused.WithLabelValues("disk_full").Add(float64(len(r.envs)))
			r.result <- err
		}
		return
	}
	stored, err := q.storedHashes(live)
	if err != nil {
		for _, r := range live {
			r.result <- fmt.Errorf("check statement ids: %w", err)
		}
		return
	}
	seen := map[store.StatementKey]string{}
	var accepted []*envelope.Envelope
	answers := make([]error, len(live))
	for i, r := range live {
		take, err := q.decide(r.envs, seen, stored)
		if err != nil {
			answers[i] = err
			continue
		}
		for _, e := range take {
			seen[key(e)] = e.ContentHash
		}
		accepted = append(accepted, take...)
	}
	if err := q.write(accepted); err != nil {
		for i := range answers {
			if answers[i] == nil {
				answers[i] = err
			}
		}
	}
	for i, r := range live {
		r.result <- answers[i]
	}
}

// storedHashes looks up in the store the ids the clients chose that are
// neither pending nor recently stored (an id the LRS assigned is new).
func (q *Queue) storedHashes(group []*request) (map[store.StatementKey]string, error) {
	var ask []store.StatementKey
	for _, r := range group {
		for _, e := range r.envs {
			if !e.IDSupplied {
				continue
			}
			if _, ok := q.pend.hash(key(e)); !ok && q.known.mayBeStored(key(e)) {
				ask = append(ask, key(e))
			}
		}
	}
	if len(ask) == 0 || q.lookup == nil {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), q.opt.LookupTimeout)
	defer cancel()
	start := time.Now()
	out, err := q.lookup.ContentHashes(ctx, ask)
	q.m.lookupSeconds.Observe(time.Since(start).Seconds())
	if err != nil {
		return nil, fmt.Errorf("%w: %w", store.ErrUnavailable, err)
	}
	return out, nil
}

// decide returns the statements of one request to write: none when one
// conflicts (a request is stored whole or not at all), without those
// already pending or stored with the same content.
func (q *Queue) decide(envs []*envelope.Envelope, seen, stored map[store.StatementKey]string) ([]*envelope.Envelope, error) {
	take := make([]*envelope.Envelope, 0, len(envs))
	for _, e := range envs {
		k := key(e)
		h, known := seen[k]
		if !known {
			h, known = q.pend.hash(k)
		}
		if !known {
			h, known = stored[k]
		}
		switch {
		case !known:
			take = append(take, e)
		case h != e.ContentHash:
			q.m.refused.WithLabelValues("conflict").Add(float64(len(envs)))
			return nil, fmt.Errorf("statement %s: %w", e.ID, store.ErrConflict)
		}
	}
	return take, nil
}

// write appends envs to the log with one fsync and makes them pending.
func (q *Queue) write(envs []*envelope.Envelope) error {
	if len(envs) == 0 {
		return nil
	}
	records := make([][]byte, len(envs))
	for i, e := range envs {
		b, err := e.Marshal()
		if err != nil {
			return fmt.Errorf("encode statement %s: %w", e.ID, err)
		}
		records[i] = b
	}
	start := time.Now()
	first, err := q.append(records)
	q.m.appendSeconds.Observe(time.Since(start).Seconds())
	if err != nil {
		q.m.appendFailures.Inc()
		q.log.Error("write-ahead log append failed", "statements", len(envs), "err", err)
		return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
	}
	now := time.Now()
	entries := make([]*entry, len(envs))
	for i, e := range envs {
		entries[i] = newEntry(first+uint64(i), e, len(records[i]), now)
		entries[i].checked = true
	}
	q.pend.add(entries)
	q.lastIndex = entries[len(entries)-1].index
	q.remember(entries)
	q.m.appended.Add(float64(len(envs)))
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return nil
}

// remember adds the ids of entries to the filter of stored ids, and loads
// a bigger filter when it is full.
func (q *Queue) remember(entries []*entry) {
	keys := make([]store.StatementKey, len(entries))
	for i, e := range entries {
		keys[i] = key(e.env)
	}
	if q.known.add(keys) && q.snap != nil {
		go q.loadKnown(func(ctx context.Context) error { return q.known.loadIDs(ctx, q.snap) })
	}
}

// append writes records to the log. After a failed append the log is
// broken: raft-wal's writer is not usable after a failed write (and a
// segment rotation that failed leaves it sealed), so it is closed and opened
// again, which recovers the last commit, before the next append; until then
// it keeps serving reads of what it holds. Records of the failed append that
// turn out committed after all are made pending (a client was told 503 for
// statements that will be stored: harmless for ids it chose, which make its
// retry idempotent; documented).
func (q *Queue) append(records [][]byte) (uint64, error) {
	if q.broken {
		if err := q.reopen(); err != nil {
			return 0, err
		}
	}
	q.walMu.RLock()
	l := q.wal
	q.walMu.RUnlock()
	first, err := l.Append(records)
	if err != nil {
		q.broken = true
		return 0, err
	}
	return first, nil
}

// reopen closes the broken log and opens it again (readers wait meanwhile),
// then adopts the records it holds beyond the pending ones. When the open
// fails the log stays closed (reads and inserts fail with wal.ErrClosed)
// until a later reopen succeeds.
func (q *Queue) reopen() error {
	q.walMu.Lock()
	if q.wal != nil {
		if err := q.wal.Close(); err != nil {
			q.log.Warn("closing the broken write-ahead log failed", "err", err)
		}
		q.wal = nil
	}
	l, err := wal.Open(q.opt.Dir, q.log, q.opt.logOptions...)
	if err == nil {
		q.wal, q.epoch = l, l.Epoch()
	}
	q.walMu.Unlock()
	if err != nil {
		return fmt.Errorf("reopen write-ahead log: %w", err)
	}
	q.broken = false
	q.m.reopened.Inc()
	if err := q.adoptTail(l); err != nil {
		return fmt.Errorf("read write-ahead log after reopen: %w", err)
	}
	return nil
}

// withLog runs fn on the open log; errors.Is(err, wal.ErrClosed) while it is
// being reopened.
func (q *Queue) withLog(fn func(l *wal.Log) error) error {
	q.walMu.RLock()
	defer q.walMu.RUnlock()
	if q.wal == nil {
		return wal.ErrClosed
	}
	return fn(q.wal)
}
