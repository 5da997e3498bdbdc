package auth

import (
	"net/http"
	"strings"

	"golang.org/x/time/rate"

	"github.com/tributary-lrs/tributary/platform/xapihttp"
)

// RequestLimit is the requests per second each credential may make, with a
// burst above it; PerSecond 0 is no limit.
type RequestLimit struct {
	PerSecond float64
	Burst     int
}

// Limit wraps h with the per-credential rate limit l (unchanged when
// l.PerSecond is 0): 429 with Retry-After past it. Only xAPI requests
// (/xapi/...) are limited; the admin API has its own credential.
func Limit(l RequestLimit, a xapihttp.Authenticator, h http.Handler) http.Handler {
	if l.PerSecond <= 0 {
		return h
	}
	limited := RateLimitBy(a, rate.Limit(l.PerSecond), l.Burst)(h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/xapi/") {
			limited.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}
