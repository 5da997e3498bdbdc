package xapihttp

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestIssue24_CORSForXAPIContentFromAnotherOrigin: issue 7 item 24, browsers
// need CORS for xAPI content served from another origin. A preflight from an
// allowed origin is answered 204 without credentials and names the xAPI
// request headers; actual responses (errors included) expose the xAPI
// response headers; other origins, non-xAPI paths and an LRS without
// configured origins get no CORS headers, and OPTIONS there stays a 405.
func TestIssue24_CORSForXAPIContentFromAnotherOrigin(t *testing.T) {
	const origin = "https://content.example.com"
	router := func() http.Handler {
		r := NewRouter()
		auth := RequireAuth(NewStatic("k", "secret-secret", "t", "x"), ScopeStatementsRead)
		r.Handle("/xapi/statements", Negotiate(auth(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set(HeaderConsistentThrough, "2026-01-01T00:00:00Z")
			w.Header().Set("ETag", `"x"`)
		})))).Methods(http.MethodGet, http.MethodHead, http.MethodPut)
		r.Handle("/admin/x", http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		return r
	}
	h := CORS([]string{origin, "https://*.lms.example.org"}, 10*time.Minute)(router())
	do := func(h http.Handler, method, path string, hdr map[string]string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	// Browsers send Access-Control-Request-Headers lowercase and sorted (Fetch).
	preflight := map[string]string{"Origin": origin, "Access-Control-Request-Method": http.MethodPut,
		"Access-Control-Request-Headers": "authorization,content-type,if-match,if-none-match,x-experience-api-hash,x-experience-api-version"}

	rec := do(h, http.MethodOptions, "/xapi/statements", preflight)
	if rec.Code != http.StatusNoContent || rec.Header().Get("Access-Control-Allow-Origin") != origin ||
		rec.Header().Get("Access-Control-Allow-Methods") != http.MethodPut ||
		!strings.Contains(rec.Header().Get("Access-Control-Allow-Headers"), "x-experience-api-version") ||
		rec.Header().Get("Access-Control-Max-Age") != "600" || rec.Header().Get("Access-Control-Allow-Credentials") != "" {
		t.Errorf("preflight: %d %v, want 204 allowing %s", rec.Code, rec.Header(), origin)
	}
	wild := map[string]string{"Origin": "https://a.lms.example.org", "Access-Control-Request-Method": http.MethodGet}
	if rec := do(h, http.MethodOptions, "/xapi/statements", wild); rec.Header().Get("Access-Control-Allow-Origin") != wild["Origin"] {
		t.Errorf("wildcard origin preflight: %v", rec.Header())
	}
	// The actual request, authenticated, and an unauthenticated one: both
	// readable by the page.
	rec2 := do(h, http.MethodGet, "/xapi/statements", map[string]string{"Origin": origin, HeaderVersion: "1.0.3"})
	if rec2.Code != http.StatusUnauthorized || rec2.Header().Get("Access-Control-Allow-Origin") != origin {
		t.Errorf("401 without CORS headers: %d %v", rec2.Code, rec2.Header())
	}
	rec = do(h, http.MethodGet, "/xapi/statements", map[string]string{"Origin": origin, HeaderVersion: "1.0.3",
		"Authorization": "Basic " + basicToken("k", "secret-secret")})
	exposed := strings.ToLower(rec.Header().Get("Access-Control-Expose-Headers")) // names are case-insensitive
	for _, want := range []string{HeaderConsistentThrough, HeaderVersion, "ETag", "Last-Modified", "Retry-After"} {
		if !strings.Contains(exposed, strings.ToLower(want)) {
			t.Errorf("Access-Control-Expose-Headers %q lacks %s", exposed, want)
		}
	}
	if rec.Code != http.StatusOK || rec.Header().Get("Access-Control-Allow-Origin") != origin {
		t.Errorf("actual request: %d %v", rec.Code, rec.Header())
	}
	// Another origin, a non-xAPI path: no CORS headers.
	other := map[string]string{"Origin": "https://evil.example.net", "Access-Control-Request-Method": http.MethodGet}
	if rec := do(h, http.MethodOptions, "/xapi/statements", other); rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("other origin allowed: %v", rec.Header())
	}
	if rec := do(h, http.MethodOptions, "/admin/x", preflight); rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("CORS on a non-xAPI path: %v", rec.Header())
	}
	// No origins configured: no CORS, OPTIONS is 405.
	off := CORS(nil, time.Minute)(router())
	if rec := do(off, http.MethodOptions, "/xapi/statements", preflight); rec.Code != http.StatusMethodNotAllowed ||
		rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("without origins: %d %v, want 405 without CORS headers", rec.Code, rec.Header())
	}
}

func basicToken(key, secret string) string {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.SetBasicAuth(key, secret)
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Basic ")
}
