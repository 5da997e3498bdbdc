// Package bodylimits tests how the all-in-one LRS, served as a process
// serves it (svc.NewServer), treats request bodies that do not arrive: every
// endpoint that reads a body answers 408 with an xAPI error body soon after
// the body stops, instead of holding the connection until the read timeout
// and dropping it (issue 7).
package bodylimits

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tributary-lrs/tributary/internal/allinone"
	"github.com/tributary-lrs/tributary/platform/config"
	"github.com/tributary-lrs/tributary/platform/svc"
	"github.com/tributary-lrs/tributary/platform/xapihttp"
)

const (
	key, secret           = "bodylimits", "bodylimits-secret"
	adminKey, adminSecret = "admin", "admin-secret-123"
	bodyReadTimeout       = 300 * time.Millisecond
)

// addr is the listener of the LRS; tightAddr serves the same LRS with room
// for tightInFlight bytes of bodies at once and a short wait.
var addr, tightAddr string

const (
	tightInFlight = 64 << 10
	tightWait     = 300 * time.Millisecond
)

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "tributary-bodylimits-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	cfg := config.Default()
	cfg.Data.Dir = dir
	cfg.HTTP.Addr = "127.0.0.1:0"
	cfg.HTTP.AdminAddr = "" // the admin API on the same listener: its bodies are tested too
	cfg.HTTP.BodyReadTimeout = bodyReadTimeout
	cfg.Auth.Bootstrap.Key, cfg.Auth.Bootstrap.Secret = key, secret
	cfg.Auth.Admin.Key, cfg.Auth.Admin.Secret = adminKey, adminSecret
	cfg.Auth.RateLimit = 0
	log := slog.New(slog.DiscardHandler)
	lc := svc.NewLifecycle(log, cfg.Shutdown)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	admin := http.NewServeMux()
	app, err := allinone.Setup(ctx, svc.Env{Role: config.RoleAll, Config: cfg, Log: log,
		Registry: prometheus.NewRegistry(), Lifecycle: lc, Stdout: io.Discard, Admin: admin})
	if err != nil {
		fmt.Fprintln(os.Stderr, "allinone.Setup:", err)
		return 1
	}
	srv := svc.NewServer(cfg.HTTP, app, svc.ServerOptions{Ready: lc.Readiness(), Log: log, Admin: admin,
		MaxBodyBytes: max(cfg.Ingest.MaxBodyBytes, cfg.Query.MaxDocumentBytes)})
	if err := srv.Start(lc); err != nil {
		fmt.Fprintln(os.Stderr, "start:", err)
		return 1
	}
	addr = srv.Addr().String()
	tight := cfg.HTTP
	tight.BodyBytesInFlight, tight.BodyWaitTimeout, tight.BodyReadTimeout = tightInFlight, tightWait, 5*time.Second
	tightSrv := svc.NewServer(tight, app, svc.ServerOptions{Log: log})
	if err := tightSrv.Start(lc); err != nil {
		fmt.Fprintln(os.Stderr, "start:", err)
		return 1
	}
	tightAddr = tightSrv.Addr().String()
	stopped := make(chan error, 1)
	go func() { stopped <- lc.Run(ctx) }()
	defer func() {
		cancel()
		<-stopped
	}()
	return m.Run()
}

func basic(k, s string) string { return "Basic " + base64.StdEncoding.EncodeToString([]byte(k+":"+s)) }

