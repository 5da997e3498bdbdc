package xapihttp

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// Communication 1.3: "The LRS MUST treat the form parameters listed above
// [Authorization, X-Experience-API-Version, Content-Type, Content-Length,
// If-Match, If-None-Match] as header parameters". A form parameter that
// names a header the request also carries with another value would be a
// second, conflicting header: the request is refused with 400 instead of
// letting the form override the header (or the header the form).
func TestCommunication1_3_FormHeaderParameterNeverOverridesTheHeader(t *testing.T) {
	var served http.Header
	r := NewRouter()
	r.HandleFunc(StatementsPath, func(w http.ResponseWriter, req *http.Request) {
		served = req.Header.Clone()
		w.WriteHeader(http.StatusOK)
	}).Methods(http.MethodGet)
	r.Handle(StatementsPath, Alternate(r, 1<<16)).Methods(http.MethodPost)
	const headerAuth, formAuth = "Basic aGVhZGVyOnNlY3JldA==", "Basic Zm9ybTpzZWNyZXQ="
	for _, c := range []struct {
		name     string
		header   http.Header
		form     string
		code     int
		wantAuth string
	}{
		{"form only", nil, "Authorization=" + url.QueryEscape(formAuth), 200, formAuth},
		{"header only", http.Header{"Authorization": {headerAuth}}, "limit=1", 200, headerAuth},
		{"both, equal", http.Header{"Authorization": {headerAuth}}, "Authorization=" + url.QueryEscape(headerAuth), 200, headerAuth},
		{"both, different", http.Header{"Authorization": {headerAuth}}, "Authorization=" + url.QueryEscape(formAuth), 400, ""},
		{"both, different, other case", http.Header{"Authorization": {headerAuth}}, "authorization=" + url.QueryEscape(formAuth), 400, ""},
		{"form twice, different", nil, "Authorization=" + url.QueryEscape(formAuth) + "&authorization=" + url.QueryEscape(headerAuth), 400, ""},
		{"version, different", http.Header{HeaderVersion: {"1.0.3"}}, HeaderVersion + "=0.8", 400, ""},
		{"If-Match, different", http.Header{"If-Match": {`"a"`}}, "If-Match=%22b%22", 400, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			served = nil
			req := httptest.NewRequest(http.MethodPost, StatementsPath+"?method=GET", strings.NewReader(c.form))
			for k, vs := range c.header {
				req.Header.Set(k, vs[0]) // canonical names, as a server reads them
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			w := httptest.NewRecorder()
			r.ServeHTTP(w, req)
			if w.Code != c.code {
				t.Fatalf("status %d, want %d: %s", w.Code, c.code, w.Body)
			}
			if c.code != 200 {
				if served != nil {
					t.Fatal("a refused request reached the resource")
				}
				return
			}
			if got := served.Get("Authorization"); got != c.wantAuth {
				t.Errorf("served with Authorization %q, want %q", got, c.wantAuth)
			}
		})
	}
}
