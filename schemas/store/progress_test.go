package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// progressEngine answers every query with fixed consumer_progress rows.
type progressEngine struct {
	Engine
	rows [][3]any // partition, partitions, watermark
	err  error
	q    Query
}

func (e *progressEngine) Query(_ context.Context, q Query) (Rows, error) {
	e.q = q
	if e.err != nil {
		return nil, e.err
	}
	return &sliceRows{rows: e.rows, i: -1}, nil
}

type sliceRows struct {
	rows [][3]any
	i    int
}

func (r *sliceRows) Next() bool { r.i++; return r.i < len(r.rows) }
func (r *sliceRows) Scan(dest ...any) error {
	*dest[0].(*uint32) = r.rows[r.i][0].(uint32)
	*dest[1].(*uint32) = r.rows[r.i][1].(uint32)
	*dest[2].(*time.Time) = r.rows[r.i][2].(time.Time)
	return nil
}
func (r *sliceRows) Err() error   { return nil }
func (r *sliceRows) Close() error { return nil }

func TestConsistentThrough(t *testing.T) {
	ms := func(n int64) time.Time { return time.UnixMilli(n).UTC() }
	for _, tc := range []struct {
		name   string
		rows   [][3]any
		want   time.Time
		wantOK bool
	}{
		{"no rows", nil, time.Time{}, false},
		{"missing partition", [][3]any{{uint32(0), uint32(3), ms(5)}, {uint32(2), uint32(3), ms(7)}}, time.Time{}, false},
		{"min over partitions", [][3]any{{uint32(0), uint32(3), ms(5)}, {uint32(1), uint32(3), ms(3)}, {uint32(2), uint32(3), ms(7)}}, ms(3), true},
		{"partitions grew", [][3]any{{uint32(0), uint32(1), ms(5)}, {uint32(1), uint32(2), ms(9)}}, ms(5), true},
		{"partitions grew, new one silent", [][3]any{{uint32(0), uint32(4), ms(5)}, {uint32(1), uint32(2), ms(9)}}, time.Time{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &progressEngine{rows: tc.rows}
			got, ok, err := ConsistentThrough(context.Background(), e, "db", "topic'x")
			if err != nil || ok != tc.wantOK || !got.Equal(tc.want) {
				t.Fatalf("= %v, %v, %v; want %v, %v", got, ok, err, tc.want, tc.wantOK)
			}
			if v, _ := e.q.Params.Value("topic"); !strings.Contains(e.q.Text, "FINAL") || v != "topic'x" {
				t.Fatalf("query = %+v", e.q)
			}
		})
	}
	e := &progressEngine{err: ErrUnavailable}
	if _, _, err := ConsistentThrough(context.Background(), e, "db", "t"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("err = %v", err)
	}
}
