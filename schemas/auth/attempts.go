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
// addresses). Memory is bounded: at most tracked buckets, the least recently
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

// attempt is a token taken for one sign-in, given back if it succeeds.
type attempt struct{ r []*rate.Reservation }

// take takes a token from the bucket of id at now. With none left it takes
// nothing and returns how long until one is there.
func (a *attempts) take(id string, now time.Time, into *attempt) (time.Duration, bool) {
	if a.lru == nil {
		return 0, true
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
	r := l.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d, false
	}
	into.r = append(into.r, r)
	return 0, true
}

// giveBack returns the tokens of a successful sign-in.
func (t *attempt) giveBack(now time.Time) {
	for _, r := range t.r {
		r.CancelAt(now)
	}
}

// len is the number of buckets held (for tests).
func (a *attempts) len() int {
	if a.lru == nil {
		return 0
	}
	return a.lru.Len()
}
