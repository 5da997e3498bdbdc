package query

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"
)

// Data 2.5 / Communication 2.1.3: the `more` IRL continues the list the LRS
// started, under the X-Experience-API-Consistent-Through bound it was issued
// under. A token the LRS did not issue, or one edited by the client (here:
// its bound moved past the watermark, or its page size), is a 400; it never
// lists statements the first page's header did not vouch for.
func TestCommunication2_1_3_MoreCursorIsTamperProof(t *testing.T) {
	e := newEnv(t, at(3))
	e.insert(corpus()...) // s1..s7 stored at t0+1s..t0+7s; the watermark is t0+3s
	page, more := e.list(q("limit", "1"))
	sameIDs(t, "first page", page, ids(3))
	if more == "" {
		t.Fatal("no more link")
	}
	u, err := url.Parse(more)
	if err != nil {
		t.Fatal(err)
	}
	token := u.Query().Get("more")
	if next, _ := e.list(more); len(next) != 1 {
		t.Fatalf("the issued token lists %v", next)
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		t.Fatalf("token %q: %v", token, err)
	}
	// The JSON the token carries, whatever precedes it.
	start := bytes.IndexByte(raw, '{')
	if start < 0 {
		t.Fatalf("token %q carries no JSON", raw)
	}
	edit := func(re, repl string) string {
		t.Helper()
		out := append(append([]byte{}, raw[:start]...), regexp.MustCompile(re).ReplaceAll(raw[start:], []byte(repl))...)
		if bytes.Equal(out, raw) {
			t.Fatalf("%s does not occur in %s", re, raw[start:])
		}
		return base64.RawURLEncoding.EncodeToString(out)
	}
	future := strconv.FormatInt(at(3600).UnixMilli(), 10)
	forged := base64.RawURLEncoding.EncodeToString([]byte(`{"v":1,"l":10,"b":` + future + `}`))
	for name, tok := range map[string]string{
		"bound moved past the watermark": edit(`"b":\d+`, `"b":`+future),
		"page size edited":               edit(`"l":\d+`, `"l":2`),
		"forged":                         forged,
		"signature cut off":              base64.RawURLEncoding.EncodeToString(raw[start:]),
	} {
		t.Run(name, func(t *testing.T) {
			w := e.get("/xapi/statements?more=" + url.QueryEscape(tok))
			if w.Code != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", w.Code, w.Body)
			}
		})
	}
}
