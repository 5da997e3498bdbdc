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

	"go.uber.org/goleak"

	"github.com/tributary-lrs/tributary/platform/store/chdb"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// Main is a package's TestMain: it opens the engine, hands it to set, runs
// the tests and exits with their code.
//
//	func TestMain(m *testing.M) { chdbtest.Main(m, func(e *chdb.Engine) { engine = e }) }
func Main(m *testing.M, set func(*chdb.Engine)) { os.Exit(run(m, set, false)) }

// MainNoLeaks is Main for a package that starts goroutines: the run also
// fails when a goroutine is still running once the tests are done and the
// engine is closed (go.uber.org/goleak).
func MainNoLeaks(m *testing.M, set func(*chdb.Engine)) { os.Exit(run(m, set, true)) }

func run(m *testing.M, set func(*chdb.Engine), leaks bool) int {
	dir, err := os.MkdirTemp("", "tributary-test-chdb-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, "chdbtest:", err)
		return 1
	}
	defer func() { _ = os.RemoveAll(dir) }()
	e, err := chdb.Open(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "chdbtest:", err)
		return 1
	}
	set(e)
	code := m.Run()
	_ = e.Close()
	if leaks && code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak: goroutines still running after the tests:", err)
			return 1
		}
	}
	return code
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

// RecreateView drops view and creates it again from its own definition.
// The engine runs a table's views in an order of its own, which a new view
// reshuffles: a test that injects a failure between the views recreates one
// until the order is the one it needs.
func RecreateView(t testing.TB, e store.Engine, db, view string) {
	t.Helper()
	ctx := context.Background()
	rows, err := e.Query(ctx, store.Query{Text: "SELECT create_table_query FROM system.tables WHERE database = {db:String} AND name = {view:String}",
		Params: store.Params{{Name: "db", Value: db}, {Name: "view", Value: view}}})
	if err != nil {
		t.Fatal(err)
	}
	var create string
	for rows.Next() {
		if err := rows.Scan(&create); err != nil {
			t.Fatal(err)
		}
	}
	rows.Close()
	if create == "" {
		t.Fatalf("no view %s.%s", db, view)
	}
	for _, q := range []store.Query{store.SQL("DROP VIEW " + store.Table(db, view)), store.SQL(create)} {
		if err := e.Exec(ctx, q); err != nil {
			t.Fatalf("recreate view %s.%s: %v", db, view, err)
		}
	}
}
