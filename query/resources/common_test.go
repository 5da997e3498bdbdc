package resources

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

var endpoints = []struct {
	path string
	q    url.Values
}{
	{"/xapi/agents", agentQ(`{"mbox":"mailto:ada@example.com"}`)},
	{"/xapi/activities", activityQ("http://example.com/course/1")},
}

// Communication 4 (scope table): both resources need statements/read or a
// scope including it (all/read, all); statements/read/mine, statements/write
// and state/profile/define get 403; no credentials get 401.
func TestResources_Comm4_Scopes(t *testing.T) {
	e := newEnv(t)
	want := map[string]int{
		"": http.StatusUnauthorized, "nobody": http.StatusUnauthorized,
		"acme": http.StatusOK, "acmeread": http.StatusOK, "allread": http.StatusOK,
		"mine": http.StatusForbidden, "writeonly": http.StatusForbidden, "stateonly": http.StatusForbidden,
	}
	for _, ep := range endpoints {
		for _, v := range versions {
			for user, code := range want {
				t.Run(ep.path+"/"+v+"/"+user, func(t *testing.T) {
					w := e.do(http.MethodGet, user, v, ep.path, ep.q)
					mustStatus(t, w, code)
					if w.Header().Get("X-Experience-API-Version") != v {
						t.Errorf("version header %q", w.Header().Get("X-Experience-API-Version"))
					}
				})
			}
		}
	}
}

// Communication 3.3 (1.0.3) / 2.0 §1: a missing or unsupported version is 400.
func TestResources_Comm3_3_VersionRequired(t *testing.T) {
	e := newEnv(t)
	for _, ep := range endpoints {
		for _, v := range []string{"", "0.9", "3.0.0"} {
			mustStatus(t, e.do(http.MethodGet, "acme", v, ep.path, ep.q), http.StatusBadRequest)
		}
		w := e.do(http.MethodGet, "acme", "1.0.1", ep.path, ep.q)
		mustStatus(t, w, http.StatusOK)
		if w.Header().Get("X-Experience-API-Version") != "1.0.3" {
			t.Errorf("1.0.1 answered as %q", w.Header().Get("X-Experience-API-Version"))
		}
	}
}

// Communication 1.1: HEAD answers as GET without a body; 3.1 concurrency:
// the ETag is stable and If-None-Match with it gets 304.
func TestResources_Comm1_1_HeadAndComm3_1_ETag(t *testing.T) {
	e := newEnv(t)
	e.names("acme", "mbox:mailto:ada@example.com", "Ada", t0)
	e.definition("acme", "http://example.com/course/1", `{"name":{"en-US":"C1"}}`, t0)
	for _, ep := range endpoints {
		for _, v := range versions {
			get := e.do(http.MethodGet, "acme", v, ep.path, ep.q)
			mustStatus(t, get, http.StatusOK)
			head := e.do(http.MethodHead, "acme", v, ep.path, ep.q)
			mustStatus(t, head, http.StatusOK)
			if head.Body.Len() != 0 {
				t.Errorf("%s HEAD body %q", ep.path, head.Body.String())
			}
			for _, h := range []string{"ETag", "Last-Modified", "Content-Type", "Content-Length"} {
				if head.Header().Get(h) == "" || head.Header().Get(h) != get.Header().Get(h) {
					t.Errorf("%s %s: HEAD %q, GET %q", ep.path, h, head.Header().Get(h), get.Header().Get(h))
				}
			}
			etag := get.Header().Get("ETag")
			if len(etag) != 42 || etag[0] != '"' {
				t.Errorf("ETag %q is not a quoted SHA-1", etag)
			}
			nm := e.do(http.MethodGet, "acme", v, ep.path, ep.q, withHeader("If-None-Match", `"other", `+etag))
			mustStatus(t, nm, http.StatusNotModified)
			mustStatus(t, e.do(http.MethodGet, "acme", v, ep.path, ep.q, withHeader("If-None-Match", `"other"`)), http.StatusOK)
		}
	}
}

// Communication 1.3: under 1.0.3 a GET may be tunnelled as POST ?method=GET
// with the parameters in a form body; 2.0 requests using it get 400.
func TestResources_Comm1_3_AlternateRequestSyntax(t *testing.T) {
	e := newEnv(t)
	e.definition("acme", "http://example.com/course/1", `{"name":{"en-US":"C1"}}`, t0)
	for _, ep := range endpoints {
		for v, code := range map[string]int{"1.0.3": http.StatusOK, "2.0.0": http.StatusBadRequest} {
			form := url.Values{}
			for k, vs := range ep.q {
				form[k] = vs
			}
			form.Set("X-Experience-API-Version", v)
			r := httptest.NewRequest(http.MethodPost, ep.path+"?method=GET", strings.NewReader(form.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.SetBasicAuth("acme", "x")
			w := httptest.NewRecorder()
			e.h.ServeHTTP(w, r)
			mustStatus(t, w, code)
		}
	}
}

// Other methods are 405 (the resources are read-only).
func TestResources_Comm2_4_2_5_OtherMethodsAreRejected(t *testing.T) {
	e := newEnv(t)
	for _, ep := range endpoints {
		for _, m := range []string{http.MethodPut, http.MethodPost, http.MethodDelete} {
			mustStatus(t, e.do(m, "acme", "2.0.0", ep.path, ep.q), http.StatusMethodNotAllowed)
		}
	}
}

func TestNew_RequiresDeps(t *testing.T) {
	if _, err := New(Deps{}); err == nil || !strings.Contains(err.Error(), "Engine") {
		t.Fatalf("New(Deps{}) = %v", err)
	}
}
