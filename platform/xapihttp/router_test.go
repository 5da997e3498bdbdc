package xapihttp

import (
	"encoding/json"
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

// TestIssue24_XAPIResourcesAnswer405WithAllow: issue 7 item 24, PATCH, TRACE
// and OPTIONS on xAPI resources answered 404. Routes are registered the way
// the roles register them (all-in-one: ingest, then query, then the other
// resources), Alternate Request Syntax routes included; every method a
// resource does not serve gets 405 with Allow, as an xAPI error.
func TestIssue24_XAPIResourcesAnswer405WithAllow(t *testing.T) {
	r := NewRouter()
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	// ingest
	r.Handle("/xapi/statements", h).Methods(http.MethodPost).Queries("method", "{method}")
	r.Handle("/xapi/statements", h).Methods(http.MethodPut)
	r.Handle("/xapi/statements", h).Methods(http.MethodPost)
	// query
	r.Handle("/xapi/statements", h).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/xapi/about", h).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/xapi/statements", h).Methods(http.MethodPost).Queries("method", "{method:(?i)get}")
	r.Handle("/xapi/agents", h).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/xapi/agents", h).Methods(http.MethodPost).Queries("method", "{method:(?i)get}")
	r.Handle("/xapi/activities/state", h).Methods(http.MethodPost).Queries("method", "{method}")
	r.Handle("/xapi/activities/state", h).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/xapi/activities/state", h).Methods(http.MethodPut, http.MethodPost, http.MethodDelete)

	allow := map[string]string{
		"/xapi/statements":       "GET, HEAD, POST, PUT",
		"/xapi/about":            "GET, HEAD",
		"/xapi/agents":           "GET, HEAD",
		"/xapi/activities/state": "GET, HEAD, POST, PUT, DELETE",
	}
	refused := map[string][]string{
		"/xapi/statements":       {http.MethodPatch, http.MethodTrace, http.MethodOptions, http.MethodDelete},
		"/xapi/about":            {http.MethodPatch, http.MethodTrace, http.MethodOptions, http.MethodPost, http.MethodPut},
		"/xapi/agents":           {http.MethodPatch, http.MethodTrace, http.MethodOptions, http.MethodPost, http.MethodDelete},
		"/xapi/activities/state": {http.MethodPatch, http.MethodTrace, http.MethodOptions},
	}
	for path, methods := range refused {
		for _, m := range methods {
			req := httptest.NewRequest(m, path+"?activityId=x", nil)
			req.Header.Set(HeaderVersion, "1.0.3")
			rec := httptest.NewRecorder()
			r.ServeHTTP(rec, req)
			var body ErrorBody
			if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != allow[path] ||
				rec.Header().Get(HeaderVersion) != "1.0.3" || json.Unmarshal(rec.Body.Bytes(), &body) != nil ||
				body.Error.Code != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: %d Allow %q %s, want 405 Allow %q with an xAPI error body", m, path, rec.Code,
					rec.Header().Get("Allow"), rec.Body, allow[path])
			}
		}
	}
	// Served methods still reach their handler; unknown paths stay 404.
	for _, c := range []struct {
		method, target string
		code           int
	}{
		{http.MethodPut, "/xapi/statements", 204}, {http.MethodPost, "/xapi/agents?method=GET", 204},
		{http.MethodDelete, "/xapi/activities/state", 204}, {http.MethodPatch, "/xapi/nothing", 404},
	} {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest(c.method, c.target, nil))
		if rec.Code != c.code || rec.Header().Get("Allow") != "" {
			t.Errorf("%s %s: %d Allow %q, want %d without Allow", c.method, c.target, rec.Code, rec.Header().Get("Allow"), c.code)
		}
	}
}

// TestIssue24_EveryRoleAnswersTheLRSWideAllow: in distributed mode a role
// serves part of the xAPI resources; a method the LRS does not serve gets
// the same 405 and Allow from every role, and a method another role serves
// is a 404 here.
func TestIssue24_EveryRoleAnswersTheLRSWideAllow(t *testing.T) {
	ingest := NewRouter()
	ingest.Handle("/xapi/statements", http.NotFoundHandler()).Methods(http.MethodPut, http.MethodPost)
	for _, c := range []struct {
		method, path string
		code         int
		allow        string
	}{
		{http.MethodPatch, "/xapi/statements", 405, "GET, HEAD, POST, PUT"},
		{http.MethodPatch, "/xapi/about", 405, "GET, HEAD"},
		{http.MethodDelete, "/xapi/agents/profile", 404, ""},
		{http.MethodGet, "/xapi/statements", 404, ""},
	} {
		rec := httptest.NewRecorder()
		ingest.ServeHTTP(rec, httptest.NewRequest(c.method, c.path, nil))
		if rec.Code != c.code || rec.Header().Get("Allow") != c.allow {
			t.Errorf("%s %s: %d Allow %q, want %d %q", c.method, c.path, rec.Code, rec.Header().Get("Allow"), c.code, c.allow)
		}
	}
}
