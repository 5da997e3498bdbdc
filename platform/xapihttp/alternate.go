package xapihttp

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// errAlternate is a malformed Alternate Request Syntax request (400).
var errAlternate = errors.New("alternate request syntax (Communication 1.3)")

// formHeaders are the header parameters a client may send as form parameters
// under the Alternate Request Syntax (Communication 1.3).
var formHeaders = []string{"Authorization", HeaderVersion, "Content-Type", "Content-Length", "If-Match", "If-None-Match"}

// takeFormHeader removes the form parameter naming header name (in any case)
// and returns its value. Given more than once with different values, it is
// ambiguous: an error.
func takeFormHeader(form url.Values, name string) (string, bool, error) {
	var val string
	found := false
	for key, vals := range form {
		if !strings.EqualFold(key, name) {
			continue
		}
		for _, v := range vals {
			if found && v != val {
				return "", false, fmt.Errorf("%w: form parameter %s given with different values", errAlternate, name)
			}
			val, found = v, true
		}
		delete(form, key)
	}
	return val, found, nil
}

// Alternate serves POST <resource>?method=M (Communication 1.3, xAPI 1.0.x
// only: 2.0 no longer defines the syntax, and a 2.0 request using it gets
// 400). The form parameters listed in formHeaders become headers, "content"
// the body, every other form parameter a query parameter; the rewritten
// request is served by router as an ordinary M request, so it is
// authenticated, negotiated and validated like any other. A header parameter
// sent both as a header and as a form parameter with different values is a
// conflict answered with 400: neither silently overrides the other (the
// spec makes the form parameter a header parameter, so the request would
// carry the header twice). A method router
// does not serve gets 400 (ingest serves PUT and POST, query GET; all-in-one
// all three).
func Alternate(router *mux.Router, maxBody int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fail := func(err error) {
			w.Header().Set(HeaderVersion, string(xapi.V103))
			Error(w, r, http.StatusBadRequest, err)
		}
		q := r.URL.Query()
		method := strings.ToUpper(q.Get("method"))
		if len(q) != 1 || len(q["method"]) != 1 {
			fail(fmt.Errorf("%w: the only query parameter allowed is method; send the others as form parameters", errAlternate))
			return
		}
		if method != http.MethodPut && method != http.MethodPost && method != http.MethodGet && method != http.MethodDelete {
			fail(fmt.Errorf("%w: method=%s is not an xAPI method (PUT, POST, GET or DELETE)", errAlternate, q.Get("method")))
			return
		}
		if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/x-www-form-urlencoded" {
			fail(fmt.Errorf("%w: the body must be application/x-www-form-urlencoded, not %q", errAlternate, r.Header.Get("Content-Type")))
			return
		}
		body, ok := ReadBody(w, r, maxBody)
		if !ok {
			return
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			fail(fmt.Errorf("%w: form body: %v", errAlternate, err))
			return
		}
		// The header Content-Type and Content-Length describe the form; the
		// form parameters of those names describe the content.
		h := r.Header.Clone()
		h.Del("Content-Type")
		h.Del("Content-Length")
		for _, name := range formHeaders {
			v, ok, err := takeFormHeader(form, name)
			if err != nil {
				fail(err)
				return
			}
			if !ok {
				continue
			}
			if prev := h.Values(name); len(prev) > 0 && (len(prev) > 1 || prev[0] != v) {
				fail(fmt.Errorf("%w: the %s form parameter and the %s header differ; send it once", errAlternate, name, name))
				return
			}
			h.Set(name, v)
		}
		content := form.Get("content")
		delete(form, "content")
		if _, ok := form["method"]; ok {
			fail(fmt.Errorf("%w: method must be a query parameter only", errAlternate))
			return
		}
		if v, err := xapi.NegotiateVersion(h.Get(HeaderVersion)); err == nil && v != xapi.V103 {
			w.Header().Set(HeaderVersion, string(v))
			Error(w, r, http.StatusBadRequest,
				fmt.Errorf("%w is not part of xAPI %s: send an ordinary %s request", errAlternate, v, method))
			return
		} // a missing or unsupported version is answered by Negotiate
		req := r.Clone(r.Context())
		req.Method = method
		req.URL.RawQuery = form.Encode()
		req.RequestURI = ""
		req.Header = h
		req.Body = http.NoBody
		req.ContentLength = 0
		if method != http.MethodGet {
			if h.Get("Content-Type") == "" {
				h.Set("Content-Type", "application/json")
			}
			req.Body = io.NopCloser(strings.NewReader(content))
			req.ContentLength = int64(len(content))
			h.Set("Content-Length", strconv.Itoa(len(content)))
		}
		var m mux.RouteMatch
		if !router.Match(req, &m) || m.MatchErr != nil {
			fail(fmt.Errorf("%w: method=%s is not served by this service (ingest serves PUT and POST, query GET)", errAlternate, method))
			return
		}
		router.ServeHTTP(w, req)
	})
}
