// Package storetest is the conformance suite every store.Engine must pass:
// the same DDL, inserts, scans, literals, errors and migrations on chDB and
// on a ClickHouse server.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// Run runs the suite. open returns a fresh Engine for one subtest; the suite
// closes it. Every subtest works in a database of its own.
func Run(t *testing.T, open func(t *testing.T) store.Engine) {
	tests := []struct {
		name string
		fn   func(t *testing.T, e store.Engine, db string)
	}{
		{"PingAndClose", testPingAndClose},
		{"ExecDDL", testExecDDL},
		{"InsertAndScanEveryType", testInsertAndScanEveryType},
		{"InsertNestedArrays", testInsertNestedArrays},
		{"ScanConversions", testScanConversions},
		{"ScanRejectsBadDestinations", testScanRejects},
		{"StringsRoundTripExactly", testStringsRoundTrip},
		{"Issue9_ValuesRoundTripAsParameters", testParamsRoundTrip},
		{"Issue9_PlaceholderInsideAValueStaysText", testPlaceholderInValue},
		{"Issue9_MissingParameterIsAnError", testMissingParam},
		{"SyntaxErrorIsServerError62", testSyntaxError},
		{"UnknownTableIsServerError", testUnknownTable},
		{"MigrateIsIdempotent", testMigrate},
		{"CursorKeyGeneratedOnce", testCursorKey},
		{"StatementsInFeedsEveryTable", testStatementsIn},
		{"IndexRowsMirrorTheView", testIndexRowsMirrorTheView},
		{"IndexAuthorityBackfill", testIndexAuthorityBackfill},
		{"DedupTokenStoresABatchOnce", testDedupTokenStoresABatchOnce},
		{"DedupTokenRepairsAPartialInsert", testDedupTokenRepairsAPartialInsert},
		{"BatchWritesTheLatestNamesAndParts", testBatchWritesTheLatestNamesAndParts},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := open(t)
			t.Cleanup(func() { _ = e.Close() })
			// Each case has its own database, left in place: a DROP can hang
			// chDB 26.5, and the data directory is removed after the run.
			tc.fn(t, e, Database(t))
		})
	}
}

var dbSeq atomic.Int64

// Database returns a database name unique in the process, derived from the
// test name (chDB is one instance per process, shared by every test).
func Database(t testing.TB) string {
	var b strings.Builder
	b.WriteString("st")
	for _, r := range strings.ToLower(t.Name()) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	name := b.String()
	if len(name) > 60 {
		name = name[:60]
	}
	return fmt.Sprintf("%s_%d", name, dbSeq.Add(1))
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}

func exec(t *testing.T, e store.Engine, sqls ...string) {
	t.Helper()
	for _, sql := range sqls {
		execQ(t, e, store.SQL(sql))
	}
}

func execQ(t *testing.T, e store.Engine, qs ...store.Query) {
	t.Helper()
	for _, q := range qs {
		if err := e.Exec(ctx(t), q); err != nil {
			t.Fatalf("Exec(%.200s): %v", q.Text, err)
		}
	}
}

func createDB(t *testing.T, e store.Engine, db string) {
	t.Helper()
	exec(t, e, "CREATE DATABASE IF NOT EXISTS "+store.Ident(db))
}

// queryRows runs sql and calls scan for every row.
func queryRows(t *testing.T, e store.Engine, sql string, scan func(r store.Rows) error) {
	t.Helper()
	queryRowsQ(t, e, store.SQL(sql), scan)
}

