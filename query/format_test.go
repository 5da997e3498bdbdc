package query

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tributary-lrs/tributary/platform/xapihttp"
	"github.com/tributary-lrs/tributary/query/definitions/definitionstest"
)

// defineActivity stores a definition of activity as the processor does: its
// parts, in activity_definition_parts.
func (e *env) defineActivity(activity, def string, stored time.Time) {
	e.t.Helper()
	definitionstest.Store(e.t, engine, e.db, "acme", activity, def, stored)
}

func (e *env) getLang(target, acceptLanguage string) *httptest.ResponseRecorder {
	e.t.Helper()
	r := httptest.NewRequest(http.MethodGet, target, nil)
	r.Header.Set(xapihttp.HeaderVersion, "2.0.0")
	r.Header.Set("Accept-Language", acceptLanguage)
	r.SetBasicAuth("acme", "secret")
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		e.t.Fatalf("GET %s: %d %s", target, w.Code, w.Body)
	}
	return w
}

func richStatement(n int) fx {
	f := fx{id: sid(n), stored: at(n), verb: vDone, objID: x1, agents: []string{ann}, relAgents: []string{ann},
		relActs: []string{x1, x2}}
	f.body = fmt.Sprintf(`{"id":"%s","actor":{"name":"Ann","mbox":"mailto:ann@example.com"},
 "verb":{"id":"%s","display":{"en-US":"completed","de":"abgeschlossen"}},
 "object":{"id":"%s","definition":{"name":{"en-US":"Act one (old)","de":"Eins (alt)"}}},
 "context":{"contextActivities":{"parent":[{"id":"%s"}]}},
 "stored":"%s"}`, f.id, vDone, x1, x2, f.stored.Format(time.RFC3339Nano))
	return f
}

// Communication 2.1.3 format=ids on lists, `more` pages and single GETs.
func TestComm2_1_3_FormatIDsResponses(t *testing.T) {
	e := newEnv(t, at(3600))
	e.insert(richStatement(1), richStatement(2))
	want := func(n int) string {
		return fmt.Sprintf(`{"actor":{"mbox":"mailto:ann@example.com","objectType":"Agent"},"context":{"contextActivities":{"parent":[{"id":"%s"}]}},"id":"%s","object":{"id":"%s"},"stored":"%s","verb":{"id":"%s"}}`,
			x2, sid(n), x1, at(n).Format(time.RFC3339Nano), vDone)
	}
	w := e.get(q("format", "ids", "limit", "1"))
	var res result
	if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Statements) != 1 || string(res.Statements[0]) != want(2) {
		t.Fatalf("page 1: %s", w.Body)
	}
	w = e.get(*res.More)
	if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Statements) != 1 || string(res.Statements[0]) != want(1) {
		t.Errorf("page 2 keeps the format: %s", w.Body)
	}
	if w := e.get(q("statementId", sid(1).String(), "format", "ids")); w.Body.String() != want(1) {
		t.Errorf("single: %s", w.Body)
	}
	if w := e.get(q("statementId", sid(1).String())); w.Body.String() != richStatement(1).raw() {
		t.Errorf("exact is the stored bytes: %s", w.Body)
	}
}

// Communication 2.1.3 format=canonical: the LRS's canonical (latest stored)
// definition, one language per map chosen by Accept-Language (2.0.0 for-lrs
// 2.5: shall), Agents exact.
func TestComm2_1_3_FormatCanonicalResponses(t *testing.T) {
	e := newEnv(t, at(3600))
	e.insert(richStatement(1))
	e.defineActivity(x1, `{"name":{"en-US":"Act one (old)","de":"Eins (alt)"}}`, at(1))
	e.defineActivity(x1, `{"name":{"en-US":"Act one","de":"Eins","fr":"Un"},"type":"http://t/course"}`, at(5))
	e.defineActivity(x2, `{"description":{"fr":"Deux","de":"Zwei"}}`, at(3))
	for _, tc := range []struct{ lang, want string }{
		{"de", `{"actor":{"mbox":"mailto:ann@example.com","name":"Ann"},"context":{"contextActivities":{"parent":[{"definition":{"description":{"de":"Zwei"}},"id":"%s"}]}},"id":"%s","object":{"definition":{"name":{"de":"Eins"},"type":"http://t/course"},"id":"%s"},"stored":"%s","verb":{"display":{"de":"abgeschlossen"},"id":"%s"}}`},
		{"en-GB;q=0.8, fr", `{"actor":{"mbox":"mailto:ann@example.com","name":"Ann"},"context":{"contextActivities":{"parent":[{"definition":{"description":{"fr":"Deux"}},"id":"%s"}]}},"id":"%s","object":{"definition":{"name":{"fr":"Un"},"type":"http://t/course"},"id":"%s"},"stored":"%s","verb":{"display":{"en-US":"completed"},"id":"%s"}}`},
	} {
		want := fmt.Sprintf(tc.want, x2, sid(1), x1, at(1).Format(time.RFC3339Nano), vDone)
		if w := e.getLang(q("statementId", sid(1).String(), "format", "canonical"), tc.lang); w.Body.String() != want {
			t.Errorf("single, %s:\n got %s\nwant %s", tc.lang, w.Body, want)
		}
		w := e.getLang(q("format", "canonical"), tc.lang)
		if w.Body.String() != `{"statements":[`+want+`],"more":""}` {
			t.Errorf("list, %s:\n got %s\nwant %s", tc.lang, w.Body, want)
		}
	}
}

// Communication 2.5 and 2.1.3: format=canonical carries the merged canonical
// definition, so a language only an older statement gave can be picked.
func TestComm2_5_FormatCanonicalUsesMergedDefinition(t *testing.T) {
	e := newEnv(t, at(3600))
	e.insert(richStatement(1))
	e.defineActivity(x1, `{"name":{"en-GB":"Colour","fr-FR":"Couleur"}}`, at(1))
	e.defineActivity(x1, `{"name":{"en-GB":"Colour (new)","en-US":"Color"}}`, at(5))
	for lang, want := range map[string]string{"fr": `{"fr-FR":"Couleur"}`, "en-GB": `{"en-GB":"Colour (new)"}`, "en-US": `{"en-US":"Color"}`} {
		w := e.getLang(q("statementId", sid(1).String(), "format", "canonical"), lang)
		var st struct {
			Object struct {
				Definition struct{ Name json.RawMessage }
			}
		}
		if err := json.Unmarshal(w.Body.Bytes(), &st); err != nil || string(st.Object.Definition.Name) != want {
			t.Errorf("Accept-Language %s: name %s (%v), want %s", lang, st.Object.Definition.Name, err, want)
		}
	}
}
