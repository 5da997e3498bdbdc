package xapihttp

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/tributary-lrs/tributary/schemas/xapi"
)

var (
	errNoResource = errors.New("no such xAPI resource")
	errNoMethod   = errors.New("method not allowed on this resource")
)

// NewRouter returns the router every role mounts its resources on: an
// unknown path is a 404, and a known path with a method none of its routes
// serves (PATCH, TRACE, OPTIONS, ...) a 405 with an Allow header naming the
// methods that are served; both are xAPI errors carrying
// X-Experience-API-Version.
//
// gorilla/mux alone answers some of those 405s with 404: a route that matches
// the path but not the method is forgotten when a later route of the same
// path fails on another matcher (the Alternate Request Syntax routes match a
// "method" query parameter). So both the not-found and the
// method-not-allowed handlers ask the router which methods it serves on the
// path, and answer 405 whenever there is one.
func NewRouter() *mux.Router {
	r := mux.NewRouter()
	refuse := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		setVersion(w, req)
		allowed := allowedMethods(r, req)
		if len(allowed) == 0 {
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

// candidateMethods are the methods Allow may list, in the order it lists them.
var candidateMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
	http.MethodDelete, http.MethodPatch}

// allowedMethods are the methods r serves on the path of req, without query
// parameters (a route that needs one, such as POST ?method=, is a form of
// another method, not a method of its own).
func allowedMethods(r *mux.Router, req *http.Request) []string {
	var allowed []string
	u := *req.URL
	u.RawQuery = ""
	for _, m := range candidateMethods {
		probe := *req
		probe.Method, probe.URL = m, &u
		var match mux.RouteMatch
		if r.Match(&probe, &match) && match.MatchErr == nil {
			allowed = append(allowed, m)
		}
	}
	return allowed
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
