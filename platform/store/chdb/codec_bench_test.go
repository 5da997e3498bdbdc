package chdb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/ClickHouse/ch-go/proto"
	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// Issue 9: "The RowBinary reader duplicates what ch-go/proto, already a
// dependency for inserts, does for reads: use one codec for both directions
// if it is not slower." These benchmarks decode the same result, the shape
// of a page of GET /statements (id, stored, raw of about 1 KiB), and of a
// statement_ids lookup (tenant, id, content hash, stored, batch), in the
// engine's RowBinary reader and in ch-go's Native columns, each scanning
// every row into Go values as Rows.Scan does.
//
//	go test -run '^$' -bench 'Decode' ./store/chdb

const (
	pageSQL = "SELECT generateUUIDv4(number) AS id, toDateTime64('2024-01-01 00:00:00', 3, 'UTC') + number AS stored, " +
		"repeat('x', 1000 + number %% 100) AS raw FROM numbers(%d)"
	idsSQL = "SELECT 'tenant' AS tenant, generateUUIDv4(number) AS id, hex(cityHash64(number)) AS h, " +
		"toDateTime64('2024-01-01 00:00:00', 3, 'UTC') + number AS stored, 'kafka:t:0@1-2' AS batch FROM numbers(%d)"
)

func benchResults(b *testing.B, sqlf string, n int) (rowBinary, native []byte) {
	e := open(b)
	ctx := context.Background()
	q := fmt.Sprintf(sqlf, n)
	var err error
	if rowBinary, err = e.Raw(ctx, q, "RowBinaryWithNamesAndTypes"); err != nil {
		b.Fatal(err)
	}
	if native, err = e.Raw(ctx, q, "Native"); err != nil {
		b.Fatal(err)
	}
	return rowBinary, native
}

func BenchmarkDecodeRowBinary(b *testing.B) {
	for _, c := range []struct {
		name string
		sql  string
		n    int
	}{{"page100", pageSQL, 100}, {"ids5000", idsSQL, 5000}} {
		rb, _ := benchResults(b, c.sql, c.n)
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(rb)))
			for b.Loop() {
				rs, err := newRows(rb)
				if err != nil {
					b.Fatal(err)
				}
				scanAll(b, rs.Next, rs.Scan, len(rs.names), c.n)
			}
		})
	}
}

func BenchmarkDecodeNativeChGo(b *testing.B) {
	for _, c := range []struct {
		name string
		sql  string
		n    int
	}{{"page100", pageSQL, 100}, {"ids5000", idsSQL, 5000}} {
		_, nat := benchResults(b, c.sql, c.n)
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(nat)))
			for b.Loop() {
				rs, err := newNativeRows(nat)
				if err != nil {
					b.Fatal(err)
				}
				scanAll(b, rs.Next, rs.Scan, len(rs.cols), c.n)
			}
		})
	}
}

func scanAll(b *testing.B, next func() bool, scan func(...any) error, cols, want int) {
	var (
		id       uuid.UUID
		s1, s2   string
		stored   time.Time
		raw      []byte
		got      int
		dests    []any
		pageDest = []any{&id, &stored, &raw}
	)
	if cols == 3 {
		dests = pageDest
	} else {
		dests = []any{&s1, &id, &s2, &stored, &s1}
	}
	for next() {
		if err := scan(dests...); err != nil {
			b.Fatal(err)
		}
		got++
	}
	if got != want {
		b.Fatalf("%d rows, want %d", got, want)
	}
}

// nativeRows is a Rows on ch-go's Native columns, for the comparison only:
// the columns of the benchmarks' types, values converted as the RowBinary
// reader converts them, then assigned by the same store.Assign.
type nativeRows struct {
	cols []proto.ColResult
	rows int
	i    int
	vals []any
}

func newNativeRows(buf []byte) (*nativeRows, error) {
	r := proto.NewReader(bytes.NewReader(buf))
	rs := &nativeRows{i: -1}
	for {
		nc, err := r.Int()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		n, err := r.Int()
		if err != nil {
			return nil, err
		}
		if rs.cols != nil && n > 0 {
			return nil, errors.New("benchmark: one block only")
		}
		rs.cols, rs.rows = make([]proto.ColResult, nc), n
		for j := range rs.cols {
			if _, err := r.Str(); err != nil {
				return nil, err
			}
			typ, err := r.Str()
			if err != nil {
				return nil, err
			}
			var auto proto.ColAuto
			if err := auto.Infer(proto.ColumnType(typ)); err != nil {
				return nil, err
			}
			if err := auto.Data.DecodeColumn(r, n); err != nil {
				return nil, err
			}
			rs.cols[j] = auto.Data
		}
	}
	rs.vals = make([]any, len(rs.cols))
	return rs, nil
}

func (rs *nativeRows) Next() bool {
	rs.i++
	if rs.i >= rs.rows {
		return false
	}
	for j, c := range rs.cols {
		switch col := c.(type) {
		case *proto.ColStr:
			rs.vals[j] = col.Row(rs.i)
		case *proto.ColUUID:
			rs.vals[j] = uuid.UUID(col.Row(rs.i))
		case *proto.ColDateTime64:
			rs.vals[j] = col.Row(rs.i).UTC()
		default:
			rs.vals[j] = nil
		}
	}
	return true
}

func (rs *nativeRows) Scan(dest ...any) error {
	for i, d := range dest {
		if err := store.Assign(d, rs.vals[i]); err != nil {
			return err
		}
	}
	return nil
}
