package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"
)

// getBody GETs path on the query server and returns the status and body.
func (s *stack) getBody(path, acceptLanguage string) (int, []byte) {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.query.URL+path, nil)
	req.SetBasicAuth("key", "secret123")
	req.Header.Set("X-Experience-API-Version", "1.0.3")
	if acceptLanguage != "" {
		req.Header.Set("Accept-Language", acceptLanguage)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func decodeJSON(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// Data 2.4.6.2 through the whole path: a statement posted with single
// Activity Objects as contextActivities values (all four keys, and in its
// SubStatement) comes back with arrays in every format.
func TestEndToEnd_Data2_4_6_2_ContextActivitiesReturnedAsArrays(t *testing.T) {
	s := newStack(t)
	s.startProcessor(0)
	st := decodeJSON(t, `{"id":"1b2d1c6e-2c3f-4c52-9d3e-6a0c8f0e1d01","actor":{"mbox":"mailto:a@example.com"},
 "verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},
 "object":{"objectType":"SubStatement","actor":{"mbox":"mailto:b@example.com"},"verb":{"id":"http://example.com/w"},
   "object":{"id":"http://example.com/s"},
   "context":{"contextActivities":{"parent":{"id":"http://example.com/sp"},"grouping":{"id":"http://example.com/sg"},
     "category":{"id":"http://example.com/sc"},"other":{"id":"http://example.com/so"}}}},
 "context":{"contextActivities":{"parent":{"id":"http://example.com/p","definition":{"name":{"en-US":"P","de":"P-de"}}},
   "grouping":{"id":"http://example.com/g"},"category":{"id":"http://example.com/c"},"other":{"id":"http://example.com/o"}}}}`)
	if code, _ := s.post([]map[string]any{st}); code != http.StatusOK {
		t.Fatalf("POST: %d", code)
	}
	path := "/xapi/statements?statementId=1b2d1c6e-2c3f-4c52-9d3e-6a0c8f0e1d01"
	waitFor(t, 10*time.Second, "the statement to be stored", func() bool {
		code, _ := s.getBody(path, "")
		return code == http.StatusOK
	})
	for _, format := range []string{"exact", "ids", "canonical"} {
		code, body := s.getBody(path+"&format="+format, "de")
		if code != http.StatusOK {
			t.Fatalf("%s: status %d", format, code)
		}
		var got struct {
			Context struct{ ContextActivities map[string][]map[string]any }
			Object  struct {
				Context struct{ ContextActivities map[string][]map[string]any }
			}
		}
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatalf("%s: contextActivities values are not all arrays: %v: %s", format, err, body)
		}
		for _, ca := range []map[string][]map[string]any{got.Context.ContextActivities, got.Object.Context.ContextActivities} {
			for _, kind := range []string{"parent", "grouping", "category", "other"} {
				if len(ca[kind]) != 1 {
					t.Errorf("%s: %s = %v, want an array of one: %s", format, kind, ca[kind], body)
				}
			}
		}
		if format == "canonical" {
			name, _ := got.Context.ContextActivities["parent"][0]["definition"].(map[string]any)["name"].(map[string]any)
			if len(name) != 1 || name["de"] != "P-de" {
				t.Errorf("canonical: parent name %v, want the de name only", name)
			}
		}
	}
}

// Communication 2.5 through the whole path: two statements naming an
// Activity in {en-GB, en-US} and {en-GB, fr-FR} make GET /activities return
// all three languages.
func TestEndToEnd_Comm2_5_ActivityDefinitionsMerged(t *testing.T) {
	s := newStack(t)
	s.startProcessor(0)
	for _, names := range []string{`{"en-GB":"Colour","en-US":"Color"}`, `{"en-GB":"Colour (new)","fr-FR":"Couleur"}`} {
		st := decodeJSON(t, `{"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/experienced"},
 "object":{"id":"http://example.com/colour","definition":{"name":`+names+`}}}`)
		if code, _ := s.post([]map[string]any{st}); code != http.StatusOK {
			t.Fatalf("POST: %d", code)
		}
		time.Sleep(2 * time.Millisecond) // stored has ms precision: the second is stored later
	}
	want := `{"en-GB":"Colour (new)","en-US":"Color","fr-FR":"Couleur"}`
	waitFor(t, 10*time.Second, "the merged definition "+want, func() bool {
		code, body := s.getBody("/xapi/activities?activityId=http%3A%2F%2Fexample.com%2Fcolour", "")
		var act struct {
			Definition struct{ Name json.RawMessage }
		}
		return code == http.StatusOK && json.Unmarshal(body, &act) == nil && string(act.Definition.Name) == want
	})
}
