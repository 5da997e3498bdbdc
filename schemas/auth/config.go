package auth

import (
	"net/http"

	"golang.org/x/time/rate"

	"github.com/tributary-lrs/tributary/schemas/config"
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/xapihttp"
)

// FromConfig returns the authenticator every role uses: the bootstrap
// credential of c (when set, for tenant c.Bootstrap.Tenant), then the
// credentials stored in db, trusted for c.CacheTTL once verified. homePage is
// the LRS URL recorded in authorities.
func FromConfig(c config.Auth, eng store.Engine, db, homePage string) *Authenticator {
	var bootstrap xapihttp.Authenticator
	if b := c.Bootstrap; b.Key != "" {
		bootstrap = xapihttp.NewStatic(b.Key, b.Secret, b.Tenant, homePage)
	}
	a := NewAuthenticator(bootstrap, NewStore(eng, db), homePage)
	a.TTL = c.CacheTTL
	return a
}

// Limit wraps h with the per-credential rate limit of c (unchanged when
// c.RateLimit is 0): 429 with Retry-After past it.
func Limit(c config.Auth, a xapihttp.Authenticator, h http.Handler) http.Handler {
	if c.RateLimit <= 0 {
		return h
	}
	return RateLimitBy(a, rate.Limit(c.RateLimit), c.RateBurst)(h)
}
