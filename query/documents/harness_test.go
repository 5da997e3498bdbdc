package documents

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gorilla/mux"
	"github.com/tributary-lrs/tributary/platform/store/chdb"
	"github.com/tributary-lrs/tributary/platform/store/chdb/chdbtest"
	"github.com/tributary-lrs/tributary/platform/xapihttp"
	"github.com/tributary-lrs/tributary/platform/xapihttp/xapihttptest"
)

// One chDB per process (chDB has one session per process); a database per test.
var engine *chdb.Engine

func TestMain(m *testing.M) { chdbtest.Main(m, func(e *chdb.Engine) { engine = e }) }

// fakeAuth maps Basic user names to principals; any password.
type fakeAuth = xapihttptest.Principals

var testAuth = fakeAuth{
	"acme":      {Tenant: "acme", Key: "acme", Scopes: []string{"all"}},
	"other":     {Tenant: "other", Key: "other", Scopes: []string{"all"}},
	"stateonly": {Tenant: "acme", Key: "stateonly", Scopes: []string{"state"}},
	"profonly":  {Tenant: "acme", Key: "profonly", Scopes: []string{"profile"}},
	"readonly":  {Tenant: "acme", Key: "readonly", Scopes: []string{"statements/read", "all/read"}},
}

var discardLog = slog.New(slog.NewTextHandler(io.Discard, nil))

type env struct {
	t   *testing.T
	db  string
	svc *Service
	h   http.Handler
}

// newEnv migrates a fresh database and serves the resources on it.
func newEnv(t *testing.T, maxBytes int64) *env {
	t.Helper()
	db := chdbtest.Database(t, engine)
	svc, err := New(Deps{Engine: engine, Database: db, Auth: testAuth, MaxBytes: maxBytes, Log: discardLog})
	if err != nil {
		t.Fatal(err)
	}
	r := mux.NewRouter()
	svc.Routes(r)
	return &env{t: t, db: db, svc: svc, h: r}
}

// req is one request; zero fields take defaults (user acme, version 1.0.3).
type req struct {
	method  string
	path    string
	params  url.Values
	user    string
	version string
	ct      string
	body    string
	headers map[string]string
}

func (e *env) do(q req) *httptest.ResponseRecorder {
	e.t.Helper()
	target := q.path
	if len(q.params) > 0 {
		target += "?" + q.params.Encode()
	}
	var body io.Reader
	if q.body != "" {
		body = strings.NewReader(q.body)
	}
	r := httptest.NewRequest(q.method, target, body)
	switch q.version {
	case "":
		r.Header.Set(xapihttp.HeaderVersion, "1.0.3")
	case "none":
	default:
		r.Header.Set(xapihttp.HeaderVersion, q.version)
	}
	switch q.user {
	case "":
		r.SetBasicAuth("acme", "secret")
	case "anonymous":
	default:
		r.SetBasicAuth(q.user, "secret")
	}
	if q.ct != "" {
		r.Header.Set("Content-Type", q.ct)
	}
	for k, v := range q.headers {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

// expect sends q and fails unless the status is want.
func (e *env) expect(q req, want int) *httptest.ResponseRecorder {
	e.t.Helper()
	w := e.do(q)
	if w.Code != want {
		e.t.Fatalf("%s %s %v %v: status %d, want %d: %s", q.method, q.path, q.params, q.headers, w.Code, want, w.Body)
	}
	return w
}

func vals(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func with(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out.Set(kv[i], kv[i+1])
	}
	return out
}

const (
	actID    = "http://example.com/activities/course-1"
	agentA   = `{"objectType":"Agent","mbox":"mailto:ada@example.com"}`
	agentA2  = `{"mbox":"mailto:ada@EXAMPLE.com","name":"Ada"}` // the same IFI, written differently
	agentB   = `{"account":{"homePage":"http://example.com","name":"bob"}}`
	regID    = "6fbd6b0f-8f1c-4f4b-9c39-6b7f0e4c1a11"
	regID2   = "0e7c5d2a-1111-4b4b-8c8c-222233334444"
	v103     = "1.0.3"
	v200     = "2.0.0"
	jsonType = "application/json"
)

// kindCase is a resource with the parameters of one document on it.
type kindCase struct {
	k      *kind
	scope  url.Values // the context parameters (without the id)
	idName string
}

func (c kindCase) doc(id string) url.Values { return with(c.scope, c.idName, id) }

var kindCases = []kindCase{
	{stateKind, vals("activityId", actID, "agent", agentA), "stateId"},
	{activityProfileKind, vals("activityId", actID), "profileId"},
	{agentProfileKind, vals("agent", agentA), "profileId"},
}
