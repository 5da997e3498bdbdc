package getbench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// Database is the database that holds n loaded statements, so one data
// directory can keep several sizes side by side.
func Database(n int) string { return fmt.Sprintf("getbench_%d", n) }

// manifest is where Prepare records a finished load in the data directory.
func manifest(dir string, n int) string { return filepath.Join(dir, Database(n)+".json") }

// Prepare makes sure dir (the chDB data directory eng has open) holds n
// statements in Database(n): it reuses a finished earlier load (recorded in a
// manifest next to the data), otherwise drops any half-done one, migrates and
// loads. reused says which happened.
func Prepare(ctx context.Context, eng store.Engine, dir string, n int, opts Options) (st Stats, reused bool, err error) {
	db := Database(n)
	if b, err := os.ReadFile(manifest(dir, n)); err == nil {
		if err := json.Unmarshal(b, &st); err != nil {
			return st, false, fmt.Errorf("read %s: %w", manifest(dir, n), err)
		}
		if err := store.CheckSchema(ctx, eng, db); err != nil {
			return st, false, fmt.Errorf("reuse %s: %w (delete %s to reload)", db, err, manifest(dir, n))
		}
		return st, true, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return st, false, err
	}
	// chDB 26.5: DROP ... SYNC never returns; plain DROP is enough here.
	if err := eng.Exec(ctx, store.SQL(store.InDB("DROP DATABASE IF EXISTS {db}", db))); err != nil {
		return st, false, err
	}
	if _, err := store.Migrate(ctx, eng, db); err != nil {
		return st, false, err
	}
	if st, err = Load(ctx, eng, db, n, opts); err != nil {
		return st, false, err
	}
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return st, false, err
	}
	return st, false, os.WriteFile(manifest(dir, n), b, 0o644)
}

// LogProgress returns a Progress callback that logs about every step rows.
func LogProgress(logf func(string, ...any), step int) func(int, time.Duration) {
	next := step
	return func(rows int, el time.Duration) {
		if rows >= next {
			logf("loaded %d rows in %s (%.0f rows/s)", rows, el.Round(time.Second), float64(rows)/el.Seconds())
			next += step
		}
	}
}
