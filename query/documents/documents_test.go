package documents

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"net/http"
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
