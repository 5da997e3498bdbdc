package svc

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tributary-lrs/tributary/platform/config"
)

// TestIssue24_RequestHeaderOverMaxHeaderBytesRejected: issue 7 item 24, a
// 1 MB request header was accepted. Past http.max_header_bytes the server
// answers 431 without calling the app; a header well within it is served.
func TestIssue24_RequestHeaderOverMaxHeaderBytesRejected(t *testing.T) {
	lc := NewLifecycle(slog.New(slog.DiscardHandler), config.Shutdown{StepTimeout: 5 * time.Second})
	t.Cleanup(func() { _ = lc.Run(cancelled()) })
	cfg := config.Default().HTTP
	cfg.Addr, cfg.AdminAddr = "127.0.0.1:0", "127.0.0.1:0"
	if cfg.MaxHeaderBytes != 64<<10 {
		t.Fatalf("default http.max_header_bytes = %d, want 64 KiB", cfg.MaxHeaderBytes)
	}
	var served atomic.Int32
	app := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { served.Add(1) })
	srv := NewServer(cfg, app, ServerOptions{})
	if err := srv.Start(lc); err != nil {
		t.Fatal(err)
	}
	send := func(headerBytes int) int {
		t.Helper()
		conn, err := net.Dial("tcp", srv.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		go func() { // the server answers before it has read everything
			_, _ = io.WriteString(conn, "GET /xapi/about HTTP/1.1\r\nHost: lrs\r\nX-Big: "+
				strings.Repeat("a", headerBytes)+"\r\n\r\n")
		}()
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%d-byte header: %v", headerBytes, err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := send(1 << 20); code != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("1 MB header: %d, want 431", code)
	}
	if served.Load() != 0 {
		t.Errorf("the app served a request with a 1 MB header")
	}
	if code := send(32 << 10); code != http.StatusOK {
		t.Errorf("32 KiB header: %d, want 200", code)
	}
}
