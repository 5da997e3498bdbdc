package durability

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

// ledger is what the LRS acknowledged, and what the clients saw.
type ledger struct {
	mu       sync.Mutex
	acked    map[uuid.UUID]*stmt
	order    []*stmt
	voided   map[uuid.UUID]bool // targets of acknowledged voiding statements
	suspect  map[uuid.UUID]bool // in a request some attempt of which got no answer or a 503
	lastAck  time.Time
	requests int
	// statuses counts the answers by status; unanswered the attempts that
	// got none (the connection died with the LRS).
	statuses   map[int]int
	unanswered int
	// refusedTook are the durations of the 503 answers, retryAfter their
	// Retry-After values.
	refusedTook []time.Duration
	retryAfter  map[string]int
	problems    []string
}

func newLedger() *ledger {
	return &ledger{acked: map[uuid.UUID]*stmt{}, voided: map[uuid.UUID]bool{}, suspect: map[uuid.UUID]bool{},
		statuses: map[int]int{}, retryAfter: map[string]int{}}
}

func (l *ledger) problem(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.problems) < 50 {
		l.problems = append(l.problems, fmt.Sprintf(format, args...))
	}
}

// record notes one attempt of r and its answer; it reports whether r is
// done (acknowledged).
func (l *ledger) record(r request, a answer, at time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if a.err != nil && a.code == 0 {
		l.unanswered++
		for _, s := range r.stmts {
			l.suspect[s.id] = true
		}
		return false
	}
	l.statuses[a.code]++
	switch {
	case a.code == http.StatusServiceUnavailable:
		l.refusedTook = append(l.refusedTook, a.took)
		l.retryAfter[a.retryAfter]++
		for _, s := range r.stmts {
			l.suspect[s.id] = true
		}
		return false
	case a.code == http.StatusOK && r.method == http.MethodPost, a.code == http.StatusNoContent && r.method == http.MethodPut:
	default:
		if len(l.problems) < 50 {
			l.problems = append(l.problems, fmt.Sprintf("%s %s: %d %.300s", r.method, r.path, a.code, a.body))
		}
		return a.code < 500 // a 4xx will not change on a retry; a 5xx is retried (and reported)
	}
	if r.method == http.MethodPost {
		var ids []string
		if err := json.Unmarshal(a.body, &ids); err != nil || len(ids) != len(r.stmts) {
			l.problems = append(l.problems, fmt.Sprintf("POST answered 200 with %.200s for %d statements", a.body, len(r.stmts)))
		} else {
			for i, s := range r.stmts {
				if ids[i] != s.id.String() {
					l.problems = append(l.problems, fmt.Sprintf("POST answered id %s for %s", ids[i], s.id))
				}
			}
		}
	}
	l.requests++
	for _, s := range r.stmts {
		l.acked[s.id] = s
		l.order = append(l.order, s)
		if s.kind == voiding {
			l.voided[s.target] = true
		}
	}
	l.lastAck = at
	return true
}

// count returns the number of statements acknowledged.
func (l *ledger) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.acked)
}

// waitAcked waits until n statements are acknowledged, at most limit.
func (l *ledger) waitAcked(n int, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for l.count() < n && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
}

// summary is a one-line account of what the clients saw.
func (l *ledger) summary() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	codes := make([]int, 0, len(l.statuses))
	for c := range l.statuses {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	var st []string
	for _, c := range codes {
		st = append(st, fmt.Sprintf("%d×%d", l.statuses[c], c))
	}
	return fmt.Sprintf("acknowledged: %d statements in %d requests (%d voided); answers %s; unanswered attempts %d; statements in a request once unanswered or refused: %d",
		len(l.acked), l.requests, len(l.voided), strings.Join(st, " "), l.unanswered, len(l.suspect))
}

// waitFor waits until cond holds (checked every 50 ms), at most limit;
// false when it did not hold.
func (l *ledger) waitFor(limit time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

func (l *ledger) status(code int) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.statuses[code]
}

func (l *ledger) acks() int {
	return l.status(http.StatusOK) + l.status(http.StatusNoContent)
}

// refusals returns the 503 durations since the i-th, sorted.
func (l *ledger) refusals(from int) []time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := slices.Clone(l.refusedTook[min(from, len(l.refusedTook)):])
	slices.Sort(out)
	return out
}

func quantile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	return d[min(len(d)-1, int(q*float64(len(d))))]
}

// checkClients checks what the clients saw: nothing but 2xx and 503 (with
// Retry-After), and, unless the LRS was killed, an answer to every request.
func checkClients(t *testing.T, l *ledger, killed bool) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, p := range l.problems {
		t.Errorf("client: %s", p)
	}
	for code, n := range l.statuses {
		if code != http.StatusOK && code != http.StatusNoContent && code != http.StatusServiceUnavailable {
			t.Errorf("%d answers %d", n, code)
		}
	}
	if n := l.retryAfter[""]; n > 0 {
		t.Errorf("%d answers 503 without Retry-After", n)
	}
	if !killed && l.unanswered > 0 {
		t.Errorf("%d requests got no answer", l.unanswered)
	}
}
