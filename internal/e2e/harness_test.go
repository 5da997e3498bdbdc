package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kfake"

	ingestapp "github.com/tributary-lrs/tributary/ingest/app"
	"github.com/tributary-lrs/tributary/ingest/inflight"
	"github.com/tributary-lrs/tributary/ingest/publish"
	"github.com/tributary-lrs/tributary/ingest/server"
	"github.com/tributary-lrs/tributary/platform/config"
	"github.com/tributary-lrs/tributary/platform/store/chdb"
	"github.com/tributary-lrs/tributary/platform/store/chdb/chdbtest"
	"github.com/tributary-lrs/tributary/platform/xapihttp"
	processorapp "github.com/tributary-lrs/tributary/processor/app"
	"github.com/tributary-lrs/tributary/processor/consumer"
	"github.com/tributary-lrs/tributary/processor/progress"
	"github.com/tributary-lrs/tributary/processor/sink"
	"github.com/tributary-lrs/tributary/query"
	queryapp "github.com/tributary-lrs/tributary/query/app"
	"github.com/tributary-lrs/tributary/query/resources"
	"github.com/tributary-lrs/tributary/schemas/store"
)

const partitions = 3

// engine is the process-wide chDB instance (chDB allows one per process);
// every test uses its own database.
var engine store.Engine

func TestMain(m *testing.M) { chdbtest.Main(m, func(e *chdb.Engine) { engine = e }) }

// stack is the distributed LRS in one test process: ingest → kfake → processor → chDB → query
// (statements and the Agents and Activities resources).
type stack struct {
	t       testing.TB
	cfg     config.Config
	db      string
	ingest  *httptest.Server
	query   *httptest.Server
	pub     *publish.Kafka
	acked   *ackLog
	inserts *insertLog

	mu        sync.Mutex
	processor *runningProcessor
	members   []*runningProcessor
}

