package chdb

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// Issue 8 ("reads never wait on writes"): the connections of one data
// directory run in parallel, so a query and an insert started while a long
// query runs both finish before it.
func TestQueriesAndInsertsRunBesideALongQuery(t *testing.T) {
	e := open(t)
	ctx := context.Background()
	if err := e.Exec(ctx, store.SQL("CREATE DATABASE IF NOT EXISTS pool")); err != nil {
		t.Fatal(err)
	}
	if err := e.Exec(ctx, store.SQL("CREATE TABLE IF NOT EXISTS pool.t (id UUID) ENGINE = MergeTree ORDER BY id")); err != nil {
		t.Fatal(err)
	}
	const marker = "pool-test-long-query"
	slow := make(chan error, 1)
	go func() {
		// 2.5 s asleep: long whatever the machine's load, and no CPU taken.
		_, err := e.Raw(ctx, "SELECT sleepEachRow(0.5), '"+marker+"' FROM numbers(5)", "Null")
		slow <- err
	}()
	deadline := time.Now().Add(30 * time.Second)
	for running := false; !running; {
		out, err := e.Raw(ctx, "SELECT count() FROM system.processes WHERE query LIKE '%"+marker+"%' AND query NOT LIKE '%system.processes%'", "TabSeparatedRaw")
		if err != nil {
			t.Fatal(err)
		}
		running = strings.TrimSpace(string(out)) == "1"
		if !running && time.Now().After(deadline) {
			t.Fatal("the long query never showed in system.processes")
		}
	}
	if err := e.Ping(ctx); err != nil {
		t.Fatalf("query beside the long one: %v", err)
	}
	b := &store.Batch{Table: "pool.t", Columns: []store.Column{{Name: "id", Data: []uuid.UUID{uuid.New()}}}}
	if err := e.Insert(ctx, b); err != nil {
		t.Fatalf("insert beside the long query: %v", err)
	}
	select {
	case err := <-slow:
		t.Fatalf("the long query ended (%v) before the query and insert beside it: they waited for it", err)
	default:
	}
	if err := <-slow; err != nil {
		t.Fatalf("the long query: %v", err)
	}
}
