// Package app builds the query role: the xAPI read API over a ClickHouse
// server, with the consistency watermark the processors publish.
package app

import (
	"context"
	"net/http"

	"github.com/tributary-lrs/tributary/platform/auth"
	"github.com/tributary-lrs/tributary/platform/auth/admin"
	"github.com/tributary-lrs/tributary/platform/svc"
	"github.com/tributary-lrs/tributary/platform/svc/svcauth"
	"github.com/tributary-lrs/tributary/platform/xapihttp"
	"github.com/tributary-lrs/tributary/query"
	"github.com/tributary-lrs/tributary/query/documents"
	"github.com/tributary-lrs/tributary/query/resources"
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
	keys, err := query.CursorKeys(ctx, cfg.Query.CursorSecret, eng, cfg.ClickHouse.Database)
	if err != nil {
		return nil, err
	}
	svcQ, err := query.New(query.Deps{
		Engine: eng, Database: cfg.ClickHouse.Database, CursorKeys: keys,
		Auth:      authn,
		Watermark: store.ProgressWatermark{Engine: eng, Database: cfg.ClickHouse.Database, Topic: cfg.Kafka.Topic},
		Options:   Options(cfg.Query), Log: env.Log, Registry: env.Registry,
	})
	if err != nil {
		return nil, err
	}
	res, err := resources.New(resources.Deps{Engine: eng, Database: cfg.ClickHouse.Database, Auth: authn, Log: env.Log})
	if err != nil {
		return nil, err
	}
	docs, err := documents.New(documents.Deps{Engine: eng, Database: cfg.ClickHouse.Database, Auth: authn,
		MaxBytes: cfg.Query.MaxDocumentBytes, Log: env.Log})
	if err != nil {
		return nil, err
	}
	r := xapihttp.NewRouter()
	svcQ.Routes(r)
	res.Routes(r)
	docs.Routes(r)
	// The admin API (tenants, credentials) is served by the query role in
	// distributed mode, on the admin listener; it is off unless
	// auth.admin.key is set.
	env.Admin.Handle(svc.AdminPrefix, admin.Handler(admin.Options{Store: basic.Store,
		Key: cfg.Auth.Admin.Key, Secret: cfg.Auth.Admin.Secret, Invalidate: basic.Invalidate, SignIns: basic}))
	// CORS outermost: a preflight is answered before authentication. Every
	// Statement resource response carries the watermark, also those given
	// before a route is reached (405, 429).
	return xapihttp.CORS(cfg.HTTP.CORS.AllowedOrigins, cfg.HTTP.CORS.MaxAge)(svcQ.ConsistentThrough(auth.Limit(svcauth.RequestLimit(cfg.Auth), authn, r))), nil
}
