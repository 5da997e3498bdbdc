package walqueue

import (
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"time"

	"github.com/tributary-lrs/tributary/processor/wal"
	"github.com/tributary-lrs/tributary/schemas/envelope"
)

// drainLoop inserts pending statements in batches until Close: a batch
// starts when the oldest statement waiting is BatchAge old or a full batch
// waits; during Close everything waiting is inserted at once.
func (q *Queue) drainLoop() {
	defer close(q.drained)
	if q.redo != nil {
		entries := q.pend.take(int(q.redo.last-q.redo.first+1), math.MaxInt)
		if !q.insert(entries, *q.redo) {
			return
		}
		q.redo = nil
	}
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		closing := false
		select {
		case <-q.closing:
			closing = true
		default:
		}
		n, _, first := q.pend.waiting()
		if n == 0 {
			if closing {
				return
			}
			q.returnMemory()
			select {
			case <-q.wake:
			case <-q.closing:
			}
			continue
		}
		if wait := q.opt.BatchAge - time.Since(first.at); !closing && wait > 0 && n < q.opt.BatchRows && !q.fullBytes() {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-q.wake:
				if !timer.Stop() {
					<-timer.C
				}
			case <-q.closing:
				if !timer.Stop() {
					<-timer.C
				}
			}
			continue
		}
		entries := q.pend.take(q.opt.BatchRows, q.opt.BatchBytes)
		in := intent{first: entries[0].index, last: entries[len(entries)-1].index}
		in.token = batchToken(q.currentEpoch(), in.first, in.last)
		if !q.insert(entries, in) {
			return
		}
	}
}

// returnMemory hands the freed Go heap back to the operating system once the
// log is drained after a burst: the Go runtime would otherwise keep a
// burst's heap for minutes. Only after at least returnAfter bytes were
// inserted since the last time, so a steady trickle never pays for it.
func (q *Queue) returnMemory() {
	if q.insertedSinceFree < returnAfter {
		return
	}
	q.insertedSinceFree = 0
	debug.FreeOSMemory()
}

// returnAfter is how many bytes of log records inserted make a burst.
const returnAfter = 8 << 20

// fullBytes reports whether a batch's worth of bytes waits.
func (q *Queue) fullBytes() bool {
	_, bytes, _ := q.pend.waiting()
	return bytes >= q.opt.BatchBytes
}

// insert records the intent, inserts entries under its token until it
// succeeds (retrying with backoff), trims the log and releases the entries.
// It returns false when the queue is stopped first (the entries stay in the
// log and are replayed at the next start).
func (q *Queue) insert(entries []*entry, in intent) bool {
	wait := q.opt.RetryMin
	for attempt := 1; ; attempt++ {
		err := q.insertOnce(entries, in)
		if err == nil {
			q.failing.Store(false)
			return true
		}
		q.failing.Store(true)
		q.pend.signal()
		q.m.insertFailures.Inc()
		if errors.Is(err, wal.ErrClosed) {
			wait = q.opt.RetryMin // the appender is reopening the log: no backoff
		}
		q.log.Warn("store insert failed; retrying the batch", "attempt", attempt, "statements", len(entries),
			"token", in.token, "backoff", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-q.stopCtx.Done():
			t.Stop()
			return false
		case <-t.C:
		}
		wait = min(2*wait, q.opt.RetryMax)
	}
}

func (q *Queue) insertOnce(entries []*entry, in intent) error {
	if err := q.withLog(func(l *wal.Log) error { return l.SetMeta(intentKey, []byte(in.String())) }); err != nil {
		return fmt.Errorf("record the batch intent: %w", err)
	}
	envs := make([]*envelope.Envelope, len(entries))
	for i, e := range entries {
		env, err := q.load(e)
		if err != nil {
			return fmt.Errorf("read the batch back from the log: %w", err)
		}
		envs[i] = env
	}
	write := q.w.WriteNew
	for _, e := range entries {
		if !e.checked {
			write = q.w.Write
			break
		}
	}
	start := time.Now()
	rejected, err := write(q.stopCtx, in.token, envs)
	if err != nil {
		return err
	}
	q.m.insertSeconds.Observe(time.Since(start).Seconds())
	q.m.batchRows.Observe(float64(len(entries)))
	for _, r := range rejected {
		// Every statement was validated and checked for conflicts before it
		// was acknowledged, so the store refusing one is a bug: say so loudly
		// and keep the statement in the dead-letter file.
		q.m.rejected.Inc()
		q.log.Error("store refused an acknowledged statement; kept in the dead-letter file",
			"id", r.Envelope.ID, "err", r.Err)
		if err := q.deadLetter(r.Envelope, r.Err); err != nil {
			return err
		}
	}
	if err := q.withLog(func(l *wal.Log) error { return l.SetMeta(storedKey, []byte(in.String())) }); err != nil {
		q.log.Warn("recording the stored batch failed; the next start inserts it again, harmlessly", "err", err)
	}
	if err := q.withLog(func(l *wal.Log) error { return l.TrimThrough(in.last) }); err != nil {
		// Stored but not trimmed: the next trim or start removes it (the
		// stored batch says so; without it the next start inserts it again
		// under the same token, which stores nothing twice).
		q.log.Warn("write-ahead log trim failed; the next trim or start removes the batch", "err", err)
	}
	raws := make([][]byte, len(envs))
	for i, env := range envs {
		raws[i] = env.Statement
		q.insertedSinceFree += entries[i].size
	}
	q.known.stored(entries, raws) // before release: a read finds it in one or the other
	q.pend.release(len(entries), time.Now())
	q.m.stored.Add(float64(len(entries)))
	return nil
}
