package chdb

import (
	"errors"
	"fmt"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// rows iterates over a RowBinaryWithNamesAndTypes result held in memory.
type rows struct {
	r      reader
	names  []string
	decs   []decoder
	values []any
	err    error
	closed bool
}

func newRows(buf []byte) (*rows, error) {
	rs := &rows{r: reader{buf: buf}}
	if len(buf) == 0 { // statements without a result set
		return rs, nil
	}
	n, err := rs.r.uvarint()
	if err != nil {
		return nil, fmt.Errorf("read column count: %w", err)
	}
	if n > uint64(len(buf)) {
		return nil, fmt.Errorf("read header: %w", errShort)
	}
	rs.names = make([]string, n)
	for i := range rs.names {
		if rs.names[i], err = rs.r.str(); err != nil {
			return nil, fmt.Errorf("read column name: %w", err)
		}
	}
	rs.decs = make([]decoder, n)
	for i := range rs.decs {
		t, err := rs.r.str()
		if err != nil {
			return nil, fmt.Errorf("read column type: %w", err)
		}
		if rs.decs[i], err = decoderFor(t); err != nil {
			return nil, fmt.Errorf("column %s: %w", rs.names[i], err)
		}
	}
	rs.values = make([]any, n)
	return rs, nil
}

func (rs *rows) Next() bool {
	if rs.closed || rs.err != nil || rs.r.off >= len(rs.r.buf) {
		return false
	}
	for i, dec := range rs.decs {
		v, err := dec(&rs.r)
		if err != nil {
			rs.err = fmt.Errorf("decode column %s: %w", rs.names[i], err)
			return false
		}
		rs.values[i] = v
	}
	return true
}

func (rs *rows) Scan(dest ...any) error {
	if rs.closed {
		return errors.New("chdb: scan on closed rows")
	}
	if len(dest) != len(rs.values) {
		return fmt.Errorf("chdb: scan: %d destinations for %d columns", len(dest), len(rs.values))
	}
	for i, d := range dest {
		if err := store.Assign(d, rs.values[i]); err != nil {
			return fmt.Errorf("chdb: scan column %s: %w", rs.names[i], err)
		}
	}
	return nil
}

func (rs *rows) Err() error { return rs.err }

func (rs *rows) Close() error {
	rs.closed = true
	rs.r.buf = nil
	return nil
}
