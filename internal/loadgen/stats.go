package loadgen

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Summary describes a set of durations (nearest-rank percentiles).
type Summary struct {
	N                  int
	P50, P95, P99, Max time.Duration
}

// Summarize sorts d in place and summarizes it.
func Summarize(d []time.Duration) Summary {
	if len(d) == 0 {
		return Summary{}
	}
	slices.Sort(d)
	return Summary{N: len(d), P50: Percentile(d, 0.50), P95: Percentile(d, 0.95), P99: Percentile(d, 0.99),
		Max: d[len(d)-1]}
}

// Percentile is the nearest-rank p-th percentile of sorted d (0 when empty).
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// String is "p50 / p99 / max (n)" in milliseconds, or "-" without samples.
func (s Summary) String() string {
	if s.N == 0 {
		return "-"
	}
	return fmt.Sprintf("%s / %s / %s (n=%d)", Millis(s.P50), Millis(s.P99), Millis(s.Max), s.N)
}

// Millis formats d in milliseconds with a precision that suits its size.
func Millis(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case math.Abs(ms) >= 100:
		return strconv.FormatFloat(ms, 'f', 0, 64) + " ms"
	case math.Abs(ms) >= 10:
		return strconv.FormatFloat(ms, 'f', 1, 64) + " ms"
	default:
		return strconv.FormatFloat(ms, 'f', 2, 64) + " ms"
	}
}

// StatusConnection counts requests that got no HTTP answer (connection
// refused or reset, timeout).
const StatusConnection = 0

// Statuses counts failed requests by HTTP status (StatusConnection: none).
type Statuses map[int]int64

// Add merges o into s.
func (s Statuses) Add(o Statuses) {
	for k, v := range o {
		s[k] += v
	}
}

// Total is the number of failed requests.
func (s Statuses) Total() int64 {
	var n int64
	for _, v := range s {
		n += v
	}
	return n
}

// ServerErrors is the number of 5xx answers.
func (s Statuses) ServerErrors() int64 {
	var n int64
	for k, v := range s {
		if k >= 500 {
			n += v
		}
	}
	return n
}

// String is "none" or e.g. "503×12 conn×1", by status.
func (s Statuses) String() string {
	if s.Total() == 0 {
		return "none"
	}
	keys := make([]int, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		name := strconv.Itoa(k)
		if k == StatusConnection {
			name = "conn"
		}
		parts = append(parts, fmt.Sprintf("%s×%d", name, s[k]))
	}
	return strings.Join(parts, " ")
}

// recorder collects durations and failures from many goroutines.
type recorder struct {
	mu       sync.Mutex
	d        []time.Duration
	statuses Statuses
}

func newRecorder() *recorder { return &recorder{statuses: Statuses{}} }

func (r *recorder) ok(d time.Duration) {
	r.mu.Lock()
	r.d = append(r.d, d)
	r.mu.Unlock()
}

func (r *recorder) fail(status int) {
	r.mu.Lock()
	r.statuses[status]++
	r.mu.Unlock()
}

func (r *recorder) summary() (Summary, Statuses) {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := Statuses{}
	st.Add(r.statuses)
	return Summarize(slices.Clone(r.d)), st
}
