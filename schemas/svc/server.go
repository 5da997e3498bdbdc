package svc

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/tributary-lrs/tributary/schemas/config"
	"github.com/tributary-lrs/tributary/schemas/xapihttp"
)

// ServerOptions are the dependencies of a Server.
type ServerOptions struct {
	// Registry is served on /metrics; nil serves no /metrics. Never the
	// global registry: each process builds its own.
	Registry *prometheus.Registry
	// Ready answers /readyz; nil means always ready. Pass Lifecycle.Readiness().
	Ready *Readiness
	// Log receives the server's own errors; nil discards them.
	Log *slog.Logger
	// MaxBodyBytes is the largest body a route of the app accepts: what a
	// body of unknown length counts against http.body_bytes_in_flight
	// (0: all of it).
	MaxBodyBytes int64
}

// Server is the HTTP listener of a role: the app handler on every path but
//
//	GET /metrics   Prometheus exposition of ServerOptions.Registry
//	GET /healthz   200 while the process runs
//	GET /readyz    200 when ready, 503 with the failing check names (JSON)
//
// with the timeouts of config.HTTP. The request bodies the app reads are
// bounded as xapihttp.GuardBodies describes (http.body_bytes_in_flight,
// http.body_wait_timeout, http.body_read_timeout).
type Server struct {
	srv *http.Server
	log *slog.Logger
	ln  net.Listener
}

// NewServer builds the server; Start listens.
func NewServer(cfg config.HTTP, app http.Handler, opts ServerOptions) *Server {
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	if opts.Registry != nil {
		mux.Handle("GET /metrics", promhttp.HandlerFor(opts.Registry, promhttp.HandlerOpts{
			Registry: opts.Registry, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}))
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	ready := opts.Ready
	if ready == nil {
		ready = NewReadiness()
	}
	mux.Handle("GET /readyz", ready)
	if cfg.Pprof {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	if app != nil {
		mux.Handle("/", xapihttp.GuardBodies(app, bodyLimits(cfg, opts.MaxBodyBytes)))
	}
	return &Server{
		log: log,
		srv: &http.Server{
			Addr:              cfg.Addr,
			Handler:           mux,
			ReadHeaderTimeout: cfg.ReadHeaderTimeout,
			ReadTimeout:       cfg.ReadTimeout,
			WriteTimeout:      cfg.WriteTimeout,
			IdleTimeout:       cfg.IdleTimeout,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		},
	}
}

// bodyLimits are the bounds of the request bodies the app reads (see
// xapihttp.GuardBodies); an unset http.body_bytes_in_flight bounds nothing.
func bodyLimits(cfg config.HTTP, maxBody int64) xapihttp.BodyLimits {
	l := xapihttp.BodyLimits{InFlight: cfg.BodyBytesInFlight, Unknown: maxBody, Wait: cfg.BodyWaitTimeout,
		Pause: cfg.BodyReadTimeout, Read: cfg.ReadTimeout}
	if l.Unknown <= 0 {
		l.Unknown = l.InFlight
	}
	return l
}

// Handler is the complete handler (app and operational routes), for tests.
func (s *Server) Handler() http.Handler { return s.srv.Handler }

// Start listens on config.HTTP.Addr, serves in the background and registers
// the drain at PhaseHTTP of lc. A failure to listen is returned; a later
// failure to serve fails lc.
func (s *Server) Start(lc *Lifecycle) error {
	ln, err := net.Listen("tcp", s.srv.Addr)
	if err != nil {
		return err
	}
	s.ln = ln
	s.log.Info("http listening", "addr", ln.Addr().String())
	go func() {
		if err := s.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			lc.Fail("http server", err)
		}
	}()
	lc.OnStop(PhaseHTTP, "http server", s.Shutdown)
	return nil
}

// Addr is the address Start listens on (useful with port 0), nil before.
func (s *Server) Addr() net.Addr {
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// Shutdown stops accepting connections and waits for in-flight requests
// until ctx expires; then it closes the remaining connections.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	if err != nil {
		_ = s.srv.Close()
	}
	return err
}
