package query

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/uuid"
)

const (
	ann      = "mbox:mailto:ann@example.com"
	bob      = "mbox:mailto:bob@example.com"
	annParam = `{"mbox":"mailto:ann@example.com"}`
	bobParam = `{"objectType":"Agent","mbox":"mailto:bob@example.com"}`
	vDone    = "http://adlnet.gov/expapi/verbs/completed"
	vTry     = "http://adlnet.gov/expapi/verbs/attempted"
	vVoid    = "http://adlnet.gov/expapi/verbs/voided"
	x1       = "http://example.com/act/1"
	x2       = "http://example.com/act/2"
)

var (
	t0   = time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	reg1 = uuid.MustParse("ff0e2c8a-0b4d-4c1a-9d8e-3c5a6f7b8c9d")
)

func at(sec int) time.Time { return t0.Add(time.Duration(sec) * time.Second) }

func sid(n int) uuid.UUID { return uuid.MustParse(fmt.Sprintf("00000000-0000-4000-8000-%012d", n)) }

// corpus: s5 is voided by s6. Stored times are t0+n seconds.
func corpus() []fx {
	return []fx{
		{id: sid(1), stored: at(1), verb: vDone, objID: x1, reg: reg1, agents: []string{ann},
			relAgents: []string{ann, bob}, relActs: []string{x1, x2}},
		{id: sid(2), stored: at(2), verb: vDone, objID: x2, agents: []string{bob}, relAgents: []string{bob}, relActs: []string{x2}},
		{id: sid(3), stored: at(3), verb: vTry, objID: x2, reg: reg1, agents: []string{ann}, relAgents: []string{ann}, relActs: []string{x2, x1}},
		{id: sid(4), stored: at(4), verb: vTry, objType: "Agent", objID: ann, agents: []string{bob, ann}, relAgents: []string{bob, ann}},
		{id: sid(5), stored: at(5), verb: vDone, objID: x1, agents: []string{ann}, relAgents: []string{ann}, relActs: []string{x1}},
		{id: sid(6), stored: at(6), verb: vVoid, objType: "StatementRef", objID: sid(5).String(), voids: sid(5),
			agents: []string{bob}, relAgents: []string{bob}},
		{id: sid(7), stored: at(7), verb: vTry, objID: x1, reg: reg1, agents: []string{bob}, relAgents: []string{bob, ann}, relActs: []string{x1}},
	}
}

func q(kv ...string) string {
	v := url.Values{}
	for i := 0; i < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return "/xapi/statements?" + v.Encode()
}

func ids(ns ...int) []uuid.UUID {
	out := make([]uuid.UUID, len(ns))
	for i, n := range ns {
		out[i] = sid(n)
	}
	return out
}

func sameIDs(t *testing.T, what string, got, want []uuid.UUID) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s:\n got %v\nwant %v", what, got, want)
	}
}

// Communication 2.1.3 filters, alone and combined; voided statements never
// listed (Communication 2.1.4), but the voiding statement s6 is, wherever its
// target s5 matches (Communication 2.1.3 Filter Conditions for StatementRefs,
// 2.1.4 "This includes the voiding Statement").
func TestListFilters(t *testing.T) {
	e := newEnv(t, at(3600))
	e.insert(corpus()...)
	for _, tc := range listFilterCases() {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := e.list(tc.target)
			sameIDs(t, tc.target, got, tc.want)
		})
	}
}

type listFilterCase struct {
	name   string
	target string
	want   []uuid.UUID
}

// listFilterCases are the lists of the corpus, by filter.
func listFilterCases() []listFilterCase {
	reg := reg1.String()
	return []listFilterCase{
		{"no filter", q(), ids(7, 6, 4, 3, 2, 1)},
		{"agent", q("agent", annParam), ids(6, 4, 3, 1)},
		{"agent as object", q("agent", bobParam), ids(7, 6, 4, 2)},
		{"agent related", q("agent", annParam, "related_agents", "true"), ids(7, 6, 4, 3, 1)},
		{"verb", q("verb", vDone), ids(6, 2, 1)},
		{"verb voided lists the voiding statement", q("verb", vVoid), ids(6)},
		{"activity", q("activity", x1), ids(7, 6, 1)},
		{"activity related", q("activity", x1, "related_activities", "true"), ids(7, 6, 3, 1)},
		{"registration", q("registration", reg), ids(7, 3, 1)},
		{"agent+verb", q("agent", annParam, "verb", vDone), ids(6, 1)},
		{"agent+activity", q("agent", annParam, "activity", x2), ids(3)},
		{"verb+activity", q("verb", vTry, "activity", x1), ids(7)},
		{"registration+agent+verb", q("registration", reg, "agent", annParam, "verb", vTry), ids(3)},
		{"registration+agent related", q("registration", reg, "agent", annParam, "related_agents", "true"), ids(7, 3, 1)},
		{"registration+activity related", q("registration", reg, "activity", x2, "related_activities", "true"), ids(3, 1)},
		{"agent+activity related", q("agent", annParam, "activity", x1, "related_activities", "true"), ids(6, 3, 1)},
		{"both related", q("agent", bobParam, "related_agents", "true", "activity", x1, "related_activities", "true"), ids(7, 1)},
		{"all plain filters", q("registration", reg, "agent", annParam, "activity", x1, "verb", vDone), ids(1)},
		{"no match", q("agent", `{"mbox":"mailto:nobody@example.com"}`), ids()},
		{"related flags without filters are no-ops", q("related_agents", "true", "related_activities", "true"), ids(7, 6, 4, 3, 2, 1)},
		{"format and attachments accepted", q("format", "ids", "attachments", "false", "verb", vDone), ids(6, 2, 1)},
		{"ascending", q("ascending", "true"), ids(1, 2, 3, 4, 6, 7)},
		{"ascending with filter", q("agent", annParam, "ascending", "true"), ids(1, 3, 4, 6)},
		{"since exclusive", q("since", at(3).Format(time.RFC3339)), ids(7, 6, 4)},
		{"since one ms earlier", q("since", at(3).Add(-time.Millisecond).Format(time.RFC3339Nano)), ids(7, 6, 4, 3)},
		{"until inclusive", q("until", at(3).Format(time.RFC3339)), ids(3, 2, 1)},
		{"until one ms earlier", q("until", at(3).Add(-time.Millisecond).Format(time.RFC3339Nano)), ids(2, 1)},
		{"since+until", q("since", at(1).Format(time.RFC3339), "until", at(4).Format(time.RFC3339)), ids(4, 3, 2)},
		{"since+until in another zone", q("since", "2024-03-01T12:00:01+02:00", "until", "2024-03-01T12:00:04+02:00"), ids(4, 3, 2)},
		{"since+until+agent", q("agent", annParam, "since", at(1).Format(time.RFC3339), "until", at(4).Format(time.RFC3339)), ids(4, 3)},
		{"since after until", q("since", at(5).Format(time.RFC3339), "until", at(2).Format(time.RFC3339)), ids()},
		{"limit", q("limit", "2", "verb", vTry), ids(7, 4)},
		{"since year 1", q("since", "0001-01-01T00:00:00Z", "verb", vDone), ids(6, 2, 1)},
		{"until year 1", q("until", "0001-01-01T00:00:00Z"), ids()},
		{"until year 9999", q("until", "9999-12-31T23:59:59Z", "verb", vDone), ids(6, 2, 1)},
	}
}

