package server

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/ingest/publish"
	"github.com/tributary-lrs/tributary/platform/xapihttp"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// Communication 2.1.3: X-Experience-API-Consistent-Through is on "all
// responses to Statements Resource requests", so on every answer of the
// write side too, errors included, and it is the watermark read (never a
// later time).
func TestCommunication2_1_3_ConsistentThroughOnEveryWriteResponse(t *testing.T) {
	f := newFixture(t)
	want := fixtureWatermark.Format(xapihttp.ConsistentThroughLayout)
	conflicting := uuid.New()
	f.lookup[store.StatementKey{Tenant: "t1", ID: conflicting}] = "another statement"
	check := func(t *testing.T, resp *http.Response, body string, code int) {
		t.Helper()
		if resp.StatusCode != code {
			t.Fatalf("status %d, want %d: %s", resp.StatusCode, code, body)
		}
		if got := resp.Header.Get(xapihttp.HeaderConsistentThrough); got != want {
			t.Fatalf("%s = %q, want %q", xapihttp.HeaderConsistentThrough, got, want)
		}
	}
	for _, c := range []struct {
		name string
		req  request
		code int
	}{
		{"POST", request{method: "POST", body: statement}, 200},
		{"PUT", request{method: "PUT", query: "?statementId=" + uuid.NewString(), body: statement}, 204},
		{"invalid statement", request{method: "POST", body: `{"verb":{}}`}, 400},
		{"PUT without statementId", request{method: "PUT", body: statement}, 400},
		{"no version header", request{method: "POST", body: statement, version: "-"}, 400},
		{"bad credentials", request{method: "POST", body: statement, user: "key", pass: "wrong"}, 401},
		{"conflict", request{method: "PUT", query: "?statementId=" + conflicting.String(), body: statement}, 409},
		{"too large", request{method: "POST", body: "[" + strings.Repeat(statement+",", 600) + statement + "]"}, 413},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, body := f.do(t, c.req)
			check(t, resp, body, c.code)
		})
	}
	t.Run("alternate syntax PUT", func(t *testing.T) {
		resp, body := f.alt(t, "method=PUT", altForm("1.0.3", statement, "statementId", uuid.NewString()))
		check(t, resp, body, 204)
	})
	t.Run("alternate syntax refused", func(t *testing.T) {
		resp, body := f.alt(t, "method=PUT&statementId="+uuid.NewString(), altForm("1.0.3", statement))
		check(t, resp, body, 400)
	})
	t.Run("broker unavailable", func(t *testing.T) {
		f.pub.fail = fmt.Errorf("kafka down: %w", publish.ErrUnavailable)
		defer func() { f.pub.fail = nil }()
		resp, body := f.do(t, request{method: "POST", body: statement})
		check(t, resp, body, 503)
	})
}
