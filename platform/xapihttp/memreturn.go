package xapihttp

import (
	"runtime/debug"
	"sync"
	"time"
)

// memoryReturn gives the heap that a burst of large request bodies needed
// back to the operating system once the burst is done: when no body has
// been in flight for quiet after at least threshold bytes of bodies went
// through, it runs debug.FreeOSMemory. Without it the Go runtime keeps a
// burst's heap resident until later collections shrink the heap goal, which
// a process with little traffic may not run for minutes. It runs only
// between bursts, so its collection never competes with a request body.
type memoryReturn struct {
	threshold int64
	quiet     time.Duration
	free      func()
	// afterFunc runs f after d (time.AfterFunc when nil); now is the clock
	// (time.Now when nil).
	afterFunc func(d time.Duration, f func())
	now       func() time.Time

	mu       sync.Mutex
	inFlight int64     // bytes of bodies admitted and not released
	since    int64     // bytes admitted since the memory was last returned
	idleFrom time.Time // when the last body in flight was released
	pending  bool      // a check is scheduled: at most one at a time
}

// newMemoryReturn returns memory after an eighth of the in-flight bound (4
// MiB when unbounded) went through: a few large bodies, not the small ones
// of everyday traffic.
func newMemoryReturn(inFlight int64) *memoryReturn {
	threshold := int64(4 << 20)
	if inFlight > 0 {
		threshold = max(inFlight/8, 1<<20)
	}
	return &memoryReturn{threshold: threshold, quiet: time.Second, free: debug.FreeOSMemory}
}

func (m *memoryReturn) admit(n int64) {
	m.mu.Lock()
	m.inFlight += n
	m.since += n
	m.mu.Unlock()
}

// release schedules a check quiet after the last body in flight is
// released, unless one is scheduled already: under steady traffic that is
// one timer at a time, not one per request.
func (m *memoryReturn) release(n int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.inFlight -= n
	if m.inFlight > 0 || m.since < m.threshold {
		return
	}
	m.idleFrom = m.clock()
	if !m.pending {
		m.pending = true
		m.after(m.quiet)
	}
}

func (m *memoryReturn) after(d time.Duration) {
	if m.afterFunc != nil {
		m.afterFunc(d, m.check)
		return
	}
	time.AfterFunc(d, m.check)
}

func (m *memoryReturn) clock() time.Time {
	if m.now != nil {
		return m.now()
	}
	return time.Now()
}

// check returns the memory when nothing has been in flight for quiet, or
// looks again when the quiet time is not over yet; a body in flight
// schedules the next check on its release.
func (m *memoryReturn) check() {
	m.mu.Lock()
	if m.inFlight > 0 || m.since < m.threshold {
		m.pending = false
		m.mu.Unlock()
		return
	}
	if left := m.quiet - m.clock().Sub(m.idleFrom); left > 0 {
		m.after(left)
		m.mu.Unlock()
		return
	}
	m.pending = false
	m.since = 0
	m.mu.Unlock()
	m.free()
}
