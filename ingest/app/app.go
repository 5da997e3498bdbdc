// Package app builds the ingest role: the xAPI write API publishing to Kafka.
package app

import (
	"context"
	"net/http"

	"github.com/tributary-lrs/tributary/ingest/inflight"
	"github.com/tributary-lrs/tributary/ingest/publish"
	"github.com/tributary-lrs/tributary/ingest/server"
	"github.com/tributary-lrs/tributary/platform/svc"
	"github.com/tributary-lrs/tributary/platform/svc/svcauth"
	"github.com/tributary-lrs/tributary/platform/xapihttp"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// Setup implements svc.Setup for the ingest role.
func Setup(ctx context.Context, env svc.Env) (http.Handler, error) {
	cfg := env.Config
	eng, err := svc.OpenClickHouse(ctx, cfg.ClickHouse, env.Lifecycle)
	if err != nil {
		return nil, err
	}
	if err := svc.EnsureTopics(ctx, cfg.Kafka); err != nil {
		return nil, err
	}
	tracker := inflight.New(nil)
	pub, err := publish.NewKafka(PublishOptions(cfg.Kafka, cfg.Ingest), tracker, env.Log, env.Registry)
	if err != nil {
		return nil, err
	}
	// Kafka closes after HTTP drained, so every accepted request is answered.
	env.Lifecycle.OnStop(svc.PhaseClients, "kafka writer", pub.Close)
	env.Lifecycle.Readiness().Add("kafka", readiness(pub))
	_, authn, err := svcauth.New(cfg.Auth, eng, cfg.ClickHouse.Database, "urn:tributary")
	if err != nil {
		return nil, err
	}
	st := server.StoreLookup{Engine: eng, Database: cfg.ClickHouse.Database}
	// The watermark the processors recorded, as the query role reads it.
	wm := store.ProgressWatermark{Engine: eng, Database: cfg.ClickHouse.Database, Topic: cfg.Kafka.Topic}
	srv, err := server.New(server.Deps{
		Publisher: pub, Tracker: tracker,
		Lookup: st, Attachments: st, Voiding: st,
		Auth:    authn,
		Options: ServerOptions(cfg.Ingest), Log: env.Log, Registry: env.Registry, Watermark: wm,
	})
	if err != nil {
		return nil, err
	}
	r := xapihttp.NewRouter()
	srv.Routes(r)
	return svcauth.Handler(cfg, authn, srv.ConsistentThrough, r), nil
}

func readiness(p *publish.Kafka) func(context.Context) error {
	return func(context.Context) error {
		if !p.Ready() {
			return publish.ErrUnavailable
		}
		return nil
	}
}
