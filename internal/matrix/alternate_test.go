package matrix

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// alternate rewrites rq in the Alternate Request Syntax (Communication 1.3):
// POST ?method=M with headers, parameters and content as form fields, the
// credentials in the Authorization form field.
func alternate(rq request, c cred, mode authMode) request {
	form := url.Values{"X-Experience-API-Version": {"1.0.3"}}
	for k, v := range rq.query {
		form[k] = v
	}
	for k, v := range rq.header {
		form[k] = v
	}
	if rq.contentType != "" {
		form.Set("Content-Type", rq.contentType)
	}
	if len(rq.body) > 0 {
		form.Set("content", string(rq.body))
	}
	secret := c.secret
	if mode == wrongSecret {
		secret += "x"
	}
	if mode != noAuth {
		form.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(c.key+":"+secret)))
	}
	return request{method: http.MethodPost, path: rq.path, query: url.Values{"method": {rq.method}},
		body: []byte(form.Encode()), contentType: "application/x-www-form-urlencoded"}
}

// TestAlternateSyntaxScopes: the scope matrix again through the Alternate
// Request Syntax (1.0.3 only), where credentials travel in the form: no
// method reached that way escapes its scope or its tenant.
func TestAlternateSyntaxScopes(t *testing.T) {
	seed(t)
	d := data[tenantA]
	for _, o := range ops() {
		probe := o.build(d, uuid.NewString())
		if o.need == needNone || probe.method == http.MethodHead || strings.HasPrefix(probe.contentType, "multipart/") {
			continue
		}
		for _, sc := range append(scopes, "no credentials", "wrong secret") {
			t.Run(fmt.Sprintf("Comm1.3 %s/Comm4.2 scope %s", o.name, sc), func(t *testing.T) {
				mode, c := withCred, creds[tenantA][sc]
				switch sc {
				case "no credentials":
					mode, c = noAuth, creds[tenantA]["all"]
				case "wrong secret":
					mode, c = wrongSecret, creds[tenantA]["all"]
				}
				fresh := uuid.NewString()
				r := do(t, "", c, noAuth, alternate(o.build(d, fresh), c, mode)) // credentials only in the form
				switch {
				case mode != withCred:
					mustCode(t, "unauthenticated", r, http.StatusUnauthorized)
				case sc == "statements/read/mine" && o.need == needStatementsRead:
					checkMine(t, c, d, r)
					return
				case allowed(sc, o.need):
					mustCode(t, "allowed", r, o.ok)
					if o.stored != nil && !o.stored(t, "1.0.3", tenantA, fresh) {
						t.Fatal("allowed write not visible afterwards")
					}
					return
				default:
					mustCode(t, "refused", r, http.StatusForbidden)
				}
				if o.stored != nil && o.stored(t, "1.0.3", tenantA, fresh) {
					t.Fatal("a refused write was stored")
				}
			})
		}
	}
	t.Run("Comm1.3 tenant B reads A's statement by alternate syntax → 404", func(t *testing.T) {
		b := creds[tenantB]["all"]
		r := do(t, "", b, noAuth, alternate(request{method: http.MethodGet, path: "/xapi/statements",
			query: url.Values{"statementId": {d.stmt}}}, b, withCred))
		mustCode(t, "B GET A's id", r, http.StatusNotFound)
	})
}
