package storetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/platform/store/chdb"
	"github.com/tributary-lrs/tributary/platform/store/chhttptest"
	"github.com/tributary-lrs/tributary/platform/store/clickhouse"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// chdbDir is the data directory of the process's one chDB session.
var chdbDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "storetest-chdb-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	chdbDir = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

func openChDB(t testing.TB) *chdb.Engine {
	t.Helper()
	e, err := chdb.Open(chdbDir)
	if err != nil {
		t.Fatalf("chdb.Open: %v", err)
	}
	return e
}

func TestChDB(t *testing.T) {
	Run(t, func(t *testing.T) store.Engine { return openChDB(t) })
}

// TestClickHouseHTTP runs the suite through clickhouse-go's HTTP protocol
// against chDB behind chhttptest.
func TestClickHouseHTTP(t *testing.T) {
	backend := openChDB(t)
	defer backend.Close()
	srv, err := chhttptest.New(context.Background(), backend)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	Run(t, func(t *testing.T) store.Engine {
		e, err := clickhouse.Open(ctx(t), clickhouse.Options{Addr: []string{srv.Addr()}, Protocol: "http", MaxOpenConns: 2})
		if err != nil {
			t.Fatalf("clickhouse.Open: %v", err)
		}
		return e
	})
	inserts := 0
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r.SQL, "INSERT INTO") && strings.HasSuffix(r.SQL, "FORMAT Native") {
			inserts++
			if r.Settings["async_insert"] != "0" {
				t.Errorf("batch insert %q sent async_insert=%q, want 0", r.SQL, r.Settings["async_insert"])
			}
		}
	}
	if inserts == 0 {
		t.Error("no batch insert reached the server")
	}
}

// TestClickHouseNative runs the suite against a real server when
// TRIBUTARY_TEST_CLICKHOUSE_ADDR (host:port of the native protocol) is set.
func TestClickHouseNative(t *testing.T) {
	addr := os.Getenv("TRIBUTARY_TEST_CLICKHOUSE_ADDR")
	if addr == "" {
		t.Skip("TRIBUTARY_TEST_CLICKHOUSE_ADDR not set")
	}
	Run(t, func(t *testing.T) store.Engine {
		e, err := clickhouse.Open(ctx(t), clickhouse.Options{
			Addr:     strings.Split(addr, ","),
			Username: os.Getenv("TRIBUTARY_TEST_CLICKHOUSE_USER"),
			Password: os.Getenv("TRIBUTARY_TEST_CLICKHOUSE_PASSWORD"),
		})
		if err != nil {
			t.Fatalf("clickhouse.Open(%s): %v", addr, err)
		}
		return e
	})
}

func TestClickHouseUnreachableIsUnavailable(t *testing.T) {
	for _, proto := range []string{"native", "http"} {
		_, err := clickhouse.Open(context.Background(), clickhouse.Options{
			Addr: []string{"127.0.0.1:1"}, Protocol: proto, DialTimeout: 2 * time.Second,
		})
		if !errors.Is(err, store.ErrUnavailable) {
			t.Errorf("%s: Open of a closed port = %v, want ErrUnavailable", proto, err)
		}
	}
}

// BenchmarkChDBStatementsIn measures inserts of 5k statements of ~1.3 KB
// through statements_in and its materialized views.
func BenchmarkChDBStatementsIn(b *testing.B) {
	e := openChDB(b)
	defer e.Close()
	c := context.Background()
	db := Database(b)
	if _, err := store.Migrate(c, e, db); err != nil {
		b.Fatal(err)
	}
	const n = 5000
	in := make([]stmt, n)
	for i := range in {
		in[i] = stmt{id: uuid.New(), registration: uuid.New(), verb: "http://adlnet.gov/expapi/verbs/completed",
			objectType: "Activity", objectID: fmt.Sprintf("https://example.com/act/%d", i%100),
			agents:    []string{fmt.Sprintf("mbox:mailto:user%d@example.com", i%1000)},
			relAgents: []string{fmt.Sprintf("mbox:mailto:user%d@example.com", i%1000)}, relActivities: []string{"https://example.com/course"}}
	}
	batch := statementsBatch(store.Table(db, "statements_in"), in, time.Now())
	raw := batch.Columns[len(batch.Columns)-1].Data.([]string)
	for i := range raw {
		raw[i] += strings.Repeat(" ", 1300-len(raw[i]))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := e.Insert(c, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
}
