package auth

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/tributary-lrs/tributary/platform/xapihttp"
)

// JWTAlgorithms are the signature algorithms a bearer token may use: public
// key algorithms only ("none" and HMAC are always refused).
var JWTAlgorithms = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.ES256, jose.ES384, jose.PS256}

// JWTConfig configures the bearer tokens of one OAuth2/OIDC issuer.
type JWTConfig struct {
	// Issuer must equal the "iss" claim.
	Issuer string
	// JWKSURL is where the issuer publishes its signing keys.
	JWKSURL string
	// Audience must be one of the "aud" values.
	Audience string
	// TenantClaim names the claim holding the tenant ("tenant" if empty).
	TenantClaim string
	// ScopeClaim names the claim holding the scopes ("scope" if empty): a
	// space-separated string or an array of strings.
	ScopeClaim string
	// Leeway is the clock skew tolerated on exp, nbf and iat (0: none).
	Leeway time.Duration
}

// JWTAuthenticator authenticates "Authorization: Bearer <JWT>" requests:
// the token must be signed by a key of the issuer's JWKS (selected by kid)
// with one of JWTAlgorithms, and carry the configured iss, an aud containing
// Audience, an exp (honoured, as nbf and iat, with Leeway), a sub and a
// tenant claim.
//
// The principal has the tenant of TenantClaim, the scopes of ScopeClaim that
// are xAPI scopes (ValidScopes; others are ignored — a token left with none
// authenticates but is refused with 403 by every endpoint), Key "jwt:"+sub
// and the authority Agent {account: {homePage, name: sub}}.
//
// A verified token is cached (by its SHA-256) until it expires, at most TTL,
// so a key removed from the JWKS stops being accepted within TTL; the cache
// keeps DefaultCacheSize tokens, the least recently used evicted first.
type JWTAuthenticator struct {
	cfg      JWTConfig
	homePage string
	keys     *jwksCache

	// TTL of the verified-token cache (DefaultCacheTTL if zero).
	TTL time.Duration
	// Now is the clock (time.Now if nil).
	Now func() time.Time

	verified *lru.Cache[[32]byte, verifyEntry]
}

var _ xapihttp.Authenticator = (*JWTAuthenticator)(nil)

// NewJWTAuthenticator returns the authenticator of cfg. client fetches the
// JWKS (a client with a 10 s timeout if nil); homePage is the homePage of the
// authority accounts. Issuer, JWKSURL and Audience are required.
func NewJWTAuthenticator(cfg JWTConfig, client *http.Client, homePage string) (*JWTAuthenticator, error) {
	if cfg.Issuer == "" || cfg.JWKSURL == "" || cfg.Audience == "" {
		return nil, errors.New("auth.jwt: issuer, jwks_url and audience are required")
	}
	if !strings.HasPrefix(cfg.JWKSURL, "https://") && !strings.HasPrefix(cfg.JWKSURL, "http://") {
		return nil, fmt.Errorf("auth.jwt: jwks_url %q is not an http(s) URL", cfg.JWKSURL)
	}
	if cfg.Leeway < 0 {
		return nil, errors.New("auth.jwt: leeway must not be negative")
	}
	if cfg.TenantClaim == "" {
		cfg.TenantClaim = "tenant"
	}
	if cfg.ScopeClaim == "" {
		cfg.ScopeClaim = "scope"
	}
	verified, _ := lru.New[[32]byte, verifyEntry](DefaultCacheSize) // fails only for a size below 1
	a := &JWTAuthenticator{cfg: cfg, homePage: homePage, verified: verified}
	a.keys = newJWKSCache(cfg.JWKSURL, client, a.now)
	return a, nil
}

func (a *JWTAuthenticator) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

func (a *JWTAuthenticator) ttl() time.Duration {
	if a.TTL > 0 {
		return a.TTL
	}
	return DefaultCacheTTL
}

// BearerToken returns the token of an "Authorization: Bearer" header.
func BearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

