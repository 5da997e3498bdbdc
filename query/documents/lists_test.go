package documents

import (
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestIDList_Comm2_3 covers the multiple-document GET (ids, since,
// Last-Modified) of Communication 2.3, 2.6 and 2.7.
func TestIDList_Comm2_3(t *testing.T) {
	for _, version := range []string{v103, v200} {
		for _, c := range kindCases {
			t.Run(version+"/"+c.k.resource, func(t *testing.T) {
				e := newEnv(t, 0)
				list := func(params url.Values) ([]string, string) {
					t.Helper()
					w := e.expect(req{method: http.MethodGet, path: c.k.path, params: params, version: version}, http.StatusOK)
					var ids []string
					if err := json.Unmarshal(w.Body.Bytes(), &ids); err != nil {
						t.Fatalf("%s: %v", w.Body, err)
					}
					return ids, w.Header().Get("Last-Modified")
				}
				if ids, lm := list(c.scope); len(ids) != 0 || lm != "" {
					t.Fatalf("empty list: %v %q", ids, lm)
				}
				put := func(id string) {
					e.expect(req{method: http.MethodPut, path: c.k.path, params: c.doc(id), version: version,
						headers: map[string]string{"If-Match": "*"}, ct: jsonType, body: `{}`}, http.StatusPreconditionFailed)
					e.expect(req{method: http.MethodPut, path: c.k.path, params: c.doc(id), version: version,
						headers: map[string]string{"If-None-Match": "*"}, ct: jsonType, body: `{"id":"` + id + `"}`}, http.StatusNoContent)
				}
				put("b")
				put("a")
				time.Sleep(5 * time.Millisecond)
				mid := time.Now().UTC()
				time.Sleep(5 * time.Millisecond)
				put("c")
				ids, lm := list(c.scope)
				if !reflect.DeepEqual(ids, []string{"a", "b", "c"}) {
					t.Fatalf("ids %v", ids)
				}
				if _, err := http.ParseTime(lm); err != nil {
					t.Fatalf("Last-Modified %q: %v", lm, err)
				}
				ids, _ = list(with(c.scope, "since", mid.Format(time.RFC3339Nano)))
				if !reflect.DeepEqual(ids, []string{"c"}) {
					t.Fatalf("since: ids %v, want [c]", ids)
				}
				ids, _ = list(with(c.scope, "since", time.Now().Add(time.Hour).Format(time.RFC3339)))
				if len(ids) != 0 {
					t.Fatalf("since future: %v", ids)
				}
				// A deleted document leaves the list.
				e.expect(req{method: http.MethodDelete, path: c.k.path, params: c.doc("b"), version: version}, http.StatusNoContent)
				if ids, _ = list(c.scope); !reflect.DeepEqual(ids, []string{"a", "c"}) {
					t.Fatalf("after delete: %v", ids)
				}
				// Agent parameters name the agent by IFI, however written.
				if c.k.agent {
					other := with(c.scope, "agent", agentA2)
					if ids, _ = list(other); !reflect.DeepEqual(ids, []string{"a", "c"}) {
						t.Fatalf("same IFI written differently: %v", ids)
					}
					if ids, _ = list(with(c.scope, "agent", agentB)); len(ids) != 0 {
						t.Fatalf("another agent sees %v", ids)
					}
				}
				if c.k.activity {
					if ids, _ = list(with(c.scope, "activityId", actID+"/other")); len(ids) != 0 {
						t.Fatalf("another activity sees %v", ids)
					}
				}
				// HEAD of the list.
				if w := e.expect(req{method: http.MethodHead, path: c.k.path, params: c.scope, version: version}, http.StatusOK); w.Body.Len() != 0 {
					t.Fatalf("HEAD list body %q", w.Body)
				}
			})
		}
	}
}

// TestStateRegistration_Comm2_3: State documents are scoped by registration;
// the id list and DELETE without registration cover every registration.
func TestStateRegistration_Comm2_3(t *testing.T) {
	for _, version := range []string{v103, v200} {
		t.Run(version, func(t *testing.T) {
			e := newEnv(t, 0)
			base := vals("activityId", actID, "agent", agentA)
			put := func(params url.Values, body string) {
				e.expect(req{method: http.MethodPut, path: stateKind.path, params: params, version: version,
					headers: map[string]string{"If-None-Match": "*"}, ct: jsonType, body: body}, http.StatusNoContent)
			}
			put(with(base, "stateId", "s"), `"none"`)
			put(with(base, "stateId", "s", "registration", regID), `"r1"`)
			put(with(base, "stateId", "r1only", "registration", strings.ToUpper(regID)), `"r1"`)
			put(with(base, "stateId", "s", "registration", regID2), `"r2"`)
			put(with(vals("activityId", actID, "agent", agentB), "stateId", "s"), `"bob"`)
			get := func(params url.Values) string {
				return e.expect(req{method: http.MethodGet, path: stateKind.path, params: params, version: version}, http.StatusOK).Body.String()
			}
			if got := get(with(base, "stateId", "s", "registration", regID)); got != `"r1"` {
				t.Fatalf("registration 1: %s", got)
			}
			if got := get(with(base, "stateId", "s")); got != `"none"` {
				t.Fatalf("no registration: %s", got)
			}
			ids := func(params url.Values) []string {
				var out []string
				_ = json.Unmarshal([]byte(get(params)), &out)
				return out
			}
			if got := ids(base); !reflect.DeepEqual(got, []string{"r1only", "s"}) {
				t.Fatalf("all registrations: %v", got)
			}
			if got := ids(with(base, "registration", regID2)); !reflect.DeepEqual(got, []string{"s"}) {
				t.Fatalf("registration 2: %v", got)
			}
			// 2.3 Multiple Document DELETE with a registration: only that one.
			e.expect(req{method: http.MethodDelete, path: stateKind.path, params: with(base, "registration", regID), version: version}, http.StatusNoContent)
			if got := ids(base); !reflect.DeepEqual(got, []string{"s"}) {
				t.Fatalf("after delete of registration 1: %v", got)
			}
			// Without: every registration of the activity and agent; other agents keep theirs.
			e.expect(req{method: http.MethodDelete, path: stateKind.path, params: base, version: version}, http.StatusNoContent)
			if got := ids(base); len(got) != 0 {
				t.Fatalf("after delete all: %v", got)
			}
			if got := get(with(vals("activityId", actID, "agent", agentB), "stateId", "s")); got != `"bob"` {
				t.Fatalf("other agent's state: %s", got)
			}
			// Recreating after a delete-all works.
			put(with(base, "stateId", "s"), `"again"`)
		})
	}
}

// TestParams_Comm2_3 rejects invalid or unknown parameters with 400.
func TestParams_Comm2_3(t *testing.T) {
	e := newEnv(t, 0)
	st, ap, gp := stateKind.path, activityProfileKind.path, agentProfileKind.path
	cases := []struct {
		name   string
		method string
		path   string
		params url.Values
	}{
		{"2.3 State activityId required", http.MethodGet, st, vals("agent", agentA, "stateId", "s")},
		{"2.3 State agent required", http.MethodGet, st, vals("activityId", actID, "stateId", "s")},
		{"2.3 State activityId must be an IRI", http.MethodGet, st, vals("activityId", "not an iri", "agent", agentA)},
		{"2.3 State agent must be JSON", http.MethodGet, st, vals("activityId", actID, "agent", "mailto:ada@example.com")},
		{"2.3 State agent must have an IFI", http.MethodGet, st, vals("activityId", actID, "agent", `{"name":"Ada"}`)},
		{"2.3 State agent with two IFIs", http.MethodGet, st, vals("activityId", actID, "agent",
			`{"mbox":"mailto:a@example.com","openid":"http://example.com/a"}`)},
		{"2.3 State registration must be a UUID", http.MethodGet, st, vals("activityId", actID, "agent", agentA, "registration", "nope")},
		{"2.3 State stateId required on PUT", http.MethodPut, st, vals("activityId", actID, "agent", agentA)},
		{"2.3 State stateId required on POST", http.MethodPost, st, vals("activityId", actID, "agent", agentA)},
		{"2.3 State since must be a timestamp", http.MethodGet, st, vals("activityId", actID, "agent", agentA, "since", "yesterday")},
		{"2.3 State since not on PUT", http.MethodPut, st, vals("activityId", actID, "agent", agentA, "stateId", "s", "since", "2024-01-01T00:00:00Z")},
		{"2.0 unknown parameter", http.MethodGet, st, vals("activityId", actID, "agent", agentA, "foo", "bar")},
		{"2.0 parameter names are case-sensitive", http.MethodGet, st, vals("activityid", actID, "agent", agentA)},
		{"2.7 Activity Profile activityId required", http.MethodGet, ap, vals("profileId", "p")},
		{"2.7 Activity Profile no agent", http.MethodGet, ap, vals("activityId", actID, "agent", agentA)},
		{"2.7 Activity Profile no registration", http.MethodGet, ap, vals("activityId", actID, "registration", regID)},
		{"2.7 Activity Profile DELETE needs profileId", http.MethodDelete, ap, vals("activityId", actID)},
		{"2.7 Activity Profile PUT needs profileId", http.MethodPut, ap, vals("activityId", actID)},
		{"2.6 Agent Profile agent required", http.MethodGet, gp, vals("profileId", "p")},
		{"2.6 Agent Profile agent invalid", http.MethodGet, gp, vals("agent", `{"mbox":"ada@example.com"}`)},
		{"2.6 Agent Profile no activityId", http.MethodGet, gp, vals("agent", agentA, "activityId", actID)},
		{"2.6 Agent Profile DELETE needs profileId", http.MethodDelete, gp, vals("agent", agentA)},
	}
	for _, version := range []string{v103, v200} {
		for _, c := range cases {
			t.Run(version+"/"+c.name, func(t *testing.T) {
				q := req{method: c.method, path: c.path, params: c.params, version: version}
				if c.method == http.MethodPut || c.method == http.MethodPost {
					q.ct, q.body = jsonType, `{}`
				}
				e.expect(q, http.StatusBadRequest)
			})
		}
	}
	// A repeated parameter.
	q := url.Values{"activityId": {actID, actID}, "agent": {agentA}}
	e.expect(req{method: http.MethodGet, path: st, params: q}, http.StatusBadRequest)
	// No version header (Communication 3.3).
	e.expect(req{method: http.MethodGet, path: st, params: vals("activityId", actID, "agent", agentA), version: "none"}, http.StatusBadRequest)
}
