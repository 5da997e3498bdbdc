package matrix

import (
	"net/http"
	"strings"
	"testing"
)

// contentOrigin is the origin of xAPI content allowed to call the LRS
// (http.cors.allowed_origins of the suite's LRS).
const contentOrigin = "https://content.example.com"

// xapiResources are every xAPI resource path with the methods it serves in
// the all-in-one LRS (Allow).
var xapiResources = map[string]string{
	"/xapi/statements":         "GET, HEAD, POST, PUT",
	"/xapi/about":              "GET, HEAD",
	"/xapi/agents":             "GET, HEAD",
	"/xapi/activities":         "GET, HEAD",
	"/xapi/activities/state":   "GET, HEAD, POST, PUT, DELETE",
	"/xapi/activities/profile": "GET, HEAD, POST, PUT, DELETE",
	"/xapi/agents/profile":     "GET, HEAD, POST, PUT, DELETE",
}

// TestIssue24_UnservedMethodsAre405WithAllow: issue 7 item 24, PATCH, TRACE
// and OPTIONS on xAPI resources answered 404. Every xAPI resource answers a
// method it does not serve with 405, an Allow header and an xAPI error body,
// with or without credentials.
func TestIssue24_UnservedMethodsAre405WithAllow(t *testing.T) {
	c := creds[tenantA]["all"]
	for path, allow := range xapiResources {
		for _, m := range []string{http.MethodPatch, http.MethodTrace, http.MethodOptions} {
			for _, mode := range []authMode{withCred, noAuth} {
				r := do(t, "1.0.3", c, mode, request{method: m, path: path})
				if r.code != http.StatusMethodNotAllowed || r.header.Get("Allow") != allow ||
					!strings.Contains(string(r.body), `"code":405`) || r.header.Get("X-Experience-API-Version") != "1.0.3" {
					t.Errorf("%s %s: %d Allow %q %s, want 405 Allow %q", m, path, r.code, r.header.Get("Allow"), trim(r.body), allow)
				}
			}
		}
	}
}

// TestIssue24_AllowedMethodsAreServed: every method an Allow header names is
// routed by the all-in-one LRS (its answer may be a 400 or a 404 of the
// resource, never the router's 405 or "no such xAPI resource").
func TestIssue24_AllowedMethodsAreServed(t *testing.T) {
	c := creds[tenantA]["all"]
	for path, allow := range xapiResources {
		for _, m := range strings.Split(allow, ", ") {
			r := do(t, "1.0.3", c, withCred, request{method: m, path: path, contentType: "application/json", body: []byte("{}")})
			if r.code == http.StatusMethodNotAllowed || strings.Contains(string(r.body), "no such xAPI resource") {
				t.Errorf("%s %s: %d %s, want it routed", m, path, r.code, trim(r.body))
			}
		}
	}
}

// TestIssue24_CORSPreflightNeedsNoCredentials: xAPI content served from an
// allowed origin can call every xAPI resource from a browser: the preflight
// (OPTIONS, no credentials) is 204 and allows the xAPI request headers, and
// the actual response exposes the xAPI response headers.
func TestIssue24_CORSPreflightNeedsNoCredentials(t *testing.T) {
	c := creds[tenantA]["all"]
	for path := range xapiResources {
		h := http.Header{}
		h.Set("Origin", contentOrigin)
		h.Set("Access-Control-Request-Method", http.MethodPut)
		h.Set("Access-Control-Request-Headers", "authorization,content-type,if-match,x-experience-api-version")
		r := do(t, "", c, noAuth, request{method: http.MethodOptions, path: path, header: h})
		if r.code != http.StatusNoContent || r.header.Get("Access-Control-Allow-Origin") != contentOrigin ||
			!strings.Contains(r.header.Get("Access-Control-Allow-Headers"), "authorization") {
			t.Errorf("preflight %s: %d %v", path, r.code, r.header)
		}
	}
	h := http.Header{}
	h.Set("Origin", contentOrigin)
	r := do(t, "1.0.3", c, withCred, request{method: http.MethodGet, path: "/xapi/statements", header: h})
	mustCode(t, "cross-origin GET", r, http.StatusOK)
	exposed := strings.ToLower(r.header.Get("Access-Control-Expose-Headers"))
	if r.header.Get("Access-Control-Allow-Origin") != contentOrigin || !strings.Contains(exposed, "x-experience-api-consistent-through") {
		t.Errorf("cross-origin GET headers %v", r.header)
	}
}
