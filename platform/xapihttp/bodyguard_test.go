package xapihttp

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// guardedServer serves h behind GuardBodies with limits l.
func guardedServer(t *testing.T, l BodyLimits, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(GuardBodies(h, l))
	t.Cleanup(srv.Close)
	return srv
}

// readAll answers 200 with the length of the body it read, or the error.
func readAll(limit int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, ok := ReadBody(w, r, limit)
		if ok {
			_, _ = fmt.Fprint(w, len(body))
		}
	}
}

// rawRequest sends a POST announcing contentLength bytes but writing only
// body, then reads the response. It returns the response and how long it
// took to come.
func rawRequest(t *testing.T, addr string, contentLength int, body string) (*http.Response, []byte, time.Duration) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	fmt.Fprintf(conn, "POST /x HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		contentLength, body)
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no response to a short body: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b, time.Since(start)
}

func TestBodyShorterThanContentLengthGets408(t *testing.T) {
	idle := 300 * time.Millisecond
	srv := guardedServer(t, BodyLimits{InFlight: 1 << 20, Wait: time.Second, Pause: idle, Read: time.Minute}, readAll(1<<20))
	resp, body, took := rawRequest(t, srv.Listener.Addr().String(), 100, `{"short":`)
	if resp.StatusCode != http.StatusRequestTimeout {
		t.Fatalf("status %d, want 408: %s", resp.StatusCode, body)
	}
	var eb ErrorBody
	if err := json.Unmarshal(body, &eb); err != nil || eb.Error.Code != http.StatusRequestTimeout {
		t.Errorf("body %s is not an xAPI error body with code 408 (%v)", body, err)
	}
	if took < idle || took > idle+5*time.Second {
		t.Errorf("answered after %s, want about the body read timeout %s", took, idle)
	}
	if !resp.Close {
		t.Error("the connection stays open after a body that stopped short")
	}
}

func TestBodyReadTimeoutBoundsTheWholeBody(t *testing.T) {
	total := 500 * time.Millisecond
	srv := guardedServer(t, BodyLimits{InFlight: 1 << 20, Wait: time.Second, Pause: time.Second, Read: total}, readAll(1<<20))
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /x HTTP/1.1\r\nHost: test\r\nContent-Length: 1000\r\n\r\n")
	// One byte every 100 ms: never idle for long, never done in time.
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for i := 0; i < 1000; i++ {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			if _, err := conn.Write([]byte("x")); err != nil {
				return
			}
		}
	}()
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestTimeout {
		t.Fatalf("a trickling body got %d, want 408", resp.StatusCode)
	}
}

func TestBodyBytesInFlightBounded(t *testing.T) {
	const budget = 1000
	var inFlight, peak atomic.Int64
	h := func(w http.ResponseWriter, r *http.Request) {
		body, ok := ReadBody(w, r, budget)
		if !ok {
			return
		}
		n := inFlight.Add(int64(len(body)))
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(20 * time.Millisecond) // processing: the body is still held
		inFlight.Add(-int64(len(body)))
	}
	srv := guardedServer(t, BodyLimits{InFlight: budget, Wait: time.Minute, Pause: time.Second}, h)
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Post(srv.URL, "application/json", strings.NewReader(strings.Repeat("x", 300+10*i)))
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("status %d", resp.StatusCode)
			}
		}()
	}
	wg.Wait()
	if p := peak.Load(); p > budget || p == 0 {
		t.Errorf("peak body bytes in flight %d, want within (0, %d]", p, budget)
	}
}

func TestBodyWaitPastLimitGets503WithRetryAfter(t *testing.T) {
	release := make(chan struct{})
	h := func(w http.ResponseWriter, r *http.Request) {
		if _, ok := ReadBody(w, r, 1<<20); ok && r.Header.Get("X-Hold") != "" {
			<-release
		}
	}
	srv := guardedServer(t, BodyLimits{InFlight: 100, Wait: 200 * time.Millisecond, Pause: time.Second}, h)
	held := make(chan *http.Response)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(strings.Repeat("x", 80)))
		req.Header.Set("X-Hold", "1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
		}
		held <- resp
	}()
	// Wait until the first request holds its 80 bytes.
	for deadline := time.Now().Add(10 * time.Second); ; {
		resp, err := http.Post(srv.URL, "application/json", strings.NewReader(strings.Repeat("y", 50)))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusServiceUnavailable {
			if ra, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || ra < 1 {
				t.Errorf("503 with Retry-After %q", resp.Header.Get("Retry-After"))
			}
			if !bytes.Contains(b, []byte(`"code":503`)) {
				t.Errorf("503 body %s is not an xAPI error", b)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a request beyond body_bytes_in_flight never got 503")
		}
	}
	close(release)
	if resp := <-held; resp != nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("the admitted request got %d", resp.StatusCode)
		}
	}
	// With room again, the same request is admitted.
	resp, err := http.Post(srv.URL, "application/json", strings.NewReader(strings.Repeat("y", 50)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("after the release: status %d, want 200", resp.StatusCode)
	}
}

// A request whose processing outlasts the body read timeout keeps its
// context: the deadline only covers the arrival of the body.
func TestBodyReadTimeoutEndsWithTheBody(t *testing.T) {
	idle := 100 * time.Millisecond
	h := func(w http.ResponseWriter, r *http.Request) {
		if _, ok := ReadBody(w, r, 1<<20); !ok {
			return
		}
		select {
		case <-r.Context().Done():
			Error(w, r, http.StatusServiceUnavailable, r.Context().Err())
		case <-time.After(4 * idle):
			w.WriteHeader(http.StatusNoContent)
		}
	}
	srv := guardedServer(t, BodyLimits{InFlight: 1 << 20, Wait: time.Second, Pause: idle, Read: idle}, h)
	resp, err := http.Post(srv.URL, "application/json", strings.NewReader(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("status %d: the request context ended while the request was processed", resp.StatusCode)
	}
}
