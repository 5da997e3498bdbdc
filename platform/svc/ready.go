package svc

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Check reports whether a dependency can serve: nil when ready. It must
// return promptly when ctx is done.
type Check func(ctx context.Context) error

// Readiness answers /readyz: ready while not shutting down and every
// registered Check passes. Safe for concurrent use.
type Readiness struct {
	mu       sync.Mutex
	names    []string
	checks   []Check
	stopping atomic.Bool
	// Timeout bounds one round of checks (default 2s).
	Timeout time.Duration
}

// NotReadyShutdown is the failing name reported once shutdown has begun.
const NotReadyShutdown = "shutdown"

// NewReadiness returns a Readiness with no checks: ready until shut down.
func NewReadiness() *Readiness { return &Readiness{Timeout: 2 * time.Second} }

// Add registers a named check, e.g. "clickhouse" or "kafka".
func (r *Readiness) Add(name string, c Check) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.names = append(r.names, name)
	r.checks = append(r.checks, c)
}

// SetNotReady makes every later Failing report NotReadyShutdown. It is the
// first shutdown step, so load balancers stop sending traffic.
func (r *Readiness) SetNotReady() { r.stopping.Store(true) }

// Failing runs every check concurrently and returns the names of those that
// failed, in registration order; empty means ready.
func (r *Readiness) Failing(ctx context.Context) []string {
	if r.stopping.Load() {
		return []string{NotReadyShutdown}
	}
	r.mu.Lock()
	names, checks := slices.Clone(r.names), slices.Clone(r.checks)
	r.mu.Unlock()
	if r.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.Timeout)
		defer cancel()
	}
	failed := make([]bool, len(checks))
	var wg sync.WaitGroup
	for i, c := range checks {
		wg.Go(func() { failed[i] = c(ctx) != nil })
	}
	wg.Wait()
	var out []string
	for i, f := range failed {
		if f {
			out = append(out, names[i])
		}
	}
	return out
}

// readyBody is the JSON answer of /readyz.
type readyBody struct {
	Ready   bool     `json:"ready"`
	Failing []string `json:"failing,omitempty"`
}

// ServeHTTP answers 200 {"ready":true} or 503 {"ready":false,"failing":[...]}.
func (r *Readiness) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	failing := r.Failing(req.Context())
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	code := http.StatusOK
	if len(failing) > 0 {
		code = http.StatusServiceUnavailable
	}
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(readyBody{Ready: len(failing) == 0, Failing: failing})
}
