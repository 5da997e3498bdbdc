package matrix

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/uuid"
)

// Communication 2.1.3: X-Experience-API-Consistent-Through is on "all
// responses to Statements Resource requests" of the assembled LRS: reads,
// writes and their errors, also those answered before a route is reached
// (a method the resource does not have), and it never says a time to come.
func TestCommunication2_1_3_ConsistentThroughOnAllStatementsResponses(t *testing.T) {
	c := creds[tenantA]["all"]
	id := uuid.NewString()
	st := statementJSON(id, "mailto:ct@example.com", "CT", "http://example.com/verbs/ct", "http://example.com/ct", "")
	for _, tc := range []struct {
		name string
		mode authMode
		rq   request
		code []int
	}{
		{"PUT", withCred, putStatement(id, st), []int{http.StatusNoContent}},
		{"POST", withCred, postStatements(st), []int{http.StatusOK}},
		{"POST invalid", withCred, postStatements(`{"verb":{}}`), []int{http.StatusBadRequest}},
		{"POST unauthenticated", noAuth, postStatements(st), []int{http.StatusUnauthorized}},
		{"GET", withCred, request{method: http.MethodGet, path: "/xapi/statements"}, []int{http.StatusOK}},
		{"GET wrong secret", wrongSecret, request{method: http.MethodGet, path: "/xapi/statements"}, []int{http.StatusUnauthorized}},
		{"DELETE (no such method)", withCred, request{method: http.MethodDelete, path: "/xapi/statements"}, []int{http.StatusMethodNotAllowed, http.StatusNotFound}},
		{"alternate syntax refused", withCred, request{method: http.MethodPost, path: "/xapi/statements",
			query: url.Values{"method": {"PUT"}, "statementId": {id}}, body: []byte("content=x"),
			contentType: "application/x-www-form-urlencoded"}, []int{http.StatusBadRequest}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, "1.0.3", c, tc.mode, tc.rq)
			mustCode(t, tc.name, r, tc.code...)
			h := r.header.Get("X-Experience-API-Consistent-Through")
			ct, err := time.Parse(time.RFC3339Nano, h)
			if err != nil {
				t.Fatalf("X-Experience-API-Consistent-Through %q: %v", h, err)
			}
			if ct.After(time.Now()) {
				t.Fatalf("X-Experience-API-Consistent-Through %s is in the future", h)
			}
		})
	}
}
