package documents

import (
	"bytes"
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

func sha1Tag(b string) string {
	s := sha1.Sum([]byte(b))
	return `"` + hex.EncodeToString(s[:]) + `"`
}

// getDoc GETs one document and returns the response (status checked by caller).
func (e *env) getDoc(c kindCase, user, version, id string) *http.Response {
	e.t.Helper()
	return e.do(req{method: http.MethodGet, path: c.k.path, params: c.doc(id), user: user, version: version}).Result()
}

// body reads a response body.
func body(r *http.Response) string {
	var b bytes.Buffer
	_, _ = b.ReadFrom(r.Body)
	return b.String()
}

// step is one request of a concurrency scenario; "$ETAG" in a header is the
// ETag of the document as last GOT, "$STALE" the one before the last change.
type step struct {
	name    string
	method  string
	headers map[string]string
	ct      string
	body    string
	want    int
	// after: the document's content after the step ("" = absent).
	after string
}

// TestConcurrency_Comm3_1 runs the ETag rules of Communication 3.1 (1.0.3)
// and xAPI 2.0 §4.1.4 (2.0 notes §3.2) on all three resources for both
// versions.
func TestConcurrency_Comm3_1(t *testing.T) {
	for _, version := range []string{v103, v200} {
		for _, c := range kindCases {
			t.Run(version+"/"+c.k.resource, func(t *testing.T) {
				e := newEnv(t, 0)
				profile, v2 := !c.k.state, version == v200
				// PUT with neither header on an absent document: 1.0.3 profiles 400, else 204.
				absentNoHeader, absentAfter := http.StatusNoContent, `{"a":1}`
				if profile && !v2 {
					absentNoHeader, absentAfter = http.StatusBadRequest, ""
				}
				// PUT with neither header on an existing document: 409, but 1.0.3 State 204.
				existNoHeader, existAfter := http.StatusConflict, "v2"
				if !profile && !v2 {
					existNoHeader, existAfter = http.StatusNoContent, "no-header"
				}
				steps := []step{
					{name: "3.1 PUT without If-Match/If-None-Match on absent document", method: http.MethodPut,
						ct: jsonType, body: `{"a":1}`, want: absentNoHeader, after: absentAfter},
					{name: "3.1 DELETE to reset", method: http.MethodDelete, want: http.StatusNoContent},
					{name: "3.1 If-Match on absent document → 412", method: http.MethodPut,
						headers: map[string]string{"If-Match": `"` + strings.Repeat("0", 40) + `"`}, ct: "text/plain", body: "x",
						want: http.StatusPreconditionFailed},
					{name: "3.1 If-Match * on absent document → 412", method: http.MethodPut,
						headers: map[string]string{"If-Match": "*"}, ct: "text/plain", body: "x", want: http.StatusPreconditionFailed},
					{name: "3.1 If-None-Match * creates", method: http.MethodPut,
						headers: map[string]string{"If-None-Match": "*"}, ct: "text/plain", body: "v1", want: http.StatusNoContent, after: "v1"},
					{name: "3.1 If-None-Match * on existing → 412, unchanged", method: http.MethodPut,
						headers: map[string]string{"If-None-Match": "*"}, ct: "text/plain", body: "other", want: http.StatusPreconditionFailed, after: "v1"},
					{name: "3.1 If-Match mismatch → 412, unchanged", method: http.MethodPut,
						headers: map[string]string{"If-Match": `"1234"`}, ct: "text/plain", body: "other", want: http.StatusPreconditionFailed, after: "v1"},
					{name: "3.1 If-Match current ETag replaces", method: http.MethodPut,
						headers: map[string]string{"If-Match": "$ETAG"}, ct: "text/plain", body: "v2", want: http.StatusNoContent, after: "v2"},
					{name: "3.1 If-Match stale ETag → 412, unchanged", method: http.MethodPut,
						headers: map[string]string{"If-Match": "$STALE"}, ct: "text/plain", body: "other", want: http.StatusPreconditionFailed, after: "v2"},
					{name: "3.1 If-Match list holding the current ETag (W/ tolerated)", method: http.MethodPut,
						headers: map[string]string{"If-Match": `"abc", W/$ETAG`}, ct: "text/plain", body: "v2", want: http.StatusNoContent, after: "v2"},
					{name: "3.1 PUT without headers on existing document", method: http.MethodPut,
						ct: "text/plain", body: "no-header", want: existNoHeader, after: existAfter},
					{name: "3.1 reset to JSON", method: http.MethodPut, headers: map[string]string{"If-Match": "*"},
						ct: jsonType, body: `{"x":"foo"}`, want: http.StatusNoContent, after: `{"x":"foo"}`},
					{name: "3.1 POST If-Match mismatch → 412, unchanged", method: http.MethodPost,
						headers: map[string]string{"If-Match": `"1234"`}, ct: jsonType, body: `{"y":1}`, want: http.StatusPreconditionFailed, after: `{"x":"foo"}`},
					{name: "3.1 POST If-None-Match * on existing → 412", method: http.MethodPost,
						headers: map[string]string{"If-None-Match": "*"}, ct: jsonType, body: `{"y":1}`, want: http.StatusPreconditionFailed, after: `{"x":"foo"}`},
					{name: "3.1 POST If-Match current merges", method: http.MethodPost,
						headers: map[string]string{"If-Match": "$ETAG"}, ct: jsonType, body: `{"y":1}`, want: http.StatusNoContent, after: `{"x":"foo","y":1}`},
					{name: "3.1 POST without headers merges", method: http.MethodPost,
						ct: jsonType, body: `{"x":"bash"}`, want: http.StatusNoContent, after: `{"x":"bash","y":1}`},
					{name: "3.1 DELETE If-Match mismatch → 412, unchanged", method: http.MethodDelete,
						headers: map[string]string{"If-Match": `"1234"`}, want: http.StatusPreconditionFailed, after: `{"x":"bash","y":1}`},
					{name: "3.1 DELETE If-Match current deletes", method: http.MethodDelete,
						headers: map[string]string{"If-Match": "$ETAG"}, want: http.StatusNoContent},
					{name: "3.1 If-None-Match * after delete creates again", method: http.MethodPut,
						headers: map[string]string{"If-None-Match": "*"}, ct: "text/plain", body: "again", want: http.StatusNoContent, after: "again"},
				}
				var cur, stale string
				lastMod := time.Time{}
				for _, s := range steps {
					h := map[string]string{}
					for k, v := range s.headers {
						v = strings.ReplaceAll(v, "$ETAG", cur)
						h[k] = strings.ReplaceAll(v, "$STALE", stale)
					}
					e.expect(req{method: s.method, path: c.k.path, params: c.doc("d1"), version: version,
						headers: h, ct: s.ct, body: s.body}, s.want)
					res := e.getDoc(c, "acme", version, "d1")
					got := body(res)
					if s.after == "" {
						if res.StatusCode != http.StatusNotFound {
							t.Fatalf("%s: GET after: %d %s, want 404", s.name, res.StatusCode, got)
						}
						cur = ""
						continue
					}
					if res.StatusCode != http.StatusOK || got != s.after {
						t.Fatalf("%s: GET after: %d %q, want 200 %q", s.name, res.StatusCode, got, s.after)
					}
					// 3.1: the ETag is the quoted SHA-1 hex of the content.
					if tag := res.Header.Get("ETag"); tag != sha1Tag(got) {
						t.Fatalf("%s: ETag %s, want %s", s.name, tag, sha1Tag(got))
					}
					lm, err := http.ParseTime(res.Header.Get("Last-Modified"))
					if err != nil {
						t.Fatalf("%s: Last-Modified %q: %v", s.name, res.Header.Get("Last-Modified"), err)
					}
					if lm.Before(lastMod) {
						t.Fatalf("%s: Last-Modified went back: %v < %v", s.name, lm, lastMod)
					}
					lastMod = lm
					if tag := res.Header.Get("ETag"); tag != cur {
						stale, cur = cur, tag
					}
				}
			})
		}
	}
}

// TestConcurrentIfMatch_Comm3_1 races writers with the same If-Match: in one
// instance exactly one wins, the others get 412 (lost updates impossible).
func TestConcurrentIfMatch_Comm3_1(t *testing.T) {
	for _, method := range []string{http.MethodPut, http.MethodPost, http.MethodDelete} {
		for _, c := range kindCases {
			t.Run(method+"/"+c.k.resource, func(t *testing.T) {
				e := newEnv(t, 0)
				e.expect(req{method: http.MethodPut, path: c.k.path, params: c.doc("race"), version: v200,
					headers: map[string]string{"If-None-Match": "*"}, ct: jsonType, body: `{"n":0}`}, http.StatusNoContent)
				tag := e.getDoc(c, "acme", v200, "race").Header.Get("ETag")
				const n = 12
				codes := make([]int, n)
				var wg sync.WaitGroup
				start := make(chan struct{})
				for i := range n {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						w := e.do(req{method: method, path: c.k.path, params: c.doc("race"), version: v200,
							headers: map[string]string{"If-Match": tag}, ct: jsonType, body: `{"n":` + string(rune('1'+i%9)) + `}`})
						codes[i] = w.Code
					}()
				}
				close(start)
				wg.Wait()
				wins := 0
				for _, code := range codes {
					switch code {
					case http.StatusNoContent:
						wins++
					case http.StatusPreconditionFailed:
					default:
						t.Fatalf("unexpected status %d in %v", code, codes)
					}
				}
				if wins != 1 {
					t.Fatalf("%d writers won against one ETag, want exactly 1: %v", wins, codes)
				}
			})
		}
	}
}

