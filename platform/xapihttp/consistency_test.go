package xapihttp

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// fakeSource is a settable Watermark; block, when set, holds every read
// until it is closed.
type fakeSource struct {
	mu    sync.Mutex
	t     time.Time
	err   error
	n     int
	block chan struct{}
}

func (f *fakeSource) ConsistentThrough(ctx context.Context) (time.Time, error) {
	f.mu.Lock()
	block := f.block
	f.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	return f.t, f.err
}

func (f *fakeSource) set(t time.Time, err error) {
	f.mu.Lock()
	f.t, f.err = t, err
	f.mu.Unlock()
}

func (f *fakeSource) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n
}

var (
	discard = slog.New(slog.DiscardHandler)
	t0      = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
)

// The watermark is re-read at most once per refresh interval and a failed
// read keeps the last value (it can only understate).
func TestWatermarkCache_RefreshAndStaleOnError(t *testing.T) {
	src := &fakeSource{t: t0.Add(1500 * time.Microsecond)}
	c := NewWatermarkCache(src, WatermarkOptions{Refresh: time.Second, Wait: time.Second, Timeout: time.Second}, discard)
	now := t0
	c.now = func() time.Time { return now }
	get := func() time.Time {
		t.Helper()
		v, err := c.Get(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := get(); !v.Equal(t0.Add(time.Millisecond)) || src.calls() != 1 {
		t.Errorf("first read %v (%d calls): want truncation to ms", v, src.calls())
	}
	src.set(t0.Add(2*time.Second), nil)
	now = now.Add(500 * time.Millisecond)
	if v := get(); !v.Equal(t0.Add(time.Millisecond)) || src.calls() != 1 {
		t.Errorf("within refresh: %v (%d calls)", v, src.calls())
	}
	now = now.Add(time.Second)
	if v := get(); !v.Equal(t0.Add(2*time.Second)) || src.calls() != 2 {
		t.Errorf("after refresh: %v (%d calls)", v, src.calls())
	}
	src.set(t0.Add(3*time.Second), errors.New("down"))
	now = now.Add(2 * time.Second)
	if v := get(); !v.Equal(t0.Add(2 * time.Second)) {
		t.Errorf("stale on error: %v", v)
	}
}

// A read that hangs delays a request by at most Wait; the request gets the
// last value meanwhile, or ErrNoWatermark when there is none.
func TestWatermarkCache_SlowSourceDelaysAtMostWait(t *testing.T) {
	src := &fakeSource{t: t0, block: make(chan struct{})}
	c := NewWatermarkCache(src, WatermarkOptions{Refresh: time.Nanosecond, Wait: 20 * time.Millisecond, Timeout: time.Minute}, discard)
	if _, err := c.Get(context.Background()); !errors.Is(err, ErrNoWatermark) {
		t.Fatalf("nothing read yet: %v, want ErrNoWatermark", err)
	}
	close(src.block)
	waitUntil(t, func() bool { v, err := c.Get(context.Background()); return err == nil && v.Equal(t0) })
	src.mu.Lock()
	src.block = make(chan struct{})
	src.mu.Unlock()
	src.set(t0.Add(time.Hour), nil)
	start := time.Now()
	if v, err := c.Get(context.Background()); err != nil || !v.Equal(t0) {
		t.Errorf("while a read hangs: %v, %v; want the last value %v", v, err, t0)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("waited %v for a hanging read", d)
	}
	close(src.block)
}

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(time.Millisecond)
	}
}

// Communication 2.1.3: X-Experience-API-Consistent-Through is on all
// responses to Statements Resource requests; it is never overstated, and
// before the watermark was ever read it says the Unix epoch (true of any
// store) while the handler gets no watermark to cap a list with.
func TestCommunication2_1_3_ConsistentThroughOnEveryStatementsResponse(t *testing.T) {
	src := &fakeSource{err: errors.New("not yet")}
	c := NewWatermarkCache(src, WatermarkOptions{Refresh: time.Nanosecond, Wait: time.Second, Timeout: time.Second}, discard)
	var handed []bool
	h := ConsistentThrough(c)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, ok := WatermarkFrom(r.Context())
		handed = append(handed, ok)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	serve := func(path string) string {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		return w.Header().Get(HeaderConsistentThrough)
	}
	if got := serve(StatementsPath); got != "1970-01-01T00:00:00.000Z" || handed[0] {
		t.Errorf("never read: header %q, handed %v; want the epoch and no watermark", got, handed)
	}
	src.set(t0.Add(1999*time.Microsecond), nil)
	if got := serve(StatementsPath); got != "2024-05-01T12:00:00.001Z" || !handed[1] {
		t.Errorf("read: header %q, handed %v", got, handed)
	}
	if got := serve("/xapi/activities/state"); got != "" {
		t.Errorf("another resource got %q", got)
	}
	// An outer ConsistentThrough decides; an inner one keeps its value.
	src.set(t0.Add(time.Hour), nil)
	inner := NewWatermarkCache(src, WatermarkOptions{Refresh: time.Hour, Wait: time.Second, Timeout: time.Second}, discard)
	var seen time.Time
	nested := ConsistentThrough(inner)(ConsistentThrough(c)(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		seen, _ = WatermarkFrom(r.Context())
	})))
	w := httptest.NewRecorder()
	nested.ServeHTTP(w, httptest.NewRequest(http.MethodPost, StatementsPath, nil))
	if got := w.Header().Get(HeaderConsistentThrough); got != seen.Format(ConsistentThroughLayout) || !seen.Equal(t0.Add(time.Hour)) {
		t.Errorf("nested: header %q, handler saw %v", got, seen)
	}
}
