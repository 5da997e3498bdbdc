package matrix

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"testing"

	"github.com/google/uuid"
)

// need is the permission an operation needs, mapped to scopes by the
// Communication 4.2 scope table: "all" includes everything, "all/read" every
// read; "state" and "profile" read and write their documents.
type need int

const (
	needNone need = iota // the About resource: no authentication
	needStatementsWrite
	needStatementsRead
	needStateRead
	needStateWrite
	needProfileRead
	needProfileWrite
	// needResourceRead: the Agents and Activities resources have no scope of
	// their own; by design (query/resources/resources.go) they need
	// statements/read (hence all/read, all), not statements/read/mine.
	needResourceRead
)

func allowed(scope string, n need) bool {
	switch n {
	case needNone:
		return true
	case needStatementsWrite:
		return scope == "statements/write" || scope == "all"
	case needStatementsRead, needResourceRead:
		return scope == "statements/read" || scope == "all/read" || scope == "all"
	case needStateRead:
		return scope == "state" || scope == "all/read" || scope == "all"
	case needStateWrite:
		return scope == "state" || scope == "all"
	case needProfileRead:
		return scope == "profile" || scope == "all/read" || scope == "all"
	case needProfileWrite:
		return scope == "profile" || scope == "all"
	}
	return false
}

// op is one endpoint and method.
type op struct {
	name string
	need need
	ok   int // status when allowed
	// build makes the request; fresh is a new UUID for ids the call creates.
	build func(d *tenantData, fresh string) request
	// stored, for writes, reports whether the call's effect is visible (read
	// with the tenant's "all" credential): a refused write must change nothing.
	stored func(t *testing.T, v string, tn, fresh string) bool
}

func statementStored(t *testing.T, v, tn, id string) bool {
	r := do(t, v, creds[tn]["all"], withCred, request{method: http.MethodGet, path: "/xapi/statements",
		query: url.Values{"statementId": {id}}})
	mustCode(t, "GET statementId (check)", r, http.StatusOK, http.StatusNotFound)
	return r.code == http.StatusOK
}

