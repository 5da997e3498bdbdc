// Package chhttptest serves ClickHouse's HTTP interface from the embedded
// chDB engine, so clickhouse-go's HTTP protocol can be tested for real on a
// machine without a ClickHouse server.
//
// It supports what clickhouse-go sends: /ping; queries in the body and/or the
// "query" URL parameter; DDL; SELECT results in the "default_format" (Native
// blocks are re-encoded at the client's protocol revision, see native.go);
// "INSERT ... FORMAT <fmt>" with the data as the body; and errors in
// ClickHouse's shape (status 500, "Code: N. DB::Exception: ..." body,
// X-ClickHouse-Exception-Code header).
//
// Query parameters (param_<name>) are bound to the placeholders {name:Type}
// as the server binds them (params.go).
//
// Not supported: HTTP or native compression, sessions, the "database"
// parameter (qualify table names), external tables. Other URL parameters are
// settings: they are recorded (see Requests) and applied to inserts (added to
// the INSERT's SETTINGS clause), not to other queries.
package chhttptest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"

	"github.com/tributary-lrs/tributary/platform/store/chdb"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// Request is what the server received: the SQL it ran and the settings (URL
// parameters other than query, default_format, client_protocol_version,
// database, query_id, quota_key, param_*).
type Request struct {
	SQL      string
	Settings map[string]string
}

// Server is a running test server. Close it when done; it does not close the
// engine.
type Server struct {
	srv      *httptest.Server
	engine   *chdb.Engine
	revision int

	mu       sync.Mutex
	requests []Request
}

// New starts a server on engine.
func New(ctx context.Context, engine *chdb.Engine) (*Server, error) {
	out, err := engine.Raw(ctx, "SELECT revision()", "TabSeparated")
	if err != nil {
		return nil, fmt.Errorf("chhttptest: read engine revision: %w", err)
	}
	var rev int
	if _, err := fmt.Sscan(string(out), &rev); err != nil {
		return nil, fmt.Errorf("chhttptest: parse engine revision %q: %w", out, err)
	}
	s := &Server{engine: engine, revision: rev}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s, nil
}

// Addr is the host:port to give clickhouse-go.
func (s *Server) Addr() string { return strings.TrimPrefix(s.srv.URL, "http://") }

// URL is the base URL of the server.
func (s *Server) URL() string { return s.srv.URL }

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Requests returns every query request received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

func (s *Server) record(sql string, params url.Values) {
	s.mu.Lock()
	s.requests = append(s.requests, Request{SQL: sql, Settings: settingsOf(params)})
	s.mu.Unlock()
}

// settingsOf returns the URL parameters that are settings.
func settingsOf(params url.Values) map[string]string {
	settings := map[string]string{}
	for k, v := range params {
		switch {
		case k == "query", k == "default_format", k == "client_protocol_version", k == "database",
			k == "query_id", k == "quota_key", strings.HasPrefix(k, "param_"):
		default:
			settings[k] = v[len(v)-1]
		}
	}
	return settings
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/ping" {
		if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		_, _ = w.Write([]byte("Ok.\n"))
		return
	}
	if r.URL.Path != "/" && r.URL.Path != "" {
		writeError(w, &store.ServerError{Code: 1001, Name: "STD_EXCEPTION", Message: "unknown path " + r.URL.Path})
		return
	}
	out, format, err := s.handle(r)
	if err != nil {
		writeError(w, err)
		return
	}
	w.Header().Set("X-ClickHouse-Format", format)
	w.Header().Set("Content-Type", contentType(format))
	w.Header().Set("Content-Length", fmt.Sprint(len(out)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out)
}

func contentType(format string) string {
	if format == "Native" || strings.HasPrefix(format, "RowBinary") {
		return "application/octet-stream"
	}
	return "text/plain; charset=UTF-8"
}

// writeError answers like ClickHouse does for an exception raised before any
// output was sent.
func writeError(w http.ResponseWriter, err error) {
	var se *store.ServerError
	if !errors.As(err, &se) {
		se = &store.ServerError{Code: 1001, Name: "STD_EXCEPTION", Message: err.Error()}
	}
	body := fmt.Sprintf("Code: %d. DB::Exception: %s", se.Code, se.Message)
	if se.Name != "" {
		body += " (" + se.Name + ")"
	}
	body += " (version chhttptest)\n"
	w.Header().Set("X-ClickHouse-Exception-Code", fmt.Sprint(se.Code))
	w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write([]byte(body))
}
