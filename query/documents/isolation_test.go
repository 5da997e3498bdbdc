package documents

import (
	"crypto/rand"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestAuth_Comm4 checks credentials and scopes: "state" for the State
// resource, "profile" for the profiles, all/read for reads of either.
func TestAuth_Comm4(t *testing.T) {
	e := newEnv(t, 0)
	for _, version := range []string{v103, v200} {
		for _, c := range kindCases {
			for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete} {
				t.Run(version+"/"+c.k.resource+"/"+m, func(t *testing.T) {
					q := req{method: m, path: c.k.path, params: c.doc("x"), version: version, ct: jsonType, body: `{}`}
					q.user = "anonymous"
					if w := e.expect(q, http.StatusUnauthorized); w.Header().Get("WWW-Authenticate") == "" {
						t.Fatal("no Basic challenge")
					}
					// all/read is "unrestricted read access": it reads
					// documents but never writes them.
					q.user = "readonly"
					if m == http.MethodGet {
						if w := e.do(q); w.Code == http.StatusForbidden || w.Code == http.StatusUnauthorized {
							t.Fatalf("all/read GET: %d", w.Code)
						}
					} else {
						e.expect(q, http.StatusForbidden)
					}
					wrong, right := "profonly", "stateonly"
					if !c.k.state {
						wrong, right = right, wrong
					}
					q.user = wrong
					e.expect(q, http.StatusForbidden)
					q.user = right
					if w := e.do(q); w.Code == http.StatusForbidden || w.Code == http.StatusUnauthorized {
						t.Fatalf("scope %s refused: %d", right, w.Code)
					}
				})
			}
		}
	}
}

// TestTenantIsolation: a second tenant's credential can neither read, nor
// change, nor delete a document of the first, on every resource and method.
func TestTenantIsolation(t *testing.T) {
	for _, version := range []string{v103, v200} {
		for _, c := range kindCases {
			t.Run(version+"/"+c.k.resource, func(t *testing.T) {
				e := newEnv(t, 0)
				e.expect(req{method: http.MethodPut, path: c.k.path, params: c.doc("secret"), version: version,
					headers: map[string]string{"If-None-Match": "*"}, ct: jsonType, body: `{"acme":true}`}, http.StatusNoContent)
				tag := e.getDoc(c, "acme", version, "secret").Header.Get("ETag")
				o := func(m string, params url.Values, h map[string]string, want int) {
					t.Helper()
					e.expect(req{method: m, path: c.k.path, params: params, user: "other", version: version,
						headers: h, ct: jsonType, body: `{"other":true}`}, want)
				}
				o(http.MethodGet, c.doc("secret"), nil, http.StatusNotFound)
				o(http.MethodHead, c.doc("secret"), nil, http.StatusNotFound)
				if w := e.expect(req{method: http.MethodGet, path: c.k.path, params: c.scope, user: "other", version: version}, http.StatusOK); strings.TrimSpace(w.Body.String()) != "[]" {
					t.Fatalf("other tenant lists %s", w.Body)
				}
				o(http.MethodPut, c.doc("secret"), map[string]string{"If-Match": tag}, http.StatusPreconditionFailed)
				o(http.MethodPost, c.doc("secret"), map[string]string{"If-Match": tag}, http.StatusPreconditionFailed)
				o(http.MethodDelete, c.doc("secret"), map[string]string{"If-Match": tag}, http.StatusPreconditionFailed)
				o(http.MethodDelete, c.doc("secret"), nil, http.StatusNoContent)
				if c.k.state {
					o(http.MethodDelete, c.scope, nil, http.StatusNoContent)
				}
				// The other tenant's writes land in its own store.
				o(http.MethodPost, c.doc("secret"), nil, http.StatusNoContent)
				o(http.MethodPut, c.doc("secret"), map[string]string{"If-None-Match": "*"}, http.StatusPreconditionFailed)
				res := e.getDoc(c, "acme", version, "secret")
				if got := body(res); res.StatusCode != http.StatusOK || got != `{"acme":true}` || res.Header.Get("ETag") != tag {
					t.Fatalf("acme's document changed: %d %s", res.StatusCode, got)
				}
				res = e.getDoc(c, "other", version, "secret")
				if got := body(res); got != `{"other":true}` {
					t.Fatalf("other's document: %s", got)
				}
			})
		}
	}
}

// TestBigDocuments: documents up to MaxBytes work (5 MiB with the 16 MiB
// default), larger ones get 413 and change nothing.
func TestBigDocuments(t *testing.T) {
	big := make([]byte, 5<<20)
	if _, err := rand.Read(big); err != nil {
		t.Fatal(err)
	}
	t.Run("5MiB", func(t *testing.T) {
		e := newEnv(t, 0)
		if e.svc.d.MaxBytes != 16<<20 {
			t.Fatalf("default MaxBytes %d", e.svc.d.MaxBytes)
		}
		for _, version := range []string{v103, v200} {
			c := kindCases[0]
			id := "big" + version
			e.expect(req{method: http.MethodPut, path: c.k.path, params: c.doc(id), version: version,
				headers: map[string]string{"If-None-Match": "*"}, ct: "application/octet-stream", body: string(big)}, http.StatusNoContent)
			res := e.getDoc(c, "acme", version, id)
			got := body(res)
			if got != string(big) {
				t.Fatalf("5 MiB document not byte-exact (%d bytes back)", len(got))
			}
			if res.Header.Get("ETag") != sha1Tag(got) {
				t.Fatal("ETag of the big document")
			}
		}
	})
	t.Run("413", func(t *testing.T) {
		e := newEnv(t, 1<<20)
		for _, c := range kindCases {
			e.expect(req{method: http.MethodPut, path: c.k.path, params: c.doc("big"), version: v200,
				headers: map[string]string{"If-None-Match": "*"}, ct: "application/octet-stream", body: string(big[:1<<20+1])},
				http.StatusRequestEntityTooLarge)
			e.expect(req{method: http.MethodPost, path: c.k.path, params: c.doc("big"), version: v200,
				ct: jsonType, body: `{"a":"` + strings.Repeat("x", 1<<20) + `"}`}, http.StatusRequestEntityTooLarge)
			e.expect(req{method: http.MethodGet, path: c.k.path, params: c.doc("big"), version: v200}, http.StatusNotFound)
			e.expect(req{method: http.MethodPut, path: c.k.path, params: c.doc("fits"), version: v200,
				headers: map[string]string{"If-None-Match": "*"}, ct: "application/octet-stream", body: string(big[:1<<20])},
				http.StatusNoContent)
		}
	})
}
