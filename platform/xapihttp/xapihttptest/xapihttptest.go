// Package xapihttptest holds test doubles of the xapihttp contracts.
package xapihttptest

import (
	"net/http"

	"github.com/tributary-lrs/tributary/platform/xapihttp"
)

// Principals authenticates HTTP Basic by user name alone (any password): the
// principal of a known user, else xapihttp.ErrUnauthorized.
type Principals map[string]*xapihttp.Principal

// Authenticate implements xapihttp.Authenticator.
func (p Principals) Authenticate(r *http.Request) (*xapihttp.Principal, error) {
	u, _, ok := r.BasicAuth()
	if pr, found := p[u]; ok && found {
		return pr, nil
	}
	return nil, xapihttp.ErrUnauthorized
}
