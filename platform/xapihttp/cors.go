package xapihttp

import (
	"net/http"
	"strings"
	"time"

	"github.com/rs/cors"
)

// corsAllowedHeaders are the request headers an xAPI client sends.
var corsAllowedHeaders = []string{"Authorization", "Content-Type", HeaderVersion, "X-Experience-API-Hash",
	"If-Match", "If-None-Match", "Accept", "Accept-Language"}

// corsExposedHeaders are the response headers an xAPI client reads.
var corsExposedHeaders = []string{HeaderConsistentThrough, HeaderVersion, "ETag", "Last-Modified", "Retry-After"}

// CORS lets pages of allowedOrigins call the xAPI resources (/xapi/...) from
// a browser, as xAPI content in a course package served from another origin
// does. A preflight (OPTIONS with Access-Control-Request-Method) is answered
// 204 by this middleware before any authentication or routing; other
// requests go on with the CORS response headers added. Origins are
// scheme://host[:port], one "*" wildcard allowed, or "*" for any; cookies
// and other browser-managed credentials are never allowed (xAPI clients send
// Authorization themselves, which needs no credentials mode). With no
// origins it returns next unchanged: no CORS headers, so browsers refuse
// cross-origin calls, and OPTIONS is a 405 like any other unserved method.
// maxAge is how long a browser may reuse a preflight answer.
func CORS(allowedOrigins []string, maxAge time.Duration) func(http.Handler) http.Handler {
	if len(allowedOrigins) == 0 {
		return func(next http.Handler) http.Handler { return next }
	}
	c := cors.New(cors.Options{
		AllowedOrigins: allowedOrigins,
		AllowedMethods: []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete},
		AllowedHeaders: corsAllowedHeaders,
		ExposedHeaders: corsExposedHeaders,
		MaxAge:         int(maxAge / time.Second),
	})
	return func(next http.Handler) http.Handler {
		withCORS := c.Handler(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/xapi/") {
				withCORS.ServeHTTP(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
