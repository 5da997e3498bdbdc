// Package app builds the query role: the xAPI read API over a ClickHouse
// server, with the consistency watermark the processors publish.
package app

import (
	"context"
	"net/http"
	"time"

	"github.com/tributary-lrs/tributary/query"
	"github.com/tributary-lrs/tributary/query/documents"
	"github.com/tributary-lrs/tributary/query/resources"
	"github.com/tributary-lrs/tributary/schemas/auth"
	"github.com/tributary-lrs/tributary/schemas/auth/admin"
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/store/clickhouse"
	"github.com/tributary-lrs/tributary/schemas/svc"
	"github.com/tributary-lrs/tributary/schemas/xapihttp"
)

// Setup implements svc.Setup for the query role.
func Setup(ctx context.Context, env svc.Env) (http.Handler, error) {
	cfg := env.Config
	eng, err := clickhouse.OpenService(ctx, cfg.ClickHouse, env.Lifecycle)
	if err != nil {
		return nil, err
	}
	basic, authn, err := auth.FromConfig(cfg.Auth, eng, cfg.ClickHouse.Database, "urn:tributary")
	if err != nil {
		return nil, err
	}
	svcQ, err := query.New(query.Deps{
		Engine: eng, Database: cfg.ClickHouse.Database,
		Auth:      authn,
		Watermark: ProgressWatermark{Engine: eng, Database: cfg.ClickHouse.Database, Topic: cfg.Kafka.Topic},
		Config:    cfg.Query, Log: env.Log, Registry: env.Registry,
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
		Key: cfg.Auth.Admin.Key, Secret: cfg.Auth.Admin.Secret, Invalidate: basic.Invalidate}))
	return auth.Limit(cfg.Auth, authn, r), nil
}

// ProgressWatermark reads the watermark from what the processors recorded in
// consumer_progress: the minimum over every partition of the topic. Until
// every partition has reported, nothing is guaranteed and it answers the Unix
// epoch, which never overstates.
type ProgressWatermark struct {
	Engine   store.Engine
	Database string
	Topic    string
}

// ConsistentThrough implements query.Watermark.
func (w ProgressWatermark) ConsistentThrough(ctx context.Context) (time.Time, error) {
	t, ok, err := store.ConsistentThrough(ctx, w.Engine, w.Database, w.Topic)
	if err != nil {
		return time.Time{}, err
	}
	if !ok {
		return time.Unix(0, 0).UTC(), nil
	}
	return t, nil
}
