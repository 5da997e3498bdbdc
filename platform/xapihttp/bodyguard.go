package xapihttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"golang.org/x/sync/semaphore"
)

// Errors of a request body that the guard stops (see GuardBodies).
var (
	// ErrBodyTimeout is answered with 408: the body did not arrive in time.
	ErrBodyTimeout = errors.New("the request body did not arrive in time")
	// ErrBusy is answered with 503 and Retry-After: the process had no room
	// for the body within the wait.
	ErrBusy = errors.New("too many request bodies in flight")
)

// BodyLimits bound the request bodies a process holds and how long one may
// take to arrive.
type BodyLimits struct {
	// InFlight bounds the sum of the bodies (by Content-Length) being read or
	// processed at once (0: no bound). A body larger than InFlight counts as
	// InFlight: it waits until nothing else is in flight.
	InFlight int64
	// Unknown is what a body of unknown length (chunked) counts: the
	// largest body a route accepts.
	Unknown int64
	// Wait is how long a request waits for room; past it, it gets 503 with
	// Retry-After.
	Wait time.Duration
	// Pause is the longest pause between two reads of the body; Read
	// bounds the whole read from its first byte (0: no bound for either).
	// Past either, 408.
	Pause, Read time.Duration
}

// GuardBodies bounds the request bodies h reads. A request is admitted when
// it first reads its body, so a request refused before (401, 404, 413 by
// Content-Length, ...) never waits; it keeps its share of InFlight until h
// returns, because the memory of a body lives as long as its processing.
// While the body arrives, every read must deliver within Pause and the
// whole body within Read. The reads fail with errors that BodyError
// answers: ErrBusy (503) and ErrBodyTimeout (408). Once the bodies of a
// burst are done, the guard returns their memory to the OS (see
// memoryReturn).
func GuardBodies(h http.Handler, l BodyLimits) http.Handler {
	g := &bodyGate{limits: l, mem: newMemoryReturn(l.InFlight)}
	if l.InFlight > 0 {
		g.sem = semaphore.NewWeighted(l.InFlight)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
			h.ServeHTTP(w, r)
			return
		}
		b := &guardedBody{gate: g, body: r.Body, ctx: r.Context(), rc: http.NewResponseController(w),
			weight: g.weight(r.ContentLength)}
		r2 := *r
		r2.Body = b
		defer b.release()
		h.ServeHTTP(w, &r2)
	})
}

// bodyGate is the state GuardBodies shares between requests.
type bodyGate struct {
	limits BodyLimits
	sem    *semaphore.Weighted // nil: no bound
	mem    *memoryReturn
}

// weight is what a body of contentLength bytes (-1: unknown) counts.
func (g *bodyGate) weight(contentLength int64) int64 {
	w := contentLength
	if w < 0 {
		w = g.limits.Unknown
	}
	if g.limits.InFlight > 0 {
		w = min(max(w, 1), g.limits.InFlight)
	}
	return w
}

// guardedBody admits the request on its first read and keeps the read
// deadline of the connection moving with the body.
type guardedBody struct {
	gate     *bodyGate
	body     io.ReadCloser
	ctx      context.Context
	rc       *http.ResponseController
	weight   int64
	admitted bool
	holds    bool      // holds weight of the gate's semaphore
	end      time.Time // the Read bound, set at admission
	err      error     // sticky: a stopped body stays stopped
}

func (b *guardedBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if !b.admitted {
		if err := b.admit(); err != nil {
			b.err = err
			return 0, err
		}
	}
	if deadline := b.deadline(); !deadline.IsZero() {
		_ = b.rc.SetReadDeadline(deadline) // not supported (a test recorder): no deadline
	}
	// At the end of the body net/http clears the deadline itself before its
	// background read of the connection.
	n, err := b.body.Read(p)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		l := b.gate.limits
		b.err = fmt.Errorf("%w: a body must keep arriving (no pause over %s) and arrive in full within %s",
			ErrBodyTimeout, l.Pause, l.Read)
		return n, b.err
	}
	return n, err
}

// deadline is when the next read must have delivered, zero for never.
func (b *guardedBody) deadline() time.Time {
	var d time.Time
	if p := b.gate.limits.Pause; p > 0 {
		d = time.Now().Add(p)
	}
	if !b.end.IsZero() && (d.IsZero() || b.end.Before(d)) {
		d = b.end
	}
	return d
}

func (b *guardedBody) admit() error {
	g := b.gate
	if g.sem != nil && !g.sem.TryAcquire(b.weight) { // room at once: no timer
		ctx, cancel := context.WithTimeout(b.ctx, g.limits.Wait)
		err := g.sem.Acquire(ctx, b.weight)
		cancel()
		if err != nil {
			if b.ctx.Err() != nil {
				return fmt.Errorf("wait for room for the request body: %w", b.ctx.Err())
			}
			return &busyError{wait: g.limits.Wait}
		}
	}
	b.holds = g.sem != nil
	g.mem.admit(b.weight)
	b.admitted = true
	if g.limits.Read > 0 {
		b.end = time.Now().Add(g.limits.Read)
	}
	return nil
}

func (b *guardedBody) release() {
	if !b.admitted {
		return
	}
	if b.holds {
		b.gate.sem.Release(b.weight)
		b.holds = false
	}
	b.gate.mem.release(b.weight)
	b.admitted = false
}

func (b *guardedBody) Close() error { return b.body.Close() }

// busyError is ErrBusy with the wait that ran out, used as Retry-After.
type busyError struct{ wait time.Duration }

func (e *busyError) Error() string {
	return fmt.Sprintf("%s: no room for the request body within %s", ErrBusy, e.wait)
}

func (e *busyError) Is(target error) bool { return target == ErrBusy }
