package query

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/tributary-lrs/tributary/platform/store/chdb"
	"github.com/tributary-lrs/tributary/platform/store/chdb/chdbtest"
	"github.com/tributary-lrs/tributary/platform/xapihttp"
	"github.com/tributary-lrs/tributary/platform/xapihttp/xapihttptest"
	"github.com/tributary-lrs/tributary/schemas/store"
)

var engine *chdb.Engine

func TestMain(m *testing.M) { chdbtest.Main(m, func(e *chdb.Engine) { engine = e }) }

// fakeWatermark is a settable Watermark.
type fakeWatermark struct {
	mu  sync.Mutex
	t   time.Time
	err error
	n   int
}

func (f *fakeWatermark) ConsistentThrough(context.Context) (time.Time, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	return f.t, f.err
}

func (f *fakeWatermark) set(t time.Time) { f.mu.Lock(); f.t = t; f.mu.Unlock() }

// fakeAuth maps Basic user names to principals; any password.
type fakeAuth = xapihttptest.Principals

var testAuth = fakeAuth{
	"acme":      {Tenant: "acme", Key: "acme", Scopes: []string{"all"}},
	"other":     {Tenant: "other", Key: "other", Scopes: []string{"statements/read"}},
	"writeonly": {Tenant: "acme", Key: "writeonly", Scopes: []string{"statements/write"}},
	"mine": {Tenant: "acme", Key: "k1", Scopes: []string{"statements/read/mine"},
		Authority: map[string]any{"objectType": "Agent", "account": map[string]any{"homePage": "http://lrs", "name": "k1"}}},
}

var testCursorKeys = [][]byte{[]byte("a test key of at least 32 bytes.")}

var testConfig = Options{MaxLimit: 50, DefaultLimit: 20, Timeout: 10 * time.Second, WatermarkRefresh: time.Nanosecond}

type env struct {
	// rows are the fixtures inserted so far, by id (StatementRef targets).
	rows map[uuid.UUID]store.StatementRow
	t    *testing.T
	db   string
	wm   *fakeWatermark
	reg  *prometheus.Registry
	svc  *Service
	h    http.Handler
}

// newEnv migrates a fresh database (chDB has one session per process) and
// builds the service on it with the watermark at wm.
func newEnv(t *testing.T, wm time.Time) *env {
	t.Helper()
	db := chdbtest.Database(t, engine)
	return newEnvOn(t, engine, db, wm)
}

func newEnvOn(t *testing.T, eng store.Engine, db string, wm time.Time) *env {
	t.Helper()
	return newEnvConfig(t, eng, db, wm, testConfig)
}

func newEnvConfig(t *testing.T, eng store.Engine, db string, wm time.Time, cfg Options) *env {
	t.Helper()
	e := &env{t: t, db: db, wm: &fakeWatermark{t: wm}, reg: prometheus.NewRegistry()}
	svc, err := New(Deps{Engine: eng, Database: db, Auth: testAuth, Watermark: e.wm, Options: cfg,
		CursorKeys: testCursorKeys, Log: discardLog, Registry: e.reg})
	if err != nil {
		t.Fatal(err)
	}
	r := mux.NewRouter()
	svc.Routes(r)
	e.svc, e.h = svc, r
	return e
}

// fx is one statement fixture: the columns of statements_in.
type fx struct {
	tenant    string
	id        uuid.UUID
	stored    time.Time
	verb      string
	objType   string
	objID     string
	reg       uuid.UUID
	voids     uuid.UUID
	agents    []string
	relAgents []string
	relActs   []string
	// authKey is the IFI key of the authority ("" for none).
	authKey string
	// body, when set, is the stored JSON instead of the generated one.
	body string
}

// raw is the stored JSON: deliberately not in Go's encoding (spacing, key
// order) so that a re-encoding would show.
func (f fx) raw() string {
	if f.body != "" {
		return f.body
	}
	return fmt.Sprintf(`{ "id" : "%s", "verb":{"id":"%s"},  "stored":"%s" }`, f.id, f.verb, f.stored.Format(time.RFC3339Nano))
}

