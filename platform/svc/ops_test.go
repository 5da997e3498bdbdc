package svc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/tributary-lrs/tributary/platform/config"
	"github.com/tributary-lrs/tributary/platform/svc/routelabel"
)

// seriesLabels returns "route=…,method=…,code=…" of every series of the
// request histogram.
func seriesLabels(t *testing.T, reg *prometheus.Registry) string {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var series []string
	for _, mf := range mfs {
		if mf.GetName() != HTTPDurationMetric {
			continue
		}
		for _, m := range mf.GetMetric() {
			var l []string
			for _, lp := range m.GetLabel() {
				l = append(l, lp.GetName()+"="+lp.GetValue())
			}
			series = append(series, strings.Join(l, ","))
		}
	}
	return strings.Join(series, "\n")
}

// Issue 7, item 12: a request is labelled with the template of the route
// the router inside the app matched, not with the pattern ("/") the app is
// mounted on.
func TestMetricsLabelRouteTemplateNotMountPattern(t *testing.T) {
	reg := prometheus.NewRegistry()
	router := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/xapi/statements" {
			routelabel.Set(r, "/xapi/statements")
			return
		}
		http.NotFound(w, r)
	})
	h := NewServer(config.Default().HTTP, InstrumentHandler(reg, router, nil), ServerOptions{}).Handler()
	for _, path := range []string{"/xapi/statements?agent=x", "/xapi/nowhere/123"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
	}
	got := seriesLabels(t, reg)
	for _, want := range []string{"code=200,method=GET,route=/xapi/statements", "code=404,method=GET,route=unmatched"} {
		if !strings.Contains(got, want) {
			t.Errorf("no series %s in\n%s", want, got)
		}
	}
	if strings.Contains(got, "route=/,") || strings.Contains(got, "nowhere") {
		t.Errorf("a series is labelled with the mount pattern or a raw path:\n%s", got)
	}
}

// Issue 7, item 23: with http.admin_addr set, the admin API, /metrics and
// pprof are served there only; /healthz and /readyz on both listeners.
func TestAdminAndMetricsOnlyOnAdminListener(t *testing.T) {
	cfg := config.Default().HTTP
	cfg.Pprof = true
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "app") })
	admin := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "admin") })
	srv := NewServer(cfg, app, ServerOptions{Registry: prometheus.NewRegistry(), Admin: admin})
	api, adm := srv.Handler(), srv.AdminHandler()
	for _, c := range []struct {
		h          http.Handler
		path, want string
	}{
		{api, "/xapi/about", "app"}, {api, "/admin/credentials", "app"}, {api, "/metrics", "app"},
		{api, "/debug/pprof/", "app"}, {api, "/healthz", "ok\n"},
		{adm, "/admin/credentials", "admin"}, {adm, "/healthz", "ok\n"},
	} {
		if got := get(t, c.h, c.path).Body.String(); got != c.want {
			t.Errorf("%s = %q, want %q", c.path, got, c.want)
		}
	}
	for _, path := range []string{"/metrics", "/debug/pprof/", "/readyz"} {
		if w := get(t, adm, path); w.Code != http.StatusOK {
			t.Errorf("admin listener %s = %d", path, w.Code)
		}
	}
	if w := get(t, adm, "/xapi/about"); w.Code != http.StatusNotFound {
		t.Errorf("admin listener serves the xAPI: %d", w.Code)
	}
	if w := get(t, api, "/readyz"); w.Code != http.StatusOK {
		t.Errorf("xAPI listener /readyz = %d", w.Code)
	}

	// Empty admin_addr: one listener serves everything.
	cfg.AdminAddr = ""
	srv = NewServer(cfg, app, ServerOptions{Registry: prometheus.NewRegistry(), Admin: admin})
	h := srv.Handler()
	if get(t, h, "/admin/x").Body.String() != "admin" || get(t, h, "/metrics").Code != 200 || get(t, h, "/xapi/about").Body.String() != "app" {
		t.Error("with an empty admin_addr, admin, metrics and app do not share the listener")
	}
}

