package query

import (
	"net/http"
	"testing"
	"time"
)

// headVariants are the GET forms HEAD must mirror: every kind of request the
// statement resource answers, successful or not.
func headVariants(e *env) []string {
	_, more := e.list(q("limit", "1"))
	return []string{
		q(),
		q("verb", vDone),
		q("agent", annParam, "related_agents", "true"),
		q("activity", x1, "related_activities", "true", "ascending", "true"),
		q("format", "ids"),
		q("format", "canonical"),
		q("format", "exact", "limit", "2"),
		q("attachments", "false"),
		q("attachments", "true", "format", "ids"),
		q("statementId", sid(1).String(), "attachments", "true"),
		more,
		q("statementId", sid(1).String()),
		q("statementId", sid(1).String(), "format", "ids"),
		q("statementId", sid(2).String(), "format", "canonical"),
		q("voidedStatementId", sid(5).String()),
		q("statementId", sid(5).String()),                       // 404: voided
		q("verb", "not an iri", "statementId", sid(1).String()), // 400
		q("verb", "http://nothing"),                             // empty result
	}
}

// Communication 1.1 (HEAD Request Implementation): the LRS responds to any
// HEAD request as it would have to the GET, with the same headers and no body.
func TestComm1_1_HeadOnEveryStatementGet(t *testing.T) {
	e := newEnv(t, at(3600))
	e.insert(corpus()...)
	for _, target := range headVariants(e) {
		g := e.get(target)
		h := e.do(http.MethodHead, target, "acme")
		if h.Code != g.Code {
			t.Errorf("HEAD %s: %d, GET %d", target, h.Code, g.Code)
		}
		if h.Body.Len() != 0 {
			t.Errorf("HEAD %s: body %q", target, h.Body)
		}
		for _, k := range []string{"Content-Length", "Content-Type", "Last-Modified", "X-Experience-API-Consistent-Through", "X-Experience-API-Version"} {
			if h.Header().Get(k) != g.Header().Get(k) {
				t.Errorf("HEAD %s: %s = %q, GET %q", target, k, h.Header().Get(k), g.Header().Get(k))
			}
		}
	}
	// Without credentials too.
	if h := e.do(http.MethodHead, q(), ""); h.Code != http.StatusUnauthorized || h.Body.Len() != 0 {
		t.Errorf("HEAD unauthenticated: %d %q", h.Code, h.Body)
	}
}

// Communication 2.1.3 (SHOULD* "Last-Modified ... matches stored"), a SHALL in
// 2.0.0 (for-lrs 3.1): a StatementResult carries the newest stored time of
// its page, in either order and on every page of a `more` chain.
func TestComm2_1_3_LastModifiedNewestStoredInPage(t *testing.T) {
	e := newEnv(t, at(3600))
	e.insert(corpus()...)
	for _, tc := range []struct {
		target string
		want   time.Time
	}{
		{q(), at(7)},
		{q("ascending", "true"), at(7)},
		{q("limit", "2", "ascending", "true"), at(2)},
		{q("agent", annParam), at(6)}, // s6 refers to s5 (ann)
		{q("until", at(3).Format(time.RFC3339)), at(3)},
	} {
		w := e.get(tc.target)
		if got := w.Header().Get("Last-Modified"); got != tc.want.Format(http.TimeFormat) {
			t.Errorf("%s: Last-Modified %q, want %q", tc.target, got, tc.want.Format(http.TimeFormat))
		}
	}
	_, more := e.list(q("limit", "2"))
	if got := e.get(more).Header().Get("Last-Modified"); got != at(4).Format(http.TimeFormat) {
		t.Errorf("second page: Last-Modified %q, want %s", got, at(4).Format(http.TimeFormat))
	}
}