func ops() []op {
	get := func(q url.Values) request { return request{method: http.MethodGet, path: "/xapi/statements", query: q} }
	list := []op{
		{name: "Comm2.1.1 PUT statements", need: needStatementsWrite, ok: http.StatusNoContent,
			build: func(_ *tenantData, id string) request {
				return putStatement(id, statementJSON(id, sharedMbox, "", verbDid, sharedActivity, ""))
			},
			stored: statementStored},
		{name: "Comm2.1.2 POST statements", need: needStatementsWrite, ok: http.StatusOK,
			build: func(_ *tenantData, id string) request {
				return postStatements(statementJSON(id, sharedMbox, "", verbDid, sharedActivity, ""))
			},
			stored: statementStored},
		{name: "Comm2.1.2 POST statements multipart attachment", need: needStatementsWrite, ok: http.StatusOK,
			build: func(_ *tenantData, id string) request {
				rq, _ := multipartStatement(id, sharedMbox, verbDid, sharedActivity, []byte("data "+id))
				return rq
			},
			stored: statementStored},
		{name: "Comm2.1.3 GET statements", need: needStatementsRead, ok: http.StatusOK,
			build: func(*tenantData, string) request { return get(nil) }},
		{name: "Comm2.1.3 HEAD statements", need: needStatementsRead, ok: http.StatusOK,
			build: func(*tenantData, string) request { return request{method: http.MethodHead, path: "/xapi/statements"} }},
		{name: "Comm2.1.3 GET statements statementId", need: needStatementsRead, ok: http.StatusOK,
			build: func(d *tenantData, _ string) request { return get(url.Values{"statementId": {d.stmt}}) }},
		{name: "Comm2.1.3 GET statements statementId attachments", need: needStatementsRead, ok: http.StatusOK,
			build: func(d *tenantData, _ string) request {
				return get(url.Values{"statementId": {d.attStmt}, "attachments": {"true"}})
			}},
		{name: "Comm2.1.3 GET statements voidedStatementId", need: needStatementsRead, ok: http.StatusOK,
			build: func(d *tenantData, _ string) request { return get(url.Values{"voidedStatementId": {d.voided}}) }},
	}
	filters := map[string]func(d *tenantData) url.Values{
		"agent":        func(*tenantData) url.Values { return url.Values{"agent": {agentJSON(sharedMbox)}} },
		"verb":         func(*tenantData) url.Values { return url.Values{"verb": {verbDid}} },
		"activity":     func(*tenantData) url.Values { return url.Values{"activity": {sharedActivity}} },
		"registration": func(d *tenantData) url.Values { return url.Values{"registration": {d.registration}} },
		"related": func(*tenantData) url.Values {
			return url.Values{"agent": {agentJSON(sharedMbox)}, "related_agents": {"true"}, "activity": {sharedActivity}, "related_activities": {"true"}}
		},
		"since-until": func(*tenantData) url.Values {
			return url.Values{"since": {"2000-01-01T00:00:00Z"}, "until": {"2999-01-01T00:00:00Z"}}
		},
		"limit-ascending":  func(*tenantData) url.Values { return url.Values{"limit": {"1"}, "ascending": {"true"}} },
		"format-ids":       func(*tenantData) url.Values { return url.Values{"format": {"ids"}} },
		"attachments-true": func(*tenantData) url.Values { return url.Values{"attachments": {"true"}} },
	}
	for _, name := range sortedKeys(filters) {
		f := filters[name]
		list = append(list, op{name: "Comm2.1.3 GET statements filter " + name, need: needStatementsRead, ok: http.StatusOK,
			build: func(d *tenantData, _ string) request { return get(f(d)) }})
	}
	for _, k := range docKinds {
		read, write := needStateRead, needStateWrite
		if k.scope == "profile" {
			read, write = needProfileRead, needProfileWrite
		}
		stored := func(t *testing.T, v, tn, id string) bool {
			r := do(t, v, creds[tn]["all"], withCred, k.get(id))
			mustCode(t, "GET document (check)", r, http.StatusOK, http.StatusNotFound)
			return r.code == http.StatusOK
		}
		list = append(list,
			op{name: k.section + " PUT " + k.name, need: write, ok: http.StatusNoContent,
				build: func(_ *tenantData, id string) request { return k.put(id, `{"a":1}`) }, stored: stored},
			op{name: k.section + " POST " + k.name, need: write, ok: http.StatusNoContent,
				build: func(_ *tenantData, id string) request { return k.post(id, `{"a":1}`) }, stored: stored},
			op{name: k.section + " GET " + k.name, need: read, ok: http.StatusOK,
				build: func(*tenantData, string) request { return k.get(matrixDoc) }},
			op{name: k.section + " HEAD " + k.name, need: read, ok: http.StatusOK,
				build: func(*tenantData, string) request { rq := k.get(matrixDoc); rq.method = http.MethodHead; return rq }},
			op{name: k.section + " GET " + k.name + " missing", need: read, ok: http.StatusNotFound,
				build: func(_ *tenantData, id string) request { return k.get(id) }},
			op{name: k.section + " GET " + k.name + " ids", need: read, ok: http.StatusOK,
				build: func(*tenantData, string) request { return k.get("") }},
			op{name: k.section + " DELETE " + k.name, need: write, ok: http.StatusNoContent,
				build: func(_ *tenantData, id string) request { return k.del(id) }},
		)
		if k.name == "state" {
			list = append(list, op{name: k.section + " DELETE state all", need: write, ok: http.StatusNoContent,
				build: func(_ *tenantData, id string) request {
					return request{method: http.MethodDelete, path: k.path,
						query: k.base("http://example.com/matrix/other/"+id, sharedMbox)}
				}})
		}
	}
	list = append(list,
		op{name: "Comm2.4 GET agents", need: needResourceRead, ok: http.StatusOK,
			build: func(*tenantData, string) request {
				return request{method: http.MethodGet, path: "/xapi/agents", query: url.Values{"agent": {agentJSON(sharedMbox)}}}
			}},
		op{name: "Comm2.5 GET activities", need: needResourceRead, ok: http.StatusOK,
			build: func(*tenantData, string) request {
				return request{method: http.MethodGet, path: "/xapi/activities", query: url.Values{"activityId": {sharedActivity}}}
			}},
		op{name: "Comm2.8 GET about", need: needNone, ok: http.StatusOK,
			build: func(*tenantData, string) request { return request{method: http.MethodGet, path: "/xapi/about"} }},
	)
	return list
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// TestScopeMatrix: every scope on every endpoint and method (Communication
// 4.2 scope table), both versions, both tenants.
func TestScopeMatrix(t *testing.T) {
	seed(t)
	for _, v := range versions {
		for _, tn := range []string{tenantA, tenantB} {
			tenantLabel := "A"
			if tn == tenantB {
				tenantLabel = "B"
			}
			d := data[tn]
			for _, o := range ops() {
				for _, sc := range scopes {
					t.Run(fmt.Sprintf("%s/%s/tenant%s/Comm4.2 scope %s", v, o.name, tenantLabel, sc), func(t *testing.T) {
						c := creds[tn][sc]
						fresh := uuid.NewString()
						r := do(t, v, c, withCred, o.build(d, fresh))
						if sc == "statements/read/mine" && o.need == needStatementsRead {
							checkMine(t, c, d, r)
							return
						}
						if allowed(sc, o.need) {
							mustCode(t, "allowed", r, o.ok)
							if o.stored != nil && !o.stored(t, v, tn, fresh) {
								t.Fatalf("allowed write not visible afterwards")
							}
							return
						}
						mustCode(t, "refused (Comm4.2: scope "+sc+" does not grant it)", r, http.StatusForbidden)
						if o.stored != nil && o.stored(t, v, tn, fresh) {
							t.Fatalf("a refused write (403) was stored")
						}
					})
				}
			}
		}
	}
}

// checkMine: statements/read/mine reads only statements whose authority is
// the credential's own (Communication 4.2). The credential has written
// nothing, so it must see no statement of the tenant.
func checkMine(t *testing.T, c cred, d *tenantData, r response) {
	t.Helper()
	if r.code == http.StatusForbidden {
		t.Skip("statements/read/mine not implemented (GET /xapi/statements answers 403 to it)")
	}
	if r.code == http.StatusNotFound {
		return // a statement of another authority: not found, as it must be
	}
	mustCode(t, "statements/read/mine", r, http.StatusOK)
	if len(r.body) == 0 {
		return // HEAD
	}
	var one map[string]any
	if json.Unmarshal(jsonPart(t, r), &one) == nil && one["id"] != nil {
		t.Fatalf("statements/read/mine got a statement written by another credential: %s", trim(r.body))
	}
	sr := decodeResult(t, r)
	want := map[string]any{"objectType": "Agent", "account": map[string]any{"homePage": homePage, "name": c.key}}
	for _, s := range sr.Statements {
		if !reflect.DeepEqual(s["authority"], want) {
			t.Fatalf("statements/read/mine got statement %v with authority %v", s["id"], s["authority"])
		}
	}
}

// TestUnauthenticated: every endpoint but About answers 401 without
// credentials, with a wrong secret and with an unknown key (Communication 4).
func TestUnauthenticated(t *testing.T) {
	seed(t)
	modes := []struct {
		name string
		mode authMode
	}{{"no credentials", noAuth}, {"wrong secret", wrongSecret}, {"unknown key", unknownKey}}
	for _, v := range versions {
		for _, o := range ops() {
			for _, m := range modes {
				t.Run(fmt.Sprintf("%s/%s/Comm4 %s", v, o.name, m.name), func(t *testing.T) {
					fresh := uuid.NewString()
					r := do(t, v, creds[tenantA]["all"], m.mode, o.build(data[tenantA], fresh))
					if o.need == needNone {
						mustCode(t, "About needs no credentials", r, http.StatusOK)
						return
					}
					mustCode(t, "unauthenticated", r, http.StatusUnauthorized)
					if r.header.Get("WWW-Authenticate") == "" {
						t.Errorf("401 without a WWW-Authenticate challenge")
					}
					if o.stored != nil && o.stored(t, v, tenantA, fresh) {
						t.Fatalf("an unauthenticated write (401) was stored")
					}
				})
			}
		}
	}
}