// TestPostMerge_Comm2_2 covers the JSON procedure of Communication 2.2.
func TestPostMerge_Comm2_2(t *testing.T) {
	type tc struct {
		name       string
		storedCT   string
		stored     string // "" = no document
		postCT     string
		post       string
		want       int
		wantStored string
	}
	cases := []tc{
		{"2.2 merge top-level keys", jsonType, `{"x":"foo","y":"bar","o":{"a":1}}`, jsonType, `{"x":"bash","z":"faz","o":{"b":2}}`,
			http.StatusNoContent, `{"o":{"b":2},"x":"bash","y":"bar","z":"faz"}`},
		{"2.2 merge with charset parameter", "application/json; charset=utf-8", `{"a":1}`, "application/json; charset=utf-8", `{"b":"<&>"}`,
			http.StatusNoContent, `{"a":1,"b":"<&>"}`},
		{"2.2 POST to absent document stores it as sent", "", "", jsonType, ` {"a" : 1} `, http.StatusNoContent, ` {"a" : 1} `},
		{"2.2 posted not application/json → 400", jsonType, `{"a":1}`, "text/plain", `{"b":2}`, http.StatusBadRequest, `{"a":1}`},
		{"2.2 posted not an object → 400", jsonType, `{"a":1}`, jsonType, `[1,2]`, http.StatusBadRequest, `{"a":1}`},
		{"2.2 posted null → 400", jsonType, `{"a":1}`, jsonType, `null`, http.StatusBadRequest, `{"a":1}`},
		{"2.2 posted invalid JSON → 400", jsonType, `{"a":1}`, jsonType, `{"b":`, http.StatusBadRequest, `{"a":1}`},
		{"2.2 stored not application/json → 400", "text/plain", `{"a":1}`, jsonType, `{"b":2}`, http.StatusBadRequest, `{"a":1}`},
		{"2.2 stored not an object → 400", jsonType, `"str"`, jsonType, `{"b":2}`, http.StatusBadRequest, `"str"`},
		{"2.2 POST to absent document, not JSON → 400", "", "", "text/plain", `hello`, http.StatusBadRequest, ""},
	}
	for _, version := range []string{v103, v200} {
		for _, c := range kindCases {
			t.Run(version+"/"+c.k.resource, func(t *testing.T) {
				e := newEnv(t, 0)
				for i, tc := range cases {
					id := "m" + string(rune('a'+i))
					if tc.stored != "" {
						e.expect(req{method: http.MethodPut, path: c.k.path, params: c.doc(id), version: version,
							headers: map[string]string{"If-None-Match": "*"}, ct: tc.storedCT, body: tc.stored}, http.StatusNoContent)
					}
					e.expect(req{method: http.MethodPost, path: c.k.path, params: c.doc(id), version: version,
						ct: tc.postCT, body: tc.post}, tc.want)
					res := e.getDoc(c, "acme", version, id)
					got := body(res)
					if tc.wantStored == "" {
						if res.StatusCode != http.StatusNotFound {
							t.Fatalf("%s: %d %s, want 404", tc.name, res.StatusCode, got)
						}
						continue
					}
					if got != tc.wantStored {
						t.Fatalf("%s: stored %q, want %q", tc.name, got, tc.wantStored)
					}
				}
			})
		}
	}
}

