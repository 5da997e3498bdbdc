package svc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"syscall"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/tributary-lrs/tributary/platform/config"
	"github.com/tributary-lrs/tributary/platform/xapihttp"
)

// AdminPrefix is the path under which ServerOptions.Admin is served.
const AdminPrefix = "/admin/"

// ServerOptions are the dependencies of a Server.
type ServerOptions struct {
	// Registry is served on /metrics; nil serves no /metrics. Never the
	// global registry: each process builds its own.
	Registry *prometheus.Registry
	// Ready answers /readyz; nil means always ready. Pass Lifecycle.Readiness().
	Ready *Readiness
	// Admin serves every path under AdminPrefix (the admin API); nil serves
	// none.
	Admin http.Handler
	// Log receives the server's own errors; nil discards them.
	Log *slog.Logger
	// MaxBodyBytes is the largest body a route of the app accepts: what a
	// body of unknown length counts against http.body_bytes_in_flight
	// (0: all of it).
	MaxBodyBytes int64
}

// Server is the HTTP side of a role, on two listeners:
//
//	http.addr        the app handler on every path, and /healthz, /readyz
//	                 where load balancers probe them
//	http.admin_addr  /admin/ (ServerOptions.Admin), GET /metrics, /healthz,
//	                 /readyz and, with http.pprof, /debug/pprof/
//
// With an empty http.admin_addr everything is served on http.addr. /healthz
// answers 200 while the process runs; /readyz 200 when ready, else 503 with
// the failing check names (JSON). Timeouts are those of config.HTTP. The
// request bodies the app and the admin API read are bounded as
// xapihttp.GuardBodies describes (http.body_bytes_in_flight,
// http.body_wait_timeout, http.body_read_timeout).
type Server struct {
	log     *slog.Logger
	api     *http.Server
	admin   *http.Server // nil when served on api
	cfg     config.HTTP
	apiLn   net.Listener
	adminLn net.Listener
}

// NewServer builds the server; Start (or Listen, then Serve) runs it.
func NewServer(cfg config.HTTP, app http.Handler, opts ServerOptions) *Server {
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ready := opts.Ready
	if ready == nil {
		ready = NewReadiness()
	}
	api := http.NewServeMux()
	probes(api, ready)
	admin := api
	if cfg.AdminAddr != "" {
		admin = http.NewServeMux()
		probes(admin, ready)
	}
	if opts.Registry != nil {
		admin.Handle("GET /metrics", promhttp.HandlerFor(opts.Registry, promhttp.HandlerOpts{
			Registry: opts.Registry, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}))
	}
	if cfg.Pprof {
		admin.HandleFunc("/debug/pprof/", pprof.Index)
		admin.HandleFunc("/debug/pprof/profile", pprof.Profile)
		admin.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		admin.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	if opts.Admin != nil {
		admin.Handle(AdminPrefix, xapihttp.GuardBodies(opts.Admin, bodyLimits(cfg, opts.MaxBodyBytes)))
	}
	if app != nil {
		api.Handle("/", xapihttp.GuardBodies(app, bodyLimits(cfg, opts.MaxBodyBytes)))
	}
	s := &Server{log: log, cfg: cfg, api: newHTTPServer(cfg, cfg.Addr, api, log)}
	if cfg.AdminAddr != "" {
		s.admin = newHTTPServer(cfg, cfg.AdminAddr, admin, log)
	}
	return s
}

func probes(mux *http.ServeMux, ready *Readiness) {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.Handle("GET /readyz", ready)
}

func newHTTPServer(cfg config.HTTP, addr string, h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		// Every request carries the logger: xapihttp.Error reports a 5xx to it.
		BaseContext: func(net.Listener) context.Context { return xapihttp.WithLogger(context.Background(), log) },
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

// Handler is the handler of http.addr, for tests.
func (s *Server) Handler() http.Handler { return s.api.Handler }

// AdminHandler is the handler of http.admin_addr (Handler when it is empty),
// for tests.
func (s *Server) AdminHandler() http.Handler {
	if s.admin == nil {
		return s.api.Handler
	}
	return s.admin.Handler
}

// Listeners are the bound sockets of a Server: API for http.addr, Admin for
// http.admin_addr (nil when it is empty).
type Listeners struct {
	API, Admin net.Listener
}

// Listen binds the listeners of cfg without serving, so a role can fail
// before it opens anything when a port is taken, and announce its addresses
// only once they are bound. An address in use is reported with the key that
// changes it.
func Listen(cfg config.HTTP) (*Listeners, error) {
	api, err := listen("http.addr", cfg.Addr)
	if err != nil {
		return nil, err
	}
	ls := &Listeners{API: api}
	if cfg.AdminAddr != "" {
		if ls.Admin, err = listen("http.admin_addr", cfg.AdminAddr); err != nil {
			_ = api.Close()
			return nil, err
		}
	}
	return ls, nil
}

func listen(key, addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("%s %s: the address is in use by another process: stop it, or set %s (--set %s=HOST:PORT)",
			key, addr, config.EnvName(key), key)
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", key, addr, err)
	}
	return ln, nil
}

// Close releases listeners that will not be served (a start that failed
// after Listen).
func (l *Listeners) Close() {
	for _, ln := range []net.Listener{l.API, l.Admin} {
		if ln != nil {
			_ = ln.Close()
		}
	}
}

// Serve serves on ls (from Listen of the same config) in the background and
// registers the drain at PhaseHTTP of lc. A failure to serve fails lc.
func (s *Server) Serve(lc *Lifecycle, ls *Listeners) {
	s.apiLn, s.adminLn = ls.API, ls.Admin
	serve := func(name string, srv *http.Server, ln net.Listener) {
		s.log.Info("http listening", "listener", name, "addr", ln.Addr().String())
		go func() {
			if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
				lc.Fail(name+" server", err)
			}
		}()
	}
	serve("http", s.api, ls.API)
	if s.admin != nil {
		serve("admin", s.admin, ls.Admin)
	}
	lc.OnStop(PhaseHTTP, "http server", s.Shutdown)
}

// Start is Listen then Serve.
func (s *Server) Start(lc *Lifecycle) error {
	ls, err := Listen(s.cfg)
	if err != nil {
		return err
	}
	s.Serve(lc, ls)
	return nil
}

// Addr is the bound address of http.addr (useful with port 0), nil before
// Serve.
func (s *Server) Addr() net.Addr {
	if s.apiLn == nil {
		return nil
	}
	return s.apiLn.Addr()
}

// AdminAddr is the bound address of http.admin_addr; nil before Serve or
// when the admin routes share http.addr.
func (s *Server) AdminAddr() net.Addr {
	if s.adminLn == nil {
		return nil
	}
	return s.adminLn.Addr()
}

// Shutdown stops accepting connections and waits for in-flight requests
// until ctx expires; then it closes the remaining connections.
func (s *Server) Shutdown(ctx context.Context) error {
	var errs []error
	for _, srv := range []*http.Server{s.api, s.admin} {
		if srv == nil {
			continue
		}
		if err := srv.Shutdown(ctx); err != nil {
			_ = srv.Close()
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
