// Package engine opens the store the configuration names: a ClickHouse server
// through clickhouse-go, or chDB embedded under data.dir.
package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tributary-lrs/tributary/platform/config"
	"github.com/tributary-lrs/tributary/platform/store/clickhouse"
	"github.com/tributary-lrs/tributary/platform/svc"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// Open returns the configured engine.
func Open(ctx context.Context, cfg config.Config) (store.Engine, error) {
	switch cfg.ClickHouse.Engine {
	case config.EngineChDB:
		eng, err := openEmbedded(EmbeddedPath(cfg))
		if err != nil {
			return nil, fmt.Errorf("open embedded store: %w", err)
		}
		return eng, nil
	case config.EngineClickHouse:
		eng, err := clickhouse.Open(ctx, svc.ClickHouseOptions(cfg.ClickHouse))
		if err != nil {
			return nil, fmt.Errorf("open clickhouse: %w", err)
		}
		return eng, nil
	default:
		return nil, fmt.Errorf("clickhouse.engine %q: want chdb or clickhouse", cfg.ClickHouse.Engine)
	}
}

// EmbeddedPath is the directory of the embedded store under data.dir.
func EmbeddedPath(cfg config.Config) string { return filepath.Join(cfg.Data.Dir, "chdb") }

// StoreExists reports whether data.dir holds an embedded store that has been
// opened before (its catalog directory exists).
func StoreExists(cfg config.Config) bool {
	st, err := os.Stat(filepath.Join(EmbeddedPath(cfg), "metadata"))
	return err == nil && st.IsDir()
}
