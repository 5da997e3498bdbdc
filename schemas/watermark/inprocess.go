package watermark

import (
	"context"
	"time"
)

// Below is the watermark under the exclusive bound low: every statement
// stored strictly before low is stored, so every statement stored at or
// before low − 1 ms (the stored times' precision) is.
func Below(low time.Time) time.Time { return low.Add(-time.Millisecond).UTC() }

// InFlight is what a process is still handling: LowWatermark is an exclusive
// bound on the stored times it assigned to statements not yet handed on
// (ingest/inflight.Tracker).
type InFlight interface{ LowWatermark() time.Time }

// Pending is what waits for its insert: OldestPending is the earliest stored
// time handed on but not stored yet, ok false when nothing waits
// (processor/walqueue.Queue).
type Pending interface {
	OldestPending() (oldest time.Time, ok bool)
}

// InProcess is the watermark of the all-in-one mode: below the earliest
// stored time still on its way to the store, whether its request is still
// being handled (InFlight, from the stored time's assignment until the log
// acknowledged it) or it waits in the log for its insert (Pending, until the
// insert returned).
type InProcess struct {
	InFlight InFlight
	Pending  Pending
}

// ConsistentThrough implements xapihttp.Watermark.
func (w InProcess) ConsistentThrough(context.Context) (time.Time, error) {
	// InFlight first: a statement acknowledged between the two reads is
	// pending by the time Pending is read.
	low := w.InFlight.LowWatermark()
	if t, ok := w.Pending.OldestPending(); ok && t.Before(low) {
		low = t
	}
	return Below(low), nil
}
