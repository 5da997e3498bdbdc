package query

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/platform/xapihttp"
)

func altGet(e *env, version string, params url.Values) *httptest.ResponseRecorder {
	form := url.Values{}
	form.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("acme:secret")))
	form.Set(xapihttp.HeaderVersion, version)
	for k, v := range params {
		form[k] = v
	}
	r := httptest.NewRequest(http.MethodPost, "/xapi/statements?method=GET", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

// Communication 1.3: a GET tunnelled through POST ?method=GET with its
// headers and parameters in the form body is served by the query service.
func TestAlternateSyntax_Communication_1_3_GET_served_by_query(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Millisecond)
	e := newEnv(t, now.Add(time.Hour))
	id := uuid.New()
	e.insert(fx{tenant: "acme", id: id, stored: now, verb: "http://adlnet.gov/expapi/verbs/completed"})
	w := altGet(e, "1.0.3", url.Values{"statementId": {id.String()}})
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), id.String()) {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if w.Header().Get(xapihttp.HeaderConsistentThrough) == "" {
		t.Fatal("no Consistent-Through on the tunnelled GET")
	}
	// 2.0 no longer defines the syntax.
	if w := altGet(e, "2.0.0", url.Values{"statementId": {id.String()}}); w.Code != http.StatusBadRequest {
		t.Fatalf("2.0 alternate syntax: status %d, want 400", w.Code)
	}
}

// Communication 2.1.3: X-Experience-API-Consistent-Through is on all
// responses to Statements Resource requests, so also on an alternate-syntax
// request refused before it is served as a GET.
func TestCommunication2_1_3_ConsistentThroughOnAlternateSyntaxErrors(t *testing.T) {
	e := newEnv(t, at(3600))
	for name, target := range map[string]string{
		"extra query parameter": "/xapi/statements?method=GET&limit=1",
		"not a form body":       "/xapi/statements?method=GET",
	} {
		r := httptest.NewRequest(http.MethodPost, target, strings.NewReader("limit=1"))
		if name != "not a form body" {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, r)
		if w.Code != http.StatusBadRequest {
			t.Fatalf("%s: status %d, want 400", name, w.Code)
		}
		if got := w.Header().Get(xapihttp.HeaderConsistentThrough); got != at(3600).Format("2006-01-02T15:04:05.000Z07:00") {
			t.Errorf("%s: Consistent-Through %q, want the watermark %v", name, got, at(3600))
		}
	}
}
