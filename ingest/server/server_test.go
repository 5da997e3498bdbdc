package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tributary-lrs/tributary/ingest/inflight"
	"github.com/tributary-lrs/tributary/ingest/publish"
	"github.com/tributary-lrs/tributary/platform/xapihttp"
	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
)

type fakePublisher struct {
	mu   sync.Mutex
	got  []*envelope.Envelope
	fail error
}

func (p *fakePublisher) Publish(_ context.Context, envs []*envelope.Envelope) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fail != nil {
		return p.fail
	}
	p.got = append(p.got, envs...)
	return nil
}

type fakeLookup map[store.StatementKey]string

func (l fakeLookup) ContentHashes(_ context.Context, keys []store.StatementKey) (map[store.StatementKey]string, error) {
	out := map[store.StatementKey]string{}
	for _, k := range keys {
		if h, ok := l[k]; ok {
			out[k] = h
		}
	}
	return out, nil
}

type fixture struct {
	srv    *httptest.Server
	pub    *fakePublisher
	lookup fakeLookup
	atts   *fakeAttachments
	voids  fakeVoiding
}

func newFixture(t *testing.T) *fixture { return newFixtureWith(t, nil) }

// newFixtureWith lets more routes be registered on the router after the server's.
func newFixtureWith(t *testing.T, more func(*mux.Router)) *fixture {
	return newFixtureDeps(t, more, nil)
}

// newFixtureDeps lets edit change the server's dependencies first.
func newFixtureDeps(t *testing.T, more func(*mux.Router), edit func(*Deps)) *fixture {
	t.Helper()
	f := &fixture{pub: &fakePublisher{}, lookup: fakeLookup{}, atts: &fakeAttachments{pub: nil}, voids: fakeVoiding{}}
	f.atts.pub = f.pub
	opts := Options{MaxBodyBytes: 64 << 10, PublishTimeout: 10 * time.Second, RetryAfter: 5 * time.Second,
		RecentIDs: 100000, WatermarkRefresh: 50 * time.Millisecond}
	d := Deps{Publisher: f.pub, Tracker: inflight.New(nil), Lookup: f.lookup,
		Attachments: f.atts, Voiding: f.voids, Watermark: fixedWatermark(fixtureWatermark),
		Auth: xapihttp.NewStatic("key", "secret123", "t1", "http://lrs.example"), Options: opts,
		Log: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry()}
	if edit != nil {
		edit(&d)
	}
	s, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	r := mux.NewRouter()
	s.Routes(r)
	if more != nil {
		more(r)
	}
	f.srv = httptest.NewServer(r)
	t.Cleanup(f.srv.Close)
	return f
}

// fixtureWatermark is the consistency watermark of every fixture.
var fixtureWatermark = time.Date(2024, 5, 1, 12, 0, 0, 7e6, time.UTC)

type fixedWatermark time.Time

func (w fixedWatermark) ConsistentThrough(context.Context) (time.Time, error) {
	return time.Time(w), nil
}

const statement = `{"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},"object":{"id":"http://example.com/a"}}`

func statementWithID(id string) string {
	return `{"id":"` + id + `",` + statement[1:]
}

type request struct {
	method, query, body, contentType, version string
	user, pass                                string
}

