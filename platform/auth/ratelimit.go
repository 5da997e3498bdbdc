package auth

import (
	"errors"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/tributary-lrs/tributary/platform/xapihttp"
)

// ErrRateLimited is the message of a 429 answer.
var ErrRateLimited = errors.New("too many requests for this credential; retry later")

// Limiter holds one token bucket per credential (tenant and key). Memory is
// bounded: a bucket idle long enough to have refilled completely is
// equivalent to a new one and is evicted by a sweep at most once a minute.
type Limiter struct {
	limit rate.Limit
	burst int
	// Now is the clock (time.Now if nil); set before use.
	Now func() time.Time

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	l    *rate.Limiter
	seen time.Time
}

// NewLimiter allows each credential limit requests per second with bursts of
// burst. A limit of rate.Inf disables limiting.
func NewLimiter(limit rate.Limit, burst int) *Limiter {
	return &Limiter{limit: limit, burst: max(burst, 1), buckets: map[string]*bucket{}}
}

func (l *Limiter) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

// idle is how long a bucket must be unused before it is full again.
func (l *Limiter) idle() time.Duration {
	if l.limit <= 0 {
		return time.Hour
	}
	d := time.Duration(float64(l.burst) / float64(l.limit) * float64(time.Second))
	return min(max(d, time.Minute), 24*time.Hour)
}

// Allow takes a token for id at now; if none is available it returns false
// and how long until one is.
func (l *Limiter) Allow(id string) (bool, time.Duration) {
	if l.limit == rate.Inf {
		return true, 0
	}
	now := l.now()
	l.mu.Lock()
	if now.Sub(l.lastSweep) >= time.Minute {
		idle := l.idle()
		for k, b := range l.buckets {
			if now.Sub(b.seen) > idle {
				delete(l.buckets, k)
			}
		}
		l.lastSweep = now
	}
	b, ok := l.buckets[id]
	if !ok {
		b = &bucket{l: rate.NewLimiter(l.limit, l.burst)}
		l.buckets[id] = b
	}
	b.seen = now
	l.mu.Unlock()
	r := b.l.ReserveN(now, 1)
	if !r.OK() {
		return false, time.Hour
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// Len is the number of buckets held (for tests and metrics).
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// Middleware answers 429 with Retry-After (whole seconds, at least 1) when
// the principal of the request is over its rate. It must run after
// authentication: a request without a principal in its context is passed
// on untouched, unless auth is set, in which case the principal is resolved
// with it (xapihttp.AuthenticateOnce: RequireAuth downstream reuses the
// outcome) and a request that does not authenticate is passed on to be
// refused downstream.
func (l *Limiter) Middleware(auth xapihttp.Authenticator) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, ok := xapihttp.PrincipalFrom(r.Context())
			if !ok && auth != nil {
				var err error
				if r, p, err = xapihttp.AuthenticateOnce(auth, r); err == nil {
					ok = true
				}
			}
			if ok && p != nil {
				if allowed, wait := l.Allow(p.Tenant + "\x00" + p.Key); !allowed {
					xapihttp.RetryLater(w, r, http.StatusTooManyRequests, wait, ErrRateLimited)
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// RateLimit is NewLimiter(limit, burst).Middleware(nil): a per-credential
// limit keyed by the principal already in the request context.
func RateLimit(limit rate.Limit, burst int) func(http.Handler) http.Handler {
	return NewLimiter(limit, burst).Middleware(nil)
}

// RateLimitBy is like RateLimit but resolves the principal with auth when
// the context holds none, so it can wrap a whole router in front of
// xapihttp.RequireAuth.
func RateLimitBy(auth xapihttp.Authenticator, limit rate.Limit, burst int) func(http.Handler) http.Handler {
	return NewLimiter(limit, burst).Middleware(auth)
}
