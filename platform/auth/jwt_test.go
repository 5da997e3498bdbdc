package auth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/tributary-lrs/tributary/platform/xapihttp"
)

const (
	testIssuer   = "https://idp.example.com/"
	testAudience = "https://lrs.example.com"
	testHome     = "https://lrs.example.com"
)

var (
	keysOnce         sync.Once
	rsaKey1, rsaKey2 *rsa.PrivateKey
	rsaOther         *rsa.PrivateKey
	ecKey1           *ecdsa.PrivateKey
)

func testKeys(t *testing.T) {
	t.Helper()
	keysOnce.Do(func() {
		var err error
		for _, k := range []**rsa.PrivateKey{&rsaKey1, &rsaKey2, &rsaOther} {
			if *k, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
				panic(err)
			}
		}
		if ecKey1, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			panic(err)
		}
	})
}

// jwksServer serves a settable key set and counts fetches.
type jwksServer struct {
	*httptest.Server
	mu      sync.Mutex
	set     jose.JSONWebKeySet
	down    atomic.Bool
	fetches atomic.Int64
}

func newJWKSServer(t *testing.T, keys ...jose.JSONWebKey) *jwksServer {
	t.Helper()
	s := &jwksServer{}
	s.setKeys(keys...)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fetches.Add(1)
		if s.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(s.set)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) setKeys(keys ...jose.JSONWebKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.set = jose.JSONWebKeySet{Keys: keys}
}

func pub(k crypto.Signer, kid string, alg jose.SignatureAlgorithm) jose.JSONWebKey {
	return jose.JSONWebKey{Key: k.Public(), KeyID: kid, Algorithm: string(alg), Use: "sig"}
}

type tokenOpts struct {
	alg     jose.SignatureAlgorithm
	key     any
	kid     string
	claims  jwt.Claims
	custom  map[string]any
	noKid   bool
	noCheck bool
}

func sign(t *testing.T, o tokenOpts) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if !o.noKid {
		opts = opts.WithHeader("kid", o.kid)
	}
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: o.alg, Key: o.key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	s, err := jwt.Signed(sig).Claims(o.claims).Claims(o.custom).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// fixture is a JWT authenticator on a JWKS server holding rsaKey1 ("r1")
// and ecKey1 ("e1"), with a settable clock.
type fixture struct {
	a     *JWTAuthenticator
	srv   *jwksServer
	clock *clock
}

func newFixture(t *testing.T, mod func(*JWTConfig)) *fixture {
	t.Helper()
	testKeys(t)
	srv := newJWKSServer(t, pub(rsaKey1, "r1", jose.RS256), pub(ecKey1, "e1", jose.ES256))
	cfg := JWTConfig{Issuer: testIssuer, JWKSURL: srv.URL, Audience: testAudience, Leeway: 30 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	a, err := NewJWTAuthenticator(cfg, srv.Client(), testHome)
	if err != nil {
		t.Fatal(err)
	}
	c := newClock()
	a.Now = c.Now
	return &fixture{a: a, srv: srv, clock: c}
}

// opts returns a valid RS256 token for tenant acme at the fixture's time.
func (f *fixture) opts() tokenOpts {
	now := f.clock.Now()
	return tokenOpts{alg: jose.RS256, key: rsaKey1, kid: "r1",
		claims: jwt.Claims{Issuer: testIssuer, Subject: "user-1", Audience: jwt.Audience{"other", testAudience},
			IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(now.Add(10 * time.Minute))},
		custom: map[string]any{"tenant": "acme", "scope": "statements/write statements/read openid"}}
}

func bearer(tok string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/xapi/statements", nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	return r
}

func (f *fixture) auth(t *testing.T, tok string) (*xapihttp.Principal, error) {
	t.Helper()
	p, err := f.a.Authenticate(bearer(tok))
	if err != nil && !errors.Is(err, xapihttp.ErrUnauthorized) {
		t.Fatalf("error %v does not wrap ErrUnauthorized", err)
	}
	return p, err
}

func (f *fixture) mustAuth(t *testing.T, tok string) *xapihttp.Principal {
	t.Helper()
	p, err := f.auth(t, tok)
	if err != nil {
		t.Fatalf("Authenticate: %v", err)
	}
	return p
}

func (f *fixture) mustFail(t *testing.T, tok string) error {
	t.Helper()
	p, err := f.auth(t, tok)
	if err == nil {
		t.Fatalf("Authenticate accepted the token: %+v", p)
	}
	t.Logf("refused: %v", err)
	return err
}

func TestJWTValidRSA(t *testing.T) {
	f := newFixture(t, nil)
	p := f.mustAuth(t, sign(t, f.opts()))
	if p.Tenant != "acme" || p.Key != "jwt:user-1" {
		t.Fatalf("principal %+v", p)
	}
	if !slices.Equal(p.Scopes, []string{"statements/read", "statements/write"}) {
		t.Fatalf("scopes %v", p.Scopes)
	}
	acct, _ := p.Authority["account"].(map[string]any)
	if p.Authority["objectType"] != "Agent" || acct["homePage"] != testHome || acct["name"] != "user-1" {
		t.Fatalf("authority %v", p.Authority)
	}
	if !p.Can("statements/write") || p.Can("state") {
		t.Fatal("Can")
	}
}

func TestJWTValidECDSAAndClaims(t *testing.T) {
	f := newFixture(t, func(c *JWTConfig) { c.TenantClaim = "https://lrs.example.com/tenant"; c.ScopeClaim = "scp" })
	o := f.opts()
	o.alg, o.key, o.kid = jose.ES256, ecKey1, "e1"
	o.custom = map[string]any{"https://lrs.example.com/tenant": "t-2", "scp": []string{"all/read", "bogus", "state", "state"}}
	p := f.mustAuth(t, sign(t, o))
	if p.Tenant != "t-2" || !slices.Equal(p.Scopes, []string{"all/read", "state"}) {
		t.Fatalf("principal %+v", p)
	}
}

func TestJWTNoXAPIScopeIsForbidden(t *testing.T) {
	f := newFixture(t, nil)
	o := f.opts()
	o.custom["scope"] = "openid profile:read"
	tok := sign(t, o)
	p := f.mustAuth(t, tok)
	if len(p.Scopes) != 0 {
		t.Fatalf("scopes %v", p.Scopes)
	}
	h := xapihttp.RequireAuth(f.a, "statements/read")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, bearer(tok))
	if w.Code != http.StatusForbidden {
		t.Fatalf("status %d, want 403", w.Code)
	}
}

