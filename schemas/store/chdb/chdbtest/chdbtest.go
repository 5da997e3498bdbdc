// Package chdbtest gives a test binary the process's one chDB engine (chDB
// has one session per process), in a temporary directory removed afterwards.
// Tests isolate themselves with a database each.
package chdbtest

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"sync/atomic"
	"testing"

	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/store/chdb"
)

// Main is a package's TestMain: it opens the engine, hands it to set, runs
// the tests and exits with their code.
//
//	func TestMain(m *testing.M) { chdbtest.Main(m, func(e *chdb.Engine) { engine = e }) }
func Main(m *testing.M, set func(*chdb.Engine)) {
	dir, err := os.MkdirTemp("", "tributary-test-chdb-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, "chdbtest:", err)
		os.Exit(1)
	}
	e, err := chdb.Open(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "chdbtest:", err)
		_ = os.RemoveAll(dir)
		os.Exit(1)
	}
	set(e)
	code := m.Run()
	_ = e.Close()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

var dbSeq atomic.Int64

var nonIdent = regexp.MustCompile(`[^a-zA-Z0-9_]`)

// Database creates a database of its own for t, migrated to this build's
// schema, and returns its name.
func Database(t testing.TB, e store.Engine) string {
	t.Helper()
	db := fmt.Sprintf("t%d_%s", dbSeq.Add(1), nonIdent.ReplaceAllString(t.Name(), "_"))
	if len(db) > 60 {
		db = db[:60]
	}
	if _, err := store.Migrate(context.Background(), e, db); err != nil {
		t.Fatalf("store.Migrate %s: %v", db, err)
	}
	return db
}
