// Package svcauth builds the authentication of a service from the auth.*
// keys of the configuration: the wiring between config and auth, so that
// auth itself never reads configuration.
package svcauth

import (
	"fmt"
	"net/http"

	"golang.org/x/time/rate"

	"github.com/tributary-lrs/tributary/platform/auth"
	"github.com/tributary-lrs/tributary/platform/auth/admin"
	"github.com/tributary-lrs/tributary/platform/config"
	"github.com/tributary-lrs/tributary/platform/xapihttp"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// New returns the authentication every role uses. basic checks
// HTTP Basic: the bootstrap credential of c (when set, for tenant
// c.Bootstrap.Tenant), then the credentials stored in db, trusted for
// c.CacheTTL once verified; homePage is the LRS URL recorded in their
// authorities. all is basic, preceded by bearer tokens of c.JWT when an
// issuer is configured (their authority's homePage is the issuer, so a
// token subject never passes for a Basic key).
func New(c config.Auth, eng store.Engine, db, homePage string) (basic *auth.Authenticator, all xapihttp.Authenticator, err error) {
	var bootstrap xapihttp.Authenticator
	if b := c.Bootstrap; b.Key != "" {
		bootstrap = xapihttp.NewStatic(b.Key, b.Secret, b.Tenant, homePage)
	}
	o, err := Options(c)
	if err != nil {
		return nil, nil, err
	}
	basic = auth.NewAuthenticator(bootstrap, auth.NewStore(eng, db), homePage, o)
	if c.JWT.Issuer == "" {
		return basic, basic, nil
	}
	j := c.JWT
	jwt, err := auth.NewJWTAuthenticator(auth.JWTConfig{Issuer: j.Issuer, JWKSURL: j.JWKSURL, Audience: j.Audience,
		TenantClaim: j.TenantClaim, ScopeClaim: j.ScopeClaim, Leeway: j.Leeway}, nil, j.Issuer)
	if err != nil {
		return nil, nil, fmt.Errorf("bearer tokens: %w", err)
	}
	return basic, auth.Chain(jwt, basic), nil
}

// Options are the auth.Options of the auth.* keys of c.
func Options(c config.Auth) (auth.Options, error) {
	o := auth.Options{TTL: c.CacheTTL, CacheSize: c.CacheSize, HashConcurrency: c.HashConcurrency, HashWait: c.HashWait,
		PerKey:     auth.FailureLimit{Rate: rate.Limit(c.FailedLogins.KeyRate), Burst: c.FailedLogins.KeyBurst},
		PerAddress: auth.FailureLimit{Rate: rate.Limit(c.FailedLogins.AddressRate), Burst: c.FailedLogins.AddressBurst},
		Tracked:    c.FailedLogins.Tracked}
	for _, s := range c.TrustedProxies {
		p, err := config.ParsePrefix(s)
		if err != nil {
			return auth.Options{}, fmt.Errorf("auth.trusted_proxies: %w", err)
		}
		o.TrustedProxies = append(o.TrustedProxies, p)
	}
	return o, nil
}

// RequestLimit is the per-credential request rate limit of the auth.* keys
// of c.
func RequestLimit(c config.Auth) auth.RequestLimit {
	return auth.RequestLimit{PerSecond: c.RateLimit, Burst: c.RateBurst}
}

// Handler is how a role serves its xAPI routes r: CORS outermost (a
// preflight is answered before authentication), then consistentThrough (every
// Statement resource response carries the watermark, also those given before
// a route is reached: 405, 429), then the per-credential request limit of
// c.Auth for the callers authn authenticates.
func Handler(c config.Config, authn xapihttp.Authenticator, consistentThrough func(http.Handler) http.Handler, r http.Handler) http.Handler {
	return xapihttp.CORS(c.HTTP.CORS.AllowedOrigins, c.HTTP.CORS.MaxAge)(consistentThrough(auth.Limit(RequestLimit(c.Auth), authn, r)))
}

// AdminHandler is the admin API (tenants, credentials) on the store of
// basic, behind the admin credential of c (off unless c.Admin.Key is set).
func AdminHandler(c config.Auth, basic *auth.Authenticator) http.Handler {
	return admin.Handler(admin.Options{Store: basic.Store, Key: c.Admin.Key, Secret: c.Admin.Secret,
		Invalidate: basic.Invalidate, SignIns: basic})
}