func (f *fixture) do(t *testing.T, r request) (*http.Response, string) {
	t.Helper()
	if r.contentType == "" {
		r.contentType = "application/json"
	}
	if r.version == "" {
		r.version = "1.0.3"
	}
	if r.user == "" {
		r.user, r.pass = "key", "secret123"
	}
	req, _ := http.NewRequest(r.method, f.srv.URL+"/xapi/statements"+r.query, strings.NewReader(r.body))
	if r.contentType != "-" {
		req.Header.Set("Content-Type", r.contentType)
	}
	if r.version != "-" {
		req.Header.Set("X-Experience-API-Version", r.version)
	}
	req.SetBasicAuth(r.user, r.pass)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestPostStatements_Communication_2_1_2_returns_ids_in_order(t *testing.T) {
	f := newFixture(t)
	id := uuid.NewString()
	resp, body := f.do(t, request{method: "POST", body: "[" + statementWithID(id) + "," + statement + "]"})
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	var ids []string
	if err := json.Unmarshal([]byte(body), &ids); err != nil || len(ids) != 2 || ids[0] != id {
		t.Fatalf("ids = %v (%v), want [%s, <generated>]", ids, err, id)
	}
	if len(f.pub.got) != 2 || f.pub.got[1].ID.String() != ids[1] {
		t.Fatalf("published %d envelopes, want 2 with the returned ids", len(f.pub.got))
	}
	var st map[string]any
	_ = json.Unmarshal(f.pub.got[0].Statement, &st)
	for _, prop := range []string{"id", "stored", "authority", "version", "timestamp"} {
		if st[prop] == nil {
			t.Errorf("stored statement lacks LRS-set %q: %s", prop, f.pub.got[0].Statement)
		}
	}
	if resp.Header.Get("X-Experience-API-Version") != "1.0.3" {
		t.Errorf("version header = %q", resp.Header.Get("X-Experience-API-Version"))
	}
}

func TestPutStatement_Communication_2_1_1_returns_204(t *testing.T) {
	f := newFixture(t)
	id := uuid.NewString()
	resp, body := f.do(t, request{method: "PUT", query: "?statementId=" + id, body: statement, version: "2.0.0"})
	if resp.StatusCode != 204 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if len(f.pub.got) != 1 || f.pub.got[0].ID.String() != id || f.pub.got[0].XAPIVersion != "2.0.0" {
		t.Fatalf("published %+v", f.pub.got)
	}
	if resp.Header.Get("X-Experience-API-Version") != "2.0.0" {
		t.Errorf("version header = %q, want 2.0.0", resp.Header.Get("X-Experience-API-Version"))
	}
}

func TestSameID_Communication_2_1_1_first_write_wins(t *testing.T) {
	f := newFixture(t)
	id := uuid.NewString()
	if resp, body := f.do(t, request{method: "PUT", query: "?statementId=" + id, body: statement}); resp.StatusCode != 204 {
		t.Fatalf("first PUT: %d %s", resp.StatusCode, body)
	}
	// Identical again (answered from the recent-ids memory): no change.
	if resp, body := f.do(t, request{method: "PUT", query: "?statementId=" + id, body: statement}); resp.StatusCode != 204 {
		t.Fatalf("identical PUT: %d %s", resp.StatusCode, body)
	}
	if len(f.pub.got) != 1 {
		t.Fatalf("identical statement published again: %d envelopes", len(f.pub.got))
	}
	different := strings.Replace(statement, "completed", "failed", 1)
	if resp, body := f.do(t, request{method: "PUT", query: "?statementId=" + id, body: different}); resp.StatusCode != 409 {
		t.Fatalf("different PUT: %d %s, want 409", resp.StatusCode, body)
	}
	if resp, body := f.do(t, request{method: "POST", body: statementWithID(id)[:0] + strings.Replace(statementWithID(id), "completed", "failed", 1)}); resp.StatusCode != 409 {
		t.Fatalf("different POST: %d %s, want 409", resp.StatusCode, body)
	}
	if len(f.pub.got) != 1 {
		t.Fatalf("conflicting statement published: %d envelopes", len(f.pub.got))
	}
}

func TestSameID_known_to_the_store(t *testing.T) {
	f := newFixture(t)
	stored, other := uuid.New(), uuid.New()
	// Learn the hash the server computes for the statement by publishing it under another id.
	f.do(t, request{method: "PUT", query: "?statementId=" + other.String(), body: statement})
	f.lookup[store.StatementKey{Tenant: "t1", ID: stored}] = f.pub.got[0].ContentHash
	resp, body := f.do(t, request{method: "POST", body: statementWithID(stored.String())})
	if resp.StatusCode != 200 || len(f.pub.got) != 1 {
		t.Fatalf("identical to stored: %d %s, published %d (want 200, nothing new)", resp.StatusCode, body, len(f.pub.got))
	}
	f.lookup[store.StatementKey{Tenant: "t1", ID: stored}] = "different"
	if resp, _ := f.do(t, request{method: "POST", body: statementWithID(stored.String())}); resp.StatusCode != 409 {
		t.Fatalf("different from stored: %d, want 409", resp.StatusCode)
	}
	// Another tenant's statement with the same id is no conflict.
	f.lookup = fakeLookup{{Tenant: "other", ID: stored}: "different"}
}

func TestBadInput_never_500(t *testing.T) {
	f := newFixture(t)
	big := `[` + strings.Repeat(statement+",", 600) + statement + `]`
	cases := []struct {
		name string
		req  request
		want int
	}{
		{"malformed JSON", request{method: "POST", body: `{"actor":`}, 400},
		{"not an object", request{method: "POST", body: `"x"`}, 400},
		{"invalid statement", request{method: "POST", body: `{"verb":{"id":"x"}}`}, 400},
		{"wrong content type", request{method: "POST", body: statement, contentType: "text/plain"}, 400},
		{"missing version header Communication_3.3", request{method: "POST", body: statement, version: "-"}, 400},
		{"unsupported version header Communication_3.3", request{method: "POST", body: statement, version: "0.95"}, 400},
		{"version 1.1.0 rejected", request{method: "POST", body: statement, version: "1.1.0"}, 400},
		{"oversized body", request{method: "POST", body: big}, 413},
		{"bad credentials", request{method: "POST", body: statement, user: "key", pass: "wrong"}, 401},
		{"unknown credential", request{method: "POST", body: statement, user: "nobody", pass: "x"}, 401},
		{"PUT without statementId", request{method: "PUT", body: statement}, 400},
		{"PUT with malformed statementId", request{method: "PUT", query: "?statementId=abc", body: statement}, 400},
		{"PUT id differs from statementId", request{method: "PUT", query: "?statementId=" + uuid.NewString(), body: statementWithID(uuid.NewString())}, 400},
		{"PUT with an array", request{method: "PUT", query: "?statementId=" + uuid.NewString(), body: "[" + statement + "]"}, 400},
		{"POST with query parameters", request{method: "POST", query: "?foo=bar", body: statement}, 400},
		{"duplicate ids in one batch", request{method: "POST", body: "[" + statementWithID("8f87ccde-bb56-4c2e-ab83-44982ef22df0") + "," + statementWithID("8f87ccde-bb56-4c2e-ab83-44982ef22df0") + "]"}, 400},
		{"2.0 property under 1.0.3", request{method: "POST", body: strings.Replace(statement, `"object"`, `"context":{"contextAgents":[{"objectType":"contextAgent","agent":{"mbox":"mailto:b@example.com"}}]},"object"`, 1)}, 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := f.do(t, c.req)
			if resp.StatusCode != c.want {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.want, body)
			}
			var eb xapihttp.ErrorBody
			if err := json.Unmarshal([]byte(body), &eb); err != nil || eb.Error.Code != c.want || eb.Error.Message == "" {
				t.Fatalf("error body %q is not an xAPI error (%v)", body, err)
			}
			if resp.Header.Get("X-Experience-API-Version") == "" {
				t.Fatal("error response lacks X-Experience-API-Version (Communication 3.3)")
			}
		})
	}
	if len(f.pub.got) != 0 {
		t.Fatalf("bad input published %d statements", len(f.pub.got))
	}
}

