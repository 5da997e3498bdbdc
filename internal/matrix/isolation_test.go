package matrix

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// TestTenantIsolation: tenant B's "all" credential can neither see nor change
// tenant A's data on any endpoint (issue 4: "cross-tenant access attempts on
// every endpoint (all refused)"). Both tenants hold the same person, activity
// and document keys, so every query B makes has A's data to leak.
func TestTenantIsolation(t *testing.T) {
	seed(t)
	a, b := data[tenantA], data[tenantB]
	allA, allB := creds[tenantA]["all"], creds[tenantB]["all"]
	aIDs := map[string]bool{}
	for _, id := range a.stored {
		aIDs[id] = true
	}
	noneOfA := func(t *testing.T, sr statementResult) {
		t.Helper()
		for _, s := range sr.Statements {
			if aIDs[fmt.Sprint(s["id"])] {
				t.Fatalf("tenant B got tenant A's statement %v", s["id"])
			}
			if strings.Contains(fmt.Sprint(s), a.name) || strings.Contains(fmt.Sprint(s), a.definition) {
				t.Fatalf("tenant B got tenant A's data in %v", s)
			}
		}
	}
	leaks := func(t *testing.T, r response) {
		t.Helper()
		for _, s := range []string{a.name, a.definition, a.attData, `"owner":"` + tenantA} {
			if bytes.Contains(r.body, []byte(s)) {
				t.Fatalf("tenant B's response holds tenant A's %q: %s", s, trim(r.body))
			}
		}
	}

	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			filters := map[string]url.Values{
				"none":              nil,
				"agent":             {"agent": {agentJSON(sharedMbox)}},
				"verb":              {"verb": {verbDid}},
				"voided verb":       {"verb": {verbVoided}},
				"activity":          {"activity": {sharedActivity}},
				"registration of A": {"registration": {a.registration}},
				"related":           {"agent": {agentJSON(sharedMbox)}, "related_agents": {"true"}, "activity": {sharedActivity}, "related_activities": {"true"}},
				"since-until":       {"since": {"2000-01-01T00:00:00Z"}, "until": {"2999-01-01T00:00:00Z"}},
				"ascending":         {"ascending": {"true"}},
				"format ids":        {"format": {"ids"}},
				"format canonical":  {"format": {"canonical"}},
				"attachments":       {"attachments": {"true"}},
				"limit 1 (more)":    {"limit": {"1"}},
			}
			for _, name := range sortedKeys(filters) {
				q := filters[name]
				t.Run("Comm2.1.3 GET statements filter "+name, func(t *testing.T) {
					r := do(t, v, allB, withCred, request{method: http.MethodGet, path: "/xapi/statements", query: q})
					mustCode(t, "GET", r, http.StatusOK)
					leaks(t, r)
					sr := decodeResult(t, r)
					noneOfA(t, sr)
					// Every page behind the more links.
					for page := 0; sr.More != "" && page < 50; page++ {
						r = do(t, v, allB, withCred, request{method: http.MethodGet, path: sr.More})
						mustCode(t, "GET more", r, http.StatusOK)
						leaks(t, r)
						sr = decodeResult(t, r)
						noneOfA(t, sr)
					}
				})
			}
			t.Run("Comm2.1.3 more link of tenant A followed by tenant B", func(t *testing.T) {
				r := do(t, v, allA, withCred, request{method: http.MethodGet, path: "/xapi/statements", query: url.Values{"limit": {"1"}}})
				mustCode(t, "A GET", r, http.StatusOK)
				more := decodeResult(t, r).More
				if more == "" {
					t.Fatal("tenant A has several statements but no more link")
				}
				for page := 0; more != "" && page < 50; page++ {
					r = do(t, v, allB, withCred, request{method: http.MethodGet, path: more})
					if r.code != http.StatusOK {
						mustCode(t, "B follows A's more link", r, http.StatusBadRequest, http.StatusNotFound)
						return
					}
					leaks(t, r)
					sr := decodeResult(t, r)
					noneOfA(t, sr)
					more = sr.More
				}
			})
			for _, c := range []struct{ name, param, id string }{
				{"statementId of A's statement", "statementId", a.stmt},
				{"statementId of A's attachment statement", "statementId", a.attStmt},
				{"statementId of A's voiding statement", "statementId", a.voiding},
				{"statementId of A's voided statement", "statementId", a.voided},
				{"voidedStatementId of A's voided statement", "voidedStatementId", a.voided},
			} {
				for _, method := range []string{http.MethodGet, http.MethodHead} {
					for _, att := range []string{"", "true"} {
						t.Run(fmt.Sprintf("Comm2.1.3 %s %s attachments=%s", method, c.name, att), func(t *testing.T) {
							q := url.Values{c.param: {c.id}}
							if att != "" {
								q.Set("attachments", att)
							}
							r := do(t, v, allB, withCred, request{method: method, path: "/xapi/statements", query: q})
							mustCode(t, "B reads A's id", r, http.StatusNotFound)
							leaks(t, r)
						})
					}
				}
			}
			for _, k := range docKinds {
				t.Run(k.section+" "+k.name, func(t *testing.T) { docIsolation(t, v, k, leaks) })
			}
			t.Run("Comm2.4 GET agents: no name from A", func(t *testing.T) {
				r := do(t, v, allB, withCred, request{method: http.MethodGet, path: "/xapi/agents",
					query: url.Values{"agent": {agentJSON(sharedMbox)}}})
				mustCode(t, "GET agents", r, http.StatusOK)
				leaks(t, r)
				if !bytes.Contains(r.body, []byte(b.name)) {
					t.Fatalf("tenant B's own name %q missing: %s", b.name, trim(r.body))
				}
			})
			t.Run("Comm2.5 GET activities: no definition from A", func(t *testing.T) {
				r := do(t, v, allB, withCred, request{method: http.MethodGet, path: "/xapi/activities",
					query: url.Values{"activityId": {sharedActivity}}})
				mustCode(t, "GET activities", r, http.StatusOK)
				leaks(t, r)
				if !bytes.Contains(r.body, []byte(b.definition)) {
					t.Fatalf("tenant B's own definition %q missing: %s", b.definition, trim(r.body))
				}
			})
		})
	}

	t.Run("Comm2.5 GET activities: an activity only A knows", func(t *testing.T) {
		act := "http://example.com/matrix/a-only/" + uuid.NewString()
		id := uuid.NewString()
		st := fmt.Sprintf(`{"id":%q,"actor":{"mbox":%q},"verb":{"id":%q},"object":{"id":%q,"definition":{"name":{"en-US":"A-only-definition"}}}}`,
			id, sharedMbox, verbDid, act)
		mustCode(t, "A PUT", do(t, "1.0.3", allA, withCred, putStatement(id, st)), http.StatusNoContent)
		for _, v := range versions {
			r := do(t, v, allB, withCred, request{method: http.MethodGet, path: "/xapi/activities", query: url.Values{"activityId": {act}}})
			if v == "1.0.3" {
				mustCode(t, v+" B GET activities", r, http.StatusOK, http.StatusNotFound)
			} else {
				mustCode(t, v+" B GET activities (2.0: unknown id → 200 id only)", r, http.StatusOK)
			}
			if bytes.Contains(r.body, []byte("A-only-definition")) {
				t.Fatalf("%s: tenant B sees A's definition: %s", v, trim(r.body))
			}
		}
	})

	// Statement ids are per tenant (the tenant is part of every statement
	// key, processor/sink StatementKey{Tenant, ID}): B may store a statement
	// under an id A uses, and neither tenant's statement changes. A 409 here
	// would tell B that A holds that id.
	t.Run("Comm2.1.1 PUT statement with A's id: stored for B, A unchanged", func(t *testing.T) {
		id := uuid.NewString()
		mustCode(t, "A PUT", do(t, "1.0.3", allA, withCred, putStatement(id,
			statementJSON(id, sharedMbox, a.name, verbDid, sharedActivity, ""))), http.StatusNoContent)
		st := statementJSON(id, "mailto:b-only@example.com", "B's own", verbDid, sharedActivity, "")
		mustCode(t, "B PUT A's id", do(t, "1.0.3", allB, withCred, putStatement(id, st)), http.StatusNoContent)
		rA := do(t, "1.0.3", allA, withCred, request{method: http.MethodGet, path: "/xapi/statements", query: url.Values{"statementId": {id}}})
		mustCode(t, "A GET", rA, http.StatusOK)
		if !bytes.Contains(rA.body, []byte(a.name)) || bytes.Contains(rA.body, []byte("B's own")) {
			t.Fatalf("tenant A's statement changed: %s", trim(rA.body))
		}
		rB := do(t, "1.0.3", allB, withCred, request{method: http.MethodGet, path: "/xapi/statements", query: url.Values{"statementId": {id}}})
		mustCode(t, "B GET", rB, http.StatusOK)
		if !bytes.Contains(rB.body, []byte("B's own")) || bytes.Contains(rB.body, []byte(a.name)) {
			t.Fatalf("tenant B does not get its own statement: %s", trim(rB.body))
		}
	})
	t.Run("Comm2.1.2 POST statement with A's id and A's exact content: stored for B", func(t *testing.T) {
		id := uuid.NewString()
		st := statementJSON(id, sharedMbox, "Same content", verbDid, sharedActivity, "")
		mustCode(t, "A PUT", do(t, "1.0.3", allA, withCred, putStatement(id, st)), http.StatusNoContent)
		mustCode(t, "B POST A's id", do(t, "1.0.3", allB, withCred, postStatements(st)), http.StatusOK)
		for _, c := range []cred{allA, allB} {
			r := do(t, "1.0.3", c, withCred, request{method: http.MethodGet, path: "/xapi/statements", query: url.Values{"statementId": {id}}})
			mustCode(t, c.tenant+" GET", r, http.StatusOK)
			if !bytes.Contains(r.body, []byte(c.key)) {
				t.Fatalf("%s: the statement does not carry its own authority %s: %s", c.tenant, c.key, trim(r.body))
			}
		}
	})
	t.Run("Data2.4.4.3 B voids A's statement id: A's statement stays unvoided", func(t *testing.T) {
		id := uuid.NewString()
		voiding := fmt.Sprintf(`{"id":%q,"actor":{"mbox":%q},"verb":{"id":%q},"object":{"objectType":"StatementRef","id":%q}}`,
			id, sharedMbox, verbVoided, a.attStmt)
		r := do(t, "1.0.3", allB, withCred, putStatement(id, voiding))
		mustCode(t, "B voids an id it does not hold", r, http.StatusNoContent, http.StatusBadRequest)
		rA := do(t, "1.0.3", allA, withCred, request{method: http.MethodGet, path: "/xapi/statements", query: url.Values{"statementId": {a.attStmt}}})
		mustCode(t, "A GET its statement", rA, http.StatusOK)
		rA = do(t, "1.0.3", allA, withCred, request{method: http.MethodGet, path: "/xapi/statements", query: url.Values{"voidedStatementId": {a.attStmt}}})
		mustCode(t, "A GET voidedStatementId", rA, http.StatusNotFound)
	})
	t.Run("Comm1.5.2 B references A's attachment sha2 by fileUrl: no bytes of A", func(t *testing.T) {
		id := uuid.NewString()
		att := fmt.Sprintf(`"attachments":[{"usageType":"http://example.com/usage","display":{"en-US":"f"},"contentType":"text/plain","length":%d,"sha2":%q,"fileUrl":"http://example.com/f"}]`,
			len(a.attData), a.attSHA)
		mustCode(t, "B POST", do(t, "1.0.3", allB, withCred,
			postStatements(statementJSON(id, sharedMbox, "", verbDid, sharedActivity, att))), http.StatusOK)
		for _, q := range []url.Values{{"statementId": {id}, "attachments": {"true"}}, {"attachments": {"true"}, "limit": {"100"}}} {
			r := do(t, "1.0.3", allB, withCred, request{method: http.MethodGet, path: "/xapi/statements", query: q})
			mustCode(t, "B GET attachments=true", r, http.StatusOK)
			leaks(t, r)
		}
	})
	t.Run("Comm2.2 all scopes of B: none reads A's statement", func(t *testing.T) {
		for _, sc := range scopes {
			r := do(t, "1.0.3", creds[tenantB][sc], withCred, request{method: http.MethodGet, path: "/xapi/statements",
				query: url.Values{"statementId": {a.attStmt}}})
			mustCode(t, sc, r, http.StatusNotFound, http.StatusForbidden)
			leaks(t, r)
		}
	})
}

