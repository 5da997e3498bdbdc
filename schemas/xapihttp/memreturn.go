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

	mu       sync.Mutex
	inFlight int64  // bytes of bodies admitted and not released
	since    int64  // bytes admitted since the memory was last returned
	gen      uint64 // admissions so far: a new one cancels a pending return
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
	m.gen++
	m.mu.Unlock()
}

func (m *memoryReturn) release(n int64) {
	m.mu.Lock()
	m.inFlight -= n
	if m.inFlight > 0 || m.since < m.threshold {
		m.mu.Unlock()
		return
	}
	gen := m.gen
	m.mu.Unlock()
	time.AfterFunc(m.quiet, func() {
		m.mu.Lock()
		if m.inFlight > 0 || m.gen != gen || m.since < m.threshold {
			m.mu.Unlock()
			return
		}
		m.since = 0
		m.mu.Unlock()
		m.free()
	})
}
