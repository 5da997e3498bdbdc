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
			settle(t, creds[tenantA]["all"])
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
			settle(t, creds[tenantA]["all"])
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

// TestReadMineStatementRefsRevealNothing: a statements/read/mine credential
// cannot learn what another credential's statement holds by storing a
// StatementRef to it and filtering its own statements (Communication 4.2;
// issue 7, item 20). Its own StatementRefs to its own statements still meet
// their targets' filters (Communication 2.1.3 "Filter Conditions for
// StatementRefs"), and a statements/read credential sees both.
func TestReadMineStatementRefsRevealNothing(t *testing.T) {
	seed(t)
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			mine := creds[tenantA]["statements/write+statements/read/mine"]
			other := creds[tenantA]["statements/write"]
			reader := creds[tenantA]["statements/read"]
			u := uuid.NewString()[:8]
			hiddenMbox, hiddenVerb := "mailto:hidden-"+u+"@example.com", "http://example.com/verbs/hidden-"+u
			hiddenAct, reg := "http://example.com/matrix/hidden/"+u, uuid.NewString()
			ownMbox, ownAct := "mailto:own-"+u+"@example.com", "http://example.com/matrix/own/"+u
			ref := func(id, target string) string {
				return fmt.Sprintf(`{"id":%q,"actor":{"mbox":"mailto:mine-%s@example.com"},"verb":{"id":%q},"object":{"objectType":"StatementRef","id":%q}}`,
					id, u, verbDid, target)
			}
			hidden, probe, own, ownRef := uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString()
			for _, w := range []struct {
				c    cred
				id   string
				body string
			}{
				{other, hidden, statementJSON(hidden, hiddenMbox, "", hiddenVerb, hiddenAct, fmt.Sprintf(`"context":{"registration":%q}`, reg))},
				{mine, probe, ref(probe, hidden)},
				{mine, own, statementJSON(own, ownMbox, "", verbDid, ownAct, "")},
				{mine, ownRef, ref(ownRef, own)},
			} {
				mustCode(t, "PUT", do(t, v, w.c, withCred, putStatement(w.id, w.body)), http.StatusNoContent)
			}
			settle(t, creds[tenantA]["all"])
			list := func(c cred, q url.Values) map[string]bool {
				t.Helper()
				r := do(t, v, c, withCred, request{method: http.MethodGet, path: "/xapi/statements", query: q})
				mustCode(t, "GET", r, http.StatusOK)
				got := map[string]bool{}
				for _, s := range decodeResult(t, r).Statements {
					got[fmt.Sprint(s["id"])] = true
				}
				return got
			}
			for name, q := range map[string]url.Values{
				"verb":         {"verb": {hiddenVerb}},
				"agent":        {"agent": {agentJSON(hiddenMbox)}},
				"activity":     {"activity": {hiddenAct}},
				"registration": {"registration": {reg}},
				"related":      {"agent": {agentJSON(hiddenMbox)}, "related_agents": {"true"}, "activity": {hiddenAct}, "related_activities": {"true"}},
			} {
				t.Run("Comm4.2 statements/read/mine StatementRef to a hidden statement, filter "+name, func(t *testing.T) {
					if got := list(mine, q); len(got) != 0 {
						t.Fatalf("statements/read/mine lists %v: it learns that the hidden statement matches", got)
					}
					if got := list(reader, q); len(got) != 2 || !got[hidden] || !got[probe] {
						t.Fatalf("statements/read lists %v, want the hidden statement and the StatementRef to it", got)
					}
				})
			}
			t.Run("Comm2.1.3 statements/read/mine StatementRef to its own statement", func(t *testing.T) {
				if got := list(mine, url.Values{"activity": {ownAct}}); len(got) != 2 || !got[own] || !got[ownRef] {
					t.Fatalf("statements/read/mine lists %v, want its statement and its StatementRef to it", got)
				}
			})
		})
	}
}
