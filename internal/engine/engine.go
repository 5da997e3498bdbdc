// Package engine opens the store the configuration names: a ClickHouse server
// through clickhouse-go, or chDB embedded under data.dir.
package engine

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/tributary-lrs/tributary/schemas/config"
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/store/clickhouse"
)

// Open returns the configured engine.
func Open(ctx context.Context, cfg config.Config) (store.Engine, error) {
	switch cfg.ClickHouse.Engine {
	case config.EngineChDB:
		eng, err := openEmbedded(filepath.Join(cfg.Data.Dir, "chdb"))
		if err != nil {
			return nil, fmt.Errorf("open embedded store: %w", err)
		}
		return eng, nil
	case config.EngineClickHouse:
		eng, err := clickhouse.Open(ctx, clickhouse.FromConfig(cfg.ClickHouse))
		if err != nil {
			return nil, fmt.Errorf("open clickhouse: %w", err)
		}
		return eng, nil
	default:
		return nil, fmt.Errorf("clickhouse.engine %q: want chdb or clickhouse", cfg.ClickHouse.Engine)
	}
}