func TestJWTRejected(t *testing.T) {
	f := newFixture(t, nil)
	if _, err := f.auth(t, sign(t, f.opts())); err != nil { // warm the key set
		t.Fatal(err)
	}
	now := f.clock.Now()
	cases := map[string]func(o *tokenOpts){
		"expired": func(o *tokenOpts) { o.claims.Expiry = jwt.NewNumericDate(now.Add(-31 * time.Second)) },
		"no exp":  func(o *tokenOpts) { o.claims.Expiry = nil },
		"nbf in the future": func(o *tokenOpts) {
			o.claims.NotBefore = jwt.NewNumericDate(now.Add(time.Minute))
		},
		"iat in the future": func(o *tokenOpts) {
			o.claims.IssuedAt = jwt.NewNumericDate(now.Add(time.Minute))
		},
		"wrong issuer":       func(o *tokenOpts) { o.claims.Issuer = "https://evil.example.com/" },
		"wrong audience":     func(o *tokenOpts) { o.claims.Audience = jwt.Audience{"https://other.example.com"} },
		"no audience":        func(o *tokenOpts) { o.claims.Audience = nil },
		"no sub":             func(o *tokenOpts) { o.claims.Subject = "" },
		"no tenant":          func(o *tokenOpts) { delete(o.custom, "tenant") },
		"bad tenant":         func(o *tokenOpts) { o.custom["tenant"] = "../x" },
		"tenant not text":    func(o *tokenOpts) { o.custom["tenant"] = 7 },
		"bad signature":      func(o *tokenOpts) { o.key = rsaOther },
		"alg/key mismatch":   func(o *tokenOpts) { o.alg, o.key = jose.ES256, ecKey1 }, // kid r1 is an RSA key
		"RS256 key as PS256": func(o *tokenOpts) { o.alg = jose.PS256 },                // r1 is published for RS256 only
	}
	for name, mod := range cases {
		t.Run(name, func(t *testing.T) {
			o := f.opts()
			mod(&o)
			f.mustFail(t, sign(t, o))
		})
	}
	t.Run("within leeway", func(t *testing.T) {
		o := f.opts()
		o.claims.Expiry = jwt.NewNumericDate(now.Add(-20 * time.Second))
		o.claims.NotBefore = jwt.NewNumericDate(now.Add(20 * time.Second))
		f.mustAuth(t, sign(t, o))
	})
	t.Run("tampered payload", func(t *testing.T) {
		tok := sign(t, f.opts())
		parts := splitJWT(t, tok)
		var claims map[string]any
		b, _ := base64.RawURLEncoding.DecodeString(parts[1])
		_ = json.Unmarshal(b, &claims)
		claims["tenant"] = "victim"
		b, _ = json.Marshal(claims)
		f.mustFail(t, parts[0]+"."+base64.RawURLEncoding.EncodeToString(b)+"."+parts[2])
	})
	t.Run("garbage", func(t *testing.T) { f.mustFail(t, "not.a.jwt") })
}

