package auth

import (
	"errors"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"
)

// ErrTooManyFailures is the message of the 429 that refuses a sign-in after
// too many failed ones for its key or from its client address.
var ErrTooManyFailures = errors.New("too many failed sign-ins for this key or from this address; retry later")

// FailureLimit is a token bucket of failed sign-ins: Burst failures, then
// one more every 1/Rate seconds. A Rate of 0 turns it off.
type FailureLimit struct {
	Rate  rate.Limit
	Burst int
}

// attempts holds the failed sign-in buckets of one kind (keys or client
// addresses). A sign-in is let through while its bucket holds a token, and
// only a failed one takes a token (going into debt when several were in
// flight at once, which delays the next attempt accordingly); successes cost
// nothing. Memory is bounded: at most tracked buckets, the least recently
// used forgotten first (a forgotten bucket starts full again).
type attempts struct {
	limit FailureLimit
	lru   *lru.Cache[string, *rate.Limiter]
}

func newAttempts(limit FailureLimit, tracked int) *attempts {
	if limit.Rate <= 0 {
		return &attempts{limit: limit}
	}
	c, _ := lru.New[string, *rate.Limiter](max(tracked, 1)) // fails only for a size below 1
	return &attempts{limit: limit, lru: c}
}

// allowed reports whether id may try to sign in at now, and if not, how long
// until it may.
func (a *attempts) allowed(id string, now time.Time) (time.Duration, bool) {
	if a.lru == nil {
		return 0, true
	}
	l, ok := a.lru.Get(id)
	if !ok {
		return 0, true
	}
	tokens := l.TokensAt(now)
	if tokens >= 1 {
		return 0, true
	}
	return time.Duration((1 - tokens) / float64(a.limit.Rate) * float64(time.Second)), false
}

// failed charges a failed sign-in of id at now.
func (a *attempts) failed(id string, now time.Time) {
	if a.lru == nil {
		return
	}
	l, ok := a.lru.Get(id)
	if !ok {
		fresh := rate.NewLimiter(a.limit.Rate, max(a.limit.Burst, 1))
		if prev, found, _ := a.lru.PeekOrAdd(id, fresh); found {
			l = prev
		} else {
			l = fresh
		}
	}
	l.ReserveN(now, 1) // never cancelled: a failure always costs its token
}

// len is the number of buckets held (for tests).
func (a *attempts) len() int {
	if a.lru == nil {
		return 0
	}
	return a.lru.Len()
}
