package matrix

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"testing"

	"github.com/google/uuid"
)

// TestReadMine: statements/read/mine reads only the statements whose
// authority is what the LRS assigns the credential (Communication 4.2), on
// every way of reading statements.
func TestReadMine(t *testing.T) {
	seed(t)
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			mine := creds[tenantA]["statements/write+statements/read/mine"]
			other := creds[tenantA]["statements/write"]
			act := "http://example.com/matrix/mine/" + uuid.NewString()
			reg := uuid.NewString()
			ctx := fmt.Sprintf(`"context":{"registration":%q}`, reg)
			var own, others []string
			for i := 0; i < 3; i++ {
				id := uuid.NewString()
				mustCode(t, "mine PUT", do(t, v, mine, withCred, putStatement(id, statementJSON(id, sharedMbox, "", verbDid, act, ctx))), http.StatusNoContent)
				own = append(own, id)
				id = uuid.NewString()
				mustCode(t, "other PUT", do(t, v, other, withCred, putStatement(id, statementJSON(id, sharedMbox, "", verbDid, act, ctx))), http.StatusNoContent)
				others = append(others, id)
			}
			// One of mine voided by another credential, one of the other's voided by mine.
			vid := uuid.NewString()
			mustCode(t, "mine voids other's", do(t, v, mine, withCred, putStatement(vid, fmt.Sprintf(
				`{"id":%q,"actor":{"mbox":%q},"verb":{"id":%q},"object":{"objectType":"StatementRef","id":%q}}`,
				vid, sharedMbox, verbVoided, others[2]))), http.StatusNoContent)
			own = append(own, vid)
			authority := map[string]any{"objectType": "Agent", "account": map[string]any{"homePage": homePage, "name": mine.key}}

			for name, q := range map[string]url.Values{
				"activity":     {"activity": {act}},
				"registration": {"registration": {reg}},
				"agent":        {"agent": {agentJSON(sharedMbox)}, "since": {"2000-01-01T00:00:00Z"}},
				"limit 1":      {"limit": {"1"}, "activity": {act}},
				"none":         nil,
			} {
				t.Run("Comm4.2 statements/read/mine GET statements filter "+name, func(t *testing.T) {
					r := do(t, v, mine, withCred, request{method: http.MethodGet, path: "/xapi/statements", query: q})
					mustCode(t, "GET", r, http.StatusOK)
					got := map[string]bool{}
					sr := decodeResult(t, r)
					for page := 0; ; page++ {
						for _, s := range sr.Statements {
							if !reflect.DeepEqual(s["authority"], authority) {
								t.Fatalf("statement %v of authority %v", s["id"], s["authority"])
							}
							got[fmt.Sprint(s["id"])] = true
						}
						if sr.More == "" || page > 50 {
							break
						}
						r = do(t, v, mine, withCred, request{method: http.MethodGet, path: sr.More})
						mustCode(t, "GET more", r, http.StatusOK)
						sr = decodeResult(t, r)
					}
					if name != "none" && name != "agent" {
						for _, id := range own[:3] {
							if !got[id] {
								t.Fatalf("own statement %s missing", id)
							}
						}
					}
				})
			}
			t.Run("Comm4.2 statements/read/mine statementId", func(t *testing.T) {
				for _, id := range own[:2] {
					mustCode(t, "own", do(t, v, mine, withCred, request{method: http.MethodGet, path: "/xapi/statements",
						query: url.Values{"statementId": {id}}}), http.StatusOK)
				}
				for _, id := range others[:2] {
					r := do(t, v, mine, withCred, request{method: http.MethodGet, path: "/xapi/statements", query: url.Values{"statementId": {id}}})
					mustCode(t, "another credential's", r, http.StatusNotFound)
				}
				r := do(t, v, mine, withCred, request{method: http.MethodGet, path: "/xapi/statements", query: url.Values{"voidedStatementId": {others[2]}}})
				mustCode(t, "voidedStatementId of another credential's statement", r, http.StatusNotFound)
				r = do(t, v, other, withCred, request{method: http.MethodGet, path: "/xapi/statements", query: url.Values{"statementId": {own[0]}}})
				mustCode(t, "statements/write alone cannot read", r, http.StatusForbidden)
			})
			t.Run("Comm4.2 statements/read/mine cannot read Agents or Activities (design)", func(t *testing.T) {
				r := do(t, v, mine, withCred, request{method: http.MethodGet, path: "/xapi/activities", query: url.Values{"activityId": {act}}})
				mustCode(t, "activities", r, http.StatusForbidden)
			})
		})
	}
}

// TestDefine: without the define scope a stored statement SHOULD NOT update
// the canonical Activity (Communication 4.2, define).
func TestDefine(t *testing.T) {
	seed(t)
	for _, c := range []struct {
		scope  string
		define bool
	}{{"statements/write", false}, {"statements/write+define", true}, {"all", true}} {
		t.Run("Comm4.2 define scope "+c.scope, func(t *testing.T) {
			act := "http://example.com/matrix/define/" + uuid.NewString()
			id := uuid.NewString()
			st := fmt.Sprintf(`{"id":%q,"actor":{"mbox":%q},"verb":{"id":%q},"object":{"id":%q,"definition":{"name":{"en-US":"Defined-by-%s"}}}}`,
				id, sharedMbox, verbDid, act, c.scope)
			mustCode(t, "PUT", do(t, "1.0.3", creds[tenantA][c.scope], withCred, putStatement(id, st)), http.StatusNoContent)
			r := do(t, "2.0.0", creds[tenantA]["all"], withCred, request{method: http.MethodGet, path: "/xapi/activities",
				query: url.Values{"activityId": {act}}})
			mustCode(t, "GET activities", r, http.StatusOK)
			if got := bytes.Contains(r.body, []byte("Defined-by-")); got != c.define {
				t.Fatalf("definition in the canonical activity: %v, want %v: %s", got, c.define, trim(r.body))
			}
			// The statement itself keeps its definition either way.
			r = do(t, "1.0.3", creds[tenantA]["all"], withCred, request{method: http.MethodGet, path: "/xapi/statements",
				query: url.Values{"statementId": {id}}})
			mustCode(t, "GET statement", r, http.StatusOK)
			if !bytes.Contains(r.body, []byte("Defined-by-")) {
				t.Fatalf("the stored statement lost its definition: %s", trim(r.body))
			}
		})
	}
}
