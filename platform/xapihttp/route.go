package xapihttp

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/tributary-lrs/tributary/platform/svc/routelabel"
)

// recordRoute names each matched request for the request metrics
// (svc.InstrumentHandler) by the path template of its route: gorilla/mux
// matches on a copy of the request, so the metrics around the router cannot
// see the route themselves.
func recordRoute(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if route := mux.CurrentRoute(r); route != nil {
			if tmpl, err := route.GetPathTemplate(); err == nil {
				routelabel.Set(r, tmpl)
			}
		}
		next.ServeHTTP(w, r)
	})
}
