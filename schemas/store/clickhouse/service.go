package clickhouse

import (
	"context"
	"fmt"

	"github.com/tributary-lrs/tributary/schemas/config"
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/svc"
)

// OpenService opens the configured server for a distributed role: the engine
// closes in the store phase of lc, /readyz pings it, and the database must be
// migrated to this build's schema (store.ErrSchemaOutdated otherwise).
func OpenService(ctx context.Context, c config.ClickHouse, lc *svc.Lifecycle) (*Engine, error) {
	eng, err := Open(ctx, FromConfig(c))
	if err != nil {
		return nil, fmt.Errorf("open clickhouse: %w", err)
	}
	lc.OnStop(svc.PhaseStore, "clickhouse", func(context.Context) error { return eng.Close() })
	lc.Readiness().Add("clickhouse", eng.Ping)
	if err := store.CheckSchema(ctx, eng, c.Database); err != nil {
		return nil, err
	}
	return eng, nil
}
