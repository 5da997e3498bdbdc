package query

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/tributary-lrs/tributary/platform/xapihttp"
)

// Communication 2.1.3 types every GET parameter (verb and activity: IRI,
// registration: UUID, since and until: Timestamp (Data 4.5), limit:
// nonnegative integer, format: ids, exact or canonical, the Booleans true
// or false, agent: an Agent or Identified Group), and Communication 3.2 says
// "The LRS MUST reject with 400 Bad Request status any requests that use any
// parameters which the LRS does not recognize in their intended context". A
// value of the wrong type is a 400, never a 200 with an empty list.
func TestCommunication2_1_3_FilterValuesAreValidated(t *testing.T) {
	e := newEnv(t, at(3600))
	e.insert(corpus()...)
	for _, c := range []struct {
		name, version, target string
		code                  int
	}{
		{"verb not an IRI", "1.0.3", q("verb", "completed"), 400},
		{"verb with a space", "1.0.3", q("verb", "http://example.com/a verb"), 400},
		{"verb relative", "2.0.0", q("verb", "/verbs/completed"), 400},
		{"activity not an IRI", "1.0.3", q("activity", "act-1"), 400},
		{"activity without scheme", "2.0.0", q("activity", "example.com/act/1"), 400},
		{"registration not a UUID", "1.0.3", q("registration", "12345"), 400},
		{"since not a timestamp", "1.0.3", q("since", "yesterday"), 400},
		{"until not a date", "1.0.3", q("until", "2024-02-30T00:00:00Z"), 400},
		{"since with unknown local offset -00:00", "1.0.3", q("since", "2024-01-01T00:00:00-00:00"), 400},
		{"since without offset under 2.0 (RFC 3339)", "2.0.0", q("since", "2024-01-01T00:00:00"), 400},
		{"limit negative", "1.0.3", q("limit", "-1"), 400},
		{"format unknown", "1.0.3", q("format", "full"), 400},
		{"ascending not a Boolean", "1.0.3", q("ascending", "1"), 400},
		{"related_agents not a Boolean", "1.0.3", q("related_agents", "TRUE"), 400},
		{"related_activities not a Boolean", "1.0.3", q("related_activities", "yes"), 400},
		{"attachments not a Boolean", "1.0.3", q("attachments", "on"), 400},
		{"agent an Anonymous Group", "1.0.3", q("agent", `{"objectType":"Group","member":[{"mbox":"mailto:a@example.com"}]}`), 400},
		{"unknown parameter", "1.0.3", q("verbs", vDone), 400},
		// The same types, valid.
		{"verb IRI", "1.0.3", q("verb", vDone), 200},
		{"activity IRI (urn)", "2.0.0", q("activity", "urn:example:act:1"), 200},
		{"IRI with non-ASCII", "1.0.3", q("activity", "http://example.com/åkt"), 200},
		{"since without offset under 1.0.3 (ISO 8601, UTC)", "1.0.3", q("since", "2024-01-01T00:00:00"), 200},
		{"until with offset", "2.0.0", q("until", "2024-01-01T00:00:00+02:00"), 200},
		{"all filters", "1.0.3", q("agent", annParam, "verb", vDone, "activity", x1, "registration", reg1.String(),
			"related_agents", "true", "related_activities", "false", "since", "2024-01-01T00:00:00.5Z",
			"until", "2030-01-01T00:00:00Z", "limit", "0", "format", "canonical", "attachments", "false",
			"ascending", "true"), 200},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, c.target, nil)
			r.Header.Set(xapihttp.HeaderVersion, c.version)
			r.SetBasicAuth("acme", "secret")
			w := httptest.NewRecorder()
			e.h.ServeHTTP(w, r)
			if w.Code != c.code {
				t.Fatalf("GET %s (%s): %d, want %d: %s", c.target, c.version, w.Code, c.code, w.Body)
			}
		})
	}
}
