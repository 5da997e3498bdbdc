package xapihttp

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// StatementsPath is the Statement resource, whose every response carries
// X-Experience-API-Consistent-Through (Communication 2.1.3).
const StatementsPath = "/xapi/statements"

// Watermark reports the consistency watermark: a time T such that every
// statement stored at or before T is visible in the store. It must never
// overstate.
type Watermark interface {
	ConsistentThrough(ctx context.Context) (time.Time, error)
}

// WatermarkOptions tune a WatermarkCache.
type WatermarkOptions struct {
	// Refresh is how old the cached value may get before it is read again.
	Refresh time.Duration
	// Wait bounds how long a request waits for a read in progress; past it
	// the request gets the last value (older, so never overstated). A
	// request never waits past its own context either.
	Wait time.Duration
	// Timeout bounds one read of the source.
	Timeout time.Duration
}

// WatermarkCache reads a Watermark at most once per refresh interval, one
// read at a time, in the background: a slow or failing source delays a
// request by at most Wait. A failed read keeps the last value, which can
// only understate and so stays honest.
type WatermarkCache struct {
	src Watermark
	opt WatermarkOptions
	log *slog.Logger
	now func() time.Time

	mu      sync.Mutex
	fetched time.Time     // when the last finished read started
	reading chan struct{} // closed when the read in progress ends; nil when none
	val     time.Time
	have    bool
	lastErr error
}

// NewWatermarkCache returns a cache over src.
func NewWatermarkCache(src Watermark, opt WatermarkOptions, log *slog.Logger) *WatermarkCache {
	return &WatermarkCache{src: src, opt: opt, log: log, now: time.Now}
}

// ErrNoWatermark means the watermark has never been read.
var ErrNoWatermark = errors.New("consistency watermark unavailable")

// Get returns the watermark, truncated to milliseconds, or an error wrapping
// ErrNoWatermark when no read has succeeded yet.
func (c *WatermarkCache) Get(ctx context.Context) (time.Time, error) {
	c.mu.Lock()
	if !c.fetched.IsZero() && c.now().Sub(c.fetched) < c.opt.Refresh {
		defer c.mu.Unlock()
		return c.current()
	}
	done := c.reading
	if done == nil {
		done = make(chan struct{})
		c.reading = done
		// The read outlives a cancelled request: other requests wait for it.
		go c.read(context.WithoutCancel(ctx), done)
	}
	c.mu.Unlock()
	wait := time.NewTimer(c.opt.Wait)
	defer wait.Stop()
	select {
	case <-done:
	case <-wait.C:
	case <-ctx.Done():
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.current()
}

func (c *WatermarkCache) current() (time.Time, error) {
	if !c.have {
		return time.Time{}, errors.Join(ErrNoWatermark, c.lastErr)
	}
	return c.val, nil
}

func (c *WatermarkCache) read(ctx context.Context, done chan struct{}) {
	start := c.now()
	rctx, cancel := context.WithTimeout(ctx, c.opt.Timeout)
	v, err := c.src.ConsistentThrough(rctx)
	cancel()
	c.mu.Lock()
	defer c.mu.Unlock()
	defer close(done)
	c.reading, c.fetched, c.lastErr = nil, start, err
	if err != nil {
		c.log.WarnContext(ctx, "watermark refresh failed", "err", err, "stale", c.have)
		return
	}
	// Millisecond precision, rounded down: never overstate.
	c.val, c.have = v.UTC().Truncate(time.Millisecond), true
}

type watermarkKey struct{}

// WatermarkFrom returns the watermark the ConsistentThrough middleware read
// for this request and announced in its header.
func WatermarkFrom(ctx context.Context) (time.Time, bool) {
	w, ok := ctx.Value(watermarkKey{}).(time.Time)
	return w, ok
}

// ConsistentThroughLayout is RFC 3339 in UTC with milliseconds.
const ConsistentThroughLayout = "2006-01-02T15:04:05.000Z07:00"

// ConsistentThrough sets X-Experience-API-Consistent-Through on every
// response to a request for StatementsPath, errors included (Communication
// 2.1.3), and hands the same value to the handler (WatermarkFrom) so that
// lists are capped where the header says. Requests for other paths pass
// untouched, so it may wrap a whole router. A request already given a
// watermark by an outer ConsistentThrough keeps it. When no read has
// succeeded yet the header says the Unix epoch (true of every store) and the
// handler gets no watermark.
func ConsistentThrough(c *WatermarkCache) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, ok := WatermarkFrom(r.Context()); ok || r.URL.Path != StatementsPath {
				next.ServeHTTP(w, r)
				return
			}
			wm, err := c.Get(r.Context())
			if err != nil {
				// Every statement is stored after the epoch: true of any store.
				wm = time.Unix(0, 0).UTC()
			} else {
				r = r.WithContext(context.WithValue(r.Context(), watermarkKey{}, wm))
			}
			w.Header().Set(HeaderConsistentThrough, wm.Format(ConsistentThroughLayout))
			next.ServeHTTP(w, r)
		})
	}
}
