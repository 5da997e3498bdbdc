// Package xapihttp holds the HTTP behaviour every xAPI resource shares:
// version negotiation, xAPI error bodies and authentication.
package xapihttp

import (
	"context"
	"errors"
	"net/http"

	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// Headers of the xAPI protocol.
const (
	HeaderVersion           = "X-Experience-API-Version"
	HeaderConsistentThrough = "X-Experience-API-Consistent-Through"
)

type versionKey struct{}

// Negotiate reads X-Experience-API-Version, answers 400 when it is missing or
// unsupported (Communication 3.3), and otherwise serves the request with the
// negotiated version in the context. Every response, errors included, carries
// the header with the version that served the request (1.0.3 for 1.0.x
// requests, 2.0.0 for 2.0.x). /about must not be wrapped: it ignores the header.
func Negotiate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := xapi.NegotiateVersion(r.Header.Get(HeaderVersion))
		if err != nil {
			w.Header().Set(HeaderVersion, string(xapi.V103))
			Error(w, r, http.StatusBadRequest, err)
			return
		}
		w.Header().Set(HeaderVersion, string(v))
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), versionKey{}, v)))
	})
}

// VersionFrom returns the version negotiated for the request, or 2.0.0 when
// the request did not pass through Negotiate.
func VersionFrom(ctx context.Context) xapi.Version {
	if v, ok := ctx.Value(versionKey{}).(xapi.Version); ok {
		return v
	}
	return xapi.V200
}

// ErrUnsupportedMediaType is answered with 400 as xAPI requires for a content
// type the resource does not take.
var ErrUnsupportedMediaType = errors.New("unsupported content type")
