package resources

import (
	"net/http"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// Communication 2.4: the Person object lists every name stored with the
// queried IFI, arrays only, objectType "Person"; Last-Modified is the latest
// stored name.
func TestAgents_Comm2_4_PersonHoldsEveryStoredName(t *testing.T) {
	e := newEnv(t)
	e.names("acme",
		"mbox:mailto:ada@example.com", "Ada", t0,
		"mbox:mailto:ada@example.com", "Ada Lovelace", t0.Add(time.Hour),
		"mbox:mailto:ada@example.com", "Ada", t0.Add(2*time.Hour), // seen again
		"mbox:mailto:bob@example.com", "Bob", t0.Add(3*time.Hour))
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			w := e.do(http.MethodGet, "acme", v, "/xapi/agents", agentQ(`{"mbox":"mailto:ada@example.com"}`))
			mustStatus(t, w, http.StatusOK)
			jsonEq(t, w.Body.Bytes(), `{"objectType":"Person","name":["Ada","Ada Lovelace"],"mbox":["mailto:ada@example.com"]}`)
			if got, want := w.Header().Get("Last-Modified"), t0.Add(2*time.Hour).Format(http.TimeFormat); got != want {
				t.Errorf("Last-Modified %q, want %q", got, want)
			}
			if w.Header().Get("ETag") == "" || w.Header().Get("X-Experience-API-Version") != v {
				t.Errorf("headers %v", w.Header())
			}
		})
	}
}

// Communication 2.4: an agent the LRS knows nothing about still gets a Person
// object with the information of the request, for every IFI kind.
func TestAgents_Comm2_4_UnknownAgentGetsPersonWithRequestedIFI(t *testing.T) {
	e := newEnv(t)
	cases := map[string]struct{ agent, want string }{
		"mbox":         {`{"objectType":"Agent","mbox":"mailto:x@example.com"}`, `{"objectType":"Person","mbox":["mailto:x@example.com"]}`},
		"mbox_sha1sum": {`{"mbox_sha1sum":"ebd31e95054c018b10727ccffd2ef2ec3a016ee9"}`, `{"objectType":"Person","mbox_sha1sum":["ebd31e95054c018b10727ccffd2ef2ec3a016ee9"]}`},
		"openid":       {`{"openid":"http://openid.example.com/x"}`, `{"objectType":"Person","openid":["http://openid.example.com/x"]}`},
		"account":      {`{"account":{"homePage":"http://www.example.com","name":"x|1"}}`, `{"objectType":"Person","account":[{"homePage":"http://www.example.com","name":"x|1"}]}`},
		"with name":    {`{"name":"Xavier","mbox":"mailto:x@example.com"}`, `{"objectType":"Person","name":["Xavier"],"mbox":["mailto:x@example.com"]}`},
	}
	for _, v := range versions {
		for name, c := range cases {
			t.Run(v+"/"+name, func(t *testing.T) {
				w := e.do(http.MethodGet, "acme", v, "/xapi/agents", agentQ(c.agent))
				mustStatus(t, w, http.StatusOK)
				jsonEq(t, w.Body.Bytes(), c.want)
				if lm := w.Header().Get("Last-Modified"); lm != "" {
					t.Errorf("Last-Modified %q for an agent without stored data", lm)
				}
			})
		}
	}
}

// Data 2.3.1 / 2.4.2.3: the domain of an mbox is case-insensitive, so the
// lookup uses the canonical key; the name of the request joins the stored ones.
func TestAgents_Comm2_4_MboxDomainCaseAndRequestName(t *testing.T) {
	e := newEnv(t)
	e.names("acme", "mbox:mailto:ada@example.com", "Ada", t0)
	w := e.do(http.MethodGet, "acme", "2.0.0", "/xapi/agents", agentQ(`{"name":"Countess","mbox":"mailto:ada@EXAMPLE.com"}`))
	mustStatus(t, w, http.StatusOK)
	jsonEq(t, w.Body.Bytes(), `{"objectType":"Person","name":["Countess","Ada"],"mbox":["mailto:ada@example.com"]}`)
	w = e.do(http.MethodGet, "acme", "2.0.0", "/xapi/agents", agentQ(`{"name":"Ada","mbox":"mailto:ada@example.com"}`))
	jsonEq(t, w.Body.Bytes(), `{"objectType":"Person","name":["Ada"],"mbox":["mailto:ada@example.com"]}`)
}

