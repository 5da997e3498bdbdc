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

	"github.com/tributary-lrs/tributary/schemas/xapihttp"
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