// queryRowsQ runs q and calls scan for every row.
func queryRowsQ(t *testing.T, e store.Engine, q store.Query, scan func(r store.Rows) error) {
	t.Helper()
	sql := q.Text
	rows, err := e.Query(ctx(t), q)
	if err != nil {
		t.Fatalf("Query(%.200s): %v", sql, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			t.Fatalf("Scan(%.200s): %v", sql, err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("Rows.Err(%.200s): %v", sql, err)
	}
	if err := rows.Close(); err != nil {
		t.Fatalf("Rows.Close(%.200s): %v", sql, err)
	}
}

// queryOne scans the single row of sql into dest.
func queryOne(t *testing.T, e store.Engine, sql string, dest ...any) {
	t.Helper()
	queryOneQ(t, e, store.SQL(sql), dest...)
}

// queryOneQ scans the single row of q into dest.
func queryOneQ(t *testing.T, e store.Engine, q store.Query, dest ...any) {
	t.Helper()
	sql := q.Text
	n := 0
	queryRowsQ(t, e, q, func(r store.Rows) error {
		n++
		return r.Scan(dest...)
	})
	if n != 1 {
		t.Fatalf("Query(%.200s): %d rows, want 1", sql, n)
	}
}

func testPingAndClose(t *testing.T, e store.Engine, _ string) {
	if err := e.Ping(ctx(t)); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

func testExecDDL(t *testing.T, e store.Engine, db string) {
	createDB(t, e, db)
	tbl := store.Table(db, "ddl")
	exec(t, e,
		"CREATE TABLE "+tbl+" (k UInt64, v String) ENGINE = MergeTree ORDER BY k",
		"ALTER TABLE "+tbl+" ADD COLUMN w UInt8 DEFAULT 7",
		"INSERT INTO "+tbl+" (k, v) SETTINGS async_insert = 0 VALUES (1, 'one')",
	)
	var k uint64
	var v string
	var w uint8
	queryOne(t, e, "SELECT k, v, w FROM "+tbl, &k, &v, &w)
	if k != 1 || v != "one" || w != 7 {
		t.Fatalf("got (%d, %q, %d), want (1, \"one\", 7)", k, v, w)
	}
	var n uint64
	queryOneQ(t, e, store.Query{Text: "SELECT count() FROM system.tables WHERE database = {db:String} AND name = 'ddl'",
		Params: store.Params{{Name: "db", Value: db}}}, &n)
	if n != 1 {
		t.Fatalf("system.tables count = %d, want 1", n)
	}
	// No DROP: on chDB 26.5 a DROP can hang the session (see package chdb).
	exec(t, e, "ALTER TABLE "+tbl+" ADD COLUMN IF NOT EXISTS extra String")
	if err := e.Exec(ctx(t), store.SQL("CREATE TABLE "+tbl+" (k UInt64) ENGINE = NoSuchEngine")); store.ServerCode(err) == 0 {
		t.Fatalf("CREATE TABLE with an unknown engine = %v, want *store.ServerError", err)
	}
}

func testSyntaxError(t *testing.T, e store.Engine, _ string) {
	checks := map[string]error{
		"Exec":  e.Exec(ctx(t), store.SQL("SELEC 1")),
		"Query": queryErr(t, e, "SELEC 1"),
	}
	for op, err := range checks {
		var se *store.ServerError
		if !errors.As(err, &se) || se.Code != 62 {
			t.Errorf("%s(SELEC 1) = %v, want *store.ServerError code 62", op, err)
			continue
		}
		if se.Name != "SYNTAX_ERROR" {
			t.Errorf("%s(SELEC 1) name = %q, want SYNTAX_ERROR", op, se.Name)
		}
		if store.IsTransient(err) {
			t.Errorf("%s(SELEC 1) classified as transient", op)
		}
	}
}

func testUnknownTable(t *testing.T, e store.Engine, db string) {
	createDB(t, e, db)
	err := queryErr(t, e, "SELECT * FROM "+store.Table(db, "missing"))
	if code := store.ServerCode(err); code != 60 {
		t.Fatalf("SELECT from a missing table = %v (code %d), want code 60 UNKNOWN_TABLE", err, code)
	}
	err = queryErr(t, e, "SELECT * FROM "+store.Table(db+"_nodb", "missing"))
	if code := store.ServerCode(err); code != 81 {
		t.Fatalf("SELECT from a missing database = %v (code %d), want code 81 UNKNOWN_DATABASE", err, code)
	}
}

// queryErr runs a query and returns its error, including one reported while
// reading the rows.
func queryErr(t *testing.T, e store.Engine, sql string) error {
	return queryErrQ(t, e, store.SQL(sql))
}

func queryErrQ(t *testing.T, e store.Engine, q store.Query) error {
	sql := q.Text
	rows, err := e.Query(ctx(t), q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
	}
	if err := rows.Err(); err != nil {
		return err
	}
	t.Fatalf("Query(%s) succeeded, want an error", sql)
	return nil
}
