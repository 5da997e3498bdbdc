package auth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tributary-lrs/tributary/platform/xapihttp"
)

func TestParseScopes(t *testing.T) {
	got, err := ParseScopes("statements/write, statements/read/mine statements/write,attachments")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"attachments", "statements/read/mine", "statements/write"}; !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for _, s := range ValidScopes {
		if _, err := ParseScopes(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	for _, bad := range []string{"", " , ", "statements", "all/write", "ALL", "statements/read,admin"} {
		if _, err := ParseScopes(bad); !errors.Is(err, ErrInvalidScope) {
			t.Errorf("%q: got %v, want ErrInvalidScope", bad, err)
		}
	}
}

func TestHashSecret(t *testing.T) {
	s, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != 43 {
		t.Fatalf("secret %q: want 43 base64url chars", s)
	}
	h1, _ := HashSecret(s, testHash)
	h2, _ := HashSecret(s, testHash)
	if h1 == h2 || !strings.HasPrefix(h1, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hashes %q %q: want distinct salts and a PHC argon2id string", h1, h2)
	}
	if ok, err := VerifySecret(s, h1); !ok || err != nil {
		t.Fatalf("verify right secret: %v %v", ok, err)
	}
	if ok, _ := VerifySecret(s+"x", h1); ok {
		t.Fatal("wrong secret verified")
	}
	if _, err := VerifySecret(s, "$argon2id$v=19$m=64$x$y"); err == nil {
		t.Fatal("malformed hash accepted")
	}
	if strings.Contains(h1, s) {
		t.Fatal("hash contains the secret")
	}
}

func TestTenantsAndCredentials(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	if _, _, err := st.CreateCredential(ctx, NewCredential{Tenant: "acme", Scopes: []string{"all"}}); !errors.Is(err, ErrUnknownTenant) {
		t.Fatalf("credential on unknown tenant: %v", err)
	}
	if _, err := st.CreateTenant(ctx, "bad name"); !errors.Is(err, ErrInvalidTenant) {
		t.Fatalf("bad tenant name: %v", err)
	}
	for _, n := range []string{"acme", "other"} {
		if _, err := st.CreateTenant(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.CreateTenant(ctx, "acme"); !errors.Is(err, ErrTenantExists) {
		t.Fatalf("duplicate tenant: %v", err)
	}
	if err := st.EnsureTenant(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	ts, err := st.ListTenants(ctx)
	if err != nil || len(ts) != 2 || ts[0].Name != "acme" || ts[1].Name != "other" {
		t.Fatalf("tenants %v %v", ts, err)
	}
	if _, _, err := st.CreateCredential(ctx, NewCredential{Tenant: "acme", Scopes: []string{"root"}}); !errors.Is(err, ErrInvalidScope) {
		t.Fatalf("bad scope: %v", err)
	}
	c1, secret, err := st.CreateCredential(ctx, NewCredential{Tenant: "acme", Scopes: []string{"statements/write", "state"}, Name: "lms"})
	if err != nil {
		t.Fatal(err)
	}
	if len(secret) != 43 || strings.Contains(c1.Key, ":") || c1.IsRevoked() {
		t.Fatalf("credential %+v secret %q", c1, secret)
	}
	c2, _, err := st.CreateCredential(ctx, NewCredential{Tenant: "other", Scopes: []string{"all/read"}})
	if err != nil {
		t.Fatal(err)
	}
	all, err := st.ListCredentials(ctx, "")
	if err != nil || len(all) != 2 {
		t.Fatalf("list all: %v %v", all, err)
	}
	acme, err := st.ListCredentials(ctx, "acme")
	if err != nil || len(acme) != 1 || acme[0].Key != c1.Key || acme[0].Name != "lms" ||
		!slices.Equal(acme[0].Scopes, []string{"state", "statements/write"}) {
		t.Fatalf("list acme: %+v %v", acme, err)
	}
	b, _ := json.Marshal(all)
	if strings.Contains(string(b), secret) || strings.Contains(string(b), "argon2") || acme[0].SecretHash != "" {
		t.Fatalf("listing leaks the secret or its hash: %s", b)
	}
	r, err := st.Revoke(ctx, c2.Key)
	if err != nil || !r.IsRevoked() {
		t.Fatalf("revoke: %+v %v", r, err)
	}
	again, err := st.Revoke(ctx, c2.Key)
	if err != nil || !again.Revoked.Equal(r.Revoked) {
		t.Fatalf("revoke twice: %+v %v", again, err)
	}
	if _, err := st.Revoke(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("revoke unknown: %v", err)
	}
	other, _ := st.ListCredentials(ctx, "other")
	if len(other) != 1 || !other[0].IsRevoked() {
		t.Fatalf("revoked credential listed as %+v", other)
	}
}

func basic(key, secret string) *http.Request {
	r := httptest.NewRequest("GET", "/xapi/statements", nil)
	r.SetBasicAuth(key, secret)
	return r
}

func TestAuthenticator(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	clk := newClock()
	st.Now = clk.Now
	if err := st.EnsureTenant(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	c, secret, err := st.CreateCredential(ctx, NewCredential{Tenant: "acme", Scopes: []string{"statements/read/mine", "statements/write"}})
	if err != nil {
		t.Fatal(err)
	}
	o := DefaultOptions()
	o.Now = clk.Now
	a := NewAuthenticator(xapihttp.NewStatic("boot", "bootstrap-secret", "default", "http://lrs.example"), st, "http://lrs.example", o)

	p, err := a.Authenticate(basic("boot", "bootstrap-secret"))
	if err != nil || p.Tenant != "default" || !p.Can("all") {
		t.Fatalf("bootstrap: %+v %v", p, err)
	}
	p, err = a.Authenticate(basic(c.Key, secret))
	if err != nil {
		t.Fatal(err)
	}
	if p.Tenant != "acme" || p.Key != c.Key || !slices.Equal(p.Scopes, c.Scopes) || p.Can("statements/read") || !p.Can("statements/write") {
		t.Fatalf("principal %+v", p)
	}
	acct, _ := p.Authority["account"].(map[string]any)
	if p.Authority["objectType"] != "Agent" || acct["homePage"] != "http://lrs.example" || acct["name"] != c.Key {
		t.Fatalf("authority %v", p.Authority)
	}
	for _, r := range []*http.Request{basic(c.Key, secret+"x"), basic(c.Key, ""), basic("unknown", secret),
		basic("boot", "wrong"), httptest.NewRequest("GET", "/", nil)} {
		if _, err := a.Authenticate(r); !errors.Is(err, xapihttp.ErrUnauthorized) {
			t.Fatalf("%v: got %v, want unauthorized", r.Header, err)
		}
	}
	// A wrong secret stays wrong when cached, the right one stays right.
	if _, err := a.Authenticate(basic(c.Key, secret+"x")); !errors.Is(err, xapihttp.ErrUnauthorized) {
		t.Fatal("cached wrong secret accepted")
	}

	if _, err := st.Revoke(ctx, c.Key); err != nil {
		t.Fatal(err)
	}
	// Within the TTL the cached verification still holds (documented).
	clk.Add(DefaultCacheTTL - time.Second)
	if _, err := a.Authenticate(basic(c.Key, secret)); err != nil {
		t.Fatalf("within TTL: %v", err)
	}
	clk.Add(2 * time.Second)
	if _, err := a.Authenticate(basic(c.Key, secret)); !errors.Is(err, xapihttp.ErrUnauthorized) {
		t.Fatalf("revoked after TTL: got %v, want unauthorized", err)
	}
	// A fresh authenticator and Invalidate see the revocation at once.
	b := NewAuthenticator(nil, st, "x", DefaultOptions())
	if _, err := b.Authenticate(basic(c.Key, secret)); !errors.Is(err, xapihttp.ErrUnauthorized) {
		t.Fatalf("fresh authenticator: %v", err)
	}
	c2, s2, _ := st.CreateCredential(ctx, NewCredential{Tenant: "acme", Scopes: []string{"all"}})
	if _, err := a.Authenticate(basic(c2.Key, s2)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Revoke(ctx, c2.Key); err != nil {
		t.Fatal(err)
	}
	a.Invalidate(c2.Key)
	if _, err := a.Authenticate(basic(c2.Key, s2)); !errors.Is(err, xapihttp.ErrUnauthorized) {
		t.Fatalf("after Invalidate: %v", err)
	}
}

func TestAuthenticatorRequireAuth(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	_ = st.EnsureTenant(ctx, "acme")
	w, ws, _ := st.CreateCredential(ctx, NewCredential{Tenant: "acme", Scopes: []string{"statements/write"}})
	a := NewAuthenticator(nil, st, "x", DefaultOptions())
	h := xapihttp.RequireAuth(a, "statements/read")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	for _, tc := range []struct {
		r    *http.Request
		want int
	}{{basic(w.Key, ws), 403}, {basic(w.Key, "nope"), 401}} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, tc.r)
		if rec.Code != tc.want {
			t.Errorf("got %d, want %d", rec.Code, tc.want)
		}
	}
}

func TestStoreUnavailable(t *testing.T) {
	st := newStore(t)
	st.Database = "no_such_database_x"
	a := NewAuthenticator(nil, st, "x", DefaultOptions())
	_, err := a.Authenticate(basic("k", "s"))
	if !errors.Is(err, xapihttp.ErrUnauthorized) || err == xapihttp.ErrUnauthorized {
		t.Fatalf("got %v, want ErrUnauthorized wrapping the store error", err)
	}
}

func TestRateLimit(t *testing.T) {
	clk := newClock()
	l := NewLimiter(0.5, 2) // one token every 2 s, bursts of 2
	l.Now = clk.Now
	h := l.Middleware(nil)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
	do := func(key string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", "/", nil)
		r = r.WithContext(xapihttp.WithPrincipal(r.Context(), &xapihttp.Principal{Tenant: "t", Key: key}))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec
	}
	for i := range 2 {
		if rec := do("a"); rec.Code != 204 {
			t.Fatalf("request %d: %d", i, rec.Code)
		}
	}
	rec := do("a")
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "2" {
		t.Fatalf("got %d Retry-After %q, want 429 with 2", rec.Code, rec.Header().Get("Retry-After"))
	}
	var body xapihttp.ErrorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error.Code != 429 {
		t.Fatalf("body %s", rec.Body)
	}
	if rec := do("b"); rec.Code != 204 {
		t.Fatalf("another credential limited: %d", rec.Code)
	}
	clk.Add(2 * time.Second)
	if rec := do("a"); rec.Code != 204 {
		t.Fatalf("after refill: %d", rec.Code)
	}
	// No principal: passed on.
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 204 {
		t.Fatalf("anonymous: %d", rec.Code)
	}
	// Idle buckets are evicted.
	clk.Add(time.Hour)
	do("c")
	if n := l.Len(); n != 1 {
		t.Fatalf("%d buckets after an idle hour, want 1", n)
	}
}

func TestRateLimitBy(t *testing.T) {
	a := xapihttp.NewStatic("k", "secret-secret", "t", "x")
	h := RateLimitBy(a, 0.001, 1)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
	codes := []int{}
	for _, r := range []*http.Request{basic("k", "secret-secret"), basic("k", "secret-secret"), basic("k", "bad")} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		codes = append(codes, rec.Code)
	}
	if !slices.Equal(codes, []int{204, 429, 204}) {
		t.Fatalf("codes %v, want [204 429 204] (unauthenticated passed on)", codes)
	}
}
