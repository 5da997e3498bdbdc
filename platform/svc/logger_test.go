package svc

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tributary-lrs/tributary/platform/config"
	"github.com/tributary-lrs/tributary/platform/xapihttp"
)

// lockedBuffer is a bytes.Buffer safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestIssue9_ServerErrorLoggedToTheServiceLogger: a 5xx answered by a
// handler below the server is logged to the logger the service passed down
// (ServerOptions.Log), not to the process's default logger.
func TestIssue9_ServerErrorLoggedToTheServiceLogger(t *testing.T) {
	var own, global lockedBuffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&global, nil)))
	t.Cleanup(func() { slog.SetDefault(prev) })

	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		xapihttp.Error(w, r, http.StatusInternalServerError, errors.New("the store broke"))
	})
	cfg := config.Default().HTTP
	cfg.Addr, cfg.AdminAddr = "127.0.0.1:0", ""
	lc := NewLifecycle(slog.New(slog.DiscardHandler), config.Shutdown{StepTimeout: 5 * time.Second})
	srv := NewServer(cfg, app, ServerOptions{Log: slog.New(slog.NewTextHandler(&own, nil))})
	if err := srv.Start(lc); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := lc.Run(cancelled()); err != nil {
			t.Errorf("Run = %v", err)
		}
	}()
	resp, err := http.Get("http://" + srv.Addr().String() + "/xapi/statements")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", resp.StatusCode)
	}
	if got := own.String(); !strings.Contains(got, "request failed") || !strings.Contains(got, "the store broke") {
		t.Errorf("service logger got %q, want the failed request", got)
	}
	if got := global.String(); strings.Contains(got, "request failed") {
		t.Errorf("default logger got %q, want nothing", got)
	}
}