// Issue 7, item 13: a busy port is reported with the key that changes it,
// before anything else happens.
func TestListenBusyPortNamesTheKey(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	cfg := config.Default().HTTP
	cfg.Addr, cfg.AdminAddr = "127.0.0.1:0", busy.Addr().String()
	_, err = Listen(cfg)
	if err == nil || !strings.Contains(err.Error(), "http.admin_addr "+busy.Addr().String()+": the address is in use") ||
		!strings.Contains(err.Error(), "TRIBUTARY_HTTP_ADMIN_ADDR") {
		t.Fatalf("Listen = %v", err)
	}
	cfg.AdminAddr = "127.0.0.1:0"
	ls, err := Listen(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	if ls.API == nil || ls.Admin == nil || ls.API.Addr().String() == ls.Admin.Addr().String() {
		t.Fatalf("listeners = %+v", ls)
	}
}

// Issue 7, item 23: failed admin sign-ins from one address are locked out
// with 429 and Retry-After; other addresses are not affected, and the lock
// ends with the window.
func TestAdminLockoutAfterRepeatedFailedSignIns(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	l := NewLockout(3, time.Minute, nil)
	l.Now = func() time.Time { return now }
	calls := 0
	h := l.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if _, pw, _ := r.BasicAuth(); pw != "right" {
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	try := func(addr, pw string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, "/admin/tenants", nil)
		r.RemoteAddr = addr + ":5555"
		r.SetBasicAuth("admin", pw)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	for i := 0; i < 3; i++ {
		if w := try("10.0.0.1", "guess"); w.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d = %d, want 401", i+1, w.Code)
		}
		now = now.Add(10 * time.Second)
	}
	w := try("10.0.0.1", "right") // even the right secret waits
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "30" {
		t.Fatalf("after 3 failures = %d Retry-After %q, want 429 and 30", w.Code, w.Header().Get("Retry-After"))
	}
	var body struct {
		Error struct{ Code int } `json:"error"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Error.Code != 429 {
		t.Errorf("429 body = %s", w.Body)
	}
	if calls != 3 {
		t.Errorf("the handler saw %d requests, want 3 (none while locked)", calls)
	}
	if w := try("10.0.0.2", "right"); w.Code != http.StatusOK {
		t.Errorf("another address = %d, want 200", w.Code)
	}
	now = now.Add(31 * time.Second) // the first failure left the window
	if w := try("10.0.0.1", "right"); w.Code != http.StatusOK {
		t.Errorf("after the window = %d, want 200", w.Code)
	}
	if w := try("10.0.0.1", "guess"); w.Code != http.StatusUnauthorized {
		t.Errorf("a success clears the failures: got %d, want 401", w.Code)
	}
}

// Issue 7, item 17: durations in logs carry their unit, in JSON too.
func TestLogDurationsHaveUnits(t *testing.T) {
	for _, format := range []string{"json", "text"} {
		var b bytes.Buffer
		NewLogger(config.Log{Level: "info", Format: format}, &b).Info("step", "duration", 20200*time.Nanosecond,
			slog.Group("g", "timeout", 10*time.Second))
		out := b.String()
		if !strings.Contains(out, "20.2µs") || !strings.Contains(out, "10s") || strings.Contains(out, "20200") {
			t.Errorf("%s log = %s", format, out)
		}
	}
}

// Issue 7, items 13 and 15: `<role> --help` prints the usage and exits 0;
// a busy port fails at once with one line, before setup runs.
func TestMainHelpAndBusyPort(t *testing.T) {
	setupRan := false
	setup := func(context.Context, Env) (http.Handler, error) {
		setupRan = true
		return nil, errors.New("unexpected")
	}
	var out, errOut bytes.Buffer
	if code := Main("query", []string{"--help"}, nil, &out, &errOut, setup); code != 0 ||
		!strings.Contains(out.String(), "usage: ") || !strings.Contains(out.String(), "--http.addr") {
		t.Errorf("--help = %d\nstdout %s\nstderr %s", code, &out, &errOut)
	}
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	out.Reset()
	errOut.Reset()
	env := []string{"TRIBUTARY_HTTP_ADDR=" + busy.Addr().String(), "TRIBUTARY_HTTP_ADMIN_ADDR=127.0.0.1:0",
		"TRIBUTARY_CLICKHOUSE_ENGINE=clickhouse"}
	if code := Main("processor", nil, env, &out, &errOut, setup); code != 1 || setupRan {
		t.Errorf("busy port: exit %d, setup ran %v", code, setupRan)
	}
	if lines := strings.Split(strings.TrimSpace(errOut.String()), "\n"); len(lines) != 1 ||
		!strings.Contains(lines[0], "address is in use") {
		t.Errorf("busy port stderr = %q, want one line", errOut.String())
	}
	if out.Len() != 0 {
		t.Errorf("busy port printed %q on stdout", out.String())
	}
}
