package query

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/tributary-lrs/tributary/schemas/xapihttp"
)

// watermarkCache re-reads the watermark at most once per refresh interval.
// One refresh runs at a time; a failed refresh keeps the last value, which
// can only understate and so stays honest.
type watermarkCache struct {
	src              Watermark
	refresh, timeout time.Duration
	log              *slog.Logger
	now              func() time.Time

	mu      sync.Mutex
	fetched time.Time // when val was last refreshed or a refresh was tried
	val     time.Time
	have    bool
}

func newWatermarkCache(src Watermark, refresh, timeout time.Duration, log *slog.Logger) *watermarkCache {
	return &watermarkCache{src: src, refresh: refresh, timeout: timeout, log: log, now: time.Now}
}

// errNoWatermark means the watermark has never been read.
var errNoWatermark = errors.New("consistency watermark unavailable")

func (c *watermarkCache) get(ctx context.Context) (time.Time, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if !c.fetched.IsZero() && now.Sub(c.fetched) < c.refresh {
		if !c.have {
			return time.Time{}, errNoWatermark
		}
		return c.val, nil
	}
	// The refresh outlives a cancelled request: other requests wait for it.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.timeout)
	defer cancel()
	v, err := c.src.ConsistentThrough(rctx)
	c.fetched = now
	if err != nil {
		c.log.WarnContext(ctx, "watermark refresh failed", "err", err, "stale", c.have)
		if !c.have {
			return time.Time{}, errors.Join(errNoWatermark, err)
		}
		return c.val, nil
	}
	// Millisecond precision, rounded down: never overstate.
	c.val, c.have = v.UTC().Truncate(time.Millisecond), true
	return c.val, nil
}

type watermarkKey struct{}

// watermarkFrom returns the watermark read for this request.
func watermarkFrom(ctx context.Context) (time.Time, bool) {
	w, ok := ctx.Value(watermarkKey{}).(time.Time)
	return w, ok
}

// consistentThroughLayout is RFC 3339 in UTC with milliseconds.
const consistentThroughLayout = "2006-01-02T15:04:05.000Z07:00"

// consistentThrough sets X-Experience-API-Consistent-Through on every
// statement response, errors included, and hands the same value to the
// handler so that lists are capped where the header says.
func (s *Service) consistentThrough(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wm, err := s.wm.get(r.Context())
		if err == nil {
			w.Header().Set(xapihttp.HeaderConsistentThrough, wm.Format(consistentThroughLayout))
			r = r.WithContext(context.WithValue(r.Context(), watermarkKey{}, wm))
		}
		next.ServeHTTP(w, r)
	})
}
