// Package routelabel carries the route template of a request from the router
// that matched it to the request metrics around it (svc.InstrumentHandler),
// which cannot see the route themselves: gorilla/mux matches on a copy of
// the request. A leaf package, so that routers and servers both import it.
package routelabel

import (
	"context"
	"net/http"
)

type key struct{}

// Track returns r with an empty route slot; the metrics read it with Get
// after the handler returned.
func Track(r *http.Request) (*http.Request, *string) {
	route := new(string)
	return r.WithContext(context.WithValue(r.Context(), key{}, route)), route
}

// Set names the route of r: a router calls it with the template that matched
// (e.g. "/xapi/statements"), never the raw path. Outside Track it does
// nothing.
func Set(r *http.Request, template string) {
	if p, ok := r.Context().Value(key{}).(*string); ok {
		*p = template
	}
}