// insert stores fixtures as the processor would: one store.StatementBatch,
// and a statement whose object is a StatementRef inherits the index rows of
// its target chain among the fixtures inserted so far (processor/sink does
// the same from the store).
func (e *env) insert(fs ...fx) {
	e.t.Helper()
	if e.rows == nil {
		e.rows = map[uuid.UUID]store.StatementRow{}
	}
	rows := make([]store.StatementRow, len(fs))
	for i, f := range fs {
		if f.tenant == "" {
			f.tenant = "acme"
		}
		if f.objType == "" {
			f.objType = "Activity"
		}
		rows[i] = store.StatementRow{Tenant: f.tenant, ID: f.id, Stored: f.stored, Timestamp: f.stored, Version: "1.0.0",
			Verb: f.verb, ObjectType: f.objType, ObjectID: f.objID, Registration: f.reg, Voids: f.voids,
			Agents: f.agents, RelatedAgents: f.relAgents, RelatedActivities: f.relActs,
			Authority: "account:http://lrs|acme", AuthorityKey: f.authKey, ContentHash: "h-" + f.id.String(), Raw: []byte(f.raw())}
		e.rows[f.id] = rows[i]
	}
	for i := range rows {
		r := rows[i]
		for depth := 0; r.ObjectType == "StatementRef" && depth < 16; depth++ {
			t, ok := e.rows[uuid.MustParse(r.ObjectID)]
			if !ok || t.ID == rows[i].ID {
				break
			}
			rows[i].Inherited = append(rows[i].Inherited, store.OwnIndexRows(&t)...)
			r = t
		}
	}
	if err := engine.Insert(context.Background(), store.StatementBatch(e.db, rows)); err != nil {
		e.t.Fatal(err)
	}
}

func nz(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// do sends a request as user (no credentials when user is "") with the
// version header 1.0.3.
func (e *env) do(method, target, user string) *httptest.ResponseRecorder {
	e.t.Helper()
	r := httptest.NewRequest(method, target, nil)
	r.Header.Set(xapihttp.HeaderVersion, "1.0.3")
	if user != "" {
		r.SetBasicAuth(user, "secret")
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

func (e *env) get(target string) *httptest.ResponseRecorder {
	e.t.Helper()
	return e.do(http.MethodGet, target, "acme")
}

type result struct {
	Statements []json.RawMessage `json:"statements"`
	More       *string           `json:"more"`
}

// list GETs target as acme, expects 200 and returns the statement ids and more.
func (e *env) list(target string) ([]uuid.UUID, string) {
	e.t.Helper()
	return e.listAs("acme", target)
}

func (e *env) listAs(user, target string) ([]uuid.UUID, string) {
	e.t.Helper()
	w := e.do(http.MethodGet, target, user)
	if w.Code != http.StatusOK {
		e.t.Fatalf("GET %s: %d %s", target, w.Code, w.Body)
	}
	var res result
	if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
		e.t.Fatalf("GET %s: %v: %s", target, err, w.Body)
	}
	if res.More == nil || res.Statements == nil {
		e.t.Fatalf("GET %s: statements and more are required: %s", target, w.Body)
	}
	ids := make([]uuid.UUID, 0, len(res.Statements))
	for _, s := range res.Statements {
		var v struct{ ID uuid.UUID }
		if err := json.Unmarshal(s, &v); err != nil {
			e.t.Fatal(err)
		}
		ids = append(ids, v.ID)
	}
	return ids, *res.More
}

// errStore is an Engine whose every call fails with err.
type errStore struct{ err error }

func (s errStore) Exec(context.Context, store.Query) error                { return s.err }
func (s errStore) Query(context.Context, store.Query) (store.Rows, error) { return nil, s.err }
func (s errStore) Insert(context.Context, *store.Batch) error             { return s.err }
func (s errStore) Ping(context.Context) error                             { return s.err }
func (s errStore) Close() error                                           { return nil }

var discardLog = slog.New(slog.NewTextHandler(io.Discard, nil))
