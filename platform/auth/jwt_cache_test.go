package auth

import (
	"errors"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

func TestJWTKeyRotation(t *testing.T) {
	f := newFixture(t, nil)
	f.mustAuth(t, sign(t, f.opts()))
	if n := f.srv.fetches.Load(); n != 1 {
		t.Fatalf("%d fetches, want 1", n)
	}
	rotated := func() string {
		o := f.opts()
		o.key, o.kid = rsaKey2, "r2"
		return sign(t, o)
	}
	// r2 is not published yet: unauthorized, and within 30 s of the last
	// fetch the unknown kid does not refetch.
	f.mustFail(t, rotated())
	f.clock.Add(10 * time.Second)
	f.mustFail(t, rotated())
	if n := f.srv.fetches.Load(); n != 1 {
		t.Fatalf("%d fetches, want 1 (rate limit)", n)
	}
	// The issuer rotates; past the rate limit the unknown kid refetches.
	f.srv.setKeys(pub(rsaKey2, "r2", jose.RS256))
	f.clock.Add(25 * time.Second)
	p := f.mustAuth(t, rotated())
	if p.Tenant != "acme" {
		t.Fatalf("principal %+v", p)
	}
	if n := f.srv.fetches.Load(); n != 2 {
		t.Fatalf("%d fetches, want 2", n)
	}
	// r1 has been withdrawn: a new token signed with it fails.
	f.clock.Add(time.Second)
	f.mustFail(t, sign(t, f.opts()))
}

func TestJWTWarmCacheSurvivesOutage(t *testing.T) {
	f := newFixture(t, nil)
	f.mustAuth(t, sign(t, f.opts()))
	f.srv.down.Store(true)
	// Far past the refresh age: the background refresh fails, the cached
	// keys keep working (fresh tokens, so the token cache does not help).
	for i := range 3 {
		f.clock.Add(6 * time.Minute)
		o := f.opts()
		if i == 1 {
			o.alg, o.key, o.kid = jose.ES256, ecKey1, "e1"
		}
		f.mustAuth(t, sign(t, o))
		waitRefreshDone(t, f.a.keys)
	}
	// An unknown kid during the outage: unauthorized, not a hang or a panic.
	o := f.opts()
	o.key, o.kid = rsaKey2, "r2"
	f.mustFail(t, sign(t, o))
	// The issuer comes back with r2: the next refresh picks it up.
	f.srv.down.Store(false)
	f.srv.setKeys(pub(rsaKey1, "r1", jose.RS256), pub(rsaKey2, "r2", jose.RS256))
	f.clock.Add(time.Minute)
	o = f.opts()
	o.key, o.kid = rsaKey2, "r2"
	f.mustAuth(t, sign(t, o))
}

func waitRefreshDone(t *testing.T, c *jwksCache) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		busy := c.refreshing
		c.mu.Unlock()
		if !busy {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("background refresh did not finish")
}

func TestJWTColdOutage(t *testing.T) {
	f := newFixture(t, nil)
	f.srv.down.Store(true)
	err := f.mustFail(t, sign(t, f.opts()))
	if !errors.Is(err, ErrJWKSUnavailable) {
		t.Fatalf("error %v does not wrap ErrJWKSUnavailable", err)
	}
	// Retried at most once a second while nothing is cached.
	f.mustFail(t, sign(t, f.opts()))
	if n := f.srv.fetches.Load(); n != 1 {
		t.Fatalf("%d fetches, want 1", n)
	}
	f.srv.down.Store(false)
	f.clock.Add(2 * time.Second)
	f.mustAuth(t, sign(t, f.opts()))
}

func TestJWTTokenCache(t *testing.T) {
	f := newFixture(t, nil)
	o := f.opts()
	o.claims.Expiry = jwt.NewNumericDate(f.clock.Now().Add(5 * time.Second))
	tok := sign(t, o)
	p1 := f.mustAuth(t, tok)
	if p2 := f.mustAuth(t, tok); p2 != p1 {
		t.Fatal("second verification not cached")
	}
	// The cache never outlives the token (exp + leeway).
	f.clock.Add(5*time.Second + 31*time.Second)
	f.mustFail(t, tok)
}
