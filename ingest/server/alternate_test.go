package server

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/gorilla/mux"
)

// alt sends POST /xapi/statements?method=... with form parameters; headers
// travel in the form only (as IE8/9 XDomainRequest must).
func (f *fixture) alt(t *testing.T, rawQuery string, form url.Values) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", f.srv.URL+"/xapi/statements?"+rawQuery, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func altForm(version, content string, extra ...string) url.Values {
	v := url.Values{
		"Authorization":            {"Basic " + base64.StdEncoding.EncodeToString([]byte("key:secret123"))},
		"X-Experience-API-Version": {version},
		"Content-Type":             {"application/json"},
		"content":                  {content},
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

func TestAlternateSyntax_Communication_1_3_PUT(t *testing.T) {
	f := newFixture(t)
	id := uuid.NewString()
	resp, out := f.alt(t, "method=PUT", altForm("1.0.3", statement, "statementId", id))
	if resp.StatusCode != 204 || len(f.pub.got) != 1 || f.pub.got[0].ID.String() != id {
		t.Fatalf("status %d: %s", resp.StatusCode, out)
	}
	if resp.Header.Get("X-Experience-API-Version") != "1.0.3" {
		t.Fatalf("version header %q", resp.Header.Get("X-Experience-API-Version"))
	}
}

func TestAlternateSyntax_Communication_1_3_POST(t *testing.T) {
	f := newFixture(t)
	resp, out := f.alt(t, "method=POST", altForm("1.0.0", "["+statement+","+statement+"]"))
	if resp.StatusCode != 200 || len(f.pub.got) != 2 {
		t.Fatalf("status %d: %s", resp.StatusCode, out)
	}
	// Content-Type form parameter omitted: the content is taken as JSON.
	form := altForm("1.0.3", statement)
	form.Del("Content-Type")
	if resp, out := f.alt(t, "method=POST", form); resp.StatusCode != 200 {
		t.Fatalf("without Content-Type: status %d: %s", resp.StatusCode, out)
	}
}

func TestAlternateSyntax_Communication_1_3_GET_routed_when_served(t *testing.T) {
	var got url.Values
	var auth string
	f := newFixtureWith(t, func(r *mux.Router) {
		r.HandleFunc("/xapi/statements", func(w http.ResponseWriter, r *http.Request) {
			got, auth = r.URL.Query(), r.Header.Get("Authorization")
			w.WriteHeader(http.StatusOK)
		}).Methods(http.MethodGet)
	})
	form := altForm("1.0.3", "", "verb", "http://adlnet.gov/expapi/verbs/completed", "limit", "5")
	resp, out := f.alt(t, "method=GET", form)
	if resp.StatusCode != 200 || got.Get("verb") != "http://adlnet.gov/expapi/verbs/completed" || got.Get("limit") != "5" ||
		got.Has("content") || got.Has("Authorization") || !strings.HasPrefix(auth, "Basic ") {
		t.Fatalf("status %d (%s): query %v, auth %q", resp.StatusCode, out, got, auth)
	}
}

func TestAlternateSyntax_Communication_1_3_rejections(t *testing.T) {
	id := uuid.NewString()
	for _, c := range []struct {
		name, query string
		form        url.Values
		want        int
	}{
		{"2.0.0 request (removed from xAPI 2.0)", "method=POST", altForm("2.0.0", statement), 400},
		{"2.0.0 request PUT", "method=PUT", altForm("2.0.0", statement, "statementId", id), 400},
		{"GET not served by ingest", "method=GET", altForm("1.0.3", "", "limit", "1"), 400},
		{"other query parameters", "method=PUT&statementId=" + id, altForm("1.0.3", statement), 400},
		{"unknown method", "method=DELETE", altForm("1.0.3", statement), 400},
		{"missing version", "method=POST", altForm("", statement), 400},
		{"bad credentials", "method=POST", altForm("1.0.3", statement, "Authorization", "Basic eDp5"), 401},
		{"invalid statement", "method=POST", altForm("1.0.3", `{"verb":{}}`), 400},
		{"PUT without statementId", "method=PUT", altForm("1.0.3", statement), 400},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			resp, out := f.alt(t, c.query, c.form)
			if resp.StatusCode != c.want || len(f.pub.got) != 0 {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.want, out)
			}
			if !strings.Contains(out, `"message"`) {
				t.Fatalf("not an xAPI error: %s", out)
			}
		})
	}
	t.Run("not form-encoded", func(t *testing.T) {
		f := newFixture(t)
		resp, out := f.do(t, request{method: "POST", query: "?method=POST", body: statement})
		if resp.StatusCode != 400 {
			t.Fatalf("status %d: %s", resp.StatusCode, out)
		}
	})
}
