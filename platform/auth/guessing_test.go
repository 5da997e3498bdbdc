package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/tributary-lrs/tributary/platform/config"
	"github.com/tributary-lrs/tributary/platform/xapihttp"
)

// guessEnv is a store with one credential and an authenticator on it.
type guessEnv struct {
	st          *Store
	clk         *clock
	key, secret string
}

func newGuessEnv(t *testing.T) *guessEnv {
	t.Helper()
	st := newStore(t)
	clk := newClock()
	st.Now = clk.Now
	if err := st.EnsureTenant(context.Background(), "acme"); err != nil {
		t.Fatal(err)
	}
	c, secret, err := st.CreateCredential(context.Background(), NewCredential{Tenant: "acme", Scopes: []string{"all"}})
	if err != nil {
		t.Fatal(err)
	}
	return &guessEnv{st: st, clk: clk, key: c.Key, secret: secret}
}

func (e *guessEnv) authenticator(o Options) *Authenticator {
	o.Now = e.clk.Now
	return NewAuthenticator(nil, e.st, "http://lrs", o)
}

// from is a Basic request from the client address addr.
func from(addr, key, secret string) *http.Request {
	r := basic(key, secret)
	r.RemoteAddr = addr
	return r
}

func retryLater(t *testing.T, err error, status int) time.Duration {
	t.Helper()
	var later *xapihttp.RetryLaterError
	if !errors.As(err, &later) || later.Status != status || !errors.Is(err, xapihttp.ErrUnauthorized) {
		t.Fatalf("got %v, want a %d RetryLaterError wrapping ErrUnauthorized", err, status)
	}
	return later.RetryAfter
}

// TestIssue19_FailedSignInsLimitedPerKey: issue 7 item 19, failed logins
// were never rate-limited. Past the burst of failures for one key the next
// sign-in is refused unchecked (429, Retry-After until a token is back),
// from any address; a credential already verified keeps working; after the
// wait the key can be tried again.
func TestIssue19_FailedSignInsLimitedPerKey(t *testing.T) {
	e := newGuessEnv(t)
	a := e.authenticator(Options{PerKey: FailureLimit{Rate: 0.1, Burst: 3}})
	if _, err := a.Authenticate(from("198.51.100.1:1", e.key, e.secret)); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := a.Authenticate(from(fmt.Sprintf("203.0.113.%d:1", i), e.key, "guess"+strconv.Itoa(i))); !errors.Is(err, xapihttp.ErrUnauthorized) ||
			errors.As(err, new(*xapihttp.RetryLaterError)) {
			t.Fatalf("guess %d: %v, want a plain 401", i, err)
		}
	}
	_, err := a.Authenticate(from("203.0.113.99:1", e.key, "guess"))
	if wait := retryLater(t, err, http.StatusTooManyRequests); wait <= 0 || wait > 10*time.Second {
		t.Fatalf("Retry-After %v, want up to 10 s", wait)
	}
	// The right secret is refused unchecked too, unless already verified.
	_, err = a.Authenticate(from("203.0.113.99:1", e.key, e.secret+"x"))
	retryLater(t, err, http.StatusTooManyRequests)
	if _, err := a.Authenticate(from("198.51.100.1:1", e.key, e.secret)); err != nil {
		t.Fatalf("cached credential refused while its key is limited: %v", err)
	}
	e.clk.Add(10 * time.Second)
	if _, err := a.Authenticate(from("203.0.113.99:1", e.key, "guess")); !errors.Is(err, xapihttp.ErrUnauthorized) ||
		errors.As(err, new(*xapihttp.RetryLaterError)) {
		t.Fatalf("after the wait: %v, want a plain 401", err)
	}
}

// TestIssue19_FailedSignInsLimitedPerClientAddress: guesses of many keys
// from one address are limited as one; another address is not; an IPv6
// client counts per /64; successful sign-ins cost nothing.
func TestIssue19_FailedSignInsLimitedPerClientAddress(t *testing.T) {
	e := newGuessEnv(t)
	a := e.authenticator(Options{PerAddress: FailureLimit{Rate: 0.5, Burst: 3}})
	for _, addr := range []string{"192.0.2.7:4000", "[2001:db8:1:2::1]:4000"} {
		for i := range 3 {
			if _, err := a.Authenticate(from(addr, "unknown"+strconv.Itoa(i), "s")); errors.As(err, new(*xapihttp.RetryLaterError)) {
				t.Fatalf("%s guess %d: %v", addr, i, err)
			}
		}
	}
	retryLater(t, errOf(a.Authenticate(from("192.0.2.7:5000", "other", "s"))), http.StatusTooManyRequests)
	retryLater(t, errOf(a.Authenticate(from("[2001:db8:1:2:ffff::9]:1", "other", "s"))), http.StatusTooManyRequests)
	if _, err := a.Authenticate(from("192.0.2.8:1", e.key, e.secret)); err != nil {
		t.Fatalf("another address: %v", err)
	}
	// Successes are not failures: a client signing in again and again (cache
	// emptied each time) is never limited.
	for i := range 10 {
		a.Invalidate(e.key)
		if _, err := a.Authenticate(from("192.0.2.9:1", e.key, e.secret)); err != nil {
			t.Fatalf("sign-in %d: %v", i, err)
		}
	}
}