// Authenticate implements xapihttp.Authenticator. Requests without a bearer
// token fail at once (no network). When the JWKS cannot be fetched and no
// key set is cached, the error wraps both xapihttp.ErrUnauthorized and
// ErrJWKSUnavailable, so a caller may answer 503 instead of 401.
func (a *JWTAuthenticator) Authenticate(r *http.Request) (*xapihttp.Principal, error) {
	raw, ok := BearerToken(r)
	if !ok {
		return nil, xapihttp.ErrUnauthorized
	}
	now := a.now()
	sum := sha256.Sum256([]byte(raw))
	if e, ok := a.verified.Get(sum); ok && now.Before(e.expires) {
		return e.p, nil
	}

	p, exp, err := a.verify(r, raw, now)
	if err != nil {
		if errors.Is(err, ErrJWKSUnavailable) {
			return nil, fmt.Errorf("%w: %w", xapihttp.ErrUnauthorized, err)
		}
		return nil, fmt.Errorf("%w: bearer token: %w", xapihttp.ErrUnauthorized, err)
	}
	expires := now.Add(a.ttl())
	if exp.Before(expires) {
		expires = exp
	}
	a.verified.Add(sum, verifyEntry{p: p, expires: expires})
	return p, nil
}

// verify checks the token and maps its claims; exp is when it stops being
// valid (expiry plus leeway).
func (a *JWTAuthenticator) verify(r *http.Request, raw string, now time.Time) (*xapihttp.Principal, time.Time, error) {
	tok, err := jwt.ParseSigned(raw, JWTAlgorithms)
	if err != nil {
		return nil, time.Time{}, err
	}
	if len(tok.Headers) != 1 {
		return nil, time.Time{}, errors.New("exactly one signature expected")
	}
	h := tok.Headers[0]
	key, err := a.keys.key(r.Context(), h.KeyID, h.Algorithm)
	if err != nil {
		return nil, time.Time{}, err
	}
	var std jwt.Claims
	var custom map[string]any
	if err := tok.Claims(key.Key, &std, &custom); err != nil {
		return nil, time.Time{}, err
	}
	if std.Expiry == nil {
		return nil, time.Time{}, errors.New("no exp claim")
	}
	expected := jwt.Expected{Issuer: a.cfg.Issuer, AnyAudience: jwt.Audience{a.cfg.Audience}, Time: now}
	if err := std.ValidateWithLeeway(expected, a.cfg.Leeway); err != nil {
		return nil, time.Time{}, err
	}
	if std.Subject == "" {
		return nil, time.Time{}, errors.New("no sub claim")
	}
	tenant, _ := custom[a.cfg.TenantClaim].(string)
	if tenant == "" {
		return nil, time.Time{}, fmt.Errorf("no %q claim", a.cfg.TenantClaim)
	}
	if err := ValidTenant(tenant); err != nil {
		return nil, time.Time{}, err
	}
	scopes := tokenScopes(custom[a.cfg.ScopeClaim])
	p := &xapihttp.Principal{Tenant: tenant, Key: "jwt:" + std.Subject, Scopes: scopes,
		Authority: Authority(a.homePage, std.Subject)}
	return p, std.Expiry.Time().Add(a.cfg.Leeway), nil
}

// tokenScopes returns the xAPI scopes of a scope claim (a space-separated
// string or an array of strings), sorted, without duplicates or unknown
// scopes; never nil.
func tokenScopes(v any) []string {
	var list []string
	switch v := v.(type) {
	case string:
		list = strings.Fields(v)
	case []any:
		for _, s := range v {
			if s, ok := s.(string); ok {
				list = append(list, strings.Fields(s)...)
			}
		}
	}
	out := []string{}
	for _, s := range list {
		if slices.Contains(ValidScopes, s) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Chain tries each authenticator in order and returns the first principal.
// Every authenticator of this package refuses a foreign scheme without I/O
// (Basic ignores a Bearer header, JWTAuthenticator anything but Bearer), so
// Chain(jwtAuth, basicAuth) sends a Bearer request to the JWT verifier and a
// Basic one to the store. When all fail, the error is the first that says
// more than xapihttp.ErrUnauthorized (e.g. the store or the JWKS is
// unavailable), else xapihttp.ErrUnauthorized; nil authenticators are skipped.
func Chain(auths ...xapihttp.Authenticator) xapihttp.Authenticator {
	return chain(slices.DeleteFunc(slices.Clone(auths), func(a xapihttp.Authenticator) bool { return a == nil }))
}

type chain []xapihttp.Authenticator

func (c chain) Authenticate(r *http.Request) (*xapihttp.Principal, error) {
	var first error
	for _, a := range c {
		p, err := a.Authenticate(r)
		if err == nil {
			return p, nil
		}
		if first == nil && err != xapihttp.ErrUnauthorized { //nolint:errorlint // identity: the bare sentinel says nothing more
			first = err
		}
	}
	if first != nil {
		return nil, first
	}
	return nil, xapihttp.ErrUnauthorized
}
