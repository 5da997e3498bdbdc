package store

import (
	"context"
	"errors"
	"testing"
)

// stringsEngine answers every query with one string column, then err.
type stringsEngine struct {
	Engine
	values  []any // string, or an error Scan returns
	err     error
	queried error
	closed  bool
}

func (e *stringsEngine) Query(context.Context, Query) (Rows, error) {
	if e.queried != nil {
		return nil, e.queried
	}
	return &stringRows{e: e, i: -1}, nil
}

type stringRows struct {
	e *stringsEngine
	i int
}

func (r *stringRows) Next() bool { r.i++; return r.i < len(r.e.values) }
func (r *stringRows) Scan(dest ...any) error {
	if err, ok := r.e.values[r.i].(error); ok {
		return err
	}
	return Assign(dest[0], r.e.values[r.i])
}
func (r *stringRows) Err() error   { return r.e.err }
func (r *stringRows) Close() error { r.e.closed = true; return nil }

func TestEachRow_CallsRowForEveryRowWithFreshValues(t *testing.T) {
	e := &stringsEngine{values: []any{"a", "bc"}}
	var b []byte
	var got [][]byte
	if err := EachRow(context.Background(), e, SQL("SELECT"), func() { got = append(got, b) }, &b); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || string(got[0]) != "a" || string(got[1]) != "bc" || !e.closed {
		t.Fatalf("rows %q, closed %v: want [a bc], closed", got, e.closed)
	}
}

func TestEachRow_ReturnsEveryErrorAndCloses(t *testing.T) {
	errQuery, errScan, errRows := errors.New("query"), errors.New("scan"), errors.New("rows")
	var s string
	calls := 0
	row := func() { calls++ }
	if err := EachRow(context.Background(), &stringsEngine{queried: errQuery}, SQL("SELECT"), row, &s); !errors.Is(err, errQuery) {
		t.Fatalf("query failure: %v", err)
	}
	e := &stringsEngine{values: []any{"a", errScan, "b"}}
	if err := EachRow(context.Background(), e, SQL("SELECT"), row, &s); !errors.Is(err, errScan) || calls != 1 || !e.closed {
		t.Fatalf("scan failure: %v after %d rows (closed %v), want it after 1, closed", err, calls, e.closed)
	}
	e = &stringsEngine{values: []any{"a"}, err: errRows}
	if err := EachRow(context.Background(), e, SQL("SELECT"), row, &s); !errors.Is(err, errRows) || !e.closed {
		t.Fatalf("rows failure: %v (closed %v)", err, e.closed)
	}
}
