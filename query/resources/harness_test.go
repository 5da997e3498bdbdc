package resources

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tributary-lrs/tributary/platform/store/chdb"
	"github.com/tributary-lrs/tributary/platform/store/chdb/chdbtest"
	"github.com/tributary-lrs/tributary/platform/xapihttp"
	"github.com/tributary-lrs/tributary/platform/xapihttp/xapihttptest"
	"github.com/tributary-lrs/tributary/query/definitions/definitionstest"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// One chDB instance per process (chDB has one session); each test gets its
// own database through store.Migrate.
var engine *chdb.Engine

func TestMain(m *testing.M) { chdbtest.Main(m, func(e *chdb.Engine) { engine = e }) }

// fakeAuth maps Basic user names to principals; any password.
type fakeAuth = xapihttptest.Principals

var testAuth = fakeAuth{
	"acme":      {Tenant: "acme", Key: "acme", Scopes: []string{"all"}},
	"acmeread":  {Tenant: "acme", Key: "acmeread", Scopes: []string{"statements/read"}},
	"allread":   {Tenant: "acme", Key: "allread", Scopes: []string{"all/read"}},
	"mine":      {Tenant: "acme", Key: "mine", Scopes: []string{"statements/read/mine"}},
	"writeonly": {Tenant: "acme", Key: "writeonly", Scopes: []string{"statements/write"}},
	"stateonly": {Tenant: "acme", Key: "stateonly", Scopes: []string{"state", "profile", "define"}},
	"other":     {Tenant: "other", Key: "other", Scopes: []string{"all"}},
}

type env struct {
	t  *testing.T
	db string
	h  http.Handler
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db := chdbtest.Database(t, engine)
	svc, err := New(Deps{Engine: engine, Database: db, Auth: testAuth})
	if err != nil {
		t.Fatal(err)
	}
	r := xapihttp.NewRouter()
	svc.Routes(r)
	return &env{t: t, db: db, h: r}
}

// names stores (agent key, name, stored) rows of tenant into agent_names.
func (e *env) names(tenant string, rows ...any) {
	e.t.Helper()
	var ten, key, name []string
	var stored []time.Time
	for i := 0; i < len(rows); i += 3 {
		ten, key, name = append(ten, tenant), append(key, rows[i].(string)), append(name, rows[i+1].(string))
		stored = append(stored, rows[i+2].(time.Time))
	}
	b := &store.Batch{Table: store.Table(e.db, "agent_names"), Columns: []store.Column{
		{Name: "tenant", Data: ten}, {Name: "agent_key", Data: key}, {Name: "name", Data: name}, {Name: "stored", Data: stored},
	}}
	if err := engine.Insert(context.Background(), b); err != nil {
		e.t.Fatal(err)
	}
}

// definition stores one activity definition of tenant as the processor
// does: its parts, in activity_definition_parts.
func (e *env) definition(tenant, id, def string, stored time.Time) {
	e.t.Helper()
	definitionstest.Store(e.t, engine, e.db, tenant, id, def, stored)
}

type reqOpt func(*http.Request)

func withHeader(k, v string) reqOpt { return func(r *http.Request) { r.Header.Set(k, v) } }

// do serves method path?query as user ("" for none) with version v ("" for none).
func (e *env) do(method, user, v, path string, q url.Values, opts ...reqOpt) *httptest.ResponseRecorder {
	e.t.Helper()
	target := path
	if q != nil {
		target += "?" + q.Encode()
	}
	r := httptest.NewRequest(method, target, nil)
	if user != "" {
		r.SetBasicAuth(user, "x")
	}
	if v != "" {
		r.Header.Set(xapihttp.HeaderVersion, v)
	}
	for _, o := range opts {
		o(r)
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

func agentQ(agent string) url.Values { return url.Values{"agent": {agent}} }
func activityQ(id string) url.Values { return url.Values{"activityId": {id}} }
func decode(t *testing.T, w *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatalf("body %q: %v", w.Body.String(), err)
	}
	return m
}

func mustStatus(t *testing.T, w *httptest.ResponseRecorder, want int) {
	t.Helper()
	if w.Code != want {
		t.Fatalf("status %d, want %d; body %s", w.Code, want, strings.TrimSpace(w.Body.String()))
	}
}

func jsonEq(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, wv any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got %q: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &wv); err != nil {
		t.Fatal(err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(wv)
	if string(gb) != string(wb) {
		t.Fatalf("body\n got %s\nwant %s", gb, wb)
	}
}

var versions = []string{"1.0.3", "2.0.0"}
