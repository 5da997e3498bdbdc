// Package app builds the query role: the xAPI read API over a ClickHouse
// server, with the consistency watermark the processors publish.
package app

import (
	"context"
	"net/http"

	"github.com/tributary-lrs/tributary/platform/svc"
	"github.com/tributary-lrs/tributary/platform/svc/svcauth"
	"github.com/tributary-lrs/tributary/platform/xapihttp"
	"github.com/tributary-lrs/tributary/query"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// Setup implements svc.Setup for the query role.
func Setup(ctx context.Context, env svc.Env) (http.Handler, error) {
	cfg := env.Config
	eng, err := svc.OpenClickHouse(ctx, cfg.ClickHouse, env.Lifecycle)
	if err != nil {
		return nil, err
	}
	basic, authn, err := svcauth.New(cfg.Auth, eng, cfg.ClickHouse.Database, "urn:tributary")
	if err != nil {
		return nil, err
	}
	r := xapihttp.NewRouter()
	// The watermark the processors recorded.
	wm := store.ProgressWatermark{Engine: eng, Database: cfg.ClickHouse.Database, Topic: cfg.Kafka.Topic}
	svcQ, err := ReadAPI(ctx, cfg.Query, query.Deps{Engine: eng, Database: cfg.ClickHouse.Database, Auth: authn,
		Watermark: wm, Log: env.Log, Registry: env.Registry}, r)
	if err != nil {
		return nil, err
	}
	// The admin API (tenants, credentials) is served by the query role in
	// distributed mode, on the admin listener; it is off unless
	// auth.admin.key is set.
	env.Admin.Handle(svc.AdminPrefix, svcauth.AdminHandler(cfg.Auth, basic))
	return svcauth.Handler(cfg, authn, svcQ.ConsistentThrough, r), nil
}