// TestShortBodyGets408OnEveryEndpoint: a body shorter than its
// Content-Length is answered 408 with the xAPI error body about
// http.body_read_timeout after its last byte, on every endpoint that reads
// a body, and the connection is closed.
func TestShortBodyGets408OnEveryEndpoint(t *testing.T) {
	agent := url.QueryEscape(`{"mbox":"mailto:ada@example.com"}`)
	activity := url.QueryEscape("http://example.com/activity")
	for _, ep := range []struct {
		name, method, target, contentType, auth string
	}{
		{"statements POST", http.MethodPost, "/xapi/statements", "application/json", basic(key, secret)},
		{"statements PUT", http.MethodPut, "/xapi/statements?statementId=" + uuid.NewString(), "application/json", basic(key, secret)},
		{"statements multipart", http.MethodPost, "/xapi/statements", "multipart/mixed; boundary=b", basic(key, secret)},
		{"alternate syntax", http.MethodPost, "/xapi/statements?method=PUT", "application/x-www-form-urlencoded", ""},
		{"state PUT", http.MethodPut, "/xapi/activities/state?activityId=" + activity + "&agent=" + agent + "&stateId=s",
			"application/json", basic(key, secret)},
		{"activity profile POST", http.MethodPost, "/xapi/activities/profile?activityId=" + activity + "&profileId=p",
			"application/json", basic(key, secret)},
		{"agent profile PUT", http.MethodPut, "/xapi/agents/profile?agent=" + agent + "&profileId=p",
			"application/octet-stream", basic(key, secret)},
		{"admin", http.MethodPost, "/admin/tenants", "application/json", basic(adminKey, adminSecret)},
	} {
		t.Run(ep.name, func(t *testing.T) {
			t.Parallel()
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			start := time.Now()
			fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: lrs\r\nX-Experience-API-Version: 1.0.3\r\nContent-Type: %s\r\n",
				ep.method, ep.target, ep.contentType)
			if ep.auth != "" {
				fmt.Fprintf(conn, "Authorization: %s\r\n", ep.auth)
			}
			fmt.Fprint(conn, "Content-Length: 1000\r\n\r\n{\"a\":")
			_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("no response to a body that stopped short: %v", err)
			}
			defer resp.Body.Close()
			took := time.Since(start)
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusRequestTimeout {
				t.Fatalf("status %d, want 408: %s", resp.StatusCode, body)
			}
			var eb xapihttp.ErrorBody
			if err := json.Unmarshal(body, &eb); err != nil || eb.Error.Code != http.StatusRequestTimeout ||
				!strings.Contains(eb.Error.Message, "did not arrive in time") {
				t.Errorf("body %s is not the xAPI error body of a 408 (%v)", body, err)
			}
			if took < bodyReadTimeout || took > bodyReadTimeout+5*time.Second {
				t.Errorf("answered after %s, want about http.body_read_timeout (%s)", took, bodyReadTimeout)
			}
			if !resp.Close {
				t.Error("the connection is kept open after a body that stopped short")
			}
		})
	}
}

// TestBodyBeyondBytesInFlightGets503WithRetryAfter: while the bodies in
// flight fill http.body_bytes_in_flight, a further request waits
// http.body_wait_timeout for room and then gets 503 with Retry-After.
func TestBodyBeyondBytesInFlightGets503WithRetryAfter(t *testing.T) {
	// A request that holds all the room: admitted, its body still arriving.
	conn, err := net.Dial("tcp", tightAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /xapi/statements HTTP/1.1\r\nHost: lrs\r\nX-Experience-API-Version: 1.0.3\r\n"+
		"Content-Type: application/json\r\nAuthorization: %s\r\nContent-Length: %d\r\n\r\n[", basic(key, secret), tightInFlight)

	stmt := `{"actor":{"mbox":"mailto:ada@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},` +
		`"object":{"id":"http://example.com/activity"}}`
	deadline := time.Now().Add(10 * time.Second)
	for {
		req, _ := http.NewRequest(http.MethodPost, "http://"+tightAddr+"/xapi/statements", strings.NewReader(stmt))
		req.SetBasicAuth(key, secret)
		req.Header.Set("X-Experience-API-Version", "1.0.3")
		req.Header.Set("Content-Type", "application/json")
		start := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusServiceUnavailable {
			if took := time.Since(start); took < tightWait {
				t.Errorf("503 after %s, before http.body_wait_timeout (%s)", took, tightWait)
			}
			if resp.Header.Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
			var eb xapihttp.ErrorBody
			if err := json.Unmarshal(body, &eb); err != nil || eb.Error.Code != http.StatusServiceUnavailable {
				t.Errorf("body %s is not the xAPI error body of a 503 (%v)", body, err)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("a request beyond http.body_bytes_in_flight got %d, never 503: %s", resp.StatusCode, body)
		}
	}
}
