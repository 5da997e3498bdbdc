package watermark

import (
	"context"
	"testing"
	"time"
)

type lowAt time.Time

func (l lowAt) LowWatermark() time.Time { return time.Time(l) }

type pendingAt struct {
	t  time.Time
	ok bool
}

func (p pendingAt) OldestPending() (time.Time, bool) { return p.t, p.ok }

// TestIssue9_InProcessWatermarkIsBelowTheEarliestOnItsWay: in all-in-one
// mode the watermark is 1 ms below the earliest stored time still on its way
// to the store, in a request or in the log, never above either.
func TestIssue9_InProcessWatermarkIsBelowTheEarliestOnItsWay(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, c := range []struct {
		name     string
		inFlight time.Time
		pending  pendingAt
		want     time.Time
	}{
		{"nothing pending", t0, pendingAt{}, t0.Add(-time.Millisecond)},
		{"pending later than in flight", t0, pendingAt{t0.Add(time.Second), true}, t0.Add(-time.Millisecond)},
		{"pending earlier than in flight", t0, pendingAt{t0.Add(-time.Second), true}, t0.Add(-time.Second - time.Millisecond)},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := InProcess{InFlight: lowAt(c.inFlight), Pending: c.pending}.ConsistentThrough(context.Background())
			if err != nil || !got.Equal(c.want) {
				t.Errorf("ConsistentThrough = %s, %v; want %s", got, err, c.want)
			}
		})
	}
}
