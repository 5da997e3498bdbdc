package query

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// tied is n statements whose stored times come in groups of three equal
// milliseconds, so that pages end inside a tie.
func tied(n, first int) []fx {
	var out []fx
	for i := 0; i < n; i++ {
		out = append(out, fx{id: sid(first + i), stored: at(100 + 10*((first+i)/3)), verb: vDone, objID: x1,
			agents: []string{ann}, relAgents: []string{ann}, relActs: []string{x1}})
	}
	return out
}

func checkMore(t *testing.T, more string) {
	t.Helper()
	u, err := url.Parse(more)
	if err != nil || u.IsAbs() || u.Path != "/xapi/statements" || len(u.Query()) != 1 || u.Query().Get("more") == "" {
		t.Fatalf("more %q is not a relative /xapi/statements?more=… IRL (Data 2.5)", more)
	}
}

// Data 2.5: keyset pages over a bound fixed at the first page: no duplicate
// and no gap across three pages while statements keep arriving.
func TestPaginationWithConcurrentInserts(t *testing.T) {
	for _, tc := range []struct {
		name, extra string
		asc         bool
	}{
		{"descending", "", false},
		{"ascending", "&ascending=true", true},
		{"agent driven", "&agent=" + url.QueryEscape(annParam), false},
		{"statements driven", "&agent=" + url.QueryEscape(annParam) + "&activity=" + url.QueryEscape(x1) + "&related_activities=true", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, at(1000))
			e.insert(tied(8, 1)...)
			all, more := e.list("/xapi/statements?limit=0" + tc.extra)
			if len(all) != 8 || more != "" {
				t.Fatalf("full list: %d statements, more %q", len(all), more)
			}
			var got []uuid.UUID
			page, more := e.list("/xapi/statements?limit=3" + tc.extra)
			got = append(got, page...)
			pages := 1
			for ; more != ""; pages++ {
				if pages > 3 {
					t.Fatal("too many pages")
				}
				checkMore(t, more)
				// New statements arrive, stored after the watermark, which
				// then moves past them.
				e.insert(tied(3, 300+3*pages)...)
				e.wm.set(at(10000 + pages))
				page, more = e.list(more)
				got = append(got, page...)
			}
			if pages != 3 {
				t.Errorf("%d pages, want 3", pages)
			}
			sameIDs(t, "pages", got, all)
			if fresh, _ := e.list("/xapi/statements?limit=0" + tc.extra); len(fresh) != 8+6 {
				t.Errorf("a new first page sees %d statements, want 14", len(fresh))
			}
		})
	}
}

// Page boundaries: the last page carries no more link; limit exactly the
// number of statements gives no empty extra page.
func TestPaginationBoundaries(t *testing.T) {
	e := newEnv(t, at(1000))
	e.insert(tied(6, 1)...)
	page, more := e.list(q("limit", "6"))
	if len(page) != 6 || more != "" {
		t.Errorf("limit = count: %d, more %q", len(page), more)
	}
	page, more = e.list(q("limit", "3"))
	if len(page) != 3 || more == "" {
		t.Fatalf("page 1: %d, more %q", len(page), more)
	}
	page, more = e.list(more)
	if len(page) != 3 || more != "" {
		t.Errorf("page 2: %d, more %q", len(page), more)
	}
	// A statement voided between pages is left out of the next one (Data 2.5 allows it).
	first, more := e.list(q("limit", "3", "ascending", "true"))
	e.insert(fx{id: sid(99), stored: at(1001), verb: vVoid, objType: "StatementRef", objID: sid(5).String(), voids: sid(5)})
	rest, _ := e.list(more)
	if len(first) != 3 || len(rest) != 2 {
		t.Errorf("voided between pages: %v then %v", first, rest)
	}
}

// The tenant comes from the credentials, never from a token.
func TestTenantIsolation(t *testing.T) {
	e := newEnv(t, at(3600))
	e.insert(corpus()...)
	e.insert(fx{tenant: "other", id: sid(100), stored: at(2), verb: vDone, objID: x1, agents: []string{ann},
		relAgents: []string{ann}, relActs: []string{x1}})
	got, _ := e.listAs("other", q())
	sameIDs(t, "other's list", got, ids(100))
	got, _ = e.listAs("other", q("agent", annParam))
	sameIDs(t, "other's agent list", got, ids(100))
	got, _ = e.list(q("activity", x1))
	sameIDs(t, "acme's activity list", got, ids(7, 6, 1))
	_, more := e.list(q("limit", "1"))
	got, _ = e.listAs("other", more)
	sameIDs(t, "acme's token used by other", got, ids(100))
	if w := e.do(http.MethodGet, q("statementId", sid(1).String()), "other"); w.Code != http.StatusNotFound {
		t.Errorf("other reads acme's statement: %d", w.Code)
	}
	if w := e.get(q("statementId", sid(100).String())); w.Code != http.StatusNotFound {
		t.Errorf("acme reads other's statement: %d", w.Code)
	}
}

// Communication 2.1.3 single-statement GETs and 2.1.4 voided statements.
func TestSingleStatement(t *testing.T) {
	e := newEnv(t, at(3))
	c := corpus()
	e.insert(c...)
	cases := []struct {
		name, target string
		code         int
		want         fx
	}{
		{"statementId", q("statementId", sid(1).String()), 200, c[0]},
		{"upper-case id", q("statementId", strings.ToUpper(sid(1).String())), 200, c[0]},
		{"with format and attachments", q("statementId", sid(2).String(), "format", "exact", "attachments", "false"), 200, c[1]},
		{"stored after the watermark", q("statementId", sid(7).String()), 200, c[6]},
		{"voiding statement", q("statementId", sid(6).String()), 200, c[5]},
		{"voided by statementId", q("statementId", sid(5).String()), 404, fx{}},
		{"voidedStatementId", q("voidedStatementId", sid(5).String()), 200, c[4]},
		{"voidedStatementId not voided", q("voidedStatementId", sid(1).String()), 404, fx{}},
		{"unknown", q("statementId", uuid.NewString()), 404, fx{}},
		{"unknown voided", q("voidedStatementId", uuid.NewString()), 404, fx{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := e.get(tc.target)
			if w.Code != tc.code {
				t.Fatalf("%s: %d %s", tc.target, w.Code, w.Body)
			}
			if got := w.Header().Get("X-Experience-API-Consistent-Through"); got != "2024-03-01T10:00:03.000Z" {
				t.Errorf("Consistent-Through %q", got)
			}
			if tc.code != 200 {
				return
			}
			if w.Body.String() != tc.want.raw() {
				t.Errorf("body %s, want %s", w.Body, tc.want.raw())
			}
			if lm := w.Header().Get("Last-Modified"); lm != tc.want.stored.Format(http.TimeFormat) {
				t.Errorf("Last-Modified %q", lm)
			}
			h := e.do(http.MethodHead, tc.target, "acme")
			if h.Code != 200 || h.Body.Len() != 0 || h.Header().Get("Last-Modified") != w.Header().Get("Last-Modified") ||
				h.Header().Get("Content-Length") != w.Header().Get("Content-Length") {
				t.Errorf("HEAD: %d %q %v", h.Code, h.Body, h.Header())
			}
		})
	}
}
