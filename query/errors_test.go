package query

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/tributary-lrs/tributary/platform/xapihttp"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// Communication 2.1.3: every malformed request is a 400, never a 500, and
// still carries the consistency header.
func TestBadRequests(t *testing.T) {
	e := newEnv(t, at(3600))
	id := sid(1).String()
	for _, raw := range []string{
		"statementId=" + id + "&voidedStatementId=" + id,
		"statementId=" + id + "&verb=http://x",
		"statementId=" + id + "&limit=1",
		"voidedStatementId=" + id + "&since=2024-01-01T00:00:00Z",
		"statementId=" + id + "&more=abc",
		"statementId=not-a-uuid",
		"voidedStatementId=",
		"statementid=" + id,
		"Verb=http://x",
		"unknown=1",
		"verb=a&verb=b",
		"agent=" + url.QueryEscape(`{"name":"no ifi"}`),
		"agent=" + url.QueryEscape(`{"mbox":"not-a-mailto"}`),
		"agent=not-json",
		"registration=123",
		"since=yesterday",
		"until=2024-13-01T00:00:00Z",
		"limit=-1",
		"limit=ten",
		"limit=1e3",
		"ascending=1",
		"related_agents=yes",
		"related_activities=True",
		"attachments=maybe",
		"format=full",
		"more=not-a-token",
		"more=" + url.QueryEscape("e30"), // {}
		"more=abc&verb=http://x",
		"verb=%zz",
	} {
		t.Run(raw, func(t *testing.T) {
			w := e.get("/xapi/statements?" + raw)
			if w.Code != http.StatusBadRequest {
				t.Fatalf("%s: %d %s", raw, w.Code, w.Body)
			}
			var body xapihttp.ErrorBody
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Error.Code != 400 || body.Error.Message == "" {
				t.Errorf("error body %s", w.Body)
			}
			if w.Header().Get("X-Experience-API-Consistent-Through") == "" {
				t.Error("no X-Experience-API-Consistent-Through on the 400")
			}
			if strings.Contains(raw, "mbox") && len(body.Problems) == 0 {
				t.Errorf("agent problems not listed: %s", w.Body)
			}
		})
	}
}

// Authentication, scope and version negotiation (Communication 3.3, 4).
func TestAuthAndVersion(t *testing.T) {
	e := newEnv(t, at(3600))
	if w := e.do(http.MethodGet, "/xapi/statements", ""); w.Code != http.StatusUnauthorized ||
		w.Header().Get("WWW-Authenticate") == "" || w.Header().Get("X-Experience-API-Consistent-Through") == "" {
		t.Errorf("no credentials: %d %v", w.Code, w.Header())
	}
	if w := e.do(http.MethodGet, "/xapi/statements", "writeonly"); w.Code != http.StatusForbidden {
		t.Errorf("write-only credentials: %d", w.Code)
	}
	r := httptest.NewRequest(http.MethodGet, "/xapi/statements", nil)
	r.SetBasicAuth("acme", "x")
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	if w.Code != http.StatusBadRequest || w.Header().Get("X-Experience-API-Consistent-Through") == "" {
		t.Errorf("no version header: %d %v", w.Code, w.Header())
	}
	r.Header.Set("X-Experience-API-Version", "2.0.0")
	w = httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	if w.Code != http.StatusOK || w.Header().Get("X-Experience-API-Version") != "2.0.0" {
		t.Errorf("2.0.0: %d %v", w.Code, w.Header())
	}
	// Writes are ingest's: the query service has only the alternate-syntax
	// POST ?method=GET, so a plain POST finds no route.
	if w := e.do(http.MethodPost, "/xapi/statements", "acme"); w.Code != http.StatusMethodNotAllowed && w.Code != http.StatusNotFound {
		t.Errorf("POST is ingest's: %d", w.Code)
	}
}

// Communication 2.8: the About resource needs neither credentials nor a
// version header.
func TestAbout(t *testing.T) {
	e := newEnv(t, at(3600))
	for _, tc := range []struct{ method, version, want string }{
		{http.MethodGet, "", "2.0.0"}, {http.MethodGet, "1.0.3", "1.0.3"}, {http.MethodGet, "bogus", "2.0.0"},
		{http.MethodHead, "1.0", "1.0.3"},
	} {
		r := httptest.NewRequest(tc.method, "/xapi/about", nil)
		if tc.version != "" {
			r.Header.Set("X-Experience-API-Version", tc.version)
		}
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, r)
		if w.Code != 200 || w.Header().Get("X-Experience-API-Version") != tc.want {
			t.Errorf("%s version %q: %d %v", tc.method, tc.version, w.Code, w.Header())
		}
		if tc.method == http.MethodHead {
			if w.Body.Len() != 0 {
				t.Errorf("HEAD body %q", w.Body)
			}
			continue
		}
		if got := strings.TrimSpace(w.Body.String()); got != `{"extensions":{},"version":["1.0.0","1.0.3","2.0.0"]}` {
			t.Errorf("body %s", got)
		}
	}
}

// Store failures: 503 with Retry-After when transient, else 500; bad input
// never reaches the store.
func TestStoreErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		code int
	}{
		{"transient", &store.ServerError{Code: 241, Name: "MEMORY_LIMIT_EXCEEDED"}, 503},
		{"unavailable", store.ErrUnavailable, 503},
		{"timeout", context.DeadlineExceeded, 503},
		{"other", &store.ServerError{Code: 62, Name: "SYNTAX_ERROR"}, 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnvOn(t, errStore{tc.err}, "db", at(3600))
			for _, target := range []string{q(), q("statementId", sid(1).String()), q("agent", annParam)} {
				w := e.get(target)
				if w.Code != tc.code || (tc.code == 503) != (w.Header().Get("Retry-After") != "") {
					t.Errorf("%s: %d %v", target, w.Code, w.Header())
				}
				if w.Header().Get("X-Experience-API-Consistent-Through") == "" {
					t.Errorf("%s: no consistency header", target)
				}
			}
			if w := e.get(q("limit", "-1")); w.Code != 400 {
				t.Errorf("bad input with a broken store: %d", w.Code)
			}
		})
	}
	t.Run("watermark never read", func(t *testing.T) {
		e := newEnvOn(t, errStore{errors.New("unused")}, "db", at(3600))
		e.wm.err = errors.New("progress table unreachable")
		if w := e.get(q()); w.Code != 503 || w.Header().Get("Retry-After") == "" {
			t.Errorf("%d %v", w.Code, w.Header())
		}
	})
}

func TestMetrics(t *testing.T) {
	e := newEnv(t, at(3600))
	e.get(q())
	e.get(q("limit", "x"))
	e.do(http.MethodGet, "/xapi/about", "")
	n, err := testutil.GatherAndCount(e.reg, "lrs_query_request_duration_seconds")
	if err != nil || n != 3 {
		t.Errorf("%d series, %v; want 3 (statements 200, statements 400, about 200)", n, err)
	}
	if _, err := New(Deps{Engine: engine, Database: "x", Auth: testAuth, Watermark: e.wm, Options: testConfig,
		CursorKeys: testCursorKeys, Registry: e.reg}); err == nil {
		t.Error("registering twice on one registry must fail")
	}
	if _, err := New(Deps{Options: testConfig}); err == nil {
		t.Error("missing dependencies accepted")
	}
}
