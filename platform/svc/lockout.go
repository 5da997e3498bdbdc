package svc

import (
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Lockout slows down password guessing on the admin API: a client address
// whose requests are answered 401 Unauthorized Failures times within Window
// gets 429 Too Many Requests, with Retry-After, without reaching the handler
// until the oldest of those failures is Window old. A request that is not
// answered 401 clears the address's failures. Memory is bounded: addresses
// without a failure in the last Window are forgotten by a sweep at most once
// a minute, and at most maxTracked addresses are tracked.
type Lockout struct {
	failures int
	window   time.Duration
	log      *slog.Logger
	// Now is the clock (time.Now if nil); set before use.
	Now func() time.Time

	mu        sync.Mutex
	clients   map[string][]time.Time // failure times within the window, oldest first
	lastSweep time.Time
}

const maxTracked = 100_000

// NewLockout locks an address out after failures 401 answers within window.
func NewLockout(failures int, window time.Duration, log *slog.Logger) *Lockout {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Lockout{failures: max(failures, 1), window: window, log: log, clients: map[string][]time.Time{}}
}

func (l *Lockout) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

// Wrap guards h.
func (l *Lockout) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		client := clientAddr(r)
		if wait := l.lockedFor(client); wait > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusTooManyRequests)
			_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
				"code": http.StatusTooManyRequests, "status": http.StatusText(http.StatusTooManyRequests),
				"message": "too many failed sign-ins from this address; retry later"}})
			return
		}
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		l.record(client, sw.code == http.StatusUnauthorized)
	})
}

// lockedFor returns how long client stays locked out, 0 when it is not.
func (l *Lockout) lockedFor(client string) time.Duration {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	times := l.recent(client, now)
	if len(times) < l.failures {
		return 0
	}
	return times[len(times)-l.failures].Add(l.window).Sub(now)
}

func (l *Lockout) record(client string, failed bool) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if !failed {
		delete(l.clients, client)
		return
	}
	if now.Sub(l.lastSweep) >= time.Minute {
		for c := range l.clients {
			l.recent(c, now)
		}
		l.lastSweep = now
	}
	times := l.recent(client, now)
	if times == nil && len(l.clients) >= maxTracked {
		return
	}
	times = append(times, now)
	if len(times) > l.failures {
		times = times[len(times)-l.failures:]
	}
	l.clients[client] = times
	if len(times) == l.failures {
		l.log.Warn("admin sign-ins locked out", "client", client, "failures", l.failures,
			"window", l.window)
	}
}

// recent drops client's failures older than the window and returns the rest.
func (l *Lockout) recent(client string, now time.Time) []time.Time {
	times := l.clients[client]
	i := 0
	for i < len(times) && now.Sub(times[i]) >= l.window {
		i++
	}
	if i == len(times) {
		delete(l.clients, client)
		return nil
	}
	times = times[i:]
	l.clients[client] = times
	return times
}

// clientAddr is the request's remote IP (without the port).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