func errOf(_ *xapihttp.Principal, err error) error { return err }

// TestIssue19_UnknownKeyCostsTheSameArgon2AsAKnownOne: an unknown key was
// refused after a store read (~4 ms) while a wrong secret of a known key
// cost an argon2id hash (19 MiB, ~40 ms), which told keys apart. Both now
// run argon2id with the store's parameters: each allocates its memory.
func TestIssue19_UnknownKeyCostsTheSameArgon2AsAKnownOne(t *testing.T) {
	e := newGuessEnv(t)
	e.st.Hash = HashParams{Time: 1, Memory: 8 * 1024, Threads: 1} // 8 MiB, for the known key and the dummy
	c, _, err := e.st.CreateCredential(context.Background(), NewCredential{Tenant: "acme", Scopes: []string{"all"}})
	if err != nil {
		t.Fatal(err)
	}
	a := e.authenticator(DefaultOptions())
	if _, err := a.Authenticate(basic("warm-up", "s")); !errors.Is(err, xapihttp.ErrUnauthorized) {
		t.Fatal(err)
	}
	allocated := func(key string) uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if _, err := a.Authenticate(basic(key, "wrong")); !errors.Is(err, xapihttp.ErrUnauthorized) {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	const hashBytes = 8 << 20
	known, unknown := allocated(c.Key), allocated("no-such-key")
	if known < hashBytes || unknown < hashBytes {
		t.Fatalf("allocated %d bytes for a known key, %d for an unknown one; want argon2id's %d for both", known, unknown, hashBytes)
	}
}

// TestIssue19_HashingConcurrencyBounded: verifications run in at most
// HashConcurrency slots; one that waits longer than HashWait is refused
// unchecked (503, Retry-After) and counts as no failure.
func TestIssue19_HashingConcurrencyBounded(t *testing.T) {
	e := newGuessEnv(t)
	a := e.authenticator(Options{HashConcurrency: 2, HashWait: 50 * time.Millisecond, PerKey: FailureLimit{Rate: 0.1, Burst: 1}})
	if !a.hashing.TryAcquire(2) {
		t.Fatal("slots taken")
	}
	start := time.Now()
	_, err := a.Authenticate(from("192.0.2.1:1", e.key, e.secret))
	if wait := retryLater(t, err, http.StatusServiceUnavailable); wait < time.Second || time.Since(start) < 50*time.Millisecond {
		t.Fatalf("Retry-After %v after %v", wait, time.Since(start))
	}
	a.hashing.Release(2)
	if _, err := a.Authenticate(from("192.0.2.1:1", e.key, "wrong")); !errors.Is(err, xapihttp.ErrUnauthorized) ||
		errors.As(err, new(*xapihttp.RetryLaterError)) {
		t.Fatalf("the busy refusal was counted as the key's failure: %v", err)
	}
}

// TestIssue19_BadGuessesNeverEvictValidCachedCredentials: the cache was
// cleared whole at 10,000 entries, failed verifications included, so a flood
// of guesses evicted every valid credential. Only successes are cached now,
// in an LRU: after a flood the valid credential is still served from the
// cache (here: still accepted within the TTL after a revocation the
// authenticator was not told about).
func TestIssue19_BadGuessesNeverEvictValidCachedCredentials(t *testing.T) {
	e := newGuessEnv(t)
	a := e.authenticator(Options{CacheSize: 20}) // failure limits off: every guess is checked
	if _, err := a.Authenticate(basic(e.key, e.secret)); err != nil {
		t.Fatal(err)
	}
	for i := range 60 {
		key := e.key
		if i%2 == 0 {
			key = "unknown" + strconv.Itoa(i)
		}
		if _, err := a.Authenticate(basic(key, "guess"+strconv.Itoa(i))); !errors.Is(err, xapihttp.ErrUnauthorized) {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	if n := a.verified.Len(); n != 1 {
		t.Fatalf("%d cached verifications after a flood of guesses, want 1 (the valid one)", n)
	}
	if _, err := e.st.Revoke(context.Background(), e.key); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Authenticate(basic(e.key, e.secret)); err != nil {
		t.Fatalf("valid credential no longer cached after the flood: %v", err)
	}
	// The cache is bounded: the least recently used success goes first.
	for i := range 25 {
		c, s, err := e.st.CreateCredential(context.Background(), NewCredential{Tenant: "acme", Scopes: []string{"all"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Authenticate(basic(c.Key, s)); err != nil {
			t.Fatalf("credential %d: %v", i, err)
		}
	}
	if n := a.verified.Len(); n != 20 {
		t.Fatalf("%d cached verifications, want the cache size 20", n)
	}
}

// TestIssue19_RequireAuthAnswers429WithRetryAfter: over HTTP, a limited
// sign-in is a 429 with Retry-After and an xAPI error body; behind the
// per-credential rate limit (which authenticates first) a wrong secret
// still counts once per request; the admin API is not authenticated by it.
func TestIssue19_RequireAuthAnswers429WithRetryAfter(t *testing.T) {
	e := newGuessEnv(t)
	a := e.authenticator(Options{PerKey: FailureLimit{Rate: 0.1, Burst: 2}})
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	var adminSeen atomic.Int32
	mux := http.NewServeMux()
	mux.Handle("/xapi/statements", xapihttp.RequireAuth(a, "all")(ok))
	mux.Handle("/admin/", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { adminSeen.Add(1) }))
	h := Limit(RequestLimit{PerSecond: 100, Burst: 100}, a, mux)
	codes := []int{}
	var last *httptest.ResponseRecorder
	for range 3 {
		last = httptest.NewRecorder()
		h.ServeHTTP(last, basic(e.key, "wrong"))
		codes = append(codes, last.Code)
	}
	if fmt.Sprint(codes) != "[401 401 429]" {
		t.Fatalf("codes %v, want [401 401 429] (one failure counted per request)", codes)
	}
	var body xapihttp.ErrorBody
	if last.Header().Get("Retry-After") != "10" || json.Unmarshal(last.Body.Bytes(), &body) != nil || body.Error.Code != 429 {
		t.Fatalf("429: Retry-After %q body %s", last.Header().Get("Retry-After"), last.Body)
	}
	for range 5 {
		r := httptest.NewRequest(http.MethodGet, "/admin/credentials", nil)
		r.SetBasicAuth("admin", "admin-secret")
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	if _, err := a.Authenticate(from("192.0.2.50:1", "admin", "x")); errors.As(err, new(*xapihttp.RetryLaterError)) ||
		adminSeen.Load() != 5 {
		t.Fatalf("admin requests counted as failed xAPI sign-ins: %v", err)
	}
}

// TestIssue19_ClientAddressBelievesOnlyTrustedProxies: X-Forwarded-For is
// ignored unless the peer is a trusted proxy; then the last address that is
// not a trusted proxy is the client, so an entry the client forged (left of
// what the proxy appended) is never believed.
func TestIssue19_ClientAddressBelievesOnlyTrustedProxies(t *testing.T) {
	proxies := []string{"10.0.0.0/8", "192.0.2.1"}
	var trusted ClientAddress
	for _, p := range proxies {
		pr, err := config.ParsePrefix(p)
		if err != nil {
			t.Fatal(err)
		}
		trusted.TrustedProxies = append(trusted.TrustedProxies, pr)
	}
	for _, c := range []struct {
		ca         ClientAddress
		peer, xff  string
		wantClient string
	}{
		{ClientAddress{}, "203.0.113.5:1234", "198.51.100.1", "203.0.113.5"},
		{trusted, "203.0.113.5:1234", "198.51.100.1", "203.0.113.5"},
		{trusted, "10.1.2.3:1234", "198.51.100.1", "198.51.100.1"},
		{trusted, "10.1.2.3:1234", "6.6.6.6, 198.51.100.1, 192.0.2.1", "198.51.100.1"},
		{trusted, "10.1.2.3:1234", "10.9.9.9", "10.9.9.9"},
		{trusted, "10.1.2.3:1234", "", "10.1.2.3"},
		{trusted, "10.1.2.3:1234", "6.6.6.6, garbage, 10.4.4.4", "10.4.4.4"},
		{trusted, "10.1.2.3:1234", "[2001:db8:a:b:1::2]:99", "2001:db8:a:b::/64"},
		{ClientAddress{}, "[::ffff:203.0.113.5]:1", "", "203.0.113.5"},
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = c.peer
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := c.ca.Of(r); got != c.wantClient {
			t.Errorf("peer %s XFF %q (trusted %v): %s, want %s", c.peer, c.xff, len(c.ca.TrustedProxies) > 0, got, c.wantClient)
		}
	}
}

// TestIssue19_FailureBucketsBounded: the buckets of keys and addresses are
// an LRU of Tracked entries, whatever the number of guessed keys.
func TestIssue19_FailureBucketsBounded(t *testing.T) {
	at := newAttempts(FailureLimit{Rate: rate.Limit(1), Burst: 1}, 50)
	now := time.Now()
	for i := range 500 {
		at.failed("k"+strconv.Itoa(i), now)
	}
	if n := at.len(); n != 50 {
		t.Fatalf("%d buckets, want 50", n)
	}
}
