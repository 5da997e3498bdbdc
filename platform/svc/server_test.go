package svc

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/tributary-lrs/tributary/platform/config"
)

func get(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	return w
}

func TestServerRoutes(t *testing.T) {
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "lrs_test_things_total", Help: "t"})
	reg.MustRegister(c)
	c.Inc()
	ready := NewReadiness()
	var kafkaErr error
	ready.Add("clickhouse", func(context.Context) error { return nil })
	ready.Add("kafka", func(context.Context) error { return kafkaErr })
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "app "+r.URL.Path) })
	cfg := config.Default().HTTP
	cfg.AdminAddr = "" // one listener for all routes
	h := NewServer(cfg, app, ServerOptions{Registry: reg, Ready: ready}).Handler()

	if w := get(t, h, "/healthz"); w.Code != 200 {
		t.Errorf("/healthz = %d", w.Code)
	}
	if w := get(t, h, "/metrics"); w.Code != 200 || !strings.Contains(w.Body.String(), "lrs_test_things_total 1") {
		t.Errorf("/metrics = %d\n%s", w.Code, w.Body)
	}
	if w := get(t, h, "/xapi/about"); w.Body.String() != "app /xapi/about" {
		t.Errorf("app route = %q", w.Body)
	}

	var body struct {
		Ready   bool     `json:"ready"`
		Failing []string `json:"failing"`
	}
	w := get(t, h, "/readyz")
	if w.Code != 200 {
		t.Errorf("/readyz = %d %s, want 200", w.Code, w.Body)
	}
	kafkaErr = errors.New("no broker")
	w = get(t, h, "/readyz")
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || w.Code != 503 || body.Ready ||
		strings.Join(body.Failing, ",") != "kafka" {
		t.Errorf("/readyz with kafka down = %d %s", w.Code, w.Body)
	}
	kafkaErr = nil
	ready.SetNotReady()
	w = get(t, h, "/readyz")
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || w.Code != 503 || strings.Join(body.Failing, ",") != NotReadyShutdown {
		t.Errorf("/readyz after SetNotReady = %d %s", w.Code, w.Body)
	}
}

func TestReadinessCheckTimeout(t *testing.T) {
	r := NewReadiness()
	r.Timeout = 20 * time.Millisecond
	r.Add("slow", func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() })
	if f := r.Failing(context.Background()); strings.Join(f, ",") != "slow" {
		t.Errorf("Failing = %q", f)
	}
}

// TestServerDrain: shutdown waits for an in-flight request, and /readyz turns
// 503 before the listener closes.
func TestServerDrain(t *testing.T) {
	lc := NewLifecycle(slog.New(slog.DiscardHandler), config.Shutdown{StepTimeout: 5 * time.Second})
	inFlight, release := make(chan struct{}), make(chan struct{})
	app := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		close(inFlight)
		<-release
		_, _ = io.WriteString(w, "done")
	})
	cfg := config.Default().HTTP
	cfg.Addr, cfg.AdminAddr = "127.0.0.1:0", "127.0.0.1:0"
	srv := NewServer(cfg, app, ServerOptions{Ready: lc.Readiness()})
	if err := srv.Start(lc); err != nil {
		t.Fatal(err)
	}
	base := "http://" + srv.Addr().String()
	var readyDuringDrain int
	lc.OnStop(PhaseHTTP, "check readyz", func(context.Context) error { // runs before the drain (LIFO)
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			readyDuringDrain = resp.StatusCode
			resp.Body.Close()
		}
		close(release)
		return err
	})

	got := make(chan string, 1)
	go func() {
		resp, err := http.Get(base + "/slow")
		if err != nil {
			got <- err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		got <- string(b)
	}()
	<-inFlight
	if err := lc.Run(cancelled()); err != nil {
		t.Fatalf("Run = %v", err)
	}
	if s := <-got; s != "done" {
		t.Errorf("in-flight request got %q, want it drained", s)
	}
	if readyDuringDrain != http.StatusServiceUnavailable {
		t.Errorf("/readyz during shutdown = %d, want 503", readyDuringDrain)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("server still accepting after shutdown")
	}
}

func TestInstrumentHandler(t *testing.T) {
	reg := prometheus.NewRegistry()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /xapi/statements", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
	mux.HandleFunc("GET /xapi/statements", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "{}") })
	h := InstrumentHandler(reg, mux, nil)
	// A second wrap with the same registry shares the histogram instead of panicking.
	h2 := InstrumentHandler(reg, http.NotFoundHandler(), func(*http.Request) string { return "notfound" })

	for _, req := range []*http.Request{
		httptest.NewRequest(http.MethodPost, "/xapi/statements", nil),
		httptest.NewRequest(http.MethodGet, "/xapi/statements?verb=x", nil),
		httptest.NewRequest("BREW", "/nowhere", nil),
	} {
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	h2.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/x", nil))

	const name = "lrs_http_request_duration_seconds"
	if n := testutil.CollectAndCount(reg, name); n != 4 {
		t.Errorf("%d series, want 4", n)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var series []string
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			var l []string
			for _, lp := range m.GetLabel() {
				l = append(l, lp.GetName()+"="+lp.GetValue())
			}
			series = append(series, strings.Join(l, ","))
		}
	}
	all := strings.Join(series, "\n")
	for _, want := range []string{
		"code=503,method=POST,route=POST /xapi/statements",
		"code=200,method=GET,route=GET /xapi/statements",
		"code=404,method=OTHER,route=unmatched",
		"code=404,method=GET,route=notfound",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no series %s in\n%s", want, all)
		}
	}
}

func TestNewLogger(t *testing.T) {
	var b strings.Builder
	NewLogger(config.Log{Level: "warn", Format: "json"}, &b).Info("hidden")
	NewLogger(config.Log{Level: "warn", Format: "json"}, &b).Warn("shown", "k", 1)
	if s := b.String(); strings.Contains(s, "hidden") || !strings.Contains(s, `"msg":"shown"`) {
		t.Errorf("json/warn logger wrote %q", s)
	}
	b.Reset()
	NewLogger(config.Log{Level: "debug", Format: "text"}, &b).Debug("dbg")
	if s := b.String(); !strings.Contains(s, "msg=dbg") {
		t.Errorf("text/debug logger wrote %q", s)
	}
}
