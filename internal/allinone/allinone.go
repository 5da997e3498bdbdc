// Package allinone runs the whole LRS in one process: the write API stores
// statements synchronously (group commit) into the embedded engine, the read
// API serves them from it, and the consistency watermark comes from the
// in-process tracker. No broker, no external database.
package allinone

import (
	"context"
	"fmt"
	"net/http"
	"os"

	"github.com/tributary-lrs/tributary/ingest/inflight"
	"github.com/tributary-lrs/tributary/ingest/server"
	"github.com/tributary-lrs/tributary/internal/engine"
	"github.com/tributary-lrs/tributary/processor/direct"
	"github.com/tributary-lrs/tributary/processor/sink"
	"github.com/tributary-lrs/tributary/query"
	"github.com/tributary-lrs/tributary/query/documents"
	"github.com/tributary-lrs/tributary/query/resources"
	"github.com/tributary-lrs/tributary/schemas/auth"
	"github.com/tributary-lrs/tributary/schemas/auth/admin"
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/svc"
	"github.com/tributary-lrs/tributary/schemas/xapihttp"
)

// Setup implements svc.Setup for the all-in-one role.
func Setup(ctx context.Context, env svc.Env) (http.Handler, error) {
	cfg := env.Config
	if err := os.MkdirAll(cfg.Data.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	eng, err := engine.Open(ctx, cfg)
	if err != nil {
		return nil, err
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
	basic, authn, err := auth.FromConfig(ac, eng, db, "http://"+cfg.HTTP.Addr)
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
	committer := direct.New(snk, direct.Options{MaxRows: cfg.Processor.BatchRows, RetryMin: cfg.Processor.RetryMin,
		RetryMax: cfg.Processor.RetryMax, RetryFor: cfg.Ingest.PublishTimeout}, env.Log)
	// HTTP drains first, then the committer answers what is queued.
	env.Lifecycle.OnStop(svc.PhaseWorkers, "statement committer", committer.Close)

	tracker := inflight.New(nil)
	// No ingest-side id lookup: the committer's sink checks the ids of a whole
	// group at once and refuses a conflicting one synchronously.
	st := server.StoreLookup{Engine: eng, Database: db}
	ing, err := server.New(server.Deps{Publisher: committer, Tracker: tracker, Auth: authn,
		Attachments: st, Voiding: st, Watermark: trackerWatermark{tracker},
		Config: cfg.Ingest, Log: env.Log, Registry: env.Registry})
	if err != nil {
		return nil, err
	}
	keys, err := query.CursorKeys(ctx, cfg.Query.CursorSecret, eng, db)
	if err != nil {
		return nil, err
	}
	q, err := query.New(query.Deps{Engine: eng, Database: db, Auth: authn, Watermark: trackerWatermark{tracker},
		CursorKeys: keys, Config: cfg.Query, Log: env.Log, Registry: env.Registry})
	if err != nil {
		return nil, err
	}
	res, err := resources.New(resources.Deps{Engine: eng, Database: db, Auth: authn, Log: env.Log})
	if err != nil {
		return nil, err
	}
	docs, err := documents.New(documents.Deps{Engine: eng, Database: db, Auth: authn,
		MaxBytes: cfg.Query.MaxDocumentBytes, Log: env.Log})
	if err != nil {
		return nil, err
	}
	r := xapihttp.NewRouter()
	ing.Routes(r)
	q.Routes(r)
	res.Routes(r)
	docs.Routes(r)
	r.PathPrefix("/admin/").Handler(admin.Handler(admin.Options{Store: basic.Store,
		Key: cfg.Auth.Admin.Key, Secret: cfg.Auth.Admin.Secret, Invalidate: basic.Invalidate, SignIns: basic}))
	banner(env, cred, generated)
	// CORS outermost: a preflight is answered before authentication. Every
	// Statement resource response carries the watermark, also those given
	// before a route is reached (405, 429).
	return xapihttp.CORS(cfg.HTTP.CORS.AllowedOrigins, cfg.HTTP.CORS.MaxAge)(q.ConsistentThrough(auth.Limit(cfg.Auth, authn, r))), nil
}

func banner(env svc.Env, c credential, generated bool) {
	secret := c.Secret
	if !generated && env.Config.Auth.Bootstrap.Key != "" {
		secret = "(as configured)"
	}
	fmt.Fprintf(env.Stdout, "\nTributary all-in-one LRS\n  xAPI endpoint: http://%s/xapi\n  key:           %s\n  secret:        %s\n  data:          %s\n\n",
		env.Config.HTTP.Addr, c.Key, secret, env.Config.Data.Dir)
}
