// Package allinone runs the whole LRS in one process: the write API
// acknowledges statements once they are in a local write-ahead log (group-
// committed fsync), which feeds the embedded engine in big batches; the read
// API serves them from it (and statementId reads from the log until they
// are stored); the consistency watermark comes from the in-process tracker
// and the log. No broker, no external database.
package allinone

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"path/filepath"

	ingestapp "github.com/tributary-lrs/tributary/ingest/app"
	"github.com/tributary-lrs/tributary/ingest/inflight"
	"github.com/tributary-lrs/tributary/ingest/server"
	"github.com/tributary-lrs/tributary/internal/engine"
	"github.com/tributary-lrs/tributary/platform/config"
	"github.com/tributary-lrs/tributary/platform/svc"
	"github.com/tributary-lrs/tributary/platform/svc/svcauth"
	"github.com/tributary-lrs/tributary/platform/xapihttp"
	"github.com/tributary-lrs/tributary/processor/sink"
	"github.com/tributary-lrs/tributary/processor/walqueue"
	"github.com/tributary-lrs/tributary/query"
	queryapp "github.com/tributary-lrs/tributary/query/app"
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/watermark"
)

// Setup implements svc.Setup for the all-in-one role. data.dir is resolved
// to an absolute path first: it is what the banner shows, and a relative
// path silently meant a new, empty store when started from another
// directory, so creating one is logged as a warning.
func Setup(ctx context.Context, env svc.Env) (http.Handler, error) {
	cfg := env.Config
	dir, err := filepath.Abs(cfg.Data.Dir)
	if err != nil {
		return nil, fmt.Errorf("data.dir %s: %w", cfg.Data.Dir, err)
	}
	cfg.Data.Dir = dir
	created := !engine.StoreExists(cfg)
	eng, err := engine.Open(ctx, cfg) // creates data.dir when missing
	if err != nil {
		return nil, err
	}
	if created {
		env.Log.Warn("no store in data.dir: created a new, empty one", "data_dir", dir)
	}
	env.Lifecycle.OnStop(svc.PhaseStore, "store", func(context.Context) error { return eng.Close() })
	env.Lifecycle.Readiness().Add("store", eng.Ping)
	db := cfg.ClickHouse.Database
	if _, err := store.Migrate(ctx, eng, db); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	cred, generated, err := bootstrapCredential(cfg.Auth.Bootstrap, cfg.Data.Dir)
	if err != nil {
		return nil, err
	}
	ac := cfg.Auth
	ac.Bootstrap.Key, ac.Bootstrap.Secret = cred.Key, cred.Secret
	basic, authn, err := svcauth.New(ac, eng, db, "http://"+cfg.HTTP.Addr)
	if err != nil {
		return nil, err
	}
	if err := basic.Store.EnsureTenant(ctx, ac.Bootstrap.Tenant); err != nil {
		return nil, fmt.Errorf("create the bootstrap tenant: %w", err)
	}

	snk, err := sink.New(eng, db, env.Log, env.Registry)
	if err != nil {
		return nil, err
	}
	st := server.StoreLookup{Engine: eng, Database: db}
	// The write-ahead log acknowledges statements and feeds the store in
	// big batches behind it; it decides 409 / no change itself, against
	// what it holds and what is stored, so ingest does no id lookup.
	queue, err := walqueue.Open(snk, st, walqueue.StoreSnapshot{Engine: eng, Database: db}, walqueue.Options{Dir: filepath.Join(dir, "wal"),
		BatchRows: cfg.Processor.BatchRows, BatchBytes: min(cfg.Processor.BatchBytes, walqueue.MaxBatchBytes), BatchAge: cfg.Processor.BatchAge,
		MaxPendingBytes: cfg.Data.WALMaxPendingBytes, BacklogWait: cfg.Ingest.PublishTimeout, MinFreeBytes: cfg.Data.MinFreeBytes,
		RetryMin: cfg.Processor.RetryMin, RetryMax: cfg.Processor.RetryMax,
		RecentFor: cfg.Ingest.PublishTimeout + cfg.HTTP.ReadTimeout}, env.Log, env.Registry)
	if err != nil {
		return nil, fmt.Errorf("open the write-ahead log: %w", err)
	}
	if err := queue.RegisterBacklog(env.Registry); err != nil {
		return nil, err
	}
	// HTTP drains first, then the queue answers what is queued and stores
	// what the log holds (the rest is replayed at the next start).
	env.Lifecycle.OnStop(svc.PhaseWorkers, "write-ahead log", queue.Close)

	tracker := inflight.New(nil)
	wm := watermark.InProcess{InFlight: tracker, Pending: queue}
	ing, err := server.New(server.Deps{Publisher: queue, Tracker: tracker, Auth: authn,
		Attachments: st, Voiding: walqueue.Voiding{Queue: queue, Store: st}, Watermark: wm, Facts: sink.Facts,
		Options: ingestapp.ServerOptions(cfg.Ingest), Log: env.Log, Registry: env.Registry})
	if err != nil {
		return nil, err
	}
	r := xapihttp.NewRouter()
	ing.Routes(r)
	q, err := queryapp.ReadAPI(ctx, cfg.Query, query.Deps{Engine: eng, Database: db, Auth: authn, Watermark: wm, Local: queue,
		Log: env.Log, Registry: env.Registry}, r)
	if err != nil {
		return nil, err
	}
	env.Admin.Handle(svc.AdminPrefix, svcauth.AdminHandler(cfg.Auth, basic))
	// The listeners are bound (svc.Main binds before setup): the addresses
	// printed are the ones being served.
	banner(env, cfg, cred, generated, created)
	return svcauth.Handler(cfg, authn, q.ConsistentThrough, r), nil
}

func banner(env svc.Env, cfg config.Config, c credential, generated, created bool) {
	secret := c.Secret
	if !generated && cfg.Auth.Bootstrap.Key != "" {
		secret = "(as configured)"
	}
	admin := "http://" + hostPort(env.AdminAddr, cfg.HTTP.AdminAddr) + "/admin/ (and /metrics)"
	if env.AdminAddr == "" && cfg.HTTP.AdminAddr == "" {
		admin = "/admin/ and /metrics on the xAPI listener"
	}
	if cfg.Auth.Admin.Key == "" {
		admin += "; the admin API is off until auth.admin.key and auth.admin.secret are set"
	}
	data := cfg.Data.Dir
	if created {
		data += " (new, empty store)"
	}
	fmt.Fprintf(env.Stdout, `
Tributary all-in-one LRS
  xAPI endpoint: http://%s/xapi
  key:           %s
  secret:        %s
  admin:         %s
  data:          %s
  stop:          Ctrl-C (SIGINT) or SIGTERM

`, hostPort(env.Addr, cfg.HTTP.Addr), c.Key, secret, admin, data)
}

// hostPort is the address to print for a listener bound to bound (as
// configured when unknown): an unspecified host (0.0.0.0, ::) becomes
// 127.0.0.1, which reaches it from this machine.
func hostPort(bound, configured string) string {
	if bound == "" {
		bound = configured
	}
	host, port, err := net.SplitHostPort(bound)
	if err != nil {
		return bound
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