func TestValidationErrorNamesPath(t *testing.T) {
	f := newFixture(t)
	resp, body := f.do(t, request{method: "POST", body: `{"actor":{"mbox":"a@example.com"},"verb":{"id":"http://x.y/v"},"object":{"id":"http://x.y/o"}}`})
	if resp.StatusCode != 400 || !strings.Contains(body, `"$.actor.mbox"`) {
		t.Fatalf("status %d body %s: want 400 naming $.actor.mbox", resp.StatusCode, body)
	}
}

func TestBrokerUnavailable_503_with_Retry_After(t *testing.T) {
	f := newFixture(t)
	f.pub.fail = fmt.Errorf("kafka down: %w", publish.ErrUnavailable)
	resp, body := f.do(t, request{method: "POST", body: statement})
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("status %d Retry-After %q: %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
}

// Architecture §6 (Consistent-Through never overstates, and trails real
// time by well under a second): a publish that may still reach the broker
// keeps its stored time in flight for ingest.publish_timeout; one the
// publisher says it did not write (store.ErrNotWritten: the all-in-one log
// refused it) or a conflict releases it at once, so a 503 does not hold the
// watermark back for seconds.
func TestIssue8_AWriteNotWrittenDoesNotHoldTheWatermark(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		held bool
	}{
		{"may reach the broker", fmt.Errorf("kafka timeout: %w", publish.ErrUnavailable), true},
		{"refused before writing", fmt.Errorf("backlog full: %w (%w)", store.ErrUnavailable, store.ErrNotWritten), false},
		{"conflict", fmt.Errorf("statement x: %w", store.ErrConflict), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var now atomic.Int64
			t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			now.Store(t0.UnixNano())
			tracker := inflight.New(func() time.Time { return time.Unix(0, now.Load()) })
			f := newFixtureDeps(t, nil, func(d *Deps) { d.Tracker = tracker })
			f.pub.fail = c.err
			_, _ = f.do(t, request{method: "POST", body: statement}) // stored at t0
			now.Store(t0.Add(time.Second).UnixNano())
			held := tracker.LowWatermark().Equal(t0)
			if held != c.held {
				t.Fatalf("watermark held back after %v: %v, want %v", c.err, held, c.held)
			}
		})
	}
}
