package allinone

import (
	"context"
	"time"

	"github.com/tributary-lrs/tributary/ingest/inflight"
	"github.com/tributary-lrs/tributary/processor/walqueue"
)

// watermark is the consistency watermark of the all-in-one mode: before the
// earliest stored time still on its way to the store, whether its request
// is still being handled (the tracker, from the stored time's assignment
// until the log acknowledged it) or it waits in the log for its insert (the
// queue, until the insert returned). Every statement stored before it is
// visible in the store.
type watermark struct {
	tracker *inflight.Tracker
	queue   *walqueue.Queue
}

// ConsistentThrough implements query.Watermark.
func (w watermark) ConsistentThrough(context.Context) (time.Time, error) {
	// The tracker first: a statement acknowledged between the two reads is
	// pending by the time the queue is read.
	low := w.tracker.LowWatermark()
	if t, ok := w.queue.OldestPending(); ok && t.Before(low) {
		low = t
	}
	return low.Add(-time.Millisecond), nil
}
