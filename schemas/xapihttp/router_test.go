package xapihttp

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestRouterAnswersUnknownPathsAndMethodsAsXAPIErrors(t *testing.T) {
	r := NewRouter()
	r.HandleFunc("/xapi/statements", func(http.ResponseWriter, *http.Request) {}).Methods(http.MethodGet)
	for _, c := range []struct {
		method, path, version string
		code                  int
		wantVersion           string
	}{
		{http.MethodGet, "/xapi/nothing", "2.0.0", 404, "2.0.0"},
		{http.MethodDelete, "/xapi/statements", "1.0.1", 405, "1.0.3"},
		{http.MethodGet, "/elsewhere", "", 404, "1.0.3"},
	} {
		req := httptest.NewRequest(c.method, c.path, nil)
		if c.version != "" {
			req.Header.Set(HeaderVersion, c.version)
		}
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		if rec.Code != c.code || rec.Header().Get(HeaderVersion) != c.wantVersion ||
			rec.Header().Get("Content-Type") != "application/json; charset=utf-8" {
			t.Errorf("%s %s: %d %q %q, want %d %q JSON", c.method, c.path, rec.Code,
				rec.Header().Get(HeaderVersion), rec.Header().Get("Content-Type"), c.code, c.wantVersion)
		}
	}
}
