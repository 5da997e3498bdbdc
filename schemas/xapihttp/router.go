package xapihttp

import (
	"errors"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/tributary-lrs/tributary/schemas/xapi"
)

var (
	errNoResource = errors.New("no such xAPI resource")
	errNoMethod   = errors.New("method not allowed on this resource")
)

// NewRouter returns the router every role mounts its resources on: an
// unknown path is a 404 and a known path with another method a 405, both as
// xAPI errors carrying X-Experience-API-Version. Matched requests are named
// by their route template for the request metrics.
func NewRouter() *mux.Router {
	r := mux.NewRouter()
	r.Use(recordRoute)
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		setVersion(w, req)
		Error(w, req, http.StatusNotFound, errNoResource)
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		setVersion(w, req)
		Error(w, req, http.StatusMethodNotAllowed, errNoMethod)
	})
	return r
}

// setVersion answers in the version the client asked for when it is one we
// serve, else in 1.0.3 (as Negotiate does on a bad header).
func setVersion(w http.ResponseWriter, r *http.Request) {
	v, err := xapi.NegotiateVersion(r.Header.Get(HeaderVersion))
	if err != nil {
		v = xapi.V103
	}
	w.Header().Set(HeaderVersion, string(v))
}
