// Package inflight tracks the statements an ingest instance has stored but
// Kafka has not acknowledged yet, and derives the instance's low watermark
// from them (see schemas/watermark for how the processor uses it).
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
	f := t.Start()
	f.Add(n)
	return f.Stored(), f.Done
}

// Start assigns a stored time to a request that counts its statements as it
// decodes them (Flight.Add): the stored time holds the low watermark from
// now until Flight.Done.
func (t *Tracker) Start() *Flight {
	t.mu.Lock()
	ms := t.now()
	t.inflight[ms]++
	t.mu.Unlock()
	return &Flight{t: t, ms: ms}
}

// Flight is the statements of one request in flight under one stored time.
type Flight struct {
	t    *Tracker
	ms   int64
	n    int
	once sync.Once
}

// Stored is the stored time of the flight's statements (UTC, ms).
func (f *Flight) Stored() time.Time { return time.UnixMilli(f.ms).UTC() }

// Add counts n more statements in flight. Call it before Done.
func (f *Flight) Add(n int) {
	f.t.mu.Lock()
	f.n += n
	f.t.n += n
	f.t.mu.Unlock()
}

// Done ends the flight (idempotent; call it once the publish returned,
// whatever its outcome, or when the request fails before publishing).
func (f *Flight) Done() {
	f.once.Do(func() {
		t := f.t
		t.mu.Lock()
		if t.inflight[f.ms]--; t.inflight[f.ms] == 0 {
			delete(t.inflight, f.ms)
		}
		t.n -= f.n
		t.mu.Unlock()
	})
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
