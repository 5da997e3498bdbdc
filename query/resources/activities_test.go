package resources

import (
	"net/http"
	"testing"
	"time"
)

// Communication 2.5 / Data 2.4.4.1: the Activity with its canonical
// definition, the most recently stored one; Last-Modified is its stored time.
func TestActivities_Comm2_5_CanonicalDefinitionIsMostRecentlyStored(t *testing.T) {
	e := newEnv(t)
	id := "http://example.com/course/1"
	e.definition("acme", id, `{"name":{"en-US":"Course 1 (new)"},"type":"http://adlnet.gov/expapi/activities/course"}`, t0.Add(time.Hour))
	e.definition("acme", id, `{"name":{"en-US":"Course 1 (old)"}}`, t0)
	e.definition("acme", "http://example.com/course/2", `{"name":{"en-US":"Course 2"}}`, t0.Add(2*time.Hour))
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			w := e.do(http.MethodGet, "acme", v, "/xapi/activities", activityQ(id))
			mustStatus(t, w, http.StatusOK)
			jsonEq(t, w.Body.Bytes(), `{"id":"http://example.com/course/1","objectType":"Activity",
				"definition":{"name":{"en-US":"Course 1 (new)"},"type":"http://adlnet.gov/expapi/activities/course"}}`)
			if got, want := w.Header().Get("Last-Modified"), t0.Add(time.Hour).Format(http.TimeFormat); got != want {
				t.Errorf("Last-Modified %q, want %q", got, want)
			}
			if w.Header().Get("X-Experience-API-Version") != v || w.Header().Get("ETag") == "" {
				t.Errorf("headers %v", w.Header())
			}
		})
	}
}

// Communication 2.5: the Activity Object "must contain all available
// information about an activity from any statements who target the same
// activityId": names {en-GB, en-US} then {en-GB, fr-FR} give all three
// languages (en-GB from the later statement); other properties are the
// latest, and those only an older statement gave are kept.
func TestActivities_Comm2_5_DefinitionsMergedAcrossStatements(t *testing.T) {
	e := newEnv(t)
	id := "http://example.com/colour"
	e.definition("acme", id, `{"name":{"en-GB":"Colour","en-US":"Color"},"type":"http://t/old","moreInfo":"http://m/1"}`, t0)
	e.definition("acme", id, `{"name":{"en-GB":"Colour (new)","fr-FR":"Couleur"},"type":"http://t/new"}`, t0.Add(time.Minute))
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			w := e.do(http.MethodGet, "acme", v, "/xapi/activities", activityQ(id))
			mustStatus(t, w, http.StatusOK)
			jsonEq(t, w.Body.Bytes(), `{"id":"http://example.com/colour","objectType":"Activity","definition":{
				"name":{"en-GB":"Colour (new)","en-US":"Color","fr-FR":"Couleur"},"type":"http://t/new","moreInfo":"http://m/1"}}`)
			if got, want := w.Header().Get("Last-Modified"), t0.Add(time.Minute).Format(http.TimeFormat); got != want {
				t.Errorf("Last-Modified %q, want %q", got, want)
			}
		})
	}
}

// 2.0 §4.1.6.4 (SHALL; 1.0.3 Communication 2.5 SHOULD*): an Activity without
// a canonical definition is still returned, as {"id", "objectType"}, under
// both versions (2.0 notes §3.4).
func TestActivities_Comm2_5_V2_4_1_6_4_UnknownIdReturnsStub(t *testing.T) {
	e := newEnv(t)
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			w := e.do(http.MethodGet, "acme", v, "/xapi/activities", activityQ("http://example.com/never-seen?x=1&y=<2>"))
			mustStatus(t, w, http.StatusOK)
			if got := w.Body.String(); got != `{"id":"http://example.com/never-seen?x=1&y=<2>","objectType":"Activity"}`+"\n" {
				t.Errorf("body %q", got)
			}
			if w.Header().Get("Last-Modified") != "" {
				t.Errorf("Last-Modified %q without a definition", w.Header().Get("Last-Modified"))
			}
		})
	}
}

// Communication 2.5: activityId is a required IRI; 400 otherwise, and for
// unknown or repeated parameters.
func TestActivities_Comm2_5_RejectsInvalidActivityId(t *testing.T) {
	e := newEnv(t)
	bad := map[string]map[string][]string{
		"missing":       {},
		"empty":         {"activityId": {""}},
		"not an IRI":    {"activityId": {"course 1"}},
		"no scheme":     {"activityId": {"example.com/course"}},
		"empty rest":    {"activityId": {"http:"}},
		"repeated":      {"activityId": {"http://a.example.com", "http://b.example.com"}},
		"unknown param": {"activityId": {"http://a.example.com"}, "format": {"exact"}},
		"wrong case":    {"activityid": {"http://a.example.com"}},
	}
	for _, v := range versions {
		for name, q := range bad {
			t.Run(v+"/"+name, func(t *testing.T) {
				mustStatus(t, e.do(http.MethodGet, "acme", v, "/xapi/activities", q), http.StatusBadRequest)
			})
		}
	}
}

// Tenants: another tenant's definition is never served; its id gets the stub.
func TestActivities_Tenancy_DefinitionOfAnotherTenantIsInvisible(t *testing.T) {
	e := newEnv(t)
	id := "http://example.com/secret"
	e.definition("acme", id, `{"name":{"en-US":"Acme secret"}}`, t0)
	w := e.do(http.MethodGet, "other", "2.0.0", "/xapi/activities", activityQ(id))
	mustStatus(t, w, http.StatusOK)
	jsonEq(t, w.Body.Bytes(), `{"id":"http://example.com/secret","objectType":"Activity"}`)
	if w.Header().Get("Last-Modified") != "" {
		t.Errorf("Last-Modified leaks another tenant's data")
	}
	w = e.do(http.MethodGet, "acme", "2.0.0", "/xapi/activities", activityQ(id))
	jsonEq(t, w.Body.Bytes(), `{"id":"http://example.com/secret","objectType":"Activity","definition":{"name":{"en-US":"Acme secret"}}}`)
}