func newStack(t testing.TB) *stack {
	t.Helper()
	id := strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1),
		kfake.SeedTopics(partitions, "stmts-"+id), kfake.SeedTopics(1, "dlq-"+id))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	cfg := config.Default()
	cfg.Kafka.Brokers, cfg.Kafka.Topic, cfg.Kafka.DeadLetterTopic = cluster.ListenAddrs(), "stmts-"+id, "dlq-"+id
	cfg.Kafka.GroupID, cfg.Kafka.Partitions = "group-"+id, partitions
	cfg.Ingest.HeartbeatInterval = 50 * time.Millisecond
	cfg.Processor.BatchRows, cfg.Processor.BatchAge = 500, 30*time.Millisecond
	cfg.Processor.RetryMin, cfg.Processor.RetryMax = 10*time.Millisecond, 200*time.Millisecond
	cfg.Query.WatermarkRefresh = 10 * time.Millisecond
	cfg.Shutdown.StepTimeout = 5 * time.Second
	s := &stack{t: t, cfg: cfg, db: "e2e_" + id, acked: newAckLog(), inserts: newInsertLog()}
	ctx := context.Background()
	if _, err := store.Migrate(ctx, engine, s.db); err != nil {
		t.Fatal(err)
	}
	auth := xapihttp.NewStatic("key", "secret123", "default", "http://lrs.test")
	log := slog.New(slog.DiscardHandler)

	tracker := inflight.New(nil)
	s.pub, err = publish.NewKafka(ingestapp.PublishOptions(cfg.Kafka, cfg.Ingest), tracker, log, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.pub.Close(context.Background()) })
	st := server.StoreLookup{Engine: engine, Database: s.db}
	wm := store.ProgressWatermark{Engine: engine, Database: s.db, Topic: cfg.Kafka.Topic}
	ing, err := server.New(server.Deps{Publisher: recordingPublisher{s.pub, s.acked}, Tracker: tracker,
		Lookup: st, Attachments: st, Voiding: st, Auth: auth, Options: ingestapp.ServerOptions(cfg.Ingest),
		Log: log, Registry: prometheus.NewRegistry(), Watermark: wm})
	if err != nil {
		t.Fatal(err)
	}
	r := mux.NewRouter()
	ing.Routes(r)
	s.ingest = httptest.NewServer(r)
	t.Cleanup(s.ingest.Close)

	keys, err := query.CursorKeys(ctx, "", engine, s.db)
	if err != nil {
		t.Fatal(err)
	}
	q, err := query.New(query.Deps{Engine: engine, Database: s.db, Auth: auth, CursorKeys: keys,
		Watermark: wm,
		Options:   queryapp.Options(cfg.Query), Log: log, Registry: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	res, err := resources.New(resources.Deps{Engine: engine, Database: s.db, Auth: auth, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	qr := mux.NewRouter()
	q.Routes(qr)
	res.Routes(qr)
	s.query = httptest.NewServer(qr)
	t.Cleanup(s.query.Close)
	t.Cleanup(s.stopProcessor)
	waitFor(t, 20*time.Second, "ingest ready (heartbeat on every partition)", s.pub.Ready)
	return s
}

// runningProcessor is one consumer-group member. done receives what its
// Run returned (errGoexit after a simulated crash); exited is closed when it
// ended.
type runningProcessor struct {
	cancel context.CancelFunc
	done   chan error
	exited chan struct{}
}

// member tunes one processor of the stack; the zero value is a processor
// like the stack's configuration says.
type member struct {
	// eng is the engine the sink writes through (default: engine).
	eng store.Engine
	// crashAfter > 0 makes it die right after its crashAfter-th stored
	// batch, before recording progress or committing offsets (as a kill -9
	// between insert and commit would).
	crashAfter int
	// batchRows and batchAge override the stack's when set.
	batchRows int
	batchAge  time.Duration
	// shutdown bounds finishing a batch at stop (default 5 s).
	shutdown time.Duration
	// sink wraps the sink (crash points, barriers).
	sink func(consumer.Sink) consumer.Sink
	// registry receives the processor's metrics.
	registry *prometheus.Registry
}

// startProcessor starts a processor; crashAfter > 0 makes it die right after
// its crashAfter-th insert (see member).
func (s *stack) startProcessor(crashAfter int) *runningProcessor {
	s.t.Helper()
	return s.start(member{crashAfter: crashAfter})
}

// startProcessorOn is startProcessor with the sink writing through eng.
func (s *stack) startProcessorOn(eng store.Engine, crashAfter int) *runningProcessor {
	s.t.Helper()
	return s.start(member{eng: eng, crashAfter: crashAfter})
}

// start starts a processor in the stack's consumer group; s.processor is the
// last one started. Every one is stopped when the test ends.
func (s *stack) start(m member) *runningProcessor {
	s.t.Helper()
	if m.eng == nil {
		m.eng = engine
	}
	if m.shutdown == 0 {
		m.shutdown = 5 * time.Second
	}
	if m.registry == nil {
		m.registry = prometheus.NewRegistry()
	}
	pcfg := s.cfg.Processor
	if m.batchRows > 0 {
		pcfg.BatchRows = m.batchRows
	}
	if m.batchAge > 0 {
		pcfg.BatchAge = m.batchAge
	}
	snk, err := sink.New(m.eng, s.db, slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	if err != nil {
		s.t.Fatal(err)
	}
	var cs consumer.Sink = &recordingSink{Sink: snk, log: s.inserts}
	if m.sink != nil {
		cs = m.sink(cs)
	}
	var prog consumer.Progress = progress.New(engine, s.db)
	if m.crashAfter > 0 {
		prog = &crashingProgress{Progress: prog, after: m.crashAfter}
	}
	c, err := consumer.New(processorapp.ConsumerOptions(s.cfg.Kafka, pcfg), consumer.Deps{
		Sink: cs, Progress: prog, Log: slog.New(slog.DiscardHandler),
		Registerer: m.registry, ShutdownTimeout: m.shutdown, SessionTimeout: 6 * time.Second})
	if err != nil {
		s.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &runningProcessor{cancel: cancel, done: make(chan error, 1), exited: make(chan struct{})}
	go func() {
		var err error = errGoexit
		defer func() { p.done <- err; close(p.exited) }()
		err = c.Run(ctx)
	}()
	s.mu.Lock()
	s.processor = p
	s.members = append(s.members, p)
	s.mu.Unlock()
	return p
}

var errGoexit = fmt.Errorf("processor goroutine exited without returning (simulated crash)")

// stopProcessor stops every processor still running.
func (s *stack) stopProcessor() {
	s.mu.Lock()
	members := s.members
	s.members, s.processor = nil, nil
	s.mu.Unlock()
	for _, p := range members {
		p.stop(s.t)
	}
}

// stop stops one processor and waits until it ended.
func (p *runningProcessor) stop(t testing.TB) {
	p.cancel()
	select {
	case <-p.exited:
	case <-time.After(15 * time.Second):
		t.Error("processor did not stop within 15 s")
	}
}

// post sends statements as one POST and returns the HTTP status.
func (s *stack) post(stmts []map[string]any) (int, []string) {
	s.t.Helper()
	body, _ := json.Marshal(stmts)
	req, _ := http.NewRequest(http.MethodPost, s.ingest.URL+"/xapi/statements", strings.NewReader(string(body)))
	req.SetBasicAuth("key", "secret123")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Experience-API-Version", "1.0.3")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Error(err)
		return 0, nil
	}
	defer resp.Body.Close()
	var ids []string
	if resp.StatusCode == http.StatusOK {
		_ = json.NewDecoder(resp.Body).Decode(&ids)
	}
	return resp.StatusCode, ids
}

type result struct {
	Statements []json.RawMessage `json:"statements"`
	More       string            `json:"more"`
}

// get runs a statement GET on the query server.
func (s *stack) get(path string) (result, http.Header, int) {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.query.URL+path, nil)
	req.SetBasicAuth("key", "secret123")
	req.Header.Set("X-Experience-API-Version", "2.0.0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var r result
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(b, &r); err != nil {
			s.t.Fatalf("GET %s: %v: %s", path, err, b)
		}
	}
	return r, resp.Header, resp.StatusCode
}

// all follows more links from path and returns every statement id and stored time.
func (s *stack) all(path string) map[string]time.Time {
	s.t.Helper()
	out := map[string]time.Time{}
	for path != "" {
		r, _, code := s.get(path)
		if code != http.StatusOK {
			s.t.Fatalf("GET %s: status %d", path, code)
		}
		for _, raw := range r.Statements {
			var st struct {
				ID     string    `json:"id"`
				Stored time.Time `json:"stored"`
			}
			_ = json.Unmarshal(raw, &st)
			if _, dup := out[st.ID]; dup {
				s.t.Fatalf("statement %s returned twice", st.ID)
			}
			out[st.ID] = st.Stored
		}
		path = strings.TrimPrefix(r.More, "/xapi")
		if path != "" && !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		if strings.HasPrefix(path, "/statements") {
			path = "/xapi" + path
		}
	}
	return out
}

func consistentThrough(t testing.TB, h http.Header) time.Time {
	t.Helper()
	ct, err := time.Parse(time.RFC3339Nano, h.Get(xapihttp.HeaderConsistentThrough))
	if err != nil {
		t.Fatalf("bad %s %q: %v", xapihttp.HeaderConsistentThrough, h.Get(xapihttp.HeaderConsistentThrough), err)
	}
	return ct
}

func waitFor(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out after %s waiting for %s", d, what)
}

func timeParam(t time.Time) string {
	return url.QueryEscape(t.UTC().Format("2006-01-02T15:04:05.000Z"))
}
