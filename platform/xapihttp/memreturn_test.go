package xapihttp

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeTimers is a clock and the timers scheduled on it; advance moves the
// clock and runs the timers due, in order.
type fakeTimers struct {
	mu     sync.Mutex
	now    time.Time
	timers []fakeTimer
}

type fakeTimer struct {
	at time.Time
	f  func()
}

func (c *fakeTimers) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeTimers) AfterFunc(d time.Duration, f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.timers = append(c.timers, fakeTimer{at: c.now.Add(d), f: f})
}

func (c *fakeTimers) advance(d time.Duration) {
	c.mu.Lock()
	end := c.now.Add(d)
	c.mu.Unlock()
	for {
		c.mu.Lock()
		next := -1
		for i, t := range c.timers {
			if !t.at.After(end) && (next < 0 || t.at.Before(c.timers[next].at)) {
				next = i
			}
		}
		if next < 0 {
			c.now = end
			c.mu.Unlock()
			return
		}
		t := c.timers[next]
		c.timers = append(c.timers[:next], c.timers[next+1:]...)
		c.now = t.at
		c.mu.Unlock()
		t.f() // may schedule more
	}
}

// TestBodyMemoryReturnedOnceABurstIsDone: the heap of a burst of bodies is
// returned once no body is in flight for the quiet time, only after enough
// bytes went through, and never while a body is in flight.
func TestBodyMemoryReturnedOnceABurstIsDone(t *testing.T) {
	var frees atomic.Int32
	clk := &fakeTimers{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	m := &memoryReturn{threshold: 100, quiet: 50 * time.Millisecond, free: func() { frees.Add(1) },
		afterFunc: clk.AfterFunc, now: clk.Now}
	settle := func() { clk.advance(4 * m.quiet) }

	m.admit(60)
	m.admit(60)
	m.release(60)
	settle()
	if n := frees.Load(); n != 0 {
		t.Fatalf("memory returned %d times while a body is in flight", n)
	}
	m.release(60)
	settle()
	if n := frees.Load(); n != 1 {
		t.Fatalf("memory returned %d times after the burst, want once", n)
	}

	m.admit(10) // small traffic: nothing to return
	m.release(10)
	settle()
	if n := frees.Load(); n != 1 {
		t.Fatalf("memory returned after %d bytes, below the threshold", 10)
	}

	m.admit(120) // a new body within the quiet time postpones the return
	m.release(120)
	m.admit(5)
	settle()
	if n := frees.Load(); n != 1 {
		t.Fatal("memory returned while a body was in flight")
	}
	m.release(5)
	settle()
	if n := frees.Load(); n != 2 {
		t.Fatalf("memory returned %d times, want 2 after the second burst", n)
	}
}

// TestBodyMemoryReturnOneTimerUnderSteadyTraffic: while requests keep
// coming past the threshold, at most one check is scheduled at a time,
// not one per request.
func TestBodyMemoryReturnOneTimerUnderSteadyTraffic(t *testing.T) {
	var scheduled atomic.Int32
	m := &memoryReturn{threshold: 100, quiet: time.Hour, free: func() {},
		afterFunc: func(time.Duration, func()) { scheduled.Add(1) }}
	for range 1000 {
		m.admit(60)
		m.release(60)
	}
	if n := scheduled.Load(); n != 1 {
		t.Fatalf("%d checks scheduled for 1000 requests, want 1", n)
	}
}