// The list never goes past the watermark the header announces.
func TestListCappedAtWatermark(t *testing.T) {
	e := newEnv(t, at(3).Add(500*time.Millisecond))
	e.insert(corpus()...)
	w := e.get(q())
	if got := w.Header().Get("X-Experience-API-Consistent-Through"); got != "2024-03-01T10:00:03.500Z" {
		t.Errorf("Consistent-Through %q", got)
	}
	got, more := e.list(q())
	sameIDs(t, "capped", got, ids(3, 2, 1))
	if more != "" {
		t.Errorf("more %q, want empty", more)
	}
	got, _ = e.list(q("until", at(6).Format(time.RFC3339)))
	sameIDs(t, "until past the watermark", got, ids(3, 2, 1))
	e.wm.set(at(3600))
	got, _ = e.list(q())
	sameIDs(t, "after the watermark moved", got, ids(7, 6, 4, 3, 2, 1))
}

// The raw bytes come back exactly as stored, spliced into the result; the
// page's newest stored time is Last-Modified.
func TestListBodyAndHeaders(t *testing.T) {
	e := newEnv(t, at(3600))
	c := corpus()
	e.insert(c[0], c[1])
	w := e.get(q())
	want := `{"statements":[` + c[1].raw() + `,` + c[0].raw() + `],"more":""}`
	if w.Body.String() != want {
		t.Errorf("body\n got %s\nwant %s", w.Body, want)
	}
	if got := w.Header().Get("Last-Modified"); got != at(2).Format(http.TimeFormat) {
		t.Errorf("Last-Modified %q", got)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	w = e.get(q("ascending", "true"))
	if got := w.Header().Get("Last-Modified"); got != at(2).Format(http.TimeFormat) {
		t.Errorf("ascending Last-Modified %q", got)
	}
	w = e.get(q("verb", "http://nothing"))
	if w.Body.String() != `{"statements":[],"more":""}` || w.Header().Get("Last-Modified") != "" {
		t.Errorf("empty result: %s %v", w.Body, w.Header())
	}
	// Communication 1.1: HEAD has the GET's headers and no body.
	h := e.do(http.MethodHead, q(), "acme")
	g := e.get(q())
	if h.Code != http.StatusOK || h.Body.Len() != 0 {
		t.Errorf("HEAD: %d, body %q", h.Code, h.Body)
	}
	for _, k := range []string{"Content-Length", "Content-Type", "Last-Modified", "X-Experience-API-Consistent-Through", "X-Experience-API-Version"} {
		if h.Header().Get(k) != g.Header().Get(k) || g.Header().Get(k) == "" {
			t.Errorf("HEAD %s = %q, GET %q", k, h.Header().Get(k), g.Header().Get(k))
		}
	}
}

// At-least-once delivery may store a copy before the merge: it shows once.
func TestRedeliveredCopyShownOnce(t *testing.T) {
	e := newEnv(t, at(3600))
	c := corpus()
	e.insert(c[0], c[1], c[2])
	e.insert(c[0], c[2]) // redelivered batch, not merged yet
	got, _ := e.list(q())
	sameIDs(t, "no filter", got, ids(3, 2, 1))
	got, _ = e.list(q("registration", reg1.String()))
	sameIDs(t, "index driven", got, ids(3, 1))
	got, _ = e.list(q("agent", annParam, "activity", x1, "related_activities", "true"))
	sameIDs(t, "statements driven", got, ids(3, 1))
	got, more := e.list(q("limit", "2"))
	sameIDs(t, "page 1", got, ids(3, 2))
	got, _ = e.list(more)
	sameIDs(t, "page 2", got, ids(1))
	if w := e.get(q("statementId", sid(1).String())); w.Code != http.StatusOK || w.Body.String() != c[0].raw() {
		t.Errorf("single: %d %s", w.Code, w.Body)
	}
}
