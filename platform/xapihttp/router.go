package xapihttp

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/gorilla/mux"

	"github.com/tributary-lrs/tributary/schemas/xapi"
)

var (
	errNoResource = errors.New("no such xAPI resource on this service")
	errNoMethod   = errors.New("method not allowed on this resource")
)

// resourceMethods are the methods the LRS serves on each xAPI resource
// (xAPI 1.0.3 Communication 2; 2.0.0 section 4.1): the Allow of a 405.
var resourceMethods = map[string][]string{
	"/xapi/statements":         {http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut},
	"/xapi/about":              {http.MethodGet, http.MethodHead},
	"/xapi/agents":             {http.MethodGet, http.MethodHead},
	"/xapi/activities":         {http.MethodGet, http.MethodHead},
	"/xapi/activities/state":   {http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete},
	"/xapi/activities/profile": {http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete},
	"/xapi/agents/profile":     {http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete},
}

// NewRouter returns the router every role mounts its resources on: a method
// the LRS does not serve on an xAPI resource (PATCH, TRACE, OPTIONS, DELETE
// /xapi/statements, ...) is a 405 with an Allow header naming the methods of
// resourceMethods, any other unrouted request a 404; both are xAPI errors
// carrying X-Experience-API-Version.
//
// Allow comes from resourceMethods, not from the routes, so that every role
// answers the same in distributed mode, where /xapi/statements is served by
// two roles behind one proxy; a method the LRS serves but this role does not
// is a 404. (gorilla/mux alone also answered some 405s with 404: a route
// matching the path but not the method is forgotten when a later route of
// the path fails on another matcher, as the Alternate Request Syntax routes
// do on "method".) Matched requests are named by their route template for
// the request metrics.
func NewRouter() *mux.Router {
	r := mux.NewRouter()
	r.Use(recordRoute)
	refuse := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		setVersion(w, req)
		allowed, ok := resourceMethods[req.URL.Path]
		if !ok || slices.Contains(allowed, req.Method) {
			Error(w, req, http.StatusNotFound, errNoResource)
			return
		}
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		Error(w, req, http.StatusMethodNotAllowed, errNoMethod)
	})
	r.NotFoundHandler = refuse
	r.MethodNotAllowedHandler = refuse
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