func splitJWT(t *testing.T, tok string) []string {
	t.Helper()
	var parts []string
	start := 0
	for i := range tok {
		if tok[i] == '.' {
			parts = append(parts, tok[start:i])
			start = i + 1
		}
	}
	parts = append(parts, tok[start:])
	if len(parts) != 3 {
		t.Fatalf("%d parts", len(parts))
	}
	return parts
}

func TestJWTAlgNoneAndHMACRejected(t *testing.T) {
	f := newFixture(t, nil)
	valid := sign(t, f.opts())
	parts := splitJWT(t, valid)

	t.Run("none", func(t *testing.T) {
		h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","kid":"r1","typ":"JWT"}`))
		f.mustFail(t, h+"."+parts[1]+".")
	})

	// HS256 keyed with the RSA public key (the classic confusion attack),
	// and with a symmetric key the JWKS itself publishes.
	der, err := x509.MarshalPKIXPublicKey(&rsaKey1.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	secret := []byte("0123456789abcdef0123456789abcdef")
	f.srv.setKeys(pub(rsaKey1, "r1", jose.RS256), jose.JSONWebKey{Key: secret, KeyID: "h1", Use: "sig"})
	for name, o := range map[string]tokenOpts{
		"HS256 with the public key": {alg: jose.HS256, key: pemKey, kid: "r1"},
		"HS256 with a JWKS oct key": {alg: jose.HS256, key: secret, kid: "h1"},
		"HS512":                     {alg: jose.HS512, key: append(secret, secret...), kid: "h1"},
	} {
		t.Run(name, func(t *testing.T) {
			v := f.opts()
			v.alg, v.key, v.kid = o.alg, o.key, o.kid
			f.mustFail(t, sign(t, v))
		})
	}
}

func TestJWTNotBearerNoNetwork(t *testing.T) {
	f := newFixture(t, nil)
	for _, h := range []string{"", "Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Token abc"} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		if h != "" {
			r.Header.Set("Authorization", h)
		}
		if _, err := f.a.Authenticate(r); !errors.Is(err, xapihttp.ErrUnauthorized) {
			t.Fatalf("%q: %v", h, err)
		}
	}
	if n := f.srv.fetches.Load(); n != 0 {
		t.Fatalf("%d JWKS fetches", n)
	}
	// The scheme is case-insensitive.
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Authorization", "bearer "+sign(t, f.opts()))
	if _, err := f.a.Authenticate(r); err != nil {
		t.Fatal(err)
	}
}

func TestJWTConfigErrors(t *testing.T) {
	for _, c := range []JWTConfig{
		{JWKSURL: "https://x/jwks", Audience: "a"},
		{Issuer: "i", Audience: "a"},
		{Issuer: "i", JWKSURL: "https://x/jwks"},
		{Issuer: "i", JWKSURL: "file:///etc/passwd", Audience: "a"},
		{Issuer: "i", JWKSURL: "https://x/jwks", Audience: "a", Leeway: -time.Second},
	} {
		if _, err := NewJWTAuthenticator(c, nil, testHome); err == nil {
			t.Fatalf("%+v accepted", c)
		}
	}
}

func TestJWTChain(t *testing.T) {
	f := newFixture(t, nil)
	basic := xapihttp.NewStatic("boot", "s3cret", "default", testHome)
	a := Chain(f.a, nil, basic)

	p, err := a.Authenticate(bearer(sign(t, f.opts())))
	if err != nil || p.Key != "jwt:user-1" {
		t.Fatalf("bearer: %+v %v", p, err)
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.SetBasicAuth("boot", "s3cret")
	if p, err := a.Authenticate(r); err != nil || p.Key != "boot" {
		t.Fatalf("basic: %+v %v", p, err)
	}
	r.SetBasicAuth("boot", "wrong")
	if _, err := a.Authenticate(r); !errors.Is(err, xapihttp.ErrUnauthorized) {
		t.Fatalf("wrong basic: %v", err)
	}
	if _, err := a.Authenticate(bearer("garbage")); !errors.Is(err, xapihttp.ErrUnauthorized) {
		t.Fatalf("bad bearer: %v", err)
	}
	// A JWKS outage surfaces through the chain (a caller may answer 503).
	g := newFixture(t, nil)
	g.srv.down.Store(true)
	if _, err := Chain(basic, g.a).Authenticate(bearer(sign(t, g.opts()))); !errors.Is(err, ErrJWKSUnavailable) || !errors.Is(err, xapihttp.ErrUnauthorized) {
		t.Fatalf("outage: %v", err)
	}
}
