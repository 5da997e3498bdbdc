package inflight

import (
	"sync"
	"testing"
	"time"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Set(ms int64) {
	c.mu.Lock()
	c.t = time.UnixMilli(ms).Add(123 * time.Microsecond)
	c.mu.Unlock()
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func TestTracker(t *testing.T) {
	c := &fakeClock{}
	c.Set(1000)
	tr := New(c.Now)

	if got := ms(tr.LowWatermark()); got != 1000 {
		t.Fatalf("idle LW = %d, want the current ms 1000", got)
	}
	s1, done1 := tr.Begin(3)
	if s1.Location() != time.UTC || s1.Nanosecond()%int(time.Millisecond) != 0 || ms(s1) != 1000 {
		t.Fatalf("stored = %v, want UTC ms 1000", s1)
	}
	c.Set(1005)
	s2, done2 := tr.Begin(1)
	if ms(s2) != 1005 || tr.InFlight() != 4 {
		t.Fatalf("stored = %d in flight %d", ms(s2), tr.InFlight())
	}
	c.Set(1010)
	if got := ms(tr.LowWatermark()); got != 1000 {
		t.Fatalf("LW with 1000 in flight = %d", got)
	}
	done1()
	done1() // idempotent
	if got := ms(tr.LowWatermark()); got != 1005 {
		t.Fatalf("LW after first done = %d, want 1005", got)
	}
	done2()
	if got := ms(tr.LowWatermark()); got != 1010 || tr.InFlight() != 0 {
		t.Fatalf("idle LW = %d (in flight %d), want 1010", got, tr.InFlight())
	}

	// Clock steps back: stored and LW never decrease.
	c.Set(900)
	s3, done3 := tr.Begin(1)
	if ms(s3) != 1010 {
		t.Fatalf("stored after clock step back = %d, want 1010", ms(s3))
	}
	done3()
	if got := ms(tr.LowWatermark()); got != 1010 {
		t.Fatalf("LW after clock step back = %d, want 1010", got)
	}
}

func TestTrackerSameMillisecond(t *testing.T) {
	c := &fakeClock{}
	c.Set(50)
	tr := New(c.Now)
	_, doneA := tr.Begin(1)
	_, doneB := tr.Begin(1)
	doneA()
	if got := ms(tr.LowWatermark()); got != 50 {
		t.Fatalf("LW = %d, want 50 while a statement of ms 50 is in flight", got)
	}
	doneB()
}

func TestTrackerConcurrentMonotonic(t *testing.T) {
	tr := New(nil)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				lw := tr.LowWatermark()
				s, done := tr.Begin(2)
				if s.Before(lw) {
					t.Errorf("stored %v before an earlier LW %v", s, lw)
				}
				done()
			}
		}()
	}
	wg.Wait()
	if tr.InFlight() != 0 {
		t.Fatalf("in flight = %d after every done", tr.InFlight())
	}
}