// TestByteExact_Comm2_2 stores any content type byte-exact, and answers HEAD
// with the GET's headers.
func TestByteExact_Comm2_2(t *testing.T) {
	docs := []struct{ ct, body string }{
		{"application/octet-stream", "\x00\x01\xff\xfe binary \n\r\t'\\"},
		{"text/plain; charset=iso-8859-1", "caf\xe9"},
		{"application/json", `{ "spacing" :  [1, 2.50, "\u00e9"] }`},
		{"image/png", "\x89PNG\r\n\x1a\n"},
	}
	for _, version := range []string{v103, v200} {
		for _, c := range kindCases {
			t.Run(version+"/"+c.k.resource, func(t *testing.T) {
				e := newEnv(t, 0)
				for i, d := range docs {
					id := "b" + string(rune('0'+i))
					e.expect(req{method: http.MethodPut, path: c.k.path, params: c.doc(id), version: version,
						headers: map[string]string{"If-None-Match": "*"}, ct: d.ct, body: d.body}, http.StatusNoContent)
					res := e.getDoc(c, "acme", version, id)
					if got := body(res); got != d.body || res.Header.Get("Content-Type") != d.ct {
						t.Fatalf("got %q (%s), want %q (%s)", got, res.Header.Get("Content-Type"), d.body, d.ct)
					}
					head := e.expect(req{method: http.MethodHead, path: c.k.path, params: c.doc(id), version: version}, http.StatusOK)
					if head.Body.Len() != 0 || head.Header().Get("ETag") != res.Header.Get("ETag") ||
						head.Header().Get("Content-Length") != res.Header.Get("Content-Length") {
						t.Fatalf("HEAD: body %d bytes, headers %v vs GET %v", head.Body.Len(), head.Header(), res.Header)
					}
					if v := res.Header.Get("X-Experience-API-Version"); v != version {
						t.Fatalf("version header %q, want %q", v, version)
					}
				}
				// A missing document is 404.
				e.expect(req{method: http.MethodGet, path: c.k.path, params: c.doc("nope"), version: version}, http.StatusNotFound)
			})
		}
	}
}

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

// TestAlternateSyntax_Comm1_3: a 1.0.3 client may tunnel document requests
// through POST ?method=….
func TestAlternateSyntax_Comm1_3(t *testing.T) {
	e := newEnv(t, 0)
	form := with(kindCases[1].doc("alt"), "content", `{"via":"form"}`, "Content-Type", jsonType,
		"If-None-Match", "*", "X-Experience-API-Version", v103)
	e.expect(req{method: http.MethodPost, path: activityProfileKind.path, params: vals("method", "PUT"), version: "none",
		ct: "application/x-www-form-urlencoded", body: form.Encode()}, http.StatusNoContent)
	if got := body(e.getDoc(kindCases[1], "acme", v103, "alt")); got != `{"via":"form"}` {
		t.Fatalf("got %s", got)
	}
}

func TestNew(t *testing.T) {
	if _, err := New(Deps{}); err == nil {
		t.Fatal("New accepted empty Deps")
	}
}