// Communication 2.4: agent is required and is "a normal Agent Object with a
// single identifier ... not a Person Object, nor ... a Group"; anything else,
// and unknown or repeated parameters, get 400.
func TestAgents_Comm2_4_RejectsInvalidAgentParameter(t *testing.T) {
	e := newEnv(t)
	bad := map[string]map[string][]string{
		"missing":       {},
		"empty":         {"agent": {""}},
		"not JSON":      {"agent": {"mailto:ada@example.com"}},
		"array":         {"agent": {`[{"mbox":"mailto:ada@example.com"}]`}},
		"no IFI":        {"agent": {`{"name":"Ada"}`}},
		"two IFIs":      {"agent": {`{"mbox":"mailto:ada@example.com","openid":"http://x.example.com"}`}},
		"bad mbox":      {"agent": {`{"mbox":"ada@example.com"}`}},
		"group":         {"agent": {`{"objectType":"Group","mbox":"mailto:team@example.com"}`}},
		"person":        {"agent": {`{"objectType":"Person","mbox":["mailto:ada@example.com"]}`}},
		"repeated":      {"agent": {`{"mbox":"mailto:a@example.com"}`, `{"mbox":"mailto:b@example.com"}`}},
		"unknown param": {"agent": {`{"mbox":"mailto:a@example.com"}`}, "activityId": {"http://x.example.com"}},
		"wrong case":    {"Agent": {`{"mbox":"mailto:a@example.com"}`}},
	}
	for _, v := range versions {
		for name, q := range bad {
			t.Run(v+"/"+name, func(t *testing.T) {
				w := e.do(http.MethodGet, "acme", v, "/xapi/agents", q)
				mustStatus(t, w, http.StatusBadRequest)
				if w.Header().Get("X-Experience-API-Version") != v {
					t.Errorf("version header %q", w.Header().Get("X-Experience-API-Version"))
				}
			})
		}
	}
}

// Tenants: names stored for another tenant's agent never show.
func TestAgents_Tenancy_NamesOfAnotherTenantAreInvisible(t *testing.T) {
	e := newEnv(t)
	e.names("acme", "mbox:mailto:ada@example.com", "Ada", t0)
	e.names("other", "mbox:mailto:ada@example.com", "Ada (other store)", t0)
	for user, want := range map[string]string{
		"acme":  `{"objectType":"Person","name":["Ada"],"mbox":["mailto:ada@example.com"]}`,
		"other": `{"objectType":"Person","name":["Ada (other store)"],"mbox":["mailto:ada@example.com"]}`,
	} {
		w := e.do(http.MethodGet, user, "1.0.3", "/xapi/agents", agentQ(`{"mbox":"mailto:ada@example.com"}`))
		mustStatus(t, w, http.StatusOK)
		jsonEq(t, w.Body.Bytes(), want)
	}
	e2 := newEnv(t)
	e2.names("acme", "openid:http://id.example.com/ada", "Ada", t0)
	w := e2.do(http.MethodGet, "other", "2.0.0", "/xapi/agents", agentQ(`{"openid":"http://id.example.com/ada"}`))
	mustStatus(t, w, http.StatusOK)
	jsonEq(t, w.Body.Bytes(), `{"objectType":"Person","openid":["http://id.example.com/ada"]}`)
	if w.Header().Get("Last-Modified") != "" {
		t.Errorf("Last-Modified leaks another tenant's data: %q", w.Header().Get("Last-Modified"))
	}
}
