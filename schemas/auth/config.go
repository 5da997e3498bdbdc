package auth

import (
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/time/rate"

	"github.com/tributary-lrs/tributary/schemas/config"
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/xapihttp"
)

// FromConfig returns the authentication every role uses. basic checks HTTP
// Basic: the bootstrap credential of c (when set, for tenant
// c.Bootstrap.Tenant), then the credentials stored in db, trusted for
// c.CacheTTL once verified; homePage is the LRS URL recorded in their
// authorities. all is basic, preceded by bearer tokens of c.JWT when an
// issuer is configured (their authority's homePage is the issuer, so a
// token subject never passes for a Basic key).
func FromConfig(c config.Auth, eng store.Engine, db, homePage string) (basic *Authenticator, all xapihttp.Authenticator, err error) {
	var bootstrap xapihttp.Authenticator
	if b := c.Bootstrap; b.Key != "" {
		bootstrap = xapihttp.NewStatic(b.Key, b.Secret, b.Tenant, homePage)
	}
	o, err := Configured(c)
	if err != nil {
		return nil, nil, err
	}
	basic = NewAuthenticator(bootstrap, NewStore(eng, db), homePage, o)
	if c.JWT.Issuer == "" {
		return basic, basic, nil
	}
	j := c.JWT
	jwt, err := NewJWTAuthenticator(JWTConfig{Issuer: j.Issuer, JWKSURL: j.JWKSURL, Audience: j.Audience,
		TenantClaim: j.TenantClaim, ScopeClaim: j.ScopeClaim, Leeway: j.Leeway}, nil, j.Issuer)
	if err != nil {
		return nil, nil, fmt.Errorf("bearer tokens: %w", err)
	}
	return basic, Chain(jwt, basic), nil
}

// Configured returns the Options of the auth.* keys of c.
func Configured(c config.Auth) (Options, error) {
	o := Options{TTL: c.CacheTTL, CacheSize: c.CacheSize, HashConcurrency: c.HashConcurrency, HashWait: c.HashWait,
		PerKey:     FailureLimit{Rate: rate.Limit(c.FailedLogins.KeyRate), Burst: c.FailedLogins.KeyBurst},
		PerAddress: FailureLimit{Rate: rate.Limit(c.FailedLogins.AddressRate), Burst: c.FailedLogins.AddressBurst},
		Tracked:    c.FailedLogins.Tracked}
	for _, s := range c.TrustedProxies {
		p, err := config.ParsePrefix(s)
		if err != nil {
			return Options{}, fmt.Errorf("auth.trusted_proxies: %w", err)
		}
		o.TrustedProxies = append(o.TrustedProxies, p)
	}
	return o, nil
}

// Limit wraps h with the per-credential rate limit of c (unchanged when
// c.RateLimit is 0): 429 with Retry-After past it. Only xAPI requests
// (/xapi/...) are limited; the admin API has its own credential.
func Limit(c config.Auth, a xapihttp.Authenticator, h http.Handler) http.Handler {
	if c.RateLimit <= 0 {
		return h
	}
	limited := RateLimitBy(a, rate.Limit(c.RateLimit), c.RateBurst)(h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/xapi/") {
			limited.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}
