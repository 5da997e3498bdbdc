package chdb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/schemas/store"
)

var dataDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "chdb-test-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	dataDir = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

func open(t testing.TB) *Engine {
	t.Helper()
	e, err := Open(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return e
}

func TestOpenSharesOneSession(t *testing.T) {
	a := open(t)
	b, err := Open(dataDir)
	if err != nil {
		t.Fatalf("second Open of the same path: %v", err)
	}
	if _, err := Open(t.TempDir()); err == nil {
		t.Fatal("Open of a different path while one is open: want error")
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := b.Ping(context.Background()); !errors.Is(err, ErrClosed) {
		t.Fatalf("Ping after Close = %v, want ErrClosed", err)
	}
	if err := a.Ping(context.Background()); err != nil {
		t.Fatalf("Ping on the remaining engine: %v", err)
	}
}

func TestReopenAfterLastClose(t *testing.T) {
	other := t.TempDir()
	// No engine of dataDir may be open here: tests do not run in parallel.
	e, err := Open(other)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := e.Exec(ctx, store.SQL("CREATE DATABASE IF NOT EXISTS reopen")); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e = open(t)
	if err := e.Ping(ctx); err != nil {
		t.Fatalf("Ping after reopening another path: %v", err)
	}
}

func TestContextCheckedBeforeCall(t *testing.T) {
	e := open(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := e.Exec(ctx, store.SQL("SELECT 1")); !errors.Is(err, context.Canceled) {
		t.Fatalf("Exec with cancelled context = %v, want context.Canceled", err)
	}
}

func TestInsertIsSynchronous(t *testing.T) {
	e := open(t)
	ctx := context.Background()
	for _, sql := range []string{
		"CREATE DATABASE IF NOT EXISTS sync_insert",
		"CREATE TABLE IF NOT EXISTS sync_insert.t (id UUID, s String) ENGINE = MergeTree ORDER BY id",
	} {
		if err := e.Exec(ctx, store.SQL(sql)); err != nil {
			t.Fatal(err)
		}
	}
	for round := 1; round <= 3; round++ {
		b := &store.Batch{Table: "sync_insert.t", Columns: []store.Column{
			{Name: "id", Data: []uuid.UUID{uuid.New(), uuid.New()}},
			{Name: "s", Data: []string{"a", "b"}},
		}}
		if err := e.Insert(ctx, b); err != nil {
			t.Fatal(err)
		}
		var n uint64
		scanOne(t, e, "SELECT count() FROM sync_insert.t", &n)
		if n != uint64(2*round) {
			t.Fatalf("round %d: count right after Insert = %d, want %d", round, n, 2*round)
		}
	}
	var setting string
	scanOne(t, e, "SELECT toString(getSetting('async_insert'))", &setting)
	if setting != "false" && setting != "0" {
		t.Fatalf("session async_insert = %q, want off", setting)
	}
}

func TestInsertRejectsRaggedBatch(t *testing.T) {
	e := open(t)
	b := &store.Batch{Table: "x.t", Columns: []store.Column{
		{Name: "a", Data: []string{"1", "2"}},
		{Name: "b", Data: []uint8{1}},
	}}
	if err := e.Insert(context.Background(), b); err == nil || !strings.Contains(err.Error(), "rows") {
		t.Fatalf("Insert of ragged batch = %v, want row count error", err)
	}
	b.Columns[1].Data = []float64{1, 2}
	if err := e.Insert(context.Background(), b); err == nil || !strings.Contains(err.Error(), "unsupported") {
		t.Fatalf("Insert of []float64 = %v, want unsupported type error", err)
	}
}

func TestInsertCleansTempFiles(t *testing.T) {
	e := open(t)
	e.tmpDir = t.TempDir()
	ctx := context.Background()
	if err := e.Exec(ctx, store.SQL("CREATE DATABASE IF NOT EXISTS tmpfiles")); err != nil {
		t.Fatal(err)
	}
	if err := e.Exec(ctx, store.SQL("CREATE TABLE IF NOT EXISTS tmpfiles.t (s String) ENGINE = Memory")); err != nil {
		t.Fatal(err)
	}
	ok := &store.Batch{Table: "tmpfiles.t", Columns: []store.Column{{Name: "s", Data: []string{"x"}}}}
	bad := &store.Batch{Table: "tmpfiles.missing", Columns: []store.Column{{Name: "s", Data: []string{"x"}}}}
	if err := e.Insert(ctx, ok); err != nil {
		t.Fatal(err)
	}
	if err := e.Insert(ctx, bad); store.ServerCode(err) != 60 {
		t.Fatalf("Insert into missing table = %v, want code 60", err)
	}
	left, _ := filepath.Glob(filepath.Join(e.tmpDir, "*"))
	if len(left) != 0 {
		t.Fatalf("temp files left behind: %v", left)
	}
}

func scanOne(t *testing.T, e *Engine, sql string, dest ...any) {
	t.Helper()
	rows, err := e.Query(context.Background(), store.SQL(sql))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if !rows.Next() {
		t.Fatalf("%s: no row (err %v)", sql, rows.Err())
	}
	if err := rows.Scan(dest...); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkInsert5k(b *testing.B) {
	e := open(b)
	ctx := context.Background()
	for _, sql := range []string{
		"CREATE DATABASE IF NOT EXISTS bench",
		"CREATE TABLE IF NOT EXISTS bench.t (id UUID, stored DateTime64(3, 'UTC'), raw String) ENGINE = MergeTree ORDER BY id",
	} {
		if err := e.Exec(ctx, store.SQL(sql)); err != nil {
			b.Fatal(err)
		}
	}
	const n = 5000
	ids, times, raws := make([]uuid.UUID, n), make([]time.Time, n), make([]string, n)
	for i := range raws {
		ids[i], times[i] = uuid.New(), time.Now()
		raws[i] = fmt.Sprintf(`{"id":%q,"pad":%q}`, ids[i], strings.Repeat("x", 1260))
	}
	batch := &store.Batch{Table: "bench.t", Columns: []store.Column{
		{Name: "id", Data: ids}, {Name: "stored", Data: times}, {Name: "raw", Data: raws},
	}}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := e.Insert(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
}

func TestConcurrentUse(t *testing.T) {
	e := open(t)
	ctx := context.Background()
	for _, sql := range []string{
		"CREATE DATABASE IF NOT EXISTS conc",
		"CREATE TABLE IF NOT EXISTS conc.t (g UInt8, s String) ENGINE = MergeTree ORDER BY g",
	} {
		if err := e.Exec(ctx, store.SQL(sql)); err != nil {
			t.Fatal(err)
		}
	}
	const workers, rounds = 4, 10
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		go func(w int) {
			for i := 0; i < rounds; i++ {
				b := &store.Batch{Table: "conc.t", Columns: []store.Column{
					{Name: "g", Data: []uint8{uint8(w)}}, {Name: "s", Data: []string{fmt.Sprint(i)}},
				}}
				if err := e.Insert(ctx, b); err != nil {
					errs <- err
					return
				}
				rows, err := e.Query(ctx, store.SQL("SELECT count() FROM conc.t"))
				if err != nil {
					errs <- err
					return
				}
				_ = rows.Close()
			}
			errs <- nil
		}(w)
	}
	for w := 0; w < workers; w++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	var n uint64
	scanOne(t, e, "SELECT count() FROM conc.t", &n)
	if n != workers*rounds {
		t.Fatalf("count = %d, want %d", n, workers*rounds)
	}
}
