// Package app builds the processor role: a Kafka consumer-group member that
// stores statements in ClickHouse and publishes its progress.
package app

import (
	"context"
	"net/http"

	"github.com/tributary-lrs/tributary/platform/svc"
	"github.com/tributary-lrs/tributary/processor/consumer"
	"github.com/tributary-lrs/tributary/processor/progress"
	"github.com/tributary-lrs/tributary/processor/sink"
)

// Setup implements svc.Setup for the processor role. Its HTTP handler serves
// nothing beyond /metrics, /healthz and /readyz.
func Setup(ctx context.Context, env svc.Env) (http.Handler, error) {
	cfg := env.Config
	eng, err := svc.OpenClickHouse(ctx, cfg.ClickHouse, env.Lifecycle)
	if err != nil {
		return nil, err
	}
	if err := svc.EnsureTopics(ctx, cfg.Kafka); err != nil {
		return nil, err
	}
	snk, err := sink.New(eng, cfg.ClickHouse.Database, env.Log, env.Registry)
	if err != nil {
		return nil, err
	}
	c, err := consumer.New(ConsumerOptions(cfg.Kafka, cfg.Processor), consumer.Deps{
		Sink: snk, Progress: progress.New(eng, cfg.ClickHouse.Database), Log: env.Log,
		Registerer: env.Registry, ShutdownTimeout: cfg.Shutdown.StepTimeout,
	})
	if err != nil {
		return nil, err
	}
	// The consumer stops with the workers: it finishes and commits its batch
	// before the store closes.
	env.Lifecycle.Go(svc.PhaseWorkers, "consumer", c.Run)
	return http.NotFoundHandler(), nil
}
