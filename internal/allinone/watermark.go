package allinone

import (
	"context"
	"time"

	"github.com/tributary-lrs/tributary/ingest/inflight"
)

// trackerWatermark is the consistency watermark of the all-in-one mode. A
// statement leaves the tracker only after its insert returned, so every
// statement stored before the tracker's low watermark is visible.
type trackerWatermark struct{ t *inflight.Tracker }

// ConsistentThrough implements query.Watermark.
func (w trackerWatermark) ConsistentThrough(context.Context) (time.Time, error) {
	return w.t.LowWatermark().Add(-time.Millisecond), nil
}
