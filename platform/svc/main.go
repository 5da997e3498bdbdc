package svc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/pflag"

	"github.com/tributary-lrs/tributary/platform/config"
)

// Env is what a role's setup receives: its configuration and the process-wide
// logger, metrics registry and lifecycle to register its components in.
type Env struct {
	Role      string
	Config    config.Config
	Log       *slog.Logger
	Registry  *prometheus.Registry
	Lifecycle *Lifecycle
	// Admin takes the routes of the admin API: patterns under AdminPrefix
	// ("/admin/"), served on http.admin_addr. Never nil.
	Admin *http.ServeMux
	// Addr and AdminAddr are the bound addresses of http.addr and
	// http.admin_addr (AdminAddr "" when the admin routes share Addr). The
	// listeners are bound before setup runs; they serve once it returns.
	Addr, AdminAddr string
	// Stdout is where a role prints what an operator must see (e.g. a
	// generated credential).
	Stdout io.Writer
}

// Setup builds a role's components, registers their stop functions and
// background loops in env.Lifecycle and its admin routes in env.Admin, and
// returns the role's HTTP handler.
type Setup func(ctx context.Context, env Env) (http.Handler, error)

// Main runs one role as a process: load and verify the configuration, bind
// the listeners, build the role, serve HTTP, and shut down in the common
// order on SIGINT/SIGTERM. It returns the process exit code: 0, 1 when the
// role failed, 2 for a usage or configuration error. A failure to start is
// one line on stderr.
func Main(role string, args, environ []string, stdout, stderr io.Writer, setup Setup) int {
	fs := pflag.NewFlagSet(role, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	cfg, opts, err := config.Load(fs, args, environ)
	if errors.Is(err, pflag.ErrHelp) {
		fmt.Fprint(stdout, Usage(role, fs))
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "tributary %s: %v (see --help)\n", role, err)
		return 2
	}
	if err := cfg.Validate(role); err != nil {
		fmt.Fprintf(stderr, "tributary %s: invalid configuration:\n%v\n", role, err)
		return 2
	}
	if opts.Verify {
		fmt.Fprint(stdout, config.VerifyReport(cfg, opts, role), config.Redacted(cfg))
		return 0
	}
	log := NewLogger(cfg.Log, stderr).With("role", role)
	slog.SetDefault(log)
	for _, name := range opts.UnknownEnv {
		log.Warn("unknown environment variable ignored", "name", name)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	ls, err := Listen(cfg.HTTP)
	if err != nil {
		fmt.Fprintf(stderr, "tributary %s: %v\n", role, err)
		return 1
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	lc := NewLifecycle(log, cfg.Shutdown)
	admin := http.NewServeMux()
	env := Env{Role: role, Config: cfg, Log: log, Registry: reg, Lifecycle: lc, Admin: admin,
		Addr: ls.API.Addr().String(), Stdout: stdout}
	if ls.Admin != nil {
		env.AdminAddr = ls.Admin.Addr().String()
	}
	app, err := setup(ctx, env)
	if err != nil {
		ls.Close()
		fmt.Fprintf(stderr, "tributary %s: %v\n", role, err)
		// Close what setup opened; only problems doing so are logged.
		lc.log = NewLogger(config.Log{Level: "warn", Format: cfg.Log.Format}, stderr).With("role", role)
		_ = lc.shutdown()
		return 1
	}
	lockout := NewLockout(cfg.Auth.Admin.LockoutFailures, cfg.Auth.Admin.LockoutWindow, log)
	srv := NewServer(cfg.HTTP, InstrumentHandler(reg, app, nil), ServerOptions{Registry: reg,
		Ready: lc.Readiness(), Log: log, Admin: InstrumentHandler(reg, lockout.Wrap(admin), nil),
		MaxBodyBytes: max(cfg.Ingest.MaxBodyBytes, cfg.Query.MaxDocumentBytes)})
	srv.Serve(lc, ls)
	log.Info("serving", "addr", env.Addr, "admin_addr", env.AdminAddr)
	if err := lc.Run(ctx); err != nil {
		if !errors.Is(err, context.Canceled) {
			log.Error("stopped with an error", "err", err)
		}
		return 1
	}
	return 0
}

// Usage is the --help text of a role: how to call it and its flags.
func Usage(role string, fs *pflag.FlagSet) string {
	prog := filepath.Base(os.Args[0])
	if prog != role {
		prog += " " + role
	}
	return fmt.Sprintf(`usage: %s [flags]

Runs the %s role of Tributary until SIGINT (Ctrl-C) or SIGTERM.

flags:
%s
Every configuration key can also be set in a YAML file (--config) or as an
environment variable TRIBUTARY_<KEY> (dots as underscores, e.g.
TRIBUTARY_HTTP_ADDR); deployments/config.example.yaml lists them all.
`, prog, role, fs.FlagUsages())
}