// docIsolation: B reads, lists, writes, merges and deletes at tenant A's
// document keys; A's documents are unchanged afterwards (bytes and ETag).
func docIsolation(t *testing.T, v string, k docKind, leaks func(*testing.T, response)) {
	allA, allB := creds[tenantA]["all"], creds[tenantB]["all"]
	snapshot := func() map[string]response {
		out := map[string]response{}
		for _, id := range []string{matrixDoc, aOnlyDoc, ""} {
			r := do(t, v, allA, withCred, k.get(id))
			mustCode(t, "A GET "+id, r, http.StatusOK)
			out[id] = r
		}
		return out
	}
	before := snapshot()

	t.Run("GET A-only document → 404", func(t *testing.T) {
		r := do(t, v, allB, withCred, k.get(aOnlyDoc))
		mustCode(t, "B GET", r, http.StatusNotFound)
		leaks(t, r)
	})
	t.Run("GET shared key → B's own document", func(t *testing.T) {
		r := do(t, v, allB, withCred, k.get(matrixDoc))
		mustCode(t, "B GET", r, http.StatusOK)
		leaks(t, r)
		if r.header.Get("ETag") == before[matrixDoc].header.Get("ETag") {
			t.Fatalf("B's document has A's ETag %s", r.header.Get("ETag"))
		}
	})
	t.Run("GET ids: none of A's", func(t *testing.T) {
		for _, since := range []string{"", "2000-01-01T00:00:00Z"} {
			rq := k.get("")
			if since != "" {
				rq.query.Set("since", since)
			}
			r := do(t, v, allB, withCred, rq)
			mustCode(t, "B GET ids", r, http.StatusOK)
			if bytes.Contains(r.body, []byte(aOnlyDoc)) {
				t.Fatalf("B lists A's document: %s", r.body)
			}
		}
	})
	t.Run("PUT with If-Match of A's ETag → 412", func(t *testing.T) {
		rq := k.put(aOnlyDoc, `{"owner":"B"}`)
		rq.header = http.Header{"If-Match": {before[aOnlyDoc].header.Get("ETag")}}
		mustCode(t, "B PUT If-Match", do(t, v, allB, withCred, rq), http.StatusPreconditionFailed)
	})
	t.Run("PUT, POST, DELETE at A's keys act on B's own documents", func(t *testing.T) {
		mustCode(t, "B PUT", do(t, v, allB, withCred, k.put(aOnlyDoc, `{"owner":"B","x":1}`)), http.StatusNoContent)
		mustCode(t, "B POST", do(t, v, allB, withCred, k.post(aOnlyDoc, `{"y":2}`)), http.StatusNoContent)
		r := do(t, v, allB, withCred, k.get(aOnlyDoc))
		mustCode(t, "B GET", r, http.StatusOK)
		leaks(t, r)
		if !bytes.Contains(r.body, []byte(`"owner":"B"`)) {
			t.Fatalf("B's merged document: %s", r.body)
		}
		mustCode(t, "B POST shared key", do(t, v, allB, withCred, k.post(matrixDoc, `{"z":3}`)), http.StatusNoContent)
		mustCode(t, "B DELETE", do(t, v, allB, withCred, k.del(aOnlyDoc)), http.StatusNoContent)
		if k.name == "state" {
			mustCode(t, "B DELETE all states", do(t, v, allB, withCred, k.del("")), http.StatusNoContent)
			// Put B's matrix document back for the other tests.
			mustCode(t, "B PUT back", do(t, v, allB, withCred,
				k.put(matrixDoc, fmt.Sprintf(`{"owner":%q,"doc":%q}`, tenantB, matrixDoc))), http.StatusNoContent)
		}
	})
	t.Run("A's documents unchanged", func(t *testing.T) {
		after := snapshot()
		for id, b := range before {
			a := after[id]
			if id == "" {
				if string(a.body) != string(b.body) {
					t.Fatalf("A's id list changed: %s → %s", b.body, a.body)
				}
				continue
			}
			if string(a.body) != string(b.body) || a.header.Get("ETag") != b.header.Get("ETag") ||
				a.header.Get("Last-Modified") != b.header.Get("Last-Modified") {
				t.Fatalf("A's document %s changed: %s %s → %s %s", id, b.header.Get("ETag"), b.body, a.header.Get("ETag"), a.body)
			}
		}
	})
}
