// Package inflight tracks the statements an ingest instance has stored but
// Kafka has not acknowledged yet, and derives the instance's low watermark
// from them (see processor/watermark for how the processor uses it).
package inflight

import (
	"sync"
	"time"
)

// Tracker assigns stored times and remembers which are still in flight. It is
// safe for concurrent use.
//
// Invariants: stored times are UTC, millisecond precision and never decrease,
// even when the clock steps back; LowWatermark never decreases either, and
// every stored time assigned after a LowWatermark call is ≥ its result.
type Tracker struct {
	clock func() time.Time

	mu       sync.Mutex
	floor    int64         // highest ms handed out, as stored time or low watermark
	inflight map[int64]int // stored ms → number of Begin calls not done yet
	n        int           // statements in flight
}

// New returns a tracker reading time from clock (time.Now when nil).
func New(clock func() time.Time) *Tracker {
	if clock == nil {
		clock = time.Now
	}
	return &Tracker{clock: clock, inflight: map[int64]int{}}
}

// now returns the current ms, never below the floor. Callers hold mu.
func (t *Tracker) now() int64 {
	ms := t.clock().UnixMilli()
	if ms < t.floor {
		ms = t.floor
	}
	t.floor = ms
	return ms
}

// Begin assigns the stored time of n statements about to be published and
// registers them as in flight until done is called (done is idempotent; call
// it once the publish returned, whatever its outcome).
func (t *Tracker) Begin(n int) (stored time.Time, done func()) {
	t.mu.Lock()
	ms := t.now()
	t.inflight[ms]++
	t.n += n
	t.mu.Unlock()
	var once sync.Once
	return time.UnixMilli(ms).UTC(), func() {
		once.Do(func() {
			t.mu.Lock()
			if t.inflight[ms]--; t.inflight[ms] == 0 {
				delete(t.inflight, ms)
			}
			t.n -= n
			t.mu.Unlock()
		})
	}
}

// LowWatermark returns an exclusive bound LW: every statement this tracker
// stored strictly before LW is no longer in flight. It is the smallest stored
// time in flight, or the current ms when nothing is in flight.
func (t *Tracker) LowWatermark() time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.inflight) == 0 {
		return time.UnixMilli(t.now()).UTC()
	}
	lw := int64(0)
	first := true
	for ms := range t.inflight {
		if first || ms < lw {
			lw, first = ms, false
		}
	}
	return time.UnixMilli(lw).UTC()
}

// InFlight returns the number of statements in flight.
func (t *Tracker) InFlight() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.n
}
