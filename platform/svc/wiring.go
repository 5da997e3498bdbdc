package svc

import (
	"context"
	"fmt"

	"github.com/tributary-lrs/tributary/platform/config"
	"github.com/tributary-lrs/tributary/platform/kafkatopic"
	"github.com/tributary-lrs/tributary/platform/store/clickhouse"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// This file turns configuration sections into the options of the shared
// components, so that the components themselves never see configuration.

// ClickHouseOptions are the options of the configured server. The session
// has no default database: every query names its tables, and `tributary
// migrate` must connect before the database exists.
func ClickHouseOptions(c config.ClickHouse) clickhouse.Options {
	return clickhouse.Options{Addr: c.Addr, Protocol: c.Protocol, Username: c.Username, Password: c.Password,
		Secure: c.Secure, DialTimeout: c.DialTimeout, MaxOpenConns: c.MaxOpenConns}
}

// OpenClickHouse opens the configured server for a distributed role: the
// engine closes in the store phase of lc, /readyz pings it, and the database
// must be migrated to this build's schema (store.ErrSchemaOutdated
// otherwise).
func OpenClickHouse(ctx context.Context, c config.ClickHouse, lc *Lifecycle) (*clickhouse.Engine, error) {
	eng, err := clickhouse.Open(ctx, ClickHouseOptions(c))
	if err != nil {
		return nil, fmt.Errorf("open clickhouse: %w", err)
	}
	lc.OnStop(PhaseStore, "clickhouse", func(context.Context) error { return eng.Close() })
	lc.Readiness().Add("clickhouse", eng.Ping)
	if err := store.CheckSchema(ctx, eng, c.Database); err != nil {
		return nil, err
	}
	return eng, nil
}

// EnsureTopics creates the statement and dead-letter topics of c when
// c.CreateTopics is set, and does nothing otherwise.
func EnsureTopics(ctx context.Context, c config.Kafka) error {
	if !c.CreateTopics {
		return nil
	}
	return kafkatopic.Ensure(ctx, c.Brokers, kafkatopic.Statements(c.Topic, c.DeadLetterTopic, c.Partitions, c.ReplicationFactor)...)
}
