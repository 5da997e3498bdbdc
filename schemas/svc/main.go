package svc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os/signal"
	"syscall"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/tributary-lrs/tributary/schemas/config"
)

// Env is what a role's setup receives: its configuration and the process-wide
// logger, metrics registry and lifecycle to register its components in.
type Env struct {
	Role      string
	Config    config.Config
	Log       *slog.Logger
	Registry  *prometheus.Registry
	Lifecycle *Lifecycle
	// Stdout is where a role prints what an operator must see (e.g. a
	// generated credential).
	Stdout io.Writer
}

// Setup builds a role's components, registers their stop functions and
// background loops in env.Lifecycle, and returns the role's HTTP handler.
type Setup func(ctx context.Context, env Env) (http.Handler, error)

// Main runs one role as a process: load and verify the configuration, build
// the role, serve HTTP, and shut down in the common order on SIGINT/SIGTERM.
// It returns the process exit code.
func Main(role string, args, environ []string, stdout, stderr io.Writer, setup Setup) int {
	cfg, opts, err := config.Load(nil, args, environ)
	if err != nil {
		fmt.Fprintln(stderr, "tributary:", err)
		return 2
	}
	if err := cfg.Validate(role); err != nil {
		fmt.Fprintf(stderr, "tributary %s: invalid configuration:\n%v\n", role, err)
		return 2
	}
	if opts.Verify {
		fmt.Fprint(stdout, config.Redacted(cfg))
		return 0
	}
	log := NewLogger(cfg.Log, stderr).With("role", role)
	slog.SetDefault(log)
	for _, name := range opts.UnknownEnv {
		log.Warn("unknown environment variable ignored", "name", name)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	lc := NewLifecycle(log, cfg.Shutdown)
	env := Env{Role: role, Config: cfg, Log: log, Registry: reg, Lifecycle: lc, Stdout: stdout}
	app, err := setup(ctx, env)
	if err != nil {
		log.Error("start failed", "err", err)
		lc.Fail("setup", err)
	} else {
		srv := NewServer(cfg.HTTP, InstrumentHandler(reg, role, app, nil),
			ServerOptions{Registry: reg, Ready: lc.Readiness(), Log: log,
				MaxBodyBytes: max(cfg.Ingest.MaxBodyBytes, cfg.Query.MaxDocumentBytes)})
		if err := srv.Start(lc); err != nil {
			lc.Fail("http", err)
		} else {
			log.Info("serving", "addr", srv.Addr().String())
		}
	}
	if err := lc.Run(ctx); err != nil {
		if !errors.Is(err, context.Canceled) {
			log.Error("stopped with an error", "err", err)
		}
		return 1
	}
	return 0
}
